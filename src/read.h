/*
 * read.h - turns inputs into a stream of articles (records).
 *
 * A leaf at the edge of the pipeline: it knows files, directories, gzip,
 * zstd and JSON, and nothing of paragraphs. Inputs are read in the order
 * given; a directory is walked depth first with the entries of each
 * directory sorted by name (strcmp), so the order of records, and with it
 * every output, does not depend on the file system.
 *
 *  - A directory: each regular file whose name ends in .txt, or has no
 *    extension, is one article, read as it is; each .jsonl, .jsonl.gz,
 *    .jsonl.zst, .ndjson (.gz, .zst) file is read as JSONL; any other file
 *    is ignored and counted (files_ignored), as are symbolic links to
 *    directories.
 *  - A file named on the command line is typed by its name, once a
 *    trailing .gz or .zst is cut off (case-insensitive): a name ending in
 *    .jsonl or .ndjson is JSONL whatever it holds (a garbage first line is
 *    a bad record like any other; an empty file has no records); a name
 *    ending in .txt is one article, decompressed first when it starts with
 *    the gzip or zstd magic bytes (a.txt.gz). Any other name is typed by
 *    content: JSONL when it starts with the gzip or zstd magic bytes, or
 *    with '{' after optional white space and a UTF-8 BOM; otherwise one
 *    article. Standard input ("-") is always typed by content.
 *  - JSONL: one JSON object per line; the article text is the string in the
 *    text field, the id the id field (a string, or a number written as in
 *    the input); an article without an id gets "FILE:LINE" (FILE as in
 *    record.file). Blank lines are skipped silently. Compressed JSONL is
 *    detected by magic bytes, never by name; concatenated gzip members are
 *    read through.
 *
 * Ids of text articles. With a single input, the id is the article's path
 * relative to the directory ('/'-separated: "2017/a.txt"), or the base name
 * of a file named as the input. With more than one input, the same name
 * could come from two of them (s1/a.txt and s2/a.txt), so the id is the
 * article's out_name instead: the input's unique base name, then the path
 * below it ("s1/a.txt", "corpus~2/x.txt"), or for a file named as an input
 * that base name alone ("a.txt" for in/a.txt.gz). It is thus the article's
 * path in the cleaned corpus. JSONL ids never depend on the inputs.
 *
 * Source and date. A JSONL record's source and date are the values of the
 * source and date fields (a string, or a number as written); a missing
 * field, null, any other type, or an empty source give NULL. A text
 * article's source is the first directory level below the input root
 * ("reuters" for dump/reuters/2017/a.txt read from input dump); a file
 * directly in the root, or named as an input, has none. Its date is NULL,
 * unless a sidecar gives one. Dates are handed over as written and never
 * judged here (date.h parses them). A field option that is NULL is not
 * wanted, and that value is always NULL.
 *
 * Sidecars. "X.meta.json" beside the text article "X.txt" or "X" (or, for
 * a file named as an input, beside it: a.html -> a.html.meta.json, and
 * a.txt.gz -> a.txt.gz.meta.json) is a JSON object whose source and date
 * fields, when strings or numbers, replace what the article had. Names
 * ending in ".meta.json" (that case exactly) are sidecars in a directory
 * walk: never articles, and not counted as ignored, with or without an
 * article. They are read only when a source or date field is wanted. A
 * sidecar that cannot be read or is not one JSON object is warned about
 * under its own name, line 0; nothing is counted as skipped and the
 * article is read without it (in strict mode: ND_EFORMAT, or ND_EIO for a
 * read error, with the article behind).
 *
 * Per-record faults (malformed JSON, a missing or non-string text field, a
 * file that cannot be opened or read, a truncated or corrupt compressed
 * stream from the point of the fault, binary data) are reported through
 * warn with the file and 1-based line, counted, and skipped; in strict
 * mode they are returned as ND_EFORMAT / ND_EIO instead. Binary data is a
 * text article, or a JSONL text field, with at least 8 control bytes
 * (nd_is_control in util.h), one in 32 of its bytes or more; a stray NUL
 * and invalid UTF-8 are text. A fault that stops the whole run
 * (an input path that does not exist, out of memory) returns an error.
 */
#ifndef ND_READ_H
#define ND_READ_H

#include <stddef.h>
#include <stdint.h>

#include "neardup.h"

struct json_object;

/* One input as given to the scan. */
typedef struct nd_input {
    const char *path; /* where to read it (for "-" and pipes: the copy) */
    const char *name; /* how to name it in messages and ids ("-" for stdin) */
} nd_input;

typedef struct nd_read_opts {
    const char *id_field;   /* JSONL id field */
    const char *text_field; /* JSONL text field */
    const char *source_field; /* JSONL (and sidecar) source field */
    const char *date_field;   /* JSONL (and sidecar) date field */
    int strict;             /* per-record faults are fatal */
    int raw_jsonl;          /* JSONL records come unparsed (see
                               nd_reader_parse) */
    nd_warn_fn warn;        /* per-record warnings, or NULL */
    void *warn_payload;     /* passed to warn */
} nd_read_opts;

/* What kind of file a record came from. */
typedef enum nd_file_kind {
    ND_FILE_TEXT = 0, /* the whole file is one article */
    ND_FILE_JSONL = 1 /* one article per line */
} nd_file_kind;

/*
 * One article. Every pointer is borrowed from the reader and valid until
 * the next nd_reader_next or nd_reader_free.
 */
typedef struct nd_record {
    const char *id;           /* article id, NUL-terminated (see "Ids of
                                 text articles" above) */
    const char *text;         /* article text (file bytes or decoded JSON
                                 string; may hold NUL bytes, and need not
                                 be followed by one) */
    size_t text_len;          /* bytes of text */
    const char *file;         /* file name for messages: input name joined
                                 with the path below it */
    uint64_t line;            /* 1-based line of a JSONL record, else 0 */
    size_t input;             /* index of the input it came from */
    uint64_t file_no;         /* 0-based number of the file among all files
                                 read so far; changes when a new file starts */
    nd_file_kind kind;        /* the kind of that file */
    const char *out_name;     /* relative path of this file in the cleaned
                                 corpus: input base name (made unique among
                                 inputs), then the path below a directory;
                                 .gz/.zst endings removed */
    struct json_object *obj;  /* the parsed JSONL object (borrowed), or NULL
                                 for text files and for lines the reader
                                 read without json-c: without raw_jsonl,
                                 most lines of plain strict JSON (see
                                 read_parse); nd_reader_parse always
                                 gives it */
    const char *source;       /* publisher or site: the source field of a
                                 JSONL record or sidecar (a string, or a
                                 number as written), else for a text file
                                 in a directory the first directory level
                                 below the input root; NULL when unknown */
    const char *date;         /* the date field as written (string or
                                 number), or NULL; not parsed here */
    const char *raw;          /* a JSONL record's line as read (without
                                 its newline or a leading BOM), or NULL */
    size_t raw_len;           /* bytes of raw */
} nd_record;

/* Counters of a reader, complete once nd_reader_next returned 0. */
typedef struct nd_read_stats {
    uint64_t files;           /* files opened as inputs */
    uint64_t files_ignored;   /* files skipped for their name */
    uint64_t records;         /* records returned */
    uint64_t skipped;         /* records or files skipped with a warning */
    uint64_t bytes_in;        /* bytes read from files (compressed size) */
} nd_read_stats;

typedef struct nd_reader nd_reader;

/*
 * Opens a reader over inputs[0..n) (copied). Checks that every input
 * exists: a missing one is ND_EIO with a message. *out is set even on
 * failure so nd_reader_errmsg can tell why.
 */
int nd_reader_open(nd_reader **out, const nd_input *inputs, size_t n,
                   const nd_read_opts *opts);

/*
 * Fills *rec with the next article. Returns 1 when it did, 0 at the end of
 * all inputs, or a negative nd_error (message in nd_reader_errmsg).
 */
int nd_reader_next(nd_reader *r, nd_record *rec);

/*
 * With raw_jsonl, a JSONL record comes as its line alone: raw, raw_len,
 * line and the file fields are set, id, text and obj are NULL (text_len
 * 0), and a malformed line is not noticed. nd_reader_parse parses such a
 * record as nd_reader_next would have, filling id, text, obj, source and
 * date: 1, 0 when the line is a bad record (warned about as usual), or <
 * 0 (ND_EINVAL for any other record, or a reader without raw_jsonl). It
 * always parses with json-c, so obj is set. For a second pass that knows
 * which lines are articles and can often read the text without the
 * parser.
 */
int nd_reader_parse(nd_reader *r, nd_record *rec);

/* The reader's counters. */
void nd_reader_stats(nd_read_stats *out, const nd_reader *r);

/* The message of the last error, or "". */
const char *nd_reader_errmsg(const nd_reader *r);

/* Names of the ignored files, in order, for the summary; *n receives the
 * count. Borrowed from the reader. */
const char *const *nd_reader_ignored(const nd_reader *r, size_t *n);

void nd_reader_free(nd_reader *r);

#endif /* ND_READ_H */
