/*
 * test_read.c - unit tests of the reader (src/read.c).
 *
 * Every case builds its inputs at run time in a fresh directory under /tmp
 * (plain, gzip and zstd files, broken ones too), reads them through the
 * public functions of read.h, and checks the records, the warnings and the
 * counters. Nothing depends on files outside the tree but ND_SOURCE_DIR's
 * corpus/.
 */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700
#define _DEFAULT_SOURCE

#include <dirent.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>
#include <zstd.h>

#include "read.h"
#include "xorshift.h"

#ifndef ND_SOURCE_DIR
#define ND_SOURCE_DIR "."
#endif

/* ---- fixtures ---------------------------------------------------------- */

/* One record, copied out of the reader. */
typedef struct rec_copy {
    char *id;         /* record.id */
    char *text;       /* record.text (text_len bytes, plus a NUL) */
    size_t text_len;  /* record.text_len */
    char *file;       /* record.file */
    char *out_name;   /* record.out_name */
    uint64_t line;    /* record.line */
    size_t input;     /* record.input */
    uint64_t file_no; /* record.file_no */
    int kind;         /* record.kind */
    int has_obj;      /* record.obj != NULL */
    char *source;     /* record.source, or NULL */
    char *date;       /* record.date, or NULL */
} rec_copy;

/* One warning. */
typedef struct warn_copy {
    char *file;    /* file argument */
    uint64_t line; /* line argument */
    char *msg;     /* msg argument */
} warn_copy;

/* What one pass of a reader gave. */
typedef struct run {
    rec_copy *recs;      /* records, in order */
    size_t n;            /* count of records */
    warn_copy *warns;    /* warnings, in order */
    size_t n_warns;      /* count of warnings */
    int rc;              /* what the last nd_reader_next returned */
    char errmsg[512];    /* nd_reader_errmsg after the last call */
    nd_read_stats stats; /* the counters */
    char **ignored;      /* nd_reader_ignored, copied */
    size_t n_ignored;    /* count of those */
} run;

static char g_dir[64]; /* this case's temporary directory */

static int rm_entry(const char *path, const struct stat *st, int flag,
                    struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    (void)state;
    strcpy(g_dir, "/tmp/nd_test_read_XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return nftw(g_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The path of rel below the case's directory; a static buffer per slot. */
static const char *tpath(const char *rel)
{
    static char bufs[8][512];
    static int slot;
    char *b = bufs[slot++ % 8];

    snprintf(b, 512, "%s/%s", g_dir, rel);
    return b;
}

static void write_bytes(const char *rel, const void *data, size_t n)
{
    FILE *f = fopen(tpath(rel), "wb");

    assert_non_null(f);
    if (n)
        assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static void write_str(const char *rel, const char *s)
{
    write_bytes(rel, s, strlen(s));
}

static void make_dir(const char *rel)
{
    assert_int_equal(mkdir(tpath(rel), 0755), 0);
}

static void on_warn(const char *file, uint64_t line, const char *msg,
                    void *payload)
{
    run *w = payload;

    w->warns = realloc(w->warns, (w->n_warns + 1) * sizeof *w->warns);
    assert_non_null(w->warns);
    w->warns[w->n_warns].file = strdup(file);
    w->warns[w->n_warns].line = line;
    w->warns[w->n_warns].msg = strdup(msg);
    w->n_warns++;
}

static char *dup_bytes(const char *p, size_t n)
{
    char *s = malloc(n + 1);

    assert_non_null(s);
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* Reads inputs with opts (its warn and payload replaced) to the end or the
   first error into *out. */
static void read_all_opts(run *out, const nd_input *inputs, size_t n,
                          nd_read_opts opts)
{
    nd_reader *r = NULL;
    nd_record rec;
    const char *const *ign;
    rec_copy *c;
    size_t i;

    memset(out, 0, sizeof *out);
    opts.warn = on_warn;
    opts.warn_payload = out;
    out->rc = nd_reader_open(&r, inputs, n, &opts);
    if (out->rc == 0) {
        for (;;) {
            memset(&rec, 0, sizeof rec);
            out->rc = nd_reader_next(r, &rec);
            if (out->rc == 1 && opts.raw_jsonl && rec.kind == ND_FILE_JSONL) {
                /* A raw line: unparsed until nd_reader_parse says. */
                assert_null(rec.id);
                assert_null(rec.obj);
                assert_non_null(rec.raw);
                out->rc = nd_reader_parse(r, &rec);
                if (out->rc == 0)
                    continue;
            }
            if (out->rc != 1)
                break;
            out->recs = realloc(out->recs, (out->n + 1) * sizeof *out->recs);
            assert_non_null(out->recs);
            c = &out->recs[out->n++];
            assert_non_null(rec.id);
            assert_non_null(rec.text);
            assert_non_null(rec.file);
            assert_non_null(rec.out_name);
            c->id = strdup(rec.id);
            c->text = dup_bytes(rec.text, rec.text_len);
            c->text_len = rec.text_len;
            c->file = strdup(rec.file);
            c->out_name = strdup(rec.out_name);
            c->line = rec.line;
            c->input = rec.input;
            c->file_no = rec.file_no;
            c->kind = rec.kind;
            c->has_obj = rec.obj != NULL;
            c->source = rec.source ? strdup(rec.source) : NULL;
            c->date = rec.date ? strdup(rec.date) : NULL;
        }
    }
    assert_non_null(r);
    snprintf(out->errmsg, sizeof out->errmsg, "%s", nd_reader_errmsg(r));
    nd_reader_stats(&out->stats, r);
    ign = nd_reader_ignored(r, &out->n_ignored);
    out->ignored = calloc(out->n_ignored + 1, sizeof *out->ignored);
    assert_non_null(out->ignored);
    for (i = 0; i < out->n_ignored; i++)
        out->ignored[i] = strdup(ign[i]);
    nd_reader_free(r);
}

/* read_all_opts with the source and date fields "source" and "date". */
static void read_all(run *out, const nd_input *inputs, size_t n,
                     int strict, const char *id_field,
                     const char *text_field)
{
    nd_read_opts opts = {0};

    opts.id_field = id_field ? id_field : "id";
    opts.text_field = text_field ? text_field : "text";
    opts.source_field = "source";
    opts.date_field = "date";
    opts.strict = strict;
    read_all_opts(out, inputs, n, opts);
}

static void read_one(run *out, const char *rel, int strict)
{
    nd_input in = {tpath(rel), tpath(rel)};

    read_all(out, &in, 1, strict, NULL, NULL);
}

static void run_free(run *w)
{
    size_t i;

    for (i = 0; i < w->n; i++) {
        free(w->recs[i].id);
        free(w->recs[i].text);
        free(w->recs[i].file);
        free(w->recs[i].out_name);
        free(w->recs[i].source);
        free(w->recs[i].date);
    }
    free(w->recs);
    for (i = 0; i < w->n_warns; i++) {
        free(w->warns[i].file);
        free(w->warns[i].msg);
    }
    free(w->warns);
    for (i = 0; i < w->n_ignored; i++)
        free(w->ignored[i]);
    free(w->ignored);
    memset(w, 0, sizeof *w);
}

static void gz_write(const char *rel, const char *mode, const char *s,
                     size_t n)
{
    gzFile g = gzopen(tpath(rel), mode);

    assert_non_null(g);
    assert_int_equal(gzwrite(g, s, (unsigned)n), (int)n);
    assert_int_equal(gzclose(g), Z_OK);
}

/* Appends one zstd frame of s to the file rel. */
static void zstd_append(const char *rel, const char *s, size_t n)
{
    size_t cap = ZSTD_compressBound(n), len;
    char *buf = malloc(cap);
    FILE *f;

    assert_non_null(buf);
    len = ZSTD_compress(buf, cap, s, n, 3);
    assert_false(ZSTD_isError(len));
    f = fopen(tpath(rel), "ab");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
    free(buf);
}

static off_t file_size(const char *rel)
{
    struct stat st;

    assert_int_equal(stat(tpath(rel), &st), 0);
    return st.st_size;
}

/* nlines JSONL records "r<i>" whose text is pseudo-random words, so that
   the data does not compress to almost nothing. */
static char *make_jsonl(size_t nlines, size_t *out_len)
{
    static const char *const words[] = {
        "troops", "offensive", "region", "official", "said", "bridge",
        "tribes", "senior", "leader", "news", "town", "north", "freed",
        "security", "center", "links", "launched", "Wednesday"};
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    size_t cap = nlines * 400 + 64, len = 0, i, w;
    char *s = malloc(cap);

    assert_non_null(s);
    for (i = 0; i < nlines; i++) {
        len += (size_t)snprintf(s + len, cap - len,
                                "{\"id\":\"r%zu\",\"text\":\"", i);
        for (w = 0; w < 30; w++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            len += (size_t)snprintf(s + len, cap - len, "%s%s ",
                                    words[(x >> 33) % 18],
                                    (x >> 60) & 1 ? "s" : "");
        }
        len += (size_t)snprintf(s + len, cap - len, "\"}\n");
    }
    *out_len = len;
    return s;
}

/* ---- cases ------------------------------------------------------------- */

static void test_read__dir_walk(void **state)
{
    nd_input in;
    run w;

    (void)state;
    make_dir("c");
    make_dir("c/a");
    make_dir("c/a/sub");
    make_dir("c/.git");
    write_str("c/b.txt", "bee");
    write_str("c/a/2.txt", "two");
    write_str("c/a/10.txt", "ten");
    write_str("c/a/sub/x", "ex");
    write_str("c/c.md", "# ignored");
    write_str("c/notes", "no extension");
    write_str("c/d.jsonl", "{\"id\":\"d1\",\"text\":\"one\"}\n"
                           "{\"id\":\"d2\",\"text\":\"two\"}\n");
    write_str("c/e.ndjson", "{\"id\":\"e1\",\"text\":\"ee\"}");
    write_str("c/.git/HEAD", "ref: refs/heads/main");
    assert_int_equal(symlink(tpath("c/a"), tpath("c/link")), 0);
    assert_int_equal(symlink(tpath("c/b.txt"), tpath("c/y.txt")), 0);

    in.path = tpath("c");
    in.name = "corp/";
    read_all(&w, &in, 1, 0, NULL, NULL);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, 9);
    /* depth first, each directory sorted by strcmp: "10.txt" < "2.txt" */
    assert_string_equal(w.recs[0].id, "a/10.txt");
    assert_string_equal(w.recs[0].text, "ten");
    assert_string_equal(w.recs[0].file, "corp/a/10.txt");
    assert_string_equal(w.recs[0].out_name, "corp/a/10.txt");
    assert_int_equal(w.recs[0].kind, ND_FILE_TEXT);
    assert_int_equal(w.recs[0].line, 0);
    assert_int_equal(w.recs[0].file_no, 0);
    assert_false(w.recs[0].has_obj);
    assert_string_equal(w.recs[1].id, "a/2.txt");
    assert_int_equal(w.recs[1].file_no, 1);
    assert_string_equal(w.recs[2].id, "a/sub/x");
    assert_string_equal(w.recs[2].out_name, "corp/a/sub/x");
    assert_string_equal(w.recs[3].id, "b.txt");
    assert_string_equal(w.recs[4].id, "d1");
    assert_int_equal(w.recs[4].kind, ND_FILE_JSONL);
    assert_int_equal(w.recs[4].line, 1);
    /* plain strict JSON: read without json-c, so without an object */
    assert_false(w.recs[4].has_obj);
    assert_string_equal(w.recs[4].file, "corp/d.jsonl");
    assert_string_equal(w.recs[4].out_name, "corp/d.jsonl");
    assert_string_equal(w.recs[5].id, "d2");
    assert_int_equal(w.recs[5].line, 2);
    assert_int_equal(w.recs[5].file_no, w.recs[4].file_no);
    assert_string_equal(w.recs[6].id, "e1");
    assert_int_equal(w.recs[6].file_no, w.recs[5].file_no + 1);
    assert_string_equal(w.recs[7].id, "notes");
    assert_string_equal(w.recs[8].id, "y.txt");
    assert_string_equal(w.recs[8].text, "bee");
    assert_int_equal(w.recs[8].input, 0);

    assert_int_equal(w.stats.files, 8);
    assert_int_equal(w.stats.records, 9);
    assert_int_equal(w.stats.skipped, 0);
    assert_int_equal(w.stats.files_ignored, 3);
    assert_int_equal(w.n_ignored, 3);
    assert_string_equal(w.ignored[0], "corp/.git");
    assert_string_equal(w.ignored[1], "corp/c.md");
    assert_string_equal(w.ignored[2], "corp/link");
    assert_true(w.stats.bytes_in > 0);
    run_free(&w);
}

static void test_read__jsonl_ids(void **state)
{
    run w;

    (void)state;
    write_str("ids.jsonl",
              "{\"id\":\"s1\",\"text\":\"a\"}\n"
              "{\"text\":\"no id\"}\n"
              "{\"id\":42,\"text\":\"int\"}\n"
              "{\"id\":null,\"text\":\"null id\"}\n"
              "{\"id\":1.50,\"text\":\"float\"}\n"
              "{\"id\":-7,\"text\":\"neg\"}\r\n");
    read_one(&w, "ids.jsonl", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, 6);
    assert_string_equal(w.recs[0].id, "s1");
    /* a missing id is FILE:LINE */
    {
        char want[600];

        snprintf(want, sizeof want, "%s:2", tpath("ids.jsonl"));
        assert_string_equal(w.recs[1].id, want);
        snprintf(want, sizeof want, "%s:4", tpath("ids.jsonl"));
        assert_string_equal(w.recs[3].id, want);
    }
    assert_string_equal(w.recs[2].id, "42");
    assert_string_equal(w.recs[4].id, "1.50");
    assert_string_equal(w.recs[5].id, "-7");
    assert_string_equal(w.recs[5].text, "neg");
    assert_string_equal(w.recs[0].out_name, "ids.jsonl");
    assert_int_equal(w.recs[5].line, 6);
    run_free(&w);

    /* other field names */
    write_str("f.jsonl", "{\"key\":\"k1\",\"body\":\"b\",\"text\":5}\n");
    {
        nd_input in = {tpath("f.jsonl"), "f.jsonl"};

        read_all(&w, &in, 1, 0, "key", "body");
    }
    assert_int_equal(w.n, 1);
    assert_string_equal(w.recs[0].id, "k1");
    assert_string_equal(w.recs[0].text, "b");
    assert_string_equal(w.recs[0].file, "f.jsonl");
    run_free(&w);
}

static void test_read__jsonl_faults(void **state)
{
    static const char data[] =
        "{\"id\":\"a\",\"text\":\"x\"}\n"          /* 1 */
        "\n"                                       /* 2 blank */
        "  \t \r\n"                                /* 3 blank */
        "{bad\n"                                   /* 4 malformed */
        "{\"id\":\"b\"}\n"                         /* 5 no text */
        "{\"id\":\"c\",\"text\":5}\n"              /* 6 not a string */
        "[1,2]\n"                                  /* 7 not an object */
        "{\"id\":\"d\",\"text\":\"y\"} trailing\n" /* 8 data after */
        "{\"id\":\"n\",\"text\":null}\n"           /* 9 null text */
        "{\"id\":\"z\",\"text\":\"a\0b\"}\n"       /* 10 raw NUL */
        "{\"id\":\"e\",\"text\":\"z\"}\n"          /* 11 */
        "{\"id\":\"f\",\"text\":\"cut";            /* 12 no end */
    static const uint64_t lines[] = {4, 5, 6, 7, 8, 9, 10, 12};
    char name[600];
    size_t i;
    run w;

    (void)state;
    write_bytes("bad.jsonl", data, sizeof data - 1);
    snprintf(name, sizeof name, "%s", tpath("bad.jsonl"));
    read_one(&w, "bad.jsonl", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.recs[0].id, "a");
    assert_string_equal(w.recs[1].id, "e");
    assert_int_equal(w.recs[1].line, 11);
    assert_int_equal(w.n_warns, 8);
    for (i = 0; i < 8; i++) {
        assert_string_equal(w.warns[i].file, name);
        assert_int_equal(w.warns[i].line, lines[i]);
        assert_non_null(strstr(w.warns[i].msg, "record skipped"));
    }
    assert_non_null(strstr(w.warns[0].msg, "malformed JSON at byte 2 ('b'): "
                                           "a field name in double quotes "
                                           "expected"));
    assert_non_null(strstr(w.warns[1].msg, "no \"text\" field"));
    assert_non_null(strstr(w.warns[2].msg, "is a number, not a string"));
    assert_non_null(strstr(w.warns[3].msg, "not a JSON object but an "
                                           "array"));
    assert_non_null(strstr(w.warns[4].msg, "byte 23: data after the value"));
    assert_non_null(strstr(w.warns[5].msg, "is null, not a string"));
    assert_non_null(strstr(w.warns[6].msg, "byte 20: a raw NUL byte"));
    assert_non_null(strstr(w.warns[7].msg, "ends inside a value"));
    assert_int_equal(w.stats.skipped, 8);
    assert_int_equal(w.stats.records, 2);
    run_free(&w);
}

/* What json-c calls "null expected" or "boolean expected" is said in a
 * user's words: a line of plain text is no JSON object, and a bare word
 * inside an object is no JSON value; file and line stay in the warning. */
static void test_read__jsonl_fault_words(void **state)
{
    static const char data[] =
        "{\"id\":\"a\",\"text\":\"x\"}\n" /* 1 */
        "not json line\n"                  /* 2 */
        "  The tryout said this\n"         /* 3 */
        "true story\n"                     /* 4 */
        "{\"id\": nope}\n"                 /* 5 */
        "{\"id\": \"b\", \"text\": tru}\n"  /* 6 */
        "\xc3\x84rger\n"                    /* 7 */
        "\"a string\"\n";                  /* 8 */
    static const char *const want[] = {
        "not a JSON object: the line starts with 'n'",
        "not a JSON object: the line starts with 'T'",
        "not a JSON object: the line starts with 't'",
        "malformed JSON at byte 9 ('o'): not a JSON value (the parser "
        "expected null)",
        "malformed JSON at byte 24 ('}'): not a JSON value (the parser "
        "expected true or false)",
        "not a JSON object: the line starts with byte 0xC3",
        "not a JSON object but a string",
    };
    size_t i;
    run w;

    (void)state;
    write_bytes("words.jsonl", data, sizeof data - 1);
    read_one(&w, "words.jsonl", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.n_warns, 7);
    for (i = 0; i < 7; i++) {
        assert_int_equal(w.warns[i].line, i + 2);
        if (!strstr(w.warns[i].msg, want[i]))
            fail_msg("line %zu: '%s', not '%s'", i + 2, w.warns[i].msg,
                     want[i]);
        assert_null(strstr(w.warns[i].msg, " expected;"));
    }
    run_free(&w);
}

static void test_read__strict(void **state)
{
    nd_read_opts opts = {.id_field = "id", .text_field = "text",
                         .strict = 1};
    nd_input in = {NULL, "s.jsonl"};
    nd_reader *r = NULL;
    nd_record rec;
    nd_read_stats st;

    (void)state;
    write_str("s.jsonl", "{\"id\":\"a\",\"text\":\"x\"}\n"
                         "{\"id\":\"b\",\"text\":\n"
                         "{\"id\":\"c\",\"text\":\"y\"}\n");
    in.path = tpath("s.jsonl");
    assert_int_equal(nd_reader_open(&r, &in, 1, &opts), 0);
    assert_int_equal(nd_reader_next(r, &rec), 1);
    assert_string_equal(rec.id, "a");
    assert_int_equal(nd_reader_next(r, &rec), ND_EFORMAT);
    assert_non_null(strstr(nd_reader_errmsg(r), "s.jsonl:2: malformed JSON"));
    /* the faulty record is behind us; the reader can carry on */
    assert_int_equal(nd_reader_next(r, &rec), 1);
    assert_string_equal(rec.id, "c");
    assert_int_equal(nd_reader_next(r, &rec), 0);
    nd_reader_stats(&st, r);
    assert_int_equal(st.skipped, 0);
    nd_reader_free(r);

    /* strict and a truncated stream */
    gz_write("t.jsonl.gz", "wb", "{\"id\":\"a\",\"text\":\"x\"}\n", 22);
    assert_int_equal(truncate(tpath("t.jsonl.gz"), file_size("t.jsonl.gz") - 6),
                     0);
    in.path = tpath("t.jsonl.gz");
    in.name = "t.jsonl.gz";
    assert_int_equal(nd_reader_open(&r, &in, 1, &opts), 0);
    assert_int_equal(nd_reader_next(r, &rec), 1);
    assert_int_equal(nd_reader_next(r, &rec), ND_EFORMAT);
    assert_non_null(strstr(nd_reader_errmsg(r), "t.jsonl.gz:2: truncated"));
    assert_int_equal(nd_reader_next(r, &rec), 0);
    nd_reader_free(r);
}

static void test_read__long_line(void **state)
{
    size_t n = 3u << 20, i;
    char *s = malloc(n + 64);
    run w;

    (void)state;
    assert_non_null(s);
    memcpy(s, "{\"id\":\"big\",\"text\":\"", 20);
    for (i = 0; i < n; i++)
        s[20 + i] = (char)('a' + i % 26);
    memcpy(s + 20 + n, "\"}\n{\"id\":\"after\",\"text\":\"ok\"}\n", 31);
    write_bytes("big.jsonl", s, 20 + n + 31);
    read_one(&w, "big.jsonl", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.recs[0].id, "big");
    assert_int_equal(w.recs[0].text_len, n);
    assert_memory_equal(w.recs[0].text, s + 20, n);
    assert_string_equal(w.recs[1].id, "after");
    assert_int_equal(w.recs[1].line, 2);
    assert_int_equal(w.stats.bytes_in, 20 + n + 31);
    run_free(&w);
    free(s);
}

static void test_read__nul_bytes(void **state)
{
    static const char txt[] = "before\0after\n";
    run w;

    (void)state;
    make_dir("d");
    write_str("d/n.jsonl", "{\"id\":\"n\",\"text\":\"a\\u0000b\"}\n");
    write_bytes("d/raw.txt", txt, sizeof txt - 1);
    {
        nd_input in = {tpath("d"), "d"};

        read_all(&w, &in, 1, 0, NULL, NULL);
    }
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 2);
    assert_int_equal(w.recs[0].text_len, 3);
    assert_memory_equal(w.recs[0].text, "a\0b", 3);
    assert_int_equal(w.recs[1].text_len, sizeof txt - 1);
    assert_memory_equal(w.recs[1].text, txt, sizeof txt - 1);
    run_free(&w);
}

static void test_read__invalid_utf8(void **state)
{
    static const char bad[] = "caf\xe9 \xff\xfe \xc3(";
    run w;

    (void)state;
    make_dir("u");
    write_str("u/a.jsonl",
              "{\"id\":\"x\xff\",\"text\":\"caf\xe9 \xff\xfe \xc3(\"}\n");
    write_str("u/b.txt", bad);
    {
        nd_input in = {tpath("u"), "u"};

        read_all(&w, &in, 1, 0, NULL, NULL);
    }
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.recs[0].id, "x\xff");
    assert_int_equal(w.recs[0].text_len, sizeof bad - 1);
    assert_memory_equal(w.recs[0].text, bad, sizeof bad - 1);
    assert_memory_equal(w.recs[1].text, bad, sizeof bad - 1);
    run_free(&w);
}

/* n bytes of text words with the control byte c at each of the
 * positions at[0..k), in buf. */
static void control_text(char *buf, size_t n, char c, const size_t *at,
                         size_t k)
{
    size_t i;

    for (i = 0; i < n; i++)
        buf[i] = "Words of a news story "[i % 22];
    for (i = 0; i < k; i++)
        buf[at[i]] = c;
}

/* A text article that is binary data (at least 8 control bytes, one in
 * 32 of its bytes or more) is skipped with a warning naming the file,
 * and counted; text with a stray NUL, legacy encodings (invalid UTF-8
 * throughout) and text just short of the rule are read. */
static void test_read__binary_text_skipped(void **state)
{
    static const size_t eight[] = {3, 40, 41, 90, 120, 150, 190, 255};
    static const char cp1251[] = /* "Привет мир, новости дня" */
        "\xcf\xf0\xe8\xe2\xe5\xf2 \xec\xe8\xf0, \xed\xee\xe2\xee\xf1\xf2\xe8"
        " \xe4\xed\xff\n";
    static const char u16[] = "\xff\xfeN\0e\0w\0s\0 \0o\0f\0 \0t\0h\0e\0"
                              " \0d\0a\0y\0\n\0";
    char buf[4096], name[600];
    uint32_t x = 2463534242u;
    size_t i;
    run w;

    (void)state;
    make_dir("b");
    write_str("b/a.txt", "An ordinary article.\n");
    write_bytes("b/cp1251.txt", cp1251, sizeof cp1251 - 1);
    control_text(buf, 200, '\0', eight, 7); /* one in 29, but only 7 */
    write_bytes("b/e7.txt", buf, 200);
    control_text(buf, 256, '\x01', eight, 8); /* 8 in 256: one in 32 */
    write_bytes("b/e8.txt", buf, 256);
    control_text(buf, 257, '\x1f', eight, 8); /* 8 in 257: short of it */
    write_bytes("b/e8long.txt", buf, 257);
    for (i = 0; i < sizeof buf; i++)
        buf[i] = (char)(rng_next(&x) >> 24);
    write_bytes("b/rand", buf, sizeof buf);
    write_bytes("b/u16.txt", u16, sizeof u16 - 1);
    write_str("b/z.txt", "The last article.\n");
    {
        nd_input in = {tpath("b"), "b"};

        read_all(&w, &in, 1, 0, NULL, NULL);
    }
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 5);
    assert_string_equal(w.recs[0].id, "a.txt");
    assert_string_equal(w.recs[1].id, "cp1251.txt");
    assert_string_equal(w.recs[2].id, "e7.txt");
    assert_int_equal(w.recs[2].text_len, 200);
    assert_string_equal(w.recs[3].id, "e8long.txt");
    assert_string_equal(w.recs[4].id, "z.txt");
    assert_int_equal(w.n_warns, 3);
    assert_int_equal(w.stats.skipped, 3);
    assert_int_equal(w.stats.files, 8);
    assert_string_equal(w.warns[0].file, "b/e8.txt");
    assert_int_equal(w.warns[0].line, 0);
    assert_string_equal(w.warns[0].msg,
                        "binary data, not text: 8 of its 256 bytes (3.1%) "
                        "are control characters, the first (0x01) at byte "
                        "4; file skipped");
    assert_string_equal(w.warns[1].file, "b/rand");
    assert_non_null(strstr(w.warns[1].msg, "binary data, not text: "));
    assert_non_null(strstr(w.warns[1].msg, " of its 4096 bytes ("));
    assert_non_null(strstr(w.warns[1].msg, "; file skipped"));
    assert_string_equal(w.warns[2].file, "b/u16.txt");
    assert_non_null(strstr(w.warns[2].msg,
                           "; it looks like UTF-16 text (convert it to "
                           "UTF-8, e.g. with iconv); file skipped"));
    run_free(&w);

    /* Strict: the first binary article fails the read, named. */
    {
        nd_input in = {tpath("b"), "b"};

        read_all(&w, &in, 1, 1, NULL, NULL);
    }
    assert_int_equal(w.rc, ND_EFORMAT);
    assert_int_equal(w.n, 3);
    assert_non_null(strstr(w.errmsg, "b/e8.txt: binary data, not text: "));
    run_free(&w);

    /* A compressed article is judged by what it decodes to. */
    gz_write("r.txt.gz", "wb", buf, sizeof buf);
    snprintf(name, sizeof name, "%s", tpath("r.txt.gz"));
    read_one(&w, "r.txt.gz", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 0);
    assert_int_equal(w.n_warns, 1);
    assert_string_equal(w.warns[0].file, name);
    assert_non_null(strstr(w.warns[0].msg, " of its 4096 bytes ("));
    run_free(&w);
}

/* In JSONL, a text field of binary data skips its record, with the same
 * words whether json-c or the fast path read the line; a line of binary
 * data is said to be that rather than a line that starts with some byte;
 * a stray \u0000 is text. Pass 2's raw lines skip the same records. */
static void test_read__binary_jsonl(void **state)
{
    static const char data[] =
        "{\"id\":\"a\",\"text\":\"first\"}\n"                        /* 1 */
        "{\"id\":\"esc\",\"text\":\"\\u0001\\u0002\\u0003\\u0004ab"
        "\\u0005\\u0006\\u0007\\b text\"}\n"                         /* 2 */
        "{\"id\":\"raw\",\"text\":\"\x01\x02\x03\x04"
        "ab\x05\x06\x07\x08 text\"}\n"                               /* 3 */
        "{\"id\":\"nul\",\"text\":\"a\\u0000b\\u0000 \\t\\n\\f\\r "
        "\\u000b\"}\n"                                               /* 4 */
        "\x93\x11\x00\x03\x04\x05\x06\x07\x08 binary\n"              /* 5 */
        "{\"id\":\"z\",\"text\":\"last\"}\n";                        /* 6 */
    static const char field[] =
        "the \"text\" field holds binary data, not text: 8 of its 15 "
        "bytes (53.3%) are control characters, the first (0x01) at byte "
        "1; record skipped";
    static const char xz[] = /* the start of an xz file */
        "\xfd" "7zXZ\0\0\x04\xe6\xd6\xb4\x46\x02\0!\x01\x16\0\0\0"
        "\x74\x2f\xe5\xa3\n";
    nd_read_opts opts = {0};
    nd_input in;
    int raw;
    run w;

    (void)state;
    write_bytes("bin.jsonl", data, sizeof data - 1);
    in.path = in.name = tpath("bin.jsonl");
    opts.id_field = "id";
    opts.text_field = "text";
    for (raw = 0; raw < 2; raw++) {
        opts.raw_jsonl = raw;
        read_all_opts(&w, &in, 1, opts);
        assert_int_equal(w.rc, 0);
        assert_int_equal(w.n, 3);
        assert_string_equal(w.recs[0].id, "a");
        assert_string_equal(w.recs[1].id, "nul");
        assert_int_equal(w.recs[1].text_len, 11);
        assert_string_equal(w.recs[2].id, "z");
        assert_int_equal(w.n_warns, 3);
        assert_int_equal(w.stats.skipped, 3);
        assert_int_equal(w.warns[0].line, 2);
        assert_string_equal(w.warns[0].msg, field);
        assert_int_equal(w.warns[1].line, 3);
        assert_string_equal(w.warns[1].msg, field);
        assert_int_equal(w.warns[2].line, 5);
        assert_string_equal(w.warns[2].msg,
                            "binary data, not JSON: 8 of its 16 bytes "
                            "(50.0%) are control characters, the first "
                            "(0x11) at byte 2; record skipped");
        run_free(&w);
    }
    /* The first line of an xz file is named for what it is. */
    write_bytes("xz.jsonl", xz, sizeof xz - 1);
    read_one(&w, "xz.jsonl", 0);
    assert_int_equal(w.n, 0);
    assert_int_equal(w.n_warns, 1);
    assert_non_null(strstr(w.warns[0].msg,
                           "; it looks like xz-compressed data (neardup "
                           "reads gzip and zstd); record skipped"));
    run_free(&w);
}

static void test_read__gzip(void **state)
{
    static const char m1[] = "{\"id\":\"g1\",\"text\":\"one\"}\n"
                             "{\"id\":\"g2\",\"text\":\"tw";
    static const char m2[] = "o\"}\n{\"id\":\"g3\",\"text\":\"three\"}\n";
    run w;

    (void)state;
    /* two members, with a line split across them (cat a.gz b.gz) */
    gz_write("data.jsonl.gz", "wb", m1, sizeof m1 - 1);
    gz_write("data.jsonl.gz", "ab", m2, sizeof m2 - 1);
    read_one(&w, "data.jsonl.gz", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, 3);
    assert_string_equal(w.recs[0].id, "g1");
    assert_string_equal(w.recs[1].text, "two");
    assert_string_equal(w.recs[2].id, "g3");
    assert_int_equal(w.recs[2].line, 3);
    assert_string_equal(w.recs[2].out_name, "data.jsonl");
    assert_int_equal(w.recs[2].kind, ND_FILE_JSONL);
    assert_int_equal(w.stats.bytes_in, file_size("data.jsonl.gz"));
    run_free(&w);

    /* told by content, not by name, in a directory too */
    make_dir("g");
    gz_write("g/x.jsonl", "wb", m1, sizeof m1 - 1);
    gz_write("g/x.jsonl", "ab", m2, sizeof m2 - 1);
    gz_write("g/y.jsonl.gz", "wb", m2 + 4, sizeof m2 - 5);
    {
        nd_input in = {tpath("g"), "g"};

        read_all(&w, &in, 1, 0, NULL, NULL);
    }
    assert_int_equal(w.n, 4);
    assert_string_equal(w.recs[2].id, "g3");
    assert_string_equal(w.recs[3].id, "g3");
    assert_string_equal(w.recs[3].out_name, "g/y.jsonl");
    assert_string_equal(w.recs[3].file, "g/y.jsonl.gz");
    run_free(&w);

    /* junk after the last member is ignored with a warning, as gzip does */
    {
        FILE *f = fopen(tpath("data.jsonl.gz"), "ab");

        assert_non_null(f);
        fputs("junk", f);
        fclose(f);
    }
    read_one(&w, "data.jsonl.gz", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 3);
    assert_int_equal(w.n_warns, 1);
    assert_non_null(strstr(w.warns[0].msg, "ignored"));
    assert_int_equal(w.stats.skipped, 0);
    run_free(&w);
}

static void test_read__gzip_truncated(void **state)
{
    size_t len;
    char *s = make_jsonl(3000, &len);
    run w;
    size_t i;

    (void)state;
    gz_write("t.jsonl.gz", "wb", s, len);
    assert_int_equal(truncate(tpath("t.jsonl.gz"), file_size("t.jsonl.gz") / 2),
                     0);
    read_one(&w, "t.jsonl.gz", 0);
    assert_int_equal(w.rc, 0);
    assert_true(w.n > 10 && w.n < 3000);
    for (i = 0; i < w.n; i++) {
        char want[32];

        snprintf(want, sizeof want, "r%zu", i);
        assert_string_equal(w.recs[i].id, want);
    }
    assert_int_equal(w.n_warns, 1);
    assert_string_equal(w.warns[0].file, tpath("t.jsonl.gz"));
    assert_int_equal(w.warns[0].line, w.n + 1);
    assert_non_null(strstr(w.warns[0].msg, "truncated gzip"));
    assert_int_equal(w.stats.skipped, 1);
    run_free(&w);

    /* corrupt in the middle: the records before the damage are kept */
    gz_write("c.jsonl.gz", "wb", s, len);
    {
        FILE *f = fopen(tpath("c.jsonl.gz"), "r+b");
        char junk[64];

        memset(junk, 0x55, sizeof junk);
        assert_non_null(f);
        fseek(f, (long)file_size("c.jsonl.gz") / 2, SEEK_SET);
        fwrite(junk, 1, sizeof junk, f);
        fclose(f);
    }
    read_one(&w, "c.jsonl.gz", 0);
    assert_int_equal(w.rc, 0);
    assert_true(w.n < 3000);
    /* deflate decodes damage into junk (lines that may even parse) until
       the CRC check at the end of the member fails; the records well
       before the damage are intact */
    assert_true(w.n >= 1000);
    for (i = 0; i < 1000; i++) {
        char want[32];

        snprintf(want, sizeof want, "r%zu", i);
        assert_string_equal(w.recs[i].id, want);
    }
    assert_non_null(strstr(w.warns[w.n_warns - 1].msg, "corrupt gzip data"));
    assert_non_null(strstr(w.warns[w.n_warns - 1].msg, "rest of file"));
    assert_int_equal(w.stats.skipped, w.n_warns);
    run_free(&w);
    free(s);
}

/* raw_jsonl gives every non-blank line unparsed; nd_reader_parse then
 * gives the same records and warnings as the parsing reader. */
static void test_read__raw_lines_parse_alike(void **state)
{
    static const char data[] =
        "\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"caf\\u00e9\",\"source\":\"s\"}\n"
        "not json\n"
        "\n"
        "   \n"
        "{\"id\":7,\"text\":\"seven\",\"date\":\"2021-01-02\"}\n"
        "[1,2]\n"
        "{\"text\":12}\n"
        "{\"id\":\"b\"}\n"
        "{\"text\":\"no id\"}\n";
    nd_input in;
    nd_read_opts opts = {0};
    run plain, raw;
    size_t i;

    (void)state;
    write_str("raw.jsonl", data);
    in.path = in.name = tpath("raw.jsonl");
    opts.id_field = "id";
    opts.text_field = "text";
    opts.source_field = "source";
    opts.date_field = "date";
    read_all_opts(&plain, &in, 1, opts);
    opts.raw_jsonl = 1;
    read_all_opts(&raw, &in, 1, opts);
    assert_int_equal(plain.rc, 0);
    assert_int_equal(raw.rc, 0);
    assert_int_equal(plain.n, 3);
    assert_int_equal(raw.n, plain.n);
    for (i = 0; i < plain.n; i++) {
        assert_string_equal(raw.recs[i].id, plain.recs[i].id);
        assert_int_equal(raw.recs[i].text_len, plain.recs[i].text_len);
        assert_memory_equal(raw.recs[i].text, plain.recs[i].text,
                            plain.recs[i].text_len);
        assert_int_equal(raw.recs[i].line, plain.recs[i].line);
        assert_int_equal(raw.recs[i].file_no, plain.recs[i].file_no);
        assert_true(raw.recs[i].has_obj);
        if (plain.recs[i].source)
            assert_string_equal(raw.recs[i].source, plain.recs[i].source);
        else
            assert_null(raw.recs[i].source);
        if (plain.recs[i].date)
            assert_string_equal(raw.recs[i].date, plain.recs[i].date);
        else
            assert_null(raw.recs[i].date);
    }
    assert_int_equal(raw.n_warns, plain.n_warns);
    assert_int_equal(plain.n_warns, 4);
    for (i = 0; i < plain.n_warns; i++) {
        assert_int_equal(raw.warns[i].line, plain.warns[i].line);
        assert_string_equal(raw.warns[i].msg, plain.warns[i].msg);
    }
    assert_int_equal(raw.stats.skipped, plain.stats.skipped);
    run_free(&plain);
    run_free(&raw);
}

/* ---- the fast path against json-c -------------------------------------- */

/*
 * Without raw_jsonl the reader reads strict JSON lines on its fast path,
 * without json-c; with raw_jsonl, nd_reader_parse always asks json-c.
 * Both must give the same records, warnings and counters for any line:
 * the fast path may only take a line json-c reads the same way.
 * Returns how many records came off the fast path.
 */
static size_t expect_paths_agree(const nd_input *in, nd_read_opts opts)
{
    run fast, slow;
    size_t i, n_fast = 0;

    opts.raw_jsonl = 0;
    read_all_opts(&fast, in, 1, opts);
    opts.raw_jsonl = 1;
    read_all_opts(&slow, in, 1, opts);
    assert_int_equal(fast.rc, slow.rc);
    assert_int_equal(fast.n, slow.n);
    for (i = 0; i < fast.n; i++) {
        const rec_copy *a = &fast.recs[i], *b = &slow.recs[i];

        if (strcmp(a->id, b->id) != 0 || a->text_len != b->text_len ||
            memcmp(a->text, b->text, a->text_len) != 0 ||
            a->line != b->line || !a->source != !b->source ||
            !a->date != !b->date ||
            (a->source && strcmp(a->source, b->source) != 0) ||
            (a->date && strcmp(a->date, b->date) != 0))
            fail_msg("line %llu: id '%s' / '%s', %zu / %zu text bytes, "
                     "source %s / %s, date %s / %s",
                     (unsigned long long)a->line, a->id, b->id, a->text_len,
                     b->text_len, a->source ? a->source : "(none)",
                     b->source ? b->source : "(none)",
                     a->date ? a->date : "(none)",
                     b->date ? b->date : "(none)");
        assert_true(b->has_obj);
        n_fast += !a->has_obj;
    }
    assert_int_equal(fast.n_warns, slow.n_warns);
    for (i = 0; i < fast.n_warns; i++) {
        assert_int_equal(fast.warns[i].line, slow.warns[i].line);
        assert_string_equal(fast.warns[i].msg, slow.warns[i].msg);
    }
    /* (raw_jsonl counts every line handed out as a record) */
    assert_int_equal(fast.stats.skipped, slow.stats.skipped);
    assert_int_equal(fast.stats.records, fast.n);
    run_free(&fast);
    run_free(&slow);
    return n_fast;
}

/* A line generator: JSON-like lines, mostly valid, with every kind of
 * near miss the fast path must refuse, and byte-level damage on top. */
typedef struct gen {
    uint64_t s; /* xorshift64* state */
    char *buf;  /* the lines so far */
    size_t len; /* bytes in buf */
    size_t cap; /* bytes allocated */
} gen;

static uint64_t gen_next(gen *g)
{
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return g->s * 0x2545f4914f6cdd1du;
}

/* A number below n. */
static size_t gen_below(gen *g, size_t n)
{
    return (size_t)((gen_next(g) >> 11) % n);
}

static void gen_put(gen *g, const char *p, size_t n)
{
    if (g->len + n + 1 > g->cap) {
        g->cap = 2 * (g->len + n + 1);
        g->buf = realloc(g->buf, g->cap);
        assert_non_null(g->buf);
    }
    memcpy(g->buf + g->len, p, n);
    g->len += n;
}

static void gen_puts(gen *g, const char *p)
{
    gen_put(g, p, strlen(p));
}

/* One of the strings of list. */
#define GEN_PICK(g, list) \
    ((list)[gen_below((g), sizeof(list) / sizeof *(list))])

/* White space, now and then what json-c takes for it and JSON does not. */
static void gen_ws(gen *g)
{
    static const char *const ws[] = {"", "", "", "", "", " ", "  ", "\t",
                                     "\r", " \r "};
    static const char *const odd[] = {"\f", "\v"};

    gen_puts(g, gen_below(g, 200) ? GEN_PICK(g, ws) : GEN_PICK(g, odd));
}

static void gen_string(gen *g)
{
    static const char *const good[] = {
        "Plain words of a news story. ", "\\n", "\\n\\n", "\\\"", "\\\\",
        "\\/", "\\t", "\\b\\f\\r", "\\u00e9", "\\u20AC", "\\u0000",
        "\\ud83d\\ude00", "caf\xc3\xa9 ", "\xe2\x80\x9c", "\xf0\x9f\x98\x80",
        "1.5", " ", "x", "\xc2\xa0", "\x7f", "\\uDBFF\\uDFFF", "\\uFFFF"};
    static const char *const bad[] = {
        "\\ud800", "\\udc00", "\\ud800\\u0041", "\\u12", "\\uZZZZ", "\\x",
        "\\'", "\\U0041", "\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82",
        "\xf4\x90\x80\x80", "\x01", "\t", "\x1f", "\xe9", "\\"};
    size_t k, n = gen_below(g, 6);

    gen_puts(g, "\"");
    for (k = 0; k < n; k++)
        gen_puts(g, gen_below(g, 40) ? GEN_PICK(g, good) : GEN_PICK(g, bad));
    if (gen_below(g, 200))
        gen_puts(g, "\"");
}

static void gen_number(gen *g)
{
    static const char *const nums[] = {
        "0", "-0", "7", "42", "-12", "1.5", "-0.0", "1e5", "1E+5", "2e-3",
        "1e400", "123456789012345678901234567890", "9223372036854775807",
        "-9223372036854775809", "18446744073709551616", "0.1e-999999",
        "01", "+1", ".5", "1.", "1e", "-", "0x10", "NaN", "Infinity", "1..2",
        "-Infinity", "1.0", "1E2", "1e-0"};
    char d[32];

    if (gen_below(g, 3)) {
        gen_puts(g, GEN_PICK(g, nums));
        return;
    }
    snprintf(d, sizeof d, "%llu",
             (unsigned long long)(gen_next(g) >> gen_below(g, 64)));
    gen_puts(g, d);
}

static void gen_value(gen *g, unsigned depth);

/* A key: the wanted ones most often, and ones that only look like them. */
static void gen_key(gen *g)
{
    static const char *const keys[] = {
        "\"text\"", "\"id\"", "\"source\"", "\"date\"", "\"title\"",
        "\"url\"", "\"\"", "\"Text\"", "\"id \"", "\"t\xc3\xa9xt\""};
    static const char *const odd[] = {"\"te\\u0078t\"", "'text'", "text",
                                      "\"id\\u0000\""};

    gen_puts(g, gen_below(g, 60) ? GEN_PICK(g, keys) : GEN_PICK(g, odd));
}

static void gen_container(gen *g, unsigned depth, int obj)
{
    size_t k, n = gen_below(g, 4);

    gen_puts(g, obj ? "{" : "[");
    gen_ws(g);
    for (k = 0; k < n; k++) {
        if (k)
            gen_puts(g, gen_below(g, 300) ? "," : ",,");
        gen_ws(g);
        if (obj) {
            gen_key(g);
            gen_ws(g);
            gen_puts(g, gen_below(g, 300) ? ":" : "");
            gen_ws(g);
        }
        gen_value(g, depth);
        gen_ws(g);
    }
    if (n && !gen_below(g, 200))
        gen_puts(g, ",");
    if (gen_below(g, 300))
        gen_puts(g, obj ? "}" : "]");
}

static void gen_value(gen *g, unsigned depth)
{
    static const char *const words[] = {"true", "false", "null", "True",
                                        "nul", "NULL", "truex"};
    size_t k, d;

    switch (gen_below(g, depth ? 8 : 5)) {
    case 0: case 1: case 4:
        gen_string(g);
        break;
    case 2:
        gen_number(g);
        break;
    case 3:
        gen_puts(g, gen_below(g, 8) ? GEN_PICK(g, words) : "null");
        break;
    case 5:
        gen_container(g, depth - 1, 0);
        break;
    case 6:
        gen_container(g, depth - 1, 1);
        break;
    default:
        /* a chain of arrays and objects near json-c's depth limit: 26 to
           35 levels with the line's object, around a value or nothing */
        if (gen_below(g, 4) == 0) {
            char kinds[40];

            d = 25 + gen_below(g, 10);
            for (k = 0; k < d; k++) {
                kinds[k] = gen_below(g, 3) ? '[' : '{';
                gen_puts(g, kinds[k] == '[' ? "[" : "{\"k\":");
            }
            if (kinds[d - 1] == '{' || gen_below(g, 4))
                gen_value(g, 0);
            else
                g->len--; /* an empty innermost array: "[]" */
            for (k = d; k-- > 0;)
                gen_puts(g, kinds[k] == '[' ? "]" : "}");
        } else {
            gen_string(g);
        }
        break;
    }
}

/* Damage: a byte replaced, inserted or removed, from the bytes that
 * matter to a parser. No '\n', which would only make two lines. */
static void gen_damage(gen *g, size_t from)
{
    static const char bytes[] = "\"\\{}[],:0-e.tnu \t\r\f\x01\x80\xff";
    size_t n = g->len - from, at;
    char c = bytes[gen_below(g, sizeof bytes - 1)];

    if (n == 0)
        return;
    at = from + gen_below(g, n);
    switch (gen_below(g, 3)) {
    case 0:
        g->buf[at] = c;
        break;
    case 1:
        gen_put(g, &c, 1); /* room for one more */
        memmove(g->buf + at + 1, g->buf + at, g->len - 1 - at);
        g->buf[at] = c;
        break;
    default:
        memmove(g->buf + at, g->buf + at + 1, g->len - at - 1);
        g->len--;
        break;
    }
}

/* One line: an object with a text field most of the time, white space,
 * now and then something before or after it, and damage in a quarter. */
static void gen_line(gen *g)
{
    static const char *const tails[] = {"x", "{}", ",", "}", "\"", "\\",
                                        "0", "\xef\xbb\xbf"};
    size_t from = g->len, k, n = gen_below(g, 6);

    gen_ws(g);
    if (!gen_below(g, 60))
        gen_puts(g, GEN_PICK(g, tails));
    gen_puts(g, "{");
    for (k = 0; k < n; k++) {
        if (k)
            gen_puts(g, ",");
        gen_ws(g);
        if (k == n / 2 && gen_below(g, 8)) {
            gen_puts(g, "\"text\"");
            gen_ws(g);
            gen_puts(g, ":");
            gen_ws(g);
            gen_string(g);
        } else {
            gen_key(g);
            gen_ws(g);
            gen_puts(g, ":");
            gen_ws(g);
            gen_value(g, 3);
        }
        gen_ws(g);
    }
    gen_puts(g, "}");
    gen_ws(g);
    if (!gen_below(g, 60))
        gen_puts(g, GEN_PICK(g, tails));
    if (gen_below(g, 4) == 0)
        for (k = 1 + gen_below(g, 3); k > 0; k--)
            gen_damage(g, from);
    gen_puts(g, "\n");
}

static void test_read__fast_path_agrees(void **state)
{
    static const char *const fields[][4] = {
        {"id", "text", "source", "date"},
        {"text", "text", "id", NULL}, /* one key for two fields */
        {"url", "title", NULL, "source"},
    };
    nd_input in;
    nd_read_opts opts = {0};
    gen g = {0x9e3779b97f4a7c15u, NULL, 0, 0};
    size_t f, k, n_fast, lines = 20000;

    (void)state;
    for (k = 0; k < lines; k++)
        gen_line(&g);
    write_bytes("gen.jsonl", g.buf, g.len);
    in.path = in.name = tpath("gen.jsonl");
    for (f = 0; f < sizeof fields / sizeof *fields; f++) {
        opts.id_field = fields[f][0];
        opts.text_field = fields[f][1];
        opts.source_field = fields[f][2];
        opts.date_field = fields[f][3];
        n_fast = expect_paths_agree(&in, opts);
        if (f == 0) /* both paths well used: about a quarter is fast */
            assert_true(n_fast > lines / 10 && n_fast < lines / 2);
    }
    free(g.buf);
}

/* The same on every input of the reader's saved fuzz corpus, read as
 * JSONL (compressed ones decoded). */
static void test_read__fast_path_agrees_fuzz_corpus(void **state)
{
    const char *dir = ND_SOURCE_DIR "/tests/fuzz/corpus/read";
    nd_read_opts opts = {0};
    struct dirent *de;
    nd_input in;
    DIR *d;
    size_t n = 0;

    (void)state;
    opts.id_field = "id";
    opts.text_field = "text";
    opts.source_field = "source";
    opts.date_field = "date";
    d = opendir(dir);
    assert_non_null(d);
    while ((de = readdir(d)) != NULL) {
        char path[1024];
        char *data;
        long size;
        FILE *f;

        if (de->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        f = fopen(path, "rb");
        assert_non_null(f);
        assert_int_equal(fseek(f, 0, SEEK_END), 0);
        size = ftell(f);
        assert_true(size >= 0);
        rewind(f);
        data = malloc((size_t)size + 1);
        assert_non_null(data);
        assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
        fclose(f);
        write_bytes("case.jsonl", data, (size_t)size);
        free(data);
        in.path = in.name = tpath("case.jsonl");
        expect_paths_agree(&in, opts);
        n++;
    }
    closedir(d);
    assert_true(n > 10);
}

/* json-c reads an object holding 30 nested arrays around a number and
 * refuses one of 31; the fast path takes the first and leaves the second
 * to json-c's message. (json-c checks the depth when it goes down to a
 * value, so around nothing it takes one array more; the fast path leaves
 * that one to it too.) */
static void test_read__fast_path_depth(void **state)
{
    nd_read_opts opts = {0};
    char line[256];
    size_t n, n0, k, levels;
    nd_input in;
    run w;

    (void)state;
    opts.id_field = "id";
    opts.text_field = "text";
    for (levels = 29; levels <= 33; levels++) {
        n = n0 = (size_t)snprintf(line, sizeof line,
                                  "{\"id\":\"d\",\"text\":\"t\",\"x\":");
        for (k = 1; k < levels; k++)
            line[n++] = '[';
        line[n++] = '1';
        for (k = 1; k < levels; k++)
            line[n++] = ']';
        line[n++] = '}';
        line[n++] = '\n';
        write_bytes("deep.jsonl", line, n);
        in.path = in.name = tpath("deep.jsonl");
        read_all(&w, &in, 1, 0, NULL, NULL);
        if (levels <= 31) {
            assert_int_equal(w.n, 1);
            assert_false(w.recs[0].has_obj);
            assert_string_equal(w.recs[0].id, "d");
        } else {
            assert_int_equal(w.n, 0);
            assert_int_equal(w.n_warns, 1);
            assert_non_null(strstr(w.warns[0].msg, "too deep"));
        }
        run_free(&w);
        expect_paths_agree(&in, opts);
        /* around nothing */
        memmove(line + n0 + levels - 1, line + n0 + levels, n - n0 - levels);
        write_bytes("deep.jsonl", line, n - 1);
        read_all(&w, &in, 1, 0, NULL, NULL);
        assert_int_equal(w.n, levels <= 32);
        if (w.n)
            assert_int_equal(w.recs[0].has_obj, levels == 32);
        run_free(&w);
        expect_paths_agree(&in, opts);
    }
}

/* A line cut inside a surrogate pair's escape leaves json-c's tokener
 * waiting for the low half (json-c 0.16); the reader's next line must
 * not get a U+FFFD for it, on either path, nor in the sidecar. */
static void test_read__json_c_no_state_across_lines(void **state)
{
    static const char data[] =
        "{\"id\":\"x\",\"text\":\"\\ud800\n"
        "{\"id\":1,\"text\":\"\\ud83d\\ude00x\"}\n" /* json-c */
        "{\"id\":\"y\",\"text\":\"\\ud800\\u00\n"
        "{\"id\":\"z\",\"text\":\"\\ud83d\\ude00x\"}\n"; /* fast */
    nd_read_opts opts = {0};
    nd_input in;
    run w;

    (void)state;
    write_bytes("s.jsonl", data, sizeof data - 1);
    in.path = in.name = tpath("s.jsonl");
    read_all(&w, &in, 1, 0, NULL, NULL);
    assert_int_equal(w.n, 2);
    assert_int_equal(w.n_warns, 2);
    assert_true(w.recs[0].has_obj);
    assert_false(w.recs[1].has_obj);
    assert_string_equal(w.recs[0].text, "\xf0\x9f\x98\x80x");
    assert_string_equal(w.recs[1].text, "\xf0\x9f\x98\x80x");
    run_free(&w);
    opts.id_field = "id";
    opts.text_field = "text";
    expect_paths_agree(&in, opts);

    /* a sidecar shares the tokener */
    make_dir("d");
    write_str("d/a.txt", "article");
    write_str("d/a.meta.json", "{\"source\":\"\\ud800");
    write_str("d/b.txt", "article");
    write_str("d/b.meta.json", "{\"source\":\"\\ud83d\\ude00\"}");
    in.path = tpath("d");
    in.name = "d";
    read_all(&w, &in, 1, 0, NULL, NULL);
    assert_int_equal(w.n, 2);
    assert_null(w.recs[0].source);
    assert_string_equal(w.recs[1].source, "\xf0\x9f\x98\x80");
    run_free(&w);
}

/* Which lines the fast path takes, and that the others still come out as
 * json-c makes them. */
static void test_read__fast_path_fallbacks(void **state)
{
    static const char data[] =
        "{\"id\":\"a\",\"text\":\"plain\",\"source\":\"S\",\"date\":\"D\"}\n"
        "{\"id\":\"b\",\"text\":\"esc\\n\\u0000!\"}\n"
        "{\"id\":-0,\"text\":\"number id\"}\n"
        "{\"id\":\"c\",\"text\":\"t\",\"date\":20200102}\n"
        "{\"id\":\"d\",\"text\":\"one\",\"text\":\"two\"}\n"
        "{\"id\":\"e\",\"text\":\"t\",}\n"
        "{\"id\":\"f\",\"text\":\"\\ud800\"}\n"
        "{\"id\":\"a\\u0000b\",\"text\":\"t\",\"source\":\"\\u0000x\"}\n"
        "{\"id\":null,\"text\":\"t\",\"source\":[],\"date\":\"\"}\n"
        "{\"id\":\"g\",\"text\":\"caf\xe9\"}\n"
        "{\"id\":\"h\",\"text\":\"raw\ttab\"}\n";
    static const int fast[] = {1, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0};
    nd_read_opts opts = {0};
    char id9[600];
    nd_input in;
    size_t i;
    run w;

    (void)state;
    write_bytes("fb.jsonl", data, sizeof data - 1);
    in.path = in.name = tpath("fb.jsonl");
    snprintf(id9, sizeof id9, "%s:9", in.name);
    read_all(&w, &in, 1, 0, NULL, NULL);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, sizeof fast / sizeof *fast);
    for (i = 0; i < w.n; i++)
        assert_int_equal(!w.recs[i].has_obj, fast[i]);
    assert_string_equal(w.recs[0].source, "S");
    assert_string_equal(w.recs[0].date, "D");
    assert_int_equal(w.recs[1].text_len, 6);
    assert_memory_equal(w.recs[1].text, "esc\n\0!", 6);
    assert_string_equal(w.recs[2].id, "0"); /* json-c's spelling */
    assert_string_equal(w.recs[3].date, "20200102");
    assert_string_equal(w.recs[4].text, "two"); /* the last one */
    assert_string_equal(w.recs[6].text, "\xef\xbf\xbd");
    assert_string_equal(w.recs[7].id, "a"); /* up to the NUL */
    assert_null(w.recs[7].source);
    assert_string_equal(w.recs[8].id, id9);
    assert_null(w.recs[8].source);
    assert_string_equal(w.recs[8].date, "");
    assert_string_equal(w.recs[9].text, "caf\xe9");
    assert_string_equal(w.recs[10].text, "raw\ttab");
    run_free(&w);
    opts.id_field = "id";
    opts.text_field = "text";
    opts.source_field = "source";
    opts.date_field = "date";
    expect_paths_agree(&in, opts);
}

static void test_read__zstd(void **state)
{
    static const char f1[] = "{\"id\":\"z1\",\"text\":\"one\"}\n";
    static const char f2[] = "{\"id\":\"z2\",\"text\":\"two\"}\n";
    run w;

    (void)state;
    zstd_append("z.jsonl.zst", f1, sizeof f1 - 1);
    zstd_append("z.jsonl.zst", f2, sizeof f2 - 1);
    read_one(&w, "z.jsonl.zst", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.recs[0].id, "z1");
    assert_string_equal(w.recs[1].id, "z2");
    assert_int_equal(w.recs[1].line, 2);
    assert_string_equal(w.recs[1].out_name, "z.jsonl");
    assert_int_equal(w.stats.bytes_in, file_size("z.jsonl.zst"));
    run_free(&w);
}

static void test_read__zstd_truncated(void **state)
{
    size_t len, i;
    char *s = make_jsonl(3000, &len);
    run w;

    (void)state;
    zstd_append("t.jsonl.zst", s, len);
    assert_int_equal(
        truncate(tpath("t.jsonl.zst"), file_size("t.jsonl.zst") * 2 / 3), 0);
    read_one(&w, "t.jsonl.zst", 0);
    assert_int_equal(w.rc, 0);
    assert_true(w.n < 3000);
    for (i = 0; i < w.n; i++) {
        char want[32];

        snprintf(want, sizeof want, "r%zu", i);
        assert_string_equal(w.recs[i].id, want);
    }
    assert_int_equal(w.n_warns, 1);
    assert_int_equal(w.warns[0].line, w.n + 1);
    assert_non_null(strstr(w.warns[0].msg, "truncated zstd"));
    assert_int_equal(w.stats.skipped, 1);
    run_free(&w);

    /* cut inside the frame header */
    zstd_append("h.jsonl.zst", s, len);
    assert_int_equal(truncate(tpath("h.jsonl.zst"), 5), 0);
    read_one(&w, "h.jsonl.zst", 0);
    assert_int_equal(w.n, 0);
    assert_int_equal(w.n_warns, 1);
    assert_int_equal(w.warns[0].line, 1);
    run_free(&w);
    free(s);
}

static void test_read__empty_file(void **state)
{
    run w;

    (void)state;
    make_dir("e");
    write_bytes("e/empty.txt", "", 0);
    write_bytes("e/empty.jsonl", "", 0);
    {
        nd_input in = {tpath("e"), "e"};

        read_all(&w, &in, 1, 0, NULL, NULL);
    }
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.recs[0].id, "empty.txt");
    assert_int_equal(w.recs[0].text_len, 0);
    assert_int_equal(w.stats.files, 2);
    run_free(&w);

    /* a named empty .jsonl has no records ... */
    read_one(&w, "e/empty.jsonl", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.stats.files, 1);
    assert_int_equal(w.stats.skipped, 0);
    run_free(&w);

    /* ... and a named empty file without a telling name is one empty
       article, as its content says nothing of JSON */
    write_bytes("e/empty", "", 0);
    read_one(&w, "e/empty", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.recs[0].id, "empty");
    assert_int_equal(w.recs[0].kind, ND_FILE_TEXT);
    assert_int_equal(w.recs[0].text_len, 0);
    run_free(&w);
}

static void test_read__missing_input(void **state)
{
    nd_input in[2] = {{NULL, NULL}, {"/nonexistent/nd/x.jsonl", NULL}};
    nd_reader *r = NULL;

    (void)state;
    write_str("ok.txt", "fine");
    in[0].path = tpath("ok.txt");
    assert_int_equal(nd_reader_open(&r, in, 2, NULL), ND_EIO);
    assert_non_null(r);
    assert_string_equal(nd_reader_errmsg(r),
                        "/nonexistent/nd/x.jsonl: No such file or directory");
    nd_reader_free(r);
}

static void test_read__vanished(void **state)
{
    run w;

    (void)state;
    /* a name whose file is gone by the time it is opened */
    make_dir("v");
    write_str("v/a.txt", "a");
    assert_int_equal(symlink(tpath("v/nowhere.txt"), tpath("v/gone.txt")), 0);
    assert_int_equal(symlink(tpath("v/nowhere.png"), tpath("v/gone.png")), 0);
    {
        nd_input in = {tpath("v"), "v"};

        read_all(&w, &in, 1, 0, NULL, NULL);
        assert_int_equal(w.rc, 0);
        assert_int_equal(w.n, 1);
        assert_int_equal(w.n_warns, 1);
        assert_string_equal(w.warns[0].file, "v/gone.txt");
        assert_int_equal(w.warns[0].line, 0);
        assert_non_null(strstr(w.warns[0].msg, "file skipped"));
        assert_int_equal(w.stats.skipped, 1);
        assert_int_equal(w.stats.files_ignored, 1);
        run_free(&w);

        read_all(&w, &in, 1, 1, NULL, NULL);
        assert_int_equal(w.rc, ND_EIO);
        assert_non_null(strstr(w.errmsg, "v/gone.txt: cannot open"));
        run_free(&w);
    }
}

static void test_read__sniff(void **state)
{
    run w;

    (void)state;
    write_str("bom", "\xEF\xBB\xBF \n\t{\"id\":\"b\",\"text\":\"bom\"}\n");
    write_str("plain.dat", "Not JSON at all.\n{\"id\":1}\n");
    make_dir("sub");
    write_str("sub/art.md", "  # a text article\n");
    {
        nd_input in[3] = {{tpath("bom"), "bom"},
                          {tpath("plain.dat"), "x/plain.dat"},
                          {tpath("sub/art.md"), "sub/art.md"}};

        read_all(&w, in, 3, 0, NULL, NULL);
    }
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, 3);
    /* no extension, '{' after a BOM and white space: JSONL */
    assert_string_equal(w.recs[0].id, "b");
    assert_int_equal(w.recs[0].kind, ND_FILE_JSONL);
    assert_int_equal(w.recs[0].line, 2);
    /* three inputs: a text article's id is its out_name */
    assert_string_equal(w.recs[1].id, "plain.dat");
    assert_string_equal(w.recs[1].out_name, "plain.dat");
    assert_int_equal(w.recs[1].kind, ND_FILE_TEXT);
    assert_string_equal(w.recs[1].file, "x/plain.dat");
    assert_int_equal(w.recs[1].input, 1);
    assert_int_equal(w.recs[1].file_no, 1);
    assert_string_equal(w.recs[2].id, "art.md");
    assert_string_equal(w.recs[2].text, "  # a text article\n");
    run_free(&w);

    /* an extension-less file starting with '{' is still JSONL */
    write_str("rec", "{\"id\":\"r1\",\"text\":\"one\"}\n");
    read_one(&w, "rec", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.recs[0].id, "r1");
    assert_int_equal(w.recs[0].kind, ND_FILE_JSONL);
    run_free(&w);
}

static void test_read__named_kind(void **state)
{
    static const char art[] = "{not JSON} but an article\n";
    run w;

    (void)state;
    /* .jsonl by name: a garbage first line is one bad record */
    write_str("g.jsonl", "Not JSON at all.\n"
                         "{\"id\":\"g2\",\"text\":\"two\"}\n"
                         "{\"id\":\"g3\",\"text\":\"three\"}\n");
    read_one(&w, "g.jsonl", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.recs[0].id, "g2");
    assert_int_equal(w.recs[0].kind, ND_FILE_JSONL);
    assert_int_equal(w.recs[0].line, 2);
    assert_string_equal(w.recs[1].id, "g3");
    assert_int_equal(w.n_warns, 1);
    assert_string_equal(w.warns[0].file, tpath("g.jsonl"));
    assert_int_equal(w.warns[0].line, 1);
    assert_non_null(strstr(w.warns[0].msg, "not a JSON object: the line "
                                           "starts with 'N'"));
    assert_int_equal(w.stats.skipped, 1);
    run_free(&w);

    /* the same in any case, and as .ndjson */
    write_str("G.NDJSON", "garbage\n{\"id\":\"n2\",\"text\":\"x\"}\n");
    read_one(&w, "G.NDJSON", 0);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.recs[0].id, "n2");
    assert_int_equal(w.n_warns, 1);
    assert_int_equal(w.warns[0].line, 1);
    run_free(&w);

    /* strict mode makes that line an error */
    read_one(&w, "g.jsonl", 1);
    assert_int_equal(w.rc, ND_EFORMAT);
    assert_int_equal(w.n, 0);
    run_free(&w);

    /* .txt by name: one article, even when it starts with '{' */
    write_str("brace.txt", art);
    read_one(&w, "brace.txt", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.n_warns, 0);
    assert_string_equal(w.recs[0].id, "brace.txt");
    assert_int_equal(w.recs[0].kind, ND_FILE_TEXT);
    assert_string_equal(w.recs[0].text, art);
    run_free(&w);

    /* .txt.gz and .TXT.zst: one article, its text decompressed */
    gz_write("a.txt.gz", "wb", art, sizeof art - 1);
    read_one(&w, "a.txt.gz", 0);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.n_warns, 0);
    assert_string_equal(w.recs[0].id, "a.txt.gz");
    assert_string_equal(w.recs[0].out_name, "a.txt");
    assert_int_equal(w.recs[0].kind, ND_FILE_TEXT);
    assert_false(w.recs[0].has_obj);
    assert_int_equal(w.recs[0].text_len, sizeof art - 1);
    assert_string_equal(w.recs[0].text, art);
    assert_int_equal(w.stats.bytes_in, file_size("a.txt.gz"));
    run_free(&w);

    zstd_append("b.TXT.zst", art, sizeof art - 1);
    zstd_append("b.TXT.zst", art, sizeof art - 1);
    read_one(&w, "b.TXT.zst", 0);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.recs[0].kind, ND_FILE_TEXT);
    assert_int_equal(w.recs[0].text_len, 2 * (sizeof art - 1));
    assert_memory_equal(w.recs[0].text + sizeof art - 1, art, sizeof art - 1);
    run_free(&w);

    /* a long one crosses many decoded chunks */
    {
        size_t len;
        char *big = make_jsonl(2000, &len);

        gz_write("big.txt.gz", "wb", big, len);
        read_one(&w, "big.txt.gz", 0);
        assert_int_equal(w.n, 1);
        assert_int_equal(w.recs[0].kind, ND_FILE_TEXT);
        assert_int_equal(w.recs[0].text_len, len);
        assert_memory_equal(w.recs[0].text, big, len);
        run_free(&w);

        /* cut short: the article is skipped with a warning */
        assert_int_equal(
            truncate(tpath("big.txt.gz"), file_size("big.txt.gz") / 2), 0);
        read_one(&w, "big.txt.gz", 0);
        assert_int_equal(w.rc, 0);
        assert_int_equal(w.n, 0);
        assert_int_equal(w.n_warns, 1);
        assert_int_equal(w.warns[0].line, 0);
        assert_non_null(strstr(w.warns[0].msg, "truncated gzip"));
        assert_non_null(strstr(w.warns[0].msg, "file skipped"));
        assert_int_equal(w.stats.skipped, 1);
        run_free(&w);
        free(big);
    }

    /* a directory walk still goes by its own rules: a.txt.gz is no
       article there */
    make_dir("d");
    gz_write("d/a.txt.gz", "wb", art, sizeof art - 1);
    {
        nd_input in = {tpath("d"), "d"};

        read_all(&w, &in, 1, 0, NULL, NULL);
    }
    assert_int_equal(w.n, 0);
    assert_int_equal(w.stats.files_ignored, 1);
    run_free(&w);
}

static void test_read__ids_many_inputs(void **state)
{
    static const char j[] = "{\"text\":\"no id\"}\n"
                            "{\"id\":\"j2\",\"text\":\"has one\"}\n";
    nd_input in[5];
    size_t i, k;
    run w;

    (void)state;
    make_dir("s1");
    make_dir("s2");
    make_dir("s2/sub");
    make_dir("t");
    make_dir("t/s1");
    make_dir("f");
    write_str("s1/a.txt", "one");
    write_str("s2/a.txt", "two");
    write_str("s2/sub/b", "bee");
    write_str("s2/x.jsonl", j);
    write_str("t/s1/a.txt", "three");
    gz_write("f/a.txt.gz", "wb", "four", 4);

    in[0].path = tpath("s1");
    in[0].name = "s1";
    in[1].path = tpath("s2");
    in[1].name = "s2/";
    in[2].path = tpath("t/s1");
    in[2].name = "t/s1";
    in[3].path = tpath("f/a.txt.gz");
    in[3].name = "f/a.txt.gz";
    in[4].path = tpath("s1/a.txt");
    in[4].name = "s1/a.txt";
    read_all(&w, in, 5, 0, NULL, NULL);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, 8);
    assert_string_equal(w.recs[0].id, "s1/a.txt");
    assert_string_equal(w.recs[0].text, "one");
    assert_string_equal(w.recs[1].id, "s2/a.txt");
    assert_string_equal(w.recs[1].text, "two");
    assert_string_equal(w.recs[2].id, "s2/sub/b");
    /* JSONL ids do not change; the fallback keeps the file name */
    assert_string_equal(w.recs[3].id, "s2/x.jsonl:1");
    assert_string_equal(w.recs[4].id, "j2");
    assert_string_equal(w.recs[5].id, "s1~2/a.txt");
    assert_string_equal(w.recs[5].text, "three");
    assert_string_equal(w.recs[6].id, "a.txt");
    assert_string_equal(w.recs[6].text, "four");
    assert_string_equal(w.recs[7].id, "a.txt~2");
    /* every text article's id is its path in the cleaned corpus, so all
       differ */
    for (i = 0; i < w.n; i++) {
        if (w.recs[i].kind == ND_FILE_TEXT)
            assert_string_equal(w.recs[i].id, w.recs[i].out_name);
        for (k = 0; k < i; k++)
            assert_string_not_equal(w.recs[i].id, w.recs[k].id);
    }
    run_free(&w);

    /* one input: ids as they always were */
    read_all(&w, &in[1], 1, 0, NULL, NULL);
    assert_int_equal(w.n, 4);
    assert_string_equal(w.recs[0].id, "a.txt");
    assert_string_equal(w.recs[0].out_name, "s2/a.txt");
    assert_string_equal(w.recs[1].id, "sub/b");
    assert_string_equal(w.recs[2].id, "s2/x.jsonl:1");
    run_free(&w);

    read_all(&w, &in[4], 1, 0, NULL, NULL);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.recs[0].id, "a.txt");
    run_free(&w);
}

static void test_read__stdin_name(void **state)
{
    nd_input in = {NULL, "-"};
    run w;

    (void)state;
    /* standard input arrives spooled to a file but keeps the name "-" */
    write_str("spool", "{\"text\":\"from stdin\"}\n");
    in.path = tpath("spool");
    read_all(&w, &in, 1, 0, NULL, NULL);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.recs[0].id, "-:1");
    assert_string_equal(w.recs[0].file, "-");
    assert_string_equal(w.recs[0].out_name, "stdin");
    run_free(&w);
}

static void test_read__out_names(void **state)
{
    static const char j[] = "{\"id\":\"i\",\"text\":\"t\"}\n";
    run w;

    (void)state;
    make_dir("x");
    make_dir("y");
    make_dir("y/data.jsonl");
    write_str("x/data.jsonl", j);
    gz_write("y/data.jsonl.gz", "wb", j, sizeof j - 1);
    write_str("y/data.jsonl/a.jsonl", j);
    gz_write("y/data.jsonl/a.jsonl.gz", "wb", j, sizeof j - 1);
    zstd_append("y/data.jsonl/a.jsonl.zst", j, sizeof j - 1);
    zstd_append("y/data.jsonl/b.jsonl.zst", j, sizeof j - 1);
    {
        nd_input in[4] = {{tpath("x/data.jsonl"), "x/data.jsonl"},
                          {tpath("y/data.jsonl.gz"), "y/data.jsonl.gz"},
                          {tpath("y/data.jsonl"), "y/data.jsonl/"},
                          {tpath("x"), "."}};

        read_all(&w, in, 4, 0, NULL, NULL);
    }
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n, 7);
    assert_string_equal(w.recs[0].out_name, "data.jsonl");
    assert_string_equal(w.recs[1].out_name, "data.jsonl~2");
    assert_string_equal(w.recs[2].out_name, "data.jsonl~3/a.jsonl");
    assert_string_equal(w.recs[2].file, "y/data.jsonl/a.jsonl");
    assert_string_equal(w.recs[3].out_name, "data.jsonl~3/a.jsonl.gz");
    assert_string_equal(w.recs[4].out_name, "data.jsonl~3/a.jsonl.zst");
    assert_string_equal(w.recs[5].out_name, "data.jsonl~3/b.jsonl");
    /* "." is named after the directory it stands for */
    assert_string_equal(w.recs[6].out_name, "x/data.jsonl");
    assert_string_equal(w.recs[6].file, "./data.jsonl");
    run_free(&w);
}

static void test_read__twice_identical(void **state)
{
    size_t len, i;
    char *s = make_jsonl(50, &len);
    run a, b;
    nd_input in;

    (void)state;
    make_dir("t");
    make_dir("t/z");
    make_dir("t/a");
    write_str("t/z/1.txt", "one");
    write_str("t/a/k", "kay");
    write_str("t/m.jsonl", "{\"text\":\"no id\"}\n{bad\n");
    gz_write("t/n.jsonl.gz", "wb", s, len);
    zstd_append("t/o.jsonl.zst", s, len);
    in.path = tpath("t");
    in.name = "t";
    read_all(&a, &in, 1, 0, NULL, NULL);
    read_all(&b, &in, 1, 0, NULL, NULL);
    assert_int_equal(a.n, 103);
    assert_int_equal(a.n, b.n);
    assert_int_equal(a.n_warns, 1);
    assert_int_equal(b.n_warns, 1);
    for (i = 0; i < a.n; i++) {
        assert_string_equal(a.recs[i].id, b.recs[i].id);
        assert_int_equal(a.recs[i].text_len, b.recs[i].text_len);
        assert_memory_equal(a.recs[i].text, b.recs[i].text,
                            a.recs[i].text_len);
        assert_string_equal(a.recs[i].file, b.recs[i].file);
        assert_string_equal(a.recs[i].out_name, b.recs[i].out_name);
        assert_int_equal(a.recs[i].line, b.recs[i].line);
        assert_int_equal(a.recs[i].file_no, b.recs[i].file_no);
    }
    assert_memory_equal(&a.stats, &b.stats, sizeof a.stats);
    assert_string_equal(a.recs[0].id, "a/k");
    assert_string_equal(a.recs[1].id, "t/m.jsonl:1");
    assert_string_equal(a.recs[2].id, "r0");
    assert_string_equal(a.recs[102].id, "z/1.txt");
    run_free(&a);
    run_free(&b);
    free(s);
}

static void test_read__corpus(void **state)
{
    nd_input in = {ND_SOURCE_DIR "/corpus", "corpus"};
    size_t i;
    run w;

    (void)state;
    read_all(&w, &in, 1, 0, NULL, NULL);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, 5);
    assert_string_equal(w.recs[0].id, "000_43971502f8c0b970.txt");
    assert_string_equal(w.recs[0].file, "corpus/000_43971502f8c0b970.txt");
    assert_string_equal(w.recs[0].out_name,
                        "corpus/000_43971502f8c0b970.txt");
    assert_string_equal(w.recs[4].id, "004_768a252fde846fac.txt");
    for (i = 0; i < w.n; i++) {
        assert_int_equal(w.recs[i].kind, ND_FILE_TEXT);
        assert_int_equal(w.recs[i].file_no, i);
        assert_true(w.recs[i].text_len > 1000);
        assert_true(i == 0 || strcmp(w.recs[i - 1].id, w.recs[i].id) < 0);
    }
    assert_int_equal(strncmp(w.recs[0].text, "Iraqi troops have launched", 26),
                     0);
    run_free(&w);
}

static void test_read__source_jsonl(void **state)
{
    nd_read_opts opts = {0};
    nd_input in = {NULL, "m.jsonl"};
    run w;

    (void)state;
    write_str("m.jsonl",
              "{\"id\":\"a\",\"text\":\"t\",\"source\":\"Reuters\","
              "\"date\":\"2017-10-27T01:13:00+03:00\"}\n"
              "{\"id\":\"b\",\"text\":\"t\",\"source\":42,"
              "\"date\":1509066780}\n"
              "{\"id\":\"c\",\"text\":\"t\"}\n"
              "{\"id\":\"d\",\"text\":\"t\",\"source\":null,\"date\":null}\n"
              "{\"id\":\"e\",\"text\":\"t\",\"source\":[\"x\"],"
              "\"date\":true}\n"
              "{\"id\":\"f\",\"text\":\"t\",\"source\":1.50,"
              "\"date\":\"yesterday\"}\n"
              "{\"id\":\"g\",\"text\":\"t\",\"source\":\"\",\"date\":\"\"}\n"
              "{\"id\":\"h\",\"text\":\"t\",\"source\":-7,"
              "\"date\":{\"y\":2017}}\n");
    in.path = tpath("m.jsonl");
    read_all(&w, &in, 1, 0, NULL, NULL);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, 8);
    assert_string_equal(w.recs[0].source, "Reuters");
    assert_string_equal(w.recs[0].date, "2017-10-27T01:13:00+03:00");
    /* numbers as written */
    assert_string_equal(w.recs[1].source, "42");
    assert_string_equal(w.recs[1].date, "1509066780");
    assert_null(w.recs[2].source);
    assert_null(w.recs[2].date);
    assert_null(w.recs[3].source);
    assert_null(w.recs[3].date);
    assert_null(w.recs[4].source);
    assert_null(w.recs[4].date);
    assert_string_equal(w.recs[5].source, "1.50");
    /* dates are not judged here */
    assert_string_equal(w.recs[5].date, "yesterday");
    /* an empty source is no source; a date stays as written */
    assert_null(w.recs[6].source);
    assert_string_equal(w.recs[6].date, "");
    assert_string_equal(w.recs[7].source, "-7");
    assert_null(w.recs[7].date);
    run_free(&w);

    /* other field names */
    write_str("n.jsonl", "{\"text\":\"t\",\"site\":\"ap\",\"source\":\"no\","
                         "\"published\":\"27 Oct 2017\",\"date\":\"no\"}\n");
    in.path = tpath("n.jsonl");
    in.name = "n.jsonl";
    opts.source_field = "site";
    opts.date_field = "published";
    read_all_opts(&w, &in, 1, opts);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.recs[0].source, "ap");
    assert_string_equal(w.recs[0].date, "27 Oct 2017");
    run_free(&w);

    /* no fields asked for: neither is wanted */
    in.path = tpath("m.jsonl");
    in.name = "m.jsonl";
    opts.source_field = NULL;
    opts.date_field = NULL;
    read_all_opts(&w, &in, 1, opts);
    assert_int_equal(w.n, 8);
    assert_null(w.recs[0].source);
    assert_null(w.recs[0].date);
    assert_null(w.recs[1].source);
    run_free(&w);
}

static void test_read__source_dir(void **state)
{
    nd_input in[2];
    run w;

    (void)state;
    make_dir("dump");
    make_dir("dump/reuters");
    make_dir("dump/reuters/2017");
    make_dir("dump/ap");
    write_str("dump/reuters/2017/a.txt", "a");
    write_str("dump/reuters/b.txt", "b");
    write_str("dump/ap/c", "c");
    write_str("dump/ap/d.jsonl", "{\"id\":\"d1\",\"text\":\"d\"}\n"
                                 "{\"id\":\"d2\",\"text\":\"d\","
                                 "\"source\":\"AP\"}\n");
    write_str("dump/top.txt", "top");
    write_str("solo.txt", "solo");

    in[0].path = tpath("dump");
    in[0].name = "dump";
    in[1].path = tpath("solo.txt");
    in[1].name = "solo.txt";
    read_all(&w, in, 2, 0, NULL, NULL);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, 7);
    /* two inputs: text ids are out_names, led by the input's name */
    assert_string_equal(w.recs[0].id, "dump/ap/c");
    assert_string_equal(w.recs[0].source, "ap");
    /* JSONL takes its source from the field alone */
    assert_string_equal(w.recs[1].id, "d1");
    assert_null(w.recs[1].source);
    assert_string_equal(w.recs[2].source, "AP");
    /* the first level below the root, however deep the file */
    assert_string_equal(w.recs[3].id, "dump/reuters/2017/a.txt");
    assert_string_equal(w.recs[3].source, "reuters");
    assert_string_equal(w.recs[4].source, "reuters");
    assert_null(w.recs[4].date);
    /* directly in the root, or named as an input: unknown */
    assert_string_equal(w.recs[5].id, "dump/top.txt");
    assert_null(w.recs[5].source);
    assert_string_equal(w.recs[6].id, "solo.txt");
    assert_null(w.recs[6].source);
    assert_int_equal(w.stats.records, 7);
    run_free(&w);

    /* one input: the same sources, and ids below the root */
    read_all(&w, &in[0], 1, 0, NULL, NULL);
    assert_int_equal(w.n, 6);
    assert_string_equal(w.recs[0].id, "ap/c");
    assert_string_equal(w.recs[0].source, "ap");
    assert_string_equal(w.recs[3].id, "reuters/2017/a.txt");
    assert_string_equal(w.recs[3].source, "reuters");
    run_free(&w);

    read_all(&w, &in[1], 1, 0, NULL, NULL);
    assert_int_equal(w.n, 1);
    assert_string_equal(w.recs[0].id, "solo.txt");
    assert_null(w.recs[0].source);
    assert_null(w.recs[0].date);
    assert_int_equal(w.n_warns, 0);
    run_free(&w);
}

static void test_read__sidecar(void **state)
{
    nd_read_opts opts = {0};
    nd_input in;
    run w;

    (void)state;
    make_dir("dump");
    make_dir("dump/reuters");
    write_str("dump/reuters/a.txt", "a");
    write_str("dump/reuters/a.meta.json",
              "\xEF\xBB\xBF{\n  \"source\": \"Reuters UK\",\n"
              "  \"date\": \"2017-10-27\",\n  \"author\": [1, 2]\n}\n");
    write_str("dump/reuters/b", "b");
    write_str("dump/reuters/b.meta.json", "{\"date\": 1509066780}");
    write_str("dump/reuters/c.txt", "c");
    write_str("dump/reuters/c.meta.json", "{\"source\": null, \"date\": 5}");
    write_str("dump/reuters/d.txt", "d");
    write_str("dump/orphan.meta.json", "{\"source\": \"nobody\"}");
    write_str("dump/E.TXT", "e");
    write_str("dump/E.META.JSON", "{\"source\": \"case\"}");
    write_str("dump/f.txt", "f");
    write_str("dump/f.meta.json", "{\"source\": 7, \"date\": \"then\"}");

    in.path = tpath("dump");
    in.name = "dump";
    read_all(&w, &in, 1, 0, NULL, NULL);
    assert_int_equal(w.rc, 0);
    assert_int_equal(w.n_warns, 0);
    assert_int_equal(w.n, 6);
    /* strcmp order: "E.TXT" < "f.txt" < "reuters/" */
    assert_string_equal(w.recs[0].id, "E.TXT");
    assert_null(w.recs[0].source); /* E.META.JSON is no sidecar */
    assert_string_equal(w.recs[1].id, "f.txt");
    assert_string_equal(w.recs[1].source, "7");
    assert_string_equal(w.recs[1].date, "then");
    assert_string_equal(w.recs[2].id, "reuters/a.txt");
    assert_string_equal(w.recs[2].text, "a");
    assert_string_equal(w.recs[2].source, "Reuters UK");
    assert_string_equal(w.recs[2].date, "2017-10-27");
    /* a sidecar without a source keeps the directory's */
    assert_string_equal(w.recs[3].id, "reuters/b");
    assert_string_equal(w.recs[3].source, "reuters");
    assert_string_equal(w.recs[3].date, "1509066780");
    assert_string_equal(w.recs[4].source, "reuters");
    assert_string_equal(w.recs[4].date, "5");
    assert_string_equal(w.recs[5].id, "reuters/d.txt");
    assert_string_equal(w.recs[5].source, "reuters");
    assert_null(w.recs[5].date);
    /* sidecars are neither articles nor ignored; E.META.JSON is ignored */
    assert_int_equal(w.stats.files, 6);
    assert_int_equal(w.stats.files_ignored, 1);
    assert_int_equal(w.n_ignored, 1);
    assert_string_equal(w.ignored[0], "dump/E.META.JSON");
    assert_int_equal(w.stats.skipped, 0);
    run_free(&w);

    /* beside a file named as an input */
    in.path = tpath("dump/reuters/a.txt");
    in.name = "a.txt";
    read_all(&w, &in, 1, 0, NULL, NULL);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.n_warns, 0);
    assert_string_equal(w.recs[0].source, "Reuters UK");
    assert_string_equal(w.recs[0].date, "2017-10-27");
    run_free(&w);

    /* other field names apply to sidecars too */
    in.path = tpath("dump");
    in.name = "dump";
    opts.source_field = "author";
    opts.date_field = "source";
    read_all_opts(&w, &in, 1, opts);
    assert_int_equal(w.n, 6);
    assert_int_equal(w.n_warns, 0);
    assert_string_equal(w.recs[2].source, "reuters"); /* an array: no */
    assert_string_equal(w.recs[2].date, "Reuters UK");
    assert_string_equal(w.recs[1].date, "7");
    run_free(&w);
}

static void test_read__sidecar_malformed(void **state)
{
    nd_read_opts opts = {0};
    nd_input in = {NULL, "dump"};
    nd_reader *r = NULL;
    nd_record rec;
    char want[600];
    run w;

    (void)state;
    make_dir("dump");
    make_dir("dump/s");
    write_str("dump/s/a.txt", "a");
    write_str("dump/s/a.meta.json", "{\"source\": \"x\",");
    write_str("dump/s/b.txt", "b");
    write_str("dump/s/b.meta.json", "[\"not\", \"an object\"]");
    write_str("dump/s/c.txt", "c");
    write_str("dump/s/c.meta.json", "");
    write_str("dump/s/d.txt", "d");
    write_str("dump/s/d.meta.json", "{\"source\": \"d\"} {}");
    write_str("dump/s/e.txt", "e");
    make_dir("dump/s/e.meta.json");
    write_str("dump/s/f.txt", "f");
    write_str("dump/s/f.meta.json", "{\"source\": \"ok\"}");
    in.path = tpath("dump");
    read_all(&w, &in, 1, 0, NULL, NULL);
    assert_int_equal(w.rc, 0);
    /* every article is read, with only what its directory says */
    assert_int_equal(w.n, 6);
    assert_string_equal(w.recs[0].text, "a");
    assert_string_equal(w.recs[0].source, "s");
    assert_null(w.recs[0].date);
    assert_string_equal(w.recs[4].id, "s/e.txt");
    assert_string_equal(w.recs[4].source, "s");
    assert_string_equal(w.recs[5].source, "ok");
    assert_int_equal(w.n_warns, 5);
    assert_string_equal(w.warns[0].file, "dump/s/a.meta.json");
    assert_int_equal(w.warns[0].line, 0);
    assert_non_null(strstr(w.warns[0].msg, "malformed JSON"));
    assert_non_null(strstr(w.warns[0].msg, "article read without it"));
    assert_string_equal(w.warns[1].file, "dump/s/b.meta.json");
    assert_non_null(strstr(w.warns[1].msg, "not a JSON object but an "
                                           "array"));
    assert_string_equal(w.warns[2].file, "dump/s/c.meta.json");
    assert_non_null(strstr(w.warns[2].msg, "empty"));
    assert_string_equal(w.warns[3].file, "dump/s/d.meta.json");
    assert_non_null(strstr(w.warns[3].msg, "data after the value"));
    /* a directory of that name is walked as one (empty here), and cannot
       be read as its article's sidecar */
    assert_string_equal(w.warns[4].file, "dump/s/e.meta.json");
    assert_non_null(strstr(w.warns[4].msg, "read error"));
    assert_int_equal(w.stats.skipped, 0);
    assert_int_equal(w.stats.files_ignored, 0);
    run_free(&w);

    /* neither field asked for: sidecars are not read, so no warnings */
    read_all_opts(&w, &in, 1, opts);
    assert_int_equal(w.n, 6);
    assert_int_equal(w.n_warns, 0);
    assert_string_equal(w.recs[5].source, "s"); /* the directory's */
    assert_null(w.recs[5].date);
    run_free(&w);

    /* strict: the sidecar's fault is an error that names it */
    opts.source_field = "source";
    opts.date_field = "date";
    opts.strict = 1;
    assert_int_equal(nd_reader_open(&r, &in, 1, &opts), 0);
    assert_int_equal(nd_reader_next(r, &rec), ND_EFORMAT);
    snprintf(want, sizeof want, "dump/s/a.meta.json: malformed JSON");
    assert_non_null(strstr(nd_reader_errmsg(r), want));
    /* the fault is behind the reader */
    assert_int_equal(nd_reader_next(r, &rec), ND_EFORMAT);
    assert_non_null(strstr(nd_reader_errmsg(r), "b.meta.json"));
    nd_reader_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read__dir_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read__jsonl_ids, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__jsonl_faults, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__jsonl_fault_words, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__strict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read__long_line, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__nul_bytes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__invalid_utf8, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__binary_text_skipped,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_read__binary_jsonl, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__gzip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read__gzip_truncated, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__zstd, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read__fast_path_agrees, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_read__fast_path_agrees_fuzz_corpus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read__fast_path_depth, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__fast_path_fallbacks,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_read__json_c_no_state_across_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read__raw_lines_parse_alike,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_read__zstd_truncated, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__empty_file, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__missing_input, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__vanished, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__sniff, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read__named_kind, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__ids_many_inputs, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__stdin_name, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__out_names, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__twice_identical, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__corpus, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read__source_jsonl, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__source_dir, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_read__sidecar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read__sidecar_malformed, setup,
                                        teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
