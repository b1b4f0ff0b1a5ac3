/*
 * test_scan.c - the public API (neardup.h) used as a library user would:
 * option checks, errors on the handle, a scan of corpus/ with its figures,
 * progress reports, and the order of calls.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "neardup.h"

static void test_scan__options_checked(void **state)
{
    nd_options o = ND_OPTIONS_INIT;
    nd_scan *s = NULL;

    (void)state;
    o.threshold = 1.5;
    assert_int_equal(nd_scan_new(&s, &o), ND_EINVAL);
    assert_non_null(s);
    assert_non_null(strstr(nd_scan_errmsg(s), "threshold"));
    nd_scan_free(s);

    o.threshold = 1.0; /* equal shingle sets only: allowed */
    assert_int_equal(nd_scan_new(&s, &o), 0);
    nd_scan_free(s);

    o.threshold = 0.8;
    o.keep = (nd_keep)7;
    assert_int_equal(nd_scan_new(&s, &o), ND_EINVAL);
    nd_scan_free(s);
    nd_scan_free(NULL);
    assert_int_equal(nd_scan_new(NULL, NULL), ND_EINVAL);
}

static void test_scan__lsh_params(void **state)
{
    unsigned b, r;
    double fp, fn;

    (void)state;
    assert_int_equal(nd_lsh_params(&b, &r, &fp, &fn, 0.8, 128), 0);
    assert_int_equal(b, 14);
    assert_int_equal(r, 9);
    assert_true(fp > 0.0 && fp < 0.2 && fn > 0.0 && fn < 0.05);
    assert_int_equal(nd_lsh_params(&b, &r, NULL, NULL, 1.5, 128), ND_EINVAL);
}

static void test_scan__call_order_and_missing_input(void **state)
{
    nd_scan *s = NULL;

    (void)state;
    assert_int_equal(nd_scan_new(&s, NULL), 0);
    assert_int_equal(nd_scan_run(s), ND_EINVAL); /* no input */
    assert_int_equal(nd_scan_write(s, "/tmp"), ND_EINVAL); /* not run */
    assert_int_equal(nd_scan_add_input(s, ND_SOURCE_DIR "/no/such/dir"),
                     ND_EIO);
    assert_non_null(strstr(nd_scan_errmsg(s), "no/such/dir"));
    nd_scan_free(s);
}

typedef struct seen_progress {
    int calls[3];       /* per pass */
    uint64_t last_read; /* bytes_read of the last pass-1 report */
    uint64_t total;     /* bytes_total reported */
    uint64_t articles;  /* articles of the last pass-2 report */
    int backwards;      /* bytes_read went down within a pass */
    char stages[128];   /* the stages seen, each once, in order */
} seen_progress;

static void on_progress(const nd_progress *p, void *payload)
{
    seen_progress *sp = payload;

    assert_true(p->pass == 1 || p->pass == 2);
    if (p->pass == 1) {
        if (p->bytes_read < sp->last_read)
            sp->backwards = 1;
        sp->last_read = p->bytes_read;
    } else {
        sp->articles = p->articles;
    }
    sp->calls[p->pass]++;
    sp->total = p->bytes_total;
    assert_non_null(p->stage);
    if (!strstr(sp->stages, p->stage)) {
        strcat(sp->stages, " ");
        strcat(sp->stages, p->stage);
    }
}

static void test_scan__corpus(void **state)
{
    nd_options o = ND_OPTIONS_INIT;
    seen_progress sp;
    nd_scan *s = NULL;
    nd_stats st;
    char out[] = "/tmp/neardup-scan-XXXXXX";
    char cmd[128];

    (void)state;
    memset(&sp, 0, sizeof sp);
    o.progress = on_progress;
    o.progress_payload = &sp;
    o.threads = 2;
    assert_non_null(mkdtemp(out));
    assert_int_equal(nd_scan_new(&s, &o), 0);
    assert_int_equal(nd_scan_add_input(s, ND_SOURCE_DIR "/corpus"), 0);
    assert_int_equal(nd_scan_run(s), 0);
    assert_int_equal(nd_scan_add_input(s, ND_SOURCE_DIR "/corpus"),
                     ND_EINVAL); /* too late */
    assert_int_equal(nd_scan_write(s, out), 0);
    assert_int_equal(nd_scan_stats(&st, s), 0);
    assert_int_equal(st.articles, 5);
    assert_int_equal(st.files, 5);
    assert_int_equal(st.files_ignored, 1);
    assert_non_null(nd_scan_ignored(s, 0));
    assert_non_null(strstr(nd_scan_ignored(s, 0), "corpus/README.md"));
    assert_null(nd_scan_ignored(s, 1));
    assert_null(nd_scan_ignored(NULL, 0));
    assert_int_equal(st.paragraphs, 122);
    assert_int_equal(st.clusters, 8);
    assert_int_equal(st.boilerplate_clusters, 1);
    assert_int_equal(st.paragraphs_removed, 8);
    assert_int_equal(st.articles_sharing, 3);
    assert_int_equal(st.bands * st.rows <= 128, 1);
    /* Progress: both passes reported, bytes never went back, and the
     * total covers what was read. */
    assert_true(sp.calls[1] >= 1 && sp.calls[2] >= 1);
    assert_false(sp.backwards);
    assert_true(sp.last_read > 20000 && sp.last_read <= sp.total);
    assert_int_equal(sp.articles, 5);
    assert_string_equal(sp.stages,
                        " reading pairing clustering articles writing");
    nd_scan_free(s);
    snprintf(cmd, sizeof cmd, "rm -rf %s", out);
    assert_int_equal(system(cmd), 0);
}

/*
 * An input that changes between the two passes: pass 2 refuses to write,
 * with one or two threads, also when the change comes after the first
 * batches (1024 records each) have gone to the writer thread, and nothing
 * of the run is left in the output directory.
 */
static void test_scan__input_changed_between_passes(void **state)
{
    enum { RECORDS = 9000 };
    unsigned threads;

    (void)state;
    for (threads = 1; threads <= 2; threads++) {
        nd_options o = ND_OPTIONS_INIT;
        char dir[] = "/tmp/neardup-changed-XXXXXX";
        char in[64], out[64], cmd[128];
        nd_scan *s = NULL;
        FILE *f;
        int i;

        assert_non_null(mkdtemp(dir));
        snprintf(in, sizeof in, "%s/in.jsonl", dir);
        snprintf(out, sizeof out, "%s/out", dir);
        f = fopen(in, "wb");
        assert_non_null(f);
        for (i = 0; i < RECORDS; i++)
            fprintf(f, "{\"id\":\"r%d\",\"text\":\"Record %d says "
                       "something of its own.\"}\n", i, i);
        fclose(f);
        o.threads = threads;
        assert_int_equal(nd_scan_new(&s, &o), 0);
        assert_int_equal(nd_scan_add_input(s, in), 0);
        assert_int_equal(nd_scan_run(s), 0);
        /* The last record now says something else, at the same length. */
        f = fopen(in, "r+b");
        assert_non_null(f);
        assert_int_equal(fseek(f, -10, SEEK_END), 0);
        fputc('X', f);
        fclose(f);
        assert_int_equal(nd_scan_write(s, out), ND_EFORMAT);
        assert_non_null(strstr(nd_scan_errmsg(s), "changed"));
        snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s)\"", out);
        assert_int_equal(system(cmd), 0);
        nd_scan_free(s);
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
    }
}

/* Writes lines to path. */
static void write_lines(const char *path, const char *const *lines, size_t n)
{
    FILE *f = fopen(path, "wb");
    size_t i;

    assert_non_null(f);
    for (i = 0; i < n; i++)
        fprintf(f, "%s\n", lines[i]);
    fclose(f);
}

/*
 * Pass 2 finds the articles by where pass 1 read them and parses other
 * lines only to see that they are still bad: a bad line that became a
 * record, an article's line that became bad, or a text that changed its
 * escapes but not its meaning (the same article: no error).
 */
static void test_scan__lines_changed_between_passes(void **state)
{
    static const char *const before[] = {
        "{\"id\":\"a\",\"text\":\"First article, caf\\u00e9.\"}",
        "{not json",
        "{\"id\":\"b\",\"text\":\"Second article.\"}",
    };
    const char *const bad_good[] = {before[0],
        "{\"id\":\"x\",\"text\":\"Now a record.\"}", before[2]};
    const char *const good_bad[] = {before[0], before[1],
        "{\"id\":\"b\",\"text\":\"Second article.\""};
    const char *const respelt[] = {
        "{\"text\":\"First article, caf\xc3\xa9.\", \"id\":\"a\"}",
        before[1], "{\"id\":\"b\",\"text\":\"Second \\u0061rticle.\"}"};
    const char *const *after[] = {bad_good, good_bad, respelt};
    const int want[] = {ND_EFORMAT, ND_EFORMAT, 0};
    size_t k;

    (void)state;
    for (k = 0; k < 3; k++) {
        nd_options o = ND_OPTIONS_INIT;
        char dir[] = "/tmp/neardup-lines-XXXXXX";
        char in[64], out[64], cmd[128];
        nd_scan *s = NULL;

        assert_non_null(mkdtemp(dir));
        snprintf(in, sizeof in, "%s/in.jsonl", dir);
        snprintf(out, sizeof out, "%s/out", dir);
        write_lines(in, before, 3);
        o.threads = 2;
        assert_int_equal(nd_scan_new(&s, &o), 0);
        assert_int_equal(nd_scan_add_input(s, in), 0);
        assert_int_equal(nd_scan_run(s), 0);
        write_lines(in, after[k], 3);
        assert_int_equal(nd_scan_write(s, out), want[k]);
        if (want[k])
            assert_non_null(strstr(nd_scan_errmsg(s), "changed"));
        nd_scan_free(s);
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        assert_int_equal(system(cmd), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan__options_checked),
        cmocka_unit_test(test_scan__lsh_params),
        cmocka_unit_test(test_scan__call_order_and_missing_input),
        cmocka_unit_test(test_scan__corpus),
        cmocka_unit_test(test_scan__input_changed_between_passes),
        cmocka_unit_test(test_scan__lines_changed_between_passes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
