/*
 * test_articles.c - the article report: which article copies which, the
 * shares, the syndicated flag, boilerplate left out, and the same result
 * for any number of threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "articles.h"
#include "xorshift.h"

/* A small world of articles built by the tests. */
typedef struct world {
    nd_article arts[4000];
    nd_para paras[4000];
    uint32_t sets[4000 * 24];
    uint64_t set_off[4000];
    uint32_t set_n[4000];
    uint32_t copy_of[4000];
    nd_pair pairs[4000];
    size_t n_arts, n_paras, n_sets, n_pairs;
} world;

/* Adds an article of rank = its number; returns its number. */
static uint32_t add_article(world *w)
{
    nd_article *a = &w->arts[w->n_arts];

    memset(a, 0, sizeof *a);
    a->first = (uint32_t)w->n_paras;
    a->rank = (uint32_t)w->n_arts;
    return (uint32_t)w->n_arts++;
}

/* Adds a paragraph of `bytes` bytes with shingles lo..hi-1 to the last
 * article; returns its number. */
static uint32_t add_para(world *w, uint32_t bytes, uint32_t lo, uint32_t hi)
{
    nd_article *a = &w->arts[w->n_arts - 1];
    uint32_t p = (uint32_t)w->n_paras++, x;
    nd_para *pa = &w->paras[p];

    memset(pa, 0, sizeof *pa);
    pa->doc = (uint32_t)(w->n_arts - 1);
    pa->idx = a->n++;
    pa->start = (uint32_t)a->bytes;
    pa->end = pa->start + bytes;
    pa->canon = p;
    a->bytes += bytes;
    w->set_off[p] = w->n_sets;
    for (x = lo; x < hi; x++)
        w->sets[w->n_sets++] = x;
    w->set_n[p] = hi - lo;
    w->copy_of[p] = ND_NONE;
    return p;
}

static void add_pair(world *w, uint32_t a, uint32_t b)
{
    w->pairs[w->n_pairs].a = a;
    w->pairs[w->n_pairs].b = b;
    w->n_pairs++;
}

static nd_articles_in input_of(const world *w, unsigned threads)
{
    nd_articles_in in;

    in.articles = w->arts;
    in.n_articles = w->n_arts;
    in.paras = w->paras;
    in.n_paras = w->n_paras;
    in.sets = w->sets;
    in.set_off = w->set_off;
    in.set_n = w->set_n;
    in.pairs = w->pairs;
    in.n_pairs = w->n_pairs;
    in.copy_of = w->copy_of;
    in.copy = 0.5;
    in.threads = threads;
    return in;
}

/* The share of article a held in article from, or -1 when not listed. */
static double share_of(const nd_articles *r, uint32_t a, uint32_t from)
{
    uint32_t i;

    for (i = r->copy_off[a]; i < r->copy_off[a + 1]; i++)
        if (r->copies[i].doc == from)
            return r->copies[i].share;
    return -1.0;
}

/*
 * A is the original. B copies one of its two paragraphs (half of B); C
 * joins both of A's paragraphs into one, so C's text is spread over two of
 * A's paragraphs; D copies B's copy of A exactly: its first exact holder
 * is B, and its canonical is C's joined paragraph, so it is related to
 * both, though no verified pair names D.
 */
static void test_articles__copies_point_to_originals(void **state)
{
    world *w = calloc(1, sizeof *w);
    nd_articles r;
    nd_articles_in in;
    uint32_t a0, a1, b0, c0, d0;

    (void)state;
    assert_non_null(w);
    add_article(w); /* A = 0 */
    a0 = add_para(w, 100, 1, 11);
    a1 = add_para(w, 100, 11, 21);
    add_article(w); /* B = 1 */
    b0 = add_para(w, 100, 1, 11);
    add_para(w, 100, 101, 111);
    add_article(w); /* C = 2 */
    c0 = add_para(w, 200, 1, 21);
    add_article(w); /* D = 3 */
    d0 = add_para(w, 100, 1, 11);
    add_pair(w, a0, b0);
    add_pair(w, a0, c0);
    add_pair(w, a1, c0);
    w->paras[a0].canon = c0; /* the containing paragraph is kept */
    w->paras[a1].canon = c0;
    w->paras[b0].canon = c0;
    w->paras[d0].canon = c0;
    w->copy_of[d0] = b0;
    in = input_of(w, 1);
    assert_int_equal(nd_articles_build(&r, &in), 0);

    /* Direction by rank: A copies nobody, whoever holds its paragraphs. */
    assert_int_equal(r.copy_off[1] - r.copy_off[0], 0);
    assert_true(r.sharing[0]);
    assert_false(r.syndicated[0]);
    /* B: half of it is A's. */
    assert_true(share_of(&r, 1, 0) > 0.499 && share_of(&r, 1, 0) < 0.501);
    assert_true(r.syndicated[1]);
    /* C: all of it is in A, over two paragraphs. */
    assert_true(share_of(&r, 2, 0) > 0.999);
    assert_true(r.syndicated[2]);
    /* D: points to B (its exact holder) and C (its canonical's). */
    assert_true(share_of(&r, 3, 1) > 0.999);
    assert_true(share_of(&r, 3, 2) > 0.999);
    assert_true(r.syndicated[3]);
    /* Lists are by share, largest first, then article number. */
    assert_int_equal(r.copy_off[4] - r.copy_off[3], 2);
    assert_int_equal(r.copies[r.copy_off[3]].doc, 1);
    nd_articles_free(&r);
    free(w);
}

/* Two articles that share only boilerplate are not related. */
static void test_articles__boilerplate_is_no_copying(void **state)
{
    world *w = calloc(1, sizeof *w);
    nd_articles r;
    nd_articles_in in;
    uint32_t f0, f1;

    (void)state;
    assert_non_null(w);
    add_article(w);
    add_para(w, 300, 1, 31);
    f0 = add_para(w, 40, 500, 504);
    add_article(w);
    add_para(w, 300, 201, 231);
    f1 = add_para(w, 40, 500, 504);
    w->paras[f0].boiler = w->paras[f1].boiler = 1;
    w->paras[f1].canon = f0;
    add_pair(w, f0, f1);
    in = input_of(w, 1);
    assert_int_equal(nd_articles_build(&r, &in), 0);
    assert_false(r.sharing[0]);
    assert_false(r.sharing[1]);
    assert_int_equal(r.n_copies, 0);
    nd_articles_free(&r);
    free(w);
}

/* Enough paragraphs, related pairs and articles to be split over threads
 * (links, measures, lists): equal results on one thread and on three. */
static void test_articles__same_for_any_thread_count(void **state)
{
    world *w = calloc(1, sizeof *w);
    nd_articles r1, r2;
    nd_articles_in in;
    uint32_t k, x = 12345;

    (void)state;
    assert_non_null(w);
    for (k = 0; k < 1500; k++) {
        uint32_t lo = 1000 + k * 20, p, q;

        add_article(w);
        p = add_para(w, 200, lo, lo + 20);
        add_article(w);
        /* The copy keeps a pseudo-random part of the original. */
        x = x * 1103515245u + 12345u;
        q = add_para(w, 200, lo + (x >> 16) % 15, lo + 20 + (x >> 8) % 5);
        add_pair(w, p, q);
        if (k > 0) /* and each original is related to the previous copy */
            add_pair(w, p, q - 2);
        if (k % 3 == 1) /* some by exact copies and canonicals alone */
            w->copy_of[q] = p - 2;
        if (k % 5 == 2)
            w->paras[q].canon = p - 4;
    }
    in = input_of(w, 1);
    assert_int_equal(nd_articles_build(&r1, &in), 0);
    in = input_of(w, 3);
    assert_int_equal(nd_articles_build(&r2, &in), 0);
    assert_int_equal(r1.n_copies, r2.n_copies);
    assert_true(r1.n_copies >= 1500);
    assert_memory_equal(r1.copy_off, r2.copy_off,
                        (w->n_arts + 1) * sizeof *r1.copy_off);
    for (k = 0; k < r1.n_copies; k++) {
        assert_int_equal(r1.copies[k].doc, r2.copies[k].doc);
        assert_int_equal(r1.copies[k].shared_bytes, r2.copies[k].shared_bytes);
    }
    assert_memory_equal(r1.syndicated, r2.syndicated, w->n_arts);
    assert_memory_equal(r1.sharing, r2.sharing, w->n_arts);
    nd_articles_free(&r1);
    nd_articles_free(&r2);
    free(w);
}

static int cmp_u32(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

    return (a > b) - (a < b);
}

/* Adds a paragraph of n random shingles (sorted, without repeats) drawn
 * from a pool of `range` values at base, 0 and UINT32_MAX among them. */
static uint32_t add_random_para(world *w, uint32_t *st, size_t n,
                                uint32_t base, uint32_t range)
{
    uint32_t p = add_para(w, 10 + rng_next(st) % 500, 0, 0);
    uint32_t *set = w->sets + w->n_sets;
    size_t i, m = 0;

    for (i = 0; i < n; i++) {
        uint32_t r = rng_next(st) % 50;

        set[i] = r == 0 ? 0 : r == 1 ? UINT32_MAX
                                     : base + rng_next(st) % range;
    }
    qsort(set, n, sizeof *set, cmp_u32);
    for (i = 0; i < n; i++)
        if (m == 0 || set[i] != set[m - 1])
            set[m++] = set[i];
    w->set_n[p] = (uint32_t)m;
    w->n_sets += m;
    return p;
}

/* Bytes of article a held in article b, counted the plain way: each
 * shingle of each paragraph of a looked for in every paragraph of b. */
static uint64_t plain_held(const world *w, uint32_t a, uint32_t b)
{
    const nd_article *aa = &w->arts[a], *ab = &w->arts[b];
    double held = 0.0;
    uint32_t p, q;
    size_t i, j;

    for (p = aa->first; p < aa->first + aa->n; p++) {
        size_t hit = 0, n = w->set_n[p];
        double c;

        if (w->paras[p].boiler || n == 0)
            continue;
        for (i = 0; i < n; i++) {
            uint32_t x = w->sets[w->set_off[p] + i];
            int found = 0;

            for (q = ab->first; !found && q < ab->first + ab->n; q++)
                for (j = 0; !w->paras[q].boiler && j < w->set_n[q]; j++)
                    if (w->sets[w->set_off[q] + j] == x)
                        found = 1;
            hit += (size_t)found;
        }
        c = (double)hit / (double)n;
        if (c >= ND_SHARE_FLOOR)
            held += c * (double)(w->paras[p].end - w->paras[p].start);
    }
    return (uint64_t)(held + 0.5);
}

/*
 * Random worlds: articles of one to six paragraphs of up to 60 shingles
 * (and now and then one of a thousand, so the hash set grows and some of
 * its buckets fill), shingles from overlapping pools, some boilerplate, and
 * random verified pairs. Every listed share is the plain count's, and
 * every related pair the plain count finds text in is listed, on one
 * thread and on three.
 */
static void test_articles__held_matches_plain_count(void **state)
{
    world *w = malloc(sizeof *w);
    uint32_t st = 99991, seed;

    (void)state;
    assert_non_null(w);
    for (seed = 0; seed < 6; seed++) {
        uint32_t k, a, b;
        unsigned threads;
        uint8_t *linked;

        memset(w, 0, sizeof *w);
        while (w->n_arts < 400 && w->n_sets < 80000) {
            /* Articles of one topic draw from one pool of values. */
            uint32_t np = 1 + rng_next(&st) % 6;
            uint32_t base = rng_next(&st) % 6 * 3000;

            add_article(w);
            for (k = 0; k < np; k++) {
                size_t n = rng_next(&st) % 61;
                uint32_t range = 40 + rng_next(&st) % 400, p;

                if (k == 0 && rng_next(&st) % 30 == 0) {
                    /* About 970 shingles alone: 1024 buckets nearly one
                     * each, so some fill and send shingles on. */
                    n = 3000;
                    range = 1024;
                    np = 1;
                }
                p = add_random_para(w, &st, n,
                                    base + (n == 3000 ? 0 : rng_next(&st) % 500),
                                    range);
                w->paras[p].boiler = rng_next(&st) % 15 == 0;
            }
        }
        for (k = 0; k < 1500; k++)
            add_pair(w, rng_next(&st) % (uint32_t)w->n_paras,
                     rng_next(&st) % (uint32_t)w->n_paras);
        linked = calloc(w->n_arts * w->n_arts, 1);
        assert_non_null(linked);
        for (k = 0; k < w->n_pairs; k++) {
            const nd_para *p = &w->paras[w->pairs[k].a];
            const nd_para *q = &w->paras[w->pairs[k].b];

            if (p->doc != q->doc && !p->boiler && !q->boiler)
                linked[p->doc * w->n_arts + q->doc] =
                    linked[q->doc * w->n_arts + p->doc] = 1;
        }
        for (threads = 1; threads <= 3; threads += 2) {
            nd_articles_in in = input_of(w, threads);
            size_t listed = 0, expect = 0;
            nd_articles r;

            assert_int_equal(nd_articles_build(&r, &in), 0);
            for (a = 0; a < w->n_arts; a++)
                for (k = r.copy_off[a]; k < r.copy_off[a + 1]; k++) {
                    b = r.copies[k].doc;
                    assert_true(b < a && linked[a * w->n_arts + b]);
                    assert_int_equal(r.copies[k].shared_bytes,
                                     plain_held(w, a, b));
                    listed++;
                }
            for (a = 0; a < w->n_arts; a++)
                for (b = 0; b < a; b++)
                    expect += linked[a * w->n_arts + b] &&
                              plain_held(w, a, b) > 0;
            assert_int_equal(listed, expect);
            assert_true(listed > 50);
            nd_articles_free(&r);
        }
        free(linked);
    }
    free(w);
}

/* Where the article set's hash puts shingle x among nb buckets (a copy
 * of articles_slot: with another hash the test below is an ordinary one). */
static uint32_t slot_of(uint32_t x, uint32_t nb)
{
    return (uint32_t)(((uint64_t)x * 0x9e3779b97f4a7c15ULL) >> 32) & (nb - 1);
}

/*
 * Shingles that all hash to the first eight of the set's buckets, so that
 * they run on through dozens of full ones, found and not found; and an
 * original without any shingle (the set has nothing loaded yet when it
 * comes first). The shares are the plain count's.
 */
static void test_articles__full_buckets(void **state)
{
    world *w = calloc(1, sizeof *w);
    uint32_t crowd[400], x, k, n = 0, st = 4242;
    nd_articles_in in;
    nd_articles r;

    (void)state;
    assert_non_null(w);
    for (x = 1; n < 400; x++)
        if (slot_of(x, 256) < 8)
            crowd[n++] = x;
    add_article(w); /* 0: no shingles at all */
    add_para(w, 100, 0, 0);
    add_article(w); /* 1: 200 crowded shingles, in 256 buckets */
    add_para(w, 300, 0, 0);
    for (k = 0; k < 200; k++)
        w->sets[w->n_sets++] = crowd[k];
    w->set_n[1] = 200;
    for (k = 0; k < 8; k++) { /* 2..9: copies mixing held and not held */
        uint32_t p = (uint32_t)w->n_paras, m = 0, j;

        add_article(w);
        add_para(w, 50 + 40 * k, 0, 0);
        for (j = 0; j < 400; j++)
            if (rng_next(&st) % 8 <= k)
                w->sets[w->n_sets + m++] = crowd[j];
        w->set_n[p] = m;
        w->n_sets += m;
        add_pair(w, 1, p);
        add_pair(w, 0, p);
    }
    in = input_of(w, 1);
    assert_int_equal(nd_articles_build(&r, &in), 0);
    for (k = 2; k < 10; k++) {
        assert_int_equal(r.copy_off[k + 1] - r.copy_off[k], 1);
        assert_int_equal(r.copies[r.copy_off[k]].doc, 1);
        assert_int_equal(r.copies[r.copy_off[k]].shared_bytes,
                         plain_held(w, k, 1));
    }
    assert_false(r.sharing[0]);
    nd_articles_free(&r);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_articles__copies_point_to_originals),
        cmocka_unit_test(test_articles__boilerplate_is_no_copying),
        cmocka_unit_test(test_articles__same_for_any_thread_count),
        cmocka_unit_test(test_articles__held_matches_plain_count),
        cmocka_unit_test(test_articles__full_buckets),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
