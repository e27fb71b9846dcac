/* libFuzzer harnesses. Built with clang by 'make fuzz' each harness is one
 * fuzzer (LLVMFuzzerTestOneInput); built into tests/fuzz-replay-test with
 * FUZZ_REPLAY defined, the same function is fuzz_target_NAME and replays the
 * seed corpus and every past finding (tests/data/fuzz-regressions/NAME/). */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#ifdef FUZZ_REPLAY
#define FUZZ_TARGET(name)                                                                          \
        int fuzz_target_##name(const uint8_t *data, size_t size);                                  \
        int fuzz_target_##name(const uint8_t *data, size_t size)
#else
#define FUZZ_TARGET(name)                                                                          \
        int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);                              \
        int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
#endif

/* A property every input must keep; breaking it is a finding like a crash. */
#define FUZZ_ASSERT(cond)                                                                          \
        do {                                                                                       \
                if (!(cond)) {                                                                     \
                        fuzz_fail(__FILE__, __LINE__, #cond);                                      \
                }                                                                                  \
        } while (0)

void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));
/* Quietens the project's logging, once (the fuzzers' output is their own). */
void fuzz_init_once(void);
