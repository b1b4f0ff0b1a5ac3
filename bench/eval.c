/*
 * eval.c - nd_eval, the exact ground truth for a corpus and the scores of a
 * clusters.jsonl against it.
 *
 * The ground truth uses the library's own stages (reader, segmenter,
 * normaliser, shingler, verify rule), so it differs from a scan only in
 * that it compares every pair that could pass instead of those LSH
 * proposes. It never compares all pairs:
 *
 *  1. Paragraphs with identical shingle sets are one group; a group of m
 *     paragraphs holds m(m-1)/2 true pairs (Jaccard 1) without any work.
 *  2. Shingles are renumbered by ascending corpus frequency, so each sorted
 *     set starts with its rarest shingles.
 *  3. Prefix filter: if Jaccard(x,y) >= t then |x n y| >= t|x|, and if x is
 *     contained in y to c then |x n y| >= c|x|. With m = min(t, c) (t
 *     alone when x is too small to count as contained), x must share one
 *     of its first |x| - ceil(m|x|) + 1 shingles with y: otherwise fewer
 *     than ceil(m|x|) of its shingles could be in y. A pair where y is the
 *     contained one is found from y's side. So every group probes an
 *     inverted index of all full sets with its prefix only; since the
 *     prefix holds its rarest shingles, the long posting lists of common
 *     phrases are rarely touched.
 *  4. Every candidate goes through nd_verify and nd_verify_is_dup; a pair
 *     found from both sides is counted once (from the side of the smaller
 *     group number, unless only the other side finds it).
 *
 * Scoring a clusters.jsonl then needs only the groups: pair recall counts,
 * for every true group pair, the paragraph pairs that share a cluster.
 */
#define _POSIX_C_SOURCE 200809L /* getline, clock_gettime */

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "neardup.h"
#include "normalize.h"
#include "read.h"
#include "scan.h"
#include "segment.h"
#include "shingle.h"
#include "util.h"
#include "verify.h"

#define EV_NONE UINT32_MAX

/* ------------------------------------------------------------------ */
/* Small helpers.                                                      */

static void ev_die(const char *msg)
{
    fprintf(stderr, "nd_eval: %s\n", msg);
    exit(1);
}

static void *ev_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        ev_die("out of memory");
    return p;
}

static void *ev_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        ev_die("out of memory");
    return p;
}

/* Grows *p to hold need items of elem bytes; out of memory ends the run. */
static void ev_grow(void *pp, size_t *cap, size_t need, size_t elem)
{
    if (nd_grow((void **)pp, cap, need, elem))
        ev_die("out of memory");
}

static double ev_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static uint64_t ev_mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t ev_hash_bytes(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ULL;
    }
    return ev_mix(h);
}

/* LSD radix sort of a[0..n) with scratch tmp[0..n); passes whose byte is
 * the same in every key are skipped. */
static void ev_radix_u64(uint64_t *a, uint64_t *tmp, size_t n)
{
    size_t count[256];
    uint64_t *src = a, *dst = tmp;
    for (int shift = 0; shift < 64; shift += 8) {
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[(src[i] >> shift) & 0xff]++;
        if (n == 0 || count[(src[0] >> shift) & 0xff] == n)
            continue;
        size_t sum = 0;
        for (int b = 0; b < 256; b++) {
            size_t c = count[b];
            count[b] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 0xff]++] = src[i];
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

static int ev_cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static void ev_sort_u32(uint32_t *a, size_t n)
{
    if (n > 24) {
        qsort(a, n, sizeof *a, ev_cmp_u32);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t v = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1] > v) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

/* ------------------------------------------------------------------ */
/* The corpus: articles, paragraphs, and groups of identical sets.     */

typedef struct ev_corpus {
    /* Articles. */
    nd_buf ids;          /* article ids, each NUL-terminated */
    size_t *id_off;      /* offset of article a's id in ids */
    uint32_t *art_first; /* first paragraph of article a */
    uint32_t *art_npara; /* paragraphs of article a */
    uint64_t *art_bytes; /* bytes of article a's paragraphs */
    size_t narts, art_cap;
    /* Paragraphs. */
    uint64_t *p_start, *p_end; /* byte span in the article text */
    uint32_t *p_group;   /* group of paragraph p, EV_NONE if no shingles */
    uint32_t *p_art;     /* article of paragraph p */
    size_t npara, para_cap;
    uint64_t text_bytes; /* bytes of article text */
    /* Groups: distinct non-empty shingle sets. While reading they are the
     * 64-bit hashes in gset; after ev_rank they are 32-bit shingle ranks
     * in gid. */
    nd_u64vec gset;      /* concatenated sorted sets (64-bit) */
    uint32_t *gid;       /* concatenated sorted sets (ranks) */
    size_t *g_off;       /* set g is [g_off[g], g_off[g+1]) */
    uint32_t *g_count;   /* paragraphs in group g */
    uint64_t *g_hash;    /* hash of set g */
    size_t ngroups, group_cap;
    uint32_t *gtab;      /* open addressing: group ids by set hash */
    size_t gtab_size;    /* power of two */
    size_t nshingles;    /* distinct shingles (after ev_rank) */
    /* Article ids by hash (after reading). */
    uint32_t *atab;      /* open addressing: article indices */
    size_t atab_size;    /* power of two */
    size_t dup_ids;      /* articles whose id an earlier one has */
} ev_corpus;

static const char *ev_art_id(const ev_corpus *c, size_t a)
{
    return c->ids.data + c->id_off[a];
}

static uint64_t ev_set_hash(const uint64_t *s, size_t n)
{
    uint64_t h = ev_mix(n + 0x9e3779b97f4a7c15ULL);
    for (size_t i = 0; i < n; i++)
        h = ev_mix(h ^ s[i]) + i;
    return h;
}

static void ev_gtab_rehash(ev_corpus *c)
{
    size_t size = c->gtab_size ? c->gtab_size * 2 : 1024;
    uint32_t *t = ev_xmalloc(size * sizeof *t);
    for (size_t i = 0; i < size; i++)
        t[i] = EV_NONE;
    for (size_t g = 0; g < c->ngroups; g++) {
        size_t i = c->g_hash[g] & (size - 1);
        while (t[i] != EV_NONE)
            i = (i + 1) & (size - 1);
        t[i] = (uint32_t)g;
    }
    free(c->gtab);
    c->gtab = t;
    c->gtab_size = size;
}

/* The group of set s[0..n) (n > 0), made if new. */
static uint32_t ev_group_of(ev_corpus *c, const uint64_t *s, size_t n)
{
    uint64_t h = ev_set_hash(s, n);
    if ((c->ngroups + 1) * 2 > c->gtab_size)
        ev_gtab_rehash(c);
    size_t i = h & (c->gtab_size - 1);
    for (; c->gtab[i] != EV_NONE; i = (i + 1) & (c->gtab_size - 1)) {
        uint32_t g = c->gtab[i];
        size_t gn = c->g_off[g + 1] - c->g_off[g];
        if (c->g_hash[g] == h && gn == n &&
            !memcmp(c->gset.v + c->g_off[g], s, n * sizeof *s)) {
            c->g_count[g]++;
            return g;
        }
    }
    if (c->ngroups + 1 >= EV_NONE)
        ev_die("too many distinct paragraphs");
    size_t g = c->ngroups++;
    if (c->ngroups + 1 > c->group_cap) {
        size_t cap = c->group_cap;
        ev_grow(&c->g_off, &cap, c->ngroups + 1, sizeof *c->g_off);
        cap = c->group_cap;
        ev_grow(&c->g_count, &cap, c->ngroups + 1, sizeof *c->g_count);
        cap = c->group_cap;
        ev_grow(&c->g_hash, &cap, c->ngroups + 1, sizeof *c->g_hash);
        c->group_cap = cap;
    }
    if (g == 0)
        c->g_off[0] = 0;
    if (nd_u64vec_reserve(&c->gset, n))
        ev_die("out of memory");
    memcpy(c->gset.v + c->gset.n, s, n * sizeof *s);
    c->gset.n += n;
    c->g_off[g + 1] = c->gset.n;
    c->g_count[g] = 1;
    c->g_hash[g] = h;
    c->gtab[i] = (uint32_t)g;
    return (uint32_t)g;
}

static void ev_warn(const char *file, uint64_t line, const char *msg,
                    void *payload)
{
    uint64_t *n = payload;
    if (++*n <= 10)
        fprintf(stderr, "nd_eval: warning: %s:%llu: %s\n", file,
                (unsigned long long)line, msg);
}

typedef struct ev_params {
    nd_thresholds t;   /* the duplicate rule */
    unsigned ngram;    /* words per shingle */
    uint64_t seed;     /* shingle hash seed */
    const char *id_field, *text_field; /* JSONL fields */
    size_t max_postings; /* 0, or longest posting list a probe reads */
    int brute;           /* also compare all pairs and check the truth */
} ev_params;

static void ev_read(ev_corpus *c, char **paths, size_t npaths,
                    const ev_params *ep)
{
    nd_input *in = ev_xmalloc(npaths * sizeof *in);
    for (size_t i = 0; i < npaths; i++) {
        in[i].path = paths[i];
        in[i].name = paths[i];
    }
    uint64_t nwarn = 0;
    nd_read_opts ro = {.id_field = ep->id_field,
                       .text_field = ep->text_field,
                       .warn = ev_warn,
                       .warn_payload = &nwarn};
    nd_reader *r = NULL;
    if (nd_reader_open(&r, in, npaths, &ro)) {
        fprintf(stderr, "nd_eval: %s\n", r ? nd_reader_errmsg(r) : "open");
        exit(1);
    }
    nd_spanvec spans = {0};
    nd_buf norm = {0};
    nd_u64vec sh = {0};
    nd_record rec;
    int rc;
    while ((rc = nd_reader_next(r, &rec)) == 1) {
        size_t a = c->narts++;
        if (c->narts > c->art_cap) {
            size_t cap = c->art_cap;
            ev_grow(&c->id_off, &cap, c->narts, sizeof *c->id_off);
            cap = c->art_cap;
            ev_grow(&c->art_first, &cap, c->narts, sizeof *c->art_first);
            cap = c->art_cap;
            ev_grow(&c->art_npara, &cap, c->narts, sizeof *c->art_npara);
            cap = c->art_cap;
            ev_grow(&c->art_bytes, &cap, c->narts, sizeof *c->art_bytes);
            c->art_cap = cap;
        }
        c->id_off[a] = c->ids.len;
        if (nd_buf_append(&c->ids, rec.id, strlen(rec.id) + 1))
            ev_die("out of memory");
        c->text_bytes += rec.text_len;
        if (nd_segment(&spans, rec.text, rec.text_len))
            ev_die("out of memory");
        if (c->npara + spans.n >= EV_NONE)
            ev_die("too many paragraphs");
        c->art_first[a] = (uint32_t)c->npara;
        c->art_npara[a] = (uint32_t)spans.n;
        c->art_bytes[a] = 0;
        for (size_t i = 0; i < spans.n; i++) {
            size_t p = c->npara++;
            if (c->npara > c->para_cap) {
                size_t cap = c->para_cap;
                ev_grow(&c->p_start, &cap, c->npara, sizeof *c->p_start);
                cap = c->para_cap;
                ev_grow(&c->p_end, &cap, c->npara, sizeof *c->p_end);
                cap = c->para_cap;
                ev_grow(&c->p_group, &cap, c->npara, sizeof *c->p_group);
                cap = c->para_cap;
                ev_grow(&c->p_art, &cap, c->npara, sizeof *c->p_art);
                c->para_cap = cap;
            }
            const nd_span *s = &spans.v[i];
            size_t words;
            c->p_start[p] = s->start;
            c->p_end[p] = s->end;
            c->p_art[p] = (uint32_t)a;
            c->art_bytes[a] += s->end - s->start;
            if (nd_normalize(&norm, &words, rec.text + s->start,
                             s->end - s->start) ||
                nd_shingle(&sh, norm.data ? norm.data : "", norm.len,
                           ep->ngram, ep->seed))
                ev_die("out of memory");
            size_t n = nd_u64_sort_unique(sh.v, sh.n);
            c->p_group[p] = n ? ev_group_of(c, sh.v, n) : EV_NONE;
        }
    }
    if (rc < 0) {
        fprintf(stderr, "nd_eval: %s\n", nd_reader_errmsg(r));
        exit(1);
    }
    if (nwarn)
        fprintf(stderr, "nd_eval: %llu records skipped with a warning\n",
                (unsigned long long)nwarn);
    nd_reader_free(r);
    nd_spanvec_free(&spans);
    nd_buf_free(&norm);
    nd_u64vec_free(&sh);
    free(in);
    free(c->gtab);
    c->gtab = NULL;
    free(c->g_hash);
    c->g_hash = NULL;
}

/* Article ids by hash, so clusters and truth can name articles. */
static void ev_index_ids(ev_corpus *c)
{
    size_t size = 1024;
    while (size < c->narts * 2 + 2)
        size *= 2;
    c->atab = ev_xmalloc(size * sizeof *c->atab);
    c->atab_size = size;
    for (size_t i = 0; i < size; i++)
        c->atab[i] = EV_NONE;
    for (size_t a = 0; a < c->narts; a++) {
        const char *id = ev_art_id(c, a);
        size_t i = ev_hash_bytes(id, strlen(id)) & (size - 1);
        int dup = 0;
        for (; c->atab[i] != EV_NONE; i = (i + 1) & (size - 1))
            if (!strcmp(ev_art_id(c, c->atab[i]), id)) {
                dup = 1;
                break;
            }
        if (dup)
            c->dup_ids++; /* the first article keeps the id */
        else
            c->atab[i] = (uint32_t)a;
    }
}

static uint32_t ev_find_art(const ev_corpus *c, const char *id)
{
    size_t size = c->atab_size;
    size_t i = ev_hash_bytes(id, strlen(id)) & (size - 1);
    for (; c->atab[i] != EV_NONE; i = (i + 1) & (size - 1))
        if (!strcmp(ev_art_id(c, c->atab[i]), id))
            return c->atab[i];
    return EV_NONE;
}

/* Paragraph para of article id, or EV_NONE. */
static uint32_t ev_find_para(const ev_corpus *c, const char *id,
                             int64_t para)
{
    uint32_t a = ev_find_art(c, id);
    if (a == EV_NONE || para < 0 || para >= (int64_t)c->art_npara[a])
        return EV_NONE;
    return c->art_first[a] + (uint32_t)para;
}

/*
 * Renumbers shingles by ascending frequency over the groups (ties by hash)
 * and replaces gset by gid, each set sorted by its new numbers.
 */
static void ev_rank(ev_corpus *c)
{
    size_t total = c->gset.n;
    uint64_t *u = ev_xmalloc(total * sizeof *u);
    uint64_t *tmp = ev_xmalloc(total * sizeof *tmp);
    memcpy(u, c->gset.v, total * sizeof *u);
    ev_radix_u64(u, tmp, total);
    free(tmp);
    size_t d = 0;
    uint32_t *freq = ev_xmalloc((total ? total : 1) * sizeof *freq);
    for (size_t i = 0; i < total; i++) {
        if (d && u[d - 1] == u[i]) {
            freq[d - 1]++;
        } else {
            u[d] = u[i];
            freq[d++] = 1;
        }
    }
    c->nshingles = d;
    /* Counting sort by frequency; ties keep hash order. */
    uint32_t maxf = 0;
    for (size_t k = 0; k < d; k++)
        if (freq[k] > maxf)
            maxf = freq[k];
    size_t *start = ev_xcalloc((size_t)maxf + 2, sizeof *start);
    for (size_t k = 0; k < d; k++)
        start[freq[k] + 1]++;
    for (size_t f = 1; f <= (size_t)maxf + 1; f++)
        start[f] += start[f - 1];
    uint32_t *rank = freq; /* overwritten in place: freq[k] read first */
    for (size_t k = 0; k < d; k++)
        rank[k] = (uint32_t)start[freq[k]]++;
    free(start);

    c->gid = ev_xmalloc((total ? total : 1) * sizeof *c->gid);
    for (size_t i = 0; i < total; i++) {
        uint64_t h = c->gset.v[i];
        size_t lo = 0, hi = d;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (u[mid] < h)
                lo = mid + 1;
            else
                hi = mid;
        }
        c->gid[i] = rank[lo];
    }
    for (size_t g = 0; g < c->ngroups; g++)
        ev_sort_u32(c->gid + c->g_off[g], c->g_off[g + 1] - c->g_off[g]);
    free(u);
    free(rank);
    nd_u64vec_free(&c->gset);
}

/* ------------------------------------------------------------------ */
/* Exact ground truth.                                                 */

typedef struct ev_pair {
    uint32_t a, b; /* groups, a < b */
} ev_pair;

typedef struct ev_truth {
    ev_pair *pairs;        /* true group pairs */
    size_t npairs, cap;
    uint64_t para_pairs;   /* true paragraph pairs */
    uint64_t same_pairs;   /* of those, between identical sets */
    uint64_t candidates;   /* group pairs verified */
    uint64_t skipped_lists;   /* posting lists not read (max_postings) */
    uint64_t skipped_entries; /* entries in them: pairs possibly missed */
    double seconds;        /* time spent */
} ev_truth;

/* Exact similarity of groups g (as A) and h (as B), on their rank sets. */
static void ev_sim(nd_sim *out, const ev_corpus *c, uint32_t g, uint32_t h)
{
    nd_verify(out, c->gid + c->g_off[g], c->g_off[g + 1] - c->g_off[g],
              c->gid + c->g_off[h], c->g_off[h + 1] - c->g_off[h]);
}

static size_t ev_gsize(const ev_corpus *c, uint32_t g)
{
    return c->g_off[g + 1] - c->g_off[g];
}

/* Prefix length of a set of n shingles: see the file comment. floor()
 * instead of ceil() and the small epsilon only ever lengthen it. */
static size_t ev_prefix(size_t n, const nd_thresholds *t)
{
    double m = t->jaccard;
    if (n >= t->min_contain && t->containment < m)
        m = t->containment;
    double need = floor(m * (double)n - 1e-9);
    if (need < 0)
        need = 0;
    size_t p = n - (size_t)need + 1;
    return p > n ? n : p;
}

static void ev_ground_truth(ev_truth *tr, const ev_corpus *c,
                            const ev_params *ep)
{
    double t0 = ev_now();
    size_t G = c->ngroups, D = c->nshingles, total = c->g_off[G];
    memset(tr, 0, sizeof *tr);

    for (size_t g = 0; g < G; g++) {
        uint64_t m = c->g_count[g];
        tr->same_pairs += m * (m - 1) / 2;
    }
    /* Inverted index over full sets: postings of shingle k, groups in
     * increasing order. */
    size_t *post_off = ev_xcalloc(D + 1, sizeof *post_off);
    for (size_t i = 0; i < total; i++)
        post_off[c->gid[i] + 1]++;
    for (size_t k = 0; k < D; k++)
        post_off[k + 1] += post_off[k];
    uint32_t *post = ev_xmalloc((total ? total : 1) * sizeof *post);
    size_t *fill = ev_xmalloc((D + 1) * sizeof *fill);
    memcpy(fill, post_off, (D + 1) * sizeof *fill);
    for (size_t g = 0; g < G; g++)
        for (size_t i = c->g_off[g]; i < c->g_off[g + 1]; i++)
            post[fill[c->gid[i]]++] = (uint32_t)g;
    free(fill);

    uint32_t *stamp = ev_xmalloc((G ? G : 1) * sizeof *stamp);
    for (size_t g = 0; g < G; g++)
        stamp[g] = EV_NONE;
    for (size_t x = 0; x < G; x++) {
        const uint32_t *xs = c->gid + c->g_off[x];
        size_t nx = ev_gsize(c, (uint32_t)x);
        size_t px = ev_prefix(nx, &ep->t);
        for (size_t i = 0; i < px; i++) {
            size_t lo = post_off[xs[i]], hi = post_off[xs[i] + 1];
            if (ep->max_postings && hi - lo > ep->max_postings) {
                tr->skipped_lists++;
                tr->skipped_entries += hi - lo - 1;
                continue;
            }
            for (size_t j = lo; j < hi; j++) {
                uint32_t y = post[j];
                if (y == x || stamp[y] == x)
                    continue;
                stamp[y] = (uint32_t)x;
                const uint32_t *ys = c->gid + c->g_off[y];
                size_t ny = ev_gsize(c, y);
                if (y < x) {
                    /* y's probe found x iff they share one of y's first
                     * py shingles, i.e. their smallest common shingle is
                     * at most ys[py-1]. Then the pair is counted. */
                    uint32_t lim = ys[ev_prefix(ny, &ep->t) - 1];
                    size_t a = 0, b = 0;
                    int found = 0;
                    while (a < nx && b < ny && xs[a] <= lim && ys[b] <= lim) {
                        if (xs[a] < ys[b])
                            a++;
                        else if (xs[a] > ys[b])
                            b++;
                        else {
                            found = 1;
                            break;
                        }
                    }
                    if (found)
                        continue;
                }
                nd_sim s;
                tr->candidates++;
                ev_sim(&s, c, (uint32_t)x, y);
                if (!nd_verify_is_dup(&s, nx, ny, &ep->t))
                    continue;
                ev_grow(&tr->pairs, &tr->cap, tr->npairs + 1,
                        sizeof *tr->pairs);
                ev_pair *pp = &tr->pairs[tr->npairs++];
                pp->a = (uint32_t)(x < y ? x : y);
                pp->b = (uint32_t)(x < y ? y : x);
                tr->para_pairs += (uint64_t)c->g_count[x] * c->g_count[y];
            }
        }
    }
    tr->para_pairs += tr->same_pairs;
    free(stamp);
    free(post);
    free(post_off);
    tr->seconds = ev_now() - t0;
}

static int ev_cmp_pair(const void *a, const void *b)
{
    const ev_pair *x = a, *y = b;
    if (x->a != y->a)
        return (x->a > y->a) - (x->a < y->a);
    return (x->b > y->b) - (x->b < y->b);
}

/*
 * Compares every pair of groups, for testing ev_ground_truth on small
 * corpora: returns the number of pairs the two disagree on.
 */
static uint64_t ev_brute_check(const ev_corpus *c, const ev_truth *tr,
                               const ev_params *ep)
{
    size_t G = c->ngroups, n = tr->npairs, k = 0;
    ev_pair *sorted = ev_xmalloc((n ? n : 1) * sizeof *sorted);
    memcpy(sorted, tr->pairs, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, ev_cmp_pair);
    uint64_t bad = 0, found = 0;
    for (size_t x = 0; x < G; x++)
        for (size_t y = x + 1; y < G; y++) {
            nd_sim s;
            ev_sim(&s, c, (uint32_t)x, (uint32_t)y);
            if (!nd_verify_is_dup(&s, ev_gsize(c, (uint32_t)x),
                                  ev_gsize(c, (uint32_t)y), &ep->t))
                continue;
            found++;
            while (k < n && (sorted[k].a < x ||
                             (sorted[k].a == x && sorted[k].b < y)))
                k++, bad++; /* a reported pair brute force rejects */
            if (k < n && sorted[k].a == x && sorted[k].b == y)
                k++;
            else
                bad++; /* a pair the index missed */
        }
    bad += n - k;
    fprintf(stderr, "nd_eval: brute force: %llu true group pairs, index "
                    "found %zu, %llu disagreements\n",
            (unsigned long long)found, n, (unsigned long long)bad);
    free(sorted);
    return bad;
}

/* ------------------------------------------------------------------ */
/* Scoring a clusters.jsonl.                                           */

typedef struct ev_score {
    int have;                  /* a clusters file was read */
    uint64_t clusters;         /* clusters read */
    uint64_t members;          /* members (not canonicals) */
    uint64_t members_ok;       /* members a duplicate of their canonical */
    uint64_t members_covered;  /* members whose text the canonical holds */
    uint64_t bytes_members;    /* bytes of members */
    uint64_t bytes_unkept;     /* bytes of members not covered */
    uint64_t unresolved;       /* (doc, para) not found in the corpus */
    uint64_t span_mismatch;    /* start/end differ from the segmenter's */
    uint64_t multi;            /* paragraphs named in two clusters */
    uint64_t bad_lines;        /* lines that are not a cluster object */
    uint64_t pairs_hit;        /* true pairs within one cluster */
    uint64_t pairs_clustered;  /* paragraph pairs within one cluster */
    uint64_t parts;            /* part members (glued boilerplate cut
                                  from a kept paragraph), also in members */
    uint64_t parts_ok;         /* of those, within thresholds of their
                                  canonical */
    uint64_t part_bytes;       /* their bytes */
    uint64_t pairs_left;       /* true pairs whose paragraphs are both kept
                                  in the cleaned corpus (neither a member,
                                  and neither's copy of the other cut as a
                                  glued part) */
    double drec_sum;           /* distinct-text recall: sum of shares */
    uint64_t drec_n;           /* and the number of terms */
    /* With --diagnose. */
    int have_bound;            /* the diagnosis ran */
    double bound_pairs;        /* no clustering whose members are held by
                                  their canonical puts more true pairs
                                  together */
    double bound_terms;        /* the same for distinct-text recall */
    uint64_t missed_multi;     /* missed pairs whose held side is held by
                                  two texts that are no true pair */
    uint64_t missed_never;     /* missed pairs never verified, in
                                  different components */
    /* Article level, with a truth file. */
    int have_truth;            /* a truth file was read */
    const char *article_rule;  /* how an article counts as flagged */
    uint64_t tp, fp, fn, tn;   /* flagged vs planted syndicated copies */
    uint64_t fp_kind[4];       /* false positives by planted kind */
    uint64_t truth_missing;    /* truth articles not in the corpus */
    uint64_t planted, planted_dup, planted_hit; /* planted paragraph
                                  derivations, those within thresholds,
                                  those of them sharing a cluster */
} ev_score;

static const char *const ev_kinds[] = {"original", "syndicated", "update",
                                       "template"};

static int ev_get_int(json_object *o, const char *key, int64_t *out)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) ||
        !(json_object_is_type(v, json_type_int)))
        return -1;
    *out = json_object_get_int64(v);
    return 0;
}

static const char *ev_get_str(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* Resolves one {"doc","para","start","end"} object to a paragraph. */
static uint32_t ev_resolve(const ev_corpus *c, ev_score *sc, json_object *o)
{
    int64_t para, start, end;
    const char *doc = ev_get_str(o, "doc");
    if (!doc || ev_get_int(o, "para", &para)) {
        sc->unresolved++;
        return EV_NONE;
    }
    uint32_t p = ev_find_para(c, doc, para);
    if (p == EV_NONE) {
        sc->unresolved++;
        return EV_NONE;
    }
    if (!ev_get_int(o, "start", &start) && !ev_get_int(o, "end", &end) &&
        ((uint64_t)start != c->p_start[p] || (uint64_t)end != c->p_end[p]))
        sc->span_mismatch++;
    return p;
}

/* A part member: bytes [start, end) of paragraph para, cut as glued
 * boilerplate held by the canonical canon of cluster cid. */
typedef struct ev_part {
    uint32_t para, canon, cid;
    uint64_t start, end;
} ev_part;

typedef struct ev_parts {
    ev_part *v;
    size_t n, cap;
    uint32_t *slot;  /* per paragraph: 2 cluster ids of its parts */
} ev_parts;

/* The sorted 32-bit shingle set of text[0..len), as the scan folds it. */
static size_t ev_set32(nd_u64vec *sh, nd_buf *norm, nd_u32vec *out,
                       const char *text, size_t len, const ev_params *ep)
{
    size_t words, i;
    if (nd_normalize(norm, &words, text, len) ||
        nd_shingle(sh, norm->data ? norm->data : "", norm->len, ep->ngram,
                   ep->seed))
        ev_die("out of memory");
    out->n = 0;
    if (nd_u32vec_reserve(out, sh->n + 1))
        ev_die("out of memory");
    for (i = 0; i < sh->n; i++)
        out->v[i] = nd_fold32(sh->v[i]);
    out->n = nd_u32_sort_unique(out->v, sh->n);
    return out->n;
}

/*
 * Checks every part member against its canonical: reads the corpus again,
 * takes the shingles of the part's bytes and of the canonical paragraph,
 * and applies the rule members are held to. A part that is out of its
 * paragraph or not held counts its bytes as unkept.
 */
static void ev_check_parts(ev_score *sc, const ev_corpus *c,
                           const ev_params *ep, ev_parts *pt, char **paths,
                           size_t npaths)
{
    if (!pt->n)
        return;
    /* Where each paragraph's needed set goes: canonicals get one slot,
     * parts one each. */
    uint32_t *canon_slot = ev_xmalloc((c->npara ? c->npara : 1) *
                                      sizeof *canon_slot);
    for (size_t p = 0; p < c->npara; p++)
        canon_slot[p] = EV_NONE;
    size_t nslots = pt->n;
    for (size_t k = 0; k < pt->n; k++)
        if (canon_slot[pt->v[k].canon] == EV_NONE)
            canon_slot[pt->v[k].canon] = (uint32_t)nslots++;
    /* Parts by paragraph, to meet them in reading order. */
    uint32_t *by_para = ev_xmalloc(pt->n * sizeof *by_para);
    size_t *first = ev_xcalloc(c->npara + 1, sizeof *first);
    for (size_t k = 0; k < pt->n; k++)
        first[pt->v[k].para + 1]++;
    for (size_t p = 0; p < c->npara; p++)
        first[p + 1] += first[p];
    size_t *fill = ev_xmalloc((c->npara + 1) * sizeof *fill);
    memcpy(fill, first, (c->npara + 1) * sizeof *fill);
    for (size_t k = 0; k < pt->n; k++)
        by_para[fill[pt->v[k].para]++] = (uint32_t)k;
    free(fill);
    nd_u32vec *sets = ev_xcalloc(nslots, sizeof *sets);

    nd_input *in = ev_xmalloc(npaths * sizeof *in);
    for (size_t i = 0; i < npaths; i++) {
        in[i].path = paths[i];
        in[i].name = paths[i];
    }
    nd_read_opts ro = {.id_field = ep->id_field,
                       .text_field = ep->text_field};
    nd_reader *r = NULL;
    if (nd_reader_open(&r, in, npaths, &ro)) {
        fprintf(stderr, "nd_eval: %s\n", r ? nd_reader_errmsg(r) : "open");
        exit(1);
    }
    nd_record rec;
    nd_buf norm = {0};
    nd_u64vec sh = {0};
    size_t a = 0;
    int rc;
    while ((rc = nd_reader_next(r, &rec)) == 1 && a < c->narts) {
        for (uint32_t p = c->art_first[a];
             p < c->art_first[a] + c->art_npara[a]; p++) {
            if (canon_slot[p] != EV_NONE)
                ev_set32(&sh, &norm, &sets[canon_slot[p]],
                         rec.text + c->p_start[p], c->p_end[p] - c->p_start[p],
                         ep);
            for (size_t j = first[p]; j < first[p + 1]; j++) {
                const ev_part *q = &pt->v[by_para[j]];
                if (q->start < c->p_start[p] || q->end > c->p_end[p] ||
                    q->start >= q->end || q->end > rec.text_len) {
                    sc->span_mismatch++;
                    continue;
                }
                ev_set32(&sh, &norm, &sets[by_para[j]], rec.text + q->start,
                         q->end - q->start, ep);
            }
        }
        a++;
    }
    if (rc < 0) {
        fprintf(stderr, "nd_eval: %s\n", nd_reader_errmsg(r));
        exit(1);
    }
    for (size_t k = 0; k < pt->n; k++) {
        const ev_part *q = &pt->v[k];
        const nd_u32vec *f = &sets[canon_slot[q->canon]], *g = &sets[k];
        nd_sim s;
        int ok = 0, covered = 0;
        if (g->n && f->n) {
            nd_verify(&s, f->v, f->n, g->v, g->n); /* A canonical, B part */
            ok = nd_verify_is_dup(&s, f->n, g->n, &ep->t);
            covered = nd_verify_covers(&s, g->n, &ep->t);
        }
        sc->members_ok += ok;
        sc->parts_ok += ok;
        sc->members_covered += covered;
        if (!covered)
            sc->bytes_unkept += q->end - q->start;
    }
    for (size_t k = 0; k < nslots; k++)
        nd_u32vec_free(&sets[k]);
    free(sets);
    nd_reader_free(r);
    nd_buf_free(&norm);
    nd_u64vec_free(&sh);
    free(in);
    free(canon_slot);
    free(by_para);
    free(first);
}

static void ev_read_clusters(ev_score *sc, const ev_corpus *c,
                             const ev_params *ep, const char *path,
                             uint32_t *p_cluster, uint8_t *p_member,
                             ev_parts *pt)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "nd_eval: cannot open %s: %s\n", path,
                strerror(errno));
        exit(1);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    uint32_t next_id = 0;
    sc->have = 1;
    while ((len = getline(&line, &cap, f)) > 0) {
        if (len == 1 && line[0] == '\n')
            continue;
        json_object *o = json_tokener_parse(line);
        json_object *canon, *members;
        if (!o || !json_object_object_get_ex(o, "canonical", &canon) ||
            !json_object_object_get_ex(o, "members", &members) ||
            !json_object_is_type(members, json_type_array)) {
            sc->bad_lines++;
            json_object_put(o);
            continue;
        }
        uint32_t cid = next_id++;
        sc->clusters++;
        uint32_t cp = ev_resolve(c, sc, canon);
        uint64_t in_cluster = 0;
        if (cp != EV_NONE) {
            if (p_cluster[cp] != EV_NONE)
                sc->multi++;
            p_cluster[cp] = cid;
            in_cluster++;
        }
        size_t nm = json_object_array_length(members);
        uint64_t n_parts = 0;
        for (size_t i = 0; i < nm; i++) {
            json_object *m = json_object_array_get_idx(members, i), *flag;
            if (json_object_object_get_ex(m, "part", &flag) &&
                json_object_get_boolean(flag)) {
                /* Glued boilerplate cut from paragraph para: its span is
                 * the part's, checked in ev_check_parts. */
                const char *doc = ev_get_str(m, "doc");
                int64_t para, start, end;
                uint32_t gp = EV_NONE;
                sc->members++;
                sc->parts++;
                if (doc && !ev_get_int(m, "para", &para) &&
                    !ev_get_int(m, "start", &start) &&
                    !ev_get_int(m, "end", &end))
                    gp = ev_find_para(c, doc, para);
                if (gp == EV_NONE || cp == EV_NONE || start < 0 ||
                    end < start) {
                    sc->unresolved++;
                    continue;
                }
                sc->bytes_members += (uint64_t)(end - start);
                sc->part_bytes += (uint64_t)(end - start);
                if (pt->slot[2 * gp] == EV_NONE)
                    pt->slot[2 * gp] = cid;
                else if (pt->slot[2 * gp + 1] == EV_NONE)
                    pt->slot[2 * gp + 1] = cid;
                else
                    sc->multi++;
                ev_grow(&pt->v, &pt->cap, pt->n + 1, sizeof *pt->v);
                pt->v[pt->n].para = gp;
                pt->v[pt->n].canon = cp;
                pt->v[pt->n].cid = cid;
                pt->v[pt->n].start = (uint64_t)start;
                pt->v[pt->n].end = (uint64_t)end;
                pt->n++;
                n_parts++;
                continue;
            }
            uint32_t mp = ev_resolve(c, sc, m);
            sc->members++;
            if (mp == EV_NONE)
                continue;
            uint64_t bytes = c->p_end[mp] - c->p_start[mp];
            sc->bytes_members += bytes;
            if (p_cluster[mp] != EV_NONE)
                sc->multi++;
            p_cluster[mp] = cid;
            p_member[mp] = 1;
            in_cluster++;
            int ok = 0, covered = 0;
            if (cp != EV_NONE) {
                uint32_t gc = c->p_group[cp], gm = c->p_group[mp];
                if (gc != EV_NONE && gm != EV_NONE && gc == gm) {
                    ok = covered = 1;
                } else if (gc != EV_NONE && gm != EV_NONE) {
                    nd_sim s;
                    ev_sim(&s, c, gc, gm); /* A canonical, B member */
                    ok = nd_verify_is_dup(&s, ev_gsize(c, gc),
                                          ev_gsize(c, gm), &ep->t);
                    covered = nd_verify_covers(&s, ev_gsize(c, gm), &ep->t);
                }
            }
            sc->members_ok += ok;
            sc->members_covered += covered;
            if (!covered)
                sc->bytes_unkept += bytes;
        }
        /* A part pairs with the paragraphs of the cluster, not with the
         * other parts (two paragraphs with the same footer glued are no
         * pair for that). */
        sc->pairs_clustered += in_cluster * (in_cluster - 1) / 2 +
                               in_cluster * n_parts;
        json_object_put(o);
    }
    free(line);
    fclose(f);
}

/* Counts paragraph pairs (p in group g, q in group h) sharing a cluster,
 * given each group's members' clusters sorted (EV_NONE last). */
static uint64_t ev_shared(const uint32_t *a, size_t na, const uint32_t *b,
                          size_t nb)
{
    uint64_t hit = 0;
    size_t i = 0, j = 0;
    while (i < na && j < nb && a[i] != EV_NONE && b[j] != EV_NONE) {
        if (a[i] < b[j]) {
            i++;
        } else if (a[i] > b[j]) {
            j++;
        } else {
            uint32_t v = a[i];
            uint64_t ca = 0, cb = 0;
            while (i < na && a[i] == v)
                i++, ca++;
            while (j < nb && b[j] == v)
                j++, cb++;
            hit += ca * cb;
        }
    }
    return hit;
}

/* Prints a missed pair of groups: one paragraph of each, their exact
 * similarity, and the clusters they are in (for --missed). */
static void ev_print_missed(const ev_corpus *c, uint32_t g, uint32_t h,
                            const uint32_t *p_cluster)
{
    size_t p, pg = EV_NONE, ph = EV_NONE;
    nd_sim s;

    for (p = 0; p < c->npara && (pg == EV_NONE || ph == EV_NONE); p++) {
        if (c->p_group[p] == g && pg == EV_NONE)
            pg = p;
        if (c->p_group[p] == h && ph == EV_NONE)
            ph = p;
    }
    ev_sim(&s, c, g, h);
    fprintf(stderr,
            "missed: %s#%zu (%zu sh, cluster %d) ~ %s#%zu (%zu sh, cluster "
            "%d): jaccard %.3f, a_in_b %.3f, b_in_a %.3f\n",
            ev_art_id(c, c->p_art[pg]), pg - c->art_first[c->p_art[pg]],
            ev_gsize(c, g),
            p_cluster[pg] == EV_NONE ? -1 : (int)p_cluster[pg],
            ev_art_id(c, c->p_art[ph]), ph - c->art_first[c->p_art[ph]],
            ev_gsize(c, h),
            p_cluster[ph] == EV_NONE ? -1 : (int)p_cluster[ph], s.jaccard,
            s.a_in_b, s.b_in_a);
}

static size_t ev_missed_max; /* --missed N */

static void ev_recall(ev_score *sc, const ev_corpus *c, const ev_truth *tr,
                      const uint32_t *p_cluster, const uint8_t *p_member,
                      const uint32_t *p_part)
{
    size_t missed = 0;
    /* kept[g]: paragraphs of group g left in the cleaned corpus. */
    uint64_t *kept = ev_xcalloc(c->ngroups + 1, sizeof *kept);

    for (size_t p = 0; p < c->npara; p++)
        if (c->p_group[p] != EV_NONE && !p_member[p])
            kept[c->p_group[p]]++;

    size_t G = c->ngroups;
    size_t *off = ev_xcalloc(G + 1, sizeof *off);
    for (size_t g = 0; g < G; g++)
        off[g + 1] = off[g] + c->g_count[g];
    uint32_t *cl = ev_xmalloc((off[G] ? off[G] : 1) * sizeof *cl);
    size_t *fill = ev_xmalloc((G + 1) * sizeof *fill);
    memcpy(fill, off, (G + 1) * sizeof *fill);
    for (size_t p = 0; p < c->npara; p++)
        if (c->p_group[p] != EV_NONE)
            cl[fill[c->p_group[p]]++] = p_cluster[p];
    free(fill);
    /* The clusters where a group's paragraphs have glued parts: a part
     * puts its paragraph in its cluster for the pairs with the paragraphs
     * there (not with other parts). Two slots per paragraph. */
    uint32_t *pcl = ev_xmalloc((off[G] ? 2 * off[G] : 1) * sizeof *pcl);
    fill = ev_xmalloc((G + 1) * sizeof *fill);
    for (size_t g = 0; g <= G; g++)
        fill[g] = 2 * off[g];
    for (size_t p = 0; p < c->npara; p++)
        if (c->p_group[p] != EV_NONE) {
            pcl[fill[c->p_group[p]]++] = p_part[2 * p];
            pcl[fill[c->p_group[p]]++] = p_part[2 * p + 1];
        }
    free(fill);
    for (size_t g = 0; g < G; g++)
        ev_sort_u32(pcl + 2 * off[g], 2 * (off[g + 1] - off[g]));
    /* The clusters of the kept paragraphs only: a kept paragraph whose
     * text another kept one held glued has lost that copy, so the pair is
     * resolved although both are in clean/. */
    uint32_t *kcl = ev_xmalloc((off[G] ? off[G] : 1) * sizeof *kcl);
    fill = ev_xmalloc((G + 1) * sizeof *fill);
    memcpy(fill, off, (G + 1) * sizeof *fill);
    for (size_t p = 0; p < c->npara; p++)
        if (c->p_group[p] != EV_NONE)
            kcl[fill[c->p_group[p]]++] = p_member[p] ? EV_NONE : p_cluster[p];
    free(fill);
    for (size_t g = 0; g < G; g++)
        ev_sort_u32(kcl + off[g], off[g + 1] - off[g]);
    for (size_t g = 0; g < G; g++) {
        uint32_t *a = cl + off[g];
        size_t n = off[g + 1] - off[g];
        uint64_t hit = 0;
        ev_sort_u32(a, n);
        for (size_t i = 0; i < n && a[i] != EV_NONE;) {
            size_t j = i;
            while (j < n && a[j] == a[i])
                j++;
            hit += (uint64_t)(j - i) * (j - i - 1) / 2;
            i = j;
        }
        hit += ev_shared(pcl + 2 * off[g], 2 * n, a, n);
        sc->pairs_hit += hit;
        sc->pairs_left += kept[g] * (kept[g] ? kept[g] - 1 : 0) / 2 -
                          ev_shared(pcl + 2 * off[g], 2 * n, kcl + off[g], n);
        if (n >= 2) {
            sc->drec_sum += (double)hit / ((double)n * (double)(n - 1) / 2);
            sc->drec_n++;
        }
    }
    for (size_t k = 0; k < tr->npairs; k++) {
        uint32_t g = tr->pairs[k].a, h = tr->pairs[k].b;
        size_t ng = off[g + 1] - off[g], nh = off[h + 1] - off[h];
        uint64_t hit = ev_shared(cl + off[g], ng, cl + off[h], nh) +
                       ev_shared(pcl + 2 * off[g], 2 * ng, cl + off[h], nh) +
                       ev_shared(cl + off[g], ng, pcl + 2 * off[h], 2 * nh);
        sc->pairs_hit += hit;
        uint64_t cut = ev_shared(pcl + 2 * off[g], 2 * ng, kcl + off[h], nh) +
                       ev_shared(kcl + off[g], ng, pcl + 2 * off[h], 2 * nh);
        sc->pairs_left += kept[g] * kept[h] - cut;
        if (kept[g] * kept[h] > cut && missed < ev_missed_max) {
            ev_print_missed(c, g, h, p_cluster);
            missed++;
        }
        sc->drec_sum += (double)hit / ((double)c->g_count[g] * c->g_count[h]);
        sc->drec_n++;
    }
    free(cl);
    free(pcl);
    free(kcl);
    free(off);
    free(kept);
}

/* Article-level scores against the planted truth. */
/* Reads the syndicated flags of a scan's articles.jsonl (one byte per
 * article, 1 = flagged); NULL when no file is given. */
static uint8_t *ev_read_articles(const ev_corpus *c, const char *path)
{
    uint8_t *flag;
    char *line = NULL;
    size_t cap = 0;
    FILE *f;

    if (!path)
        return NULL;
    f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "nd_eval: cannot open %s: %s\n", path,
                strerror(errno));
        exit(1);
    }
    flag = ev_xcalloc(c->narts ? c->narts : 1, 1);
    while (getline(&line, &cap, f) > 0) {
        json_object *o = json_tokener_parse(line), *syn;
        const char *id = o ? ev_get_str(o, "doc") : NULL;
        uint32_t a = id ? ev_find_art(c, id) : EV_NONE;

        if (a != EV_NONE && json_object_object_get_ex(o, "syndicated", &syn))
            flag[a] = (uint8_t)json_object_get_boolean(syn);
        json_object_put(o);
    }
    free(line);
    fclose(f);
    return flag;
}

static void ev_read_truth(ev_score *sc, const ev_corpus *c,
                          const ev_params *ep, const char *path,
                          const uint32_t *p_cluster, const uint8_t *p_member,
                          const uint8_t *syndicated)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "nd_eval: cannot open %s: %s\n", path,
                strerror(errno));
        exit(1);
    }
    uint64_t *member_bytes = ev_xcalloc(c->narts, sizeof *member_bytes);
    for (size_t p = 0; p < c->npara; p++)
        if (p_member && p_member[p])
            member_bytes[c->p_art[p]] += c->p_end[p] - c->p_start[p];
    char *line = NULL;
    size_t cap = 0;
    sc->have_truth = 1;
    while (getline(&line, &cap, f) > 0) {
        json_object *o = json_tokener_parse(line);
        const char *id = o ? ev_get_str(o, "id") : NULL;
        if (!id) {
            json_object_put(o);
            continue;
        }
        uint32_t a = ev_find_art(c, id);
        if (a == EV_NONE) {
            sc->truth_missing++;
            json_object_put(o);
            continue;
        }
        int planted = ev_get_str(o, "origin") != NULL;
        int flagged = syndicated ? syndicated[a]
                                 : c->art_bytes[a] > 0 &&
                                       2 * member_bytes[a] >= c->art_bytes[a];
        const char *kind = ev_get_str(o, "kind");
        if (planted && flagged)
            sc->tp++;
        else if (planted)
            sc->fn++;
        else if (flagged) {
            sc->fp++;
            for (int k = 0; k < 4; k++)
                if (kind && !strcmp(kind, ev_kinds[k]))
                    sc->fp_kind[k]++;
        } else
            sc->tn++;

        /* Planted paragraph derivations with one origin paragraph. */
        json_object *paras, *from;
        if (json_object_object_get_ex(o, "paras", &paras) &&
            json_object_is_type(paras, json_type_array)) {
            size_t n = json_object_array_length(paras);
            for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(paras, i);
                int64_t para, opara;
                if (ev_get_int(e, "para", &para) ||
                    !json_object_object_get_ex(e, "from", &from) ||
                    json_object_array_length(from) != 1)
                    continue;
                json_object *fo = json_object_array_get_idx(from, 0);
                json_object *od = json_object_array_get_idx(fo, 0);
                json_object *op = json_object_array_get_idx(fo, 1);
                if (!od || !op || !json_object_is_type(op, json_type_int))
                    continue;
                opara = json_object_get_int64(op);
                uint32_t p = ev_find_para(c, id, para);
                uint32_t q = ev_find_para(c, json_object_get_string(od),
                                          opara);
                if (p == EV_NONE || q == EV_NONE)
                    continue;
                sc->planted++;
                uint32_t gp = c->p_group[p], gq = c->p_group[q];
                int dup = 0;
                if (gp != EV_NONE && gq != EV_NONE) {
                    if (gp == gq) {
                        dup = 1;
                    } else {
                        nd_sim s;
                        ev_sim(&s, c, gp, gq);
                        dup = nd_verify_is_dup(&s, ev_gsize(c, gp),
                                               ev_gsize(c, gq), &ep->t);
                    }
                }
                sc->planted_dup += dup;
                if (dup && p_cluster && p_cluster[p] != EV_NONE &&
                    p_cluster[p] == p_cluster[q])
                    sc->planted_hit++;
            }
        }
        json_object_put(o);
    }
    free(line);
    free(member_bytes);
    fclose(f);
}

/* ------------------------------------------------------------------ */
/* Report.                                                             */

static double ev_ratio(uint64_t a, uint64_t b)
{
    return b ? (double)a / (double)b : NAN;
}

static void ev_print(FILE *f, const ev_corpus *c, const ev_truth *tr,
                     const ev_score *sc, const ev_params *ep,
                     double read_s, double total_s)
{
    fprintf(f, "nd_eval: threshold %.3g, containment %.3g (min %zu "
               "shingles), ngram %u\n", ep->t.jaccard, ep->t.containment,
            ep->t.min_contain, ep->ngram);
    fprintf(f, "  corpus              %zu articles, %zu paragraphs, %.1f MB"
               " of text (read+shingle %.1f s)\n", c->narts, c->npara,
            c->text_bytes / 1e6, read_s);
    if (c->dup_ids)
        fprintf(f, "  WARNING             %zu articles repeat an earlier "
                   "id; names resolve to the first\n", c->dup_ids);
    fprintf(f, "  exact truth         %llu true paragraph pairs (%llu "
               "between identical sets), %zu distinct sets, %zu shingles,"
               " %llu candidates verified, %.1f s\n",
            (unsigned long long)tr->para_pairs,
            (unsigned long long)tr->same_pairs, c->ngroups, c->nshingles,
            (unsigned long long)tr->candidates, tr->seconds);
    if (ep->max_postings)
        fprintf(f, "  skipped             %llu posting lists over %zu "
                   "entries: up to %llu group pairs may be missing\n",
                (unsigned long long)tr->skipped_lists, ep->max_postings,
                (unsigned long long)tr->skipped_entries);
    if (sc->have) {
        fprintf(f, "  clusters            %llu clusters, %llu members, %.1f"
                   " MB in members\n", (unsigned long long)sc->clusters,
                (unsigned long long)sc->members, sc->bytes_members / 1e6);
        if (sc->unresolved || sc->span_mismatch || sc->multi ||
            sc->bad_lines)
            fprintf(f, "  PROBLEMS            %llu unresolved (doc,para), "
                       "%llu span mismatches, %llu paragraphs in two "
                       "clusters, %llu bad lines\n",
                    (unsigned long long)sc->unresolved,
                    (unsigned long long)sc->span_mismatch,
                    (unsigned long long)sc->multi,
                    (unsigned long long)sc->bad_lines);
        fprintf(f, "\n  %-22s %9s   %s\n", "measure", "value", "counts");
        fprintf(f, "  %-22s %9.4f   %llu / %llu true pairs share a cluster\n",
                "pair recall", ev_ratio(sc->pairs_hit, tr->para_pairs),
                (unsigned long long)sc->pairs_hit,
                (unsigned long long)tr->para_pairs);
        fprintf(f, "  %-22s %9.4f   %llu / %llu true pairs resolved: not "
                   "both left in the cleaned corpus\n", "resolved recall",
                1.0 - ev_ratio(sc->pairs_left, tr->para_pairs),
                (unsigned long long)(tr->para_pairs - sc->pairs_left),
                (unsigned long long)tr->para_pairs);
        fprintf(f, "  %-22s %9.4f   the same with each pair of distinct "
                   "texts weighing 1 (%llu terms)\n", "distinct-text recall",
                sc->drec_n ? sc->drec_sum / (double)sc->drec_n : NAN,
                (unsigned long long)sc->drec_n);
        fprintf(f, "  %-22s %9.4f   %llu / %llu pairs in a cluster are true"
                   " pairs\n", "clustered-pair prec.",
                ev_ratio(sc->pairs_hit, sc->pairs_clustered),
                (unsigned long long)sc->pairs_hit,
                (unsigned long long)sc->pairs_clustered);
        fprintf(f, "  %-22s %9.4f   %llu / %llu members within thresholds"
                   " of their canonical\n", "removal precision",
                ev_ratio(sc->members_ok, sc->members),
                (unsigned long long)sc->members_ok,
                (unsigned long long)sc->members);
        if (sc->parts)
            fprintf(f, "  %-22s %9llu   of the members are glued parts cut "
                       "from a kept paragraph (%llu bytes), %llu of them "
                       "within thresholds\n", "part members",
                    (unsigned long long)sc->parts,
                    (unsigned long long)sc->part_bytes,
                    (unsigned long long)sc->parts_ok);
        fprintf(f, "  %-22s %9llu   bytes of %llu members whose text the "
                   "canonical does not hold (must be 0)\n", "unkept bytes",
                (unsigned long long)sc->bytes_unkept,
                (unsigned long long)(sc->members - sc->members_covered));
    }
    if (sc->have_truth && sc->have) {
        fprintf(f, "  %-22s %9.4f   %llu / %llu flagged articles are "
                   "planted copies\n", "article precision",
                ev_ratio(sc->tp, sc->tp + sc->fp), (unsigned long long)sc->tp,
                (unsigned long long)(sc->tp + sc->fp));
        fprintf(f, "  %-22s %9.4f   %llu / %llu planted copies flagged\n",
                "article recall", ev_ratio(sc->tp, sc->tp + sc->fn),
                (unsigned long long)sc->tp,
                (unsigned long long)(sc->tp + sc->fn));
        fprintf(f, "  %-22s %9s   original %llu, update %llu, template "
                   "%llu\n", "  false positives", "",
                (unsigned long long)sc->fp_kind[0],
                (unsigned long long)sc->fp_kind[2],
                (unsigned long long)sc->fp_kind[3]);
    }
    if (sc->have_truth) {
        fprintf(f, "  %-22s %9.4f   %llu / %llu planted paragraph "
                   "derivations are within thresholds\n", "planted in rule",
                ev_ratio(sc->planted_dup, sc->planted),
                (unsigned long long)sc->planted_dup,
                (unsigned long long)sc->planted);
        if (sc->have)
            fprintf(f, "  %-22s %9.4f   %llu / %llu of those share a "
                       "cluster\n", "planted recall",
                    ev_ratio(sc->planted_hit, sc->planted_dup),
                    (unsigned long long)sc->planted_hit,
                    (unsigned long long)sc->planted_dup);
        fprintf(f, "  (an article is %s; planted = truth names an "
                   "origin)\n", sc->article_rule);
        if (sc->truth_missing)
            fprintf(f, "  WARNING             %llu truth articles are not in"
                       " the corpus\n", (unsigned long long)sc->truth_missing);
    }
    fprintf(f, "  total time          %.1f s\n", total_s);
}

static void ev_json_num(json_object *o, const char *k, double v)
{
    json_object_object_add(o, k, isnan(v) ? NULL : json_object_new_double(v));
}

static void ev_json_int(json_object *o, const char *k, uint64_t v)
{
    json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static void ev_write_json(const char *path, const ev_corpus *c,
                          const ev_truth *tr, const ev_score *sc,
                          const ev_params *ep, double total_s)
{
    json_object *o = json_object_new_object();
    ev_json_num(o, "threshold", ep->t.jaccard);
    ev_json_num(o, "containment", ep->t.containment);
    ev_json_int(o, "min_contain", ep->t.min_contain);
    ev_json_int(o, "ngram", ep->ngram);
    ev_json_int(o, "articles", c->narts);
    ev_json_int(o, "paragraphs", c->npara);
    ev_json_int(o, "bytes", c->text_bytes);
    ev_json_int(o, "true_pairs", tr->para_pairs);
    ev_json_int(o, "true_pairs_identical", tr->same_pairs);
    ev_json_int(o, "candidates_verified", tr->candidates);
    ev_json_int(o, "skipped_posting_lists", tr->skipped_lists);
    ev_json_int(o, "pairs_possibly_missed", tr->skipped_entries);
    if (sc->have) {
        ev_json_int(o, "clusters", sc->clusters);
        ev_json_int(o, "members", sc->members);
        ev_json_num(o, "pair_recall", ev_ratio(sc->pairs_hit, tr->para_pairs));
        ev_json_int(o, "pairs_hit", sc->pairs_hit);
        ev_json_num(o, "resolved_recall",
                    1.0 - ev_ratio(sc->pairs_left, tr->para_pairs));
        ev_json_int(o, "pairs_left", sc->pairs_left);
        ev_json_num(o, "distinct_text_recall",
                    sc->drec_n ? sc->drec_sum / (double)sc->drec_n : NAN);
        ev_json_num(o, "clustered_pair_precision",
                    ev_ratio(sc->pairs_hit, sc->pairs_clustered));
        ev_json_int(o, "pairs_clustered", sc->pairs_clustered);
        ev_json_num(o, "removal_precision",
                    ev_ratio(sc->members_ok, sc->members));
        ev_json_int(o, "members_within_thresholds", sc->members_ok);
        ev_json_int(o, "unkept_bytes", sc->bytes_unkept);
        ev_json_int(o, "part_members", sc->parts);
        ev_json_int(o, "part_members_within_thresholds", sc->parts_ok);
        ev_json_int(o, "part_bytes", sc->part_bytes);
        ev_json_int(o, "unresolved", sc->unresolved);
        ev_json_int(o, "span_mismatches", sc->span_mismatch);
        ev_json_int(o, "paragraphs_in_two_clusters", sc->multi);
        if (sc->have_bound) {
            ev_json_num(o, "pair_recall_bound",
                        sc->bound_pairs / (double)tr->para_pairs);
            ev_json_num(o, "distinct_text_recall_bound",
                        sc->drec_n ? sc->bound_terms / (double)sc->drec_n
                                   : NAN);
            ev_json_int(o, "missed_pairs_multi_held", sc->missed_multi);
            ev_json_int(o, "missed_pairs_never_candidates",
                        sc->missed_never);
        }
    }
    if (sc->have_truth && sc->have) {
        ev_json_num(o, "article_precision", ev_ratio(sc->tp, sc->tp + sc->fp));
        ev_json_num(o, "article_recall", ev_ratio(sc->tp, sc->tp + sc->fn));
        ev_json_int(o, "article_tp", sc->tp);
        ev_json_int(o, "article_fp", sc->fp);
        ev_json_int(o, "article_fn", sc->fn);
        /* The false positives by what they really are ([1], syndicated,
         * cannot be one). */
        ev_json_int(o, "article_fp_original", sc->fp_kind[0]);
        ev_json_int(o, "article_fp_update", sc->fp_kind[2]);
        ev_json_int(o, "article_fp_template", sc->fp_kind[3]);
        json_object_object_add(o, "article_rule",
                               json_object_new_string(sc->article_rule));
        ev_json_int(o, "planted_derivations", sc->planted);
        ev_json_int(o, "planted_within_thresholds", sc->planted_dup);
        ev_json_int(o, "planted_clustered", sc->planted_hit);
    }
    ev_json_num(o, "seconds", total_s);
    const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
    FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!f || fprintf(f, "%s\n", s) < 0 || (f != stdout && fclose(f))) {
        fprintf(stderr, "nd_eval: cannot write %s\n", path);
        exit(1);
    }
    json_object_put(o);
}

/* ------------------------------------------------------------------ */
/* Diagnosis of the missed pairs (--diagnose).                         */

/*
 * What clusters.jsonl cannot tell: which true pairs the scan ever verified,
 * which components its verified pairs make, and where every paragraph
 * went. So the scan is run again in-process (the same rule, one thread,
 * the default policies, as bench/accuracy.sh runs it) and its internals
 * are read. Every missed true pair is then sorted into classes, counted in
 * paragraph pairs and in pairs of distinct texts.
 *
 * The bound. Any clustering that keeps the scan's invariant (every member
 * is held by its canonical: Jaccard passes or the member is contained)
 * puts a paragraph p of text x in a cluster whose canonical c holds x, so
 * c is x itself or a true neighbour of x, and p's partners there are all
 * held by c. Charge every true pair of distinct texts to one of its ends
 * (the end with more true neighbours: the footer, not the paragraphs it is
 * glued to). Then the pairs charged to x that p can share a cluster with
 * number at most max over such c of the copies of the charged neighbours
 * c holds (c's own copies among them); summed over p and x, plus the pairs
 * of identical copies, this bounds the pairs any such clustering can put
 * together. The same argument with each text weighing 1 bounds
 * distinct-text recall.
 */

typedef struct ev_adj {
    uint32_t y;    /* the neighbour */
    uint8_t flags; /* EV_HOLDS, EV_HELD, EV_CHARGED */
} ev_adj;

#define EV_HOLDS 1   /* x holds y (y's text is within x) */
#define EV_HELD 2    /* y holds x */
#define EV_CHARGED 4 /* the pair is charged to x */

/* Classes of a missed pair. */
enum { EV_PL_SPLIT, EV_PL_ONE_OUT, EV_PL_BOTH_OUT, EV_PL_N };
enum { EV_RU_JAC, EV_RU_CONT, EV_RU_BOTH, EV_RU_N };
enum { EV_CA_VERIFIED, EV_CA_COMPONENT, EV_CA_NEVER, EV_CA_N };

typedef struct ev_tally {
    uint64_t pairs; /* paragraph pairs */
    uint64_t texts; /* pairs of distinct texts */
} ev_tally;

static void ev_tally_add(ev_tally *t, uint64_t pairs)
{
    t->pairs += pairs;
    t->texts++;
}

static void ev_tally_print(FILE *f, const char *name, const ev_tally *t,
                           const ev_tally *all)
{
    fprintf(f, "  %-44s %11llu (%5.1f%%) %7llu (%5.1f%%)\n", name,
            (unsigned long long)t->pairs,
            all->pairs ? 100.0 * t->pairs / all->pairs : 0.0,
            (unsigned long long)t->texts,
            all->texts ? 100.0 * t->texts / all->texts : 0.0);
}

static int ev_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint32_t ev_uf_find(uint32_t *parent, uint32_t x)
{
    while (parent[x] != x) {
        parent[x] = parent[parent[x]];
        x = parent[x];
    }
    return x;
}

/* Does group a hold group b (b's text is within a)? */
static int ev_holds(const ev_corpus *c, const ev_params *ep, uint32_t a,
                    uint32_t b)
{
    nd_sim s;
    if (a == b)
        return 1;
    ev_sim(&s, c, a, b);
    return nd_verify_covers(&s, ev_gsize(c, b), &ep->t);
}

typedef struct ev_worst {
    uint64_t w;     /* paragraph pairs missed */
    uint32_t g, h;  /* the groups */
} ev_worst;

static void ev_print_text(FILE *f, const char *label, const ev_corpus *c,
                          uint32_t g, const uint32_t *g_para,
                          const uint32_t *g_clu, const uint8_t *kind,
                          const uint32_t *g_canon_group)
{
    uint32_t p = g_para[g];
    fprintf(f, "    %s %s#%u, %zu shingles, %u copies, ", label,
            ev_art_id(c, c->p_art[p]), p - c->art_first[c->p_art[p]],
            ev_gsize(c, g), c->g_count[g]);
    if (g_clu[g] == EV_NONE)
        fprintf(f, "in no cluster\n");
    else
        fprintf(f, "cluster %u (%s, canonical text %u%s)\n", g_clu[g],
                kind[g_clu[g]] == ND_KIND_BOILERPLATE ? "boilerplate"
                                                      : "shared",
                g_canon_group[g], g_canon_group[g] == g ? ": itself" : "");
}

static void ev_diagnose(FILE *f, const ev_corpus *c, const ev_truth *tr,
                        ev_score *sc, const ev_params *ep,
                        char **inputs, size_t ninputs)
{
    double t0 = ev_now();
    size_t G = c->ngroups;
    nd_options opts = ND_OPTIONS_INIT;
    nd_scan *s = NULL;

    opts.threshold = ep->t.jaccard;
    opts.containment = ep->t.containment;
    opts.min_contain = (unsigned)ep->t.min_contain;
    opts.ngram = ep->ngram;
    opts.seed = ep->seed;
    opts.id_field = ep->id_field;
    opts.text_field = ep->text_field;
    opts.threads = 1;
    if (nd_scan_new(&s, &opts)) {
        fprintf(stderr, "nd_eval: %s\n", s ? nd_scan_errmsg(s) : "scan");
        exit(1);
    }
    for (size_t i = 0; i < ninputs; i++)
        if (nd_scan_add_input(s, inputs[i])) {
            fprintf(stderr, "nd_eval: %s\n", nd_scan_errmsg(s));
            exit(1);
        }
    if (nd_scan_run(s)) {
        fprintf(stderr, "nd_eval: %s\n", nd_scan_errmsg(s));
        exit(1);
    }
    if (s->n_paras != c->npara) {
        fprintf(stderr, "nd_eval: the scan has %zu paragraphs, the truth "
                        "%zu: no diagnosis\n", s->n_paras, c->npara);
        nd_scan_free(s);
        return;
    }

    /* Each text's cluster (that of its first paragraph), and whether its
     * copies agree. */
    uint32_t *g_para = ev_xmalloc((G ? G : 1) * sizeof *g_para);
    uint32_t *g_clu = ev_xmalloc((G ? G : 1) * sizeof *g_clu);
    uint32_t *g_canon_group = ev_xmalloc((G ? G : 1) * sizeof *g_canon_group);
    uint64_t split_groups = 0;
    for (size_t g = 0; g < G; g++)
        g_para[g] = EV_NONE;
    for (size_t p = 0; p < c->npara; p++) {
        uint32_t g = c->p_group[p];
        uint32_t canon = s->paras[p].canon;
        uint32_t cl = s->cluster_of[canon];
        if (g == EV_NONE)
            continue;
        if (g_para[g] == EV_NONE) {
            g_para[g] = (uint32_t)p;
            g_clu[g] = cl;
            g_canon_group[g] = c->p_group[canon];
        } else if (g_clu[g] != cl) {
            if (g_clu[g] != EV_NONE - 1)
                split_groups++;
            g_clu[g] = EV_NONE - 1; /* marked: split */
        }
    }
    for (size_t g = 0; g < G; g++)
        if (g_clu[g] == EV_NONE - 1) {
            g_clu[g] = s->cluster_of[s->paras[g_para[g]].canon];
        }

    /* Verified pairs as text pairs, and their components. */
    size_t nv = s->verified.n;
    uint64_t *vkey = ev_xmalloc((nv ? nv : 1) * sizeof *vkey);
    uint32_t *parent = ev_xmalloc((G ? G : 1) * sizeof *parent);
    for (size_t g = 0; g < G; g++)
        parent[g] = (uint32_t)g;
    for (size_t i = 0; i < nv; i++) {
        uint32_t a = c->p_group[s->verified.v[i].a];
        uint32_t b = c->p_group[s->verified.v[i].b];
        uint32_t lo = a < b ? a : b, hi = a < b ? b : a;
        vkey[i] = (uint64_t)lo << 32 | hi;
        lo = ev_uf_find(parent, lo);
        hi = ev_uf_find(parent, hi);
        if (lo != hi)
            parent[lo > hi ? lo : hi] = lo < hi ? lo : hi;
    }
    qsort(vkey, nv, sizeof *vkey, ev_cmp_u64);

    /* Adjacency of the true pairs, with who holds whom. */
    size_t *aoff = ev_xcalloc(G + 1, sizeof *aoff);
    for (size_t k = 0; k < tr->npairs; k++) {
        aoff[tr->pairs[k].a + 1]++;
        aoff[tr->pairs[k].b + 1]++;
    }
    for (size_t g = 0; g < G; g++)
        aoff[g + 1] += aoff[g];
    ev_adj *adj = ev_xmalloc((aoff[G] ? aoff[G] : 1) * sizeof *adj);
    size_t *afill = ev_xmalloc((G + 1) * sizeof *afill);
    memcpy(afill, aoff, (G + 1) * sizeof *afill);

    ev_tally all = {0}, place[EV_PL_N] = {{0}}, rule[EV_RU_N] = {{0}},
             cand[EV_CA_N] = {{0}}, cross[EV_CA_N][EV_PL_N] = {{{0}}},
             boiler = {0}, glued = {0}, movable = {0}, hit = {0};
    size_t nworst = 0, maxworst = 12;
    ev_worst worst[12];
    uint64_t inverted = 0;

    uint8_t *pair_flags = ev_xmalloc((tr->npairs ? tr->npairs : 1) *
                                     sizeof *pair_flags);
    for (size_t k = 0; k < tr->npairs; k++) {
        uint32_t g = tr->pairs[k].a, h = tr->pairs[k].b;
        nd_sim sm;
        ev_sim(&sm, c, g, h);
        int g_holds_h = nd_verify_covers(&sm, ev_gsize(c, h), &ep->t);
        nd_sim rv = {sm.jaccard, sm.b_in_a, sm.a_in_b};
        int h_holds_g = nd_verify_covers(&rv, ev_gsize(c, g), &ep->t);
        pair_flags[k] = (uint8_t)((g_holds_h ? EV_HOLDS : 0) |
                                  (h_holds_g ? EV_HELD : 0));
        adj[afill[g]].y = h;
        adj[afill[g]++].flags = pair_flags[k];
        adj[afill[h]].y = g;
        adj[afill[h]++].flags = (uint8_t)((h_holds_g ? EV_HOLDS : 0) |
                                          (g_holds_h ? EV_HELD : 0));
    }
    /* A text held by two texts that are no true pair (a footer glued to
     * two stories) can share a cluster with at most one of them. */
    uint8_t *multi = ev_xcalloc(G ? G : 1, 1);
    uint32_t *mark = ev_xmalloc((G ? G : 1) * sizeof *mark);
    for (size_t g = 0; g < G; g++)
        mark[g] = EV_NONE;
    for (size_t x = 0; x < G; x++) {
        for (size_t i = aoff[x]; i < aoff[x + 1] && !multi[x]; i++) {
            uint32_t y1 = adj[i].y;
            if (!(adj[i].flags & EV_HELD))
                continue;
            for (size_t j = aoff[y1]; j < aoff[y1 + 1]; j++)
                mark[adj[j].y] = y1;
            for (size_t j = aoff[x]; j < aoff[x + 1]; j++)
                if ((adj[j].flags & EV_HELD) && adj[j].y != y1 &&
                    mark[adj[j].y] != y1) {
                    multi[x] = 1;
                    break;
                }
            for (size_t j = aoff[y1]; j < aoff[y1 + 1]; j++)
                mark[adj[j].y] = EV_NONE;
        }
    }
    ev_tally multi_held = {0};
    ev_tally other_cand[EV_CA_N] = {{0}}, other_movable = {0};
    ev_worst other[8]; /* the first missed pairs of another kind */
    size_t nother = 0;

    for (size_t k = 0; k < tr->npairs; k++) {
        uint32_t g = tr->pairs[k].a, h = tr->pairs[k].b;
        uint64_t w = (uint64_t)c->g_count[g] * c->g_count[h];
        nd_sim sm;
        ev_sim(&sm, c, g, h);
        size_t ng = ev_gsize(c, g), nh = ev_gsize(c, h);
        int g_holds_h = pair_flags[k] & EV_HOLDS;
        int h_holds_g = pair_flags[k] & EV_HELD;

        uint32_t cg = g_clu[g], ch = g_clu[h];
        if (cg != EV_NONE && cg == ch) {
            ev_tally_add(&hit, w);
            continue;
        }
        ev_tally_add(&all, w);
        int pl = cg != EV_NONE && ch != EV_NONE ? EV_PL_SPLIT
                 : cg == EV_NONE && ch == EV_NONE ? EV_PL_BOTH_OUT
                                                  : EV_PL_ONE_OUT;
        int jac = sm.jaccard >= ep->t.jaccard;
        int cont = (ng >= ep->t.min_contain && sm.a_in_b >= ep->t.containment)
                   || (nh >= ep->t.min_contain &&
                       sm.b_in_a >= ep->t.containment);
        int ru = jac && cont ? EV_RU_BOTH : jac ? EV_RU_JAC : EV_RU_CONT;
        uint64_t key = (uint64_t)g << 32 | h;
        int ca = bsearch(&key, vkey, nv, sizeof *vkey, ev_cmp_u64)
                     ? EV_CA_VERIFIED
                 : ev_uf_find(parent, g) == ev_uf_find(parent, h)
                     ? EV_CA_COMPONENT
                     : EV_CA_NEVER;
        ev_tally_add(&place[pl], w);
        ev_tally_add(&rule[ru], w);
        ev_tally_add(&cand[ca], w);
        ev_tally_add(&cross[ca][pl], w);
        int bg = cg != EV_NONE && s->kind[cg] == ND_KIND_BOILERPLATE;
        int bh = ch != EV_NONE && s->kind[ch] == ND_KIND_BOILERPLATE;
        if (bg || bh)
            ev_tally_add(&boiler, w);
        /* Glued footer: the contained side is boilerplate, the other
         * holds it and is elsewhere. */
        if ((bg && h_holds_g && !g_holds_h) || (bh && g_holds_h && !h_holds_g))
            ev_tally_add(&glued, w);
        /* Could one side join the other's cluster, its canonical holding
         * it? */
        if ((ch != EV_NONE && ev_holds(c, ep, g_canon_group[h], g)) ||
            (cg != EV_NONE && ev_holds(c, ep, g_canon_group[g], h)))
            ev_tally_add(&movable, w);
        if ((h_holds_g && multi[g]) || (g_holds_h && multi[h])) {
            ev_tally_add(&multi_held, w);
        } else {
            ev_tally_add(&other_cand[ca], w);
            if (ch != EV_NONE && ev_holds(c, ep, g_canon_group[h], g))
                ev_tally_add(&other_movable, w);
            else if (cg != EV_NONE && ev_holds(c, ep, g_canon_group[g], h))
                ev_tally_add(&other_movable, w);
        }
        if (!((h_holds_g && multi[g]) || (g_holds_h && multi[h])) &&
            nother < 8) {
            other[nother].w = w;
            other[nother].g = g;
            other[nother++].h = h;
        }
        /* A missed pair where the smaller-set side is the canonical of
         * its cluster though it is held by the other side. */
        if ((h_holds_g && !g_holds_h && cg != EV_NONE &&
             g_canon_group[g] == g) ||
            (g_holds_h && !h_holds_g && ch != EV_NONE &&
             g_canon_group[h] == h))
            inverted += w;
        /* The heaviest missed pairs. */
        size_t at;
        if (nworst < maxworst)
            at = nworst++;
        else if (worst[maxworst - 1].w < w)
            at = maxworst - 1;
        else
            continue;
        worst[at].w = w;
        worst[at].g = g;
        worst[at].h = h;
        for (; at > 0 && worst[at - 1].w < worst[at].w; at--) {
            ev_worst t = worst[at];
            worst[at] = worst[at - 1];
            worst[at - 1] = t;
        }
    }

    /* Charge each pair to its end with more true neighbours. */
    for (size_t g = 0; g < G; g++)
        for (size_t i = aoff[g]; i < aoff[g + 1]; i++) {
            uint32_t y = adj[i].y;
            size_t dg = aoff[g + 1] - aoff[g], dy = aoff[y + 1] - aoff[y];
            if (dg > dy || (dg == dy && g < y))
                adj[i].flags |= EV_CHARGED;
        }
    /* The bound, with mark[y] = c for the neighbours c holds; and where
     * the scan falls short of it. */
    ev_worst gap[12];
    size_t ngap = 0;
    double gap_pairs = 0, gap_texts = 0;
    double ub_pairs = (double)tr->same_pairs, ub_texts = 0;
    for (size_t x = 0; x < G; x++) {
        uint64_t best_p = 0, best_t = 0, sum_p = 0, sum_t = 0;
        if (aoff[x] == aoff[x + 1])
            continue;
        /* c = x */
        for (size_t i = aoff[x]; i < aoff[x + 1]; i++)
            if ((adj[i].flags & EV_CHARGED) && (adj[i].flags & EV_HOLDS)) {
                sum_p += c->g_count[adj[i].y];
                sum_t++;
            }
        best_p = sum_p;
        best_t = sum_t;
        for (size_t i = aoff[x]; i < aoff[x + 1]; i++) {
            uint32_t cc = adj[i].y;
            if (!(adj[i].flags & EV_HELD))
                continue; /* cc does not hold x */
            mark[cc] = cc;
            for (size_t j = aoff[cc]; j < aoff[cc + 1]; j++)
                if (adj[j].flags & EV_HOLDS)
                    mark[adj[j].y] = cc;
            sum_p = sum_t = 0;
            for (size_t j = aoff[x]; j < aoff[x + 1]; j++)
                if ((adj[j].flags & EV_CHARGED) && mark[adj[j].y] == cc) {
                    sum_p += c->g_count[adj[j].y];
                    sum_t++;
                }
            if (sum_p > best_p)
                best_p = sum_p;
            if (sum_t > best_t)
                best_t = sum_t;
            /* Unmark, so that a later cc never sees these marks. */
            mark[cc] = EV_NONE;
            for (size_t j = aoff[cc]; j < aoff[cc + 1]; j++)
                mark[adj[j].y] = EV_NONE;
        }
        ub_pairs += (double)c->g_count[x] * (double)best_p;
        ub_texts += (double)best_t;
        uint64_t got_p = 0, got_t = 0;
        for (size_t i = aoff[x]; i < aoff[x + 1]; i++)
            if ((adj[i].flags & EV_CHARGED) && g_clu[x] != EV_NONE &&
                g_clu[adj[i].y] == g_clu[x]) {
                got_p += c->g_count[adj[i].y];
                got_t++;
            }
        uint64_t w = c->g_count[x] * (best_p - got_p);
        if (got_p > best_p || got_t > best_t)
            ev_die("diagnosis: the scan beats the bound");
        gap_pairs += (double)w;
        gap_texts += (double)(best_t - got_t);
        if (!w)
            continue;
        size_t at;
        if (ngap < 12)
            at = ngap++;
        else if (gap[11].w < w)
            at = 11;
        else
            continue;
        gap[at].w = w;
        gap[at].g = (uint32_t)x;
        gap[at].h = (uint32_t)best_t - (uint32_t)got_t;
        for (; at > 0 && gap[at - 1].w < gap[at].w; at--) {
            ev_worst t = gap[at];
            gap[at] = gap[at - 1];
            gap[at - 1] = t;
        }
    }
    size_t self_terms = 0;
    for (size_t g = 0; g < G; g++)
        self_terms += c->g_count[g] >= 2;
    sc->have_bound = 1;
    sc->bound_pairs = ub_pairs;
    sc->bound_terms = (double)self_terms + ub_texts;
    sc->missed_multi = multi_held.pairs;
    sc->missed_never = cand[EV_CA_NEVER].pairs;

    fprintf(f, "\ndiagnosis (scan re-run in-process, %.1f s): %llu true "
               "pairs of distinct texts, %llu verified pairs\n",
            ev_now() - t0, (unsigned long long)tr->npairs,
            (unsigned long long)nv);
    fprintf(f, "  texts whose copies are in different clusters: %llu\n",
            (unsigned long long)split_groups);
    fprintf(f, "  pair recall of the in-process scan: %llu / %llu (the "
               "clusters file: %llu)\n",
            (unsigned long long)(hit.pairs + tr->same_pairs),
            (unsigned long long)tr->para_pairs,
            (unsigned long long)sc->pairs_hit);
    fprintf(f, "  %-44s %11s  %8s %7s\n", "missed pairs of distinct texts",
            "para pairs", "", "texts");
    ev_tally_print(f, "all missed", &all, &all);
    ev_tally_print(f, "place: both in clusters, different ones",
                   &place[EV_PL_SPLIT], &all);
    ev_tally_print(f, "place: one in no cluster", &place[EV_PL_ONE_OUT],
                   &all);
    ev_tally_print(f, "place: both in no cluster", &place[EV_PL_BOTH_OUT],
                   &all);
    ev_tally_print(f, "rule: Jaccard only", &rule[EV_RU_JAC], &all);
    ev_tally_print(f, "rule: containment only", &rule[EV_RU_CONT], &all);
    ev_tally_print(f, "rule: both", &rule[EV_RU_BOTH], &all);
    ev_tally_print(f, "candidate: verified pair", &cand[EV_CA_VERIFIED],
                   &all);
    ev_tally_print(f, "candidate: no, but same component",
                   &cand[EV_CA_COMPONENT], &all);
    ev_tally_print(f, "candidate: no, different components",
                   &cand[EV_CA_NEVER], &all);
    static const char *const ca_name[] = {"verified", "same comp.",
                                          "never"};
    static const char *const pl_name[] = {"split", "one out", "both out"};
    for (int a = 0; a < EV_CA_N; a++)
        for (int b = 0; b < EV_PL_N; b++) {
            char name[64];
            if (!cross[a][b].texts)
                continue;
            snprintf(name, sizeof name, "  %s x %s", ca_name[a], pl_name[b]);
            ev_tally_print(f, name, &cross[a][b], &all);
        }
    ev_tally_print(f, "either side in a boilerplate cluster", &boiler, &all);
    ev_tally_print(f, "glued footer (boilerplate side held by other)",
                   &glued, &all);
    ev_tally_print(f, "movable: one canonical holds the other side",
                   &movable, &all);
    ev_tally_print(f, "held side held by two unrelated texts",
                   &multi_held, &all);
    ev_tally_print(f, "  the others: verified", &other_cand[EV_CA_VERIFIED],
                   &all);
    ev_tally_print(f, "  the others: same component",
                   &other_cand[EV_CA_COMPONENT], &all);
    ev_tally_print(f, "  the others: never a candidate",
                   &other_cand[EV_CA_NEVER], &all);
    ev_tally_print(f, "  the others: movable", &other_movable, &all);
    fprintf(f, "  %-44s %11llu\n", "held side is its cluster's canonical",
            (unsigned long long)inverted);
    fprintf(f, "  upper bound, pair recall: %.6f (%.0f / %llu pairs); "
               "scan %.6f\n", ub_pairs / (double)tr->para_pairs, ub_pairs,
            (unsigned long long)tr->para_pairs,
            (double)sc->pairs_hit / (double)tr->para_pairs);
    if (sc->parts)
        fprintf(f, "  (the bound is for whole paragraphs; the clusters file "
                   "has %llu glued parts, which put their paragraphs in a "
                   "second cluster, and the classes above are those of the "
                   "in-process scan, which has none)\n",
                (unsigned long long)sc->parts);
    fprintf(f, "  upper bound, distinct-text recall: %.4f (%zu + %.0f of "
               "%llu terms)\n",
            (self_terms + ub_texts) / (double)sc->drec_n, self_terms,
            ub_texts, (unsigned long long)sc->drec_n);
    fprintf(f, "  short of the bound: %.0f pairs, at most %.0f text pairs;"
               " largest shortfalls:\n", gap_pairs, gap_texts);
    for (size_t i = 0; i < ngap; i++) {
        fprintf(f, "  %llu pairs, %u text pairs:\n",
                (unsigned long long)gap[i].w, gap[i].h);
        ev_print_text(f, "x", c, gap[i].g, g_para, g_clu, s->kind,
                      g_canon_group);
    }
    for (size_t k = 0; k < 2; k++) {
        const ev_worst *list = k ? other : worst;
        size_t n = k ? nother : nworst;
        fprintf(f, "  %s:\n", k ? "missed pairs not held by two unrelated "
                                  "texts (the first)"
                                : "heaviest missed pairs");
        for (size_t i = 0; i < n; i++) {
            nd_sim sm;
            ev_sim(&sm, c, list[i].g, list[i].h);
            fprintf(f, "  %llu pairs: jaccard %.3f, a_in_b %.3f, b_in_a %.3f\n",
                    (unsigned long long)list[i].w, sm.jaccard, sm.a_in_b,
                    sm.b_in_a);
            ev_print_text(f, "a", c, list[i].g, g_para, g_clu, s->kind,
                          g_canon_group);
            ev_print_text(f, "b", c, list[i].h, g_para, g_clu, s->kind,
                          g_canon_group);
        }
    }
    free(pair_flags);
    free(multi);
    free(mark);
    free(adj);
    free(afill);
    free(aoff);
    free(vkey);
    free(parent);
    free(g_para);
    free(g_clu);
    free(g_canon_group);
    nd_scan_free(s);
}

/* ------------------------------------------------------------------ */

static void ev_usage(FILE *f)
{
    fprintf(f,
        "usage: nd_eval [OPTIONS] INPUT...\n"
        "Computes the exact duplicate pairs of the corpus INPUT... (read as\n"
        "neardup reads it) and scores a scan's clusters.jsonl against them.\n"
        "  -c, --clusters FILE   clusters.jsonl to score\n"
        "  -t, --truth FILE      nd_gen truth file: article-level scores\n"
        "  -a, --articles FILE   the scan's articles.jsonl: its syndicated\n"
        "                        flags are scored (else >= 50%% of an\n"
        "                        article's bytes in clusters flags it)\n"
        "  --threshold T         Jaccard threshold (default as neardup)\n"
        "  --containment C       containment threshold\n"
        "  --min-contain K       shingles a contained paragraph needs\n"
        "  --ngram N             words per shingle\n"
        "  --seed S              shingle hash seed\n"
        "  --id-field F, --text-field F   JSONL fields\n"
        "  --missed N            print up to N true pairs of distinct texts\n"
        "                        that the cleaned corpus still holds both of\n"
        "  --diagnose            run the scan again in-process and sort\n"
        "                        the missed true pairs into classes, with\n"
        "                        an upper bound on pair recall\n"
        "  --max-postings N      skip posting lists longer than N in the\n"
        "                        ground truth (reports what may be missed)\n"
        "  --json FILE           also write the figures as JSON ('-' for\n"
        "                        stdout; the table then goes to stderr)\n");
}

static double ev_arg_double(const char *opt, const char *v)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (errno || *end || end == v || !(d > 0 && d <= 1)) {
        fprintf(stderr, "nd_eval: %s needs a number in (0,1]\n", opt);
        exit(2);
    }
    return d;
}

static unsigned long long ev_arg_ull(const char *opt, const char *v)
{
    char *end;
    errno = 0;
    unsigned long long u = strtoull(v, &end, 10); /* decimal, as neardup's */
    if (errno || *end || end == v || *v == '-' || *v == '+') {
        fprintf(stderr, "nd_eval: %s needs a decimal whole number\n", opt);
        exit(2);
    }
    return u;
}

int main(int argc, char **argv)
{
    nd_options def = ND_OPTIONS_INIT;
    ev_params ep;
    const char *clusters = NULL, *truth = NULL, *json = NULL,
               *articles = NULL;
    char **inputs = ev_xmalloc((size_t)argc * sizeof *inputs);
    size_t ninputs = 0;
    int diagnose = 0;

    ep.t.jaccard = def.threshold;
    ep.t.containment = def.containment;
    ep.t.min_contain = def.min_contain;
    ep.ngram = def.ngram;
    ep.seed = def.seed;
    ep.id_field = def.id_field;
    ep.text_field = def.text_field;
    ep.max_postings = 0;
    ep.brute = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            ev_usage(stdout);
            return 0;
        }
        if (!strcmp(a, "--brute-check")) {
            ep.brute = 1;
            continue;
        }
        if (!strcmp(a, "--diagnose")) {
            diagnose = 1;
            continue;
        }
        if (a[0] != '-' || !strcmp(a, "-")) {
            inputs[ninputs++] = argv[i];
            continue;
        }
        if (!v) {
            fprintf(stderr, "nd_eval: %s needs a value\n", a);
            return 2;
        }
        i++;
        if (!strcmp(a, "-c") || !strcmp(a, "--clusters"))
            clusters = v;
        else if (!strcmp(a, "-t") || !strcmp(a, "--truth"))
            truth = v;
        else if (!strcmp(a, "-a") || !strcmp(a, "--articles"))
            articles = v;
        else if (!strcmp(a, "--json"))
            json = v;
        else if (!strcmp(a, "--threshold"))
            ep.t.jaccard = ev_arg_double(a, v);
        else if (!strcmp(a, "--containment"))
            ep.t.containment = ev_arg_double(a, v);
        else if (!strcmp(a, "--min-contain"))
            ep.t.min_contain = (size_t)ev_arg_ull(a, v);
        else if (!strcmp(a, "--ngram")) {
            unsigned long long n = ev_arg_ull(a, v);
            if (n < 1 || n > 16) {
                fprintf(stderr, "nd_eval: --ngram must be 1..16\n");
                return 2;
            }
            ep.ngram = (unsigned)n;
        } else if (!strcmp(a, "--seed"))
            ep.seed = ev_arg_ull(a, v);
        else if (!strcmp(a, "--missed"))
            ev_missed_max = (size_t)ev_arg_ull(a, v);
        else if (!strcmp(a, "--max-postings"))
            ep.max_postings = (size_t)ev_arg_ull(a, v);
        else if (!strcmp(a, "--id-field"))
            ep.id_field = v;
        else if (!strcmp(a, "--text-field"))
            ep.text_field = v;
        else {
            fprintf(stderr, "nd_eval: unknown option %s\n", a);
            ev_usage(stderr);
            return 2;
        }
    }
    if (!ninputs) {
        ev_usage(stderr);
        return 2;
    }

    double t0 = ev_now();
    ev_corpus c;
    memset(&c, 0, sizeof c);
    ev_read(&c, inputs, ninputs, &ep);
    double read_s = ev_now() - t0;
    ev_index_ids(&c);
    ev_rank(&c);
    ev_truth tr;
    ev_ground_truth(&tr, &c, &ep);
    if (ep.brute && ev_brute_check(&c, &tr, &ep))
        return 4;

    ev_score sc;
    memset(&sc, 0, sizeof sc);
    uint32_t *p_cluster = NULL;
    uint8_t *p_member = NULL;
    ev_parts parts;
    memset(&parts, 0, sizeof parts);
    if (clusters) {
        p_cluster = ev_xmalloc((c.npara ? c.npara : 1) * sizeof *p_cluster);
        for (size_t p = 0; p < c.npara; p++)
            p_cluster[p] = EV_NONE;
        p_member = ev_xcalloc(c.npara, 1);
        parts.slot = ev_xmalloc((c.npara ? 2 * c.npara : 1) *
                                sizeof *parts.slot);
        for (size_t p = 0; p < 2 * c.npara; p++)
            parts.slot[p] = EV_NONE;
        ev_read_clusters(&sc, &c, &ep, clusters, p_cluster, p_member,
                         &parts);
        ev_check_parts(&sc, &c, &ep, &parts, inputs, ninputs);
        ev_recall(&sc, &c, &tr, p_cluster, p_member, parts.slot);
    }
    if (truth) {
        uint8_t *syn = ev_read_articles(&c, articles);

        sc.article_rule = syn ? "flagged when articles.jsonl says "
                                "\"syndicated\": true"
                              : "flagged when >= 50% of its paragraph bytes "
                                "are cluster members";
        ev_read_truth(&sc, &c, &ep, truth, p_cluster, p_member, syn);
        free(syn);
    }
    double total_s = ev_now() - t0;

    int json_stdout = json && !strcmp(json, "-");
    ev_print(json_stdout ? stderr : stdout, &c, &tr, &sc, &ep, read_s,
             total_s);
    if (diagnose && clusters)
        ev_diagnose(json_stdout ? stderr : stdout, &c, &tr, &sc, &ep, inputs,
                    ninputs);
    if (json)
        ev_write_json(json, &c, &tr, &sc, &ep, total_s);

    free(p_cluster);
    free(p_member);
    free(parts.v);
    free(parts.slot);
    free(tr.pairs);
    free(c.id_off);
    free(c.art_first);
    free(c.art_npara);
    free(c.art_bytes);
    free(c.p_start);
    free(c.p_end);
    free(c.p_group);
    free(c.p_art);
    free(c.gid);
    free(c.g_off);
    free(c.g_count);
    free(c.atab);
    nd_buf_free(&c.ids);
    free(inputs);
    /* Exit status: 0, or 3 when members lose text (a hard failure). */
    return sc.bytes_unkept ? 3 : 0;
}
