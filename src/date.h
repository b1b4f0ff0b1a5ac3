/*
 * date.h - turns the date of an article, as written in its metadata, into
 * seconds since 1970-01-01T00:00:00Z.
 *
 * A leaf beside the reader: the reader hands dates over as written and the
 * scan parses them here, so that one odd date costs a warning at most, not
 * the record. News metadata writes dates in every style there is, so the
 * parser is lenient about layout and strict about values: it reads the
 * parts it knows (numbers, English month and weekday names, times, zones)
 * in almost any order, then refuses any date that does not exist.
 *
 * Accepted, among others:
 *  - ISO 8601 / RFC 3339: 2017-10-27, 2017-10 (the first of the month),
 *    20171027, 2017-10-27T01:13:00Z, 2017-10-27 01:13:00,
 *    2017-10-27T01:13:00.123+03:00, ...+0300, ...+03, 20171027T011300Z.
 *  - RFC 2822: Fri, 27 Oct 2017 01:13:00 +0000, with or without the
 *    weekday and seconds, with a zone name (UT, GMT, EST, EDT, CST, CDT,
 *    MST, MDT, PST, PDT, Z and a few common others: BST, WET, WEST, CET,
 *    CEST, EET, EEST, MSK, JST, KST, HKT, SGT, AEST, AEDT) and comments in
 *    parentheses. Two-digit years follow RFC 2822: 00-49 are 2000-2049,
 *    50-99 are 1950-1999. Three-digit years are refused.
 *  - Scraped forms: 27th October 2017 01:13 AM, October 27, 2017,
 *    Oct. 27, 2017 1:13 p.m., 27 October 2017, 27-Oct-2017, asctime and
 *    Twitter's "Fri Oct 27 01:13:00 +0000 2017", "GMT+3", "UTC-05:00", and
 *    a month name with a four-digit year alone ("October 2017": the first).
 *  - All-digit dates: 8 digits are YYYYMMDD, 14 are YYYYMMDDhhmmss, 9 or 10
 *    are Unix seconds (optionally with a fraction), 13 are Unix
 *    milliseconds. Other lengths (a bare year "2017" among them) are
 *    refused as too ambiguous.
 *  - Numeric dates A/B/C (also with '-' or '.'): YYYY/MM/DD when A has four
 *    digits; else C is the year and A/B are read day first (D/M/Y) when
 *    A > 12, month first (M/D/Y) when B > 12, and day first when both are
 *    12 or less: most of the world's news sites write the day first.
 *
 * Month and weekday names are English, full or three letters (also Sept,
 * Tues, Thur, Thurs), in any case; the weekday is ignored, never checked
 * against the date. A time with AM/PM (or a.m./p.m.) needs an hour of 1 to
 * 12. A second of 60 (a leap second) counts as the next minute's first.
 * Without a zone the time is UTC; without a time the date is midnight UTC.
 * Fractions of a second are dropped. Years run from 0 to 9999 in the
 * proleptic Gregorian calendar, so results before 1970 are negative.
 */
#ifndef ND_DATE_H
#define ND_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "neardup.h"

/*
 * Parses the date s[0..len) (need not be NUL-terminated, may hold any
 * bytes; white space around it is ignored) into *out_unix_seconds.
 * Returns 0; ND_EFORMAT when s is not a date this parser knows, or names a
 * day or time that does not exist (*out is then untouched); ND_EINVAL when
 * out_unix_seconds is NULL, or s is NULL while len is not 0.
 */
int nd_date_parse(int64_t *out_unix_seconds, const char *s, size_t len);

/*
 * Days from 1970-01-01 to year-month-day of the proleptic Gregorian
 * calendar (negative before it). The arguments are not checked.
 */
int64_t nd_date_days(int64_t year, unsigned month, unsigned day);

#endif /* ND_DATE_H */
