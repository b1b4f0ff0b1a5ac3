/*
 * test_report.c - the cleaned text of an article, whole paragraphs removed
 * and glued parts cut.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "report.h"

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
        cmocka_unit_test(test_report__clean_text),
        cmocka_unit_test(test_report__clean_cut),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
