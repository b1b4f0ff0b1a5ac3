/*
 * segment.c - splits an article into paragraphs (see segment.h for the
 * rules).
 *
 * One pass over the bytes, line by line. Each non-blank line is pushed as a
 * span of its own straight away; the span index where the current block
 * began is remembered, together with whether every line of the block but
 * the newest lies within the hard-wrap widths. When a blank line or the end
 * of the text closes the block, a block of two or more lines that passed
 * that test is collapsed into one span from the first line's start to the
 * last line's end. So no line list is ever kept besides the output itself.
 */
#include "segment.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "util.h"

/* Nonzero for the one-byte white space of segment.h (not \n: it ends lines). */
static int segment_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Trims [*s, *e) of ASCII white space and U+00A0 (C2 A0) at both ends.
 * A lone A0 byte is not white space: it is invalid UTF-8, an ordinary byte.
 */
static void segment_trim(const unsigned char *t, size_t *s, size_t *e)
{
    size_t a = *s, b = *e;

    for (;;) {
        if (a < b && segment_is_space(t[a]))
            a++;
        else if (b - a >= 2 && t[a] == 0xC2 && t[a + 1] == 0xA0)
            a += 2;
        else
            break;
    }
    for (;;) {
        if (b > a && segment_is_space(t[b - 1]))
            b--;
        else if (b - a >= 2 && t[b - 2] == 0xC2 && t[b - 1] == 0xA0)
            b -= 2;
        else
            break;
    }
    *s = a;
    *e = b;
}

/* The first \n or \r at or after pos (len if none). Lines are a few
 * hundred bytes, so 16 bytes are tested at once with SSE2 (a compare per
 * byte value, the first hit from the mask), else words of eight bytes
 * (util.h). */
static size_t segment_line_end(const unsigned char *t, size_t pos, size_t len)
{
#if defined(__SSE2__) && defined(__GNUC__)
    while (len - pos >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(t + pos));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
                         _mm_cmpeq_epi8(x, _mm_set1_epi8('\r'))));

        if (m)
            return pos + (unsigned)__builtin_ctz(m);
        pos += 16;
    }
#endif
    while (len - pos >= 8) {
        uint64_t w;

        memcpy(&w, t + pos, 8);
        if (nd_word_eq(w, '\n') | nd_word_eq(w, '\r'))
            break;
        pos += 8;
    }
    while (pos < len && t[pos] != '\n' && t[pos] != '\r')
        pos++;
    return pos;
}

/* Whether a trimmed line of n bytes may be a non-final line of wrapped prose. */
static int segment_wrap_width(size_t n)
{
    return n >= ND_WRAP_MIN && n <= ND_WRAP_MAX;
}

/* Whether the trimmed line t[s..e) ends a sentence: . ! ? or :, possibly
 * followed by a closing quote (" ' or the UTF-8 curly ones). */
static int segment_ends_sentence(const unsigned char *t, size_t s, size_t e)
{
    if (e - s >= 3 && t[e - 3] == 0xe2 && t[e - 2] == 0x80 &&
        (t[e - 1] == 0x9d || t[e - 1] == 0x99))
        e -= 3;
    else if (e > s && (t[e - 1] == '"' || t[e - 1] == '\''))
        e--;
    return e > s && (t[e - 1] == '.' || t[e - 1] == '!' || t[e - 1] == '?' ||
                     t[e - 1] == ':');
}

/*
 * Closes the block whose lines are out->v[first..out->n): a hard-wrapped
 * block becomes a single span. It is hard-wrapped when every line but the
 * last is of wrap width and most of those lines end mid-sentence (ends is
 * how many end a sentence): a wrap falls at a sentence end only by chance,
 * while one paragraph per line ends nearly every line with one.
 */
static void segment_close_block(nd_spanvec *out, size_t first, int wrapped,
                                size_t ends)
{
    size_t lines = out->n - first;

    if (lines >= 2 && wrapped && 2 * ends < lines - 1) {
        out->v[first].end = out->v[out->n - 1].end;
        out->n = first + 1;
    }
}

int nd_segment(nd_spanvec *out, const char *text, size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t pos = 0, first = 0;
    int wrapped = 1; /* every line of the block but the newest is of wrap width */
    size_t ends = 0; /* of those lines, how many end a sentence */
    int err;

    out->n = 0;
    while (pos < len) {
        size_t ls = pos, le, s, e;

        /* Find the line end: \n, \r\n or a lone \r. */
        pos = segment_line_end(t, pos, len);
        le = pos;
        if (pos < len) {
            if (t[pos] == '\r' && pos + 1 < len && t[pos + 1] == '\n')
                pos += 2;
            else
                pos++;
        }

        s = ls;
        e = le;
        segment_trim(t, &s, &e);
        if (s == e) { /* a blank line closes the block */
            segment_close_block(out, first, wrapped, ends);
            first = out->n;
            wrapped = 1;
            ends = 0;
            continue;
        }
        if (out->n > first) {
            const nd_span *prev = &out->v[out->n - 1];

            if (!segment_wrap_width(prev->end - prev->start))
                wrapped = 0;
            ends += segment_ends_sentence(t, prev->start, prev->end);
        }
        err = nd_grow((void **)&out->v, &out->cap, out->n + 1,
                      sizeof(nd_span));
        if (err)
            return err;
        out->v[out->n].start = s;
        out->v[out->n].end = e;
        out->n++;
    }
    segment_close_block(out, first, wrapped, ends);
    return 0;
}

void nd_spanvec_free(nd_spanvec *vec)
{
    free(vec->v);
    vec->v = NULL;
    vec->n = vec->cap = 0;
}
