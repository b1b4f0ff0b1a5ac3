/*
 * read.c - turns inputs into a stream of records (see read.h).
 *
 * The one idea: every file is a byte source layered as
 *
 *     stdio chunks -> inflate | ZSTD_decompressStream | nothing -> lines
 *
 * and the reader pulls one line at a time through it. A compressed file of
 * any size thus costs one raw chunk, one decoded chunk and the longest line,
 * never the whole file; only a text article, which is one record, is read
 * whole. Directories are walked lazily with an explicit stack of sorted
 * listings, so the records come out in an order fixed by the names alone,
 * and a second reader over the same inputs gives the same records.
 *
 * Compression is told by magic bytes, not by name: a file called .jsonl.gz
 * that holds plain JSON is read as such, and so is a gzip stream called
 * .jsonl. The kind of a file (JSONL or one text article) is told by name
 * where there is a telling name, and only a file named as an input without
 * one is judged by its first bytes. Faults in the middle of a file (bad
 * JSON, a truncated stream) go to the warn callback and the reader moves
 * on, unless strict mode asks for them to be errors.
 *
 * A JSONL line is parsed by json-c, which builds an object of it, unless
 * it is plain strict JSON whose fields nd_json_fields (jsontext.h) can
 * find in one pass without building anything: then pass 1 takes the
 * fields straight from the line (read_parse_fast), and the text too when
 * it holds no escape. That path takes only lines json-c reads the same
 * way, so which one read a line shows nowhere but in record.obj; json-c
 * keeps every message about bad lines, and pass 2 (raw_jsonl) always
 * gets its object.
 *
 * A text article may have a sidecar, "X.meta.json" beside "X.txt", with its
 * source and date. In a directory the sorted listing already says whether
 * it exists, so the millions of articles without one cost no failed open.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE

#include "read.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <json-c/json.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "jsontext.h"
#include "util.h"

/* Raw bytes asked of stdio at a time; fits zlib's uInt avail_in. */
#define READ_CHUNK ((size_t)1 << 16)
/* Decoded bytes produced per call; at least ZSTD_DStreamOutSize() so that
   zstd can write a whole block without an internal copy. */
#define READ_DEC_CHUNK ((size_t)1 << 17)
/* Room for a message naming a file plus what went wrong. */
#define READ_MSGMAX 4608
/* A sidecar is a few fields of metadata; anything larger is not one. */
#define READ_SIDE_MAX ((size_t)16 << 20)
/* The deepest nesting json-c's tokener takes: json_tokener_new() allows
   JSON_TOKENER_DEFAULT_DEPTH levels and refuses a value that would reach
   the last (an object holding 30 nested arrays parses, 31 do not), so the
   fast path of read_parse stops one short of it. test_read checks both
   sides of the edge against json-c. */
#define READ_JSON_DEPTH (JSON_TOKENER_DEFAULT_DEPTH - 1)
/* What names a sidecar: "X.meta.json" beside the article "X.txt" or "X". */
#define READ_SIDE_SUFFIX ".meta.json"

/* How the bytes of the current file are encoded. */
typedef enum read_codec {
    READ_PLAIN = 0, /* as they are */
    READ_GZIP = 1,  /* one or more gzip members */
    READ_ZSTD = 2   /* one or more zstd frames */
} read_codec;

/* What a name in a directory says the file is. */
typedef enum read_class {
    READ_OTHER = 0, /* ignored */
    READ_TEXT = 1,  /* one article */
    READ_JSONL = 2, /* JSON lines */
    READ_SIDE = 3   /* metadata of an article beside it: passed over */
} read_class;

/* One input, copied from the caller. */
typedef struct read_input {
    char *path;   /* where to read it */
    char *name;   /* how to name it in messages */
    char *base;   /* first component of out_name, unique among inputs */
    char *idbase; /* base name of name: the id of a text article input */
} read_input;

/* One directory being walked. */
typedef struct read_frame {
    char **names;   /* its entries, sorted by strcmp */
    size_t n;       /* entries */
    size_t next;    /* the next entry to visit */
    size_t rel_len; /* bytes of r->rel that name this directory ("a/b/") */
} read_frame;

struct nd_reader {
    read_input *inputs;     /* the inputs, in order */
    size_t n_inputs;        /* count of inputs */
    char *id_field;         /* JSONL id field (copied) */
    char *text_field;       /* JSONL text field (copied) */
    char *source_field;     /* JSONL and sidecar source field (copied),
                               or NULL: not wanted */
    char *date_field;       /* the same for the date field */
    int strict;             /* per-record faults are errors */
    int raw_jsonl;          /* JSONL lines come unparsed */
    nd_warn_fn warn;        /* warning callback, or NULL */
    void *warn_payload;     /* passed to warn */

    size_t next_input;      /* index of the next input to start */
    size_t cur_input;       /* index of the input being read */
    read_frame *frames;     /* directory stack of the current input */
    size_t n_frames;        /* depth of that stack */
    size_t cap_frames;      /* frames allocated */
    nd_buf rel;             /* path of the current entry below the input */
    nd_buf path;            /* where the current file is on disk */
    nd_buf file;            /* record.file of the current file */
    nd_buf out_name;        /* record.out_name of the current file */

    FILE *fp;               /* the current file, or NULL */
    nd_file_kind kind;      /* its kind */
    read_codec codec;       /* its encoding */
    uint64_t file_no;       /* its number among the files opened */
    uint64_t line_no;       /* lines of it read so far */
    int in_dir;             /* it was found in a directory */
    int text_done;          /* its text article was returned */
    int side;               /* its sidecar: 1 listed beside it, 0 not,
                               -1 unknown (probe by opening) */
    int eof;                /* stdio reached its end */
    nd_buf raw;             /* raw bytes from stdio */
    size_t raw_pos;         /* first raw byte not yet consumed */
    z_stream zs;            /* gzip state */
    int zs_init;            /* zs needs inflateEnd */
    int gz_end;             /* the last gzip member ended */
    ZSTD_DStream *zd;       /* zstd state, kept from file to file */
    size_t zret;            /* last ZSTD_decompressStream hint; 0 at the
                               end of a frame */
    int pending;            /* the decoder filled its output, so it may
                               hold more without new input */
    unsigned char *dec;     /* decoded bytes */
    size_t dec_pos;         /* first decoded byte not yet consumed */
    size_t dec_len;         /* decoded bytes held */
    char fault[256];        /* what the byte source failed on */

    nd_buf line;            /* a line that spans reads, put together */
    const char *line_p;     /* the current line: in the read buffer, or */
    size_t line_n;          /* line; valid until the next read */
    nd_buf id;              /* the current record's id */
    json_tokener *tok;      /* reused for every line */
    json_object *obj;       /* the current record's object, or NULL */
    nd_buf text;            /* the current record's text, decoded by the
                               fast path when it held escapes */
    nd_buf source;          /* the current record's source ... */
    nd_buf date;            /* ... and date, each valid when its flag is */
    int has_source;         /* record.source is r->source.data */
    int has_date;           /* record.date is r->date.data */
    nd_buf side_path;       /* the sidecar of the current text article */
    nd_buf side_name;       /* the same for messages */
    nd_buf side_bytes;      /* its content */
    nd_buf dtext;           /* a compressed text article, decoded */

    char **ignored;         /* names of the ignored files */
    size_t n_ignored;       /* count of those */
    size_t cap_ignored;     /* slots allocated */
    nd_read_stats stats;    /* counters */
    char errmsg[READ_MSGMAX]; /* the last error, or "" */
};

/* ---- messages ---------------------------------------------------------- */

#if defined(__GNUC__)
#define READ_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define READ_PRINTF(f, a)
#endif

static void read_seterr(nd_reader *r, const char *fmt, ...) READ_PRINTF(2, 3);
static int read_fault(nd_reader *r, int code, uint64_t line,
                      const char *action, const char *fmt, ...)
    READ_PRINTF(5, 6);

static void read_seterr(nd_reader *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->errmsg, sizeof r->errmsg, fmt, ap);
    va_end(ap);
}

static const char *read_curfile(const nd_reader *r)
{
    return r->file.data ? r->file.data : "";
}

/*
 * A fault in the current file, at line (0: the whole file). Out of memory is
 * always an error; anything else is one only in strict mode, and otherwise
 * a counted warning that ends with what was done (action). Returns 0 when
 * the caller may carry on, else code.
 */
static int read_fault(nd_reader *r, int code, uint64_t line,
                      const char *action, const char *fmt, ...)
{
    char msg[READ_MSGMAX];
    char full[READ_MSGMAX + 64];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (code == ND_ENOMEM || r->strict) {
        if (line)
            read_seterr(r, "%s:%" PRIu64 ": %s", read_curfile(r), line, msg);
        else
            read_seterr(r, "%s: %s", read_curfile(r), msg);
        return code;
    }
    r->stats.skipped++;
    if (r->warn) {
        snprintf(full, sizeof full, "%s; %s", msg, action);
        r->warn(read_curfile(r), line, full, r->warn_payload);
    }
    return 0;
}

/* A warning that skips nothing, so it is neither counted nor fatal. */
static void read_note(nd_reader *r, uint64_t line, const char *msg)
{
    if (r->warn)
        r->warn(read_curfile(r), line, msg, r->warn_payload);
}

static int read_nomem(nd_reader *r)
{
    read_seterr(r, "%s: out of memory", read_curfile(r));
    return ND_ENOMEM;
}

/* ---- small string helpers ---------------------------------------------- */

static int read_set(nd_buf *b, const char *s, size_t n)
{
    b->len = 0;
    return nd_buf_append(b, s, n);
}

static int read_sets(nd_buf *b, const char *s)
{
    return read_set(b, s, strlen(s));
}

static int read_appends(nd_buf *b, const char *s)
{
    return nd_buf_append(b, s, strlen(s));
}

/* Appends "/" unless b is empty or already ends in one. */
static int read_slash(nd_buf *b)
{
    if (b->len == 0 || b->data[b->len - 1] == '/')
        return 0;
    return nd_buf_putc(b, '/');
}

static int read_ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);

    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* Bytes of name once a trailing .gz or .zst is cut off (never to nothing). */
static size_t read_strip_len(const char *name)
{
    size_t n = strlen(name);

    if (n > 3 && read_ends_with(name, n, ".gz"))
        return n - 3;
    if (n > 4 && read_ends_with(name, n, ".zst"))
        return n - 4;
    return n;
}

/* JSON white space, plus \f and \v, which no JSON value starts with. */
static int read_isspace(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == '\v';
}

static int read_blank(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!read_isspace((unsigned char)p[i]))
            return 0;
    return 1;
}

/* A byte as a message shows it: 'c' when printable ASCII, else its
 * value, so that no control byte or half a UTF-8 character reaches the
 * terminal. */
static void read_show_byte(char *buf, size_t n, unsigned char c)
{
    if (c > ' ' && c < 0x7f && c != '\'')
        snprintf(buf, n, "'%c'", c);
    else
        snprintf(buf, n, "byte 0x%02X", c);
}

/*
 * Binary data. Text holds no control bytes (nd_is_control), or a stray
 * one from a bad copy; random bytes hold 27 in 256 (one in 9.5), UTF-16
 * a NUL in every other byte of Latin text, executables, images and
 * archives plenty. So a text with at least READ_BINARY_MIN of them, and
 * at least one in READ_BINARY_SHARE of its bytes, is binary data, not
 * text: a factor 3 short of random bytes, while a short text with a NUL
 * or two ("a\0b") stays text. Invalid UTF-8 is no sign of it: Latin-1,
 * cp1251 and every other legacy encoding of text are invalid UTF-8
 * nearly throughout, and read as text.
 */
#define READ_BINARY_MIN 8
#define READ_BINARY_SHARE 32

/* The control bytes in p[0..n): one pass over a text article, which gcc
 * -O3 vectorises (6.5 GB/s, some 15 ms per 100 MB and pass); a JSONL
 * text on the fast path has its count from the scanner instead. */
static size_t read_controls(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i, k = 0;

    for (i = 0; i < n; i++)
        k += nd_is_control(u[i]);
    return k;
}

static int read_is_binary(size_t controls, size_t n)
{
    return controls >= READ_BINARY_MIN &&
           controls >= (n + READ_BINARY_SHARE - 1) / READ_BINARY_SHARE;
}

/* What binary data is when its first bytes tell: the formats a text
 * corpus is most often mistaken for. NULL when they do not. */
static const char *read_binary_kind(const char *p, size_t n)
{
    if (n >= 2 && (memcmp(p, "\xFF\xFE", 2) == 0 ||
                   memcmp(p, "\xFE\xFF", 2) == 0))
        return "UTF-16 text (convert it to UTF-8, e.g. with iconv)";
    if (n >= 6 && memcmp(p, "\xFD" "7zXZ\0", 6) == 0)
        return "xz-compressed data (neardup reads gzip and zstd)";
    if (n >= 3 && memcmp(p, "BZh", 3) == 0)
        return "bzip2-compressed data (neardup reads gzip and zstd)";
    if (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0)
        return "a zip archive";
    if (n >= 5 && memcmp(p, "%PDF-", 5) == 0)
        return "a PDF file";
    return NULL;
}

/* The message for binary data p[0..n) holding controls control bytes:
 * what (such as "binary data, not text"), how many and where the first
 * is, and, when p is the start of a file (start), what its first bytes
 * say it is. */
static void read_binary_msg(char *msg, size_t size, const char *what,
                            const char *p, size_t n, size_t controls,
                            int start)
{
    const char *kind = start ? read_binary_kind(p, n) : NULL;
    size_t first = 0;

    while (first < n && !nd_is_control((unsigned char)p[first]))
        first++;
    snprintf(msg, size,
             "%s: %zu of its %zu bytes (%.1f%%) are control characters, "
             "the first (0x%02X) at byte %zu%s%s",
             what, controls, n, 100.0 * (double)controls / (double)n,
             first < n ? (unsigned char)p[first] : 0u, first + 1,
             kind ? "; it looks like " : "", kind ? kind : "");
}

/* json-c names the token it was reading when it failed: after an 'n' it
 * says "null expected", after a 't' or 'f' "boolean expected", which reads
 * as if the record ought to be null. What happened is that a word there is
 * no JSON value. */
static const char *read_json_why(enum json_tokener_error jerr)
{
    switch (jerr) {
    case json_tokener_error_parse_null:
        return "not a JSON value (the parser expected null)";
    case json_tokener_error_parse_boolean:
        return "not a JSON value (the parser expected true or false)";
    case json_tokener_error_parse_number:
        return "not a JSON value (the parser expected a number)";
    case json_tokener_error_parse_unexpected:
        return "a character JSON does not allow there";
    case json_tokener_error_parse_object_key_name:
        return "a field name in double quotes expected";
    case json_tokener_error_parse_object_key_sep:
        return "':' expected after the field name";
    case json_tokener_error_parse_object_value_sep:
        return "',' or '}' expected after the value";
    case json_tokener_error_parse_array:
        return "',' or ']' expected after the value";
    case json_tokener_error_parse_string:
        return "a bad escape sequence in a string";
    case json_tokener_error_depth:
        return "values nested too deep";
    default:
        return json_tokener_error_desc(jerr);
    }
}

/*
 * The message for a JSONL line or a sidecar file (unit: "line" or "file")
 * of len bytes at p that json-c failed on with jerr, end bytes in; byte
 * numbers count the at bytes before p too (a sidecar's BOM); jerr is
 * json_tokener_success when a value parsed but more follows it; start:
 * p is where the file starts. Said in order of what a user would fix
 * first: binary data, a text that is no JSON object at all, a raw NUL, a
 * cut-off value, then json-c's own complaint.
 */
static void read_json_error(char *msg, size_t n, const char *p, size_t len,
                            size_t at, size_t end,
                            enum json_tokener_error jerr, const char *unit,
                            int start)
{
    const char *nul = memchr(p, '\0', len);
    size_t controls = read_controls(p, len);
    char b[16];
    size_t i = 0;

    while (i < len && read_isspace((unsigned char)p[i]))
        i++;
    if (i == len) {
        snprintf(msg, n, "malformed JSON: the %s is empty", unit);
    } else if (read_is_binary(controls, len)) {
        read_binary_msg(msg, n, "binary data, not JSON", p, len, controls,
                        start);
    } else if (p[i] != '{' && p[i] != '\0') {
        read_show_byte(b, sizeof b, (unsigned char)p[i]);
        snprintf(msg, n, "not a JSON object: the %s starts with %s", unit, b);
    } else if (nul) {
        /* The parser stops at a NUL byte as if the data ended there. */
        snprintf(msg, n,
                 "malformed JSON at byte %zu: a raw NUL byte (JSON writes "
                 "it as \\u0000)",
                 at + (size_t)(nul - p) + 1);
    } else if (jerr == json_tokener_continue) {
        snprintf(msg, n, "malformed JSON: the %s ends inside a value", unit);
    } else if (jerr == json_tokener_success) {
        while (end < len && read_isspace((unsigned char)p[end]))
            end++; /* point at the data, not at the space before it */
        snprintf(msg, n, "malformed JSON at byte %zu: data after the value",
                 at + end + 1);
    } else if (end < len) {
        read_show_byte(b, sizeof b, (unsigned char)p[end]);
        snprintf(msg, n, "malformed JSON at byte %zu (%s): %s",
                 at + end + 1, b, read_json_why(jerr));
    } else {
        snprintf(msg, n, "malformed JSON at byte %zu: %s", at + end + 1,
                 read_json_why(jerr));
    }
}

/* A JSON type as a message names it ("the text field is a number"). */
static const char *read_json_kind(json_type t)
{
    switch (t) {
    case json_type_null: return "null";
    case json_type_boolean: return "a boolean";
    case json_type_int:
    case json_type_double: return "a number";
    case json_type_string: return "a string";
    case json_type_array: return "an array";
    case json_type_object: return "an object";
    default: return "no JSON value";
    }
}

static read_class read_classify(const char *name)
{
    static const char *const jsonl[] = {".jsonl", ".jsonl.gz", ".jsonl.zst",
                                        ".ndjson", ".ndjson.gz",
                                        ".ndjson.zst"};
    size_t n = strlen(name), i, k = strlen(READ_SIDE_SUFFIX);

    /* Case-sensitive, as the name looked up beside an article is */
    if (n > k && strcmp(name + n - k, READ_SIDE_SUFFIX) == 0)
        return READ_SIDE;
    if (!strchr(name, '.') || read_ends_with(name, n, ".txt"))
        return READ_TEXT;
    for (i = 0; i < sizeof jsonl / sizeof jsonl[0]; i++)
        if (read_ends_with(name, n, jsonl[i]))
            return READ_JSONL;
    return READ_OTHER;
}

/*
 * What the name of a file named as an input says it is: READ_JSONL for
 * .jsonl or .ndjson, READ_TEXT for .txt (either under .gz or .zst), else
 * READ_OTHER, which leaves the kind to the content. A name the user typed
 * says what the file is meant to be, so a garbage first line in x.jsonl is
 * a bad record, not a sign that the file is prose.
 */
static read_class read_classify_input(const char *name)
{
    const char *slash = strrchr(name, '/');
    const char *b = slash ? slash + 1 : name;
    size_t n = read_strip_len(b);

    if (read_ends_with(b, n, ".jsonl") || read_ends_with(b, n, ".ndjson"))
        return READ_JSONL;
    if (read_ends_with(b, n, ".txt"))
        return READ_TEXT;
    return READ_OTHER;
}

/* ---- the byte source --------------------------------------------------- */

/*
 * Appends up to READ_CHUNK raw bytes, first dropping the consumed ones when
 * all are. Returns 1 when bytes came, 0 at the end, or ND_EIO / ND_ENOMEM
 * (r->fault says why).
 */
static int read_raw_fill(nd_reader *r)
{
    size_t n;
    int err;

    if (r->eof)
        return 0;
    if (r->raw_pos == r->raw.len)
        r->raw_pos = r->raw.len = 0;
    if ((err = nd_buf_reserve(&r->raw, READ_CHUNK))) {
        snprintf(r->fault, sizeof r->fault, "out of memory");
        return err;
    }
    errno = 0;
    n = fread(r->raw.data + r->raw.len, 1, READ_CHUNK, r->fp);
    r->raw.len += n;
    r->raw.data[r->raw.len] = '\0';
    r->stats.bytes_in += n;
    if (n < READ_CHUNK) {
        if (ferror(r->fp)) {
            snprintf(r->fault, sizeof r->fault, "read error: %s",
                     strerror(errno ? errno : EIO));
            return ND_EIO;
        }
        r->eof = 1;
    }
    return n > 0;
}

/*
 * Decodes the next gzip bytes into r->dec. A member that ends is followed
 * either by the end of the file, by another member (gzip -c a b > ab), or
 * by trailing junk that gzip itself ignores with a warning, as we do.
 */
static int read_gz_fill(nd_reader *r)
{
    size_t produced;
    int rc, zrc;

    for (;;) {
        if (r->gz_end) {
            if (r->raw_pos == r->raw.len) {
                rc = read_raw_fill(r);
                if (rc <= 0)
                    return rc;
            }
            if ((unsigned char)r->raw.data[r->raw_pos] != 0x1f) {
                read_note(r, 0, "data after the end of the gzip stream "
                                "ignored");
                r->raw_pos = r->raw.len;
                r->eof = 1;
                return 0;
            }
            if (inflateReset(&r->zs) != Z_OK) {
                snprintf(r->fault, sizeof r->fault, "corrupt gzip data");
                return ND_EFORMAT;
            }
            r->gz_end = 0;
        }
        if (r->raw_pos == r->raw.len && !r->pending) {
            rc = read_raw_fill(r);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                snprintf(r->fault, sizeof r->fault,
                         "truncated gzip stream");
                return ND_EFORMAT;
            }
        }
        r->zs.next_in = (Bytef *)r->raw.data + r->raw_pos;
        r->zs.avail_in = (uInt)(r->raw.len - r->raw_pos);
        r->zs.next_out = r->dec;
        r->zs.avail_out = (uInt)READ_DEC_CHUNK;
        zrc = inflate(&r->zs, Z_NO_FLUSH);
        r->raw_pos = r->raw.len - r->zs.avail_in;
        produced = READ_DEC_CHUNK - r->zs.avail_out;
        r->pending = r->zs.avail_out == 0;
        if (zrc == Z_STREAM_END) {
            r->gz_end = 1;
            r->pending = 0;
        } else if (zrc == Z_MEM_ERROR) {
            snprintf(r->fault, sizeof r->fault, "out of memory");
            return ND_ENOMEM;
        } else if (zrc != Z_OK && zrc != Z_BUF_ERROR) {
            snprintf(r->fault, sizeof r->fault, "corrupt gzip data (%s)",
                     r->zs.msg ? r->zs.msg : "inflate failed");
            return ND_EFORMAT;
        }
        if (produced) {
            r->dec_pos = 0;
            r->dec_len = produced;
            return 1;
        }
    }
}

/*
 * Decodes the next zstd bytes into r->dec. The streaming decoder reads
 * through concatenated and skippable frames by itself; the stream is whole
 * only if the input ends where a frame ends (hint 0).
 */
static int read_zstd_fill(nd_reader *r)
{
    ZSTD_inBuffer in;
    ZSTD_outBuffer out;
    size_t ret;
    int rc;

    for (;;) {
        if (r->raw_pos == r->raw.len && !r->pending) {
            rc = read_raw_fill(r);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                if (r->zret == 0)
                    return 0;
                snprintf(r->fault, sizeof r->fault,
                         "truncated zstd stream");
                return ND_EFORMAT;
            }
        }
        in.src = r->raw.data;
        in.size = r->raw.len;
        in.pos = r->raw_pos;
        out.dst = r->dec;
        out.size = READ_DEC_CHUNK;
        out.pos = 0;
        ret = ZSTD_decompressStream(r->zd, &out, &in);
        r->raw_pos = in.pos;
        if (ZSTD_isError(ret)) {
            if (ZSTD_getErrorCode(ret) == ZSTD_error_memory_allocation) {
                snprintf(r->fault, sizeof r->fault, "out of memory");
                return ND_ENOMEM;
            }
            snprintf(r->fault, sizeof r->fault, "corrupt zstd data (%s)",
                     ZSTD_getErrorName(ret));
            return ND_EFORMAT;
        }
        r->zret = ret;
        r->pending = out.pos == out.size;
        if (out.pos) {
            r->dec_pos = 0;
            r->dec_len = out.pos;
            return 1;
        }
    }
}

/* Points *p at the next *n decoded bytes: 1, or 0 at the end, or < 0. */
static int read_avail(nd_reader *r, const char **p, size_t *n)
{
    int rc;

    if (r->codec == READ_PLAIN) {
        if (r->raw_pos == r->raw.len) {
            rc = read_raw_fill(r);
            if (rc <= 0)
                return rc;
        }
        *p = r->raw.data + r->raw_pos;
        *n = r->raw.len - r->raw_pos;
        return 1;
    }
    if (r->dec_pos == r->dec_len) {
        rc = r->codec == READ_GZIP ? read_gz_fill(r) : read_zstd_fill(r);
        if (rc <= 0)
            return rc;
    }
    *p = (const char *)r->dec + r->dec_pos;
    *n = r->dec_len - r->dec_pos;
    return 1;
}

static void read_consume(nd_reader *r, size_t k)
{
    if (r->codec == READ_PLAIN)
        r->raw_pos += k;
    else
        r->dec_pos += k;
}

/*
 * Reads the next line, without its '\n', into r->line_p and r->line_n.
 * Returns 1, 0 at the end of the file, or < 0 with r->fault set; a line cut
 * short by a fault is dropped, as its end is unknown. A line that lies
 * whole in what was read is not copied (it stays valid until the next
 * read); only one that spans reads is put together in r->line.
 */
static int read_line(nd_reader *r)
{
    const char *p, *nl;
    size_t n, k;
    int rc, got = 0;

    r->line.len = 0;
    for (;;) {
        rc = read_avail(r, &p, &n);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            r->line_p = r->line.data ? r->line.data : "";
            r->line_n = r->line.len;
            return got;
        }
        nl = memchr(p, '\n', n);
        k = nl ? (size_t)(nl - p) : n;
        if (!got && nl) {
            r->line_p = p;
            r->line_n = k;
            read_consume(r, k + 1);
            return 1;
        }
        got = 1;
        if ((rc = nd_buf_append(&r->line, p, k))) {
            snprintf(r->fault, sizeof r->fault, "out of memory");
            return rc;
        }
        read_consume(r, nl ? k + 1 : k);
        if (nl) {
            r->line_p = r->line.data;
            r->line_n = r->line.len;
            return 1;
        }
    }
}

/* ---- files ------------------------------------------------------------- */

static void read_close_file(nd_reader *r)
{
    if (r->fp)
        fclose(r->fp);
    r->fp = NULL;
    if (r->zs_init)
        inflateEnd(&r->zs);
    r->zs_init = 0;
}

/* Whether the raw bytes start, after a BOM and white space, with '{'. */
static int read_looks_json(nd_reader *r, int *out)
{
    size_t i = 0;
    int rc;

    if (r->raw.len >= 3 && memcmp(r->raw.data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    for (;;) {
        while (i < r->raw.len && read_isspace((unsigned char)r->raw.data[i]))
            i++;
        if (i < r->raw.len) {
            *out = r->raw.data[i] == '{';
            return 0;
        }
        rc = read_raw_fill(r);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            *out = 0;
            return 0;
        }
    }
}

/*
 * Opens r->path as the current file (r->file, r->out_name and r->in_dir
 * already set). sniff: tell JSONL from text by content (a file named as an
 * input without a telling name); else kind comes from the name. Returns 1
 * when open, 0 when skipped with a warning, or < 0.
 */
static int read_open_file(nd_reader *r, int sniff, nd_file_kind kind)
{
    const unsigned char *m;
    int rc = 0, json;

    r->fp = fopen(r->path.data, "rb");
    if (!r->fp)
        return read_fault(r, ND_EIO, 0, "file skipped", "cannot open: %s",
                          strerror(errno));
    /* Our chunks are large; stdio's own buffer would only add a copy. */
    setvbuf(r->fp, NULL, _IONBF, 0);
    r->file_no = r->stats.files++;
    r->line_no = 0;
    r->text_done = 0;
    r->eof = 0;
    r->raw.len = r->raw_pos = 0;
    r->codec = READ_PLAIN;
    r->pending = 0;
    r->gz_end = 0;
    r->dec_pos = r->dec_len = 0;
    r->kind = kind;
    /* A text article in a directory is called .txt or nothing and is read
       as it is; one named as an input may be a.txt.gz, so it is decoded */
    if (!sniff && kind == ND_FILE_TEXT && r->in_dir)
        return 1;

    while (r->raw.len < 4 && (rc = read_raw_fill(r)) > 0)
        ;
    if (rc < 0)
        goto fault;
    m = (const unsigned char *)r->raw.data;
    if (r->raw.len >= 2 && m[0] == 0x1f && m[1] == 0x8b)
        r->codec = READ_GZIP;
    else if (r->raw.len >= 4 && m[0] == 0x28 && m[1] == 0xb5 &&
             m[2] == 0x2f && m[3] == 0xfd)
        r->codec = READ_ZSTD;
    if (sniff && r->codec != READ_PLAIN) {
        r->kind = ND_FILE_JSONL;
    } else if (sniff) {
        if ((rc = read_looks_json(r, &json)) < 0)
            goto fault;
        r->kind = json ? ND_FILE_JSONL : ND_FILE_TEXT;
    }

    if (r->codec != READ_PLAIN && !r->dec) {
        r->dec = malloc(READ_DEC_CHUNK);
        if (!r->dec)
            return read_nomem(r);
    }
    if (r->codec == READ_GZIP) {
        memset(&r->zs, 0, sizeof r->zs);
        if (inflateInit2(&r->zs, 15 + 16) != Z_OK)
            return read_nomem(r);
        r->zs_init = 1;
    } else if (r->codec == READ_ZSTD) {
        if (!r->zd && !(r->zd = ZSTD_createDStream()))
            return read_nomem(r);
        if (ZSTD_isError(ZSTD_initDStream(r->zd)))
            return read_nomem(r);
        r->zret = 1;
    }
    return 1;

fault:
    read_close_file(r);
    if (rc == ND_ENOMEM)
        return read_nomem(r);
    return read_fault(r, rc, 0, "file skipped", "%s", r->fault);
}

/*
 * After a parse that failed, a new tokener. json-c 0.16's
 * json_tokener_reset keeps a high surrogate still waiting for its pair
 * when the data stopped inside a \u escape pair ("\ud800 and the line
 * ends), and the next line's first surrogate pair then decodes with an
 * extra U+FFFD before it: a record's text would depend on an unrelated
 * bad line before it, and pass 2, which parses other lines, could see
 * other text than pass 1. A fresh tokener makes every line parse as if it
 * were alone. Bad lines are rare, so the allocation does not matter.
 * Returns 0 or ND_ENOMEM (the reader keeps its old tokener).
 */
static int read_tok_fresh(nd_reader *r)
{
    json_tokener *tok = json_tokener_new();

    if (!tok)
        return ND_ENOMEM;
    json_tokener_free(r->tok);
    r->tok = tok;
    return 0;
}

/*
 * Copies the value of field in obj into b and sets *has, when it is a
 * string or a number (spelt as in the input, like ids). A missing field,
 * null, any other type, and an empty string when nonempty is asked, leave
 * b and *has as they were: a sidecar without a source keeps the one the
 * directory gave. Returns 0 or ND_ENOMEM.
 */
static int read_field(json_object *obj, const char *field, nd_buf *b,
                      int *has, int nonempty)
{
    json_object *v;
    const char *s;

    if (!field || !json_object_object_get_ex(obj, field, &v))
        return 0;
    if (!json_object_is_type(v, json_type_string) &&
        !json_object_is_type(v, json_type_int) &&
        !json_object_is_type(v, json_type_double))
        return 0;
    s = json_object_get_string(v);
    if (!s || (nonempty && !*s))
        return 0;
    if (read_sets(b, s))
        return ND_ENOMEM;
    *has = 1;
    return 0;
}

/*
 * A fault in the sidecar r->side_name: the article is still read, without
 * what the sidecar would have said, so nothing is skipped or counted; in
 * strict mode it is an error. Returns 0 or code.
 */
static int read_side_fault(nd_reader *r, int code, const char *fmt, ...)
    READ_PRINTF(3, 4);

static int read_side_fault(nd_reader *r, int code, const char *fmt, ...)
{
    char msg[READ_MSGMAX];
    char full[READ_MSGMAX + 64];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (code == ND_ENOMEM)
        return read_nomem(r);
    if (r->strict) {
        read_seterr(r, "%s: %s", r->side_name.data, msg);
        return code;
    }
    if (r->warn) {
        snprintf(full, sizeof full, "%s; article read without it", msg);
        r->warn(r->side_name.data, 0, full, r->warn_payload);
    }
    return 0;
}

/* "X.txt" or "X" -> "X.meta.json" in b. */
static int read_side_of(nd_buf *b, const char *s)
{
    size_t n = strlen(s);

    if (n > 4 && read_ends_with(s, n, ".txt"))
        n -= 4;
    if (read_set(b, s, n) || read_appends(b, READ_SIDE_SUFFIX))
        return ND_ENOMEM;
    return 0;
}

/* Reads the sidecar of the current text article, if it has one, over the
   source and date already set. Returns 0 (also after a warning) or < 0. */
static int read_sidecar(nd_reader *r)
{
    char msg[READ_MSGMAX];
    enum json_tokener_error jerr;
    json_object *obj;
    nd_buf *b = &r->side_bytes;
    const char *p;
    size_t n, len, bom = 0, end;
    json_type t;
    FILE *fp;
    int errnum, err;

    if (read_side_of(&r->side_path, r->path.data) ||
        read_side_of(&r->side_name, read_curfile(r)))
        return read_nomem(r);
    fp = fopen(r->side_path.data, "rb");
    if (!fp) {
        /* Beside a file named as an input, most articles have none */
        if (r->side < 0 && (errno == ENOENT || errno == ENOTDIR))
            return 0;
        return read_side_fault(r, ND_EIO, "cannot open: %s",
                               strerror(errno));
    }
    b->len = 0;
    for (;;) {
        if (nd_buf_reserve(b, READ_CHUNK)) {
            fclose(fp);
            return read_nomem(r);
        }
        errno = 0;
        n = fread(b->data + b->len, 1, READ_CHUNK, fp);
        b->len += n;
        b->data[b->len] = '\0';
        if (b->len > READ_SIDE_MAX) {
            fclose(fp);
            return read_side_fault(r, ND_EFORMAT,
                                   "larger than %zu MiB, not a sidecar",
                                   READ_SIDE_MAX >> 20);
        }
        if (n < READ_CHUNK) {
            if (ferror(fp)) {
                errnum = errno ? errno : EIO;
                fclose(fp);
                return read_side_fault(r, ND_EIO, "read error: %s",
                                       strerror(errnum));
            }
            break;
        }
    }
    fclose(fp);

    p = b->data;
    len = b->len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        bom = 3;
    json_tokener_reset(r->tok);
    obj = json_tokener_parse_ex(r->tok, p + bom, (int)(len - bom));
    jerr = json_tokener_get_error(r->tok);
    end = bom + json_tokener_get_parse_end(r->tok);
    if (jerr != json_tokener_success) {
        if (read_tok_fresh(r))
            return read_nomem(r);
        read_json_error(msg, sizeof msg, p + bom, len - bom, bom, end - bom,
                        jerr, "file", 1);
        return read_side_fault(r, ND_EFORMAT, "%s", msg);
    }
    if (!read_blank(p + end, len - end)) {
        json_object_put(obj);
        read_json_error(msg, sizeof msg, p + bom, len - bom, bom, end - bom,
                        jerr, "file", 1);
        return read_side_fault(r, ND_EFORMAT, "%s", msg);
    }
    if (!json_object_is_type(obj, json_type_object)) {
        t = json_object_get_type(obj);
        json_object_put(obj);
        return read_side_fault(r, ND_EFORMAT, "not a JSON object but %s",
                               read_json_kind(t));
    }
    err = read_field(obj, r->source_field, &r->source, &r->has_source, 1);
    if (!err)
        err = read_field(obj, r->date_field, &r->date, &r->has_date, 0);
    json_object_put(obj);
    return err ? read_nomem(r) : 0;
}

/*
 * Source and date of the current text article: the first directory level
 * below the input root ("reuters" for reuters/2017/a.txt), then whatever
 * its sidecar says. Returns 0 or < 0.
 */
static int read_text_meta(nd_reader *r)
{
    const char *slash;

    r->has_source = r->has_date = 0;
    if (r->in_dir && r->rel.data && (slash = strchr(r->rel.data, '/'))) {
        if (read_set(&r->source, r->rel.data,
                     (size_t)(slash - r->rel.data)))
            return read_nomem(r);
        r->has_source = 1;
    }
    if (r->side == 0 || (!r->source_field && !r->date_field))
        return 0;
    return read_sidecar(r);
}

/* The text article of the current file: all its bytes, decoded when the
   file is compressed; binary data is skipped with a warning. */
static int read_text_next(nd_reader *r, nd_record *rec, const char *id)
{
    char msg[READ_MSGMAX];
    nd_buf *t = &r->raw;
    const char *p;
    size_t n, controls;
    int rc;

    if (r->text_done)
        return 0;
    if (r->codec == READ_PLAIN) {
        while ((rc = read_raw_fill(r)) > 0)
            ;
    } else {
        t = &r->dtext;
        t->len = 0;
        while ((rc = read_avail(r, &p, &n)) > 0) {
            if (nd_buf_append(t, p, n)) {
                rc = ND_ENOMEM;
                break;
            }
            read_consume(r, n);
        }
    }
    if (rc < 0) {
        read_close_file(r);
        if (rc == ND_ENOMEM)
            return read_nomem(r);
        return read_fault(r, rc, 0, "file skipped", "%s", r->fault);
    }
    /* Done even when it is binary or its sidecar fails in strict mode:
       the fault is behind the reader, as a bad JSONL line is */
    r->text_done = 1;
    controls = read_controls(t->data, t->len);
    if (read_is_binary(controls, t->len)) {
        read_binary_msg(msg, sizeof msg, "binary data, not text", t->data,
                        t->len, controls, 1);
        return read_fault(r, ND_EFORMAT, 0, "file skipped", "%s", msg);
    }
    if ((rc = read_sets(&r->id, id)))
        return read_nomem(r);
    if ((rc = read_text_meta(r)) < 0)
        return rc;
    rec->id = r->id.data;
    rec->text = t->data ? t->data : "";
    rec->text_len = t->len;
    rec->line = 0;
    rec->obj = NULL;
    rec->raw = NULL;
    rec->raw_len = 0;
    return 1;
}

/* The id of a JSONL record without one: FILE:LINE. 0 or ND_ENOMEM. */
static int read_line_id(nd_reader *r)
{
    char num[32];

    snprintf(num, sizeof num, ":%" PRIu64, r->line_no);
    if (read_sets(&r->id, read_curfile(r)) || read_appends(&r->id, num))
        return ND_ENOMEM;
    return 0;
}

/*
 * Decodes the string field f of line p into b as read_field keeps it: up
 * to a first NUL byte, which is where json-c's C string ends. Returns 1,
 * 0 when the decoder refuses it, or ND_ENOMEM.
 */
static int read_fast_string(nd_buf *b, const char *p, const nd_json_field *f)
{
    int err = nd_json_decode(b, p + f->start, f->end - f->start);

    if (err == ND_EFORMAT)
        return 0;
    /* An empty string leaves b as it was, but for len 0 */
    if (err || (err = nd_buf_append(b, "", 0)) != 0)
        return err;
    b->len = strlen(b->data);
    return 1;
}

/*
 * The fast path of read_parse: a line that nd_json_fields finds to be
 * strict JSON, with a string text field and no number where an id,
 * source or date is read, is read without json-c. Such a line is one
 * json-c reads the same way, so the record is the one read_parse would
 * make from json-c's object; everything else (malformed lines, which
 * json-c words the warning for, duplicate keys, numbers, which json-c
 * writes back in its own spelling, and so on) is left to json-c.
 * Numbers are not worth doing here: ids and dates are strings in news
 * dumps. Returns 1 (rec filled, with no object, and *controls the
 * control bytes of its text), 0 (ask json-c), or ND_ENOMEM.
 */
static int read_parse_fast(nd_reader *r, nd_record *rec, const char *p,
                           size_t len, size_t *controls)
{
    enum { F_TEXT, F_ID, F_SOURCE, F_DATE, F_N };
    nd_json_field f[F_N];
    int rc, k;

    memset(f, 0, sizeof f);
    f[F_TEXT].key = r->text_field;
    f[F_ID].key = r->id_field;
    f[F_SOURCE].key = r->source_field;
    f[F_DATE].key = r->date_field;
    if (!nd_json_fields(p, len, f, F_N, READ_JSON_DEPTH) ||
        f[F_TEXT].kind != ND_JSON_STRING)
        return 0;
    for (k = F_ID; k < F_N; k++)
        if (f[k].kind == ND_JSON_NUMBER)
            return 0;

    /* Any other kind than a string gives what json-c's path gives it:
       no source or date, the id FILE:LINE. */
    if (f[F_ID].kind == ND_JSON_STRING) {
        if ((rc = read_fast_string(&r->id, p, &f[F_ID])) <= 0)
            return rc;
    } else if (read_line_id(r)) {
        return ND_ENOMEM;
    }
    r->has_source = r->has_date = 0;
    if (f[F_SOURCE].kind == ND_JSON_STRING) {
        if ((rc = read_fast_string(&r->source, p, &f[F_SOURCE])) <= 0)
            return rc;
        r->has_source = r->source.len > 0; /* an empty source is none */
    }
    if (f[F_DATE].kind == ND_JSON_STRING) {
        if ((rc = read_fast_string(&r->date, p, &f[F_DATE])) <= 0)
            return rc;
        r->has_date = 1;
    }

    /* The text keeps its NUL bytes. Without escapes it is the very bytes
       between the quotes, so it is not copied at all. */
    if (!f[F_TEXT].escaped) {
        rec->text = p + f[F_TEXT].start + 1;
        rec->text_len = f[F_TEXT].end - f[F_TEXT].start - 2;
    } else {
        rc = nd_json_decode(&r->text, p + f[F_TEXT].start,
                            f[F_TEXT].end - f[F_TEXT].start);
        if (rc == ND_EFORMAT)
            return 0;
        if (rc)
            return rc;
        rec->text = r->text.data ? r->text.data : "";
        rec->text_len = r->text.len;
    }
    *controls = f[F_TEXT].controls;
    rec->id = r->id.data;
    rec->line = r->line_no;
    rec->obj = NULL;
    rec->raw = p;
    rec->raw_len = len;
    return 1;
}

/* Skips (1 -> 0) a record whose text of that many control bytes is
 * binary data, with a warning, or makes it an error in strict mode. */
static int read_text_binary(nd_reader *r, const nd_record *rec,
                            size_t controls)
{
    char what[128 + 64], msg[READ_MSGMAX];

    if (!read_is_binary(controls, rec->text_len))
        return 1;
    snprintf(what, sizeof what, "the \"%.128s\" field holds binary data, "
             "not text", r->text_field);
    read_binary_msg(msg, sizeof msg, what, rec->text, rec->text_len,
                    controls, 1);
    return read_fault(r, ND_EFORMAT, r->line_no, "record skipped", "%s",
                      msg);
}

/*
 * Parses one non-blank line and fills rec: on the fast path without an
 * object, else through json-c into r->obj (always so with raw_jsonl, as
 * pass 2 wants the object). Returns 1, 0 when the line was skipped with a
 * warning, or < 0.
 */
static int read_parse(nd_reader *r, nd_record *rec, const char *p,
                      size_t len)
{
    char msg[READ_MSGMAX];
    enum json_tokener_error jerr;
    json_object *obj, *tv, *iv;
    json_type t;
    size_t end, controls = 0;
    const char *s;
    int err;

    if (len > INT_MAX)
        return read_fault(r, ND_EFORMAT, r->line_no, "record skipped",
                          "line too long for the JSON parser (%zu bytes)",
                          len);
    if (!r->raw_jsonl &&
        (err = read_parse_fast(r, rec, p, len, &controls)) != 0)
        return err > 0 ? read_text_binary(r, rec, controls) : read_nomem(r);
    json_tokener_reset(r->tok);
    obj = json_tokener_parse_ex(r->tok, p, (int)len);
    jerr = json_tokener_get_error(r->tok);
    end = json_tokener_get_parse_end(r->tok);
    if (jerr != json_tokener_success) {
        if (read_tok_fresh(r))
            return read_nomem(r);
        read_json_error(msg, sizeof msg, p, len, 0, end, jerr, "line",
                        r->line_no == 1);
        return read_fault(r, ND_EFORMAT, r->line_no, "record skipped", "%s",
                          msg);
    }
    if (!read_blank(p + end, len - end)) {
        json_object_put(obj);
        read_json_error(msg, sizeof msg, p, len, 0, end, jerr, "line",
                        r->line_no == 1);
        return read_fault(r, ND_EFORMAT, r->line_no, "record skipped", "%s",
                          msg);
    }
    if (!json_object_is_type(obj, json_type_object)) {
        t = json_object_get_type(obj);
        json_object_put(obj);
        return read_fault(r, ND_EFORMAT, r->line_no, "record skipped",
                          "not a JSON object but %s", read_json_kind(t));
    }
    if (!json_object_object_get_ex(obj, r->text_field, &tv)) {
        json_object_put(obj);
        return read_fault(r, ND_EFORMAT, r->line_no, "record skipped",
                          "no \"%s\" field", r->text_field);
    }
    if (!json_object_is_type(tv, json_type_string)) {
        t = json_object_get_type(tv);
        json_object_put(obj);
        return read_fault(r, ND_EFORMAT, r->line_no, "record skipped",
                          "the \"%s\" field is %s, not a string",
                          r->text_field, read_json_kind(t));
    }

    /* json-c takes raw control bytes in a string too, so its text is
       counted whole (lines off the fast path are few). */
    rec->text = json_object_get_string(tv);
    rec->text_len = (size_t)json_object_get_string_len(tv);
    err = read_text_binary(r, rec,
                           read_controls(rec->text, rec->text_len));
    if (err <= 0) {
        json_object_put(obj);
        return err;
    }
    /* Numbers keep their spelling: json-c keeps a double's source text and
       prints an integer back in the only way JSON allows writing it. */
    if (json_object_object_get_ex(obj, r->id_field, &iv) &&
        (json_object_is_type(iv, json_type_string) ||
         json_object_is_type(iv, json_type_int) ||
         json_object_is_type(iv, json_type_double))) {
        s = json_object_get_string(iv);
        err = read_sets(&r->id, s ? s : "");
    } else {
        err = read_line_id(r);
    }
    r->has_source = r->has_date = 0;
    if (!err)
        err = read_field(obj, r->source_field, &r->source, &r->has_source,
                         1);
    if (!err)
        err = read_field(obj, r->date_field, &r->date, &r->has_date, 0);
    if (err) {
        json_object_put(obj);
        return read_nomem(r);
    }
    r->obj = obj;
    rec->id = r->id.data;
    rec->line = r->line_no;
    rec->obj = obj;
    rec->raw = p;
    rec->raw_len = len;
    return 1;
}

/* The next JSONL record of the current file: 1, 0 at its end, or < 0. */
static int read_jsonl_next(nd_reader *r, nd_record *rec)
{
    const char *p;
    size_t len;
    int rc;

    for (;;) {
        rc = read_line(r);
        if (rc == 0)
            return 0;
        if (rc < 0) {
            read_close_file(r);
            if (rc == ND_ENOMEM)
                return read_nomem(r);
            return read_fault(r, rc, r->line_no + 1, "rest of file skipped",
                              "%s", r->fault);
        }
        r->line_no++;
        p = r->line_p;
        len = r->line_n;
        if (r->line_no == 1 && len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
            p += 3;
            len -= 3;
        }
        if (read_blank(p, len))
            continue;
        if (r->raw_jsonl) { /* parsed by nd_reader_parse, if at all */
            r->has_source = r->has_date = 0;
            rec->id = NULL;
            rec->text = NULL;
            rec->text_len = 0;
            rec->line = r->line_no;
            rec->obj = NULL;
            rec->raw = p;
            rec->raw_len = len;
            return 1;
        }
        rc = read_parse(r, rec, p, len);
        if (rc != 0)
            return rc;
    }
}

/* A record's source and date, from the record or sidecar just read. */
static void read_fill_meta(const nd_reader *r, nd_record *rec)
{
    rec->source = r->has_source ? r->source.data : NULL;
    rec->date = r->has_date ? r->date.data : NULL;
}

int nd_reader_parse(nd_reader *r, nd_record *rec)
{
    int rc;

    if (!r || !rec || !r->raw_jsonl || rec->kind != ND_FILE_JSONL ||
        !rec->raw || rec->obj)
        return ND_EINVAL;
    rc = read_parse(r, rec, rec->raw, rec->raw_len);
    if (rc > 0)
        read_fill_meta(r, rec);
    return rc;
}

/* ---- walking the inputs ------------------------------------------------ */

static int read_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_free_names(char **names, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Lists the directory at path, sorted. ND_EIO (errno in *errnum) or
   ND_ENOMEM on failure. */
static int read_list(char ***out, size_t *out_n, const char *path,
                     int *errnum)
{
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    DIR *d;
    int err = 0;

    d = opendir(path);
    if (!d) {
        *errnum = errno;
        return ND_EIO;
    }
    for (;;) {
        errno = 0;
        de = readdir(d);
        if (!de) {
            if (errno) {
                *errnum = errno;
                err = ND_EIO;
            }
            break;
        }
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if ((err = nd_grow((void **)&names, &cap, n + 1, sizeof *names)))
            break;
        if (!(names[n] = strdup(de->d_name))) {
            err = ND_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (err) {
        read_free_names(names, n);
        return err;
    }
    if (n)
        qsort(names, n, sizeof *names, read_cmp);
    *out = names;
    *out_n = n;
    return 0;
}

/* Starts walking the directory r->path, whose entries are named r->rel
   below the input. Returns 0 (also when skipped with a warning) or < 0. */
static int read_push(nd_reader *r)
{
    char **names = NULL;
    size_t n = 0;
    int errnum = 0, err;

    err = read_list(&names, &n, r->path.data, &errnum);
    if (err == ND_ENOMEM)
        return read_nomem(r);
    if (err)
        return read_fault(r, err, 0, "directory skipped",
                          "cannot read directory: %s", strerror(errnum));
    if (nd_grow((void **)&r->frames, &r->cap_frames, r->n_frames + 1,
                sizeof *r->frames)) {
        read_free_names(names, n);
        return read_nomem(r);
    }
    r->frames[r->n_frames].names = names;
    r->frames[r->n_frames].n = n;
    r->frames[r->n_frames].next = 0;
    r->frames[r->n_frames].rel_len = r->rel.len;
    r->n_frames++;
    return 0;
}

static int read_ignore(nd_reader *r)
{
    char *s;

    if (nd_grow((void **)&r->ignored, &r->cap_ignored, r->n_ignored + 1,
                sizeof *r->ignored))
        return read_nomem(r);
    if (!(s = strdup(read_curfile(r))))
        return read_nomem(r);
    r->ignored[r->n_ignored++] = s;
    r->stats.files_ignored++;
    return 0;
}

static int read_has(char *const *names, size_t n, const char *s, size_t len)
{
    char key[NAME_MAX + 16];
    const char *k = key;

    if (len >= sizeof key - 4)
        return 0;
    memcpy(key, s, len);
    key[len] = '\0';
    return n && bsearch(&k, names, n, sizeof *names, read_cmp) != NULL;
}

/*
 * The name of entry idx of frame f in the cleaned corpus: without .gz/.zst,
 * unless an earlier sibling already takes that name (a.jsonl beside
 * a.jsonl.gz), so that out_name stays unique. Siblings are sorted, so the
 * test is three binary searches among the entries before this one.
 */
static size_t read_out_leaf(const read_frame *f, size_t idx)
{
    const char *name = f->names[idx];
    size_t full = strlen(name), len = read_strip_len(name);
    char alt[NAME_MAX + 16];

    if (len == full || len > NAME_MAX)
        return full;
    if (read_has(f->names, idx, name, len))
        return full;
    memcpy(alt, name, len);
    memcpy(alt + len, ".gz", 4);
    if (read_has(f->names, idx, alt, len + 3))
        return full;
    memcpy(alt + len, ".zst", 5);
    if (read_has(f->names, idx, alt, len + 4))
        return full;
    return len;
}

/* Whether the sidecar of the article name is among the entries of f. The
   listing is at hand, so no article costs a failed open. */
static int read_side_listed(const read_frame *f, const char *name)
{
    size_t n = strlen(name), k = strlen(READ_SIDE_SUFFIX);
    char key[NAME_MAX + 16];

    if (n > 4 && read_ends_with(name, n, ".txt"))
        n -= 4;
    if (n + k >= sizeof key)
        return 0;
    memcpy(key, name, n);
    memcpy(key + n, READ_SIDE_SUFFIX, k);
    return read_has(f->names, f->n, key, n + k);
}

/* Sets r->path and r->file for the entry named r->rel of input in. */
static int read_entry_names(nd_reader *r, const read_input *in)
{
    if (read_sets(&r->path, in->path) || read_slash(&r->path) ||
        nd_buf_append(&r->path, r->rel.data, r->rel.len) ||
        read_sets(&r->file, in->name) || read_slash(&r->file) ||
        nd_buf_append(&r->file, r->rel.data, r->rel.len))
        return ND_ENOMEM;
    return 0;
}

/*
 * Visits the next entry of the innermost directory. Returns 1 when a file
 * was opened, 0 when not (call again), or < 0.
 */
static int read_walk(nd_reader *r)
{
    read_frame *f = &r->frames[r->n_frames - 1];
    const read_input *in = &r->inputs[r->cur_input];
    const char *name;
    struct stat st;
    read_class cls;
    size_t idx, leaf;

    if (f->next == f->n) {
        read_free_names(f->names, f->n);
        r->n_frames--;
        return 0;
    }
    idx = f->next++;
    name = f->names[idx];
    r->rel.len = f->rel_len;
    if (read_appends(&r->rel, name) || read_entry_names(r, in))
        return read_nomem(r);

    if (lstat(r->path.data, &st) != 0)
        return read_fault(r, ND_EIO, 0, "file skipped", "cannot open: %s",
                          strerror(errno));
    if (S_ISDIR(st.st_mode)) {
        /* Hidden directories are version control and editor state
           (.git holds extension-less files by the thousand). */
        if (name[0] == '.')
            return read_ignore(r);
        if (nd_buf_putc(&r->rel, '/'))
            return read_nomem(r);
        return read_push(r);
    }
    cls = name[0] == '.' ? READ_OTHER : read_classify(name);
    /* Read with its article, never on its own, and no stranger either */
    if (cls == READ_SIDE)
        return 0;
    if (S_ISLNK(st.st_mode)) {
        /* A link to a directory could lead back up the tree: never
           followed. A link to a file counts as that file. */
        if (stat(r->path.data, &st) != 0) {
            if (cls == READ_OTHER)
                return read_ignore(r);
            return read_fault(r, ND_EIO, 0, "file skipped",
                              "cannot open: %s", strerror(errno));
        }
        if (S_ISDIR(st.st_mode))
            return read_ignore(r);
    }
    if (!S_ISREG(st.st_mode) || cls == READ_OTHER)
        return read_ignore(r);

    leaf = read_out_leaf(f, idx);
    if (read_sets(&r->out_name, in->base) || nd_buf_putc(&r->out_name, '/') ||
        nd_buf_append(&r->out_name, r->rel.data, f->rel_len) ||
        nd_buf_append(&r->out_name, name, leaf))
        return read_nomem(r);
    r->in_dir = 1;
    r->side = cls == READ_TEXT && read_side_listed(f, name);
    return read_open_file(r, 0,
                          cls == READ_TEXT ? ND_FILE_TEXT : ND_FILE_JSONL);
}

/* Starts the next input: a directory to walk or a file to open. Returns 1
   when a file was opened, 0 when not, or < 0. */
static int read_start_input(nd_reader *r)
{
    const read_input *in;
    struct stat st;

    r->cur_input = r->next_input++;
    in = &r->inputs[r->cur_input];
    if (read_sets(&r->file, in->name) || read_sets(&r->path, in->path) ||
        read_sets(&r->out_name, in->base) || read_set(&r->rel, "", 0))
        return read_nomem(r);
    if (stat(in->path, &st) != 0)
        return read_fault(r, ND_EIO, 0, "input skipped", "cannot open: %s",
                          strerror(errno));
    if (S_ISDIR(st.st_mode))
        return read_push(r);
    r->in_dir = 0;
    r->side = strcmp(in->name, "-") == 0 ? 0 : -1;
    switch (read_classify_input(in->name)) {
    case READ_JSONL:
        return read_open_file(r, 0, ND_FILE_JSONL);
    case READ_TEXT:
        return read_open_file(r, 0, ND_FILE_TEXT);
    default:
        return read_open_file(r, 1, ND_FILE_TEXT);
    }
}

/* ---- the public side --------------------------------------------------- */

/* The first component of out_name for an input: its base name, with "."
   and ".." resolved and compression endings cut from files. */
static char *read_base(const char *name, const char *path, int is_dir)
{
    const char *b;
    char *real = NULL, *out;
    size_t len, start;

    if (strcmp(name, "-") == 0)
        return strdup("stdin");
    len = strlen(name);
    while (len > 1 && name[len - 1] == '/')
        len--;
    start = len;
    while (start > 0 && name[start - 1] != '/')
        start--;
    b = name + start;
    len -= start;
    if (len == 0 || (len == 1 && b[0] == '.') ||
        (len == 2 && b[0] == '.' && b[1] == '.') ||
        (len == 1 && b[0] == '/')) {
        real = realpath(path, NULL);
        b = real ? strrchr(real, '/') : NULL;
        b = b && b[1] ? b + 1 : "input";
        len = strlen(b);
    }
    out = strndup(b, len);
    if (out && !is_dir)
        out[read_strip_len(out)] = '\0';
    free(real);
    return out;
}

/* The base name of name, for the id of a text article input. */
static char *read_idbase(const char *name)
{
    const char *s = strrchr(name, '/');

    return strdup(s && s[1] ? s + 1 : name);
}

/* Makes inputs[i].base differ from those before it: "name~2", "name~3"... */
static int read_uniq_base(read_input *inputs, size_t i)
{
    size_t j, k = 1, len = strlen(inputs[i].base);
    char *alt;
    int clash;

    for (;;) {
        clash = 0;
        for (j = 0; j < i && !clash; j++)
            clash = strcmp(inputs[j].base, inputs[i].base) == 0;
        if (!clash)
            return 0;
        alt = malloc(len + 24);
        if (!alt)
            return ND_ENOMEM;
        memcpy(alt, inputs[i].base, len);
        snprintf(alt + len, 24, "~%zu", ++k);
        free(inputs[i].base);
        /* len still counts the bytes before "~", so "a~2" becomes "a~3" */
        inputs[i].base = alt;
    }
}

int nd_reader_open(nd_reader **out, const nd_input *inputs, size_t n,
                   const nd_read_opts *opts)
{
    nd_reader *r;
    read_input *in;
    struct stat st;
    size_t i;
    int err = 0;

    if (!out)
        return ND_EINVAL;
    *out = NULL;
    r = calloc(1, sizeof *r);
    if (!r)
        return ND_ENOMEM;
    *out = r;
    if (n && !inputs) {
        read_seterr(r, "no inputs given");
        err = ND_EINVAL;
        goto done;
    }
    r->id_field = strdup(opts && opts->id_field ? opts->id_field : "id");
    r->text_field =
        strdup(opts && opts->text_field ? opts->text_field : "text");
    if (opts && opts->source_field && !(r->source_field =
                                            strdup(opts->source_field)))
        err = ND_ENOMEM;
    if (opts && opts->date_field &&
        !(r->date_field = strdup(opts->date_field)))
        err = ND_ENOMEM;
    r->strict = opts ? opts->strict : 0;
    r->raw_jsonl = opts ? opts->raw_jsonl : 0;
    r->warn = opts ? opts->warn : NULL;
    r->warn_payload = opts ? opts->warn_payload : NULL;
    r->inputs = calloc(n ? n : 1, sizeof *r->inputs);
    r->tok = json_tokener_new();
    if (err || !r->id_field || !r->text_field || !r->inputs || !r->tok) {
        err = ND_ENOMEM;
        goto done;
    }
    for (i = 0; i < n; i++) {
        in = &r->inputs[i];
        if (!inputs[i].path) {
            read_seterr(r, "input %zu has no path", i);
            err = ND_EINVAL;
            goto done;
        }
        r->n_inputs = i + 1;
        in->path = strdup(inputs[i].path);
        in->name = strdup(inputs[i].name ? inputs[i].name : inputs[i].path);
        if (!in->path || !in->name) {
            err = ND_ENOMEM;
            goto done;
        }
        if (stat(in->path, &st) != 0) {
            read_seterr(r, "%s: %s", in->name, strerror(errno));
            err = ND_EIO;
            goto done;
        }
        in->base = read_base(in->name, in->path, S_ISDIR(st.st_mode));
        in->idbase = read_idbase(in->name);
        if (!in->base || !in->idbase || read_uniq_base(r->inputs, i)) {
            err = ND_ENOMEM;
            goto done;
        }
    }

done:
    if (err == ND_ENOMEM)
        read_seterr(r, "out of memory");
    return err;
}

/*
 * The id of the current text article. One input keeps the short id, the
 * path below it, which is what a user of one corpus expects; with more,
 * s1/a.txt and s2/a.txt would both be "a.txt", so the id becomes out_name,
 * unique among all inputs and the very path of the article in clean/.
 */
static const char *read_text_id(const nd_reader *r)
{
    if (r->n_inputs > 1)
        return r->out_name.data;
    return r->in_dir ? r->rel.data : r->inputs[r->cur_input].idbase;
}

int nd_reader_next(nd_reader *r, nd_record *rec)
{
    int rc;

    if (!r || !rec)
        return ND_EINVAL;
    if (r->obj) {
        json_object_put(r->obj);
        r->obj = NULL;
    }
    for (;;) {
        if (r->fp) {
            if (r->kind == ND_FILE_TEXT)
                rc = read_text_next(r, rec, read_text_id(r));
            else
                rc = read_jsonl_next(r, rec);
            if (rc > 0) {
                rec->file = r->file.data;
                rec->input = r->cur_input;
                rec->file_no = r->file_no;
                rec->kind = r->kind;
                rec->out_name = r->out_name.data;
                read_fill_meta(r, rec);
                r->stats.records++;
                return 1;
            }
            if (rc < 0)
                return rc;
            read_close_file(r);
            continue;
        }
        if (r->n_frames)
            rc = read_walk(r);
        else if (r->next_input < r->n_inputs)
            rc = read_start_input(r);
        else
            return 0;
        if (rc < 0)
            return rc;
    }
}

void nd_reader_stats(nd_read_stats *out, const nd_reader *r)
{
    if (!out)
        return;
    if (r)
        *out = r->stats;
    else
        memset(out, 0, sizeof *out);
}

const char *nd_reader_errmsg(const nd_reader *r)
{
    return r ? r->errmsg : "out of memory";
}

const char *const *nd_reader_ignored(const nd_reader *r, size_t *n)
{
    if (n)
        *n = r ? r->n_ignored : 0;
    return r ? (const char *const *)r->ignored : NULL;
}

void nd_reader_free(nd_reader *r)
{
    size_t i;

    if (!r)
        return;
    read_close_file(r);
    while (r->n_frames) {
        r->n_frames--;
        read_free_names(r->frames[r->n_frames].names,
                        r->frames[r->n_frames].n);
    }
    free(r->frames);
    for (i = 0; i < r->n_inputs; i++) {
        free(r->inputs[i].path);
        free(r->inputs[i].name);
        free(r->inputs[i].base);
        free(r->inputs[i].idbase);
    }
    free(r->inputs);
    for (i = 0; i < r->n_ignored; i++)
        free(r->ignored[i]);
    free(r->ignored);
    if (r->obj)
        json_object_put(r->obj);
    nd_buf_free(&r->text);
    if (r->tok)
        json_tokener_free(r->tok);
    if (r->zd)
        ZSTD_freeDStream(r->zd);
    free(r->dec);
    free(r->id_field);
    free(r->text_field);
    free(r->source_field);
    free(r->date_field);
    nd_buf_free(&r->source);
    nd_buf_free(&r->date);
    nd_buf_free(&r->side_path);
    nd_buf_free(&r->side_name);
    nd_buf_free(&r->side_bytes);
    nd_buf_free(&r->dtext);
    nd_buf_free(&r->rel);
    nd_buf_free(&r->path);
    nd_buf_free(&r->file);
    nd_buf_free(&r->out_name);
    nd_buf_free(&r->raw);
    nd_buf_free(&r->line);
    nd_buf_free(&r->id);
    free(r);
}
