/*
 * report.c - the outputs of a scan (see report.h for the commit protocol).
 *
 * clusters.jsonl is written during the second read of the inputs: clusters
 * are numbered in the order of their canonicals, which is input order, so
 * each cluster's line can be written when its canonical's article comes by
 * and no paragraph text is held beyond the batch of articles in hand (see
 * "Pass 2 runs as two stages" below: reading and writing overlap on two
 * threads). A JSONL record that loses paragraphs is written as its own
 * line with only the text field's value replaced (nd_report_json_value).
 */
#define _XOPEN_SOURCE 700

#include "report.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "util.h"

/* State of one write. */
typedef struct report {
    const nd_result *res;  /* what to write */
    const char *outdir;    /* final directory */
    nd_buf tmp;            /* OUTDIR/.neardup-tmp-PID */
    nd_buf path;           /* scratch path */
    nd_buf line;           /* scratch output line */
    nd_buf text;           /* cleaned text of the current article */
    nd_buf pass_text;      /* the same for the reading side of pass 2 */
    FILE *clusters;        /* tmp/clusters.jsonl */
    FILE *clean;           /* current file of the cleaned corpus */
    uint64_t clean_file;   /* file_no of that file */
    char *err;             /* message buffer */
    size_t errlen;         /* its size */
} report;

static int report_fail(report *rp, int err, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(rp->err, rp->errlen, fmt, ap);
    va_end(ap);
    return err;
}

/* ---- JSON text ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one. */
static size_t report_utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len, i;
    uint32_t cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return len;
}

int nd_report_json_string(nd_buf *out, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run;
    int err = nd_buf_putc(out, '"');

    while (!err && i < len) {
        unsigned c = u[i];
        char esc[8];

        /* Copy the longest run that needs no escaping in one go. */
        for (run = i; run < len && u[run] >= 0x20 && u[run] < 0x80 &&
                      u[run] != '"' && u[run] != '\\';
             run++)
            ;
        if (run > i) {
            err = nd_buf_append(out, s + i, run - i);
            i = run;
            continue;
        }
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            err = nd_buf_append(out, esc, 2);
            i++;
        } else if (c < 0x20) {
            const char *named = c == '\n' ? "\\n" : c == '\t' ? "\\t"
                              : c == '\r' ? "\\r" : NULL;

            if (named) {
                err = nd_buf_append(out, named, 2);
            } else {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                err = nd_buf_append(out, esc, 6);
            }
            i++;
        } else {
            size_t n = report_utf8_len(u + i, len - i);

            if (n) {
                err = nd_buf_append(out, s + i, n);
                i += n;
            } else {
                err = nd_buf_append(out, "\\ufffd", 6);
                i++;
            }
        }
    }
    return err ? err : nd_buf_putc(out, '"');
}

static int report_printf(nd_buf *b, const char *fmt, ...)
{
    char small[128];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof small)
        return ND_EINVAL; /* only used for short numeric fields */
    return nd_buf_append(b, small, (size_t)n);
}

/* JSON spans (nd_report_json_value): the line is valid JSON, so the scan
 * only has to skip values, never to check them. */
static size_t report_skip_ws(const char *s, size_t i, size_t len)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
                       s[i] == '\r'))
        i++;
    return i;
}

/* The index after the string that starts at s[i] == '"', or len. */
static size_t report_skip_string(const char *s, size_t i, size_t len)
{
    for (i++; i < len; i++) {
        if (s[i] == '\\')
            i++;
        else if (s[i] == '"')
            return i + 1;
    }
    return len;
}

/* The index after the value at s[i], or len when it is no plain JSON. */
static size_t report_skip_value(const char *s, size_t i, size_t len)
{
    size_t depth = 0;

    while (i < len) {
        char c = s[i];

        if (c == '"') {
            i = report_skip_string(s, i, len);
            if (depth == 0)
                return i;
            continue;
        }
        if (c == '/' || c == '\'')
            return len; /* json-c's comments and quotes: leave it to json-c */
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i; /* a number or literal ends the object */
            if (--depth == 0)
                return i + 1;
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' ||
                                  c == '\n' || c == '\r')) {
            return i;
        }
        i++;
    }
    return len;
}

int nd_report_json_value(const char *raw, size_t len, const char *key,
                         size_t *start, size_t *end)
{
    size_t klen = strlen(key), i = report_skip_ws(raw, 0, len);
    int found = 0;

    if (i >= len || raw[i] != '{')
        return 0;
    i = report_skip_ws(raw, i + 1, len);
    while (i < len && raw[i] == '"') {
        size_t k0 = i + 1, k1 = report_skip_string(raw, i, len), v;

        if (k1 >= len || memchr(raw + k0, '\\', k1 - 1 - k0))
            return 0;
        i = report_skip_ws(raw, k1, len);
        if (i >= len || raw[i] != ':')
            return 0;
        v = report_skip_ws(raw, i + 1, len);
        if (v >= len)
            return 0;
        i = report_skip_value(raw, v, len);
        if (i >= len)
            return 0;
        if (k1 - 1 - k0 == klen && memcmp(raw + k0, key, klen) == 0) {
            if (found)
                return 0; /* json-c keeps the last; stay out of it */
            found = 1;
            *start = v;
            *end = i;
        }
        i = report_skip_ws(raw, i, len);
        if (i < len && raw[i] == ',')
            i = report_skip_ws(raw, i + 1, len);
        else
            break;
    }
    return found && i < len && raw[i] == '}';
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

/*
 * Removes what killed runs left in outdir: .neardup-tmp-PID directories
 * whose process is gone. A live PID's directory may be another neardup
 * writing to the same place right now, so it stays.
 */
static void report_rm_stale(const char *outdir)
{
    static const char prefix[] = ".neardup-tmp-";
    DIR *d = opendir(outdir);
    struct dirent *e;
    nd_buf path = {0};

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long pid;

        if (strncmp(e->d_name, prefix, sizeof prefix - 1) != 0)
            continue;
        errno = 0;
        pid = strtol(e->d_name + sizeof prefix - 1, &end, 10);
        if (*end || errno || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive, or not ours to judge */
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

int nd_report_clean_text(nd_buf *out, const char *text, size_t len,
                         const nd_para *paras, size_t n, uint32_t first)
{
    size_t i, prev = (size_t)-1;
    int err;

    out->len = 0;
    if (n == 0)
        return nd_buf_append(out, text, len);
    err = nd_buf_append(out, text, paras[0].start);
    (void)first;
    for (i = 0; !err && i < n; i++) {
        if (paras[i].removed)
            continue;
        if (prev != (size_t)-1)
            err = nd_buf_append(out, text + paras[prev].end,
                                paras[prev + 1].start - paras[prev].end);
        if (!err)
            err = nd_buf_append(out, text + paras[i].start,
                                paras[i].end - paras[i].start);
        prev = i;
    }
    if (!err)
        err = nd_buf_append(out, text + paras[n - 1].end,
                            len - paras[n - 1].end);
    return err;
}

static int report_span(nd_buf *b, const nd_result *res, uint32_t p)
{
    const nd_para *pa = &res->paras[p];
    const char *id = res->ids + res->articles[pa->doc].id_off;
    int err = nd_buf_append(b, "{\"doc\":", 7);

    if (!err)
        err = nd_report_json_string(b, id, strlen(id));
    if (!err)
        err = report_printf(b, ",\"para\":%u,\"start\":%llu,\"end\":%llu",
                            pa->idx, (unsigned long long)pa->start,
                            (unsigned long long)pa->end);
    return err;
}

/* One line of clusters.jsonl, for the canonical paragraph p. */
static int report_cluster(report *rp, uint32_t p, const char *text)
{
    const nd_result *res = rp->res;
    const nd_para *pa = &res->paras[p];
    uint32_t c = res->cluster_of[p];
    uint32_t lo = res->member_off[c], hi = res->member_off[c + 1], i;
    uint32_t articles = 1, prev_doc = ND_NONE;
    nd_buf *b = &rp->line;
    int err;

    /* Members come in paragraph order, so their articles come sorted. */
    for (i = lo; i < hi; i++) {
        uint32_t d = res->paras[res->members[i]].doc;

        if (d != prev_doc && d != pa->doc)
            articles++;
        prev_doc = d;
    }
    b->len = 0;
    err = report_printf(b, "{\"cluster\":%u,\"size\":%u,\"articles\":%u,"
                           "\"kind\":\"%s\",\"canonical\":",
                        c, hi - lo + 1, articles,
                        res->kind[c] == ND_KIND_BOILERPLATE ? "boilerplate"
                                                            : "shared");
    if (!err)
        err = report_span(b, res, p);
    if (!err)
        err = nd_buf_append(b, ",\"text\":", 8);
    if (!err)
        err = nd_report_json_string(b, text + pa->start, pa->end - pa->start);
    if (!err)
        err = nd_buf_append(b, "},\"members\":[", 13);
    for (i = lo; !err && i < hi; i++) {
        const nd_para *m = &res->paras[res->members[i]];

        if (i > lo)
            err = nd_buf_putc(b, ',');
        if (!err)
            err = report_span(b, res, res->members[i]);
        if (!err)
            err = report_printf(b, ",\"jaccard\":%.4f,\"containment\":%.4f}",
                                m->jaccard, m->contain);
    }
    if (!err)
        err = nd_buf_append(b, "]}\n", 3);
    if (err)
        return report_fail(rp, err, "out of memory");
    if (fwrite(b->data, 1, b->len, rp->clusters) != b->len)
        return report_fail(rp, ND_EIO, "cannot write clusters.jsonl: %s",
                           strerror(errno));
    return 0;
}

/*
 * Pass 2 runs as two stages when there are threads to spare: the calling
 * thread reads the inputs again, checks each article against pass 1 and
 * copies what the writing needs into a batch; a writer thread formats the
 * batch's cluster lines and cleaned records and writes them. Two batches
 * take turns, so reading and writing overlap. The writer alone touches the
 * output files and the report's scratch buffers while it runs; the order of
 * everything written is the order of the records, so the output is the
 * same with or without the writer thread.
 */
#define REPORT_BATCH_BYTES (1u << 20) /* a batch's text before it is sent */
#define REPORT_BATCH_ITEMS 1024       /* or its records */

/* What writing one record needs; offsets index the batch's data. */
typedef struct report_item {
    size_t art;           /* article number */
    size_t text_off;      /* its text */
    size_t text_len;
    size_t raw_off;       /* a JSONL record's line as read */
    size_t raw_len;
    size_t name_off;      /* its file's out_name, NUL-terminated */
    uint64_t file_no;     /* its file's number */
    nd_file_kind kind;    /* its file's kind */
    int removes;          /* some paragraph of it is removed */
    size_t vs, ve;        /* the text value's span in raw, when spliced */
    size_t line_off;      /* else the whole cleaned line written by json-c */
    size_t line_len;      /* (0: no such line) */
} report_item;

typedef struct report_batch {
    nd_buf data;          /* texts, lines and names of the records */
    report_item *items;   /* the records, in input order */
    size_t n, cap;
    int busy;             /* with the writer and not yet written */
} report_batch;

typedef struct report_writer {
    report *rp;           /* whose outputs */
    int threaded;         /* a writer thread runs */
    pthread_t thread;
    pthread_mutex_t lock; /* guards the fields below and batches' busy */
    pthread_cond_t cond;  /* signalled at every change of them */
    report_batch *todo;   /* handed over and not yet taken */
    int busy;             /* batches handed over and not yet written */
    int stop;             /* no more batches come */
    int err;              /* the writer's first error */
} report_writer;

/* Writes the cleaned form of one record into the current clean file. */
static int report_clean_item(report *rp, const report_batch *b,
                             const report_item *it)
{
    const nd_article *a = &rp->res->articles[it->art];
    const char *text = b->data.data + it->text_off;
    const char *raw = b->data.data + it->raw_off;
    const void *out = raw;
    size_t out_len = it->raw_len;
    nd_buf *line = &rp->line;
    int err = 0;

    if (it->kind == ND_FILE_TEXT || (it->removes && !it->line_len)) {
        err = nd_report_clean_text(&rp->text, text, it->text_len,
                                   rp->res->paras + a->first, a->n,
                                   a->first);
        if (err)
            return report_fail(rp, err, "out of memory");
    }
    if (it->kind == ND_FILE_TEXT) {
        out = rp->text.data;
        out_len = rp->text.len;
    } else if (it->line_len) {
        /* A line the splice does not read, written by json-c already. */
        out = b->data.data + it->line_off;
        out_len = it->line_len;
    } else if (it->removes) {
        /* Only the text field's value changes: every other byte of the
         * line, spacing and number spelling included, stays as it came. */
        line->len = 0;
        err = nd_buf_append(line, raw, it->vs);
        if (!err)
            err = nd_report_json_string(line, rp->text.data, rp->text.len);
        if (!err)
            err = nd_buf_append(line, raw + it->ve, it->raw_len - it->ve);
        if (err)
            return report_fail(rp, err, "out of memory");
        out = line->data;
        out_len = line->len;
    }
    /* else nothing removed: the line goes out as it came, byte for byte */
    if (fwrite(out, 1, out_len, rp->clean) != out_len ||
        (it->kind != ND_FILE_TEXT && putc('\n', rp->clean) == EOF))
        return report_fail(rp, ND_EIO, "cannot write the cleaned corpus: %s",
                           strerror(errno));
    return 0;
}

/* Writes a batch: the cluster lines of its canonicals, its clean records. */
static int report_write_batch(report *rp, const report_batch *b)
{
    const nd_result *res = rp->res;
    size_t k;
    int err = 0;

    for (k = 0; !err && k < b->n; k++) {
        const report_item *it = &b->items[k];
        const nd_article *art = &res->articles[it->art];
        uint32_t i;

        for (i = art->first; !err && i < art->first + art->n; i++)
            if (res->cluster_of[i] != ND_NONE)
                err = report_cluster(rp, i, b->data.data + it->text_off);
        if (!err && (!rp->clean || it->file_no != rp->clean_file))
            err = report_open_clean(rp, b->data.data + it->name_off,
                                    it->file_no);
        if (!err)
            err = report_clean_item(rp, b, it);
    }
    return err;
}

static void *report_writer_main(void *arg)
{
    report_writer *w = arg;

    pthread_mutex_lock(&w->lock);
    for (;;) {
        report_batch *b;
        int err = 0;

        while (!w->todo && !w->stop)
            pthread_cond_wait(&w->cond, &w->lock);
        if (!w->todo)
            break;
        b = w->todo;
        w->todo = NULL;
        pthread_cond_broadcast(&w->cond);
        if (!w->err) {
            pthread_mutex_unlock(&w->lock);
            err = report_write_batch(w->rp, b);
            pthread_mutex_lock(&w->lock);
        }
        if (err && !w->err)
            w->err = err;
        b->busy = 0;
        w->busy--;
        pthread_cond_broadcast(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

/* Hands b to the writer, or writes it now without a writer thread. */
static int report_submit(report_writer *w, report_batch *b)
{
    int err;

    if (!w->threaded)
        return report_write_batch(w->rp, b);
    pthread_mutex_lock(&w->lock);
    while (w->todo)
        pthread_cond_wait(&w->cond, &w->lock);
    b->busy = 1;
    w->busy++;
    w->todo = b;
    pthread_cond_broadcast(&w->cond);
    err = w->err;
    pthread_mutex_unlock(&w->lock);
    return err;
}

/* Waits until b is written (NULL: until every batch is); then the
 * writer's first error, or 0. */
static int report_wait(report_writer *w, report_batch *b)
{
    int err;

    if (!w->threaded)
        return 0;
    pthread_mutex_lock(&w->lock);
    while (b ? b->busy : w->busy > 0)
        pthread_cond_wait(&w->cond, &w->lock);
    err = w->err;
    pthread_mutex_unlock(&w->lock);
    return err;
}

/* Copies what writing rec (article art) needs into b. */
static int report_add(report *rp, report_batch *b, const nd_record *rec,
                      size_t art, const char *text_field)
{
    const nd_article *a = &rp->res->articles[art];
    report_item *it;
    uint32_t i;
    int err = nd_grow((void **)&b->items, &b->cap, b->n + 1,
                      sizeof *b->items);

    if (err)
        return err;
    it = &b->items[b->n];
    memset(it, 0, sizeof *it);
    it->art = art;
    it->file_no = rec->file_no;
    it->kind = rec->kind;
    for (i = a->first; i < a->first + a->n; i++)
        it->removes |= rp->res->paras[i].removed;
    it->text_off = b->data.len;
    it->text_len = rec->text_len;
    err = nd_buf_append(&b->data, rec->text, rec->text_len);
    it->name_off = b->data.len;
    if (!err)
        err = nd_buf_append(&b->data, rec->out_name,
                            strlen(rec->out_name) + 1);
    if (!err && rec->kind != ND_FILE_TEXT) {
        it->raw_off = b->data.len;
        it->raw_len = rec->raw_len;
        err = nd_buf_append(&b->data, rec->raw, rec->raw_len);
    }
    if (!err && rec->kind != ND_FILE_TEXT && it->removes &&
        !nd_report_json_value(rec->raw, rec->raw_len, text_field, &it->vs,
                              &it->ve)) {
        /* The reader lends its parsed object until its next record, so
         * json-c writes the rare line the splice cannot read here. */
        json_object *t;
        const char *js;
        size_t jl;

        err = nd_report_clean_text(&rp->pass_text, rec->text, rec->text_len,
                                   rp->res->paras + a->first, a->n,
                                   a->first);
        t = err ? NULL : json_object_new_string_len(rp->pass_text.data,
                                                    (int)rp->pass_text.len);
        if (!t || json_object_object_add(rec->obj, text_field, t) != 0) {
            json_object_put(t);
            return ND_ENOMEM;
        }
        js = json_object_to_json_string_length(
            rec->obj, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
            &jl);
        if (!js)
            return ND_ENOMEM;
        it->line_off = b->data.len;
        it->line_len = jl;
        err = nd_buf_append(&b->data, js, jl);
    }
    if (!err)
        b->n++;
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

/* The reading side of pass 2 (see report_writer above). Returns 0 or an
 * error; its message is the writer's when the writer failed first (the
 * reading side writes one only once the writer is idle). */
static int report_read_all(report *rp, report_writer *w, report_batch *bt,
                           const nd_input *inputs, size_t n_inputs,
                           const nd_read_opts *ro)
{
    const nd_result *res = rp->res;
    report_batch *cur = &bt[0];
    nd_reader *r = NULL;
    nd_record rec;
    size_t a = 0;
    int err, got;

    err = nd_reader_open(&r, inputs, n_inputs, ro);
    if (err) {
        report_wait(w, NULL);
        err = report_fail(rp, err, "%s",
                          r ? nd_reader_errmsg(r) : "cannot open inputs");
        goto done;
    }
    while ((got = nd_reader_next(r, &rec)) == 1) {
        const nd_article *art = &res->articles[a];

        if (a >= res->n_articles || art->text_len != rec.text_len ||
            art->text_hash != XXH3_64bits(rec.text, rec.text_len)) {
            err = report_wait(w, NULL);
            if (!err)
                err = report_fail(rp, ND_EFORMAT,
                                  "%s: the input changed while neardup "
                                  "ran; nothing was written",
                                  rec.file);
            goto done;
        }
        if ((err = report_add(rp, cur, &rec, a, ro->text_field)) != 0) {
            if (!(err = report_wait(w, NULL)))
                err = report_fail(rp, ND_ENOMEM, "out of memory");
            goto done;
        }
        a++;
        if (cur->data.len >= REPORT_BATCH_BYTES ||
            cur->n >= REPORT_BATCH_ITEMS) {
            if ((err = report_submit(w, cur)) != 0)
                goto done;
            cur = cur == &bt[0] ? &bt[1] : &bt[0];
            if ((err = report_wait(w, cur)) != 0)
                goto done;
            cur->n = 0;
            cur->data.len = 0;
        }
        if (a % 1000 == 0)
            report_progress(rp, r, a);
    }
    if (got < 0) {
        if (!(err = report_wait(w, NULL)))
            err = report_fail(rp, got, "%s", nd_reader_errmsg(r));
        goto done;
    }
    if (a != res->n_articles) {
        if (!(err = report_wait(w, NULL)))
            err = report_fail(rp, ND_EFORMAT, "the inputs changed while "
                              "neardup ran (%zu articles, expected %zu); "
                              "nothing was written", a, res->n_articles);
        goto done;
    }
    if (cur->n && (err = report_submit(w, cur)) == 0)
        err = report_wait(w, NULL);
    report_progress(rp, r, a);
done:
    nd_reader_free(r);
    return err;
}

/* The second read of the inputs: clusters.jsonl and clean/. */
static int report_pass(report *rp, const nd_input *inputs, size_t n_inputs,
                       const nd_read_opts *ro)
{
    report_batch bt[2];
    report_writer w;
    int err, i;

    memset(bt, 0, sizeof bt);
    memset(&w, 0, sizeof w);
    w.rp = rp;
    if (rp->res->threads > 1) {
        pthread_mutex_init(&w.lock, NULL);
        pthread_cond_init(&w.cond, NULL);
        w.threaded = pthread_create(&w.thread, NULL, report_writer_main,
                                    &w) == 0;
        if (!w.threaded) {
            pthread_mutex_destroy(&w.lock);
            pthread_cond_destroy(&w.cond);
        }
    }
    err = report_read_all(rp, &w, bt, inputs, n_inputs, ro);
    if (w.threaded) {
        report_wait(&w, NULL);
        pthread_mutex_lock(&w.lock);
        w.stop = 1;
        pthread_cond_broadcast(&w.cond);
        pthread_mutex_unlock(&w.lock);
        pthread_join(w.thread, NULL);
        pthread_mutex_destroy(&w.lock);
        pthread_cond_destroy(&w.cond);
    }
    for (i = 0; i < 2; i++) {
        nd_buf_free(&bt[i].data);
        free(bt[i].items);
    }
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

static int report_id(nd_buf *b, const nd_result *res, uint32_t doc)
{
    const char *id = res->ids + res->articles[doc].id_off;

    return nd_report_json_string(b, id, strlen(id));
}

/* articles.jsonl: one line per article that shares text with another. */
static int report_articles(report *rp)
{
    const nd_result *res = rp->res;
    nd_buf b = {0};
    size_t a;
    int err = 0;

    for (a = 0; !err && a < res->n_articles; a++) {
        const nd_article *art = &res->articles[a];
        uint64_t dup = 0;
        uint32_t p, i;

        if (!res->sharing[a])
            continue;
        for (p = art->first; p < art->first + art->n; p++)
            if (res->paras[p].canon != p)
                dup += res->paras[p].end - res->paras[p].start;
        err = nd_buf_append(&b, "{\"doc\":", 7);
        if (!err)
            err = report_id(&b, res, (uint32_t)a);
        if (!err)
            err = nd_buf_append(&b, ",\"source\":", 10);
        if (!err)
            err = art->source_off == ND_NO_SOURCE
                      ? nd_buf_append(&b, "null", 4)
                      : nd_report_json_string(
                            &b, res->ids + art->source_off,
                            strlen(res->ids + art->source_off));
        if (!err)
            err = report_printf(&b, ",\"paragraphs\":%u,\"bytes\":%llu,"
                                    "\"duplicate_bytes\":%llu,\"copy_of\":[",
                                art->n, (unsigned long long)art->bytes,
                                (unsigned long long)dup);
        for (i = res->copy_off[a]; !err && i < res->copy_off[a + 1]; i++) {
            const nd_copy *c = &res->copies[i];

            if (i > res->copy_off[a])
                err = nd_buf_putc(&b, ',');
            if (!err)
                err = nd_buf_append(&b, "{\"doc\":", 7);
            if (!err)
                err = report_id(&b, res, c->doc);
            if (!err)
                err = report_printf(&b, ",\"shared_bytes\":%llu,"
                                        "\"share\":%.4f}",
                                    (unsigned long long)c->shared_bytes,
                                    c->share);
        }
        if (!err)
            err = report_printf(&b, "],\"syndicated\":%s}\n",
                                res->syndicated[a] ? "true" : "false");
    }
    if (err)
        err = report_fail(rp, err, "out of memory");
    else
        err = report_file(rp, "articles.jsonl", &b);
    nd_buf_free(&b);
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
            err = nd_report_json_string(&b, inputs[i].name,
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
        err = report_fail(&rp, ND_EIO, "cannot create %s: %s", rp.tmp.data,
                          strerror(errno));
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
        err = report_pass(&rp, inputs, n_inputs, ro);
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
    if (!err)
        err = report_articles(&rp);
    if (!err)
        err = report_stats(&rp, inputs, n_inputs);
    if (!err)
        err = report_commit(&rp);
done:
    report_rm_tree(rp.tmp.data);
    nd_buf_free(&rp.tmp);
    nd_buf_free(&rp.path);
    nd_buf_free(&rp.line);
    nd_buf_free(&rp.text);
    nd_buf_free(&rp.pass_text);
    return err;
}
