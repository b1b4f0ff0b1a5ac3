/*
 * date.c - parses the dates of news metadata into Unix seconds (see date.h).
 *
 * The one idea: rather than one grammar per format, a single pass collects
 * parts - bare numbers, a day with an ordinal suffix, a month name, a
 * clock time, a zone - and only at the end decides which number is the
 * year, the month and the day. What makes a part a part is local: a number
 * followed by ':' starts a time, "+hhmm" right after a time is an offset, a
 * word is looked up in small tables. Everything else (a word it does not
 * know, a stray byte, a fourth number) makes the whole string not a date,
 * so "yesterday" or a headline never parses into a plausible time.
 *
 * The calendar arithmetic is our own and never asks the C library, whose
 * mktime depends on TZ and whose timegm is not standard C.
 */
#include "date.h"

#include <string.h>

/* Longer strings are not dates; the limit also bounds every loop. */
#define DATE_MAXLEN 256
/* Letters of the longest word looked up ("wednesday"), plus room. */
#define DATE_WORDMAX 12

/* What the last part read was; an offset sign only counts after a time. */
typedef enum date_prev {
    DATE_P_NONE = 0, /* nothing yet, or a separator */
    DATE_P_NUM = 1,  /* a number */
    DATE_P_TIME = 2, /* a clock time */
    DATE_P_AMPM = 3, /* AM or PM after a time */
    DATE_P_T = 4,    /* the 'T' between an ISO date and its time */
    DATE_P_WORD = 5  /* a name or a zone */
} date_prev;

/* A number whose role is decided at the end. */
typedef struct date_num {
    int64_t v;       /* its value */
    unsigned digits; /* how many digits it was written with */
} date_num;

/* The parts found so far. */
typedef struct date_parts {
    date_num nums[3];  /* bare numbers, in order */
    unsigned n_nums;   /* count of those */
    int day;           /* a day written as an ordinal ("27th"), or 0 */
    int month;         /* a month written as a name (1-12), or 0 */
    int weekday;       /* a weekday name was seen */
    int have_time;     /* hour, min and sec are set */
    int hour;          /* 0-23, or 1-12 with ampm */
    int min;           /* 0-59 */
    int sec;           /* 0-60 */
    int ampm;          /* 0: none, 1: AM, 2: PM */
    int have_zone;     /* offset is set */
    int64_t offset;    /* seconds east of UTC */
    date_prev prev;    /* the last part */
} date_parts;

/* A zone name and its offset in minutes east of UTC. Only names whose
   meaning news sites agree on: IST or "CST" in China would be guesses, and
   "CST" here is RFC 2822's US Central. */
static const struct {
    const char *name;
    int minutes;
} date_zones[] = {
    {"ut", 0},     {"utc", 0},    {"gmt", 0},    {"z", 0},
    {"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},
    {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
    {"wet", 0},    {"west", 60},  {"bst", 60},   {"cet", 60},
    {"cest", 120}, {"eet", 120},  {"eest", 180}, {"msk", 180},
    {"hkt", 480},  {"sgt", 480},  {"jst", 540},  {"kst", 540},
    {"aest", 600}, {"aedt", 660}};

static const char *const date_month_names[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

static const char *const date_weekday_names[7] = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday"};

/* ---- calendar ---------------------------------------------------------- */

static int64_t date_floordiv(int64_t a, int64_t b)
{
    int64_t q = a / b;

    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int date_leap(int64_t y)
{
    return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int date_mdays(int64_t y, int m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30,
                                           31, 31, 30, 31, 30, 31};

    return m == 2 && date_leap(y) ? 29 : days[m - 1];
}

/*
 * Counting years from March puts the leap day at the end of a year, so the
 * days before a month no longer depend on the year: they grow by 30.6 a
 * month (31, 30, 31, 30, 31 from March to July, and again from August),
 * which (153 * m + 2) / 5 rounds exactly. The Gregorian leap years before
 * a year are then y/4 - y/100 + y/400, and 719468 is the value of the sum
 * for 1970-01-01, counted from 0000-03-01.
 */
int64_t nd_date_days(int64_t year, unsigned month, unsigned day)
{
    int64_t y = month <= 2 ? year - 1 : year;
    int64_t m = month <= 2 ? (int64_t)month + 9 : (int64_t)month - 3;

    return 365 * y + date_floordiv(y, 4) - date_floordiv(y, 100) +
           date_floordiv(y, 400) + (153 * m + 2) / 5 + (int64_t)day - 1 -
           719468;
}

/* ---- characters -------------------------------------------------------- */

static int date_isdigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int date_isalpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int date_isspace(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
}

static unsigned char date_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* Reads exactly n digits at *p (within end) into *out; advances *p. */
static int date_fixed(const unsigned char **p, const unsigned char *end,
                      unsigned n, int *out)
{
    const unsigned char *q = *p;
    int v = 0;
    unsigned i;

    if ((size_t)(end - q) < n)
        return 0;
    for (i = 0; i < n; i++) {
        if (!date_isdigit(q[i]))
            return 0;
        v = v * 10 + (q[i] - '0');
    }
    if (q + n < end && date_isdigit(q[n]))
        return 0;
    *out = v;
    *p = q + n;
    return 1;
}

/* Counts the digits at p (within end), up to max + 1. */
static unsigned date_run(const unsigned char *p, const unsigned char *end,
                         unsigned max)
{
    unsigned n = 0;

    while (p + n < end && n <= max && date_isdigit(p[n]))
        n++;
    return n;
}

static int64_t date_value(const unsigned char *p, unsigned n)
{
    int64_t v = 0;
    unsigned i;

    for (i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

/* ---- words ------------------------------------------------------------- */

/* Full name, or its first three letters, or one of the extra spellings. */
static int date_name_match(const char *w, size_t n, const char *full,
                           const char *const *extra)
{
    size_t flen = strlen(full);

    if ((n == 3 || n == flen) && strncmp(w, full, n) == 0)
        return 1;
    for (; extra && *extra; extra++)
        if (strlen(*extra) == n && memcmp(w, *extra, n) == 0)
            return 1;
    return 0;
}

static int date_month(const char *w, size_t n)
{
    static const char *const sept[] = {"sept", NULL};
    int i;

    for (i = 0; i < 12; i++)
        if (date_name_match(w, n, date_month_names[i], i == 8 ? sept : NULL))
            return i + 1;
    return 0;
}

static int date_weekday(const char *w, size_t n)
{
    static const char *const tue[] = {"tues", NULL};
    static const char *const thu[] = {"thur", "thurs", NULL};
    int i;

    for (i = 0; i < 7; i++)
        if (date_name_match(w, n, date_weekday_names[i],
                            i == 1 ? tue : i == 3 ? thu : NULL))
            return 1;
    return 0;
}

static int date_zone(const char *w, size_t n, int *minutes)
{
    size_t i;

    for (i = 0; i < sizeof date_zones / sizeof date_zones[0]; i++)
        if (strlen(date_zones[i].name) == n &&
            memcmp(w, date_zones[i].name, n) == 0) {
            *minutes = date_zones[i].minutes;
            return 1;
        }
    return 0;
}

/* ---- parts ------------------------------------------------------------- */

/*
 * An offset at *p, which is '+' or '-': hh, hh:mm or hhmm ("+03",
 * "+03:00", "+0300"); loose also allows one-digit hours ("GMT+3"). Sets
 * d->offset; 0 when it is not one.
 */
static int date_offset(date_parts *d, const unsigned char **p,
                       const unsigned char *end, int loose)
{
    const unsigned char *q = *p + 1;
    int sign = **p == '-' ? -1 : 1, hh = 0, mm = 0;
    unsigned n = date_run(q, end, 4);

    if (n == 4) {
        hh = (int)date_value(q, 2);
        mm = (int)date_value(q + 2, 2);
        q += 4;
    } else if (n == 2 || (n == 1 && loose)) {
        hh = (int)date_value(q, n);
        q += n;
        if (q < end && *q == ':') {
            q++;
            if (!date_fixed(&q, end, 2, &mm))
                return 0;
        }
    } else {
        return 0;
    }
    if (hh > 23 || mm > 59)
        return 0;
    d->offset = sign * (int64_t)(hh * 3600 + mm * 60);
    d->have_zone = 1;
    *p = q;
    return 1;
}

/* A clock time at *p: h:mm, h:mm:ss, with an optional fraction; or, after
   the ISO 'T', hhmm or hhmmss. */
static int date_time(date_parts *d, const unsigned char **p,
                     const unsigned char *end, unsigned n)
{
    const unsigned char *q = *p;

    if (d->have_time)
        return 0;
    d->sec = 0;
    if (q + n < end && q[n] == ':') {
        if (n > 2)
            return 0;
        d->hour = (int)date_value(q, n);
        q += n + 1;
        if (!date_fixed(&q, end, 2, &d->min))
            return 0;
        if (q < end && *q == ':') {
            q++;
            if (!date_fixed(&q, end, 2, &d->sec))
                return 0;
        }
    } else if (d->prev == DATE_P_T && (n == 4 || n == 6)) {
        d->hour = (int)date_value(q, 2);
        d->min = (int)date_value(q + 2, 2);
        if (n == 6)
            d->sec = (int)date_value(q + 4, 2);
        q += n;
    } else {
        return 0;
    }
    /* A fraction only after seconds or minutes, with '.' or ISO's ',' */
    if (q + 1 < end && (*q == '.' || *q == ',') && date_isdigit(q[1])) {
        q++;
        while (q < end && date_isdigit(*q))
            q++;
    }
    d->have_time = 1;
    d->prev = DATE_P_TIME;
    *p = q;
    return 1;
}

static int date_push(date_parts *d, int64_t v, unsigned digits)
{
    if (d->n_nums == 3 || digits > 4)
        return 0;
    d->nums[d->n_nums].v = v;
    d->nums[d->n_nums].digits = digits;
    d->n_nums++;
    return 1;
}

/* A digit run at *p: a time, a day with an ordinal suffix, a basic ISO
   date (8 digits), or a number whose role is decided later. */
static int date_number(date_parts *d, const unsigned char **p,
                       const unsigned char *end)
{
    const unsigned char *q = *p;
    unsigned n = date_run(q, end, 8);
    unsigned char a, b;

    if (n > 8)
        return 0;
    if ((q + n < end && q[n] == ':') || d->prev == DATE_P_T)
        return date_time(d, p, end, n);
    if (n == 8) {
        if (d->n_nums || d->day)
            return 0;
        date_push(d, date_value(q, 4), 4);
        date_push(d, date_value(q + 4, 2), 2);
        date_push(d, date_value(q + 6, 2), 2);
        *p = q + 8;
        d->prev = DATE_P_NUM;
        return 1;
    }
    q += n;
    if (end - q >= 2 && n <= 2) {
        a = date_lower(q[0]);
        b = date_lower(q[1]);
        if (((a == 's' && b == 't') || (a == 'n' && b == 'd') ||
             (a == 'r' && b == 'd') || (a == 't' && b == 'h')) &&
            (end - q == 2 || !date_isalpha(q[2]))) {
            if (d->day)
                return 0;
            d->day = (int)date_value(*p, n);
            if (d->day == 0)
                return 0;
            *p = q + 2;
            d->prev = DATE_P_NUM;
            return 1;
        }
    }
    if (!date_push(d, date_value(*p, n), n))
        return 0;
    *p = q;
    d->prev = DATE_P_NUM;
    return 1;
}

/* A run of letters at *p: a month, a weekday, AM/PM, a zone, the ISO 'T'
   or a filler word ("at", "of", "on"). */
static int date_word(date_parts *d, const unsigned char **p,
                     const unsigned char *start, const unsigned char *end)
{
    const unsigned char *q = *p;
    char w[DATE_WORDMAX + 1];
    size_t n = 0;
    int v;

    while (q < end && date_isalpha(*q)) {
        if (n == DATE_WORDMAX)
            return 0;
        w[n++] = (char)date_lower(*q++);
    }
    w[n] = '\0';
    /* "a.m." and "p.m." */
    if (n == 1 && (w[0] == 'a' || w[0] == 'p') && end - q >= 2 &&
        q[0] == '.' && date_lower(q[1]) == 'm') {
        q += 2;
        if (q < end && *q == '.')
            q++;
        w[1] = 'm';
        w[2] = '\0';
        n = 2;
    }
    if (n == 2 && (w[0] == 'a' || w[0] == 'p') && w[1] == 'm') {
        if (!d->have_time || d->ampm || d->prev != DATE_P_TIME)
            return 0;
        d->ampm = w[0] == 'a' ? 1 : 2;
        d->prev = DATE_P_AMPM;
    } else if (n == 1 && w[0] == 't' && d->prev == DATE_P_NUM &&
               *p > start && date_isdigit((*p)[-1]) && q < end &&
               date_isdigit(*q)) {
        d->prev = DATE_P_T;
    } else if ((v = date_month(w, n)) != 0) {
        if (d->month)
            return 0;
        d->month = v;
        d->prev = DATE_P_WORD;
    } else if (date_weekday(w, n)) {
        if (d->weekday)
            return 0;
        d->weekday = 1;
        d->prev = DATE_P_WORD;
    } else if (date_zone(w, n, &v)) {
        /* A lone "Z" is a zone only right after a time */
        if (d->have_zone || (n == 1 && d->prev != DATE_P_TIME))
            return 0;
        d->have_zone = 1;
        d->offset = (int64_t)v * 60;
        d->prev = DATE_P_WORD;
        if (w[0] != 'z' && (w[0] == 'u' || w[0] == 'g') && end - q >= 2 &&
            (*q == '+' || *q == '-') && date_isdigit(q[1]) &&
            !date_offset(d, &q, end, 1))
            return 0;
    } else if ((n == 2 && (memcmp(w, "at", 2) == 0 ||
                           memcmp(w, "of", 2) == 0 ||
                           memcmp(w, "on", 2) == 0))) {
        d->prev = DATE_P_WORD;
    } else {
        return 0;
    }
    *p = q;
    return 1;
}

/* ---- putting it together ----------------------------------------------- */

/* A year as written: four digits as they are, two per RFC 2822. */
static int date_year(const date_num *x, int64_t *out)
{
    if (x->digits == 4)
        *out = x->v;
    else if (x->digits == 2)
        *out = x->v < 50 ? 2000 + x->v : 1900 + x->v;
    else
        return 0;
    return 1;
}

/* Decides year, month and day from the parts; 0 when they are no date. */
static int date_ymd(const date_parts *d, int64_t *y, int *m, int *day)
{
    const date_num *a = &d->nums[0], *b = &d->nums[1], *c = &d->nums[2];

    if (d->month) {
        *m = d->month;
        if (d->day) {
            *day = d->day;
            return d->n_nums == 1 && date_year(a, y);
        }
        if (d->n_nums == 1) {
            /* "October 2017": a month without a day is its first */
            *day = 1;
            return a->digits == 4 && date_year(a, y);
        }
        if (d->n_nums != 2)
            return 0;
        if (a->digits == 4 && b->digits <= 2) {
            c = a;
            a = b;
            b = c;
        }
        /* now a is the day and b the year: "27 Oct 2017", "Oct 27, 17" */
        if (a->digits > 2)
            return 0;
        *day = (int)a->v;
        return date_year(b, y);
    }
    if (d->day)
        return 0;
    if (d->n_nums == 2) {
        /* "2017-10": the first of the month */
        if (a->digits != 4 || b->digits > 2)
            return 0;
        *y = a->v;
        *m = (int)b->v;
        *day = 1;
        return 1;
    }
    if (d->n_nums != 3)
        return 0;
    if (a->digits == 4) {
        if (b->digits > 2 || c->digits > 2)
            return 0;
        *y = a->v;
        *m = (int)b->v;
        *day = (int)c->v;
        return 1;
    }
    if (a->digits > 2 || b->digits > 2 || !date_year(c, y))
        return 0;
    /* Day first unless that cannot be: see date.h */
    if (a->v <= 12 && b->v > 12) {
        *m = (int)a->v;
        *day = (int)b->v;
    } else {
        *day = (int)a->v;
        *m = (int)b->v;
    }
    return 1;
}

/* The parse of a string made only of digits (and a fraction): see date.h. */
static int date_digits_only(int64_t *out, const unsigned char *p, size_t n,
                            size_t int_len)
{
    int64_t y, v;
    int mo, da, h = 0, mi = 0, s = 0;

    if (int_len != n && int_len != 9 && int_len != 10)
        return ND_EFORMAT;
    switch (int_len) {
    case 9:
    case 10:
        *out = date_value(p, (unsigned)int_len);
        return 0;
    case 13:
        v = date_value(p, 13);
        *out = v / 1000;
        return 0;
    case 8:
    case 14:
        y = date_value(p, 4);
        mo = (int)date_value(p + 4, 2);
        da = (int)date_value(p + 6, 2);
        if (int_len == 14) {
            h = (int)date_value(p + 8, 2);
            mi = (int)date_value(p + 10, 2);
            s = (int)date_value(p + 12, 2);
        }
        if (mo < 1 || mo > 12 || da < 1 || da > date_mdays(y, mo) ||
            h > 23 || mi > 59 || s > 60)
            return ND_EFORMAT;
        *out = nd_date_days(y, (unsigned)mo, (unsigned)da) * 86400 +
               h * 3600 + mi * 60 + s;
        return 0;
    default:
        return ND_EFORMAT;
    }
}

int nd_date_parse(int64_t *out_unix_seconds, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end, *start;
    date_parts d;
    int64_t y;
    int m, day, hour, depth;
    size_t i;

    if (!out_unix_seconds || (!s && len))
        return ND_EINVAL;
    if (!s)
        return ND_EFORMAT;
    end = p + len;
    while (p < end && date_isspace(*p))
        p++;
    while (end > p && date_isspace(end[-1]))
        end--;
    if (p == end || (size_t)(end - p) > DATE_MAXLEN)
        return ND_EFORMAT;

    /* Digits alone, perhaps with a fraction of a second */
    for (i = 0; p + i < end && date_isdigit(p[i]); i++)
        ;
    if (p + i == end || (p + i + 1 < end && p[i] == '.' &&
                         date_run(p + i + 1, end, DATE_MAXLEN) ==
                             (size_t)(end - p) - i - 1))
        return date_digits_only(out_unix_seconds, p, (size_t)(end - p), i);

    memset(&d, 0, sizeof d);
    start = p;
    while (p < end) {
        if (date_isspace(*p) || *p == ',') {
            p++;
        } else if (*p == '(') {
            /* RFC 2822 comment, perhaps nested: "+0000 (UTC)" */
            depth = 0;
            do {
                if (*p == '(')
                    depth++;
                else if (*p == ')')
                    depth--;
                p++;
            } while (p < end && depth > 0);
            if (depth)
                return ND_EFORMAT;
        } else if (*p == '+' || *p == '-') {
            if ((d.prev == DATE_P_TIME || d.prev == DATE_P_AMPM) &&
                end - p >= 2 && date_isdigit(p[1])) {
                if (d.have_zone || !date_offset(&d, &p, end, 0))
                    return ND_EFORMAT;
                d.prev = DATE_P_WORD;
            } else if (*p == '-') {
                p++;
                d.prev = DATE_P_NONE;
            } else {
                return ND_EFORMAT;
            }
        } else if (*p == '/' || *p == '.') {
            p++;
            d.prev = DATE_P_NONE;
        } else if (date_isdigit(*p)) {
            if (!date_number(&d, &p, end))
                return ND_EFORMAT;
        } else if (date_isalpha(*p)) {
            if (!date_word(&d, &p, start, end))
                return ND_EFORMAT;
        } else {
            return ND_EFORMAT;
        }
    }
    if (d.prev == DATE_P_T || !date_ymd(&d, &y, &m, &day))
        return ND_EFORMAT;
    if (y < 0 || y > 9999 || m < 1 || m > 12 || day < 1 ||
        day > date_mdays(y, m))
        return ND_EFORMAT;
    hour = d.hour;
    if (d.ampm) {
        /* 12 AM is midnight, 12 PM noon */
        if (hour < 1 || hour > 12)
            return ND_EFORMAT;
        hour = hour % 12 + (d.ampm == 2 ? 12 : 0);
    }
    if (hour > 23 || d.min > 59 || d.sec > 60)
        return ND_EFORMAT;
    *out_unix_seconds = nd_date_days(y, (unsigned)m, (unsigned)day) * 86400 +
                        (int64_t)hour * 3600 + d.min * 60 + d.sec - d.offset;
    return 0;
}
