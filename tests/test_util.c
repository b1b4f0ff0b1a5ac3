/*
 * test_util.c - growable buffers, the sorts, the job runner with its
 * chunk dealer, and the test for what dead runs left (util.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"

static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* Both sorts agree with qsort on random arrays of many sizes and value
 * ranges (few distinct values exercise equal keys and skipped passes). */
static void test_util__sorts_match_qsort(void **state)
{
    static const size_t sizes[] = {0, 1, 2, 3, 10, 24, 25, 63, 64, 65, 100, 255, 256,
                                   1000, 4095, 4096, 5000, 70000};
    static const uint64_t masks[] = {UINT64_MAX, 0xffff, 7, 0xffff0000ULL,
                                     0xff00000000000000ULL};
    size_t si, mi, i;

    (void)state;
    rng_state = 42;
    for (si = 0; si < sizeof sizes / sizeof *sizes; si++)
        for (mi = 0; mi < sizeof masks / sizeof *masks; mi++) {
            size_t n = sizes[si];
            uint64_t *a = malloc((n + 1) * sizeof *a);
            uint64_t *b = malloc((n + 1) * sizeof *b);
            uint64_t *c = malloc((n + 1) * sizeof *c);

            for (i = 0; i < n; i++)
                a[i] = b[i] = c[i] = rng() & masks[mi];
            qsort(a, n, sizeof *a, cmp);
            nd_u64_sort(b, n);
            assert_int_equal(nd_u64_radix_sort_mt(c, n, 1), 0);
            if (n)
                assert_memory_equal(a, b, n * sizeof *a);
            if (n)
                assert_memory_equal(a, c, n * sizeof *a);
            free(a);
            free(b);
            free(c);
        }
}

/* The threaded radix sort gives qsort's order for any thread count, on
 * sizes that split into several jobs and do not divide evenly among them,
 * and on value ranges where some passes are skipped. */
static void test_util__radix_sort_threads(void **state)
{
    static const size_t sizes[] = {65535, 65536, 200003};
    static const uint64_t masks[] = {UINT64_MAX, 0xffffffffULL, 3,
                                     0xffff000000000000ULL};
    static const unsigned threads[] = {1, 2, 3, 4, 7};
    size_t si, mi, ti, i;

    (void)state;
    rng_state = 7;
    for (si = 0; si < sizeof sizes / sizeof *sizes; si++)
        for (mi = 0; mi < sizeof masks / sizeof *masks; mi++) {
            size_t n = sizes[si];
            uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);

            for (i = 0; i < n; i++)
                a[i] = rng() & masks[mi];
            for (ti = 0; ti < sizeof threads / sizeof *threads; ti++) {
                memcpy(b, a, n * sizeof *a);
                assert_int_equal(nd_u64_radix_sort_mt(b, n, threads[ti]), 0);
                if (ti == 0)
                    qsort(a, n, sizeof *a, cmp);
                assert_memory_equal(a, b, n * sizeof *a);
            }
            free(a);
            free(b);
        }
}

static int cmp32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return (x > y) - (x < y);
}

/* The sizes to try: every one up to 70 (the rank sort's limit of 64),
 * every one from 120 to 140 and 500 to 530 (where the merges of 64-value
 * pieces start a new round, and the limit of 512 where quicksort takes
 * over), and then growing. */
static size_t next_size(size_t n)
{
    if (n < 70 || (n >= 120 && n < 140) || (n >= 500 && n < 530))
        return n + 1;
    if (n < 120)
        return n < 100 ? n * 2 : 120;
    return n < 500 ? 500 : n * 2 + 1;
}

/* Value ranges from all distinct to a few values repeated many times. */
static void test_util__u32_sort_matches_qsort(void **state)
{
    static const uint32_t masks[] = {0xffffffffu, 0xffffu, 15u, 1u, 0u};
    size_t n, i, mi;

    (void)state;
    rng_state = 7;
    for (n = 0; n < 3000; n = next_size(n))
        for (mi = 0; mi < sizeof masks / sizeof *masks; mi++) {
            uint32_t *a = malloc((n + 1) * sizeof *a);
            uint32_t *b = malloc((n + 1) * sizeof *b);
            uint64_t *c = malloc((n + 1) * sizeof *c);
            size_t u = 0;

            for (i = 0; i < n; i++)
                a[i] = b[i] = (uint32_t)rng() & masks[mi];
            qsort(a, n, sizeof *a, cmp32);
            nd_u32_sort(b, n);
            if (n)
                assert_memory_equal(a, b, n * sizeof *a);
            /* sort_unique of both widths (the 64-bit values in another
             * order): qsort's order less the repeats */
            for (i = 0; i < n; i++)
                if (i == 0 || a[i] != a[i - 1])
                    a[u++] = a[i];
            for (i = 0; i < n; i++)
                c[i] = b[(i * 7919) % n] | (uint64_t)b[(i * 7919) % n] << 32;
            assert_int_equal(nd_u32_sort_unique(b, n), u);
            assert_int_equal(nd_u64_sort_unique(c, n), u);
            for (i = 0; i < u; i++) {
                assert_true(b[i] == a[i]);
                assert_true(c[i] == (a[i] | (uint64_t)a[i] << 32));
            }
            free(a);
            free(b);
            free(c);
        }
}

static void test_util__sort_unique(void **state)
{
    uint64_t a[] = {5, 3, 5, 1, 3, 3, 9};
    uint32_t b[] = {5, 3, 5, 1, 3, 3, 9};

    (void)state;
    assert_int_equal(nd_u64_sort_unique(a, 7), 4);
    assert_true(a[0] == 1 && a[1] == 3 && a[2] == 5 && a[3] == 9);
    assert_int_equal(nd_u64_sort_unique(a, 0), 0);
    assert_int_equal(nd_u32_sort_unique(b, 7), 4);
    assert_true(b[0] == 1 && b[1] == 3 && b[2] == 5 && b[3] == 9);
    assert_true(nd_fold32(0x0000000100000002ULL) == 3u);
}

static void test_util__buffers(void **state)
{
    nd_buf b = {0};
    nd_u64vec v = {0};
    size_t i;

    (void)state;
    assert_int_equal(nd_buf_append(&b, "ab", 2), 0);
    assert_int_equal(nd_buf_putc(&b, 'c'), 0);
    assert_int_equal(nd_buf_append(&b, "", 0), 0);
    assert_string_equal(b.data, "abc");
    assert_int_equal(b.len, 3);
    for (i = 0; i < 100000; i++)
        assert_int_equal(nd_u64vec_push(&v, i), 0);
    assert_int_equal(v.n, 100000);
    assert_true(v.v[99999] == 99999);
    nd_buf_free(&b);
    nd_u64vec_free(&v);
    /* Growth from any capacity, however small, makes room. */
    for (i = 0; i < 4; i++) {
        size_t cap = i;
        char *p = malloc(i + 1);

        assert_int_equal(nd_grow((void **)&p, &cap, i + 1, 1), 0);
        assert_true(cap >= i + 1);
        free(p);
    }
    assert_null(b.data);
    assert_null(v.v);
}

/* A job of the chunk test: counts the visits of each item it is dealt. */
typedef struct chunk_job {
    nd_chunks *chunks;  /* the dealer */
    uint8_t *seen;      /* per item: visits */
    size_t taken;       /* items this job was dealt */
    int empty;          /* it was dealt an empty chunk (cmocka's asserts
                           belong on the main thread) */
} chunk_job;

static void *chunk_run(void *arg)
{
    chunk_job *j = arg;
    size_t lo, hi, i;

    while (nd_chunks_take(j->chunks, &lo, &hi)) {
        j->empty |= lo >= hi;
        for (i = lo; i < hi; i++)
            j->seen[i]++;
        j->taken += hi - lo;
    }
    return NULL;
}

/* Every item is dealt exactly once, whatever the number of jobs and
 * however the chunk size divides the items (zero items too). */
static void test_util__chunks_deal_each_item_once(void **state)
{
    static const size_t items[] = {0, 1, 63, 64, 65, 1000, 4097};
    static const size_t sizes[] = {0, 1, 7, 64};
    chunk_job jobs[4];
    uint8_t *seen = malloc(4097);
    size_t a, b, t, i;

    (void)state;
    assert_non_null(seen);
    for (a = 0; a < sizeof items / sizeof *items; a++)
        for (b = 0; b < sizeof sizes / sizeof *sizes; b++)
            for (t = 1; t <= 4; t++) {
                nd_chunks c;
                size_t total = 0;

                memset(seen, 0, 4097);
                nd_chunks_init(&c, items[a], sizes[b]);
                for (i = 0; i < t; i++) {
                    jobs[i].chunks = &c;
                    jobs[i].seen = seen;
                    jobs[i].taken = 0;
                    jobs[i].empty = 0;
                }
                nd_run_jobs(chunk_run, jobs, sizeof jobs[0], t);
                for (i = 0; i < t; i++) {
                    total += jobs[i].taken;
                    assert_false(jobs[i].empty);
                }
                assert_int_equal(total, items[a]);
                for (i = 0; i < items[a]; i++)
                    assert_int_equal(seen[i], 1);
            }
    free(seen);
}

/* The eight-byte tests: nonzero exactly when a byte matches, and on
 * little-endian machines the lowest mark is the first match. Every place,
 * with every byte value around it. */
static void test_util__word_tests(void **state)
{
    unsigned at, v, fill;

    (void)state;
    for (fill = 0; fill < 256; fill += 15)
        for (at = 0; at < 8; at++)
            for (v = 0; v < 256; v++) {
                unsigned char b[8];
                uint64_t w, eq, below;
                unsigned k, first_eq = 8, first_below = 8;

                memset(b, (int)fill, 8);
                b[at] = (unsigned char)v;
                memcpy(&w, b, 8);
                eq = nd_word_eq(w, ' ');
                below = nd_word_below(w, 0x20);
                for (k = 8; k-- > 0;) {
                    if (b[k] == ' ')
                        first_eq = k;
                    if (b[k] < 0x20)
                        first_below = k;
                }
                assert_int_equal(eq != 0, first_eq < 8);
                assert_int_equal(below != 0, first_below < 8);
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                if (eq)
                    assert_int_equal(__builtin_ctzll(eq) >> 3, first_eq);
                if (below)
                    assert_int_equal(__builtin_ctzll(below) >> 3,
                                     first_below);
#endif
            }
}

/* One job below the threshold or without threads; never more than the
 * threads, ND_MAX_JOBS or the items. */
static void test_util__jobs_for(void **state)
{
    (void)state;
    assert_int_equal(nd_jobs_for(0, 100000, 10), 1);
    assert_int_equal(nd_jobs_for(4, 9, 10), 1);
    assert_int_equal(nd_jobs_for(4, 10, 10), 4);
    assert_int_equal(nd_jobs_for(4, 3, 2), 3);
    assert_int_equal(nd_jobs_for(1000, 1u << 20, 1), ND_MAX_JOBS);
}

/* What killed runs leave is told by the process id in its name: this
 * process and a live one (the parent) are not dead, an id no process can
 * have is, and the name must be exactly prefix, id, terminator. */
static void test_util__left_by_dead_run(void **state)
{
    char name[64];

    (void)state;
    assert_true(nd_left_by_dead_run("tmp-999999999", "tmp-", '\0'));
    assert_true(nd_left_by_dead_run("sp-999999999-x1", "sp-", '-'));
    assert_false(nd_left_by_dead_run("sp-999999999x", "sp-", '-'));
    assert_false(nd_left_by_dead_run("tmp-999999999-", "tmp-", '\0'));
    assert_false(nd_left_by_dead_run("tmp-", "tmp-", '\0'));
    assert_false(nd_left_by_dead_run("tmp--5", "tmp-", '\0'));
    assert_false(nd_left_by_dead_run("other-999999999", "tmp-", '\0'));
    snprintf(name, sizeof name, "tmp-%ld", (long)getpid());
    assert_false(nd_left_by_dead_run(name, "tmp-", '\0'));
    snprintf(name, sizeof name, "tmp-%ld", (long)getppid());
    assert_false(nd_left_by_dead_run(name, "tmp-", '\0'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_util__sorts_match_qsort),
        cmocka_unit_test(test_util__radix_sort_threads),
        cmocka_unit_test(test_util__u32_sort_matches_qsort),
        cmocka_unit_test(test_util__sort_unique),
        cmocka_unit_test(test_util__buffers),
        cmocka_unit_test(test_util__chunks_deal_each_item_once),
        cmocka_unit_test(test_util__word_tests),
        cmocka_unit_test(test_util__jobs_for),
        cmocka_unit_test(test_util__left_by_dead_run),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
