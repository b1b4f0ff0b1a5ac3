/*
 * test_jsontext.c - JSON string literals, and the value spans of the JSONL
 * splice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "jsontext.h"
#include "neardup.h"

static void expect_json(const char *in, size_t len, const char *want)
{
    nd_buf b = {0};

    assert_int_equal(nd_json_string(&b, in, len), 0);
    assert_string_equal(b.data, want);
    nd_buf_free(&b);
}

static void test_jsontext__json_escapes(void **state)
{
    (void)state;
    expect_json("plain", 5, "\"plain\"");
    expect_json("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    expect_json("l1\nl2\tx\r", 8, "\"l1\\nl2\\tx\\r\"");
    expect_json("nul\0x", 5, "\"nul\\u0000x\"");
    expect_json("\x01", 1, "\"\\u0001\"");
    expect_json("", 0, "\"\"");
}

static void test_jsontext__json_keeps_utf8_replaces_invalid(void **state)
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

/* Every byte that needs escaping, at every place of a word-long run: the
 * encoder skips plain text eight bytes at a time, and must still stop at
 * each of them. A slow byte-at-a-time encoding is the oracle. */
static void test_jsontext__json_special_byte_anywhere(void **state)
{
    static const unsigned char special[] = {'"', '\\', 0x00, 0x01, 0x1f,
                                            '\n', 0x7f, 0x80, 0xc3, 0xff};
    size_t k, at;

    (void)state;
    for (k = 0; k < sizeof special; k++)
        for (at = 0; at < 24; at++) {
            char in[24], want[24 * 6 + 3];
            size_t i, w = 0;
            nd_buf b = {0};

            memset(in, 'a', sizeof in);
            in[at] = (char)special[k];
            want[w++] = '"';
            for (i = 0; i < sizeof in; i++) {
                unsigned char c = (unsigned char)in[i];

                if (c == '"' || c == '\\') {
                    want[w++] = '\\';
                    want[w++] = (char)c;
                } else if (c == '\n') {
                    memcpy(want + w, "\\n", 2);
                    w += 2;
                } else if (c < 0x20) {
                    w += (size_t)sprintf(want + w, "\\u%04x", c);
                } else if (c >= 0x80) { /* alone, never valid UTF-8 */
                    memcpy(want + w, "\\ufffd", 6);
                    w += 6;
                } else {
                    want[w++] = (char)c;
                }
            }
            want[w++] = '"';
            want[w] = '\0';
            assert_int_equal(nd_json_string(&b, in, sizeof in), 0);
            assert_string_equal(b.data, want);
            nd_buf_free(&b);
        }
}

static void test_jsontext__numbers(void **state)
{
    static const float ratios[] = {0.0f, 1.0f, 0.03125f, 0.09375f, 0.5f,
                                   0.33333334f, 0.66666669f, 0.99995f,
                                   0.8f, 0.12345f, 123.456f};
    char want[64];
    nd_buf b = {0};
    size_t k;
    int n;

    (void)state;
    for (k = 0; k < sizeof ratios / sizeof *ratios; k++) {
        /* The same digits as printf, ties (0.03125) rounded to even. */
        b.len = 0;
        assert_int_equal(nd_json_fixed4(&b, ratios[k]), 0);
        snprintf(want, sizeof want, "%.4f", (double)ratios[k]);
        assert_string_equal(b.data, want);
    }
    for (n = 0; n < 4000; n++) {
        float x = (float)n / 3999.0f;

        b.len = 0;
        assert_int_equal(nd_json_fixed4(&b, x), 0);
        snprintf(want, sizeof want, "%.4f", (double)x);
        assert_string_equal(b.data, want);
    }
    b.len = 0;
    assert_int_equal(nd_json_uint(&b, 0), 0);
    assert_int_equal(nd_json_uint(&b, 18446744073709551615u), 0);
    assert_string_equal(b.data, "018446744073709551615");
    nd_buf_free(&b);
}

/* The span of key's value in line, or "" when the splice declines. */
static void expect_span(const char *line, const char *key, const char *want)
{
    size_t vs = 0, ve = 0;
    int got = nd_json_value(line, strlen(line), key, &vs, &ve);

    if (!*want) {
        assert_int_equal(got, 0);
        return;
    }
    assert_int_equal(got, 1);
    assert_int_equal(ve - vs, strlen(want));
    assert_memory_equal(line + vs, want, ve - vs);
}

static void test_jsontext__json_value(void **state)
{
    (void)state;
    expect_span("{\"text\":\"a\"}", "text", "\"a\"");
    expect_span(" { \"id\" : 7 , \"text\"\t:\t\"a \\\" } b\" } ", "text",
                 "\"a \\\" } b\"");
    /* Backslashes before a quote: an even run closes the string. */
    expect_span("{\"text\":\"a\\\\\",\"b\":1}", "text", "\"a\\\\\"");
    expect_span("{\"x\":\"\\\\\\\"\",\"text\":\"\\\\\\\\\"}", "text",
                "\"\\\\\\\\\"");
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

/* Decodes lit as a JSON string; want of NULL: declined (ND_EFORMAT). */
static void expect_decode(const char *lit, const char *want, size_t want_len)
{
    nd_buf b = {0};
    int err = nd_json_decode(&b, lit, strlen(lit));

    if (!want) {
        assert_int_equal(err, ND_EFORMAT);
    } else {
        assert_int_equal(err, 0);
        assert_int_equal(b.len, want_len);
        assert_memory_equal(b.data, want, want_len);
    }
    nd_buf_free(&b);
}

static void test_jsontext__decode(void **state)
{
    (void)state;
    expect_decode("\"\"", "", 0);
    expect_decode("\"plain text\"", "plain text", 10);
    expect_decode("\"a\\\"b\\\\c\\/d\"", "a\"b\\c/d", 7);
    expect_decode("\"\\b\\f\\n\\r\\t\"", "\b\f\n\r\t", 5);
    expect_decode("\"caf\\u00e9 \\u20AC\"", "caf\xc3\xa9 \xe2\x82\xac", 9);
    expect_decode("\"nul\\u0000x\"", "nul\0x", 5);
    /* A surrogate pair is one code point; raw UTF-8 passes through. */
    expect_decode("\"\\ud83d\\ude00 \xf0\x9f\x98\x80\"",
                  "\xf0\x9f\x98\x80 \xf0\x9f\x98\x80", 9);
    /* Declined: lone surrogates, bad escapes, no quotes. */
    expect_decode("\"\\ud83d\"", NULL, 0);
    expect_decode("\"\\ud83dx\"", NULL, 0);
    expect_decode("\"\\ude00\"", NULL, 0);
    expect_decode("\"\\x41\"", NULL, 0);
    expect_decode("\"\\u12g4\"", NULL, 0);
    expect_decode("\"abc", NULL, 0);
    expect_decode("abc", NULL, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsontext__json_escapes),
        cmocka_unit_test(test_jsontext__json_keeps_utf8_replaces_invalid),
        cmocka_unit_test(test_jsontext__json_special_byte_anywhere),
        cmocka_unit_test(test_jsontext__numbers),
        cmocka_unit_test(test_jsontext__json_value),
        cmocka_unit_test(test_jsontext__decode),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
