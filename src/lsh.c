/*
 * lsh.c - candidate pairs from band keys and winnowing anchors (see lsh.h).
 *
 * Everything here ends in a sort of (key, item) entries followed by a
 * walk over runs of equal keys, done one top-byte bucket of keys at a time
 * so that threads can share the buckets. Sorting rather than hashing into
 * buckets keeps memory at one entry per key, makes the output independent
 * of insertion order, and puts the items of a bucket in item order, which
 * is what the cap ("the first cap items by item number") needs.
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
 * A key lies in one bucket of the key's top byte, so the entries are dealt
 * into 256 such buckets and each bucket is then filtered, sorted and
 * walked on its own. Dealing happens in place, a chunk of LSH_CHUNK
 * entries at a time through a buffer of one chunk that stays in the
 * caches: the key arrays are the largest of a scan and must not be
 * doubled, and an in-place pass over the whole array (American flag sort)
 * moved one entry per cache miss and could not be shared by threads.
 * Chunk c then holds its part of bucket b at offsets seg[c*257+b] ..
 * seg[c*257+b+1]; a bucket's work starts by gathering its parts from
 * every chunk into scratch space of its size, about 1/256 of the whole.
 *
 * Chunks, and then buckets, are independent, so threads take them first
 * come first served. Each bucket's pairs go to a vector of their own, and
 * the vectors are appended in bucket order, which is key order: the pairs
 * come out as from one walk over all the entries sorted, for any thread
 * count.
 */
#define LSH_CHUNK ((size_t)1 << 16) /* 512 KB of entries, half an L2 */

typedef struct lsh_dealt {
    nd_key *v;        /* the entries, each chunk dealt by top byte */
    size_t n;         /* entries */
    size_t chunks;    /* chunks of LSH_CHUNK entries, the last shorter */
    uint32_t *seg;    /* 257 offsets a chunk: its buckets' starts and end */
    size_t size[256]; /* entries of bucket b over all chunks */
} lsh_dealt;

/* Deals chunk c of d by its keys' top byte, through tmp (room for a
 * chunk): one pass counts, one copies each entry to its bucket. */
static void lsh_deal_chunk(lsh_dealt *d, size_t c, nd_key *tmp)
{
    nd_key *v = d->v + c * LSH_CHUNK;
    size_t n = d->n - c * LSH_CHUNK, i;
    uint32_t *seg = d->seg + c * 257, next[256];
    unsigned b;

    if (n > LSH_CHUNK)
        n = LSH_CHUNK;
    memset(next, 0, sizeof next);
    for (i = 0; i < n; i++)
        next[v[i].key >> 24]++;
    seg[0] = 0;
    for (b = 0; b < 256; b++) {
        seg[b + 1] = seg[b] + next[b];
        next[b] = seg[b];
    }
    for (i = 0; i < n; i++)
        tmp[next[v[i].key >> 24]++] = v[i];
    memcpy(v, tmp, n * sizeof *v);
}

/* One thread's share of the dealing: chunks as they come. */
typedef struct lsh_deal_job {
    lsh_dealt *d;    /* the entries being dealt */
    nd_chunks *todo; /* the chunks not taken yet */
    int err;         /* 0 or ND_ENOMEM */
} lsh_deal_job;

static void *lsh_deal_run(void *arg)
{
    lsh_deal_job *j = arg;
    size_t lo, hi, c;
    nd_key *tmp = malloc((j->d->n < LSH_CHUNK ? j->d->n : LSH_CHUNK) *
                         sizeof *tmp);

    if (!tmp) {
        j->err = ND_ENOMEM; /* the other jobs may still deal every chunk */
        return NULL;
    }
    while (nd_chunks_take(j->todo, &lo, &hi))
        for (c = lo; c < hi; c++)
            lsh_deal_chunk(j->d, c, tmp);
    free(tmp);
    return NULL;
}

/* Deals keys into d on `jobs` threads; d->seg is the caller's to free,
 * whatever comes back. Returns 0 or ND_ENOMEM. */
static int lsh_deal(lsh_dealt *d, nd_keyvec *keys, size_t jobs)
{
    lsh_deal_job job[ND_MAX_JOBS];
    nd_chunks todo;
    size_t c, t;
    unsigned b;

    memset(d, 0, sizeof *d);
    d->v = keys->v;
    d->n = keys->n;
    d->chunks = keys->n / LSH_CHUNK + (keys->n % LSH_CHUNK != 0);
    if (d->chunks == 0)
        return 0;
    d->seg = malloc(d->chunks * 257 * sizeof *d->seg);
    if (!d->seg)
        return ND_ENOMEM;
    nd_chunks_init(&todo, d->chunks, 1);
    for (t = 0; t < jobs; t++) {
        job[t].d = d;
        job[t].todo = &todo;
        job[t].err = 0;
    }
    nd_run_jobs(lsh_deal_run, job, sizeof job[0], jobs);
    for (t = 0; t < jobs; t++)
        if (job[t].err)
            return job[t].err;
    for (c = 0; c < d->chunks; c++)
        for (b = 0; b < 256; b++)
            d->size[b] += d->seg[c * 257 + b + 1] - d->seg[c * 257 + b];
    return 0;
}

/*
 * A map of two-bit slots indexed by the low bits of keys (they are
 * hashes): the low bit of a slot says a key of it was added, the high bit
 * that a second one was. It is made for one bucket at a time, so it is
 * small enough to stay in the caches whatever the size of the scan.
 */
typedef struct lsh_map {
    uint64_t *w;  /* 32 slots a word */
    size_t slots; /* a power of two; 0 without memory (then keep all) */
    size_t cap;   /* words allocated */
} lsh_map;

#define LSH_SEEN 0  /* bit of a slot: a key was added */
#define LSH_TWICE 1 /* bit of a slot: a second key was added */

/* Empties m and sizes it for n keys, at least per_key slots each. */
static void lsh_map_reset(lsh_map *m, size_t n, size_t per_key)
{
    size_t slots = 64;

    while (slots / per_key < n && slots < SIZE_MAX / 2)
        slots <<= 1;
    m->slots = 0;
    if (nd_grow((void **)&m->w, &m->cap, slots / 32, sizeof *m->w) == 0) {
        m->slots = slots;
        memset(m->w, 0, slots / 32 * sizeof *m->w);
    }
}

static void lsh_map_add(lsh_map *m, uint32_t k)
{
    size_t s = k & (m->slots - 1);
    uint64_t *w = &m->w[s / 32], seen = (uint64_t)1 << (s % 32 * 2);

    *w |= (*w & seen) << 1 | seen;
}

/* Whether bit `bit` of k's slot is set; always with no map. */
static size_t lsh_map_has(const lsh_map *m, uint32_t k, unsigned bit)
{
    size_t s;

    if (m->slots == 0)
        return 1;
    s = k & (m->slots - 1);
    return (size_t)(m->w[s / 32] >> (s % 32 * 2 + bit) & 1);
}

/* Puts into out (room reserved) the entries of bucket b of d whose slot
 * in m has bit `bit` set (all of them when m is NULL), chunk by chunk. */
static void lsh_gather(nd_keyvec *out, const lsh_dealt *d, unsigned b,
                       const lsh_map *m, unsigned bit)
{
    size_t c, i, n = 0;

    for (c = 0; c < d->chunks; c++) {
        const nd_key *v = d->v + c * LSH_CHUNK;
        const uint32_t *seg = d->seg + c * 257;

        if (!m) {
            memcpy(out->v + n, v + seg[b], (seg[b + 1] - seg[b]) * sizeof *v);
            n += seg[b + 1] - seg[b];
            continue;
        }
        for (i = seg[b]; i < seg[b + 1]; i++) {
            out->v[n] = v[i];
            n += lsh_map_has(m, v[i].key, bit);
        }
    }
    out->n = n;
}

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

    if (n < 2)
        return;
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

/* End of the run of entries equal in key to v[i]. */
static size_t lsh_run_end(const nd_key *v, size_t n, size_t i)
{
    size_t e = i + 1;

    while (e < n && v[e].key == v[i].key)
        e++;
    return e;
}

/* Appends the pairs of v[0..n), sorted by (key, item), to out. */
static int lsh_walk_pairs(nd_pairvec *out, const nd_key *v, size_t n,
                          size_t cap)
{
    size_t s, e, i, j, taken;
    int err;

    for (s = 0; s < n; s = e) {
        e = lsh_run_end(v, n, s);
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

/* Appends the pairs of index entries x[0..nx) and queries q[0..nq), both
 * sorted by (key, item), to out. */
static int lsh_walk_join(nd_pairvec *out, const nd_key *x, size_t nx,
                         const nd_key *q, size_t nq, size_t cap)
{
    size_t xi = 0, qi = 0;
    int err;

    while (xi < nx && qi < nq) {
        size_t xe, qe, i, j, taken;

        if (x[xi].key < q[qi].key) {
            xi = lsh_run_end(x, nx, xi);
            continue;
        }
        if (q[qi].key < x[xi].key) {
            qi = lsh_run_end(q, nq, qi);
            continue;
        }
        xe = lsh_run_end(x, nx, xi);
        qe = lsh_run_end(q, nq, qi);
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

/* A thread's scratch space, reused from one bucket to the next. */
typedef struct lsh_scratch {
    nd_keyvec x;     /* a bucket's (kept) entries or index entries */
    nd_keyvec q;     /* a bucket's queries */
    nd_keyvec tmp;   /* the other half of the radix passes */
    lsh_map map;     /* the bucket's filter */
    size_t *count;   /* 4096 radix counters */
    nd_u32vec items; /* a long run's items while they are sorted */
} lsh_scratch;

/* Empties v and makes room for n entries. */
static int lsh_room(nd_keyvec *v, size_t n)
{
    v->n = 0;
    return nd_grow((void **)&v->v, &v->cap, n, sizeof *v->v);
}

/*
 * Before the sorts, entries that cannot pair are dropped: among band
 * keys, those no other entry shares (most paragraphs have no near copy);
 * in the join, index entries whose key no query asks for (a paragraph asks
 * with two of its anchors, so that is most of them). Either way a key's
 * entries share a slot of the map and are kept or dropped together, so
 * the pairs are the same, the stock-phrase caps included, and the sorts
 * have far less to do. False alarms (an entry kept that pairs with
 * nothing) are harmless. The maps cover one bucket, so they stay in the
 * caches and can afford many slots a key:
 *  - band keys: 4 slots a key, 4-8 after rounding up: about one lone key
 *    in 6-12 shares a slot with another and stays;
 *  - the join: 16 slots a query, for a bucket's queries are about a ninth
 *    of its index entries: about one lone index entry in 16-32 stays.
 */
#define LSH_SHARED_SLOTS 4
#define LSH_ASKED_SLOTS 16

/* Appends the band pairs of bucket b of d to out. */
static int lsh_pairs_bucket(nd_pairvec *out, const lsh_dealt *d, unsigned b,
                            size_t cap, lsh_scratch *s)
{
    size_t c, i, n = d->size[b];
    int err;

    if (n < 2)
        return 0;
    lsh_map_reset(&s->map, n, LSH_SHARED_SLOTS);
    for (c = 0; s->map.slots && c < d->chunks; c++) {
        const nd_key *v = d->v + c * LSH_CHUNK;
        const uint32_t *seg = d->seg + c * 257;

        for (i = seg[b]; i < seg[b + 1]; i++)
            lsh_map_add(&s->map, v[i].key);
    }
    err = lsh_room(&s->x, n);
    if (!err)
        err = lsh_room(&s->tmp, n);
    if (err)
        return err;
    lsh_gather(&s->x, d, b, &s->map, LSH_TWICE);
    lsh_sort_bucket(s->x.v, s->tmp.v, s->x.n, s->count, &s->items);
    return lsh_walk_pairs(out, s->x.v, s->x.n, cap);
}

/* Appends the join's pairs of bucket b of the index x and queries q. */
static int lsh_join_bucket(nd_pairvec *out, const lsh_dealt *x,
                           const lsh_dealt *q, unsigned b, size_t cap,
                           lsh_scratch *s)
{
    size_t nx = x->size[b], nq = q->size[b], i;
    int err;

    if (nx == 0 || nq == 0)
        return 0;
    err = lsh_room(&s->q, nq);
    if (!err)
        err = lsh_room(&s->x, nx);
    if (!err)
        err = lsh_room(&s->tmp, nx > nq ? nx : nq);
    if (err)
        return err;
    lsh_gather(&s->q, q, b, NULL, 0);
    lsh_map_reset(&s->map, nq, LSH_ASKED_SLOTS);
    for (i = 0; s->map.slots && i < nq; i++)
        lsh_map_add(&s->map, s->q.v[i].key);
    lsh_gather(&s->x, x, b, &s->map, LSH_SEEN);
    lsh_sort_bucket(s->q.v, s->tmp.v, s->q.n, s->count, &s->items);
    lsh_sort_bucket(s->x.v, s->tmp.v, s->x.n, s->count, &s->items);
    return lsh_walk_join(out, s->x.v, s->x.n, s->q.v, s->q.n, cap);
}

/* One thread's share of the buckets: buckets as they come. */
typedef struct lsh_bucket_job {
    const lsh_dealt *x; /* band keys, or the join's index */
    const lsh_dealt *q; /* the join's queries; NULL for band keys */
    nd_chunks *todo;    /* the buckets not taken yet */
    nd_pairvec *out;    /* out[b]: the pairs of bucket b */
    size_t cap;         /* the bucket cap */
    int err;            /* 0 or ND_ENOMEM */
} lsh_bucket_job;

static void *lsh_bucket_run(void *arg)
{
    lsh_bucket_job *j = arg;
    lsh_scratch s;
    size_t lo, hi, b;

    memset(&s, 0, sizeof s);
    s.count = malloc(4096 * sizeof *s.count);
    if (!s.count)
        j->err = ND_ENOMEM;
    while (!j->err && nd_chunks_take(j->todo, &lo, &hi))
        for (b = lo; b < hi && !j->err; b++)
            j->err = j->q ? lsh_join_bucket(&j->out[b], j->x, j->q,
                                            (unsigned)b, j->cap, &s)
                          : lsh_pairs_bucket(&j->out[b], j->x, (unsigned)b,
                                             j->cap, &s);
    nd_keyvec_free(&s.x);
    nd_keyvec_free(&s.q);
    nd_keyvec_free(&s.tmp);
    free(s.map.w);
    free(s.count);
    nd_u32vec_free(&s.items);
    return NULL;
}

/* Appends per[0..256) to out in order; frees them either way. */
static int lsh_append(nd_pairvec *out, nd_pairvec *per)
{
    size_t total = out->n, b;
    int err = 0;

    for (b = 0; b < 256 && !err; b++)
        if (per[b].n > SIZE_MAX - total)
            err = ND_ENOMEM;
        else
            total += per[b].n;
    if (!err)
        err = nd_grow((void **)&out->v, &out->cap, total, sizeof *out->v);
    for (b = 0; b < 256; b++) {
        if (!err && per[b].n) {
            memcpy(out->v + out->n, per[b].v, per[b].n * sizeof *per[b].v);
            out->n += per[b].n;
        }
        nd_pairvec_free(&per[b]);
    }
    return err;
}

/* Runs the buckets of x (and q, for the join) on `jobs` threads and
 * appends their pairs to out in bucket order. */
static int lsh_buckets(nd_pairvec *out, const lsh_dealt *x,
                       const lsh_dealt *q, size_t cap, size_t jobs)
{
    lsh_bucket_job job[ND_MAX_JOBS];
    nd_pairvec *per = calloc(256, sizeof *per);
    nd_chunks todo;
    size_t t;
    int err = 0;

    if (!per)
        return ND_ENOMEM;
    nd_chunks_init(&todo, 256, 1);
    for (t = 0; t < jobs; t++) {
        job[t].x = x;
        job[t].q = q;
        job[t].todo = &todo;
        job[t].out = per;
        job[t].cap = cap;
        job[t].err = 0;
    }
    nd_run_jobs(lsh_bucket_run, job, sizeof job[0], jobs);
    for (t = 0; t < jobs; t++)
        if (job[t].err)
            err = job[t].err;
    if (!err)
        err = lsh_append(out, per);
    else
        for (t = 0; t < 256; t++)
            nd_pairvec_free(&per[t]);
    free(per);
    return err;
}

int nd_lsh_pairs(nd_pairvec *out, nd_keyvec *keys, size_t cap,
                 unsigned threads)
{
    size_t jobs = nd_jobs_for(threads, keys->n, 65536);
    lsh_dealt d;
    int err;

    err = lsh_deal(&d, keys, jobs);
    if (!err && d.chunks)
        err = lsh_buckets(out, &d, NULL, cap, jobs);
    free(d.seg);
    return err;
}

int nd_lsh_join(nd_pairvec *out, nd_keyvec *index, nd_keyvec *queries,
                size_t cap, unsigned threads)
{
    size_t jobs = nd_jobs_for(threads, index->n + queries->n, 65536);
    lsh_dealt x, q;
    int err;

    err = lsh_deal(&x, index, jobs);
    q.seg = NULL;
    if (!err)
        err = lsh_deal(&q, queries, jobs);
    if (!err && x.chunks && q.chunks)
        err = lsh_buckets(out, &x, &q, cap, jobs);
    free(x.seg);
    free(q.seg);
    return err;
}

/* ---- each pair once --------------------------------------------------- */

int nd_lsh_pairs_unique(nd_pairvec *pairs, unsigned threads)
{
    /* Sorted as 64-bit numbers a:b, which orders them by (a, b), on the
     * threads (nd_u64_radix_sort_mt); then each pair is kept once. */
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
    err = nd_u64_radix_sort_mt(packed, pairs->n, threads);
    for (i = 0; !err && i < pairs->n; i++) {
        if (i > 0 && packed[i] == packed[i - 1])
            continue;
        pairs->v[n].a = (uint32_t)(packed[i] >> 32);
        pairs->v[n].b = (uint32_t)packed[i];
        n++;
    }
    if (!err)
        pairs->n = n;
    free(packed);
    return err;
}
