/*
 * test_segment.c - paragraph splitting: the sample corpus (blank-line and
 * one-per-line layouts), hard-wrapped blocks, line ends, trimming, and
 * degenerate texts. Every span is checked to round-trip: its bytes are the
 * paragraph, trimmed, with no line break unless the block was wrapped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "segment.h"
#include "util.h"

#ifndef ND_SOURCE_DIR
#define ND_SOURCE_DIR "."
#endif

/* Reads a corpus file into a malloc'd buffer (not NUL-terminated). */
static char *read_corpus(const char *name, size_t *out_len)
{
    char path[1024];
    FILE *f;
    char *data = NULL;
    long n;

    snprintf(path, sizeof path, "%s/corpus/%s", ND_SOURCE_DIR, name);
    f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n > 0);
    rewind(f);
    data = malloc((size_t)n);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *out_len = (size_t)n;
    return data;
}

static int is_ws_byte(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' ||
           c == '\n';
}

/*
 * Checks the invariants of any segmentation: spans in order, non-empty,
 * not overlapping, trimmed at both ends, and every byte outside the spans
 * is white space (so no text was lost).
 */
static void check_spans(const nd_spanvec *v, const char *text, size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    size_t i, pos = 0;

    for (i = 0; i < v->n; i++) {
        size_t s = v->v[i].start, e = v->v[i].end;

        assert_true(s < e);
        assert_true(e <= len);
        assert_true(s >= pos);
        assert_false(is_ws_byte(t[s]));
        assert_false(is_ws_byte(t[e - 1]));
        assert_false(e - s >= 2 && t[s] == 0xC2 && t[s + 1] == 0xA0);
        assert_false(e - s >= 2 && t[e - 2] == 0xC2 && t[e - 1] == 0xA0);
        for (; pos < s; pos++)
            assert_true(is_ws_byte(t[pos]) ||
                        (t[pos] == 0xC2 && pos + 1 < s &&
                         t[pos + 1] == 0xA0) ||
                        (t[pos] == 0xA0 && pos > 0 && t[pos - 1] == 0xC2));
        pos = e;
    }
    for (; pos < len; pos++)
        assert_true(is_ws_byte(t[pos]) || t[pos] == 0xC2 || t[pos] == 0xA0);
}

/* Whether span i is exactly the string want. */
static void assert_span(const nd_spanvec *v, size_t i, const char *text,
                        const char *want)
{
    size_t n = strlen(want);

    assert_true(i < v->n);
    assert_int_equal(v->v[i].end - v->v[i].start, n);
    assert_memory_equal(text + v->v[i].start, want, n);
}

/* Whether span i contains a line break (only wrapped blocks may). */
static int span_has_break(const nd_spanvec *v, size_t i, const char *text)
{
    size_t k;

    for (k = v->v[i].start; k < v->v[i].end; k++)
        if (text[k] == '\n' || text[k] == '\r')
            return 1;
    return 0;
}

static void check_corpus_file(const char *name, size_t want)
{
    nd_spanvec v = {0};
    size_t len, i;
    char *text = read_corpus(name, &len);

    assert_int_equal(nd_segment(&v, text, len), 0);
    assert_int_equal(v.n, want);
    check_spans(&v, text, len);
    for (i = 0; i < v.n; i++)
        assert_false(span_has_break(&v, i, text));
    nd_spanvec_free(&v);
    free(text);
}

/* Title, one blank line, then one paragraph per line. */
static void test_segment__corpus_000_one_per_line(void **state)
{
    static const char head[] = "Many IS militants reportedly fled Qaim";
    static const char tail[] = "U.S.-Coalition jets.";
    nd_spanvec v = {0};
    size_t len, i, found = 0;
    char *text = read_corpus("000_43971502f8c0b970.txt", &len);

    (void)state;
    assert_int_equal(nd_segment(&v, text, len), 0);
    assert_int_equal(v.n, 20);
    check_spans(&v, text, len);
    assert_span(&v, 0, text,
                "Iraqi troops have launched an offensive to liberate an "
                "Islamic State-held region");
    for (i = 0; i < v.n; i++) {
        const nd_span *sp = &v.v[i];
        size_t n = sp->end - sp->start;

        assert_false(span_has_break(&v, i, text));
        if (n >= sizeof head - 1 &&
            memcmp(text + sp->start, head, sizeof head - 1) == 0) {
            found++;
            assert_true(n >= sizeof tail - 1);
            assert_memory_equal(text + sp->end - (sizeof tail - 1), tail,
                                sizeof tail - 1);
        }
    }
    assert_int_equal(found, 1);
    nd_spanvec_free(&v);
    free(text);
}

/* Blank-line separated (001, 003, 004) and one per line without (002). */
static void test_segment__corpus_others(void **state)
{
    (void)state;
    check_corpus_file("001_e669044f4eebc203.txt", 18);
    check_corpus_file("002_04c10d08328eaf7d.txt", 27);
    check_corpus_file("003_e4b1efb5d7665dd4.txt", 42);
    check_corpus_file("004_768a252fde846fac.txt", 15);
}

/* Prose wrapped at ~70 columns is one paragraph, up to the blank line. */
static void test_segment__hard_wrapped(void **state)
{
    static const char text[] =
        "  The offensive began at dawn on Wednesday, officials said, with\n"
        "troops moving along the river towards the border crossing that\n"
        "militants have held since the summer of 2014, according to a\n"
        "statement.  \n"
        "\n"
        "A second paragraph on one line.\n";
    nd_spanvec v = {0};

    (void)state;
    assert_int_equal(nd_segment(&v, text, sizeof text - 1), 0);
    assert_int_equal(v.n, 2);
    check_spans(&v, text, sizeof text - 1);
    assert_span(&v, 0, text,
                "The offensive began at dawn on Wednesday, officials said, with\n"
                "troops moving along the river towards the border crossing that\n"
                "militants have held since the summer of 2014, according to a\n"
                "statement.");
    assert_span(&v, 1, text, "A second paragraph on one line.");
    nd_spanvec_free(&v);
}

/* One line outside the wrap widths makes every line its own paragraph. */
static void test_segment__not_wrapped(void **state)
{
    static const char text[] =
        "The offensive began at dawn on Wednesday, officials said, with\n"
        "Short line.\n"
        "militants have held since the summer of 2014, according to a\n"
        "statement.";
    nd_spanvec v = {0};

    (void)state;
    assert_int_equal(nd_segment(&v, text, sizeof text - 1), 0);
    assert_int_equal(v.n, 4);
    check_spans(&v, text, sizeof text - 1);
    assert_span(&v, 1, text, "Short line.");
    assert_span(&v, 3, text, "statement.");
    nd_spanvec_free(&v);
}

/* Lines of wrap width that end sentences are one paragraph each: scraped
 * news with short paragraphs, not prose wrapped at a column. */
static void test_segment__sentence_lines_not_wrapped(void **state)
{
    static const char text[] =
        "The quick brown fox jumps over the lazy dog near the river today.\n"
        "\u201cWe will not stop until the town is free,\u201d the commander said.\n"
        "Officials said the operation would continue for several days.";
    nd_spanvec v = {0};

    (void)state;
    assert_int_equal(nd_segment(&v, text, sizeof text - 1), 0);
    assert_int_equal(v.n, 3);
    check_spans(&v, text, sizeof text - 1);
    assert_span(&v, 0, text,
                "The quick brown fox jumps over the lazy dog near the river "
                "today.");
    nd_spanvec_free(&v);
}

/* \r\n and lone \r end lines like \n does, also inside a wrapped block. */
static void test_segment__crlf_and_cr(void **state)
{
    static const char crlf[] = "First para.\r\nSecond para.\r\n\r\n\r\nThird.\r\n";
    static const char cr[] = "One.\rTwo.\r\rThree.";
    static const char wrapped[] =
        "The offensive began at dawn on Wednesday, officials said, with\r\n"
        "troops moving along the river towards the border crossing.\r\n"
        "\r\n"
        "Next.";
    nd_spanvec v = {0};

    (void)state;
    assert_int_equal(nd_segment(&v, crlf, sizeof crlf - 1), 0);
    assert_int_equal(v.n, 3);
    check_spans(&v, crlf, sizeof crlf - 1);
    assert_span(&v, 0, crlf, "First para.");
    assert_span(&v, 1, crlf, "Second para.");
    assert_span(&v, 2, crlf, "Third.");

    assert_int_equal(nd_segment(&v, cr, sizeof cr - 1), 0);
    assert_int_equal(v.n, 3);
    assert_span(&v, 0, cr, "One.");
    assert_span(&v, 1, cr, "Two.");
    assert_span(&v, 2, cr, "Three.");

    assert_int_equal(nd_segment(&v, wrapped, sizeof wrapped - 1), 0);
    assert_int_equal(v.n, 2);
    assert_span(&v, 0, wrapped,
                "The offensive began at dawn on Wednesday, officials said, with\r\n"
                "troops moving along the river towards the border crossing.");
    assert_span(&v, 1, wrapped, "Next.");
    nd_spanvec_free(&v);
}

/* NBSP trims like ASCII white space and makes a line blank. */
static void test_segment__nbsp(void **state)
{
    static const char text[] = "\xC2\xA0 \tHello\xC2\xA0world\xC2\xA0\xC2\xA0\n"
                               " \xC2\xA0 \n"
                               "Bye.\xA0";
    nd_spanvec v = {0};

    (void)state;
    assert_int_equal(nd_segment(&v, text, sizeof text - 1), 0);
    assert_int_equal(v.n, 2);
    assert_span(&v, 0, text, "Hello\xC2\xA0world");
    /* A lone A0 byte is invalid UTF-8, not white space. */
    assert_span(&v, 1, text, "Bye.\xA0");
    nd_spanvec_free(&v);
}

/* NUL bytes and invalid UTF-8 are ordinary bytes. */
static void test_segment__nul_and_invalid(void **state)
{
    static const char text[] = "a\0b\n\0\n\xFF\xC3\n";
    nd_spanvec v = {0};

    (void)state;
    assert_int_equal(nd_segment(&v, text, sizeof text - 1), 0);
    assert_int_equal(v.n, 3);
    assert_int_equal(v.v[0].start, 0);
    assert_int_equal(v.v[0].end, 3);
    assert_int_equal(v.v[1].start, 4);
    assert_int_equal(v.v[1].end, 5);
    assert_int_equal(v.v[2].start, 6);
    assert_int_equal(v.v[2].end, 8);
    nd_spanvec_free(&v);
}

static void test_segment__whitespace_only(void **state)
{
    static const char text[] = " \t\r\n\xC2\xA0\n\v\f  \r\n\n   ";
    nd_spanvec v = {0};

    (void)state;
    assert_int_equal(nd_segment(&v, text, sizeof text - 1), 0);
    assert_int_equal(v.n, 0);
    nd_spanvec_free(&v);
}

/* An empty text has no paragraphs, and a call replaces earlier contents. */
static void test_segment__empty(void **state)
{
    nd_spanvec v = {0};

    (void)state;
    assert_int_equal(nd_segment(&v, "", 0), 0);
    assert_int_equal(v.n, 0);
    assert_int_equal(nd_segment(&v, "x\ny", 3), 0);
    assert_int_equal(v.n, 2);
    assert_int_equal(nd_segment(&v, "", 0), 0);
    assert_int_equal(v.n, 0);
    nd_spanvec_free(&v);
    nd_spanvec_free(&v); /* freeing twice is harmless */
}

/* A one-line text without a line end, and many paragraphs (growth). */
/* A line break at every place of the 16- and 8-byte words the line scan
 * reads at once, up to the third 16 bytes: each of \n, \r\n and \r, and
 * \n\n between two paragraphs. The lines are short of ND_WRAP_MIN, so
 * no block is taken for wrapped prose. */
static void test_segment__break_anywhere(void **state)
{
    static const char *const breaks[] = {"\n", "\r\n", "\r", "\n\n"};
    nd_spanvec v = {0};
    size_t k, at;

    (void)state;
    for (k = 0; k < sizeof breaks / sizeof *breaks; k++)
        for (at = 1; at < ND_WRAP_MIN; at++) {
            char text[64];
            size_t bl = strlen(breaks[k]), len = at + bl + 3;

            memset(text, 'x', at);
            memcpy(text + at, breaks[k], bl);
            memcpy(text + at + bl, "yyy", 3);
            assert_int_equal(nd_segment(&v, text, len), 0);
            assert_int_equal(v.n, 2);
            assert_int_equal(v.v[0].start, 0);
            assert_int_equal(v.v[0].end, at);
            assert_int_equal(v.v[1].start, at + bl);
            assert_int_equal(v.v[1].end, len);
        }
    nd_spanvec_free(&v);
}

static void test_segment__single_and_many(void **state)
{
    nd_buf b = {0};
    nd_spanvec v = {0};
    size_t i;

    (void)state;
    assert_int_equal(nd_segment(&v, "  only  ", 8), 0);
    assert_int_equal(v.n, 1);
    assert_int_equal(v.v[0].start, 2);
    assert_int_equal(v.v[0].end, 6);

    for (i = 0; i < 1000; i++) {
        char line[32];
        int n = snprintf(line, sizeof line, "p%zu\n\n", i);

        assert_int_equal(nd_buf_append(&b, line, (size_t)n), 0);
    }
    assert_int_equal(nd_segment(&v, b.data, b.len), 0);
    assert_int_equal(v.n, 1000);
    check_spans(&v, b.data, b.len);
    assert_span(&v, 999, b.data, "p999");
    nd_spanvec_free(&v);
    nd_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segment__corpus_000_one_per_line),
        cmocka_unit_test(test_segment__corpus_others),
        cmocka_unit_test(test_segment__hard_wrapped),
        cmocka_unit_test(test_segment__not_wrapped),
        cmocka_unit_test(test_segment__sentence_lines_not_wrapped),
        cmocka_unit_test(test_segment__crlf_and_cr),
        cmocka_unit_test(test_segment__nbsp),
        cmocka_unit_test(test_segment__nul_and_invalid),
        cmocka_unit_test(test_segment__whitespace_only),
        cmocka_unit_test(test_segment__empty),
        cmocka_unit_test(test_segment__single_and_many),
        cmocka_unit_test(test_segment__break_anywhere),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
