/*
 * scan.c - the API layer: runs the pipeline over the inputs of a scan.
 *
 * Pass 1 (nd_scan_run) reads every article once: segment, normalise,
 * shingle; paragraphs with a set seen before (exact copies) are tied to its
 * first holder and go no further, the rest get a MinHash signature, whose
 * band keys feed LSH, and winnowing anchors and queries for containment.
 * Candidate pairs are verified exactly on the shingle sets, joined with
 * union-find, and split into clusters whose members are each covered by
 * their canonical. Pass 2 (nd_scan_write, in report.c) reads the inputs
 * again to write texts: no article text is kept between the passes.
 *
 * Everything is numbered in input order (articles, then paragraphs), and
 * every sort has a total order, so outputs do not depend on hash table
 * iteration or timing.
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyze.h"
#include "articles.h"
#include "cluster.h"
#include "date.h"
#include "hash.h"
#include "lsh.h"
#include "neardup.h"
#include "read.h"
#include "report.h"
#include "result.h"
#include "util.h"
#include "verify.h"

/* In a bucket of more items than this, each item meets only the first
 * ND_BUCKET_CAP of them (see lsh.h). */
#define ND_BUCKET_CAP 50

/*
 * Weights of the false-positive and false-negative areas when choosing
 * bands x rows. A false positive costs one exact check; a false negative is
 * a copy never found. So misses weigh nine times more: at threshold 0.8
 * this picks 14 x 9 (expected miss rate 0.02 over [0.8, 1]) instead of the
 * 9 x 13 of equal weights (0.17).
 */
#define ND_LSH_W_FP 0.1
#define ND_LSH_W_FN 0.9

/* Paragraph numbers fit in 31 bits: scan_cluster packs one beside a flag. */
#define ND_MAX_ITEMS 0x7fffffffu

struct nd_scan {
    nd_options opts;      /* options in force (strings copied below) */
    char **owned;         /* the copies of the option strings */
    size_t n_owned;       /* strings in owned */
    const char **priority; /* copy of opts.source_priority */
    char errmsg[1024];    /* last error */
    nd_input *inputs;     /* inputs in order (strings owned) */
    size_t n_inputs;      /* inputs added */
    char *spool;          /* temporary copy of stdin, or NULL */
    int ran;              /* nd_scan_run succeeded */
    unsigned bands, rows; /* LSH shape */
    unsigned threads;     /* workers in force */
    uint64_t bytes_total; /* input bytes, for progress reports */
    double fp, fn;        /* its expected rates */

    nd_article *articles; /* articles read */
    size_t n_articles, cap_articles;
    nd_buf ids;           /* id pool */
    nd_para *paras;       /* paragraphs found */
    size_t n_paras, cap_paras;
    uint64_t *set_off;    /* per paragraph: offset of its set in sets */
    uint32_t *set_n;      /* per paragraph: shingles in its set */
    size_t cap_sets_meta;
    nd_u32vec sets;       /* every distinct shingle set, back to back */
    uint32_t *copy_of;    /* per paragraph: first paragraph with the same
                             set, or ND_NONE */
    size_t cap_copy_of;

    nd_pairvec verified;  /* verified pairs, for the article report */
    uint32_t n_sources;   /* source numbers given out */

    uint32_t *cluster_of; /* results, see result.h */
    uint32_t *member_off;
    uint32_t *members;
    size_t n_clusters;
    uint8_t *kind;
    nd_articles art;      /* the article report */
    nd_stats stats;
};

/* ---- errors ------------------------------------------------------------ */

static int scan_fail(nd_scan *s, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
    return err;
}

static double scan_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *nd_version(void)
{
    return ND_VERSION_STRING;
}

const char *nd_strerror(int err)
{
    switch (err) {
    case ND_OK: return "success";
    case ND_ENOMEM: return "out of memory";
    case ND_EIO: return "input/output error";
    case ND_EFORMAT: return "malformed input";
    case ND_EINVAL: return "invalid argument";
    default: return "unknown error";
    }
}

int nd_lsh_params(unsigned *out_bands, unsigned *out_rows, double *out_fp,
                  double *out_fn, double threshold, unsigned perm)
{
    if (!out_bands || !out_rows)
        return ND_EINVAL;
    return nd_lsh_choose(out_bands, out_rows, out_fp, out_fn, threshold,
                         perm, ND_LSH_W_FP, ND_LSH_W_FN);
}

/* ---- life cycle -------------------------------------------------------- */

static int scan_check_options(nd_scan *s)
{
    const nd_options *o = &s->opts;

    if (o->version != ND_OPTIONS_VERSION)
        return scan_fail(s, ND_EINVAL, "options version %u, expected %u",
                         o->version, ND_OPTIONS_VERSION);
    if (!(o->threshold > 0.0 && o->threshold < 1.0))
        return scan_fail(s, ND_EINVAL,
                         "threshold must be in (0, 1), got %g", o->threshold);
    if (!(o->containment > 0.0 && o->containment <= 1.0))
        return scan_fail(s, ND_EINVAL,
                         "containment must be in (0, 1], got %g",
                         o->containment);
    if (o->ngram < 1 || o->ngram > 16)
        return scan_fail(s, ND_EINVAL, "ngram must be 1..16, got %u",
                         o->ngram);
    if (o->perm < 8 || o->perm > 1024)
        return scan_fail(s, ND_EINVAL, "perm must be 8..1024, got %u",
                         o->perm);
    if (o->min_contain < 1 || o->min_contain > 1000)
        return scan_fail(s, ND_EINVAL, "min_contain must be 1..1000, got %u",
                         o->min_contain);
    if (!o->id_field || !*o->id_field || !o->text_field || !*o->text_field)
        return scan_fail(s, ND_EINVAL, "id and text fields must be named");
    if ((unsigned)o->keep > ND_KEEP_FIRST)
        return scan_fail(s, ND_EINVAL, "unknown keep policy %d", (int)o->keep);
    if ((unsigned)o->boilerplate > ND_BOILERPLATE_DROP_ALL)
        return scan_fail(s, ND_EINVAL, "unknown boilerplate mode %d",
                         (int)o->boilerplate);
    if (o->boilerplate_articles < 1)
        return scan_fail(s, ND_EINVAL, "boilerplate_articles must be >= 1");
    if (!(o->copy > 0.0 && o->copy <= 1.0))
        return scan_fail(s, ND_EINVAL, "copy must be in (0, 1], got %g",
                         o->copy);
    if (o->n_source_priority && !o->source_priority)
        return scan_fail(s, ND_EINVAL, "source_priority is NULL");
    if (o->threads > 256)
        return scan_fail(s, ND_EINVAL, "threads must be 0..256, got %u",
                         o->threads);
    return 0;
}

/* Replaces *str by a copy the scan owns; NULL stays NULL. */
static int scan_own(nd_scan *s, const char **str)
{
    char *copy;

    if (!*str)
        return 0;
    copy = strdup(*str);
    if (!copy)
        return ND_ENOMEM;
    s->owned[s->n_owned++] = copy;
    *str = copy;
    return 0;
}

int nd_scan_new(nd_scan **out, const nd_options *opts)
{
    static const nd_options defaults = ND_OPTIONS_INIT;
    nd_scan *s;
    size_t i;
    int err;

    if (!out)
        return ND_EINVAL;
    *out = NULL;
    s = calloc(1, sizeof *s);
    if (!s)
        return ND_ENOMEM;
    *out = s;
    s->opts = opts ? *opts : defaults;
    err = scan_check_options(s);
    if (err)
        return err;
    /* The scan keeps its own copies of every string it was given. */
    s->owned = calloc(4 + s->opts.n_source_priority, sizeof *s->owned);
    s->priority = calloc(s->opts.n_source_priority + 1, sizeof *s->priority);
    if (!s->owned || !s->priority ||
        scan_own(s, &s->opts.id_field) || scan_own(s, &s->opts.text_field) ||
        scan_own(s, &s->opts.source_field) ||
        scan_own(s, &s->opts.date_field))
        return scan_fail(s, ND_ENOMEM, "out of memory");
    for (i = 0; i < s->opts.n_source_priority; i++) {
        s->priority[i] = s->opts.source_priority[i];
        if (scan_own(s, &s->priority[i]))
            return scan_fail(s, ND_ENOMEM, "out of memory");
    }
    s->opts.source_priority = s->priority;
    s->threads = s->opts.threads;
    if (s->threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);

        s->threads = n < 1 ? 1 : n > 64 ? 64 : (unsigned)n;
    }
    err = nd_lsh_choose(&s->bands, &s->rows, &s->fp, &s->fn,
                        s->opts.threshold, s->opts.perm, ND_LSH_W_FP,
                        ND_LSH_W_FN);
    if (err)
        return scan_fail(s, err, "cannot choose LSH bands for threshold %g",
                         s->opts.threshold);
    return 0;
}

void nd_scan_free(nd_scan *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->n_inputs; i++) {
        free((char *)s->inputs[i].path);
        free((char *)s->inputs[i].name);
    }
    free(s->inputs);
    if (s->spool) {
        unlink(s->spool);
        free(s->spool);
    }
    for (i = 0; i < s->n_owned; i++)
        free(s->owned[i]);
    free(s->owned);
    free(s->priority);
    free(s->articles);
    nd_pairvec_free(&s->verified);
    free(s->kind);
    nd_articles_free(&s->art);
    nd_buf_free(&s->ids);
    free(s->paras);
    free(s->set_off);
    free(s->set_n);
    nd_u32vec_free(&s->sets);
    free(s->copy_of);
    free(s->cluster_of);
    free(s->member_off);
    free(s->members);
    free(s);
}

const char *nd_scan_errmsg(const nd_scan *s)
{
    return s ? s->errmsg : "no scan";
}

int nd_scan_stats(nd_stats *out, const nd_scan *s)
{
    if (!out || !s)
        return ND_EINVAL;
    *out = s->stats;
    return 0;
}

/* Copies standard input to a temporary file, so pass 2 can read it again. */
static int scan_spool_stdin(nd_scan *s)
{
    const char *tmp = getenv("TMPDIR");
    char buf[1 << 16];
    size_t n;
    FILE *f = NULL;
    int fd, err = 0;

    if (s->spool)
        return scan_fail(s, ND_EINVAL, "'-' (standard input) given twice");
    if (!tmp || !*tmp)
        tmp = "/tmp";
    s->spool = malloc(strlen(tmp) + 32);
    if (!s->spool)
        return scan_fail(s, ND_ENOMEM, "out of memory");
    sprintf(s->spool, "%s/neardup-stdin-XXXXXX", tmp);
    fd = mkstemp(s->spool);
    if (fd < 0) {
        err = scan_fail(s, ND_EIO, "cannot spool standard input to %s: %s",
                        s->spool, strerror(errno));
        free(s->spool);
        s->spool = NULL;
        return err;
    }
    f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        return scan_fail(s, ND_EIO, "cannot spool standard input: %s",
                         strerror(errno));
    }
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (fwrite(buf, 1, n, f) != n) {
            err = scan_fail(s, ND_EIO, "cannot spool standard input to %s: %s",
                            s->spool, strerror(errno));
            break;
        }
    if (!err && ferror(stdin))
        err = scan_fail(s, ND_EIO, "cannot read standard input: %s",
                        strerror(errno));
    if (fclose(f) != 0 && !err)
        err = scan_fail(s, ND_EIO, "cannot spool standard input to %s: %s",
                        s->spool, strerror(errno));
    return err;
}

/* Sum of the sizes of the regular files below a directory (nftw has no
 * payload argument, hence the thread-local total). */
static _Thread_local uint64_t scan_walk_total;

static int scan_walk_add(const char *path, const struct stat *st, int flag,
                         struct FTW *ftw)
{
    (void)path;
    (void)ftw;
    if (flag == FTW_F && S_ISREG(st->st_mode))
        scan_walk_total += (uint64_t)st->st_size;
    return 0;
}

/* The bytes an input will be read from, for progress reports. */
static uint64_t scan_input_bytes(const char *path, const struct stat *st)
{
    if (!S_ISDIR(st->st_mode))
        return (uint64_t)st->st_size;
    scan_walk_total = 0;
    nftw(path, scan_walk_add, 32, FTW_PHYS);
    return scan_walk_total;
}

/* An input given twice would make every article a copy of itself. */
static int scan_check_new_input(nd_scan *s, const char *path)
{
    char *real = realpath(path, NULL);
    size_t i;
    int err = 0;

    for (i = 0; real && !err && i < s->n_inputs; i++) {
        char *other = realpath(s->inputs[i].path, NULL);

        if (other && strcmp(other, real) == 0)
            err = scan_fail(s, ND_EINVAL, "%s is given twice (as %s too)",
                            path, s->inputs[i].name);
        free(other);
    }
    free(real);
    return err;
}

int nd_scan_add_input(nd_scan *s, const char *path)
{
    nd_input *in;
    size_t cap = s->n_inputs;
    int err;

    if (!s || !path || !*path)
        return ND_EINVAL;
    if (s->ran)
        return scan_fail(s, ND_EINVAL, "inputs cannot be added after a run");
    if (strcmp(path, "-") != 0) {
        struct stat st;

        if (stat(path, &st) != 0)
            return scan_fail(s, ND_EIO, "%s: %s", path, strerror(errno));
        err = scan_check_new_input(s, path);
        if (err)
            return err;
        s->bytes_total += scan_input_bytes(path, &st);
    } else {
        struct stat st;

        err = scan_spool_stdin(s);
        if (err)
            return err;
        if (stat(s->spool, &st) == 0)
            s->bytes_total += (uint64_t)st.st_size;
    }
    err = nd_grow((void **)&s->inputs, &cap, s->n_inputs + 1, sizeof *in);
    if (err)
        return scan_fail(s, err, "out of memory");
    in = &s->inputs[s->n_inputs];
    in->path = strdup(strcmp(path, "-") == 0 ? s->spool : path);
    in->name = strdup(path);
    if (!in->path || !in->name) {
        free((char *)in->path);
        free((char *)in->name);
        return scan_fail(s, ND_ENOMEM, "out of memory");
    }
    s->n_inputs++;
    return 0;
}

/* ---- pass 1: merging analysed batches in order ----------------------- */

/* Open-addressing table from a set's hash to the first paragraph holding
 * that set, to tie exact copies together before any LSH work. */
typedef struct scan_seen {
    uint64_t *hash; /* set hashes, 0 = empty slot (hash 0 is remapped) */
    uint32_t *para; /* first paragraph with that set */
    size_t cap;     /* slots, a power of two */
    size_t n;       /* slots used */
} scan_seen;

/* What pass 1 collects besides the paragraphs. */
typedef struct scan_keys {
    nd_keyvec bands;   /* (band key, paragraph) */
    nd_keyvec index;   /* (anchor, paragraph) */
    nd_keyvec queries; /* (query, paragraph) */
    scan_seen seen;    /* exact copies */
    scan_seen sources; /* known sources: hash -> first article with it */
    scan_seen ids;     /* hashes of the ids read, to warn of repeats */
} scan_keys;

static void seen_free(scan_seen *t)
{
    free(t->hash);
    free(t->para);
    memset(t, 0, sizeof *t);
}

static void scan_keys_free(scan_keys *k)
{
    nd_keyvec_free(&k->bands);
    nd_keyvec_free(&k->index);
    nd_keyvec_free(&k->queries);
    seen_free(&k->seen);
    seen_free(&k->sources);
    seen_free(&k->ids);
}

static int seen_grow(scan_seen *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 1024, i;
    uint64_t *h = calloc(ncap, sizeof *h);
    uint32_t *p = malloc(ncap * sizeof *p);

    if (!h || !p) {
        free(h);
        free(p);
        return ND_ENOMEM;
    }
    for (i = 0; i < t->cap; i++) {
        size_t j;

        if (!t->hash[i])
            continue;
        for (j = t->hash[i] & (ncap - 1); h[j]; j = (j + 1) & (ncap - 1))
            ;
        h[j] = t->hash[i];
        p[j] = t->para[i];
    }
    free(t->hash);
    free(t->para);
    t->hash = h;
    t->para = p;
    t->cap = ncap;
    return 0;
}

/* Starts a lookup of hash *h (0 is remapped: it marks empty slots), making
 * room for one more entry first; *slot receives the first slot to probe. */
static int seen_begin(scan_seen *t, uint64_t *h, size_t *slot)
{
    int err;

    if (*h == 0)
        *h = 1;
    /* Linear probing stays short up to a load of 0.7. */
    if ((t->n + 1) * 10 > t->cap * 7 && (err = seen_grow(t)) != 0)
        return err;
    *slot = *h & (t->cap - 1);
    return 0;
}

static size_t seen_next(const scan_seen *t, size_t slot)
{
    return (slot + 1) & (t->cap - 1);
}

/* Fills the empty slot a lookup ended on. */
static void seen_put(scan_seen *t, size_t slot, uint64_t h, uint32_t value)
{
    t->hash[slot] = h;
    t->para[slot] = value;
    t->n++;
}

/*
 * Records the hash of an article id; returns 1 when an earlier article had
 * the same id (up to a 64-bit hash collision, which would only cost a
 * spurious warning), 0 when it is new, or ND_ENOMEM.
 */
static int scan_id_repeated(scan_seen *t, const char *id)
{
    uint64_t h = XXH3_64bits(id, strlen(id));
    size_t j;
    int err = seen_begin(t, &h, &j);

    if (err)
        return err;
    for (; t->hash[j]; j = seen_next(t, j))
        if (t->hash[j] == h)
            return 1;
    seen_put(t, j, h, 0);
    return 0;
}

/*
 * Looks up set[0..n) among the sets of earlier paragraphs; *out receives
 * the first paragraph with an equal set, or ND_NONE after p is recorded as
 * the first holder of this one.
 */
static int scan_seen_lookup(nd_scan *s, scan_seen *t, uint32_t p,
                            const uint32_t *set, uint32_t n, uint32_t *out)
{
    uint64_t h = XXH3_64bits(set, n * sizeof *set);
    size_t j;
    int err = seen_begin(t, &h, &j);

    if (err)
        return err;
    for (; t->hash[j]; j = seen_next(t, j)) {
        uint32_t q = t->para[j];

        if (t->hash[j] == h && s->set_n[q] == n &&
            memcmp(s->sets.v + s->set_off[q], set, n * sizeof *set) == 0) {
            *out = q;
            return 0;
        }
    }
    seen_put(t, j, h, p);
    *out = ND_NONE;
    return 0;
}

static int scan_grow_paras(nd_scan *s, size_t need)
{
    int err = nd_grow((void **)&s->paras, &s->cap_paras, need,
                      sizeof *s->paras);

    if (!err)
        err = nd_grow((void **)&s->set_off, &s->cap_sets_meta, need,
                      sizeof *s->set_off);
    if (!err) {
        /* set_n follows set_off's capacity; realloc keeps it in step. */
        uint32_t *p = realloc(s->set_n, s->cap_sets_meta * sizeof *p);

        if (!p)
            return ND_ENOMEM;
        s->set_n = p;
        err = nd_grow((void **)&s->copy_of, &s->cap_copy_of, need,
                      sizeof *s->copy_of);
    }
    return err;
}

/*
 * Gives article a (the next one, not yet counted) its source: known
 * sources are stored once in the id pool and numbered in order of first
 * appearance; an unknown source gets a number of its own, so it never
 * equals another article's.
 */
static int scan_source(nd_scan *s, scan_keys *k, nd_article *a,
                       const char *source)
{
    scan_seen *t = &k->sources;
    uint64_t h;
    size_t j, len;
    int err;

    a->source_off = ND_NO_SOURCE;
    if (!source) {
        a->source = s->n_sources++;
        return 0;
    }
    len = strlen(source);
    h = XXH3_64bits(source, len);
    err = seen_begin(t, &h, &j);
    if (err)
        return err;
    for (; t->hash[j]; j = seen_next(t, j)) {
        const nd_article *o = &s->articles[t->para[j]];

        if (t->hash[j] == h && strcmp(s->ids.data + o->source_off,
                                      source) == 0) {
            a->source_off = o->source_off;
            a->source = o->source;
            return 0;
        }
    }
    a->source_off = s->ids.len;
    err = nd_buf_append(&s->ids, source, len + 1);
    if (err)
        return err;
    seen_put(t, j, h, (uint32_t)s->n_articles);
    a->source = s->n_sources++;
    return 0;
}

/* Takes one analysed paragraph into the scan as paragraph p. */
static int scan_take_para(nd_scan *s, scan_keys *k, const nd_batch *b,
                          const nd_batch_para *bp, uint32_t p)
{
    const uint32_t *set = b->sets.v + bp->set_off;
    uint32_t first, i;
    int err;

    s->set_n[p] = bp->set_n;
    s->set_off[p] = s->sets.n;
    s->copy_of[p] = ND_NONE;
    if (bp->set_n == 0)
        return 0; /* no words: nothing to match */
    err = scan_seen_lookup(s, &k->seen, p, set, bp->set_n, &first);
    if (err)
        return err;
    if (first != ND_NONE) {
        /* An exact copy: share the first holder's set, skip LSH. */
        s->copy_of[p] = first;
        s->set_off[p] = s->set_off[first];
        return 0;
    }
    err = nd_u32vec_reserve(&s->sets, bp->set_n);
    if (err)
        return err;
    memcpy(s->sets.v + s->sets.n, set, bp->set_n * sizeof *set);
    s->sets.n += bp->set_n;
    for (i = 0; !err && i < s->bands; i++)
        err = nd_keyvec_push(&k->bands, b->bands.v[bp->band_off + i], p);
    /* Containment: every paragraph is indexed by its anchors; one large
     * enough to be contained in another also asks with its queries. */
    for (i = 0; !err && i < bp->anchor_n; i++)
        err = nd_keyvec_push(&k->index, b->anchors.v[bp->anchor_off + i], p);
    for (i = 0; !err && i < bp->n_queries; i++)
        err = nd_keyvec_push(&k->queries, bp->q[i], p);
    return err;
}

/* Takes the articles and paragraphs of an analysed batch into the scan. */
static int scan_merge(nd_scan *s, scan_keys *k, const nd_batch *b)
{
    size_t i, j;
    int err;

    if (b->err)
        return scan_fail(s, b->err, "analysing articles: %s",
                         nd_strerror(b->err));
    if (s->n_articles + b->n_arts >= ND_MAX_ITEMS ||
        s->n_paras + b->n_paras >= ND_MAX_ITEMS)
        return scan_fail(s, ND_EINVAL, "more than %u articles or paragraphs",
                         (unsigned)ND_MAX_ITEMS);
    err = nd_grow((void **)&s->articles, &s->cap_articles,
                  s->n_articles + b->n_arts, sizeof *s->articles);
    if (!err)
        err = scan_grow_paras(s, s->n_paras + b->n_paras);
    for (i = 0; !err && i < b->n_arts; i++) {
        const nd_batch_article *ba = &b->arts[i];
        nd_article *a = &s->articles[s->n_articles];
        const char *id = b->ids.data + ba->id_off;

        a->id_off = s->ids.len;
        a->first = (uint32_t)s->n_paras;
        a->n = (uint32_t)ba->n;
        a->text_len = ba->text_len;
        a->text_hash = XXH3_64bits(b->text.data + ba->text_off, ba->text_len);
        a->date = ba->date;
        a->has_date = ba->has_date;
        a->bytes = 0;
        a->rank = 0;
        err = nd_buf_append(&s->ids, id, strlen(id) + 1);
        if (!err)
            err = scan_source(s, k, a,
                              ba->source_off == (size_t)-1
                                  ? NULL
                                  : b->ids.data + ba->source_off);
        for (j = 0; !err && j < ba->n; j++) {
            const nd_batch_para *bp = &b->paras[ba->first + j];
            uint32_t p = (uint32_t)s->n_paras;
            nd_para *pa = &s->paras[p];

            pa->doc = (uint32_t)s->n_articles;
            pa->idx = (uint32_t)j;
            pa->start = (uint32_t)bp->start;
            pa->end = (uint32_t)bp->end;
            pa->canon = p;
            pa->jaccard = pa->contain = 1.0f;
            pa->removed = pa->boiler = 0;
            a->bytes += bp->end - bp->start;
            err = scan_take_para(s, k, b, bp, p);
            s->n_paras++;
        }
        s->n_articles++;
        s->stats.bytes += ba->text_len;
    }
    return err ? scan_fail(s, err, "%s", nd_strerror(err)) : 0;
}

/* Passes a warning about a record to the caller's callback, if any. */
static void scan_warn(const nd_scan *s, const nd_record *rec,
                      const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (!s->opts.warn)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->opts.warn(rec->file, rec->line, msg, s->opts.warn_payload);
}

/*
 * What pass 1 checks of a record before it is analysed: its date, parsed
 * into *date / *has_date (a date that cannot be read is a warning, and the
 * article counts as undated), and whether an earlier article had its id
 * (a warning). Returns 0 or ND_ENOMEM.
 */
static int scan_check_record(nd_scan *s, scan_keys *k, const nd_record *rec,
                             int64_t *date, int *has_date)
{
    int repeated;

    if (rec->date) {
        *has_date = nd_date_parse(date, rec->date, strlen(rec->date)) == 0;
        if (!*has_date) {
            s->stats.dates_unparsed++;
            scan_warn(s, rec, "date \"%.80s\" not understood; the article "
                              "counts as undated",
                      rec->date);
        }
    }
    repeated = scan_id_repeated(&k->ids, rec->id);
    if (repeated < 0)
        return repeated;
    if (repeated) {
        s->stats.ids_repeated++;
        scan_warn(s, rec, "id \"%.120s\" was used by an earlier article "
                          "too; the reports cannot tell the two apart",
                  rec->id);
    }
    return 0;
}

/* A batch is handed to a worker once it holds this much text or this many
 * articles: large enough to amortise the hand-over, small enough that a
 * few in flight per thread cost little memory. */
#define ND_BATCH_BYTES (1u << 20)
#define ND_BATCH_ARTICLES 2048u

/*
 * Reads every article, has the analyzer work on batches of them, and
 * merges the batches in the order they were read. slots batches rotate: at
 * most slots are in flight, the oldest is merged first.
 */
static int scan_pass1(nd_scan *s, nd_reader *r, scan_keys *k)
{
    nd_analyze_opts ao;
    nd_analyzer *an = NULL;
    nd_batch *slots = NULL, *cur;
    size_t n_slots, head = 0, in_flight = 0;
    nd_record rec;
    int err, got;

    ao.ngram = s->opts.ngram;
    ao.perm = s->opts.perm;
    ao.seed = s->opts.seed;
    ao.bands = s->bands;
    ao.rows = s->rows;
    ao.window = s->opts.min_contain;
    ao.threads = s->threads;
    n_slots = s->threads <= 1 ? 1 : 2 * (size_t)s->threads;
    slots = calloc(n_slots, sizeof *slots);
    if (!slots)
        return scan_fail(s, ND_ENOMEM, "out of memory");
    err = nd_analyzer_new(&an, &ao);
    if (err) {
        scan_fail(s, err, "cannot start the workers: %s", nd_strerror(err));
        goto done;
    }
    cur = &slots[0];
    for (;;) {
        got = nd_reader_next(r, &rec);
        if (got < 0) {
            err = scan_fail(s, got, "%s", nd_reader_errmsg(r));
            goto done;
        }
        if (got == 1 && rec.text_len > UINT32_MAX) {
            err = scan_fail(s, ND_EINVAL, "%s: an article of %zu bytes; "
                            "neardup takes articles up to 4 GiB",
                            rec.file, rec.text_len);
            goto done;
        }
        if (got == 1) {
            int64_t date = 0;
            int has_date = 0;

            err = scan_check_record(s, k, &rec, &date, &has_date);
            if (err) {
                scan_fail(s, err, "%s", nd_strerror(err));
                goto done;
            }
            err = nd_batch_add(cur, rec.id, rec.source, date, has_date,
                               rec.text, rec.text_len);
            if (err) {
                scan_fail(s, err, "%s: %s", rec.file, nd_strerror(err));
                goto done;
            }
        }
        if (cur->n_arts && (got == 0 || cur->text.len >= ND_BATCH_BYTES ||
                            cur->n_arts >= ND_BATCH_ARTICLES)) {
            err = nd_analyzer_submit(an, cur);
            if (err) {
                scan_fail(s, err, "%s", nd_strerror(err));
                goto done;
            }
            in_flight++;
            if (s->opts.progress) {
                nd_read_stats rs;
                nd_progress pr;

                nd_reader_stats(&rs, r);
                pr.pass = 1;
                pr.bytes_read = rs.bytes_in;
                pr.bytes_total = s->bytes_total;
                pr.articles = rs.records;
                s->opts.progress(&pr, s->opts.progress_payload);
            }
        }
        /* Merge the oldest when every slot is busy, or everything at the
         * end. */
        while (in_flight && (in_flight == n_slots || got == 0)) {
            nd_batch *old = &slots[head];

            nd_analyzer_wait(an, old);
            err = scan_merge(s, k, old);
            if (err)
                goto done;
            nd_batch_reset(old);
            head = (head + 1) % n_slots;
            in_flight--;
        }
        if (got == 0)
            break;
        cur = &slots[(head + in_flight) % n_slots];
    }
done:
    /* Workers finish what they hold before the batches go. */
    nd_analyzer_free(an);
    if (slots) {
        size_t i;

        for (i = 0; i < n_slots; i++)
            nd_batch_free(&slots[i]);
        free(slots);
    }
    return err;
}

/* ---- candidates, verification, clusters --------------------------------- */

typedef struct scan_cover {
    nd_scan *s;         /* the scan */
    nd_thresholds th;   /* duplicate thresholds */
} scan_cover;

static const uint32_t *scan_set(const nd_scan *s, uint32_t p)
{
    return s->sets.v + s->set_off[p];
}

static int scan_covers(double *jac, double *cont, uint32_t canon,
                       uint32_t item, void *payload)
{
    scan_cover *c = payload;
    const nd_scan *s = c->s;
    nd_sim sim;

    nd_verify(&sim, scan_set(s, canon), s->set_n[canon], scan_set(s, item),
              s->set_n[item]);
    if (!nd_verify_covers(&sim, s->set_n[item], &c->th))
        return 0;
    *jac = sim.jaccard;
    *cont = sim.b_in_a;
    return 1;
}

/* Verdicts on a candidate pair. */
#define SCAN_DUP 1      /* within the thresholds */
#define SCAN_A_INSIDE 2 /* a is contained in the larger b */
#define SCAN_B_INSIDE 4 /* b is contained in the larger a */

/* One thread's share of the candidate pairs. */
typedef struct scan_verify_job {
    const nd_scan *s;         /* sets */
    const nd_pair *pairs;     /* all candidates */
    size_t lo, hi;            /* this job's range */
    const nd_thresholds *th;  /* thresholds */
    uint8_t *verdict;         /* per pair, SCAN_* bits */
} scan_verify_job;

static void *scan_verify_range(void *arg)
{
    scan_verify_job *j = arg;
    const nd_scan *s = j->s;
    size_t i;

    for (i = j->lo; i < j->hi; i++) {
        uint32_t a = j->pairs[i].a, b = j->pairs[i].b;
        size_t na = s->set_n[a], nb = s->set_n[b];
        uint8_t v = 0;
        nd_sim sim;

        if (nd_verify_dup(&sim, scan_set(s, a), na, scan_set(s, b), nb,
                          j->th)) {
            v = SCAN_DUP;
            if (nb > na && na >= j->th->min_contain &&
                sim.a_in_b >= j->th->containment)
                v |= SCAN_A_INSIDE;
            if (na > nb && nb >= j->th->min_contain &&
                sim.b_in_a >= j->th->containment)
                v |= SCAN_B_INSIDE;
        }
        j->verdict[i] = v;
    }
    return NULL;
}

/*
 * Checks every candidate exactly, split over the scan's threads in
 * contiguous ranges; each verdict depends on its pair alone, so the result
 * is the same for any number of threads.
 */
static void scan_verify_all(const nd_scan *s, const nd_pairvec *pairs,
                            const nd_thresholds *th, uint8_t *verdict)
{
    scan_verify_job jobs[64];
    pthread_t tid[64];
    size_t t, n = s->threads > 64 ? 64 : s->threads, started = 0;

    if (n < 1 || pairs->n < 4096)
        n = 1;
    for (t = 0; t < n; t++) {
        jobs[t].s = s;
        jobs[t].pairs = pairs->v;
        jobs[t].lo = pairs->n * t / n;
        jobs[t].hi = pairs->n * (t + 1) / n;
        jobs[t].th = th;
        jobs[t].verdict = verdict;
    }
    /* Job 0 runs here; a thread that cannot start runs here too. */
    for (t = 1; t < n; t++)
        if (pthread_create(&tid[t], NULL, scan_verify_range, &jobs[t]) == 0)
            started |= (size_t)1 << t;
        else
            scan_verify_range(&jobs[t]);
    scan_verify_range(&jobs[0]);
    for (t = 1; t < n; t++)
        if (started & ((size_t)1 << t))
            pthread_join(tid[t], NULL);
}

/* A paragraph of a component, with what decides its preference. */
typedef struct scan_pref {
    uint32_t root;      /* component */
    uint32_t contained; /* 1 when inside a larger member: goes last */
    uint32_t rank;      /* its article's rank (keep policy, priority) */
    uint32_t para;      /* paragraph number */
} scan_pref;

static int scan_cmp_pref(const void *pa, const void *pb)
{
    const scan_pref *a = pa, *b = pb;

    if (a->root != b->root)
        return a->root < b->root ? -1 : 1;
    if (a->contained != b->contained)
        return a->contained < b->contained ? -1 : 1;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    return (a->para > b->para) - (a->para < b->para);
}

/*
 * Verifies the candidates, joins verified pairs and exact copies, then
 * splits every component into clusters. A paragraph strictly contained in
 * a larger member of its component goes after the others in preference,
 * so that the containing paragraph is the canonical; otherwise the rank of
 * its article decides (source priority, then the keep policy), then its
 * position. Verified pairs are kept for the article report.
 */
static int scan_cluster(nd_scan *s, nd_pairvec *pairs)
{
    scan_cover cov;
    nd_uf uf = {0};
    uint8_t *contained = NULL;
    scan_pref *order = NULL;
    uint8_t *verdict = NULL;
    uint32_t *items = NULL, *canon = NULL, *count = NULL;
    float *jac = NULL, *cont = NULL;
    size_t i, n = s->n_paras, n_order = 0, k;
    int err;

    cov.s = s;
    cov.th.jaccard = s->opts.threshold;
    cov.th.containment = s->opts.containment;
    cov.th.min_contain = s->opts.min_contain;

    err = nd_uf_init(&uf, n);
    if (err)
        goto done;
    contained = calloc(n ? n : 1, 1);
    count = calloc(n ? n : 1, sizeof *count);
    if (!contained || !count) {
        err = ND_ENOMEM;
        goto done;
    }
    s->stats.candidate_pairs = pairs->n;
    verdict = malloc(pairs->n ? pairs->n : 1);
    if (!verdict) {
        err = ND_ENOMEM;
        goto done;
    }
    scan_verify_all(s, pairs, &cov.th, verdict);
    for (i = 0; i < pairs->n; i++) {
        uint32_t a = pairs->v[i].a, b = pairs->v[i].b;

        if (!(verdict[i] & SCAN_DUP))
            continue;
        s->stats.verified_pairs++;
        /* The candidates' array is rewritten in place with the verified
         * pairs: the article report needs them, the rest is done. */
        pairs->v[s->verified.n++] = pairs->v[i];
        nd_uf_union(&uf, a, b);
        if (verdict[i] & SCAN_A_INSIDE)
            contained[a] = 1;
        if (verdict[i] & SCAN_B_INSIDE)
            contained[b] = 1;
    }
    /* Hand the verified pairs over; pairs is left empty. */
    s->verified.v = pairs->v;
    s->verified.cap = pairs->cap;
    pairs->v = NULL;
    pairs->n = pairs->cap = 0;
    for (i = 0; i < n; i++)
        if (s->copy_of[i] != ND_NONE)
            nd_uf_union(&uf, s->copy_of[i], (uint32_t)i);
    /* A copy is contained wherever its first holder is. */
    for (i = 0; i < n; i++)
        if (s->copy_of[i] != ND_NONE)
            contained[i] = contained[s->copy_of[i]];

    for (i = 0; i < n; i++)
        count[nd_uf_find(&uf, (uint32_t)i)]++;
    order = malloc((n ? n : 1) * sizeof *order);
    if (!order) {
        err = ND_ENOMEM;
        goto done;
    }
    for (i = 0; i < n; i++) {
        uint32_t r = nd_uf_find(&uf, (uint32_t)i);
        scan_pref *o;

        if (count[r] < 2)
            continue;
        o = &order[n_order++];
        o->root = r;
        o->contained = contained[i];
        o->rank = s->articles[s->paras[i].doc].rank;
        o->para = (uint32_t)i;
    }
    qsort(order, n_order, sizeof *order, scan_cmp_pref);

    items = malloc((n_order ? n_order : 1) * sizeof *items);
    canon = malloc((n_order ? n_order : 1) * sizeof *canon);
    jac = malloc((n_order ? n_order : 1) * sizeof *jac);
    cont = malloc((n_order ? n_order : 1) * sizeof *cont);
    if (!items || !canon || !jac || !cont) {
        err = ND_ENOMEM;
        goto done;
    }
    for (i = 0; i < n_order; i++)
        items[i] = order[i].para;
    for (i = 0; i < n_order; i = k) {
        size_t j;

        for (k = i; k < n_order && order[k].root == order[i].root; k++)
            ;
        err = nd_cluster_assign(canon + i, jac + i, cont + i, items + i,
                                k - i, scan_covers, &cov);
        if (err)
            goto done;
        for (j = i; j < k; j++) {
            nd_para *pa = &s->paras[items[j]];

            pa->canon = canon[j];
            pa->jaccard = jac[j];
            pa->contain = cont[j];
        }
    }
done:
    nd_uf_free(&uf);
    free(verdict);
    free(contained);
    free(count);
    free(order);
    free(items);
    free(canon);
    free(jac);
    free(cont);
    return err;
}

/* What orders articles for the keep policy. */
typedef struct scan_rank {
    uint32_t prio;   /* place of its source in source_priority, or the
                        list's length when absent */
    uint32_t undated; /* 1 when it has no date */
    int64_t date;    /* its date */
    uint64_t bytes;  /* its paragraph bytes */
    const char *id;  /* its id */
    uint32_t idx;    /* input order */
    nd_keep keep;    /* the policy (the same for all) */
} scan_rank;

static int scan_cmp_rank(const void *pa, const void *pb)
{
    const scan_rank *a = pa, *b = pb;

    if (a->prio != b->prio)
        return a->prio < b->prio ? -1 : 1;
    if (a->keep == ND_KEEP_FIRST)
        return (a->idx > b->idx) - (a->idx < b->idx);
    if (a->keep == ND_KEEP_LONGEST && a->bytes != b->bytes)
        return a->bytes > b->bytes ? -1 : 1;
    if (a->undated != b->undated)
        return a->undated < b->undated ? -1 : 1;
    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    /* Same date (dates are often to the day) or none: input order, which
     * in a crawl is the order of publication more often than not. */
    if (a->idx != b->idx)
        return a->idx < b->idx ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* Ranks the articles by source priority, then the keep policy. */
static int scan_rank_articles(nd_scan *s)
{
    size_t i, j, np = s->opts.n_source_priority;
    scan_rank *r = malloc((s->n_articles ? s->n_articles : 1) * sizeof *r);
    uint32_t *prio_of = malloc((s->n_sources ? s->n_sources : 1) *
                               sizeof *prio_of);

    if (!r || !prio_of) {
        free(r);
        free(prio_of);
        return ND_ENOMEM;
    }
    for (i = 0; i < s->n_sources; i++)
        prio_of[i] = UINT32_MAX; /* not looked up yet */
    for (i = 0; i < s->n_articles; i++) {
        const nd_article *a = &s->articles[i];

        r[i].prio = (uint32_t)np;
        if (a->source_off != ND_NO_SOURCE) {
            if (prio_of[a->source] == UINT32_MAX) {
                for (j = 0; j < np && strcmp(s->opts.source_priority[j],
                                             s->ids.data + a->source_off);
                     j++)
                    ;
                prio_of[a->source] = (uint32_t)j;
            }
            r[i].prio = prio_of[a->source];
        }
        r[i].undated = !a->has_date;
        r[i].date = a->has_date ? a->date : 0;
        r[i].bytes = a->bytes;
        r[i].id = s->ids.data + a->id_off;
        r[i].idx = (uint32_t)i;
        r[i].keep = s->opts.keep;
    }
    qsort(r, s->n_articles, sizeof *r, scan_cmp_rank);
    for (i = 0; i < s->n_articles; i++)
        s->articles[r[i].idx].rank = (uint32_t)i;
    free(r);
    free(prio_of);
    return 0;
}

/*
 * Boilerplate or shared content? A cluster is a source's furniture when
 * all its copies come from one known source and either span at least
 * boilerplate_articles of its articles (headers, footers, share lines), or
 * are verbatim repeats of a short line (at most ND_SHORT_SHINGLES
 * shingles, about 20 words) inside one page ("All rights reserved ...").
 * Anything else - text crossing sources, or longer text repeated inside
 * an article, like a standfirst - is shared content. Articles without a
 * known source each count as a source of their own.
 */
#define ND_SHORT_SHINGLES 16

static uint8_t scan_kind(const nd_scan *s, uint32_t canon, const uint32_t *m,
                         size_t n)
{
    const nd_article *ca = &s->articles[s->paras[canon].doc];
    size_t i, articles = 1, verbatim = 1;
    uint32_t prev = ND_NONE;

    for (i = 0; i < n; i++) {
        const nd_para *p = &s->paras[m[i]];
        const nd_article *a = &s->articles[p->doc];

        if (a->source != ca->source)
            return ND_KIND_SHARED;
        if (p->doc != ca - s->articles && p->doc != prev)
            articles++; /* members come in paragraph order */
        prev = p->doc;
        if (s->set_off[m[i]] != s->set_off[canon])
            verbatim = 0; /* not an exact copy of the canonical */
    }
    if (ca->source_off != ND_NO_SOURCE &&
        articles >= s->opts.boilerplate_articles)
        return ND_KIND_BOILERPLATE;
    if (articles == 1 && verbatim && s->set_n[canon] <= ND_SHORT_SHINGLES)
        return ND_KIND_BOILERPLATE;
    return ND_KIND_SHARED;
}

/* Numbers the clusters in the order of their canonicals, lists their
 * members in paragraph order, tells boilerplate from shared text, and
 * decides what the cleaned corpus leaves out. */
static int scan_index_clusters(nd_scan *s)
{
    size_t i, n = s->n_paras, k = 0, n_members = 0;
    uint32_t *fill;

    s->cluster_of = malloc((n ? n : 1) * sizeof *s->cluster_of);
    if (!s->cluster_of)
        return ND_ENOMEM;
    for (i = 0; i < n; i++)
        s->cluster_of[i] = ND_NONE;
    for (i = 0; i < n; i++) {
        const nd_para *pa = &s->paras[i];

        if (pa->canon == i)
            continue;
        n_members++;
        if (s->cluster_of[pa->canon] == ND_NONE)
            s->cluster_of[pa->canon] = 0; /* mark: has members */
    }
    for (i = 0; i < n; i++)
        if (s->cluster_of[i] != ND_NONE)
            s->cluster_of[i] = (uint32_t)k++;
    s->n_clusters = k;
    s->member_off = calloc(k + 1, sizeof *s->member_off);
    s->members = malloc((n_members ? n_members : 1) * sizeof *s->members);
    s->kind = calloc(k ? k : 1, 1);
    fill = calloc(k + 1, sizeof *fill);
    if (!s->member_off || !s->members || !s->kind || !fill) {
        free(fill);
        return ND_ENOMEM;
    }
    for (i = 0; i < n; i++)
        if (s->paras[i].canon != i)
            s->member_off[s->cluster_of[s->paras[i].canon] + 1]++;
    for (i = 0; i < k; i++)
        s->member_off[i + 1] += s->member_off[i];
    for (i = 0; i < n; i++) {
        uint32_t c;

        if (s->paras[i].canon == i)
            continue;
        c = s->cluster_of[s->paras[i].canon];
        s->members[s->member_off[c] + fill[c]++] = (uint32_t)i;
    }
    free(fill);

    /* Kinds, and what leaves the cleaned corpus. */
    for (i = 0; i < n; i++) {
        uint32_t c = s->cluster_of[i];

        if (c != ND_NONE)
            s->kind[c] = scan_kind(s, (uint32_t)i,
                                   s->members + s->member_off[c],
                                   s->member_off[c + 1] - s->member_off[c]);
    }
    for (i = 0; i < n; i++) {
        nd_para *pa = &s->paras[i];
        uint32_t c = s->cluster_of[pa->canon];
        uint64_t bytes = pa->end - pa->start;

        if (c == ND_NONE)
            continue;
        pa->boiler = s->kind[c] == ND_KIND_BOILERPLATE;
        if (pa->boiler)
            pa->removed = s->opts.boilerplate == ND_BOILERPLATE_DROP_ALL ||
                          (s->opts.boilerplate == ND_BOILERPLATE_DROP_COPIES &&
                           pa->canon != i);
        else
            pa->removed = pa->canon != i;
        if (!pa->removed)
            continue;
        s->stats.paragraphs_removed++;
        s->stats.bytes_removed += bytes;
        if (pa->boiler)
            s->stats.boilerplate_bytes_removed += bytes;
        else
            s->stats.shared_bytes_removed += bytes;
    }
    for (i = 0; i < k; i++)
        s->stats.boilerplate_clusters += s->kind[i] == ND_KIND_BOILERPLATE;
    s->stats.clusters = k;
    return 0;
}

static void scan_read_opts(const nd_scan *s, nd_read_opts *ro)
{
    ro->id_field = s->opts.id_field;
    ro->text_field = s->opts.text_field;
    ro->source_field = s->opts.source_field;
    ro->date_field = s->opts.date_field;
    ro->strict = s->opts.strict;
    ro->warn = s->opts.warn;
    ro->warn_payload = s->opts.warn_payload;
}

int nd_scan_run(nd_scan *s)
{
    nd_reader *r = NULL;
    nd_read_opts ro;
    nd_read_stats rs;
    nd_pairvec pairs = {0};
    scan_keys k;
    double t0;
    int err;

    if (!s)
        return ND_EINVAL;
    if (s->ran)
        return scan_fail(s, ND_EINVAL, "a scan runs once");
    if (s->n_inputs == 0)
        return scan_fail(s, ND_EINVAL, "no input given");
    memset(&k, 0, sizeof k);
    scan_read_opts(s, &ro);
    err = nd_reader_open(&r, s->inputs, s->n_inputs, &ro);
    if (err) {
        scan_fail(s, err, "%s", r ? nd_reader_errmsg(r) : nd_strerror(err));
        goto done;
    }
    t0 = scan_now();
    err = scan_pass1(s, r, &k);
    if (err)
        goto done;
    s->stats.seconds_analyse = scan_now() - t0;
    t0 = scan_now();
    /* Pass 1 is over: its lookup tables go, and the arrays hand their
     * spare capacity back before the sorts need scratch space. */
    seen_free(&k.seen);
    seen_free(&k.ids);
    seen_free(&k.sources);
    nd_shrink((void **)&s->sets.v, &s->sets.cap, s->sets.n,
              sizeof *s->sets.v);
    nd_shrink((void **)&k.bands.v, &k.bands.cap, k.bands.n,
              sizeof *k.bands.v);
    nd_shrink((void **)&k.index.v, &k.index.cap, k.index.n,
              sizeof *k.index.v);
    nd_reader_stats(&rs, r);
    s->stats.files = rs.files;
    s->stats.files_ignored = rs.files_ignored;
    s->stats.records_skipped = rs.skipped;
    s->stats.articles = s->n_articles;
    s->stats.paragraphs = s->n_paras;
    s->stats.bands = s->bands;
    s->stats.rows = s->rows;
    s->stats.fp_rate = s->fp;
    s->stats.fn_rate = s->fn;

    /* Candidates from both generators, each pair once. */
    err = nd_lsh_pairs(&pairs, &k.bands, ND_BUCKET_CAP);
    nd_keyvec_free(&k.bands);
    if (!err)
        err = nd_lsh_join(&pairs, &k.index, &k.queries, ND_BUCKET_CAP);
    nd_keyvec_free(&k.index);
    nd_keyvec_free(&k.queries);
    if (!err)
        err = nd_lsh_pairs_unique(&pairs);
    s->stats.seconds_candidates = scan_now() - t0;
    t0 = scan_now();
    if (!err)
        err = scan_rank_articles(s);
    if (!err)
        err = scan_cluster(s, &pairs);
    if (!err)
        err = scan_index_clusters(s);
    if (!err) {
        nd_articles_in ai;

        ai.articles = s->articles;
        ai.n_articles = s->n_articles;
        ai.paras = s->paras;
        ai.n_paras = s->n_paras;
        ai.sets = s->sets.v;
        ai.set_off = s->set_off;
        ai.set_n = s->set_n;
        ai.pairs = s->verified.v;
        ai.n_pairs = s->verified.n;
        ai.copy_of = s->copy_of;
        ai.copy = s->opts.copy;
        err = nd_articles_build(&s->art, &ai);
    }
    if (!err) {
        size_t i;

        for (i = 0; i < s->n_articles; i++) {
            s->stats.articles_sharing += s->art.sharing[i];
            s->stats.articles_syndicated += s->art.syndicated[i];
        }
        s->stats.seconds_cluster = scan_now() - t0;
    }
    if (err) {
        scan_fail(s, err, "clustering failed: %s", nd_strerror(err));
        goto done;
    }
    s->ran = 1;
done:
    nd_pairvec_free(&pairs);
    scan_keys_free(&k);
    nd_reader_free(r);
    return err;
}

int nd_scan_write(nd_scan *s, const char *outdir)
{
    nd_result res;
    nd_read_opts ro;
    double t0;
    int err;

    if (!s || !outdir || !*outdir)
        return ND_EINVAL;
    if (!s->ran)
        return scan_fail(s, ND_EINVAL, "nd_scan_write needs nd_scan_run first");
    res.articles = s->articles;
    res.n_articles = s->n_articles;
    res.ids = s->ids.data ? s->ids.data : "";
    res.paras = s->paras;
    res.n_paras = s->n_paras;
    res.cluster_of = s->cluster_of;
    res.member_off = s->member_off;
    res.members = s->members;
    res.n_clusters = s->n_clusters;
    res.kind = s->kind;
    res.copy_off = s->art.copy_off;
    res.copies = s->art.copies;
    res.sharing = s->art.sharing;
    res.syndicated = s->art.syndicated;
    res.opts = &s->opts;
    res.stats = &s->stats;
    res.bytes_total = s->bytes_total;
    scan_read_opts(s, &ro);
    /* Pass 1 has warned about every fault already. */
    ro.warn = NULL;
    ro.strict = 0;
    t0 = scan_now();
    err = nd_report_write(&res, s->inputs, s->n_inputs, &ro, outdir,
                          s->errmsg, sizeof s->errmsg);
    s->stats.seconds_write = scan_now() - t0;
    return err;
}
