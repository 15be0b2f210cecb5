#!/usr/bin/env python3
"""Decode every QR code in each image file with zxing-cpp; print one JSON array of text lists.

Usage: decode_all_qr.py FILE...
Output: a JSON array, one entry per file in argument order: {"path": FILE, "texts": [TEXT, ...]} with the
decoded texts in the order zxing-cpp found them (empty when none), or {"path": FILE, "error": "<why>"}.
Used for print sheets, which hold up to ten codes per page. Exit status: 0, or 2 on bad usage.
"""
import json
import sys

import zxingcpp
from PIL import Image


def decode(path):
    try:
        image = Image.open(path).convert("L")
        results = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
        return {"path": path, "texts": [bytes(result.bytes).decode("utf-8", errors="replace") for result in results]}
    except Exception as error:  # report per file, keep going
        return {"path": path, "error": f"{type(error).__name__}: {error}"}


def main(paths):
    if not paths:
        print(__doc__, file=sys.stderr)
        return 2
    json.dump([decode(path) for path in paths], sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
