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

/* Enough related pairs to be split over threads: equal results. */
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
    }
    in = input_of(w, 1);
    assert_int_equal(nd_articles_build(&r1, &in), 0);
    in = input_of(w, 2);
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
    nd_articles_free(&r1);
    nd_articles_free(&r2);
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_articles__copies_point_to_originals),
        cmocka_unit_test(test_articles__boilerplate_is_no_copying),
        cmocka_unit_test(test_articles__same_for_any_thread_count),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
