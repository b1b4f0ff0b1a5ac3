/*
 * hash.h - the one place that includes xxHash.
 *
 * XXH_INLINE_ALL makes every xxHash function static inline in the including
 * file, so no XXH symbol leaks out of libneardup and the compiler can inline
 * XXH3 into the shingle loop.
 */
#ifndef ND_HASH_H
#define ND_HASH_H

#define XXH_INLINE_ALL
#include <xxhash.h>

#endif /* ND_HASH_H */
