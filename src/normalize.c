/*
 * normalize.c - a paragraph's bytes to "word word word" (see normalize.h).
 *
 * Most news text is ASCII, so ASCII takes a table: one lookup per byte gives
 * either the lower-case byte of a word character or 0 for a break, and
 * pure-ASCII words are written straight into the output; runs of plain
 * words with single spaces, most of a paragraph, go 16 bytes at a time
 * (normalize_chunk). utf8proc is only called for bytes >= 0x80.
 *
 * A word that contains a non-ASCII word character goes the slow way as a
 * whole: its ASCII prefix (already written) is taken back, and the word is
 * collected as code points, each case folded and canonically decomposed by
 * utf8proc_decompose_char; when the word ends its combining marks are put in
 * canonical order and it is recomposed (NFC) and encoded. Working per word
 * rather than per code point is what lets "e" + U+0301 compose to "é", and
 * since words never contain breaks, the result equals utf8proc_map with
 * UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE applied to each word
 * (tests/test_normalize.c checks exactly that).
 */
#include "normalize.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "util.h"

#define NORMALIZE_REPLACEMENT 0xFFFD /* stands for each invalid byte */
#define NORMALIZE_STACK_CPS 256      /* code points of a word before the heap */
#define NORMALIZE_SHORT_RUN 16       /* marks in a row sorted by insertion */

/*
 * Byte -> its lower-case form if an ASCII word character, else 0 (bytes
 * >= 0x80 too, so the hot loop needs one lookup per byte and no range test).
 */
static const unsigned char normalize_ascii[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
    ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
    ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
    ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
    ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
    ['z'] = 'z',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
    ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
    ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
    ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
    ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
    ['Z'] = 'z',
};

/* The code points of the word being built on the slow path. */
typedef struct normalize_word {
    utf8proc_int32_t *cp;                     /* stack or heap */
    size_t n;                                 /* code points in use */
    size_t cap;                               /* code points allocated */
    utf8proc_int32_t *heap;                   /* heap block, or NULL */
    utf8proc_int32_t stack[NORMALIZE_STACK_CPS]; /* the first words' home */
} normalize_word;

/* Makes room for need code points in the word (moving it to the heap). */
static int normalize_word_room(normalize_word *w, size_t need)
{
    size_t cap;
    int err;

    if (need <= w->cap)
        return 0;
    cap = w->heap ? w->cap : 0;
    err = nd_grow((void **)&w->heap, &cap, need, sizeof *w->heap);
    if (err)
        return err;
    if (w->cp == w->stack)
        memcpy(w->heap, w->stack, w->n * sizeof *w->stack);
    w->cp = w->heap;
    w->cap = cap;
    return 0;
}

/*
 * Whether a (non-ASCII) code point is a letter, mark or number. U+FFFD is
 * one too, although its category is So: invalid bytes become U+FFFD and
 * must keep their words, and a literal U+FFFD (often the trace of the same
 * bytes decoded lossily elsewhere) must behave alike, or normalising would
 * not be idempotent.
 */
static int normalize_is_word_cp(utf8proc_int32_t c)
{
    utf8proc_category_t cat;

    if (c == NORMALIZE_REPLACEMENT)
        return 1;
    cat = utf8proc_category(c);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

/* Appends c case folded and canonically decomposed. */
static int normalize_word_add(normalize_word *w, utf8proc_int32_t c)
{
    int boundclass = 0;

    for (;;) {
        utf8proc_ssize_t got;
        int err = normalize_word_room(w, w->n + 8);

        if (err)
            return err;
        got = utf8proc_decompose_char(c, w->cp + w->n,
                                      (utf8proc_ssize_t)(w->cap - w->n),
                                      UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE,
                                      &boundclass);
        if (got < 0) { /* cannot happen for a valid code point; keep it */
            w->cp[w->n++] = c;
            return 0;
        }
        if ((size_t)got <= w->cap - w->n) {
            w->n += (size_t)got;
            return 0;
        }
        err = normalize_word_room(w, w->n + (size_t)got);
        if (err)
            return err;
    }
}

/* The canonical combining class of c: 0 for starters, 1-254 for marks. */
static int normalize_ccc(utf8proc_int32_t c)
{
    return utf8proc_get_property(c)->combining_class;
}

/*
 * Sorts each run of combining marks by canonical combining class (stable,
 * as Unicode's canonical ordering requires); decompose_char works on one
 * code point at a time and so cannot do it. Real text has one to three
 * marks on a letter, which insertion sort handles best; but a word may be
 * a megabyte of alternating marks (the "Zalgo" text of forums and
 * spam), where insertion sort is quadratic: 320 kB took 10 s. Runs longer
 * than NORMALIZE_SHORT_RUN are therefore sorted by counting, in linear time
 * with the end of the word's buffer as scratch. Returns 0 or ND_ENOMEM.
 */
static int normalize_word_reorder(normalize_word *w)
{
    size_t count[256];
    size_t i = 0, j, k, run, at;
    int err;

    while (i < w->n) {
        if (normalize_ccc(w->cp[i]) == 0) {
            i++;
            continue;
        }
        for (j = i + 1; j < w->n && normalize_ccc(w->cp[j]) != 0; j++)
            ;
        run = j - i;
        if (run <= NORMALIZE_SHORT_RUN) {
            for (k = i + 1; k < j; k++) {
                utf8proc_int32_t c = w->cp[k];
                int cc = normalize_ccc(c);

                for (at = k; at > i && normalize_ccc(w->cp[at - 1]) > cc;
                     at--)
                    w->cp[at] = w->cp[at - 1];
                w->cp[at] = c;
            }
        }
        else {
            utf8proc_int32_t *tmp;

            err = normalize_word_room(w, w->n + run);
            if (err)
                return err;
            tmp = w->cp + w->n;
            memset(count, 0, sizeof count);
            for (k = i; k < j; k++)
                count[normalize_ccc(w->cp[k])]++;
            for (k = 0, at = 0; k < 256; k++) {
                size_t c = count[k];

                count[k] = at;
                at += c;
            }
            for (k = i; k < j; k++)
                tmp[count[normalize_ccc(w->cp[k])]++] = w->cp[k];
            memcpy(w->cp + i, tmp, run * sizeof *tmp);
        }
        i = j;
    }
    return 0;
}

/* Composes the word and appends its UTF-8 to out. */
static int normalize_word_flush(normalize_word *w, nd_buf *out)
{
    utf8proc_ssize_t n;
    size_t i;
    int err;

    err = normalize_word_reorder(w);
    if (err)
        return err;
    n = utf8proc_normalize_utf32(w->cp, (utf8proc_ssize_t)w->n,
                                 UTF8PROC_COMPOSE | UTF8PROC_STABLE);
    if (n < 0) /* only for options it was not given; keep decomposed */
        n = (utf8proc_ssize_t)w->n;
    if ((size_t)n > SIZE_MAX / 4)
        return ND_ENOMEM;
    err = nd_buf_reserve(out, (size_t)n * 4);
    if (err)
        return err;
    for (i = 0; i < (size_t)n; i++)
        out->len += (size_t)utf8proc_encode_char(
            w->cp[i], (utf8proc_uint8_t *)out->data + out->len);
    out->data[out->len] = '\0';
    w->n = 0;
    return 0;
}

/* Appends one word's byte offset to spans (NULL: none wanted). */
static int normalize_mark(nd_u32vec *spans, size_t at)
{
    int err;

    if (!spans)
        return 0;
    err = nd_u32vec_reserve(spans, 1);
    if (!err)
        spans->v[spans->n++] = (uint32_t)at;
    return err;
}

/*
 * The ASCII fast path of nd_normalize, in two gears. Plain prose is mostly
 * runs of letters and digits with single spaces between them, which
 * normalise to themselves in lower case; with SSE2 (every x86-64) such
 * runs go 16 bytes at a time while a word is open (normalize_chunk).
 * Everything else - punctuation, runs of white space, a word's first byte
 * after them - goes byte by byte (normalize_bytes), and hands back to the
 * 16-byte gear as soon as the next word has begun.
 */
#if defined(__SSE2__) && defined(__GNUC__)
#define NORMALIZE_CHUNKS 1
#else
#define NORMALIZE_CHUNKS 0
#endif

#if NORMALIZE_CHUNKS
/*
 * Normalises the longest prefix of p[0..16) that is letters and digits
 * with single spaces between them and ends with one of them, while a word
 * is open: that prefix only needs lower case, which for those bytes (and
 * the space) is OR 0x20. All 16 bytes are stored at o (the output has room
 * for them; what lies past the prefix is overwritten later). Returns the
 * prefix's length; 16 means the word is still open at p + 16.
 *
 * SSE2 compares bytes as signed, so each range test first moves its range
 * to the bottom of the signed bytes: for 'a'..'z', y = (c | 0x20) + 0x1F
 * lands on -128..-103 exactly for the letters of either case, and no byte
 * >= 0x80 does; digits likewise with + 0x50.
 */
static inline unsigned normalize_chunk(const unsigned char *p, char *o)
{
    const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
    const __m128i low = _mm_or_si128(x, _mm_set1_epi8(0x20));
    const __m128i letter = _mm_cmplt_epi8(
        _mm_add_epi8(low, _mm_set1_epi8(0x1F)), _mm_set1_epi8(-128 + 26));
    const __m128i digit = _mm_cmplt_epi8(
        _mm_add_epi8(x, _mm_set1_epi8(0x50)), _mm_set1_epi8(-128 + 10));
    const __m128i space = _mm_cmpeq_epi8(x, _mm_set1_epi8(' '));
    unsigned sp = (unsigned)_mm_movemask_epi8(space);
    unsigned ok = (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(letter, digit), space));
    /* Bad: not one of those bytes, or a space after a space. The sentinel
     * bit 16 makes the count 16 when nothing is bad. */
    unsigned bad = (~ok & 0xFFFFu) | (sp & (sp << 1)) | 0x10000u;
    unsigned k = (unsigned)__builtin_ctz(bad);

    /* A space that ends the prefix is the start of a break, not owed yet. */
    k -= k > 0 && ((sp >> (k - 1)) & 1u);
    _mm_storeu_si128((__m128i *)(void *)o, low);
    return k;
}
#endif

/*
 * The fast path from t[i]: both gears, until a byte >= 0x80 or the end;
 * returns where it stopped. The byte gear runs until just after the first
 * byte of a new word (or, without the 16-byte gear, to the end). Word ends
 * are as unpredictable as word lengths, and a mispredicted branch at each
 * cost more than the rest of the work, so in that gear every byte is
 * written whatever it is, and the cursor moves on only past what stays: a
 * space owed at a word's start (after the first word), and each word
 * character. (Stores through a char pointer may alias out's fields, hence
 * the local cursor.)
 */
static size_t normalize_ascii_run(nd_buf *out, const unsigned char *t,
                                  size_t len, size_t i, int *in_word)
{
    char *o = out->data;
    size_t ol = out->len;
    int open = *in_word, starts;

    do {
#if NORMALIZE_CHUNKS
        unsigned k = 16;

        while (open && k == 16 && len - i >= 16) {
            k = normalize_chunk(t + i, o + ol);
            i += k;
            ol += k;
        }
#endif
        starts = 0;
        while (i < len && t[i] < 0x80) {
            unsigned char m = normalize_ascii[t[i++]];
            int wc = m != 0;

            starts = wc & !open;
            o[ol] = ' ';
            ol += (size_t)(starts & (ol != 0));
            o[ol] = (char)m;
            ol += (size_t)wc;
            open = wc;
            if (NORMALIZE_CHUNKS && starts)
                break;
        }
    } while (NORMALIZE_CHUNKS && starts);
    out->len = ol;
    *in_word = open;
    return i;
}

/* Words in a normalised text: one more than its spaces, none if empty. */
static size_t normalize_count_words(const char *s, size_t len)
{
    size_t i, spaces = 0;

    if (len == 0)
        return 0;
    for (i = 0; i < len; i++)
        spaces += s[i] == ' ';
    return spaces + 1;
}

/* nd_normalize and nd_normalize_spans: spans, when given, gets the start
 * and end byte of every word as it goes. Inlined into both, so the
 * shingling path (spans NULL) keeps its loop free of the span tests. */
#if defined(__GNUC__)
#define NORMALIZE_INLINE static inline __attribute__((always_inline))
#else
#define NORMALIZE_INLINE static inline
#endif

NORMALIZE_INLINE int normalize_run(nd_buf *out, size_t *out_words,
                                   nd_u32vec *spans, const char *text,
                                   size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    normalize_word w;
    size_t i = 0, at;
    int in_word = 0, slow = 0, err = 0;

    w.cp = w.stack;
    w.n = 0;
    w.cap = NORMALIZE_STACK_CPS;
    w.heap = NULL;

    /*
     * Invariant of the fast path: out has room for one byte per input byte
     * still to read, plus one owed space and the NUL, so pure-ASCII stretches
     * write without checks. The slow path restores it after every word.
     */
    out->len = 0;
    if (spans)
        spans->n = 0;
    err = nd_buf_reserve(out, len + 1);
    if (err)
        goto done;

    while (i < len) {
        unsigned char c, m;
        utf8proc_int32_t cp;
        int is_word;

        if (!spans && !(in_word && slow)) {
            slow = 0;
            i = normalize_ascii_run(out, t, len, i, &in_word);
            if (i == len)
                break;
        }
        c = t[i];
        m = normalize_ascii[c];
        cp = m;
        is_word = m != 0;

        at = i;
        if (c >= 0x80) {
            utf8proc_int32_t dec; /* cp itself stays in a register */
            utf8proc_ssize_t got =
                utf8proc_iterate(t + i, (utf8proc_ssize_t)(len - i), &dec);

            cp = dec;
            if (got < 0) {
                cp = NORMALIZE_REPLACEMENT;
                got = 1;
            }
            i += (size_t)got;
            is_word = normalize_is_word_cp(cp);
        }
        else {
            i++;
        }

        if (!is_word) { /* a break: the word, if any, is complete */
            if (in_word && (err = normalize_mark(spans, at)) != 0)
                goto done;
            if (in_word && slow) {
                err = normalize_word_flush(&w, out);
                if (!err)
                    err = nd_buf_reserve(out, len - i + 1);
                if (err)
                    goto done;
            }
            in_word = 0;
            continue;
        }
        if (!in_word) {
            if ((err = normalize_mark(spans, at)) != 0)
                goto done;
            if (out->len) /* not the first word */
                out->data[out->len++] = ' ';
            in_word = 1;
            slow = 0;
        }
        if (!slow && c < 0x80) {
            /* A run of ASCII word characters (with spans wanted). */
            out->data[out->len++] = (char)m;
            while (i < len && (m = normalize_ascii[t[i]]) != 0) {
                out->data[out->len++] = (char)m;
                i++;
            }
            continue;
        }
        if (!slow) {
            /* Take back the ASCII prefix: a mark may compose with it. It
             * began after the output's last space (words are single-spaced
             * and have none inside). */
            size_t k, word_start = out->len;

            while (word_start > 0 && out->data[word_start - 1] != ' ')
                word_start--;
            slow = 1;
            w.n = 0;
            err = normalize_word_room(&w, out->len - word_start + 1);
            if (err)
                goto done;
            for (k = word_start; k < out->len; k++)
                w.cp[w.n++] = (unsigned char)out->data[k];
            out->len = word_start;
        }
        if (c < 0x80) { /* folded already, and decomposes to itself */
            err = normalize_word_room(&w, w.n + 1);
            if (!err)
                w.cp[w.n++] = cp;
        }
        else {
            err = normalize_word_add(&w, cp);
        }
        if (err)
            goto done;
    }
    if (in_word && slow)
        err = normalize_word_flush(&w, out);
    if (!err && in_word)
        err = normalize_mark(spans, len);

done:
    free(w.heap);
    if (err) {
        out->len = 0;
        if (out->data)
            out->data[0] = '\0';
        if (spans)
            spans->n = 0;
    }
    else {
        out->data[out->len] = '\0';
    }
    if (out_words) /* two offsets a word, when spans were kept */
        *out_words = spans ? spans->n / 2
                           : normalize_count_words(out->data, out->len);
    return err;
}

int nd_normalize(nd_buf *out, size_t *out_words, const char *text,
                 size_t len)
{
    return normalize_run(out, out_words, NULL, text, len);
}

int nd_normalize_spans(nd_buf *out, size_t *out_words, nd_u32vec *spans,
                       const char *text, size_t len)
{
    return normalize_run(out, out_words, spans, text, len);
}
