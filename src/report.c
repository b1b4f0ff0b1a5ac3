/*
 * report.c - the outputs of a scan (see report.h for the commit protocol).
 *
 * clusters.jsonl is written during the second read of the inputs: clusters
 * are numbered in the order of their canonicals, which is input order, so
 * each cluster's line can be written when its canonical's article comes by
 * and no paragraph text is held beyond the batches of articles in hand
 * (see "Pass 2 reads the inputs again" below: worker threads make the
 * batches' output, a writer thread writes it in order; the lines
 * themselves are made in lines.c). A JSONL record that loses paragraphs
 * is written as its own line with only the text field's value replaced
 * (nd_json_value).
 *
 * Glued boilerplate is located here, as only pass 2 has the text: the
 * scan names the paragraphs that may hold a boilerplate canonical's text
 * (nd_part); pass 2 finds the prefix or suffix each holds
 * (nd_locate_part) and clean/ leaves it out. A cluster with such
 * candidates cannot be written when its canonical comes by, as parts may
 * come later in the input: its line is held back (the canonical's text
 * only) and written into its place once pass 2 is over.
 */
#define _GNU_SOURCE /* copy_file_range */

#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "jsontext.h"
#include "lines.h"
#include "locate.h"
#include "pool.h"
#include "util.h"

/* State of one write. */
typedef struct report {
    const nd_result *res;  /* what to write */
    const char *outdir;    /* final directory */
    nd_buf tmp;            /* OUTDIR/.neardup-tmp-PID */
    nd_buf path;           /* scratch path */
    nd_buf decoded;        /* a JSONL text decoded by the reading side */
    FILE *clusters;        /* tmp/clusters.jsonl */
    FILE *articles;        /* tmp/articles.jsonl */
    FILE *clean;           /* current file of the cleaned corpus */
    uint64_t clean_file;   /* file_no of that file */
    char *err;             /* message buffer */
    size_t errlen;         /* its size */
    struct report_scratch *own; /* the reading side's scratch, for records
                                   it cleans itself */
    uint8_t *has_parts;    /* per cluster: candidate glued parts */
    struct report_later *later; /* cluster lines held back, in order */
    size_t n_later, cap_later;
    nd_buf later_text;     /* their canonicals' texts */
} report;

/* A cluster line held back until every part of it is located: it goes
 * where the line would have been, at byte pos of clusters.jsonl. */
typedef struct report_later {
    uint32_t para;         /* its canonical */
    long long pos;         /* where it belongs */
    size_t text_off;       /* the canonical's text in later_text */
} report_later;

static int report_fail(report *rp, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(rp->err, rp->errlen, fmt, ap);
    va_end(ap);
    return err;
}

/* ---- files and directories ---------------------------------------------- */

/* mkdir -p for the directory part of path (or all of it when whole). */
static int report_mkdirs(char *path, int whole)
{
    char *p;

    for (p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST) {
            *p = '/';
            return -1;
        }
        *p = '/';
    }
    if (whole && mkdir(path, 0777) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

static int report_rm_entry(const char *path, const struct stat *st, int flag,
                           struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void report_rm_tree(const char *path)
{
    nftw(path, report_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void *report_rm_run(void *arg)
{
    report_rm_tree(arg);
    return NULL;
}

/*
 * Removes the temporary directory: the outputs a run replaced (NAME.old)
 * once it succeeded, or what it made once it failed. Removing a file the
 * size of the corpus is the kernel's work on the page cache, a third of
 * a second for a gigabyte, so with threads to spare the old cleaned
 * corpus goes on a thread of its own while this one removes the files
 * beside it.
 */
static void report_rm_tmp(const report *rp)
{
    nd_buf sub = {0};
    pthread_t t;
    int started = 0;
    DIR *d;

    if (rp->res->threads > 1 &&
        nd_buf_append(&sub, rp->tmp.data, rp->tmp.len) == 0 &&
        nd_buf_append(&sub, "/clean.old", sizeof "/clean.old") == 0)
        started = pthread_create(&t, NULL, report_rm_run, sub.data) == 0;
    if (started && (d = opendir(rp->tmp.data)) != NULL) {
        struct dirent *e;

        while ((e = readdir(d)) != NULL)
            if (e->d_name[0] != '.' && strcmp(e->d_name, "clean.old") != 0)
                unlinkat(dirfd(d), e->d_name, 0); /* (directories stay) */
        closedir(d);
    }
    if (started)
        pthread_join(t, NULL);
    report_rm_tree(rp->tmp.data);
    nd_buf_free(&sub);
}

/*
 * Removes what killed runs left in outdir: .neardup-tmp-PID directories
 * whose process is gone. A live PID's directory may be another neardup
 * writing to the same place right now, so it stays.
 */
static void report_rm_stale(const char *outdir)
{
    DIR *d = opendir(outdir);
    struct dirent *e;
    nd_buf path = {0};

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (!nd_left_by_dead_run(e->d_name, ".neardup-tmp-", '\0'))
            continue; /* not one, alive, or not ours to judge */
        path.len = 0;
        if (nd_buf_append(&path, outdir, strlen(outdir)) == 0 &&
            nd_buf_putc(&path, '/') == 0 &&
            nd_buf_append(&path, e->d_name, strlen(e->d_name)) == 0)
            report_rm_tree(path.data);
    }
    closedir(d);
    nd_buf_free(&path);
}

static int report_set_path(report *rp, const char *a, const char *b)
{
    rp->path.len = 0;
    if (nd_buf_append(&rp->path, a, strlen(a)) ||
        nd_buf_putc(&rp->path, '/') || nd_buf_append(&rp->path, b, strlen(b)))
        return ND_ENOMEM;
    return 0;
}

/* Starts the cleaned copy of file number file_no, out_name in clean/. */
static int report_open_clean(report *rp, const char *out_name,
                             uint64_t file_no)
{
    int err;

    if (rp->clean && fclose(rp->clean) != 0) {
        rp->clean = NULL;
        return report_fail(rp, ND_EIO, "cannot write the cleaned corpus: %s",
                           strerror(errno));
    }
    rp->clean = NULL;
    err = report_set_path(rp, rp->tmp.data, "clean");
    if (!err) {
        err = nd_buf_putc(&rp->path, '/');
        if (!err)
            err = nd_buf_append(&rp->path, out_name, strlen(out_name));
    }
    if (err)
        return report_fail(rp, err, "out of memory");
    if (report_mkdirs(rp->path.data, 0) != 0 ||
        !(rp->clean = fopen(rp->path.data, "wb")))
        return report_fail(rp, ND_EIO, "%s: %s", rp->path.data,
                           strerror(errno));
    rp->clean_file = file_no;
    return 0;
}

/* ---- the parts ------------------------------------------------------------ */

int nd_report_clean_cut(nd_buf *out, const char *text, size_t len,
                        const nd_para *paras, size_t n,
                        const uint32_t *keep)
{
    size_t i, prev = (size_t)-1;
    int err;

    out->len = 0;
    if (n == 0)
        return nd_buf_append(out, text, len);
    err = nd_buf_append(out, text, paras[0].start);
    for (i = 0; !err && i < n; i++) {
        size_t lo = keep ? keep[2 * i] : paras[i].start;
        size_t hi = keep ? keep[2 * i + 1] : paras[i].end;

        if (paras[i].removed)
            continue;
        if (prev != (size_t)-1)
            err = nd_buf_append(out, text + paras[prev].end,
                                paras[prev + 1].start - paras[prev].end);
        if (!err)
            err = nd_buf_append(out, text + lo, hi - lo);
        prev = i;
    }
    if (!err)
        err = nd_buf_append(out, text + paras[n - 1].end,
                            len - paras[n - 1].end);
    return err;
}

int nd_report_clean_text(nd_buf *out, const char *text, size_t len,
                         const nd_para *paras, size_t n, uint32_t first)
{
    (void)first;
    return nd_report_clean_cut(out, text, len, paras, n, NULL);
}

/* Cluster number of a part's canonical. */
static uint32_t report_part_cluster(const nd_result *res, uint32_t k)
{
    return res->cluster_of[res->parts[k].canon];
}

/* Holds back the line of canonical p (text ptext), which belongs at byte
 * pos of clusters.jsonl, until the end of pass 2: parts of its cluster may
 * still come. */
static int report_hold(report *rp, uint32_t p, const char *ptext,
                       long long pos)
{
    const nd_para *pa = &rp->res->paras[p];
    report_later *l;
    int err = nd_grow((void **)&rp->later, &rp->cap_later, rp->n_later + 1,
                  sizeof *rp->later);

    if (err)
        return report_fail(rp, err, "out of memory");
    l = &rp->later[rp->n_later];
    l->para = p;
    l->pos = pos;
    l->text_off = rp->later_text.len;
    if (nd_buf_append(&rp->later_text, ptext, pa->end - pa->start))
        return report_fail(rp, ND_ENOMEM, "out of memory");
    rp->n_later++;
    return 0;
}

/* Records a located part of paragraph pa (loc's offsets are within it). */
static void report_set_part(nd_part *pt, uint8_t side, const nd_para *pa,
                            const nd_part_loc *loc)
{
    pt->side = side;
    pt->start = pa->start + (uint32_t)loc->start;
    pt->end = pa->start + (uint32_t)loc->end;
    pt->jaccard = (float)loc->jaccard;
    pt->contain = (float)loc->contain;
}

/*
 * Locates the glued parts of article art (text in hand) among its
 * candidates: for each paragraph, the longest prefix and the longest
 * suffix over its candidate canonicals (the first canonical on a tie), as
 * long as something of the paragraph stays between them; *cut tells
 * whether any was found. Each article's parts are its own, so articles
 * are located on any thread; the article's lines are made after it.
 */
static int report_locate_article(const nd_result *res,
                                 nd_locate_scratch *loc, size_t art,
                                 const char *text, int *cut)
{
    const nd_article *a = &res->articles[art];
    nd_part_rule rule;
    size_t k = nd_line_parts_from(res, a->first);

    rule.ngram = res->opts->ngram;
    rule.seed = res->opts->seed;
    rule.containment = res->opts->containment;
    rule.min_contain = res->opts->min_contain;
    *cut = 0;
    while (k < res->n_parts && res->parts[k].para < a->first + a->n) {
        uint32_t g = res->parts[k].para;
        const nd_para *pa = &res->paras[g];
        size_t best_pre = (size_t)-1, best_suf = (size_t)-1;
        size_t pre_words = 0, suf_words = 0, words = 0, i;
        nd_part_loc pre_loc, suf_loc;

        memset(&pre_loc, 0, sizeof pre_loc);
        memset(&suf_loc, 0, sizeof suf_loc);
        for (i = k; i < res->n_parts && res->parts[i].para == g; i++) {
            nd_part *pt = &res->parts[i];
            nd_part_loc pl, sl;
            int err;

            pt->side = ND_PART_NONE;
            pt->start = pt->end = 0;
            err = nd_locate_part(&pl, &sl, loc, text + pa->start,
                                 pa->end - pa->start,
                                 res->sets + res->set_off[pt->canon],
                                 res->set_n[pt->canon], &rule);
            if (err)
                return err;
            words = loc->spans.n / 2;
            if (pl.found && pl.words > pre_words) {
                best_pre = i;
                pre_words = pl.words;
                pre_loc = pl;
            }
            if (sl.found && sl.words > suf_words) {
                best_suf = i;
                suf_words = sl.words;
                suf_loc = sl;
            }
        }
        /* Two canonicals may claim overlapping ends: the longer stays. */
        if (best_pre != (size_t)-1 && best_suf != (size_t)-1 &&
            pre_words + suf_words > words - 1) {
            if (suf_words > pre_words)
                best_pre = (size_t)-1;
            else
                best_suf = (size_t)-1;
        }
        if (best_pre != (size_t)-1 && best_pre == best_suf)
            best_suf = (size_t)-1; /* one canonical, one member line */
        if (best_pre != (size_t)-1)
            report_set_part(&res->parts[best_pre], ND_PART_PREFIX, pa,
                            &pre_loc);
        if (best_suf != (size_t)-1)
            report_set_part(&res->parts[best_suf], ND_PART_SUFFIX, pa,
                            &suf_loc);
        *cut |= best_pre != (size_t)-1 || best_suf != (size_t)-1;
        k = i;
    }
    return 0;
}

/* The kept spans of article art's paragraphs into keep (2 per paragraph),
 * for nd_report_clean_cut. */
static int report_keep_spans(nd_u32vec *keep, const nd_result *res,
                             size_t art)
{
    const nd_article *a = &res->articles[art];
    size_t k, i;
    int err;

    keep->n = 0;
    err = nd_u32vec_reserve(keep, 2 * (size_t)a->n);
    if (err)
        return err;
    for (i = 0; i < a->n; i++) {
        keep->v[2 * i] = res->paras[a->first + i].start;
        keep->v[2 * i + 1] = res->paras[a->first + i].end;
    }
    keep->n = 2 * (size_t)a->n;
    for (k = nd_line_parts_from(res, a->first);
         k < res->n_parts && res->parts[k].para < a->first + a->n; k++) {
        const nd_part *pt = &res->parts[k];
        size_t at = pt->para - a->first;

        if (pt->side == ND_PART_PREFIX)
            keep->v[2 * at] = pt->end;
        else if (pt->side == ND_PART_SUFFIX)
            keep->v[2 * at + 1] = pt->start;
    }
    return 0;
}

/*
 * Pass 2 reads the inputs again on the calling thread, which checks each
 * article against pass 1 and copies it into a batch of about a megabyte.
 * The pool's workers make each batch's output (pool.h): they locate the
 * glued parts of its articles, make the records' cleaned form, and format
 * its cluster lines and articles.jsonl lines into the batch's buffers. The
 * batches come back in the order they were read and are written in that
 * order (report_out below: by a writer thread when there are threads to
 * spare); so everything is written in the order of the records, and the
 * output is the same for any number of threads. Only the writing side
 * touches the output files and the held-back lines, and messages are set
 * by one side at a time; a worker reads the scan's result and writes only
 * the parts of the articles of its batch.
 */
#define REPORT_BATCH_BYTES (1u << 20) /* a batch's text before it is sent */
#define REPORT_BATCH_ITEMS 1024       /* or its records */
#define REPORT_BATCH_LINES (1u << 20) /* or its cluster lines, about */
#define REPORT_IN_FLIGHT 2            /* batches per worker in the pool */
#define REPORT_MEMBER_BYTES 128       /* a member's part of a line, about */

/* One record of a batch. Offsets into in, except out_off when !out_in. */
typedef struct report_item {
    size_t art;           /* article number */
    size_t name_off;      /* its file's out_name, NUL-terminated */
    size_t text_off;      /* its text, when making its output needs it */
    size_t text_len;      /* (else 0) */
    size_t raw_off;       /* a JSONL record's line, without its newline */
    size_t raw_len;
    size_t vs, ve;        /* the text value's span in that line */
    size_t out_off;       /* its bytes in clean/ (a JSONL line without */
    size_t out_len;       /* its newline) */
    uint64_t file_no;     /* its file's number */
    nd_file_kind kind;    /* its file's kind */
    uint8_t made;         /* the reading side located its parts and made
                             its bytes in clean/ (a line only json-c
                             writes again) */
    uint8_t out_in;       /* its bytes in clean/ lie in in */
} report_item;

/* A cluster line held back: canonical para, at byte at of the batch's
 * cluster lines; its text at text_off of in. */
typedef struct report_held {
    uint32_t para;
    size_t at;
    size_t text_off;
} report_held;

typedef struct report_batch {
    nd_buf in;            /* names, texts and lines of the records */
    report_item *items;   /* the records, in input order */
    size_t n, cap;
    nd_buf out;           /* the cleaned records */
    nd_buf clusters;      /* the cluster lines of its canonicals */
    nd_buf articles;      /* its lines of articles.jsonl */
    report_held *held;    /* the cluster lines held back */
    size_t n_held, cap_held;
    size_t line_bytes;    /* about the size of its cluster lines */
} report_batch;

/* A worker's scratch. */
typedef struct report_scratch {
    nd_locate_scratch loc; /* of nd_locate_part */
    nd_u32vec keep;        /* kept spans of an article's paragraphs */
    nd_buf text;           /* its cleaned text */
} report_scratch;

static void report_scratch_free(void *arg)
{
    report_scratch *sc = arg;

    nd_locate_scratch_free(&sc->loc);
    nd_u32vec_free(&sc->keep);
    nd_buf_free(&sc->text);
}

static void report_batch_free(report_batch *b)
{
    nd_buf_free(&b->in);
    nd_buf_free(&b->out);
    nd_buf_free(&b->clusters);
    nd_buf_free(&b->articles);
    free(b->items);
    free(b->held);
    free(b);
}

/* Does article art lose anything in clean/ (its parts located)? */
static int report_removes(const nd_result *res, size_t art, int cut)
{
    const nd_article *a = &res->articles[art];
    uint32_t i;

    for (i = a->first; !cut && i < a->first + a->n; i++)
        cut = res->paras[i].removed;
    return cut;
}

/* The cleaned text of article art (text in hand, parts located) into
 * sc->text. */
static int report_clean_article(const nd_result *res, report_scratch *sc,
                                size_t art, const char *text, size_t len)
{
    const nd_article *a = &res->articles[art];
    int err = report_keep_spans(&sc->keep, res, art);

    return err ? err : nd_report_clean_cut(&sc->text, text, len,
                                           res->paras + a->first, a->n,
                                           sc->keep.v);
}

/* Makes item it's bytes in clean/: as they came when nothing is removed,
 * else the cleaned text, or the line with only its text value replaced,
 * so that spacing, field order and number spelling all stay. */
static int report_make_record(const nd_result *res, report_scratch *sc,
                              report_batch *b, report_item *it)
{
    const char *in = b->in.data;
    int cut, err;

    err = report_locate_article(res, &sc->loc, it->art, in + it->text_off,
                                &cut);
    if (err)
        return err;
    it->out_in = 1;
    if (!report_removes(res, it->art, cut)) {
        it->out_off = it->kind == ND_FILE_TEXT ? it->text_off : it->raw_off;
        it->out_len = it->kind == ND_FILE_TEXT ? it->text_len : it->raw_len;
        return 0;
    }
    err = report_clean_article(res, sc, it->art, in + it->text_off,
                               it->text_len);
    it->out_in = 0;
    it->out_off = b->out.len;
    if (!err && it->kind == ND_FILE_TEXT) {
        err = nd_buf_append(&b->out, sc->text.data, sc->text.len);
    } else if (!err) {
        err = nd_buf_append(&b->out, in + it->raw_off, it->vs);
        if (!err)
            err = nd_json_string(&b->out, sc->text.data, sc->text.len);
        if (!err)
            err = nd_buf_append(&b->out, in + it->raw_off + it->ve,
                                it->raw_len - it->ve);
    }
    it->out_len = b->out.len - it->out_off;
    return err;
}

/* A worker's job: the clean/ bytes, cluster lines and articles.jsonl lines
 * of a batch, in the order of its records. */
static int report_make_batch(void *job, void *scratch, void *ctx)
{
    const report *rp = ctx;
    const nd_result *res = rp->res;
    report_batch *b = job;
    size_t k;
    int err = 0;

    b->out.len = b->clusters.len = b->articles.len = 0;
    b->n_held = 0;
    for (k = 0; !err && k < b->n; k++) {
        report_item *it = &b->items[k];
        const nd_article *a = &res->articles[it->art];
        uint32_t i;

        if (!it->made)
            err = report_make_record(res, scratch, b, it);
        for (i = a->first; !err && i < a->first + a->n; i++) {
            uint32_t c = res->cluster_of[i];
            size_t at = it->text_off + res->paras[i].start;

            if (c == ND_NONE)
                continue;
            if (!rp->has_parts[c]) {
                err = nd_line_cluster(res, &b->clusters, i,
                                      b->in.data + at, NULL, 0);
                continue;
            }
            err = nd_grow((void **)&b->held, &b->cap_held, b->n_held + 1,
                          sizeof *b->held);
            if (!err) {
                b->held[b->n_held].para = i;
                b->held[b->n_held].at = b->clusters.len;
                b->held[b->n_held++].text_off = at;
            }
        }
        if (!err)
            err = nd_line_article(res, &b->articles, it->art);
    }
    return err;
}

/* Does making article art's output need its text: does it hold a
 * canonical (whose cluster line quotes it), may it lose anything, or is
 * its text its bytes in clean/? If not, a JSONL line goes out as it came. */
static int report_needs_text(const nd_result *res, size_t art,
                             nd_file_kind kind)
{
    const nd_article *a = &res->articles[art];
    uint32_t i;

    if (kind == ND_FILE_TEXT)
        return 1;
    for (i = a->first; i < a->first + a->n; i++)
        if (res->cluster_of[i] != ND_NONE || res->paras[i].removed)
            return 1;
    i = (uint32_t)nd_line_parts_from(res, a->first);
    return i < res->n_parts && res->parts[i].para < a->first + a->n;
}

/* About the bytes of cluster c's line with n_parts glued parts. */
static size_t report_line_guess(const nd_result *res, uint32_t c,
                                size_t n_parts)
{
    return REPORT_MEMBER_BYTES *
           ((size_t)res->member_off[c + 1] - res->member_off[c] + 1 +
            n_parts);
}

/*
 * About the size of the cluster lines article art puts in its batch. The
 * canonicals of the largest clusters come early in the input, so the first
 * batches of a megabyte of text would make hundreds of megabytes of lines
 * between them, on one worker each, while the writer (who writes in order)
 * and the other workers wait: a batch ends at about as many bytes of lines
 * as of text, too.
 */
static size_t report_line_bytes(const report *rp, size_t art)
{
    const nd_result *res = rp->res;
    const nd_article *a = &res->articles[art];
    size_t bytes = 0;
    uint32_t i;

    for (i = a->first; i < a->first + a->n; i++) {
        uint32_t c = res->cluster_of[i];

        if (c != ND_NONE && !rp->has_parts[c])
            bytes += report_line_guess(res, c, 0);
    }
    return bytes;
}

/* Copies what making and writing record rec (article art) needs into b;
 * value is the text value's span in a JSONL line when known ({0, 0}: not
 * known). A line the splice cannot read is made here, with json-c, while
 * the reader still lends its parsed object. */
static int report_add(report *rp, report_batch *b, const nd_record *rec,
                      size_t art, const char *text_field,
                      const size_t value[2])
{
    const nd_result *res = rp->res;
    report_item *it;
    size_t vs = value[0], ve = value[1];
    int err, cut;

    err = nd_grow((void **)&b->items, &b->cap, b->n + 1, sizeof *b->items);
    if (err)
        return err;
    it = &b->items[b->n];
    memset(it, 0, sizeof *it);
    it->art = art;
    it->file_no = rec->file_no;
    it->kind = rec->kind;
    it->name_off = b->in.len;
    err = nd_buf_append(&b->in, rec->out_name, strlen(rec->out_name) + 1);
    it->text_off = b->in.len;
    if (report_needs_text(res, art, rec->kind)) {
        it->text_len = rec->text_len;
        if (!err)
            err = nd_buf_append(&b->in, rec->text, rec->text_len);
    }
    it->raw_off = b->in.len;
    if (!err && rec->kind != ND_FILE_TEXT) {
        it->raw_len = rec->raw_len;
        err = nd_buf_append(&b->in, rec->raw, rec->raw_len);
    }
    b->line_bytes += report_line_bytes(rp, art);
    if (err || rec->kind == ND_FILE_TEXT ||
        ve > vs || nd_json_value(rec->raw, rec->raw_len, text_field, &vs,
                                 &ve)) {
        it->vs = vs;
        it->ve = ve;
        if (!err)
            b->n++;
        return err;
    }
    /* A line the splice does not read (a duplicate key, an escaped key,
     * json-c's extensions): json-c writes it again, from the object the
     * reader parsed (pass 2 parsed this line, as the splice reads any line
     * it decodes). */
    it->made = 1;
    it->out_in = 1;
    it->out_off = it->raw_off;
    it->out_len = it->raw_len;
    err = report_locate_article(res, &rp->own->loc, art, rec->text, &cut);
    if (!err && report_removes(res, art, cut)) {
        json_object *t;
        const char *js;
        size_t jl;

        if (!rec->obj)
            return ND_EFORMAT;
        err = report_clean_article(res, rp->own, art, rec->text,
                                   rec->text_len);
        if (err)
            return err;
        t = json_object_new_string_len(rp->own->text.data,
                                       (int)rp->own->text.len);
        if (!t || json_object_object_add(rec->obj, text_field, t) != 0) {
            json_object_put(t);
            return ND_ENOMEM;
        }
        js = json_object_to_json_string_length(
            rec->obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
            &jl);
        if (!js)
            return ND_ENOMEM;
        it->out_off = b->in.len;
        it->out_len = jl;
        err = nd_buf_append(&b->in, js, jl);
    }
    if (!err)
        b->n++;
    return err;
}

/* Writes n bytes at p (none: p may be NULL); 1 when all went out. */
static int report_put(FILE *f, const char *p, size_t n)
{
    return n == 0 || fwrite(p, 1, n, f) == n;
}

/* Writes a batch the pool gave back: its cluster lines (noting where the
 * held-back ones belong), its records in clean/, its articles lines. */
static int report_write_batch(report *rp, const report_batch *b)
{
    const char *in = b->in.data;
    long long base = ftello(rp->clusters);
    size_t k;
    int err = 0;

    if (base < 0)
        return report_fail(rp, ND_EIO, "cannot write clusters.jsonl: %s",
                           strerror(errno));
    for (k = 0; !err && k < b->n_held; k++)
        err = report_hold(rp, b->held[k].para, in + b->held[k].text_off,
                          base + (long long)b->held[k].at);
    if (err)
        return err;
    if (!report_put(rp->clusters, b->clusters.data, b->clusters.len))
        return report_fail(rp, ND_EIO, "cannot write clusters.jsonl: %s",
                           strerror(errno));
    for (k = 0; !err && k < b->n; k++) {
        const report_item *it = &b->items[k];
        const char *bytes = it->out_in ? in : b->out.data;

        if (!rp->clean || it->file_no != rp->clean_file)
            err = report_open_clean(rp, in + it->name_off, it->file_no);
        if (!err &&
            (!report_put(rp->clean, it->out_len ? bytes + it->out_off : NULL,
                         it->out_len) ||
             (it->kind != ND_FILE_TEXT && putc('\n', rp->clean) == EOF)))
            err = report_fail(rp, ND_EIO, "cannot write the cleaned corpus: "
                              "%s", strerror(errno));
    }
    if (!err && !report_put(rp->articles, b->articles.data, b->articles.len))
        err = report_fail(rp, ND_EIO, "cannot write articles.jsonl: %s",
                          strerror(errno));
    return err;
}

static void report_progress(const report *rp, const nd_reader *r,
                            uint64_t articles)
{
    const nd_options *o = rp->res->opts;
    nd_read_stats rs;
    nd_progress pr;

    if (!o->progress)
        return;
    nd_reader_stats(&rs, r);
    pr.pass = 2;
    pr.bytes_read = rs.bytes_in;
    pr.bytes_total = rp->res->bytes_total;
    pr.articles = articles;
    pr.stage = "writing";
    o->progress(&pr, o->progress_payload);
}

/* Was rec read before article art? */
static int report_before(const nd_record *rec, const nd_article *art)
{
    return rec->file_no < art->file_no ||
           (rec->file_no == art->file_no && rec->line < art->line);
}

/*
 * Is rec article art (NULL: none is left)? Pass 1 noted where each
 * article was read, so a JSONL line comes unparsed (raw_jsonl) and is
 * only looked at when it is an article's: its text value is decoded
 * straight from the line, and json-c parses it only when that fails or
 * gives other text than pass 1 saw. Returns 1 (rec->text set and equal to
 * pass 1's), 0 (not that article, or it changed), or < 0 (the reader's
 * error). value receives the text value's span in the line when it was
 * decoded from there ({0, 0} otherwise), for the splice to reuse.
 */
static int report_find_article(report *rp, nd_reader *r, nd_record *rec,
                               const nd_article *art, const char *field,
                               size_t value[2])
{
    size_t vs, ve;
    int rc;

    value[0] = value[1] = 0;
    if (!art || rec->file_no != art->file_no ||
        (rec->kind == ND_FILE_JSONL ? rec->line : 0) != art->line)
        return 0;
    if (rec->kind == ND_FILE_JSONL && !rec->obj) {
        if (nd_json_value(rec->raw, rec->raw_len, field, &vs, &ve) &&
            nd_json_decode(&rp->decoded, rec->raw + vs, ve - vs) == 0 &&
            rp->decoded.len == art->text_len &&
            XXH3_64bits(rp->decoded.data, rp->decoded.len) ==
                art->text_hash) {
            rec->text = rp->decoded.len ? rp->decoded.data : "";
            rec->text_len = rp->decoded.len;
            value[0] = vs;
            value[1] = ve;
            return 1;
        }
        rc = nd_reader_parse(r, rec);
        if (rc <= 0)
            return rc; /* a line that is no record now: changed */
    }
    return art->text_len == rec->text_len &&
           art->text_hash == XXH3_64bits(rec->text, rec->text_len);
}

/*
 * The writing side of pass 2. With threads to spare, a writer thread takes
 * the batches back from the pool in order and writes them, so that the
 * reading thread never waits on a write (on ext4 a write costs the caller
 * its page-cache work); written batches come back to the reader for reuse.
 * With one thread, the reader takes back and writes a batch whenever the
 * pool holds enough. At most `room` batches are in the pool or waiting to
 * be written, plus the one being filled.
 */
typedef struct report_out {
    report *rp;
    nd_pool *pool;
    size_t room;
    int threaded;           /* a writer thread runs */
    pthread_t thread;
    pthread_mutex_t lock;   /* guards what follows, with the thread */
    pthread_cond_t cond;    /* signalled at every change of it */
    size_t queued;          /* batches handed to the pool, not yet taken */
    size_t made;            /* batches allocated */
    report_batch **spare;   /* written batches, for reuse */
    size_t n_spare, cap_spare;
    int stop;               /* no more batches come */
    int err;                /* the writer's first error (message in rp) */
} report_out;

/* Takes the oldest batch back from the pool and writes it (not after an
 * error); returns the error of making or writing it. */
static int report_take(report *rp, nd_pool *pool, report_batch **out,
                       int failed)
{
    int err = 0;

    *out = nd_pool_take(pool, &err);
    if (failed)
        return failed;
    if (err)
        return report_fail(rp, err, "out of memory");
    return report_write_batch(rp, *out);
}

static void *report_writer_main(void *arg)
{
    report_out *o = arg;

    pthread_mutex_lock(&o->lock);
    for (;;) {
        report_batch *b;
        int err;

        while (!o->queued && !o->stop)
            pthread_cond_wait(&o->cond, &o->lock);
        if (!o->queued)
            break;
        err = o->err;
        pthread_mutex_unlock(&o->lock);
        err = report_take(o->rp, o->pool, &b, err);
        pthread_mutex_lock(&o->lock);
        if (!o->err)
            o->err = err;
        o->queued--;
        if (nd_grow((void **)&o->spare, &o->cap_spare, o->n_spare + 1,
                    sizeof *o->spare) == 0)
            o->spare[o->n_spare++] = b;
        else
            report_batch_free(b), o->made--;
        pthread_cond_broadcast(&o->cond);
    }
    pthread_mutex_unlock(&o->lock);
    return NULL;
}

static void report_out_start(report_out *o, report *rp, nd_pool *pool,
                             size_t room)
{
    memset(o, 0, sizeof *o);
    o->rp = rp;
    o->pool = pool;
    o->room = room;
    if (rp->res->threads <= 1)
        return;
    pthread_mutex_init(&o->lock, NULL);
    pthread_cond_init(&o->cond, NULL);
    o->threaded = pthread_create(&o->thread, NULL, report_writer_main, o) ==
                  0;
    if (!o->threaded) {
        pthread_mutex_destroy(&o->lock);
        pthread_cond_destroy(&o->cond);
    }
}

/* The writer's error if it failed (its message stands), else code with
 * the reading side's message. */
static int report_read_fail(report_out *o, int code, const char *msg)
{
    int err = 0;

    if (o->threaded) {
        pthread_mutex_lock(&o->lock);
        err = o->err;
        if (!err)
            o->err = code; /* nothing more is written nor reported */
        pthread_mutex_unlock(&o->lock);
        if (err)
            return err;
        /* The writer may still be writing a batch, and fail on it:
         * the message is set once it is done with those in hand. */
        pthread_mutex_lock(&o->lock);
        while (o->queued)
            pthread_cond_wait(&o->cond, &o->lock);
        pthread_mutex_unlock(&o->lock);
    }
    return report_fail(o->rp, code, "%s", msg);
}

/* A batch to fill, emptied: a spare one, a new one while there is room,
 * else the next to be written once it is. */
static int report_out_batch(report_out *o, report_batch **out)
{
    int err = 0;

    *out = NULL;
    if (!o->threaded) {
        if (nd_pool_pending(o->pool) >= o->room)
            err = report_take(o->rp, o->pool, out, 0);
    } else {
        pthread_mutex_lock(&o->lock);
        while (!o->err && !o->n_spare && o->made > o->room)
            pthread_cond_wait(&o->cond, &o->lock);
        err = o->err;
        if (!err && o->n_spare)
            *out = o->spare[--o->n_spare];
        else if (!err)
            o->made++;
        pthread_mutex_unlock(&o->lock);
    }
    if (!err && !*out && !(*out = calloc(1, sizeof **out)))
        err = report_read_fail(o, ND_ENOMEM, "out of memory");
    if (*out) {
        (*out)->n = 0;
        (*out)->in.len = 0;
        (*out)->line_bytes = 0;
    }
    return err;
}

/* Hands b to the pool, to be written in its turn. */
static int report_out_send(report_out *o, report_batch *b)
{
    int err = nd_pool_submit(o->pool, b);

    if (err) {
        report_batch_free(b);
        return err;
    }
    if (o->threaded) {
        pthread_mutex_lock(&o->lock);
        o->queued++;
        err = o->err;
        pthread_cond_broadcast(&o->cond);
        pthread_mutex_unlock(&o->lock);
    }
    return err;
}

/* Writes whatever is in hand (nothing after an error), stops the writer
 * and frees the batches; returns the writer's error, or 0. */
static int report_out_end(report_out *o, int failed)
{
    int err = failed;
    size_t i;

    if (o->threaded) {
        pthread_mutex_lock(&o->lock);
        if (failed && !o->err)
            o->err = failed; /* drop what remains unwritten */
        o->stop = 1;
        pthread_cond_broadcast(&o->cond);
        pthread_mutex_unlock(&o->lock);
        pthread_join(o->thread, NULL);
        pthread_mutex_destroy(&o->lock);
        pthread_cond_destroy(&o->cond);
        err = failed ? failed : o->err;
    } else {
        while (nd_pool_pending(o->pool)) {
            report_batch *b;

            err = report_take(o->rp, o->pool, &b, err);
            report_batch_free(b);
        }
    }
    for (i = 0; i < o->n_spare; i++)
        report_batch_free(o->spare[i]);
    free(o->spare);
    return err;
}

/* The reading side of pass 2 (see report_batch above). */
static int report_read_all(report *rp, report_out *o, const nd_input *inputs,
                           size_t n_inputs, const nd_read_opts *ro)
{
    const nd_result *res = rp->res;
    report_batch *cur = NULL;
    nd_reader *r = NULL;
    nd_record rec;
    char msg[1024];
    size_t a = 0, value[2];
    int err, got;

    err = nd_reader_open(&r, inputs, n_inputs, ro);
    if (err) {
        err = report_read_fail(o, err, r ? nd_reader_errmsg(r)
                                         : "cannot open inputs");
        goto done;
    }
    if ((err = report_out_batch(o, &cur)) != 0)
        goto done;
    while ((got = nd_reader_next(r, &rec)) == 1) {
        const nd_article *art = a < res->n_articles ? &res->articles[a] : NULL;
        int found = report_find_article(rp, r, &rec, art, ro->text_field,
                                        value);

        if (found == 0 && rec.kind == ND_FILE_JSONL && !rec.obj &&
            (!art || report_before(&rec, art))) {
            /* No article's line: one that pass 1 skipped as a bad record,
             * unless it parses now. */
            found = nd_reader_parse(r, &rec);
            if (found == 0)
                continue;
            if (found == 1)
                found = 0;
        }
        if (found < 0) {
            err = report_read_fail(o, found, nd_reader_errmsg(r));
            goto done;
        }
        if (found != 1) {
            snprintf(msg, sizeof msg, "%s: the input changed while neardup "
                     "ran; nothing was written", rec.file);
            err = report_read_fail(o, ND_EFORMAT, msg);
            goto done;
        }
        if ((err = report_add(rp, cur, &rec, a, ro->text_field, value)) !=
            0) {
            err = report_read_fail(o, err, "out of memory");
            goto done;
        }
        a++;
        if (cur->in.len >= REPORT_BATCH_BYTES ||
            cur->n >= REPORT_BATCH_ITEMS ||
            cur->line_bytes >= REPORT_BATCH_LINES) {
            err = report_out_send(o, cur);
            cur = NULL;
            if (err) {
                err = report_read_fail(o, err, "out of memory");
                goto done;
            }
            if ((err = report_out_batch(o, &cur)) != 0)
                goto done;
        }
        if (a % 1000 == 0)
            report_progress(rp, r, a);
    }
    if (got < 0) {
        err = report_read_fail(o, got, nd_reader_errmsg(r));
        goto done;
    }
    if (a != res->n_articles) {
        snprintf(msg, sizeof msg, "the inputs changed while neardup ran "
                 "(%zu articles, expected %zu); nothing was written", a,
                 res->n_articles);
        err = report_read_fail(o, ND_EFORMAT, msg);
        goto done;
    }
    if (cur->n) {
        err = report_out_send(o, cur);
        cur = NULL;
        if (err)
            err = report_read_fail(o, err, "out of memory");
    }
    report_progress(rp, r, a);
done:
    if (cur)
        report_batch_free(cur);
    nd_reader_free(r);
    return err;
}

/* The second read of the inputs: clusters.jsonl, articles.jsonl and
 * clean/. */
static int report_pass(report *rp, const nd_input *inputs, size_t n_inputs,
                       const nd_read_opts *ro)
{
    unsigned threads = rp->res->threads;
    report_scratch own;
    report_out o;
    nd_pool *pool = NULL;
    int err;

    memset(&own, 0, sizeof own);
    rp->own = &own;
    err = nd_pool_new(&pool, threads, report_make_batch, rp,
                      sizeof(report_scratch), report_scratch_free);
    if (err) {
        nd_pool_free(pool);
        rp->own = NULL;
        return report_fail(rp, err, "out of memory");
    }
    report_out_start(&o, rp, pool, threads > 1 ? REPORT_IN_FLIGHT *
                                                     (size_t)threads
                                               : 1);
    err = report_read_all(rp, &o, inputs, n_inputs, ro);
    err = report_out_end(&o, err); /* takes every batch back */
    nd_pool_free(pool);
    report_scratch_free(&own);
    rp->own = NULL;
    return err;
}

/* A located part's place in its cluster's line. */
typedef struct report_pk {
    uint32_t cluster; /* its canonical's cluster */
    uint32_t para;    /* its paragraph */
    uint32_t idx;     /* index in res->parts */
} report_pk;

static int report_cmp_pk(const void *pa, const void *pb)
{
    const report_pk *a = pa, *b = pb;

    if (a->cluster != b->cluster)
        return a->cluster < b->cluster ? -1 : 1;
    return (a->para > b->para) - (a->para < b->para);
}

/*
 * Copies bytes [from, to) of file in to where out stands. copy_file_range
 * keeps the bytes in the kernel, sparing this (serial) copy of most of
 * clusters.jsonl a trip through user space; where the file system cannot,
 * a plain loop does it.
 */
static int report_copy_range(int in, int out, off_t from, off_t to)
{
    char buf[1 << 16];

#ifdef __linux__
    while (from < to) {
        ssize_t got = copy_file_range(in, &from, out, NULL,
                                      (size_t)(to - from), 0);

        if (got <= 0)
            break; /* the loop below goes on, or meets the error */
    }
#endif
    while (from < to) {
        size_t want = to - from < (off_t)sizeof buf ? (size_t)(to - from)
                                                    : sizeof buf;
        ssize_t got = pread(in, buf, want, from);

        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0 || nd_write_all(out, buf, (size_t)got) != 0)
            return -1;
        from += got;
    }
    return 0;
}

/*
 * The held-back lines are those of the boilerplate clusters, the largest
 * of all (one line per site furniture, with every copy in it): they are
 * formatted on the scan's threads, a window of lines at a time, each into
 * its own buffer, and written in order. A window ends at
 * REPORT_WINDOW_LINES lines or when its lines would hold about
 * REPORT_WINDOW_BYTES, so the buffers stay that size but for a single
 * larger line.
 */
#define REPORT_WINDOW_LINES 64
#define REPORT_WINDOW_BYTES ((size_t)64 << 20)

typedef struct report_window {
    const report *rp;
    const uint32_t *idx;   /* the located parts, in cluster order */
    const size_t *lo, *hi; /* per line: its parts idx[lo..hi) */
    size_t first;          /* the window's first line in rp->later */
    nd_buf *bufs;          /* per line of the window */
    nd_chunks *chunks;     /* the window's lines, handed out */
    int err;               /* this job's error */
} report_window;

static void *report_window_run(void *arg)
{
    report_window *w = arg;
    const nd_result *res = w->rp->res;
    size_t lo, hi, k;

    while (!w->err && nd_chunks_take(w->chunks, &lo, &hi))
        for (k = lo; !w->err && k < hi; k++) {
            const report_later *h = &w->rp->later[w->first + k];

            w->bufs[k].len = 0;
            w->err = nd_line_cluster(res, &w->bufs[k], h->para,
                                     w->rp->later_text.data + h->text_off,
                                     w->idx + w->lo[k], w->hi[k] - w->lo[k]);
        }
    return NULL;
}

/* Formats held-back lines first..first+n into bufs, on the threads. */
static int report_window_format(const report *rp, const uint32_t *idx,
                                const size_t *lo, const size_t *hi,
                                size_t first, size_t n, nd_buf *bufs)
{
    report_window jobs[ND_MAX_JOBS];
    nd_chunks chunks;
    size_t t, nj = nd_jobs_for(rp->res->threads, n, 2);
    int err = 0;

    nd_chunks_init(&chunks, n, 1);
    for (t = 0; t < nj; t++) {
        jobs[t].rp = rp;
        jobs[t].idx = idx;
        jobs[t].lo = lo;
        jobs[t].hi = hi;
        jobs[t].first = first;
        jobs[t].bufs = bufs;
        jobs[t].chunks = &chunks;
        jobs[t].err = 0;
    }
    nd_run_jobs(report_window_run, jobs, sizeof jobs[0], nj);
    for (t = 0; t < nj; t++)
        if (jobs[t].err)
            err = jobs[t].err;
    return err;
}

/*
 * After pass 2: counts the located parts in the stats, and writes the
 * held-back cluster lines into clusters.jsonl where they belong (the file
 * is copied once around them, so lines stay in cluster order).
 */
static int report_finish_parts(report *rp)
{
    const nd_result *res = rp->res;
    nd_stats *st = res->stats;
    report_pk *pk = NULL;
    uint32_t *idx = NULL;
    size_t i, n = 0, at = 0, l, w;
    size_t wlo[REPORT_WINDOW_LINES], whi[REPORT_WINDOW_LINES];
    nd_buf wbufs[REPORT_WINDOW_LINES];
    int in = -1, out = -1;
    nd_buf final = {0};
    off_t prev = 0, end;
    int err = 0;

    memset(wbufs, 0, sizeof wbufs);
    for (i = 0; i < res->n_parts; i++)
        n += res->parts[i].side != ND_PART_NONE;
    pk = malloc((n ? n : 1) * sizeof *pk);
    if (!pk)
        return report_fail(rp, ND_ENOMEM, "out of memory");
    for (i = 0; i < res->n_parts; i++) {
        const nd_part *pt = &res->parts[i];

        if (pt->side == ND_PART_NONE)
            continue;
        pk[at].cluster = report_part_cluster(res, (uint32_t)i);
        pk[at].para = pt->para;
        pk[at++].idx = (uint32_t)i;
        st->parts_removed++;
        st->part_bytes_removed += pt->end - pt->start;
        st->bytes_removed += pt->end - pt->start;
        st->boilerplate_bytes_removed += pt->end - pt->start;
    }
    qsort(pk, n, sizeof *pk, report_cmp_pk);
    idx = malloc((n ? n : 1) * sizeof *idx); /* the parts in that order */
    if (!idx) {
        err = report_fail(rp, ND_ENOMEM, "out of memory");
        goto done;
    }
    for (i = 0; i < n; i++)
        idx[i] = pk[i].idx;
    if (!rp->n_later)
        goto done;

    end = ftello(rp->clusters);
    if (end < 0 || fflush(rp->clusters) != 0) {
        err = report_fail(rp, ND_EIO, "cannot write clusters.jsonl: %s",
                          strerror(errno));
        goto done;
    }
    err = report_set_path(rp, rp->tmp.data, "clusters.jsonl");
    if (!err)
        err = nd_buf_append(&final, rp->path.data, rp->path.len + 1);
    if (!err)
        err = report_set_path(rp, rp->tmp.data, "clusters.jsonl.parts");
    if (err) {
        err = report_fail(rp, ND_ENOMEM, "out of memory");
        goto done;
    }
    in = open(final.data, O_RDONLY | O_CLOEXEC);
    out = open(rp->path.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (in < 0 || out < 0) {
        err = report_fail(rp, ND_EIO, "%s: %s", in >= 0 ? rp->path.data
                          : final.data, strerror(errno));
        goto done;
    }
    for (l = 0, at = 0; !err && l < rp->n_later; l += w) {
        size_t est = 0, k;

        /* The window: its lines, and the parts of each. */
        for (w = 0; l + w < rp->n_later && w < REPORT_WINDOW_LINES &&
                    (w == 0 || est < REPORT_WINDOW_BYTES);
             w++) {
            uint32_t c = res->cluster_of[rp->later[l + w].para];

            wlo[w] = at;
            while (at < n && pk[at].cluster < c)
                wlo[w] = ++at;
            while (at < n && pk[at].cluster == c)
                at++;
            whi[w] = at;
            est += report_line_guess(res, c, at - wlo[w]);
        }
        if (report_window_format(rp, idx, wlo, whi, l, w, wbufs) != 0) {
            err = report_fail(rp, ND_ENOMEM, "out of memory");
            break;
        }
        for (k = 0; !err && k < w; k++) {
            const report_later *h = &rp->later[l + k];

            if (report_copy_range(in, out, prev, h->pos) != 0 ||
                nd_write_all(out, wbufs[k].data, wbufs[k].len) != 0)
                err = report_fail(rp, ND_EIO, "cannot write clusters.jsonl: "
                                  "%s", strerror(errno));
            prev = h->pos;
        }
    }
    for (l = 0; l < REPORT_WINDOW_LINES; l++)
        nd_buf_free(&wbufs[l]);
    if (!err && report_copy_range(in, out, prev, end) != 0)
        err = report_fail(rp, ND_EIO, "cannot write clusters.jsonl: %s",
                          strerror(errno));
    if (!err && close(out) != 0)
        err = report_fail(rp, ND_EIO, "cannot write clusters.jsonl: %s",
                          strerror(errno));
    out = -1;
    /* The first copy goes first: ext4 writes a file out at once when a
     * rename replaces another (its guard for editors that save that way),
     * on the calling thread. */
    if (in >= 0) {
        close(in);
        in = -1;
    }
    if (!err && unlink(final.data) != 0)
        err = report_fail(rp, ND_EIO, "cannot remove %s: %s", final.data,
                          strerror(errno));
    if (!err && rename(rp->path.data, final.data) != 0)
        err = report_fail(rp, ND_EIO, "cannot move %s: %s", rp->path.data,
                          strerror(errno));
done:
    if (in >= 0)
        close(in);
    if (out >= 0)
        close(out);
    nd_buf_free(&final);
    free(pk);
    free(idx);
    return err;
}

/* Writes a whole buffer to tmp/name. */
static int report_file(report *rp, const char *name, const nd_buf *b)
{
    FILE *f;
    int err = report_set_path(rp, rp->tmp.data, name);

    if (err)
        return report_fail(rp, err, "out of memory");
    f = fopen(rp->path.data, "wb");
    if (!f || (b->len && fwrite(b->data, 1, b->len, f) != b->len))
        err = report_fail(rp, ND_EIO, "%s: %s", rp->path.data,
                          strerror(errno));
    if (f && fclose(f) != 0 && !err)
        err = report_fail(rp, ND_EIO, "%s: %s", rp->path.data,
                          strerror(errno));
    return err;
}

static int report_stats(report *rp, const nd_input *inputs, size_t n_inputs)
{
    const nd_stats *st = rp->res->stats;
    const nd_options *o = rp->res->opts;
    nd_buf b = {0};
    size_t i;
    int err = 0;

    static const char head[] = "{\n  \"version\": \"" ND_VERSION_STRING
                               "\",\n  \"inputs\": [";

    err = nd_buf_append(&b, head, sizeof head - 1);
    for (i = 0; !err && i < n_inputs; i++) {
        if (i)
            err = nd_buf_append(&b, ", ", 2);
        if (!err)
            err = nd_json_string(&b, inputs[i].name,
                                 strlen(inputs[i].name));
    }
    if (!err) {
        char tail[2048];
        int n = snprintf(tail, sizeof tail,
            "],\n"
            "  \"files\": %llu,\n  \"files_ignored\": %llu,\n"
            "  \"articles\": %llu,\n  \"records_skipped\": %llu,\n"
            "  \"paragraphs\": %llu,\n  \"bytes\": %llu,\n"
            "  \"clusters\": %llu,\n  \"paragraphs_removed\": %llu,\n"
            "  \"bytes_removed\": %llu,\n"
            "  \"boilerplate_clusters\": %llu,\n"
            "  \"boilerplate_bytes_removed\": %llu,\n"
            "  \"parts_removed\": %llu,\n"
            "  \"part_bytes_removed\": %llu,\n"
            "  \"shared_bytes_removed\": %llu,\n"
            "  \"articles_sharing\": %llu,\n"
            "  \"articles_syndicated\": %llu,\n"
            "  \"dates_unparsed\": %llu,\n"
            "  \"ids_repeated\": %llu,\n"
            "  \"candidate_pairs\": %llu,\n  \"verified_pairs\": %llu,\n"
            "  \"parameters\": {\n"
            "    \"threshold\": %g,\n    \"containment\": %g,\n"
            "    \"min_contain_shingles\": %u,\n    \"ngram\": %u,\n"
            "    \"perm\": %u,\n    \"bands\": %u,\n    \"rows\": %u,\n"
            "    \"seed\": %llu,\n"
            "    \"keep\": \"%s\",\n    \"source_priority\": %zu,\n"
            "    \"boilerplate\": \"%s\",\n"
            "    \"boilerplate_articles\": %u,\n    \"copy\": %g\n  },\n"
            "  \"lsh\": {\n"
            "    \"expected_false_positive_rate\": %.6f,\n"
            "    \"expected_false_negative_rate\": %.6f\n  }\n}\n",
            (unsigned long long)st->files,
            (unsigned long long)st->files_ignored,
            (unsigned long long)st->articles,
            (unsigned long long)st->records_skipped,
            (unsigned long long)st->paragraphs,
            (unsigned long long)st->bytes,
            (unsigned long long)st->clusters,
            (unsigned long long)st->paragraphs_removed,
            (unsigned long long)st->bytes_removed,
            (unsigned long long)st->boilerplate_clusters,
            (unsigned long long)st->boilerplate_bytes_removed,
            (unsigned long long)st->parts_removed,
            (unsigned long long)st->part_bytes_removed,
            (unsigned long long)st->shared_bytes_removed,
            (unsigned long long)st->articles_sharing,
            (unsigned long long)st->articles_syndicated,
            (unsigned long long)st->dates_unparsed,
            (unsigned long long)st->ids_repeated,
            (unsigned long long)st->candidate_pairs,
            (unsigned long long)st->verified_pairs, o->threshold,
            o->containment, o->min_contain, o->ngram, o->perm, st->bands,
            st->rows, (unsigned long long)o->seed,
            o->keep == ND_KEEP_LONGEST ? "longest"
            : o->keep == ND_KEEP_FIRST ? "first" : "earliest",
            o->n_source_priority,
            o->boilerplate == ND_BOILERPLATE_KEEP ? "keep"
            : o->boilerplate == ND_BOILERPLATE_DROP_ALL ? "drop-all"
                                                        : "drop-copies",
            o->boilerplate_articles, o->copy, st->fp_rate, st->fn_rate);

        err = (n < 0 || (size_t)n >= sizeof tail)
                  ? ND_EINVAL
                  : nd_buf_append(&b, tail, (size_t)n);
    }
    if (err)
        err = report_fail(rp, err, "cannot format stats.json");
    else
        err = report_file(rp, "stats.json", &b);
    nd_buf_free(&b);
    return err;
}

/* Moves the finished outputs from tmp into outdir; a previous output of
 * the same name is moved into tmp first and removed with it. */
static int report_commit(report *rp)
{
    static const char *const names[] = {"clusters.jsonl", "articles.jsonl",
                                        "stats.json", "clean"};
    nd_buf from = {0}, old = {0};
    size_t i;
    int err = 0;

    for (i = 0; !err && i < sizeof names / sizeof *names; i++) {
        struct stat st;

        from.len = old.len = 0;
        if (nd_buf_append(&from, rp->tmp.data, rp->tmp.len) ||
            nd_buf_putc(&from, '/') ||
            nd_buf_append(&from, names[i], strlen(names[i])) ||
            nd_buf_append(&old, from.data, from.len) ||
            nd_buf_append(&old, ".old", 4) ||
            report_set_path(rp, rp->outdir, names[i])) {
            err = report_fail(rp, ND_ENOMEM, "out of memory");
            break;
        }
        if (lstat(rp->path.data, &st) == 0 &&
            rename(rp->path.data, old.data) != 0) {
            err = report_fail(rp, ND_EIO, "cannot replace %s: %s",
                              rp->path.data, strerror(errno));
            break;
        }
        if (rename(from.data, rp->path.data) != 0)
            err = report_fail(rp, ND_EIO, "cannot move %s to %s: %s",
                              from.data, rp->path.data, strerror(errno));
    }
    nd_buf_free(&from);
    nd_buf_free(&old);
    return err;
}

int nd_report_write(const nd_result *res, const nd_input *inputs,
                    size_t n_inputs, const nd_read_opts *ro,
                    const char *outdir, char *errbuf, size_t errlen)
{
    report rp;
    char pid[32];
    int err;

    memset(&rp, 0, sizeof rp);
    rp.res = res;
    rp.outdir = outdir;
    rp.err = errbuf;
    rp.errlen = errlen;

    snprintf(pid, sizeof pid, ".neardup-tmp-%ld", (long)getpid());
    err = report_set_path(&rp, outdir, pid);
    if (!err)
        err = nd_buf_append(&rp.tmp, rp.path.data, rp.path.len);
    if (err)
        return report_fail(&rp, ND_ENOMEM, "out of memory");
    {
        struct stat st;

        if (stat(outdir, &st) == 0 && !S_ISDIR(st.st_mode))
            return report_fail(&rp, ND_EIO, "%s: exists and is not a "
                               "directory", outdir);
    }
    report_rm_tree(rp.tmp.data); /* left by a killed run with our pid */
    report_rm_stale(outdir);
    if (report_mkdirs(rp.tmp.data, 1) != 0) {
        err = report_fail(&rp, ND_EIO, "cannot create the output directory "
                          "%s (or write in it): %s", outdir, strerror(errno));
        goto done;
    }
    err = report_set_path(&rp, rp.tmp.data, "clean");
    if (!err && mkdir(rp.path.data, 0777) != 0)
        err = report_fail(&rp, ND_EIO, "%s: %s", rp.path.data,
                          strerror(errno));
    if (!err)
        err = report_set_path(&rp, rp.tmp.data, "clusters.jsonl");
    if (!err && !(rp.clusters = fopen(rp.path.data, "wb")))
        err = report_fail(&rp, ND_EIO, "%s: %s", rp.path.data,
                          strerror(errno));
    if (!err)
        err = report_set_path(&rp, rp.tmp.data, "articles.jsonl");
    if (!err && !(rp.articles = fopen(rp.path.data, "wb")))
        err = report_fail(&rp, ND_EIO, "%s: %s", rp.path.data,
                          strerror(errno));
    if (!err) {
        nd_stats *st = res->stats;
        size_t k;

        /* A second write counts the parts anew. */
        st->bytes_removed -= st->part_bytes_removed;
        st->boilerplate_bytes_removed -= st->part_bytes_removed;
        st->parts_removed = st->part_bytes_removed = 0;
        rp.has_parts = calloc(res->n_clusters ? res->n_clusters : 1, 1);
        if (!rp.has_parts)
            err = report_fail(&rp, ND_ENOMEM, "out of memory");
        for (k = 0; !err && k < res->n_parts; k++)
            rp.has_parts[res->cluster_of[res->parts[k].canon]] = 1;
    }
    if (!err)
        err = report_pass(&rp, inputs, n_inputs, ro);
    if (!err && rp.clusters)
        err = report_finish_parts(&rp);
    if (rp.clean) {
        if (fclose(rp.clean) != 0 && !err)
            err = report_fail(&rp, ND_EIO, "cannot write the cleaned corpus: "
                              "%s", strerror(errno));
        rp.clean = NULL;
    }
    if (rp.clusters) {
        if (fclose(rp.clusters) != 0 && !err)
            err = report_fail(&rp, ND_EIO, "cannot write clusters.jsonl: %s",
                              strerror(errno));
        rp.clusters = NULL;
    }
    if (rp.articles) {
        if (fclose(rp.articles) != 0 && !err)
            err = report_fail(&rp, ND_EIO, "cannot write articles.jsonl: %s",
                              strerror(errno));
        rp.articles = NULL;
    }
    if (!err)
        err = report_stats(&rp, inputs, n_inputs);
    if (!err)
        err = report_commit(&rp);
done:
    report_rm_tmp(&rp);
    nd_buf_free(&rp.tmp);
    nd_buf_free(&rp.path);
    nd_buf_free(&rp.decoded);
    free(rp.has_parts);
    free(rp.later);
    nd_buf_free(&rp.later_text);
    return err;
}
