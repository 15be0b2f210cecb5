#!/usr/bin/env bash
# valgrind over N parses (default 100 000) through the libphonenumber shim, built as plain C++ from the shim's own
# source with scripts/phone-leak-harness.c. `make test` runs valgrind over 2 000 parses through the Swift wrapper
# and LeakSanitizer over 100 000; this is the long valgrind run (about 1.5 ms of CPU per parse under valgrind:
# some 160 s for 100 000, many minutes of wall clock on a busy machine), run by `make leakcheck`.
# Exits non-zero when valgrind finds memory definitely or indirectly lost.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${1:-100000}
WORK=$(mktemp -d /tmp/phone-leak.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
c++ -O1 -g -I Sources/CPhoneNumber/include -x c++ scripts/phone-leak-harness.c -x none Sources/CPhoneNumber/CPhoneNumber.cpp \
    -lphonenumber -o "$WORK/harness"
start=$(date +%s)
valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=97 "$WORK/harness" "$COUNT" \
    2> "$WORK/valgrind.log"
grep -E "definitely lost|indirectly lost|ERROR SUMMARY" "$WORK/valgrind.log" | sed 's/^==[0-9]*== *//'
echo "valgrind over $COUNT parses: $(( $(date +%s) - start )) s wall clock"
