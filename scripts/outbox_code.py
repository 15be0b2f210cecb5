#!/usr/bin/env python3
"""The newest one-time code the server delivered to an address, read from its outbox as the person would read it:
an email in the Maildir's new/ (quoted-printable decoded) or a line of texts.jsonl.

usage: outbox_code.py OUTBOX ADDRESS      (also importable: latest_code(outbox, address))
"""
import email
import email.policy
import json
import os
import re
import sys


def messages(outbox, address):
    if "@" in address:
        folder = os.path.join(outbox, "new")
        found = []
        for name in os.listdir(folder) if os.path.isdir(folder) else []:
            if ".SA" not in name:
                continue
            with open(os.path.join(folder, name), "rb") as handle:
                message = email.message_from_binary_file(handle, policy=email.policy.default)
            if address.lower() in str(message["To"]).lower():
                body = message.get_body(preferencelist=("plain",))
                found.append((os.path.getmtime(os.path.join(folder, name)), name, body.get_content()))
        return [text for _, _, text in sorted(found)]
    path = os.path.join(outbox, "texts.jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return [r["body"] for r in records if r.get("to") == address and "kind" in r]


def latest_code(outbox, address):
    for text in reversed(messages(outbox, address)):
        match = re.search(r"code(?: is|:) (\d{6})", text)
        if match:
            return match.group(1)
    raise SystemExit(f"no code delivered to {address} in {outbox}")


if __name__ == "__main__":
    print(latest_code(sys.argv[1], sys.argv[2]))
