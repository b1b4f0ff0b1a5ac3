/*
 * verify.c - exact Jaccard and containment of candidate pairs (see
 * verify.h).
 *
 * Shingle sets arrive sorted and without repeats, so one merge walk counts
 * the intersection in O(|A| + |B|) with no memory; every other figure
 * follows from that count and the two sizes.
 */
#include "verify.h"

/* The least whole count that is not below need: a count k is below need
 * exactly when k < verify_ceil(need), so the merge compares integers. */
static size_t verify_ceil(double need)
{
    size_t k;

    if (!(need > 0.0))
        return 0;
    k = (size_t)need;
    return (double)k < need ? k + 1 : k;
}

/*
 * Merges sorted sets a and b, counting the shingles they share into
 * *inter. Gives up, returning 0, as soon as even a match of every
 * remaining shingle of a (or of b) could not bring the count to need;
 * returns 1 when the merge ran to the end.
 *
 * Giving up is tested in whole numbers: n + (na - i) < need is
 * i - n > na - k for k = verify_ceil(need), and i - n, the shingles of a
 * passed without a match, only grows. No step converts to double.
 */
static int verify_merge(size_t *inter, const uint32_t *a, size_t na,
                        const uint32_t *b, size_t nb, double need)
{
    size_t i = 0, j = 0, n = 0, k = verify_ceil(need), la, lb;

    if (na == 0 || nb == 0) {
        *inter = 0;
        return 1;
    }
    if (k > na || k > nb)
        return 0;
    la = na - k; /* misses a may have, and b */
    lb = nb - k;
    while (i < na && j < nb) {
        uint32_t x = a[i], y = b[j];

        if (i - n > la || j - n > lb)
            return 0;
        i += x <= y;
        j += y <= x;
        n += x == y;
    }
    *inter = n;
    return 1;
}

static void verify_fill(nd_sim *out, size_t inter, size_t na, size_t nb)
{
    size_t uni = na + nb - inter;

    out->jaccard = uni ? (double)inter / (double)uni : 0.0;
    out->a_in_b = na ? (double)inter / (double)na : 0.0;
    out->b_in_a = nb ? (double)inter / (double)nb : 0.0;
}

void nd_verify(nd_sim *out, const uint32_t *a, size_t na, const uint32_t *b,
               size_t nb)
{
    size_t inter = 0;

    verify_merge(&inter, a, na, b, nb, -1.0);
    verify_fill(out, inter, na, nb);
}

int nd_verify_covers(const nd_sim *s, size_t nb, const nd_thresholds *t)
{
    if (s->jaccard >= t->jaccard)
        return 1;
    /* Containment needs a minimum size: a one-shingle line would
     * otherwise be held by every paragraph that quotes it. */
    return nb >= t->min_contain && s->b_in_a >= t->containment;
}

int nd_verify_is_dup(const nd_sim *s, size_t na, size_t nb,
                     const nd_thresholds *t)
{
    if (nd_verify_covers(s, nb, t))
        return 1;
    return na >= t->min_contain && s->a_in_b >= t->containment;
}

/*
 * The intersection a pair needs to be a duplicate: Jaccard >= t means
 * |A n B| >= t (|A| + |B|) / (1 + t); containment of the smaller set S
 * (when it may count) means |A n B| >= c |S|. The smaller of the two
 * bounds, less a small margin for rounding, is the least that can pass.
 */
static double verify_needed(size_t na, size_t nb, const nd_thresholds *t)
{
    size_t small = na < nb ? na : nb;
    double need = t->jaccard * (double)(na + nb) / (1.0 + t->jaccard);

    if (small >= t->min_contain && t->containment * (double)small < need)
        need = t->containment * (double)small;
    return need - 1e-9;
}

int nd_verify_dup(nd_sim *out, const uint32_t *a, size_t na,
                  const uint32_t *b, size_t nb, const nd_thresholds *t)
{
    /* Most candidates that fail share a shingle or two and stop after a
     * fraction of the smaller set. */
    size_t inter;

    if (!verify_merge(&inter, a, na, b, nb, verify_needed(na, nb, t)))
        return 0;
    verify_fill(out, inter, na, nb);
    return nd_verify_is_dup(out, na, nb, t);
}
