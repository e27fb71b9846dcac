/* rpc-bench: the benchmark modes of bench-main.c over libvctl (lib/vctl.h),
 * i.e. vctl's client library and its wire protocol against vctld. */
#include "config.h"

#include "bench.h"
#include "lib/vctl.h"

#include <stdio.h>
#include <string.h>

const char bench_backend_name[] = "vctl";

int bench_backend_init(void)
{
        return 0;
}

const char *bench_last_error(void)
{
        return vctl_last_error_message();
}

bench_conn *bench_open(const char *uri)
{
        vctl_conn *conn = vctl_conn_open(uri, 0);
        if (!conn)
                fprintf(stderr, "error: cannot connect to '%s': %s\n", uri,
                        vctl_last_error_message());
        return (bench_conn *)conn;
}

void bench_close(bench_conn *c)
{
        vctl_conn_close((vctl_conn *)c);
}

int bench_lookup_get_state(bench_conn *c, const char *name)
{
        vctl_domain *dom = vctl_domain_lookup_by_name((vctl_conn *)c, name);
        if (!dom)
                return -1;
        int state, reason;
        int rc = vctl_domain_get_state(dom, &state, &reason);
        vctl_domain_free(dom);
        return rc < 0 ? -1 : 0;
}

int bench_define(bench_conn *c, const char *xml)
{
        vctl_domain *dom = vctl_domain_define_xml((vctl_conn *)c, xml, 0);
        if (!dom)
                return -1;
        vctl_domain_free(dom);
        return 0;
}

int bench_undefine(bench_conn *c, const char *name)
{
        vctl_domain *dom = vctl_domain_lookup_by_name((vctl_conn *)c, name);
        if (!dom)
                return -1;
        int rc = vctl_domain_undefine(dom, 0);
        vctl_domain_free(dom);
        return rc < 0 ? -1 : 0;
}

int bench_list_all(bench_conn *c)
{
        vctl_domain **doms = NULL;
        int n = vctl_conn_list_all_domains((vctl_conn *)c, &doms, 0);
        if (n < 0)
                return -1;
        vctl_domain_list_free(doms);
        return n;
}

int bench_undefine_prefixed(bench_conn *c)
{
        vctl_domain **doms = NULL;
        if (vctl_conn_list_all_domains((vctl_conn *)c, &doms, 0) < 0)
                return -1;
        int undefined = 0;
        for (vctl_domain **d = doms; *d; d++) {
                if (strncmp(vctl_domain_get_name(*d), BENCH_PREFIX, strlen(BENCH_PREFIX)) != 0)
                        continue;
                if (vctl_domain_undefine(*d, 0) < 0) {
                        vctl_domain_list_free(doms);
                        return -1;
                }
                undefined++;
        }
        vctl_domain_list_free(doms);
        return undefined;
}

/* ---- running guests ---- */

bench_dom *bench_dom_lookup(bench_conn *c, const char *name)
{
        return (bench_dom *)vctl_domain_lookup_by_name((vctl_conn *)c, name);
}

void bench_dom_free(bench_dom *d)
{
        vctl_domain_free((vctl_domain *)d);
}

int bench_dom_start(bench_dom *d)
{
        return vctl_domain_create((vctl_domain *)d, 0) < 0 ? -1 : 0;
}

int bench_dom_destroy(bench_dom *d)
{
        return vctl_domain_destroy((vctl_domain *)d, 0) < 0 ? -1 : 0;
}

int bench_dom_is_active(bench_dom *d)
{
        return vctl_domain_is_active((vctl_domain *)d);
}

int bench_dom_undefine(bench_dom *d)
{
        return vctl_domain_undefine((vctl_domain *)d, 0) < 0 ? -1 : 0;
}

bench_stream *bench_console_open(bench_dom *d)
{
        return (bench_stream *)vctl_domain_open_console((vctl_domain *)d, NULL, 0);
}

ssize_t bench_stream_recv(bench_stream *s, char *buf, size_t len)
{
        return vctl_stream_recv((vctl_stream *)s, buf, len);
}

void bench_stream_close(bench_stream *s)
{
        if (!s)
                return;
        vctl_stream_abort((vctl_stream *)s);
        vctl_stream_free((vctl_stream *)s);
}
