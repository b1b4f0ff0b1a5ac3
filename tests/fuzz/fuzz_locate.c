/*
 * fuzz_locate.c - fuzz target of the code that finds boilerplate glued to
 * a paragraph's start or end (src/locate.c), as the writer runs it.
 *
 * The input is 4 bytes of set-up and then an article's text T:
 *  - byte 0: the rule: bits 0-2 the words per shingle (5 1 2 3 4 5 8 16),
 *    bits 3-4 min_contain (1 2 3 4), bit 6 the seed (42 or another);
 *    bit 5 which side of the split is F's text (0: before, 1: after);
 *  - byte 1: the containment, (byte % 100 + 1) / 100;
 *  - bytes 2-3: where T is split (little endian, at most T's length).
 * F is the shingle set of one side of the split as the scan keeps it
 * (normalised, shingled, each hash folded with nd_fold32, sorted, unique),
 * and is located in every paragraph of T (nd_segment) and in T whole.
 * Checked, against a reference worked out here from the words and
 * shingles of the paragraph by other means (first and last occurrences
 * instead of sorted copies):
 *  - the same parts are found, of the same words, containment and
 *    Jaccard: the longest prefix and suffix with their shingle at the cut
 *    in F and the next one (over the cut) not, of at least min_contain
 *    distinct shingles, at least `containment` of them in F (the scan's
 *    rule: the share compared, as verify.c does), the longer kept when
 *    they overlap;
 *  - a part's words: at least ngram + min_contain - 1, fewer than the
 *    paragraph's; its containment at least the rule's;
 *  - the bytes: the prefix starts at 0, the suffix ends at the paragraph's
 *    end, both inside it; the cut lies between the words either side of
 *    it, after (before) the white space there, so the removed bytes
 *    normalise to the part's words and what stays to the others (at
 *    least one: it is not empty), the two parts never overlapping;
 *  - a second call with the same scratch, and one with a fresh scratch,
 *    give the same result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "locate.h"
#include "normalize.h"
#include "segment.h"
#include "shingle.h"
#include "util.h"

/* Reused from one input to the next, as the writer reuses them. */
static nd_locate_scratch g_sc;
static nd_spanvec g_paras;
static nd_buf g_norm, g_cut;
static nd_u64vec g_seq;
static nd_u32vec g_f, g_spans;

/* A shingle of the paragraph and where it is, for the reference. */
typedef struct loc_sh {
    uint32_t h;
    size_t at;
} loc_sh;

static loc_sh *g_order;
static size_t g_order_cap;
static unsigned char *g_first, *g_last, *g_inf;
static size_t g_flag_cap;

static int loc_cmp_sh(const void *pa, const void *pb)
{
    const loc_sh *a = pa, *b = pb;

    if (a->h != b->h)
        return a->h < b->h ? -1 : 1;
    return (a->at > b->at) - (a->at < b->at);
}

/* White space at p[i] as the segmenter trims it: ASCII's, and either
   byte of U+00A0 (c2 a0). */
static int loc_ws(const unsigned char *p, size_t i, size_t len)
{
    unsigned char c = p[i];

    if (c == ' ' || (c >= '\t' && c <= '\r'))
        return 1;
    if (c == 0xc2)
        return i + 1 < len && p[i + 1] == 0xa0;
    return c == 0xa0 && i > 0 && p[i - 1] == 0xc2;
}

/* The shingle set of text[0..len) as the scan keeps it, into g_f. */
static void loc_fset(const char *text, size_t len, const nd_part_rule *r)
{
    size_t words, i;

    FUZZ_CHECK(nd_normalize(&g_norm, &words, text, len) == 0);
    FUZZ_CHECK(nd_shingle(&g_seq, g_norm.data, g_norm.len, r->ngram,
                          r->seed) == 0);
    g_f.n = 0;
    FUZZ_CHECK(nd_u32vec_reserve(&g_f, g_seq.n + 1) == 0);
    for (i = 0; i < g_seq.n; i++)
        g_f.v[i] = nd_fold32(g_seq.v[i]);
    g_f.n = nd_u32_sort_unique(g_f.v, g_seq.n);
    for (i = 1; i < g_f.n; i++)
        FUZZ_CHECK(g_f.v[i - 1] < g_f.v[i]);
}

/* Whether text[0..len) normalises to exactly the n bytes of want. */
static int loc_normalises_to(const char *text, size_t len, const char *want,
                             size_t n)
{
    size_t words;

    FUZZ_CHECK(nd_normalize(&g_cut, &words, text, len) == 0);
    return g_cut.len == n && memcmp(g_cut.data, want, n) == 0;
}

static void loc_same(const nd_part_loc *a, const nd_part_loc *b)
{
    FUZZ_CHECK(a->found == b->found && a->start == b->start &&
               a->end == b->end && a->words == b->words &&
               a->jaccard == b->jaccard && a->contain == b->contain);
}

/* The reference: the part of k words (prefix if pre, else suffix), its
   shingles [lo, hi), when the rule takes it. */
static int loc_ref_take(nd_part_loc *out, int pre, size_t lo, size_t hi,
                        size_t fn, const nd_part_rule *r)
{
    size_t i, d = 0, inside = 0;
    double share;

    for (i = lo; i < hi; i++)
        if (pre ? g_first[i] : g_last[i]) {
            d++;
            inside += g_inf[i];
        }
    FUZZ_CHECK(d >= 1);
    share = (double)inside / (double)d;
    if (d < r->min_contain || share < r->containment)
        return 0;
    out->found = 1;
    out->contain = share;
    out->jaccard = (double)inside / (double)(d + fn - inside);
    return 1;
}

/* Locates F in para[0..len) and checks the result. */
static void loc_check(const char *para, size_t len, const nd_part_rule *r)
{
    const unsigned char *p = (const unsigned char *)para;
    const uint32_t *fs = g_f.v;
    size_t fn = g_f.n, n = r->ngram, words = 0, m, i, k;
    const uint32_t *sp;
    nd_part_loc pre, suf, pre2, suf2, rp, rs;
    nd_locate_scratch fresh;
    size_t *wstart;
    const char *nw;

    /* Three calls: scratch of the last paragraph, again, a fresh one */
    FUZZ_CHECK(nd_locate_part(&pre, &suf, &g_sc, para, len, fs, fn, r) == 0);
    FUZZ_CHECK(nd_locate_part(&pre2, &suf2, &g_sc, para, len, fs, fn, r) ==
               0);
    loc_same(&pre, &pre2);
    loc_same(&suf, &suf2);
    memset(&fresh, 0, sizeof fresh);
    FUZZ_CHECK(nd_locate_part(&pre2, &suf2, &fresh, para, len, fs, fn, r) ==
               0);
    nd_locate_scratch_free(&fresh);
    loc_same(&pre, &pre2);
    loc_same(&suf, &suf2);

    /* The paragraph's words, their bytes, and its shingles */
    FUZZ_CHECK(nd_normalize_spans(&g_norm, &words, &g_spans, para, len) == 0);
    FUZZ_CHECK(g_spans.n == 2 * words);
    sp = g_spans.v;
    FUZZ_CHECK(nd_shingle(&g_seq, g_norm.data, g_norm.len, r->ngram,
                          r->seed) == 0);
    m = g_seq.n;

    memset(&rp, 0, sizeof rp);
    memset(&rs, 0, sizeof rs);
    if (words >= n + 1) {
        FUZZ_CHECK(m == words - n + 1);
        if (m > g_order_cap) {
            free(g_order);
            g_order = malloc(m * sizeof *g_order);
            FUZZ_CHECK(g_order);
            g_order_cap = m;
        }
        if (m > g_flag_cap) {
            free(g_first);
            free(g_last);
            free(g_inf);
            g_first = malloc(m);
            g_last = malloc(m);
            g_inf = malloc(m);
            FUZZ_CHECK(g_first && g_last && g_inf);
            g_flag_cap = m;
        }
        for (i = 0; i < m; i++) {
            g_order[i].h = nd_fold32(g_seq.v[i]);
            g_order[i].at = i;
        }
        qsort(g_order, m, sizeof *g_order, loc_cmp_sh);
        /* In F or not: a merge of the two sorted lists, not locate.c's
           binary search */
        for (i = 0, k = 0; i < m; i++) {
            while (k < fn && fs[k] < g_order[i].h)
                k++;
            g_inf[g_order[i].at] = k < fn && fs[k] == g_order[i].h;
            g_first[g_order[i].at] =
                i == 0 || g_order[i - 1].h != g_order[i].h;
            g_last[g_order[i].at] =
                i + 1 == m || g_order[i + 1].h != g_order[i].h;
        }
        /* Prefix of k words: shingles 0..k-n, k-n on the cut in F, k-n+1
           over it not */
        for (k = words - 1; k >= n; k--)
            if (g_inf[k - n] && !g_inf[k - n + 1] &&
                loc_ref_take(&rp, 1, 0, k - n + 1, fn, r)) {
                rp.words = k;
                break;
            }
        /* Suffix of k words: shingles w-k..w-n, w-k on the cut in F,
           w-k-1 not */
        for (k = words - 1; k >= n; k--)
            if (g_inf[words - k] && !g_inf[words - k - 1] &&
                loc_ref_take(&rs, 0, words - k, m, fn, r)) {
                rs.words = k;
                break;
            }
        if (rp.found && rs.found && rp.words + rs.words >= words) {
            if (rs.words > rp.words)
                memset(&rp, 0, sizeof rp);
            else
                memset(&rs, 0, sizeof rs);
        }
    }
    FUZZ_CHECK(pre.found == rp.found && suf.found == rs.found);

    /* Where each word starts in the normalised text, for the byte checks */
    wstart = malloc((words + 1) * sizeof *wstart);
    FUZZ_CHECK(wstart);
    for (i = 0, nw = g_norm.data; i < words; i++) {
        const char *sp_end = memchr(nw, ' ', g_norm.len -
                                                 (size_t)(nw - g_norm.data));

        wstart[i] = (size_t)(nw - g_norm.data);
        nw = sp_end ? sp_end + 1 : g_norm.data + g_norm.len;
    }
    wstart[words] = g_norm.len + 1; /* as if a space ended the text */

    if (pre.found) {
        size_t cut = sp[2 * pre.words - 1], j;

        FUZZ_CHECK(pre.words == rp.words && pre.contain == rp.contain &&
                   pre.jaccard == rp.jaccard);
        FUZZ_CHECK(pre.words >= n && pre.words + 1 >= n + r->min_contain &&
                   pre.words < words);
        FUZZ_CHECK(pre.contain >= r->containment && pre.contain <= 1.0);
        FUZZ_CHECK(pre.start == 0 && pre.end <= len);
        /* The cut: after the last white space between word k-1 and word
           k, else right after word k-1 */
        for (j = sp[2 * pre.words - 1]; j < sp[2 * pre.words]; j++)
            if (loc_ws(p, j, len))
                cut = j + 1;
        FUZZ_CHECK(pre.end == cut);
        FUZZ_CHECK(!loc_ws(p, pre.end, len));
        FUZZ_CHECK(loc_normalises_to(para, pre.end, g_norm.data,
                                     wstart[pre.words] - 1));
        FUZZ_CHECK(loc_normalises_to(para + pre.end, len - pre.end,
                                     g_norm.data + wstart[pre.words],
                                     g_norm.len - wstart[pre.words]));
    }
    if (suf.found) {
        size_t first = words - suf.words, cut = sp[2 * first], j;

        FUZZ_CHECK(suf.words == rs.words && suf.contain == rs.contain &&
                   suf.jaccard == rs.jaccard);
        FUZZ_CHECK(suf.words >= n && suf.words + 1 >= n + r->min_contain &&
                   suf.words < words);
        FUZZ_CHECK(suf.contain >= r->containment && suf.contain <= 1.0);
        FUZZ_CHECK(suf.end == len && suf.start > 0 && suf.start < len);
        /* The cut: at the first white space between word w-k-1 and word
           w-k, else right before word w-k */
        for (j = sp[2 * first - 1]; j < sp[2 * first]; j++)
            if (loc_ws(p, j, len)) {
                cut = j;
                break;
            }
        FUZZ_CHECK(suf.start == cut);
        FUZZ_CHECK(!loc_ws(p, suf.start - 1, len));
        FUZZ_CHECK(loc_normalises_to(para + suf.start, len - suf.start,
                                     g_norm.data + wstart[first],
                                     g_norm.len - wstart[first]));
        FUZZ_CHECK(loc_normalises_to(para, suf.start, g_norm.data,
                                     wstart[first] - 1));
    }
    if (pre.found || suf.found) {
        /* What stays: one run of words, at least one */
        size_t lo = pre.found ? pre.end : 0, hi = suf.found ? suf.start : len;
        size_t wlo = pre.found ? pre.words : 0;
        size_t whi = suf.found ? words - suf.words : words;

        FUZZ_CHECK(lo < hi && wlo < whi);
        FUZZ_CHECK(loc_normalises_to(para + lo, hi - lo,
                                     g_norm.data + wstart[wlo],
                                     wstart[whi] - 1 - wstart[wlo]));
    }
    free(wstart);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned ngrams[8] = {5, 1, 2, 3, 4, 5, 8, 16};
    const char *text;
    nd_part_rule rule;
    size_t len, split, i;

    if (size < 4)
        return 0;
    rule.ngram = ngrams[data[0] & 7];
    rule.min_contain = 1u + (data[0] >> 3 & 3);
    rule.seed = data[0] & 0x40 ? 0x9e3779b97f4a7c15ULL : 42;
    rule.containment = (double)(data[1] % 100 + 1) / 100.0;
    text = (const char *)data + 4;
    len = size - 4;
    split = (size_t)data[2] | (size_t)data[3] << 8;
    if (split > len)
        split = len;
    if (data[0] & 0x20)
        loc_fset(text + split, len - split, &rule);
    else
        loc_fset(text, split, &rule);

    FUZZ_CHECK(nd_segment(&g_paras, text, len) == 0);
    for (i = 0; i < g_paras.n; i++)
        loc_check(text + g_paras.v[i].start,
                  g_paras.v[i].end - g_paras.v[i].start, &rule);
    loc_check(text, len, &rule);
    return 0;
}
