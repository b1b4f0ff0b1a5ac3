/*
 * neardup.h - the whole public API of libneardup.
 *
 * neardup finds near-duplicate paragraphs in collections of news articles:
 * syndicated copies of one story, paragraphs repeated across articles, site
 * boilerplate. It keeps one canonical copy of every repeated paragraph, says
 * where every other copy came from, and writes the corpus without them.
 *
 * The pipeline reads one way:
 *   read -> segment -> normalise -> shingle -> minhash -> lsh -> verify
 *        -> cluster -> report
 * A scan is one run of that pipeline over a set of inputs:
 *
 *     nd_options opts = ND_OPTIONS_INIT;
 *     nd_scan *scan = NULL;
 *     if (nd_scan_new(&scan, &opts) == 0 &&
 *         nd_scan_add_input(scan, "corpus") == 0 &&
 *         nd_scan_run(scan) == 0 &&
 *         nd_scan_write(scan, "out") == 0) { ... }
 *     else fprintf(stderr, "%s\n", nd_scan_errmsg(scan));
 *     nd_scan_free(scan);
 *
 * The library never prints and never exits: per-record faults (a malformed
 * JSON line, an unreadable file) go to the warn callback of nd_options, fatal
 * faults come back as a negative nd_error with a message on the handle.
 */
#ifndef NEARDUP_H
#define NEARDUP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define ND_API __attribute__((visibility("default")))
#else
#define ND_API
#endif

#define ND_VERSION_MAJOR 0
#define ND_VERSION_MINOR 1
#define ND_VERSION_PATCH 0
#define ND_VERSION_STRING "0.1.0"

/** Error codes: every fallible call returns 0 or one of these. */
typedef enum nd_error {
    ND_OK = 0,
    ND_ENOMEM = -1,  /* out of memory */
    ND_EIO = -2,     /* a file could not be read or written */
    ND_EFORMAT = -3, /* an input is malformed (fatal, or a record under strict) */
    ND_EINVAL = -4   /* a bad argument or option value */
} nd_error;

/**
 * @brief Receives one per-record warning.
 * @param file  the input file the fault is in ("-" for standard input)
 * @param line  1-based line in that file, or 0 when the fault concerns the
 *              whole file
 * @param msg   what is wrong and what was done about it
 * @param payload  nd_options.warn_payload, untouched
 */
typedef void (*nd_warn_fn)(const char *file, uint64_t line, const char *msg,
                           void *payload);

/** Where a scan is, for a progress display. */
typedef struct nd_progress {
    int pass;             /* 1: nd_scan_run; 2: nd_scan_write */
    uint64_t bytes_read;  /* input bytes read in this pass (as stored on
                             disk, so compressed bytes for .gz/.zst) */
    uint64_t bytes_total; /* all input bytes, 0 when unknown */
    uint64_t articles;    /* articles read in this pass */
    const char *stage;    /* pass 1: "reading", then "pairing" (candidate
                             pairs), "clustering" (verification and
                             clusters), "articles" (which copy which);
                             pass 2: "writing" */
} nd_progress;

/**
 * @brief Receives a progress report: after every batch of about a
 * megabyte of text while reading, once as each later stage of the run
 * begins, and every thousand articles while writing. Called from the
 * thread that called nd_scan_run/nd_scan_write.
 */
typedef void (*nd_progress_fn)(const nd_progress *p, void *payload);

/** Which copy of a repeated paragraph is kept (the canonical). Whatever
 * the policy, a paragraph that contains another wins over it, and sources
 * named in source_priority win over the others. */
typedef enum nd_keep {
    ND_KEEP_EARLIEST = 0, /* earliest article by date (undated last);
                             equal dates by input order */
    ND_KEEP_LONGEST = 1,  /* the longest article, then as earliest */
    ND_KEEP_FIRST = 2     /* first in input order */
} nd_keep;

/** What the cleaned corpus does with boilerplate (site furniture). */
typedef enum nd_boilerplate {
    ND_BOILERPLATE_DROP_COPIES = 0, /* like other repeats: one copy kept */
    ND_BOILERPLATE_KEEP = 1,        /* every copy kept */
    ND_BOILERPLATE_DROP_ALL = 2     /* every copy removed, canonical too */
} nd_boilerplate;

/**
 * @brief Options of a scan. Start from ND_OPTIONS_INIT so that fields added
 * in later versions get their defaults.
 */
typedef struct nd_options {
    unsigned version;           /* ND_OPTIONS_VERSION */
    double threshold;           /* Jaccard threshold of a duplicate, (0,1];
                                   1: equal shingle sets only */
    double containment;         /* containment threshold, (0,1] */
    unsigned ngram;             /* words per shingle, 1..16 */
    unsigned perm;              /* MinHash permutations, 8..1024 */
    uint64_t seed;              /* seeds shingle hashes and MinHash */
    unsigned min_contain;       /* shingles a paragraph needs before it may
                                   count as contained in another */
    const char *id_field;       /* JSONL field holding the article id */
    const char *text_field;     /* JSONL field holding the article text */
    const char *source_field;   /* JSONL/sidecar field naming the publisher */
    const char *date_field;     /* JSONL/sidecar field holding the date */
    nd_keep keep;               /* which copy is the canonical */
    const char *const *source_priority; /* sources, most preferred first:
                                   their copies win over others (copied) */
    size_t n_source_priority;   /* entries in source_priority */
    nd_boilerplate boilerplate; /* what the cleaned corpus does with it */
    unsigned boilerplate_articles; /* articles of one source a repeat must
                                   span to be site furniture */
    double copy;                /* share of an article's bytes held by
                                   another that makes it a syndicated copy */
    int strict;                 /* nonzero: a per-record fault is fatal */
    unsigned threads;           /* worker threads; 0 = online cores */
    nd_warn_fn warn;            /* per-record warnings, or NULL */
    void *warn_payload;         /* passed to warn */
    nd_progress_fn progress;    /* progress reports, or NULL */
    void *progress_payload;     /* passed to progress */
} nd_options;

#define ND_OPTIONS_VERSION 1
#define ND_OPTIONS_INIT                                                      \
    {ND_OPTIONS_VERSION, 0.8, 0.9, 5, 128, 0x6e65617264757030ULL, 4, "id",   \
     "text", "source", "date", ND_KEEP_EARLIEST, NULL, 0,                   \
     ND_BOILERPLATE_DROP_COPIES, 3, 0.5, 0, 0, NULL, NULL, NULL, NULL}

/** Figures of a finished scan, as also written to stats.json. */
typedef struct nd_stats {
    uint64_t files;              /* input files read */
    uint64_t files_ignored;      /* files in directories that were not
                                    articles (.txt, no extension) nor JSONL */
    uint64_t articles;           /* articles read */
    uint64_t records_skipped;    /* records skipped with a warning */
    uint64_t paragraphs;         /* paragraphs found */
    uint64_t bytes;              /* bytes of article text read: a JSONL
                                    record's decoded text field, a text
                                    article's whole file (decompressed) */
    uint64_t clusters;           /* clusters of two or more paragraphs */
    uint64_t paragraphs_removed; /* paragraphs removed from the corpus */
    uint64_t bytes_removed;      /* bytes of those paragraphs and of the
                                    glued parts removed */
    uint64_t boilerplate_clusters; /* clusters of site furniture */
    uint64_t boilerplate_bytes_removed; /* removed bytes in them, glued
                                    parts included */
    uint64_t shared_bytes_removed; /* removed bytes in the other clusters */
    uint64_t articles_sharing;   /* articles sharing text with another */
    uint64_t articles_syndicated; /* articles flagged as copies */
    uint64_t dates_unparsed;     /* date fields that could not be read */
    uint64_t ids_repeated;       /* articles whose id an earlier one has */
    double seconds_analyse;      /* wall time of pass 1: read, segment,
                                    normalise, shingle, MinHash */
    double seconds_candidates;   /* sorting keys into candidate pairs */
    double seconds_cluster;      /* verification, clusters, articles */
    double seconds_write;        /* pass 2: the outputs (not in
                                    stats.json, which holds no timings) */
    uint64_t candidate_pairs;    /* pairs verified exactly */
    uint64_t verified_pairs;     /* of those, pairs within the thresholds */
    unsigned bands;              /* LSH bands */
    unsigned rows;               /* LSH rows per band */
    double fp_rate;              /* expected share of pairs below the
                                    threshold that become candidates */
    double fn_rate;              /* expected share of pairs above the
                                    threshold that LSH misses */
    uint64_t parts_removed;      /* boilerplate parts cut from the start
                                    or end of kept paragraphs (counted in
                                    pass 2, nd_scan_write) */
    uint64_t part_bytes_removed; /* their bytes, also in bytes_removed
                                    and boilerplate_bytes_removed */
} nd_stats;

typedef struct nd_scan nd_scan;

/** @brief The library version, "MAJOR.MINOR.PATCH"; a static string. */
ND_API const char *nd_version(void);

/** @brief A static description of an nd_error code. */
ND_API const char *nd_strerror(int err);

/**
 * @brief Chooses LSH bands x rows for a Jaccard threshold.
 *
 * Minimises the weighted false-positive area (below threshold) plus the
 * false-negative area (above it) of the S-curve 1-(1-s^r)^b over all
 * b*r <= perm, with weights 0.1 and 0.9: a false positive costs one exact
 * check, a false negative is a copy never found. The scan uses the same.
 * @param out_bands, out_rows  receive the choice
 * @param out_fp, out_fn  receive the expected rates (may be NULL)
 * @return 0, or ND_EINVAL for a threshold outside (0,1] or perm < 1
 */
ND_API int nd_lsh_params(unsigned *out_bands, unsigned *out_rows,
                         double *out_fp, double *out_fn, double threshold,
                         unsigned perm);

/**
 * @brief Creates a scan.
 * @param out   receives the scan, owned by the caller (nd_scan_free)
 * @param opts  the options, copied; NULL for the defaults
 * @return 0; ND_EINVAL for an option out of range (*out is then still set,
 *         so nd_scan_errmsg can say which); ND_ENOMEM
 */
ND_API int nd_scan_new(nd_scan **out, const nd_options *opts);

/**
 * @brief Adds an input: a directory (each .txt or extension-less file below
 * it is one article, each .jsonl or .ndjson file, plain or compressed, a
 * JSONL file; other files are counted as ignored), a file named .txt (one
 * article) or .jsonl/.ndjson (JSONL), any other file or "-" for standard
 * input (spooled to a temporary file): JSONL when it starts with '{' or is
 * gzip/zstd-compressed, else one article. Compression is told by magic
 * bytes, never by the name. An input given twice is refused.
 * @return 0; ND_EIO when the path does not exist or stdin fails; ND_EINVAL
 *         after nd_scan_run, or for an input already given (the same
 *         file or directory by another name)
 */
ND_API int nd_scan_add_input(nd_scan *scan, const char *path);

/**
 * @brief Reads every input and finds the clusters.
 * @return 0; ND_EIO, ND_EFORMAT (strict mode, or unusable input), ND_ENOMEM
 */
ND_API int nd_scan_run(nd_scan *scan);

/**
 * @brief Writes the results of nd_scan_run into outdir (created if needed):
 * clusters.jsonl, articles.jsonl, stats.json and clean/ (the corpus without
 * duplicates).
 * Every output is written under a temporary name and renamed at the end, so
 * a failed write leaves the previous results as they were.
 * @return 0; ND_EIO; ND_EFORMAT when an input changed since nd_scan_run;
 *         ND_EINVAL before nd_scan_run
 */
ND_API int nd_scan_write(nd_scan *scan, const char *outdir);

/**
 * @brief Copies the figures of a scan into *out.
 * @return 0, or ND_EINVAL when either pointer is NULL
 */
ND_API int nd_scan_stats(nd_stats *out, const nd_scan *scan);

/**
 * @brief The name of the i-th file (from 0) that an input directory held
 * but that is neither an article nor JSONL, and so was left out
 * (nd_stats.files_ignored counts them); NULL past the last. Borrowed from
 * the scan, valid until nd_scan_free; set by nd_scan_run.
 */
ND_API const char *nd_scan_ignored(const nd_scan *scan, size_t i);

/**
 * @brief The message of the last error on scan (file, line and cause), or ""
 * when there was none. Borrowed from the scan, valid until its next call.
 */
ND_API const char *nd_scan_errmsg(const nd_scan *scan);

/** @brief Frees a scan; NULL is allowed. */
ND_API void nd_scan_free(nd_scan *scan);

#ifdef __cplusplus
}
#endif

#endif /* NEARDUP_H */
