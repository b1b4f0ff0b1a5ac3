/*
 * test_minhash.c - MinHash signatures: known answers from the documented
 * formula, invariants (repeats, empty set, seeds), and the seeded property
 * that the estimate follows the binomial error of the exact Jaccard.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "minhash.h"
#include "neardup.h"

/* The test's own SplitMix64, written from the published algorithm, to
 * recompute the permutations independently of minhash.c. */
static uint64_t t_splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* sig[i] from the formula in minhash.h: a_i, b_i the low halves of the
 * stream at seed drawn in turn, a_i forced odd, h_i(x) = a_i x + b_i mod
 * 2^32. */
static void t_reference_sign(uint32_t *sig, unsigned k, uint64_t seed,
                             const uint32_t *x, size_t n)
{
    uint64_t s = seed;
    unsigned i;
    size_t j;

    for (i = 0; i < k; i++) {
        uint32_t a = (uint32_t)t_splitmix(&s) | 1u;
        uint32_t b = (uint32_t)t_splitmix(&s);

        sig[i] = UINT32_MAX;
        for (j = 0; j < n; j++) {
            uint32_t v = a * x[j] + b;

            if (v < sig[i])
                sig[i] = v;
        }
    }
}

static void test_minhash__init_errors(void **state)
{
    nd_minhash mh;

    (void)state;
    assert_int_equal(nd_minhash_init(&mh, 0, 1), ND_EINVAL);
    nd_minhash_free(&mh);
    nd_minhash_free(NULL);
    assert_int_equal(nd_minhash_init(&mh, 1, 1), 0);
    assert_int_equal(mh.k, 1);
    nd_minhash_free(&mh);
    nd_minhash_free(&mh); /* twice is harmless */
}

static void test_minhash__known_answer(void **state)
{
    static const uint32_t set[] = {1, 2, 3, 0x89abcdefu, 0xfedcba98u,
                                   UINT32_MAX, 0};
    const size_t n = sizeof set / sizeof set[0];
    uint32_t sig[16], ref[16];
    nd_minhash mh;
    unsigned i;

    (void)state;
    /* SplitMix64 from seed 0 starts 0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4
     * (the published reference stream); the first is already odd. */
    assert_int_equal(nd_minhash_init(&mh, 16, 0), 0);
    assert_true(mh.a[0] == 0x7b1dcdafu);
    assert_true(mh.b[0] == 0xa1b965f4u);
    for (i = 0; i < 16; i++)
        assert_true(mh.a[i] & 1u);
    nd_minhash_sign(&mh, sig, set, 1);
    assert_true(sig[0] == (uint32_t)(0x7b1dcdafu * 1u + 0xa1b965f4u));
    nd_minhash_sign(&mh, sig, set + 3, 1);
    assert_true(sig[0] == (uint32_t)(0x7b1dcdafu * 0x89abcdefu + 0xa1b965f4u));
    nd_minhash_free(&mh);

    assert_int_equal(nd_minhash_init(&mh, 16, 0x5eedULL), 0);
    nd_minhash_sign(&mh, sig, set, n);
    t_reference_sign(ref, 16, 0x5eedULL, set, n);
    for (i = 0; i < 16; i++)
        assert_int_equal(sig[i], ref[i]);
    nd_minhash_free(&mh);
}

/* Odd k (no multiple of any vector width or of the block of 64) against
 * the formula as well. */
static void test_minhash__odd_k(void **state)
{
    uint32_t set[37];
    uint64_t s = 99;
    uint32_t sig[67], ref[67];
    nd_minhash mh;
    unsigned i;

    (void)state;
    for (i = 0; i < 37; i++)
        set[i] = (uint32_t)t_splitmix(&s);
    assert_int_equal(nd_minhash_init(&mh, 67, 7), 0);
    nd_minhash_sign(&mh, sig, set, 37);
    t_reference_sign(ref, 67, 7, set, 37);
    for (i = 0; i < 67; i++)
        assert_int_equal(sig[i], ref[i]);
    nd_minhash_free(&mh);
    assert_int_equal(nd_minhash_init(&mh, 131, 8), 0); /* two blocks + 3 */
    {
        uint32_t big[131], bref[131];

        nd_minhash_sign(&mh, big, set, 37);
        t_reference_sign(bref, 131, 8, set, 37);
        for (i = 0; i < 131; i++)
            assert_int_equal(big[i], bref[i]);
    }
    nd_minhash_free(&mh);
}

static void test_minhash__repeats(void **state)
{
    uint32_t set[10], rep[16];
    uint64_t s = 5;
    uint32_t a[64], b[64];
    nd_minhash mh;
    unsigned i;

    (void)state;
    for (i = 0; i < 10; i++)
        set[i] = (uint32_t)t_splitmix(&s);
    /* The same set reversed, with six repeats mixed in. */
    for (i = 0; i < 10; i++)
        rep[i] = set[9 - i];
    rep[10] = set[3];
    rep[11] = set[0];
    rep[12] = set[9];
    rep[13] = set[3];
    rep[14] = set[5];
    rep[15] = set[0];
    assert_int_equal(nd_minhash_init(&mh, 64, 11), 0);
    nd_minhash_sign(&mh, a, set, 10);
    nd_minhash_sign(&mh, b, rep, 16);
    assert_memory_equal(a, b, sizeof a);
    assert_true(nd_minhash_estimate(a, b, 64) == 1.0);
    nd_minhash_free(&mh);
}

static void test_minhash__empty(void **state)
{
    uint32_t sig[40];
    nd_minhash mh;
    unsigned i;

    (void)state;
    for (i = 0; i < 40; i++)
        sig[i] = 12345;
    assert_int_equal(nd_minhash_init(&mh, 40, 3), 0);
    nd_minhash_sign(&mh, sig, NULL, 0);
    for (i = 0; i < 40; i++)
        assert_int_equal(sig[i], UINT32_MAX);
    nd_minhash_free(&mh);
}

static void test_minhash__seeds(void **state)
{
    uint32_t set[50];
    uint64_t s = 77;
    uint32_t a[128], b[128], c[128];
    nd_minhash m1, m2, m3;
    unsigned i;

    (void)state;
    for (i = 0; i < 50; i++)
        set[i] = (uint32_t)t_splitmix(&s);
    assert_int_equal(nd_minhash_init(&m1, 128, 42), 0);
    assert_int_equal(nd_minhash_init(&m2, 128, 42), 0);
    assert_int_equal(nd_minhash_init(&m3, 128, 43), 0);
    nd_minhash_sign(&m1, a, set, 50);
    nd_minhash_sign(&m2, b, set, 50);
    nd_minhash_sign(&m3, c, set, 50);
    /* Same seed: same signature. Other seed: unrelated permutations, so
     * the two signatures of one set agree almost nowhere. */
    assert_memory_equal(a, b, sizeof a);
    assert_true(nd_minhash_estimate(a, c, 128) < 0.05);
    nd_minhash_free(&m1);
    nd_minhash_free(&m2);
    nd_minhash_free(&m3);
}

static void test_minhash__estimate(void **state)
{
    uint32_t a[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    uint32_t b[8] = {1, 0, 3, 0, 5, 0, 0, 8};

    (void)state;
    assert_true(nd_minhash_estimate(a, a, 8) == 1.0);
    assert_true(nd_minhash_estimate(a, b, 8) == 0.5);
    assert_true(nd_minhash_estimate(a, b, 3) == 2.0 / 3.0);
}

/*
 * The property: for sets of exact Jaccard J, each of the k signature
 * positions agrees with probability J, so the estimate is binomial with
 * standard deviation sqrt(J(1-J)/k). Over 300 seeded pairs with J spread
 * over 0.1..0.95, every estimate stays within four deviations (plus 0.01
 * for the discreteness of 1/k), and the errors average out near zero.
 */
static void test_minhash__property_jaccard(void **state)
{
    enum { K = 128, PAIRS = 300, MAXU = 400 };
    uint32_t *a = malloc(MAXU * sizeof *a), *b = malloc(MAXU * sizeof *b);
    uint64_t rng = 0x70726f70ULL, ctr = 1000;
    uint32_t sa[K], sb[K];
    double sum_err = 0.0, sum_z2 = 0.0, worst = 0.0;
    nd_minhash mh;
    int p;

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(nd_minhash_init(&mh, K, 0x6e65617264757030ULL), 0);
    for (p = 0; p < PAIRS; p++) {
        double target = 0.1 + 0.85 * (double)p / (PAIRS - 1);
        size_t u = 60 + (size_t)(t_splitmix(&rng) % (MAXU - 60));
        size_t inter = (size_t)(target * (double)u + 0.5), na = 0, nb = 0, i;
        double j, est, tol;

        if (inter < 1)
            inter = 1;
        if (inter > u - 1)
            inter = u - 1;
        /* Members are the SplitMix64 finaliser of a counter cut to 32 bits,
         * as uniform as real folded XXH3 shingle hashes (and, for this seed,
         * all distinct). */
        for (i = 0; i < u; i++) {
            uint64_t c = ctr++;
            uint32_t x = (uint32_t)t_splitmix(&c);

            if (i < inter) {
                a[na++] = x;
                b[nb++] = x;
            } else if (t_splitmix(&rng) & 1) {
                a[na++] = x;
            } else {
                b[nb++] = x;
            }
        }
        j = (double)inter / (double)u;
        nd_minhash_sign(&mh, sa, a, na);
        nd_minhash_sign(&mh, sb, b, nb);
        est = nd_minhash_estimate(sa, sb, K);
        tol = 4.0 * sqrt(j * (1.0 - j) / K) + 0.01;
        if (fabs(est - j) > tol)
            fail_msg("pair %d: J=%.4f est=%.4f tol=%.4f", p, j, est, tol);
        if (fabs(est - j) > worst)
            worst = fabs(est - j);
        sum_err += est - j;
        sum_z2 += (est - j) * (est - j) / (j * (1.0 - j) / K);
    }
    /* The mean of 300 errors of sd <= 0.045 has sd <= 0.0026. */
    assert_true(fabs(sum_err / PAIRS) < 0.01);
    /* The squared errors average to the binomial variance: a family whose
     * permutations were correlated would agree or disagree on several
     * positions at once and inflate this well past 1 (the mean of 300
     * squared standard normals has sd 0.08). */
    if (sum_z2 / PAIRS < 0.7 || sum_z2 / PAIRS > 1.3)
        fail_msg("squared error %.3f of the binomial variance",
                 sum_z2 / PAIRS);
    assert_true(worst > 0.0); /* the estimate is not trivially exact */
    nd_minhash_free(&mh);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minhash__init_errors),
        cmocka_unit_test(test_minhash__known_answer),
        cmocka_unit_test(test_minhash__odd_k),
        cmocka_unit_test(test_minhash__repeats),
        cmocka_unit_test(test_minhash__empty),
        cmocka_unit_test(test_minhash__seeds),
        cmocka_unit_test(test_minhash__estimate),
        cmocka_unit_test(test_minhash__property_jaccard),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
