/*
 * test_jsontext.c - JSON string literals, the value spans of the JSONL
 * splice, and the strict check of the reader's fast path
 * (nd_json_fields): what it accepts, the kinds and spans it finds, and
 * everything it must refuse. That json-c agrees with what it accepts is
 * test_read's differential test.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jsontext.h"
#include "neardup.h"
#include "xorshift.h"

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

static void expect_fixed4d(nd_buf *b, double x)
{
    char want[512];

    b->len = 0;
    assert_int_equal(nd_json_fixed4d(b, x), 0);
    assert_int_equal(nd_buf_putc(b, '\0'), 0);
    snprintf(want, sizeof want, "%.4f", x);
    assert_string_equal(b->data, want);
}

static void test_jsontext__numbers_double(void **state)
{
    /* Ties (j/32, j/64 ... are exact halves of the fourth decimal), the
     * doubles either side of them, the ends of the shift's range and
     * what printf is left with. */
    static const double special[] = {0.0, -0.0, 1.0, 0.5, 0.03125, 0.09375,
                                     0.15625, 0.21875, 0.00005, 0.99995,
                                     0.99994999999999, 3.0517578125e-05,
                                     1.52587890625e-05, 1e-300, 1e-9,
                                     123456.78905, 999999999.99995, 1e9,
                                     1e300, -0.25, 0.1, 0.2, 0.3, 2.0 / 3};
    uint64_t seed = 0x9e3779b97f4a7c15u;
    nd_buf b = {0};
    size_t k;
    int j, n;

    (void)state;
    for (k = 0; k < sizeof special / sizeof *special; k++) {
        expect_fixed4d(&b, special[k]);
        expect_fixed4d(&b, nextafter(special[k], 2e9));
        expect_fixed4d(&b, nextafter(special[k], -1));
    }
    for (j = 1; j < 4096; j++) {
        expect_fixed4d(&b, j / 4096.0);
        expect_fixed4d(&b, nextafter(j / 4096.0, 2.0));
        expect_fixed4d(&b, nextafter(j / 4096.0, 0.0));
    }
    for (n = 0; n < 200000; n++) {
        /* A share is bytes over bytes: seeded ratios of whole numbers. */
        uint64_t num, den;

        seed = seed * 6364136223846793005u + 1442695040888963407u;
        den = (seed >> 33) % 100000 + 1;
        num = (seed >> 13) % (den + 1);
        expect_fixed4d(&b, (double)num / (double)den);
    }
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

/* ---- nd_json_fields ---------------------------------------------------- */

enum { F_TEXT, F_ID, F_SOURCE, F_DATE, F_N };

/* nd_json_fields on line[0..len), copied to a buffer of exactly that size
 * so that the sanitizers see any read past its end, with the reader's four
 * keys and json-c's depth. */
static int fields_n(const char *line, size_t len, nd_json_field *f,
                    unsigned depth)
{
    char *copy = malloc(len ? len : 1);
    int rc;

    assert_non_null(copy);
    memcpy(copy, line, len);
    memset(f, 0, F_N * sizeof *f);
    f[F_TEXT].key = "text";
    f[F_ID].key = "id";
    f[F_SOURCE].key = "source";
    f[F_DATE].key = "date";
    rc = nd_json_fields(copy, len, f, F_N, depth);
    /* spans are offsets, as good for line as for the copy */
    if (rc) {
        int k;

        for (k = 0; k < F_N; k++)
            if (f[k].kind != ND_JSON_ABSENT)
                assert_true(f[k].start < f[k].end && f[k].end <= len);
    }
    free(copy);
    return rc;
}

static int fields(const char *line, nd_json_field *f)
{
    return fields_n(line, strlen(line), f, 31);
}

/* The value found for f is want, as written in line. */
static void check_value(const char *line, const nd_json_field *f,
                        const char *want)
{
    assert_int_equal(f->end - f->start, strlen(want));
    assert_memory_equal(line + f->start, want, strlen(want));
}

static void expect_refused(const char *line)
{
    nd_json_field f[F_N];

    if (fields(line, f) != 0)
        fail_msg("accepted: %s", line);
}

static void expect_accepted(const char *line)
{
    nd_json_field f[F_N];

    if (fields(line, f) != 1)
        fail_msg("refused: %s", line);
}

static void test_jsontext__fields_valid(void **state)
{
    const char *l = "{\"id\":\"a1\",\"title\":\"T\",\"text\":\"Hello.\","
                    "\"source\":\"S\",\"date\":\"2020-01-02\"}";
    nd_json_field f[F_N];

    (void)state;
    assert_int_equal(fields(l, f), 1);
    assert_int_equal(f[F_TEXT].kind, ND_JSON_STRING);
    check_value(l, &f[F_TEXT], "\"Hello.\"");
    assert_false(f[F_TEXT].escaped);
    check_value(l, &f[F_ID], "\"a1\"");
    check_value(l, &f[F_SOURCE], "\"S\"");
    check_value(l, &f[F_DATE], "\"2020-01-02\"");

    /* empty strings, and an object without any of the keys */
    l = "{\"text\":\"\",\"id\":\"\"}";
    assert_int_equal(fields(l, f), 1);
    check_value(l, &f[F_TEXT], "\"\"");
    check_value(l, &f[F_ID], "\"\"");
    assert_int_equal(f[F_SOURCE].kind, ND_JSON_ABSENT);
    assert_int_equal(fields("{}", f), 1);
    assert_int_equal(f[F_TEXT].kind, ND_JSON_ABSENT);
    assert_int_equal(fields("{\"other\":1}", f), 1);
    assert_int_equal(f[F_TEXT].kind, ND_JSON_ABSENT);

    /* kinds */
    l = "{\"text\":[1,{\"a\":null}],\"id\":-0.5e3,\"source\":null,"
        "\"date\":true}";
    assert_int_equal(fields(l, f), 1);
    assert_int_equal(f[F_TEXT].kind, ND_JSON_OTHER);
    check_value(l, &f[F_TEXT], "[1,{\"a\":null}]");
    assert_int_equal(f[F_ID].kind, ND_JSON_NUMBER);
    check_value(l, &f[F_ID], "-0.5e3");
    assert_int_equal(f[F_SOURCE].kind, ND_JSON_OTHER);
    check_value(l, &f[F_SOURCE], "null");
    assert_int_equal(f[F_DATE].kind, ND_JSON_OTHER);
    check_value(l, &f[F_DATE], "true");
    l = "{\"text\":{},\"id\":false}";
    assert_int_equal(fields(l, f), 1);
    check_value(l, &f[F_TEXT], "{}");
    check_value(l, &f[F_ID], "false");
}

/* The control bytes a string's escapes decode to are counted, each
 * field its own: seeded strings of escapes and plain bytes, against a
 * count of the bytes nd_json_decode gives. */
static void test_jsontext__fields_controls(void **state)
{
    static const char *const pieces[] = {
        "a", " ", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0000", "\\u0001",
        "\\u0008", "\\u0009", "\\u000b", "\\u000d", "\\u000e", "\\u001F",
        "\\u0020", "\\u007f", "\\u00e9", "\\ud83d\\ude00", "\\\"", "\\\\",
        "\xc3\xa9", "\x7f"};
    char line[1024];
    nd_json_field f[F_N];
    nd_buf b = {0};
    uint32_t x = 12345;
    size_t i, k, n, want;
    int round;

    (void)state;
    for (round = 0; round < 2000; round++) {
        n = (size_t)snprintf(line, sizeof line,
                             "{\"id\":\"\\u0001\\b\",\"text\":\"");
        for (k = rng_next(&x) % 40; k > 0; k--)
            n += (size_t)snprintf(line + n, sizeof line - n, "%s",
                                  pieces[rng_next(&x) % (sizeof pieces /
                                                         sizeof *pieces)]);
        n += (size_t)snprintf(line + n, sizeof line - n,
                              "\",\"source\":\"\\u0002\"}");
        assert_true(n < sizeof line);
        assert_int_equal(fields(line, f), 1);
        assert_int_equal(nd_json_decode(&b, line + f[F_TEXT].start,
                                        f[F_TEXT].end - f[F_TEXT].start),
                         0);
        for (i = want = 0; i < b.len; i++) {
            unsigned char c = (unsigned char)b.data[i];

            want += c < 0x20 && c != '\t' && c != '\n' && c != '\v' &&
                    c != '\f' && c != '\r';
        }
        assert_int_equal(f[F_TEXT].controls, want);
        assert_int_equal(f[F_ID].controls, 2);
        assert_int_equal(f[F_SOURCE].controls, 1);
    }
    nd_buf_free(&b);
}

static void test_jsontext__fields_whitespace(void **state)
{
    const char *l = " \t\r\n{ \"text\" :\t\"a\" ,\r\n\"id\" : [ ] , "
                    "\"x\" : { \"y\" : [ 1 , 2 ] } }  \r\n\t";
    nd_json_field f[F_N];

    (void)state;
    assert_int_equal(fields(l, f), 1);
    check_value(l, &f[F_TEXT], "\"a\"");
    check_value(l, &f[F_ID], "[ ]");
    /* json-c takes \f and \v for white space, JSON does not */
    expect_refused("{\"text\":\"a\"}\f");
    expect_refused("\v{\"text\":\"a\"}");
    expect_refused("{\"text\":\f\"a\"}");
    assert_int_equal(fields_n("{\"text\":\"a\"}\0", 13, f, 31), 0);
    expect_refused("");
    expect_refused("   ");
}

static void test_jsontext__fields_escapes(void **state)
{
    const char *l = "{\"text\":\"q\\\"b\\\\s\\/b\\bf\\fn\\nr\\rt\\t"
                    "\\u00e9\\u20AC\\ud83d\\ude00\\u0000!\"}";
    static const char want[] = "q\"b\\s/b\bf\fn\nr\rt\t\xc3\xa9\xe2\x82\xac"
                               "\xf0\x9f\x98\x80\0!";
    nd_json_field f[F_N];
    nd_buf b = {0};

    (void)state;
    assert_int_equal(fields(l, f), 1);
    assert_true(f[F_TEXT].escaped);
    assert_int_equal(f[F_TEXT].controls, 2); /* \b and \u0000 */
    assert_int_equal(nd_json_decode(&b, l + f[F_TEXT].start,
                                    f[F_TEXT].end - f[F_TEXT].start), 0);
    assert_int_equal(b.len, sizeof want - 1);
    assert_memory_equal(b.data, want, sizeof want - 1);
    nd_buf_free(&b);

    /* every escape that nd_json_decode refuses is refused here */
    expect_refused("{\"text\":\"\\x\"}");
    expect_refused("{\"text\":\"\\'\"}");
    expect_refused("{\"text\":\"\\U00e9\"}");
    expect_refused("{\"text\":\"\\u00e\"}");
    expect_refused("{\"text\":\"\\u00eg\"}");
    expect_refused("{\"text\":\"\\ud800\"}");
    expect_refused("{\"text\":\"\\ud800x\"}");
    expect_refused("{\"text\":\"\\ud800\\u0041\"}");
    expect_refused("{\"text\":\"\\ud800\\ud800\"}");
    expect_refused("{\"text\":\"\\udc00\"}");
    expect_refused("{\"text\":\"\\udfff\\ud800\"}");
    expect_refused("{\"text\":\"\\");
    expect_refused("{\"text\":\"\\\"}");
    /* also where the value is not wanted */
    expect_refused("{\"text\":\"a\",\"x\":[\"\\ud800\"]}");
    expect_accepted("{\"text\":\"a\",\"x\":[\"\\udbff\\udfff\"]}");
}

static void test_jsontext__fields_bytes(void **state)
{
    nd_json_field f[F_N];
    static const char nul[] = "{\"text\":\"a\0b\"}";

    (void)state;
    /* raw control bytes and NUL: json-c takes them, JSON does not */
    expect_refused("{\"text\":\"a\x01\"}");
    expect_refused("{\"text\":\"tab\there\"}");
    expect_refused("{\"text\":\"a\x1f\"}");
    assert_int_equal(fields_n(nul, sizeof nul - 1, f, 31), 0);
    expect_accepted("{\"text\":\"del \x7f\"}");
    /* UTF-8: valid passes, anything else is refused */
    expect_accepted("{\"text\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
                    "\xf4\x8f\xbf\xbf\"}");
    expect_accepted("{\"t\xc3\xa9xt\":\"key in UTF-8\"}");
    expect_refused("{\"text\":\"caf\xe9\"}");
    expect_refused("{\"text\":\"\xff\"}");
    expect_refused("{\"text\":\"\xc0\xaf\"}");
    expect_refused("{\"text\":\"\xe0\x80\xaf\"}");
    expect_refused("{\"text\":\"\xed\xa0\x80\"}");
    expect_refused("{\"text\":\"\xf4\x90\x80\x80\"}");
    expect_refused("{\"text\":\"\xe2\x82\"}");
    expect_refused("{\"text\":\"\xe2\x82");
    expect_refused("{\"text\":\"a\",\"x\":\"\x80\"}");
    /* a BOM is the reader's to drop */
    expect_refused("\xef\xbb\xbf{\"text\":\"a\"}");
}

static void test_jsontext__fields_numbers(void **state)
{
    static const char *const good[] = {
        "0", "-0", "7", "-12", "1.5", "-0.0", "1e5", "1E5", "1e+5", "1E-05",
        "-1.25e-300", "1e400", "123456789012345678901234567890",
        "18446744073709551616", "0.000001"};
    static const char *const bad[] = {
        "01", "-01", "+1", ".5", "1.", "1.e5", "1e", "1e+", "-", "--1",
        "0x10", "NaN", "Infinity", "-Infinity", "1_000", "1..2", "1e5.5",
        "0.5.", "00"};
    char l[128];
    nd_json_field f[F_N];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof good / sizeof *good; i++) {
        snprintf(l, sizeof l, "{\"text\":\"a\",\"id\":%s,\"x\":[%s]}", good[i],
                 good[i]);
        assert_int_equal(fields(l, f), 1);
        assert_int_equal(f[F_ID].kind, ND_JSON_NUMBER);
        check_value(l, &f[F_ID], good[i]);
        snprintf(l, sizeof l, "{\"id\":%s}", good[i]);
        assert_int_equal(fields(l, f), 1);
        check_value(l, &f[F_ID], good[i]);
    }
    for (i = 0; i < sizeof bad / sizeof *bad; i++) {
        snprintf(l, sizeof l, "{\"text\":\"a\",\"x\":%s}", bad[i]);
        expect_refused(l);
        snprintf(l, sizeof l, "{\"text\":\"a\",\"x\":[%s]}", bad[i]);
        expect_refused(l);
    }
    /* literals are lower case and whole */
    expect_accepted("{\"a\":true,\"b\":false,\"c\":null,\"d\":[true,null]}");
    expect_refused("{\"a\":True}");
    expect_refused("{\"a\":NULL}");
    expect_refused("{\"a\":nul}");
    expect_refused("{\"a\":truex}");
    expect_refused("{\"a\":tru");
    expect_refused("{\"a\":1true}");
}

/* A line whose "x" nests levels deep in all: the object itself, then
 * arrays and objects by turns. */
static char *deep_line(unsigned levels)
{
    size_t cap = 64 + 16 * (size_t)levels, n = 0;
    char *l = malloc(cap);
    unsigned d;

    assert_non_null(l);
    n += (size_t)sprintf(l, "{\"text\":\"deep\",\"x\":");
    for (d = 1; d < levels; d++)
        n += (size_t)sprintf(l + n, d % 2 ? "[" : "{\"k\":");
    n += (size_t)sprintf(l + n, "1");
    for (d = levels - 1; d >= 1; d--)
        n += (size_t)sprintf(l + n, d % 2 ? "]" : "}");
    sprintf(l + n, "}");
    return l;
}

static void test_jsontext__fields_nesting(void **state)
{
    nd_json_field f[F_N];
    char *l;
    unsigned d;

    (void)state;
    for (d = 1; d <= 40; d++) {
        l = deep_line(d);
        assert_int_equal(fields(l, f), d <= 31);
        assert_int_equal(fields_n(l, strlen(l), f, 5), d <= 5);
        /* above 64 counts as 64 */
        assert_int_equal(fields_n(l, strlen(l), f, 1000), 1);
        free(l);
    }
    l = deep_line(65);
    assert_int_equal(fields_n(l, strlen(l), f, 64), 0);
    assert_int_equal(fields_n(l, strlen(l), f, 1000), 0);
    free(l);
    /* depth 1: the object alone */
    assert_int_equal(fields_n("{\"text\":\"a\",\"n\":1}", 18, f, 1), 1);
    assert_int_equal(fields_n("{\"text\":\"a\",\"n\":[]}", 19, f, 1), 0);
    assert_int_equal(fields_n("{}", 2, f, 0), 0);
}

static void test_jsontext__fields_duplicates(void **state)
{
    nd_json_field f[F_N];
    const char *l;

    (void)state;
    /* json-c keeps the last of a repeated key: the caller must ask it */
    expect_refused("{\"text\":\"a\",\"text\":\"b\"}");
    expect_refused("{\"id\":\"a\",\"text\":\"t\",\"id\":\"b\"}");
    expect_refused("{\"date\":1,\"text\":\"t\",\"date\":null}");
    expect_refused("{\"source\":\"\",\"source\":\"\",\"text\":\"t\"}");
    /* keys no field wants, and keys below the top level, may repeat */
    l = "{\"x\":1,\"text\":\"t\",\"x\":2,\"y\":{\"text\":\"in\","
        "\"text\":\"in2\"},\"z\":[{\"id\":1,\"id\":2}]}";
    assert_int_equal(fields(l, f), 1);
    check_value(l, &f[F_TEXT], "\"t\"");
    assert_int_equal(f[F_ID].kind, ND_JSON_ABSENT);
    /* a top-level key with an escape could spell a wanted one */
    expect_refused("{\"te\\u0078t\":\"a\",\"text\":\"b\"}");
    expect_refused("{\"text\":\"b\",\"\\u0000\":1}");
    expect_refused("{\"a\\\"b\":1,\"text\":\"b\"}");
    expect_accepted("{\"text\":\"b\",\"x\":{\"te\\u0078t\":1,\"\\n\":2}}");
    /* keys that only start like a wanted one are others */
    l = "{\"tex\":1,\"texts\":2,\"text\":\"t\",\"\":3,\"Text\":4}";
    assert_int_equal(fields(l, f), 1);
    check_value(l, &f[F_TEXT], "\"t\"");
}

static void test_jsontext__fields_shared_and_unwanted_keys(void **state)
{
    const char *l = "{\"id\":\"x\",\"body\":\"b\",\"text\":\"t\"}";
    nd_json_field f[3];

    (void)state;
    /* one key for two fields, and a field not wanted */
    memset(f, 0, sizeof f);
    f[0].key = "body";
    f[1].key = "body";
    f[2].key = NULL;
    assert_int_equal(nd_json_fields(l, strlen(l), f, 3, 31), 1);
    check_value(l, &f[0], "\"b\"");
    check_value(l, &f[1], "\"b\"");
    assert_int_equal(f[2].kind, ND_JSON_ABSENT);
    /* stale out-fields from an earlier call are reset */
    assert_int_equal(nd_json_fields("{}", 2, f, 3, 31), 1);
    assert_int_equal(f[0].kind, ND_JSON_ABSENT);
    assert_int_equal(nd_json_fields(l, strlen(l), f, 0, 31), 1);
}

static void test_jsontext__fields_syntax(void **state)
{
    static const char *const bad[] = {
        "{\"text\":\"a\",}", "{\"text\":\"a\",\"x\":[1,]}", "{,}", "[1]",
        "\"text\"", "1", "null", "{\"text\" \"a\"}", "{\"text\":}",
        "{\"text\":\"a\" \"id\":\"b\"}", "{\"text\":\"a\"", "{\"text\":\"a",
        "{'text':'a'}", "{\"text\":'a'}", "{text:\"a\"}",
        "{\"text\":\"a\"} x", "{\"text\":\"a\"}{}", "{\"text\":\"a\"}}",
        "{\"text\":\"a\"/* c */}", "// c\n{\"text\":\"a\"}",
        "{\"text\":\"a\",\"x\":[1 2]}", "{\"text\":\"a\",\"x\":{\"k\"}}",
        "{\"text\":\"a\",\"x\":{\"k\":1,}}", "{\"text\":\"a\",\"x\":{1:2}}",
        "{\"text\":\"a\",\"x\":[}", "{\"text\":\"a\",\"x\":{]}", "{:\"a\"}",
        "{\"text\"::\"a\"}", "{\"x\":[[[]]}", "{\"x\":]"};
    const char *good = "{\"id\":\"r-1\",\"text\":\"Par one.\\n\\nPar two "
                       "\\u201cquoted\\u201d.\",\"tags\":[\"a\",{\"b\":[1,"
                       "2.5e3,true,null]}],\"source\":\"AP\"}";
    size_t i, n = strlen(good);
    nd_json_field f[F_N];

    (void)state;
    for (i = 0; i < sizeof bad / sizeof *bad; i++)
        expect_refused(bad[i]);
    /* every proper prefix of a good line is refused, at no read past its
       end (fields_n copies it to a buffer of its size) */
    assert_int_equal(fields_n(good, n, f, 31), 1);
    for (i = 0; i < n; i++)
        assert_int_equal(fields_n(good, i, f, 31), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsontext__json_escapes),
        cmocka_unit_test(test_jsontext__json_keeps_utf8_replaces_invalid),
        cmocka_unit_test(test_jsontext__json_special_byte_anywhere),
        cmocka_unit_test(test_jsontext__numbers),
        cmocka_unit_test(test_jsontext__numbers_double),
        cmocka_unit_test(test_jsontext__json_value),
        cmocka_unit_test(test_jsontext__decode),
        cmocka_unit_test(test_jsontext__fields_valid),
        cmocka_unit_test(test_jsontext__fields_controls),
        cmocka_unit_test(test_jsontext__fields_whitespace),
        cmocka_unit_test(test_jsontext__fields_escapes),
        cmocka_unit_test(test_jsontext__fields_bytes),
        cmocka_unit_test(test_jsontext__fields_numbers),
        cmocka_unit_test(test_jsontext__fields_nesting),
        cmocka_unit_test(test_jsontext__fields_duplicates),
        cmocka_unit_test(test_jsontext__fields_shared_and_unwanted_keys),
        cmocka_unit_test(test_jsontext__fields_syntax),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
