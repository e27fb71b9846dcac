/* The benchmark driver shared by rpc-bench and libvirt-bench (see bench.h).
 *
 *   --mode calls --clients N --seconds S [--domain NAME]
 *       N threads, each on its own connection, loop lookup-by-name +
 *       get-state on one defined domain for S seconds.
 *       prints: calls_per_s clients=N value=CALLS_PER_SECOND ...
 *       (every lookup and every get-state counts as one call)
 *   --mode define --count N [--from K]
 *       defines bench-K ... bench-N (5 digits, deterministic UUIDs, so a
 *       second run updates instead of failing), after an untimed warm-up
 *       define + undefine of bench-00000.
 *       prints: define_s from=K to=N value=SECONDS per_s=...
 *   --mode list --repeat R
 *       R timed list-all-domains(0) calls (after one untimed one).
 *       prints: list_ms count=DOMAINS repeat=R value=MEDIAN_MS min=... max=...
 *   --mode undefine-all
 *       undefines every domain whose name starts with "bench-".
 *       prints: undefine_s count=N value=SECONDS
 *
 * Every line starts with the metric, then key=value fields; "value" is the
 * number. Errors go to stderr with a non-zero exit. */
#include "config.h"

#include "bench.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CLIENTS 1000
#define MAX_COUNT   99999 /* the 5-digit names */

static double now_s(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
        struct timespec ts = {.tv_sec = (time_t)s,
                              .tv_nsec = (long)((s - (double)(time_t)s) * 1e9)};
        while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
                ;
}

static void usage(FILE *f)
{
        fprintf(f,
                "Usage: %s-bench --uri URI --mode MODE [OPTIONS]\n"
                "  --mode calls --clients N --seconds S [--domain NAME]\n"
                "  --mode define --count N [--from K]\n"
                "  --mode list [--repeat R]\n"
                "  --mode undefine-all\n"
                "Prints one line per measurement: METRIC key=value ... value=NUMBER\n",
                bench_backend_name);
}

static int parse_long(const char *opt, const char *s, long min, long max, long *out)
{
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max) {
                fprintf(stderr, "error: %s wants an integer from %ld to %ld, not '%s'\n", opt, min,
                        max, s);
                return -1;
        }
        *out = v;
        return 0;
}

static int parse_seconds(const char *s, double *out)
{
        char *end;
        errno = 0;
        double v = strtod(s, &end);
        if (errno || end == s || *end || !(v > 0 && v <= 3600)) {
                fprintf(stderr,
                        "error: --seconds wants a number above 0 and at most 3600, not '%s'\n", s);
                return -1;
        }
        *out = v;
        return 0;
}

/* ---- calls ---- */

typedef struct worker {
        pthread_t thread;
        bench_conn *conn;
        const char *domain;
        pthread_barrier_t *start;
        atomic_bool *stop;
        uint64_t pairs;
        int failed;
        char error[256];
} worker;

static void *worker_run(void *opaque)
{
        worker *w = opaque;
        pthread_barrier_wait(w->start);
        while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
                if (bench_lookup_get_state(w->conn, w->domain) < 0) {
                        w->failed = 1;
                        snprintf(w->error, sizeof(w->error), "%s", bench_last_error());
                        break;
                }
                w->pairs++;
        }
        return NULL;
}

static int mode_calls(const char *uri, long clients, double seconds, const char *domain)
{
        worker *ws = calloc((size_t)clients, sizeof(*ws));
        if (!ws) {
                fprintf(stderr, "error: out of memory\n");
                return 1;
        }
        int rc = 1;
        long opened = 0;
        pthread_barrier_t start;
        atomic_bool stop = false;
        pthread_barrier_init(&start, NULL, (unsigned)clients + 1);

        for (; opened < clients; opened++) {
                ws[opened].conn = bench_open(uri);
                if (!ws[opened].conn)
                        goto out;
        }
        /* One call first: a missing domain is an error, not a rate. */
        if (bench_lookup_get_state(ws[0].conn, domain) < 0) {
                fprintf(stderr, "error: lookup + get-state of '%s' failed: %s\n", domain,
                        bench_last_error());
                goto out;
        }
        long started = 0;
        for (; started < clients; started++) {
                worker *w = &ws[started];
                w->domain = domain;
                w->start = &start;
                w->stop = &stop;
                if (pthread_create(&w->thread, NULL, worker_run, w) != 0) {
                        fprintf(stderr, "error: cannot start thread %ld\n", started + 1);
                        break;
                }
        }
        if (started < clients) {
                /* the started threads wait on a barrier that counts every
                 * client and will never open: leave without them */
                fprintf(stderr, "error: only %ld of %ld threads started\n", started, clients);
                exit(1);
        }
        pthread_barrier_wait(&start);
        double t0 = now_s();
        sleep_s(seconds);
        atomic_store(&stop, true);
        uint64_t pairs = 0;
        int failed = 0;
        for (long i = 0; i < clients; i++) {
                pthread_join(ws[i].thread, NULL);
                pairs += ws[i].pairs;
                if (ws[i].failed) {
                        if (!failed)
                                fprintf(stderr, "error: client %ld: %s\n", i + 1, ws[i].error);
                        failed++;
                }
        }
        double elapsed = now_s() - t0;
        if (failed) {
                fprintf(stderr, "error: %d of %ld clients failed\n", failed, clients);
                goto out;
        }
        printf("calls_per_s clients=%ld value=%.0f calls=%llu seconds=%.2f backend=%s\n", clients,
               (double)(2 * pairs) / elapsed, (unsigned long long)(2 * pairs), elapsed,
               bench_backend_name);
        rc = 0;
out:
        for (long i = 0; i < opened; i++)
                bench_close(ws[i].conn);
        pthread_barrier_destroy(&start);
        free(ws);
        return rc;
}

/* ---- define ---- */

/* Domain i's XML; i 0 is the warm-up domain BENCH_WARMUP. */
#define BENCH_WARMUP BENCH_PREFIX "00000"
static void domain_xml(char *buf, size_t size, long i)
{
        snprintf(buf, size,
                 "<domain type='qemu'>\n"
                 "  <name>" BENCH_PREFIX "%05ld</name>\n"
                 "  <uuid>b3e7c0de-0000-4000-8000-%012ld</uuid>\n"
                 "  <memory unit='MiB'>64</memory>\n"
                 "  <vcpu>1</vcpu>\n"
                 "  <os><type arch='x86_64'>hvm</type></os>\n"
                 "</domain>\n",
                 i, i);
}

static int mode_define(const char *uri, long from, long count)
{
        bench_conn *c = bench_open(uri);
        if (!c)
                return 1;
        char xml[512];
        /* Untimed: one define + undefine first, so that what a daemon does
         * once (libvirtd probes the QEMU binary's capabilities on the first
         * define) is not charged to the timed loop. */
        domain_xml(xml, sizeof(xml), 0);
        if (bench_define(c, xml) < 0 || bench_undefine(c, BENCH_WARMUP) < 0) {
                fprintf(stderr,
                        "error: the warm-up define + undefine of " BENCH_WARMUP " failed: %s\n",
                        bench_last_error());
                bench_close(c);
                return 1;
        }
        double t0 = now_s();
        for (long i = from; i <= count; i++) {
                domain_xml(xml, sizeof(xml), i);
                if (bench_define(c, xml) < 0) {
                        fprintf(stderr, "error: defining " BENCH_PREFIX "%05ld failed: %s\n", i,
                                bench_last_error());
                        bench_close(c);
                        return 1;
                }
        }
        double elapsed = now_s() - t0;
        long n = count - from + 1;
        printf("define_s from=%ld to=%ld value=%.3f per_s=%.0f backend=%s\n", from, count, elapsed,
               n > 0 && elapsed > 0 ? (double)n / elapsed : 0.0, bench_backend_name);
        bench_close(c);
        return 0;
}

/* ---- list ---- */

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return (x > y) - (x < y);
}

static int mode_list(const char *uri, long repeat)
{
        bench_conn *c = bench_open(uri);
        if (!c)
                return 1;
        double *ms = calloc((size_t)repeat, sizeof(*ms));
        int rc = 1;
        if (!ms) {
                fprintf(stderr, "error: out of memory\n");
                goto out;
        }
        int count = bench_list_all(c); /* untimed: warms caches on both sides */
        if (count < 0) {
                fprintf(stderr, "error: listing domains failed: %s\n", bench_last_error());
                goto out;
        }
        for (long i = 0; i < repeat; i++) {
                double t0 = now_s();
                count = bench_list_all(c);
                ms[i] = (now_s() - t0) * 1e3;
                if (count < 0) {
                        fprintf(stderr, "error: listing domains failed: %s\n", bench_last_error());
                        goto out;
                }
        }
        qsort(ms, (size_t)repeat, sizeof(*ms), cmp_double);
        double median = repeat % 2 ? ms[repeat / 2] : (ms[repeat / 2 - 1] + ms[repeat / 2]) / 2;
        printf("list_ms count=%d repeat=%ld value=%.3f min=%.3f max=%.3f backend=%s\n", count,
               repeat, median, ms[0], ms[repeat - 1], bench_backend_name);
        rc = 0;
out:
        free(ms);
        bench_close(c);
        return rc;
}

/* ---- undefine-all ---- */

static int mode_undefine_all(const char *uri)
{
        bench_conn *c = bench_open(uri);
        if (!c)
                return 1;
        double t0 = now_s();
        int n = bench_undefine_prefixed(c);
        double elapsed = now_s() - t0;
        bench_close(c);
        if (n < 0) {
                fprintf(stderr, "error: undefining the " BENCH_PREFIX "* domains failed: %s\n",
                        bench_last_error());
                return 1;
        }
        printf("undefine_s count=%d value=%.3f backend=%s\n", n, elapsed, bench_backend_name);
        return 0;
}

int main(int argc, char **argv)
{
        enum {
                OPT_URI = 256,
                OPT_MODE,
                OPT_CLIENTS,
                OPT_SECONDS,
                OPT_COUNT,
                OPT_FROM,
                OPT_REPEAT,
                OPT_DOMAIN
        };
        static const struct option opts[] = {
                {"uri", required_argument, NULL, OPT_URI},
                {"mode", required_argument, NULL, OPT_MODE},
                {"clients", required_argument, NULL, OPT_CLIENTS},
                {"seconds", required_argument, NULL, OPT_SECONDS},
                {"count", required_argument, NULL, OPT_COUNT},
                {"from", required_argument, NULL, OPT_FROM},
                {"repeat", required_argument, NULL, OPT_REPEAT},
                {"domain", required_argument, NULL, OPT_DOMAIN},
                {"help", no_argument, NULL, 'h'},
                {NULL, 0, NULL, 0},
        };
        const char *uri = NULL, *mode = NULL, *domain = BENCH_PREFIX "00001";
        long clients = 1, count = 1000, from = 1, repeat = 5;
        double seconds = 5;
        int opt;
        while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
                switch (opt) {
                case OPT_URI:
                        uri = optarg;
                        break;
                case OPT_MODE:
                        mode = optarg;
                        break;
                case OPT_DOMAIN:
                        domain = optarg;
                        break;
                case OPT_CLIENTS:
                        if (parse_long("--clients", optarg, 1, MAX_CLIENTS, &clients) < 0)
                                return 2;
                        break;
                case OPT_COUNT:
                        if (parse_long("--count", optarg, 0, MAX_COUNT, &count) < 0)
                                return 2;
                        break;
                case OPT_FROM:
                        if (parse_long("--from", optarg, 1, MAX_COUNT, &from) < 0)
                                return 2;
                        break;
                case OPT_REPEAT:
                        if (parse_long("--repeat", optarg, 1, 100000, &repeat) < 0)
                                return 2;
                        break;
                case OPT_SECONDS:
                        if (parse_seconds(optarg, &seconds) < 0)
                                return 2;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind < argc || !uri || !mode) {
                usage(stderr);
                return 2;
        }
        if (bench_backend_init() < 0) {
                fprintf(stderr, "error: cannot initialise %s: %s\n", bench_backend_name,
                        bench_last_error());
                return 1;
        }
        /* the output is read by run-bench through a pipe: one line at a time */
        setvbuf(stdout, NULL, _IOLBF, 0);
        if (!strcmp(mode, "calls"))
                return mode_calls(uri, clients, seconds, domain);
        if (!strcmp(mode, "define"))
                return mode_define(uri, from, count);
        if (!strcmp(mode, "list"))
                return mode_list(uri, repeat);
        if (!strcmp(mode, "undefine-all"))
                return mode_undefine_all(uri);
        fprintf(stderr, "error: unknown --mode '%s' (calls, define, list, undefine-all)\n", mode);
        return 2;
}
