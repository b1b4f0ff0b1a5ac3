/*
 * group.c - from candidate pairs to clusters: exact verification (on the
 * scan's threads), union-find, the greedy split into clusters whose every
 * member is covered by its canonical (cluster.c; on the scan's threads,
 * component by component), the article ranks that decide which copy is
 * canonical, and the clusters' numbers, members and boilerplate/shared
 * kinds (on the scan's threads, by ranges of paragraphs).
 *
 * Every step has a total order (paragraph numbers, article ranks), and a
 * threaded step writes each pair's, component's or paragraph's result to
 * its own slots, so the clusters do not depend on the number of threads.
 */
#define _XOPEN_SOURCE 700

#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "scan.h"
#include "util.h"
#include "verify.h"

/* Short lines: at most this many shingles, about 20 words (see
 * group_kind). */
#define ND_SHORT_SHINGLES 16

typedef struct group_cover {
    nd_scan *s;         /* the scan */
    nd_thresholds th;   /* duplicate thresholds */
} group_cover;

static const uint32_t *group_set(const nd_scan *s, uint32_t p)
{
    return s->sets.v + s->set_off[p];
}

static int group_covers(double *jac, double *cont, uint32_t canon,
                       uint32_t item, void *payload)
{
    group_cover *c = payload;
    const nd_scan *s = c->s;
    nd_sim sim;

    nd_verify(&sim, group_set(s, canon), s->set_n[canon], group_set(s, item),
              s->set_n[item]);
    if (!nd_verify_covers(&sim, s->set_n[item], &c->th))
        return 0;
    *jac = sim.jaccard;
    *cont = sim.b_in_a;
    return 1;
}

/* Verdicts on a candidate pair. */
#define GROUP_DUP 1      /* within the thresholds */
#define GROUP_A_INSIDE 2 /* a is contained in the larger b */
#define GROUP_B_INSIDE 4 /* b is contained in the larger a */

/* One thread's share of the candidate pairs. */
typedef struct group_verify_job {
    const nd_scan *s;         /* sets */
    const nd_pair *pairs;     /* all candidates */
    size_t lo, hi;            /* this job's range */
    const nd_thresholds *th;  /* thresholds */
    uint8_t *verdict;         /* per pair, SCAN_* bits */
} group_verify_job;

/* Pairs join paragraphs from anywhere in the corpus, so their sets are
 * cache misses: the walk asks for them a few pairs ahead, the offsets
 * first and the sets once the offsets are in. */
#define GROUP_AHEAD 8

static void *group_verify_range(void *arg)
{
    group_verify_job *j = arg;
    const nd_scan *s = j->s;
    size_t i;

    for (i = j->lo; i < j->hi; i++) {
        uint32_t a = j->pairs[i].a, b = j->pairs[i].b;
        size_t na = s->set_n[a], nb = s->set_n[b];
        uint8_t v = 0;
        nd_sim sim;

        if (i + 2 * GROUP_AHEAD < j->hi) {
            const nd_pair *f = &j->pairs[i + 2 * GROUP_AHEAD];

            ND_PREFETCH(&s->set_off[f->a]);
            ND_PREFETCH(&s->set_off[f->b]);
            ND_PREFETCH(&s->set_n[f->a]);
            ND_PREFETCH(&s->set_n[f->b]);
        }
        if (i + GROUP_AHEAD < j->hi) {
            const nd_pair *f = &j->pairs[i + GROUP_AHEAD];

            ND_PREFETCH(group_set(s, f->a));
            ND_PREFETCH(group_set(s, f->b));
        }
        if (nd_verify_dup(&sim, group_set(s, a), na, group_set(s, b), nb,
                          j->th)) {
            v = GROUP_DUP;
            if (nb > na && na >= j->th->min_contain &&
                sim.a_in_b >= j->th->containment)
                v |= GROUP_A_INSIDE;
            if (na > nb && nb >= j->th->min_contain &&
                sim.b_in_a >= j->th->containment)
                v |= GROUP_B_INSIDE;
        }
        j->verdict[i] = v;
    }
    return NULL;
}

/*
 * Checks every candidate exactly, split over the scan's threads in
 * contiguous ranges; each verdict depends on its pair alone, so the result
 * is the same for any number of threads.
 */
static void group_verify_all(const nd_scan *s, const nd_pairvec *pairs,
                            const nd_thresholds *th, uint8_t *verdict)
{
    group_verify_job jobs[ND_MAX_JOBS];
    size_t t, n = nd_jobs_for(s->threads, pairs->n, 4096);

    for (t = 0; t < n; t++) {
        jobs[t].s = s;
        jobs[t].pairs = pairs->v;
        jobs[t].lo = pairs->n * t / n;
        jobs[t].hi = pairs->n * (t + 1) / n;
        jobs[t].th = th;
        jobs[t].verdict = verdict;
    }
    nd_run_jobs(group_verify_range, jobs, sizeof jobs[0], n);
}

/*
 * The components of two paragraphs or more, side by side in the order of
 * their roots, each in its order of preference once split: tier first (0
 * for site furniture, 2 for a paragraph inside a larger member, else 1),
 * then its article's rank, then its position. Ranks and paragraph
 * numbers stay below 2^31, so a preference is one 64-bit key, tier << 62 |
 * rank << 31 | paragraph, and a component sorts on plain integers.
 */
#define GROUP_KEY_BITS 31
#define GROUP_KEY_PARA (((uint64_t)1 << GROUP_KEY_BITS) - 1)

typedef struct group_comps {
    uint64_t *key;     /* per item: its preference key */
    uint32_t *items;   /* per item: its paragraph, in preference order */
    uint32_t *start;   /* component c is items [start[c], start[c + 1]) */
    size_t n_items;    /* paragraphs in these components */
    size_t n;          /* components */
} group_comps;

static void group_comps_free(group_comps *c)
{
    free(c->key);
    free(c->items);
    free(c->start);
}

/* Counts the paragraphs under each root, then numbers the components of
 * two or more and gives each its first item: at[r] becomes where the next
 * paragraph of root r goes, ND_NONE for a paragraph on its own. */
static int group_comps_layout(group_comps *c, uint32_t *at,
                              const uint32_t *root, size_t n)
{
    size_t i, k = 0;

    memset(at, 0, n * sizeof *at);
    for (i = 0; i < n; i++)
        at[root[i]]++;
    c->n = c->n_items = 0;
    for (i = 0; i < n; i++)
        if (at[i] >= 2) {
            c->n++;
            c->n_items += at[i];
        }
    c->start = malloc((c->n + 1) * sizeof *c->start);
    if (!c->start)
        return ND_ENOMEM;
    for (i = 0; i < n; i++) {
        uint32_t m = at[i];

        if (m < 2) {
            at[i] = ND_NONE;
            continue;
        }
        c->start[k++] = (uint32_t)c->n_items;
        at[i] = (uint32_t)c->n_items;
        c->n_items += m;
    }
    c->start[k] = (uint32_t)c->n_items;
    return 0;
}

/* Places the components' paragraphs in their runs with their keys. */
static int group_comps_fill(group_comps *c, const nd_scan *s,
                            const uint32_t *root, uint32_t *at,
                            const uint8_t *furn, const uint8_t *contained)
{
    size_t i, n = s->n_paras;

    c->key = malloc((c->n_items ? c->n_items : 1) * sizeof *c->key);
    if (!c->key)
        return ND_ENOMEM;
    for (i = 0; i < n; i++) {
        uint32_t r = root[i];
        uint64_t tier = furn[i] ? 0 : contained[i] ? 2 : 1;
        uint64_t rank = s->articles[s->paras[i].doc].rank;

        if (at[r] != ND_NONE)
            c->key[at[r]++] = tier << (2 * GROUP_KEY_BITS) |
                              rank << GROUP_KEY_BITS | i;
    }
    return 0;
}

/* Gathers the components of two or more paragraphs (see group_comps);
 * the union-find is flattened, its parents then being the roots. */
static int group_comps_build(group_comps *c, nd_uf *uf, const nd_scan *s,
                             const uint8_t *furn, const uint8_t *contained)
{
    size_t n = s->n_paras;
    uint32_t *at = malloc((n ? n : 1) * sizeof *at);
    int err = ND_ENOMEM;

    memset(c, 0, sizeof *c);
    if (!at)
        return ND_ENOMEM;
    nd_uf_flatten(uf);
    err = group_comps_layout(c, at, uf->parent, n);
    if (!err)
        err = group_comps_fill(c, s, uf->parent, at, furn, contained);
    free(at);
    return err;
}

/* One thread's part of the split: components taken chunk by chunk. */
typedef struct group_split_job {
    nd_scan *s;              /* paragraphs to update */
    group_comps *comps;      /* the components */
    nd_chunks *chunks;       /* components handed out */
    uint32_t *canon;         /* per item: its canonical */
    float *jac, *cont;       /* per item: its similarity to it */
    group_cover cov;         /* the cover check */
    int err;                 /* 0, or what stopped the job */
} group_split_job;

/* Sorts component k into preference order, splits it into clusters and
 * counts each canonical's members in cluster_of. It reads and writes its
 * own items and paragraphs only, so components can go in any order on
 * any thread. */
static int group_split_one(group_split_job *j, size_t k)
{
    group_comps *c = j->comps;
    size_t lo = c->start[k], m = c->start[k + 1] - lo, i;
    int err;

    nd_u64_sort(c->key + lo, m);
    for (i = lo; i < lo + m; i++)
        c->items[i] = (uint32_t)(c->key[i] & GROUP_KEY_PARA);
    err = nd_cluster_assign(j->canon + lo, j->jac + lo, j->cont + lo,
                            c->items + lo, m, group_covers, &j->cov);
    if (err)
        return err;
    for (i = lo; i < lo + m; i++) {
        nd_para *pa = &j->s->paras[c->items[i]];

        pa->canon = j->canon[i];
        pa->jaccard = j->jac[i];
        pa->contain = j->cont[i];
        if (pa->canon != c->items[i])
            j->s->cluster_of[pa->canon]++; /* in this component too */
    }
    return 0;
}

static void *group_split_run(void *arg)
{
    group_split_job *j = arg;
    size_t lo, hi, k;

    while (!j->err && nd_chunks_take(j->chunks, &lo, &hi))
        for (k = lo; !j->err && k < hi; k++)
            j->err = group_split_one(j, k);
    return NULL;
}

/* Components per chunk: enough that taking one costs nothing, few enough
 * that the threads finish together (one large component is a chunk's
 * worth of work by itself). */
#define GROUP_SPLIT_CHUNK 64

/* Splits every component on the scan's threads. */
static int group_split_all(nd_scan *s, group_comps *c, const group_cover *cov)
{
    group_split_job jobs[ND_MAX_JOBS];
    size_t t, n = nd_jobs_for(s->threads, c->n_items, 4096);
    size_t m = c->n_items ? c->n_items : 1;
    uint32_t *canon = malloc(m * sizeof *canon);
    float *jac = malloc(m * sizeof *jac), *cont = malloc(m * sizeof *cont);
    nd_chunks chunks;
    int err = 0;

    c->items = malloc(m * sizeof *c->items);
    if (!canon || !jac || !cont || !c->items) {
        err = ND_ENOMEM;
        goto done;
    }
    nd_chunks_init(&chunks, c->n, GROUP_SPLIT_CHUNK);
    for (t = 0; t < n; t++) {
        jobs[t].s = s;
        jobs[t].comps = c;
        jobs[t].chunks = &chunks;
        jobs[t].canon = canon;
        jobs[t].jac = jac;
        jobs[t].cont = cont;
        jobs[t].cov = *cov;
        jobs[t].err = 0;
    }
    nd_run_jobs(group_split_run, jobs, sizeof jobs[0], n);
    for (t = 0; t < n; t++)
        if (jobs[t].err && !err)
            err = jobs[t].err;
done:
    free(canon);
    free(jac);
    free(cont);
    return err;
}

/*
 * Marks site furniture before the split: a short line (at most
 * ND_SHORT_SHINGLES shingles) whose exact copies span at least
 * boilerplate_articles articles, all of one known source. Such a line is
 * its own canonical: were a paragraph with the footer glued to it the
 * canonical of the footer's copies, the footer's cluster would hold that
 * story's text and, with a copy of the story elsewhere, be "shared"; as
 * it is, the glued paragraph stays out of it and loses its glued copy as
 * a part (nd_group_parts). Exact copies point to their first holder, and
 * paragraphs come in article order, so one pass counts the articles.
 * Only the holders of short lines of a known source are counted: a count
 * of 0 is a holder that cannot be furniture (too long, no source, or a
 * copy in another source), and a copy is furniture when its holder is.
 */
static int group_furniture(const nd_scan *s, uint8_t *furn)
{
    size_t i, n = s->n_paras;
    uint32_t *last_doc = malloc((n ? n : 1) * sizeof *last_doc);
    uint32_t *count = calloc(n ? n : 1, sizeof *count);

    if (!last_doc || !count) {
        free(last_doc);
        free(count);
        return ND_ENOMEM;
    }
    for (i = 0; i < n; i++) {
        uint32_t r = s->copy_of[i], doc = s->paras[i].doc;

        if (r == ND_NONE) {
            if (s->set_n[i] <= ND_SHORT_SHINGLES &&
                s->articles[doc].source_off != ND_NO_SOURCE) {
                last_doc[i] = doc;
                count[i] = 1;
            }
            continue;
        }
        if (count[r] == 0 || doc == last_doc[r])
            continue;
        /* Every copy so far is of the holder's source. */
        if (s->articles[doc].source != s->articles[last_doc[r]].source)
            count[r] = 0;
        else
            count[r]++;
        last_doc[r] = doc;
    }
    for (i = 0; i < n; i++) {
        uint32_t r = s->copy_of[i];

        furn[i] = r == ND_NONE ? count[i] >= s->opts.boilerplate_articles
                               : furn[r];
    }
    free(last_doc);
    free(count);
    return 0;
}

/*
 * Verifies the candidates, joins verified pairs and exact copies, then
 * splits every component into clusters. A paragraph strictly contained in
 * a larger member of its component goes after the others in preference,
 * so that the containing paragraph is the canonical; otherwise the rank of
 * its article decides (source priority, then the keep policy), then its
 * position. Verified pairs are kept for the article report.
 */
int nd_group_cluster(nd_scan *s, nd_pairvec *pairs)
{
    group_cover cov;
    nd_uf uf = {0};
    group_comps comps = {0};
    uint8_t *contained = NULL, *furn = NULL;
    uint8_t *verdict = NULL;
    size_t i, n = s->n_paras;
    int err;

    cov.s = s;
    cov.th.jaccard = s->opts.threshold;
    cov.th.containment = s->opts.containment;
    cov.th.min_contain = s->opts.min_contain;

    err = nd_uf_init(&uf, n);
    if (err)
        goto done;
    contained = calloc(n ? n : 1, 1);
    furn = calloc(n ? n : 1, 1);
    if (!contained || !furn) {
        err = ND_ENOMEM;
        goto done;
    }
    s->stats.candidate_pairs = pairs->n;
    verdict = malloc(pairs->n ? pairs->n : 1);
    if (!verdict) {
        err = ND_ENOMEM;
        goto done;
    }
    group_verify_all(s, pairs, &cov.th, verdict);
    for (i = 0; i < pairs->n; i++) {
        uint32_t a = pairs->v[i].a, b = pairs->v[i].b;

        if (!(verdict[i] & GROUP_DUP))
            continue;
        s->stats.verified_pairs++;
        /* The candidates' array is rewritten in place with the verified
         * pairs: the article report needs them, the rest is done. */
        pairs->v[s->verified.n++] = pairs->v[i];
        nd_uf_union(&uf, a, b);
        if (verdict[i] & GROUP_A_INSIDE)
            contained[a] = 1;
        if (verdict[i] & GROUP_B_INSIDE)
            contained[b] = 1;
    }
    /* Hand the verified pairs over; pairs is left empty. */
    s->verified.v = pairs->v;
    s->verified.cap = pairs->cap;
    pairs->v = NULL;
    pairs->n = pairs->cap = 0;
    /* A copy is contained wherever its first holder is. */
    for (i = 0; i < n; i++)
        if (s->copy_of[i] != ND_NONE) {
            nd_uf_union(&uf, s->copy_of[i], (uint32_t)i);
            contained[i] = contained[s->copy_of[i]];
        }

    /* With furniture kept, nothing is cut: the containing paragraph may
     * as well hold the copies. */
    if (s->opts.boilerplate != ND_BOILERPLATE_KEEP) {
        err = group_furniture(s, furn);
        if (err)
            goto done;
    }
    err = group_comps_build(&comps, &uf, s, furn, contained);
    /* What is left needs none of these. */
    nd_uf_free(&uf);
    free(verdict);
    free(contained);
    free(furn);
    verdict = contained = furn = NULL;
    if (!err) {
        s->cluster_of = calloc(n ? n : 1, sizeof *s->cluster_of);
        err = s->cluster_of ? group_split_all(s, &comps, &cov) : ND_ENOMEM;
    }
done:
    nd_uf_free(&uf);
    group_comps_free(&comps);
    free(verdict);
    free(contained);
    free(furn);
    return err;
}

/* What orders articles for the keep policy. */
typedef struct group_rank {
    uint32_t prio;   /* place of its source in source_priority, or the
                        list's length when absent */
    uint32_t undated; /* 1 when it has no date */
    int64_t date;    /* its date */
    uint64_t bytes;  /* its paragraph bytes */
    const char *id;  /* its id */
    uint32_t idx;    /* input order */
    nd_keep keep;    /* the policy (the same for all) */
} group_rank;

static int group_cmp_rank(const void *pa, const void *pb)
{
    const group_rank *a = pa, *b = pb;

    if (a->prio != b->prio)
        return a->prio < b->prio ? -1 : 1;
    if (a->keep == ND_KEEP_FIRST)
        return (a->idx > b->idx) - (a->idx < b->idx);
    if (a->keep == ND_KEEP_LONGEST && a->bytes != b->bytes)
        return a->bytes > b->bytes ? -1 : 1;
    if (a->undated != b->undated)
        return a->undated < b->undated ? -1 : 1;
    if (a->date != b->date)
        return a->date < b->date ? -1 : 1;
    /* Same date (dates are often to the day) or none: input order, which
     * in a crawl is the order of publication more often than not. */
    if (a->idx != b->idx)
        return a->idx < b->idx ? -1 : 1;
    return strcmp(a->id, b->id);
}

/* Ranks the articles by source priority, then the keep policy. */
int nd_group_rank(nd_scan *s)
{
    size_t i, j, np = s->opts.n_source_priority;
    group_rank *r = malloc((s->n_articles ? s->n_articles : 1) * sizeof *r);
    uint32_t *prio_of = malloc((s->n_sources ? s->n_sources : 1) *
                               sizeof *prio_of);

    if (!r || !prio_of) {
        free(r);
        free(prio_of);
        return ND_ENOMEM;
    }
    for (i = 0; i < s->n_sources; i++)
        prio_of[i] = UINT32_MAX; /* not looked up yet */
    for (i = 0; i < s->n_articles; i++) {
        const nd_article *a = &s->articles[i];

        r[i].prio = (uint32_t)np;
        if (a->source_off != ND_NO_SOURCE) {
            if (prio_of[a->source] == UINT32_MAX) {
                for (j = 0; j < np && strcmp(s->opts.source_priority[j],
                                             s->ids.data + a->source_off);
                     j++)
                    ;
                prio_of[a->source] = (uint32_t)j;
            }
            r[i].prio = prio_of[a->source];
        }
        r[i].undated = !a->has_date;
        r[i].date = a->has_date ? a->date : 0;
        r[i].bytes = a->bytes;
        r[i].id = s->ids.data + a->id_off;
        r[i].idx = (uint32_t)i;
        r[i].keep = s->opts.keep;
    }
    qsort(r, s->n_articles, sizeof *r, group_cmp_rank);
    for (i = 0; i < s->n_articles; i++)
        s->articles[r[i].idx].rank = (uint32_t)i;
    free(r);
    free(prio_of);
    return 0;
}

/*
 * Boilerplate or shared content? A cluster is a source's furniture when
 * all its copies come from one known source and either span at least
 * boilerplate_articles of its articles (headers, footers, share lines), or
 * are verbatim repeats of a short line (at most ND_SHORT_SHINGLES
 * shingles, about 20 words) inside one page ("All rights reserved ...").
 * Anything else - text crossing sources, or longer text repeated inside
 * an article, like a standfirst - is shared content. Articles without a
 * known source each count as a source of their own.
 */
static uint8_t group_kind(const nd_scan *s, uint32_t canon, const uint32_t *m,
                         size_t n)
{
    const nd_article *ca = &s->articles[s->paras[canon].doc];
    size_t i, articles = 1, verbatim = 1;
    uint32_t prev = ND_NONE;

    for (i = 0; i < n; i++) {
        const nd_para *p = &s->paras[m[i]];
        const nd_article *a = &s->articles[p->doc];

        if (a->source != ca->source)
            return ND_KIND_SHARED;
        if (p->doc != ca - s->articles && p->doc != prev)
            articles++; /* members come in paragraph order */
        prev = p->doc;
        if (s->set_off[m[i]] != s->set_off[canon])
            verbatim = 0; /* not an exact copy of the canonical */
    }
    if (ca->source_off != ND_NO_SOURCE &&
        articles >= s->opts.boilerplate_articles)
        return ND_KIND_BOILERPLATE;
    if (articles == 1 && verbatim && s->set_n[canon] <= ND_SHORT_SHINGLES)
        return ND_KIND_BOILERPLATE;
    return ND_KIND_SHARED;
}

/*
 * nd_group_index works on the scan's threads in contiguous ranges of
 * paragraphs, in phases: each range counts its canonicals and their
 * members (the split left each canonical's member count in cluster_of),
 * the counts are summed in range order, and each range then numbers its
 * clusters from where the ranges before it ended; later, kinds by
 * canonical and removals by paragraph. A job writes only its own
 * paragraphs' and clusters' slots, and the stats are integer sums, so
 * nothing depends on the number of threads. Only the member lists are
 * filled in one pass, in paragraph order.
 */
typedef struct group_index_job {
    nd_scan *s;        /* the scan */
    size_t lo, hi;     /* its paragraphs [lo, hi) */
    size_t clusters;   /* canonicals in the range; then the first one's
                          cluster number */
    size_t members;    /* their members; then the first one's offset */
    nd_chunks *chunks; /* paragraphs handed out for the kinds */
    uint64_t boiler;   /* boilerplate clusters among them */
    nd_stats st;       /* paragraphs and bytes removed in the range */
} group_index_job;

static void *group_index_count(void *arg)
{
    group_index_job *j = arg;
    size_t i;

    for (i = j->lo; i < j->hi; i++) {
        uint32_t m = j->s->cluster_of[i];

        j->clusters += m != 0;
        j->members += m;
    }
    return NULL;
}

/* Member counts become cluster numbers; member_off[c + 1] is where
 * cluster c's members start, the fill's cursor. */
static void *group_index_number(void *arg)
{
    group_index_job *j = arg;
    nd_scan *s = j->s;
    size_t i, c = j->clusters, off = j->members;

    for (i = j->lo; i < j->hi; i++) {
        uint32_t m = s->cluster_of[i];

        if (m == 0) {
            s->cluster_of[i] = ND_NONE;
            continue;
        }
        s->cluster_of[i] = (uint32_t)c;
        s->member_off[++c] = (uint32_t)off;
        off += m;
    }
    return NULL;
}

/* Kinds by chunks, not ranges: the large clusters of furniture have
 * their canonicals early in the corpus. */
static void *group_index_kinds(void *arg)
{
    group_index_job *j = arg;
    nd_scan *s = j->s;
    size_t i, lo, hi;

    while (nd_chunks_take(j->chunks, &lo, &hi))
        for (i = lo; i < hi; i++) {
            uint32_t c = s->cluster_of[i];

            if (c == ND_NONE)
                continue;
            s->kind[c] = group_kind(s, (uint32_t)i,
                                    s->members + s->member_off[c],
                                    s->member_off[c + 1] - s->member_off[c]);
            j->boiler += s->kind[c] == ND_KIND_BOILERPLATE;
        }
    return NULL;
}

/* What leaves the cleaned corpus. */
static void *group_index_remove(void *arg)
{
    group_index_job *j = arg;
    nd_scan *s = j->s;
    size_t i;

    for (i = j->lo; i < j->hi; i++) {
        nd_para *pa = &s->paras[i];
        uint32_t c = s->cluster_of[pa->canon];
        uint64_t bytes = pa->end - pa->start;

        if (c == ND_NONE)
            continue;
        pa->boiler = s->kind[c] == ND_KIND_BOILERPLATE;
        if (pa->boiler)
            pa->removed = s->opts.boilerplate == ND_BOILERPLATE_DROP_ALL ||
                          (s->opts.boilerplate == ND_BOILERPLATE_DROP_COPIES &&
                           pa->canon != i);
        else
            pa->removed = pa->canon != i;
        if (!pa->removed)
            continue;
        j->st.paragraphs_removed++;
        j->st.bytes_removed += bytes;
        if (pa->boiler)
            j->st.boilerplate_bytes_removed += bytes;
        else
            j->st.shared_bytes_removed += bytes;
    }
    return NULL;
}

/* Paragraphs below which one thread does nd_group_index, and per chunk
 * of the kinds. */
#define GROUP_INDEX_LEAST 16384
#define GROUP_INDEX_CHUNK 4096

/* Numbers the clusters in the order of their canonicals, lists their
 * members in paragraph order, tells boilerplate from shared text, and
 * decides what the cleaned corpus leaves out. */
int nd_group_index(nd_scan *s)
{
    group_index_job jobs[ND_MAX_JOBS];
    size_t i, t, n = s->n_paras, k = 0, n_members = 0;
    size_t nj = nd_jobs_for(s->threads, n, GROUP_INDEX_LEAST);
    nd_chunks chunks;

    memset(jobs, 0, sizeof jobs);
    nd_chunks_init(&chunks, n, GROUP_INDEX_CHUNK);
    for (t = 0; t < nj; t++) {
        jobs[t].s = s;
        jobs[t].chunks = &chunks;
        jobs[t].lo = n * t / nj;
        jobs[t].hi = n * (t + 1) / nj;
    }
    nd_run_jobs(group_index_count, jobs, sizeof jobs[0], nj);
    for (t = 0; t < nj; t++) {
        size_t c = jobs[t].clusters, m = jobs[t].members;

        jobs[t].clusters = k;
        jobs[t].members = n_members;
        k += c;
        n_members += m;
    }
    s->n_clusters = k;
    s->member_off = calloc(k + 1, sizeof *s->member_off);
    s->members = malloc((n_members ? n_members : 1) * sizeof *s->members);
    s->kind = calloc(k ? k : 1, 1);
    if (!s->member_off || !s->members || !s->kind)
        return ND_ENOMEM;
    nd_run_jobs(group_index_number, jobs, sizeof jobs[0], nj);
    for (i = 0; i < n; i++) {
        uint32_t canon = s->paras[i].canon;

        if (canon != i)
            s->members[s->member_off[s->cluster_of[canon] + 1]++] =
                (uint32_t)i;
    }
    nd_run_jobs(group_index_kinds, jobs, sizeof jobs[0], nj);
    nd_run_jobs(group_index_remove, jobs, sizeof jobs[0], nj);
    for (t = 0; t < nj; t++) {
        s->stats.paragraphs_removed += jobs[t].st.paragraphs_removed;
        s->stats.bytes_removed += jobs[t].st.bytes_removed;
        s->stats.boilerplate_bytes_removed +=
            jobs[t].st.boilerplate_bytes_removed;
        s->stats.shared_bytes_removed += jobs[t].st.shared_bytes_removed;
        s->stats.boilerplate_clusters += jobs[t].boiler;
    }
    s->stats.clusters = k;
    return 0;
}

/*
 * Boilerplate glued to a paragraph: which kept paragraphs may hold a
 * header or footer of their source at their start or end. For every
 * source with boilerplate clusters, the canonicals' shingles are indexed
 * (a sorted array of (shingle, source, canonical), behind a bitmap of
 * shingle hashes that turns almost every other shingle away with one
 * probe), and every kept paragraph of such a source counts the shingles
 * of each canonical it holds (on the scan's threads, paragraphs taken in
 * chunks; the candidates are sorted afterwards). At least min_contain of
 * them make a candidate; whether they lie at the start or end, pass 2
 * decides with the text (report.c). Candidate pairs cannot serve: the
 * anchors skip stock phrases, which is what a footer is.
 */
/* The bitmap has 64 bits per indexed shingle, 2^20 at least (128 KiB,
 * stays cached) and 2^30 at most, so few probes get past it; a probe is
 * keyed by shingle and source, since a footer's words in another source's
 * text are nothing to look up. */
#define GROUP_PART_MIN_BITS 20

/* The bitmap bit of a (shingle, source) probe, for 2^bits bits. */
static uint32_t group_part_bit(uint32_t shingle, uint32_t source,
                               unsigned bits)
{
    return (uint32_t)(((uint64_t)(shingle ^ (source * 0x9e3779b9u)) *
                       0xff51afd7ed558ccdULL) >> (64 - bits));
}

typedef struct group_bp {
    uint32_t shingle; /* a shingle of the canonical */
    uint32_t source;  /* its source */
    uint32_t canon;   /* the boilerplate canonical */
} group_bp;

static int group_cmp_bp(const void *pa, const void *pb)
{
    const group_bp *a = pa, *b = pb;

    if (a->shingle != b->shingle)
        return a->shingle < b->shingle ? -1 : 1;
    if (a->source != b->source)
        return a->source < b->source ? -1 : 1;
    return (a->canon > b->canon) - (a->canon < b->canon);
}

/* The boilerplate canonicals' shingles, for the probes. */
typedef struct group_bp_index {
    group_bp *bp;     /* entries, by (shingle, source, canonical) */
    size_t n;         /* entries */
    uint64_t *bits;   /* 2^nbits bits, one set per entry's probe */
    unsigned nbits;   /* log2 of the bitmap's size */
    uint8_t *has_bp;  /* per source: it has such canonicals */
} group_bp_index;

static void group_bp_free(group_bp_index *ix)
{
    free(ix->bp);
    free(ix->bits);
    free(ix->has_bp);
}

/* Is paragraph i a boilerplate canonical large enough to be indexed? One
 * of fewer than min_contain shingles cannot hold a part of min_contain. */
static int group_bp_indexed(const nd_scan *s, size_t i)
{
    uint32_t k = s->cluster_of[i];

    return k != ND_NONE && s->kind[k] == ND_KIND_BOILERPLATE &&
           s->set_n[i] >= s->opts.min_contain;
}

static int group_bp_build(group_bp_index *ix, const nd_scan *s)
{
    size_t i, j, n_bp = 0;

    memset(ix, 0, sizeof *ix);
    ix->nbits = GROUP_PART_MIN_BITS;
    for (i = 0; i < s->n_paras; i++)
        if (group_bp_indexed(s, i))
            n_bp += s->set_n[i];
    while (ix->nbits < 30 && ((size_t)1 << ix->nbits) < 64 * n_bp)
        ix->nbits++;
    ix->has_bp = calloc(s->n_sources ? s->n_sources : 1, 1);
    ix->bits = calloc((size_t)1 << (ix->nbits - 6), sizeof *ix->bits);
    ix->bp = malloc((n_bp ? n_bp : 1) * sizeof *ix->bp);
    if (!ix->has_bp || !ix->bits || !ix->bp)
        return ND_ENOMEM;
    for (i = 0; i < s->n_paras; i++) {
        uint32_t src = s->articles[s->paras[i].doc].source;
        const uint32_t *set = group_set(s, (uint32_t)i);

        if (!group_bp_indexed(s, i))
            continue;
        ix->has_bp[src] = 1;
        for (j = 0; j < s->set_n[i]; j++) {
            uint32_t h = group_part_bit(set[j], src, ix->nbits);
            group_bp *e = &ix->bp[ix->n++];

            e->shingle = set[j];
            e->source = src;
            e->canon = (uint32_t)i;
            ix->bits[h >> 6] |= (uint64_t)1 << (h & 63);
        }
    }
    qsort(ix->bp, ix->n, sizeof *ix->bp, group_cmp_bp);
    return 0;
}

/* May paragraph p lose a glued part? It is kept, not itself site
 * furniture (a boilerplate canonical), and its source has some. */
static int group_part_ok(const nd_scan *s, uint32_t p, const uint8_t *has_bp)
{
    const nd_para *pa = &s->paras[p];

    if (pa->removed || pa->boiler || !has_bp[s->articles[pa->doc].source])
        return 0;
    return 1;
}

/* Canonicals a paragraph holds shingles of, with their counts. */
#define GROUP_PART_HITS 16 /* more furniture than any page has */

typedef struct group_hits {
    struct { uint32_t canon, count; } v[GROUP_PART_HITS];
    size_t n;
} group_hits;

/* Counts one shingle of paragraph p's, of source src, for every indexed
 * canonical of that source holding it. */
static void group_part_probe(group_hits *hit, const group_bp_index *ix,
                             uint32_t shingle, uint32_t src)
{
    uint32_t h = group_part_bit(shingle, src, ix->nbits);
    size_t lo = 0, hi = ix->n, k;

    if (!(ix->bits[h >> 6] >> (h & 63) & 1))
        return;
    while (lo < hi) { /* first entry >= (shingle, source) */
        size_t mid = lo + (hi - lo) / 2;

        if (ix->bp[mid].shingle < shingle ||
            (ix->bp[mid].shingle == shingle && ix->bp[mid].source < src))
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < ix->n && ix->bp[lo].shingle == shingle &&
           ix->bp[lo].source == src;
         lo++) {
        for (k = 0; k < hit->n && hit->v[k].canon != ix->bp[lo].canon; k++)
            ;
        if (k == hit->n) {
            if (hit->n == GROUP_PART_HITS)
                continue;
            hit->v[k].canon = ix->bp[lo].canon;
            hit->v[hit->n++].count = 0;
        }
        hit->v[k].count++;
    }
}

/* Adds paragraph p's candidates to out as p << 32 | canonical. */
static int group_part_find(nd_u64vec *out, const nd_scan *s,
                           const group_bp_index *ix, uint32_t p)
{
    const uint32_t *set = group_set(s, p);
    uint32_t src = s->articles[s->paras[p].doc].source;
    group_hits hit;
    size_t j;
    int err = 0;

    if (!group_part_ok(s, p, ix->has_bp))
        return 0;
    hit.n = 0;
    for (j = 0; j < s->set_n[p]; j++)
        group_part_probe(&hit, ix, set[j], src);
    for (j = 0; !err && j < hit.n; j++)
        if (hit.v[j].count >= s->opts.min_contain && hit.v[j].canon != p)
            err = nd_u64vec_push(out, (uint64_t)p << 32 | hit.v[j].canon);
    return err;
}

/* One thread's share of the paragraphs to probe. */
typedef struct group_part_job {
    const nd_scan *s;            /* the scan */
    const group_bp_index *ix;    /* the index */
    nd_chunks *chunks;           /* ranges of paragraphs handed out */
    nd_u64vec found;             /* its candidates, p << 32 | canonical */
    int err;                     /* 0 or ND_ENOMEM */
} group_part_job;

static void *group_part_run(void *arg)
{
    group_part_job *j = arg;
    size_t lo, hi, i;

    while (!j->err && nd_chunks_take(j->chunks, &lo, &hi))
        for (i = lo; !j->err && i < hi; i++)
            j->err = group_part_find(&j->found, j->s, j->ix, (uint32_t)i);
    return NULL;
}

/* Paragraphs per chunk of the probes. */
#define GROUP_PART_CHUNK 2048

/* Gathers the threads' candidates into s->parts, by paragraph and then by
 * canonical (input order), so a tie between two canonicals for one
 * paragraph goes to the earlier one whichever thread found them. */
static int group_parts_gather(nd_scan *s, group_part_job *jobs, size_t n)
{
    nd_u64vec *all = &jobs[0].found;
    size_t t, i;
    int err;

    for (t = 1; t < n; t++) {
        if (jobs[t].found.n == 0)
            continue; /* nothing found, maybe no memory to copy from */
        err = nd_u64vec_reserve(all, jobs[t].found.n);
        if (err)
            return err;
        memcpy(all->v + all->n, jobs[t].found.v,
               jobs[t].found.n * sizeof *all->v);
        all->n += jobs[t].found.n;
    }
    nd_u64_sort(all->v, all->n);
    s->parts = calloc(all->n ? all->n : 1, sizeof *s->parts);
    if (!s->parts)
        return ND_ENOMEM;
    s->n_parts = s->cap_parts = all->n;
    for (i = 0; i < all->n; i++) {
        s->parts[i].para = (uint32_t)(all->v[i] >> 32);
        s->parts[i].canon = (uint32_t)all->v[i];
    }
    return 0;
}

int nd_group_parts(nd_scan *s)
{
    group_part_job jobs[ND_MAX_JOBS];
    group_bp_index ix;
    nd_chunks chunks;
    size_t c, t, n = nd_jobs_for(s->threads, s->n_paras,
                                 4 * GROUP_PART_CHUNK);
    int err;

    s->parts = NULL;
    s->n_parts = s->cap_parts = 0;
    if (s->opts.boilerplate == ND_BOILERPLATE_KEEP)
        return 0;
    for (c = 0; c < s->n_clusters; c++)
        if (s->kind[c] == ND_KIND_BOILERPLATE)
            break;
    if (c == s->n_clusters)
        return 0;
    err = group_bp_build(&ix, s);
    if (err)
        goto done;
    memset(jobs, 0, n * sizeof *jobs);
    nd_chunks_init(&chunks, s->n_paras, GROUP_PART_CHUNK);
    for (t = 0; t < n; t++) {
        jobs[t].s = s;
        jobs[t].ix = &ix;
        jobs[t].chunks = &chunks;
    }
    nd_run_jobs(group_part_run, jobs, sizeof jobs[0], n);
    for (t = 0; t < n && !err; t++)
        err = jobs[t].err;
    if (!err)
        err = group_parts_gather(s, jobs, n);
    for (t = 0; t < n; t++)
        nd_u64vec_free(&jobs[t].found);
done:
    group_bp_free(&ix);
    return err;
}
