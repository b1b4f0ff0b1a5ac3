/*
 * analyze.c - pass 1's per-article work on batches, on a pool of worker
 * threads (see analyze.h and pool.h).
 *
 * Each worker analyses a batch with its own scratch buffers and its memo
 * of repeated paragraphs (below); the batches come back in the order they
 * were handed over. The MinHash permutations
 * are shared read-only, and nothing a worker writes is shared with another
 * worker, so no locking is needed beyond the pool's.
 */
#define _POSIX_C_SOURCE 200809L

#include "analyze.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "lsh.h"
#include "minhash.h"
#include "neardup.h"
#include "normalize.h"
#include "pool.h"
#include "segment.h"
#include "shingle.h"

/*
 * Paragraphs repeated byte for byte (a site's furniture, a syndicated story
 * copied whole) are common in news: each worker remembers what it made of
 * the paragraphs it saw last, and gives a repeat the same results without
 * making them again. The results depend on the bytes alone, so which
 * worker saw what cannot change the output. The memo is a direct-mapped
 * table of MEMO_SLOTS entries whose records (the bytes, the set, the band
 * keys, the anchors) sit in an arena; when the arena reaches MEMO_BYTES
 * the memo starts afresh, so it stays that size whatever the corpus. On
 * the generated benchmark corpus a quarter of the paragraphs come from it,
 * and a memo eight times larger finds no more: repeats come close
 * together.
 */
#define MEMO_SLOTS (1u << 13)
#define MEMO_BYTES ((size_t)4 << 20)
#define MEMO_MAX_PARA 65536 /* longer paragraphs are rarely repeated */

typedef struct memo_entry {
    uint64_t hash;      /* XXH3 of the paragraph's bytes; 0: empty slot */
    size_t off;         /* its record in the arena */
    uint32_t len;       /* the paragraph's bytes */
    uint32_t set_n;     /* the results: as in nd_batch_para */
    uint32_t anchor_n;
    uint32_t n_queries;
    uint64_t set_hash;
    uint64_t q[2];
} memo_entry;

/* Scratch memory of one worker, reused from paragraph to paragraph. */
typedef struct analyze_scratch {
    nd_spanvec spans; /* paragraphs of the article */
    nd_buf norm;      /* normalised paragraph */
    nd_u64vec seq;    /* shingle hashes in text order */
    uint32_t *sig;    /* MinHash signature */
    memo_entry *memo; /* MEMO_SLOTS entries, or NULL (no memo) */
    nd_buf arena;     /* their records */
} analyze_scratch;

struct nd_analyzer {
    nd_analyze_opts o;        /* options */
    nd_minhash mh;            /* permutations, read-only once built */
    nd_pool *pool;            /* the workers (pool.h) */
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

/* Bytes of an arena record's parts, each rounded up to 8. */
static size_t memo_round(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* Gives p the results remembered in e (its bytes matched). */
static int memo_replay(const analyze_scratch *sc, const memo_entry *e,
                       unsigned bands, nd_batch *b, nd_batch_para *p)
{
    const char *r = sc->arena.data + e->off + memo_round(e->len);
    size_t nb = e->set_n ? bands : 0;
    int err = nd_u32vec_reserve(&b->sets, e->set_n);

    if (!err)
        err = nd_u32vec_reserve(&b->anchors, e->anchor_n);
    if (!err)
        err = nd_u64vec_reserve(&b->bands, nb);
    if (err)
        return err;
    p->band_off = b->bands.n;
    if (nb)
        memcpy(b->bands.v + b->bands.n, r, nb * sizeof *b->bands.v);
    b->bands.n += nb;
    r += nb * sizeof *b->bands.v;
    p->set_off = b->sets.n;
    p->set_n = e->set_n;
    p->set_hash = e->set_hash;
    if (e->set_n)
        memcpy(b->sets.v + b->sets.n, r, e->set_n * sizeof *b->sets.v);
    b->sets.n += e->set_n;
    r += memo_round(e->set_n * sizeof *b->sets.v);
    p->anchor_off = b->anchors.n;
    p->anchor_n = e->anchor_n;
    if (e->anchor_n)
        memcpy(b->anchors.v + b->anchors.n, r,
               e->anchor_n * sizeof *b->anchors.v);
    b->anchors.n += e->anchor_n;
    p->n_queries = e->n_queries;
    p->q[0] = e->q[0];
    p->q[1] = e->q[1];
    return 0;
}

/* Remembers what p (bytes[0..len), hash h) was made into, in slot e. */
static void memo_store(analyze_scratch *sc, memo_entry *e, uint64_t h,
                       const char *bytes, size_t len, unsigned bands,
                       const nd_batch *b, const nd_batch_para *p)
{
    size_t nb = p->set_n ? bands : 0;
    size_t need = memo_round(len) + nb * sizeof *b->bands.v +
                  memo_round(p->set_n * sizeof *b->sets.v) +
                  p->anchor_n * sizeof *b->anchors.v;
    char *r;

    if (sc->arena.len + need > MEMO_BYTES) {
        /* Full: start afresh rather than track what to evict. */
        memset(sc->memo, 0, MEMO_SLOTS * sizeof *sc->memo);
        sc->arena.len = 0;
    }
    if (nd_buf_reserve(&sc->arena, need) != 0) {
        e->hash = 0; /* no room: the paragraph is not remembered */
        return;
    }
    e->hash = h;
    e->off = sc->arena.len;
    e->len = (uint32_t)len;
    e->set_n = p->set_n;
    e->anchor_n = p->anchor_n;
    e->n_queries = p->n_queries;
    e->set_hash = p->set_hash;
    e->q[0] = p->n_queries > 0 ? p->q[0] : 0;
    e->q[1] = p->n_queries > 1 ? p->q[1] : 0;
    r = sc->arena.data + sc->arena.len;
    memcpy(r, bytes, len); /* a paragraph is never empty */
    r += memo_round(len);
    if (nb) /* (an empty array may be NULL: no arithmetic on it) */
        memcpy(r, b->bands.v + p->band_off, nb * sizeof *b->bands.v);
    r += nb * sizeof *b->bands.v;
    if (p->set_n)
        memcpy(r, b->sets.v + p->set_off, p->set_n * sizeof *b->sets.v);
    r += memo_round(p->set_n * sizeof *b->sets.v);
    if (p->anchor_n)
        memcpy(r, b->anchors.v + p->anchor_off,
               p->anchor_n * sizeof *b->anchors.v);
    sc->arena.len += need;
}

/*
 * Appends the winnowing anchors of h[0..n) for window w, exactly as
 * nd_lsh_anchors does (lsh.h), which stays the reference. Its incremental
 * pick branches on every window whether the pick slid out or a smaller
 * hash came in, which is as unpredictable as the hashes; here each window's
 * rightmost smallest hash is found afresh with selects instead, w - 1 of
 * them a window, and a pick is recorded when it changes without a branch
 * either. For windows above ANALYZE_WINNOW_MAX that costs more than the
 * mispredictions; they, and the one-window case, go to nd_lsh_anchors.
 */
#define ANALYZE_WINNOW_MAX 16

static int analyze_anchors(nd_u32vec *out, const uint64_t *h, size_t n,
                           unsigned w)
{
    size_t s, t, k = 0, prev = SIZE_MAX;
    uint32_t *o;
    int err;

    if (w <= 1 || w > ANALYZE_WINNOW_MAX || n <= w)
        return nd_lsh_anchors(out, h, n, w);
    err = nd_u32vec_reserve(out, n - w + 1);
    if (err)
        return err;
    o = out->v + out->n;
    for (s = 0; s + w <= n; s++) {
        size_t m = s;
        uint64_t v = h[s];

        for (t = s + 1; t < s + w; t++) {
            int le = h[t] <= v; /* rightmost on ties */

            m = le ? t : m;
            v = le ? h[t] : v;
        }
        o[k] = nd_fold32(v);
        k += m != prev;
        prev = m;
    }
    out->n += nd_u32_sort_unique(o, k);
    return 0;
}

static int analyze_fresh(const nd_analyzer *a, analyze_scratch *sc,
                         nd_batch *b, nd_batch_para *p, const char *text);

/* The memo's hash of a paragraph's bytes, never 0; 0 for a paragraph too
 * long to be remembered. */
static uint64_t memo_hash(const char *bytes, size_t len)
{
    uint64_t h;

    if (len > MEMO_MAX_PARA)
        return 0;
    h = XXH3_64bits(bytes, len);
    return h + (h == 0);
}

/* Analyses paragraph p of text, whose memo_hash is h, from the memo when
 * its bytes repeat ones seen there. */
static int analyze_paragraph(const nd_analyzer *a, analyze_scratch *sc,
                             nd_batch *b, nd_batch_para *p, const char *text,
                             uint64_t h)
{
    const char *bytes = text + p->start;
    size_t len = p->end - p->start;
    memo_entry *e;
    int err;

    if (!sc->memo && !(sc->memo = calloc(MEMO_SLOTS, sizeof *sc->memo)))
        return analyze_fresh(a, sc, b, p, text); /* no memo, no harm */
    if (h == 0)
        return analyze_fresh(a, sc, b, p, text);
    e = &sc->memo[h & (MEMO_SLOTS - 1)];
    if (e->hash == h && e->len == len &&
        memcmp(sc->arena.data + e->off, bytes, len) == 0)
        return memo_replay(sc, e, a->o.bands, b, p);
    err = analyze_fresh(a, sc, b, p, text);
    if (!err)
        memo_store(sc, e, h, bytes, len, a->o.bands, b, p);
    return err;
}

/* Makes p's set, band keys and anchors from its text. */
static int analyze_fresh(const nd_analyzer *a, analyze_scratch *sc,
                         nd_batch *b, nd_batch_para *p, const char *text)
{
    const nd_analyze_opts *o = &a->o;
    size_t n, i;
    int err;

    err = nd_normalize(&sc->norm, NULL, text + p->start, p->end - p->start);
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
    /* The merge looks each set up by this hash; taking it here keeps it
     * off the merging thread. */
    p->set_hash = XXH3_64bits(b->sets.v + p->set_off,
                              p->set_n * sizeof *b->sets.v);
    if (p->set_hash == 0)
        p->set_hash = 1;
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

    err = analyze_anchors(&b->anchors, sc->seq.v, sc->seq.n, o->window);
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
    uint64_t next = 0; /* memo_hash of the next paragraph */
    size_t i, j;
    int err;

    b->n_paras = 0;
    for (i = 0; i < b->n_arts; i++) {
        nd_batch_article *art = &b->arts[i];
        const char *text = b->text.data + art->text_off;

        art->text_hash = XXH3_64bits(text, art->text_len);
        err = nd_segment(&sc->spans, text, art->text_len);
        if (!err)
            err = nd_grow((void **)&b->paras, &b->cap_paras,
                          b->n_paras + sc->spans.n, sizeof *b->paras);
        if (err)
            return err;
        art->first = b->n_paras;
        art->n = sc->spans.n;
        if (sc->spans.n)
            next = memo_hash(text + sc->spans.v[0].start,
                             sc->spans.v[0].end - sc->spans.v[0].start);
        for (j = 0; j < sc->spans.n; j++) {
            nd_batch_para *p = &b->paras[b->n_paras++];
            uint64_t h = next;

            p->start = sc->spans.v[j].start;
            p->end = sc->spans.v[j].end;
            if (j + 1 < sc->spans.n) {
                next = memo_hash(text + sc->spans.v[j + 1].start,
                                 sc->spans.v[j + 1].end -
                                     sc->spans.v[j + 1].start);
                /* The memo is far larger than L1: the next paragraph's
                 * slot is asked for while this one is analysed. */
                if (sc->memo && next)
                    ND_PREFETCH(&sc->memo[next & (MEMO_SLOTS - 1)]);
            }
            err = analyze_paragraph(a, sc, b, p, text, h);
            if (err)
                return err;
        }
    }
    return 0;
}

static void scratch_free(analyze_scratch *sc)
{
    free(sc->memo);
    sc->memo = NULL;
    nd_buf_free(&sc->arena);
    nd_spanvec_free(&sc->spans);
    nd_buf_free(&sc->norm);
    nd_u64vec_free(&sc->seq);
    free(sc->sig);
    sc->sig = NULL;
}

/* ---- the pool ------------------------------------------------------------ */

/* A worker's job (pool.h): one batch, with that worker's scratch. */
static int analyze_job(void *job, void *scratch, void *ctx)
{
    const nd_analyzer *a = ctx;
    analyze_scratch *sc = scratch;
    nd_batch *b = job;

    if (!sc->sig && !(sc->sig = malloc(a->o.perm * sizeof *sc->sig)))
        b->err = ND_ENOMEM;
    else
        b->err = analyze_batch(a, sc, b);
    return b->err;
}

static void analyze_scratch_free(void *scratch)
{
    scratch_free(scratch);
}

int nd_analyzer_new(nd_analyzer **out, const nd_analyze_opts *o)
{
    nd_analyzer *a = calloc(1, sizeof *a);
    int err;

    *out = NULL;
    if (!a)
        return ND_ENOMEM;
    a->o = *o;
    err = nd_minhash_init(&a->mh, o->perm, o->seed);
    if (!err)
        err = nd_pool_new(&a->pool, o->threads, analyze_job, a,
                          sizeof(analyze_scratch), analyze_scratch_free);
    if (err) {
        nd_analyzer_free(a);
        return err;
    }
    *out = a;
    return 0;
}

int nd_analyzer_submit(nd_analyzer *a, nd_batch *b)
{
    b->err = 0;
    return nd_pool_submit(a->pool, b);
}

void nd_analyzer_wait(nd_analyzer *a, nd_batch *b)
{
    int err;

    /* Batches come back in the order they went; b->err is set. */
    (void)b;
    nd_pool_take(a->pool, &err);
}

void nd_analyzer_free(nd_analyzer *a)
{
    if (!a)
        return;
    nd_pool_free(a->pool);
    nd_minhash_free(&a->mh);
    free(a);
}
