/*
 * verify.c - exact Jaccard and containment of candidate pairs (see
 * verify.h).
 *
 * Shingle sets arrive sorted and without repeats, so one merge walk counts
 * the intersection in O(|A| + |B|) with no memory; every other figure
 * follows from that count and the two sizes.
 */
#include "verify.h"

void nd_verify(nd_sim *out, const uint32_t *a, size_t na, const uint32_t *b,
               size_t nb)
{
    size_t i = 0, j = 0, inter = 0, uni;

    while (i < na && j < nb) {
        if (a[i] < b[j]) {
            i++;
        } else if (b[j] < a[i]) {
            j++;
        } else {
            inter++;
            i++;
            j++;
        }
    }
    uni = na + nb - inter;
    out->jaccard = uni ? (double)inter / (double)uni : 0.0;
    out->a_in_b = na ? (double)inter / (double)na : 0.0;
    out->b_in_a = nb ? (double)inter / (double)nb : 0.0;
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
    size_t i = 0, j = 0, inter = 0, uni;
    double need = verify_needed(na, nb, t);

    /* Merge as nd_verify does, but give up as soon as even a match of
     * every remaining shingle of A (or of B) could not reach need: most
     * candidates that fail share a shingle or two and stop after a
     * fraction of the smaller set. */
    while (i < na && j < nb) {
        if ((double)(inter + (na - i)) < need ||
            (double)(inter + (nb - j)) < need)
            return 0;
        if (a[i] < b[j]) {
            i++;
        } else if (b[j] < a[i]) {
            j++;
        } else {
            inter++;
            i++;
            j++;
        }
    }
    uni = na + nb - inter;
    out->jaccard = uni ? (double)inter / (double)uni : 0.0;
    out->a_in_b = na ? (double)inter / (double)na : 0.0;
    out->b_in_a = nb ? (double)inter / (double)nb : 0.0;
    return nd_verify_is_dup(out, na, nb, t);
}
