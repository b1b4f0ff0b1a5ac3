/*
 * result.h - what a scan knows once clustering is done, as plain arrays.
 *
 * scan.c fills these; report.c reads them to write the outputs. Keeping
 * them in one plain struct lets the writer stay a leaf that knows nothing
 * of how the clusters were found.
 */
#ifndef ND_RESULT_H
#define ND_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "neardup.h"

#define ND_NONE UINT32_MAX /* "no cluster" / "no paragraph" */

/* One article, in input order. */
typedef struct nd_article {
    size_t id_off;      /* offset of its NUL-terminated id in the id pool */
    uint32_t first;     /* number of its first paragraph */
    uint32_t n;         /* its paragraphs */
    uint64_t text_len;  /* bytes of its text */
    uint64_t text_hash; /* XXH3 of its text, to notice a changed input */
} nd_article;

/* One paragraph, numbered in input order (article, then position). */
typedef struct nd_para {
    uint32_t doc;      /* article number */
    uint32_t idx;      /* 0-based position in the article */
    uint64_t start;    /* first byte in the article text */
    uint64_t end;      /* one past its last byte */
    uint32_t canon;    /* paragraph that holds its text (itself if kept) */
    float jaccard;     /* exact Jaccard with canon (1 for itself) */
    float contain;     /* share of its shingles found in canon */
} nd_para;

typedef struct nd_result {
    const nd_article *articles; /* articles[0..n_articles) */
    size_t n_articles;          /* articles read */
    const char *ids;            /* id pool */
    const nd_para *paras;       /* paras[0..n_paras) */
    size_t n_paras;             /* paragraphs */
    const uint32_t *cluster_of; /* per paragraph: its cluster number when it
                                   is a canonical with members, else ND_NONE */
    const uint32_t *member_off; /* cluster k's members are members[
                                   member_off[k]..member_off[k+1]) */
    const uint32_t *members;    /* paragraph numbers, ascending per cluster */
    size_t n_clusters;          /* clusters */
    const nd_options *opts;     /* the options in force */
    const nd_stats *stats;      /* the figures of the scan */
} nd_result;

#endif /* ND_RESULT_H */
