/*
 * test_analyze.c - pass 1's per-article work: a paragraph's results depend
 * on its bytes alone, whether they were made afresh or given again by the
 * worker's memo of repeated paragraphs (also after the memo started
 * afresh), on one thread or several.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analyze.h"
#include "hash.h"
#include "lsh.h"
#include "minhash.h"
#include "neardup.h"
#include "normalize.h"
#include "segment.h"
#include "shingle.h"

static nd_analyze_opts opts(unsigned threads)
{
    nd_analyze_opts o;

    o.ngram = 5;
    o.perm = 128;
    o.seed = 42;
    o.bands = 14;
    o.rows = 9;
    o.window = 4;
    o.threads = threads;
    return o;
}

/* Paragraph k of the test texts: distinct for distinct k. */
static void para_text(char *buf, size_t size, unsigned k)
{
    snprintf(buf, size,
             "Paragraph number %u tells of the harbour, the %u boats and "
             "the weather of day %u, in words the others do not share.",
             k, k * 7 + 3, k % 97);
}

/* The results of paragraph i of b as one comparable record. */
typedef struct result {
    uint32_t set_n, anchor_n, n_queries;
    uint64_t set_hash, q[2];
    uint32_t set[64], anchors[64];
    uint64_t bands[14];
} result;

static void get_result(result *r, const nd_batch *b, size_t i, unsigned bands)
{
    const nd_batch_para *p = &b->paras[i];

    memset(r, 0, sizeof *r);
    r->set_n = p->set_n;
    r->anchor_n = p->anchor_n;
    r->n_queries = p->n_queries;
    r->set_hash = p->set_hash;
    if (p->n_queries > 0)
        r->q[0] = p->q[0];
    if (p->n_queries > 1)
        r->q[1] = p->q[1];
    assert_true(p->set_n <= 64 && p->anchor_n <= 64);
    memcpy(r->set, b->sets.v + p->set_off, p->set_n * sizeof *r->set);
    memcpy(r->anchors, b->anchors.v + p->anchor_off,
           p->anchor_n * sizeof *r->anchors);
    if (p->set_n)
        memcpy(r->bands, b->bands.v + p->band_off, bands * sizeof *r->bands);
}

/* Analyses b, filled, on threads. */
static void analyse_batch(nd_batch *b, size_t n, unsigned threads)
{
    nd_analyze_opts o = opts(threads);
    nd_analyzer *a;

    assert_int_equal(nd_analyzer_new(&a, &o), 0);
    assert_int_equal(nd_analyzer_submit(a, b), 0);
    nd_analyzer_wait(a, b);
    assert_int_equal(b->err, 0);
    nd_analyzer_free(a);
    assert_int_equal(b->n_paras, n);
}

/* One article per paragraph number in seq; analysed on threads. */
static void analyse(nd_batch *b, const unsigned *seq, size_t n,
                    unsigned threads)
{
    size_t i;

    memset(b, 0, sizeof *b);
    for (i = 0; i < n; i++) {
        char text[256];

        para_text(text, sizeof text, seq[i]);
        assert_int_equal(nd_batch_add(b, "id", NULL, 0, 0, text,
                                      strlen(text), 0, i + 1),
                         0);
    }
    analyse_batch(b, n, threads);
}

/* When the memo starts afresh it forgets everything: a paragraph that
 * begins with the bytes of one remembered before may take that one's place
 * in the arena, and must not pass for it. Every filler here begins with
 * paragraph P's bytes; P comes first and last. */
static void test_analyze__fresh_memo_forgets(void **state)
{
    enum { N = 2000 };
    char p[256], text[8192];
    nd_batch b;
    result first, last;
    size_t i;

    (void)state;
    memset(&b, 0, sizeof b);
    para_text(p, sizeof p, 0);
    for (i = 0; i < N; i++) {
        size_t at;

        /* Few long fillers fill the arena while leaving P's slot alone. */
        at = (size_t)snprintf(text, sizeof text, "%s", p);
        while (i != 0 && i != N - 1 && at < 4000)
            at += (size_t)snprintf(text + at, sizeof text - at,
                                   " filler %zu word %zu", i, at);
        assert_int_equal(nd_batch_add(&b, "id", NULL, 0, 0, text,
                                      strlen(text), 0, i + 1),
                         0);
    }
    analyse_batch(&b, N, 1);
    get_result(&first, &b, 0, 14);
    get_result(&last, &b, N - 1, 14);
    assert_memory_equal(&first, &last, sizeof first);
    nd_batch_free(&b);
}

/* A paragraph repeated right away, later, and after enough other text to
 * make the memo start afresh, gives the same results every time, and the
 * results of the repeats equal those of a batch where it comes once. */
static void test_analyze__repeats_give_the_same_results(void **state)
{
    enum { N = 40000 };
    unsigned *seq = malloc(N * sizeof *seq);
    nd_batch big, one;
    result first, again;
    size_t i;
    unsigned k;

    (void)state;
    assert_non_null(seq);
    /* 0 1 0 0 2 3 ... then, after ~36,000 distinct paragraphs (more than
     * the memo's arena holds), 0 1 2 again. */
    seq[0] = 0, seq[1] = 1, seq[2] = 0, seq[3] = 0;
    for (i = 4, k = 2; i < N - 3; i++)
        seq[i] = k++;
    seq[N - 3] = 0, seq[N - 2] = 1, seq[N - 1] = 2;
    analyse(&big, seq, N, 1);
    get_result(&first, &big, 0, 14);
    assert_true(first.set_n > 10);
    for (i = 0; i < N; i++) {
        if (seq[i] != 0)
            continue;
        get_result(&again, &big, i, 14);
        assert_memory_equal(&first, &again, sizeof first);
    }
    get_result(&first, &big, 1, 14);
    get_result(&again, &big, N - 2, 14);
    assert_memory_equal(&first, &again, sizeof first);
    get_result(&first, &big, 4, 14);
    get_result(&again, &big, N - 1, 14);
    assert_memory_equal(&first, &again, sizeof first);
    /* The same paragraph alone in a batch of its own. */
    k = 0;
    analyse(&one, &k, 1, 1);
    get_result(&first, &one, 0, 14);
    get_result(&again, &big, 3, 14);
    assert_memory_equal(&first, &again, sizeof first);
    nd_batch_free(&one);
    nd_batch_free(&big);
    free(seq);
}

/* Batches analysed by two workers give what one thread gives. */
static void test_analyze__threads_agree(void **state)
{
    unsigned seq[200];
    nd_batch a, b;
    size_t i;

    (void)state;
    for (i = 0; i < 200; i++)
        seq[i] = (unsigned)(i % 17);
    analyse(&a, seq, 200, 1);
    analyse(&b, seq, 200, 2);
    for (i = 0; i < 200; i++) {
        result ra, rb;

        get_result(&ra, &a, i, 14);
        get_result(&rb, &b, i, 14);
        assert_memory_equal(&ra, &rb, sizeof ra);
        assert_true(a.arts[i].text_hash == b.arts[i].text_hash);
    }
    nd_batch_free(&a);
    nd_batch_free(&b);
}

/* xorshift64: the generated articles depend on the seed alone. */
static uint64_t gen_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/*
 * A generated article: paragraphs of 0 to 300 words from a small
 * vocabulary (so shingles repeat inside a paragraph), with punctuation,
 * non-ASCII and invalid bytes, a very long word now and then, paragraphs
 * of one word or of punctuation alone, and earlier paragraphs repeated
 * (for the memo).
 */
static size_t gen_article(char *buf, size_t size, uint64_t *x)
{
    static const char *const words[] = {
        "the", "harbour", "Boats", "said", "minister", "of", "and", "a",
        "\xC3\x89tude", "stra\xC3\x9F\x65", "caf\xC3\xA9", "\xFF\xFE",
        "2024", "e\xCC\x81t\xC3\xA9", "--", "\xE2\x80\x9Cquoted\xE2\x80\x9D",
        "x", "state,", "day.", "(news)"};
    size_t n = 0, paras = 1 + gen_next(x) % 8, p;

    for (p = 0; p < paras && n + 4000 < size; p++) {
        uint64_t r = gen_next(x);
        size_t w, nw = r % 5 == 0 ? r % 4 : (r >> 8) % 300;

        if (p)
            buf[n++] = '\n', buf[n++] = '\n';
        if ((r >> 20) % 9 == 0 && p) { /* a repeat of the first paragraph */
            size_t k = 0;

            while (k < n && buf[k] != '\n')
                k++;
            memmove(buf + n, buf, k);
            n += k;
            continue;
        }
        if (nw == 0) {
            memcpy(buf + n, "--", 2);
            n += 2;
        }
        for (w = 0; w < nw && n + 300 < size; w++) {
            uint64_t q = gen_next(x);
            const char *word = words[q % (sizeof words / sizeof *words)];

            if (w)
                buf[n++] = ' ';
            if (q % 211 == 0) { /* a very long word */
                size_t k, len = 100 + (q >> 12) % 150;

                for (k = 0; k < len; k++)
                    buf[n++] = (char)('a' + (k * 7) % 26);
                continue;
            }
            memcpy(buf + n, word, strlen(word));
            n += strlen(word);
        }
    }
    return n;
}

/* What the analyzer must give for paragraph text[0..len), made the plain
 * way from the modules, checked against paragraph i of b. */
static void check_paragraph(const nd_batch *b, size_t i, const char *text,
                            size_t len, const nd_analyze_opts *o,
                            const nd_minhash *mh)
{
    const nd_batch_para *p = &b->paras[i];
    nd_buf norm = {0};
    nd_u64vec seq = {0};
    nd_u32vec set = {0}, anchors = {0};
    uint32_t sig[128];
    uint64_t q[2], sh;
    size_t k, n, nq;

    assert_int_equal(nd_normalize(&norm, NULL, text, len), 0);
    assert_int_equal(nd_shingle(&seq, norm.data, norm.len, o->ngram,
                                o->seed), 0);
    assert_int_equal(nd_u32vec_reserve(&set, seq.n + 1), 0);
    for (k = 0; k < seq.n; k++)
        set.v[k] = nd_fold32(seq.v[k]);
    set.n = nd_u32_sort_unique(set.v, seq.n);
    assert_int_equal(p->set_n, set.n);
    if (set.n)
        assert_memory_equal(b->sets.v + p->set_off, set.v,
                            set.n * sizeof *set.v);
    sh = XXH3_64bits(set.v, set.n * sizeof *set.v);
    assert_true(p->set_hash == (sh ? sh : 1));
    if (set.n == 0) {
        assert_int_equal(p->anchor_n, 0);
        assert_int_equal(p->n_queries, 0);
        goto done;
    }
    nd_minhash_sign(mh, sig, set.v, set.n);
    for (k = 0; k < o->bands; k++)
        assert_true(b->bands.v[p->band_off + k] ==
                    nd_lsh_band_key(sig, (unsigned)k, o->rows, o->seed));
    assert_int_equal(nd_lsh_anchors(&anchors, seq.v, seq.n, o->window), 0);
    assert_int_equal(p->anchor_n, anchors.n);
    assert_memory_equal(b->anchors.v + p->anchor_off, anchors.v,
                        anchors.n * sizeof *anchors.v);
    n = seq.n;
    nq = set.n >= o->window ? nd_lsh_queries(q, seq.v, n, o->window) : 0;
    assert_int_equal(p->n_queries, nq);
    for (k = 0; k < nq; k++)
        assert_true(p->q[k] == q[k]);
done:
    nd_buf_free(&norm);
    nd_u64vec_free(&seq);
    nd_u32vec_free(&set);
    nd_u32vec_free(&anchors);
}

/*
 * Every result of the analyzer (set, its hash, band keys, anchors,
 * queries, the text's hash) equals what the modules give one by one, the
 * way analyze.c once called them, on generated articles, for windows on
 * both sides of the analyzer's own winnowing limit and for several
 * shingle sizes: however analyze.c fuses or shortcuts the steps, none of
 * that may show.
 */
static void test_analyze__matches_the_modules(void **state)
{
    static const unsigned windows[] = {1, 2, 3, 4, 7, 16, 17, 40};
    static const unsigned ngrams[] = {5, 1, 3};
    uint64_t x = 0x853C49E6748FEA9BULL;
    size_t wi;
    char *buf = malloc(1 << 16);

    (void)state;
    assert_non_null(buf);
    for (wi = 0; wi < sizeof windows / sizeof *windows; wi++) {
        nd_analyze_opts o = opts(1);
        nd_minhash mh;
        nd_batch b;
        nd_spanvec spans = {0};
        size_t i, j;

        o.window = windows[wi];
        o.ngram = ngrams[wi % 3];
        assert_int_equal(nd_minhash_init(&mh, o.perm, o.seed), 0);
        memset(&b, 0, sizeof b);
        for (i = 0; i < 150; i++) {
            size_t len = gen_article(buf, 1 << 16, &x);

            assert_int_equal(nd_batch_add(&b, "id", NULL, 0, 0, buf, len, 0,
                                          i + 1), 0);
        }
        {
            nd_analyzer *a;

            assert_int_equal(nd_analyzer_new(&a, &o), 0);
            assert_int_equal(nd_analyzer_submit(a, &b), 0);
            nd_analyzer_wait(a, &b);
            assert_int_equal(b.err, 0);
            nd_analyzer_free(a);
        }
        for (i = 0; i < b.n_arts; i++) {
            const nd_batch_article *art = &b.arts[i];
            const char *text = b.text.data + art->text_off;

            assert_true(art->text_hash == XXH3_64bits(text, art->text_len));
            assert_int_equal(nd_segment(&spans, text, art->text_len), 0);
            assert_int_equal(art->n, spans.n);
            for (j = 0; j < spans.n; j++) {
                const nd_batch_para *p = &b.paras[art->first + j];

                assert_int_equal(p->start, spans.v[j].start);
                assert_int_equal(p->end, spans.v[j].end);
                check_paragraph(&b, art->first + j, text + p->start,
                                p->end - p->start, &o, &mh);
            }
        }
        nd_spanvec_free(&spans);
        nd_batch_free(&b);
        nd_minhash_free(&mh);
    }
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_analyze__repeats_give_the_same_results),
        cmocka_unit_test(test_analyze__threads_agree),
        cmocka_unit_test(test_analyze__fresh_memo_forgets),
        cmocka_unit_test(test_analyze__matches_the_modules),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
