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
