/*
 * main.c - the neardup command-line program.
 *
 * A user of libneardup like any other: it includes only neardup.h, turns
 * the command line into nd_options, runs a scan, prints warnings and a
 * summary, and picks the exit code (0 done, 1 failed, 2 bad usage).
 */
#define _XOPEN_SOURCE 700

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "neardup.h"

#define CLI_MAX_WARNINGS 50 /* printed; the rest are only counted */

static const char usage_text[] =
    "Usage: neardup scan [OPTIONS] INPUT... -o OUTDIR\n"
    "       neardup --help | --version\n"
    "\n"
    "Finds paragraphs repeated across (and within) news articles, keeps one\n"
    "canonical copy of each, and writes into OUTDIR:\n"
    "  clusters.jsonl  one line per cluster: the canonical paragraph and every\n"
    "                  copy (article id, paragraph index, byte offsets,\n"
    "                  Jaccard and containment against the canonical), and\n"
    "                  its kind: boilerplate (a site's furniture) or shared;\n"
    "                  furniture glued to the start or end of a paragraph\n"
    "                  is a copy too (\"part\": true, its bytes only)\n"
    "  articles.jsonl  one line per article sharing text with another: which\n"
    "                  earlier articles hold how much of it, and whether it\n"
    "                  is a syndicated copy\n"
    "  clean/          the corpus in its input shape without the copies\n"
    "                  (a JSONL line keeps every byte but its text value)\n"
    "  stats.json      counts and the parameters in force\n"
    "\n"
    "INPUT is a directory (each .txt or extension-less file below it is one\n"
    "article, each .jsonl or .ndjson file is JSONL: one article per line), a\n"
    ".txt file (one article), a .jsonl or .ndjson file, or any other file or\n"
    "'-' (standard input): JSONL when it starts with '{' or is compressed,\n"
    "else one article. gzip and zstd are told by their bytes, not the name.\n"
    "\n"
    "Options (a value is the next argument or follows '=': --threads 2,\n"
    "--threads=2; -o also takes it attached: -oDIR, -o=DIR):\n"
    "  -o, --output DIR     where to write the results (required)\n"
    "  --threshold X        Jaccard similarity of a duplicate, above 0 and at\n"
    "                       most 1 (default 0.8; 1: equal shingle sets only)\n"
    "  --containment X      share of a paragraph's shingles found in a longer\n"
    "                       one that makes it a copy of it, above 0 and at\n"
    "                       most 1 (default 0.9; 1: every shingle)\n"
    "  --min-contain N      shingles a paragraph needs before containment\n"
    "                       counts for it, 1..1000 (default 4)\n"
    "  --ngram N            words per shingle, 1..16 (default 5)\n"
    "  --perm N             MinHash permutations, 8..1024 (default 128)\n"
    "  --seed N             hash seed, decimal (default 7954871460759433264;\n"
    "                       same seed, same output)\n"
    "  --copy X             share of an article's text held by an earlier\n"
    "                       one that flags it as a syndicated copy, above 0\n"
    "                       and at most 1 (default 0.5)\n"
    "  --keep POLICY        which copy is the canonical: earliest (by the\n"
    "                       date field, undated last; default), longest\n"
    "                       (article), or first (input order); a paragraph\n"
    "                       that contains another always wins over it\n"
    "  --source-priority FILE  sources, one per line, most preferred first\n"
    "                       (wire services before re-publishers)\n"
    "  --keep-boilerplate   keep every copy of site furniture in clean/\n"
    "  --drop-boilerplate-all  remove every copy of it, canonical too\n"
    "  --boilerplate-articles N  articles of one source a repeat must span\n"
    "                       to count as its furniture, 1 or more (default 3)\n"
    "  --id-field NAME      JSONL field holding the article id (default id)\n"
    "  --text-field NAME    JSONL field holding the text (default text)\n"
    "  --source-field NAME  JSONL field naming the publisher (default source)\n"
    "  --date-field NAME    JSONL field holding the date (default date)\n"
    "  --threads N          worker threads, 0..256 (default 0: one per\n"
    "                       online core); the output is the same for any N\n"
    "  --strict             fail on the first bad record instead of skipping it\n"
    "  -q, --quiet          print errors only\n"
    "  -h, --help           show this help\n"
    "  -V, --version        show the version\n";

__attribute__((format(printf, 1, 2)))
static void usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("neardup: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'neardup --help'.\n", stderr);
}

/* What the CLI shows while a scan runs: warnings (the first
 * CLI_MAX_WARNINGS; all are counted) and, on a terminal, a progress line
 * redrawn in place. */
typedef struct cli_warnings {
    unsigned long long n; /* warnings received */
    int quiet;            /* print nothing */
    int progress;         /* draw progress: stderr is a terminal */
    int shown;            /* a progress line is on screen */
    int pass;             /* the pass being shown */
    double start;         /* when that pass began */
    double last;          /* when the line was last drawn */
} cli_warnings;

static double cli_now(void);

/* Wipes the progress line, so that other output starts clean. */
static void cli_progress_clear(cli_warnings *w)
{
    if (w->shown) {
        fputs("\r\033[K", stderr);
        w->shown = 0;
    }
}

static void cli_progress(const nd_progress *p, void *payload)
{
    cli_warnings *w = payload;
    double now = cli_now(), secs, rate;
    char line[160];
    int n;

    if (p->pass != w->pass) {
        /* The first line of a pass waits a quarter second too, so that
         * its rate means something (it read 0.0 MB/s). */
        w->pass = p->pass;
        w->start = w->last = now;
    }
    if (p->stage && strcmp(p->stage, "reading") != 0 &&
        strcmp(p->stage, "writing") != 0) {
        /* A stage after reading: no bytes to count, only where it is. */
        fprintf(stderr, "\rneardup: %s (%llu articles read in %.1f s)\033[K",
                strcmp(p->stage, "pairing") == 0      ? "finding candidate pairs"
                : strcmp(p->stage, "clustering") == 0 ? "verifying and clustering"
                                                      : "comparing articles",
                (unsigned long long)p->articles, now - w->start);
        w->shown = 1;
        return;
    }
    if (now - w->last < 0.25)
        return;
    w->last = now;
    secs = now - w->start;
    rate = secs > 0.0 ? (double)p->bytes_read / 1e6 / secs : 0.0;
    n = snprintf(line, sizeof line, "neardup: %s %.0f MB",
                 p->pass == 1 ? "reading" : "writing",
                 (double)p->bytes_read / 1e6);
    if (p->bytes_total && n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n, " of %.0f MB (%.0f%%)",
                      (double)p->bytes_total / 1e6,
                      100.0 * (double)p->bytes_read / (double)p->bytes_total);
    if (n > 0 && (size_t)n < sizeof line)
        n += snprintf(line + n, sizeof line - (size_t)n,
                      ", %llu articles, %.1f MB/s",
                      (unsigned long long)p->articles, rate);
    if (p->bytes_total > p->bytes_read && rate > 0.0 && n > 0 &&
        (size_t)n < sizeof line) {
        double left = (double)(p->bytes_total - p->bytes_read) / 1e6 / rate;

        snprintf(line + n, sizeof line - (size_t)n, ", %d:%02d left",
                 (int)(left / 60), (int)left % 60);
    }
    fprintf(stderr, "\r%s\033[K", line);
    w->shown = 1;
}

static void cli_warn(const char *file, uint64_t line, const char *msg,
                     void *payload)
{
    cli_warnings *w = payload;

    w->n++;
    if (w->quiet || w->n > CLI_MAX_WARNINGS)
        return;
    cli_progress_clear(w);
    if (line)
        fprintf(stderr, "neardup: warning: %s:%llu: %s\n", file,
                (unsigned long long)line, msg);
    else
        fprintf(stderr, "neardup: warning: %s: %s\n", file, msg);
    if (w->n == CLI_MAX_WARNINGS)
        fputs("neardup: warning: further warnings are only counted\n",
              stderr);
}

static int parse_double(double *out, const char *s)
{
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && end != s && *end == '\0' ? 0 : -1;
}

static int parse_uint(unsigned long long *out, const char *s)
{
    char *end;

    if (*s == '-' || *s == '\0')
        return -1;
    errno = 0;
    *out = strtoull(s, &end, 10); /* decimal: "010" is ten, not eight */
    return errno == 0 && *end == '\0' ? 0 : -1;
}

/* A whole-number option and the values it takes. The ranges are the ones
 * nd_scan_new checks (scan_check_options); checking them here too lets the
 * message name the option as typed, and a value that is no number gets
 * the same message as one out of range. */
typedef struct cli_uint_opt {
    const char *name;       /* as typed, "--threads" */
    unsigned long long min; /* smallest value taken */
    unsigned long long max; /* largest value taken */
} cli_uint_opt;

static const cli_uint_opt cli_uint_opts[] = {
    {"--ngram", 1, 16},
    {"--perm", 8, 1024},
    {"--seed", 0, ULLONG_MAX},
    {"--threads", 0, 256},
    {"--min-contain", 1, 1000},
    {"--boilerplate-articles", 1, UINT_MAX},
};

static const cli_uint_opt *cli_uint_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof cli_uint_opts / sizeof cli_uint_opts[0]; i++)
        if (strcmp(name, cli_uint_opts[i].name) == 0)
            return &cli_uint_opts[i];
    return NULL;
}

/* Options that take a value, besides the whole-number ones (cli_uint_opt);
 * and the flags, which take none. */
static const char *const cli_value_opts[] = {
    "-o", "--output", "--id-field", "--text-field", "--source-field",
    "--date-field", "--keep", "--source-priority", "--threshold",
    "--containment", "--copy",
};
static const char *const cli_flags[] = {
    "--strict", "--keep-boilerplate", "--drop-boilerplate-all", "-q",
    "--quiet", "-h", "--help",
};

static int cli_in(const char *const *list, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0)
            return 1;
    return 0;
}

/* The lines of a --source-priority file. */
typedef struct cli_lines {
    char **lines; /* pointers into text */
    size_t n;     /* lines */
    char *text;   /* the file's contents */
} cli_lines;

/* Reads one source per line; blank lines and lines starting with '#' are
 * skipped, surrounding white space trimmed. Complains and returns -1. */
static int read_priority(cli_lines *out, const char *path)
{
    FILE *f = fopen(path, "rb");
    size_t len = 0, cap = 0;
    char *p, *line;
    int c;

    if (!f) {
        fprintf(stderr, "neardup: --source-priority %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    free(out->lines);
    free(out->text);
    out->lines = NULL;
    out->text = NULL;
    out->n = 0;
    while ((c = getc(f)) != EOF) {
        if (len + 2 > cap) {
            char *t = realloc(out->text, cap = cap ? cap * 2 : 256);

            if (!t) {
                fclose(f);
                fputs("neardup: out of memory\n", stderr);
                return -1;
            }
            out->text = t;
        }
        out->text[len++] = (char)c;
    }
    fclose(f);
    if (!out->text)
        return 0;
    out->text[len] = '\0';
    out->lines = calloc(len + 1, sizeof *out->lines);
    if (!out->lines) {
        fputs("neardup: out of memory\n", stderr);
        return -1;
    }
    for (line = out->text; line; line = p) {
        char *end;

        p = strchr(line, '\n');
        if (p)
            *p++ = '\0';
        while (*line == ' ' || *line == '\t' || *line == '\r')
            line++;
        end = line + strlen(line);
        while (end > line && (end[-1] == ' ' || end[-1] == '\t' ||
                              end[-1] == '\r'))
            *--end = '\0';
        if (*line && *line != '#')
            out->lines[out->n++] = line;
    }
    return 0;
}

/*
 * The absolute, symlink-free form of path, which need not exist yet: the
 * longest existing prefix is resolved and the rest appended. malloc'd, or
 * NULL.
 */
static char *cli_resolve(const char *path)
{
    char *copy = strdup(path), *slash, *real, *out;
    const char *rest;

    if (!copy)
        return NULL;
    real = realpath(copy, NULL);
    if (real) {
        free(copy);
        return real;
    }
    slash = strrchr(copy, '/');
    while (slash && slash > copy && slash[1] == '\0') {
        *slash = '\0'; /* "dir/" */
        slash = strrchr(copy, '/');
    }
    if (slash) {
        *slash = '\0';
        rest = slash + 1;
        real = cli_resolve(*copy ? copy : "/");
    } else {
        rest = copy;
        real = realpath(".", NULL);
    }
    out = real ? malloc(strlen(real) + strlen(rest) + 2) : NULL;
    if (out)
        sprintf(out, "%s/%s", strcmp(real, "/") == 0 ? "" : real, rest);
    free(real);
    free(copy);
    return out;
}

/* Nonzero when outdir is an input directory or lies inside one: its
 * results would be read back as input by the next run. */
static int cli_out_inside_input(const char *outdir, const char **inputs,
                                size_t n, const char **which)
{
    char *out = cli_resolve(outdir);
    size_t i;
    int inside = 0;

    for (i = 0; out && !inside && i < n; i++) {
        struct stat st;
        char *in;
        size_t len;

        if (strcmp(inputs[i], "-") == 0 || stat(inputs[i], &st) != 0 ||
            !S_ISDIR(st.st_mode) || !(in = realpath(inputs[i], NULL)))
            continue;
        len = strlen(in);
        inside = strncmp(out, in, len) == 0 &&
                 (out[len] == '\0' || out[len] == '/' || len == 1);
        if (inside)
            *which = inputs[i];
        free(in);
    }
    free(out);
    return inside;
}

static double cli_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void human_bytes(char *buf, size_t len, unsigned long long b)
{
    if (b >= 1000ULL * 1000 * 1000)
        snprintf(buf, len, "%.2f GB", b / 1e9);
    else if (b >= 1000ULL * 1000)
        snprintf(buf, len, "%.2f MB", b / 1e6);
    else if (b >= 1000ULL)
        snprintf(buf, len, "%.1f kB", b / 1e3);
    else
        snprintf(buf, len, "%llu bytes", b);
}

/* Ignored files the summary names; the rest it counts. */
#define CLI_IGNORED_NAMED 3

static void print_summary(const nd_scan *scan, const nd_stats *st,
                          const char *outdir, double secs,
                          unsigned long long warnings)
{
    char in[32], rm[32], parts[64] = "";
    double pct = st->bytes ? 100.0 * st->bytes_removed / st->bytes : 0.0;

    human_bytes(in, sizeof in, st->bytes);
    human_bytes(rm, sizeof rm, st->bytes_removed);
    printf("neardup %s: %llu article%s (%s) in %llu file%s, %.2f s",
           nd_version(), (unsigned long long)st->articles,
           st->articles == 1 ? "" : "s", in, (unsigned long long)st->files,
           st->files == 1 ? "" : "s", secs);
    /* The rate of article text, so plain and compressed input compare;
     * with no text read (every record skipped) there is no rate to give. */
    if (secs > 0.0 && st->bytes)
        printf(", %.1f MB/s", st->bytes / 1e6 / secs);
    printf("\n");
    printf("  paragraphs   %llu\n", (unsigned long long)st->paragraphs);
    printf("  clusters     %llu (paragraphs repeated, one canonical each), "
           "%llu of them boilerplate\n",
           (unsigned long long)st->clusters,
           (unsigned long long)st->boilerplate_clusters);
    if (st->parts_removed)
        snprintf(parts, sizeof parts, " and %llu glued part%s",
                 (unsigned long long)st->parts_removed,
                 st->parts_removed == 1 ? "" : "s");
    printf("  removed      %llu paragraph%s%s, %s (%.1f%% of the text)\n",
           (unsigned long long)st->paragraphs_removed,
           st->paragraphs_removed == 1 ? "" : "s", parts, rm, pct);
    printf("  articles     %llu share%s text with another, %llu of them "
           "syndicated cop%s\n",
           (unsigned long long)st->articles_sharing,
           st->articles_sharing == 1 ? "s" : "",
           (unsigned long long)st->articles_syndicated,
           st->articles_syndicated == 1 ? "y" : "ies");
    if (st->dates_unparsed)
        printf("  dates        %llu not understood (those articles count as "
               "undated)\n",
               (unsigned long long)st->dates_unparsed);
    if (st->ids_repeated)
        printf("  ids          %llu used by an earlier article too (the "
               "reports cannot tell them apart)\n",
               (unsigned long long)st->ids_repeated);
    printf("  candidates   %llu pairs checked exactly, %llu within "
           "thresholds (LSH %u band%s x %u row%s)\n",
           (unsigned long long)st->candidate_pairs,
           (unsigned long long)st->verified_pairs, st->bands,
           st->bands == 1 ? "" : "s", st->rows, st->rows == 1 ? "" : "s");
    if (st->records_skipped || warnings) {
        printf("  skipped      %llu record%s or file%s (",
               (unsigned long long)st->records_skipped,
               st->records_skipped == 1 ? "" : "s",
               st->records_skipped == 1 ? "" : "s");
        /* Only the first CLI_MAX_WARNINGS reached stderr: say so, rather
         * than claim all of them are there. */
        if (warnings > CLI_MAX_WARNINGS)
            printf("%llu warnings, the first %d on stderr)\n", warnings,
                   CLI_MAX_WARNINGS);
        else
            printf("%llu warning%s on stderr)\n", warnings,
                   warnings == 1 ? "" : "s");
    }
    if (st->files_ignored) {
        const char *name;
        size_t i;

        printf("  ignored      %llu file%s neither article (.txt) nor "
               "JSONL:",
               (unsigned long long)st->files_ignored,
               st->files_ignored == 1 ? "" : "s");
        for (i = 0; i < CLI_IGNORED_NAMED &&
                    (name = nd_scan_ignored(scan, i)) != NULL;
             i++)
            printf("%s %s", i ? "," : "", name);
        if (st->files_ignored > CLI_IGNORED_NAMED)
            printf(" and %llu more",
                   (unsigned long long)st->files_ignored - CLI_IGNORED_NAMED);
        putchar('\n');
    }
    printf("  time         %.2f s analysing, %.2f s pairing, %.2f s "
           "verifying and clustering, %.2f s writing\n",
           st->seconds_analyse, st->seconds_candidates, st->seconds_cluster,
           st->seconds_write);
    printf("  output       %s/clusters.jsonl, %s/articles.jsonl, %s/clean/, "
           "%s/stats.json\n",
           outdir, outdir, outdir, outdir);
}

static int cmd_scan(int argc, char **argv)
{
    nd_options opts = ND_OPTIONS_INIT;
    cli_warnings warns = {0, 0, 0, 0, 0, 0.0, 0.0};
    const char *outdir = NULL;
    const char **inputs;
    size_t n_inputs = 0, i;
    nd_scan *scan = NULL;
    nd_stats st;
    cli_lines prio = {NULL, 0, NULL};
    const char *boiler_flag = NULL, *which = NULL;
    double t0;
    int k, err, only_inputs = 0, rc = 1;

    inputs = calloc((size_t)argc + 1, sizeof *inputs);
    if (!inputs) {
        fputs("neardup: out of memory\n", stderr);
        return 1;
    }
    for (k = 0; k < argc; k++) {
        const char *a = argv[k], *val = NULL;
        const char *eq;
        const cli_uint_opt *uo;
        char name[32];
        unsigned long long u;
        double d;

        if (only_inputs || a[0] != '-' || strcmp(a, "-") == 0) {
            if (*a == '\0') {
                usage_error("an input is named '' (an empty path)");
                rc = 2;
                goto done;
            }
            inputs[n_inputs++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_inputs = 1;
            continue;
        }
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            rc = 0;
            goto done;
        }
        if (strcmp(a, "--strict") == 0) {
            opts.strict = 1;
            continue;
        }
        if (strcmp(a, "--keep-boilerplate") == 0 ||
            strcmp(a, "--drop-boilerplate-all") == 0) {
            if (boiler_flag && strcmp(boiler_flag, a) != 0) {
                usage_error("%s", "--keep-boilerplate and "
                                  "--drop-boilerplate-all exclude each other");
                rc = 2;
                goto done;
            }
            boiler_flag = a;
            opts.boilerplate = a[2] == 'k' ? ND_BOILERPLATE_KEEP
                                           : ND_BOILERPLATE_DROP_ALL;
            continue;
        }
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            warns.quiet = 1;
            continue;
        }
        /* Every other option takes a value: --opt=VALUE or --opt VALUE;
         * the one short one, -o, also takes it attached as getopt does
         * (-oDIR), and as -o=DIR like --output=DIR: a directory whose
         * name starts with '=' is far less likely than that spelling. */
        eq = strchr(a, '=');
        if (strncmp(a, "-output", 7) == 0) {
            /* getopt would write the results to "utput" and read the
             * directory meant as an input: say what was meant. */
            usage_error("unknown option '%.*s' (the long option takes two "
                        "dashes: --output)",
                        eq ? (int)(eq - a) : (int)strlen(a), a);
            rc = 2;
            goto done;
        }
        if (a[1] == 'o' && a[2] != '\0') {
            strcpy(name, "-o");
            val = a + 2 + (a[2] == '=');
        } else if (eq && a[1] == '-' && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
        } else if (strlen(a) < sizeof name) {
            strcpy(name, a);
        } else {
            name[0] = '\0';
        }
        if (!cli_in(cli_value_opts, sizeof cli_value_opts /
                                        sizeof *cli_value_opts, name) &&
            !cli_uint_find(name)) {
            if (cli_in(cli_flags, sizeof cli_flags / sizeof *cli_flags, name))
                usage_error("option '%s' takes no value", name);
            else
                usage_error("unknown option '%s'", *name ? name : a);
            rc = 2;
            goto done;
        }
        if (!val) {
            if (k + 1 >= argc) {
                usage_error("option '%s' needs a value", a);
                rc = 2;
                goto done;
            }
            val = argv[++k];
        }
        if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0) {
            if (outdir || *val == '\0') {
                usage_error(outdir ? "%s given twice: one output directory, "
                                     "please"
                                   : "%s needs a directory name, not ''",
                            name);
                rc = 2;
                goto done;
            }
            outdir = val;
        } else if ((strcmp(name, "--id-field") == 0 ||
                    strcmp(name, "--text-field") == 0) &&
                   *val == '\0') {
            usage_error("%s needs a field name, not ''", name);
            rc = 2;
            goto done;
        } else if (strcmp(name, "--id-field") == 0) {
            opts.id_field = val;
        } else if (strcmp(name, "--text-field") == 0) {
            opts.text_field = val;
        } else if (strcmp(name, "--source-field") == 0) {
            opts.source_field = val;
        } else if (strcmp(name, "--date-field") == 0) {
            opts.date_field = val;
        } else if (strcmp(name, "--keep") == 0) {
            if (strcmp(val, "earliest") == 0)
                opts.keep = ND_KEEP_EARLIEST;
            else if (strcmp(val, "longest") == 0)
                opts.keep = ND_KEEP_LONGEST;
            else if (strcmp(val, "first") == 0)
                opts.keep = ND_KEEP_FIRST;
            else {
                usage_error("--keep takes earliest, longest or first, not "
                            "'%s'", val);
                rc = 2;
                goto done;
            }
        } else if (strcmp(name, "--source-priority") == 0) {
            if (read_priority(&prio, val) != 0) {
                rc = 1; /* a file that cannot be read: failed, as inputs */
                goto done;
            }
            opts.source_priority = (const char *const *)prio.lines;
            opts.n_source_priority = prio.n;
        } else if (strcmp(name, "--threshold") == 0 ||
                   strcmp(name, "--containment") == 0 ||
                   strcmp(name, "--copy") == 0) {
            /* The three shares take (0, 1], as nd_scan_new checks; here
             * the message can name the option as typed. */
            if (parse_double(&d, val) != 0 || !(d > 0.0 && d <= 1.0)) {
                usage_error("%s takes a number above 0 and at most 1, not "
                            "'%s'",
                            name, val);
                rc = 2;
                goto done;
            }
            if (strcmp(name, "--threshold") == 0)
                opts.threshold = d;
            else if (strcmp(name, "--containment") == 0)
                opts.containment = d;
            else
                opts.copy = d;
        } else if ((uo = cli_uint_find(name)) != NULL) {
            if (parse_uint(&u, val) != 0 || u < uo->min || u > uo->max) {
                usage_error("%s takes a whole number from %llu to %llu, "
                            "not '%s'",
                            name, uo->min, uo->max, val);
                rc = 2;
                goto done;
            }
            if (strcmp(name, "--ngram") == 0)
                opts.ngram = (unsigned)u;
            else if (strcmp(name, "--perm") == 0)
                opts.perm = (unsigned)u;
            else if (strcmp(name, "--seed") == 0)
                opts.seed = u;
            else if (strcmp(name, "--threads") == 0)
                opts.threads = (unsigned)u;
            else if (strcmp(name, "--min-contain") == 0)
                opts.min_contain = (unsigned)u;
            else
                opts.boilerplate_articles = (unsigned)u;
        } else {
            usage_error("unknown option '%s'", name);
            rc = 2;
            goto done;
        }
    }
    if (n_inputs == 0) {
        usage_error("%s", "no INPUT given (a directory, a .txt or JSONL "
                          "file, or '-')");
        rc = 2;
        goto done;
    }
    if (!outdir) {
        usage_error("%s", "no output directory given (-o OUTDIR)");
        rc = 2;
        goto done;
    }
    if (cli_out_inside_input(outdir, inputs, n_inputs, &which)) {
        fprintf(stderr,
                "neardup: the output directory %s is, or lies inside, the input "
                "directory %s, so the next run would read the results as "
                "articles; choose an output directory outside it\n",
                outdir, which);
        rc = 2;
        goto done;
    }
    opts.warn = cli_warn;
    opts.warn_payload = &warns;
    if (!warns.quiet && isatty(STDERR_FILENO)) {
        opts.progress = cli_progress;
        opts.progress_payload = &warns;
    }

    t0 = cli_now();
    err = nd_scan_new(&scan, &opts);
    if (err == ND_EINVAL && scan) { /* an option out of range */
        usage_error("%s", nd_scan_errmsg(scan));
        rc = 2;
        goto done;
    }
    if (err) {
        fprintf(stderr, "neardup: %s\n", nd_strerror(err));
        goto done;
    }
    for (i = 0; i < n_inputs; i++) {
        err = nd_scan_add_input(scan, inputs[i]);
        if (err)
            goto failed;
    }
    err = nd_scan_run(scan);
    if (!err) {
        /* Nothing read is most likely a mistake (a wrong --text-field, an
         * empty directory): say so, and keep what an earlier run wrote
         * rather than replace it with empty results. */
        nd_scan_stats(&st, scan);
        if (st.articles == 0) {
            cli_progress_clear(&warns);
            fprintf(stderr, "neardup: no article was read from the inputs "
                            "(%llu record%s or file%s skipped, %llu file%s "
                            "ignored); nothing was written\n",
                    (unsigned long long)st.records_skipped,
                    st.records_skipped == 1 ? "" : "s",
                    st.records_skipped == 1 ? "" : "s",
                    (unsigned long long)st.files_ignored,
                    st.files_ignored == 1 ? "" : "s");
            rc = 1;
            goto done;
        }
        err = nd_scan_write(scan, outdir);
    }
    cli_progress_clear(&warns);
    if (err)
        goto failed;
    nd_scan_stats(&st, scan);
    if (!warns.quiet)
        print_summary(scan, &st, outdir, cli_now() - t0, warns.n);
    rc = 0;
    goto done;
failed:
    fprintf(stderr, "neardup: %s\n", nd_scan_errmsg(scan));
    if (warns.n)
        fprintf(stderr, "neardup: %llu warnings before the failure\n",
                warns.n);
    rc = 1;
done:
    nd_scan_free(scan);
    free(inputs);
    free(prio.lines);
    free(prio.text);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("neardup %s\n", nd_version());
        return 0;
    }
    if (strcmp(argv[1], "scan") == 0)
        return cmd_scan(argc - 2, argv + 2);
    /* "neardup --threads 2 dir" forgot the command; say so rather than
     * call an option a command. */
    if (argv[1][0] == '-' && argv[1][1] != '\0')
        usage_error("unknown option '%s' (the command comes first: "
                    "neardup scan [OPTIONS] INPUT... -o OUTDIR)",
                    argv[1]);
    else
        usage_error("unknown command '%s' (the command is scan)", argv[1]);
    return 2;
}
