/*
 * test_shingle.c - word n-gram hashes: known answers against XXH3 of the
 * expected bytes, counts, short and empty texts, order and repeats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hash.h"
#include "shingle.h"
#include "util.h"

#define SEED 0x6e65617264757030ULL /* the default of ND_OPTIONS_INIT */

static uint64_t h(const char *s, uint64_t seed)
{
    return XXH3_64bits_withSeed(s, strlen(s), seed);
}

static void test_shingle__known_answers(void **state)
{
    static const char text[] = "the quick brown fox jumps over the lazy dog";
    static const char *const want[] = {
        "the quick brown fox jumps", "quick brown fox jumps over",
        "brown fox jumps over the", "fox jumps over the lazy",
        "jumps over the lazy dog"};
    nd_u64vec v = {0};
    size_t i;

    (void)state;
    assert_int_equal(nd_shingle(&v, text, sizeof text - 1, 5, SEED), 0);
    assert_int_equal(v.n, 5);
    for (i = 0; i < 5; i++)
        assert_true(v.v[i] == h(want[i], SEED));
    nd_u64vec_free(&v);
}

/*
 * Fixed vectors (XXH3 output is frozen since xxHash 0.8.0), so a change of
 * hash function, seed handling or byte range is noticed.
 */
static void test_shingle__fixed_vector(void **state)
{
    static const char text[] = "the quick brown fox jumps over";
    nd_u64vec v = {0};

    (void)state;
    assert_int_equal(nd_shingle(&v, "a b", 3, 5, 0), 0);
    assert_int_equal(v.n, 1);
    assert_true(v.v[0] == 0x8044f8a624582c4cULL);
    assert_int_equal(nd_shingle(&v, text, sizeof text - 1, 5, SEED), 0);
    assert_int_equal(v.n, 2);
    assert_true(v.v[0] == 0xcee60ced9e86196cULL);
    nd_u64vec_free(&v);
}

/* w >= n words give w - n + 1 shingles. */
static void test_shingle__count(void **state)
{
    nd_buf text = {0};
    nd_u64vec v = {0};
    unsigned w, n;

    (void)state;
    for (w = 1; w <= 40; w++) {
        char word[16];
        int len = snprintf(word, sizeof word, "%sw%u", w > 1 ? " " : "", w);

        assert_int_equal(nd_buf_append(&text, word, (size_t)len), 0);
        for (n = 1; n <= 16; n++) {
            assert_int_equal(nd_shingle(&v, text.data, text.len, n, SEED), 0);
            assert_int_equal(v.n, w >= n ? w - n + 1 : 1);
            if (w < n)
                assert_true(v.v[0] ==
                            XXH3_64bits_withSeed(text.data, text.len, SEED));
        }
    }
    nd_buf_free(&text);
    nd_u64vec_free(&v);
}

/* Fewer than n words: one shingle, the whole text. */
static void test_shingle__short_text(void **state)
{
    nd_u64vec v = {0};

    (void)state;
    assert_int_equal(nd_shingle(&v, "leave a reply", 13, 5, SEED), 0);
    assert_int_equal(v.n, 1);
    assert_true(v.v[0] == h("leave a reply", SEED));
    assert_int_equal(nd_shingle(&v, "x", 1, 5, SEED), 0);
    assert_int_equal(v.n, 1);
    assert_true(v.v[0] == h("x", SEED));
    /* Exactly n words: also one shingle of the whole text. */
    assert_int_equal(nd_shingle(&v, "one two three", 13, 3, SEED), 0);
    assert_int_equal(v.n, 1);
    assert_true(v.v[0] == h("one two three", SEED));
    nd_u64vec_free(&v);
}

/* An empty text has no shingles, and a call replaces earlier contents. */
static void test_shingle__empty(void **state)
{
    nd_u64vec v = {0};

    (void)state;
    assert_int_equal(nd_shingle(&v, "", 0, 5, SEED), 0);
    assert_int_equal(v.n, 0);
    assert_int_equal(nd_shingle(&v, "a b c", 5, 1, SEED), 0);
    assert_int_equal(v.n, 3);
    assert_int_equal(nd_shingle(&v, "", 0, 5, SEED), 0);
    assert_int_equal(v.n, 0);
    nd_u64vec_free(&v);
}

/* Text order is kept and repeated shingles stay. */
static void test_shingle__order_and_repeats(void **state)
{
    nd_u64vec v = {0};
    uint64_t ab = h("ab cd", SEED), ba = h("cd ab", SEED);

    (void)state;
    assert_int_equal(nd_shingle(&v, "ab cd ab cd ab cd", 17, 2, SEED), 0);
    assert_int_equal(v.n, 5);
    assert_true(v.v[0] == ab);
    assert_true(v.v[1] == ba);
    assert_true(v.v[2] == ab);
    assert_true(v.v[3] == ba);
    assert_true(v.v[4] == ab);
    assert_true(ab != ba);
    nd_u64vec_free(&v);
}

/* Single words with n = 1, multi-byte words, and the seed matters. */
static void test_shingle__unigrams_and_seed(void **state)
{
    static const char text[] = "stra\xC3\x9F" "e \xEF\xBF\xBD 2017";
    nd_u64vec v = {0}, w = {0};

    (void)state;
    assert_int_equal(nd_shingle(&v, text, sizeof text - 1, 1, SEED), 0);
    assert_int_equal(v.n, 3);
    assert_true(v.v[0] == h("stra\xC3\x9F" "e", SEED));
    assert_true(v.v[1] == h("\xEF\xBF\xBD", SEED));
    assert_true(v.v[2] == h("2017", SEED));
    assert_int_equal(nd_shingle(&w, text, sizeof text - 1, 1, SEED + 1), 0);
    assert_int_equal(w.n, 3);
    assert_true(v.v[0] != w.v[0]);
    assert_true(w.v[0] == h("stra\xC3\x9F" "e", SEED + 1));
    nd_u64vec_free(&v);
    nd_u64vec_free(&w);
}

/* Words of 1 to 20 bytes in a seeded mix (one in 16 of up to 70), in
 * texts of every word count up to 120, so that spaces fall at every place
 * of the 16-byte chunks the word scan reads and the text ends anywhere in
 * one: each shingle is the XXH3 of exactly its words, found here the
 * plain way. */
static void test_shingle__word_lengths(void **state)
{
    nd_buf text = {0};
    nd_u64vec v = {0};
    size_t starts[120], ends[120], words = 0, i;
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    unsigned n;

    (void)state;
    while (words < 120) {
        size_t len, k;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        len = 1 + (size_t)(x % 20);
        if (x % 16 == 0)
            len = 1 + (size_t)((x >> 8) % 70);
        if (words)
            assert_int_equal(nd_buf_putc(&text, ' '), 0);
        starts[words] = text.len;
        for (k = 0; k < len; k++)
            assert_int_equal(nd_buf_putc(&text, (char)('a' + (k + words) % 26)),
                             0);
        ends[words++] = text.len;
        for (n = 1; n <= 16; n += n < 7 ? 1 : 9) {
            assert_int_equal(nd_shingle(&v, text.data, text.len, n, SEED), 0);
            if (words < n) {
                assert_int_equal(v.n, 1);
                assert_true(v.v[0] == XXH3_64bits_withSeed(text.data,
                                                           text.len, SEED));
                continue;
            }
            assert_int_equal(v.n, words - n + 1);
            for (i = 0; i + n <= words; i++)
                assert_true(v.v[i] ==
                            XXH3_64bits_withSeed(text.data + starts[i],
                                                 ends[i + n - 1] - starts[i],
                                                 SEED));
        }
    }
    nd_buf_free(&text);
    nd_u64vec_free(&v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shingle__known_answers),
        cmocka_unit_test(test_shingle__fixed_vector),
        cmocka_unit_test(test_shingle__count),
        cmocka_unit_test(test_shingle__short_text),
        cmocka_unit_test(test_shingle__empty),
        cmocka_unit_test(test_shingle__order_and_repeats),
        cmocka_unit_test(test_shingle__unigrams_and_seed),
        cmocka_unit_test(test_shingle__word_lengths),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
