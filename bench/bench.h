/* The benchmark harness shared by rpc-bench (libvctl) and libvirt-bench
 * (libvirt's C API): option parsing, timing, threads and the output lines.
 * A backend supplies the calls below; bench-main.c runs the same
 * measurement over either, so the two sets of numbers compare. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

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

/* ---- running guests (--mode guests) ---- */
typedef struct bench_dom bench_dom;
typedef struct bench_stream bench_stream;

/* The domain called name, or NULL (also when there is none). */
bench_dom *bench_dom_lookup(bench_conn *c, const char *name);
void bench_dom_free(bench_dom *d); /* accepts NULL */
/* Start (vctl_domain_create / virDomainCreate) and destroy
 * (vctl_domain_destroy / virDomainDestroy), flags 0: 0 or -1. */
int bench_dom_start(bench_dom *d);
int bench_dom_destroy(bench_dom *d);
/* 1 running, 0 not, -1 error. */
int bench_dom_is_active(bench_dom *d);
/* Undefine this (inactive, persistent) domain: 0 or -1. */
int bench_dom_undefine(bench_dom *d);
/* Open the domain's first console as a blocking stream, or NULL. */
bench_stream *bench_console_open(bench_dom *d);
/* Blocks until data arrives: its length, 0 at the end, -1 on error. */
ssize_t bench_stream_recv(bench_stream *s, char *buf, size_t len);
/* Abort the stream and free it; accepts NULL. */
void bench_stream_close(bench_stream *s);

/* The message of the last failure of the calling thread; never NULL. */
const char *bench_last_error(void);
