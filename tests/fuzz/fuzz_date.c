/*
 * fuzz_date.c - fuzz target of the date parser (src/date.c), which reads
 * the date field of every record, written by whoever made the input.
 *
 * Besides memory safety (the input is a buffer of exactly its size, not
 * NUL-terminated), it checks what date.h promises, on the input and on
 * variants that must parse alike:
 *  - the result is 0 with a time between the years 0 and 9999 (give or
 *    take a zone), or ND_EFORMAT with the output untouched;
 *  - white space around the date changes nothing, nor does the case of
 *    its letters (names, zones, AM/PM and the ISO 'T' ignore case);
 *  - a date that parsed, written back as ISO 8601, RFC 2822 and
 *    YYYYMMDDhhmmss, parses to the same second.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "date.h"
#include "fuzz.h"

/* Longer than any date the parser takes (256), so variants stay cheap. */
#define FUZZ_DATE_MAX 1024

/* A result nobody parses to: tells whether the output was written. */
#define FUZZ_DATE_UNSET INT64_MIN

/* The parse of s[0..n), checked for its contract; rc in *rc. */
static int64_t date_parse_checked(const char *s, size_t n, int *rc)
{
    const int64_t lo = nd_date_days(0, 1, 1) * 86400 - 86400;
    const int64_t hi = nd_date_days(10000, 1, 1) * 86400 + 86400;
    int64_t v = FUZZ_DATE_UNSET;

    *rc = nd_date_parse(&v, s, n);
    FUZZ_CHECK(*rc == 0 || *rc == ND_EFORMAT);
    if (*rc == 0)
        FUZZ_CHECK(v >= lo && v < hi);
    else
        FUZZ_CHECK(v == FUZZ_DATE_UNSET);
    return v;
}

/* Splits Unix seconds t into a civil date and time (UTC); 0 when t falls
   outside the years 0 to 9999. nd_date_days is exact (test_date checks it
   against a day count), so the year and month are found by asking it. */
static int date_civil(int64_t t, int *y, int *mo, int *d, int *h, int *mi,
                      int *s)
{
    int64_t days, sec;
    int64_t yy;
    int m;

    if (t < nd_date_days(0, 1, 1) * 86400 ||
        t >= nd_date_days(10000, 1, 1) * 86400)
        return 0;
    days = t / 86400 - (t % 86400 < 0);
    sec = t - days * 86400;
    yy = 1970 + days / 366;
    while (yy < 9999 && nd_date_days(yy + 1, 1, 1) <= days)
        yy++;
    while (nd_date_days(yy, 1, 1) > days)
        yy--;
    for (m = 12; nd_date_days(yy, (unsigned)m, 1) > days; m--)
        ;
    *y = (int)yy;
    *mo = m;
    *d = (int)(days - nd_date_days(yy, (unsigned)m, 1)) + 1;
    *h = (int)(sec / 3600);
    *mi = (int)(sec / 60 % 60);
    *s = (int)(sec % 60);
    return 1;
}

/* Writes t back in three spellings and checks that each parses to t. */
static void date_round_trip(int64_t t)
{
    static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr",
                                        "May", "Jun", "Jul", "Aug",
                                        "Sep", "Oct", "Nov", "Dec"};
    char buf[3][64];
    int y, mo, d, h, mi, s, rc, k;

    if (!date_civil(t, &y, &mo, &d, &h, &mi, &s))
        return;
    snprintf(buf[0], sizeof buf[0], "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo,
             d, h, mi, s);
    snprintf(buf[1], sizeof buf[1], "%d %s %04d %02d:%02d:%02d +0000", d,
             mon[mo - 1], y, h, mi, s);
    snprintf(buf[2], sizeof buf[2], "%04d%02d%02d%02d%02d%02d", y, mo, d, h,
             mi, s);
    for (k = 0; k < 3; k++) {
        int64_t v = date_parse_checked(buf[k], strlen(buf[k]), &rc);

        if (rc != 0 || v != t)
            fprintf(stderr, "round trip of %lld: \"%s\" gave %d, %lld\n",
                    (long long)t, buf[k], rc, (long long)v);
        FUZZ_CHECK(rc == 0 && v == t);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char buf[FUZZ_DATE_MAX + 8];
    int64_t v, w;
    int rc, rc2;
    size_t i;

    v = date_parse_checked((const char *)data, size, &rc);
    if (size > FUZZ_DATE_MAX)
        return 0;

    /* White space around it */
    memcpy(buf, " \t", 2);
    memcpy(buf + 2, data, size);
    memcpy(buf + 2 + size, "\r\n ", 3);
    w = date_parse_checked(buf, size + 5, &rc2);
    FUZZ_CHECK(rc2 == rc && w == v);

    /* Letters in the other case */
    for (i = 0; i < size; i++) {
        unsigned char c = data[i];

        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 'a' + 'A');
        else if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        buf[i] = (char)c;
    }
    w = date_parse_checked(buf, size, &rc2);
    FUZZ_CHECK(rc2 == rc && w == v);

    if (rc == 0)
        date_round_trip(v);
    return 0;
}
