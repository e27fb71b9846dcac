/* The benchmark harness shared by rpc-bench (libvctl) and libvirt-bench
 * (libvirt's C API): option parsing, timing, threads and the output lines.
 * A backend supplies the calls below; bench-main.c runs the same
 * measurement over either, so the two sets of numbers compare. */
#pragma once

#include <stddef.h>

/* The name prefix of every domain a benchmark defines; undefine-all only
 * touches domains whose name starts with it. */
#define BENCH_PREFIX "bench-"

typedef struct bench_conn bench_conn;

/* The backend's name, printed in the output ("vctl" or "libvirt"). */
extern const char bench_backend_name[];

/* Once, before any other call (library initialisation). 0 or -1. */
int bench_backend_init(void);
/* A new connection to uri, or NULL with a message on stderr. */
bench_conn *bench_open(const char *uri);
void bench_close(bench_conn *c);
/* One lookup by name and one get-state on the domain found: 0 or -1. */
int bench_lookup_get_state(bench_conn *c, const char *name);
/* Define the domain given as XML: 0 or -1 (message on stderr). */
int bench_define(bench_conn *c, const char *xml);
/* Undefine the domain called name: 0 or -1. */
int bench_undefine(bench_conn *c, const char *name);
/* List every domain (flags 0) and free the list: the count, or -1. */
int bench_list_all(bench_conn *c);
/* Undefine every domain whose name starts with BENCH_PREFIX: the number
 * undefined, or -1. */
int bench_undefine_prefixed(bench_conn *c);
/* The message of the last failure of the calling thread; never NULL. */
const char *bench_last_error(void);
