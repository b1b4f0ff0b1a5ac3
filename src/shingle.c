/*
 * shingle.c - hashes the word n-grams of a normalised paragraph (see
 * shingle.h).
 *
 * Because normalize.c separates words by exactly one space, shingle i is a
 * contiguous byte range of the text, so it is hashed in place. One scan
 * notes where every word starts (16 bytes at a time with SSE2: a compare
 * gives the spaces of a chunk as a bit mask, and each set bit is a word
 * start); then shingle i runs from the start of word i to just before the
 * start of word i + n. The starts are written into the output array itself
 * and each is replaced by its shingle's hash once no later shingle needs
 * it, so no memory is needed beyond the output. XXH3 is used because it
 * is fast on short inputs and its 64 bits make accidental equality of two
 * different shingles negligible at any corpus size that fits in memory.
 */
#include "shingle.h"

#include <stdint.h>
#include <string.h>

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

#include "hash.h"
#include "util.h"

/* Makes room for need more entries after the w written so far; *v
 * follows the array if it moved. Returns 0 or ND_ENOMEM. */
static int shingle_room(nd_u64vec *out, size_t w, size_t need, uint64_t **v)
{
    int err;

    if (out->cap - w >= need)
        return 0;
    out->n = w;
    err = nd_u64vec_reserve(out, need);
    *v = out->v;
    return err;
}

/*
 * Writes to out the start of every word of norm[0..len) and, after them,
 * len + 1 (where a word after the last one would start), so that word j
 * always ends one byte before entry j + 1. Returns 0 or ND_ENOMEM.
 */
static int shingle_starts(nd_u64vec *out, const char *norm, size_t len)
{
    size_t i = 0, w = 1;
    uint64_t *v;
    int err;

    /* Room for a chunk's starts is made before each chunk, so the array
     * grows with the words rather than with the bytes. */
    err = nd_u64vec_reserve(out, 18);
    if (err)
        return err;
    v = out->v;
    v[0] = 0;
#if defined(__SSE2__) && defined(__GNUC__)
    for (; len - i >= 16; i += 16) {
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
            _mm_loadu_si128((const __m128i *)(const void *)(norm + i)),
            _mm_set1_epi8(' ')));

        if ((err = shingle_room(out, w, 18, &v)) != 0)
            return err;
        while (m) {
            v[w++] = i + (unsigned)__builtin_ctz(m) + 1;
            m &= m - 1;
        }
    }
#endif
    /* The rest (all of it without SSE2): a store a byte, kept only after
     * a space, so no branch depends on the text. */
    for (; i < len; i++) {
        if ((err = shingle_room(out, w, 2, &v)) != 0)
            return err;
        v[w] = i + 1;
        w += norm[i] == ' ';
    }
    v[w++] = len + 1;
    out->n = w;
    return 0;
}

int nd_shingle(nd_u64vec *out, const char *norm, size_t len, unsigned n,
               uint64_t seed)
{
    size_t words, i;
    uint64_t *v;
    int err;

    out->n = 0;
    if (len == 0)
        return 0;
    if (n == 0) /* no empty shingles: treat as single words */
        n = 1;
    err = shingle_starts(out, norm, len);
    if (err)
        return err;
    v = out->v;
    words = out->n - 1;
    if (words < n) { /* one shingle: the whole text */
        v[0] = XXH3_64bits_withSeed(norm, len, seed);
        out->n = 1;
        return 0;
    }
    /* Shingle i needs starts i and i + n, so slot i is free once it is
     * hashed: later shingles read only later slots. */
    for (i = 0; i + n <= words; i++)
        v[i] = XXH3_64bits_withSeed(norm + v[i], (size_t)(v[i + n] - v[i] - 1),
                                    seed);
    out->n = words - n + 1;
    return 0;
}
