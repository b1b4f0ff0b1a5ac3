/*
 * test_cli.c - end-to-end tests of the neardup program on real files.
 *
 * Runs the built binary (ND_CLI, set by CMake) on corpus/ and on bad inputs
 * made in a temporary directory, and checks its outputs: the duplicates
 * the sample corpus really contains, byte offsets that point at the
 * paragraphs, nothing lost from the cleaned corpus, determinism, and the
 * handling of bad input and bad usage.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>
#include <zlib.h>

#include "xorshift.h"

#define CORPUS ND_SOURCE_DIR "/corpus"

static char tmpdir[256];

/* ---- helpers ------------------------------------------------------------ */

/* Runs a shell command line built like printf; returns its exit status. */
static int run(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

static void spit(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static int exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0;
}

static char *path_in(const char *dir, const char *name)
{
    static char buf[4][1024];
    static int k;

    char joined[1024];

    /* dir may itself be an earlier result: join first, then store. */
    snprintf(joined, sizeof joined, "%s/%s", dir, name);
    k = (k + 1) % 4;
    memcpy(buf[k], joined, sizeof joined);
    return buf[k];
}

/* Runs neardup with args (before the corpus and -o); checks that it is bad
 * usage and that stderr holds want. */
static void usage_says(const char *args, const char *want)
{
    char *err;

    assert_int_equal(run("%s %s %s -o %s/u 2>%s/u.err >/dev/null", ND_CLI,
                         args, CORPUS, tmpdir, tmpdir),
                     2);
    err = slurp(path_in(tmpdir, "u.err"), NULL);
    assert_non_null(err);
    if (!strstr(err, want))
        fail_msg("'%s' says '%s', not '%s'", args, err, want);
    free(err);
}

static json_object *load_jsonl(const char *path);
static int count_in(const char *path, const char *needle);

/* Loads OUTDIR/clusters.jsonl as an array of objects. */
static json_object *load_clusters(const char *outdir)
{
    return load_jsonl(path_in(outdir, "clusters.jsonl"));
}

static const char *str_of(json_object *o, const char *key)
{
    json_object *v;

    assert_true(json_object_object_get_ex(o, key, &v));
    return json_object_get_string(v);
}

static int64_t int_of(json_object *o, const char *key)
{
    json_object *v;

    assert_true(json_object_object_get_ex(o, key, &v));
    return json_object_get_int64(v);
}

static double dbl_of(json_object *o, const char *key)
{
    json_object *v;

    assert_true(json_object_object_get_ex(o, key, &v));
    return json_object_get_double(v);
}

/* The source bytes of a span of a corpus/ article (malloc'd). */
static char *corpus_span(json_object *span)
{
    size_t len;
    char *all = slurp(path_in(CORPUS, str_of(span, "doc")), &len), *out;
    int64_t s = int_of(span, "start"), e = int_of(span, "end");

    assert_non_null(all);
    assert_true(s >= 0 && s < e && (size_t)e <= len);
    out = malloc((size_t)(e - s) + 1);
    memcpy(out, all + s, (size_t)(e - s));
    out[e - s] = '\0';
    free(all);
    return out;
}

static int span_starts(json_object *span, const char *doc_prefix,
                       const char *text_prefix)
{
    char *t;
    int ok;

    if (strncmp(str_of(span, "doc"), doc_prefix, strlen(doc_prefix)) != 0)
        return 0;
    t = corpus_span(span);
    ok = strncmp(t, text_prefix, strlen(text_prefix)) == 0;
    free(t);
    return ok;
}

/* Finds the cluster holding a paragraph of doc (by id prefix) starting with
 * text; returns it and sets *member to the member span (or the canonical
 * span when it is the canonical). */
static json_object *find_para(json_object *clusters, const char *doc,
                              const char *text, json_object **member)
{
    size_t i, j;

    for (i = 0; i < json_object_array_length(clusters); i++) {
        json_object *c = json_object_array_get_idx(clusters, i), *canon,
                    *members;

        assert_true(json_object_object_get_ex(c, "canonical", &canon));
        assert_true(json_object_object_get_ex(c, "members", &members));
        if (span_starts(canon, doc, text)) {
            *member = canon;
            return c;
        }
        for (j = 0; j < json_object_array_length(members); j++) {
            json_object *m = json_object_array_get_idx(members, j);

            if (span_starts(m, doc, text)) {
                *member = m;
                return c;
            }
        }
    }
    return NULL;
}

static json_object *canonical_of(json_object *cluster)
{
    json_object *canon;

    assert_true(json_object_object_get_ex(cluster, "canonical", &canon));
    return canon;
}

static int is_member(json_object *cluster, json_object *span)
{
    return span != canonical_of(cluster);
}

/* ---- setup -------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/neardup-cli-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    /* One scan of the sample corpus that several tests read. */
    assert_int_equal(run("%s scan %s -o %s/out -q", ND_CLI, CORPUS, tmpdir),
                     0);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    run("rm -rf %s", tmpdir);
    return 0;
}

/* ---- the sample corpus -------------------------------------------------- */

static void test_cli__corpus_real_duplicates(void **state)
{
    json_object *cl = load_clusters(path_in(tmpdir, "out")), *a, *b, *ca,
                *cb;

    (void)state;
    /* The same paragraph in seeds 001 and 002. */
    ca = find_para(cl, "001_", "So far, the offensives managed to retake", &a);
    cb = find_para(cl, "002_", "So far, the offensives managed to retake", &b);
    assert_non_null(ca);
    assert_ptr_equal(ca, cb);
    assert_true(dbl_of(b, "jaccard") >= 0.999);

    /* A near-copy (Jaccard about 0.8) with a different ending. */
    ca = find_para(cl, "001_", "Iraqi government forces approached the "
                               "southern borders of Erbil", &a);
    cb = find_para(cl, "002_", "Iraqi government forces approached the "
                               "southern borders of Erbil", &b);
    assert_non_null(ca);
    assert_ptr_equal(ca, cb);
    /* Jaccard 0.79; 94% of 001's shingles are in 002's longer version, so
     * that one is the canonical. */
    assert_true(is_member(ca, a));
    assert_true(dbl_of(a, "jaccard") >= 0.75);
    assert_true(dbl_of(a, "containment") >= 0.9);

    /* Re-paragraphed text: seed 000's sentence stands alone; seeds 001 and
     * 002 join it to another sentence. It must point to a paragraph that
     * contains it, never the other way round. */
    ca = find_para(cl, "000_", "Many IS militants reportedly fled Qaim", &a);
    assert_non_null(ca);
    assert_true(is_member(ca, a));
    assert_true(dbl_of(a, "containment") >= 0.9);
    assert_true(dbl_of(a, "jaccard") < 0.8);
    assert_true(span_starts(canonical_of(ca), "001_", "Many IS militants") ||
                span_starts(canonical_of(ca), "002_", "In a daily press"));

    /* Site furniture repeated inside one article. */
    ca = find_para(cl, "002_", "All rights reserved to Arab Today", &a);
    assert_non_null(ca);
    assert_string_equal(str_of(canonical_of(ca), "doc"),
                        "002_04c10d08328eaf7d.txt");
    assert_int_equal(int_of(ca, "articles"), 1);
    assert_int_equal(int_of(ca, "size"), 2);

    /* ... and is the site's furniture, while the Qaim text is shared. */
    assert_string_equal(str_of(ca, "kind"), "boilerplate");
    assert_string_equal(str_of(find_para(cl, "000_", "Many IS militants",
                                         &a),
                               "kind"),
                        "shared");

    /* Seed 003's standfirst, repeated after the dateline. */
    ca = find_para(cl, "003_", "The start of the keenly awaited offensive",
                   &a);
    assert_non_null(ca);
    assert_int_equal(int_of(canonical_of(ca), "para"), 1);
    assert_int_equal(int_of(ca, "size"), 2);
    json_object_put(cl);
}

/* Loads a JSONL output file as an array of objects. */
static json_object *load_jsonl(const char *path)
{
    char *text = slurp(path, NULL), *line, *save;
    json_object *arr = json_object_new_array();

    assert_non_null(text);
    for (line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        json_object *o = json_tokener_parse(line);

        assert_non_null(o);
        json_object_array_add(arr, o);
    }
    free(text);
    return arr;
}

/* The entry of articles for doc, or NULL. */
static json_object *article(json_object *articles, const char *doc)
{
    size_t i;

    for (i = 0; i < json_object_array_length(articles); i++) {
        json_object *a = json_object_array_get_idx(articles, i);

        if (strncmp(str_of(a, "doc"), doc, strlen(doc)) == 0)
            return a;
    }
    return NULL;
}

/* The share of doc held in from, per doc's copy_of list (-1 if absent). */
static double share_in(json_object *art, const char *from)
{
    json_object *list;
    size_t i;

    assert_true(json_object_object_get_ex(art, "copy_of", &list));
    for (i = 0; i < json_object_array_length(list); i++) {
        json_object *c = json_object_array_get_idx(list, i);

        if (strncmp(str_of(c, "doc"), from, strlen(from)) == 0)
            return dbl_of(c, "share");
    }
    return -1.0;
}

/* articles.jsonl names the copying between seeds 000, 001 and 002, the
 * later article pointing to the earlier (undated, so by id). */
static void test_cli__corpus_articles(void **state)
{
    json_object *arts = load_jsonl(path_in(tmpdir, "out/articles.jsonl"));
    json_object *a0 = article(arts, "000_"), *a1 = article(arts, "001_"),
                *a2 = article(arts, "002_");

    (void)state;
    assert_non_null(a0);
    assert_non_null(a1);
    assert_non_null(a2);
    assert_null(article(arts, "004_"));
    /* 001 holds 000's re-paragraphed text; 002 shares syndicated
     * paragraphs with 001 and some of 000's. */
    assert_true(share_in(a1, "000_") > 0.05);
    assert_true(share_in(a2, "001_") > 0.2);
    assert_true(share_in(a2, "000_") > 0.0);
    assert_true(share_in(a0, "001_") < 0.0); /* the original copies none */
    json_object_put(arts);
}

static void test_cli__corpus_spans_match_source(void **state)
{
    json_object *cl = load_clusters(path_in(tmpdir, "out"));
    size_t i, j, n = json_object_array_length(cl);

    (void)state;
    assert_true(n >= 5);
    for (i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(cl, i), *members;
        char *t = corpus_span(canonical_of(c));

        assert_int_equal(int_of(c, "cluster"), (int64_t)i);
        /* The canonical's text is exactly its span of the source. */
        assert_string_equal(t, str_of(canonical_of(c), "text"));
        free(t);
        assert_true(json_object_object_get_ex(c, "members", &members));
        assert_int_equal(int_of(c, "size"),
                         (int64_t)json_object_array_length(members) + 1);
        for (j = 0; j < json_object_array_length(members); j++) {
            json_object *m = json_object_array_get_idx(members, j);
            char *mt = corpus_span(m);
            size_t ml = strlen(mt);

            /* Spans are trimmed paragraphs, and every member is within the
             * thresholds of its canonical. */
            assert_true(ml > 0 && mt[0] != ' ' && mt[0] != '\n' &&
                        mt[ml - 1] != ' ' && mt[ml - 1] != '\n');
            assert_true(dbl_of(m, "jaccard") >= 0.8 ||
                        dbl_of(m, "containment") >= 0.9);
            free(mt);
        }
    }
    json_object_put(cl);
}

static void test_cli__corpus_nothing_lost(void **state)
{
    json_object *cl = load_clusters(path_in(tmpdir, "out"));
    char *stats = slurp(path_in(tmpdir, "out/stats.json"), NULL);
    json_object *st = json_tokener_parse(stats);
    size_t i, j, removed = 0, bytes_removed = 0, in_bytes = 0, out_bytes = 0;
    static const char *const docs[] = {
        "000_43971502f8c0b970.txt", "001_e669044f4eebc203.txt",
        "002_04c10d08328eaf7d.txt", "003_e4b1efb5d7665dd4.txt",
        "004_768a252fde846fac.txt"};

    (void)state;
    assert_non_null(st);
    for (i = 0; i < json_object_array_length(cl); i++) {
        json_object *c = json_object_array_get_idx(cl, i), *members;
        json_object *canon = canonical_of(c);
        char name[512], *clean;

        /* The canonical is kept in its article's cleaned copy. */
        snprintf(name, sizeof name, "out/clean/corpus/%s",
                 str_of(canon, "doc"));
        clean = slurp(path_in(tmpdir, name), NULL);
        assert_non_null(clean);
        assert_non_null(strstr(clean, str_of(canon, "text")));
        free(clean);
        assert_true(json_object_object_get_ex(c, "members", &members));
        for (j = 0; j < json_object_array_length(members); j++) {
            json_object *m = json_object_array_get_idx(members, j);

            removed++;
            bytes_removed += (size_t)(int_of(m, "end") - int_of(m, "start"));
        }
    }
    assert_int_equal(int_of(st, "articles"), 5);
    assert_int_equal(int_of(st, "files_ignored"), 1); /* corpus/README.md */
    /* The summary names it. */
    assert_int_equal(run("%s scan %s -o %s/ig | grep -q 'ignored      1 file "
                         "neither article (.txt) nor JSONL: .*corpus/"
                         "README.md$'",
                         ND_CLI, CORPUS, tmpdir),
                     0);
    assert_int_equal(int_of(st, "paragraphs_removed"), (int64_t)removed);
    assert_int_equal(int_of(st, "bytes_removed"), (int64_t)bytes_removed);
    assert_int_equal(int_of(st, "clusters"),
                     (int64_t)json_object_array_length(cl));
    /* The cleaned files are shorter by at least the removed bytes. */
    for (i = 0; i < 5; i++) {
        size_t a, b;
        char name[512], *x, *y;

        snprintf(name, sizeof name, "out/clean/corpus/%s", docs[i]);
        x = slurp(path_in(CORPUS, docs[i]), &a);
        y = slurp(path_in(tmpdir, name), &b);
        assert_non_null(x);
        assert_non_null(y);
        assert_true(b <= a);
        in_bytes += a;
        out_bytes += b;
        free(x);
        free(y);
    }
    assert_true(in_bytes - out_bytes >= bytes_removed);
    json_object_put(st);
    free(stats);
    json_object_put(cl);
}

static void test_cli__deterministic_across_runs_and_threads(void **state)
{
    (void)state;
    assert_int_equal(run("%s scan %s -o %s/t1 -q --threads 1", ND_CLI, CORPUS,
                         tmpdir),
                     0);
    assert_int_equal(run("%s scan %s -o %s/t2 -q --threads 2", ND_CLI, CORPUS,
                         tmpdir),
                     0);
    assert_int_equal(run("diff -r %s/out %s/t1 && diff -r %s/t1 %s/t2",
                         tmpdir, tmpdir, tmpdir, tmpdir),
                     0);
}

/* A generated corpus of 6 MB passes through several batches of both
 * passes (pass 2's reader and writer threads overlap on them) and all the
 * threads: outputs must not depend on how many there are. */
static void test_cli__deterministic_generated(void **state)
{
    (void)state;
#ifdef ND_GEN
    assert_int_equal(run("%s --seed 3 --size 6M --quiet -o %s/gen.jsonl",
                         ND_GEN, tmpdir),
                     0);
    assert_int_equal(run("%s scan %s/gen.jsonl -o %s/g1 -q --threads 1",
                         ND_CLI, tmpdir, tmpdir),
                     0);
    assert_int_equal(run("%s scan %s/gen.jsonl -o %s/g3 -q --threads 3",
                         ND_CLI, tmpdir, tmpdir),
                     0);
    assert_int_equal(run("%s scan %s/gen.jsonl -o %s/g3b -q --threads 3",
                         ND_CLI, tmpdir, tmpdir),
                     0);
    assert_int_equal(run("diff -r %s/g1 %s/g3 && diff -r %s/g3 %s/g3b",
                         tmpdir, tmpdir, tmpdir, tmpdir),
                     0);
    /* And the corpus has real clusters, so the comparison says something. */
    assert_int_equal(run("test $(wc -l < %s/g1/clusters.jsonl) -gt 100",
                         tmpdir),
                     0);
#else
    skip();
#endif
}

/* ---- JSONL, compression, stdin ------------------------------------------ */

/* Writes the corpus as JSONL (one record per article, plus bad lines when
 * bad is set) to path. */
static void write_corpus_jsonl(const char *path, int bad)
{
    static const char *const docs[] = {
        "000_43971502f8c0b970.txt", "001_e669044f4eebc203.txt",
        "002_04c10d08328eaf7d.txt", "003_e4b1efb5d7665dd4.txt",
        "004_768a252fde846fac.txt"};
    FILE *f = fopen(path, "wb");
    size_t i;

    assert_non_null(f);
    for (i = 0; i < 5; i++) {
        json_object *o = json_object_new_object();
        char *text = slurp(path_in(CORPUS, docs[i]), NULL);

        json_object_object_add(o, "id", json_object_new_string(docs[i]));
        json_object_object_add(o, "source", json_object_new_string("seed"));
        json_object_object_add(o, "text", json_object_new_string(text));
        fprintf(f, "%s\n", json_object_to_json_string_ext(
                               o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
        free(text);
        if (bad && i == 1)
            fputs("{\"id\": \"broken\", \"text\": \"unterminated\n"
                  "{\"id\": \"no-text\"}\n"
                  "[1, 2, 3]\n"
                  "\n",
                  f);
    }
    fclose(f);
}

static void test_cli__jsonl_with_bad_lines(void **state)
{
    char *err, *clean, *line, *save;
    size_t lines = 0;

    (void)state;
    write_corpus_jsonl(path_in(tmpdir, "c.jsonl"), 1);
    assert_int_equal(run("%s scan %s/c.jsonl -o %s/j 2>%s/j.err >/dev/null",
                         ND_CLI, tmpdir, tmpdir, tmpdir),
                     0);
    err = slurp(path_in(tmpdir, "j.err"), NULL);
    /* Each bad line is named by file and line. */
    assert_non_null(strstr(err, "c.jsonl:3:"));
    assert_non_null(strstr(err, "c.jsonl:4:"));
    assert_non_null(strstr(err, "c.jsonl:5:"));
    assert_null(strstr(err, "c.jsonl:6:")); /* a blank line is no fault */
    assert_non_null(strstr(err, "c.jsonl:3: malformed JSON: the line ends "
                                "inside a value; record skipped"));
    assert_non_null(strstr(err, "c.jsonl:5: not a JSON object but an array; "
                                "record skipped"));
    free(err);
    /* The cleaned JSONL keeps the good records with all their fields. */
    clean = slurp(path_in(tmpdir, "j/clean/c.jsonl"), NULL);
    assert_non_null(clean);
    assert_null(strstr(clean, "\n\n")); /* the blank line is left out */
    for (line = strtok_r(clean, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        json_object *o = json_tokener_parse(line);

        assert_non_null(o);
        assert_string_equal(str_of(o, "source"), "seed");
        assert_non_null(str_of(o, "text"));
        json_object_put(o);
        lines++;
    }
    assert_int_equal(lines, 5);
    free(clean);
    /* Same clusters as the directory scan: same ids, same offsets. */
    assert_int_equal(run("diff %s/out/clusters.jsonl %s/j/clusters.jsonl "
                         ">/dev/null",
                         tmpdir, tmpdir),
                     0);
}

/* More warnings than are printed: the summary says how many reached
 * stderr instead of claiming all of them did. */
static void test_cli__warnings_beyond_the_printed(void **state)
{
    char *out;
    FILE *f = fopen(path_in(tmpdir, "w.jsonl"), "wb");
    int i;

    (void)state;
    assert_non_null(f);
    for (i = 0; i < 120; i++)
        fputs("not json line\n", f);
    fclose(f);
    /* Nothing but bad lines: nothing was read, which fails the run (it is
     * most likely a mistake) and writes nothing. */
    assert_int_equal(run("%s scan %s/w.jsonl -o %s/w 2>%s/w.err >%s/w.out",
                         ND_CLI, tmpdir, tmpdir, tmpdir, tmpdir),
                     1);
    assert_int_equal(count_in(path_in(tmpdir, "w.err"),
                              "neardup: no article was read from the inputs "
                              "(120 records or files skipped, 0 files "
                              "ignored); nothing was written\n"),
                     1);
    assert_false(exists(path_in(tmpdir, "w/clusters.jsonl")));
    /* With one article among them the run goes on, and warns the same. */
    f = fopen(path_in(tmpdir, "w.jsonl"), "ab");
    assert_non_null(f);
    fputs("{\"id\":\"ok\",\"text\":\"The one article of the file.\"}\n", f);
    fclose(f);
    assert_int_equal(run("%s scan %s/w.jsonl -o %s/w 2>%s/w.err >%s/w.out",
                         ND_CLI, tmpdir, tmpdir, tmpdir, tmpdir),
                     0);
    assert_int_equal(count_in(path_in(tmpdir, "w.err"), "w.jsonl:"), 50);
    assert_int_equal(count_in(path_in(tmpdir, "w.err"), "only counted"), 1);
    /* Plain text in a .jsonl is said to be no JSON object, with file and
     * line, not in json-c's words ("null expected"). */
    assert_int_equal(count_in(path_in(tmpdir, "w.err"),
                              "w.jsonl:7: not a JSON object: the line starts "
                              "with 'n'; record skipped\n"),
                     1);
    out = slurp(path_in(tmpdir, "w.out"), NULL);
    assert_non_null(strstr(out, "skipped      120 records or files (120 "
                                "warnings, the first 50 on stderr)"));
    assert_non_null(strstr(out, "1 article ("));
    free(out);
    /* At most 50, all of them are there. */
    assert_int_equal(run("(head -n 3 %s/w.jsonl; tail -n 1 %s/w.jsonl) > "
                         "%s/w3.jsonl && %s scan "
                         "%s/w3.jsonl -o %s/w3 2>/dev/null | grep -q "
                         "'skipped      3 records or files (3 warnings on "
                         "stderr)'",
                         tmpdir, tmpdir, tmpdir, ND_CLI, tmpdir, tmpdir),
                     0);
}

/* A record with nothing removed is written back byte for byte, however
 * its JSON was spelled; one with a removal keeps its other fields. */
static void test_cli__jsonl_untouched_lines_verbatim(void **state)
{
    static const char odd[] =
        "{ \"n\" : 1.50, \"id\":\"odd\",  \"text\" : \"Nothing in this "
        "record repeats anywhere else at all, caf\\u00e9.\" }\r";
    static const char para[] =
        "This paragraph is repeated in two records of the file, word for "
        "word, so that one of the copies is removed.";
    char *clean, line[512];
    FILE *f = fopen(path_in(tmpdir, "v.jsonl"), "wb");

    (void)state;
    assert_non_null(f);
    fprintf(f, "%s\n", odd);
    fprintf(f, "{\"id\":\"a\",\"x\":[1,2],\"text\":\"%s\"}\n", para);
    fprintf(f, "{\"id\":\"b\",\"x\":{\"k\":true},\"text\":\"%s\\n\\nOther "
               "text of b that is its own.\"}\n",
            para);
    fclose(f);
    assert_int_equal(run("%s scan %s/v.jsonl -o %s/v -q", ND_CLI, tmpdir,
                         tmpdir),
                     0);
    clean = slurp(path_in(tmpdir, "v/clean/v.jsonl"), NULL);
    assert_non_null(clean);
    snprintf(line, sizeof line, "%s\n", odd);
    assert_memory_equal(clean, line, strlen(line));
    /* b lost its first paragraph but kept its other field. */
    assert_non_null(strstr(clean, "\"x\":{\"k\":true}"));
    assert_non_null(strstr(clean, "\"text\":\"Other text of b"));
    free(clean);
}

/* A record that loses a paragraph keeps every other byte of its line: only
 * the text field's value is written anew, whatever the spacing, the
 * number spelling, the field order or a "text" key nested in another
 * field. A line the splice does not read (the text field twice) is still
 * written correctly, through json-c. */
static void test_cli__jsonl_removal_keeps_other_bytes(void **state)
{
    static const char para[] =
        "This paragraph is repeated in several records of the file, word "
        "for word, so that all but one of the copies are removed.";
    char *clean, want[1024];
    FILE *f = fopen(path_in(tmpdir, "s.jsonl"), "wb");

    (void)state;
    assert_non_null(f);
    fprintf(f, "{\"id\":\"a\",\"text\":\"%s\"}\n", para);
    fprintf(f, "{ \"n\" : 1.50 , \"meta\": {\"text\": \"no\", \"l\": [1, "
               "\"]\"]},\"id\":\"b\",  \"text\" :\t\"%s\\n\\nB's own "
               "\\\"words\\\" stay.\" , \"z\":null }\r\n",
            para);
    fprintf(f, "{\"id\":\"c\",\"text\":\"x\",\"text\":\"%s\\n\\nC keeps "
               "this.\"}\n",
            para);
    fclose(f);
    assert_int_equal(run("%s scan %s/s.jsonl -o %s/s -q", ND_CLI, tmpdir,
                         tmpdir),
                     0);
    clean = slurp(path_in(tmpdir, "s/clean/s.jsonl"), NULL);
    assert_non_null(clean);
    snprintf(want, sizeof want,
             "{\"id\":\"a\",\"text\":\"%s\"}\n"
             "{ \"n\" : 1.50 , \"meta\": {\"text\": \"no\", \"l\": [1, "
             "\"]\"]},\"id\":\"b\",  \"text\" :\t\"B's own \\\"words\\\" "
             "stay.\" , \"z\":null }\r\n",
             para);
    assert_memory_equal(clean, want, strlen(want));
    /* c's text is its last "text" field, as json-c reads it. */
    assert_non_null(strstr(clean + strlen(want), "\"id\":\"c\""));
    assert_non_null(strstr(clean + strlen(want), "\"text\":\"C keeps this.\""));
    assert_null(strstr(clean + strlen(want), para));
    free(clean);
}

/* A text article whose every paragraph is a copy is left empty in clean/
 * (and not written as it came), on one thread and on two. */
static void test_cli__text_article_removed_whole(void **state)
{
    static const char para[] =
        "Same paragraph text repeated here in two files, word for word.";
    size_t len = 99;
    char *b;

    (void)state;
    assert_int_equal(run("mkdir -p %s/w/in && printf '%s' > %s/w/in/a.txt && "
                         "cp %s/w/in/a.txt %s/w/in/b.txt",
                         tmpdir, para, tmpdir, tmpdir, tmpdir),
                     0);
    assert_int_equal(run("%s scan %s/w/in -o %s/w/o2 -q --threads 2 && "
                         "%s scan %s/w/in -o %s/w/o1 -q --threads 1 && "
                         "diff -r %s/w/o1 %s/w/o2",
                         ND_CLI, tmpdir, tmpdir, ND_CLI, tmpdir, tmpdir,
                         tmpdir, tmpdir),
                     0);
    b = slurp(path_in(tmpdir, "w/o2/clean/in/b.txt"), &len);
    assert_non_null(b);
    assert_int_equal(len, 0);
    free(b);
}

static void test_cli__strict_fails_and_keeps_previous_output(void **state)
{
    char *before, *after;

    (void)state;
    write_corpus_jsonl(path_in(tmpdir, "s.jsonl"), 1);
    write_corpus_jsonl(path_in(tmpdir, "good.jsonl"), 0);
    assert_int_equal(run("%s scan %s/good.jsonl -o %s/s -q", ND_CLI, tmpdir,
                         tmpdir),
                     0);
    before = slurp(path_in(tmpdir, "s/clusters.jsonl"), NULL);
    assert_int_equal(run("%s scan --strict %s/s.jsonl -o %s/s 2>%s/s.err",
                         ND_CLI, tmpdir, tmpdir, tmpdir),
                     1);
    after = slurp(path_in(tmpdir, "s/clusters.jsonl"), NULL);
    assert_string_equal(before, after);
    free(before);
    free(after);
    before = slurp(path_in(tmpdir, "s.err"), NULL);
    assert_non_null(strstr(before, "s.jsonl:3"));
    free(before);
    /* No temporary directory is left behind. */
    assert_int_equal(run("ls -A %s/s | grep -q tmp", tmpdir), 1);
}

/* A write that fails (here: past a file size limit, as on a full disk)
 * stops the run with the reason and exit 1, and leaves the previous
 * output as it was, with one thread writing and with the writer thread. */
static void test_cli__write_failure_keeps_previous_output(void **state)
{
    char *before, *after, *err;
    int t;

    (void)state;
#ifdef ND_GEN
    assert_int_equal(run("%s --seed 5 --size 2M --quiet -o %s/w.jsonl",
                         ND_GEN, tmpdir),
                     0);
    assert_int_equal(run("%s scan %s/w.jsonl -o %s/w -q", ND_CLI, tmpdir,
                         tmpdir),
                     0);
    /* The outputs pass the limit below, so the run below must fail. */
    assert_int_equal(run("test $(cat %s/w/clean/* | wc -c) -gt 600000",
                         tmpdir),
                     0);
    before = slurp(path_in(tmpdir, "w/clusters.jsonl"), NULL);
    for (t = 1; t <= 2; t++) {
        /* 512 blocks of the shell's ulimit are 256 or 512 KiB. */
        assert_int_equal(run("(ulimit -f 512 && trap '' XFSZ && exec %s scan "
                             "--threads %d %s/w.jsonl -o %s/w -q) 2>%s/w.err",
                             ND_CLI, t, tmpdir, tmpdir, tmpdir),
                         1);
        err = slurp(path_in(tmpdir, "w.err"), NULL);
        assert_non_null(strstr(err, "cannot write"));
        assert_non_null(strstr(err, "File too large"));
        free(err);
        after = slurp(path_in(tmpdir, "w/clusters.jsonl"), NULL);
        assert_string_equal(before, after);
        free(after);
        assert_int_equal(run("ls -A %s/w | grep -q tmp", tmpdir), 1);
    }
    free(before);
#else
    skip();
#endif
}

static void test_cli__gzip_truncated_and_stdin(void **state)
{
    char *plain, *gz, *err;
    size_t n, gzn;
    gzFile g;

    (void)state;
    write_corpus_jsonl(path_in(tmpdir, "g.jsonl"), 0);
    plain = slurp(path_in(tmpdir, "g.jsonl"), &n);
    g = gzopen(path_in(tmpdir, "g.jsonl.gz"), "wb");
    assert_non_null(g);
    assert_int_equal(gzwrite(g, plain, (unsigned)n), (int)n);
    gzclose(g);
    /* Compressed input is found by its bytes: give it a misleading name. */
    assert_int_equal(run("cp %s/g.jsonl.gz %s/g.data", tmpdir, tmpdir), 0);
    assert_int_equal(run("%s scan %s/g.data -o %s/g -q", ND_CLI, tmpdir,
                         tmpdir),
                     0);
    assert_int_equal(run("diff %s/out/clusters.jsonl %s/g/clusters.jsonl",
                         tmpdir, tmpdir),
                     0);
    /* A truncated stream: a warning, the records before the cut kept. */
    gz = slurp(path_in(tmpdir, "g.jsonl.gz"), &gzn);
    spit(path_in(tmpdir, "cut.jsonl.gz"), gz, gzn * 2 / 3);
    assert_int_equal(run("%s scan %s/cut.jsonl.gz -o %s/cut 2>%s/cut.err "
                         ">/dev/null",
                         ND_CLI, tmpdir, tmpdir, tmpdir),
                     0);
    err = slurp(path_in(tmpdir, "cut.err"), NULL);
    assert_non_null(strstr(err, "cut.jsonl.gz"));
    free(err);
    /* Standard input. */
    assert_int_equal(run("%s scan - -o %s/in -q < %s/g.jsonl", ND_CLI, tmpdir,
                         tmpdir),
                     0);
    assert_int_equal(run("diff %s/out/clusters.jsonl %s/in/clusters.jsonl",
                         tmpdir, tmpdir),
                     0);
    free(plain);
    free(gz);
}

/*
 * A named pipe can be read only once, and pass 2 reads every input again:
 * it is copied like standard input, and gives what the file gives. The
 * copies live in $TMPDIR; a copy that a killed run left there (its process
 * gone) is removed by the next run that copies one.
 */
static void test_cli__named_pipe_input(void **state)
{
    (void)state;
    write_corpus_jsonl(path_in(tmpdir, "p.jsonl"), 0);
    assert_int_equal(run("%s scan %s/p.jsonl -o %s/pf -q", ND_CLI, tmpdir,
                         tmpdir),
                     0);
    assert_int_equal(run("mkdir -p %s/spool && touch "
                         "%s/spool/neardup-spool-999999999-dead00 && "
                         "mkfifo %s/p.fifo",
                         tmpdir, tmpdir, tmpdir),
                     0);
    assert_int_equal(run("(cat %s/p.jsonl > %s/p.fifo &) && TMPDIR=%s/spool "
                         "timeout 60 %s scan %s/p.fifo -o %s/pp -q",
                         tmpdir, tmpdir, tmpdir, ND_CLI, tmpdir, tmpdir),
                     0);
    assert_int_equal(run("diff %s/pf/clusters.jsonl %s/pp/clusters.jsonl",
                         tmpdir, tmpdir),
                     0);
    /* Its own copy is gone after the run, and so is the dead run's. */
    assert_int_equal(run("test -z \"$(ls -A %s/spool)\"", tmpdir), 0);
}

/* Each file given on its own is the same corpus as the directory. */
static void test_cli__several_inputs(void **state)
{
    (void)state;
    assert_int_equal(run("cd %s && %s scan 000_*.txt 001_*.txt 002_*.txt "
                         "003_*.txt 004_*.txt -o %s/many -q",
                         CORPUS, ND_CLI, tmpdir),
                     0);
    assert_int_equal(run("cmp %s/out/clusters.jsonl %s/many/clusters.jsonl",
                         tmpdir, tmpdir),
                     0);
    assert_int_equal(run("cmp %s/out/articles.jsonl %s/many/articles.jsonl",
                         tmpdir, tmpdir),
                     0);
    assert_int_equal(run("diff -r %s/out/clean/corpus %s/many/clean", tmpdir,
                         tmpdir),
                     0);
}

/* ---- bad input and bad usage -------------------------------------------- */

static void test_cli__bad_files_in_a_directory(void **state)
{
    static const char latin1[] = "caf\xe9 cr\xe8me br\xfbl\xe9" "e\n\n"
                                 "caf\xe9 cr\xe8me br\xfbl\xe9" "e\n";
    char dir[512], *big, *err;
    const size_t big_len = 3u << 20;
    unsigned char bin[4096];
    size_t i;

    (void)state;
    snprintf(dir, sizeof dir, "%s/bad", tmpdir);
    assert_int_equal(mkdir(dir, 0777), 0);
    spit(path_in(dir, "empty.txt"), "", 0);
    for (i = 0; i < sizeof bin; i++)
        bin[i] = (unsigned char)(i * 7919u >> 3);
    spit(path_in(dir, "binary.txt"), bin, sizeof bin);
    spit(path_in(dir, "latin1.txt"), latin1, sizeof latin1 - 1);
    big = malloc(big_len);
    for (i = 0; i < big_len; i++)
        big[i] = "abcdefgh ij"[i % 11];
    spit(path_in(dir, "long-line.txt"), big, big_len);
    free(big);
    spit(path_in(dir, "bad.jsonl"), "{\"id\": 1, \"text\": 5}\n{oops\n", 28);
    assert_int_equal(run("%s scan %s -o %s/badout 2>%s/bad.err >/dev/null",
                         ND_CLI, dir, tmpdir, tmpdir),
                     0);
    err = slurp(path_in(tmpdir, "bad.err"), NULL);
    assert_non_null(strstr(err, "bad.jsonl:1"));
    assert_non_null(strstr(err, "bad.jsonl:2"));
    free(err);
    /* The repeated Latin-1 paragraph is still found. */
    err = slurp(path_in(tmpdir, "badout/clusters.jsonl"), NULL);
    assert_non_null(strstr(err, "\"latin1.txt\""));
    free(err);
}

/* Binary data among the articles (random bytes, UTF-16) is skipped with
 * a warning naming the file, counted in the summary and in stats.json,
 * and left out of clean/; the rest gives the corpus's own results.
 * --strict fails on it instead. In JSONL a line of binary data is said
 * to be that, with its line. */
static void test_cli__binary_input_skipped(void **state)
{
    static const char u16[] = "\xff\xfeN\0e\0w\0s\0 \0o\0f\0 \0t\0h\0e\0"
                              " \0d\0a\0y\0\n\0";
    char dir[512], noise[2000], *err;
    uint32_t x = 88172645u;
    size_t i;
    FILE *f;

    (void)state;
    snprintf(dir, sizeof dir, "%s/binc/corpus", tmpdir);
    assert_int_equal(run("mkdir -p %s && cp %s/* %s/", dir, CORPUS, dir), 0);
    for (i = 0; i < sizeof noise; i++)
        noise[i] = (char)(rng_next(&x) >> 24);
    spit(path_in(dir, "noise.txt"), noise, sizeof noise);
    spit(path_in(dir, "utf16.txt"), u16, sizeof u16 - 1);
    assert_int_equal(run("%s scan %s -o %s/bo 2>%s/bo.err >%s/bo.out",
                         ND_CLI, dir, tmpdir, tmpdir, tmpdir),
                     0);
    err = slurp(path_in(tmpdir, "bo.err"), NULL);
    assert_non_null(strstr(err, "/binc/corpus/noise.txt: binary data, not "
                                "text: "));
    assert_non_null(strstr(err, "; file skipped\n"));
    assert_non_null(strstr(err, "/binc/corpus/utf16.txt: binary data, not "
                                "text: 16 of its 34 bytes (47.1%) are "
                                "control characters, the first (0x00) at "
                                "byte 4; it looks like UTF-16 text"));
    free(err);
    assert_int_equal(count_in(path_in(tmpdir, "bo.out"),
                              "skipped      2 records or files (2 warnings "
                              "on stderr)"),
                     1);
    assert_int_equal(count_in(path_in(tmpdir, "bo/stats.json"),
                              "\"records_skipped\": 2,"),
                     1);
    assert_false(exists(path_in(tmpdir, "bo/clean/corpus/noise.txt")));
    assert_true(exists(path_in(tmpdir, "bo/clean/corpus/"
                                       "000_43971502f8c0b970.txt")));
    assert_int_equal(run("cmp %s/out/clusters.jsonl %s/bo/clusters.jsonl && "
                         "cmp %s/out/articles.jsonl %s/bo/articles.jsonl && "
                         "diff -r %s/out/clean/corpus %s/bo/clean/corpus",
                         tmpdir, tmpdir, tmpdir, tmpdir, tmpdir, tmpdir),
                     0);
    /* Strict: a failure naming the file; the results stay as they were. */
    assert_int_equal(run("%s scan --strict %s -o %s/bo 2>%s/bo.err "
                         ">/dev/null",
                         ND_CLI, dir, tmpdir, tmpdir),
                     1);
    assert_int_equal(count_in(path_in(tmpdir, "bo.err"),
                              "/binc/corpus/noise.txt: binary data, not "
                              "text: "),
                     1);
    assert_int_equal(run("cmp %s/out/clusters.jsonl %s/bo/clusters.jsonl",
                         tmpdir, tmpdir),
                     0);
    /* JSONL: good records, then a line of binary data. */
    write_corpus_jsonl(path_in(tmpdir, "bj.jsonl"), 0);
    f = fopen(path_in(tmpdir, "bj.jsonl"), "ab");
    assert_non_null(f);
    for (i = 0; i < sizeof noise; i++)
        if (noise[i] != '\n')
            putc(noise[i], f);
    fputs("\n", f);
    fclose(f);
    assert_int_equal(run("%s scan %s/bj.jsonl -o %s/bj 2>%s/bj.err "
                         ">/dev/null",
                         ND_CLI, tmpdir, tmpdir, tmpdir),
                     0);
    assert_int_equal(count_in(path_in(tmpdir, "bj.err"),
                              "bj.jsonl:6: binary data, not JSON: "),
                     1);
    assert_int_equal(count_in(path_in(tmpdir, "bj.err"), "warning"), 1);
}

/* Every option error names the option as typed, a value out of range as
 * well as one that is no number. */
static void test_cli__option_errors_name_the_option(void **state)
{
    (void)state;
    usage_says("scan --threshold 2",
               "neardup: --threshold takes a number above 0 and at most 1, "
               "not '2'");
    usage_says("scan --threshold=0",
               "--threshold takes a number above 0 and at most 1, not '0'");
    usage_says("scan --containment abc",
               "--containment takes a number above 0 and at most 1, not "
               "'abc'");
    usage_says("scan --copy 1.01",
               "--copy takes a number above 0 and at most 1, not '1.01'");
    usage_says("scan --copy nan",
               "--copy takes a number above 0 and at most 1, not 'nan'");
    usage_says("scan --text-field ''", "--text-field needs a field name");
    usage_says("scan --id-field=", "--id-field needs a field name");
    usage_says("scan --bogus", "neardup: unknown option '--bogus'\n");
    usage_says("scan -o ''", "-o needs a directory name, not ''");
    usage_says("scan --output /tmp/elsewhere",
               "-o given twice: one output directory, please");
    usage_says("scan ''", "an input is named '' (an empty path)");
    usage_says("scan --strict=yes", "option '--strict' takes no value");
    /* An unknown option as the last argument is still unknown, not one
     * that lacks its value. */
    assert_int_equal(run("%s scan %s -o %s/u --bogus 2>%s/u.err", ND_CLI,
                         CORPUS, tmpdir, tmpdir),
                     2);
    assert_int_equal(count_in(path_in(tmpdir, "u.err"),
                              "unknown option '--bogus'"),
                     1);
    assert_int_equal(run("%s scan %s -o 2>%s/u.err", ND_CLI, CORPUS, tmpdir),
                     2);
    assert_int_equal(count_in(path_in(tmpdir, "u.err"),
                              "option '-o' needs a value"),
                     1);
    /* Before the command: an option, not a command. */
    usage_says("--bogus", "neardup: unknown option '--bogus' (the command "
                          "comes first: neardup scan");
    usage_says("--threads 2", "unknown option '--threads'");
    usage_says("sacn", "neardup: unknown command 'sacn'");
}

/* A value is the next argument or follows '='; -o, the short option
 * that takes one, also takes it attached, as getopt does. Every spelling
 * gives the same results as the plain one. */
static void test_cli__option_values_attached(void **state)
{
    static const char *const spellings[] = {
        "-o%s/v1", "-o=%s/v2", "--output=%s/v3", "--output %s/v4",
    };
    char fmt[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof spellings / sizeof *spellings; i++) {
        snprintf(fmt, sizeof fmt, "%%s scan %%s %s -q --threads=2 "
                 "--ngram=5 --threshold=0.8 --keep=earliest", spellings[i]);
        assert_int_equal(run(fmt, ND_CLI, CORPUS, tmpdir), 0);
        snprintf(fmt, sizeof fmt, "diff -r %%s/out %%s/v%zu", i + 1);
        assert_int_equal(run(fmt, tmpdir, tmpdir), 0);
    }
    /* Attached, -o is still one output directory and never empty. */
    usage_says("scan -o/tmp/elsewhere",
               "-o given twice: one output directory, please");
    usage_says("scan -o=", "-o needs a directory name, not ''");
    /* One dash before a long name is a slip, not -o with "utput". */
    usage_says("scan -output /tmp/elsewhere",
               "neardup: unknown option '-output' (the long option takes "
               "two dashes: --output)");
    usage_says("scan -output=/tmp/elsewhere", "unknown option '-output' (");
    assert_false(exists("utput"));
    usage_says("scan -q2", "unknown option '-q2'");
}

/* Thresholds of 1: a copy is removed only when its shingle set equals the
 * canonical's or is held in it whole; stats.json stays valid JSON with no
 * miss rate (a pair of Jaccard 1 always meets in a band). */
static void test_cli__thresholds_of_one(void **state)
{
    json_object *cl, *st, *lsh, *params;
    char *stats;
    size_t i, j, whole = 0;

    (void)state;
    assert_int_equal(run("%s scan %s -o %s/one -q --threshold 1 "
                         "--containment 1 --copy 1",
                         ND_CLI, CORPUS, tmpdir),
                     0);
    cl = load_clusters(path_in(tmpdir, "one"));
    assert_true(json_object_array_length(cl) > 0);
    for (i = 0; i < json_object_array_length(cl); i++) {
        json_object *members;

        assert_true(json_object_object_get_ex(
            json_object_array_get_idx(cl, i), "members", &members));
        for (j = 0; j < json_object_array_length(members); j++) {
            json_object *m = json_object_array_get_idx(members, j);

            assert_true(dbl_of(m, "jaccard") == 1.0 ||
                        dbl_of(m, "containment") == 1.0);
            whole += dbl_of(m, "jaccard") == 1.0;
        }
    }
    assert_true(whole > 0); /* "So far, the offensives ..." in 001 and 002 */
    json_object_put(cl);
    stats = slurp(path_in(tmpdir, "one/stats.json"), NULL);
    st = json_tokener_parse(stats);
    assert_non_null(st);
    assert_true(json_object_object_get_ex(st, "parameters", &params));
    assert_true(dbl_of(params, "threshold") == 1.0);
    assert_true(json_object_object_get_ex(st, "lsh", &lsh));
    assert_true(dbl_of(lsh, "expected_false_negative_rate") == 0.0);
    json_object_put(st);
    free(stats);
}

/* A whole number out of range and no number at all get one message,
 * naming the option and its real range. */
static void test_cli__whole_number_ranges(void **state)
{
    (void)state;
    usage_says("scan --threads -1",
               "--threads takes a whole number from 0 to 256, not '-1'");
    usage_says("scan --threads 300",
               "--threads takes a whole number from 0 to 256, not '300'");
    usage_says("scan --threads=x",
               "--threads takes a whole number from 0 to 256, not 'x'");
    usage_says("scan --ngram 0",
               "--ngram takes a whole number from 1 to 16, not '0'");
    usage_says("scan --perm 2000",
               "--perm takes a whole number from 8 to 1024, not '2000'");
    usage_says("scan --min-contain 0",
               "--min-contain takes a whole number from 1 to 1000, not '0'");
    usage_says("scan --boilerplate-articles 0",
               "--boilerplate-articles takes a whole number from 1 to "
               "4294967295, not '0'");
    usage_says("scan --seed -5", "--seed takes a whole number from 0 to "
                                 "18446744073709551615, not '-5'");
    usage_says("scan --seed 18446744073709551616",
               "--seed takes a whole number from 0 to 18446744073709551615, "
               "not '18446744073709551616'");
    usage_says("scan --seed 0x10", "--seed takes a whole number from 0 to ");
    /* Decimal always: a leading zero is no octal. */
    assert_int_equal(run("%s scan --seed 010 %s -o %s/s10 -q && grep -q "
                         "'\"seed\": 10,' %s/s10/stats.json",
                         ND_CLI, CORPUS, tmpdir, tmpdir),
                     0);
    /* The ends of the ranges are taken. */
    assert_int_equal(run("%s scan --threads 256 --perm 8 --ngram 16 %s -o "
                         "%s/u -q",
                         ND_CLI, CORPUS, tmpdir),
                     0);
}

static void test_cli__usage_and_fatal_errors(void **state)
{
    char *err;

    (void)state;
    assert_int_equal(run("%s >/dev/null 2>&1", ND_CLI), 2);
    assert_int_equal(run("%s --help | grep -q 'Usage: neardup scan'", ND_CLI),
                     0);
    assert_int_equal(run("%s --version | grep -q '^neardup '", ND_CLI), 0);
    assert_int_equal(run("%s scan %s >/dev/null 2>&1", ND_CLI, CORPUS), 2);
    assert_int_equal(run("%s scan -o %s/u >/dev/null 2>&1", ND_CLI, tmpdir),
                     2);
    assert_int_equal(run("%s scan --bogus %s -o %s/u >/dev/null 2>&1", ND_CLI,
                         CORPUS, tmpdir),
                     2);
    assert_int_equal(run("%s scan --threshold 1.5 %s -o %s/u >/dev/null "
                         "2>&1",
                         ND_CLI, CORPUS, tmpdir),
                     2);
    assert_int_equal(run("%s scan --perm abc %s -o %s/u >/dev/null 2>&1",
                         ND_CLI, CORPUS, tmpdir),
                     2);
    /* The same input twice, and an output path that is a file. */
    assert_int_equal(run("%s scan %s %s/ -o %s/u 2>%s/u.err", ND_CLI, CORPUS,
                         CORPUS, tmpdir, tmpdir),
                     1);
    err = slurp(path_in(tmpdir, "u.err"), NULL);
    assert_non_null(strstr(err, "given twice"));
    free(err);
    spit(path_in(tmpdir, "plainfile"), "x", 1);
    assert_int_equal(run("%s scan %s -o %s/plainfile 2>%s/u.err", ND_CLI,
                         CORPUS, tmpdir, tmpdir),
                     1);
    err = slurp(path_in(tmpdir, "u.err"), NULL);
    assert_non_null(strstr(err, "not a directory"));
    free(err);
    /* One below a file: the message names the directory asked for, not
     * the temporary one inside it. */
    assert_int_equal(run("%s scan %s -o %s/plainfile/sub 2>%s/u.err", ND_CLI,
                         CORPUS, tmpdir, tmpdir),
                     1);
    err = slurp(path_in(tmpdir, "u.err"), NULL);
    assert_non_null(strstr(err, "cannot create the output directory "));
    assert_non_null(strstr(err, "plainfile/sub (or write in it): "));
    assert_null(strstr(err, "neardup-tmp"));
    free(err);
    assert_int_equal(run("%s scan %s/does-not-exist -o %s/u 2>%s/u.err",
                         ND_CLI, tmpdir, tmpdir, tmpdir),
                     1);
    err = slurp(path_in(tmpdir, "u.err"), NULL);
    assert_non_null(strstr(err, "does-not-exist"));
    free(err);
    assert_false(exists(path_in(tmpdir, "u/clusters.jsonl")));
}

/* How often needle occurs in the file at path. */
static int count_in(const char *path, const char *needle)
{
    char *text = slurp(path, NULL), *p;
    int n = 0;

    assert_non_null(text);
    for (p = strstr(text, needle); p; p = strstr(p + 1, needle))
        n++;
    free(text);
    return n;
}

static void test_cli__corpus_boilerplate_modes(void **state)
{
    static const char footer[] = "All rights reserved to Arab Today";
    const char *c002 = "clean/corpus/002_04c10d08328eaf7d.txt";
    char path[1024];

    (void)state;
    snprintf(path, sizeof path, "%s/out/%s", tmpdir, c002);
    assert_int_equal(count_in(path, footer), 1); /* one copy kept */
    /* Seed 002's footer stands alone both times: no paragraph of 002
     * holds it glued, so nothing is cut. */
    snprintf(path, sizeof path, "%s/out/stats.json", tmpdir);
    assert_int_equal(count_in(path, "\"parts_removed\": 0,"), 1);
    snprintf(path, sizeof path, "%s/out/%s", tmpdir, c002);
    assert_int_equal(run("%s scan %s -o %s/kb -q --keep-boilerplate", ND_CLI,
                         CORPUS, tmpdir),
                     0);
    snprintf(path, sizeof path, "%s/kb/%s", tmpdir, c002);
    assert_int_equal(count_in(path, footer), 2);
    assert_int_equal(run("%s scan %s -o %s/db -q --drop-boilerplate-all",
                         ND_CLI, CORPUS, tmpdir),
                     0);
    snprintf(path, sizeof path, "%s/db/%s", tmpdir, c002);
    assert_int_equal(count_in(path, footer), 0);
    /* Shared text is untouched by either. */
    assert_int_equal(count_in(path, "Iraqi government forces approached"), 1);
    assert_int_equal(run("%s scan %s -o %s/x -q --keep-boilerplate "
                         "--drop-boilerplate-all 2>/dev/null",
                         ND_CLI, CORPUS, tmpdir),
                     2);
}

static void write_record(FILE *f, const char *id, const char *source,
                         const char *date, const char *text)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "source", json_object_new_string(source));
    json_object_object_add(o, "date", json_object_new_string(date));
    json_object_object_add(o, "text", json_object_new_string(text));
    fprintf(f, "%s\n", json_object_to_json_string_ext(o,
                                                      JSON_C_TO_STRING_PLAIN));
    json_object_put(o);
}

/* ---- boilerplate glued to a paragraph ------------------------------------ */

#define GLUE_HEAD "Subscribe to the Example Daily newsletter and get the " \
                  "top stories delivered every morning."
#define GLUE_FOOT "All rights reserved to Example Media Group, no part of " \
                  "this page may be copied without written permission \xC2\xA9"

/* The member of cluster for (doc, para) marked "part", or NULL. */
static json_object *part_member(json_object *cluster, const char *doc,
                                int64_t para)
{
    json_object *members = json_object_object_get(cluster, "members");
    size_t i;

    for (i = 0; i < json_object_array_length(members); i++) {
        json_object *m = json_object_array_get_idx(members, i), *flag;

        if (strcmp(str_of(m, "doc"), doc) == 0 && int_of(m, "para") == para &&
            json_object_object_get_ex(m, "part", &flag))
            return json_object_get_boolean(flag) ? m : NULL;
    }
    return NULL;
}

/* The cluster whose canonical is (doc, para), or NULL. */
static json_object *cluster_of_canon(json_object *cl, const char *doc,
                                     int64_t para)
{
    size_t i;

    for (i = 0; i < json_object_array_length(cl); i++) {
        json_object *c = json_object_array_get_idx(cl, i);

        if (strcmp(str_of(canonical_of(c), "doc"), doc) == 0 &&
            int_of(canonical_of(c), "para") == para)
            return c;
    }
    return NULL;
}

/*
 * One source's header and footer stand alone in 55 articles; t1 has the
 * header glued to its lead, t2 the footer glued to its last paragraph,
 * and t3 has both glued, a paragraph quoting the footer in its middle,
 * and a last paragraph copied (without the footer) by an article of
 * another source, so that it is itself a canonical with a removed member.
 * The standalone lines are their clusters' canonicals (site furniture
 * goes first, even before paragraphs that contain it); the glued copies
 * are cut exactly, with the white space that joined them; the quote
 * stays; b1's removed copy stays held by what t3 keeps.
 */
static void test_cli__glued_boilerplate(void **state)
{
    static const char t3[] =
        GLUE_HEAD " The harvest festival drew record crowds this weekend "
        "despite the cold and the early snow.\n\n"
        "The mayor joked that all rights reserved to Example Media Group, no "
        "part of this was her idea alone, and thanked the volunteers.\n\n"
        "Organisers plan to add a second weekend next year to ease the "
        "crowding at the gates.  " GLUE_FOOT "\n";
    static const char t1[] =
        GLUE_HEAD " Stall holders reported brisk trade in hot cider, roasted "
        "chestnuts and knitted scarves.\n";
    static const char t3_clean[] =
        "The harvest festival drew record crowds this weekend despite the "
        "cold and the early snow.\n\n"
        "The mayor joked that all rights reserved to Example Media Group, no "
        "part of this was her idea alone, and thanked the volunteers.\n\n"
        "Organisers plan to add a second weekend next year to ease the "
        "crowding at the gates.\n";
    char dir[1024], path[1200], body[1024], id[32];
    json_object *cl, *head, *foot, *m, *st, *recs;
    char *text;
    size_t len;
    FILE *jl;
    int i;

    (void)state;
    snprintf(dir, sizeof dir, "%s/glue", tmpdir);
    assert_int_equal(run("mkdir -p %s/site %s/other", dir, dir), 0);
    /* The same articles as JSONL, where only the text value changes. */
    snprintf(path, sizeof path, "%s/glue.jsonl", tmpdir);
    jl = fopen(path, "w");
    assert_non_null(jl);
    for (i = 10; i < 65; i++) {
        /* A number in every 5-gram keeps the bodies apart. */
        snprintf(body, sizeof body,
                 GLUE_HEAD "\n\nCrew %d counted %d boxes near %d docks and %d "
                 "cranes at %d berths.\n\nCrew %d then moved %d crates past "
                 "%d gates to %d trucks on %d roads.\n\n" GLUE_FOOT "\n",
                 i, i * 7 + 1, i * 13 + 2, i * 17 + 3, i * 19 + 4, i,
                 i * 23 + 5, i * 29 + 6, i * 31 + 7, i * 37 + 8);
        snprintf(path, sizeof path, "%s/site/s%d.txt", dir, i);
        spit(path, body, strlen(body));
        snprintf(id, sizeof id, "s%d", i);
        write_record(jl, id, "site", "2020-01-01", body);
    }
    snprintf(path, sizeof path, "%s/site/t1.txt", dir);
    spit(path, t1, strlen(t1));
    write_record(jl, "t1", "site", "2020-01-01", t1);
    snprintf(body, sizeof body, "Researchers unveiled a cheaper battery "
             "design that could halve the price of home storage.\n\nThe "
             "team expects the first units to reach shops within two "
             "years. " GLUE_FOOT "\n");
    snprintf(path, sizeof path, "%s/site/t2.txt", dir);
    spit(path, body, strlen(body));
    write_record(jl, "t2", "site", "2020-01-01", body);
    snprintf(path, sizeof path, "%s/site/t3.txt", dir);
    spit(path, t3, strlen(t3));
    write_record(jl, "t3", "site", "2020-01-01", t3);
    snprintf(body, sizeof body, "Farmers in the valley are counting the cost "
             "of a wet autumn that ruined much of the late crop.\n\n"
             "Organisers plan to add a second weekend next year to ease the "
             "crowding at the gates.\n");
    snprintf(path, sizeof path, "%s/other/b1.txt", dir);
    spit(path, body, strlen(body));
    write_record(jl, "b1", "other", "2020-01-01", body);
    fclose(jl);

    assert_int_equal(run("%s scan %s -o %s/glue-out -q --threads 1", ND_CLI,
                         dir, tmpdir),
                     0);
    snprintf(path, sizeof path, "%s/glue-out/clean/glue/site/t3.txt", tmpdir);
    text = slurp(path, &len);
    assert_non_null(text);
    assert_int_equal(len, strlen(t3_clean));
    assert_memory_equal(text, t3_clean, len);
    free(text);
    snprintf(path, sizeof path, "%s/glue-out/clean/glue/site/t1.txt", tmpdir);
    text = slurp(path, &len);
    assert_non_null(text);
    assert_string_equal(text, t1 + strlen(GLUE_HEAD) + 1);
    free(text);
    snprintf(path, sizeof path, "%s/glue-out/clean/glue/site/t2.txt", tmpdir);
    text = slurp(path, &len);
    assert_non_null(text);
    assert_string_equal(text, "Researchers unveiled a cheaper battery design "
                        "that could halve the price of home storage.\n\n"
                        "The team expects the first units to reach shops "
                        "within two years.\n");
    free(text);
    /* The first standalone copies are the kept ones, the others go. */
    snprintf(path, sizeof path, "%s/glue-out/clean/glue/site/s10.txt",
             tmpdir);
    assert_int_equal(count_in(path, "Subscribe"), 1);
    assert_int_equal(count_in(path, "All rights"), 1);
    snprintf(path, sizeof path, "%s/glue-out/clean/glue/site/s11.txt",
             tmpdir);
    assert_int_equal(count_in(path, "Subscribe"), 0);
    assert_int_equal(count_in(path, "All rights"), 0);

    cl = load_clusters(path_in(tmpdir, "glue-out"));
    head = cluster_of_canon(cl, "site/s10.txt", 0);
    foot = cluster_of_canon(cl, "site/s10.txt", 3);
    assert_non_null(head);
    assert_non_null(foot);
    assert_string_equal(str_of(head, "kind"), "boilerplate");
    assert_string_equal(str_of(foot, "kind"), "boilerplate");
    /* 55 standalone copies (the canonical among them) and two parts. */
    assert_int_equal(int_of(head, "size"), 57);
    assert_int_equal(int_of(head, "articles"), 57);
    assert_int_equal(int_of(foot, "size"), 57);
    assert_non_null(part_member(head, "site/t1.txt", 0));
    assert_non_null(part_member(foot, "site/t2.txt", 1));
    m = part_member(head, "site/t3.txt", 0);
    assert_true(dbl_of(m, "jaccard") >= 0.9999);
    assert_non_null(m);
    assert_int_equal(int_of(m, "start"), 0);
    assert_int_equal(int_of(m, "end"), (int64_t)strlen(GLUE_HEAD) + 1);
    assert_true(dbl_of(m, "containment") >= 0.9999);
    m = part_member(foot, "site/t3.txt", 2);
    assert_non_null(m);
    assert_int_equal(int_of(m, "end"), (int64_t)strlen(t3) - 1);
    assert_int_equal(int_of(m, "start"),
                     (int64_t)(strlen(t3) - 1 - strlen(GLUE_FOOT) - 2));
    /* The quoting paragraph is no part of anything. */
    assert_null(part_member(foot, "site/t3.txt", 1));
    /* t3's last paragraph is the canonical of b1's copy, which stays
     * removed: its text is in what t3 keeps. */
    assert_non_null(cluster_of_canon(cl, "site/t3.txt", 2));
    snprintf(path, sizeof path, "%s/glue-out/clean/glue/other/b1.txt",
             tmpdir);
    assert_int_equal(count_in(path, "Organisers plan"), 0);
    json_object_put(cl);

    st = json_object_from_file(path_in(tmpdir, "glue-out/stats.json"));
    assert_non_null(st);
    assert_int_equal(int_of(st, "parts_removed"), 4);
    assert_int_equal(int_of(st, "part_bytes_removed"),
                     (int64_t)(strlen(t3) - strlen(t3_clean)) +
                         (int64_t)(strlen(GLUE_HEAD) + 1) +
                         (int64_t)(strlen(GLUE_FOOT) + 1));
    json_object_put(st);

    /* The same with two threads (the writer thread), byte for byte. */
    assert_int_equal(run("%s scan %s -o %s/glue-out2 -q --threads 2", ND_CLI,
                         dir, tmpdir),
                     0);
    assert_int_equal(run("diff -r %s/glue-out %s/glue-out2 >/dev/null",
                         tmpdir, tmpdir),
                     0);
    /* Kept furniture keeps its glued copies too. */
    assert_int_equal(run("%s scan %s -o %s/glue-kb -q --keep-boilerplate",
                         ND_CLI, dir, tmpdir),
                     0);
    snprintf(path, sizeof path, "%s/glue-kb/clean/glue/site/t3.txt", tmpdir);
    assert_int_equal(count_in(path, GLUE_FOOT), 1);
    /* Dropping all of it cuts the glued copies as well as the canonical. */
    assert_int_equal(run("%s scan %s -o %s/glue-da -q --drop-boilerplate-all",
                         ND_CLI, dir, tmpdir),
                     0);
    snprintf(path, sizeof path, "%s/glue-da/clean/glue/site/t3.txt", tmpdir);
    text = slurp(path, &len);
    assert_non_null(text);
    assert_string_equal(text, t3_clean);
    free(text);
    snprintf(path, sizeof path, "%s/glue-da/clean/glue/site/s10.txt",
             tmpdir);
    assert_int_equal(count_in(path, "All rights"), 0);

    /* JSONL: t3's record gets the same text, its part members the same
     * spans. */
    assert_int_equal(run("%s scan %s/glue.jsonl -o %s/glue-jl -q", ND_CLI,
                         tmpdir, tmpdir),
                     0);
    recs = load_jsonl(path_in(tmpdir, "glue-jl/clean/glue.jsonl"));
    assert_int_equal(json_object_array_length(recs), 59);
    m = json_object_array_get_idx(recs, 57);
    assert_string_equal(str_of(m, "id"), "t3");
    assert_string_equal(str_of(m, "text"), t3_clean);
    json_object_put(recs);
    cl = load_clusters(path_in(tmpdir, "glue-jl"));
    foot = cluster_of_canon(cl, "s10", 3);
    assert_non_null(foot);
    m = part_member(foot, "t3", 2);
    assert_non_null(m);
    assert_int_equal(int_of(m, "end"), (int64_t)strlen(t3) - 1);
    assert_non_null(part_member(cluster_of_canon(cl, "s10", 0), "t3", 0));
    json_object_put(cl);
}

#define P1 "Iraqi forces on Thursday recaptured several military bases and " \
           "villages from the Islamic State group as they launched a push "  \
           "into the last stretch of the Euphrates valley."
#define P2 "The offensive against the town of Qaim began before dawn, with "  \
           "troops and allied paramilitary units advancing on four fronts, "  \
           "a military commander told reporters in Baghdad."
#define P3 "Residents said they had fled towards the Syrian border as the "   \
           "fighting drew closer, taking only what they could carry."
#define FOOT "Copyright Daily Site 2017. All rights reserved."

/* Sources and dates decide the canonical; a site's footer across three of
 * its articles is boilerplate; the later copy of the wire story is
 * flagged as syndicated and points to the wire. */
static void test_cli__jsonl_sources_dates_policies(void **state)
{
    json_object *cl, *arts, *a, *c;
    char *err;
    FILE *f;

    (void)state;
    f = fopen(path_in(tmpdir, "src.jsonl"), "wb");
    assert_non_null(f);
    write_record(f, "site-1", "DailySite", "Fri, 27 Oct 2017 10:00:00 +0000",
                 P1 "\n\n" P2 "\n\n" P3 "\n\n" FOOT);
    write_record(f, "wire-1", "Wire", "2017-10-27T08:00:00Z",
                 P1 "\n\n" P2 "\n\n" P3);
    write_record(f, "site-2", "DailySite", "2017-10-28",
                 "Markets in the region were calm on Friday as traders "
                 "waited for the central bank to announce its decision on "
                 "interest rates.\n\n" FOOT);
    write_record(f, "site-3", "DailySite", "not a date at all",
                 "The football season opened with a surprise win for the "
                 "visitors, who scored twice in the final ten minutes of "
                 "the match.\n\n" FOOT);
    /* A second copy of the wire, found after the first copy: it must
     * point to the wire, not only to the copy read first. */
    write_record(f, "mirror-1", "Mirror", "2017-10-27T09:00:00Z",
                 P1 "\n\n" P2 "\n\n" P3);
    fclose(f);
    f = fopen(path_in(tmpdir, "prio.txt"), "wb");
    assert_non_null(f);
    fputs("# preferred sources\n  DailySite \n\nWire\n", f);
    fclose(f);

    assert_int_equal(run("%s scan %s/src.jsonl -o %s/src 2>%s/src.err "
                         ">/dev/null",
                         ND_CLI, tmpdir, tmpdir, tmpdir),
                     0);
    err = slurp(path_in(tmpdir, "src.err"), NULL);
    assert_non_null(strstr(err, "src.jsonl:4:"));
    assert_non_null(strstr(err, "not a date at all"));
    free(err);

    cl = load_clusters(path_in(tmpdir, "src"));
    c = NULL;
    for (size_t i = 0; i < json_object_array_length(cl); i++) {
        json_object *x = json_object_array_get_idx(cl, i);
        const char *t = str_of(canonical_of(x), "text");

        if (strncmp(t, "Iraqi forces on Thursday", 24) == 0) {
            /* The wire is earlier by date, though later in the input. */
            assert_string_equal(str_of(canonical_of(x), "doc"), "wire-1");
            assert_string_equal(str_of(x, "kind"), "shared");
            c = x;
        } else if (strcmp(t, FOOT) == 0) {
            assert_string_equal(str_of(x, "kind"), "boilerplate");
            assert_int_equal(int_of(x, "articles"), 3);
        }
    }
    assert_non_null(c);
    json_object_put(cl);

    arts = load_jsonl(path_in(tmpdir, "src/articles.jsonl"));
    a = article(arts, "site-1");
    assert_non_null(a);
    assert_string_equal(str_of(a, "source"), "DailySite");
    assert_true(share_in(a, "wire-1") > 0.9);
    assert_true(json_object_get_boolean(
        json_object_object_get(a, "syndicated")));
    a = article(arts, "mirror-1");
    assert_non_null(a);
    assert_true(share_in(a, "wire-1") > 0.9);
    assert_true(json_object_get_boolean(
        json_object_object_get(a, "syndicated")));
    a = article(arts, "wire-1");
    assert_non_null(a);
    assert_false(json_object_get_boolean(
        json_object_object_get(a, "syndicated")));
    /* Sharing only a footer is no copying. */
    assert_null(article(arts, "site-2"));
    json_object_put(arts);

    /* --keep first: input order; --source-priority: the site wins. */
    assert_int_equal(run("%s scan %s/src.jsonl -o %s/src2 -q --keep first "
                         "2>/dev/null",
                         ND_CLI, tmpdir, tmpdir),
                     0);
    assert_int_equal(run("grep -q '\"canonical\":{\"doc\":\"site-1\",\"para\":0' "
                         "%s/src2/clusters.jsonl",
                         tmpdir),
                     0);
    assert_int_equal(run("%s scan %s/src.jsonl -o %s/src3 -q "
                         "--source-priority %s/prio.txt 2>/dev/null",
                         ND_CLI, tmpdir, tmpdir, tmpdir),
                     0);
    assert_int_equal(run("grep -q '\"canonical\":{\"doc\":\"site-1\",\"para\":0' "
                         "%s/src3/clusters.jsonl",
                         tmpdir),
                     0);
    assert_int_equal(run("%s scan %s/src.jsonl -o %s/src4 -q --keep newest "
                         "2>/dev/null",
                         ND_CLI, tmpdir, tmpdir),
                     2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cli__corpus_real_duplicates),
        cmocka_unit_test(test_cli__corpus_articles),
        cmocka_unit_test(test_cli__corpus_boilerplate_modes),
        cmocka_unit_test(test_cli__glued_boilerplate),
        cmocka_unit_test(test_cli__jsonl_sources_dates_policies),
        cmocka_unit_test(test_cli__corpus_spans_match_source),
        cmocka_unit_test(test_cli__corpus_nothing_lost),
        cmocka_unit_test(test_cli__deterministic_across_runs_and_threads),
        cmocka_unit_test(test_cli__deterministic_generated),
        cmocka_unit_test(test_cli__jsonl_with_bad_lines),
        cmocka_unit_test(test_cli__warnings_beyond_the_printed),
        cmocka_unit_test(test_cli__jsonl_untouched_lines_verbatim),
        cmocka_unit_test(test_cli__jsonl_removal_keeps_other_bytes),
        cmocka_unit_test(test_cli__text_article_removed_whole),
        cmocka_unit_test(test_cli__strict_fails_and_keeps_previous_output),
        cmocka_unit_test(test_cli__write_failure_keeps_previous_output),
        cmocka_unit_test(test_cli__gzip_truncated_and_stdin),
        cmocka_unit_test(test_cli__named_pipe_input),
        cmocka_unit_test(test_cli__several_inputs),
        cmocka_unit_test(test_cli__bad_files_in_a_directory),
        cmocka_unit_test(test_cli__binary_input_skipped),
        cmocka_unit_test(test_cli__usage_and_fatal_errors),
        cmocka_unit_test(test_cli__whole_number_ranges),
        cmocka_unit_test(test_cli__option_errors_name_the_option),
        cmocka_unit_test(test_cli__option_values_attached),
        cmocka_unit_test(test_cli__thresholds_of_one),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
