/*
 * normalize.h - turns a paragraph into the word sequence that shingles are
 * made of.
 *
 * Two copies of one text differ in case, quote style, dashes, spacing and
 * punctuation; none of that should keep them apart. So:
 *  - Letters (Unicode categories L*), marks (M*) and digits/numbers (N*)
 *    are word characters; every other code point (punctuation, symbols,
 *    quotes of any kind, dashes, white space, controls, NUL) breaks words.
 *    Curly and straight quotes and dashes are therefore alike by
 *    construction: "group's" and "group’s" both give "group s".
 *  - Word characters are case folded with Unicode full case folding
 *    (utf8proc, UTF8PROC_CASEFOLD) and composed (NFC), so "Straße" and
 *    "STRASSE" both give "strasse".
 *  - Each byte that is not part of valid UTF-8 becomes U+FFFD and counts as
 *    a word character, so Latin-1 text still yields words and nothing is
 *    dropped or crashes.
 * The output is the words separated by single spaces, with no leading or
 * trailing space: "Hello,  World!" -> "hello world".
 */
#ifndef ND_NORMALIZE_H
#define ND_NORMALIZE_H

#include <stddef.h>

#include "util.h"

/*
 * Replaces the contents of out with the normalised form of text[0..len)
 * (NUL-terminated, out->len excludes the NUL) and stores the number of
 * words in *out_words (unless out_words is NULL: counting them costs a
 * pass over the output). Returns 0 or ND_ENOMEM.
 */
int nd_normalize(nd_buf *out, size_t *out_words, const char *text,
                 size_t len);

/*
 * nd_normalize that also tells where each word came from: spans is
 * replaced by 2 * *out_words offsets, word i being text[spans[2i] ..
 * spans[2i+1]) (the bytes of its word characters; the breaks around it
 * are outside). Report.c needs them to cut a glued part out at a word
 * boundary. text is at most 4 GiB. Returns 0 or ND_ENOMEM.
 */
int nd_normalize_spans(nd_buf *out, size_t *out_words, nd_u32vec *spans,
                       const char *text, size_t len);

#endif /* ND_NORMALIZE_H */
