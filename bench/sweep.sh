#!/usr/bin/env bash
# sweep.sh - the parameter sweep: generates one corpus with nd_gen, scans it
# with neardup once per setting, varying one of --threshold, --perm and
# --ngram at a time around the defaults (0.8, 128, 5), scores each scan with
# nd_eval under the same rule, and writes a markdown table (sweep.md, also
# printed) and a plot of it (sweep.svg) into the output directory.
#
#   bench/sweep.sh [--build DIR] [--work DIR] [--out DIR] [--size 20M]
#                  [--seed N] [--threads N] [--thresholds "0.6 0.7 0.8 0.9"]
#                  [--perms "32 64 128 256"] [--ngrams "3 4 5 6"]
#                  [--reps N] [--ymin Y|auto] [--keep]
#
# --out defaults to the work dir; `bench/sweep.sh --out bench` refreshes the
# committed bench/sweep.md and bench/sweep.svg. Each setting is scanned in
# --reps rounds (default 5) and the table gives its fastest wall time.
# --ymin is the bottom of the plot's y axis, which ends at 1: 0 for the
# full range, or auto (default): the lowest plotted value rounded down to
# 0.05. --keep keeps each scan's output directory. Environment:
# ND_BUILD_DIR and ND_BENCH_DIR give the defaults of --build and --work
# (a new directory only you can read, made by mktemp in ${TMPDIR:-/tmp} and
# named on stderr).
# Exit status: 3 when some scan removed text its canonical does not hold
# (nd_eval's "unkept bytes"), 0 otherwise. Uses only bash, coreutils, awk
# (mawk will do), grep, sed and the built programs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${ND_BUILD_DIR:-$here/../build}
work=${ND_BENCH_DIR:-} # empty: a new one, made once the arguments pass
out=
size=20M
seed=1
threads=
thresholds="0.6 0.7 0.8 0.9"
perms="32 64 128 256"
ngrams="3 4 5 6"
reps=5
ymin=auto
keep=0
# The defaults of neardup scan: the point every sweep passes through.
def_t=0.8
def_p=128
def_n=5

usage() {
    sed -n '2,/^[^#]/p' "${BASH_SOURCE[0]}" | sed '$d' | cut -c3-
}

die() {
    echo "sweep.sh: $*" >&2
    exit 1
}

need() { # option arguments-left
    if [ "$2" -lt 2 ]; then
        echo "sweep.sh: $1 needs a value" >&2
        usage >&2
        exit 2
    fi
}

while [ $# -gt 0 ]; do
    case $1 in
    --build) need "$1" $#; build=$2; shift 2 ;;
    --work) need "$1" $#; work=$2; shift 2 ;;
    --out) need "$1" $#; out=$2; shift 2 ;;
    --size) need "$1" $#; size=$2; shift 2 ;;
    --seed) need "$1" $#; seed=$2; shift 2 ;;
    --threads) need "$1" $#; threads=$2; shift 2 ;;
    --thresholds) need "$1" $#; thresholds=$2; shift 2 ;;
    --perms) need "$1" $#; perms=$2; shift 2 ;;
    --ngrams) need "$1" $#; ngrams=$2; shift 2 ;;
    --reps) need "$1" $#; reps=$2; shift 2 ;;
    --ymin) need "$1" $#; ymin=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "sweep.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done
case $ymin in
auto|0|0.[0-9]|0.[0-9][0-9]) ;;
*) echo "sweep.sh: --ymin must be auto, 0 or a decimal below 1" >&2; exit 2 ;;
esac
case $reps in
''|*[!0-9]*|0) echo "sweep.sh: --reps must be a positive integer" >&2; exit 2 ;;
esac

neardup=$build/neardup
gen=$build/bench/nd_gen
evaluate=$build/bench/nd_eval
for b in "$neardup" "$gen" "$evaluate"; do
    [ -x "$b" ] || die "$b not found; build first (cmake --build $build)"
done
# shellcheck source=bench/workdir.sh
. "$here/workdir.sh"
nd_workdir sweep
out=${out:-$work}
mkdir -p "$work" "$out"
work=$(cd "$work" && pwd)
corpus=$work/corpus-$size-s$seed.jsonl.gz
truth=$work/corpus-$size-s$seed.truth.jsonl
results=$work/sweep.tsv

# Value of KEY in a JSON file holding one "key": value pair a line (the
# pretty output of nd_eval --json and neardup's stats.json); "-" when the
# key is missing or null.
jget() { # file key
    awk -v k="\"$2\":" '
        { s = $0; sub(/^[ \t]+/, "", s) }
        index(s, k) == 1 {
            v = substr(s, length(k) + 1)
            sub(/^[ \t]+/, "", v); sub(/[ \t]*,?[ \t]*$/, "", v)
            if (v == "" || v == "null") v = "-"
            print v; found = 1; exit
        }
        END { if (!found) print "-" }' "$1"
}

echo "sweep.sh: generating the corpus ($size, seed $seed) in $work" >&2
"$gen" --quiet --seed "$seed" --size "$size" --gzip -o "$corpus"

# The settings: group, x, threshold, perm, ngram. The default point is in
# all three sweeps but is scanned and scored once.
settings=()
for t in $thresholds; do settings+=("threshold $t $t $def_p $def_n"); done
for p in $perms; do settings+=("perm $p $def_t $p $def_n"); done
for n in $ngrams; do settings+=("ngram $n $def_t $def_p $n"); done
keys=()
declare -A seen=() score=() best=()
for s in "${settings[@]}"; do
    read -r _ _ t p n <<<"$s"
    if [ -z "${seen[$t/$p/$n]+x}" ]; then
        seen[$t/$p/$n]=1
        keys+=("$t/$p/$n")
    fi
done

# One scan of KEY, timed into best[KEY] (the fastest so far); the first
# one is scored with nd_eval under the same rule.
articles= paragraphs=
worst_rc=0
scan_one() { # threshold/perm/ngram rep
    local t p n dir js start end ms rc row k
    IFS=/ read -r t p n <<<"$1"
    dir=$work/out-$size-s$seed-t$t-p$p-n$n
    js=$dir.eval.json
    rm -rf "$dir"
    start=$(date +%s%N)
    "$neardup" scan --quiet ${threads:+--threads "$threads"} \
        --threshold "$t" --perm "$p" --ngram "$n" "$corpus" -o "$dir" ||
        die "neardup scan failed at threshold $t perm $p ngram $n"
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    if [ -z "${best[$1]+x}" ] || [ "$ms" -lt "${best[$1]}" ]; then
        best[$1]=$ms
    fi
    if [ "$2" = 0 ]; then
        rc=0
        "$evaluate" --threshold "$t" --ngram "$n" -c "$dir/clusters.jsonl" \
            -a "$dir/articles.jsonl" -t "$truth" --json "$js" "$corpus" \
            >"$dir.eval.txt" 2>&1 || rc=$?
        if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then
            cat "$dir.eval.txt" >&2
            die "nd_eval failed (status $rc) at threshold $t perm $p ngram $n"
        fi
        [ "$rc" = 0 ] || worst_rc=3
        row="$(jget "$dir/stats.json" bands)x$(jget "$dir/stats.json" rows)"
        for k in true_pairs resolved_recall pair_recall distinct_text_recall \
                 clustered_pair_precision removal_precision article_precision \
                 article_recall unkept_bytes article_fp article_fn; do
            row+=$'\t'$(jget "$js" "$k")
        done
        row+=$'\t'$(jget "$dir/stats.json" candidate_pairs)
        row+=$'\t'$(jget "$dir/stats.json" expected_false_negative_rate)
        score[$1]=$row
        if [ -z "$articles" ]; then
            articles=$(jget "$js" articles)
            paragraphs=$(jget "$js" paragraphs)
        fi
        printf 'sweep.sh: threshold %s perm %s ngram %s: scan %d ms, %s\n' \
            "$t" "$p" "$n" "$ms" "nd_eval status $rc" >&2
    fi
    if [ "$keep" != 1 ] || [ "$2" != $((reps - 1)) ]; then
        rm -rf "$dir"
    fi
}

# Round by round, so that a burst of load on a shared machine does not
# land on every run of one setting.
for ((rep = 0; rep < reps; rep++)); do
    [ "$rep" = 0 ] || echo "sweep.sh: timing round $((rep + 1)) of $reps" >&2
    for key in "${keys[@]}"; do
        scan_one "$key" "$rep"
    done
done

# TSV columns 1-5: the setting; 6-20: see the table below.
: >"$results"
for s in "${settings[@]}"; do
    read -r g x t p n <<<"$s"
    row=${score[$t/$p/$n]}
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$g" "$x" "$t" "$p" "$n" \
        "${row%$'\t'*}" "${best[$t/$p/$n]}"$'\t'"${row##*$'\t'}" >>"$results"
done

version=$("$neardup" --version 2>&1 | head -n1)
# The command, with the options that change the figures.
cmd="bench/sweep.sh --size $size --seed $seed"
[ -z "$threads" ] || cmd+=" --threads $threads"
[ "$thresholds" = "0.6 0.7 0.8 0.9" ] || cmd+=" --thresholds \"$thresholds\""
[ "$perms" = "32 64 128 256" ] || cmd+=" --perms \"$perms\""
[ "$ngrams" = "3 4 5 6" ] || cmd+=" --ngrams \"$ngrams\""
cores=$(nproc)

# TSV columns: 1 group, 2 x, 3 threshold, 4 perm, 5 ngram, 6 bands x rows,
# 7 true pairs, 8 resolved recall, 9 pair recall, 10 distinct-text recall,
# 11 clustered-pair precision, 12 removal precision, 13 article precision,
# 14 article recall, 15 unkept bytes, 16 article false positives, 17 article
# false negatives, 18 candidate pairs, 19 scan ms, 20 LSH expected false
# negative rate (stats.json).
awk -F '\t' -v cmd="$cmd" -v arts="$articles" \
    -v paras="$paragraphs" -v version="$version" -v cores="$cores" \
    -v threads="${threads:-$cores}" -v reps="$reps" \
    -v dt="$def_t" -v dp="$def_p" -v dn="$def_n" '
function f(v, d) { return v == "-" ? "-" : sprintf("%." d "f", v) }
BEGIN {
    printf "# Parameter sweep\n\n"
    printf "`%s`: one `nd_gen` corpus (%s articles, %s paragraphs)\n", cmd, arts, paras
    printf "scanned with %s at each setting, one parameter varied at a time around the\n", version
    printf "defaults (threshold %s, perm %s, ngram %s; **bold**: the default point).\n", dt, dp, dn
    printf "`nd_eval` scores each scan under the same rule (threshold, n-gram size), so the\n"
    printf "exact ground truth, and with it the true pairs, moves with those two; the article\n"
    printf "columns are scored against the planted copies, which do not move.\n"
    printf "Scan s: the fastest wall time of %s run(s), %s cores, %s threads.\n\n", reps, cores, threads
    printf "| varied | threshold | perm | ngram | bands x rows | LSH est. FN | true pairs | resolved recall | pair recall | distinct-text recall | clustered-pair prec. | removal prec. | article prec. (FP) | article recall (FN) | candidate pairs | scan s |\n"
    printf "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
}
{
    b = ($3 == dt && $4 == dp && $5 == dn) ? "**" : ""
    printf "| %s | %s%s%s | %s%s%s | %s%s%s | %s | %s | %s | %s | %s | %s | %s | %s | %s (%s) | %s (%s) | %s | %.2f |\n", \
        $1, b, $3, b, b, $4, b, b, $5, b, $6, f($20, 4), $7, f($8, 6), \
        f($9, 4), f($10, 4), f($11, 4), f($12, 4), f($13, 4), $16, \
        f($14, 4), $17, $18, $19 / 1000
    if ($15 != "0") bad = bad sprintf(" %s/%s/%s (%s)", $3, $4, $5, $15)
}
END {
    printf "\nresolved recall: true pairs not both left in `clean/`; pair recall: true pairs\n"
    printf "sharing a cluster; distinct-text recall: the same with each pair of distinct\n"
    printf "texts weighing 1; clustered-pair prec.: pairs inside a cluster that are true\n"
    printf "pairs; removal prec.: removed paragraphs within the thresholds of their\n"
    printf "canonical; article prec./recall: `syndicated` flags against the planted copies\n"
    printf "(FP, FN: counts of articles); LSH est. FN: expected false-negative rate of\n"
    printf "the bands x rows chosen (stats.json); candidate pairs: from LSH bands and\n"
    printf "containment anchors together (stats.json).\n"
    if (bad == "") printf "Unkept bytes (removed text its canonical does not hold): 0 in every run.\n"
    else printf "Unkept bytes NOT 0 at threshold/perm/ngram:%s.\n", bad
}' "$results" >"$out/sweep.md"

# The plot: three panels (threshold, perm, ngram), the five shares as lines
# on a y axis from ymin to 1, candidate pairs and scan time under each x.
awk -F '\t' -v ymin="$ymin" -v size="$size" -v seed="$seed" \
    -v dt="$def_t" -v dp="$def_p" -v dn="$def_n" '
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); return s }
function human(v) {
    if (v == "-") return "-"
    if (v >= 1e6) return sprintf("%.2fM", v / 1e6)
    if (v >= 1e3) return sprintf("%.0fk", v / 1e3)
    return v
}
function ypos(v) {
    if (v < ymin) v = ymin
    if (v > 1) v = 1
    return PY + PH * (1 - (v - ymin) / (1 - ymin))
}
{
    g = ($1 == "threshold") ? 0 : ($1 == "perm") ? 1 : 2
    k = cnt[g]++
    xv[g, k] = $2
    isdef[g, k] = ($3 == dt && $4 == dp && $5 == dn)
    for (s = 0; s < NS; s++) val[g, k, s] = $(COL[s])
    cand[g, k] = $18
    ms[g, k] = $19
}
BEGIN {
    W = 960; H = 400; PY = 70; PH = 220; PW = 240
    NS = 5
    COL[0] = 8;  NAME[0] = "resolved recall";      CLR[0] = "#1f77b4"; DASH[0] = ""
    COL[1] = 9;  NAME[1] = "pair recall";          CLR[1] = "#ff7f0e"; DASH[1] = ""
    COL[2] = 10; NAME[2] = "distinct-text recall"; CLR[2] = "#2ca02c"; DASH[2] = ""
    COL[3] = 13; NAME[3] = "article precision";    CLR[3] = "#d62728"; DASH[3] = "6,3"
    COL[4] = 14; NAME[4] = "article recall";       CLR[4] = "#9467bd"; DASH[4] = "6,3"
    TITLE[0] = "--threshold"; TITLE[1] = "--perm"; TITLE[2] = "--ngram"
}
END {
    if (ymin == "auto") {
        lo = 1
        for (g = 0; g < 3; g++)
            for (k = 0; k < cnt[g]; k++)
                for (s = 0; s < NS; s++)
                    if (val[g, k, s] != "-" && val[g, k, s] + 0 < lo)
                        lo = val[g, k, s] + 0
        ymin = int(lo * 20) / 20
        if (ymin > 0.95) ymin = 0.95
    }
    ymin += 0
    printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">\n", W, H, W, H
    printf "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", W, H
    printf "<text x=\"%d\" y=\"24\" font-size=\"15\" text-anchor=\"middle\">neardup parameter sweep (nd_gen %s, seed %s; one parameter varied, others at %s / %s / %s)</text>\n", W / 2, esc(size), esc(seed), dt, dp, dn
    printf "<text x=\"%d\" y=\"44\" font-size=\"11\" fill=\"#555555\" text-anchor=\"middle\">y: share, axis from %.2f to 1%s; under each x: candidate pairs and scan wall time (gray); dotted line: the default</text>\n", W / 2, ymin, (ymin > 0 ? " (not from 0)" : "")
    for (g = 0; g < 3; g++) {
        n = cnt[g]
        if (n == 0) continue
        PX = 70 + g * 310
        printf "<g>\n"
        printf "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#999999\"/>\n", PX, PY, PW, PH
        for (i = 0; i <= 5; i++) {
            v = ymin + (1 - ymin) * i / 5
            y = ypos(v)
            if (i > 0 && i < 5)
                printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e0e0e0\"/>\n", PX, y, PX + PW, y
            printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", PX - 5, y + 4, sprintf("%.2f", v)
        }
        for (k = 0; k < n; k++) {
            X[k] = (n > 1) ? PX + 20 + (PW - 40) * k / (n - 1) : PX + PW / 2
            if (isdef[g, k])
                printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888888\" stroke-dasharray=\"2,3\"/>\n", X[k], PY, X[k], PY + PH
            printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\"%s>%s</text>\n", X[k], PY + PH + 15, isdef[g, k] ? " font-weight=\"bold\"" : "", esc(xv[g, k])
            printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"9\" fill=\"#777777\">%s</text>\n", X[k], PY + PH + 28, human(cand[g, k])
            printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"9\" fill=\"#777777\">%.2f s</text>\n", X[k], PY + PH + 39, ms[g, k] / 1000
        }
        printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">%s</text>\n", PX + PW / 2, PY + PH + 58, TITLE[g]
        for (s = 0; s < NS; s++) {
            pts = ""
            for (k = 0; k < n; k++)
                if (val[g, k, s] != "-")
                    pts = pts sprintf("%s%.1f,%.1f", pts == "" ? "" : " ", X[k], ypos(val[g, k, s]))
            if (pts == "") continue
            printf "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.8\"%s/>\n", pts, CLR[s], DASH[s] == "" ? "" : " stroke-dasharray=\"" DASH[s] "\""
            for (k = 0; k < n; k++)
                if (val[g, k, s] != "-")
                    printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" fill=\"%s\"/>\n", X[k], ypos(val[g, k, s]), CLR[s]
        }
        printf "</g>\n"
    }
    for (s = 0; s < NS; s++) {
        lx = 70 + s * 175; ly = H - 22
        printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", lx, ly, lx + 26, ly, CLR[s], DASH[s] == "" ? "" : " stroke-dasharray=\"" DASH[s] "\""
        printf "<circle cx=\"%d\" cy=\"%d\" r=\"2.6\" fill=\"%s\"/>\n", lx + 13, ly, CLR[s]
        printf "<text x=\"%d\" y=\"%d\">%s</text>\n", lx + 32, ly + 4, NAME[s]
    }
    printf "</svg>\n"
}' "$results" >"$out/sweep.svg"

cat "$out/sweep.md"
echo >&2
echo "sweep.sh: wrote $out/sweep.md and $out/sweep.svg" >&2
exit $worst_rc
