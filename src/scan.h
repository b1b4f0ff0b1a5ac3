/*
 * scan.h - what the three files of the API layer share: the scan handle
 * and the hand-over between its stages.
 *
 *   scan.c   options, inputs, the order of the stages, the outputs
 *   pass1.c  pass 1: reading, with the analysis on worker threads, merged
 *            in input order into paragraphs, shingle sets and keys
 *   group.c  exact verification, clusters, canonicals, kinds
 *
 * Only these three see the struct; everything else gets plain arrays.
 */
#ifndef ND_SCAN_H
#define ND_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "articles.h"
#include "lsh.h"
#include "neardup.h"
#include "read.h"
#include "result.h"
#include "util.h"

/* Paragraph and article numbers stay below 2^31. */
#define ND_MAX_ITEMS 0x7fffffffu

struct nd_scan {
    nd_options opts;      /* options in force (strings copied below) */
    char **ignored;       /* files that directories held but no input
                             kind takes, copied from the reader */
    size_t n_ignored;
    char **owned;         /* the copies of the option strings */
    size_t n_owned;       /* strings in owned */
    const char **priority; /* copy of opts.source_priority */
    char errmsg[1024];    /* last error */
    nd_input *inputs;     /* inputs in order (strings owned) */
    size_t n_inputs;      /* inputs added */
    size_t cap_inputs;    /* room in inputs */
    char **spools;        /* temporary copies of stdin and pipes */
    size_t n_spools, cap_spools;
    int stdin_taken;      /* "-" was given */
    int ran;              /* nd_scan_run succeeded */
    unsigned bands, rows; /* LSH shape */
    unsigned threads;     /* workers in force */
    uint64_t bytes_total; /* input bytes, for progress reports */
    double fp, fn;        /* its expected rates */

    nd_article *articles; /* articles read */
    size_t n_articles, cap_articles;
    nd_buf ids;           /* id pool */
    nd_para *paras;       /* paragraphs found */
    size_t n_paras, cap_paras;
    uint64_t *set_off;    /* per paragraph: offset of its set in sets */
    uint32_t *set_n;      /* per paragraph: shingles in its set */
    size_t cap_sets_meta;
    nd_u32vec sets;       /* every distinct shingle set, back to back */
    uint32_t *copy_of;    /* per paragraph: first paragraph with the same
                             set, or ND_NONE */
    size_t cap_copy_of;

    nd_pairvec verified;  /* verified pairs, for the article report */
    uint32_t n_sources;   /* source numbers given out */

    uint32_t *cluster_of; /* results, see result.h */
    uint32_t *member_off;
    uint32_t *members;
    size_t n_clusters;
    uint8_t *kind;
    nd_part *parts;       /* paragraphs that may hold glued boilerplate */
    size_t n_parts, cap_parts;
    nd_articles art;      /* the article report */
    nd_stats stats;
};

/*
 * Open-addressing table from a set's hash to the first paragraph holding
 * that set, to tie exact copies together before any LSH work. It is
 * probed once per paragraph, anywhere in a table far larger than the
 * caches, so a slot is one word: the top 32 bits of the hash (made
 * nonzero) above the paragraph, 0 when empty. A slot's home is the top
 * bits of that tag, so the table grows without the whole hashes, and a
 * matching tag is confirmed by comparing the sets.
 */
typedef struct scan_copies {
    uint64_t *slot; /* tag << 32 | paragraph; 0 = empty */
    size_t cap;     /* slots, 2^bits */
    unsigned bits;
    size_t n;       /* slots used */
} scan_copies;

/* Open-addressing table from a 64-bit hash to an article (sources, ids). */
typedef struct scan_seen {
    uint64_t *hash; /* hashes, 0 = empty slot (hash 0 is remapped) */
    uint32_t *para; /* the first article with that hash */
    size_t cap;     /* slots, a power of two */
    size_t n;       /* slots used */
} scan_seen;

/* What pass 1 collects besides the paragraphs. */
typedef struct scan_keys {
    nd_keyvec bands;   /* (band key, paragraph) */
    nd_keyvec index;   /* (anchor, paragraph) */
    nd_keyvec queries; /* (query, paragraph) */
    scan_copies seen;  /* exact copies */
    scan_seen sources; /* known sources: hash -> first article with it */
    scan_seen ids;     /* hashes of the ids read, to warn of repeats */
} scan_keys;

/* Records a fatal error on the scan; returns err. */
int nd_scan_fail(nd_scan *s, int err, const char *fmt, ...);

/* Pass 1 over the reader r: fills the scan's articles, paragraphs and
 * shingle sets, and k's keys. Returns 0 or a negative nd_error (message
 * on the scan). */
int nd_pass1_run(nd_scan *s, nd_reader *r, scan_keys *k);
/* Frees k's lookup tables, which only pass 1 needs. */
void nd_pass1_drop_tables(scan_keys *k);
/* Frees everything in k. */
void nd_pass1_keys_free(scan_keys *k);

/* Ranks the articles by source priority, then the keep policy. */
int nd_group_rank(nd_scan *s);
/* Verifies the candidates (consumed: the verified ones are kept in
 * s->verified), joins them with the exact copies, and picks the clusters'
 * canonicals; s->cluster_of holds each paragraph's count of members (0
 * but for canonicals) until nd_group_index. */
int nd_group_cluster(nd_scan *s, nd_pairvec *pairs);
/* Numbers the clusters, lists their members, decides their kinds and what
 * leaves the cleaned corpus, and counts it all in s->stats. */
int nd_group_index(nd_scan *s);
/* Lists the kept paragraphs that hold min_contain shingles or more of a
 * boilerplate canonical of their source, in s->parts (pass 2 locates the
 * part). */
int nd_group_parts(nd_scan *s);

#endif /* ND_SCAN_H */
