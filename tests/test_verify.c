/*
 * test_verify.c - exact similarity of shingle sets and the duplicate
 * decisions built on it, including the min_contain boundary and the
 * direction of containment.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "verify.h"
#include "xorshift.h"

static const nd_thresholds t_default = {0.8, 0.9, 4};

static void test_verify__small_exact(void **state)
{
    static const uint32_t a[] = {1, 3, 5, 7, 9};
    static const uint32_t b[] = {2, 3, 4, 5, 9, 10, 11};
    nd_sim s;

    (void)state;
    /* A n B = {3, 5, 9}; |A u B| = 5 + 7 - 3 = 9. */
    nd_verify(&s, a, 5, b, 7);
    assert_true(s.jaccard == 3.0 / 9.0);
    assert_true(s.a_in_b == 3.0 / 5.0);
    assert_true(s.b_in_a == 3.0 / 7.0);
    /* Swapping the arguments swaps the containments. */
    nd_verify(&s, b, 7, a, 5);
    assert_true(s.jaccard == 3.0 / 9.0);
    assert_true(s.a_in_b == 3.0 / 7.0);
    assert_true(s.b_in_a == 3.0 / 5.0);
}

static void test_verify__extreme_values(void **state)
{
    static const uint32_t a[] = {0, 1, UINT32_MAX - 1, UINT32_MAX};
    static const uint32_t b[] = {0, UINT32_MAX};
    nd_sim s;

    (void)state;
    nd_verify(&s, a, 4, b, 2);
    assert_true(s.jaccard == 0.5);
    assert_true(s.a_in_b == 0.5);
    assert_true(s.b_in_a == 1.0);
}

static void test_verify__empty(void **state)
{
    static const uint32_t a[] = {1, 2, 3};
    nd_sim s;

    (void)state;
    nd_verify(&s, NULL, 0, NULL, 0);
    assert_true(s.jaccard == 0.0 && s.a_in_b == 0.0 && s.b_in_a == 0.0);
    nd_verify(&s, a, 3, NULL, 0);
    assert_true(s.jaccard == 0.0 && s.a_in_b == 0.0 && s.b_in_a == 0.0);
    nd_verify(&s, NULL, 0, a, 3);
    assert_true(s.jaccard == 0.0 && s.a_in_b == 0.0 && s.b_in_a == 0.0);
    assert_false(nd_verify_is_dup(&s, 0, 3, &t_default));
}

static void test_verify__identical(void **state)
{
    static const uint32_t a[] = {4, 8, 15, 16, 23, 42};
    nd_sim s;

    (void)state;
    nd_verify(&s, a, 6, a, 6);
    assert_true(s.jaccard == 1.0 && s.a_in_b == 1.0 && s.b_in_a == 1.0);
    assert_true(nd_verify_covers(&s, 6, &t_default));
    assert_true(nd_verify_is_dup(&s, 6, 6, &t_default));
}

static void test_verify__disjoint(void **state)
{
    static const uint32_t a[] = {1, 3, 5, 7};
    static const uint32_t b[] = {0, 2, 4, 6, 8};
    nd_sim s;

    (void)state;
    nd_verify(&s, a, 4, b, 5);
    assert_true(s.jaccard == 0.0 && s.a_in_b == 0.0 && s.b_in_a == 0.0);
    assert_false(nd_verify_covers(&s, 5, &t_default));
    assert_false(nd_verify_is_dup(&s, 4, 5, &t_default));
}

static void test_verify__subset(void **state)
{
    static const uint32_t big[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    static const uint32_t sub[] = {2, 4, 6, 8};
    nd_sim s;

    (void)state;
    nd_verify(&s, big, 10, sub, 4);
    assert_true(s.b_in_a == 1.0);
    assert_true(s.a_in_b == 0.4);
    assert_true(s.jaccard == 0.4); /* |sub| / |big| */
    /* big holds all of sub: big covers sub, not the other way round. */
    assert_true(nd_verify_covers(&s, 4, &t_default));
    nd_verify(&s, sub, 4, big, 10);
    assert_false(nd_verify_covers(&s, 10, &t_default));
    assert_true(nd_verify_is_dup(&s, 4, 10, &t_default));
}

static void test_verify__thresholds_inclusive(void **state)
{
    static const uint32_t a[] = {1, 2, 3, 4, 5};
    static const uint32_t b[] = {1, 2, 3, 4};
    static const uint32_t c[] = {1, 2, 3, 4, 6};
    nd_thresholds t = {0.8, 1.0, 100};
    nd_sim s;

    (void)state;
    /* Jaccard exactly at the threshold passes (4/5 == 0.8). */
    nd_verify(&s, a, 5, b, 4);
    assert_true(s.jaccard == 0.8);
    assert_true(nd_verify_covers(&s, 4, &t));
    /* 4/6 is below it, and containment is out of reach of min_contain. */
    nd_verify(&s, a, 5, c, 5);
    assert_true(s.jaccard == 4.0 / 6.0);
    assert_false(nd_verify_covers(&s, 5, &t));
    assert_false(nd_verify_is_dup(&s, 5, 5, &t));
}

/*
 * B is a 5-shingle sentence wholly inside the paragraph A (Jaccard far
 * below 0.8): containment counts only once B has min_contain shingles.
 */
static void test_verify__min_contain_boundary(void **state)
{
    static const uint32_t a[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    static const uint32_t b[] = {3, 6, 9, 12, 15};
    nd_thresholds t = {0.8, 0.9, 6};
    nd_sim s;

    (void)state;
    nd_verify(&s, a, 20, b, 5);
    assert_true(s.b_in_a == 1.0);
    assert_true(s.jaccard == 0.25);
    t.min_contain = 6; /* nb == min_contain - 1 */
    assert_false(nd_verify_covers(&s, 5, &t));
    assert_false(nd_verify_is_dup(&s, 20, 5, &t));
    t.min_contain = 5; /* nb == min_contain */
    assert_true(nd_verify_covers(&s, 5, &t));
    assert_true(nd_verify_is_dup(&s, 20, 5, &t));
    /* From B's side the containment is in the other direction. */
    nd_verify(&s, b, 5, a, 20);
    assert_false(nd_verify_covers(&s, 20, &t));
    assert_true(nd_verify_is_dup(&s, 5, 20, &t));
    t.min_contain = 6;
    assert_false(nd_verify_is_dup(&s, 5, 20, &t));
}

static void test_verify__containment_threshold(void **state)
{
    static const uint32_t a[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                 11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    static const uint32_t b[] = {2, 4, 6, 8, 10, 12, 14, 16, 18, 99};
    nd_thresholds t = {0.8, 0.9, 4};
    nd_sim s;

    (void)state;
    /* 9 of B's 10 shingles are in A: exactly at 0.9. */
    nd_verify(&s, a, 20, b, 10);
    assert_true(s.b_in_a == 0.9);
    assert_true(nd_verify_covers(&s, 10, &t));
    t.containment = 0.95;
    assert_false(nd_verify_covers(&s, 10, &t));
    assert_false(nd_verify_is_dup(&s, 20, 10, &t));
}

/* Builds a sorted set of n values from base, keeping value k when bit
 * (k * mult) of a pattern says so: a cheap seeded way to get overlaps of
 * every size. */
static size_t fill_set(uint32_t *out, size_t n, uint32_t seed, uint32_t keep)
{
    size_t i, m = 0;

    for (i = 0; i < n; i++) {
        uint32_t x = (uint32_t)i * 2654435761u ^ seed;

        if (x % 100 < keep)
            out[m++] = (uint32_t)i; /* ascending by construction */
    }
    return m;
}

/* Pairs of the seeded property check that nd_verify_dup finds duplicates
 * under t; asserts on every pair that it agrees with nd_verify +
 * nd_verify_is_dup. */
static unsigned dup_agreement(const nd_thresholds *t)
{
    static uint32_t a[400], b[400];
    unsigned trial, agree_dup = 0;

    for (trial = 0; trial < 4000; trial++) {
        size_t n = 4 + trial % 397;
        size_t na = fill_set(a, n, trial * 7u, 60 + trial % 41);
        /* Two in three pairs are nested (same pattern, different keep
         * rates), the rest independent. */
        size_t nb = fill_set(b, n, trial * 7u + (trial % 3 ? 0 : 12345u),
                             60 + (trial * 3) % 41);
        nd_sim full, quick;
        int expect, got;

        nd_verify(&full, a, na, b, nb);
        expect = nd_verify_is_dup(&full, na, nb, t);
        got = nd_verify_dup(&quick, a, na, b, nb, t);
        assert_int_equal(got, expect);
        if (got) {
            assert_true(quick.jaccard == full.jaccard);
            assert_true(quick.a_in_b == full.a_in_b);
            assert_true(quick.b_in_a == full.b_in_a);
            agree_dup++;
        }
    }
    return agree_dup;
}

/* nd_verify_dup agrees with nd_verify + nd_verify_is_dup on thousands of
 * pairs spanning every overlap, including the thresholds' edges. */
static void test_verify__dup_matches_full_check(void **state)
{
    const nd_thresholds t = {0.8, 0.9, 4};
    unsigned agree_dup = dup_agreement(&t);

    (void)state;
    /* Both outcomes were exercised. */
    assert_true(agree_dup > 100 && agree_dup < 3900);
}

/* Thresholds of 1 take equal sets (Jaccard) and sets held whole
 * (containment) and nothing short of that, and the early exit of
 * nd_verify_dup agrees at that edge too. */
static void test_verify__thresholds_of_one(void **state)
{
    static const uint32_t a[] = {1, 2, 3, 4, 5};
    static const uint32_t sub[] = {1, 2, 3, 4};
    static const uint32_t near[] = {1, 2, 3, 4, 6};
    const nd_thresholds t = {1.0, 1.0, 4};
    unsigned agree_dup;
    nd_sim s;

    (void)state;
    assert_true(nd_verify_dup(&s, a, 5, a, 5, &t));
    assert_true(s.jaccard == 1.0);
    assert_true(nd_verify_dup(&s, a, 5, sub, 4, &t)); /* held whole */
    assert_true(s.jaccard < 1.0 && s.b_in_a == 1.0);
    assert_false(nd_verify_dup(&s, a, 5, near, 5, &t));
    nd_verify(&s, a, 5, near, 5);
    assert_false(nd_verify_is_dup(&s, 5, 5, &t));
    agree_dup = dup_agreement(&t);
    assert_true(agree_dup > 10 && agree_dup < 3900);
}

/* Fills a sorted repeat-free set of up to n values: runs of values taken
 * from a shared pool (so two sets overlap by any amount), near 0 and
 * near UINT32_MAX too. Returns its size. */
static size_t rand_set(uint32_t *out, size_t n, uint32_t *st, uint32_t keep)
{
    size_t i, m = 0;
    uint32_t base = rng_next(st) % 3 == 0 ? UINT32_MAX - 4 * (uint32_t)n
                                          : rng_next(st) % 1000;

    for (i = 0; i < 4 * n && m < n; i++)
        if (rng_next(st) % 100 < keep)
            out[m++] = base + (uint32_t)i * (base > 1000 ? 1u : 3u);
    return m;
}

/* |A n B| counted the plain way. */
static size_t plain_inter(const uint32_t *a, size_t na, const uint32_t *b,
                          size_t nb)
{
    size_t i, j, n = 0;

    for (i = 0; i < na; i++)
        for (j = 0; j < nb; j++)
            n += a[i] == b[j];
    return n;
}

/* nd_verify and nd_verify_dup agree with a plain count of the shared
 * shingles on many random pairs, empty sets and the ends of the 32-bit
 * range included, under thresholds whose bounds fall on whole counts
 * and between them. */
static void test_verify__merge_matches_plain_count(void **state)
{
    static const nd_thresholds th[] = {
        {0.8, 0.9, 4}, {0.5, 0.5, 1}, {0.6, 0.75, 2}, {1.0, 1.0, 0},
        {0.3, 0.2, 0}, {0.9, 0.95, 16}};
    static uint32_t a[300], b[300];
    uint32_t st = 12345;
    unsigned trial, dups = 0, fails = 0;

    (void)state;
    for (trial = 0; trial < 6000; trial++) {
        const nd_thresholds *t = &th[trial % 6];
        size_t na = rand_set(a, rng_next(&st) % 120, &st,
                             20 + rng_next(&st) % 81);
        size_t nb = 0, inter, uni, k, m;
        nd_sim sim, quick;
        int expect;

        if (trial % 3 == 0) {
            nb = rand_set(b, rng_next(&st) % 120, &st,
                          20 + rng_next(&st) % 81);
        } else {
            /* b is a with a few shingles dropped and a few added. */
            uint32_t drop = rng_next(&st) % 25, add = rng_next(&st) % 8;

            for (k = 0; k < na; k++)
                if (rng_next(&st) % 100 >= drop)
                    b[nb++] = a[k];
            for (k = 0; k < add; k++) {
                uint32_t x = na ? a[rng_next(&st) % na] + 1 : rng_next(&st);

                for (m = nb; m > 0 && b[m - 1] > x; m--)
                    b[m] = b[m - 1];
                b[m] = x;
                nb++;
            }
            for (k = 1, m = nb ? 1 : 0; k < nb; k++)
                if (b[k] != b[m - 1])
                    b[m++] = b[k];
            nb = m;
        }
        inter = plain_inter(a, na, b, nb);
        uni = na + nb - inter;
        nd_verify(&sim, a, na, b, nb);
        assert_true(sim.jaccard == (uni ? (double)inter / (double)uni : 0.0));
        assert_true(sim.a_in_b == (na ? (double)inter / (double)na : 0.0));
        assert_true(sim.b_in_a == (nb ? (double)inter / (double)nb : 0.0));
        expect = nd_verify_is_dup(&sim, na, nb, t);
        assert_int_equal(nd_verify_dup(&quick, a, na, b, nb, t), expect);
        if (expect) {
            assert_true(quick.jaccard == sim.jaccard);
            assert_true(quick.a_in_b == sim.a_in_b);
            assert_true(quick.b_in_a == sim.b_in_a);
            dups++;
        } else {
            fails++;
        }
    }
    /* Both outcomes came up many times. */
    assert_true(dups > 300 && fails > 300);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify__small_exact),
        cmocka_unit_test(test_verify__extreme_values),
        cmocka_unit_test(test_verify__empty),
        cmocka_unit_test(test_verify__identical),
        cmocka_unit_test(test_verify__disjoint),
        cmocka_unit_test(test_verify__subset),
        cmocka_unit_test(test_verify__thresholds_inclusive),
        cmocka_unit_test(test_verify__min_contain_boundary),
        cmocka_unit_test(test_verify__containment_threshold),
        cmocka_unit_test(test_verify__dup_matches_full_check),
        cmocka_unit_test(test_verify__thresholds_of_one),
        cmocka_unit_test(test_verify__merge_matches_plain_count),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
