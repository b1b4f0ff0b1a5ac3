/*
 * main.c - the neardup command-line program.
 *
 * A user of libneardup like any other: it includes only neardup.h, turns
 * the command line into nd_options, runs a scan, prints warnings and a
 * summary, and picks the exit code (0 done, 1 failed, 2 bad usage).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    "                  Jaccard and containment against the canonical)\n"
    "  clean/          the corpus in its input shape without the copies\n"
    "  stats.json      counts and the parameters in force\n"
    "\n"
    "INPUT is a directory (each .txt or extension-less file below it is one\n"
    "article, each .jsonl[.gz|.zst] file is JSONL), a text file (one article),\n"
    "a JSONL file (one article per line, gzip or zstd compressed or not), or\n"
    "'-' for JSONL on standard input.\n"
    "\n"
    "Options:\n"
    "  -o, --output DIR     where to write the results (required)\n"
    "  --threshold X        Jaccard similarity of a duplicate (default 0.8)\n"
    "  --containment X      share of a paragraph's shingles found in a longer\n"
    "                       one that makes it a copy of it (default 0.9)\n"
    "  --min-contain N      shingles a paragraph needs before containment\n"
    "                       counts for it (default 4)\n"
    "  --ngram N            words per shingle (default 5)\n"
    "  --perm N             MinHash permutations (default 128)\n"
    "  --seed N             hash seed (default fixed; same seed, same output)\n"
    "  --id-field NAME      JSONL field holding the article id (default id)\n"
    "  --text-field NAME    JSONL field holding the text (default text)\n"
    "  --threads N          worker threads (default: online cores)\n"
    "  --strict             fail on the first bad record instead of skipping it\n"
    "  -q, --quiet          print errors only\n"
    "  -h, --help           show this help\n"
    "  -V, --version        show the version\n";

static void usage_error(const char *fmt, const char *arg)
{
    fputs("neardup: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'neardup --help'.\n", stderr);
}

/* Counts warnings and prints the first CLI_MAX_WARNINGS of them. */
typedef struct cli_warnings {
    unsigned long long n; /* warnings received */
    int quiet;            /* print nothing */
} cli_warnings;

static void cli_warn(const char *file, uint64_t line, const char *msg,
                     void *payload)
{
    cli_warnings *w = payload;

    w->n++;
    if (w->quiet || w->n > CLI_MAX_WARNINGS)
        return;
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
    *out = strtoull(s, &end, 0);
    return errno == 0 && *end == '\0' ? 0 : -1;
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

static void print_summary(const nd_stats *st, const char *outdir,
                          double secs, unsigned long long warnings)
{
    char in[32], rm[32];
    double pct = st->bytes ? 100.0 * st->bytes_removed / st->bytes : 0.0;

    human_bytes(in, sizeof in, st->bytes);
    human_bytes(rm, sizeof rm, st->bytes_removed);
    printf("neardup %s: %llu articles (%s) in %llu files, %.2f s",
           nd_version(), (unsigned long long)st->articles, in,
           (unsigned long long)st->files, secs);
    if (secs > 0.0)
        printf(", %.1f MB/s", st->bytes / 1e6 / secs);
    printf("\n");
    printf("  paragraphs   %llu\n", (unsigned long long)st->paragraphs);
    printf("  clusters     %llu (paragraphs repeated, one canonical each)\n",
           (unsigned long long)st->clusters);
    printf("  removed      %llu paragraphs, %s (%.1f%% of the text)\n",
           (unsigned long long)st->paragraphs_removed, rm, pct);
    printf("  candidates   %llu pairs verified, %llu within thresholds "
           "(LSH %u bands x %u rows)\n",
           (unsigned long long)st->candidate_pairs,
           (unsigned long long)st->verified_pairs, st->bands, st->rows);
    if (st->records_skipped || warnings)
        printf("  skipped      %llu records or files (%llu warnings on "
               "stderr)\n",
               (unsigned long long)st->records_skipped, warnings);
    if (st->files_ignored)
        printf("  ignored      %llu file%s neither article (.txt) nor "
               "JSONL\n",
               (unsigned long long)st->files_ignored,
               st->files_ignored == 1 ? "" : "s");
    printf("  output       %s/clusters.jsonl, %s/clean/, %s/stats.json\n",
           outdir, outdir, outdir);
}

static int cmd_scan(int argc, char **argv)
{
    nd_options opts = ND_OPTIONS_INIT;
    cli_warnings warns = {0, 0};
    const char *outdir = NULL;
    const char **inputs;
    size_t n_inputs = 0, i;
    nd_scan *scan = NULL;
    nd_stats st;
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
        char name[32];
        unsigned long long u;
        double d;

        if (only_inputs || a[0] != '-' || strcmp(a, "-") == 0) {
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
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            warns.quiet = 1;
            continue;
        }
        /* Every other option takes a value: --opt=VALUE or --opt VALUE. */
        eq = strchr(a, '=');
        if (eq && a[1] == '-' && (size_t)(eq - a) < sizeof name) {
            memcpy(name, a, (size_t)(eq - a));
            name[eq - a] = '\0';
            val = eq + 1;
        } else {
            if (strlen(a) >= sizeof name) {
                usage_error("unknown option '%s'", a);
                rc = 2;
                goto done;
            }
            strcpy(name, a);
            if (k + 1 >= argc) {
                usage_error("option '%s' needs a value", a);
                rc = 2;
                goto done;
            }
            val = argv[++k];
        }
        if (strcmp(name, "-o") == 0 || strcmp(name, "--output") == 0) {
            outdir = val;
        } else if (strcmp(name, "--id-field") == 0) {
            opts.id_field = val;
        } else if (strcmp(name, "--text-field") == 0) {
            opts.text_field = val;
        } else if (strcmp(name, "--threshold") == 0 ||
                   strcmp(name, "--containment") == 0) {
            if (parse_double(&d, val) != 0) {
                usage_error("'%s' is not a number", val);
                rc = 2;
                goto done;
            }
            if (name[2] == 't')
                opts.threshold = d;
            else
                opts.containment = d;
        } else if (strcmp(name, "--ngram") == 0 ||
                   strcmp(name, "--perm") == 0 ||
                   strcmp(name, "--seed") == 0 ||
                   strcmp(name, "--threads") == 0 ||
                   strcmp(name, "--min-contain") == 0) {
            if (parse_uint(&u, val) != 0 ||
                (strcmp(name, "--seed") != 0 && u > UINT_MAX)) {
                usage_error("'%s' is not a non-negative whole number", val);
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
            else
                opts.min_contain = (unsigned)u;
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
    opts.warn = cli_warn;
    opts.warn_payload = &warns;

    t0 = cli_now();
    err = nd_scan_new(&scan, &opts);
    if (err) {
        fprintf(stderr, "neardup: %s\n",
                scan ? nd_scan_errmsg(scan) : nd_strerror(err));
        rc = err == ND_EINVAL ? 2 : 1;
        goto done;
    }
    for (i = 0; i < n_inputs; i++) {
        err = nd_scan_add_input(scan, inputs[i]);
        if (err)
            goto failed;
    }
    err = nd_scan_run(scan);
    if (!err)
        err = nd_scan_write(scan, outdir);
    if (err)
        goto failed;
    nd_scan_stats(&st, scan);
    if (!warns.quiet)
        print_summary(&st, outdir, cli_now() - t0, warns.n);
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
    usage_error("unknown command '%s'", argv[1]);
    return 2;
}
