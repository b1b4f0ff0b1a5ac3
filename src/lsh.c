/*
 * lsh.c - candidate pairs from band keys and winnowing anchors (see lsh.h).
 *
 * Everything here ends in one sort of (key, item) entries followed by a
 * walk over runs of equal keys. Sorting rather than hashing into buckets
 * keeps memory at one entry per key, makes the output independent of
 * insertion order, and puts the items of a bucket in item order, which is
 * what the cap ("the first cap items by item number") needs.
 */
#include "lsh.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "neardup.h"

int nd_keyvec_push(nd_keyvec *vec, uint64_t key, uint32_t item)
{
    int err;

    if (vec->n == SIZE_MAX)
        return ND_ENOMEM;
    err = nd_grow((void **)&vec->v, &vec->cap, vec->n + 1, sizeof *vec->v);
    if (err)
        return err;
    vec->v[vec->n].key = nd_fold32(key);
    vec->v[vec->n].item = item;
    vec->n++;
    return 0;
}

void nd_keyvec_free(nd_keyvec *vec)
{
    if (!vec)
        return;
    free(vec->v);
    vec->v = NULL;
    vec->n = vec->cap = 0;
}

int nd_pairvec_push(nd_pairvec *vec, uint32_t a, uint32_t b)
{
    int err;

    if (vec->n == SIZE_MAX)
        return ND_ENOMEM;
    err = nd_grow((void **)&vec->v, &vec->cap, vec->n + 1, sizeof *vec->v);
    if (err)
        return err;
    vec->v[vec->n].a = a;
    vec->v[vec->n].b = b;
    vec->n++;
    return 0;
}

void nd_pairvec_free(nd_pairvec *vec)
{
    if (!vec)
        return;
    free(vec->v);
    vec->v = NULL;
    vec->n = vec->cap = 0;
}

/* ---- choosing bands and rows ------------------------------------------ */

double nd_lsh_prob(double s, unsigned bands, unsigned rows)
{
    double sr;

    if (bands == 0)
        return 0.0;
    if (rows == 0 || s >= 1.0)
        return 1.0;
    if (s <= 0.0)
        return 0.0;
    sr = pow(s, (double)rows);
    /* 1-(1-x)^b through log1p/expm1: for small s^r the direct form
     * cancels to zero long before the probability is negligible. */
    return -expm1((double)bands * log1p(-sr));
}

/*
 * The areas are integrated by composite Simpson on LSH_STEPS intervals of
 * [0, t] and of [t, 1]. The integrands are polynomials of degree b*r <= k,
 * smooth everywhere, and the error stays far below the differences in cost
 * between neighbouring (b, r), so the choice is stable (test_lsh.c checks
 * it against Gauss-Legendre).
 *
 * With L = log1p(-s^r), P = -expm1(b L) and 1 - P = exp(b L): L depends on
 * r alone, so it is tabulated once per r and each b costs one exp per
 * point, and neither form cancels where P is near 0 or 1.
 */
#define LSH_STEPS 1024

/* Simpson weight of grid point i, before the factor h/3. */
static double lsh_simpson_w(int i)
{
    if (i == 0 || i == LSH_STEPS)
        return 1.0;
    return (i & 1) ? 4.0 : 2.0;
}

/* Simpson sum (before the factor h/3) of the miss probability exp(b L)
 * over the grid above the threshold, L tabulated in hi_log. */
static double lsh_area_fn(const double *hi_log, unsigned b)
{
    double a = 0.0;
    int i;

    for (i = 0; i <= LSH_STEPS; i++)
        a += lsh_simpson_w(i) * exp((double)b * hi_log[i]);
    return a;
}

/*
 * Tabulates L = log1p(-s^r) over the grid of [t, 1] with step h into
 * hi_log, unless r cannot beat the cost best: the miss area falls as b
 * grows, so w_fn times the area of the most bands r allows (b_max) bounds
 * the cost of every b from below, and so does each partial sum of it,
 * which lets a hopeless r (most of them) stop after a few points.
 * Returns 0 with the table whole, 1 when r is to be skipped.
 */
static int lsh_tab_hi(double *hi_log, double t, double h, unsigned r,
                      unsigned b_max, double w_fn, double best)
{
    double a = 0.0;
    int i;

    for (i = 0; i <= LSH_STEPS; i++) {
        hi_log[i] = i == LSH_STEPS ? -HUGE_VAL
                                   : log1p(-pow(t + h * i, (double)r));
        a += lsh_simpson_w(i) * exp((double)b_max * hi_log[i]);
        if (w_fn * (a * (h / 3.0)) > best)
            return 1;
    }
    return 0;
}

int nd_lsh_choose(unsigned *bands, unsigned *rows, double *fp, double *fn,
                  double t, unsigned k, double w_fp, double w_fn)
{
    double lo_log[LSH_STEPS + 1], hi_log[LSH_STEPS + 1];
    double best = HUGE_VAL, best_fp = 0.0, best_fn = 0.0;
    double h_lo, h_hi;
    unsigned b, r, best_b = 0, best_r = 0;
    int i;

    if (!bands || !rows || !(t > 0.0 && t <= 1.0) || k < 1)
        return ND_EINVAL;
    if (!(w_fp >= 0.0 && w_fn >= 0.0) || isinf(w_fp) || isinf(w_fn) ||
        w_fp + w_fn <= 0.0)
        return ND_EINVAL;
    h_lo = t / LSH_STEPS;
    h_hi = (1.0 - t) / LSH_STEPS;
    /* More rows sharpen the S-curve, more bands move it left; the search
     * is exhaustive because both areas trade against each other in a way
     * no closed form captures once b*r is capped by k. */
    for (r = 1; r <= k; r++) {
        if (lsh_tab_hi(hi_log, t, h_hi, r, k / r, w_fn, best))
            continue;
        for (i = 0; i <= LSH_STEPS; i++)
            lo_log[i] = log1p(-pow(h_lo * i, (double)r));
        for (b = 1; b <= k / r; b++) {
            double a_fp = 0.0, a_fn, cost;

            for (i = 0; i <= LSH_STEPS; i++)
                a_fp -= lsh_simpson_w(i) * expm1((double)b * lo_log[i]);
            a_fp *= h_lo / 3.0;
            /* The false-alarm area grows with b: once it alone costs
             * more than the best, so does every larger b. */
            if (w_fp * a_fp > best)
                break;
            a_fn = lsh_area_fn(hi_log, b) * (h_hi / 3.0);
            cost = w_fp * a_fp + w_fn * a_fn;
            /* Ties go to the smaller b*r, then to the smaller r. */
            if (cost < best ||
                (cost == best && (b * r < best_b * best_r ||
                                  (b * r == best_b * best_r && r < best_r)))) {
                best = cost;
                best_b = b;
                best_r = r;
                best_fp = a_fp / t;
                /* At t = 1 there is nothing above t to miss (and a_fn,
                 * over an empty interval, is 0). */
                best_fn = t < 1.0 ? a_fn / (1.0 - t) : 0.0;
            }
        }
    }
    *bands = best_b;
    *rows = best_r;
    if (fp)
        *fp = best_fp;
    if (fn)
        *fn = best_fn;
    return 0;
}

uint64_t nd_lsh_band_key(const uint32_t *sig, unsigned band, unsigned rows,
                         uint64_t seed)
{
    /* A distinct seed per band (golden-ratio multiples of band + 1) makes
     * the band keys independent hash functions: equal rows in different
     * bands land in different buckets. */
    uint64_t bseed = seed ^ (((uint64_t)band + 1) * 0x9e3779b97f4a7c15ULL);

    return XXH3_64bits_withSeed(sig + (size_t)band * rows,
                                (size_t)rows * sizeof *sig, bseed);
}

/* ---- winnowing anchors ------------------------------------------------ */

/* Position of the rightmost smallest value of h[lo..hi]. */
static size_t lsh_window_min(const uint64_t *h, size_t lo, size_t hi)
{
    size_t i, m = lo;

    for (i = lo + 1; i <= hi; i++)
        if (h[i] <= h[m])
            m = i;
    return m;
}

int nd_lsh_anchors(nd_u32vec *out, const uint64_t *h, size_t n, unsigned w)
{
    size_t start = out->n, j, m;
    int err;

    if (w == 0)
        w = 1; /* a window of one: every hash is its own pick */
    if (n == 0)
        return 0;
    err = nd_u32vec_reserve(out, n <= w ? 1 : n - w + 1);
    if (err)
        return err;
    if (n <= w) {
        out->v[out->n++] = nd_fold32(h[lsh_window_min(h, 0, n - 1)]);
        return 0;
    }
    /*
     * The pick of each window, recorded when it changes. The previous
     * pick stays the pick of the next window unless it slid out (then the
     * window is rescanned) or the entering hash is no larger (then that
     * one, being rightmost, takes over). Rescans happen about once per w
     * windows on random hashes, so this is O(n) in practice and O(n*w)
     * at worst, with no memory beyond out.
     */
    m = lsh_window_min(h, 0, w - 1);
    out->v[out->n++] = nd_fold32(h[m]);
    for (j = w; j < n; j++) {
        size_t lo = j - w + 1;

        if (m < lo)
            m = lsh_window_min(h, lo, j);
        else if (h[j] <= h[m])
            m = j;
        else
            continue;
        out->v[out->n++] = nd_fold32(h[m]);
    }
    out->n = start + nd_u32_sort_unique(out->v + start, out->n - start);
    return 0;
}

size_t nd_lsh_queries(uint64_t q[2], const uint64_t *h, size_t n,
                      unsigned w)
{
    if (n == 0)
        return 0;
    if (w == 0)
        w = 1; /* as in nd_lsh_anchors */
    if (n <= w) {
        q[0] = h[lsh_window_min(h, 0, n - 1)];
        return 1;
    }
    q[0] = h[lsh_window_min(h, 0, w - 1)];
    q[1] = h[lsh_window_min(h, n - w, n - 1)];
    return q[0] == q[1] ? 1 : 2;
}

/* ---- pairing items that share a key ----------------------------------- */

/*
 * Sorts v[0..n), entries of one top-byte bucket, by (key, item): two LSD
 * radix passes of 12 bits through tmp (room for n entries) order the low
 * 24 bits of the keys, then each run of equal keys, short but for stock
 * text, has its items put in order. Sorting the 32 item bits by radix
 * too would take three more passes over the whole bucket.
 */
static void lsh_sort_bucket(nd_key *v, nd_key *tmp, size_t n,
                            size_t count[4096], nd_u32vec *items)
{
    nd_key *src = v, *dst = tmp;
    unsigned shift;
    size_t i, s, e;

    for (shift = 0; shift < 24; shift += 12) {
        size_t sum = 0, d, first = (src[0].key >> shift) & 0xfff;

        memset(count, 0, 4096 * sizeof *count);
        for (i = 0; i < n; i++)
            count[(src[i].key >> shift) & 0xfff]++;
        if (count[first] == n)
            continue;
        for (d = 0; d < 4096; d++) {
            size_t c = count[d];

            count[d] = sum;
            sum += c;
        }
        for (i = 0; i < n; i++)
            dst[count[(src[i].key >> shift) & 0xfff]++] = src[i];
        dst = src;
        src = dst == v ? tmp : v;
    }
    if (src != v)
        memcpy(v, src, n * sizeof *v);
    for (s = 0; s < n; s = e) {
        for (e = s + 1; e < n && v[e].key == v[s].key; e++)
            ;
        if (e - s > 32 && nd_u32vec_reserve(items, e - s) == 0) {
            for (i = s; i < e; i++)
                items->v[i - s] = v[i].item;
            nd_u32_sort(items->v, e - s);
            for (i = s; i < e; i++)
                v[i].item = items->v[i - s];
            continue;
        }
        /* Insertion sort: runs are mostly 1-3 long (and a failed
         * reserve of scratch space ends up here too). */
        for (i = s + 1; i < e; i++) {
            uint32_t it = v[i].item;
            size_t j = i;

            for (; j > s && v[j - 1].item > it; j--)
                v[j].item = v[j - 1].item;
            v[j].item = it;
        }
    }
}

/* One thread's share of the bucket sorts: buckets first, first + step, ... */
typedef struct lsh_sort_job {
    nd_key *v;            /* the entries */
    const size_t *start;  /* bucket b is v[start[b]..start[b+1]) */
    size_t biggest;       /* entries of the largest bucket */
    unsigned first, step; /* the buckets of this job */
    int err;              /* 0 or ND_ENOMEM */
} lsh_sort_job;

static void *lsh_sort_run(void *arg)
{
    lsh_sort_job *j = arg;
    nd_key *tmp = malloc(j->biggest * sizeof *tmp);
    size_t *count = malloc(4096 * sizeof *count);
    nd_u32vec items = {0};
    unsigned b;

    if (!tmp || !count) {
        j->err = ND_ENOMEM;
    } else {
        for (b = j->first; b < 256; b += j->step)
            if (j->start[b + 1] - j->start[b] > 1)
                lsh_sort_bucket(j->v + j->start[b], tmp,
                                j->start[b + 1] - j->start[b], count,
                                &items);
    }
    free(tmp);
    free(count);
    nd_u32vec_free(&items);
    return NULL;
}

/*
 * Sorts entries by (key, item). The key arrays are the largest of a scan,
 * so the sort must not double them: an in-place pass (American flag sort)
 * first deals the entries into 256 buckets by the key's top byte, then
 * each bucket is radix-sorted through scratch space the size of the
 * largest bucket, about 1/256 of the whole. qsort with a callback was the
 * largest cost of candidate generation; a plain LSD radix sort needed a
 * second copy of the array. The buckets are independent, so threads share
 * them out (every threads-th bucket each: keys are hashes, so the buckets
 * are of about one size); the result is the same for any thread count.
 */
static int lsh_sort_keys(nd_keyvec *keys, unsigned threads)
{
    lsh_sort_job jobs[ND_MAX_JOBS];
    nd_key *v = keys->v;
    size_t n = keys->n, start[257], next[256], biggest = 0, b, i;
    unsigned t;

    if (n < 2)
        return 0;
    memset(next, 0, sizeof next);
    for (i = 0; i < n; i++)
        next[v[i].key >> 24]++;
    start[0] = 0;
    for (b = 0; b < 256; b++) {
        start[b + 1] = start[b] + next[b];
        if (next[b] > biggest)
            biggest = next[b];
        next[b] = start[b];
    }
    for (b = 0; b < 256; b++)
        while (next[b] < start[b + 1]) {
            nd_key e = v[next[b]];
            size_t d = e.key >> 24;

            /* Carry e to its bucket, taking up what lies there, until
             * an entry of bucket b turns up. */
            while (d != b) {
                nd_key t = v[next[d]];

                v[next[d]++] = e;
                e = t;
                d = e.key >> 24;
            }
            v[next[b]++] = e;
        }
    threads = (unsigned)nd_jobs_for(threads, n, 65536);
    for (t = 0; t < threads; t++) {
        jobs[t].v = v;
        jobs[t].start = start;
        jobs[t].biggest = biggest;
        jobs[t].first = t;
        jobs[t].step = threads;
        jobs[t].err = 0;
    }
    nd_run_jobs(lsh_sort_run, jobs, sizeof jobs[0], threads);
    for (t = 0; t < threads; t++)
        if (jobs[t].err)
            return jobs[t].err;
    return 0;
}

/* End of the run of entries equal in key to v[i]. */
static size_t lsh_run_end(const nd_key *v, size_t n, size_t i)
{
    size_t e = i + 1;

    while (e < n && v[e].key == v[i].key)
        e++;
    return e;
}

/* A bitmap indexed by the low bits of keys (they are hashes). */
typedef struct lsh_map {
    uint64_t *w;
    size_t bits; /* a power of two */
} lsh_map;

/*
 * A zeroed map of at least per_key bits for each of n keys; w is NULL
 * without memory, or when the map would pass LSH_MAP_MAX_BITS (the callers
 * then drop nothing). Every key's test lands anywhere in the map, so a map
 * much larger than the caches costs a memory access per entry.
 */
#define LSH_MAP_MAX_BITS ((size_t)1 << 27) /* 16 MB */

static lsh_map lsh_map_new(size_t n, size_t per_key)
{
    lsh_map m;

    m.bits = (size_t)1 << 16;
    while (m.bits < per_key * n && m.bits < LSH_MAP_MAX_BITS)
        m.bits <<= 1;
    m.w = m.bits < per_key * n ? NULL : calloc(m.bits / 64, sizeof *m.w);
    return m;
}

/* Sets the bit of key k; returns whether it was set before. */
static int lsh_map_set(lsh_map *m, uint32_t k)
{
    size_t b = k & (m->bits - 1);
    uint64_t bit = (uint64_t)1 << (b % 64);
    int was = (m->w[b / 64] & bit) != 0;

    m->w[b / 64] |= bit;
    return was;
}

/* Keeps the entries of v whose key's bit is set in m, in order. */
static void lsh_keep_marked(nd_keyvec *v, const lsh_map *m)
{
    size_t i, n = 0;

    for (i = 0; i < v->n; i++) {
        size_t b = v->v[i].key & (m->bits - 1);

        v->v[n] = v->v[i];
        n += (size_t)(m->w[b / 64] >> (b % 64) & 1);
    }
    v->n = n;
}

/*
 * Before the sorts, entries that cannot pair are dropped: among band
 * keys, those no other entry shares (most paragraphs have no near copy);
 * in the join, index entries whose key no query asks for (a paragraph asks
 * with two of its anchors, so that is most of them). Either way a key's
 * run of entries is kept whole or not at all, so the pairs are the same,
 * the stock-phrase caps included, and the sorts have far less to do. The
 * tests are bitmaps over the keys, whose false alarms (an entry kept that
 * pairs with nothing) are harmless; without memory for a bitmap nothing is
 * dropped.
 */
static void lsh_keep_shared(nd_keyvec *keys)
{
    /* 4 bits a key in each map: about a fifth of the lone keys stay by a
     * false alarm, for a quarter of the keys' memory */
    lsh_map once = lsh_map_new(keys->n, 4), twice = once;
    size_t i;

    twice.w = once.w ? calloc(once.bits / 64, sizeof *twice.w) : NULL;
    if (twice.w)
        for (i = 0; i < keys->n; i++)
            if (lsh_map_set(&once, keys->v[i].key))
                lsh_map_set(&twice, keys->v[i].key);
    if (twice.w)
        lsh_keep_marked(keys, &twice);
    free(once.w);
    free(twice.w);
}

/* 16 bits a query: about one lone index entry in 16 stays by a false
 * alarm, and a map small enough to stay in the caches up to a few million
 * queries (measured on 1 GB: pairing 1.4 s with it, 1.65 s without). */
static void lsh_keep_asked(nd_keyvec *index, const nd_keyvec *queries)
{
    lsh_map m = lsh_map_new(queries->n, 16);
    size_t i;

    if (!m.w)
        return;
    for (i = 0; i < queries->n; i++)
        lsh_map_set(&m, queries->v[i].key);
    lsh_keep_marked(index, &m);
    free(m.w);
}

int nd_lsh_pairs(nd_pairvec *out, nd_keyvec *keys, size_t cap,
                 unsigned threads)
{
    const nd_key *v;
    size_t s, e, i, j, taken;
    int err;

    lsh_keep_shared(keys);
    err = lsh_sort_keys(keys, threads);
    if (err)
        return err;
    v = keys->v;
    for (s = 0; s < keys->n; s = e) {
        e = lsh_run_end(v, keys->n, s);
        /* Within the run items are ascending; a repeated item is skipped
         * wherever it recurs, so it pairs neither with itself nor twice
         * with another. Each of the first cap distinct items pairs with
         * every later distinct item: all pairs when the run has at most
         * cap items, else every item meets the first cap. */
        taken = 0;
        for (i = s; i < e && taken < cap; i++) {
            if (i > s && v[i].item == v[i - 1].item)
                continue;
            taken++;
            for (j = i + 1; j < e; j++) {
                if (v[j].item == v[j - 1].item)
                    continue;
                err = nd_pairvec_push(out, v[i].item, v[j].item);
                if (err)
                    return err;
            }
        }
    }
    return 0;
}

int nd_lsh_join(nd_pairvec *out, nd_keyvec *index, nd_keyvec *queries,
                size_t cap, unsigned threads)
{
    const nd_key *x, *q;
    size_t xi = 0, qi = 0;
    int err;

    lsh_keep_asked(index, queries);
    err = lsh_sort_keys(index, threads);
    if (!err)
        err = lsh_sort_keys(queries, threads);
    if (err)
        return err;
    x = index->v;
    q = queries->v;
    while (xi < index->n && qi < queries->n) {
        size_t xe, qe, i, j, taken;

        if (x[xi].key < q[qi].key) {
            xi = lsh_run_end(x, index->n, xi);
            continue;
        }
        if (q[qi].key < x[xi].key) {
            qi = lsh_run_end(q, queries->n, qi);
            continue;
        }
        xe = lsh_run_end(x, index->n, xi);
        qe = lsh_run_end(q, queries->n, qi);
        /* A shingle anchoring more than cap paragraphs is a stock phrase,
         * no evidence of copying: skip it. */
        for (i = xi, taken = 0; i < xe && taken <= cap; i++)
            if (i == xi || x[i].item != x[i - 1].item)
                taken++;
        for (j = qi; taken <= cap && j < qe; j++) {
            if (j > qi && q[j].item == q[j - 1].item)
                continue;
            for (i = xi; i < xe; i++) {
                uint32_t a = q[j].item, b = x[i].item;

                if ((i > xi && x[i].item == x[i - 1].item) || a == b)
                    continue;
                err = nd_pairvec_push(out, a < b ? a : b, a < b ? b : a);
                if (err)
                    return err;
            }
        }
        xi = xe;
        qi = qe;
    }
    return 0;
}

int nd_lsh_pairs_unique(nd_pairvec *pairs)
{
    /* Sorted as 64-bit numbers a:b, which orders by (a, b). */
    uint64_t *packed;
    size_t i, n = 0;
    int err;

    if (pairs->n < 2)
        return 0;
    packed = malloc(pairs->n * sizeof *packed);
    if (!packed)
        return ND_ENOMEM;
    for (i = 0; i < pairs->n; i++)
        packed[i] = (uint64_t)pairs->v[i].a << 32 | pairs->v[i].b;
    err = nd_u64_radix_sort(packed, pairs->n);
    if (err) {
        free(packed);
        return err;
    }
    for (i = 0; i < pairs->n; i++) {
        if (i > 0 && packed[i] == packed[i - 1])
            continue;
        pairs->v[n].a = (uint32_t)(packed[i] >> 32);
        pairs->v[n].b = (uint32_t)packed[i];
        n++;
    }
    pairs->n = n;
    free(packed);
    return 0;
}
