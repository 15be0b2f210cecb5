"""PNG sizes from segno for the texts in a file, one per line: `segno <scale-8 bytes> <scale-6 bytes> <text>`.

Level M without segno's error-level boost, margin 4, segno's own PNG writer (zlib level 9): the same text, level,
scale and margin as SpruceQR's served (scale 8) and emailed (scale 6) images. Used by Benchmarks/run-qr.sh.
"""
import io
import sys

import segno


def size(code, scale):
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4)
    return len(out.getvalue())


with open(sys.argv[1], encoding="utf-8") as texts:
    for line in texts:
        text = line.rstrip("\r\n")
        if text:
            code = segno.make(text, error="m", boost_error=False, micro=False)
            print(f"segno {size(code, 8)} {size(code, 6)} {text}")
