/*
 * util.h - growable buffers and small helpers shared by every module.
 *
 * Every module keeps its working memory in these vectors and reuses them
 * from one paragraph to the next, so the hot path allocates only when a
 * paragraph is larger than any before it. Growth failures come back as
 * ND_ENOMEM; nothing here aborts.
 */
#ifndef ND_UTIL_H
#define ND_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "neardup.h"

/* A growable byte buffer. Zero-initialised is an empty buffer. */
typedef struct nd_buf {
    char *data; /* len bytes, plus a NUL at data[len] when data != NULL */
    size_t len; /* bytes in use */
    size_t cap; /* bytes allocated */
} nd_buf;

/* A growable array of 64-bit values. Zero-initialised is empty. */
typedef struct nd_u64vec {
    uint64_t *v; /* the values */
    size_t n;    /* values in use */
    size_t cap;  /* values allocated */
} nd_u64vec;

/* A growable array of 32-bit values. Zero-initialised is empty. */
typedef struct nd_u32vec {
    uint32_t *v; /* the values */
    size_t n;    /* values in use */
    size_t cap;  /* values allocated */
} nd_u32vec;

/* Ensures room for extra more bytes (plus the trailing NUL). */
int nd_buf_reserve(nd_buf *b, size_t extra);
/* Appends n bytes and keeps the buffer NUL-terminated. */
int nd_buf_append(nd_buf *b, const void *p, size_t n);
int nd_buf_putc(nd_buf *b, char c);
void nd_buf_free(nd_buf *b);

int nd_u64vec_push(nd_u64vec *vec, uint64_t x);
int nd_u64vec_reserve(nd_u64vec *vec, size_t extra);
void nd_u64vec_free(nd_u64vec *vec);

/*
 * Grows *ptr (an array of elem-sized items with *cap allocated) so that it
 * holds at least need items. Returns 0 or ND_ENOMEM (then *ptr is intact).
 */
int nd_grow(void **ptr, size_t *cap, size_t need, size_t elem);

int nd_u32vec_reserve(nd_u32vec *vec, size_t extra);
void nd_u32vec_free(nd_u32vec *vec);

/*
 * Runs fn(job_k) for the n jobs of an array of job_size-byte jobs, on n
 * threads at once: job 0 on the calling thread, and any job whose thread
 * cannot start there too, so it always runs every job. Returns when all
 * are done. n is at most ND_MAX_JOBS.
 */
#define ND_MAX_JOBS 64
void nd_run_jobs(void *(*fn)(void *), void *jobs, size_t job_size, size_t n);

/* Writes n bytes at p to fd through short writes and EINTR: 0, or -1
 * with errno set. */
int nd_write_all(int fd, const void *p, size_t n);

/* Is name prefix, then a process id, then the byte after ('\0': the
 * name's end), and that process gone (and not this one)? Temporary files
 * and directories are named so, and a run that was killed leaves them. */
int nd_left_by_dead_run(const char *name, const char *prefix, char after);

/* How many jobs to run on threads for items of work: one when there are
 * fewer than least items (threads would not pay), else threads, at most
 * ND_MAX_JOBS and at most items. */
size_t nd_jobs_for(unsigned threads, size_t items, size_t least);

/*
 * Hands out chunks of the items [0, n) to the jobs of nd_run_jobs, first
 * come first served, so that a thread that drew cheap items takes more
 * instead of waiting for the others. Which thread gets which chunk varies
 * from run to run: a job must write each item's result to that item's own
 * slot. Initialise with nd_chunks_init before starting the jobs.
 */
typedef struct nd_chunks {
    _Atomic size_t next; /* first item not handed out yet */
    size_t n;            /* items */
    size_t size;         /* items in a chunk (the last may be shorter) */
} nd_chunks;

void nd_chunks_init(nd_chunks *c, size_t n, size_t size);
/* Takes the next chunk: sets [*lo, *hi) and returns 1, or returns 0 when
 * every item has been handed out. Safe to call from many threads. */
int nd_chunks_take(nd_chunks *c, size_t *lo, size_t *hi);

/* Gives back the unused capacity of an array of n elem-sized items; it
 * cannot fail (a failed realloc leaves the array as it was). */
void nd_shrink(void **ptr, size_t *cap, size_t n, size_t elem);

/* Sorts a[0..n) ascending in place. */
void nd_u64_sort(uint64_t *a, size_t n);
void nd_u32_sort(uint32_t *a, size_t n);

/* Sorts a[0..n) ascending with a radix sort (for large n) on up to
 * threads threads (the result cannot depend on them); needs n values of
 * scratch. Returns 0 or ND_ENOMEM (then a is unchanged). */
int nd_u64_radix_sort_mt(uint64_t *a, size_t n, unsigned threads);

/* Sorts and removes repeats from a[0..n); returns the new count. */
size_t nd_u64_sort_unique(uint64_t *a, size_t n);
size_t nd_u32_sort_unique(uint32_t *a, size_t n);

/* A 64-bit hash folded to 32 bits, as shingle sets and keys store them. */
static inline uint32_t nd_fold32(uint64_t h)
{
    return (uint32_t)(h ^ (h >> 32));
}

/* Asks for the cache line at p ahead of its use: a hint, nothing on
 * compilers without it. A macro, so that the prefetch stands where it is
 * written: GCC takes a function made only of prefetches for one without
 * effects and drops its calls. */
#if defined(__GNUC__)
#define ND_PREFETCH(p) __builtin_prefetch(p)
#else
#define ND_PREFETCH(p) ((void)(p))
#endif

/* A control byte, as the reader counts them to tell binary data from
 * text (read.c): below 0x20 but tab, line feed, vertical tab, form feed
 * and carriage return, which text has; NUL is one. */
static inline int nd_is_control(unsigned char c)
{
    return c < 0x09 || (c >= 0x0e && c < 0x20);
}

/*
 * Scanning bytes eight at a time (text is mostly runs of plain bytes
 * between the few a scanner stops at): for a word w loaded with memcpy,
 * the high bit of each byte of the result is set where w's byte equals c
 * (nd_word_eq) or is below c, for c <= 0x80 (nd_word_below). Nonzero
 * exactly when such a byte exists; the lowest set bit is the first one in
 * memory order on a little-endian machine, while bits above it may be
 * false alarms.
 */
#define ND_WORD_ONES 0x0101010101010101u
#define ND_WORD_HIGHS 0x8080808080808080u

static inline uint64_t nd_word_below(uint64_t w, unsigned char c)
{
    return (w - ND_WORD_ONES * c) & ~w & ND_WORD_HIGHS;
}

static inline uint64_t nd_word_eq(uint64_t w, unsigned char c)
{
    return nd_word_below(w ^ (ND_WORD_ONES * c), 1);
}

/* How many bytes of the word (loaded with memcpy) precede the first one
 * that a nonzero mask m of the two functions above marks. Where that
 * cannot be told cheaply (a big-endian machine, another compiler) it says
 * 0, and callers look at the bytes one by one. */
static inline unsigned nd_word_first(uint64_t m)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && \
    __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (unsigned)__builtin_ctzll(m) >> 3;
#else
    (void)m;
    return 0;
#endif
}

#endif /* ND_UTIL_H */
