/*
 * report.h - writes the results of a scan: clusters.jsonl, stats.json and
 * the cleaned corpus (clean/).
 *
 * A leaf at the output edge. It reads the inputs a second time (texts are
 * not kept after pass 1), checks that each article is the one pass 1 saw,
 * and writes everything under OUTDIR/.neardup-tmp-PID/ first; only when all
 * of it is written are the outputs renamed into place, so a failed run
 * leaves the previous results untouched and no half-written file.
 */
#ifndef ND_REPORT_H
#define ND_REPORT_H

#include <stddef.h>

#include "read.h"
#include "result.h"
#include "util.h"

/*
 * Writes the outputs of res into outdir (created with its parents if
 * missing). inputs/ro are as in pass 1. On failure returns a negative
 * nd_error and leaves a message in err[0..errlen).
 */
int nd_report_write(const nd_result *res, const nd_input *inputs,
                    size_t n_inputs, const nd_read_opts *ro,
                    const char *outdir, char *err, size_t errlen);

/*
 * Appends s[0..len) to out as a JSON string literal (quotes included).
 * Bytes that are not valid UTF-8 become \ufffd, so the output is always
 * valid JSON whatever the input held.
 */
int nd_report_json_string(nd_buf *out, const char *s, size_t len);

/*
 * Where the value of the top-level key `key` lies in raw[0..len), a JSON
 * object line that json-c has already parsed: [*start, *end). Returns 1
 * when the key occurs exactly once and every key up to the last is free of
 * escapes, in standard JSON; 0 for anything else (a duplicate key, an
 * escaped key, json-c's comments or single quotes), where the caller falls
 * back to json-c.
 */
int nd_report_json_value(const char *raw, size_t len, const char *key,
                         size_t *start, size_t *end);

/*
 * Appends to out the article text without its removed paragraphs: the text
 * before the first paragraph, then each kept paragraph preceded by the
 * separator that followed the previous kept one, then the text after the
 * last paragraph. paras are the article's n paragraphs in order; a
 * paragraph is removed when its canonical is another paragraph.
 */
int nd_report_clean_text(nd_buf *out, const char *text, size_t len,
                         const nd_para *paras, size_t n, uint32_t first);

/*
 * Appends to out the article text as nd_report_clean_text does, except
 * that a kept paragraph i with keep != NULL is written as text[keep[2i] ..
 * keep[2i+1]), a span inside it (what stays once a glued part is cut);
 * the separators between paragraphs stay those of the whole spans.
 */
int nd_report_clean_cut(nd_buf *out, const char *text, size_t len,
                        const nd_para *paras, size_t n,
                        const uint32_t *keep);

/* What decides a glued part (the scan's own rule and hashing). */
typedef struct nd_part_rule {
    unsigned ngram;       /* words per shingle */
    uint64_t seed;        /* shingle hash seed */
    double containment;   /* share of the part's shingles F must hold */
    unsigned min_contain; /* distinct shingles the part needs */
} nd_part_rule;

/* A located part, offsets relative to the paragraph. */
typedef struct nd_part_loc {
    int found;            /* a part was located */
    size_t start, end;    /* removed bytes: the part and the white space
                             that joined it to the rest */
    size_t words;         /* its words */
    double jaccard;       /* of its shingle set with F's */
    double contain;       /* share of its shingles in F */
} nd_part_loc;

/* Scratch memory of nd_report_locate; zero-initialised is empty. */
typedef struct nd_locate_scratch {
    nd_buf norm;          /* the normalised paragraph */
    nd_u32vec spans;      /* its words' bytes */
    nd_u64vec seq;        /* its shingles in order */
    nd_u32vec h;          /* folded, then a sorted copy */
    nd_u32vec tmp;
} nd_locate_scratch;

void nd_locate_scratch_free(nd_locate_scratch *sc);

/*
 * Finds boilerplate glued to the start (*pre) and the end (*suf) of the
 * paragraph para[0..len) whose text the sorted shingle set fset[0..fn)
 * of a boilerplate canonical F holds. The prefix is the longest run of
 * words [0, k), k < the paragraph's words, such that
 *  - the shingle ending at word k-1 is in F and the one ending at word
 *    k (reaching over the cut into the rest) is not: the cut is where
 *    F's text ends, never inside the text that stays, and a paragraph
 *    that is all F's text is not cut;
 *  - its shingles (words 0..k-1 only) number at least min_contain
 *    distinct ones, and at least `containment` of them are in F;
 * the suffix likewise from the end. If both are found and overlap, the
 * longer stays (the prefix on a tie), so what stays is one run of words.
 * The removed bytes reach over the white space to the next token, so the
 * rest starts (or ends) with its own first (last) token, punctuation
 * attached to it included. Returns 0 or ND_ENOMEM.
 */
int nd_report_locate(nd_part_loc *pre, nd_part_loc *suf,
                     nd_locate_scratch *sc, const char *para, size_t len,
                     const uint32_t *fset, size_t fn,
                     const nd_part_rule *rule);

#endif /* ND_REPORT_H */
