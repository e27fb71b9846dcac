/* libvirt-bench: the benchmark modes of bench-main.c over libvirt's C API,
 * to run the same measurements against Debian's libvirtd. Built only when
 * libvirt's development files are present (configure's HAVE_LIBVIRT). */
#include "config.h"

#include "bench.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char bench_backend_name[] = "libvirt";

static void quiet_error(void *opaque, virErrorPtr err)
{
        /* libvirt prints every error by default; bench_last_error reports them */
        (void)opaque;
        (void)err;
}

int bench_backend_init(void)
{
        if (virInitialize() < 0)
                return -1;
        virSetErrorFunc(NULL, quiet_error);
        return 0;
}

const char *bench_last_error(void)
{
        const char *msg = virGetLastErrorMessage();
        return msg ? msg : "unknown libvirt error";
}

bench_conn *bench_open(const char *uri)
{
        virConnectPtr conn = virConnectOpen(uri);
        if (!conn)
                fprintf(stderr, "error: cannot connect to '%s': %s\n", uri, bench_last_error());
        return (bench_conn *)conn;
}

void bench_close(bench_conn *c)
{
        if (c)
                virConnectClose((virConnectPtr)c);
}

int bench_lookup_get_state(bench_conn *c, const char *name)
{
        virDomainPtr dom = virDomainLookupByName((virConnectPtr)c, name);
        if (!dom)
                return -1;
        int state, reason;
        int rc = virDomainGetState(dom, &state, &reason, 0);
        virDomainFree(dom);
        return rc < 0 ? -1 : 0;
}

int bench_define(bench_conn *c, const char *xml)
{
        virDomainPtr dom = virDomainDefineXML((virConnectPtr)c, xml);
        if (!dom)
                return -1;
        virDomainFree(dom);
        return 0;
}

int bench_undefine(bench_conn *c, const char *name)
{
        virDomainPtr dom = virDomainLookupByName((virConnectPtr)c, name);
        if (!dom)
                return -1;
        int rc = virDomainUndefine(dom);
        virDomainFree(dom);
        return rc < 0 ? -1 : 0;
}

static void free_list(virDomainPtr *doms, int n)
{
        for (int i = 0; i < n; i++)
                virDomainFree(doms[i]);
        free(doms);
}

int bench_list_all(bench_conn *c)
{
        virDomainPtr *doms = NULL;
        int n = virConnectListAllDomains((virConnectPtr)c, &doms, 0);
        if (n < 0)
                return -1;
        free_list(doms, n);
        return n;
}

int bench_undefine_prefixed(bench_conn *c)
{
        virDomainPtr *doms = NULL;
        int n = virConnectListAllDomains((virConnectPtr)c, &doms, 0);
        if (n < 0)
                return -1;
        int undefined = 0;
        for (int i = 0; i < n; i++) {
                const char *name = virDomainGetName(doms[i]);
                if (!name || strncmp(name, BENCH_PREFIX, strlen(BENCH_PREFIX)) != 0)
                        continue;
                if (virDomainUndefine(doms[i]) < 0) {
                        free_list(doms, n);
                        return -1;
                }
                undefined++;
        }
        free_list(doms, n);
        return undefined;
}

/* ---- running guests ---- */

bench_dom *bench_dom_lookup(bench_conn *c, const char *name)
{
        return (bench_dom *)virDomainLookupByName((virConnectPtr)c, name);
}

void bench_dom_free(bench_dom *d)
{
        if (d)
                virDomainFree((virDomainPtr)d);
}

int bench_dom_start(bench_dom *d)
{
        return virDomainCreate((virDomainPtr)d) < 0 ? -1 : 0;
}

int bench_dom_destroy(bench_dom *d)
{
        return virDomainDestroy((virDomainPtr)d) < 0 ? -1 : 0;
}

int bench_dom_is_active(bench_dom *d)
{
        return virDomainIsActive((virDomainPtr)d);
}

int bench_dom_undefine(bench_dom *d)
{
        return virDomainUndefine((virDomainPtr)d) < 0 ? -1 : 0;
}

bench_stream *bench_console_open(bench_dom *d)
{
        virStreamPtr st = virStreamNew(virDomainGetConnect((virDomainPtr)d), 0);
        if (!st)
                return NULL;
        if (virDomainOpenConsole((virDomainPtr)d, NULL, st, 0) < 0) {
                virStreamFree(st);
                return NULL;
        }
        return (bench_stream *)st;
}

ssize_t bench_stream_recv(bench_stream *s, char *buf, size_t len)
{
        int n = virStreamRecv((virStreamPtr)s, buf, len);
        return n < 0 ? -1 : n;
}

void bench_stream_close(bench_stream *s)
{
        if (!s)
                return;
        virStreamAbort((virStreamPtr)s);
        virStreamFree((virStreamPtr)s);
}
