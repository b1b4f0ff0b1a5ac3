/*
 * cluster.h - from verified pairs to clusters whose every member is held by
 * its canonical.
 *
 * Union-find over the verified pairs gives connected components; a
 * component may chain (A~B, B~C, but A and C unrelated), so it is not yet a
 * cluster. nd_cluster_assign splits it greedily: the items are taken in
 * order of preference; the first unassigned one becomes a canonical and
 * takes every later unassigned item it covers (its text is held by the
 * canonical: Jaccard passes, or the item is contained in the canonical);
 * repeat. So every member is checked directly against its canonical, and a
 * paragraph is never pointed to one that merely sits inside it.
 */
#ifndef ND_CLUSTER_H
#define ND_CLUSTER_H

#include <stddef.h>
#include <stdint.h>

/* Union-find with path halving; the smaller item number becomes the root,
 * so roots do not depend on the order of unions. */
typedef struct nd_uf {
    uint32_t *parent; /* parent[i], parent[i] == i for roots */
    size_t n;         /* items */
} nd_uf;

int nd_uf_init(nd_uf *uf, size_t n);
uint32_t nd_uf_find(nd_uf *uf, uint32_t x);
void nd_uf_union(nd_uf *uf, uint32_t a, uint32_t b);
/* Points every item straight at its root, so that parent[i] is the root
 * of i until the next union. One pass, because a parent is always a
 * smaller item. */
void nd_uf_flatten(nd_uf *uf);
void nd_uf_free(nd_uf *uf);

/*
 * Decides whether canonical candidate `canon` covers `item`; on yes stores
 * the exact Jaccard and the containment of item in canon and returns
 * nonzero. Negative return values are errors and stop the assignment.
 */
typedef int (*nd_cover_fn)(double *jaccard, double *containment,
                           uint32_t canon, uint32_t item, void *payload);

/*
 * Assigns canonicals within one component. items[0..n) are the component's
 * items in order of preference. On return canon[i] is the item that
 * items[i] belongs to (items[i] itself for a canonical), and jac[i] /
 * cont[i] its similarity to it (1 for canonicals).
 * Returns 0 or the negative value of covers.
 */
int nd_cluster_assign(uint32_t *canon, float *jac, float *cont,
                      const uint32_t *items, size_t n, nd_cover_fn covers,
                      void *payload);

#endif /* ND_CLUSTER_H */
