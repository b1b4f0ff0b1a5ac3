/*
 * articles.c - which articles copy which (see articles.h for the measure).
 *
 * Cost: one pass over the verified pairs to find related articles, one
 * union set per article that has a relation, and per related pair a
 * binary search of each paragraph's shingles in the other's union.
 */
#include "articles.h"

#include <stdlib.h>
#include <string.h>

#include "neardup.h"
#include "util.h"

typedef struct articles_work {
    const nd_articles_in *in; /* input */
    size_t *u_off;            /* per article: its union in u.v, or -1 */
    size_t *u_n;              /* per article: size of its union */
    nd_u64vec u;              /* union sets */
} articles_work;

static size_t articles_count_in(const uint64_t *set, size_t n,
                                const uint64_t *u, size_t un)
{
    size_t i, hit = 0;

    for (i = 0; i < n; i++) {
        size_t lo = 0, hi = un;

        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;

            if (u[mid] < set[i])
                lo = mid + 1;
            else
                hi = mid;
        }
        hit += lo < un && u[lo] == set[i];
    }
    return hit;
}

/* Builds the union of article a's non-boilerplate shingle sets. */
static int articles_union(articles_work *w, uint32_t a)
{
    const nd_articles_in *in = w->in;
    const nd_article *art = &in->articles[a];
    size_t off = w->u.n, p;
    int err;

    if (w->u_off[a] != (size_t)-1)
        return 0;
    for (p = art->first; p < (size_t)art->first + art->n; p++) {
        if (in->paras[p].boiler)
            continue;
        err = nd_u64vec_reserve(&w->u, in->set_n[p]);
        if (err)
            return err;
        memcpy(w->u.v + w->u.n, in->sets + in->set_off[p],
               in->set_n[p] * sizeof *w->u.v);
        w->u.n += in->set_n[p];
    }
    w->u_n[a] = nd_u64_sort_unique(w->u.v + off, w->u.n - off);
    w->u.n = off + w->u_n[a];
    w->u_off[a] = off;
    return 0;
}

/* Bytes of article a held in article b. */
static uint64_t articles_held(const articles_work *w, uint32_t a, uint32_t b)
{
    const nd_articles_in *in = w->in;
    const nd_article *art = &in->articles[a];
    const uint64_t *u = w->u.v + w->u_off[b];
    double held = 0.0;
    size_t p;

    for (p = art->first; p < (size_t)art->first + art->n; p++) {
        size_t n = in->set_n[p], hit;
        double c;

        if (in->paras[p].boiler || n == 0)
            continue;
        hit = articles_count_in(in->sets + in->set_off[p], n, u, w->u_n[b]);
        c = (double)hit / (double)n;
        if (c >= ND_SHARE_FLOOR)
            held += c * (double)(in->paras[p].end - in->paras[p].start);
    }
    return (uint64_t)(held + 0.5);
}

static int articles_cmp_copy(const void *pa, const void *pb)
{
    const nd_copy *a = pa, *b = pb;

    if (a->share != b->share)
        return a->share > b->share ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

/* Adds the article pair of paragraphs p and q, unless they are in one
 * article or boilerplate. */
static int articles_link(nd_u64vec *links, const nd_articles_in *in,
                         uint32_t p, uint32_t q)
{
    uint32_t a = in->paras[p].doc, b = in->paras[q].doc;

    if (a == b || in->paras[p].boiler || in->paras[q].boiler)
        return 0;
    return nd_u64vec_push(links, a < b ? (uint64_t)a << 32 | b
                                       : (uint64_t)b << 32 | a);
}

int nd_articles_build(nd_articles *out, const nd_articles_in *in)
{
    articles_work w;
    nd_u64vec links = {0};
    nd_copy *entries = NULL;
    uint32_t *owner = NULL; /* the article each entry belongs to */
    size_t i, n_entries = 0, na = in->n_articles, *fill = NULL;
    int err = 0;

    memset(out, 0, sizeof *out);
    memset(&w, 0, sizeof w);
    w.in = in;
    for (i = 0; !err && i < in->n_pairs; i++)
        err = articles_link(&links, in, in->pairs[i].a, in->pairs[i].b);
    for (i = 0; !err && i < in->n_paras; i++)
        if (in->copy_of[i] != ND_NONE)
            err = articles_link(&links, in, (uint32_t)i, in->copy_of[i]);
    if (!err)
        err = nd_u64_radix_sort(links.v, links.n);
    if (err)
        goto done;

    out->copy_off = calloc(na + 1, sizeof *out->copy_off);
    out->sharing = calloc(na ? na : 1, 1);
    out->syndicated = calloc(na ? na : 1, 1);
    w.u_off = malloc((na ? na : 1) * sizeof *w.u_off);
    w.u_n = calloc(na ? na : 1, sizeof *w.u_n);
    entries = malloc((links.n ? links.n : 1) * sizeof *entries);
    owner = malloc((links.n ? links.n : 1) * sizeof *owner);
    if (!out->copy_off || !out->sharing || !out->syndicated || !w.u_off ||
        !w.u_n || !entries || !owner) {
        err = ND_ENOMEM;
        goto done;
    }
    for (i = 0; i < na; i++)
        w.u_off[i] = (size_t)-1;

    for (i = 0; i < links.n; i++) {
        uint32_t a = (uint32_t)(links.v[i] >> 32), b = (uint32_t)links.v[i];
        uint32_t copy, orig;
        uint64_t held;

        if (i > 0 && links.v[i] == links.v[i - 1])
            continue;
        /* The later-ranked article is the copy of the earlier one. */
        if (in->articles[a].rank < in->articles[b].rank)
            copy = b, orig = a;
        else
            copy = a, orig = b;
        err = articles_union(&w, orig);
        if (err)
            goto done;
        held = articles_held(&w, copy, orig);
        if (held == 0)
            continue;
        out->sharing[copy] = out->sharing[orig] = 1;
        entries[n_entries].doc = orig;
        entries[n_entries].shared_bytes = held;
        entries[n_entries].share =
            in->articles[copy].bytes
                ? (double)held / (double)in->articles[copy].bytes
                : 0.0;
        owner[n_entries++] = copy;
        out->copy_off[copy + 1]++;
    }

    /* Place the entries into per-article lists. */
    for (i = 0; i < na; i++)
        out->copy_off[i + 1] += out->copy_off[i];
    out->copies = malloc((n_entries ? n_entries : 1) * sizeof *out->copies);
    fill = calloc(na ? na : 1, sizeof *fill);
    if (!out->copies || !fill) {
        err = ND_ENOMEM;
        goto done;
    }
    for (i = 0; i < n_entries; i++)
        out->copies[out->copy_off[owner[i]] + fill[owner[i]]++] = entries[i];
    out->n_copies = n_entries;
    for (i = 0; i < na; i++) {
        nd_copy *list = out->copies + out->copy_off[i];
        size_t n = out->copy_off[i + 1] - out->copy_off[i];

        qsort(list, n, sizeof *list, articles_cmp_copy);
        out->syndicated[i] = n > 0 && list[0].share >= in->copy;
    }
done:
    free(fill);
    free(entries);
    free(owner);
    free(w.u_off);
    free(w.u_n);
    nd_u64vec_free(&w.u);
    nd_u64vec_free(&links);
    if (err)
        nd_articles_free(out);
    return err;
}

void nd_articles_free(nd_articles *a)
{
    if (!a)
        return;
    free(a->copy_off);
    free(a->copies);
    free(a->sharing);
    free(a->syndicated);
    memset(a, 0, sizeof *a);
}
