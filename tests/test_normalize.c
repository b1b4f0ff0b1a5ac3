/*
 * test_normalize.c - word normalisation: quotes, dashes, case folding,
 * composition, white space, digits, NUL and invalid UTF-8, plus a check
 * against a slow reference built from utf8proc_map word by word.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <utf8proc.h>

#include "normalize.h"
#include "util.h"

#ifndef ND_SOURCE_DIR
#define ND_SOURCE_DIR "."
#endif

#define FFFD "\xEF\xBF\xBD"

/* Normalises text[0..len) and checks the result and word count. */
static void expect_n(const char *text, size_t len, const char *want,
                     size_t want_words)
{
    nd_buf out = {0};
    size_t words = 99;

    assert_int_equal(nd_normalize(&out, &words, text, len), 0);
    assert_non_null(out.data);
    assert_string_equal(out.data, want);
    assert_int_equal(out.len, strlen(want));
    assert_int_equal(words, want_words);
    nd_buf_free(&out);
}

static void expect(const char *text, const char *want, size_t want_words)
{
    expect_n(text, strlen(text), want, want_words);
}

/* nd_normalize_spans: the same output, and each word's bytes in the text,
 * for ASCII, the slow path (a composed mark, a fold that grows), invalid
 * bytes and a word that runs to the end. */
static void expect_spans(const char *text, const char *want,
                         const unsigned *want_spans, size_t want_words)
{
    nd_buf out = {0}, plain = {0};
    nd_u32vec spans = {0};
    size_t words = 99, plain_words = 0, i;

    assert_int_equal(nd_normalize_spans(&out, &words, &spans, text,
                                        strlen(text)), 0);
    assert_int_equal(nd_normalize(&plain, &plain_words, text, strlen(text)),
                     0);
    assert_string_equal(out.data, want);
    assert_string_equal(plain.data, want);
    assert_int_equal(words, want_words);
    assert_int_equal(plain_words, want_words);
    assert_int_equal(spans.n, 2 * want_words);
    for (i = 0; i < 2 * want_words; i++)
        assert_int_equal(spans.v[i], want_spans[i]);
    nd_buf_free(&out);
    nd_buf_free(&plain);
    nd_u32vec_free(&spans);
}

static void test_normalize__spans(void **state)
{
    static const unsigned ascii[] = {0, 5, 8, 13};
    static const unsigned lead[] = {2, 4, 6, 8};
    static const unsigned slow[] = {0, 7, 8, 11};       /* ß folds to ss */
    static const unsigned marks[] = {1, 5, 7, 10};      /* e + U+0301 */
    static const unsigned bad[] = {0, 3, 4, 5};
    static const unsigned quote[] = {3, 9, 13, 15, 16, 20};
    (void)state;
    expect_spans("Hello,  World!", "hello world", ascii, 2);
    expect_spans("  ab, cd", "ab cd", lead, 2);
    expect_spans("Stra\xC3\x9F""e ABC", "strasse abc", slow, 2);
    expect_spans("(e\xCC\x81" "e) abc", "\xC3\xA9" "e abc", marks, 2);
    expect_spans("a\xFF" "b x", "a\xEF\xBF\xBD" "b x", bad, 2);
    expect_spans("\xE2\x80\x9CQuoted\xE2\x80\x9D he said", "quoted he said",
                 quote, 3);
    expect_spans("", "", NULL, 0);
    expect_spans("?!", "", NULL, 0);
}

static void test_normalize__basic(void **state)
{
    (void)state;
    expect("Hello,  World!", "hello world", 2);
    expect("The QUICK brown fox.", "the quick brown fox", 4);
    expect("word", "word", 1);
}

/* Curly and straight quotes both break words. */
static void test_normalize__quotes(void **state)
{
    (void)state;
    expect("group\xE2\x80\x99s", "group s", 2);
    expect("group's", "group s", 2);
    expect("\xE2\x80\x9CQuoted\xE2\x80\x9D he said", "quoted he said", 3);
    expect("\"Quoted\" he said", "quoted he said", 3);
    expect("\xC2\xABguillemets\xC2\xBB", "guillemets", 1);
}

/* Em dash, en dash and hyphen all break words. */
static void test_normalize__dashes(void **state)
{
    (void)state;
    expect("State\xE2\x80\x94held", "state held", 2);
    expect("State\xE2\x80\x93held", "state held", 2);
    expect("State-held", "state held", 2);
    expect("a \xE2\x80\x94 b", "a b", 2);
}

static void test_normalize__casefold_non_ascii(void **state)
{
    (void)state;
    expect("\xC3\x89" "COLE", "\xC3\xA9" "cole", 1);              /* ÉCOLE */
    expect("Stra\xC3\x9F" "e", "strasse", 1);                     /* Straße */
    expect("STRASSE", "strasse", 1);
    expect("\xE1\xBA\x9E", "ss", 1);                              /* ẞ */
    /* Σ, σ and final ς all fold to σ. */
    expect("\xCE\xA3", "\xCF\x83", 1);
    expect("\xCF\x82", "\xCF\x83", 1);
    expect("\xCE\x9F\xCE\x94\xCE\xA5\xCE\xA3\xCE\xA3\xCE\x95\xCE\xA5\xCE\xA3",
           "\xCE\xBF\xCE\xB4\xCF\x85\xCF\x83\xCF\x83\xCE\xB5\xCF\x85\xCF\x83",
           1); /* ΟΔΥΣΣΕΥΣ -> οδυσσευσ */
    expect("\xCE\xBF\xCE\xB4\xCF\x85\xCF\x83\xCF\x83\xCE\xB5\xCF\x85\xCF\x82",
           "\xCE\xBF\xCE\xB4\xCF\x85\xCF\x83\xCF\x83\xCE\xB5\xCF\x85\xCF\x83",
           1); /* οδυσσευς -> οδυσσευσ */
    expect("\xEF\xAC\x83" "x", "ffix", 1);                        /* ﬃx */
    expect("\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90",
           "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0", 1); /* МОСКВА */
    expect("na\xC3\xAF" "ve Caf\xC3\xA9", "na\xC3\xAF" "ve caf\xC3\xA9", 2);
}

/* Decomposed input composes across the word, marks in canonical order. */
static void test_normalize__compose(void **state)
{
    (void)state;
    expect("e\xCC\x81" "cole", "\xC3\xA9" "cole", 1);
    expect("E\xCC\x81" "COLE", "\xC3\xA9" "cole", 1);
    expect("cafe\xCC\x81", "caf\xC3\xA9", 1);
    /* dot below (ccc 220) and acute (ccc 230) in either order agree */
    {
        nd_buf a = {0}, b = {0};
        size_t wa, wb;

        assert_int_equal(nd_normalize(&a, &wa, "xa\xCC\xA3\xCC\x81", 6), 0);
        assert_int_equal(nd_normalize(&b, &wb, "xa\xCC\x81\xCC\xA3", 6), 0);
        assert_string_equal(a.data, b.data);
        assert_int_equal(wa, 1);
        nd_buf_free(&a);
        nd_buf_free(&b);
    }
    /* A mark after a break starts a word of its own. */
    expect("a \xCC\x81", "a \xCC\x81", 2);
}

/* NBSP, tabs and runs of white space become one space; no edge spaces. */
static void test_normalize__whitespace(void **state)
{
    (void)state;
    expect("a\xC2\xA0" "b\tc", "a b c", 3);
    expect("  \n\t a   b \r\n ", "a b", 2);
    expect("\xE2\x80\x83" "x\xE3\x80\x80" "y\xE2\x80\xA8", "x y", 2);
    expect(" \t\n\xC2\xA0 ", "", 0);
}

static void test_normalize__digits_and_symbols(void **state)
{
    (void)state;
    expect("Route 66, 27th October 2017", "route 66 27th october 2017", 5);
    expect("\xD9\xA3\xD9\xA4", "\xD9\xA3\xD9\xA4", 1); /* Arabic-Indic 34 */
    expect("\xC2\xBD", "\xC2\xBD", 1);                  /* ½ is No */
    expect("\xE2\x82\xAC" "5 $5 5%", "5 5 5", 3);      /* € */
    expect("a\xF0\x9F\x98\x80" "b", "a b", 2);          /* emoji breaks */
    expect("A+A-", "a a", 2);
}

static void test_normalize__nul(void **state)
{
    (void)state;
    expect_n("a\0b", 3, "a b", 2);
    expect_n("\0\0x\0", 4, "x", 1);
    expect_n("\0", 1, "", 0);
}

/* Every invalid byte is one U+FFFD, a word character. */
static void test_normalize__invalid_utf8(void **state)
{
    (void)state;
    expect("\xFF", FFFD, 1);
    expect("a\xFF" "b", "a" FFFD "b", 1);
    expect("caf\xE9 au lait", "caf" FFFD " au lait", 3);     /* Latin-1 */
    expect("abc \xE2\x80", "abc " FFFD FFFD, 2);           /* truncated */
    expect("\xC0\xAF" "x", FFFD FFFD "x", 1);              /* overlong / */
    expect("\xED\xA0\x80", FFFD FFFD FFFD, 1);              /* surrogate */
    expect("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD, 1);     /* > U+10FFFF */
    expect("\x80\x80 -\xC3", FFFD FFFD " " FFFD, 2);
    expect("\xE2\x80" "A", FFFD FFFD "a", 1);
    /* A literal U+FFFD behaves like the invalid byte it stands for. */
    expect(FFFD "x, " FFFD, FFFD "x " FFFD, 2);
}

static void test_normalize__empty(void **state)
{
    nd_buf out = {0};
    size_t words = 7;

    (void)state;
    assert_int_equal(nd_normalize(&out, &words, "", 0), 0);
    assert_non_null(out.data);
    assert_string_equal(out.data, "");
    assert_int_equal(out.len, 0);
    assert_int_equal(words, 0);
    /* A call replaces earlier contents. */
    assert_int_equal(nd_normalize(&out, &words, "One two", 7), 0);
    assert_int_equal(nd_normalize(&out, &words, "Three", 5), 0);
    assert_string_equal(out.data, "three");
    assert_int_equal(words, 1);
    nd_buf_free(&out);
}

/* A word too long for the stack buffer, and output that outgrows input. */
static void test_normalize__long_words(void **state)
{
    nd_buf in = {0}, want = {0}, out = {0};
    size_t i, words;

    (void)state;
    for (i = 0; i < 1000; i++) {
        assert_int_equal(nd_buf_append(&in, "E\xCC\x81", 3), 0);
        assert_int_equal(nd_buf_append(&want, "\xC3\xA9", 2), 0);
    }
    assert_int_equal(nd_buf_append(&in, " \xFF\xFF\xFF", 4), 0);
    assert_int_equal(nd_buf_append(&want, " " FFFD FFFD FFFD, 10), 0);
    for (i = 0; i < 200; i++) {
        assert_int_equal(nd_buf_append(&in, " \xFF", 2), 0);
        assert_int_equal(nd_buf_append(&want, " " FFFD, 4), 0);
    }
    assert_int_equal(nd_normalize(&out, &words, in.data, in.len), 0);
    assert_int_equal(out.len, want.len);
    assert_memory_equal(out.data, want.data, want.len);
    assert_int_equal(words, 202);
    nd_buf_free(&in);
    nd_buf_free(&want);
    nd_buf_free(&out);
}

/*
 * The reference: split into words by category (U+FFFD counting as a word
 * character), spell each invalid byte as U+FFFD, and run utf8proc_map(CASEFOLD | COMPOSE | STABLE) on each word.
 */
static void reference(nd_buf *out, size_t *out_words, const char *text,
                      size_t len)
{
    const unsigned char *t = (const unsigned char *)text;
    nd_buf word = {0};
    size_t i = 0, words = 0;

    out->len = 0;
    assert_int_equal(nd_buf_reserve(out, 1), 0);
    out->data[0] = '\0';
    while (i <= len) {
        utf8proc_int32_t cp = -1;
        int is_word = 0;

        if (i < len) {
            utf8proc_ssize_t n =
                utf8proc_iterate(t + i, (utf8proc_ssize_t)(len - i), &cp);

            if (n < 0) {
                cp = 0xFFFD;
                n = 1;
            }
            i += (size_t)n;
            is_word = cp == 0xFFFD ||
                      (utf8proc_category(cp) >= UTF8PROC_CATEGORY_LU &&
                       utf8proc_category(cp) <= UTF8PROC_CATEGORY_NO);
        }
        else {
            i++;
        }
        if (is_word) {
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t n = utf8proc_encode_char(cp, enc);

            assert_int_equal(nd_buf_append(&word, enc, (size_t)n), 0);
        }
        else if (word.len) {
            utf8proc_uint8_t *m = NULL;
            utf8proc_ssize_t n = utf8proc_map(
                (const utf8proc_uint8_t *)word.data,
                (utf8proc_ssize_t)word.len, &m,
                UTF8PROC_CASEFOLD | UTF8PROC_COMPOSE | UTF8PROC_STABLE);

            assert_true(n >= 0);
            if (words++)
                assert_int_equal(nd_buf_putc(out, ' '), 0);
            assert_int_equal(nd_buf_append(out, m, (size_t)n), 0);
            free(m);
            word.len = 0;
        }
    }
    nd_buf_free(&word);
    *out_words = words;
}

static void check_against_reference(const char *text, size_t len)
{
    nd_buf got = {0}, want = {0}, again = {0};
    size_t gw, ww, aw, i, spaces = 0;

    assert_int_equal(nd_normalize(&got, &gw, text, len), 0);
    reference(&want, &ww, text, len);
    assert_int_equal(got.len, want.len);
    assert_memory_equal(got.data, want.data, want.len);
    assert_int_equal(gw, ww);
    /* Shape: single spaces, none at the edges, words = spaces + 1. */
    for (i = 0; i < got.len; i++)
        if (got.data[i] == ' ') {
            spaces++;
            assert_true(i > 0 && i + 1 < got.len);
            assert_true(got.data[i + 1] != ' ');
        }
    assert_int_equal(gw, got.len ? spaces + 1 : 0);
    /* Normalising is idempotent. */
    assert_int_equal(nd_normalize(&again, &aw, got.data, got.len), 0);
    assert_string_equal(again.data, got.data);
    assert_int_equal(aw, gw);
    /* The spans path (its own ASCII loop) gives the same words. */
    {
        nd_u32vec spans = {0};

        assert_int_equal(nd_normalize_spans(&again, &aw, &spans, text, len),
                         0);
        assert_int_equal(again.len, got.len);
        assert_memory_equal(again.data, got.data, got.len);
        assert_int_equal(aw, gw);
        assert_int_equal(spans.n, 2 * gw);
        nd_u32vec_free(&spans);
    }
    nd_buf_free(&got);
    nd_buf_free(&want);
    nd_buf_free(&again);
}

/*
 * Long runs of marks of mixed classes ("Zalgo" text) are put in canonical
 * order stably, and in linear time: the old insertion sort took 10 s for
 * 320 kB of alternating marks (tests/fuzz/corpus/paragraph/found_zalgo is
 * a small one).
 */
static void test_normalize__long_mark_runs(void **state)
{
    nd_buf in = {0}, want = {0}, out = {0};
    size_t i, words, k = 50000;
    char text[512];
    size_t n;

    (void)state;
    /* a + (acute 230, grave below 220) * k: the grave marks move before
       the acute ones, and the first acute composes with a (U+00E1) */
    assert_int_equal(nd_buf_append(&in, "a", 1), 0);
    assert_int_equal(nd_buf_append(&want, "\xC3\xA1", 2), 0);
    for (i = 0; i < k; i++) {
        assert_int_equal(nd_buf_append(&in, "\xCC\x81\xCC\x96", 4), 0);
        assert_int_equal(nd_buf_append(&want, "\xCC\x96", 2), 0);
    }
    for (i = 1; i < k; i++)
        assert_int_equal(nd_buf_append(&want, "\xCC\x81", 2), 0);
    assert_int_equal(nd_normalize(&out, &words, in.data, in.len), 0);
    assert_int_equal(words, 1);
    assert_int_equal(out.len, want.len);
    assert_memory_equal(out.data, want.data, want.len);

    /* Equal classes keep their order: acute and grave (both 230) after
       the dot below (220), each run of 60 marks, twice in one word */
    in.len = want.len = 0;
    for (k = 0; k < 2; k++) {
        assert_int_equal(nd_buf_append(&in, "x", 1), 0);
        assert_int_equal(nd_buf_append(&want, "x", 1), 0);
        for (i = 0; i < 20; i++) {
            assert_int_equal(nd_buf_append(&in, "\xCC\x81\xCC\x80\xCC\xA3",
                                           6), 0);
            assert_int_equal(nd_buf_append(&want, "\xCC\xA3", 2), 0);
        }
        for (i = 0; i < 20; i++)
            assert_int_equal(nd_buf_append(&want, "\xCC\x81\xCC\x80", 4), 0);
    }
    assert_int_equal(nd_normalize(&out, &words, in.data, in.len), 0);
    assert_int_equal(words, 1);
    assert_int_equal(out.len, want.len);
    assert_memory_equal(out.data, want.data, want.len);

    /* Runs on either side of the insertion-sort limit agree with
       utf8proc_map */
    for (k = 14; k <= 20; k++) {
        n = 0;
        text[n++] = 'E';
        for (i = 0; i < k; i++) {
            static const char marks[3][3] = {"\xCC\x81", "\xCC\xA3",
                                             "\xCD\x85"};

            memcpy(text + n, marks[(i * 7 + k) % 3], 2);
            n += 2;
        }
        memcpy(text + n, "o\xCC\x88 z", 5);
        n += 5;
        check_against_reference(text, n);
    }
    nd_buf_free(&in);
    nd_buf_free(&want);
    nd_buf_free(&out);
}

static void test_normalize__matches_reference(void **state)
{
    static const char *const names[] = {
        "000_43971502f8c0b970.txt", "001_e669044f4eebc203.txt",
        "002_04c10d08328eaf7d.txt", "003_e4b1efb5d7665dd4.txt",
        "004_768a252fde846fac.txt"};
    static const char mixed[] =
        "\xC3\x89tude \xE2\x80\x94 Stra\xC3\x9F" "e, \xCE\x9F\xCE\x94\xCE\xA5"
        "\xCE\xA3\xCE\xA3\xCE\x95\xCE\xA5\xCE\xA3 e\xCC\x81t\xC3\xA9 "
        "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 \xE1\x84\x92\xE1\x85\xA1"
        "\xE1\x86\xAB \xE4\xB8\xAD\xE6\x96\x87 \xD8\xA7\xD9\x84\xD8\xB9"
        "\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9 \xE0\xA4\xB9\xE0\xA4\xBF\xE0\xA4"
        "\x82\xE0\xA4\xA6\xE0\xA5\x80 \xC4\xB0stanbul \xC5\x89 \xE1\xBE\x88"
        "\xFF\xFEx\0y \xE2\x80";
    size_t k;

    (void)state;
    check_against_reference(mixed, sizeof mixed - 1);
    for (k = 0; k < sizeof names / sizeof names[0]; k++) {
        char path[1024];
        FILE *f;
        char buf[16384];
        size_t n;

        snprintf(path, sizeof path, "%s/corpus/%s", ND_SOURCE_DIR, names[k]);
        f = fopen(path, "rb");
        assert_non_null(f);
        n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        assert_true(n > 0);
        check_against_reference(buf, n);
    }
}

/* xorshift64: the generated texts below depend on the seed alone. */
static uint64_t prose_next(uint64_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    return *x;
}

/*
 * Generated prose, mostly the plain words with single spaces that the
 * 16-byte gear takes, broken at random places by what it must leave to
 * the byte gear or to utf8proc: punctuation, doubled and other white
 * space, the bytes just outside the ranges of letters and digits,
 * non-ASCII letters, a mark that composes with the ASCII letter
 * before it (whose prefix the slow path takes back), invalid bytes, NUL,
 * and very long words; of every length from 0 to 400 bytes, so that the
 * breaks fall at every place of a 16-byte chunk. Each must match the
 * reference, the spans path (which has no 16-byte gear) and the result
 * without a word count.
 */
static void test_normalize__prose_chunks(void **state)
{
    static const char *const breaks[] = {
        ", ", ". ", "  ", "\n", "\t", "'", "-", "\"", "\xE2\x80\x99",
        "\xC3\xA9", "\xC3\x9F", "\xCE\xA3", "\xCC\x81", "\xFF", "\xC3",
        "\xC2\xA0", "", " \xE2\x80\x94 ", "(", "1", "\x7F",
        /* the bytes next to the ranges of letters and digits */
        "@", "[", "`", "{", "/", ":"};
    static const char letters[] =
        "etaoinshrdlucmfwypvbgkjqxzETAOINSHRDLU0123456789";
    uint64_t x = 0x2545F4914F6CDD1DULL;
    char text[1024];
    int round;

    (void)state;
    for (round = 0; round < 6000; round++) {
        size_t want = (size_t)(round % 401), n = 0;
        nd_buf a = {0};

        while (n < want) {
            uint64_t r = prose_next(&x);
            size_t wl = 1 + r % 9, i;

            if (r % 97 == 0)
                wl = 40 + r % 160; /* a very long word */
            for (i = 0; i < wl && n < sizeof text - 8; i++)
                text[n++] = letters[prose_next(&x) % (sizeof letters - 1)];
            if ((r >> 20) % 6 == 0) {
                const char *b = breaks[(r >> 32) % (sizeof breaks /
                                                    sizeof breaks[0])];

                memcpy(text + n, b, strlen(b));
                n += strlen(b);
            }
            else {
                text[n++] = ' ';
            }
        }
        if (n > want)
            n = want;
        check_against_reference(text, n);
        assert_int_equal(nd_normalize(&a, NULL, text, n), 0);
        {
            nd_buf b = {0};
            size_t words;

            assert_int_equal(nd_normalize(&b, &words, text, n), 0);
            assert_int_equal(a.len, b.len);
            assert_memory_equal(a.data, b.data, a.len + 1);
            nd_buf_free(&b);
        }
        nd_buf_free(&a);
    }
}

/* Seeded random bytes drawn mostly from tricky ones: never a crash. */
static void test_normalize__random_bytes(void **state)
{
    static const unsigned char pool[] = {
        'a', 'Z', '0', ' ', '\'', 0, 0x80, 0xBF, 0xC2, 0xA0, 0xC3, 0x89,
        0xCC, 0x81, 0xE2, 0x80, 0x94, 0xF0, 0x9F, 0xFF, 0xCE, 0xA3, 0xED};
    uint64_t x = 0x9E3779B97F4A7C15ULL;
    char text[64];
    int round;

    (void)state;
    for (round = 0; round < 3000; round++) {
        size_t len = (size_t)(round % 64), i;

        for (i = 0; i < len; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            text[i] = (char)pool[x % sizeof pool];
        }
        check_against_reference(text, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_normalize__basic),
        cmocka_unit_test(test_normalize__quotes),
        cmocka_unit_test(test_normalize__dashes),
        cmocka_unit_test(test_normalize__casefold_non_ascii),
        cmocka_unit_test(test_normalize__compose),
        cmocka_unit_test(test_normalize__whitespace),
        cmocka_unit_test(test_normalize__digits_and_symbols),
        cmocka_unit_test(test_normalize__nul),
        cmocka_unit_test(test_normalize__invalid_utf8),
        cmocka_unit_test(test_normalize__empty),
        cmocka_unit_test(test_normalize__long_words),
        cmocka_unit_test(test_normalize__long_mark_runs),
        cmocka_unit_test(test_normalize__matches_reference),
        cmocka_unit_test(test_normalize__random_bytes),
        cmocka_unit_test(test_normalize__prose_chunks),
        cmocka_unit_test(test_normalize__spans),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
