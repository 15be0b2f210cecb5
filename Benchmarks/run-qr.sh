#!/usr/bin/env bash
# QR benchmark: the Swift path (SpruceQR: encode + PNG in memory) against the C floor (libqrencode + libpng
# called directly, Benchmarks/qr_floor.c), same texts, same libpng/zlib settings. Runs each ROUNDS times,
# alternating, and reports the medians of process CPU time per code (other work on a shared machine does not
# count). Expects `swift build -c release --product QRBenchmark` to have run (make bench does it).
set -euo pipefail
cd "$(dirname "$0")/.."

COUNT=${QR_BENCH_COUNT:-10000}
ROUNDS=${QR_BENCH_ROUNDS:-7}
SWIFT_BIN=${QR_BENCH_SWIFT:-$(swift build -c release --show-bin-path)/QRBenchmark}
C_BIN=.build/qr_floor

mkdir -p .build
# shellcheck disable=SC2046
cc -O2 -o "$C_BIN" Benchmarks/qr_floor.c $(pkg-config --cflags --libs libqrencode libpng)
[ -x "$SWIFT_BIN" ] || { echo "missing $SWIFT_BIN: run swift build -c release --product QRBenchmark" >&2; exit 1; }

value() { sed -n "s/^$1=//p" <<<"$2"; }
minimum() { tr ' ' '\n' | sed '/^$/d' | sort -g | head -1; }
median() { tr ' ' '\n' | sed '/^$/d' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

c_runs="" swift_runs="" encode_runs="" pngonly_runs="" terminal_runs="" svg_runs=""
for round in $(seq "$ROUNDS"); do
    # Alternate which program goes first, so neither always runs on a warmer (or busier) machine.
    if (( round % 2 )); then
        c_out=$("$C_BIN" "$COUNT"); swift_out=$("$SWIFT_BIN" "$COUNT")
    else
        swift_out=$("$SWIFT_BIN" "$COUNT"); c_out=$("$C_BIN" "$COUNT")
    fi
    c_runs+=" $(value c_png_us "$c_out")"
    swift_runs+=" $(value swift_png_us "$swift_out")"
    encode_runs+=" $(value swift_encode_us "$swift_out")"
    pngonly_runs+=" $(value swift_png_only_us "$swift_out")"
    terminal_runs+=" $(value swift_terminal_us "$swift_out")"
    svg_runs+=" $(value swift_svg_us "$swift_out")"
    printf 'round %d: C %.1f µs, Swift %.1f µs\n' "$round" "$(value c_png_us "$c_out")" "$(value swift_png_us "$swift_out")"
done

c=$(median <<<"$c_runs"); swift=$(median <<<"$swift_runs")
echo
echo "QR benchmark: $COUNT codes 'https://spruce.care/1NNNNN', level M (version $(value version "$swift_out")), PNG 1-bit scale 8 margin 4, in memory"
echo "settings (both): zlib level 1, default strategy, filter None, memLevel 4"
echo "median of $ROUNDS alternating runs, process CPU time per code:"
printf '  C floor (libqrencode + libpng)  %8.1f µs/code   (%s bytes/PNG)\n' "$c" "$(value png_bytes "$c_out")"
printf '  Swift SpruceQR encode + PNG     %8.1f µs/code   (%s bytes/PNG)\n' "$swift" "$(value png_bytes "$swift_out")"
printf '    of which encode               %8.1f µs/code\n' "$(median <<<"$encode_runs")"
printf '    of which PNG render           %8.1f µs/code\n' "$(median <<<"$pngonly_runs")"
printf '  ratio Swift / C                 %8.2f x   (median)\n' "$(awk -v s="$swift" -v c="$c" 'BEGIN {print s / c}')"
c_min=$(minimum <<<"$c_runs"); swift_min=$(minimum <<<"$swift_runs")
printf '  fastest runs: C %.1f, Swift %.1f µs/code, ratio %.2f x\n' "$c_min" "$swift_min" \
    "$(awk -v s="$swift_min" -v c="$c_min" 'BEGIN {print s / c}')"
printf '  terminal renderer (half blocks) %8.1f µs/code (render only)\n' "$(median <<<"$terminal_runs")"
printf '  SVG renderer                    %8.1f µs/code (render only)\n' "$(median <<<"$svg_runs")"

# Instruction counts (callgrind) are not disturbed by other work on the machine: a second, noise-free ratio.
# Each program runs its 200-code warm-up plus IR_COUNT codes; the difference of two counts cancels start-up.
if command -v valgrind >/dev/null; then
    IR_COUNT=${QR_BENCH_IR_COUNT:-1000}
    instructions() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : //p'; }
    c_small=$(instructions "$C_BIN" 100); c_large=$(instructions "$C_BIN" $((IR_COUNT + 100)))
    s_small=$(QR_BENCH_PNG_ONLY=1 instructions "$SWIFT_BIN" 100); s_large=$(QR_BENCH_PNG_ONLY=1 instructions "$SWIFT_BIN" $((IR_COUNT + 100)))
    c_ir=$(( (c_large - c_small) / IR_COUNT )); s_ir=$(( (s_large - s_small) / IR_COUNT ))
    echo "instructions per code (callgrind, $IR_COUNT codes):"
    printf '  C floor %d, Swift %d, ratio Swift / C %.3f x\n' "$c_ir" "$s_ir" "$(awk -v s="$s_ir" -v c="$c_ir" 'BEGIN {print s / c}')"
fi
