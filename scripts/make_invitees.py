#!/usr/bin/env python3
"""Writes Fixtures/invitees.csv: 200 data rows, 15 of them not sendable (expected: sent 185, skipped 3, failed 12).

Invalid: 5 bad emails, 4 bad phones, 3 rows with neither email nor phone (failed), 3 exact duplicates of earlier
rows (skipped: already invited). Valid rows mix email only, phone only and both; names carry quoted commas,
quotes, accents, CJK and emoji; the file starts with a UTF-8 byte-order mark and uses CRLF.
"""
import csv
import io

first = ["Ana", "Zoë", "José", "Søren", "Chloé", "Mårten", "李", "Łukasz", "Amélie", "Nikolai", "Ayşe", "Björk"]
last = ["Smith, Jr.", "O'Brien", 'Lee "Lucky"', "Núñez", "田中", "Kowalski", "Dubois", "Müller", "Nguyen 😀"]
rows = []
for i in range(185):
    name = f"{first[i % len(first)]} {last[i % len(last)]} {i}"
    email = f"patient{i}@example.com" if i % 5 != 4 else ""
    phone = f"(217) 555-{1000 + i:04d}" if i % 3 == 0 or i % 5 == 4 else ""
    if i % 7 == 0 and email:
        email = f"Patient{i}@Bücher.example"  # IDN domain, mixed case
    rows.append([name, email, phone])
bad = [
    ["Bad Email 1", "not-an-address", ""],
    ["Bad Email 2", "two@@example.com", ""],
    ["Bad Email 3", "dots..twice@example.com", ""],
    ["Bad Email 4", "nodomain@localhost", ""],
    ["Bad Email 5", "space in@example.com", ""],
    ["Bad Phone 1", "", "12345"],
    ["Bad Phone 2", "", "(117) 555-0100"],
    ["Bad Phone 3", "", "+999 1234 5678"],
    ["Bad Phone 4", "", "555-CALL-NOW"],
    ["Nobody, Really", "", ""],
    ["", "", ""],
    ["Only A Name", "  ", " "],
]
dups = [rows[10][:], rows[20][:], rows[30][:]]
# Interleave the bad and duplicate rows through the file.
out = rows[:]
for n, row in enumerate(bad + dups):
    out.insert(12 * n + 5, row)
assert len(out) == 200
buffer = io.StringIO()
writer = csv.writer(buffer, lineterminator="\r\n")
writer.writerow(["name", "email", "phone"])
writer.writerows(out)
# The ["", "", ""] row must stay a row (csv writes ",,"), so it is reported, not silently dropped.
open("Fixtures/invitees.csv", "w", encoding="utf-8-sig", newline="").write(buffer.getvalue())
