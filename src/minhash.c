/*
 * minhash.c - MinHash signatures (see minhash.h).
 *
 * The signature of a set is, for each of k simulated permutations, the
 * smallest image of any member. The permutations are multiply-shift hashes
 * (a*x + b) >> 32 with a odd: shingle hashes are already XXH3 output, close
 * to uniform, so a single multiply decorrelates the k images well enough
 * for the estimate to follow the binomial error sqrt(J(1-J)/k) (the property
 * test in tests/test_minhash.c checks exactly that).
 *
 * The loop runs shingles outer and permutations inner, keeping a running
 * minimum per permutation: the inner loop is k independent lanes of
 * multiply, add, shift and min with no branch, which gcc vectorises at -O2
 * and above.
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
    /* The stream gives a_0, b_0, a_1, b_1, ...; an even multiplier would
     * lose the top bit of x, so a is forced odd. */
    for (i = 0; i < k; i++) {
        mh->a[i] = minhash_splitmix(&state) | 1u;
        mh->b[i] = minhash_splitmix(&state);
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
 * On x86-64 with GCC the kernel is also built for AVX2 and for AVX-512
 * (whose 64-bit multiply doubles the lanes again) and the loader picks the
 * best the CPU has; the results are the same bits on every path. Baseline
 * x86-64 only has SSE2, where this loop runs at about a sixth of the
 * AVX-512 speed.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    defined(__linux__)
__attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#endif
static void minhash_kernel(uint32_t *restrict sig, const uint64_t *restrict a,
                           const uint64_t *restrict b, unsigned k,
                           const uint64_t *restrict shingles, size_t n)
{
    size_t j;
    unsigned i;

    for (i = 0; i < k; i++)
        sig[i] = UINT32_MAX;
    for (j = 0; j < n; j++) {
        uint64_t x = shingles[j];

        for (i = 0; i < k; i++) {
            uint32_t v = (uint32_t)((a[i] * x + b[i]) >> 32);

            sig[i] = v < sig[i] ? v : sig[i];
        }
    }
}

void nd_minhash_sign(const nd_minhash *mh, uint32_t *sig,
                     const uint64_t *shingles, size_t n)
{
    minhash_kernel(sig, mh->a, mh->b, mh->k, shingles, n);
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
