#!/usr/bin/env python3
"""Cut a rasterized business-card sheet into its ten cards, as the crop marks show, for decoders to read one
card at a time (zbar's whole-page scan can lose one of ten identical codes aligned in a grid; a phone reads one
cut card).

Usage: cut_cards.py PNG DPI PAGE_WIDTH_MM PAGE_HEIGHT_MM OUTPUT_PREFIX
Cards are 85 x 55 mm, two across and five down, centered on the page (SprucePrint's cards layout).
Writes OUTPUT_PREFIX-ROW-COLUMN.png and prints their paths, one per line.
"""
import sys

from PIL import Image


def main(arguments):
    if len(arguments) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    path, dpi, width, height, prefix = arguments[0], float(arguments[1]), float(arguments[2]), float(arguments[3]), arguments[4]
    image = Image.open(path)
    scale = dpi / 25.4
    left, top = (width - 170) / 2, (height - 275) / 2
    for row in range(5):
        for column in range(2):
            x, y = left + column * 85, top + row * 55
            box = (round(x * scale), round(y * scale), round((x + 85) * scale), round((y + 55) * scale))
            output = f"{prefix}-{row}-{column}.png"
            image.crop(box).save(output)
            print(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
