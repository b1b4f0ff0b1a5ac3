#!/usr/bin/env bash
# results.sh - regenerates bench/RESULTS.md in one command: runs the speed
# driver (run.sh), the accuracy driver (accuracy.sh) and the parameter sweep
# (sweep.sh), then fills the template RESULTS.md.in with their figures and
# a description of the machine, the build and the commit.
#
#   bench/results.sh [--build DIR] [--work DIR] [--out FILE] [--quick]
#
# --build: the build directory (default: build/ at the top of the tree).
# --work: scratch space, one directory per driver, left for inspection
# (default: a new directory only you can read, made by mktemp as
# ${TMPDIR:-/tmp}/nd-results.XXXXXX and named when the run starts; give
# --work DIR to keep the corpora for the next run). --out: the file made
# (default bench/RESULTS.md; with --quick, WORK/RESULTS-quick.md);
# sweep.md and sweep.svg are written beside it, where its links point.
# --quick: small sizes to try the script in seconds (speed and accuracy on
# 10M, the sweep on 5M with one timing round, every speed row run once);
# it refuses to write into bench/. The full run scans a 1 GB corpus twelve times (JSONL
# and gzip, 1 and 2 threads, each row the median of three runs): about ten
# minutes on 2 cores, with 3 GB of memory and 3 GB in WORK.
#
# Everything is made in temporary files and moved into place at the end, so
# a failed run leaves the old files. Exit status: 3 when a scan removed
# text its canonical does not hold (the file is still made and says so), 1
# on other failures, 2 on bad arguments. Environment: ND_BUILD_DIR and
# ND_BENCH_DIR give the defaults of --build and --work. Uses only bash,
# coreutils, grep, sed, awk (mawk will do), git for the commit, and what
# the drivers use.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
root=$(cd "$here/.." && pwd -P)
build=${ND_BUILD_DIR:-$root/build}
work=${ND_BENCH_DIR:-} # empty: a new one, made once the arguments pass
out=
quick=0

usage() {
    sed -n '2,/^[^#]/p' "${BASH_SOURCE[0]}" | sed '$d' | cut -c3-
}

die() {
    echo "results.sh: $*" >&2
    exit 1
}

need() { # option arguments-left
    if [ "$2" -lt 2 ]; then
        echo "results.sh: $1 needs a value" >&2
        usage >&2
        exit 2
    fi
}

while [ $# -gt 0 ]; do
    case $1 in
    --build) need "$1" $#; build=$2; shift 2 ;;
    --work) need "$1" $#; work=$2; shift 2 ;;
    --out) need "$1" $#; out=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "results.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
    esac
done

# What each mode runs. The figures the template quotes come from the
# 1- and 2-thread rows, so the thread counts are fixed.
if [ "$quick" = 1 ]; then
    speed_sizes=10M
    reps=1
    acc_size=10M
    sweep_opts=(--size 5M --reps 1)
else
    speed_sizes="10M 100M 1G"
    reps=3
    acc_size=100M
    sweep_opts=()
fi
threads="1 2"
seed=1

template=$here/RESULTS.md.in
[ -f "$template" ] || die "$template not found"
neardup=$build/neardup
for b in "$neardup" "$build/bench/nd_gen" "$build/bench/nd_eval"; do
    [ -x "$b" ] || die "$b not found; build first (cmake --build $build)"
done
# Fail now, not after the speed runs, when the build predates what this
# script reads: the summary's stage times and nd_eval's counts.
grep -q 'verifying and clustering' "$neardup" ||
    die "$neardup prints no stage times; rebuild it"
grep -q 'article_fp_original' "$build/bench/nd_eval" ||
    die "$build/bench/nd_eval writes no article_fp_original; rebuild it"
for f in "$root"/src/*.[ch] "$root"/src/cli/*.c "$root"/include/*.h \
         "$root"/bench/*.c; do
    if [ "$f" -nt "$neardup" ] || [ "$f" -nt "$build/bench/nd_eval" ]; then
        echo "results.sh: warning: $f is newer than the build" >&2
        break
    fi
done

# shellcheck source=bench/workdir.sh
. "$here/workdir.sh"
nd_workdir results
mkdir -p "$work"
work=$(cd "$work" && pwd -P)
if [ -z "$out" ] && [ "$quick" = 1 ]; then
    out=$work/RESULTS-quick.md
elif [ -z "$out" ]; then
    out=$here/RESULTS.md
fi
outdir=$(cd "$(dirname "$out")" 2>/dev/null && pwd -P) ||
    die "the directory of $out does not exist"
out=$outdir/$(basename "$out")
if [ "$quick" = 1 ] && [ "$outdir" = "$here" ]; then
    die "--quick would overwrite the committed files in bench/; give --out"
fi

tmp=$(mktemp -d "$work/tmp.XXXXXX")
staged=()
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    rm -rf "$tmp"
    if [ ${#staged[@]} -gt 0 ]; then
        rm -f "${staged[@]}"
    fi
}
trap cleanup EXIT
mkdir "$tmp/m"

# The value of @NAME@ in the template.
put() { # name value
    printf '%s' "$2" >"$tmp/m/$1"
}

# 20M -> 20 MB, as nd_gen reads --size (powers of 10).
human_size() {
    sed -e 's/[kK]$/ kB/' -e 's/M$/ MB/' -e 's/G$/ GB/' <<<"$1"
}

# Seconds as "12 min 05 s" or "42 s".
human_secs() {
    if [ "$1" -ge 60 ]; then
        printf '%d min %02d s' $(($1 / 60)) $(($1 % 60))
    else
        printf '%d s' "$1"
    fi
}

# The machine, the build and the tree, before anything runs (the load
# average is the one at the start).
cpu=$(grep -m1 '^model name' /proc/cpuinfo 2>/dev/null |
      sed 's/^[^:]*: *//' || true)
[ -n "$cpu" ] || cpu=$(lscpu 2>/dev/null |
                       sed -n 's/^Model name: *//p' | head -n1 || true)
[ -n "$cpu" ] || cpu="unknown CPU"
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then
    cpu+=" (AVX-512)"
elif grep -qw avx2 /proc/cpuinfo 2>/dev/null; then
    cpu+=" (AVX2)"
fi
mem=$(awk '$1 == "MemTotal:" { printf "%.1f GiB", $2 / 1048576 }' \
      /proc/meminfo 2>/dev/null || true)
os=$(sed -n 's/^PRETTY_NAME=//p' /etc/os-release 2>/dev/null |
     tr -d '"' || true)
[ -n "$os" ] || os=$(uname -sr)
load=$(cut -d ' ' -f1 /proc/loadavg 2>/dev/null || true)
machine="$cpu, $(nproc) CPUs (nproc), ${mem:-unknown} RAM, $os"
[ -z "$load" ] || machine+="; load average $load at the start"
put MACHINE "$machine"

# The compiler CMake found, from its record in the build directory.
cc_id='' cc_ver=''
for f in "$build"/CMakeFiles/*/CMakeCCompiler.cmake; do
    [ -f "$f" ] || continue
    cc_id=$(sed -n 's/^set(CMAKE_C_COMPILER_ID "\(.*\)")$/\1/p' "$f")
    cc_ver=$(sed -n 's/^set(CMAKE_C_COMPILER_VERSION "\(.*\)")$/\1/p' "$f")
done
case $cc_id in
GNU) compiler="gcc $cc_ver" ;;
Clang) compiler="clang $cc_ver" ;;
'') compiler="gcc $(gcc -dumpfullversion 2>/dev/null || echo '?')" ;;
*) compiler="$cc_id $cc_ver" ;;
esac
btype=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" \
        2>/dev/null || true)
bflags=
if [ -n "$btype" ]; then
    bflags=$(sed -n "s/^CMAKE_C_FLAGS_${btype^^}:STRING=//p" \
             "$build/CMakeCache.txt")
fi
cflags=$(sed -n 's/^CMAKE_C_FLAGS:STRING=//p' "$build/CMakeCache.txt" \
         2>/dev/null || true)
flags="$cflags $bflags"
flags=${flags# }
flags=${flags% }
put BUILD "$compiler, CMAKE_BUILD_TYPE=${btype:-(unset)}${flags:+ ($flags)}"
[ "$btype" = Release ] ||
    echo "results.sh: warning: $build is a ${btype:-no-type} build" >&2
put VERSION "$("$neardup" --version 2>&1 | head -n1)"
if commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null); then
    if [ -n "$(git -C "$root" status --porcelain --untracked-files=no)" ]
    then
        commit+=-dirty
    fi
else
    commit=unknown
fi
put COMMIT "$commit"
put DATE "$(date -u '+%Y-%m-%d %H:%M UTC')"
put RESULTS_CMD "bench/results.sh$([ "$quick" = 0 ] || echo ' --quick')"

# The commands as a reader would type them (without --build, --work and
# the JSON file, which change no figure).
speed_cmd="bench/run.sh --sizes \"$speed_sizes\" --threads \"$threads\" --reps $reps --gz"
acc_cmd="bench/accuracy.sh --size $acc_size"
if [ "$outdir" = "$here" ]; then
    sweep_cmd="bench/sweep.sh${sweep_opts[*]:+ ${sweep_opts[*]}} --out bench"
else
    sweep_cmd="bench/sweep.sh${sweep_opts[*]:+ ${sweep_opts[*]}} --out $outdir"
fi
put SPEED_CMD "$speed_cmd"
put ACCURACY_CMD "$acc_cmd"
put SWEEP_CMD "$sweep_cmd"
awk -v a="$speed_cmd" -v b="$acc_cmd" -v c="$sweep_cmd" 'BEGIN {
    w = length(a); if (length(b) > w) w = length(b); if (length(c) > w) w = length(c)
    printf "%-" w "s   # speed table\n", a
    printf "%-" w "s   # accuracy table\n", b
    printf "%-" w "s   # parameter sweep", c
}' >"$tmp/m/COMMANDS"

started=$(date +%s)
status=0

# Runs a driver with its table on stderr too, and says how long it took;
# status 3 (unkept bytes) is remembered, any other failure stops here.
step() { # name command...
    local name=$1 t0 rc=0
    shift
    echo "results.sh: running the $name driver" >&2
    t0=$(date +%s)
    "$@" || rc=$?
    if [ "$rc" = 3 ]; then
        echo "results.sh: $name: a scan removed text its canonical" \
             "does not hold (status 3)" >&2
        status=3
    elif [ "$rc" != 0 ]; then
        die "$name failed (status $rc); $out is unchanged"
    fi
    echo "results.sh: $name took $(human_secs $(( $(date +%s) - t0 )))" >&2
}

# shellcheck disable=SC2317 # run by step
speed() {
    "$here/run.sh" --build "$build" --work "$work/speed" \
        --sizes "$speed_sizes" --threads "$threads" --seed "$seed" \
        --reps "$reps" --gz |
        tee "$tmp/speed.txt" >&2
}
step speed speed
step accuracy "$here/accuracy.sh" --build "$build" --work "$work/accuracy" \
    --size "$acc_size" --seed "$seed" --diagnose --json "$tmp/accuracy.json" >&2
step sweep "$here/sweep.sh" --build "$build" --work "$work/sweep" \
    --seed "$seed" ${sweep_opts[@]+"${sweep_opts[@]}"} --out "$tmp/sweep" >&2

# The speed table and the figures drawn from it: time per MB and the
# 2-thread speed-up per size, bytes per paragraph and the stages of the
# largest size at 2 threads (JSONL input). Paragraphs are paragraphs/s
# times wall s, off by less than one per second of wall time.
grep '^|' "$tmp/speed.txt" >"$tmp/m/SPEED_TABLE" ||
    die "run.sh printed no table"
awk -v m="$tmp/m" '
function hsize(s) {
    if (s ~ /[kK]$/) return substr(s, 1, length(s) - 1) " kB"
    if (s ~ /M$/) return substr(s, 1, length(s) - 1) " MB"
    if (s ~ /G$/) return substr(s, 1, length(s) - 1) " GB"
    return s
}
function commas(n,   s, r) {
    s = sprintf("%.0f", n); r = ""
    while (length(s) > 3) {
        r = "," substr(s, length(s) - 2) r
        s = substr(s, 1, length(s) - 3)
    }
    return s r
}
function put(name, v,   f) {
    f = m "/" name
    printf "%s", v > f
    close(f)
}
function pct(x) { return sprintf("%.0f%%", 100 * x / sum) }
/^\| / && $0 !~ /^\| size \|/ {
    line = substr($0, 3, length($0) - 4)
    n = split(line, f, / \| /)
    if (n != 11) { print "results.sh: bad row in run.sh output: " $0 > "/dev/stderr"; bad = 1; next }
    if (f[2] != "neardup") next
    s = f[1]
    if (!(s in seen)) { seen[s] = 1; size[ns++] = s }
    wall[s, f[3]] = f[4]; mbs[s, f[3]] = f[5]; pps[s, f[3]] = f[6]
    rss[s, f[3]] = f[7]
    for (i = 8; i <= 11; i++) st[s, f[3], i] = f[i]
}
END {
    if (bad) exit 1
    for (i = 0; i < ns; i++)
        if (!((size[i], 1) in wall) || !((size[i], 2) in wall) || mbs[size[i], 2] + 0 == 0) {
            print "results.sh: no 1- and 2-thread rows for " size[i] > "/dev/stderr"
            exit 1
        }
    if (ns == 0) { print "results.sh: no neardup rows" > "/dev/stderr"; exit 1 }
    per = ""; up = ""
    for (i = 0; i < ns; i++) {
        s = size[i]
        ms = 1000 / mbs[s, 2]
        if (i == 0 || ms < lo) lo = ms
        if (i == 0 || ms > hi) hi = ms
        per = per (i ? ", " : "") sprintf("%.1f ms (%s)", ms, hsize(s))
        up = up (i ? ", " : "") sprintf("%.2fx (%s)", wall[s, 1] / wall[s, 2], hsize(s))
    }
    if (ns > 1)
        per = per sprintf("; the largest over the smallest is %.2f (1.00: the same cost per byte at every size)", hi / lo)
    put("PER_MB", per)
    put("SPEEDUP", up)
    s = size[ns - 1]
    paras = pps[s, 2] * wall[s, 2]
    put("BYTES_PER_PARA", sprintf("%.0f", rss[s, 2] * 1048576 / paras))
    put("PARAS", paras >= 1e6 ? sprintf("%.2f million", paras / 1e6) : commas(paras))
    put("PARAS_SIZE", hsize(s))
    sum = st[s, 2, 8] + st[s, 2, 9] + st[s, 2, 10] + st[s, 2, 11]
    if (sum <= 0) sum = 1
    put("STAGES_ROW", hsize(s) " neardup 2-thread")
    put("STAGES", sprintf("%s s analysing (%s of the four), %s s pairing (%s), %s s verifying, clustering and the article report (%s), %s s writing (%s); together %.2f s of the %s s wall time", \
        st[s, 2, 8], pct(st[s, 2, 8]), st[s, 2, 9], pct(st[s, 2, 9]), \
        st[s, 2, 10], pct(st[s, 2, 10]), st[s, 2, 11], pct(st[s, 2, 11]), \
        st[s, 2, 8] + st[s, 2, 9] + st[s, 2, 10] + st[s, 2, 11], wall[s, 2]))
}' "$tmp/speed.txt"

# The accuracy table from nd_eval's JSON (one "key":value a line), and the
# corpus's articles by kind from nd_gen's truth file.
truth=$work/accuracy/corpus-$acc_size-s$seed.truth.jsonl
[ -s "$truth" ] || die "$truth not found (accuracy.sh names it so)"
kinds=
for k in original syndicated update template; do
    kinds+=" $(grep -c "\"kind\":\"$k\"" "$truth" || true)"
done
awk -v m="$tmp/m" -v kinds="$kinds" '
function commas(n,   s, r) {
    s = sprintf("%.0f", n); r = ""
    while (length(s) > 3) {
        r = "," substr(s, length(s) - 2) r
        s = substr(s, 1, length(s) - 3)
    }
    return s r
}
function many(n) {
    n += 0
    if (n >= 1e9) return sprintf("%.1f billion", n / 1e9)
    if (n >= 1e8) return sprintf("%.0f million", n / 1e6)
    if (n >= 1e6) return sprintf("%.1f million", n / 1e6)
    return commas(n)
}
function put(name, v,   f) {
    f = m "/" name
    printf "%s", v > f
    close(f)
}
function num(k, d) { return sprintf("%." d "f", v[k]) }
function some(n, one, more) { return n " " (n == 1 ? one : more) }
{
    if (match($0, /^[ \t]*"[a-z_]+":/)) {
        k = $0; sub(/^[ \t]*"/, "", k); sub(/":.*/, "", k)
        x = $0; sub(/^[ \t]*"[a-z_]+":[ \t]*/, "", x); sub(/[ \t]*,?[ \t]*$/, "", x)
        gsub(/"/, "", x)
        v[k] = (x ~ /^-?[0-9.eE+-]+$/) ? x + 0 : x
    }
}
END {
    need = "articles paragraphs threshold containment min_contain true_pairs " \
           "pairs_hit pairs_left resolved_recall pair_recall distinct_text_recall " \
           "clustered_pair_precision pairs_clustered removal_precision members " \
           "members_within_thresholds unkept_bytes article_precision article_recall " \
           "article_tp article_fp article_fn article_fp_original article_fp_update " \
           "article_fp_template pair_recall_bound part_members " \
           "part_members_within_thresholds part_bytes"
    n = split(need, key, " ")
    for (i = 1; i <= n; i++)
        if (!(key[i] in v) || v[key[i]] == "null") {
            print "results.sh: nd_eval JSON has no " key[i] > "/dev/stderr"
            exit 1
        }
    split(kinds, kd, " ")
    if (kd[1] + kd[2] + kd[3] + kd[4] != v["articles"])
        print "results.sh: warning: the truth file has " kd[1] + kd[2] + kd[3] + kd[4] \
              " articles, nd_eval read " v["articles"] > "/dev/stderr"
    put("ARTICLES", commas(v["articles"]))
    put("ORIGINALS", commas(kd[1]))
    put("SYNDICATED", commas(kd[2]))
    put("UPDATES", commas(kd[3]))
    put("TEMPLATES", commas(kd[4]))
    put("PARAGRAPHS", commas(v["paragraphs"]))
    put("THRESHOLD", sprintf("%g", v["threshold"]))
    put("CONTAINMENT", sprintf("%g", v["containment"]))
    put("MIN_CONTAIN", v["min_contain"])
    put("PAIRS_LEFT", commas(v["pairs_left"]))
    put("PAIR_BOUND", num("pair_recall_bound", 6))
    put("TRUE_PAIRS", many(v["true_pairs"]))
    tp = v["true_pairs"]
    fp = ""
    if (v["article_fp"] > 0) {
        if (v["article_fp_original"] > 0)
            fp = fp ", " some(v["article_fp_original"], "original", "originals")
        if (v["article_fp_update"] > 0)
            fp = fp ", " some(v["article_fp_update"], "update", "updates")
        if (v["article_fp_template"] > 0)
            fp = fp ", " some(v["article_fp_template"], "template near-miss",
                              "template near-misses")
        fp = " (" commas(v["article_fp"]) " false: " substr(fp, 3) ")"
    }
    t = "| measure | value | counts |\n|---|---|---|\n"
    t = t sprintf("| resolved recall | %s | %s / %s true pairs are not both left in the cleaned corpus |\n", \
        num("resolved_recall", 6), commas(tp - v["pairs_left"]), commas(tp))
    t = t sprintf("| pair recall | %s | %s / %s true pairs share a cluster |\n", \
        num("pair_recall", 4), commas(v["pairs_hit"]), commas(tp))
    t = t sprintf("| distinct-text recall | %s | the same, each pair of distinct texts weighing 1 |\n", \
        num("distinct_text_recall", 4))
    t = t sprintf("| pair recall bound | %s | the most any clustering of whole paragraphs can reach whose removed paragraphs are all held by their canonical (the scan, with glued parts: %.5f of it) |\n", \
        num("pair_recall_bound", 6), v["pair_recall"] / v["pair_recall_bound"])
    t = t sprintf("| clustered-pair precision | %s | %s / %s pairs inside a cluster are true pairs |\n", \
        num("clustered_pair_precision", 4), commas(v["pairs_hit"]), commas(v["pairs_clustered"]))
    t = t sprintf("| removal precision | %s | %s / %s removed paragraphs and glued parts are within the thresholds of their canonical |\n", \
        num("removal_precision", 4), commas(v["members_within_thresholds"]), commas(v["members"]))
    t = t sprintf("| glued parts | %s | boilerplate cut from the start or end of kept paragraphs (%s bytes), %s within the thresholds |\n", \
        commas(v["part_members"]), commas(v["part_bytes"]), commas(v["part_members_within_thresholds"]))
    t = t sprintf("| unkept bytes | %s | bytes removed whose text the canonical does not hold |\n", \
        commas(v["unkept_bytes"]))
    t = t sprintf("| article precision (`syndicated`) | %s | %s / %s flagged articles are planted copies%s |\n", \
        num("article_precision", 4), commas(v["article_tp"]), \
        commas(v["article_tp"] + v["article_fp"]), fp)
    t = t sprintf("| article recall (`syndicated`) | %s | %s / %s planted copies flagged |", \
        num("article_recall", 4), commas(v["article_tp"]), \
        commas(v["article_tp"] + v["article_fn"]))
    put("ACCURACY_TABLE", t)
}' "$tmp/accuracy.json"

# The sweep's corpus size, from the command line sweep.sh puts on top of
# sweep.md.
sweep_size=$(sed -n 's/.*--size \([^ `]*\).*/\1/p' "$tmp/sweep/sweep.md" |
             head -n1)
[ -n "$sweep_size" ] || die "no --size in the first lines of sweep.md"
put SWEEP_SIZE "$(human_size "$sweep_size")"
[ -s "$tmp/sweep/sweep.svg" ] || die "sweep.sh made no sweep.svg"

put ELAPSED "$(human_secs $(( $(date +%s) - started )))"

# Fills the template: each @NAME@ by the file m/NAME, which must exist
# (several lines for the tables).
staged=("$outdir/.sweep.md.$$" "$outdir/.sweep.svg.$$" "$outdir/.$(basename "$out").$$")
awk -v m="$tmp/m" -v tpl="$template" '
function value(name,   f, line, r, s, n) {
    f = m "/" name
    s = ""; n = 0
    while ((r = (getline line < f)) > 0)
        s = s (n++ ? "\n" : "") line
    if (r < 0) {
        printf "results.sh: %s:%d: no value for @%s@\n", tpl, FNR, name > "/dev/stderr"
        bad = 1
    }
    close(f)
    return s
}
{
    s = $0; o = ""
    while (match(s, /@[A-Z][A-Z0-9_]*@/)) {
        o = o substr(s, 1, RSTART - 1) value(substr(s, RSTART + 1, RLENGTH - 2))
        s = substr(s, RSTART + RLENGTH)
    }
    print o s
}
END { exit bad }' "$template" >"${staged[2]}"

cp "$tmp/sweep/sweep.md" "${staged[0]}"
cp "$tmp/sweep/sweep.svg" "${staged[1]}"
mv "${staged[0]}" "$outdir/sweep.md"
mv "${staged[1]}" "$outdir/sweep.svg"
mv "${staged[2]}" "$out"
staged=()
echo "results.sh: wrote $out, $outdir/sweep.md and $outdir/sweep.svg" \
     "in $(human_secs $(( $(date +%s) - started )))" >&2
exit $status
