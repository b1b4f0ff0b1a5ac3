/*
 * fuzz_paragraph.c - fuzz target of what happens to an article's text
 * after it is read: split into paragraphs (src/segment.c), each normalised
 * (src/normalize.c) and shingled (src/shingle.c), as pass 1 does.
 *
 * The input is the article's bytes, any bytes: NUL, invalid UTF-8, lone
 * \r, combining marks by the hundred. Checked on the way:
 *  - spans: inside the text, non-empty, in order and apart, trimmed, only
 *    white space between them; a span holding a line break is a
 *    hard-wrapped block, so each of its lines but the last is of wrap
 *    width;
 *  - normalised text: valid UTF-8 without NUL, its only ASCII bytes a-z,
 *    0-9 and single spaces between words (none at either end), the word
 *    count one more than the spaces, and normalising it again changes
 *    nothing;
 *  - shingles: as many as shingle.h says for 1-, 5- and 16-word shingles,
 *    the first and last equal to the hash of their words;
 *  - word spans (nd_normalize_spans): the same text and word count as
 *    nd_normalize, two offsets a word, in order, inside the text and
 *    apart; each word's bytes normalise to exactly that word, and the
 *    bytes between words (and before the first, after the last) to
 *    nothing.
 * The whole text is normalised and shingled too, line breaks and all.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz.h"
#include "hash.h"
#include "normalize.h"
#include "segment.h"
#include "shingle.h"
#include "util.h"

#define FUZZ_SEED 0x5eed5eedULL /* any seed: the check recomputes it */

/* Reused from one input to the next, as the pipeline reuses its buffers. */
static nd_spanvec g_spans;
static nd_buf g_norm, g_again, g_word;
static nd_u64vec g_sh;
static nd_u32vec g_wspans;

/* White space of segment.h, line breaks included. */
static int para_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' ||
           c == '\n';
}

/* Bytes of a UTF-8 sequence at p[0..n) if it is valid (shortest form, no
   surrogate, at most U+10FFFF), else 0. */
static size_t para_utf8_len(const unsigned char *p, size_t n)
{
    size_t k, i;
    uint32_t cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        k = 2, cp = p[0] & 0x1F;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        k = 3, cp = p[0] & 0x0F;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        k = 4, cp = p[0] & 0x07;
    else
        return 0;
    if (n < k)
        return 0;
    for (i = 1; i < k; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((k == 3 && cp < 0x800) || (k == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return k;
}

/* Trims [*s, *e) of white space and U+00A0 at both ends, as segment.h
   says spans and line widths are. */
static void para_trim(const unsigned char *t, size_t *s, size_t *e)
{
    size_t a = *s, b = *e;

    for (;;) {
        if (a < b && para_space(t[a]))
            a++;
        else if (b - a >= 2 && t[a] == 0xC2 && t[a + 1] == 0xA0)
            a += 2;
        else
            break;
    }
    for (;;) {
        if (b > a && para_space(t[b - 1]))
            b--;
        else if (b - a >= 2 && t[b - 2] == 0xC2 && t[b - 1] == 0xA0)
            b -= 2;
        else
            break;
    }
    *s = a;
    *e = b;
}

/* Whether t[s..e) ends a sentence: . ! ? or :, perhaps before a closing
   quote (" ' U+201D U+2019). */
static int para_ends_sentence(const unsigned char *t, size_t s, size_t e)
{
    if (e - s >= 3 && memcmp(t + e - 3, "\xE2\x80\x9D", 3) == 0)
        e -= 3;
    else if (e - s >= 3 && memcmp(t + e - 3, "\xE2\x80\x99", 3) == 0)
        e -= 3;
    else if (e > s && (t[e - 1] == '"' || t[e - 1] == '\''))
        e--;
    return e > s && strchr(".!?:", t[e - 1]) != NULL && t[e - 1] != '\0';
}

static void para_check_spans(const unsigned char *t, size_t len)
{
    size_t i, pos = 0, k;

    for (i = 0; i < g_spans.n; i++) {
        size_t s = g_spans.v[i].start, e = g_spans.v[i].end;
        size_t ls, le, lines = 0, ends = 0;

        FUZZ_CHECK(s < e && e <= len);
        FUZZ_CHECK(s >= pos && (i == 0 || s > pos));
        FUZZ_CHECK(!para_space(t[s]) && !para_space(t[e - 1]));
        FUZZ_CHECK(!(e - s >= 2 && t[s] == 0xC2 && t[s + 1] == 0xA0));
        FUZZ_CHECK(!(e - s >= 2 && t[e - 2] == 0xC2 && t[e - 1] == 0xA0));
        /* Between spans: white space only, U+00A0 counting as such */
        for (k = pos; k < s; k++)
            FUZZ_CHECK(para_space(t[k]) ||
                       (t[k] == 0xC2 && k + 1 < s && t[k + 1] == 0xA0) ||
                       (t[k] == 0xA0 && k > pos && t[k - 1] == 0xC2));
        /* A span across lines is a wrapped block: its lines but the last
           are of wrap width once trimmed, and fewer than half of them end
           a sentence. A line end is \n, \r\n or \r. */
        for (ls = s; ls < e; lines++) {
            size_t a = ls, b;

            for (le = ls; le < e && t[le] != '\n' && t[le] != '\r'; le++)
                ;
            if (le == e)
                break;
            b = le;
            para_trim(t, &a, &b);
            FUZZ_CHECK(b - a >= ND_WRAP_MIN && b - a <= ND_WRAP_MAX);
            ends += para_ends_sentence(t, a, b);
            le += t[le] == '\r' && le + 1 < e && t[le + 1] == '\n' ? 2 : 1;
            ls = le;
        }
        FUZZ_CHECK(lines == 0 || 2 * ends < lines);
        pos = e;
    }
    for (k = pos; k < len; k++)
        FUZZ_CHECK(para_space(t[k]) || t[k] == 0xC2 || t[k] == 0xA0);
}

/* The shingle invariants of norm[0..len) (words of it) for n-word
   shingles. */
static void para_check_shingles(const char *norm, size_t len, size_t words,
                                unsigned n)
{
    const char *end = norm + len, *p;
    size_t want = words == 0 ? 0 : words >= n ? words - n + 1 : 1, k;

    FUZZ_CHECK(nd_shingle(&g_sh, norm, len, n, FUZZ_SEED) == 0);
    FUZZ_CHECK(g_sh.n == want);
    if (!want)
        return;
    /* The first shingle: the first min(n, words) words */
    for (p = norm, k = 0; p < end; p++)
        if (*p == ' ' && ++k == n)
            break;
    FUZZ_CHECK(g_sh.v[0] ==
               XXH3_64bits_withSeed(norm, (size_t)(p - norm), FUZZ_SEED));
    /* The last: the last min(n, words) words */
    for (p = end, k = 0; p > norm; p--)
        if (p[-1] == ' ' && ++k == n)
            break;
    FUZZ_CHECK(g_sh.v[g_sh.n - 1] ==
               XXH3_64bits_withSeed(p, (size_t)(end - p), FUZZ_SEED));
}

/* nd_normalize_spans of text[0..len) against nd_normalize's result
   (g_norm, words): the same output, and word spans that give it back. */
static void para_check_word_spans(const char *text, size_t len, size_t words)
{
    const uint32_t *sp;
    const char *w = g_norm.data, *end = g_norm.data + g_norm.len, *sp_end;
    size_t i, spans_words = 99, gap = 0, wl;

    FUZZ_CHECK(nd_normalize_spans(&g_again, &spans_words, &g_wspans, text,
                                  len) == 0);
    FUZZ_CHECK(spans_words == words && g_again.len == g_norm.len &&
               memcmp(g_again.data, g_norm.data, g_norm.len) == 0);
    FUZZ_CHECK(g_wspans.n == 2 * words);
    sp = g_wspans.v;
    for (i = 0; i < words; i++) {
        size_t s = sp[2 * i], e = sp[2 * i + 1], got = 99;

        FUZZ_CHECK(s < e && e <= len);
        FUZZ_CHECK(i == 0 ? s >= gap : s > gap);
        /* What lies before the word holds no word */
        FUZZ_CHECK(nd_normalize(&g_word, &got, text + gap, s - gap) == 0);
        FUZZ_CHECK(got == 0 && g_word.len == 0);
        /* The word's own bytes: exactly word i of the normalised text */
        sp_end = memchr(w, ' ', (size_t)(end - w));
        wl = (size_t)((sp_end ? sp_end : end) - w);
        FUZZ_CHECK(nd_normalize(&g_word, &got, text + s, e - s) == 0);
        FUZZ_CHECK(got == 1 && g_word.len == wl &&
                   memcmp(g_word.data, w, wl) == 0);
        w += wl + (i + 1 < words);
        gap = e;
    }
    FUZZ_CHECK(w == end);
    /* After the last word: no word either */
    FUZZ_CHECK(nd_normalize(&g_word, &wl, text + gap, len - gap) == 0);
    FUZZ_CHECK(wl == 0 && g_word.len == 0);
}

/* Normalises text[0..len) and checks the result and its shingles. */
static void para_check_text(const char *text, size_t len)
{
    const unsigned char *o;
    size_t words = 0, again_words = 0, spaces = 0, i, k;

    FUZZ_CHECK(nd_normalize(&g_norm, &words, text, len) == 0);
    FUZZ_CHECK(g_norm.data && g_norm.data[g_norm.len] == '\0');
    o = (const unsigned char *)g_norm.data;
    FUZZ_CHECK((words == 0) == (g_norm.len == 0));
    for (i = 0; i < g_norm.len; i += k) {
        k = para_utf8_len(o + i, g_norm.len - i);
        FUZZ_CHECK(k > 0);
        if (o[i] == ' ') {
            FUZZ_CHECK(i > 0 && i + 1 < g_norm.len && o[i + 1] != ' ');
            spaces++;
        } else if (o[i] < 0x80) {
            FUZZ_CHECK((o[i] >= 'a' && o[i] <= 'z') ||
                       (o[i] >= '0' && o[i] <= '9'));
        }
    }
    if (words)
        FUZZ_CHECK(words == spaces + 1);

    /* Idempotent: normalised text is its own normal form */
    FUZZ_CHECK(nd_normalize(&g_again, &again_words, g_norm.data,
                            g_norm.len) == 0);
    FUZZ_CHECK(again_words == words && g_again.len == g_norm.len &&
               memcmp(g_again.data, g_norm.data, g_norm.len) == 0);

    para_check_word_spans(text, len, words);
    para_check_shingles(g_norm.data, g_norm.len, words, 1);
    para_check_shingles(g_norm.data, g_norm.len, words, 5);
    para_check_shingles(g_norm.data, g_norm.len, words, 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    size_t i;

    FUZZ_CHECK(nd_segment(&g_spans, text, size) == 0);
    para_check_spans(data, size);
    for (i = 0; i < g_spans.n; i++)
        para_check_text(text + g_spans.v[i].start,
                        g_spans.v[i].end - g_spans.v[i].start);
    para_check_text(text, size);
    return 0;
}
