/*
 * shingle.h - word n-grams of a normalised paragraph, hashed with XXH3.
 *
 * Shingle i is the bytes of words i..i+n-1 of the normalised text (single
 * spaces between them, as normalize.c writes them), hashed with
 * XXH3_64bits_withSeed(bytes, len, seed). A paragraph of w >= n words has
 * w-n+1 shingles; one of 1 <= w < n words has exactly one shingle, the
 * whole text, so short boilerplate lines like "Leave a Reply" still match
 * their copies; an empty text has none.
 */
#ifndef ND_SHINGLE_H
#define ND_SHINGLE_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/*
 * Replaces the contents of out with the shingle hashes of norm[0..len), in
 * text order (repeats kept: containment anchors need the order).
 * Returns 0 or ND_ENOMEM.
 */
int nd_shingle(nd_u64vec *out, const char *norm, size_t len, unsigned n,
               uint64_t seed);

#endif /* ND_SHINGLE_H */
