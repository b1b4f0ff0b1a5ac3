/*
 * pool.c - worker threads that give jobs back in order (see pool.h).
 *
 * Jobs sit in a ring under one mutex, numbered as they come: the workers
 * take the lowest number not yet started, the caller takes back the lowest
 * not yet taken once it is done. A job's slot is its number modulo the
 * ring's size, and growing the ring moves every job in hand to its slot in
 * the larger ring, so a worker that finishes after a growth still finds
 * its own.
 */
#define _POSIX_C_SOURCE 200809L

#include "pool.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "neardup.h"

typedef struct pool_slot {
    void *job;
    int err;  /* its result */
    int done; /* it ran */
} pool_slot;

struct nd_pool {
    nd_pool_fn fn;
    void *ctx;
    size_t scratch_size;
    void (*free_scratch)(void *);
    void *local;             /* the caller's scratch, without workers */
    pthread_t *workers;
    unsigned n_workers;
    pthread_mutex_t lock;    /* guards everything below */
    pthread_cond_t work;     /* a job came, or the pool stops */
    pthread_cond_t finished; /* a job is done */
    pool_slot *ring;
    size_t cap;              /* slots, 0 or a power of two */
    uint64_t taken;          /* number of the oldest job not taken back */
    uint64_t started;        /* number of the oldest job not started */
    uint64_t added;          /* number the next job gets */
    int stop;                /* workers leave once nothing is to start */
};

static void *pool_worker(void *arg)
{
    nd_pool *p = arg;
    void *scratch = calloc(1, p->scratch_size ? p->scratch_size : 1);

    pthread_mutex_lock(&p->lock);
    for (;;) {
        uint64_t seq;
        void *job;
        int err;

        while (p->started == p->added && !p->stop)
            pthread_cond_wait(&p->work, &p->lock);
        if (p->started == p->added)
            break;
        seq = p->started++;
        job = p->ring[seq & (p->cap - 1)].job;
        pthread_mutex_unlock(&p->lock);
        err = scratch ? p->fn(job, scratch, p->ctx) : ND_ENOMEM;
        pthread_mutex_lock(&p->lock);
        p->ring[seq & (p->cap - 1)].err = err;
        p->ring[seq & (p->cap - 1)].done = 1;
        pthread_cond_broadcast(&p->finished);
    }
    pthread_mutex_unlock(&p->lock);
    if (scratch && p->free_scratch)
        p->free_scratch(scratch);
    free(scratch);
    return NULL;
}

int nd_pool_new(nd_pool **out, unsigned threads, nd_pool_fn fn, void *ctx,
                size_t scratch_size, void (*free_scratch)(void *))
{
    nd_pool *p = calloc(1, sizeof *p);
    unsigned i;

    *out = NULL;
    if (!p)
        return ND_ENOMEM;
    p->fn = fn;
    p->ctx = ctx;
    p->scratch_size = scratch_size;
    p->free_scratch = free_scratch;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->finished, NULL);
    *out = p;
    if (threads > 1 && (p->workers = calloc(threads, sizeof *p->workers)))
        for (i = 0; i < threads; i++) {
            if (pthread_create(&p->workers[i], NULL, pool_worker, p) != 0)
                break; /* run with fewer */
            p->n_workers++;
        }
    if (p->n_workers == 0) {
        p->local = calloc(1, scratch_size ? scratch_size : 1);
        if (!p->local)
            return ND_ENOMEM;
    }
    return 0;
}

/* Doubles the ring; each job in hand moves to its slot in the new one. */
static int pool_grow(nd_pool *p)
{
    size_t ncap = p->cap ? 2 * p->cap : 8;
    pool_slot *ring = calloc(ncap, sizeof *ring);
    uint64_t seq;

    if (!ring)
        return ND_ENOMEM;
    for (seq = p->taken; seq < p->added; seq++)
        ring[seq & (ncap - 1)] = p->ring[seq & (p->cap - 1)];
    free(p->ring);
    p->ring = ring;
    p->cap = ncap;
    return 0;
}

int nd_pool_submit(nd_pool *p, void *job)
{
    pool_slot *s;
    int err = 0;

    pthread_mutex_lock(&p->lock);
    if (p->added - p->taken == p->cap)
        err = pool_grow(p);
    if (!err) {
        s = &p->ring[p->added & (p->cap - 1)];
        s->job = job;
        s->err = 0;
        s->done = 0;
        p->added++;
        if (p->n_workers)
            pthread_cond_signal(&p->work);
    }
    pthread_mutex_unlock(&p->lock);
    if (!err && !p->n_workers) {
        /* No workers: the job runs now, and is done when taken. */
        s->err = p->fn(job, p->local, p->ctx);
        s->done = 1;
        p->started = p->added;
    }
    return err;
}

size_t nd_pool_pending(const nd_pool *p)
{
    return (size_t)(p->added - p->taken);
}

void *nd_pool_take(nd_pool *p, int *err)
{
    pool_slot *s;
    void *job = NULL;

    pthread_mutex_lock(&p->lock);
    if (p->taken < p->added) {
        s = &p->ring[p->taken & (p->cap - 1)];
        while (!s->done) {
            pthread_cond_wait(&p->finished, &p->lock);
            s = &p->ring[p->taken & (p->cap - 1)]; /* the ring may grow */
        }
        job = s->job;
        *err = s->err;
        p->taken++;
    }
    pthread_mutex_unlock(&p->lock);
    return job;
}

void nd_pool_free(nd_pool *p)
{
    unsigned i;
    int err;

    if (!p)
        return;
    while (nd_pool_take(p, &err))
        ;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->lock);
    for (i = 0; i < p->n_workers; i++)
        pthread_join(p->workers[i], NULL);
    free(p->workers);
    if (p->local && p->free_scratch)
        p->free_scratch(p->local);
    free(p->local);
    free(p->ring);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->finished);
    free(p);
}
