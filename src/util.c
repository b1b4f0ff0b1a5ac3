/*
 * util.c - growable buffers shared by every module (see util.h).
 *
 * Capacity doubles, so appending n items costs O(n) in all; every size
 * computation checks for overflow before it multiplies.
 */
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int nd_grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *p;

    if (need <= *cap)
        return 0;
    ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return ND_ENOMEM;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / elem)
        return ND_ENOMEM;
    p = realloc(*ptr, ncap * elem);
    if (!p)
        return ND_ENOMEM;
    *ptr = p;
    *cap = ncap;
    return 0;
}

int nd_buf_reserve(nd_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return ND_ENOMEM;
    return nd_grow((void **)&b->data, &b->cap, b->len + extra + 1, 1);
}

int nd_buf_append(nd_buf *b, const void *p, size_t n)
{
    int err = nd_buf_reserve(b, n);

    if (err)
        return err;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int nd_buf_putc(nd_buf *b, char c)
{
    return nd_buf_append(b, &c, 1);
}

void nd_buf_free(nd_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int nd_u64vec_reserve(nd_u64vec *vec, size_t extra)
{
    if (extra > SIZE_MAX - vec->n)
        return ND_ENOMEM;
    return nd_grow((void **)&vec->v, &vec->cap, vec->n + extra,
                   sizeof(uint64_t));
}

int nd_u64vec_push(nd_u64vec *vec, uint64_t x)
{
    int err = nd_u64vec_reserve(vec, 1);

    if (err)
        return err;
    vec->v[vec->n++] = x;
    return 0;
}

void nd_u64vec_free(nd_u64vec *vec)
{
    free(vec->v);
    vec->v = NULL;
    vec->n = vec->cap = 0;
}

static int util_cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

size_t nd_u64_sort_unique(uint64_t *a, size_t n)
{
    size_t i, out = 0;

    if (n == 0)
        return 0;
    qsort(a, n, sizeof *a, util_cmp_u64);
    for (i = 1; i < n; i++)
        if (a[i] != a[out])
            a[++out] = a[i];
    return out + 1;
}
