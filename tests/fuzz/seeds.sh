#!/usr/bin/env bash
# Writes the hand-made seeds of the fuzz corpus: corpus/<target>/seed_*.
# Inputs that fuzzing found (found_*) and the reproducers of fixed bugs
# (regress_*) are kept beside them and are not made here. The compressed seeds, broken ones too, are made with
# gzip and zstd, so the script needs both (Debian: gzip, zstd).
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus && cd corpus

# ---- date: every style date.h names, and near misses --------------------
d=date
mkdir -p $d && rm -f $d/seed_*
n=0
while IFS= read -r line; do
  printf '%s' "$line" >"$d/$(printf 'seed_%02d' $n)"
  n=$((n + 1))
done <<'DATES'
2017-10-27
2017-10
20171027
2017-10-27T01:13:00Z
2017-10-27 01:13:00
2017-10-27T01:13:00.123+03:00
2017-10-27T01:13:00-0300
2017-10-27T01:13:00+03
20171027T011300Z
Fri, 27 Oct 2017 01:13:00 +0000
27 Oct 2017 01:13 GMT
Fri, 27 Oct 17 01:13:00 EST (Eastern (Standard) Time)
27th October 2017 01:13 AM
October 27, 2017
Oct. 27, 2017 1:13 p.m.
27-Oct-2017
Fri Oct 27 01:13:00 2017
Fri Oct 27 01:13:00 +0000 2017
27 Oct 2017 01:13 GMT+3
27 Oct 2017 01:13 UTC-05:00
October 2017
20171027011300
1509066780
1509066780.5
1509066780123
2017
27/10/2017
10/27/2017
05.06.07
2016-02-29
2017-02-29
2016-12-31T23:59:60Z
0000-01-01T00:00:00+01:00
9999-12-31T23:59:59-23:59
12:00 AM 1 Jan 2000
13:00 PM 1 Jan 2000
Sept 5 2017 Tues
yesterday
2017-10-27T
(unbalanced 2017-10-27
9999999999999999999
17-10-27 25:61:61
DATES
printf '  \t 2017-10-27T01:13:00Z \r\n ' >$d/seed_padded
printf '2017-10-27\0' >$d/seed_nul
printf '%0256d' 0 >$d/seed_256_digits
printf '%0257d' 0 >$d/seed_257_digits

