/*
 * jsontext.h - JSON text for the reader and the writer: string literals,
 * the span of a top-level value in a parsed JSONL line, and a strict
 * check of a JSONL line that finds a few top-level fields without a
 * parser. A leaf: it knows bytes and JSON syntax, nothing of the scan.
 */
#ifndef ND_JSONTEXT_H
#define ND_JSONTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * Appends s[0..len) to out as a JSON string literal (quotes included).
 * Bytes that are not valid UTF-8 become \ufffd, so the output is always
 * valid JSON whatever the input held.
 */
int nd_json_string(nd_buf *out, const char *s, size_t len);

/* Appends v in decimal. */
int nd_json_uint(nd_buf *out, uint64_t v);

/* Appends x with four decimals, as printf's "%.4f" writes it (rounded
 * half to even); the writer's many ratios need no printf. */
int nd_json_fixed4(nd_buf *out, float x);

/* The same for a double (the articles' shares, one per copy). */
int nd_json_fixed4d(nd_buf *out, double x);

/*
 * Where the value of the top-level key `key` lies in raw[0..len), a JSON
 * object line that json-c has already parsed: [*start, *end). Returns 1
 * when the key occurs exactly once and every key up to the last is free of
 * escapes, in standard JSON; 0 for anything else (a duplicate key, an
 * escaped key, json-c's comments or single quotes), where the caller falls
 * back to json-c.
 */
int nd_json_value(const char *raw, size_t len, const char *key,
                  size_t *start, size_t *end);

/*
 * Decodes the JSON string literal lit[0..len) (quotes included) into out,
 * as UTF-8; \u0000 gives a NUL byte, other bytes are copied as they are.
 * Returns 0, ND_ENOMEM, or ND_EFORMAT for a bad escape or a lone
 * surrogate, which the caller leaves to json-c (what json-c makes of
 * those is its own choice; a caller that must agree with json-c checks
 * the result, as pass 2 does with the text hash of pass 1).
 */
int nd_json_decode(nd_buf *out, const char *lit, size_t len);

/* What a top-level value is, as far as the reader cares. */
typedef enum nd_json_kind {
    ND_JSON_ABSENT = 0, /* the key is not in the object */
    ND_JSON_STRING,     /* a string */
    ND_JSON_NUMBER,     /* a number */
    ND_JSON_OTHER       /* null, true, false, an array or an object */
} nd_json_kind;

/* One top-level key that nd_json_fields looks for, and what it found. */
typedef struct nd_json_field {
    const char *key;   /* the key (NUL-terminated), or NULL: not wanted */
    nd_json_kind kind; /* out: the value's kind, ND_JSON_ABSENT if none */
    size_t start;      /* out: the value is line[start..end), a string's */
    size_t end;        /*      quotes included */
    int escaped;       /* out: a string value holds a backslash escape */
    size_t controls;   /* out: the control bytes (nd_is_control) that a
                          string value's escapes decode to, which are all
                          it holds, as strict JSON has no raw ones */
} nd_json_field;

/*
 * Checks that line[0..len) is one JSON object in strict RFC 8259 syntax,
 * with JSON white space around it, and finds the top-level keys of
 * fields[0..n) in it. Returns 1 when the line is such an object and
 * every string in it is valid UTF-8 without raw control bytes, with only
 * the escapes JSON defines and surrogates only in pairs; no key of
 * fields occurs twice; no top-level key holds an escape (it could spell
 * a wanted key another way); and no value nests deeper than max_depth
 * levels, the object itself being the first (above 64 counts as 64).
 * Then each field's kind and span are set. Returns 0 for anything else,
 * fields left in any state: the caller asks a real parser instead. The
 * strings found decode with nd_json_decode. Allocates nothing.
 */
int nd_json_fields(const char *line, size_t len, nd_json_field *fields,
                   size_t n, unsigned max_depth);

#endif /* ND_JSONTEXT_H */
