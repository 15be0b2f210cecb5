#!/usr/bin/env python3
"""Parse invitation emails with Python's standard `email` package and print what a mail client would see, as JSON.

Usage: parse_email.py MESSAGE_FILE [PNG_OUT]
Prints {"from_name", "from_addr", "to_name", "to_addr", "subject", "date", "message_id", "content_type",
"related_type", "alternatives": [...], "text", "html", "image_cid", "html_cids", "max_line", "defects"}.
With PNG_OUT, the inline image is written there (for zbarimg).
"""
import json
import re
import sys
from email import message_from_bytes, policy


def main():
    raw = open(sys.argv[1], "rb").read()
    msg = message_from_bytes(raw, policy=policy.default)
    out = {
        "from_name": msg["From"].addresses[0].display_name,
        "from_addr": msg["From"].addresses[0].addr_spec,
        "to_name": msg["To"].addresses[0].display_name,
        "to_addr": msg["To"].addresses[0].addr_spec,
        "subject": str(msg["Subject"]),
        "date": str(msg["Date"]),
        "message_id": str(msg["Message-ID"]),
        "content_type": msg.get_content_type(),
        "related_type": msg.get_param("type"),
        "max_line": max(len(line) for line in raw.replace(b"\r\n", b"\n").split(b"\n")),
        "ascii_only": all(b < 128 for b in raw),
        "defects": [type(d).__name__ for part in msg.walk() for d in part.defects],
    }
    parts = list(msg.iter_parts())
    alternative = parts[0]
    out["alternatives"] = [p.get_content_type() for p in alternative.iter_parts()]
    out["charsets"] = [p.get_content_charset() for p in alternative.iter_parts()]
    out["text"] = alternative.get_body(("plain",)).get_content()
    out["html"] = alternative.get_body(("html",)).get_content()
    image = parts[1]
    out["image_type"] = image.get_content_type()
    out["image_disposition"] = image.get_content_disposition()
    out["image_cid"] = image["Content-ID"].strip("<>")
    out["html_cids"] = re.findall(r'src="cid:([^"]+)"', out["html"])
    if len(sys.argv) > 2:
        open(sys.argv[2], "wb").write(image.get_content())
    print(json.dumps(out))


if __name__ == "__main__":
    main()
