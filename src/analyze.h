/*
 * analyze.h - the per-article stages of pass 1 (segment, normalise,
 * shingle, MinHash, band keys, anchors), run on batches of articles by a
 * pool of threads.
 *
 * The reader fills a batch with copies of a few thousand articles; a worker
 * turns it into paragraphs with their shingle sets and keys; the scan
 * merges batches strictly in the order they were submitted. Work inside a
 * batch depends only on the batch, so the merged result, and every output,
 * is the same for any number of threads.
 */
#ifndef ND_ANALYZE_H
#define ND_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* What the workers need to know. */
typedef struct nd_analyze_opts {
    unsigned ngram;       /* words per shingle */
    unsigned perm;        /* MinHash permutations */
    uint64_t seed;        /* hash seed */
    unsigned bands, rows; /* LSH shape */
    unsigned window;      /* winnowing window = containment minimum */
    unsigned threads;     /* workers; 1 = run in the caller's thread */
} nd_analyze_opts;

/* One article of a batch. */
typedef struct nd_batch_article {
    size_t id_off;   /* offset of its NUL-terminated id in ids */
    size_t source_off; /* offset of its source in ids, or (size_t)-1 */
    int64_t date;    /* its date (seconds since 1970), if has_date */
    int has_date;    /* a date was given and understood */
    size_t text_off; /* offset of its text in text */
    size_t text_len; /* bytes of text */
    size_t first;    /* index of its first paragraph in paras */
    size_t n;        /* its paragraphs */
    uint64_t file_no; /* where it was read: the file's number */
    uint64_t line;   /* and its JSONL line, 0 for a text file */
    uint64_t text_hash; /* XXH3 of its text (by the analyzer) */
} nd_batch_article;

/* One paragraph of a batch. */
typedef struct nd_batch_para {
    uint64_t start, end;  /* span in the article's text */
    size_t set_off;       /* its sorted set: sets.v[set_off..+set_n) */
    uint32_t set_n;       /* shingles in the set */
    uint64_t set_hash;    /* XXH3 of the set, never 0 (0 marks an empty
                             slot of the merge's table of sets) */
    size_t anchor_off;    /* anchors.v[anchor_off..+anchor_n) */
    uint32_t anchor_n;    /* winnowing anchors */
    uint32_t n_queries;   /* containment queries in q (0..2) */
    uint64_t q[2];        /* the queries */
    size_t band_off;      /* bands.v[band_off..+bands) when set_n > 0 */
} nd_batch_para;

typedef struct nd_batch {
    /* Filled by the caller. */
    nd_buf text;              /* article texts back to back */
    nd_buf ids;               /* article ids, NUL-terminated */
    nd_batch_article *arts;   /* articles */
    size_t n_arts, cap_arts;
    /* Filled by the analyzer. */
    nd_batch_para *paras;     /* paragraphs of all articles, in order */
    size_t n_paras, cap_paras;
    nd_u32vec sets;           /* shingle sets, hashes folded to 32 bits */
    nd_u32vec anchors;        /* anchors, folded to 32 bits */
    nd_u64vec bands;          /* band keys */
    int err;                  /* 0, or the error that stopped the batch */
} nd_batch;

/* Appends an article (strings copied) to a batch; source may be NULL.
 * file_no and line say where it was read. Returns 0 or ND_ENOMEM. */
int nd_batch_add(nd_batch *b, const char *id, const char *source,
                 int64_t date, int has_date, const char *text, size_t len,
                 uint64_t file_no, uint64_t line);
/* Empties a batch for reuse, keeping its memory. */
void nd_batch_reset(nd_batch *b);
void nd_batch_free(nd_batch *b);

typedef struct nd_analyzer nd_analyzer;

int nd_analyzer_new(nd_analyzer **out, const nd_analyze_opts *o);
/* Hands a filled batch to the workers (or, with one thread, analyses it
 * now). The batch belongs to the analyzer until nd_analyzer_wait. */
int nd_analyzer_submit(nd_analyzer *a, nd_batch *b);
/* Waits until b, the oldest batch handed over, is analysed; then b->err
 * tells how it went. */
void nd_analyzer_wait(nd_analyzer *a, nd_batch *b);
/* Stops the workers (after the batches in hand) and frees; NULL is OK. */
void nd_analyzer_free(nd_analyzer *a);

#endif /* ND_ANALYZE_H */
