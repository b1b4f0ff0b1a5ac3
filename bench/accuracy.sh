#!/usr/bin/env bash
# accuracy.sh - generates a corpus with planted duplicates, scans it with
# neardup, and scores the clusters with nd_eval against the exact ground
# truth and the planted truth.
#
#   bench/accuracy.sh [--build DIR] [--work DIR] [--size 20M] [--seed N]
#                     [--json FILE] [--diagnose] [-- NEARDUP-SCAN-OPTIONS...]
#
# --diagnose has nd_eval sort the missed true pairs into classes and bound
# the pair recall any clustering could reach (nd_eval --help).
# Options after -- go to `neardup scan`; --threshold, --containment,
# --min-contain, --ngram and --seed among them are passed to nd_eval too,
# so both apply the same rule. Exit status: nd_eval's (3 when a removed
# paragraph's text is not held by its canonical). --work (default: a new
# directory only you can read, made by mktemp in ${TMPDIR:-/tmp} and named
# on stderr) keeps the corpus, which a second run with the same --work
# reuses; ND_BUILD_DIR and ND_BENCH_DIR give the defaults of --build and
# --work.
# Uses only bash, coreutils and the built programs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${ND_BUILD_DIR:-$here/../build}
work=${ND_BENCH_DIR:-} # empty: a new one, made once the arguments pass
size=20M
seed=1
json=
diagnose=
scan_opts=()
eval_opts=()

usage() {
    sed -n '2,/^[^#]/p' "${BASH_SOURCE[0]}" | sed '$d' | cut -c3-
}

while [ $# -gt 0 ]; do
    case $1 in
    --build) build=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --size) size=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    --diagnose) diagnose=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; scan_opts=("$@"); break ;;
    *) echo "accuracy.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

# The duplicate rule must be the same on both sides.
i=0
while [ $i -lt ${#scan_opts[@]} ]; do
    case ${scan_opts[$i]} in
    --threshold|--containment|--min-contain|--ngram|--seed|--id-field|--text-field)
        eval_opts+=("${scan_opts[$i]}" "${scan_opts[$((i + 1))]}")
        i=$((i + 2)) ;;
    *) i=$((i + 1)) ;;
    esac
done

neardup=$build/neardup
gen=$build/bench/nd_gen
evaluate=$build/bench/nd_eval
for b in "$neardup" "$gen" "$evaluate"; do
    if [ ! -x "$b" ]; then
        echo "accuracy.sh: $b not found; build first" >&2
        exit 1
    fi
done
# shellcheck source=bench/workdir.sh
. "$here/workdir.sh"
nd_workdir accuracy
mkdir -p "$work"
corpus=$work/corpus-$size-s$seed.jsonl.gz
truth=$work/corpus-$size-s$seed.truth.jsonl
out=$work/out-$size-s$seed

"$gen" --seed "$seed" --size "$size" --gzip -o "$corpus"
"$neardup" scan --quiet ${scan_opts[@]+"${scan_opts[@]}"} "$corpus" -o "$out"
echo
args=(-c "$out/clusters.jsonl" -t "$truth" -a "$out/articles.jsonl")
[ -z "$json" ] || args+=(--json "$json")
[ -z "$diagnose" ] || args+=(--diagnose)
rc=0
"$evaluate" ${eval_opts[@]+"${eval_opts[@]}"} "${args[@]}" "$corpus" || rc=$?
exit $rc
