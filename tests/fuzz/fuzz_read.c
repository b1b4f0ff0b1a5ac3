/*
 * fuzz_read.c - fuzz target of the input reader (src/read.c): files of any
 * bytes, plain, gzip or zstd, as JSONL, as a text article, and as whatever
 * their content says.
 *
 * The input becomes a file in a directory of our own (under TMPDIR, else
 * /dev/shm, else /tmp), written three times: in/a.txt, its sidecar
 * in/a.meta.json and in/b.jsonl. Compressed data needs no special
 * handling: an input that starts with the gzip or zstd magic bytes is
 * decoded because of them, and a truncated or corrupt stream is the
 * reader's problem. Every record of five readers is checked:
 *  1. in/b.jsonl named "fuzz.jsonl": JSONL whatever it holds;
 *  2. in/a.txt named "fuzz.txt": one text article (decoded when it starts
 *     with magic bytes), with in/a.meta.json read as its sidecar;
 *  3. in/b.jsonl named "fuzz": typed by content;
 *  4. the directory in/: a.txt as it is, with its sidecar, then b.jsonl;
 *  5. reader 1 in strict mode: the records of reader 1 up to its first
 *     fault, then an error.
 * Checked: every record's strings and its text[0..text_len) can be read;
 * a JSONL record's text is its object's text field, with text_len its
 * length, its id the id field or FILE:LINE, its source and date those
 * fields, its raw line the very bytes of that line, and a record read
 * without json-c (the reader's fast path) has all that from json-c's
 * own parse of the line; lines go up; each non-blank line of plain JSONL is a record
 * or a counted skip; a plain text article is the file's bytes, unless
 * they are binary data, which is skipped; no reader
 * fails outside strict mode; the counters match what came out.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "fuzz.h"
#include "read.h"

/* The temporary tree, made once per process. */
static char g_root[512];     /* the directory of our own */
static char g_in[600];       /* g_root/in, read as a directory */
static char g_txt[640];      /* g_in/a.txt */
static char g_side[640];     /* g_in/a.meta.json */
static char g_jsonl[640];    /* g_in/b.jsonl */
static volatile unsigned char g_sink; /* keeps the byte reads */

/* What one reader gave, for comparing readers. */
typedef struct read_run {
    uint64_t records;    /* records returned */
    uint64_t jsonl;      /* of those, JSONL records */
    uint64_t line_sum;   /* sum of their line numbers */
    uint64_t warnings;   /* warn calls */
    nd_read_stats stats; /* the reader's counters at the end */
    int rc;              /* the last nd_reader_next */
} read_run;

/* What a reader is expected to give. */
typedef struct read_want {
    const uint8_t *data;  /* the file's bytes */
    size_t size;          /* their count */
    int plain;            /* not starting with gzip or zstd magic */
    const char *name;     /* the input's name */
    nd_file_kind kind;    /* kind of the file named as the input (-1 for
                             the directory) */
} read_want;

static void read_fuzz_cleanup(void)
{
    unlink(g_txt);
    unlink(g_side);
    unlink(g_jsonl);
    rmdir(g_in);
    rmdir(g_root);
}

static int read_fuzz_setup(void)
{
    const char *base = getenv("TMPDIR");

    if (g_root[0])
        return 0;
    if (!base || !*base)
        base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(g_root, sizeof g_root, "%s/nd_fuzz_read.XXXXXX", base);
    if (!mkdtemp(g_root)) {
        fprintf(stderr, "fuzz_read: mkdtemp %s: %s\n", g_root,
                strerror(errno));
        abort();
    }
    snprintf(g_in, sizeof g_in, "%s/in", g_root);
    snprintf(g_txt, sizeof g_txt, "%s/a.txt", g_in);
    snprintf(g_side, sizeof g_side, "%s/a.meta.json", g_in);
    snprintf(g_jsonl, sizeof g_jsonl, "%s/b.jsonl", g_in);
    FUZZ_CHECK(mkdir(g_in, 0700) == 0);
    atexit(read_fuzz_cleanup);
    return 0;
}

static void read_fuzz_write(const char *path, const uint8_t *data,
                            size_t size)
{
    FILE *f = fopen(path, "wb");

    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(fwrite(data, 1, size, f) == size);
    FUZZ_CHECK(fclose(f) == 0);
}

/* Reads every byte of p[0..n), so that the sanitizers check the range. */
static void read_touch(const char *p, size_t n)
{
    unsigned char x = 0;
    size_t i;

    for (i = 0; i < n; i++)
        x ^= (unsigned char)p[i];
    g_sink ^= x;
}

static void read_touch_str(const char *s)
{
    if (s)
        read_touch(s, strlen(s) + 1);
}

static void read_fuzz_warn(const char *file, uint64_t line, const char *msg,
                           void *payload)
{
    read_run *run = payload;

    (void)line;
    FUZZ_CHECK(file != NULL && msg != NULL && msg[0] != '\0');
    read_touch_str(file);
    read_touch_str(msg);
    run->warnings++;
}

/* The lines of the input as the reader splits them: at '\n', the end
   after a final '\n' being no line; line 1 loses a UTF-8 BOM, as the
   reader drops it. Made once per input. */
static size_t *g_start, *g_end; /* line k (1-based) is [g_start[k-1],
                                   g_end[k-1]) */
static size_t g_lines, g_cap;   /* lines, and slots allocated */

static void read_fuzz_split(const uint8_t *data, size_t size)
{
    size_t pos = 0, e;
    const uint8_t *nl;

    g_lines = 0;
    while (pos < size) {
        nl = memchr(data + pos, '\n', size - pos);
        e = nl ? (size_t)(nl - data) : size;
        if (g_lines == g_cap) {
            g_cap = g_cap ? 2 * g_cap : 256;
            g_start = realloc(g_start, g_cap * sizeof *g_start);
            g_end = realloc(g_end, g_cap * sizeof *g_end);
            FUZZ_CHECK(g_start && g_end);
        }
        g_start[g_lines] = pos;
        g_end[g_lines] = e;
        if (g_lines == 0 && e >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
            g_start[0] = 3;
        g_lines++;
        pos = e + 1;
    }
}

/* Blank as the reader sees it: JSON white space plus \f and \v. */
static int read_fuzz_blank(const uint8_t *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strchr(" \t\r\n\f\v", p[i]) || p[i] == '\0')
            return 0;
    return 1;
}

/* Non-blank lines of plain JSONL data: each is a record or a skip. */
static uint64_t read_fuzz_lines(const read_want *w)
{
    uint64_t n = 0;
    size_t k;

    for (k = 0; k < g_lines; k++)
        n += !read_fuzz_blank(w->data + g_start[k], g_end[k] - g_start[k]);
    return n;
}

/* Whether a text article of these bytes is binary data, which the reader
 * skips: at least 8 control bytes (below 0x20 but tab, line feed,
 * vertical tab, form feed, carriage return), and at least one in 32.
 * Written out again rather than taken from src/read.c, so that a change
 * there shows here. */
static int read_fuzz_binary(const uint8_t *p, size_t n)
{
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        k += p[i] < 0x20 && (p[i] < 0x09 || p[i] > 0x0d);
    return k >= 8 && 32 * k >= n;
}

/* How the content types a file named without a telling name. */
static nd_file_kind read_fuzz_sniff(const read_want *w)
{
    size_t i = 0;

    if (!w->plain)
        return ND_FILE_JSONL;
    if (w->size >= 3 && memcmp(w->data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < w->size && w->data[i] != '\0' &&
           strchr(" \t\r\n\f\v", w->data[i]))
        i++;
    return i < w->size && w->data[i] == '{' ? ND_FILE_JSONL : ND_FILE_TEXT;
}

/* A JSONL record's object: the reader's, or for a line it read without
   json-c (its fast path) one parsed here, which must succeed. Put it with
   read_put_obj. */
static json_object *read_get_obj(const nd_record *rec)
{
    json_tokener *tok;
    json_object *obj;

    if (rec->obj)
        return rec->obj;
    FUZZ_CHECK(rec->raw_len <= INT_MAX);
    tok = json_tokener_new();
    FUZZ_CHECK(tok != NULL);
    obj = json_tokener_parse_ex(tok, rec->raw, (int)rec->raw_len);
    FUZZ_CHECK(obj != NULL &&
               json_tokener_get_error(tok) == json_tokener_success);
    FUZZ_CHECK(json_object_is_type(obj, json_type_object));
    json_tokener_free(tok);
    return obj;
}

static void read_put_obj(const nd_record *rec, json_object *obj)
{
    if (obj != rec->obj)
        json_object_put(obj);
}

/* A source or date field as read.c keeps it, or NULL. */
static const char *read_json_field(json_object *obj, const char *field,
                                   int nonempty)
{
    json_object *v;
    const char *s;

    if (!json_object_object_get_ex(obj, field, &v) ||
        !(json_object_is_type(v, json_type_string) ||
          json_object_is_type(v, json_type_int) ||
          json_object_is_type(v, json_type_double)))
        return NULL;
    s = json_object_get_string(v);
    return s && (!nonempty || *s) ? s : NULL;
}

/* The checks of one JSONL record. Every one of them holds on both of the
   reader's paths, so the fast path is checked against json-c here. */
static void read_check_jsonl(const nd_record *rec, const read_want *w,
                             uint64_t prev_line)
{
    json_object *obj, *tv, *iv;
    const char *s;
    char fallback[64];
    size_t off, len;

    FUZZ_CHECK(rec->line > prev_line);
    FUZZ_CHECK(rec->raw != NULL);
    read_touch(rec->raw, rec->raw_len);
    obj = read_get_obj(rec);
    FUZZ_CHECK(json_object_object_get_ex(obj, "text", &tv));
    FUZZ_CHECK(json_object_is_type(tv, json_type_string));
    if (rec->obj)
        FUZZ_CHECK(json_object_get_string(tv) == rec->text);
    FUZZ_CHECK((size_t)json_object_get_string_len(tv) == rec->text_len);
    FUZZ_CHECK(memcmp(json_object_get_string(tv), rec->text,
                      rec->text_len) == 0);
    s = read_json_field(obj, "source", 1);
    FUZZ_CHECK(s ? rec->source && strcmp(s, rec->source) == 0
                 : rec->source == NULL);
    s = read_json_field(obj, "date", 0);
    FUZZ_CHECK(s ? rec->date && strcmp(s, rec->date) == 0
                 : rec->date == NULL);
    if (json_object_object_get_ex(obj, "id", &iv) &&
        (json_object_is_type(iv, json_type_string) ||
         json_object_is_type(iv, json_type_int) ||
         json_object_is_type(iv, json_type_double))) {
        FUZZ_CHECK(strcmp(rec->id, json_object_get_string(iv)) == 0);
    } else {
        snprintf(fallback, sizeof fallback, ":%" PRIu64, rec->line);
        FUZZ_CHECK(strlen(rec->id) == strlen(rec->file) + strlen(fallback));
        FUZZ_CHECK(strncmp(rec->id, rec->file, strlen(rec->file)) == 0);
        FUZZ_CHECK(strcmp(rec->id + strlen(rec->file), fallback) == 0);
    }
    if (rec->source)
        FUZZ_CHECK(rec->source[0] != '\0');
    if (w->plain) {
        /* raw is line rec->line of the file, exactly */
        FUZZ_CHECK(rec->line <= g_lines);
        off = g_start[rec->line - 1];
        len = g_end[rec->line - 1] - off;
        FUZZ_CHECK(len == rec->raw_len);
        FUZZ_CHECK(memcmp(w->data + off, rec->raw, len) == 0);
    }
    read_put_obj(rec, obj);
}

/* Runs one reader to its end and checks every record. */
static void read_fuzz_run(read_run *run, const read_want *w,
                          const char *path, int strict)
{
    nd_input in;
    nd_read_opts opts;
    nd_reader *r = NULL;
    nd_record rec;
    uint64_t prev_line = 0, prev_file = UINT64_MAX;
    size_t n_ign = 1;
    int rc;

    memset(run, 0, sizeof *run);
    memset(&opts, 0, sizeof opts);
    opts.id_field = "id";
    opts.text_field = "text";
    opts.source_field = "source";
    opts.date_field = "date";
    opts.strict = strict;
    opts.warn = read_fuzz_warn;
    opts.warn_payload = run;
    in.path = path;
    in.name = w->name;
    rc = nd_reader_open(&r, &in, 1, &opts);
    FUZZ_CHECK(rc == 0 && r != NULL);
    while ((rc = nd_reader_next(r, &rec)) == 1) {
        FUZZ_CHECK(rec.id && rec.file && rec.out_name && rec.text);
        read_touch_str(rec.id);
        read_touch_str(rec.file);
        read_touch_str(rec.out_name);
        read_touch_str(rec.source);
        read_touch_str(rec.date);
        read_touch(rec.text, rec.text_len);
        FUZZ_CHECK(rec.input == 0);
        if (rec.file_no != prev_file)
            prev_line = 0;
        prev_file = rec.file_no;
        if (rec.kind == ND_FILE_JSONL) {
            read_check_jsonl(&rec, w, prev_line);
            prev_line = rec.line;
            run->jsonl++;
            run->line_sum += rec.line;
        } else {
            FUZZ_CHECK(rec.kind == ND_FILE_TEXT);
            FUZZ_CHECK(rec.line == 0 && rec.obj == NULL && rec.raw == NULL);
            /* A text article in a directory, or a plain one, is the file */
            if ((int)w->kind == -1 || w->plain)
                FUZZ_CHECK(rec.text_len == w->size &&
                           memcmp(rec.text, w->data, w->size) == 0);
        }
        if ((int)w->kind != -1)
            FUZZ_CHECK(rec.kind == w->kind);
        run->records++;
    }
    run->rc = rc;
    nd_reader_stats(&run->stats, r);
    if (rc < 0) {
        FUZZ_CHECK(strict && (rc == ND_EFORMAT || rc == ND_EIO));
        FUZZ_CHECK(nd_reader_errmsg(r)[0] != '\0');
    } else {
        FUZZ_CHECK(rc == 0);
    }
    FUZZ_CHECK(run->stats.records == run->records);
    FUZZ_CHECK(run->stats.skipped <= run->warnings);
    FUZZ_CHECK(run->stats.files == ((int)w->kind == -1 ? 2 : 1));
    FUZZ_CHECK(run->stats.files_ignored == 0);
    FUZZ_CHECK(run->stats.bytes_in <=
               ((int)w->kind == -1 ? 2 * w->size : w->size));
    nd_reader_ignored(r, &n_ign);
    FUZZ_CHECK(n_ign == 0);
    nd_reader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_run jsonl, text, sniff, dir, strict;
    read_want w;

    read_fuzz_setup();
    read_fuzz_write(g_txt, data, size);
    read_fuzz_write(g_side, data, size);
    read_fuzz_write(g_jsonl, data, size);
    read_fuzz_split(data, size);
    w.data = data;
    w.size = size;
    w.plain = !((size >= 2 && data[0] == 0x1f && data[1] == 0x8b) ||
                (size >= 4 && memcmp(data, "\x28\xb5\x2f\xfd", 4) == 0));

    /* 1. JSONL by name */
    w.name = "fuzz.jsonl";
    w.kind = ND_FILE_JSONL;
    read_fuzz_run(&jsonl, &w, g_jsonl, 0);
    if (w.plain)
        FUZZ_CHECK(jsonl.records + jsonl.stats.skipped ==
                   read_fuzz_lines(&w));

    /* 2. One article by name: a record, or a skip when it cannot be
       decoded or is binary data */
    w.name = "fuzz.txt";
    w.kind = ND_FILE_TEXT;
    read_fuzz_run(&text, &w, g_txt, 0);
    FUZZ_CHECK(text.records + text.stats.skipped == 1);
    if (w.plain)
        FUZZ_CHECK(text.records == !read_fuzz_binary(data, size));

    /* 3. By content */
    w.name = "fuzz";
    w.kind = read_fuzz_sniff(&w);
    read_fuzz_run(&sniff, &w, g_jsonl, 0);
    if (w.kind == ND_FILE_JSONL)
        FUZZ_CHECK(sniff.records == jsonl.records &&
                   sniff.line_sum == jsonl.line_sum);
    else /* plain: compressed data is JSONL */
        FUZZ_CHECK(sniff.records == !read_fuzz_binary(data, size));

    /* 4. The directory: a.txt as it is, then b.jsonl as in 1 */
    w.name = "in";
    w.kind = (nd_file_kind)-1;
    read_fuzz_run(&dir, &w, g_in, 0);
    FUZZ_CHECK(dir.records == !read_fuzz_binary(data, size) + jsonl.records);
    FUZZ_CHECK(dir.jsonl == jsonl.records &&
               dir.line_sum == jsonl.line_sum);

    /* 5. Strict: reader 1 up to its first fault */
    w.name = "fuzz.jsonl";
    w.kind = ND_FILE_JSONL;
    read_fuzz_run(&strict, &w, g_jsonl, 1);
    FUZZ_CHECK(strict.records <= jsonl.records);
    if (strict.rc == 0)
        FUZZ_CHECK(jsonl.stats.skipped == 0 &&
                   strict.records == jsonl.records);
    else
        FUZZ_CHECK(jsonl.stats.skipped > 0);
    return 0;
}
