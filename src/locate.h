/*
 * locate.h - glued boilerplate: the byte span of a boilerplate
 * canonical's text at the start or the end of a paragraph. Used by the
 * writer (report.c), which has the text; comes after normalize and shingle
 * in the pipeline and uses them with the scan's own rule and hashing.
 */
#ifndef ND_LOCATE_H
#define ND_LOCATE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

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

/* Scratch memory of nd_locate_part; zero-initialised is empty. */
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
int nd_locate_part(nd_part_loc *pre, nd_part_loc *suf,
                   nd_locate_scratch *sc, const char *para, size_t len,
                   const uint32_t *fset, size_t fn, const nd_part_rule *rule);

#endif /* ND_LOCATE_H */
