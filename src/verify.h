/*
 * verify.h - the exact check every candidate pair goes through.
 *
 * LSH only proposes; nothing reaches a cluster unless its shingle sets
 * (sorted, without repeats) are within the thresholds:
 *   Jaccard(A,B) = |A n B| / |A u B| >= threshold, or
 *   containment(A in B) = |A n B| / |A| >= containment, with |A| >= the
 *   minimum number of shingles for containment (a one-shingle line would
 *   otherwise be "contained" in every paragraph that quotes it).
 */
#ifndef ND_VERIFY_H
#define ND_VERIFY_H

#include <stddef.h>
#include <stdint.h>

/* Exact similarity of two shingle sets A and B. */
typedef struct nd_sim {
    double jaccard; /* |A n B| / |A u B| */
    double a_in_b;  /* |A n B| / |A|: how much of A is in B */
    double b_in_a;  /* |A n B| / |B| */
} nd_sim;

/* Thresholds of a duplicate. */
typedef struct nd_thresholds {
    double jaccard;     /* Jaccard threshold */
    double containment; /* containment threshold */
    size_t min_contain; /* shingles the contained set needs */
} nd_thresholds;

/* Computes the similarity of sorted repeat-free sets a[0..na), b[0..nb)
 * of shingle hashes folded to 32 bits (two distinct shingles of two
 * 100-shingle paragraphs fold alike with odds of about 1 in 400,000, and
 * then move a similarity by 1%).
 * Two empty sets have all three values 0. */
void nd_verify(nd_sim *out, const uint32_t *a, size_t na, const uint32_t *b,
               size_t nb);

/*
 * Nonzero when A and B are duplicates in either direction (as
 * nd_verify_is_dup after nd_verify), then with *out filled; 0 otherwise,
 * with *out unspecified. Stops the merge as soon as the thresholds are out
 * of reach, which is where most candidates end.
 */
int nd_verify_dup(nd_sim *out, const uint32_t *a, size_t na,
                  const uint32_t *b, size_t nb, const nd_thresholds *t);

/* Nonzero when A may stand in for B, i.e. B's text is held by A: Jaccard
 * passes, or B (of nb >= min_contain shingles) is contained in A. */
int nd_verify_covers(const nd_sim *s, size_t nb, const nd_thresholds *t);

/* Nonzero when A and B are duplicates in either direction. */
int nd_verify_is_dup(const nd_sim *s, size_t na, size_t nb,
                     const nd_thresholds *t);

#endif /* ND_VERIFY_H */
