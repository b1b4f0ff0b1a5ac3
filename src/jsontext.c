/*
 * jsontext.c - JSON text for the reader and the writer (see jsontext.h):
 * string literals that are valid JSON whatever bytes the text holds; the
 * span of a top-level value in a line json-c has already parsed, so a
 * JSONL record can be written back with only its text field's value
 * replaced; and nd_json_fields, a strict check of a line that finds the
 * reader's few fields in one pass without building anything.
 *
 * The idea behind nd_json_fields: json-c accepts far more than JSON
 * (comments, single quotes, trailing commas, raw control bytes), and
 * what it makes of the odd cases is its own business. The check accepts
 * a subset of strict JSON that json-c surely reads the same way, and
 * says no to everything else, so its caller can hand those lines to
 * json-c and keep json-c's values and messages.
 */
#include "jsontext.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s[0..n), or 0 if it is not one. */
static size_t json_utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len, i;
    uint32_t cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are invalid. */
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return len;
}

/* Bytes that may stand in a JSON string as they are, eight at a time:
 * nonzero when the word w holds a byte below 0x20, at or above 0x80, or a
 * quote or backslash (exact as a yes/no; which byte is left to the byte
 * loop). Most news text is ASCII, so this skips it at word speed. */
static uint64_t json_word_special(uint64_t w)
{
    return (w & ND_WORD_HIGHS) | nd_word_below(w, 0x20) |
           nd_word_eq(w, '"') | nd_word_eq(w, '\\');
}

/* End of the run from i that needs no escaping: plain ASCII and valid
 * UTF-8 sequences. */
static size_t json_plain_run(const unsigned char *u, size_t i, size_t len)
{
    while (i < len) {
        size_t n;

        if (len - i >= 8) {
            uint64_t w, m;

            memcpy(&w, u + i, 8);
            if ((m = json_word_special(w)) == 0) {
                i += 8;
                continue;
            }
            i += nd_word_first(m); /* straight to the byte */
        }
        if (u[i] >= 0x20 && u[i] < 0x80 && u[i] != '"' && u[i] != '\\') {
            i++;
            continue;
        }
        if (u[i] < 0x80 || (n = json_utf8_len(u + i, len - i)) == 0)
            break;
        i += n;
    }
    return i;
}

int nd_json_string(nd_buf *out, const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0, run;
    int err = nd_buf_putc(out, '"');

    while (!err && i < len) {
        unsigned c = u[i];
        char esc[8];

        /* Copy the longest run that needs no escaping in one go. */
        run = json_plain_run(u, i, len);
        if (run > i) {
            err = nd_buf_append(out, s + i, run - i);
            i = run;
            continue;
        }
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            err = nd_buf_append(out, esc, 2);
            i++;
        } else if (c < 0x20) {
            const char *named = c == '\n' ? "\\n" : c == '\t' ? "\\t"
                              : c == '\r' ? "\\r" : NULL;

            if (named) {
                err = nd_buf_append(out, named, 2);
            } else {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                err = nd_buf_append(out, esc, 6);
            }
            i++;
        } else { /* a byte that is no valid UTF-8 */
            err = nd_buf_append(out, "\\ufffd", 6);
            i++;
        }
    }
    return err ? err : nd_buf_putc(out, '"');
}

int nd_json_uint(nd_buf *out, uint64_t v)
{
    char d[20];
    size_t n = 0;

    do {
        d[sizeof d - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return nd_buf_append(out, d + sizeof d - n, n);
}

/* Appends x with four decimals through printf, for the values that the
 * exact paths below leave to it. */
static int json_printf4(nd_buf *out, double x)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, "%.4f", x);

    return nd_buf_append(out, buf, n > 0 ? (size_t)n : 0);
}

/* Appends q / 10^4 with its four decimals: q is the value times 10^4,
 * already rounded. */
static int json_scaled4(nd_buf *out, uint64_t q)
{
    char frac[4];
    int k, err;

    for (k = 3; k >= 0; k--, q /= 10)
        frac[k] = (char)('0' + q % 10);
    err = nd_json_uint(out, q);
    if (!err)
        err = nd_buf_putc(out, '.');
    return err ? err : nd_buf_append(out, frac, 4);
}

int nd_json_fixed4(nd_buf *out, float x)
{
    /* A float times 10^4 is exact in a double (24 + 14 bits), so rounding
     * it half to even gives the digits printf's %.4f gives. */
    double v = (double)x * 10000.0;

    if (!(v >= 0 && v < 1e15))
        return json_printf4(out, (double)x);
    return json_scaled4(out, (uint64_t)nearbyint(v));
}

int nd_json_fixed4d(nd_buf *out, double x)
{
    /* x = m / 2^s with m below 2^53, so x * 10^4 = m * 625 / 2^(s - 4),
     * and m * 625 fits in 64 bits: the quotient and remainder of that
     * shift round exactly, half to even, as printf does. Values too small
     * or too large for one shift are rare: printf writes them. */
    uint64_t m, q, rem, half;
    int e, t;

    if (x == 0 && !signbit(x))
        return nd_buf_append(out, "0.0000", 6);
    if (!(x > 0 && x < 1e9))
        return json_printf4(out, x);
    m = (uint64_t)ldexp(frexp(x, &e), 53); /* exact: 53 bits */
    t = 53 - e - 4;
    if (t < 1 || t > 63)
        return json_printf4(out, x);
    m *= 625;
    q = m >> t;
    rem = m & (((uint64_t)1 << t) - 1);
    half = (uint64_t)1 << (t - 1);
    if (rem > half || (rem == half && (q & 1)))
        q++;
    return json_scaled4(out, q);
}

/* JSON spans (nd_json_value): the line is valid JSON, so the scan
 * only has to skip values, never to check them. */
static size_t json_skip_ws(const char *s, size_t i, size_t len)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' ||
                       s[i] == '\r'))
        i++;
    return i;
}

/* The index after the string that starts at s[i] == '"', or len. */
static size_t json_skip_string(const char *s, size_t i, size_t len)
{
    /* Text fields are long: find each quote with memchr; it closes the
     * string unless an odd run of backslashes stands before it. */
    for (i++; i < len;) {
        const char *q = memchr(s + i, '"', len - i);
        size_t at, back = 0;

        if (!q)
            return len;
        at = (size_t)(q - s);
        while (at - back > i && s[at - back - 1] == '\\')
            back++;
        if (back % 2 == 0)
            return at + 1;
        i = at + 1;
    }
    return len;
}

/* The index after the value at s[i], or len when it is no plain JSON. */
static size_t json_skip_value(const char *s, size_t i, size_t len)
{
    size_t depth = 0;

    while (i < len) {
        char c = s[i];

        if (c == '"') {
            i = json_skip_string(s, i, len);
            if (depth == 0)
                return i;
            continue;
        }
        if (c == '/' || c == '\'')
            return len; /* json-c's comments and quotes: leave it to json-c */
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i; /* a number or literal ends the object */
            if (--depth == 0)
                return i + 1;
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' ||
                                  c == '\n' || c == '\r')) {
            return i;
        }
        i++;
    }
    return len;
}

int nd_json_value(const char *raw, size_t len, const char *key,
                  size_t *start, size_t *end)
{
    size_t klen = strlen(key), i = json_skip_ws(raw, 0, len);
    int found = 0;

    if (i >= len || raw[i] != '{')
        return 0;
    i = json_skip_ws(raw, i + 1, len);
    while (i < len && raw[i] == '"') {
        size_t k0 = i + 1, k1 = json_skip_string(raw, i, len), v;

        if (k1 >= len || memchr(raw + k0, '\\', k1 - 1 - k0))
            return 0;
        i = json_skip_ws(raw, k1, len);
        if (i >= len || raw[i] != ':')
            return 0;
        v = json_skip_ws(raw, i + 1, len);
        if (v >= len)
            return 0;
        i = json_skip_value(raw, v, len);
        if (i >= len)
            return 0;
        if (k1 - 1 - k0 == klen && memcmp(raw + k0, key, klen) == 0) {
            if (found)
                return 0; /* json-c keeps the last; stay out of it */
            found = 1;
            *start = v;
            *end = i;
        }
        i = json_skip_ws(raw, i, len);
        if (i < len && raw[i] == ',')
            i = json_skip_ws(raw, i + 1, len);
        else
            break;
    }
    return found && i < len && raw[i] == '}';
}

/* The value of hex digit c, or -1. */
static int json_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The code unit of the \uXXXX escape at s[0..6), or -1. */
static long json_u_escape(const char *s, size_t n)
{
    long v = 0;
    size_t i;

    if (n < 6 || s[0] != '\\' || s[1] != 'u')
        return -1;
    for (i = 2; i < 6; i++) {
        int h = json_hex(s[i]);

        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

int nd_json_decode(nd_buf *out, const char *lit, size_t len)
{
    size_t i = 1, run;
    int err = 0;

    out->len = 0;
    if (len < 2 || lit[0] != '"' || lit[len - 1] != '"')
        return ND_EFORMAT;
    len--; /* the closing quote */
    while (!err && i < len) {
        const char *bs;
        long u, lo;
        char c, utf8[4];

        /* Copy up to the next escape in one go. */
        bs = memchr(lit + i, '\\', len - i);
        run = bs ? (size_t)(bs - lit) - i : len - i;
        err = nd_buf_append(out, lit + i, run);
        i += run;
        if (err || i >= len)
            break;
        if (i + 1 >= len)
            return ND_EFORMAT;
        c = lit[i + 1];
        switch (c) {
        case '"': case '\\': case '/':
            err = nd_buf_putc(out, c);
            i += 2;
            continue;
        case 'b': err = nd_buf_putc(out, '\b'); i += 2; continue;
        case 'f': err = nd_buf_putc(out, '\f'); i += 2; continue;
        case 'n': err = nd_buf_putc(out, '\n'); i += 2; continue;
        case 'r': err = nd_buf_putc(out, '\r'); i += 2; continue;
        case 't': err = nd_buf_putc(out, '\t'); i += 2; continue;
        case 'u': break;
        default: return ND_EFORMAT;
        }
        u = json_u_escape(lit + i, len - i);
        if (u < 0)
            return ND_EFORMAT;
        i += 6;
        if (u >= 0xd800 && u <= 0xdbff) { /* a pair, or json-c decides */
            lo = json_u_escape(lit + i, len - i);
            if (lo < 0xdc00 || lo > 0xdfff)
                return ND_EFORMAT;
            u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
        } else if (u >= 0xdc00 && u <= 0xdfff) {
            return ND_EFORMAT;
        }
        if (u < 0x80) {
            utf8[0] = (char)u;
            err = nd_buf_append(out, utf8, 1);
        } else if (u < 0x800) {
            utf8[0] = (char)(0xc0 | (u >> 6));
            utf8[1] = (char)(0x80 | (u & 0x3f));
            err = nd_buf_append(out, utf8, 2);
        } else if (u < 0x10000) {
            utf8[0] = (char)(0xe0 | (u >> 12));
            utf8[1] = (char)(0x80 | ((u >> 6) & 0x3f));
            utf8[2] = (char)(0x80 | (u & 0x3f));
            err = nd_buf_append(out, utf8, 3);
        } else {
            utf8[0] = (char)(0xf0 | (u >> 18));
            utf8[1] = (char)(0x80 | ((u >> 12) & 0x3f));
            utf8[2] = (char)(0x80 | ((u >> 6) & 0x3f));
            utf8[3] = (char)(0x80 | (u & 0x3f));
            err = nd_buf_append(out, utf8, 4);
        }
    }
    return err;
}

/* ---- strict check (nd_json_fields) ----------------------------------- */

/* What the scanners return for input they do not accept. */
#define JSON_BAD ((size_t)-1)
/* Deepest nesting checked; the recursion is bounded by it. */
#define JSON_MAX_DEPTH 64u

/* The index after the escape at s[i] == '\\', or JSON_BAD. Only what
 * nd_json_decode decodes passes: a \u escape of a surrogate must be
 * half of a pair, high then low, since a lone one is json-c's choice.
 * *controls counts the escape when it decodes to a control byte
 * (nd_is_control). */
static size_t json_scan_escape(const char *s, size_t i, size_t len,
                               size_t *controls)
{
    long u, lo;

    if (len - i < 2)
        return JSON_BAD;
    switch (s[i + 1]) {
    case 'b':
        ++*controls;
        return i + 2;
    case '"': case '\\': case '/': case 'f': case 'n': case 'r': case 't':
        return i + 2;
    case 'u':
        break;
    default:
        return JSON_BAD;
    }
    u = json_u_escape(s + i, len - i);
    if (u < 0 || (u >= 0xdc00 && u <= 0xdfff))
        return JSON_BAD;
    *controls += u < 0x20 && nd_is_control((unsigned char)u);
    i += 6;
    if (u >= 0xd800 && u <= 0xdbff) {
        lo = json_u_escape(s + i, len - i);
        if (lo < 0xdc00 || lo > 0xdfff)
            return JSON_BAD;
        i += 6;
    }
    return i;
}

/* The index after the string at s[i] == '"', or JSON_BAD; *escaped is set
 * when it holds an escape, and *controls counts the control bytes its
 * escapes decode to. The text field is most of a line and mostly ASCII,
 * so plain bytes are passed over eight at a time. */
static size_t json_scan_string(const char *s, size_t i, size_t len,
                               int *escaped, size_t *controls)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n;

    for (i++;;) {
        while (len - i >= 8) {
            uint64_t w, m;

            memcpy(&w, u + i, 8);
            if ((m = json_word_special(w)) != 0) {
                i += nd_word_first(m); /* straight to the byte */
                break;
            }
            i += 8;
        }
        if (i >= len)
            return JSON_BAD;
        if (u[i] == '"')
            return i + 1;
        if (u[i] == '\\') {
            *escaped = 1;
            if ((i = json_scan_escape(s, i, len, controls)) == JSON_BAD)
                return JSON_BAD;
        } else if (u[i] < 0x20) {
            return JSON_BAD; /* raw control byte: json-c takes it, JSON not */
        } else if (u[i] >= 0x80) {
            if ((n = json_utf8_len(u + i, len - i)) == 0)
                return JSON_BAD;
            i += n;
        } else {
            i++;
        }
    }
}

static int json_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* The index after the number at s[i], or JSON_BAD: RFC 8259's grammar
 * only, no leading zeros, '+', bare '.', hex, NaN or Infinity. */
static size_t json_scan_number(const char *s, size_t i, size_t len)
{
    if (i < len && s[i] == '-')
        i++;
    if (i >= len || !json_digit(s[i]))
        return JSON_BAD;
    if (s[i] == '0')
        i++;
    else
        while (i < len && json_digit(s[i]))
            i++;
    if (i < len && s[i] == '.') {
        if (++i >= len || !json_digit(s[i]))
            return JSON_BAD;
        while (i < len && json_digit(s[i]))
            i++;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        if (++i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= len || !json_digit(s[i]))
            return JSON_BAD;
        while (i < len && json_digit(s[i]))
            i++;
    }
    return i;
}

static size_t json_scan_value(const char *s, size_t i, size_t len,
                              unsigned depth);

/* The index after the array or object at s[i], or JSON_BAD; its values
 * may open depth more levels. Keys below the top level are not looked
 * at, so they may hold any escape, and repeat. */
static size_t json_scan_container(const char *s, size_t i, size_t len,
                                  unsigned depth)
{
    int obj = s[i] == '{', escaped = 0;
    char close = obj ? '}' : ']';
    size_t controls = 0;

    i = json_skip_ws(s, i + 1, len);
    if (i < len && s[i] == close)
        return i + 1;
    for (;;) {
        if (obj) {
            if (i >= len || s[i] != '"' ||
                (i = json_scan_string(s, i, len, &escaped, &controls)) ==
                    JSON_BAD)
                return JSON_BAD;
            i = json_skip_ws(s, i, len);
            if (i >= len || s[i] != ':')
                return JSON_BAD;
            i = json_skip_ws(s, i + 1, len);
        }
        if ((i = json_scan_value(s, i, len, depth)) == JSON_BAD)
            return JSON_BAD;
        i = json_skip_ws(s, i, len);
        if (i >= len)
            return JSON_BAD;
        if (s[i] == close)
            return i + 1;
        if (s[i] != ',')
            return JSON_BAD;
        i = json_skip_ws(s, i + 1, len);
    }
}

/* The index after the literal word at s[i], or JSON_BAD. */
static size_t json_scan_word(const char *s, size_t i, size_t len,
                             const char *word, size_t n)
{
    return len - i >= n && memcmp(s + i, word, n) == 0 ? i + n : JSON_BAD;
}

/* The index after the value at s[i], or JSON_BAD; an array or object
 * there may be at most depth levels deep, itself included. */
static size_t json_scan_value(const char *s, size_t i, size_t len,
                              unsigned depth)
{
    int escaped = 0;
    size_t controls = 0;

    if (i >= len)
        return JSON_BAD;
    switch (s[i]) {
    case '"':
        return json_scan_string(s, i, len, &escaped, &controls);
    case '{': case '[':
        return depth ? json_scan_container(s, i, len, depth - 1) : JSON_BAD;
    case 't':
        return json_scan_word(s, i, len, "true", 4);
    case 'f':
        return json_scan_word(s, i, len, "false", 5);
    case 'n':
        return json_scan_word(s, i, len, "null", 4);
    default:
        return json_scan_number(s, i, len);
    }
}

/* The kind of the value that starts with c. */
static nd_json_kind json_kind_of(char c)
{
    if (c == '"')
        return ND_JSON_STRING;
    if (c == '-' || json_digit(c))
        return ND_JSON_NUMBER;
    return ND_JSON_OTHER;
}

/* Notes the value s[v..e) of the top-level key s[k0..k1) in the fields
 * that want it; 0 when one of them has had it before. One key may serve
 * two fields (an id field that is the text field). */
static int json_note_field(nd_json_field *fields, size_t n, const char *s,
                           size_t k0, size_t k1, size_t v, size_t e,
                           int escaped, size_t controls)
{
    size_t f, klen = k1 - k0;

    for (f = 0; f < n; f++) {
        nd_json_field *fd = &fields[f];

        if (!fd->key || strncmp(fd->key, s + k0, klen) != 0 ||
            fd->key[klen] != '\0')
            continue;
        if (fd->kind != ND_JSON_ABSENT)
            return 0; /* json-c keeps the last copy; leave that to it */
        fd->kind = json_kind_of(s[v]);
        fd->start = v;
        fd->end = e;
        fd->escaped = escaped;
        fd->controls = controls;
    }
    return 1;
}

int nd_json_fields(const char *line, size_t len, nd_json_field *fields,
                   size_t n, unsigned max_depth)
{
    const char *s = line;
    size_t i, f, k0, k1, v, controls;
    int escaped;

    for (f = 0; f < n; f++)
        fields[f].kind = ND_JSON_ABSENT;
    if (max_depth > JSON_MAX_DEPTH)
        max_depth = JSON_MAX_DEPTH;
    i = json_skip_ws(s, 0, len);
    if (max_depth == 0 || i >= len || s[i] != '{')
        return 0;
    i = json_skip_ws(s, i + 1, len);
    if (i < len && s[i] == '}') {
        i++;
    } else {
        for (;;) {
            escaped = 0;
            controls = 0;
            if (i >= len || s[i] != '"')
                return 0;
            k0 = i + 1;
            if ((i = json_scan_string(s, i, len, &escaped, &controls)) ==
                    JSON_BAD ||
                escaped)
                return 0;
            k1 = i - 1;
            i = json_skip_ws(s, i, len);
            if (i >= len || s[i] != ':')
                return 0;
            v = i = json_skip_ws(s, i + 1, len);
            if (i < len && s[i] == '"')
                i = json_scan_string(s, i, len, &escaped, &controls);
            else
                i = json_scan_value(s, i, len, max_depth - 1);
            if (i == JSON_BAD ||
                !json_note_field(fields, n, s, k0, k1, v, i, escaped,
                                 controls))
                return 0;
            i = json_skip_ws(s, i, len);
            if (i >= len)
                return 0;
            if (s[i] == '}') {
                i++;
                break;
            }
            if (s[i] != ',')
                return 0;
            i = json_skip_ws(s, i + 1, len);
        }
    }
    return json_skip_ws(s, i, len) == len;
}
