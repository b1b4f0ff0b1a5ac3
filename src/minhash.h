/*
 * minhash.h - MinHash signatures of shingle sets.
 *
 * Permutation i is simulated by the bijection
 *     h_i(x) = a_i * x + b_i  (mod 2^32)
 * over the 32-bit shingle hashes, with a_i odd: the hashes are already
 * XXH3 output (folded to 32 bits), so one multiply per (shingle,
 * permutation) is enough mixing, and the inner loop over i has no branches
 * and no modular arithmetic beyond the word's own, so the compiler
 * vectorises it. The collision probability of sig[i] for two sets is their
 * Jaccard similarity. a_i and b_i are the low halves of a SplitMix64 stream
 * started at the seed, so a signature depends only on (set, k, seed).
 */
#ifndef ND_MINHASH_H
#define ND_MINHASH_H

#include <stddef.h>
#include <stdint.h>

typedef struct nd_minhash {
    unsigned k;   /* permutations */
    uint32_t *a;  /* k odd multipliers */
    uint32_t *b;  /* k offsets */
} nd_minhash;

/* Sets up k permutations from seed. Returns 0, ND_EINVAL (k == 0) or
 * ND_ENOMEM. */
int nd_minhash_init(nd_minhash *mh, unsigned k, uint64_t seed);
void nd_minhash_free(nd_minhash *mh);

/*
 * Writes the k values of the signature of set[0..n) (32-bit shingle
 * hashes) into sig[0..k). Order and repeats do not change it. With n == 0
 * every value is UINT32_MAX.
 */
void nd_minhash_sign(const nd_minhash *mh, uint32_t *sig, const uint32_t *set,
                     size_t n);

/* The share of equal positions of two k-value signatures. */
double nd_minhash_estimate(const uint32_t *a, const uint32_t *b, unsigned k);

#endif /* ND_MINHASH_H */
