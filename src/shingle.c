/*
 * shingle.c - hashes the word n-grams of a normalised paragraph (see
 * shingle.h).
 *
 * Because normalize.c separates words by exactly one space, shingle i is a
 * contiguous byte range of the text, so it is hashed in place: two cursors
 * walk the text, one at the start of the shingle's first word and one at
 * the end of its last, and each step moves both by one word. Every byte is
 * visited by each cursor once, so the cost is one pass plus the hashing.
 * XXH3 is used because it is fast on short inputs and its 64 bits make
 * accidental equality of two different shingles negligible at any corpus
 * size that fits in memory.
 */
#include "shingle.h"

#include <stdint.h>
#include <string.h>

#include "hash.h"
#include "util.h"

/* The end of the word that starts at p: the next space or the text end.
 * Words are a few bytes, too short for memchr to pay for its call: eight
 * bytes are tested at once (util.h), and on little-endian machines the
 * lowest marked byte is the first space. */
static const char *shingle_word_end(const char *p, const char *end)
{
    const char *sp;

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (end - p >= 8) {
        uint64_t w, m;

        memcpy(&w, p, 8);
        m = nd_word_eq(w, ' ');
        if (m)
            return p + (__builtin_ctzll(m) >> 3);
        p += 8;
    }
#endif
    sp = memchr(p, ' ', (size_t)(end - p));
    return sp ? sp : end;
}

int nd_shingle(nd_u64vec *out, const char *norm, size_t len, unsigned n,
               uint64_t seed)
{
    const char *end = norm + len, *a = norm, *b;
    unsigned k;
    int err;

    out->n = 0;
    if (len == 0)
        return 0;
    if (n == 0) /* no empty shingles: treat as single words */
        n = 1;

    /* b: the end of word n-1, or of the text when it has fewer words. */
    b = shingle_word_end(norm, end);
    for (k = 1; k < n && b < end; k++)
        b = shingle_word_end(b + 1, end);

    for (;;) {
        err = nd_u64vec_push(out, XXH3_64bits_withSeed(a, (size_t)(b - a),
                                                       seed));
        if (err)
            return err;
        if (b == end)
            return 0;
        b = shingle_word_end(b + 1, end);
        a = shingle_word_end(a, end) + 1;
    }
}
