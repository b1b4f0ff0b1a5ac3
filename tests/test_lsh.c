/*
 * test_lsh.c - candidate generation: the (b, r) choice against an
 * independent brute force, band keys, winnowing anchors and queries
 * (including the containment guarantee as a seeded property), and the
 * pairing of bucket entries with its cap, the same on any thread count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lsh.h"
#include "neardup.h"

static uint64_t t_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ---- nd_lsh_choose / nd_lsh_prob ---------------------------------------- */

/* The S-curve and its complement straight from the formula. */
static double t_p(double s, unsigned b, unsigned r)
{
    return 1.0 - pow(1.0 - pow(s, r), b);
}

static double t_miss(double s, unsigned b, unsigned r)
{
    return pow(1.0 - pow(s, r), b);
}

/* Composite 4-point Gauss-Legendre over [lo, hi] in 256 panels: a rule
 * unrelated to the library's, exact for each panel up to degree 7. */
static double t_gauss(double lo, double hi, unsigned b, unsigned r, int miss)
{
    static const double x[4] = {-0.8611363115940526, -0.3399810435848563,
                                0.3399810435848563, 0.8611363115940526};
    static const double w[4] = {0.3478548451374539, 0.6521451548625461,
                                0.6521451548625461, 0.3478548451374539};
    const int panels = 256;
    double h = (hi - lo) / panels, sum = 0.0;
    int p, i;

    for (p = 0; p < panels; p++) {
        double mid = lo + h * (p + 0.5);

        for (i = 0; i < 4; i++) {
            double s = mid + 0.5 * h * x[i];

            sum += w[i] * (miss ? t_miss(s, b, r) : t_p(s, b, r));
        }
    }
    return sum * 0.5 * h;
}

static void t_brute_choose(unsigned *bb, unsigned *rr, double *fp,
                           double *fn, double t, unsigned k)
{
    double best = HUGE_VAL;
    unsigned b, r;

    *bb = *rr = 0;
    *fp = *fn = 0.0;
    for (r = 1; r <= k; r++) {
        for (b = 1; b * r <= k; b++) {
            double afp = t_gauss(0.0, t, b, r, 0);
            double afn = t_gauss(t, 1.0, b, r, 1);
            double cost = 0.5 * afp + 0.5 * afn;

            /* Ties (never exact in practice) to smaller b*r, then r. */
            if (cost < best ||
                (cost == best && (b * r < *bb * *rr ||
                                  (b * r == *bb * *rr && r < *rr)))) {
                best = cost;
                *bb = b;
                *rr = r;
                *fp = afp / t;
                *fn = afn / (1.0 - t);
            }
        }
    }
}

static void test_lsh__choose(void **state)
{
    static const double ts[] = {0.5, 0.7, 0.8, 0.9};
    unsigned i;

    (void)state;
    for (i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        unsigned b, r, eb, er;
        double fp, fn, efp, efn, half;

        assert_int_equal(nd_lsh_choose(&b, &r, &fp, &fn, ts[i], 128, 0.5,
                                       0.5), 0);
        t_brute_choose(&eb, &er, &efp, &efn, ts[i], 128);
        print_message("t=%.2f: b=%u r=%u fp=%.4f fn=%.4f\n", ts[i], b, r, fp,
                      fn);
        assert_int_equal(b, eb);
        assert_int_equal(r, er);
        assert_true(b * r <= 128);
        assert_true(fabs(fp - efp) < 1e-6);
        assert_true(fabs(fn - efn) < 1e-6);
        assert_true(fp >= 0.0 && fp < 0.3);
        assert_true(fn >= 0.0 && fn < 0.3);
        /* The steep part of the curve sits on the threshold. */
        half = pow(1.0 / b, 1.0 / r);
        assert_true(fabs(half - ts[i]) < 0.06);
    }
}

static void test_lsh__choose_weights(void **state)
{
    unsigned b0, r0, b1, r1;
    double fp0, fn0, fp1, fn1;

    (void)state;
    /* Weighting false negatives more moves the curve left: fewer misses
     * above t, more candidates below it. */
    assert_int_equal(nd_lsh_choose(&b0, &r0, &fp0, &fn0, 0.8, 128, 0.5, 0.5),
                     0);
    assert_int_equal(nd_lsh_choose(&b1, &r1, &fp1, &fn1, 0.8, 128, 0.1, 0.9),
                     0);
    assert_true(fn1 < fn0);
    assert_true(fp1 > fp0);
    /* NULL rates are allowed; tiny k still gives a valid answer. */
    assert_int_equal(nd_lsh_choose(&b0, &r0, NULL, NULL, 0.8, 1, 0.5, 0.5),
                     0);
    assert_int_equal(b0, 1);
    assert_int_equal(r0, 1);
}

/* Threshold 1 (equal shingle sets only): a pair of Jaccard 1 meets in
 * every band, so nothing is missed, and the fewest candidates below come
 * from one band of all the rows. The rates are numbers, not 0/0. */
static void test_lsh__choose_threshold_one(void **state)
{
    unsigned b, r;
    double fp = -1.0, fn = -1.0;

    (void)state;
    assert_int_equal(nd_lsh_choose(&b, &r, &fp, &fn, 1.0, 128, 0.1, 0.9), 0);
    assert_int_equal(b, 1);
    assert_int_equal(r, 128);
    assert_true(fn == 0.0);
    assert_true(fabs(fp - 1.0 / 129.0) < 1e-6); /* integral of s^128 */
    assert_true(nd_lsh_prob(1.0, b, r) == 1.0);
}

static void test_lsh__choose_errors(void **state)
{
    unsigned b, r;

    (void)state;
    assert_int_equal(nd_lsh_choose(&b, &r, NULL, NULL, 0.0, 128, 0.5, 0.5),
                     ND_EINVAL);
    assert_int_equal(nd_lsh_choose(&b, &r, NULL, NULL, 1.0001, 128, 0.5,
                                   0.5),
                     ND_EINVAL);
    assert_int_equal(nd_lsh_choose(&b, &r, NULL, NULL, NAN, 128, 0.5, 0.5),
                     ND_EINVAL);
    assert_int_equal(nd_lsh_choose(&b, &r, NULL, NULL, 0.8, 0, 0.5, 0.5),
                     ND_EINVAL);
    assert_int_equal(nd_lsh_choose(&b, &r, NULL, NULL, 0.8, 128, -1.0, 0.5),
                     ND_EINVAL);
    assert_int_equal(nd_lsh_choose(&b, &r, NULL, NULL, 0.8, 128, 0.0, 0.0),
                     ND_EINVAL);
    assert_int_equal(nd_lsh_choose(NULL, &r, NULL, NULL, 0.8, 128, 0.5, 0.5),
                     ND_EINVAL);
}

static void test_lsh__prob(void **state)
{
    double s, prev = -1.0;

    (void)state;
    assert_true(nd_lsh_prob(0.0, 16, 8) == 0.0);
    assert_true(nd_lsh_prob(1.0, 16, 8) == 1.0);
    assert_true(fabs(nd_lsh_prob(0.5, 1, 1) - 0.5) < 1e-15);
    assert_true(fabs(nd_lsh_prob(0.5, 2, 1) - 0.75) < 1e-15);
    assert_true(fabs(nd_lsh_prob(0.5, 1, 2) - 0.25) < 1e-15);
    for (s = 0.0; s <= 1.0; s += 0.01) {
        double p = nd_lsh_prob(s, 9, 14);

        assert_true(fabs(p - t_p(s, 9, 14)) < 1e-12);
        assert_true(p >= prev);
        prev = p;
    }
    /* Far below the knee the log1p form keeps the tiny probability. */
    assert_true(nd_lsh_prob(0.1, 10, 12) > 0.0);
}

/* ---- band keys ------------------------------------------------------------ */

static void test_lsh__band_key(void **state)
{
    uint32_t sig[32], other[32];
    unsigned i;

    (void)state;
    for (i = 0; i < 32; i++)
        sig[i] = other[i] = 1000 + i;
    /* Deterministic, and only the band's own rows matter. */
    assert_true(nd_lsh_band_key(sig, 1, 8, 5) ==
                nd_lsh_band_key(other, 1, 8, 5));
    other[0] = 0;
    other[31] = 0;
    assert_true(nd_lsh_band_key(sig, 1, 8, 5) ==
                nd_lsh_band_key(other, 1, 8, 5));
    other[9] = 0;
    assert_true(nd_lsh_band_key(sig, 1, 8, 5) !=
                nd_lsh_band_key(other, 1, 8, 5));
    /* Equal values in different bands, and different seeds, differ. */
    for (i = 0; i < 32; i++)
        sig[i] = 7;
    assert_true(nd_lsh_band_key(sig, 0, 8, 5) !=
                nd_lsh_band_key(sig, 1, 8, 5));
    assert_true(nd_lsh_band_key(sig, 2, 8, 5) !=
                nd_lsh_band_key(sig, 3, 8, 5));
    assert_true(nd_lsh_band_key(sig, 0, 8, 5) !=
                nd_lsh_band_key(sig, 0, 8, 6));
}

/* ---- anchors and queries ------------------------------------------------- */

/* Anchors by the definition: the smallest of every window, deduplicated
 * by a quadratic scan. Returns the count stored in out. */
static size_t t_naive_anchors(uint64_t *out, const uint64_t *h, size_t n,
                              unsigned w)
{
    size_t cnt = 0, s, i, j;

    if (n == 0)
        return 0;
    for (s = 0; s + w <= n || (s == 0 && n < w); s++) {
        size_t end = n < w ? n : s + w;
        uint64_t m = h[s];
        int seen = 0;

        for (i = s; i < end; i++)
            if (h[i] < m)
                m = h[i];
        for (j = 0; j < cnt; j++)
            seen |= out[j] == m;
        if (!seen)
            out[cnt++] = m;
    }
    return cnt;
}

static int t_contains(const uint32_t *v, size_t n, uint32_t x)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

static void test_lsh__anchors_small(void **state)
{
    static const uint64_t h[] = {9, 4, 7, 4, 8, 6, 2, 5, 5, 3};
    nd_u32vec out = {0};
    uint64_t q[2];

    (void)state;
    /* w = 3 windows: 4 4 4 4 2 2 2 3 -> {2, 3, 4}. */
    assert_int_equal(nd_lsh_anchors(&out, h, 10, 3), 0);
    assert_int_equal(out.n, 3);
    assert_true(out.v[0] == 2 && out.v[1] == 3 && out.v[2] == 4);
    /* Appending keeps what was there and sorts only the new part. */
    assert_int_equal(nd_lsh_anchors(&out, h, 3, 5), 0);
    assert_int_equal(out.n, 4);
    assert_true(out.v[3] == 4);
    out.n = 0;
    assert_int_equal(nd_lsh_anchors(&out, h, 0, 3), 0);
    assert_int_equal(out.n, 0);
    /* w = 1: every hash. */
    assert_int_equal(nd_lsh_anchors(&out, h, 10, 1), 0);
    assert_int_equal(out.n, 8);
    nd_u32vec_free(&out);

    assert_int_equal(nd_lsh_queries(q, h, 0, 3), 0);
    assert_int_equal(nd_lsh_queries(q, h, 2, 3), 1);
    assert_true(q[0] == 4);
    assert_int_equal(nd_lsh_queries(q, h, 3, 3), 1);
    assert_true(q[0] == 4);
    assert_int_equal(nd_lsh_queries(q, h, 10, 3), 2);
    assert_true(q[0] == 4 && q[1] == 3);
    assert_int_equal(nd_lsh_queries(q, h, 7, 3), 2);
    assert_true(q[0] == 4 && q[1] == 2);
    /* Both windows picking the same hash give one query. */
    assert_int_equal(nd_lsh_queries(q, h + 5, 4, 3), 1);
    assert_true(q[0] == 2);
}

/*
 * The guarantee of lsh.h: when a paragraph of at least w shingles occurs
 * contiguously inside another, its queries are among the other's anchors.
 * Half the trials draw hashes from a tiny alphabet so that ties (and the
 * rightmost rule) are exercised hard. Anchors are also checked against
 * the definition.
 */
static void test_lsh__anchors_property(void **state)
{
    enum { TRIALS = 1000, MAXN = 300 };
    uint64_t *big = malloc(MAXN * sizeof *big);
    uint64_t *naive = malloc(MAXN * sizeof *naive);
    uint64_t rng = 0xa11c0de5ULL;
    nd_u32vec anchors = {0};
    int t;

    (void)state;
    assert_non_null(big);
    assert_non_null(naive);
    for (t = 0; t < TRIALS; t++) {
        unsigned w = 1 + (unsigned)(t_rand(&rng) % 12);
        size_t n = w + (size_t)(t_rand(&rng) % (MAXN - w));
        size_t len = w + (size_t)(t_rand(&rng) % (n - w + 1));
        size_t off = (size_t)(t_rand(&rng) % (n - len + 1));
        uint64_t alpha = (t & 1) ? 5 : UINT64_MAX;
        uint64_t q[2];
        size_t nq, i, nn;

        for (i = 0; i < n; i++)
            big[i] = alpha == UINT64_MAX ? t_rand(&rng)
                                         : t_rand(&rng) % alpha;
        anchors.n = 0;
        assert_int_equal(nd_lsh_anchors(&anchors, big, n, w), 0);
        for (i = 1; i < anchors.n; i++)
            assert_true(anchors.v[i - 1] < anchors.v[i]);
        nn = t_naive_anchors(naive, big, n, w);
        assert_int_equal(anchors.n, nn);
        for (i = 0; i < nn; i++)
            assert_true(t_contains(anchors.v, anchors.n, nd_fold32(naive[i])));

        nq = nd_lsh_queries(q, big + off, len, w);
        assert_true(nq == 1 || nq == 2);
        for (i = 0; i < nq; i++)
            assert_true(t_contains(anchors.v, anchors.n, nd_fold32(q[i])));
    }
    nd_u32vec_free(&anchors);
    free(big);
    free(naive);
}

/* ---- pairs, join, unique ----------------------------------------------- */

static int t_has_pair(const nd_pairvec *p, uint32_t a, uint32_t b)
{
    size_t i;

    for (i = 0; i < p->n; i++)
        if (p->v[i].a == a && p->v[i].b == b)
            return 1;
    return 0;
}

static void test_lsh__pairs(void **state)
{
    nd_keyvec keys = {0};
    nd_pairvec out = {0};

    (void)state;
    assert_int_equal(nd_keyvec_push(&keys, 1, 3), 0);
    assert_int_equal(nd_keyvec_push(&keys, 2, 5), 0);
    assert_int_equal(nd_keyvec_push(&keys, 1, 1), 0);
    assert_int_equal(nd_keyvec_push(&keys, 3, 4), 0);
    assert_int_equal(nd_keyvec_push(&keys, 1, 2), 0);
    assert_int_equal(nd_keyvec_push(&keys, 3, 4), 0); /* self only */
    assert_int_equal(nd_keyvec_push(&keys, 4, 8), 0);
    assert_int_equal(nd_keyvec_push(&keys, 4, 6), 0);
    assert_int_equal(nd_keyvec_push(&keys, 4, 8), 0); /* repeated item */
    assert_int_equal(nd_lsh_pairs(&out, &keys, 100, 1), 0);
    assert_int_equal(out.n, 4);
    assert_true(t_has_pair(&out, 1, 2));
    assert_true(t_has_pair(&out, 1, 3));
    assert_true(t_has_pair(&out, 2, 3));
    assert_true(t_has_pair(&out, 6, 8));
    nd_keyvec_free(&keys);
    nd_pairvec_free(&out);
    nd_keyvec_free(&keys); /* twice is harmless */
    nd_pairvec_free(NULL);

    /* Nothing in, nothing out. */
    assert_int_equal(nd_lsh_pairs(&out, &keys, 10, 1), 0);
    assert_int_equal(out.n, 0);
}

static void test_lsh__pairs_cap(void **state)
{
    nd_keyvec keys = {0};
    nd_pairvec out = {0};
    uint32_t a, b;
    size_t i;

    (void)state;
    /* One bucket of items 0..9 pushed in scrambled order, item 4 twice. */
    for (i = 0; i < 10; i++)
        assert_int_equal(nd_keyvec_push(&keys, 77, (uint32_t)((i * 7) % 10)),
                         0);
    assert_int_equal(nd_keyvec_push(&keys, 77, 4), 0);

    assert_int_equal(nd_lsh_pairs(&out, &keys, 3, 1), 0);
    /* Items 0,1,2 pair with everything after them; the rest only with
     * them: 9 + 8 + 7 pairs. */
    assert_int_equal(out.n, 24);
    for (a = 0; a < 10; a++)
        for (b = a + 1; b < 10; b++)
            assert_int_equal(t_has_pair(&out, a, b), a < 3);
    assert_int_equal(nd_lsh_pairs_unique(&out, 1), 0);
    assert_int_equal(out.n, 24);

    out.n = 0;
    assert_int_equal(nd_lsh_pairs(&out, &keys, 10, 1), 0); /* m == cap */
    assert_int_equal(out.n, 45);
    out.n = 0;
    assert_int_equal(nd_lsh_pairs(&out, &keys, 9, 1), 0); /* m == cap + 1 */
    assert_int_equal(out.n, 45);
    assert_true(!t_has_pair(&out, 9, 9));
    out.n = 0;
    assert_int_equal(nd_lsh_pairs(&out, &keys, 1, 1), 0);
    assert_int_equal(out.n, 9);
    out.n = 0;
    assert_int_equal(nd_lsh_pairs(&out, &keys, 0, 1), 0);
    assert_int_equal(out.n, 0);
    nd_keyvec_free(&keys);
    nd_pairvec_free(&out);
}

static void test_lsh__join(void **state)
{
    nd_keyvec index = {0}, queries = {0};
    nd_pairvec out = {0};

    (void)state;
    assert_int_equal(nd_keyvec_push(&index, 10, 3), 0);
    assert_int_equal(nd_keyvec_push(&index, 10, 1), 0);
    assert_int_equal(nd_keyvec_push(&index, 10, 2), 0);
    assert_int_equal(nd_keyvec_push(&index, 20, 4), 0);
    assert_int_equal(nd_keyvec_push(&index, 5, 6), 0);
    assert_int_equal(nd_keyvec_push(&queries, 10, 2), 0);
    assert_int_equal(nd_keyvec_push(&queries, 10, 9), 0);
    assert_int_equal(nd_keyvec_push(&queries, 10, 9), 0); /* repeated */
    assert_int_equal(nd_keyvec_push(&queries, 30, 1), 0); /* no match */
    assert_int_equal(nd_keyvec_push(&queries, 20, 4), 0); /* itself */
    assert_int_equal(nd_keyvec_push(&queries, 20, 0), 0);

    /* cap 2: key 10 indexes three items, a stock phrase, and is skipped. */
    assert_int_equal(nd_lsh_join(&out, &index, &queries, 2, 1), 0);
    assert_int_equal(out.n, 1);
    assert_true(t_has_pair(&out, 0, 4));

    /* cap 3: key 10 is used with all its items. */
    out.n = 0;
    assert_int_equal(nd_lsh_join(&out, &index, &queries, 3, 1), 0);
    assert_int_equal(out.n, 6);
    assert_true(t_has_pair(&out, 1, 2));
    assert_true(t_has_pair(&out, 1, 9));
    assert_true(t_has_pair(&out, 2, 9));

    out.n = 0;
    assert_int_equal(nd_lsh_join(&out, &index, &queries, 100, 1), 0);
    assert_int_equal(out.n, 6);
    assert_true(t_has_pair(&out, 2, 3));
    assert_true(t_has_pair(&out, 3, 9));
    nd_keyvec_free(&index);
    nd_keyvec_free(&queries);
    nd_pairvec_free(&out);
}

/* Pairs from buckets of full 32-bit keys (every top byte, entries in no
 * particular order) equal the brute-force pairs of equal keys. */
static void test_lsh__pairs_random_keys(void **state)
{
    enum { N = 20000, KEYS = 3000 };
    static uint32_t key_of[N];
    static uint64_t pool[KEYS];
    nd_keyvec keys = {0};
    nd_pairvec out = {0};
    uint64_t seed = 99;
    size_t i, j, expect = 0;

    (void)state;
    for (i = 0; i < KEYS; i++) {
        seed += 0x9e3779b97f4a7c15ULL;
        pool[i] = (seed ^ (seed >> 29)) * 0xbf58476d1ce4e5b9ULL;
    }
    for (i = 0; i < N; i++) {
        /* Item i, pushed in a shuffled order, under a key from the pool. */
        size_t item = (i * 7919u) % N;
        uint64_t k = pool[(item * 2654435761u) % KEYS];

        key_of[item] = (uint32_t)(k ^ (k >> 32));
        assert_int_equal(nd_keyvec_push(&keys, k, (uint32_t)item), 0);
    }
    assert_int_equal(nd_lsh_pairs(&out, &keys, SIZE_MAX, 1), 0);
    assert_int_equal(nd_lsh_pairs_unique(&out, 1), 0);
    assert_int_equal(keys.n, N); /* reordered, not dropped */
    for (i = 0; i < N; i++)
        for (j = i + 1; j < N; j++)
            expect += key_of[i] == key_of[j];
    assert_int_equal(out.n, expect);
    for (i = 0; i < out.n; i++)
        assert_true(key_of[out.v[i].a] == key_of[out.v[i].b]);
    nd_keyvec_free(&keys);
    nd_pairvec_free(&out);
}

/* Mostly lone keys (which the buckets' filters drop before their sorts)
 * among a few shared ones, many entries: every pair of items sharing a key
 * is found, and no other. */
static void test_lsh__pairs_lone_keys(void **state)
{
    enum { N = 100000 };
    static uint64_t key_of[N];
    nd_keyvec keys = {0};
    nd_pairvec out = {0};
    uint64_t seed = 17;
    size_t i, expect = 0;

    (void)state;
    for (i = 0; i < N; i++) {
        seed += 0x9e3779b97f4a7c15ULL;
        key_of[i] = (seed ^ (seed >> 31)) * 0xbf58476d1ce4e5b9ULL;
        if (i % 100 == 1)
            key_of[i] = key_of[i - 1]; /* pairs (i-1, i) */
        assert_int_equal(nd_keyvec_push(&keys, key_of[i], (uint32_t)i), 0);
    }
    assert_int_equal(nd_lsh_pairs(&out, &keys, SIZE_MAX, 2), 0);
    assert_int_equal(nd_lsh_pairs_unique(&out, 1), 0);
    for (i = 1; i < N; i++)
        expect += (uint32_t)(key_of[i] ^ key_of[i] >> 32) ==
                  (uint32_t)(key_of[i - 1] ^ key_of[i - 1] >> 32);
    /* Random 32-bit keys of 100,000 entries collide now and then too. */
    assert_true(out.n >= expect && out.n <= expect + 20);
    for (i = 0; i < out.n; i++) {
        uint64_t a = key_of[out.v[i].a], b = key_of[out.v[i].b];

        assert_true((uint32_t)(a ^ a >> 32) == (uint32_t)(b ^ b >> 32));
    }
    for (i = 1; i < N; i += 100) { /* each planted pair is there */
        size_t lo = 0, hi = out.n;

        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (out.v[mid].a < i - 1 ||
                (out.v[mid].a == i - 1 && out.v[mid].b < i))
                lo = mid + 1;
            else
                hi = mid;
        }
        assert_true(lo < out.n && out.v[lo].a == i - 1 && out.v[lo].b == i);
    }
    nd_keyvec_free(&keys);
    nd_pairvec_free(&out);
}

/* Enough entries for the buckets to go to threads, and keys with long
 * runs: the pairs are the same for 1, 2 and 3 threads. */
static void test_lsh__pairs_any_threads(void **state)
{
    enum { N = 200000, KEYS = 60000 };
    nd_keyvec keys[3] = {{0}};
    nd_pairvec out[3] = {{0}};
    uint64_t seed = 5;
    size_t i, t;

    (void)state;
    for (i = 0; i < N; i++) {
        uint64_t k;

        seed += 0x9e3779b97f4a7c15ULL;
        k = ((seed ^ (seed >> 31)) * 0xbf58476d1ce4e5b9ULL) % KEYS;
        if (i % 10 == 0)
            k = i % 7; /* seven keys of thousands of entries each */
        k = (k + 1) * 0x94d049bb133111ebULL;
        for (t = 0; t < 3; t++)
            assert_int_equal(nd_keyvec_push(&keys[t], k,
                                             (uint32_t)((i * 7919u) % N)),
                             0);
    }
    for (t = 0; t < 3; t++) {
        assert_int_equal(nd_lsh_pairs(&out[t], &keys[t], 50,
                                      (unsigned)t + 1), 0);
        assert_int_equal(nd_lsh_pairs_unique(&out[t], (unsigned)t + 1), 0);
    }
    assert_true(out[0].n > N / 2);
    for (t = 1; t < 3; t++) {
        assert_int_equal(out[t].n, out[0].n);
        assert_memory_equal(out[t].v, out[0].v, out[0].n * sizeof *out[0].v);
    }
    for (t = 0; t < 3; t++) {
        nd_keyvec_free(&keys[t]);
        nd_pairvec_free(&out[t]);
    }
}

/* Two pair arrays are equal, pair for pair. */
static void t_same_pairs(const nd_pairvec *x, const nd_pairvec *y)
{
    assert_int_equal(x->n, y->n);
    if (x->n)
        assert_memory_equal(x->v, y->v, x->n * sizeof *x->v);
}

/* A join large enough to go to threads, appended after pairs already in
 * out: the same pairs in the same order for 1, 2 and 3 threads, each
 * naming a query and an index entry of one key, and every such pair of a
 * key under the cap is there. */
static void test_lsh__join_any_threads(void **state)
{
    enum { N = 120000, Q = 30000, KEYS = 40000 };
    static uint32_t index_key[N], query_key[Q];
    static size_t per_key[KEYS];
    nd_keyvec index[3] = {{0}}, queries[3] = {{0}};
    nd_pairvec out[3] = {{0}};
    uint64_t seed = 17;
    size_t i, t, expect = 0;

    (void)state;
    for (i = 0; i < N; i++) {
        /* Items 0..N-1 indexed once each; every third under key 0, a
         * stock phrase. */
        index_key[i] = i % 3 == 0 ? 0 : (uint32_t)(t_rand(&seed) % KEYS);
        per_key[index_key[i]]++;
    }
    for (i = 0; i < Q; i++)
        query_key[i] = (uint32_t)(t_rand(&seed) % KEYS);
    for (t = 0; t < 3; t++) {
        /* Pushed from the last item down: the order pushed is not the
         * item order the cap counts in. */
        for (i = N; i-- > 0;)
            assert_int_equal(nd_keyvec_push(&index[t],
                                            (index_key[i] + 1) *
                                                0x9e3779b97f4a7c15ULL,
                                            (uint32_t)i), 0);
        /* Queries are asked by items N..N+Q-1, so no pair is an item with
         * itself and every matching index entry makes a pair. */
        for (i = 0; i < Q; i++)
            assert_int_equal(nd_keyvec_push(&queries[t],
                                            (query_key[i] + 1) *
                                                0x9e3779b97f4a7c15ULL,
                                            (uint32_t)(N + i)), 0);
        assert_int_equal(nd_pairvec_push(&out[t], 1, 2), 0);
        assert_int_equal(nd_lsh_join(&out[t], &index[t], &queries[t], 50,
                                     (unsigned)t + 1), 0);
    }
    for (i = 0; i < Q; i++)
        if (per_key[query_key[i]] <= 50)
            expect += per_key[query_key[i]];
    assert_true(expect > Q);
    assert_int_equal(out[0].n, 1 + expect);
    assert_true(out[0].v[0].a == 1 && out[0].v[0].b == 2);
    for (i = 1; i < out[0].n; i++) {
        const nd_pair *pr = &out[0].v[i];

        assert_true(pr->a < N && pr->b >= N);
        assert_int_equal(index_key[pr->a], query_key[pr->b - N]);
        assert_int_not_equal(index_key[pr->a], 0);
    }
    for (t = 1; t < 3; t++)
        t_same_pairs(&out[t], &out[0]);
    for (t = 0; t < 3; t++) {
        nd_keyvec_free(&index[t]);
        nd_keyvec_free(&queries[t]);
        nd_pairvec_free(&out[t]);
    }
}

/* ---- the bucketed pairing against a plain sort and walk ----------------- */

static int t_entry_cmp(const void *x, const void *y)
{
    const nd_key *p = x, *q = y;

    if (p->key != q->key)
        return p->key < q->key ? -1 : 1;
    return p->item < q->item ? -1 : p->item > q->item;
}

/* A sorted copy of keys. */
static nd_key *t_sorted(const nd_keyvec *keys)
{
    nd_key *v = malloc((keys->n ? keys->n : 1) * sizeof *v);

    assert_non_null(v);
    if (keys->n)
        memcpy(v, keys->v, keys->n * sizeof *v);
    qsort(v, keys->n, sizeof *v, t_entry_cmp);
    return v;
}

/* The distinct items of the run v[s..e), ascending, into u; their count. */
static size_t t_distinct(uint32_t *u, const nd_key *v, size_t s, size_t e)
{
    size_t i, m = 0;

    for (i = s; i < e; i++)
        if (m == 0 || u[m - 1] != v[i].item)
            u[m++] = v[i].item;
    return m;
}

static size_t t_run_end(const nd_key *v, size_t n, size_t s)
{
    size_t e = s + 1;

    while (e < n && v[e].key == v[s].key)
        e++;
    return e;
}

/* The pairs of lsh.h, in its order, straight from the definition: for
 * each key ascending, each of the first cap distinct items with every
 * later one. */
static void t_ref_pairs(nd_pairvec *out, const nd_keyvec *keys, size_t cap)
{
    nd_key *v = t_sorted(keys);
    uint32_t *u = malloc((keys->n ? keys->n : 1) * sizeof *u);
    size_t s, e, i, j, m;

    assert_non_null(u);
    for (s = 0; s < keys->n; s = e) {
        e = t_run_end(v, keys->n, s);
        m = t_distinct(u, v, s, e);
        for (i = 0; i < m && i < cap; i++)
            for (j = i + 1; j < m; j++)
                assert_int_equal(nd_pairvec_push(out, u[i], u[j]), 0);
    }
    free(u);
    free(v);
}

/* The join of lsh.h, in its order: for each key both sides have, unless
 * more than cap distinct items are indexed under it, each distinct query
 * item with each distinct index item other than itself. */
static void t_ref_join(nd_pairvec *out, const nd_keyvec *index,
                       const nd_keyvec *queries, size_t cap)
{
    nd_key *x = t_sorted(index), *q = t_sorted(queries);
    uint32_t *ux = malloc((index->n ? index->n : 1) * sizeof *ux);
    uint32_t *uq = malloc((queries->n ? queries->n : 1) * sizeof *uq);
    size_t xi = 0, qi = 0, xe, qe, mx, mq, i, j;

    assert_non_null(ux);
    assert_non_null(uq);
    while (xi < index->n && qi < queries->n) {
        if (x[xi].key != q[qi].key) {
            if (x[xi].key < q[qi].key)
                xi = t_run_end(x, index->n, xi);
            else
                qi = t_run_end(q, queries->n, qi);
            continue;
        }
        xe = t_run_end(x, index->n, xi);
        qe = t_run_end(q, queries->n, qi);
        mx = t_distinct(ux, x, xi, xe);
        mq = t_distinct(uq, q, qi, qe);
        for (j = 0; mx <= cap && j < mq; j++)
            for (i = 0; i < mx; i++)
                if (ux[i] != uq[j])
                    assert_int_equal(
                        nd_pairvec_push(out, ux[i] < uq[j] ? ux[i] : uq[j],
                                        ux[i] < uq[j] ? uq[j] : ux[i]),
                        0);
        xi = xe;
        qi = qe;
    }
    free(ux);
    free(uq);
    free(x);
    free(q);
}

/*
 * A 32-bit key (pushed with its high half zero, so folding keeps it) of
 * an awkward mix: top bytes are even only, so half the buckets are empty;
 * most keys are lone, some are shared by a few entries, a few are stock
 * keys of hundreds of entries, far over a cap of 50.
 */
static uint32_t t_mixed_key(uint64_t *seed)
{
    uint64_t r = t_rand(seed), id;
    unsigned kind = (unsigned)(r % 100);

    if (kind < 3) { /* 30 stock keys */
        id = (r >> 40) % 30;
        r = t_rand(&id);
    } else if (kind < 25) { /* 20000 shared keys */
        id = 1000 + (r >> 40) % 20000;
        r = t_rand(&id);
    }
    return (uint32_t)r & ~((uint32_t)1 << 24);
}

/* Pushes n entries of mixed keys and items below items; every 100th
 * repeats the entry before it (an item twice under one key). Also the
 * extreme keys 0 and 0xffffffff, and keys indexed by exactly cap and by
 * cap + 1 distinct items (plus repeats). */
static void t_push_mixed(nd_keyvec *keys, size_t n, uint32_t items,
                         uint64_t seed, size_t cap)
{
    size_t i;

    for (i = 0; i < n; i++) {
        uint32_t k = t_mixed_key(&seed);
        uint32_t it = (uint32_t)(t_rand(&seed) % items);

        if (i % 100 == 99) {
            k = keys->v[keys->n - 1].key;
            it = keys->v[keys->n - 1].item;
        }
        assert_int_equal(nd_keyvec_push(keys, k, it), 0);
    }
    for (i = 0; i < 3 * cap; i++) {
        uint32_t it = (uint32_t)((i * 7) % items);

        assert_int_equal(nd_keyvec_push(keys, 0, it), 0);
        assert_int_equal(nd_keyvec_push(keys, 0xffffffffu, it + 1), 0);
        assert_int_equal(
            nd_keyvec_push(keys, 0x11000000u, (uint32_t)(i % cap)), 0);
        assert_int_equal(
            nd_keyvec_push(keys, 0x13000000u, (uint32_t)(i % (cap + 1))), 0);
    }
}

static void t_copy_keys(nd_keyvec *to, const nd_keyvec *from)
{
    size_t i;

    for (i = 0; i < from->n; i++)
        assert_int_equal(nd_keyvec_push(to, from->v[i].key, from->v[i].item),
                         0);
}

/* More entries than one chunk of dealing, empty buckets, stock keys far
 * over the cap, repeated items: on 1 to 4 threads the pairs are those of
 * a plain sort and walk, in the same order. */
static void test_lsh__pairs_reference(void **state)
{
    enum { N = 300000, CAP = 50 };
    nd_keyvec keys = {0}, work = {0};
    nd_pairvec expect = {0}, out = {0};
    unsigned t;

    (void)state;
    t_push_mixed(&keys, N, 100000, 41, CAP);
    t_ref_pairs(&expect, &keys, CAP);
    assert_true(expect.n > N / 2);
    for (t = 1; t <= 4; t++) {
        work.n = 0;
        t_copy_keys(&work, &keys);
        out.n = 0;
        assert_int_equal(nd_lsh_pairs(&out, &work, CAP, t), 0);
        t_same_pairs(&out, &expect);
        assert_int_equal(work.n, keys.n);
    }
    nd_keyvec_free(&keys);
    nd_keyvec_free(&work);
    nd_pairvec_free(&expect);
    nd_pairvec_free(&out);
}

/* The join on the same mix (queries asking for index keys and others,
 * items shared by both sides, keys of exactly cap and cap + 1 items), on
 * 1 to 4 threads: the pairs of the definition, in its order. */
static void test_lsh__join_reference(void **state)
{
    enum { N = 200000, Q = 40000, CAP = 50 };
    nd_keyvec index = {0}, queries = {0}, wx = {0}, wq = {0};
    nd_pairvec expect = {0}, out = {0};
    uint64_t seed = 7;
    size_t i;
    unsigned t;

    (void)state;
    t_push_mixed(&index, N, 50000, 43, CAP);
    for (i = 0; i < Q; i++) {
        uint32_t k = i % 2 ? t_mixed_key(&seed)
                           : index.v[t_rand(&seed) % index.n].key;

        assert_int_equal(
            nd_keyvec_push(&queries, k, (uint32_t)(t_rand(&seed) % 50000)),
            0);
    }
    assert_int_equal(nd_keyvec_push(&queries, 0x11000000u, 7), 0);
    assert_int_equal(nd_keyvec_push(&queries, 0x13000000u, 7), 0);
    t_ref_join(&expect, &index, &queries, CAP);
    assert_true(expect.n > Q / 2);
    for (t = 1; t <= 4; t++) {
        wx.n = wq.n = 0;
        t_copy_keys(&wx, &index);
        t_copy_keys(&wq, &queries);
        out.n = 0;
        assert_int_equal(nd_lsh_join(&out, &wx, &wq, CAP, t), 0);
        t_same_pairs(&out, &expect);
    }
    /* Either side empty: nothing. */
    out.n = 0;
    wq.n = 0;
    assert_int_equal(nd_lsh_join(&out, &wx, &wq, CAP, 2), 0);
    assert_int_equal(nd_lsh_join(&out, &wq, &wx, CAP, 2), 0);
    assert_int_equal(out.n, 0);
    nd_keyvec_free(&index);
    nd_keyvec_free(&queries);
    nd_keyvec_free(&wx);
    nd_keyvec_free(&wq);
    nd_pairvec_free(&expect);
    nd_pairvec_free(&out);
}

static void test_lsh__pairs_unique(void **state)
{
    nd_pairvec p = {0};
    size_t i;

    (void)state;
    assert_int_equal(nd_lsh_pairs_unique(&p, 1), 0);
    assert_int_equal(p.n, 0);
    assert_int_equal(nd_pairvec_push(&p, 3, 4), 0);
    assert_int_equal(nd_pairvec_push(&p, 1, 9), 0);
    assert_int_equal(nd_pairvec_push(&p, 3, 4), 0);
    assert_int_equal(nd_pairvec_push(&p, 1, 2), 0);
    assert_int_equal(nd_pairvec_push(&p, 1, 9), 0);
    assert_int_equal(nd_pairvec_push(&p, 3, 4), 0);
    assert_int_equal(nd_lsh_pairs_unique(&p, 1), 0);
    assert_int_equal(p.n, 3);
    assert_true(p.v[0].a == 1 && p.v[0].b == 2);
    assert_true(p.v[1].a == 1 && p.v[1].b == 9);
    assert_true(p.v[2].a == 3 && p.v[2].b == 4);
    /* Many pushes: growth keeps every value. */
    p.n = 0;
    for (i = 0; i < 5000; i++)
        assert_int_equal(nd_pairvec_push(&p, (uint32_t)(i % 100),
                                         (uint32_t)(i % 100 + 1)), 0);
    assert_int_equal(nd_lsh_pairs_unique(&p, 1), 0);
    assert_int_equal(p.n, 100);
    nd_pairvec_free(&p);
}

static int t_pair_cmp(const void *x, const void *y)
{
    const nd_pair *p = x, *q = y;

    if (p->a != q->a)
        return p->a < q->a ? -1 : 1;
    return p->b < q->b ? -1 : p->b > q->b;
}

/* The pairs of p sorted and each once, by qsort. */
static void t_ref_unique(nd_pairvec *out, const nd_pairvec *p)
{
    nd_pair *v = malloc((p->n ? p->n : 1) * sizeof *v);
    size_t i;

    assert_non_null(v);
    if (p->n)
        memcpy(v, p->v, p->n * sizeof *v);
    qsort(v, p->n, sizeof *v, t_pair_cmp);
    out->n = 0;
    for (i = 0; i < p->n; i++)
        if (i == 0 || t_pair_cmp(&v[i], &v[i - 1]) != 0)
            assert_int_equal(nd_pairvec_push(out, v[i].a, v[i].b), 0);
    free(v);
}

/* Many chunks of pairs with many repeats, on 1 to 4 threads: a small a
 * range (every a in a bucket of its own), a skewed one (most pairs in a
 * few buckets), the full 32 bits, and every pair with one a. */
static void test_lsh__pairs_unique_any_threads(void **state)
{
    enum { N = 300000 };
    nd_pairvec p = {0}, work = {0}, expect = {0};
    uint64_t seed = 3;
    size_t i;
    unsigned shape, t;

    (void)state;
    for (shape = 0; shape < 4; shape++) {
        p.n = 0;
        for (i = 0; i < N; i++) {
            uint64_t r = t_rand(&seed);
            uint32_t a, b = (uint32_t)(r >> 32);

            if (shape == 0)
                a = (uint32_t)(r % 200), b %= 300;
            else if (shape == 1)
                a = (uint32_t)((r % 1000) * (r % 1000) * (r % 1000) / 7),
                b %= 5000;
            else if (shape == 2)
                a = (uint32_t)r;
            else
                a = 12345, b %= 100000;
            if (i % 3 == 2) { /* a repeat of an earlier pair */
                size_t k = (size_t)(t_rand(&seed) % p.n);

                a = p.v[k].a;
                b = p.v[k].b;
            }
            assert_int_equal(nd_pairvec_push(&p, a, b), 0);
        }
        t_ref_unique(&expect, &p);
        assert_true(expect.n < p.n);
        for (t = 1; t <= 4; t++) {
            work.n = 0;
            for (i = 0; i < p.n; i++)
                assert_int_equal(nd_pairvec_push(&work, p.v[i].a, p.v[i].b),
                                 0);
            assert_int_equal(nd_lsh_pairs_unique(&work, t), 0);
            t_same_pairs(&work, &expect);
        }
    }
    nd_pairvec_free(&p);
    nd_pairvec_free(&work);
    nd_pairvec_free(&expect);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lsh__choose),
        cmocka_unit_test(test_lsh__choose_weights),
        cmocka_unit_test(test_lsh__choose_threshold_one),
        cmocka_unit_test(test_lsh__choose_errors),
        cmocka_unit_test(test_lsh__prob),
        cmocka_unit_test(test_lsh__band_key),
        cmocka_unit_test(test_lsh__anchors_small),
        cmocka_unit_test(test_lsh__anchors_property),
        cmocka_unit_test(test_lsh__pairs),
        cmocka_unit_test(test_lsh__pairs_cap),
        cmocka_unit_test(test_lsh__join),
        cmocka_unit_test(test_lsh__pairs_random_keys),
        cmocka_unit_test(test_lsh__pairs_any_threads),
        cmocka_unit_test(test_lsh__pairs_lone_keys),
        cmocka_unit_test(test_lsh__join_any_threads),
        cmocka_unit_test(test_lsh__pairs_reference),
        cmocka_unit_test(test_lsh__join_reference),
        cmocka_unit_test(test_lsh__pairs_unique),
        cmocka_unit_test(test_lsh__pairs_unique_any_threads),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
