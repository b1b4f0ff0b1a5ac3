/*
 * minhash.h - MinHash signatures of shingle sets.
 *
 * Permutation i is simulated by the multiply-shift hash
 *     h_i(x) = (uint32_t)((a_i * x + b_i) >> 32)
 * over 64-bit words, with a_i odd: the shingle hashes are already XXH3
 * output, so one multiply per (shingle, permutation) is enough mixing, and
 * the inner loop over i has no branches and no modular arithmetic, so the
 * compiler vectorises it. The collision probability of sig[i] for two sets
 * is their Jaccard similarity up to the 2^-32 granularity of the values.
 * a_i and b_i come from a SplitMix64 stream started at the seed, so a
 * signature depends only on (set, k, seed).
 */
#ifndef ND_MINHASH_H
#define ND_MINHASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct nd_minhash {
    unsigned k;   /* permutations */
    uint64_t *a;  /* k odd multipliers */
    uint64_t *b;  /* k offsets */
} nd_minhash;

/* Sets up k permutations from seed. Returns 0, ND_EINVAL (k == 0) or
 * ND_ENOMEM. */
int nd_minhash_init(nd_minhash *mh, unsigned k, uint64_t seed);
void nd_minhash_free(nd_minhash *mh);

/*
 * Writes the k values of the signature of shingles[0..n) into sig[0..k).
 * Repeated shingles do not change it. With n == 0 every value is
 * UINT32_MAX.
 */
void nd_minhash_sign(const nd_minhash *mh, uint32_t *sig,
                     const uint64_t *shingles, size_t n);

/* The share of equal positions of two k-value signatures. */
double nd_minhash_estimate(const uint32_t *a, const uint32_t *b, unsigned k);

#endif /* ND_MINHASH_H */
