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

# PNG sizes of the images sent many times (served from the server's cache at scale 8, inlined in emails at scale 6)
# against segno's for the same text, level M, scale and margin 4; the batch/file path keeps the fast setting.
texts=$(mktemp)
trap 'rm -f "$texts"' EXIT
printf '%s\n' "https://spruce.care/100000" "https://spruce.care/1234567" "https://spruce.care/48271639" \
    "https://spruce.care/oak-street-pediatrics" "https://spruce.care/i/ABCDEFGHJKLMNPQRSTUVWXYZ23" \
    "https://spruce.care/elan-pediatrie-and-family-medicine-of-the-valley" >"$texts"
ours=$("$SWIFT_BIN" --sizes "$texts")
theirs=$(python3 Benchmarks/segno_sizes.py "$texts")
echo
echo "PNG sizes, level M, margin 4 (bytes): SpruceQR served/emailed (zlib 9, Z_FILTERED, no filter, 512-byte window)"
echo "against segno $(python3 -c 'import segno; print(segno.__version__)') for the same text; fast = batch/file setting"
printf '  %-70s %7s %7s %7s %7s %7s\n' text served segno emailed segno fast
worse=0
while read -r _ served emailed fast text && read -r _ s8 s6 _ <&3; do
    printf '  %-70s %7d %7d %7d %7d %7d\n' "$text" "$served" "$s8" "$emailed" "$s6" "$fast"
    (( served <= s8 && emailed <= s6 )) || worse=$((worse + 1))
done <<<"$ours" 3<<<"$theirs"
if (( worse == 0 )); then echo "  every served and emailed PNG is no larger than segno's (target met)"
else echo "  $worse text(s) larger than segno's (target: none)"; fi

# A 10 000-code PNG batch to files: `sprucelink qr --batch` (every core) against the one-thread C floor writing the
# same files (qr_floor --files: libqrencode + libpng with the same settings, plain fopen/fwrite), wall time of the
# whole process, median of alternating runs. Needs `swift build -c release --product sprucelink`.
CLI_BIN=${QR_BENCH_CLI:-$(dirname "$SWIFT_BIN")/sprucelink}
if [ -x "$CLI_BIN" ]; then
    batch_dir=$(mktemp -d)
    trap 'rm -f "$texts"; rm -rf "$batch_dir"' EXIT
    for i in $(seq 0 $((COUNT - 1))); do printf 'https://spruce.care/1%05d\n' "$i"; done >"$batch_dir/texts.txt"
    wall() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN {print b - a}'; }
    c_walls="" swift_walls="" one_walls="" runs=0
    # Files deleted in the last seconds make ext4 (without a journal, as here) check every freed inode while it
    # allocates new ones, which slowed whichever run came after a deletion by seconds: each run writes into a
    # folder of its own, and all are deleted at the end.
    fresh() { runs=$((runs + 1)); out="$batch_dir/run-$runs"; mkdir -p "$out"; sync; }
    run_c() { fresh; c_walls+=" $(wall "$C_BIN" --files "$batch_dir/texts.txt" "$out")"; }
    run_swift() { fresh; swift_walls+=" $(wall "$CLI_BIN" qr --batch "$batch_dir/texts.txt" --output-dir "$out")"; }
    run_one() { fresh; one_walls+=" $(wall "$CLI_BIN" qr --batch "$batch_dir/texts.txt" --output-dir "$out" --jobs 1)"; }
    for round in $(seq "${QR_BENCH_BATCH_ROUNDS:-3}"); do
        if (( round % 2 )); then run_c; run_swift; run_one; else run_one; run_swift; run_c; fi
    done
    c_wall=$(median <<<"$c_walls"); swift_wall=$(median <<<"$swift_walls"); one_wall=$(median <<<"$one_walls")
    echo
    echo "batch to files: $COUNT PNGs (scale 8, margin 4, fast setting), wall time, median of ${QR_BENCH_BATCH_ROUNDS:-3} rounds, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '  C floor, one thread               %8.2f s\n' "$c_wall"
    printf '  sprucelink qr --batch (all cores) %8.2f s   ratio %.2f x C (target <= 0.6)\n' "$swift_wall" \
        "$(awk -v s="$swift_wall" -v c="$c_wall" 'BEGIN {print s / c}')"
    printf '  sprucelink qr --batch --jobs 1    %8.2f s   ratio %.2f x C\n' "$one_wall" \
        "$(awk -v s="$one_wall" -v c="$c_wall" 'BEGIN {print s / c}')"
    fresh; c_out=$out; "$C_BIN" --files "$batch_dir/texts.txt" "$c_out"
    fresh; "$CLI_BIN" qr --batch "$batch_dir/texts.txt" --output-dir "$out" >/dev/null
    diff -r "$c_out" "$out" >/dev/null && echo "  the same files, byte for byte, as the C floor's" \
        || echo "  the files differ from the C floor's"
else
    echo "skipping the batch-to-files run: $CLI_BIN missing (swift build -c release --product sprucelink)"
fi
