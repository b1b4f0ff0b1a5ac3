/*
 * xorshift.h - the small random generator of the tests that compare a
 * module with a plain reference on generated inputs (Marsaglia's 32-bit
 * xorshift with shifts 13, 17, 5): fast, seedable, and the same stream on
 * every machine, so a failure can be replayed.
 */
#ifndef ND_TEST_XORSHIFT_H
#define ND_TEST_XORSHIFT_H

#include <stdint.h>

/* The next value of the stream in *st (which must not be 0). */
static inline uint32_t rng_next(uint32_t *st)
{
    uint32_t x = *st;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *st = x;
}

#endif /* ND_TEST_XORSHIFT_H */
