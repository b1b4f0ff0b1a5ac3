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
    size_t source_off;  /* offset of its source in the id pool, or
                           ND_NO_SOURCE */
    uint32_t first;     /* number of its first paragraph */
    uint32_t n;         /* its paragraphs */
    uint64_t text_len;  /* bytes of its text */
    uint64_t text_hash; /* XXH3 of its text, to notice a changed input */
    uint64_t bytes;     /* bytes of its paragraphs */
    int64_t date;       /* seconds since 1970 (UTC), if has_date */
    int has_date;       /* the date field was present and parsed */
    uint32_t rank;      /* place in the canonical preference, 0 first */
    uint32_t source;    /* source number: equal for equal known sources,
                           unique for unknown ones */
    uint64_t file_no;   /* where it was read: the file's number among the
                           files read (nd_record.file_no) */
    uint64_t line;      /* and its JSONL line, 0 for a text file; pass 2
                           finds each article again by the two */
} nd_article;

#define ND_NO_SOURCE ((size_t)-1)

/* Kinds of cluster. */
#define ND_KIND_SHARED 0      /* content crossing sources or articles */
#define ND_KIND_BOILERPLATE 1 /* a source's furniture */

/* One paragraph, numbered in input order (article, then position). */
typedef struct nd_para {
    uint32_t doc;      /* article number */
    uint32_t idx;      /* 0-based position in the article */
    uint32_t start;    /* first byte in the article text (articles are
                          at most 4 GiB) */
    uint32_t end;      /* one past its last byte */
    uint32_t canon;    /* paragraph that holds its text (itself if it is
                          a canonical) */
    float jaccard;     /* exact Jaccard with canon (1 for itself) */
    float contain;     /* share of its shingles found in canon */
    uint8_t removed;   /* left out of the cleaned corpus */
    uint8_t boiler;    /* in a boilerplate cluster */
} nd_para;

/* One entry of an article's copy_of list. */
typedef struct nd_copy {
    uint32_t doc;          /* the article copied from */
    uint64_t shared_bytes; /* bytes of this article held in that one */
    double share;          /* shared_bytes / the article's bytes */
} nd_copy;

/* Sides of a paragraph a glued part is cut from. */
#define ND_PART_NONE 0   /* not located (the paragraph stays whole) */
#define ND_PART_PREFIX 1 /* its start: a header glued to the lead */
#define ND_PART_SUFFIX 2 /* its end: a footer glued to the last one */

/*
 * A paragraph that may hold boilerplate glued to its start or end: the
 * scan lists (para, canon) when para holds at least min_contain of the
 * shingles of canon, a boilerplate canonical of its source; pass 2, which
 * has the text, locates the part and fills in the rest.
 */
typedef struct nd_part {
    uint32_t para;     /* the paragraph (G) */
    uint32_t canon;    /* the boilerplate canonical holding the part (F) */
    uint32_t start;    /* removed bytes in the article text: the part and */
    uint32_t end;      /* the white space joining it to the rest */
    float jaccard;     /* exact Jaccard of the part's shingles with F's */
    float contain;     /* share of the part's shingles found in F */
    uint8_t side;      /* ND_PART_*: filled in by pass 2 */
} nd_part;

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
    const uint8_t *kind;        /* per cluster: ND_KIND_* */
    const uint32_t *copy_off;   /* article a's copy_of list is copies[
                                   copy_off[a]..copy_off[a+1]) */
    const nd_copy *copies;      /* by share, largest first */
    const uint8_t *sharing;     /* per article: shares text with another */
    const uint8_t *syndicated;  /* per article: a syndicated copy */
    const nd_options *opts;     /* the options in force (and the
                                   progress callback) */
    uint64_t bytes_total;       /* input bytes, for progress reports */
    nd_stats *stats;            /* the figures of the scan (pass 2 adds
                                   the glued parts it removes) */
    nd_part *parts;             /* parts[0..n_parts): by para, then canon;
                                   pass 2 locates them */
    size_t n_parts;             /* candidate parts */
    const uint32_t *sets;       /* shingle sets (see scan.h), to locate */
    const uint64_t *set_off;    /* parts against their canonical */
    const uint32_t *set_n;
    unsigned threads;           /* threads in force (> 1: pass 2 writes on
                                   a thread of its own) */
} nd_result;

#endif /* ND_RESULT_H */
