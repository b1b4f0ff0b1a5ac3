/*
 * jsontext.h - JSON text for the writer: string literals and the span of
 * a top-level value in a parsed JSONL line. A leaf: it knows bytes and
 * JSON syntax, nothing of the scan.
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

#endif /* ND_JSONTEXT_H */
