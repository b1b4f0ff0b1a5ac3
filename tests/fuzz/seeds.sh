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

# ---- locate: glued headers and footers ----------------------------------
# 4 bytes of set-up (fuzz_locate.c): the rule, the containment, where the
# text is split (little endian); then the text, F being one side of it.
l=locate
mkdir -p $l && rm -f $l/seed_*
python3 - "$l" <<'PY'
import struct, sys
d = sys.argv[1]
FOOT = b'All rights reserved to Example Media Group, no part of this page may be copied.'
HEAD = b'Sign up for our newsletter to get the top stories of the day by email'
def w(name, rule, cont, text, split, tail):
    # rule: words per shingle index | min_contain - 1 << 3 | tail << 5
    hdr = bytes([rule | (0x20 if tail else 0), cont]) + struct.pack('<H', split)
    open(f"{d}/{name}", "wb").write(hdr + text)
t = b'The river fell by Friday, officials said.  ' + FOOT + b'\n\n' + FOOT + b'\n'
w("seed_footer", 3 << 3, 89, t, t.rindex(FOOT), True)
t = HEAD + b'\n\n' + HEAD + b'\n"Quoted text" opens the story of the flood that reached the town.\n'
w("seed_header", 3 << 3, 89, t, len(HEAD), False)
t = (HEAD + b'\n\n' + FOOT + b'\n\n' + HEAD + b'. The bridge opened on Monday after '
     b'two years of work, the council said.\xc2\xa0\xe2\x80\x94 ' + FOOT + b'\n')
w("seed_both", 3 << 3, 89, t, len(HEAD) + 2 + len(FOOT), False)
t = (b'Short story.\r\n' + FOOT[:-1] + b' today!\n\nMore text of the story, and a '
     b'footer glued with no space:' + FOOT + b'\n\n' + FOOT)
w("seed_near_copy", 1 | 1 << 3, 79, t, t.rindex(FOOT), True)
# both ends held, overlapping or meeting: the longer part stays (the
# prefix on a tie)
t = (b'a b c d e f x a b c d e f g\n\ng a b c d e f x a b c d e f\n\n'
     b'a b c d e f, a b c d e f\n\na b c d e f')
w("seed_overlap", 2 | 1 << 3, 49, t, t.rindex(b'a b c d e f'), True)
PY

# ---- read: JSONL, text articles, compressed streams, sidecars -----------
r=read
mkdir -p $r && rm -f $r/seed_*
printf '%s\n' \
  '{"id":"a1","text":"First paragraph.\n\nSecond paragraph.","source":"reuters","date":"2017-10-27T01:13:00Z"}' \
  '{"id":2,"text":"Numeric id, numeric date.","source":"ap","date":1509066780}' \
  '{"text":"No id: the id is FILE:LINE."}' >$r/seed_valid.jsonl
printf '%s\n' \
  '{"id":123456789012345678901234567890,"text":"huge integer id"}' \
  '{"id":1e400,"text":"double out of range"}' \
  '{"id":-0.0,"text":"negative zero","date":2e9}' \
  '{"id":9223372036854775807,"text":"INT64_MAX"}' \
  '{"id":18446744073709551616,"text":"2^64","source":12.50}' \
  '{"id":0.1e-999999,"text":"tiny","date":-1}' >$r/seed_numbers.jsonl
printf '%s\n' \
  '{"id":"x","text":"unterminated' \
  '{"id":"y","text":"ok"} trailing' \
  '["an","array"]' \
  '"a string"' \
  '{"id":"z","text":42}' \
  '{"id":"w","body":"no text field"}' \
  '{"id":"v","text":null}' \
  '{"id":"u","text":"dup","text":"duplicate key"}' \
  '{"id":"t","text":"ok","source":"","date":{"y":2017}}' \
  '{' '}' 'null' >$r/seed_malformed.jsonl
python3 - "$r" <<'PY'
import sys
d = sys.argv[1]
def w(name, b):
    open(f"{d}/{name}", "wb").write(b)
w("seed_nul.jsonl", b'{"id":"n","text":"raw \x00 NUL"}\n'
  b'{"id":"e","text":"escaped \\u0000 NUL"}\n\x00\x00\n')
w("seed_utf8.jsonl", b'{"id":"l1","text":"Latin-1 caf\xe9 \xff\xfe"}\n'
  b'{"id":"s","text":"lone surrogate \\ud800 and pair \\ud83d\\ude00"}\n'
  b'{"id":"o","text":"overlong \xc0\xaf \xed\xa0\x80"}\n')
w("seed_bom_crlf.jsonl", b'\xef\xbb\xbf{"id":"b","text":"BOM, CRLF"}\r\n'
  b'{"id":"c","text":"second"}\r\n\r\n \t\f\v\r\n{"id":"d","text":"last, no newline"}')
w("seed_bom_only", b'\xef\xbb\xbf')
w("seed_blank_lines", b'\n\n   \n\t\n')
w("seed_deep.jsonl", b'{"text":"deep","x":' + b'[' * 40 + b']' * 40 + b'}\n')
w("seed_long_line.jsonl", b'{"id":"long","text":"' + b'word ' * 600 + b'"}\n')
w("seed_cr_only.jsonl", b'{"id":"r1","text":"a"}\r{"id":"r2","text":"b"}\r')
w("seed_article.txt", b'Headline of the story\n\nFirst paragraph of the '
  b'article, one line.\nSecond paragraph on the next line.\n')
w("seed_ws_brace", b' \n\t {"id":"ws","text":"JSON after white space"}\n')
w("seed_sidecar", b'{"source":"afp","date":"Fri, 27 Oct 2017 01:13:00 +0000",'
  b'"text":"a sidecar and a record at once"}')
w("seed_sidecar_bad", b'{"source":"afp"} {"date":"2017"}')
w("seed_escapes.jsonl", b'{"id":"\\"q\\"","text":"tab\\tnl\\nuni\\u00e9\\u2019"}\n')
PY
printf '%s\n' '{"id":"g1","text":"gzip member one"}' '{"id":"g2","text":"two"}' \
  | gzip -9n >$r/seed_gzip
head -c 30 $r/seed_gzip >$r/seed_gzip_truncated
{ printf '{"id":"m1","text":"member 1"}\n' | gzip -n
  printf '{"id":"m2","text":"member 2"}\n' | gzip -n; } >$r/seed_gzip_members
{ cat $r/seed_gzip; printf 'junk after the stream'; } >$r/seed_gzip_junk
{ cat $r/seed_gzip; printf '\037junk'; } >$r/seed_gzip_magic_junk
printf 'A text article, gzip-compressed.\n' | gzip -n >$r/seed_gzip_text
printf '%s\n' '{"id":"z1","text":"zstd frame"}' '{"id":"z2","text":"two"}' \
  | zstd -q -19 -c >$r/seed_zstd
head -c 20 $r/seed_zstd >$r/seed_zstd_truncated
{ printf '{"id":"f1","text":"frame 1"}\n' | zstd -q -c
  printf '{"id":"f2","text":"frame 2"}\n' | zstd -q -c; } >$r/seed_zstd_frames
{ printf '\x50\x2a\x4d\x18\x04\x00\x00\x00skip'; cat $r/seed_zstd; } \
  >$r/seed_zstd_skippable_first
{ cat $r/seed_zstd; printf '\x50\x2a\x4d\x18\x02\x00\x00\x00sk'; } \
  >$r/seed_zstd_skippable
{ cat $r/seed_zstd; printf 'junk'; } >$r/seed_zstd_junk
printf '\037\213' >$r/seed_gzip_magic_only
printf '\050\265\057\375' >$r/seed_zstd_magic_only

# ---- jsonl: the fast path against json-c (fuzz_jsonl.c) ------------------
# The first byte picks the field names (0: id text source date; 1: id text;
# 2: text text id id; 3: url title date source); the rest is a JSONL file.
j=jsonl
mkdir -p $j && rm -f $j/seed_*
python3 - "$j" <<'PY'
import sys
d = sys.argv[1]
def w(name, sel, lines):
    open(f"{d}/{name}", "wb").write(bytes([sel]) + b"\n".join(lines) + b"\n")
news = [b'{"id":"valleynews-0000000","source":"Valley News","date":"2024-01-01",'
        b'"title":"Council Votes","text":"Listen to this article\\n\\nWARSAW, Jan 1 '
        b'(News) - \\"To sudo pono,\\" said Robert Fupebu. Fuke 11.9 percent.\\n\\n'
        b'Seme water to gino dome."}',
        b'{"id":"wire-17","source":"AP","date":"Mon, 01 Jan 2024 10:00:00 +0000",'
        b'"title":"T","text":"caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \\u2019 '
        b'\\ud83d\\ude00 end"}']
w("seed_news", 0, news)
w("seed_news_fields3", 3, news)
w("seed_fallbacks", 0, [
    b'{"id":-0,"text":"number id"}',
    b'{"id":"c","text":"t","date":20200102,"source":1.50}',
    b'{"id":"d","text":"one","text":"two"}',
    b'{"id":"e","text":"t",}',
    b'{"id":"f","text":"\\ud800"}',
    b'{"id":"a\\u0000b","text":"t","source":"\\u0000x"}',
    b'{"id":null,"text":"t","source":[],"date":""}',
    b'{"id":"g","text":"caf\xe9","x":"\x01"}',
    b'{"te\\u0078t":"escaped key","text":"t"}',
    b'{"text":"t"}\x0c',
    b'\xef\xbb\xbf{"text":"BOM on line 9"}'])
w("seed_shared_key", 2, [b'{"text":"both id and text","id":"src"}',
                         b'{"text":"a\\u0000b","id":7}'])
w("seed_deep", 0, [b'{"text":"t","x":' + b'[' * n + b'1' + b']' * n + b'}'
                   for n in (29, 30, 31)] +
                  [b'{"text":"t","x":' + b'[' * n + b']' * n + b'}'
                   for n in (30, 31, 32)] +
                  [b'{"text":"t","x":' + b'{"k":' * n + b'1' + b'}' * n + b'}'
                   for n in (29, 30, 31)])
w("seed_surrogate_state", 0, [b'{"text":"\\ud800', b'{"text":"\\ud83d\\ude00x"}',
                              b'{"text":"\\ud800\\u00', b'{"id":1,"text":"\\ud83d\\ude00"}'])
w("seed_whitespace", 1, [b' \t{ "id" : "w" ,\r"text" :\t"x" } \r', b'{}', b'{"id":"e"}',
                         b'{"text":""}', b'{"text":"\\/\\b\\f\\n\\r\\t\\"\\\\"}'])
PY
