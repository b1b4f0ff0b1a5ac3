#!/usr/bin/env bash
# run.sh - the speed benchmark: generates corpora with nd_gen, scans each
# with the neardup CLI at each thread count under /usr/bin/time -v, and
# prints MB/s, paragraphs/s and peak RSS, beside two floors on the same
# files: `wc -w` on the JSONL and `gzip -dc` on a gzipped copy (nd_gen
# --gzip with the same seed, so the same bytes).
#
# Uses only bash, coreutils, grep, gzip and /usr/bin/time (the `time`
# package). MB/s is the uncompressed JSONL size over wall time (10^6 bytes).
#
#   bench/run.sh [--build DIR] [--work DIR] [--sizes "10M 100M"]
#                [--threads "1 2"] [--seed N] [--gz] [--keep]
#
# Environment: ND_BENCH_SIZES, ND_BENCH_THREADS, ND_BUILD_DIR and
# ND_BENCH_DIR give the defaults of --sizes, --threads, --build, --work.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${ND_BUILD_DIR:-$here/../build}
work=${ND_BENCH_DIR:-/tmp/nd-bench}
sizes=${ND_BENCH_SIZES:-10M 100M 1G}
threads=${ND_BENCH_THREADS:-1 2}
seed=1
gz=0
keep=0

usage() {
    head -n 16 "${BASH_SOURCE[0]}" | tail -n +2 | cut -c3-
}

while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --gz) gz=1; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

neardup=$build/neardup
gen=$build/bench/nd_gen
for b in "$neardup" "$gen"; do
    if [ ! -x "$b" ]; then
        echo "run.sh: $b not found; build first (cmake --build $build)" >&2
        exit 1
    fi
done
if [ ! -x /usr/bin/time ]; then
    echo "run.sh: /usr/bin/time not found (install the 'time' package)" >&2
    exit 1
fi
mkdir -p "$work"

# n/10 with one decimal.
dec1() {
    local n=$1
    echo "$((n / 10)).$((n % 10))"
}

# Runs a command under /usr/bin/time -v; sets wall_ms (from date +%s%N:
# /usr/bin/time only gives centiseconds) and rss_kb.
timed() {
    local log=$work/time.log start end rss
    start=$(date +%s%N)
    if ! /usr/bin/time -v -o "$log" "$@"; then
        echo "run.sh: failed: $*" >&2
        cat "$log" >&2
        exit 1
    fi
    end=$(date +%s%N)
    wall_ms=$(( (end - start) / 1000000 ))
    [ "$wall_ms" -gt 0 ] || wall_ms=1
    rss=$(grep 'Maximum resident set size' "$log")
    rss_kb=${rss##*: }
}

row() { # what threads bytes paragraphs(or -)
    local what=$1 thr=$2 bytes=$3 paras=$4
    local mbs10=$(( bytes * 10 / (wall_ms * 1000) ))
    local pps=-
    if [ "$paras" != - ]; then
        pps=$(( paras * 1000 / wall_ms ))
    fi
    printf '%-6s %-20s %7s %9s %9s %11s %9s\n' "$size" "$what" "$thr" \
        "$((wall_ms / 1000)).$(printf '%03d' $((wall_ms % 1000)))" \
        "$(dec1 "$mbs10")" "$pps" "$(( rss_kb / 1024 ))"
}

echo "$("$neardup" --version 2>&1 | head -n1), $(nproc) cores," \
     "seed $seed, work dir $work"
printf '%-6s %-20s %7s %9s %9s %11s %9s\n' size what threads "wall s" \
    "MB/s" "paras/s" "RSS MB"
for size in $sizes; do
    corpus=$work/corpus-$size-s$seed.jsonl
    if [ ! -s "$corpus" ]; then
        "$gen" --quiet --seed "$seed" --size "$size" --no-truth -o "$corpus"
    fi
    if [ ! -s "$corpus.gz" ]; then
        "$gen" --quiet --seed "$seed" --size "$size" --no-truth --gzip \
            -o "$corpus.gz"
    fi
    bytes=$(wc -c <"$corpus")

    for t in $threads; do
        out=$work/out-$size-t$t
        timed "$neardup" scan --quiet --threads "$t" "$corpus" -o "$out"
        paras=$(grep -m1 '"paragraphs"' "$out/stats.json")
        paras=${paras//[^0-9]/}
        row neardup "$t" "$bytes" "$paras"
        [ "$keep" = 1 ] || rm -rf "$out"
    done
    if [ "$gz" = 1 ]; then
        for t in $threads; do
            out=$work/out-$size-gz-t$t
            timed "$neardup" scan --quiet --threads "$t" "$corpus.gz" -o "$out"
            paras=$(grep -m1 '"paragraphs"' "$out/stats.json")
            paras=${paras//[^0-9]/}
            row "neardup (.gz input)" "$t" "$bytes" "$paras"
            [ "$keep" = 1 ] || rm -rf "$out"
        done
    fi
    timed wc -w "$corpus" >/dev/null
    row "wc -w (floor)" 1 "$bytes" -
    timed bash -c 'gzip -dc "$1" >/dev/null' _ "$corpus.gz"
    row "gzip -dc (floor)" 1 "$bytes" -
    if [ "$keep" != 1 ]; then
        rm -f "$corpus" "$corpus.gz"
    fi
done
rm -f "$work/time.log"
