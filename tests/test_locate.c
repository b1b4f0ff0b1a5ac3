/*
 * test_locate.c - where glued boilerplate lies in a paragraph
 * (nd_locate_part).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "locate.h"
#include "normalize.h"
#include "shingle.h"
#include "verify.h"

#define LOC_SEED 42
#define LOC_FOOT "All rights reserved to Example Media Group, no part of " \
                 "this page may be copied."

/* The sorted set of n-word shingles of text, as the scan keeps it. */
static size_t loc_set_n(uint32_t *out, const char *text, unsigned ngram)
{
    nd_buf norm = {0};
    nd_u64vec seq = {0};
    size_t words, i, n;

    assert_int_equal(nd_normalize(&norm, &words, text, strlen(text)), 0);
    assert_int_equal(nd_shingle(&seq, norm.data, norm.len, ngram, LOC_SEED), 0);
    for (i = 0; i < seq.n; i++)
        out[i] = nd_fold32(seq.v[i]);
    n = nd_u32_sort_unique(out, seq.n);
    nd_buf_free(&norm);
    nd_u64vec_free(&seq);
    return n;
}

static size_t loc_set(uint32_t *out, const char *text)
{
    return loc_set_n(out, text, 5);
}

/* Locates F = fsrc's shingles in para; *pre and *suf as the call gives. */
static void loc_run(nd_part_loc *pre, nd_part_loc *suf, const char *para,
                    const char *fsrc)
{
    static const nd_part_rule rule = {5, LOC_SEED, 0.9, 4};
    nd_locate_scratch sc = {0};
    uint32_t set[256];
    size_t n = loc_set(set, fsrc);

    assert_int_equal(nd_locate_part(pre, suf, &sc, para, strlen(para),
                                      set, n, &rule),
                     0);
    nd_locate_scratch_free(&sc);
}

static void test_locate__suffix_and_prefix(void **state)
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

static void test_locate__leaves_text_alone(void **state)
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

/* The rule is the scan's (verify.c): a part is held when the share of
 * its shingles in F reaches the containment, so one that a paragraph of
 * those words alone would be removed for is cut. At 0.28 a part of 25
 * distinct shingles, 7 of them F's, is held: 7 / 25 is the double 0.28,
 * though 0.28 * 25 rounds to a hair above 7. */
static void test_locate__containment_as_the_scan(void **state)
{
    static const char fsrc[] = "ant bee cat dog eel fox gnu";
    static const char para[] =
        "one two three four five six seven eight nine ten eleven twelve "
        "thirteen fourteen fifteen sixteen seventeen eighteen "
        "ant bee cat dog eel fox gnu, and the rest";
    static const nd_part_rule rule = {1, LOC_SEED, 0.28, 4};
    static const nd_thresholds th = {1.0, 0.28, 4};
    nd_locate_scratch sc = {0};
    uint32_t fset[16], part[64];
    size_t fn = loc_set_n(fset, fsrc, 1), pn;
    nd_part_loc pre, suf;
    nd_sim sim;

    (void)state;
    /* The scan holds the part's words as contained in F */
    pn = loc_set_n(part, "one two three four five six seven eight nine ten "
                   "eleven twelve thirteen fourteen fifteen sixteen "
                   "seventeen eighteen ant bee cat dog eel fox gnu", 1);
    assert_int_equal(pn, 25);
    nd_verify(&sim, fset, fn, part, pn);
    assert_true(nd_verify_covers(&sim, pn, &th));

    assert_int_equal(nd_locate_part(&pre, &suf, &sc, para, strlen(para),
                                    fset, fn, &rule),
                     0);
    nd_locate_scratch_free(&sc);
    assert_true(pre.found);
    assert_int_equal(pre.words, 25);
    assert_true(pre.contain >= rule.containment);
    assert_true(pre.contain == 7.0 / 25.0);
    assert_int_equal(pre.end, strlen(para) - strlen("and the rest"));
    /* The suffix from "ant" on overlaps it and is shorter */
    assert_false(suf.found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locate__suffix_and_prefix),
        cmocka_unit_test(test_locate__leaves_text_alone),
        cmocka_unit_test(test_locate__containment_as_the_scan),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
