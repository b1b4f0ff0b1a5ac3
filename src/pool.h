/*
 * pool.h - worker threads that run jobs handed over in order and give them
 * back in the same order.
 *
 * The caller hands jobs over one by one and takes the oldest back when it
 * is done, so whatever it does with the results (merge, write) happens in
 * the order of the jobs, whatever the number of threads. Each worker owns
 * a scratch block that it passes to every job it runs. With no worker
 * threads, a job runs at once on the caller's thread, with the caller's
 * scratch, and the results are the same.
 */
#ifndef ND_POOL_H
#define ND_POOL_H

#include <stddef.h>

/* Runs one job; returns 0 or an ND_E* code, kept for the job's taker. */
typedef int (*nd_pool_fn)(void *job, void *scratch, void *ctx);

typedef struct nd_pool nd_pool;

/*
 * Starts threads workers (0 or 1: none), each with a zeroed scratch block
 * of scratch_size bytes that free_scratch (may be NULL) frees at the end.
 * fn runs with ctx. Returns 0 or ND_ENOMEM; fewer threads than asked may
 * start, and the pool works with any number.
 */
int nd_pool_new(nd_pool **out, unsigned threads, nd_pool_fn fn, void *ctx,
                size_t scratch_size, void (*free_scratch)(void *));

/* Hands job over (or runs it now, without workers); 0 or ND_ENOMEM. */
int nd_pool_submit(nd_pool *p, void *job);

/* Jobs handed over and not yet taken back. */
size_t nd_pool_pending(const nd_pool *p);

/* Waits for the oldest job not yet taken back, and gives it and its
 * result; NULL when there is none. */
void *nd_pool_take(nd_pool *p, int *err);

/* Waits for the jobs in hand, stops the workers and frees; NULL is OK. */
void nd_pool_free(nd_pool *p);

#endif /* ND_POOL_H */
