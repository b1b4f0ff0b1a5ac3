/*
 * lsh.h - candidate pairs: paragraphs worth verifying exactly.
 *
 * Two generators feed the verifier:
 *
 * 1. Banding (near-duplicates by Jaccard). A signature of k = b*r values is
 *    cut into b bands of r rows; two paragraphs are candidates when all r
 *    values of some band agree, which for Jaccard s happens with
 *    probability 1-(1-s^r)^b, an S-curve. nd_lsh_choose picks (b, r) for a
 *    threshold t by minimising
 *        w_fp * integral_0^t P(s) ds + w_fn * integral_t^1 (1-P(s)) ds
 *    over all b*r <= k; the rates it reports are those areas divided by the
 *    widths of their intervals (t and 1-t), i.e. the average chance that a
 *    pair below t becomes a candidate, and that a pair above t does not.
 *    At t = 1 the second interval is empty: a pair of Jaccard 1 has equal
 *    signatures and meets in every band, so nothing above t is missed and
 *    the choice only keeps candidates below t few (one band of k rows).
 *
 * 2. Anchors (containment). A sentence that stands alone in one article and
 *    is joined to the next one in another has a Jaccard far below t, but it
 *    is contained in the longer paragraph. Winnowing (Schleimer et al.,
 *    2003) picks in every window of w consecutive shingle hashes the
 *    smallest (the rightmost one on ties); the picks of a paragraph are its
 *    anchors. A paragraph's queries are the picks of its first and of its
 *    last window (for fewer than w shingles: its smallest hash). Whenever a
 *    paragraph's first (or last) w shingles occur in a row in another
 *    paragraph, that same window is a window of the other paragraph too,
 *    so its pick is one of the other's anchors: contiguous containment is
 *    found for certain, whatever the sizes, for every paragraph of at least
 *    w shingles (scan.c sets w to the containment minimum, so for every
 *    paragraph containment applies to), and an edit near one end is
 *    survived through the other query. Since a near-duplicate usually
 *    keeps its first or last few words, the anchors also find many
 *    Jaccard pairs that banding misses.
 *
 * Both generators reduce to one operation: sort (key, item) entries and
 * pair items that share a key. Band buckets are capped: in a bucket of
 * m > cap items, each item is paired only with the first cap items (by item
 * number), which keeps buckets of near-identical boilerplate from growing
 * quadratically while every item still meets the same representatives.
 * Anchor keys held by more than cap paragraphs are skipped (see
 * nd_lsh_join).
 */
#ifndef ND_LSH_H
#define ND_LSH_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* One entry of a bucket index: 8 bytes, since there are tens of them per
 * paragraph. Keys are folded to 32 bits; two unrelated keys that fold
 * alike only add a candidate, which verification then rejects. */
typedef struct nd_key {
    uint32_t key;  /* band key or anchor hash, folded */
    uint32_t item; /* paragraph number */
} nd_key;

/* A candidate pair of paragraph numbers, a < b. */
typedef struct nd_pair {
    uint32_t a; /* smaller paragraph number */
    uint32_t b; /* larger paragraph number */
} nd_pair;

typedef struct nd_keyvec {
    nd_key *v;  /* entries */
    size_t n;   /* entries in use */
    size_t cap; /* entries allocated */
} nd_keyvec;

typedef struct nd_pairvec {
    nd_pair *v; /* pairs */
    size_t n;   /* pairs in use */
    size_t cap; /* pairs allocated */
} nd_pairvec;

/* Appends (key folded to 32 bits, item). Returns 0 or ND_ENOMEM. */
int nd_keyvec_push(nd_keyvec *vec, uint64_t key, uint32_t item);
void nd_keyvec_free(nd_keyvec *vec);
int nd_pairvec_push(nd_pairvec *vec, uint32_t a, uint32_t b);
void nd_pairvec_free(nd_pairvec *vec);

/*
 * Chooses bands and rows (b*r <= k) for threshold t in (0,1], minimising
 * the weighted areas described above; ties go to the smaller b*r, then to
 * the smaller r. *fp and *fn (may be NULL) receive the rates.
 * Returns 0 or ND_EINVAL.
 */
int nd_lsh_choose(unsigned *bands, unsigned *rows, double *fp, double *fn,
                  double t, unsigned k, double w_fp, double w_fn);

/* The probability 1-(1-s^r)^b that a pair of Jaccard s shares a band. */
double nd_lsh_prob(double s, unsigned bands, unsigned rows);

/*
 * The key of band `band` (rows values starting at sig[band*rows]): XXH3 of
 * those values with the band number mixed into the seed, so equal values in
 * different bands never share a bucket.
 */
uint64_t nd_lsh_band_key(const uint32_t *sig, unsigned band, unsigned rows,
                         uint64_t seed);

/*
 * Appends to out the winnowing anchors of h[0..n) (text-order shingle
 * hashes) for window w >= 1, folded to 32 bits as keys are (nd_fold32),
 * sorted and without repeats. With n < w the only anchor is the smallest
 * hash. Returns 0 or ND_ENOMEM.
 */
int nd_lsh_anchors(nd_u32vec *out, const uint64_t *h, size_t n, unsigned w);

/*
 * Stores the queries of h[0..n) in q[0..2) and returns how many there are:
 * 0 for n == 0, 1 when both windows pick the same hash or n <= w, else 2.
 */
size_t nd_lsh_queries(uint64_t q[2], const uint64_t *h, size_t n,
                      unsigned w);

/*
 * Appends to out every pair of distinct items sharing a key (capped as
 * above), working on up to `threads` threads: key by key in ascending
 * order, within a key as the cap reads (first item ascending, then second
 * item ascending). Pairs may repeat; see nd_lsh_pairs_unique. The result
 * does not depend on threads. keys keeps its entries, in no order the
 * caller may count on (they are dealt into buckets in place).
 * Returns 0 or ND_ENOMEM.
 */
int nd_lsh_pairs(nd_pairvec *out, nd_keyvec *keys, size_t cap,
                 unsigned threads);

/*
 * Appends to out, working on up to `threads` threads, a pair for every
 * distinct query item and distinct index item that share a key and differ:
 * key by key in ascending order, within a key query item by query item
 * ascending, each with the index items ascending. A key that more than cap
 * distinct items are indexed under is skipped: it is a stock phrase ("said
 * in a statement on"), and pairing on it would cost many checks for no
 * evidence of copying. The result does not depend on threads. index and
 * queries keep their entries, in no order the caller may count on.
 * Returns 0 or ND_ENOMEM.
 */
int nd_lsh_join(nd_pairvec *out, nd_keyvec *index, nd_keyvec *queries,
                size_t cap, unsigned threads);

/* Sorts pairs by (a, b) and removes repeats, on up to `threads` threads
 * (the result does not depend on them). Returns 0 or ND_ENOMEM. */
int nd_lsh_pairs_unique(nd_pairvec *pairs, unsigned threads);

#endif /* ND_LSH_H */
