/*
 * fuzz_jsonl.c - differential fuzz target of the reader's JSONL fast path
 * (src/read.c read_parse_fast, src/jsontext.c nd_json_fields) against
 * json-c.
 *
 * Pass 1 reads a line of strict JSON without json-c; every other line,
 * and every line of a raw_jsonl reader given to nd_reader_parse, goes
 * through json-c. The fast path may only take lines json-c reads the same
 * way, so two readers over the same file must agree on everything: the
 * first byte of the input picks the field names (so one key can serve two
 * fields, and a field can be unwanted), the rest is written as a .jsonl
 * file (under TMPDIR, else /dev/shm, else /tmp, in a directory of our own)
 * and read by
 *  1. a reader in pass 1's mode (fast path, json-c for the rest), and
 *  2. a raw_jsonl reader with nd_reader_parse on each line (json-c only).
 * Checked: the same records in the same order, with the same id, text
 * bytes, line, source and date; the same warnings, word for word, at the
 * same lines; the same count of skipped records; every raw_jsonl record
 * has its object.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "read.h"

static char g_root[512];  /* the directory of our own */
static char g_file[600];  /* g_root/f.jsonl */

/* One record or warning, as a reader gave it. */
typedef struct jsonl_item {
    int warning;      /* a warning, not a record */
    uint64_t line;    /* its line */
    char *id;         /* record: id; warning: the message */
    char *text;       /* record: text bytes */
    size_t text_len;  /* their count */
    char *source;     /* or NULL */
    char *date;       /* or NULL */
    int fast;         /* record: it had no object */
} jsonl_item;

/* What one reader gave. */
typedef struct jsonl_run {
    jsonl_item *items; /* records and warnings, in order */
    size_t n, cap;     /* items held, slots */
    uint64_t skipped;  /* the reader's count */
} jsonl_run;

static void jsonl_cleanup(void)
{
    unlink(g_file);
    rmdir(g_root);
}

static void jsonl_setup(void)
{
    const char *base = getenv("TMPDIR");

    if (g_root[0])
        return;
    if (!base || !*base)
        base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(g_root, sizeof g_root, "%s/nd_fuzz_jsonl.XXXXXX", base);
    if (!mkdtemp(g_root)) {
        fprintf(stderr, "fuzz_jsonl: mkdtemp %s: %s\n", g_root,
                strerror(errno));
        abort();
    }
    snprintf(g_file, sizeof g_file, "%s/f.jsonl", g_root);
    atexit(jsonl_cleanup);
}

static char *jsonl_dup(const char *p, size_t n)
{
    char *s = malloc(n + 1);

    FUZZ_CHECK(s != NULL);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

static jsonl_item *jsonl_add(jsonl_run *run)
{
    if (run->n == run->cap) {
        run->cap = run->cap ? 2 * run->cap : 16;
        run->items = realloc(run->items, run->cap * sizeof *run->items);
        FUZZ_CHECK(run->items != NULL);
    }
    memset(&run->items[run->n], 0, sizeof *run->items);
    return &run->items[run->n++];
}

static void jsonl_warn(const char *file, uint64_t line, const char *msg,
                       void *payload)
{
    jsonl_item *it = jsonl_add(payload);

    (void)file;
    it->warning = 1;
    it->line = line;
    it->id = jsonl_dup(msg, strlen(msg));
}

static void jsonl_free(jsonl_run *run)
{
    size_t i;

    for (i = 0; i < run->n; i++) {
        free(run->items[i].id);
        free(run->items[i].text);
        free(run->items[i].source);
        free(run->items[i].date);
    }
    free(run->items);
}

static void jsonl_read(jsonl_run *run, const nd_read_opts *base, int raw)
{
    nd_read_opts opts = *base;
    nd_input in;
    nd_reader *r = NULL;
    nd_record rec;
    jsonl_item *it;
    nd_read_stats st;
    int rc;

    memset(run, 0, sizeof *run);
    opts.raw_jsonl = raw;
    opts.warn = jsonl_warn;
    opts.warn_payload = run;
    in.path = g_file;
    in.name = "f.jsonl";
    FUZZ_CHECK(nd_reader_open(&r, &in, 1, &opts) == 0);
    while ((rc = nd_reader_next(r, &rec)) == 1) {
        FUZZ_CHECK(rec.kind == ND_FILE_JSONL);
        if (raw) {
            FUZZ_CHECK(rec.obj == NULL && rec.id == NULL);
            rc = nd_reader_parse(r, &rec);
            FUZZ_CHECK(rc >= 0);
            if (rc == 0)
                continue;
            FUZZ_CHECK(rec.obj != NULL);
        }
        it = jsonl_add(run);
        it->line = rec.line;
        it->id = jsonl_dup(rec.id, strlen(rec.id));
        it->text = jsonl_dup(rec.text, rec.text_len);
        it->text_len = rec.text_len;
        it->source = rec.source ? jsonl_dup(rec.source, strlen(rec.source))
                                : NULL;
        it->date = rec.date ? jsonl_dup(rec.date, strlen(rec.date)) : NULL;
        it->fast = rec.obj == NULL;
    }
    FUZZ_CHECK(rc == 0);
    nd_reader_stats(&st, r);
    run->skipped = st.skipped;
    nd_reader_free(r);
}

/* Equal strings, either both NULL. */
static int jsonl_same(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* id, text, source, date: the reader's defaults first */
    static const char *const fields[][4] = {
        {"id", "text", "source", "date"},
        {"id", "text", NULL, NULL},
        {"text", "text", "id", "id"},
        {"url", "title", "date", "source"},
    };
    const char *const *f;
    nd_read_opts opts;
    jsonl_run fast, slow;
    FILE *fp;
    size_t i;

    if (size == 0)
        return 0;
    f = fields[data[0] % (sizeof fields / sizeof *fields)];
    jsonl_setup();
    fp = fopen(g_file, "wb");
    FUZZ_CHECK(fp != NULL);
    FUZZ_CHECK(fwrite(data + 1, 1, size - 1, fp) == size - 1);
    FUZZ_CHECK(fclose(fp) == 0);
    memset(&opts, 0, sizeof opts);
    opts.id_field = f[0];
    opts.text_field = f[1];
    opts.source_field = f[2];
    opts.date_field = f[3];
    jsonl_read(&fast, &opts, 0);
    jsonl_read(&slow, &opts, 1);
    FUZZ_CHECK(fast.n == slow.n);
    FUZZ_CHECK(fast.skipped == slow.skipped);
    for (i = 0; i < fast.n; i++) {
        const jsonl_item *a = &fast.items[i], *b = &slow.items[i];

        FUZZ_CHECK(a->warning == b->warning && a->line == b->line);
        FUZZ_CHECK(strcmp(a->id, b->id) == 0);
        if (a->warning)
            continue;
        FUZZ_CHECK(a->text_len == b->text_len &&
                   memcmp(a->text, b->text, a->text_len) == 0);
        FUZZ_CHECK(jsonl_same(a->source, b->source));
        FUZZ_CHECK(jsonl_same(a->date, b->date));
        FUZZ_CHECK(!b->fast);
    }
    jsonl_free(&fast);
    jsonl_free(&slow);
    return 0;
}
