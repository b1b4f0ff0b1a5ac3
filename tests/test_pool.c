/*
 * test_pool.c - jobs come back in the order they were handed over, with
 * their own results, whatever the number of workers; each worker's scratch
 * is its own and freed at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "neardup.h"
#include "pool.h"

typedef struct job {
    unsigned n;       /* input */
    uint64_t sum;     /* output: 1 + 2 + ... + n, the slow way */
    void *scratch;    /* the scratch it ran with */
} job;

typedef struct scratch {
    unsigned runs;    /* jobs this scratch saw */
    int *freed;       /* counts the frees, for the test */
} scratch;

static int freed_count;

static int run_job(void *arg, void *sc, void *ctx)
{
    job *j = arg;
    scratch *s = sc;
    unsigned i;

    (void)ctx;
    s->runs++;
    s->freed = &freed_count;
    j->scratch = s;
    j->sum = 0;
    /* Uneven work, so that workers finish out of order. */
    for (i = 1; i <= j->n; i++)
        j->sum += i;
    return j->n % 7 == 3 ? ND_ENOMEM : 0;
}

static void free_scratch(void *sc)
{
    scratch *s = sc;

    if (s->freed)
        (*s->freed)++;
}

/* Hands over many jobs (the ring grows several times), taking some back
 * as it goes and the rest at the end. */
static void check_order(unsigned threads)
{
    enum { N = 500 };
    job *jobs = calloc(N, sizeof *jobs);
    nd_pool *p;
    size_t k, next = 0;
    int err;

    assert_non_null(jobs);
    assert_int_equal(nd_pool_new(&p, threads, run_job, NULL, sizeof(scratch),
                                 free_scratch),
                     0);
    for (k = 0; k < N; k++) {
        jobs[k].n = (unsigned)((k * 7919) % 20000);
        assert_int_equal(nd_pool_submit(p, &jobs[k]), 0);
        if (k % 50 == 49)
            while (nd_pool_pending(p) > 20) {
                job *j = nd_pool_take(p, &err);

                assert_ptr_equal(j, &jobs[next]);
                assert_int_equal(err, j->n % 7 == 3 ? ND_ENOMEM : 0);
                next++;
            }
    }
    assert_int_equal(nd_pool_pending(p), N - next);
    for (; next < N; next++) {
        job *j = nd_pool_take(p, &err);

        assert_ptr_equal(j, &jobs[next]);
        assert_int_equal(err, j->n % 7 == 3 ? ND_ENOMEM : 0);
    }
    assert_null(nd_pool_take(p, &err));
    for (k = 0; k < N; k++)
        assert_true(jobs[k].sum == (uint64_t)jobs[k].n * (jobs[k].n + 1) / 2);
    freed_count = 0;
    nd_pool_free(p);
    /* One scratch per worker (or the caller's own), each freed once. */
    assert_true(freed_count >= 1);
    assert_true(freed_count <= (int)(threads > 1 ? threads : 1));
    free(jobs);
}

static void test_pool__order_without_workers(void **state)
{
    (void)state;
    check_order(0);
    check_order(1);
}

static void test_pool__order_with_workers(void **state)
{
    (void)state;
    check_order(2);
    check_order(5);
}

/* Freeing with jobs still in hand waits for them. */
static void test_pool__free_waits(void **state)
{
    job jobs[16];
    nd_pool *p;
    size_t k;

    (void)state;
    memset(jobs, 0, sizeof jobs);
    assert_int_equal(nd_pool_new(&p, 3, run_job, NULL, sizeof(scratch),
                                 NULL),
                     0);
    for (k = 0; k < 16; k++) {
        jobs[k].n = 100000;
        assert_int_equal(nd_pool_submit(p, &jobs[k]), 0);
    }
    nd_pool_free(p);
    for (k = 0; k < 16; k++)
        assert_true(jobs[k].sum == 100000ull * 100001 / 2);
    nd_pool_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pool__order_without_workers),
        cmocka_unit_test(test_pool__order_with_workers),
        cmocka_unit_test(test_pool__free_waits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
