/*
 * util.c - growable buffers, sorts, a job runner and its chunk dealer,
 * and two file helpers, shared by every module (see util.h).
 *
 * Capacity grows by half, so appending n items costs O(n) in all; every
 * size computation checks for overflow before it multiplies.
 */
#define _POSIX_C_SOURCE 200809L /* kill */

#include "util.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int nd_grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *p;

    if (need <= *cap)
        return 0;
    /* Grow by half: the large arrays of a scan (shingle sets, bucket
     * keys) would otherwise sit up to half empty at the peak. */
    ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 3 * 2)
            return ND_ENOMEM;
        ncap += ncap / 2 + 1;
    }
    if (ncap > SIZE_MAX / elem)
        return ND_ENOMEM;
    p = realloc(*ptr, ncap * elem);
    if (!p)
        return ND_ENOMEM;
    *ptr = p;
    *cap = ncap;
    return 0;
}

void nd_shrink(void **ptr, size_t *cap, size_t n, size_t elem)
{
    void *p;

    if (n == 0 || n >= *cap)
        return;
    p = realloc(*ptr, n * elem);
    if (p) { /* on failure the larger block simply stays */
        *ptr = p;
        *cap = n;
    }
}

int nd_buf_reserve(nd_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return ND_ENOMEM;
    return nd_grow((void **)&b->data, &b->cap, b->len + extra + 1, 1);
}

int nd_buf_append(nd_buf *b, const void *p, size_t n)
{
    int err = nd_buf_reserve(b, n);

    if (err)
        return err;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int nd_buf_putc(nd_buf *b, char c)
{
    return nd_buf_append(b, &c, 1);
}

void nd_buf_free(nd_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int nd_u64vec_reserve(nd_u64vec *vec, size_t extra)
{
    if (extra > SIZE_MAX - vec->n)
        return ND_ENOMEM;
    return nd_grow((void **)&vec->v, &vec->cap, vec->n + extra,
                   sizeof(uint64_t));
}

int nd_u64vec_push(nd_u64vec *vec, uint64_t x)
{
    int err = nd_u64vec_reserve(vec, 1);

    if (err)
        return err;
    vec->v[vec->n++] = x;
    return 0;
}

void nd_u64vec_free(nd_u64vec *vec)
{
    free(vec->v);
    vec->v = NULL;
    vec->n = vec->cap = 0;
}

/*
 * Sorts on plain integers, with the comparison inlined (qsort's callback
 * once made sorting the shingle sets the largest cost of pass 1). One body,
 * made for each integer type by the macro, in three tiers by size:
 *
 * - Up to UTIL_RANK_MAX values (most shingle sets) are sorted by rank:
 *   each value goes to the slot given by the count of smaller values. That
 *   is n^2 comparisons, but without a branch, so the compiler vectorises
 *   them, while insertion sort mispredicts about once per value; on sets
 *   of 30-60 random values it is 2-3 times faster. Equal values land on
 *   one slot and leave the following slots empty (`used` tells), which
 *   sorting fills with the value before them and sort_unique just skips.
 * - Up to UTIL_MERGE_MAX values: pieces of UTIL_RANK_MAX sorted by rank,
 *   then merged pairwise through a buffer on the stack, with a select per
 *   value where quicksort's partition mispredicts about every other one
 *   (100-400 values: 10-40 % faster).
 * - Beyond: quicksort, median-of-three pivots, recursing on the smaller
 *   side only (the stack stays O(log n)), down to pieces the merge takes.
 */
#define UTIL_RANK_MAX 64
#define UTIL_MERGE_MAX 512

/* The counting loop is also built for AVX2 and AVX-512 (the loader picks
 * what the CPU has). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    defined(__linux__)
#define UTIL_CLONES                                                          \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3",         \
                                 "default")))
#else
#define UTIL_CLONES
#endif

/*
 * The counting loop: r[l] = how many of a[0..n) are below w[l], for
 * UTIL_RANK_LANES values w at once. The lanes are one vector (GCC's and
 * Clang's vector extension) against each a[j] in turn, so no count is
 * summed across a vector, as it is when the compiler vectorises the count
 * of one value over j instead (about 1.5 times as fast on sets of 20-60
 * values, 2 times at 60). Other compilers get the plain loops.
 */
#define UTIL_RANK_LANES 16

#define UTIL_DEFINE_COUNT(name, T)                                           \
    UTIL_CLONES static void name(const T *a, size_t n, const T *w, T *r)     \
    {                                                                        \
        UTIL_COUNT_BODY(T)                                                   \
    }

#if defined(__GNUC__)
#define UTIL_COUNT_BODY(T)                                                   \
    typedef T lanes __attribute__((vector_size(UTIL_RANK_LANES *            \
                                               sizeof(T))));                \
    lanes c = {0}, x;                                                        \
    size_t j;                                                                \
                                                                             \
    memcpy(&x, w, sizeof x);                                                 \
    for (j = 0; j < n; j++)                                                  \
        c -= (lanes)(a[j] < x); /* a true lane is all ones: -1 */           \
    memcpy(r, &c, sizeof c);
#else
#define UTIL_COUNT_BODY(T)                                                   \
    size_t j, l;                                                             \
                                                                             \
    for (l = 0; l < UTIL_RANK_LANES; l++)                                    \
        r[l] = 0;                                                            \
    for (j = 0; j < n; j++)                                                  \
        for (l = 0; l < UTIL_RANK_LANES; l++)                                \
            r[l] += a[j] < w[l];
#endif

UTIL_DEFINE_COUNT(util_count_u64, uint64_t)
UTIL_DEFINE_COUNT(util_count_u32, uint32_t)

#define UTIL_DEFINE_SORT(name, T, count)                                     \
    /* Puts each of a[0..n) (n <= UTIL_RANK_MAX) at its rank in out, which  \
     * may be a, and marks that slot in used (n bytes, cleared by the       \
     * caller). */                                                           \
    static void name##_ranks(const T *a, size_t n, T *out,                   \
                             unsigned char *used)                            \
    {                                                                        \
        T w[UTIL_RANK_MAX + UTIL_RANK_LANES], r[UTIL_RANK_LANES];            \
        size_t i, l;                                                         \
                                                                             \
        memcpy(w, a, n * sizeof *a);                                         \
        memset(w + n, 0, UTIL_RANK_LANES * sizeof *w); /* lanes past n */    \
        for (i = 0; i < n; i += UTIL_RANK_LANES) {                           \
            count(w, n, w + i, r);                                           \
            for (l = 0; l < UTIL_RANK_LANES && i + l < n; l++) {             \
                out[r[l]] = w[i + l];                                        \
                used[r[l]] = 1;                                              \
            }                                                                \
        }                                                                    \
    }                                                                        \
                                                                             \
    static void name##_rank(T *a, size_t n)                                  \
    {                                                                        \
        unsigned char used[UTIL_RANK_MAX];                                   \
        size_t i;                                                            \
                                                                             \
        if (n < 2)                                                           \
            return;                                                          \
        memset(used, 0, n);                                                  \
        name##_ranks(a, n, a, used);                                         \
        for (i = 1; i < n; i++) /* slot 0 holds the minimum */               \
            if (!used[i])                                                    \
                a[i] = a[i - 1];                                             \
    }                                                                        \
                                                                             \
    /* Sorts a[0..n) and drops repeats (n <= UTIL_RANK_MAX); returns the    \
     * count left. Repeats are rare in shingle sets, so the branch on used  \
     * is well predicted. */                                                 \
    static size_t name##_rank_unique(T *a, size_t n)                         \
    {                                                                        \
        unsigned char used[UTIL_RANK_MAX];                                   \
        size_t i, out = 0;                                                   \
                                                                             \
        if (n < 2)                                                           \
            return n;                                                        \
        memset(used, 0, n);                                                  \
        name##_ranks(a, n, a, used);                                         \
        for (i = 0; i < n; i++) /* out <= i: the gaps close up in place */   \
            if (used[i])                                                     \
                a[out++] = a[i];                                             \
        return out;                                                          \
    }                                                                        \
                                                                             \
    /* Merges the sorted x[0..nx) and y[0..ny) into o. */                    \
    static void name##_merge(T *o, const T *x, size_t nx, const T *y,        \
                             size_t ny)                                      \
    {                                                                        \
        size_t i = 0, j = 0, k = 0;                                          \
                                                                             \
        while (i < nx && j < ny) {                                           \
            T p = x[i], q = y[j];                                            \
            int take_y = q < p; /* x first on ties: any order is equal */   \
                                                                             \
            o[k++] = take_y ? q : p;                                         \
            j += (size_t)take_y;                                             \
            i += (size_t)!take_y;                                            \
        }                                                                    \
        while (i < nx)                                                       \
            o[k++] = x[i++];                                                 \
        while (j < ny)                                                       \
            o[k++] = y[j++];                                                 \
    }                                                                        \
                                                                             \
    /* Sorts a[0..n), UTIL_RANK_MAX < n <= UTIL_MERGE_MAX. */                \
    static void name##_merge_sort(T *a, size_t n)                            \
    {                                                                        \
        T buf[UTIL_MERGE_MAX], *src = a, *dst = buf, *t;                     \
        size_t i, w;                                                         \
                                                                             \
        for (i = 0; i < n; i += UTIL_RANK_MAX)                               \
            name##_rank(a + i, n - i < UTIL_RANK_MAX ? n - i                 \
                                                      : UTIL_RANK_MAX);      \
        for (w = UTIL_RANK_MAX; w < n; w *= 2) {                             \
            for (i = 0; i < n; i += 2 * w) {                                 \
                size_t m = n - i < w ? n : i + w;                            \
                size_t e = n - i < 2 * w ? n : i + 2 * w;                    \
                                                                             \
                name##_merge(dst + i, src + i, m - i, src + m, e - m);       \
            }                                                                \
            t = src;                                                         \
            src = dst;                                                       \
            dst = t;                                                         \
        }                                                                    \
        if (src != a)                                                        \
            memcpy(a, src, n * sizeof *a);                                   \
    }                                                                        \
                                                                             \
    void name(T *a, size_t n)                                                \
    {                                                                        \
        size_t i, j;                                                         \
                                                                             \
        while (n > UTIL_MERGE_MAX) {                                         \
            T x = a[0], y = a[n / 2], z = a[n - 1], pivot, t;                \
                                                                             \
            pivot = x < y ? (y < z ? y : (x < z ? z : x))                    \
                          : (x < z ? x : (y < z ? z : y));                   \
            i = 0;                                                           \
            j = n - 1;                                                       \
            for (;;) {                                                       \
                while (a[i] < pivot)                                         \
                    i++;                                                     \
                while (a[j] > pivot)                                         \
                    j--;                                                     \
                if (i >= j)                                                  \
                    break;                                                   \
                t = a[i];                                                    \
                a[i] = a[j];                                                 \
                a[j] = t;                                                    \
                i++;                                                         \
                j--;                                                         \
            }                                                                \
            /* a[0..j] <= pivot <= a[j+1..n) */                              \
            if (j + 1 < n - j - 1) {                                         \
                name(a, j + 1);                                              \
                a += j + 1;                                                  \
                n -= j + 1;                                                  \
            } else {                                                         \
                name(a + j + 1, n - j - 1);                                  \
                n = j + 1;                                                   \
            }                                                                \
        }                                                                    \
        if (n > UTIL_RANK_MAX)                                               \
            name##_merge_sort(a, n);                                         \
        else                                                                 \
            name##_rank(a, n);                                               \
    }

UTIL_DEFINE_SORT(nd_u64_sort, uint64_t, util_count_u64)
UTIL_DEFINE_SORT(nd_u32_sort, uint32_t, util_count_u32)

/* One job's share of a radix pass: src[lo, hi) counted by digit, or
 * dealt to dst from the offsets in count. */
typedef struct radix_job {
    const uint64_t *src;
    uint64_t *dst;
    size_t lo, hi;
    unsigned shift;
    int deal;      /* 0: count the digits, 1: deal the values */
    size_t *count; /* 65536 counters or offsets, the job's own */
} radix_job;

static void *radix_run(void *arg)
{
    radix_job *j = arg;
    size_t i;

    if (!j->deal) {
        memset(j->count, 0, 65536 * sizeof *j->count);
        for (i = j->lo; i < j->hi; i++)
            j->count[(j->src[i] >> j->shift) & 0xffff]++;
    } else {
        for (i = j->lo; i < j->hi; i++)
            j->dst[j->count[(j->src[i] >> j->shift) & 0xffff]++] = j->src[i];
    }
    return NULL;
}

int nd_u64_radix_sort_mt(uint64_t *a, size_t n, unsigned threads)
{
    /* LSD radix sort, 16 bits a pass; a pass whose digit is the same for
     * every value is skipped. With jobs, each counts and then deals its
     * own slice of the values, job t's values of a digit going after
     * those of the jobs before it: the passes stay stable, and a sort's
     * result is the same however it was reached. */
    radix_job jobs[ND_MAX_JOBS];
    uint64_t *tmp, *src = a, *dst;
    size_t *count, nj = nd_jobs_for(threads, n, (size_t)1 << 16), t;
    unsigned shift;

    /* Each pass clears and sums 65536 counters: below a few thousand
     * values a quicksort is done sooner. */
    if (n < 4096) {
        nd_u64_sort(a, n);
        return 0;
    }
    tmp = malloc(n * sizeof *tmp);
    count = malloc(nj * 65536 * sizeof *count);
    if (!tmp || !count) {
        free(tmp);
        free(count);
        return ND_ENOMEM;
    }
    for (t = 0; t < nj; t++) {
        jobs[t].lo = n / nj * t;
        jobs[t].hi = t + 1 == nj ? n : n / nj * (t + 1);
        jobs[t].count = count + 65536 * t;
    }
    dst = tmp;
    for (shift = 0; shift < 64; shift += 16) {
        size_t sum = 0, d, first = (src[0] >> shift) & 0xffff, same = 0;

        for (t = 0; t < nj; t++) {
            jobs[t].src = src;
            jobs[t].dst = dst;
            jobs[t].shift = shift;
            jobs[t].deal = 0;
        }
        nd_run_jobs(radix_run, jobs, sizeof jobs[0], nj);
        for (t = 0; t < nj; t++)
            same += jobs[t].count[first];
        if (same == n)
            continue;
        for (d = 0; d < 65536; d++)
            for (t = 0; t < nj; t++) {
                size_t c = jobs[t].count[d];

                jobs[t].count[d] = sum;
                sum += c;
            }
        for (t = 0; t < nj; t++)
            jobs[t].deal = 1;
        nd_run_jobs(radix_run, jobs, sizeof jobs[0], nj);
        dst = src;
        src = dst == a ? tmp : a;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
    free(tmp);
    free(count);
    return 0;
}

size_t nd_u64_sort_unique(uint64_t *a, size_t n)
{
    size_t i, out = 0;

    if (n <= UTIL_RANK_MAX)
        return nd_u64_sort_rank_unique(a, n);
    nd_u64_sort(a, n);
    for (i = 1; i < n; i++)
        if (a[i] != a[out])
            a[++out] = a[i];
    return out + 1;
}

size_t nd_u32_sort_unique(uint32_t *a, size_t n)
{
    size_t i, out = 0;

    if (n <= UTIL_RANK_MAX)
        return nd_u32_sort_rank_unique(a, n);
    nd_u32_sort(a, n);
    for (i = 1; i < n; i++)
        if (a[i] != a[out])
            a[++out] = a[i];
    return out + 1;
}

int nd_u32vec_reserve(nd_u32vec *vec, size_t extra)
{
    if (extra > SIZE_MAX - vec->n)
        return ND_ENOMEM;
    return nd_grow((void **)&vec->v, &vec->cap, vec->n + extra,
                   sizeof(uint32_t));
}

void nd_u32vec_free(nd_u32vec *vec)
{
    free(vec->v);
    vec->v = NULL;
    vec->n = vec->cap = 0;
}

void nd_run_jobs(void *(*fn)(void *), void *jobs, size_t job_size, size_t n)
{
    pthread_t tid[ND_MAX_JOBS];
    uint8_t started[ND_MAX_JOBS] = {0};
    char *job = jobs;
    size_t t;

    for (t = 1; t < n && t < ND_MAX_JOBS; t++)
        started[t] = pthread_create(&tid[t], NULL, fn, job + t * job_size) == 0;
    for (t = 1; t < n && t < ND_MAX_JOBS; t++)
        if (!started[t])
            fn(job + t * job_size);
    if (n > 0)
        fn(job);
    for (t = 1; t < n && t < ND_MAX_JOBS; t++)
        if (started[t])
            pthread_join(tid[t], NULL);
}

size_t nd_jobs_for(unsigned threads, size_t items, size_t least)
{
    size_t n = threads > ND_MAX_JOBS ? ND_MAX_JOBS : threads;

    if (n < 1 || items < least)
        return 1;
    return n < items ? n : items;
}

void nd_chunks_init(nd_chunks *c, size_t n, size_t size)
{
    atomic_init(&c->next, 0);
    c->n = n;
    c->size = size ? size : 1;
}

int nd_chunks_take(nd_chunks *c, size_t *lo, size_t *hi)
{
    /* Relaxed is enough: the counter only splits the work; what the jobs
     * write is published by the join in nd_run_jobs. */
    size_t at = atomic_fetch_add_explicit(&c->next, c->size,
                                          memory_order_relaxed);

    if (at >= c->n)
        return 0;
    *lo = at;
    *hi = c->n - at < c->size ? c->n : at + c->size;
    return 1;
}

int nd_write_all(int fd, const void *p, size_t n)
{
    const char *c = p;

    while (n) {
        ssize_t put = write(fd, c, n);

        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return -1;
        c += put;
        n -= (size_t)put;
    }
    return 0;
}

int nd_left_by_dead_run(const char *name, const char *prefix, char after)
{
    size_t plen = strlen(prefix);
    char *end;
    long pid;

    if (strncmp(name, prefix, plen) != 0)
        return 0;
    errno = 0;
    pid = strtol(name + plen, &end, 10);
    if (end == name + plen || *end != after || errno || pid <= 0 ||
        pid == (long)getpid())
        return 0;
    /* EPERM: alive, another user's; anything but ESRCH is not ours to
     * judge. */
    return kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}
