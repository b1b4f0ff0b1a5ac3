/*
 * locate.c - where boilerplate glued to a paragraph lies (see locate.h).
 *
 * The scan knows from the shingle sets which kept paragraphs hold a
 * boilerplate canonical's shingles, but not where: that needs the text,
 * which pass 2 has. The paragraph is normalised again with the byte span
 * of every word, shingled as in pass 1, and the longest prefix and suffix
 * of words whose shingles the canonical holds are found; their bytes are
 * what clean/ leaves out.
 */
#include "locate.h"

#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "shingle.h"
#include "verify.h"

void nd_locate_scratch_free(nd_locate_scratch *sc)
{
    nd_buf_free(&sc->norm);
    nd_u32vec_free(&sc->spans);
    nd_u64vec_free(&sc->seq);
    nd_u32vec_free(&sc->h);
    nd_u32vec_free(&sc->tmp);
}

/* White space between tokens: ASCII's, and U+00A0 (c2 a0) ending at
 * p[i], as the segmenter trims it. */
static int locate_ws_at(const char *p, size_t i, size_t lo)
{
    unsigned char c = (unsigned char)p[i];

    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    return c == 0xa0 && i > lo && (unsigned char)p[i - 1] == 0xc2;
}

static int locate_in_set(const uint32_t *set, size_t n, uint32_t x)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (set[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && set[lo] == x;
}

/*
 * Checks the part made of shingles h[lo..hi) against F: fills loc when it
 * has min_contain distinct shingles and holds the containment. The
 * shingles are copied and sorted into sc->tmp, and measured against F by
 * the verifier itself (verify.c), so a part is held exactly when the scan
 * would hold a paragraph of those shingles contained in F.
 */
static int locate_check(nd_part_loc *loc, nd_locate_scratch *sc,
                        size_t lo, size_t hi, const uint32_t *fset,
                        size_t fn, const nd_part_rule *rule)
{
    nd_sim sim;
    size_t d;
    int err;

    sc->tmp.n = 0;
    err = nd_u32vec_reserve(&sc->tmp, hi - lo);
    if (err)
        return err;
    memcpy(sc->tmp.v, sc->h.v + lo, (hi - lo) * sizeof *sc->tmp.v);
    d = nd_u32_sort_unique(sc->tmp.v, hi - lo);
    if (d < rule->min_contain)
        return 0;
    nd_verify(&sim, fset, fn, sc->tmp.v, d);
    if (sim.b_in_a < rule->containment)
        return 0;
    loc->found = 1;
    loc->contain = sim.b_in_a;
    loc->jaccard = sim.jaccard;
    return 0;
}

int nd_locate_part(nd_part_loc *pre, nd_part_loc *suf,
                   nd_locate_scratch *sc, const char *para, size_t len,
                   const uint32_t *fset, size_t fn, const nd_part_rule *rule)
{
    size_t words, w, n = rule->ngram, k, i;
    const uint32_t *sp;
    int err;

    memset(pre, 0, sizeof *pre);
    memset(suf, 0, sizeof *suf);
    err = nd_normalize_spans(&sc->norm, &words, &sc->spans, para, len);
    if (!err)
        err = nd_shingle(&sc->seq, sc->norm.data, sc->norm.len, rule->ngram,
                         rule->seed);
    if (err)
        return err;
    w = words;
    /* A part of k >= n words, and at least one word left over. */
    if (n < 1 || w < n + 1 || sc->seq.n != w - n + 1)
        return 0;
    sc->h.n = 0;
    err = nd_u32vec_reserve(&sc->h, sc->seq.n);
    if (err)
        return err;
    for (i = 0; i < sc->seq.n; i++)
        sc->h.v[i] = nd_fold32(sc->seq.v[i]);
    sc->h.n = sc->seq.n;
    sp = sc->spans.v;

    /* Prefix: words [0, k), shingles 0..k-n, the one at k-n on the cut;
     * the one at k-n+1, which reaches into the rest, is not F's (else
     * the cut would not be where F's text ends). */
    for (k = w - 1; k >= n && !pre->found; k--) {
        if (!locate_in_set(fset, fn, sc->h.v[k - n]) ||
            locate_in_set(fset, fn, sc->h.v[k - n + 1]))
            continue;
        err = locate_check(pre, sc, 0, k - n + 1, fset, fn, rule);
        if (err)
            return err;
        if (pre->found) {
            size_t cut = sp[2 * k];

            /* Back to the start of the rest's first token. */
            while (cut > sp[2 * (k - 1) + 1] && !locate_ws_at(para, cut - 1, 0))
                cut--;
            pre->start = 0;
            pre->end = cut;
            pre->words = k;
        }
    }
    /* Suffix: words [w-k, w), shingles w-k..w-n, the one at w-k on the
     * cut, the one before it not F's. */
    for (k = w - 1; k >= n && !suf->found; k--) {
        size_t first = w - k;

        if (!locate_in_set(fset, fn, sc->h.v[first]) ||
            locate_in_set(fset, fn, sc->h.v[first - 1]))
            continue;
        err = locate_check(suf, sc, first, w - n + 1, fset, fn, rule);
        if (err)
            return err;
        if (suf->found) {
            size_t cut = sp[2 * (first - 1) + 1];

            /* On to the end of the rest's last token. */
            while (cut < sp[2 * first] && !locate_ws_at(para, cut, 0) &&
                   !((unsigned char)para[cut] == 0xc2 &&
                     cut + 1 < sp[2 * first] &&
                     (unsigned char)para[cut + 1] == 0xa0))
                cut++;
            suf->start = cut;
            suf->end = len;
            suf->words = k;
        }
    }
    if (pre->found && suf->found && pre->words + suf->words > w - 1) {
        if (suf->words > pre->words)
            memset(pre, 0, sizeof *pre);
        else
            memset(suf, 0, sizeof *suf);
    }
    return 0;
}
