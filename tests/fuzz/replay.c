/*
 * replay.c - the main() of a fuzz target built without libFuzzer.
 *
 * Runs the target once on the empty input and then on every regular file
 * of each directory named on the command line (or on a file named
 * directly), in name order, each file read into a buffer of exactly its
 * size so that the sanitizers see a read past the end as libFuzzer would.
 * ctest calls it with tests/fuzz/corpus/<target>/, so the saved corpus -
 * hand-made seeds and the inputs fuzzing found - is replayed on every
 * build with any compiler. A failure shows as an abort or a sanitizer
 * report right after the "replay:" line naming the input.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int replay_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads path whole into a malloc'd buffer of its size (1 byte when empty,
   so the pointer is never NULL, as libFuzzer's is not). */
static uint8_t *replay_load(const char *path, size_t *out_len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0)
        goto done;
    buf = malloc(n ? (size_t)n : 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    *out_len = (size_t)n;
done:
    fclose(f);
    return buf;
}

/* Runs the target on one file; 0, or 1 when it cannot be read. */
static int replay_file(const char *path)
{
    size_t len = 0;
    uint8_t *buf = replay_load(path, &len);

    if (!buf) {
        fprintf(stderr, "replay: cannot read %s: %s\n", path,
                strerror(errno));
        return 1;
    }
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
    LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return 0;
}

/* Runs the target on every regular file of dir, sorted; adds them to *n. */
static int replay_dir(const char *dir, size_t *n)
{
    char **names = NULL, *path;
    size_t count = 0, cap = 0, i;
    struct dirent *de;
    struct stat st;
    DIR *d = opendir(dir);
    int bad = 0;

    if (!d) {
        fprintf(stderr, "replay: cannot open %s: %s\n", dir, strerror(errno));
        return 1;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (count == cap) {
            char **grown;

            cap = cap ? 2 * cap : 64;
            grown = realloc(names, cap * sizeof *names);
            if (!grown) {
                bad = 1;
                break;
            }
            names = grown;
        }
        if (!(names[count] = strdup(de->d_name))) {
            bad = 1;
            break;
        }
        count++;
    }
    closedir(d);
    if (count)
        qsort(names, count, sizeof *names, replay_cmp);
    for (i = 0; i < count && !bad; i++) {
        path = malloc(strlen(dir) + strlen(names[i]) + 2);
        if (!path) {
            bad = 1;
            break;
        }
        sprintf(path, "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            bad |= replay_file(path);
            (*n)++;
        }
        free(path);
    }
    for (i = 0; i < count; i++)
        free(names[i]);
    free(names);
    return bad;
}

int main(int argc, char **argv)
{
    static const uint8_t empty[1] = {0};
    struct stat st;
    size_t n = 0;
    int i, bad = 0;

    LLVMFuzzerTestOneInput(empty, 0);
    for (i = 1; i < argc; i++) {
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            bad |= replay_dir(argv[i], &n);
        } else {
            bad |= replay_file(argv[i]);
            n++;
        }
    }
    if (argc > 1 && n == 0) {
        fprintf(stderr, "replay: no inputs found\n");
        bad = 1;
    }
    fprintf(stderr, "replay: %zu inputs run%s\n", n, bad ? ", some unreadable" : "");
    return bad;
}
