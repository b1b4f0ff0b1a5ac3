/*
 * segment.h - splits an article's text into paragraphs with exact byte
 * offsets.
 *
 * Rules (documented in README "Paragraphs"):
 *  - Blank lines (lines holding only white space: ASCII space, \t, \r, \v,
 *    \f, or U+00A0 no-break space) always separate paragraphs.
 *  - Inside a block between blank lines, each line is its own paragraph,
 *    unless the block looks hard-wrapped: it has two or more lines, every
 *    line but the last is between ND_WRAP_MIN and ND_WRAP_MAX bytes long
 *    (after trimming), and fewer than half of those lines end a sentence
 *    (. ! ? or :, a closing quote allowed after it). A hard-wrapped block
 *    is one paragraph. Scraped news puts one paragraph on a line, with or
 *    without blank lines between them (the sample corpus has both), and
 *    such lines end sentences; e-mail and wire copy wrap prose at a fixed
 *    width, wherever the sentence is.
 *  - A paragraph's span is trimmed of leading and trailing white space (the
 *    same set as above); paragraphs that are white space only are dropped.
 *  - Line ends are \n, \r\n, or a lone \r.
 * The spans index the caller's bytes, which may hold NUL bytes and invalid
 * UTF-8; nothing is copied.
 */
#ifndef ND_SEGMENT_H
#define ND_SEGMENT_H

#include <stddef.h>

#define ND_WRAP_MIN 40  /* shortest line of a hard-wrapped block */
#define ND_WRAP_MAX 100 /* longest line of a hard-wrapped block */

/* One paragraph: text[start..end) of the article. */
typedef struct nd_span {
    size_t start; /* first byte */
    size_t end;   /* one past the last byte; end > start */
} nd_span;

/* A growable array of spans. Zero-initialised is empty. */
typedef struct nd_spanvec {
    nd_span *v; /* the spans, in text order */
    size_t n;   /* spans in use */
    size_t cap; /* spans allocated */
} nd_spanvec;

/*
 * Replaces the contents of out with the paragraphs of text[0..len).
 * Returns 0 or ND_ENOMEM.
 */
int nd_segment(nd_spanvec *out, const char *text, size_t len);

void nd_spanvec_free(nd_spanvec *vec);

#endif /* ND_SEGMENT_H */
