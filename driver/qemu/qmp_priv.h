/* The QMP client's parser without a socket or a thread: for the fuzzer
 * (tests/fuzz/fuzz-qmp.c) and the replay of its findings in make check. */
#pragma once

#include "driver/qemu/qmp.h"

#include <stddef.h>

/* Feeds data to a fresh monitor named name, as if QEMU had sent it, in reads
 * of at most chunk bytes (0: all at once). Replies to the ids "vctl-1" ..
 * "vctl-<waiters>" (at most 8) reach waiters as qmp_execute()'s would; events
 * reach event_cb. Returns the number of replies that reached a waiter, or -1
 * when the input broke the connection (the reason is logged at debug level
 * or as a warning, as for a real monitor). */
int qmp_parse_feed(const char *name, const guint8 *data, size_t len, size_t chunk,
                   unsigned int waiters, qmp_event_cb event_cb, void *opaque);
