/*
 * test_report.c - JSON strings, the value spans of the JSONL splice, and
 * the cleaned text of an article, and where glued boilerplate lies in a
 * paragraph (nd_report_locate).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "normalize.h"
#include "report.h"
#include "shingle.h"

static void expect_json(const char *in, size_t len, const char *want)
{
    nd_buf b = {0};

    assert_int_equal(nd_report_json_string(&b, in, len), 0);
    assert_string_equal(b.data, want);
    nd_buf_free(&b);
}

static void test_report__json_escapes(void **state)
{
    (void)state;
    expect_json("plain", 5, "\"plain\"");
    expect_json("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    expect_json("l1\nl2\tx\r", 8, "\"l1\\nl2\\tx\\r\"");
    expect_json("nul\0x", 5, "\"nul\\u0000x\"");
    expect_json("\x01", 1, "\"\\u0001\"");
    expect_json("", 0, "\"\"");
}

static void test_report__json_keeps_utf8_replaces_invalid(void **state)
{
    (void)state;
    /* Valid multi-byte sequences pass through. */
    expect_json("caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d \xf0\x9f\x98\x80", 18,
                "\"caf\xc3\xa9 \xe2\x80\x9cq\xe2\x80\x9d \xf0\x9f\x98\x80\"");
    /* A Latin-1 byte, a lone continuation byte, a truncated sequence at the
     * end, an overlong '/', and a surrogate each become U+FFFD. */
    expect_json("caf\xe9", 4, "\"caf\\ufffd\"");
    expect_json("\x80x", 2, "\"\\ufffdx\"");
    expect_json("a\xe2\x80", 3, "\"a\\ufffd\\ufffd\"");
    expect_json("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");
    expect_json("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");
}

/* The span of key's value in line, or "" when the splice declines. */
static void expect_span(const char *line, const char *key, const char *want)
{
    size_t vs = 0, ve = 0;
    int got = nd_report_json_value(line, strlen(line), key, &vs, &ve);

    if (!*want) {
        assert_int_equal(got, 0);
        return;
    }
    assert_int_equal(got, 1);
    assert_int_equal(ve - vs, strlen(want));
    assert_memory_equal(line + vs, want, ve - vs);
}

static void test_report__json_value(void **state)
{
    (void)state;
    expect_span("{\"text\":\"a\"}", "text", "\"a\"");
    expect_span(" { \"id\" : 7 , \"text\"\t:\t\"a \\\" } b\" } ", "text",
                 "\"a \\\" } b\"");
    /* Nested objects, arrays, strings with brackets, keys inside values. */
    expect_span("{\"m\":{\"text\":\"no\",\"l\":[1,\"]\",{\"x\":[]}]},"
                 "\"text\":\"yes\"}", "text", "\"yes\"");
    /* Values of other types; the last before the closing brace. */
    expect_span("{\"text\":12.50e3}", "text", "12.50e3");
    expect_span("{\"text\":null,\"b\":true}", "text", "null");
    expect_span("{\"a\":[1,2],\"text\":{\"k\":[\"}\"]}}", "text",
                 "{\"k\":[\"}\"]}");
    expect_span("{\"texts\":1,\"tex\":2,\"text\":3}", "text", "3");
    /* Declined: missing, twice, an escaped key, json-c's extensions,
     * not an object. */
    expect_span("{\"id\":1}", "text", "");
    expect_span("{\"text\":\"a\",\"text\":\"b\"}", "text", "");
    expect_span("{\"te\\u0078t\":\"a\"}", "text", "");
    expect_span("{\"a\":1 /* c */,\"text\":\"a\"}", "text", "");
    expect_span("{\"a\":'x',\"text\":\"a\"}", "text", "");
    expect_span("[{\"text\":\"a\"}]", "text", "");
    expect_span("{}", "text", "");
}

/* Builds paragraph records for text with the given spans; removed[i] makes
 * paragraph i point elsewhere. */
static void clean(const char *text, const size_t (*spans)[2], size_t n,
                  const int *removed, const char *want)
{
    nd_para p[8];
    nd_buf b = {0};
    size_t i;
    const uint32_t first = 10;

    for (i = 0; i < n; i++) {
        memset(&p[i], 0, sizeof p[i]);
        p[i].start = spans[i][0];
        p[i].end = spans[i][1];
        p[i].canon = removed[i] ? 0 : (uint32_t)(first + i);
        p[i].removed = (uint8_t)removed[i];
    }
    assert_int_equal(nd_report_clean_text(&b, text, strlen(text), p, n,
                                          first),
                     0);
    assert_int_equal(b.len, strlen(want));
    assert_memory_equal(b.data, want, b.len);
    nd_buf_free(&b);
}

static void test_report__clean_text(void **state)
{
    const char *t = "  A.\n\nB.\nC.\n\n";
    const size_t s[3][2] = {{2, 4}, {6, 8}, {9, 11}};
    const int none[3] = {0, 0, 0}, mid[3] = {0, 1, 0}, first[3] = {1, 0, 0},
              last[3] = {0, 0, 1}, all[3] = {1, 1, 1};

    (void)state;
    clean(t, s, 3, none, t);
    /* The separator that followed the previous kept paragraph stays. */
    clean(t, s, 3, mid, "  A.\n\nC.\n\n");
    clean(t, s, 3, first, "  B.\nC.\n\n");
    clean(t, s, 3, last, "  A.\n\nB.\n\n");
    clean(t, s, 3, all, "  \n\n");
    clean("", s, 0, none, "");
}

/* ---- glued parts -------------------------------------------------------- */

#define LOC_SEED 42
#define LOC_FOOT "All rights reserved to Example Media Group, no part of " \
                 "this page may be copied."

/* The sorted shingle set of text, as the scan keeps it. */
static size_t loc_set(uint32_t *out, const char *text)
{
    nd_buf norm = {0};
    nd_u64vec seq = {0};
    size_t words, i, n;

    assert_int_equal(nd_normalize(&norm, &words, text, strlen(text)), 0);
    assert_int_equal(nd_shingle(&seq, norm.data, norm.len, 5, LOC_SEED), 0);
    for (i = 0; i < seq.n; i++)
        out[i] = nd_fold32(seq.v[i]);
    n = nd_u32_sort_unique(out, seq.n);
    nd_buf_free(&norm);
    nd_u64vec_free(&seq);
    return n;
}

/* Locates F = fsrc's shingles in para; *pre and *suf as the call gives. */
static void loc_run(nd_part_loc *pre, nd_part_loc *suf, const char *para,
                    const char *fsrc)
{
    static const nd_part_rule rule = {5, LOC_SEED, 0.9, 4};
    nd_locate_scratch sc = {0};
    uint32_t set[256];
    size_t n = loc_set(set, fsrc);

    assert_int_equal(nd_report_locate(pre, suf, &sc, para, strlen(para),
                                      set, n, &rule),
                     0);
    nd_locate_scratch_free(&sc);
}

static void test_report__locate_suffix_and_prefix(void **state)
{
    static const char foot[] = "The river fell by Friday, officials said.  "
                               LOC_FOOT;
    static const char head[] = LOC_FOOT "\n\"Quoted text\" opens the story "
                               "of the flood that reached the town.";
    nd_part_loc pre, suf;

    (void)state;
    loc_run(&pre, &suf, foot, LOC_FOOT);
    assert_false(pre.found);
    assert_true(suf.found);
    /* The full stop stays with the rest; both spaces go with the part. */
    assert_int_equal(suf.start, strlen("The river fell by Friday, officials "
                                       "said."));
    assert_int_equal(suf.end, strlen(foot));
    assert_int_equal(suf.words, 15);
    assert_true(suf.contain == 1.0);
    assert_true(suf.jaccard == 1.0);

    loc_run(&pre, &suf, head, LOC_FOOT);
    assert_true(pre.found);
    assert_false(suf.found);
    /* The part's own full stop goes with it, the rest's quote stays. */
    assert_int_equal(pre.start, 0);
    assert_int_equal(pre.end, strlen(LOC_FOOT "\n"));

    /* A near copy of the footer (a word more: 11 of its 12 shingles in
     * F) is still held. */
    loc_run(&pre, &suf, "The river fell by Friday, officials said. All "
            "rights reserved to Example Media Group, no part of this page "
            "may be copied today.", LOC_FOOT);
    assert_true(suf.found);
    assert_int_equal(suf.words, 16);
    assert_true(suf.contain > 0.91 && suf.contain < 0.92);
}

static void test_report__locate_leaves_text_alone(void **state)
{
    nd_part_loc pre, suf;

    (void)state;
    /* A quote of the footer in the middle is not cut. */
    loc_run(&pre, &suf, "The mayor said all rights reserved to Example Media "
            "Group, no part of this page was hers, and left.", LOC_FOOT);
    assert_false(pre.found);
    assert_false(suf.found);
    /* A quote opening the paragraph is cut only when it is long enough
     * to count as held (min_contain shingles), as a paragraph of those
     * words alone would be removed as contained in F: 7 words (3
     * shingles) stay, 10 words (6 shingles) go, and only those. */
    loc_run(&pre, &suf, "All rights reserved to Example Media Group, the "
            "mayor said of the new bridge and its name.", LOC_FOOT);
    assert_false(pre.found);
    loc_run(&pre, &suf, "All rights reserved to Example Media Group, no "
            "part of it is ours, the mayor said of the new bridge.",
            LOC_FOOT);
    assert_true(pre.found);
    assert_int_equal(pre.words, 10);
    assert_int_equal(pre.end, strlen("All rights reserved to Example Media "
                                     "Group, no part of "));
    /* A paragraph that is all footer is no part of itself. */
    loc_run(&pre, &suf, LOC_FOOT, LOC_FOOT);
    assert_false(pre.found);
    assert_false(suf.found);
    /* Too short a part: 3 shingles, below min_contain (4). */
    loc_run(&pre, &suf, "Text of the story goes here at length. Share this "
            "on Facebook and Twitter", "Share this on Facebook and Twitter");
    assert_false(suf.found);
    /* Too short a paragraph, and an empty F. */
    loc_run(&pre, &suf, "Four words only here", LOC_FOOT);
    assert_false(pre.found);
    assert_false(suf.found);
    loc_run(&pre, &suf, "The river fell. " LOC_FOOT, "");
    assert_false(suf.found);
}

/* Cut paragraphs keep the separators of the whole ones. */
static void test_report__clean_cut(void **state)
{
    static const char text[] = "Head. A b c\n\nd e f. Foot\n";
    nd_para p[2];
    uint32_t keep[4] = {6, 11, 13, 19};
    nd_buf b = {0};

    (void)state;
    memset(p, 0, sizeof p);
    p[0].start = 0, p[0].end = 11;
    p[1].start = 13, p[1].end = 24;
    assert_int_equal(nd_report_clean_cut(&b, text, strlen(text), p, 2, keep),
                     0);
    assert_int_equal(b.len, strlen("A b c\n\nd e f.\n"));
    assert_memory_equal(b.data, "A b c\n\nd e f.\n", b.len);
    p[0].removed = 1;
    assert_int_equal(nd_report_clean_cut(&b, text, strlen(text), p, 2, keep),
                     0);
    assert_int_equal(b.len, strlen("d e f.\n"));
    assert_memory_equal(b.data, "d e f.\n", b.len);
    nd_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report__json_escapes),
        cmocka_unit_test(test_report__json_keeps_utf8_replaces_invalid),
        cmocka_unit_test(test_report__clean_text),
        cmocka_unit_test(test_report__json_value),
        cmocka_unit_test(test_report__locate_suffix_and_prefix),
        cmocka_unit_test(test_report__locate_leaves_text_alone),
        cmocka_unit_test(test_report__clean_cut),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
