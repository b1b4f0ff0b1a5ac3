/*
 * fuzz.h - what every fuzz target shares: the libFuzzer entry point and a
 * check that stops the run.
 *
 * A target is built one of two ways. With ND_FUZZ and clang, libFuzzer
 * supplies main() and mutates inputs; otherwise replay.c supplies a main()
 * that feeds the target each file of its saved corpus, so ctest runs the
 * corpus on every build, gcc and the sanitizer build included. Either way
 * a broken invariant must end the process loudly: libFuzzer then saves the
 * input as a crash, and ctest sees the test fail. FUZZ_CHECK aborts, which
 * both of them notice.
 */
#ifndef ND_FUZZ_H
#define ND_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* The target: runs one input; always returns 0 (libFuzzer reserves other
   values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with the place and the condition when cond is false. */
#define FUZZ_CHECK(cond)                                                     \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__,      \
                    __LINE__, #cond);                                        \
            abort();                                                         \
        }                                                                    \
    } while (0)

#endif /* ND_FUZZ_H */
