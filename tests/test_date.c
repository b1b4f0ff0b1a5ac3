/*
 * test_date.c - unit tests of the date parser (src/date.c).
 *
 * Known answers were computed apart from this code (GNU date -u -d ...
 * +%s), for every format date.h promises; invalid dates and junk must come
 * back as ND_EFORMAT. Two seeded property tests: dates drawn at random and
 * written in several styles parse to what a naive day-by-year count says,
 * and random bytes (NULs included, in buffers of exactly their length, so
 * that the sanitizers see any overread) never crash the parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "date.h"

/* Parses the NUL-terminated s from a heap copy of exactly strlen(s) bytes. */
static int parse(int64_t *out, const char *s)
{
    size_t n = strlen(s);
    char *copy = malloc(n ? n : 1);
    int rc;

    assert_non_null(copy);
    memcpy(copy, s, n);
    rc = nd_date_parse(out, copy, n);
    free(copy);
    return rc;
}

typedef struct date_vec {
    const char *s; /* the date as written */
    int64_t want;  /* Unix seconds */
} date_vec;

static void check_vectors(const date_vec *v, size_t n)
{
    int64_t got;
    size_t i;

    for (i = 0; i < n; i++) {
        got = INT64_MIN;
        if (parse(&got, v[i].s) != 0)
            fail_msg("\"%s\" did not parse", v[i].s);
        if (got != v[i].want)
            fail_msg("\"%s\": got %lld, want %lld", v[i].s, (long long)got,
                     (long long)v[i].want);
    }
}

/* ---- known answers ----------------------------------------------------- */

static void test_date__iso(void **state)
{
    static const date_vec v[] = {
        {"2017-10-27", 1509062400},
        {"2017-10-27T01:13:00Z", 1509066780},
        {"2017-10-27t01:13:00z", 1509066780},
        {"2017-10-27T01:13:00+03:00", 1509055980},
        {"2017-10-27T01:13:00+0300", 1509055980},
        {"2017-10-27T01:13:00+03", 1509055980},
        {"2017-10-27T01:13:00-05:30", 1509086580},
        {"2017-10-27T01:13:00-00:00", 1509066780},
        {"2017-10-27 01:13:00", 1509066780},
        {"2017-10-27 01:13:00 +0000", 1509066780},
        {"2017-10-27 01:13:00 UTC", 1509066780},
        {"2017-10-27T01:13:00.123Z", 1509066780},
        {"2017-10-27T01:13:00.999999999+00:00", 1509066780},
        {"2017-10-27T01:13:00,5Z", 1509066780},
        {"2017-10-27T01:13Z", 1509066780},
        {"2017-10-27 00:30 +0100", 1509060600},
        {"20171027", 1509062400},
        {"20171027T011300Z", 1509066780},
        {"20171027T0113", 1509066780},
        {"20171027011300", 1509066780},
        {"2017-10", 1506816000},
        {"  2017-10-27 \r\n", 1509062400},
        {"1970-01-01T00:00:00Z", 0},
        {"1969-12-31T23:59:59Z", -1},
        {"1967-10-27 01:13:00Z", -68856420},
        {"1950-06-30", -615600000},
        {"1900-01-01", -2208988800LL},
        {"1600-03-01", -11670912000LL},
        {"0001-01-01", -62135596800LL},
        {"9999-12-31T23:59:59Z", 253402300799LL},
        {"2000-02-29T23:59:59Z", 951868799},
        {"2016-02-29 12:00 +0545", 1456726500},
        /* a leap second is the first second of the next minute */
        {"2017-12-31T23:59:60Z", 1514764800},
    };

    (void)state;
    check_vectors(v, sizeof v / sizeof v[0]);
}

static void test_date__rfc2822(void **state)
{
    static const date_vec v[] = {
        {"Fri, 27 Oct 2017 01:13:00 +0000", 1509066780},
        {"27 Oct 2017 01:13:00 +0000", 1509066780},
        {"Fri, 27 Oct 2017 01:13:00 -0000", 1509066780},
        {"Fri, 27 Oct 2017 04:13:00 +0300", 1509066780},
        {"Fri, 27 Oct 2017 01:13:00 GMT", 1509066780},
        {"Fri, 27 Oct 2017 01:13 UT", 1509066780},
        {"Thu, 26 Oct 2017 20:13:00 EST", 1509066780},
        {"Thu, 26 Oct 2017 21:13:00 EDT", 1509066780},
        {"Thu, 26 Oct 2017 19:13:00 CST", 1509066780},
        {"Thu, 26 Oct 2017 18:13:00 PDT", 1509066780},
        {"Fri, 27 Oct 2017 03:13:00 CEST", 1509066780},
        {"Fri, 27 Oct 17 01:13:00 +0000", 1509066780},
        {"Fri, 27 Oct 49 01:13:00 +0000", 2518909980LL},
        {"Fri, 27 Oct 67 01:13:00 +0000", -68856420},
        {"Fri, 27 Oct 2017 01:13:00 +0000 (UTC)", 1509066780},
        {"Fri, 27 Oct 2017 01:13:00 +0000 (Coordinated (Universal) Time)",
         1509066780},
        {"fri, 27 OCT 2017 01:13:00 gmt", 1509066780},
        {"Friday, 27 October 2017 01:13:00 +0000", 1509066780},
        {"1 Jan 1970 00:00:00 -0000", 0},
    };

    (void)state;
    check_vectors(v, sizeof v / sizeof v[0]);
}

static void test_date__scraped(void **state)
{
    static const date_vec v[] = {
        {"27th October 2017 01:13 AM", 1509066780},
        {"27th October 2017 12:13 AM", 1509063180},
        {"27th October 2017 01:13 PM", 1509109980},
        {"27th October 2017 12:13 PM", 1509106380},
        {"October 27, 2017", 1509062400},
        {"October 27th, 2017", 1509062400},
        {"Oct 27, 2017 1:13 PM", 1509109980},
        {"Oct. 27, 2017 1:13 p.m.", 1509109980},
        {"Oct 27, 2017 1:13 pm EDT", 1509124380},
        {"Oct 27, 2017 1:13 PM -0400", 1509124380},
        {"Friday, October 27th, 2017 at 1:13 PM", 1509109980},
        {"27 October 2017", 1509062400},
        {"27 october 2017", 1509062400},
        {"1st of October 2017", 1506816000},
        {"27-Oct-2017", 1509062400},
        {"SEPT 5, 2017", 1504569600},
        {"Sep 5 2017", 1504569600},
        {"October 2017", 1506816000},
        {"27/10/2017", 1509062400},
        {"10/27/2017", 1509062400},
        {"27.10.2017", 1509062400},
        {"27-10-2017 01:13", 1509066780},
        {"01:13 27-10-2017", 1509066780},
        {"27/10/17", 1509062400},
        {"2017/10/27", 1509062400},
        {"2017/10/27 01:13:00", 1509066780},
        /* both 12 or less: day first */
        {"05/06/2017", 1496620800},
        {"Fri Oct 27 01:13:00 +0000 2017", 1509066780},
        {"Fri Oct 27 01:13:00 2017", 1509066780},
        {"GMT 05:05 2018 Friday ,19 January", 1516338300},
        {"2017-10-27 01:13:00 GMT+3", 1509055980},
        {"2017-10-27 06:43:00 UTC+05:30", 1509066780},
        {"1509066780", 1509066780},
        {"1509066780.9", 1509066780},
        {"1509066780123", 1509066780},
        {"946684800", 946684800},
    };

    (void)state;
    check_vectors(v, sizeof v / sizeof v[0]);
}

/* ---- refusals ---------------------------------------------------------- */

static void test_date__invalid(void **state)
{
    static const char *const bad[] = {
        "", " ", "\t\n", "yesterday", "today", "now", "2017",
        "12345", "123456789012", "12345678901234567890",
        "2017-13-01", "2017-00-10", "2017-10-00", "2017-10-32",
        "31 Feb 2017", "29 Feb 2017", "2017-02-29", "1900-02-29",
        "2100-02-29", "20171301", "20170230", "20171027250000",
        "2017-04-31", "31/04/2017", "13/13/2017",
        "2017-10-27T24:00:00Z", "2017-10-27T25:00:00Z",
        "2017-10-27T01:60Z", "2017-10-27T01:13:61Z", "2017-10-27T1:3Z",
        "2017-10-27T01:13:00+24:00", "2017-10-27T01:13:00+03:60",
        "2017-10-27T01:13:00+3", "2017-10-27T01:13:00+03000",
        "2017-10-27T", "2017-10-27T01", "2017-10-27Tjunk",
        "2017-10-27T01:13:00Zjunk", "2017-10-27 X",
        "27 Oct 2017 13:00 PM", "27 Oct 2017 0:30 AM", "27 Oct 2017 PM",
        "27 Oct 2017 1:13 PM PM", "27 Oct 2017 01:13 01:14",
        "27 Oct 2017 01:13:00 +0000 +0000", "27 Oct 2017 GMT EST",
        "Oct Nov 27 2017", "27th 28th Oct 2017", "27th 10 2017",
        "Friday Friday 27 Oct 2017", "27 Oct", "Oct 27", "Oct 27 2017 5",
        "27 Oct 117", "27 Oct 2017 2018", "1/2/3", "27/10/2017/5",
        "27/10", "10.2017", "2017.10", "27 Octobre 2017", "27 Oc 2017",
        "The 27 October 2017", "27 Oct 2017 (unterminated",
        "+2017-10-27", "2017-10-27 01:13 Z extra", "Z 2017-10-27",
        "2017-10-27 z", "1509066780.", ".5", "1509066780123.5",
        "2017\xE2\x80\x93" "10\xE2\x80\x93" "27", "2017-10-27 \xC2\xA0",
        "27 Oct 2017 01:13 EST5EDT", "27 Oct 2017 01:13 IST",
        "27 Oct 2017 01:13 A", "2017-10-27 01:13 -5",
        "27 Oct 2017 a.m.", "2017-10-27 01:13 +0300 (x",
    };
    int64_t got = 42;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (parse(&got, bad[i]) != ND_EFORMAT)
            fail_msg("\"%s\" parsed to %lld", bad[i], (long long)got);
        assert_int_equal(got, 42); /* untouched on failure */
    }
}

static void test_date__nul_and_args(void **state)
{
    static const char with_nul[] = "2017-10-27\0T01:13:00Z";
    char *big;
    int64_t got = 42;
    size_t n = (size_t)1 << 20;

    (void)state;
    /* a NUL byte is no part of a date */
    assert_int_equal(nd_date_parse(&got, with_nul, sizeof with_nul - 1),
                     ND_EFORMAT);
    assert_int_equal(nd_date_parse(&got, "2017\0", 5), ND_EFORMAT);
    assert_int_equal(nd_date_parse(&got, "\0", 1), ND_EFORMAT);
    /* the length is what counts, not a NUL */
    assert_int_equal(nd_date_parse(&got, with_nul, 10), 0);
    assert_int_equal(got, 1509062400);
    assert_int_equal(nd_date_parse(&got, "2017-10-27T01:13:00Z", 13),
                     ND_EFORMAT); /* "2017-10-27T01" */
    got = 42;
    assert_int_equal(nd_date_parse(&got, "", 0), ND_EFORMAT);
    assert_int_equal(nd_date_parse(&got, NULL, 0), ND_EFORMAT);
    assert_int_equal(nd_date_parse(&got, NULL, 3), ND_EINVAL);
    assert_int_equal(nd_date_parse(NULL, "2017-10-27", 10), ND_EINVAL);
    assert_int_equal(got, 42);

    /* huge inputs: refused, or trimmed to the date inside white space */
    big = malloc(n);
    assert_non_null(big);
    memset(big, '1', n);
    assert_int_equal(nd_date_parse(&got, big, n), ND_EFORMAT);
    memset(big, ' ', n);
    assert_int_equal(nd_date_parse(&got, big, n), ND_EFORMAT);
    memcpy(big + n / 2, "2017-10-27", 10);
    assert_int_equal(nd_date_parse(&got, big, n), 0);
    assert_int_equal(got, 1509062400);
    memcpy(big + n / 4, "x", 1);
    assert_int_equal(nd_date_parse(&got, big, n), ND_EFORMAT);
    free(big);
}

/* ---- seeded properties ------------------------------------------------- */

static uint64_t g_rng;

static uint64_t rnd(void)
{
    g_rng ^= g_rng << 13;
    g_rng ^= g_rng >> 7;
    g_rng ^= g_rng << 17;
    return g_rng;
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static int leap(int y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int month_len(int y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};

    return m == 2 && leap(y) ? 29 : len[m - 1];
}

/* Days from 1970-01-01, the slow way: whole years, then months, then days. */
static int64_t naive_days(int y, int m, int d)
{
    int64_t days = 0;
    int i;

    for (i = 1970; i < y; i++)
        days += leap(i) ? 366 : 365;
    for (i = y; i < 1970; i++)
        days -= leap(i) ? 366 : 365;
    for (i = 1; i < m; i++)
        days += month_len(y, i);
    return days + d - 1;
}

static void test_date__random_dates(void **state)
{
    static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr",
                                        "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec"};
    static const char *const full[12] = {
        "January", "February", "March",     "April",   "May",      "June",
        "July",    "August",   "September", "October", "November",
        "December"};
    char s[128];
    int64_t want, got, utc;
    int y, m, d, h, mi, sec, off, style, i;

    (void)state;
    g_rng = 0x5eed0da7e5ULL;
    for (i = 0; i < 3000; i++) {
        y = (int)rnd_below(10000);
        m = 1 + (int)rnd_below(12);
        d = 1 + (int)rnd_below((unsigned)month_len(y, m));
        h = (int)rnd_below(24);
        mi = (int)rnd_below(60);
        sec = (int)rnd_below(60);
        off = ((int)rnd_below(48) - 24) * 30; /* minutes, -12:00..+11:30 */
        utc = naive_days(y, m, d) * 86400 + h * 3600 + mi * 60 + sec;
        want = utc - (int64_t)off * 60;
        style = (int)rnd_below(6);
        switch (style) {
        case 0:
            snprintf(s, sizeof s, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
                     y, m, d, h, mi, sec, off < 0 ? '-' : '+', abs(off) / 60,
                     abs(off) % 60);
            break;
        case 1:
            snprintf(s, sizeof s, "%d %s %04d %02d:%02d:%02d %c%02d%02d", d,
                     mon[m - 1], y, h, mi, sec, off < 0 ? '-' : '+',
                     abs(off) / 60, abs(off) % 60);
            break;
        case 2:
            snprintf(s, sizeof s, "%s %d, %04d %d:%02d:%02d %s", full[m - 1],
                     d, y, h % 12 ? h % 12 : 12, mi, sec, h < 12 ? "AM" : "PM");
            want = utc;
            break;
        case 3:
            snprintf(s, sizeof s, "%04d%02d%02d%02d%02d%02d", y, m, d, h, mi,
                     sec);
            want = utc;
            break;
        case 4:
            snprintf(s, sizeof s, "%04d/%02d/%02d", y, m, d);
            want = naive_days(y, m, d) * 86400;
            break;
        default:
            /* written day first, which the rule reads right whatever
               the day and month */
            snprintf(s, sizeof s, "%02d.%02d.%04d", d, m, y);
            want = naive_days(y, m, d) * 86400;
            break;
        }
        got = INT64_MIN;
        if (parse(&got, s) != 0)
            fail_msg("\"%s\" did not parse", s);
        if (got != want)
            fail_msg("\"%s\": got %lld, want %lld", s, (long long)got,
                     (long long)want);
    }
}

static void test_date__random_bytes(void **state)
{
    /* Mostly the bytes dates are made of, so that the parser gets deep
       into its paths, with some of everything else */
    static const char alpha[] = "0123456789012345678901234567890123456789"
                                "-:+/.,T Z()apmAPM OctGMTUTCESTthndrs";
    const int64_t lo = nd_date_days(0, 1, 1) * 86400 - 86400;
    const int64_t hi = nd_date_days(9999, 12, 31) * 86400 + 2 * 86400;
    unsigned char *buf;
    int64_t got;
    size_t n, j;
    int i, rc, ok = 0;

    (void)state;
    g_rng = 0xb17e5b17e5ULL;
    for (i = 0; i < 200000; i++) {
        n = rnd_below(40);
        buf = malloc(n ? n : 1);
        assert_non_null(buf);
        for (j = 0; j < n; j++)
            buf[j] = rnd_below(4) == 0
                         ? (unsigned char)rnd_below(256)
                         : (unsigned char)alpha[rnd_below(sizeof alpha - 1)];
        got = INT64_MIN;
        rc = nd_date_parse(&got, (const char *)buf, n);
        free(buf);
        if (rc == 0) {
            ok++;
            assert_true(got >= lo && got <= hi);
        } else {
            assert_int_equal(rc, ND_EFORMAT);
            assert_true(got == INT64_MIN);
        }
    }
    /* a few random strings do make dates; not all of them fail early */
    assert_true(ok > 0);
}

static void test_date__days(void **state)
{
    int y, m;

    (void)state;
    assert_int_equal(nd_date_days(1970, 1, 1), 0);
    assert_int_equal(nd_date_days(2000, 3, 1), 11017);
    assert_int_equal(nd_date_days(1969, 12, 31), -1);
    assert_int_equal(nd_date_days(0, 1, 1), -719528);
    for (y = 0; y <= 9999; y += 7)
        for (m = 1; m <= 12; m++)
            assert_int_equal(nd_date_days(y, (unsigned)m, 1),
                             naive_days(y, m, 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date__iso),
        cmocka_unit_test(test_date__rfc2822),
        cmocka_unit_test(test_date__scraped),
        cmocka_unit_test(test_date__invalid),
        cmocka_unit_test(test_date__nul_and_args),
        cmocka_unit_test(test_date__random_dates),
        cmocka_unit_test(test_date__random_bytes),
        cmocka_unit_test(test_date__days),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
