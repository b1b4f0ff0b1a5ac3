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

# ---- paragraph: layouts, line ends, Unicode ------------------------------
p=paragraph
mkdir -p $p && rm -f $p/seed_*
printf 'Headline\n\nFirst paragraph. It ends.\nSecond paragraph on its own line.\n\n\nThird after two blank lines.\n' \
  >$p/seed_layouts
printf '%s\n' \
  'The wire copy wraps its prose at a fixed width, wherever the sentence' \
  'happens to be, so that a block of lines between blank lines is one' \
  'paragraph and not many, as long as most lines end mid-sentence and' \
  'the last one is short.' '' \
  'A second block, also wrapped at around seventy columns, which ends a' \
  'sentence here. And this line ends one too. This also ends a sentence.' \
  'Last line.' >$p/seed_wrapped
printf 'CRLF line one.\r\nCRLF line two.\r\n\r\nLone CR one.\rLone CR two.\r\r' >$p/seed_line_ends
printf '\xc2\xa0 Non-breaking spaces around \xc2\xa0\n\xc2\xa0\xc2\xa0\n\xa0 lone A0 \xc2\n' >$p/seed_nbsp
printf 'NUL\0inside\0\0words\n\0\n' >$p/seed_nul
printf 'Latin-1 caf\xe9 na\xefve \xff\xfe \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 truncated \xe2\x80\n' >$p/seed_invalid_utf8
printf 'Stra\xc3\x9fe STRASSE \xef\xac\x81 \xc4\xb0stanbul \xce\xa3\xcf\x82 \xe1\xba\x9e\n' >$p/seed_casefold
printf 'e\xcc\x81 \xc3\xa9 a\xcc\x96\xcc\x81 a\xcc\x81\xcc\x96 \xce\xb1\xcd\x85\xcc\x81 \xe1\xbe\xb3\xcc\x81\n' >$p/seed_marks
printf '\xcc\x81\xcc\x81 marks first \xcd\x85 alone\n' >$p/seed_marks_alone
printf '\xea\xb0\x80 \xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8 \xef\xbc\x91\xef\xbc\x92 \xe2\x85\xa2 \xd9\xa3\n' >$p/seed_scripts
printf 'quotes \xe2\x80\x9cthis\xe2\x80\x9d \xe2\x80\x98that\xe2\x80\x99 group\xe2\x80\x99s \xe2\x80\x94 dash \xef\xbf\xbd U+FFFD\n' >$p/seed_punct
printf 'emoji \xf0\x9f\x98\x80 zwj \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9 rtl \xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d\n' >$p/seed_emoji
printf 'Leave a Reply\n' >$p/seed_short
printf 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen\n' >$p/seed_words
printf ' \t\v\f\r\n \n' >$p/seed_ws_only

