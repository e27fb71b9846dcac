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
 *   --mode guests --xml FILE --count N [--burst B] [--timeout S]
 *       real guests: FILE is a domain XML template in which every "@NAME@"
 *       is replaced by the guest's name (bench-g000 ... bench-gNNN; no
 *       <uuid>). Defines bench-g000 ... bench-g<max(N,B)> (after removing
 *       leftovers of those names), starts, reads the console of and destroys
 *       bench-g000 once untimed (warm-up), then N times, one guest after
 *       the other: start, open the first console, read until its first
 *       byte, destroy; then B guests started at once from B threads, each
 *       on its own connection, and destroyed at once. Destroys and
 *       undefines them all at the end. Every call and console read must
 *       finish within S seconds (default 60), else the program exits 1.
 *       prints: start_ms count=N value=MEDIAN p90=... min=... max=...
 *               first_byte_ms ...  (from the start call to the first byte)
 *               destroy_ms ...
 *               burst_per_s guests=B value=GUESTS_PER_S seconds=...
 *                   destroy_s=...
 *
 * Every line starts with the metric, then key=value fields; "value" is the
 * number. Errors go to stderr with a non-zero exit. */
#include "config.h"

#include "bench.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
                "  --mode guests --xml FILE --count N [--burst B] [--timeout S]\n"
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

/* ---- guests ---- */

#define MAX_BURST      100
#define GUEST_NAME_LEN 32

static void guest_name(char *buf, size_t size, long i)
{
        snprintf(buf, size, BENCH_PREFIX "g%03ld", i);
}

static char *read_file(const char *path)
{
        FILE *f = fopen(path, "r");
        if (!f) {
                fprintf(stderr, "error: cannot open '%s': %s\n", path, strerror(errno));
                return NULL;
        }
        size_t len = 0, cap = 4096;
        char *buf = malloc(cap);
        while (buf) {
                len += fread(buf + len, 1, cap - len - 1, f);
                if (len < cap - 1)
                        break; /* the end, or an error */
                char *bigger = cap < (1 << 20) ? realloc(buf, cap * 2) : NULL;
                if (!bigger)
                        free(buf);
                buf = bigger;
                cap *= 2;
        }
        int err = ferror(f);
        fclose(f);
        if (!buf || err) {
                fprintf(stderr, "error: cannot read '%s' (or larger than 1 MiB)\n", path);
                free(buf);
                return NULL;
        }
        buf[len] = '\0';
        return buf;
}

/* The template with every "@NAME@" replaced by name; NULL when out of memory. */
static char *guest_xml(const char *tmpl, const char *name)
{
        static const char key[] = "@NAME@";
        size_t klen = strlen(key), nlen = strlen(name), n = 0;
        for (const char *p = tmpl; (p = strstr(p, key)); p += klen)
                n++;
        char *out = malloc(strlen(tmpl) + n * nlen + 1);
        if (!out)
                return NULL;
        char *o = out;
        const char *p = tmpl, *hit;
        while ((hit = strstr(p, key))) {
                memcpy(o, p, (size_t)(hit - p));
                o += hit - p;
                memcpy(o, name, nlen);
                o += nlen;
                p = hit + klen;
        }
        strcpy(o, p);
        return out;
}

/* A watchdog for blocking calls: SIGALRM ends the program with the step
 * that did not finish. */
static const char *volatile g_step = "a call";
static void on_alarm(int sig)
{
        (void)sig;
        static const char a[] = "error: no answer within the --timeout: ";
        ssize_t r = write(STDERR_FILENO, a, sizeof(a) - 1);
        const char *step = g_step;
        r = write(STDERR_FILENO, step, strlen(step));
        r = write(STDERR_FILENO, "\n", 1);
        (void)r;
        _exit(1);
}

static unsigned g_timeout = 60;
static void step_begin(const char *step)
{
        g_step = step;
        alarm(g_timeout);
}
static void step_end(void)
{
        alarm(0);
}

/* Destroys (if running) and undefines the domain called name, if any. */
static int remove_guest(bench_conn *c, const char *name)
{
        bench_dom *d = bench_dom_lookup(c, name);
        if (!d)
                return 0; /* none */
        int rc = 0;
        int active = bench_dom_is_active(d);
        if (active < 0 || (active == 1 && bench_dom_destroy(d) < 0) || bench_dom_undefine(d) < 0) {
                fprintf(stderr, "error: cannot remove the guest '%s': %s\n", name,
                        bench_last_error());
                rc = -1;
        }
        bench_dom_free(d);
        return rc;
}

typedef struct sample {
        double start_ms, first_byte_ms, destroy_ms;
} sample;

/* One start, first console byte, destroy of the guest called name. */
static int guest_cycle(bench_conn *c, const char *name, sample *out)
{
        int rc = -1;
        bench_stream *st = NULL;
        bench_dom *d = bench_dom_lookup(c, name);
        if (!d) {
                fprintf(stderr, "error: cannot look up '%s': %s\n", name, bench_last_error());
                return -1;
        }
        char buf[4096];
        step_begin("start");
        double t0 = now_s();
        if (bench_dom_start(d) < 0) {
                fprintf(stderr, "error: starting '%s' failed: %s\n", name, bench_last_error());
                goto out;
        }
        double t1 = now_s();
        step_begin("opening the console");
        st = bench_console_open(d);
        if (!st) {
                fprintf(stderr, "error: opening the console of '%s' failed: %s\n", name,
                        bench_last_error());
                goto out;
        }
        step_begin("the first console byte");
        ssize_t n = bench_stream_recv(st, buf, sizeof(buf));
        double t2 = now_s();
        if (n <= 0) {
                fprintf(stderr, "error: the console of '%s' %s before its first byte%s%s\n", name,
                        n == 0 ? "ended" : "failed", n == 0 ? "" : ": ",
                        n == 0 ? "" : bench_last_error());
                goto out;
        }
        step_begin("closing the console");
        bench_stream_close(st);
        st = NULL;
        step_begin("destroy");
        double t3 = now_s();
        if (bench_dom_destroy(d) < 0) {
                fprintf(stderr, "error: destroying '%s' failed: %s\n", name, bench_last_error());
                goto out;
        }
        double t4 = now_s();
        if (out) {
                out->start_ms = (t1 - t0) * 1e3;
                out->first_byte_ms = (t2 - t0) * 1e3;
                out->destroy_ms = (t4 - t3) * 1e3;
        }
        rc = 0;
out:
        step_end();
        bench_stream_close(st);
        bench_dom_free(d);
        return rc;
}

/* median, nearest-rank p90, min, max of v[0..n-1] (sorted in place) */
static void print_stats(const char *metric, double *v, long n)
{
        qsort(v, (size_t)n, sizeof(*v), cmp_double);
        double median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
        long r90 = (long)((9 * n + 9) / 10); /* ceil(0.9 n), 1-based */
        printf("%s count=%ld value=%.1f p90=%.1f min=%.1f max=%.1f backend=%s\n", metric, n, median,
               v[r90 - 1], v[0], v[n - 1], bench_backend_name);
}

typedef struct burster {
        pthread_t thread;
        bench_conn *conn;
        bench_dom *dom;
        pthread_barrier_t *go, *started;
        double t_started, t_destroyed;
        int failed;
        char error[256];
} burster;

static void *burster_run(void *opaque)
{
        burster *b = opaque;
        pthread_barrier_wait(b->go);
        if (bench_dom_start(b->dom) < 0) {
                b->failed = 1;
                snprintf(b->error, sizeof(b->error), "start: %s", bench_last_error());
        }
        b->t_started = now_s();
        pthread_barrier_wait(b->started);
        if (!b->failed && bench_dom_destroy(b->dom) < 0) {
                b->failed = 1;
                snprintf(b->error, sizeof(b->error), "destroy: %s", bench_last_error());
        }
        b->t_destroyed = now_s();
        return NULL;
}

/* B guests started at once from B threads, then destroyed at once. */
static int guest_burst(const char *uri, long burst)
{
        burster *bs = calloc((size_t)burst, sizeof(*bs));
        if (!bs) {
                fprintf(stderr, "error: out of memory\n");
                return -1;
        }
        int rc = -1;
        pthread_barrier_t go, started;
        pthread_barrier_init(&go, NULL, (unsigned)burst + 1);
        pthread_barrier_init(&started, NULL, (unsigned)burst + 1);
        long opened = 0;
        for (; opened < burst; opened++) {
                char name[GUEST_NAME_LEN];
                guest_name(name, sizeof(name), opened + 1);
                bs[opened].conn = bench_open(uri);
                if (!bs[opened].conn)
                        goto out;
                bs[opened].dom = bench_dom_lookup(bs[opened].conn, name);
                if (!bs[opened].dom) {
                        fprintf(stderr, "error: cannot look up '%s': %s\n", name,
                                bench_last_error());
                        bench_close(bs[opened].conn);
                        goto out;
                }
                bs[opened].go = &go;
                bs[opened].started = &started;
        }
        for (long i = 0; i < burst; i++) {
                if (pthread_create(&bs[i].thread, NULL, burster_run, &bs[i]) != 0) {
                        /* the others wait on barriers that will never open */
                        fprintf(stderr, "error: only %ld of %ld threads started\n", i, burst);
                        exit(1);
                }
        }
        /* the whole burst, starts and destroys, under one watchdog period each */
        step_begin("the burst's starts");
        pthread_barrier_wait(&go);
        double t0 = now_s();
        pthread_barrier_wait(&started);
        step_begin("the burst's destroys");
        double t1 = now_s();
        double last_start = t0, last_destroy = t1;
        int failed = 0;
        for (long i = 0; i < burst; i++) {
                pthread_join(bs[i].thread, NULL);
                if (bs[i].t_started > last_start)
                        last_start = bs[i].t_started;
                if (bs[i].t_destroyed > last_destroy)
                        last_destroy = bs[i].t_destroyed;
                if (bs[i].failed) {
                        if (!failed)
                                fprintf(stderr, "error: guest %ld of the burst: %s\n", i + 1,
                                        bs[i].error);
                        failed++;
                }
        }
        step_end();
        if (failed) {
                fprintf(stderr, "error: %d of %ld guests of the burst failed\n", failed, burst);
                goto out;
        }
        double secs = last_start - t0;
        printf("burst_per_s guests=%ld value=%.2f seconds=%.3f destroy_s=%.3f backend=%s\n", burst,
               secs > 0 ? (double)burst / secs : 0.0, secs, last_destroy - t1, bench_backend_name);
        rc = 0;
out:
        for (long i = 0; i < opened; i++) {
                bench_dom_free(bs[i].dom);
                bench_close(bs[i].conn);
        }
        pthread_barrier_destroy(&go);
        pthread_barrier_destroy(&started);
        free(bs);
        return rc;
}

static int mode_guests(const char *uri, const char *xml_path, long count, long burst)
{
        char *tmpl = read_file(xml_path);
        if (!tmpl)
                return 1;
        if (!strstr(tmpl, "@NAME@")) {
                fprintf(stderr, "error: '%s' has no @NAME@ to replace with the guest's name\n",
                        xml_path);
                free(tmpl);
                return 1;
        }
        signal(SIGALRM, on_alarm);
        bench_conn *c = bench_open(uri);
        if (!c) {
                free(tmpl);
                return 1;
        }
        int rc = 1;
        long total = count > burst ? count : burst; /* bench-g001 .. bench-g<total> */
        sample *samples = calloc((size_t)(count ? count : 1), sizeof(*samples));
        double *v = calloc((size_t)(count ? count : 1), sizeof(*v));
        long defined = 0;
        if (!samples || !v) {
                fprintf(stderr, "error: out of memory\n");
                goto out;
        }
        for (long i = 0; i <= total; i++, defined++) {
                char name[GUEST_NAME_LEN];
                guest_name(name, sizeof(name), i);
                step_begin("removing a leftover guest");
                if (remove_guest(c, name) < 0)
                        goto out;
                char *xml = guest_xml(tmpl, name);
                step_begin("define");
                int r = xml ? bench_define(c, xml) : -1;
                step_end();
                free(xml);
                if (r < 0) {
                        fprintf(stderr, "error: defining '%s' failed: %s\n", name,
                                xml ? bench_last_error() : "out of memory");
                        goto out;
                }
        }
        /* untimed warm-up: first start of the QEMU binary, caches of both sides */
        char name[GUEST_NAME_LEN];
        guest_name(name, sizeof(name), 0);
        if (guest_cycle(c, name, NULL) < 0) {
                fprintf(stderr, "error: the warm-up guest failed\n");
                goto out;
        }
        for (long i = 0; i < count; i++) {
                guest_name(name, sizeof(name), i + 1);
                if (guest_cycle(c, name, &samples[i]) < 0)
                        goto out;
        }
        if (count > 0) {
                for (long i = 0; i < count; i++)
                        v[i] = samples[i].start_ms;
                print_stats("start_ms", v, count);
                for (long i = 0; i < count; i++)
                        v[i] = samples[i].first_byte_ms;
                print_stats("first_byte_ms", v, count);
                for (long i = 0; i < count; i++)
                        v[i] = samples[i].destroy_ms;
                print_stats("destroy_ms", v, count);
        }
        if (burst > 0 && guest_burst(uri, burst) < 0)
                goto out;
        rc = 0;
out:
        /* destroy and undefine every guest defined here, also after a failure */
        for (long i = 0; i < defined; i++) {
                guest_name(name, sizeof(name), i);
                step_begin("removing the guests");
                if (remove_guest(c, name) < 0)
                        rc = 1;
        }
        step_end();
        free(samples);
        free(v);
        free(tmpl);
        bench_close(c);
        return rc;
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
                OPT_DOMAIN,
                OPT_XML,
                OPT_BURST,
                OPT_TIMEOUT
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
                {"xml", required_argument, NULL, OPT_XML},
                {"burst", required_argument, NULL, OPT_BURST},
                {"timeout", required_argument, NULL, OPT_TIMEOUT},
                {"help", no_argument, NULL, 'h'},
                {NULL, 0, NULL, 0},
        };
        const char *uri = NULL, *mode = NULL, *domain = BENCH_PREFIX "00001", *xml = NULL;
        long clients = 1, count = -1, from = 1, repeat = 5, burst = 20, timeout = 60;
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
                case OPT_XML:
                        xml = optarg;
                        break;
                case OPT_BURST:
                        if (parse_long("--burst", optarg, 0, MAX_BURST, &burst) < 0)
                                return 2;
                        break;
                case OPT_TIMEOUT:
                        if (parse_long("--timeout", optarg, 1, 3600, &timeout) < 0)
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
                return mode_define(uri, from, count < 0 ? 1000 : count);
        if (!strcmp(mode, "list"))
                return mode_list(uri, repeat);
        if (!strcmp(mode, "undefine-all"))
                return mode_undefine_all(uri);
        if (!strcmp(mode, "guests")) {
                if (!xml) {
                        fprintf(stderr, "error: --mode guests wants --xml FILE\n");
                        return 2;
                }
                if (count > MAX_BURST * 10) {
                        fprintf(stderr, "error: --mode guests takes at most %d for --count\n",
                                MAX_BURST * 10);
                        return 2;
                }
                g_timeout = (unsigned)timeout;
                return mode_guests(uri, xml, count < 0 ? 5 : count, burst);
        }
        fprintf(stderr, "error: unknown --mode '%s' (calls, define, list, undefine-all, guests)\n",
                mode);
        return 2;
}
