#!/usr/bin/env python3
"""Decode QR codes in image files with zxing-cpp and print one JSON object per file.

Usage: decode_qr.py FILE...
Output: a JSON array, one entry per file in argument order:
  {"path": FILE, "ok": true, "hex": "<decoded bytes as hex>", "text": "<bytes as UTF-8>"}
  {"path": FILE, "ok": false, "error": "<why>"}
Images with alpha are composited onto white first (as a viewer or a printed page would show them).
Exit status: 0 when every file decoded, 1 otherwise, 2 on bad usage.
"""
import json
import sys

import zxingcpp
from PIL import Image


def decode(path):
    try:
        image = Image.open(path)
        image.load()
        if image.mode in ("P", "LA", "RGBA", "PA") or "transparency" in image.info:
            rgba = image.convert("RGBA")
            white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
            image = Image.alpha_composite(white, rgba)
        image = image.convert("L")
        results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        if not results:
            return {"path": path, "ok": False, "error": "no QR code found"}
        raw = bytes(results[0].bytes)
        return {"path": path, "ok": True, "hex": raw.hex(), "text": raw.decode("utf-8", errors="replace")}
    except Exception as error:  # report per file, keep going
        return {"path": path, "ok": False, "error": f"{type(error).__name__}: {error}"}


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    results = [decode(path) for path in paths]
    json.dump(results, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0 if all(result["ok"] for result in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
