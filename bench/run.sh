#!/usr/bin/env bash
# run.sh - the speed benchmark: generates corpora with nd_gen, scans each
# with the neardup CLI at each thread count under /usr/bin/time -v, and
# prints a markdown table of wall time, MB/s, paragraphs/s, peak RSS and
# the seconds of each stage, beside two floors on the same files: `wc -w`
# on the JSONL and `gzip -dc` on a gzipped copy (nd_gen --gzip with the
# same seed, so the same bytes).
#
# Uses only bash, coreutils, grep, gzip and /usr/bin/time (the `time`
# package). MB/s is the uncompressed JSONL size over wall time (10^6 bytes).
# The stages come from the `time` line of neardup's summary (stdout):
# analyse = pass 1, pairing = candidate pairs from the keys, cluster =
# verifying, clustering and the article report, write = pass 2; `-` on the
# floor rows. Scan warnings are passed on to stderr.
#
#   bench/run.sh [--build DIR] [--work DIR] [--sizes "10M 100M"]
#                [--threads "1 2"] [--seed N] [--reps N] [--gz] [--keep]
#
# --reps N (default 3): every row is run N times and shows the run of
# median wall time, with that run's peak RSS and stages, as one run on a
# shared machine can be off by half. --work (default: a new directory
# only you can read, made by mktemp in ${TMPDIR:-/tmp} and named on stderr)
# keeps the corpora, which a second run with the same --work reuses.
# Environment: ND_BENCH_SIZES,
# ND_BENCH_THREADS, ND_BENCH_REPS, ND_BUILD_DIR and ND_BENCH_DIR give the
# defaults of --sizes, --threads, --reps, --build, --work.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${ND_BUILD_DIR:-$here/../build}
work=${ND_BENCH_DIR:-} # empty: a new one, made once the arguments pass
sizes=${ND_BENCH_SIZES:-10M 100M 1G}
threads=${ND_BENCH_THREADS:-1 2}
reps=${ND_BENCH_REPS:-3}
seed=1
gz=0
keep=0

usage() {
    sed -n '2,/^[^#]/p' "${BASH_SOURCE[0]}" | sed '$d' | cut -c3-
}

while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
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
case $reps in
''|*[!0-9]*|0) echo "run.sh: --reps takes a whole number from 1, got $reps" >&2
                exit 2 ;;
esac
# shellcheck source=bench/workdir.sh
. "$here/workdir.sh"
nd_workdir bench
mkdir -p "$work"

# n/10 with one decimal.
dec1() {
    local n=$1
    echo "$((n / 10)).$((n % 10))"
}

# Runs a command under /usr/bin/time -v, $reps times, each with its stdout
# in $work/cmd.out and its stderr in $work/cmd.err, passed on to ours (on a
# file, neardup draws no progress line); of the runs, the one of median
# wall time is kept: its stdout stays in $work/cmd.out, and wall_ms (from
# date +%s%N: /usr/bin/time only gives centiseconds) and rss_kb are its.
# The directory $fresh, when set, is removed before each run (untimed), so
# that no run pays for removing the last one's output.
timed() {
    local log=$work/time.log start end rss status i runs=()
    for ((i = 0; i < reps; i++)); do
        [ -z "${fresh:-}" ] || rm -rf "$fresh"
        status=0
        start=$(date +%s%N)
        /usr/bin/time -v -o "$log" "$@" >"$work/cmd.out" 2>"$work/cmd.err" ||
            status=$?
        end=$(date +%s%N)
        cat "$work/cmd.err" >&2
        if [ "$status" != 0 ]; then
            echo "run.sh: failed (status $status): $*" >&2
            cat "$log" >&2
            exit 1
        fi
        wall_ms=$(( (end - start) / 1000000 ))
        [ "$wall_ms" -gt 0 ] || wall_ms=1
        rss=$(grep 'Maximum resident set size' "$log")
        mv "$work/cmd.out" "$work/cmd.out.$i"
        runs+=("$wall_ms ${rss##*: } $i")
    done
    read -r wall_ms rss_kb i < <(printf '%s\n' "${runs[@]}" | sort -n |
                                 sed -n "$(( (reps + 1) / 2 ))p")
    mv "$work/cmd.out.$i" "$work/cmd.out"
    rm -f "$work"/cmd.out.[0-9]*
}

# The `time` line of neardup's summary, as in
#   "  time         1.28 s analysing, 0.28 s pairing, 0.47 s verifying and
#   clustering, 1.24 s writing" (one line).
stage_re='^  time +([0-9.]+) s analysing, ([0-9.]+) s pairing, ([0-9.]+) s'
stage_re+=' verifying and clustering, ([0-9.]+) s writing$'

row() { # what threads bytes paragraphs analyse pairing cluster write
    local what=$1 thr=$2 bytes=$3 paras=$4
    local mbs10=$(( bytes * 10 / (wall_ms * 1000) ))
    local pps=-
    if [ "$paras" != - ]; then
        pps=$(( paras * 1000 / wall_ms ))
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
        "$size" "$what" "$thr" \
        "$((wall_ms / 1000)).$(printf '%03d' $((wall_ms % 1000)))" \
        "$(dec1 "$mbs10")" "$pps" "$(( rss_kb / 1024 ))" "$5" "$6" "$7" "$8"
}

# Scans INPUT into OUT with THREADS threads and prints its row: the
# paragraphs from stats.json, the stages from the summary.
scan_row() { # what threads input out
    local line paras
    fresh=$4 timed "$neardup" scan --threads "$2" "$3" -o "$4"
    line=$(grep -m1 '^  time ' "$work/cmd.out" || true)
    if ! [[ $line =~ $stage_re ]]; then
        echo "run.sh: no stage times in the summary of neardup scan:" >&2
        cat "$work/cmd.out" >&2
        exit 1
    fi
    paras=$(grep -m1 '"paragraphs"' "$4/stats.json")
    paras=${paras//[^0-9]/}
    row "$1" "$2" "$bytes" "$paras" "${BASH_REMATCH[@]:1:4}"
    [ "$keep" = 1 ] || rm -rf "$4"
}

echo "$("$neardup" --version 2>&1 | head -n1), $(nproc) cores," \
     "seed $seed, median of $reps runs a row, work dir $work"
echo
echo "| size | what | threads | wall s | MB/s | paragraphs/s | peak RSS MB |" \
     "analyse s | pairing s | cluster s | write s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
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
        scan_row neardup "$t" "$corpus" "$work/out-$size-t$t"
    done
    if [ "$gz" = 1 ]; then
        for t in $threads; do
            scan_row "neardup (.gz input)" "$t" "$corpus.gz" \
                "$work/out-$size-gz-t$t"
        done
    fi
    timed wc -w "$corpus"
    row "wc -w (floor)" 1 "$bytes" - - - - -
    # shellcheck disable=SC2016 # $1 is the inner shell's
    timed bash -c 'gzip -dc "$1" >/dev/null' _ "$corpus.gz"
    row "gzip -dc (floor)" 1 "$bytes" - - - - -
    if [ "$keep" != 1 ]; then
        rm -f "$corpus" "$corpus.gz"
    fi
done
rm -f "$work/time.log" "$work/cmd.out" "$work/cmd.err"
