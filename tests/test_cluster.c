/*
 * test_cluster.c - union-find and the split of chained components.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cluster.h"

static void test_cluster__union_find_roots_are_smallest(void **state)
{
    nd_uf uf;

    (void)state;
    assert_int_equal(nd_uf_init(&uf, 10), 0);
    nd_uf_union(&uf, 7, 3);
    nd_uf_union(&uf, 9, 7);
    nd_uf_union(&uf, 5, 4);
    assert_int_equal(nd_uf_find(&uf, 9), 3);
    assert_int_equal(nd_uf_find(&uf, 7), 3);
    assert_int_equal(nd_uf_find(&uf, 5), 4);
    assert_int_equal(nd_uf_find(&uf, 0), 0);
    nd_uf_union(&uf, 9, 5);
    assert_int_equal(nd_uf_find(&uf, 4), 3);
    nd_uf_free(&uf);
}

/* After flattening, every parent is a root: the one find returns. */
static void test_cluster__flatten_points_at_roots(void **state)
{
    static const uint32_t joins[][2] = {{8, 9}, {6, 8}, {2, 6}, {11, 5},
                                        {5, 3}, {9, 1}, {10, 7}, {4, 10}};
    uint32_t want[12];
    size_t i;
    nd_uf uf;

    (void)state;
    assert_int_equal(nd_uf_init(&uf, 12), 0);
    for (i = 0; i < sizeof joins / sizeof *joins; i++)
        nd_uf_union(&uf, joins[i][0], joins[i][1]);
    for (i = 0; i < 12; i++)
        want[i] = nd_uf_find(&uf, (uint32_t)i);
    /* Union again after the finds, so that some items are two steps
     * from their root. */
    nd_uf_union(&uf, 7, 3);
    for (i = 0; i < 12; i++)
        if (want[i] == 4 || want[i] == 7)
            want[i] = 3;
    nd_uf_flatten(&uf);
    for (i = 0; i < 12; i++)
        assert_int_equal(uf.parent[i], want[i]);
    assert_int_equal(want[9], 1);
    nd_uf_free(&uf);
}

/* A chain 0 ~ 1 ~ 2 where 0 and 2 are unrelated; cover[a][b] says a holds
 * b's text. */
static const int chain_cover[3][3] = {
    {1, 1, 0},
    {1, 1, 1},
    {0, 1, 1},
};

static int chain_covers(double *jac, double *cont, uint32_t canon,
                        uint32_t item, void *payload)
{
    (void)payload;
    if (!chain_cover[canon][item])
        return 0;
    *jac = 0.85;
    *cont = 0.95;
    return 1;
}

static void test_cluster__no_chaining(void **state)
{
    const uint32_t items[3] = {0, 1, 2};
    uint32_t canon[3];
    float jac[3], cont[3];

    (void)state;
    assert_int_equal(nd_cluster_assign(canon, jac, cont, items, 3,
                                       chain_covers, NULL),
                     0);
    /* 0 is preferred and takes 1; 2 is not covered by 0, so it stays on its
     * own rather than riding the chain through 1. */
    assert_int_equal(canon[0], 0);
    assert_int_equal(canon[1], 0);
    assert_int_equal(canon[2], 2);
    assert_true(jac[1] > 0.84f && jac[1] < 0.86f);
    assert_true(cont[1] > 0.94f && cont[1] < 0.96f);
    assert_true(jac[0] == 1.0f && jac[2] == 1.0f);
}

/* Item 1 contains item 0 (0 is covered by 1, not the other way round). */
static int contain_covers(double *jac, double *cont, uint32_t canon,
                          uint32_t item, void *payload)
{
    (void)payload;
    if (canon == 1 && item == 0) {
        *jac = 0.5;
        *cont = 1.0;
        return 1;
    }
    return 0;
}

static void test_cluster__contained_points_to_container(void **state)
{
    uint32_t canon[2];
    float jac[2], cont[2];
    /* Preference puts the contained item last, as scan.c orders it. */
    const uint32_t preferred[2] = {1, 0};
    /* In plain input order the container is not reached first: 0 cannot
     * cover 1, so both stay canonicals and no text is lost. */
    const uint32_t plain[2] = {0, 1};

    (void)state;
    assert_int_equal(nd_cluster_assign(canon, jac, cont, preferred, 2,
                                       contain_covers, NULL),
                     0);
    assert_int_equal(canon[0], 1);
    assert_int_equal(canon[1], 1);
    assert_true(cont[1] == 1.0f);

    assert_int_equal(nd_cluster_assign(canon, jac, cont, plain, 2,
                                       contain_covers, NULL),
                     0);
    assert_int_equal(canon[0], 0);
    assert_int_equal(canon[1], 1);
}

static int failing_covers(double *jac, double *cont, uint32_t canon,
                          uint32_t item, void *payload)
{
    (void)jac;
    (void)cont;
    (void)canon;
    (void)item;
    (void)payload;
    return -1;
}

static void test_cluster__errors_stop_assignment(void **state)
{
    const uint32_t items[2] = {0, 1};
    uint32_t canon[2];
    float jac[2], cont[2];

    (void)state;
    assert_int_equal(nd_cluster_assign(canon, jac, cont, items, 2,
                                       failing_covers, NULL),
                     -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cluster__union_find_roots_are_smallest),
        cmocka_unit_test(test_cluster__flatten_points_at_roots),
        cmocka_unit_test(test_cluster__no_chaining),
        cmocka_unit_test(test_cluster__contained_points_to_container),
        cmocka_unit_test(test_cluster__errors_stop_assignment),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
