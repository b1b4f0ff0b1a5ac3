/*
 * scan.c - the API layer: the public calls of neardup.h, and the order of
 * the stages of a scan.
 *
 * nd_scan_run: pass 1 (pass1.c) reads every article once into paragraphs,
 * shingle sets and keys; the keys are sorted into candidate pairs (lsh.c);
 * group.c verifies them exactly and makes the clusters; articles.c relates
 * the articles. nd_scan_write: pass 2 (report.c) reads the inputs again to
 * write the outputs, so no article text is kept between the passes.
 *
 * Everything is numbered in input order (articles, then paragraphs), and
 * every sort has a total order, so outputs do not depend on hash table
 * iteration, timing or the number of threads.
 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "report.h"
#include "scan.h"

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

/* ---- errors ------------------------------------------------------------ */

int nd_scan_fail(nd_scan *s, int err, const char *fmt, ...)
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

/* Tells the progress callback that a later stage of pass 1 begins. */
static void scan_stage(const nd_scan *s, const nd_read_stats *rs,
                       const char *stage)
{
    nd_progress pr;

    if (!s->opts.progress)
        return;
    pr.pass = 1;
    pr.bytes_read = rs->bytes_in;
    pr.bytes_total = s->bytes_total;
    pr.articles = rs->records;
    pr.stage = stage;
    s->opts.progress(&pr, s->opts.progress_payload);
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
        return nd_scan_fail(s, ND_EINVAL, "options version %u, expected %u",
                         o->version, ND_OPTIONS_VERSION);
    if (!(o->threshold > 0.0 && o->threshold <= 1.0))
        return nd_scan_fail(s, ND_EINVAL,
                         "threshold must be in (0, 1], got %g", o->threshold);
    if (!(o->containment > 0.0 && o->containment <= 1.0))
        return nd_scan_fail(s, ND_EINVAL,
                         "containment must be in (0, 1], got %g",
                         o->containment);
    if (o->ngram < 1 || o->ngram > 16)
        return nd_scan_fail(s, ND_EINVAL, "ngram must be 1..16, got %u",
                         o->ngram);
    if (o->perm < 8 || o->perm > 1024)
        return nd_scan_fail(s, ND_EINVAL, "perm must be 8..1024, got %u",
                         o->perm);
    if (o->min_contain < 1 || o->min_contain > 1000)
        return nd_scan_fail(s, ND_EINVAL, "min_contain must be 1..1000, got %u",
                         o->min_contain);
    if (!o->id_field || !*o->id_field || !o->text_field || !*o->text_field)
        return nd_scan_fail(s, ND_EINVAL, "id and text fields must be named");
    if ((unsigned)o->keep > ND_KEEP_FIRST)
        return nd_scan_fail(s, ND_EINVAL, "unknown keep policy %d", (int)o->keep);
    if ((unsigned)o->boilerplate > ND_BOILERPLATE_DROP_ALL)
        return nd_scan_fail(s, ND_EINVAL, "unknown boilerplate mode %d",
                         (int)o->boilerplate);
    if (o->boilerplate_articles < 1)
        return nd_scan_fail(s, ND_EINVAL, "boilerplate_articles must be >= 1");
    if (!(o->copy > 0.0 && o->copy <= 1.0))
        return nd_scan_fail(s, ND_EINVAL, "copy must be in (0, 1], got %g",
                         o->copy);
    if (o->n_source_priority && !o->source_priority)
        return nd_scan_fail(s, ND_EINVAL, "source_priority is NULL");
    if (o->threads > 256)
        return nd_scan_fail(s, ND_EINVAL, "threads must be 0..256, got %u",
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
        return nd_scan_fail(s, ND_ENOMEM, "out of memory");
    for (i = 0; i < s->opts.n_source_priority; i++) {
        s->priority[i] = s->opts.source_priority[i];
        if (scan_own(s, &s->priority[i]))
            return nd_scan_fail(s, ND_ENOMEM, "out of memory");
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
        return nd_scan_fail(s, err, "cannot choose LSH bands for threshold %g",
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
    for (i = 0; i < s->n_spools; i++) {
        unlink(s->spools[i]);
        free(s->spools[i]);
    }
    free(s->spools);
    for (i = 0; i < s->n_ignored; i++)
        free(s->ignored[i]);
    free(s->ignored);
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
    free(s->parts);
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

/*
 * Standard input and pipes can be read only once, and pass 2 reads every
 * input again: they are copied to a temporary file first, named
 * neardup-spool-PID-XXXXXX in $TMPDIR (or /tmp). nd_scan_free removes it;
 * a run that was killed cannot, so the first spool of a run removes those
 * of runs whose process is gone.
 */
#define SCAN_SPOOL_PREFIX "neardup-spool-"

static const char *scan_tmpdir(void)
{
    const char *tmp = getenv("TMPDIR");

    return tmp && *tmp ? tmp : "/tmp";
}

/* Removes the spools that dead runs of this user left in dir. */
static void scan_rm_dead_spools(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;

        if (!nd_left_by_dead_run(e->d_name, SCAN_SPOOL_PREFIX, '-'))
            continue; /* not a spool, or its run may still be going */
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) <
                (int)sizeof path &&
            lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
            st.st_uid == geteuid())
            unlink(path);
    }
    closedir(d);
}

/* Copies everything readable from fd (named name in messages) to a new
 * spool; *out is its path, owned by s. */
static int scan_spool(nd_scan *s, int fd, const char *name, char **out)
{
    const char *tmp = scan_tmpdir();
    char buf[1 << 16], *path;
    int sfd, err = 0;

    if (s->n_spools == 0)
        scan_rm_dead_spools(tmp);
    err = nd_grow((void **)&s->spools, &s->cap_spools, s->n_spools + 1,
                  sizeof *s->spools);
    path = err ? NULL : malloc(strlen(tmp) + sizeof SCAN_SPOOL_PREFIX + 32);
    if (!path)
        return nd_scan_fail(s, ND_ENOMEM, "out of memory");
    sprintf(path, "%s/" SCAN_SPOOL_PREFIX "%ld-XXXXXX", tmp, (long)getpid());
    sfd = mkstemp(path);
    if (sfd < 0) {
        err = nd_scan_fail(s, ND_EIO, "cannot copy %s to %s: %s", name, path,
                           strerror(errno));
        free(path);
        return err;
    }
    s->spools[s->n_spools++] = path;
    for (;;) {
        ssize_t got = read(fd, buf, sizeof buf);

        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            err = nd_scan_fail(s, ND_EIO, "cannot read %s: %s", name,
                               strerror(errno));
            break;
        }
        if (got == 0)
            break;
        if (nd_write_all(sfd, buf, (size_t)got) != 0) {
            err = nd_scan_fail(s, ND_EIO, "cannot copy %s to %s: %s", name,
                               path, strerror(errno));
            break;
        }
    }
    if (close(sfd) != 0 && !err)
        err = nd_scan_fail(s, ND_EIO, "cannot copy %s to %s: %s", name, path,
                           strerror(errno));
    *out = path;
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
            err = nd_scan_fail(s, ND_EINVAL, "%s is given twice (as %s too)",
                            path, s->inputs[i].name);
        free(other);
    }
    free(real);
    return err;
}

int nd_scan_add_input(nd_scan *s, const char *path)
{
    nd_input *in;
    struct stat st;
    char *from = NULL; /* the spooled copy, if any */
    int err;

    if (!s || !path)
        return ND_EINVAL;
    if (!*path)
        return nd_scan_fail(s, ND_EINVAL, "an input path is empty");
    if (s->ran)
        return nd_scan_fail(s, ND_EINVAL, "inputs cannot be added after a run");
    if (strcmp(path, "-") == 0) {
        if (s->stdin_taken)
            return nd_scan_fail(s, ND_EINVAL,
                                "'-' (standard input) given twice");
        s->stdin_taken = 1;
        err = scan_spool(s, STDIN_FILENO, "standard input", &from);
    } else {
        if (stat(path, &st) != 0)
            return nd_scan_fail(s, ND_EIO, "%s: %s", path, strerror(errno));
        err = scan_check_new_input(s, path);
        if (err)
            return err;
        if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
            /* A pipe (mkfifo, <(...)) or a device: read once, here. */
            int fd = open(path, O_RDONLY | O_CLOEXEC);

            if (fd < 0)
                return nd_scan_fail(s, ND_EIO, "%s: %s", path,
                                    strerror(errno));
            err = scan_spool(s, fd, path, &from);
            close(fd);
        }
    }
    if (err)
        return err;
    if (from) {
        if (stat(from, &st) == 0)
            s->bytes_total += (uint64_t)st.st_size;
    } else {
        s->bytes_total += scan_input_bytes(path, &st);
    }
    err = nd_grow((void **)&s->inputs, &s->cap_inputs, s->n_inputs + 1,
                  sizeof *in);
    if (err)
        return nd_scan_fail(s, err, "out of memory");
    in = &s->inputs[s->n_inputs];
    in->path = strdup(from ? from : path);
    in->name = strdup(path);
    if (!in->path || !in->name) {
        free((char *)in->path);
        free((char *)in->name);
        return nd_scan_fail(s, ND_ENOMEM, "out of memory");
    }
    s->n_inputs++;
    return 0;
}

static void scan_read_opts(const nd_scan *s, nd_read_opts *ro)
{
    ro->id_field = s->opts.id_field;
    ro->text_field = s->opts.text_field;
    ro->source_field = s->opts.source_field;
    ro->date_field = s->opts.date_field;
    ro->strict = s->opts.strict;
    ro->raw_jsonl = 0;
    ro->warn = s->opts.warn;
    ro->warn_payload = s->opts.warn_payload;
}

/* Copies the names of the ignored files, for nd_scan_ignored. */
static int scan_keep_ignored(nd_scan *s, const nd_reader *r)
{
    size_t i, n;
    const char *const *names = nd_reader_ignored(r, &n);

    if (n == 0)
        return 0;
    s->ignored = calloc(n, sizeof *s->ignored);
    if (!s->ignored)
        return nd_scan_fail(s, ND_ENOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        s->ignored[i] = strdup(names[i]);
        if (!s->ignored[i])
            return nd_scan_fail(s, ND_ENOMEM, "out of memory");
        s->n_ignored = i + 1;
    }
    return 0;
}

const char *nd_scan_ignored(const nd_scan *s, size_t i)
{
    return s && i < s->n_ignored ? s->ignored[i] : NULL;
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
        return nd_scan_fail(s, ND_EINVAL, "a scan runs once");
    if (s->n_inputs == 0)
        return nd_scan_fail(s, ND_EINVAL, "no input given");
    memset(&k, 0, sizeof k);
    scan_read_opts(s, &ro);
    err = nd_reader_open(&r, s->inputs, s->n_inputs, &ro);
    if (err) {
        nd_scan_fail(s, err, "%s", r ? nd_reader_errmsg(r) : nd_strerror(err));
        goto done;
    }
    t0 = scan_now();
    err = nd_pass1_run(s, r, &k);
    if (err)
        goto done;
    s->stats.seconds_analyse = scan_now() - t0;
    t0 = scan_now();
    /* Pass 1 is over: its lookup tables go, and the arrays hand their
     * spare capacity back before the sorts need scratch space. */
    nd_pass1_drop_tables(&k);
    nd_shrink((void **)&s->sets.v, &s->sets.cap, s->sets.n,
              sizeof *s->sets.v);
    nd_shrink((void **)&k.bands.v, &k.bands.cap, k.bands.n,
              sizeof *k.bands.v);
    nd_shrink((void **)&k.index.v, &k.index.cap, k.index.n,
              sizeof *k.index.v);
    nd_reader_stats(&rs, r);
    err = scan_keep_ignored(s, r);
    if (err)
        goto done;
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
    scan_stage(s, &rs, "pairing");
    err = nd_lsh_pairs(&pairs, &k.bands, ND_BUCKET_CAP, s->threads);
    nd_keyvec_free(&k.bands);
    if (!err)
        err = nd_lsh_join(&pairs, &k.index, &k.queries, ND_BUCKET_CAP,
                          s->threads);
    nd_keyvec_free(&k.index);
    nd_keyvec_free(&k.queries);
    if (!err)
        err = nd_lsh_pairs_unique(&pairs, s->threads);
    s->stats.seconds_candidates = scan_now() - t0;
    t0 = scan_now();
    scan_stage(s, &rs, "clustering");
    if (!err)
        err = nd_group_rank(s);
    if (!err)
        err = nd_group_cluster(s, &pairs);
    if (!err)
        err = nd_group_index(s);
    if (!err)
        err = nd_group_parts(s);
    if (!err) {
        nd_articles_in ai;

        scan_stage(s, &rs, "articles");
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
        ai.threads = s->threads;
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
        nd_scan_fail(s, err, "clustering failed: %s", nd_strerror(err));
        goto done;
    }
    s->ran = 1;
done:
    nd_pairvec_free(&pairs);
    nd_pass1_keys_free(&k);
    nd_reader_free(r);
    return err;
}

int nd_scan_write(nd_scan *s, const char *outdir)
{
    nd_result res;
    nd_read_opts ro;
    double t0;
    int err;

    if (!s || !outdir)
        return ND_EINVAL;
    if (!*outdir)
        return nd_scan_fail(s, ND_EINVAL, "the output directory name is empty");
    if (!s->ran)
        return nd_scan_fail(s, ND_EINVAL, "nd_scan_write needs nd_scan_run first");
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
    res.parts = s->parts;
    res.n_parts = s->n_parts;
    res.sets = s->sets.v;
    res.set_off = s->set_off;
    res.set_n = s->set_n;
    res.bytes_total = s->bytes_total;
    res.threads = s->threads;
    scan_read_opts(s, &ro);
    /* Pass 1 has warned about every fault already, and noted where every
     * article is, so pass 2 parses JSONL lines only where it must. */
    ro.warn = NULL;
    ro.strict = 0;
    ro.raw_jsonl = 1;
    t0 = scan_now();
    err = nd_report_write(&res, s->inputs, s->n_inputs, &ro, outdir,
                          s->errmsg, sizeof s->errmsg);
    s->stats.seconds_write = scan_now() - t0;
    return err;
}
