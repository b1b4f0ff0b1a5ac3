/*
 * articles.c - which articles copy which (see articles.h for the measure).
 *
 * Cost: one pass over the verified pairs and the paragraphs to find
 * related articles; per related pair, the original's shingles go into a
 * hash set (once per original, the pairs being sorted by it, and again
 * where a thread's range of pairs begins inside its run) and each of the
 * copy's shingles is looked up once. The pairs are measured on the scan's
 * threads, each with its own hash set, taking ranges of pairs as it
 * finishes the last (nd_chunks); the links are gathered, and the lists
 * sorted, on the threads too.
 */
#include "articles.h"

#include <stdlib.h>
#include <string.h>

#include "neardup.h"
#include "util.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#endif

/*
 * The hash set of the original's shingles is made of buckets of four: a
 * shingle lives in the bucket its hash names, or when that one is full in
 * the next with room. A lookup compares all four at once, and only a full
 * bucket without the shingle sends it on, which at under one shingle per
 * bucket on average is a few lookups in a hundred: a third of the lookups
 * hit, and a table probed slot by slot could not tell hit, miss and
 * collision apart without branches the processor mostly guessed wrong.
 */
#define ARTICLES_LANES 4
#define ARTICLES_STAMP_BITS 29 /* the stamp shares meta with a count */

typedef struct articles_work {
    const nd_articles_in *in; /* input */
    uint32_t *key;            /* per bucket, ARTICLES_LANES shingles: its
                                 own, then copies of its first */
    uint32_t *meta;           /* per bucket: stamp << 3 | its shingles;
                                 the bucket is in the current set when
                                 its stamp is cur, so nothing is cleared
                                 between pairs */
    size_t nb;                /* buckets, a power of two */
    uint32_t cur;             /* stamp of the current set */
} articles_work;

/* Mixes a shingle hash into a bucket number (shingle hashes are XXH3
 * output, but their low bits are all a bucket index would use). */
static size_t articles_slot(uint32_t x, size_t nb)
{
    return (size_t)(((uint64_t)x * 0x9e3779b97f4a7c15ULL) >> 32) & (nb - 1);
}

/* Nonzero when x is one of the four shingles at k (stale ones too: the
 * caller checks the stamp). */
static int articles_in_bucket(const uint32_t *k, uint32_t x)
{
#if defined(__SSE2__) && defined(__GNUC__)
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)k);

    return _mm_movemask_epi8(_mm_cmpeq_epi32(v, _mm_set1_epi32((int)x)));
#else
    return (k[0] == x) | (k[1] == x) | (k[2] == x) | (k[3] == x);
#endif
}

/* Adds x to the current set, unless it is in already. */
static void articles_add(articles_work *w, uint32_t x)
{
    size_t b = articles_slot(x, w->nb);

    for (;;) {
        uint32_t m = w->meta[b], c = m & 7;
        uint32_t *k = w->key + ARTICLES_LANES * b;

        if (m >> 3 != w->cur) { /* a bucket of an earlier set: x's now */
            w->meta[b] = w->cur << 3 | 1;
            k[0] = k[1] = k[2] = k[3] = x;
            return;
        }
        if (articles_in_bucket(k, x))
            return;
        if (c < ARTICLES_LANES) {
            k[c] = x;
            w->meta[b] = m + 1;
            return;
        }
        b = (b + 1) & (w->nb - 1);
    }
}

/* Loads the non-boilerplate shingles of article b into the hash set. */
static int articles_load(articles_work *w, uint32_t b)
{
    const nd_articles_in *in = w->in;
    const nd_article *art = &in->articles[b];
    size_t total = 0, p, i;

    for (p = art->first; p < (size_t)art->first + art->n; p++)
        total += in->paras[p].boiler ? 0 : in->set_n[p];
    /* At most one shingle a bucket on average; an original without
     * shingles still needs a table to look into. */
    if (total > w->nb || !w->key) {
        size_t nb = w->nb ? w->nb : 256;

        while (nb < total)
            nb *= 2;
        free(w->key);
        free(w->meta);
        w->key = calloc(nb * ARTICLES_LANES, sizeof *w->key);
        w->meta = calloc(nb, sizeof *w->meta);
        w->nb = nb;
        w->cur = 0;
        if (!w->key || !w->meta)
            return ND_ENOMEM;
    }
    if (++w->cur == (uint32_t)1 << ARTICLES_STAMP_BITS) { /* wrapped */
        memset(w->meta, 0, w->nb * sizeof *w->meta);
        w->cur = 1;
    }
    for (p = art->first; p < (size_t)art->first + art->n; p++) {
        const uint32_t *set = in->sets + in->set_off[p];

        if (in->paras[p].boiler)
            continue;
        for (i = 0; i < in->set_n[p]; i++)
            articles_add(w, set[i]);
    }
    return 0;
}

/* Is x in the current set? The one branch is taken at a full bucket
 * without x, rarely. */
static int articles_has(const articles_work *w, uint32_t x)
{
    size_t b = articles_slot(x, w->nb);

    for (;;) {
        uint32_t m = w->meta[b];
        int live = m >> 3 == w->cur;
        int in = live & (articles_in_bucket(w->key + ARTICLES_LANES * b, x)
                         != 0);

        if (!(live & ((m & 7) == ARTICLES_LANES) & !in))
            return in;
        b = (b + 1) & (w->nb - 1);
    }
}

/* Bytes of article a held in the article loaded into the hash set. */
static uint64_t articles_held(const articles_work *w, uint32_t a)
{
    const nd_articles_in *in = w->in;
    const nd_article *art = &in->articles[a];
    double held = 0.0;
    size_t p, i;

    for (p = art->first; p < (size_t)art->first + art->n; p++) {
        const uint32_t *set = in->sets + in->set_off[p];
        size_t n = in->set_n[p], hit = 0;
        double c;

        if (in->paras[p].boiler || n == 0)
            continue;
        for (i = 0; i < n; i++)
            hit += (size_t)articles_has(w, set[i]);
        c = (double)hit / (double)n;
        if (c >= ND_SHARE_FLOOR)
            held += c * (double)(in->paras[p].end - in->paras[p].start);
    }
    return (uint64_t)(held + 0.5);
}

static int articles_cmp_copy(const void *pa, const void *pb)
{
    const nd_copy *a = pa, *b = pb;

    if (a->share != b->share)
        return a->share > b->share ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* Writes the article pair of paragraphs p and q to *out and returns 1,
 * unless they are in one article or boilerplate (then 0). */
static size_t articles_link(uint64_t *out, const nd_articles_in *in,
                            uint32_t p, uint32_t q)
{
    uint32_t a = in->paras[p].doc, b = in->paras[q].doc;

    if (a == b || in->paras[p].boiler || in->paras[q].boiler)
        return 0;
    *out = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
    return 1;
}

/* One thread's share of the links: ranges of the verified pairs and of
 * the paragraphs, written from out on, at most one per pair and two per
 * paragraph. */
typedef struct articles_link_job {
    const nd_articles_in *in; /* input */
    size_t lo, hi;            /* its pairs */
    size_t plo, phi;          /* its paragraphs */
    uint64_t *out;            /* its article pairs, a << 32 | b */
    size_t n;                 /* how many it wrote */
} articles_link_job;

static void *articles_link_run(void *arg)
{
    articles_link_job *j = arg;
    const nd_articles_in *in = j->in;
    size_t i, n = 0;

    for (i = j->lo; i < j->hi; i++)
        n += articles_link(j->out + n, in, in->pairs[i].a, in->pairs[i].b);
    /* Exact copies name the first holder in input order, which need not
     * be the original; every copy is also linked to its canonical. */
    for (i = j->plo; i < j->phi; i++) {
        if (in->copy_of[i] != ND_NONE)
            n += articles_link(j->out + n, in, (uint32_t)i, in->copy_of[i]);
        if (in->paras[i].canon != i)
            n += articles_link(j->out + n, in, (uint32_t)i,
                               in->paras[i].canon);
    }
    j->n = n;
    return NULL;
}

/* Gathers every article pair that a verified pair, an exact copy or a
 * canonical links, on the threads, in no particular order. The array has
 * room for the most there can be; the pages no job writes cost no memory,
 * and the room left over goes back. */
static int articles_links(nd_u64vec *out, const nd_articles_in *in)
{
    articles_link_job jobs[ND_MAX_JOBS];
    size_t t, n = nd_jobs_for(in->threads, in->n_paras, 2048);
    size_t most = in->n_pairs + 2 * in->n_paras;

    if (most > SIZE_MAX / sizeof *out->v)
        return ND_ENOMEM;
    out->v = malloc((most ? most : 1) * sizeof *out->v);
    if (!out->v)
        return ND_ENOMEM;
    out->cap = most ? most : 1;
    for (t = 0; t < n; t++) {
        jobs[t].in = in;
        jobs[t].lo = in->n_pairs * t / n;
        jobs[t].hi = in->n_pairs * (t + 1) / n;
        jobs[t].plo = in->n_paras * t / n;
        jobs[t].phi = in->n_paras * (t + 1) / n;
        jobs[t].out = out->v + jobs[t].lo + 2 * jobs[t].plo;
    }
    nd_run_jobs(articles_link_run, jobs, sizeof jobs[0], n);
    out->n = 0;
    for (t = 0; t < n; t++) {
        memmove(out->v + out->n, jobs[t].out, jobs[t].n * sizeof *out->v);
        out->n += jobs[t].n;
    }
    nd_shrink((void **)&out->v, &out->cap, out->n, sizeof *out->v);
    return 0;
}

/* One thread's share of the related pairs. */
typedef struct articles_job {
    articles_work w;       /* its own hash set */
    const uint64_t *links; /* (original << 32 | copy), by original */
    nd_chunks *chunks;     /* ranges of links handed out */
    uint64_t *held;        /* per link: bytes of the copy held */
    int err;               /* 0 or ND_ENOMEM */
} articles_job;

/* Measures links [lo, hi); the first one's original is loaded whatever
 * the job loaded before, so the figures do not depend on the chunks. */
static int articles_run_range(articles_job *j, size_t lo, size_t hi)
{
    size_t i;
    int err = 0;

    for (i = lo; !err && i < hi; i++) {
        uint32_t orig = (uint32_t)(j->links[i] >> 32);

        if (i == lo || orig != (uint32_t)(j->links[i - 1] >> 32))
            err = articles_load(&j->w, orig);
        if (!err)
            j->held[i] = articles_held(&j->w, (uint32_t)j->links[i]);
    }
    return err;
}

static void *articles_run(void *arg)
{
    articles_job *j = arg;
    size_t lo, hi;

    while (!j->err && nd_chunks_take(j->chunks, &lo, &hi))
        j->err = articles_run_range(j, lo, hi);
    return NULL;
}

/* Links per chunk: an original's links mostly fall in one chunk, so few
 * loads are repeated, and the chunks are small enough that the threads
 * finish together (a split in halves left one idle for a fifth of the
 * time: articles differ in size). */
#define ARTICLES_CHUNK 512

/* Fills held[] for every link on the threads, chunk by chunk; each figure
 * depends on its pair alone. */
static int articles_measure(const nd_articles_in *in, const nd_u64vec *links,
                            uint64_t *held)
{
    articles_job jobs[ND_MAX_JOBS];
    size_t t, n = nd_jobs_for(in->threads, links->n, 1024);
    nd_chunks chunks;
    int err = 0;

    memset(jobs, 0, sizeof jobs);
    nd_chunks_init(&chunks, links->n, ARTICLES_CHUNK);
    for (t = 0; t < n; t++) {
        jobs[t].w.in = in;
        jobs[t].links = links->v;
        jobs[t].chunks = &chunks;
        jobs[t].held = held;
    }
    nd_run_jobs(articles_run, jobs, sizeof jobs[0], n);
    for (t = 0; t < n; t++) {
        if (jobs[t].err)
            err = jobs[t].err;
        free(jobs[t].w.key);
        free(jobs[t].w.meta);
    }
    return err;
}

/* One thread's share of the lists to sort. */
typedef struct articles_sort_job {
    nd_articles *out;         /* the lists */
    const nd_articles_in *in; /* the copy threshold */
    nd_chunks *chunks;        /* ranges of articles handed out */
} articles_sort_job;

static void *articles_sort_run(void *arg)
{
    articles_sort_job *j = arg;
    nd_articles *out = j->out;
    size_t lo, hi, a;

    while (nd_chunks_take(j->chunks, &lo, &hi))
        for (a = lo; a < hi; a++) {
            nd_copy *list = out->copies + out->copy_off[a];
            size_t m = out->copy_off[a + 1] - out->copy_off[a];

            qsort(list, m, sizeof *list, articles_cmp_copy);
            out->syndicated[a] = m > 0 && list[0].share >= j->in->copy;
        }
    return NULL;
}

/* Sorts every article's list (a total order) on the threads, and tells
 * which articles are syndicated copies. */
static void articles_sort_all(nd_articles *out, const nd_articles_in *in)
{
    articles_sort_job jobs[ND_MAX_JOBS];
    size_t t, n = nd_jobs_for(in->threads, in->n_articles, 2048);
    nd_chunks chunks;

    nd_chunks_init(&chunks, in->n_articles, 1024);
    for (t = 0; t < n; t++) {
        jobs[t].out = out;
        jobs[t].in = in;
        jobs[t].chunks = &chunks;
    }
    nd_run_jobs(articles_sort_run, jobs, sizeof jobs[0], n);
}

int nd_articles_build(nd_articles *out, const nd_articles_in *in)
{
    nd_u64vec links = {0};
    uint64_t *held = NULL;
    size_t i, n, n_entries = 0, na = in->n_articles;
    int err = 0;

    memset(out, 0, sizeof *out);
    err = articles_links(&links, in);
    if (!err)
        err = nd_u64_radix_sort_mt(links.v, links.n, in->threads);
    if (err)
        goto done;
    /* Each distinct pair once, as (original, copy): the later-ranked
     * article is the copy of the earlier one. Sorted by original, so each
     * original's shingles are loaded once. */
    for (i = 0, n = 0; i < links.n; i++) {
        uint32_t a = (uint32_t)(links.v[i] >> 32), b = (uint32_t)links.v[i];

        if (i > 0 && links.v[i] == links.v[i - 1])
            continue;
        links.v[n++] = in->articles[a].rank < in->articles[b].rank
                           ? (uint64_t)a << 32 | b
                           : (uint64_t)b << 32 | a;
    }
    links.n = n;
    err = nd_u64_radix_sort_mt(links.v, links.n, in->threads);
    if (err)
        goto done;

    out->copy_off = calloc(na + 1, sizeof *out->copy_off);
    out->sharing = calloc(na ? na : 1, 1);
    out->syndicated = calloc(na ? na : 1, 1);
    held = malloc((links.n ? links.n : 1) * sizeof *held);
    if (!out->copy_off || !out->sharing || !out->syndicated || !held) {
        err = ND_ENOMEM;
        goto done;
    }
    err = articles_measure(in, &links, held);
    if (err)
        goto done;
    /* Per-article lists: counted, then placed with copy_off[a + 1] as the
     * cursor of article a's list, which leaves it at the list's end. */
    for (i = 0; i < links.n; i++)
        if (held[i]) {
            out->copy_off[(uint32_t)links.v[i] + 1]++;
            n_entries++;
        }
    for (i = 0, n = 0; i < na; i++) {
        size_t m = out->copy_off[i + 1];

        out->copy_off[i + 1] = (uint32_t)n;
        n += m;
    }
    out->copies = malloc((n_entries ? n_entries : 1) * sizeof *out->copies);
    if (!out->copies) {
        err = ND_ENOMEM;
        goto done;
    }
    for (i = 0; i < links.n; i++) {
        uint32_t orig = (uint32_t)(links.v[i] >> 32);
        uint32_t copy = (uint32_t)links.v[i];
        nd_copy *e;

        if (held[i] == 0)
            continue;
        out->sharing[copy] = out->sharing[orig] = 1;
        e = &out->copies[out->copy_off[copy + 1]++];
        e->doc = orig;
        e->shared_bytes = held[i];
        e->share = in->articles[copy].bytes
                       ? (double)held[i] / (double)in->articles[copy].bytes
                       : 0.0;
    }
    out->n_copies = n_entries;
    articles_sort_all(out, in);
done:
    free(held);
    nd_u64vec_free(&links);
    if (err)
        nd_articles_free(out);
    return err;
}

void nd_articles_free(nd_articles *a)
{
    if (!a)
        return;
    free(a->copy_off);
    free(a->copies);
    free(a->sharing);
    free(a->syndicated);
    memset(a, 0, sizeof *a);
}
