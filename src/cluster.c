/*
 * cluster.c - union-find and the greedy split of components into clusters
 * (see cluster.h for why components are split).
 *
 * The split is O(n * canonicals) cover checks per component. Exact copies
 * were collapsed before LSH and all meet their canonical in the first
 * round, so the large components of site boilerplate cost one round each.
 */
#include "cluster.h"

#include <stdlib.h>

#include "neardup.h"

int nd_uf_init(nd_uf *uf, size_t n)
{
    size_t i;

    uf->n = n;
    uf->parent = malloc((n ? n : 1) * sizeof *uf->parent);
    if (!uf->parent)
        return ND_ENOMEM;
    for (i = 0; i < n; i++)
        uf->parent[i] = (uint32_t)i;
    return 0;
}

uint32_t nd_uf_find(nd_uf *uf, uint32_t x)
{
    while (uf->parent[x] != x) {
        uf->parent[x] = uf->parent[uf->parent[x]];
        x = uf->parent[x];
    }
    return x;
}

void nd_uf_union(nd_uf *uf, uint32_t a, uint32_t b)
{
    a = nd_uf_find(uf, a);
    b = nd_uf_find(uf, b);
    if (a == b)
        return;
    if (a < b)
        uf->parent[b] = a;
    else
        uf->parent[a] = b;
}

void nd_uf_flatten(nd_uf *uf)
{
    size_t i;

    /* Items below i already point at their roots, and parent[i] < i for
     * every non-root (unions hang the larger root under the smaller, and
     * halving only moves an item up its path). */
    for (i = 0; i < uf->n; i++)
        uf->parent[i] = uf->parent[uf->parent[i]];
}

void nd_uf_free(nd_uf *uf)
{
    free(uf->parent);
    uf->parent = NULL;
    uf->n = 0;
}

int nd_cluster_assign(uint32_t *canon, float *jac, float *cont,
                      const uint32_t *items, size_t n, nd_cover_fn covers,
                      void *payload)
{
    /* UINT32_MAX marks "not assigned yet"; item numbers stay below it. */
    size_t i, j;

    for (i = 0; i < n; i++)
        canon[i] = UINT32_MAX;
    for (i = 0; i < n; i++) {
        if (canon[i] != UINT32_MAX)
            continue;
        canon[i] = items[i];
        jac[i] = cont[i] = 1.0f;
        for (j = i + 1; j < n; j++) {
            double js, cs;
            int r;

            if (canon[j] != UINT32_MAX)
                continue;
            r = covers(&js, &cs, items[i], items[j], payload);
            if (r < 0)
                return r;
            if (r) {
                canon[j] = items[i];
                jac[j] = (float)js;
                cont[j] = (float)cs;
            }
        }
    }
    return 0;
}
