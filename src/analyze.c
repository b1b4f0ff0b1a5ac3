/*
 * analyze.c - pass 1's per-article work on batches, with a thread pool
 * (see analyze.h).
 *
 * The pool is a FIFO of submitted batches guarded by one mutex; each worker
 * takes the oldest, analyses it with its own scratch buffers, and marks it
 * done. The MinHash permutations are shared read-only. Nothing a worker
 * writes is shared with another worker, so no other locking is needed.
 */
#define _POSIX_C_SOURCE 200809L

#include "analyze.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "lsh.h"
#include "minhash.h"
#include "neardup.h"
#include "normalize.h"
#include "segment.h"
#include "shingle.h"

/* Scratch memory of one worker, reused from paragraph to paragraph. */
typedef struct analyze_scratch {
    nd_spanvec spans; /* paragraphs of the article */
    nd_buf norm;      /* normalised paragraph */
    nd_u64vec seq;    /* shingle hashes in text order */
    uint32_t *sig;    /* MinHash signature */
} analyze_scratch;

struct nd_analyzer {
    nd_analyze_opts o;        /* options */
    nd_minhash mh;            /* permutations, read-only once built */
    analyze_scratch local;    /* scratch for the single-thread mode */
    pthread_t *workers;       /* o.threads workers, or none */
    unsigned n_workers;       /* workers started */
    pthread_mutex_t lock;     /* guards everything below */
    pthread_cond_t work;      /* signalled when a batch is queued */
    pthread_cond_t finished;  /* signalled when a batch is done */
    nd_batch **queue;         /* submitted batches, oldest first */
    size_t q_head, q_len, q_cap;
    int stop;                 /* workers exit when the queue is empty */
};

/* ---- batches ------------------------------------------------------------ */

int nd_batch_add(nd_batch *b, const char *id, const char *source,
                 int64_t date, int has_date, const char *text, size_t len,
                 uint64_t file_no, uint64_t line)
{
    nd_batch_article *a;
    int err = nd_grow((void **)&b->arts, &b->cap_arts, b->n_arts + 1,
                      sizeof *b->arts);

    if (err)
        return err;
    a = &b->arts[b->n_arts];
    a->id_off = b->ids.len;
    a->text_off = b->text.len;
    a->text_len = len;
    a->first = a->n = 0;
    a->date = date;
    a->has_date = has_date;
    a->file_no = file_no;
    a->line = line;
    a->source_off = (size_t)-1;
    err = nd_buf_append(&b->ids, id, strlen(id) + 1);
    if (!err && source) {
        a->source_off = b->ids.len;
        err = nd_buf_append(&b->ids, source, strlen(source) + 1);
    }
    if (!err)
        err = nd_buf_append(&b->text, text, len);
    if (!err)
        b->n_arts++;
    return err;
}

void nd_batch_reset(nd_batch *b)
{
    b->text.len = b->ids.len = 0;
    b->n_arts = b->n_paras = 0;
    b->sets.n = b->anchors.n = b->bands.n = 0;
    b->err = 0;
    b->done = 0;
}

void nd_batch_free(nd_batch *b)
{
    if (!b)
        return;
    nd_buf_free(&b->text);
    nd_buf_free(&b->ids);
    free(b->arts);
    free(b->paras);
    nd_u32vec_free(&b->sets);
    nd_u32vec_free(&b->anchors);
    nd_u64vec_free(&b->bands);
    memset(b, 0, sizeof *b);
}

/* ---- the work ----------------------------------------------------------- */

static int analyze_paragraph(const nd_analyzer *a, analyze_scratch *sc,
                             nd_batch *b, nd_batch_para *p, const char *text)
{
    const nd_analyze_opts *o = &a->o;
    size_t words, n, i;
    int err;

    err = nd_normalize(&sc->norm, &words, text + p->start, p->end - p->start);
    if (!err)
        err = nd_shingle(&sc->seq, sc->norm.data, sc->norm.len, o->ngram,
                         o->seed);
    if (err)
        return err;
    n = sc->seq.n > UINT32_MAX ? UINT32_MAX : sc->seq.n;

    /* The set: the shingles sorted, without repeats. */
    p->set_off = b->sets.n;
    err = nd_u32vec_reserve(&b->sets, n);
    if (err)
        return err;
    for (i = 0; i < n; i++)
        b->sets.v[p->set_off + i] = nd_fold32(sc->seq.v[i]);
    p->set_n = (uint32_t)nd_u32_sort_unique(b->sets.v + p->set_off, n);
    b->sets.n += p->set_n;
    p->anchor_off = b->anchors.n;
    p->anchor_n = 0;
    p->n_queries = 0;
    p->band_off = b->bands.n;
    if (p->set_n == 0)
        return 0; /* no words: nothing to match */

    /* MinHash signs the set itself, so two paragraphs with equal sets get
     * equal signatures, whatever their repeats. */
    nd_minhash_sign(&a->mh, sc->sig, b->sets.v + p->set_off, p->set_n);
    err = nd_u64vec_reserve(&b->bands, o->bands);
    if (err)
        return err;
    for (i = 0; i < o->bands; i++)
        b->bands.v[b->bands.n++] =
            nd_lsh_band_key(sc->sig, (unsigned)i, o->rows, o->seed);

    err = nd_lsh_anchors(&b->anchors, sc->seq.v, sc->seq.n, o->window);
    if (err)
        return err;
    p->anchor_n = (uint32_t)(b->anchors.n - p->anchor_off);
    if (p->set_n >= o->window)
        p->n_queries =
            (uint32_t)nd_lsh_queries(p->q, sc->seq.v, sc->seq.n, o->window);
    return 0;
}

static int analyze_batch(const nd_analyzer *a, analyze_scratch *sc,
                         nd_batch *b)
{
    size_t i, j;
    int err;

    b->n_paras = 0;
    for (i = 0; i < b->n_arts; i++) {
        nd_batch_article *art = &b->arts[i];
        const char *text = b->text.data + art->text_off;

        err = nd_segment(&sc->spans, text, art->text_len);
        if (!err)
            err = nd_grow((void **)&b->paras, &b->cap_paras,
                          b->n_paras + sc->spans.n, sizeof *b->paras);
        if (err)
            return err;
        art->first = b->n_paras;
        art->n = sc->spans.n;
        for (j = 0; j < sc->spans.n; j++) {
            nd_batch_para *p = &b->paras[b->n_paras++];

            p->start = sc->spans.v[j].start;
            p->end = sc->spans.v[j].end;
            err = analyze_paragraph(a, sc, b, p, text);
            if (err)
                return err;
        }
    }
    return 0;
}

static void scratch_free(analyze_scratch *sc)
{
    nd_spanvec_free(&sc->spans);
    nd_buf_free(&sc->norm);
    nd_u64vec_free(&sc->seq);
    free(sc->sig);
    sc->sig = NULL;
}

/* ---- the pool ------------------------------------------------------------ */

static void *analyze_worker(void *arg)
{
    nd_analyzer *a = arg;
    analyze_scratch sc;

    memset(&sc, 0, sizeof sc);
    sc.sig = malloc(a->o.perm * sizeof *sc.sig);
    for (;;) {
        nd_batch *b;

        pthread_mutex_lock(&a->lock);
        while (a->q_len == 0 && !a->stop)
            pthread_cond_wait(&a->work, &a->lock);
        if (a->q_len == 0) {
            pthread_mutex_unlock(&a->lock);
            break;
        }
        b = a->queue[a->q_head];
        a->q_head = (a->q_head + 1) % a->q_cap;
        a->q_len--;
        pthread_mutex_unlock(&a->lock);

        b->err = sc.sig ? analyze_batch(a, &sc, b) : ND_ENOMEM;

        pthread_mutex_lock(&a->lock);
        b->done = 1;
        pthread_cond_broadcast(&a->finished);
        pthread_mutex_unlock(&a->lock);
    }
    scratch_free(&sc);
    return NULL;
}

int nd_analyzer_new(nd_analyzer **out, const nd_analyze_opts *o)
{
    nd_analyzer *a = calloc(1, sizeof *a);
    unsigned i;
    int err;

    *out = NULL;
    if (!a)
        return ND_ENOMEM;
    a->o = *o;
    err = nd_minhash_init(&a->mh, o->perm, o->seed);
    if (err) {
        free(a);
        return err;
    }
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->work, NULL);
    pthread_cond_init(&a->finished, NULL);
    *out = a;
    if (o->threads <= 1) {
        a->local.sig = malloc(o->perm * sizeof *a->local.sig);
        return a->local.sig ? 0 : ND_ENOMEM;
    }
    a->workers = calloc(o->threads, sizeof *a->workers);
    if (!a->workers)
        return ND_ENOMEM;
    for (i = 0; i < o->threads; i++) {
        if (pthread_create(&a->workers[i], NULL, analyze_worker, a) != 0)
            return a->n_workers ? 0 : ND_ENOMEM; /* run with fewer */
        a->n_workers++;
    }
    return 0;
}

int nd_analyzer_submit(nd_analyzer *a, nd_batch *b)
{
    b->done = 0;
    b->err = 0;
    if (a->n_workers == 0) {
        b->err = analyze_batch(a, &a->local, b);
        b->done = 1;
        return 0;
    }
    pthread_mutex_lock(&a->lock);
    if (a->q_len == a->q_cap) {
        /* Grow the ring, unrolling it so the oldest sits at 0. */
        size_t ncap = a->q_cap ? a->q_cap * 2 : 8, i;
        nd_batch **q = malloc(ncap * sizeof *q);

        if (!q) {
            pthread_mutex_unlock(&a->lock);
            return ND_ENOMEM;
        }
        for (i = 0; i < a->q_len; i++)
            q[i] = a->queue[(a->q_head + i) % a->q_cap];
        free(a->queue);
        a->queue = q;
        a->q_head = 0;
        a->q_cap = ncap;
    }
    a->queue[(a->q_head + a->q_len) % a->q_cap] = b;
    a->q_len++;
    pthread_cond_signal(&a->work);
    pthread_mutex_unlock(&a->lock);
    return 0;
}

void nd_analyzer_wait(nd_analyzer *a, nd_batch *b)
{
    if (a->n_workers == 0)
        return;
    pthread_mutex_lock(&a->lock);
    while (!b->done)
        pthread_cond_wait(&a->finished, &a->lock);
    pthread_mutex_unlock(&a->lock);
}

void nd_analyzer_free(nd_analyzer *a)
{
    unsigned i;

    if (!a)
        return;
    pthread_mutex_lock(&a->lock);
    a->stop = 1;
    pthread_cond_broadcast(&a->work);
    pthread_mutex_unlock(&a->lock);
    for (i = 0; i < a->n_workers; i++)
        pthread_join(a->workers[i], NULL);
    free(a->workers);
    free(a->queue);
    scratch_free(&a->local);
    nd_minhash_free(&a->mh);
    pthread_mutex_destroy(&a->lock);
    pthread_cond_destroy(&a->work);
    pthread_cond_destroy(&a->finished);
    free(a);
}
