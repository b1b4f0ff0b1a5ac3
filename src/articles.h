/*
 * articles.h - the article-level view: which articles copy which.
 *
 * From the paragraph results: two articles are compared when a verified
 * pair, an exact copy or a paragraph and its canonical link a paragraph of
 * one to a paragraph of the other, boilerplate excluded (a site's
 * furniture is no copying). For such
 * a pair, each paragraph p of article A counts
 *     bytes(p) * c,   c = |shingles(p) n shingles(B)| / |shingles(p)|
 * towards the bytes of A held in B, where shingles(B) is the union over all
 * of B's paragraphs: text that B spreads over several paragraphs (or that
 * A joins) still counts. c below ND_SHARE_FLOOR is taken as 0, so a stock
 * phrase or two does not make articles related. share = held bytes /
 * A's paragraph bytes.
 *
 * The direction follows the canonical preference: of two related
 * articles, the one ranked later (later date, lower source priority, ...)
 * is the copy and lists the other in its copy_of; it is syndicated when
 * one such share reaches the copy threshold.
 */
#ifndef ND_ARTICLES_H
#define ND_ARTICLES_H

#include <stddef.h>
#include <stdint.h>

#include "lsh.h"
#include "result.h"

#define ND_SHARE_FLOOR 0.2

typedef struct nd_articles {
    uint32_t *copy_off;  /* article a's list: copies[copy_off[a]..[a+1]) */
    nd_copy *copies;     /* by share, largest first, then input order */
    size_t n_copies;     /* entries in copies */
    uint8_t *sharing;    /* per article: shares text with another */
    uint8_t *syndicated; /* per article: a copy by the copy threshold */
} nd_articles;

/* What the article report is computed from (all borrowed). */
typedef struct nd_articles_in {
    const nd_article *articles; /* articles, with rank and bytes */
    size_t n_articles;          /* articles */
    const nd_para *paras;       /* paragraphs, with boiler set */
    size_t n_paras;             /* paragraphs */
    const uint32_t *sets;       /* shingle set pool */
    const uint64_t *set_off;    /* per paragraph: offset of its set */
    const uint32_t *set_n;      /* per paragraph: size of its set */
    const nd_pair *pairs;       /* verified paragraph pairs */
    size_t n_pairs;             /* pairs */
    const uint32_t *copy_of;    /* per paragraph: first exact copy or
                                   ND_NONE */
    double copy;                /* share that makes a syndicated copy */
    unsigned threads;           /* threads to measure the pairs on */
} nd_articles_in;

/* Fills *out (zeroed first). Returns 0 or ND_ENOMEM. */
int nd_articles_build(nd_articles *out, const nd_articles_in *in);

void nd_articles_free(nd_articles *a);

#endif /* ND_ARTICLES_H */
