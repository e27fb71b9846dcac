#include "config.h"

#include "network_conf.h"
#include "xml.h"
#include "lib/util/error.h"
#include "lib/util/name.h"
#include "lib/util/i18n.h"

#include <arpa/inet.h>
#include <string.h>

static const char *const forward_modes[] = {"nat", "route", "open", "bridge", NULL};

const char *network_forward_mode_name(network_forward_mode mode)
{
        if (mode == NETWORK_FORWARD_NONE || mode > NETWORK_FORWARD_BRIDGE)
                return "none";
        return forward_modes[mode - 1];
}

struct in_addr network_prefix_to_netmask(unsigned int prefix)
{
        struct in_addr a;
        guint32 m = prefix == 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);

        a.s_addr = htonl(m);
        return a;
}

/* ---- freeing ---- */

static void network_dhcp_host_free(network_dhcp_host *h)
{
        if (!h)
                return;
        g_free(h->name);
        g_free(h);
}

static void network_dns_host_free(network_dns_host *h)
{
        if (!h)
                return;
        g_clear_pointer(&h->hostnames, g_ptr_array_unref);
        g_free(h);
}

static void network_ip_free(network_ip *ip)
{
        if (!ip)
                return;
        g_clear_pointer(&ip->dhcp_ranges, g_array_unref);
        g_clear_pointer(&ip->dhcp_hosts, g_ptr_array_unref);
        g_free(ip);
}

void network_def_free(network_def *def)
{
        if (!def)
                return;
        g_free(def->name);
        g_free(def->forward_dev);
        g_free(def->bridge_name);
        g_free(def->domain_name);
        g_clear_pointer(&def->dns_hosts, g_ptr_array_unref);
        g_clear_pointer(&def->ips, g_ptr_array_unref);
        g_free(def);
}

const network_ip *network_def_dhcp_ip(const network_def *def)
{
        for (guint i = 0; i < def->ips->len; i++) {
                const network_ip *ip = g_ptr_array_index(def->ips, i);

                if (ip->has_dhcp)
                        return ip;
        }
        return NULL;
}

/* ---- small parsers ---- */

static const char *node_name(const xmlNode *node)
{
        return (const char *)node->name;
}

/* An IPv4 address from attribute attr of node; FALSE (reported) when invalid.
 * Absent: FALSE, reported only when required. */
static gboolean network_parse_ipv4(conf_ctx *ctx, xmlNode *node, const char *attr,
                                   gboolean required, struct in_addr *ret)
{
        const char *v = required ? conf_attr_req(ctx, node, attr) : conf_attr(node, attr);
        struct in6_addr a6;

        if (!v)
                return FALSE;
        if (inet_pton(AF_INET, v, ret) == 1)
                return TRUE;
        if (inet_pton(AF_INET6, v, &a6) == 1)
                conf_err(ctx, node,
                         _("IPv6 address '%s' in attribute '%s' of <%s> is not supported "
                           "(vctl networks are IPv4 only)"),
                         v, attr, node_name(node));
        else
                conf_err(ctx, node,
                         _("invalid IPv4 address '%s' in attribute '%s' of <%s> "
                           "(expected four decimal numbers, as in '192.168.122.1')"),
                         v, attr, node_name(node));
        return FALSE;
}

static gboolean network_parse_mac(conf_ctx *ctx, xmlNode *node, const char *v,
                                  unsigned char ret[NETWORK_MAC_LEN])
{
        unsigned char mac[NETWORK_MAC_LEN];
        const char *p = v;

        for (int i = 0; i < NETWORK_MAC_LEN; i++) {
                int hi = g_ascii_xdigit_value(p[0]);
                int lo = hi < 0 ? -1 : g_ascii_xdigit_value(p[1]);

                if (hi < 0 || lo < 0 || (i < NETWORK_MAC_LEN - 1 && p[2] != ':'))
                        goto bad;
                mac[i] = (unsigned char)(hi << 4 | lo);
                p += i < NETWORK_MAC_LEN - 1 ? 3 : 2;
        }
        if (*p)
                goto bad;
        if (mac[0] & 1) {
                conf_err(ctx, node,
                         _("MAC address '%s' of <%s> is a multicast address (the lowest bit of "
                           "the first byte must be 0, as in '52:54:00:12:34:56')"),
                         v, node_name(node));
                return FALSE;
        }
        memcpy(ret, mac, NETWORK_MAC_LEN);
        return TRUE;
bad:
        conf_err(ctx, node,
                 _("invalid MAC address '%s' of <%s> (expected six hex byte pairs separated "
                   "by ':', as in '52:54:00:12:34:56')"),
                 v, node_name(node));
        return FALSE;
}

static void network_format_mac(const unsigned char mac[NETWORK_MAC_LEN], char buf[18])
{
        g_snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
                   mac[5]);
}

/* Interface names become kernel link names: IFNAMSIZ, no '/', no blanks. */
static gboolean network_ifname_valid(conf_ctx *ctx, xmlNode *node, const char *what, const char *v)
{
        if (!*v) {
                /* TRANSLATORS: %s is a field: "bridge name", "forward dev", ... */
                conf_err(ctx, node, _("%s must not be empty"), what);
                return FALSE;
        }
        if (strlen(v) > NETWORK_BRIDGE_NAME_MAX) {
                conf_err(ctx, node, _("%s '%s' is %zu bytes long; the limit is %d (IFNAMSIZ - 1)"),
                         what, v, strlen(v), NETWORK_BRIDGE_NAME_MAX);
                return FALSE;
        }
        if (strcmp(v, ".") == 0 || strcmp(v, "..") == 0) {
                conf_err(ctx, node, _("%s '%s' is not allowed"), what, v);
                return FALSE;
        }
        for (const char *p = v; *p; p++) {
                if (*p == '/' || *p == ':' || g_ascii_isspace(*p) || (unsigned char)*p < 0x20 ||
                    *p == 0x7f) {
                        conf_err(ctx, node,
                                 _("%s '%s' must not contain '/', ':', blanks or control "
                                   "characters"),
                                 what, v);
                        return FALSE;
                }
        }
        return TRUE;
}

/* DNS names: letters, digits, '-', '_' and '.' separated labels. */
static gboolean network_dns_name_valid(const char *v)
{
        size_t len = strlen(v);

        if (len == 0 || len > 253 || v[0] == '.' || v[0] == '-' || strstr(v, ".."))
                return FALSE;
        for (const char *p = v; *p; p++)
                if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
                        return FALSE;
        return TRUE;
}

static guint32 host_order(struct in_addr a)
{
        return ntohl(a.s_addr);
}

static gboolean network_ip_contains(const network_ip *ip, struct in_addr a)
{
        guint32 mask = ntohl(network_prefix_to_netmask(ip->prefix).s_addr);

        return (host_order(a) & mask) == (host_order(ip->address) & mask);
}

/* The network or broadcast address of the subnet (meaningless below /31). */
static gboolean network_ip_is_edge(const network_ip *ip, struct in_addr a)
{
        guint32 mask = ntohl(network_prefix_to_netmask(ip->prefix).s_addr);
        guint32 v = host_order(a);

        if (ip->prefix >= 31)
                return FALSE;
        return (v & ~mask) == 0 || (v & ~mask) == ~mask;
}

static void network_ip_string(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
        inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

static char *network_subnet_string(const network_ip *ip)
{
        char buf[INET_ADDRSTRLEN];
        struct in_addr net;

        net.s_addr = ip->address.s_addr & network_prefix_to_netmask(ip->prefix).s_addr;
        network_ip_string(net, buf);
        return g_strdup_printf("%s/%u", buf, ip->prefix);
}

/* ---- parsing ---- */

static void network_parse_forward(conf_ctx *ctx, network_def *def, xmlNode *root)
{
        xmlNode *fwd = conf_child(ctx, root, "forward", TRUE);
        xmlNode *nat;
        const char *dev;
        int mode;
        int nifs = 0;

        if (!fwd)
                return;
        /* libvirt's default for <forward/> without a mode is nat */
        mode = conf_attr_enum(ctx, fwd, "mode", forward_modes, 0);
        if (mode < 0) {
                conf_consume_subtree(fwd);
                return;
        }
        def->forward_mode = (network_forward_mode)(mode + 1);

        dev = conf_attr(fwd, "dev");
        if (dev && network_ifname_valid(ctx, fwd, _("forward dev"), dev))
                def->forward_dev = g_strdup(dev);
        /* net-dumpxml repeats dev as <interface dev=.../>, so accept that back */
        conf_foreach(ifn, fwd, "interface")
        {
                const char *idev = conf_attr_req(ctx, ifn, "dev");

                if (++nifs > 1) {
                        conf_err(ctx, ifn, _("only one <interface> in <forward> is supported"));
                        continue;
                }
                if (!idev || !network_ifname_valid(ctx, ifn, _("forward interface dev"), idev))
                        continue;
                if (dev && strcmp(dev, idev) != 0)
                        conf_err(ctx, ifn,
                                 _("<interface dev='%s'> does not match <forward dev='%s'>"), idev,
                                 dev);
                else if (!def->forward_dev)
                        def->forward_dev = g_strdup(idev);
        }
        if ((dev || nifs) && (def->forward_mode == NETWORK_FORWARD_OPEN ||
                              def->forward_mode == NETWORK_FORWARD_BRIDGE))
                conf_err(ctx, fwd,
                         _("a forward device is not supported with forward mode '%s' "
                           "(only 'nat' and 'route' take one)"),
                         network_forward_mode_name(def->forward_mode));

        nat = conf_child(ctx, fwd, "nat", TRUE);
        if (nat) {
                xmlNode *port = conf_child(ctx, nat, "port", TRUE);
                unsigned long long start = 0, end = 0;
                gboolean ok;

                if (def->forward_mode != NETWORK_FORWARD_NAT) {
                        conf_err(ctx, nat,
                                 _("<nat> is only allowed with forward mode 'nat', not '%s'"),
                                 network_forward_mode_name(def->forward_mode));
                        conf_consume_subtree(nat);
                        return;
                }
                if (!port)
                        return;
                ok = conf_attr_uint(ctx, port, "start", 65535, &start);
                if (!conf_attr(port, "start"))
                        conf_err(ctx, port, _("missing attribute 'start' of <port>"));
                ok = conf_attr_uint(ctx, port, "end", 65535, &end) && ok;
                if (!conf_attr(port, "end"))
                        conf_err(ctx, port, _("missing attribute 'end' of <port>"));
                if (!ok)
                        return;
                if (start == 0 || start > end) {
                        conf_err(ctx, port,
                                 _("invalid NAT port range %llu-%llu (expected 1 <= start <= end "
                                   "<= 65535)"),
                                 start, end);
                        return;
                }
                def->nat_port_start = (unsigned int)start;
                def->nat_port_end = (unsigned int)end;
        }
}

static void network_parse_bridge(conf_ctx *ctx, network_def *def, xmlNode *root)
{
        static const char *const offon[] = {"off", "on", NULL};
        xmlNode *br = conf_child(ctx, root, "bridge", TRUE);
        const char *name;
        unsigned long long delay;
        int stp;

        if (!br)
                return;
        name = conf_attr(br, "name");
        if (name && network_ifname_valid(ctx, br, _("bridge name"), name))
                def->bridge_name = g_strdup(name);
        stp = conf_attr_enum(ctx, br, "stp", offon, 1);
        if (stp >= 0)
                def->stp = stp == 1;
        if (conf_attr_uint(ctx, br, "delay", NETWORK_BRIDGE_DELAY_MAX, &delay))
                def->delay = (unsigned long)delay;
        if (def->forward_mode == NETWORK_FORWARD_BRIDGE &&
            (conf_attr(br, "stp") || conf_attr(br, "delay")))
                conf_err(ctx, br,
                         _("bridge attributes 'stp' and 'delay' are not allowed with forward mode "
                           "'bridge' (the host bridge is configured outside vctl)"));
}

static void network_parse_domain(conf_ctx *ctx, network_def *def, xmlNode *root)
{
        xmlNode *dom = conf_child(ctx, root, "domain", TRUE);
        const char *name;

        if (!dom)
                return;
        name = conf_attr_req(ctx, dom, "name");
        if (name && !network_dns_name_valid(name))
                conf_err(ctx, dom,
                         _("invalid DNS domain name '%s' in <domain> (use letters, digits, '-' and "
                           "'.', as in 'example.lan')"),
                         name);
        else if (name)
                def->domain_name = g_strdup(name);
        def->domain_local_only = conf_attr_yesno(ctx, dom, "localOnly", -1);
        if (def->domain_local_only < 0)
                def->domain_local_only = -1;
}

static void network_parse_dns(conf_ctx *ctx, network_def *def, xmlNode *root)
{
        xmlNode *dns = conf_child(ctx, root, "dns", TRUE);

        if (!dns)
                return;
        conf_foreach(hn, dns, "host")
        {
                g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
                network_dns_host *h;
                struct in_addr ip;
                gboolean ok = network_parse_ipv4(ctx, hn, "ip", TRUE, &ip);

                conf_foreach(nn, hn, "hostname")
                {
                        g_autofree char *t = conf_text(nn);

                        if (!network_dns_name_valid(t)) {
                                conf_err(ctx, nn,
                                         _("invalid host name '%s' in <hostname> (use letters, "
                                           "digits, '-' and '.')"),
                                         t);
                                ok = FALSE;
                        } else if (names->len >= NETWORK_MAX_HOSTNAMES) {
                                conf_err(ctx, nn, _("more than %d <hostname> in one <host>"),
                                         NETWORK_MAX_HOSTNAMES);
                                ok = FALSE;
                        } else {
                                g_ptr_array_add(names, g_steal_pointer(&t));
                        }
                }
                if (names->len == 0 && ok) {
                        conf_err(ctx, hn, _("<host> in <dns> needs at least one <hostname>"));
                        ok = FALSE;
                }
                if (!ok)
                        continue;
                if (def->dns_hosts->len >= NETWORK_MAX_DNS_HOSTS) {
                        conf_err(ctx, hn, _("more than %d <host> in <dns>"), NETWORK_MAX_DNS_HOSTS);
                        break;
                }
                h = g_new0(network_dns_host, 1);
                h->ip = ip;
                h->hostnames = g_steal_pointer(&names);
                g_ptr_array_add(def->dns_hosts, h);
        }
}

static void network_parse_dhcp(conf_ctx *ctx, network_ip *ip, xmlNode *dhcp)
{
        g_autofree char *subnet = network_subnet_string(ip);
        char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

        conf_foreach(rn, dhcp, "range")
        {
                network_dhcp_range r;
                gboolean ok = network_parse_ipv4(ctx, rn, "start", TRUE, &r.start);

                ok = network_parse_ipv4(ctx, rn, "end", TRUE, &r.end) && ok;
                if (!ok)
                        continue;
                network_ip_string(r.start, a);
                network_ip_string(r.end, b);
                if (!network_ip_contains(ip, r.start) || !network_ip_contains(ip, r.end)) {
                        conf_err(ctx, rn, _("DHCP range %s - %s is not inside the subnet %s"), a, b,
                                 subnet);
                        continue;
                }
                if (host_order(r.start) > host_order(r.end)) {
                        conf_err(ctx, rn,
                                 _("DHCP range %s - %s is reversed (start must not be after end)"),
                                 a, b);
                        continue;
                }
                if (network_ip_is_edge(ip, r.start) || network_ip_is_edge(ip, r.end)) {
                        conf_err(ctx, rn,
                                 _("DHCP range %s - %s includes the network or broadcast address "
                                   "of %s"),
                                 a, b, subnet);
                        continue;
                }
                if (ip->dhcp_ranges->len >= NETWORK_MAX_DHCP_RANGES) {
                        conf_err(ctx, rn, _("more than %d <range> in <dhcp>"),
                                 NETWORK_MAX_DHCP_RANGES);
                        break;
                }
                g_array_append_val(ip->dhcp_ranges, r);
        }
        conf_foreach(hn, dhcp, "host")
        {
                const char *mac = conf_attr(hn, "mac");
                const char *name = conf_attr(hn, "name");
                network_dhcp_host h = {0};
                gboolean ok = network_parse_ipv4(ctx, hn, "ip", TRUE, &h.ip);

                if (!mac && !name) {
                        conf_err(ctx, hn, _("DHCP <host> needs a 'mac' or a 'name' attribute"));
                        ok = FALSE;
                }
                if (mac) {
                        h.has_mac = network_parse_mac(ctx, hn, mac, h.mac);
                        ok = ok && h.has_mac;
                }
                if (name && !network_dns_name_valid(name)) {
                        conf_err(
                                ctx, hn,
                                _("invalid host name '%s' in DHCP <host> (use letters, digits, '-' "
                                  "and '.')"),
                                name);
                        ok = FALSE;
                }
                if (!ok)
                        continue;
                network_ip_string(h.ip, a);
                if (!network_ip_contains(ip, h.ip) || network_ip_is_edge(ip, h.ip)) {
                        conf_err(ctx, hn,
                                 _("DHCP host address %s is not a host address of the subnet %s"),
                                 a, subnet);
                        continue;
                }
                for (guint i = 0; i < ip->dhcp_hosts->len; i++) {
                        const network_dhcp_host *o = g_ptr_array_index(ip->dhcp_hosts, i);

                        if (h.has_mac && o->has_mac &&
                            memcmp(o->mac, h.mac, NETWORK_MAC_LEN) == 0) {
                                char m[18];

                                network_format_mac(h.mac, m);
                                conf_err(ctx, hn, _("duplicate DHCP host MAC address %s"), m);
                                ok = FALSE;
                                break;
                        }
                        if (o->ip.s_addr == h.ip.s_addr) {
                                conf_err(ctx, hn, _("duplicate DHCP host address %s"), a);
                                ok = FALSE;
                                break;
                        }
                }
                if (!ok)
                        continue;
                if (ip->dhcp_hosts->len >= NETWORK_MAX_DHCP_HOSTS) {
                        conf_err(ctx, hn, _("more than %d <host> in <dhcp>"),
                                 NETWORK_MAX_DHCP_HOSTS);
                        break;
                }
                {
                        network_dhcp_host *copy = g_new0(network_dhcp_host, 1);

                        *copy = h;
                        copy->name = g_strdup(name);
                        g_ptr_array_add(ip->dhcp_hosts, copy);
                }
        }
}

static network_ip *network_ip_new(void)
{
        network_ip *ip = g_new0(network_ip, 1);

        ip->dhcp_ranges = g_array_new(FALSE, TRUE, sizeof(network_dhcp_range));
        ip->dhcp_hosts = g_ptr_array_new_with_free_func((GDestroyNotify)network_dhcp_host_free);
        return ip;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(network_ip, network_ip_free)

static gboolean network_parse_ip_one(conf_ctx *ctx, network_def *def, xmlNode *ipn)
{
        g_autoptr(network_ip) ip = network_ip_new();
        const char *family = conf_attr(ipn, "family");
        const char *netmask_s, *prefix_s;
        unsigned long long prefix;
        xmlNode *dhcp;
        char a[INET_ADDRSTRLEN];

        if (family && strcmp(family, "ipv6") == 0) {
                conf_err(ctx, ipn,
                         _("IPv6 networks (<ip family='ipv6'>) are not supported; use an "
                           "IPv4 <ip>"));
                return FALSE;
        }
        if (family && strcmp(family, "ipv4") != 0) {
                conf_err(ctx, ipn,
                         _("invalid value '%s' for attribute 'family' of <ip> (expected 'ipv4')"),
                         family);
                return FALSE;
        }
        ip->family_given = family != NULL;
        if (!network_parse_ipv4(ctx, ipn, "address", TRUE, &ip->address))
                return FALSE;
        network_ip_string(ip->address, a);
        netmask_s = conf_attr(ipn, "netmask");
        prefix_s = conf_attr(ipn, "prefix");
        if (netmask_s && prefix_s) {
                conf_err(ctx, ipn,
                         _("<ip address='%s'> has both 'netmask' and 'prefix'; give only one"), a);
                return FALSE;
        }
        if (netmask_s) {
                struct in_addr m;
                guint32 inv;

                if (!network_parse_ipv4(ctx, ipn, "netmask", TRUE, &m))
                        return FALSE;
                inv = ~host_order(m);
                if ((inv & (inv + 1)) != 0) {
                        conf_err(ctx, ipn,
                                 _("netmask '%s' of <ip> is not contiguous (ones then zeros, as in "
                                   "'255.255.255.0')"),
                                 netmask_s);
                        return FALSE;
                }
                ip->prefix = 32 - (unsigned int)__builtin_popcount(inv);
                ip->netmask_given = TRUE;
        } else if (prefix_s) {
                if (!conf_attr_uint(ctx, ipn, "prefix", 32, &prefix))
                        return FALSE;
                ip->prefix = (unsigned int)prefix;
        } else {
                conf_err(ctx, ipn, _("<ip address='%s'> needs a 'netmask' or a 'prefix'"), a);
                return FALSE;
        }
        if (network_ip_is_edge(ip, ip->address)) {
                g_autofree char *subnet = network_subnet_string(ip);

                conf_err(ctx, ipn,
                         _("address %s is the network or broadcast address of %s; use a host "
                           "address such as the first one"),
                         a, subnet);
                return FALSE;
        }
        dhcp = conf_child(ctx, ipn, "dhcp", TRUE);
        if (dhcp) {
                if (network_def_dhcp_ip(def)) {
                        conf_err(ctx, dhcp, _("only one <ip> of a network may have <dhcp>"));
                        return FALSE;
                }
                ip->has_dhcp = TRUE;
                network_parse_dhcp(ctx, ip, dhcp);
        }
        if (def->ips->len >= NETWORK_MAX_IPS) {
                conf_err(ctx, ipn, _("more than %d <ip> in a network"), NETWORK_MAX_IPS);
                return FALSE;
        }
        g_ptr_array_add(def->ips, g_steal_pointer(&ip));
        return TRUE;
}

static void network_parse_ip(conf_ctx *ctx, network_def *def, xmlNode *ipn)
{
        /* after an error, what the rest of <ip> holds would only add noise */
        if (!network_parse_ip_one(ctx, def, ipn))
                conf_consume_subtree(ipn);
}

static void *network_parse_root(conf_ctx *ctx, xmlNode *root)
{
        network_def *def = g_new0(network_def, 1);
        xmlNode *n;

        def->stp = TRUE;
        def->domain_local_only = -1;
        def->dns_hosts = g_ptr_array_new_with_free_func((GDestroyNotify)network_dns_host_free);
        def->ips = g_ptr_array_new_with_free_func((GDestroyNotify)network_ip_free);

        def->name = conf_parse_name(ctx, root);
        conf_parse_uuid(ctx, root, def->uuid);

        network_parse_forward(ctx, def, root);
        network_parse_bridge(ctx, def, root);
        n = conf_child(ctx, root, "mac", TRUE);
        if (n) {
                const char *mac = conf_attr_req(ctx, n, "address");

                if (mac)
                        def->has_mac = network_parse_mac(ctx, n, mac, def->mac);
        }
        network_parse_domain(ctx, def, root);
        network_parse_dns(ctx, def, root);
        conf_foreach(ipn, root, "ip")
        {
                network_parse_ip(ctx, def, ipn);
        }

        if (def->forward_mode == NETWORK_FORWARD_BRIDGE) {
                static const char *const host_side[] = {"mac", "domain", "dns", "ip"};

                if (!def->bridge_name)
                        conf_err(ctx, conf_first(root, "forward"),
                                 _("forward mode 'bridge' needs the host bridge's name in "
                                   "<bridge name='...'/>"));
                for (size_t i = 0; i < G_N_ELEMENTS(host_side); i++) {
                        n = conf_first(root, host_side[i]);
                        if (n)
                                conf_err(ctx, n,
                                         _("<%s> is not allowed with forward mode 'bridge' (the "
                                           "host bridge is configured outside vctl)"),
                                         host_side[i]);
                }
        }
        return def;
}

network_def *network_def_parse(const char *xml, size_t len, GPtrArray **ret_issues)
{
        return conf_parse_document(N_("network"), "network", xml, len, network_parse_root,
                                   (GDestroyNotify)network_def_free, ret_issues);
}

/* ---- formatting ---- */

static void network_format_forward(conf_buf *b, const network_def *def)
{
        g_autoptr(GString) attrs = g_string_new(NULL);

        if (def->forward_mode == NETWORK_FORWARD_NONE)
                return;
        conf_attr_add(attrs, "dev", def->forward_dev);
        conf_attr_add(attrs, "mode", network_forward_mode_name(def->forward_mode));
        if (!def->forward_dev && !def->nat_port_start) {
                conf_buf_add_raw(b, "<forward%s/>", attrs->str);
                return;
        }
        conf_buf_add_raw(b, "<forward%s>", attrs->str);
        b->indent++;
        if (def->nat_port_start) {
                conf_buf_push(b, "<nat>");
                conf_buf_add(b, "<port start='%u' end='%u'/>", def->nat_port_start,
                             def->nat_port_end);
                conf_buf_pop(b, "</nat>");
        }
        if (def->forward_dev)
                conf_buf_add(b, "<interface dev='%s'/>", def->forward_dev);
        conf_buf_pop(b, "</forward>");
}

static void network_format_ip(conf_buf *b, const network_ip *ip)
{
        g_autoptr(GString) attrs = g_string_new(NULL);
        char a[INET_ADDRSTRLEN], c[INET_ADDRSTRLEN];

        if (ip->family_given)
                conf_attr_add(attrs, "family", "ipv4");
        network_ip_string(ip->address, a);
        conf_attr_add(attrs, "address", a);
        if (ip->netmask_given) {
                network_ip_string(network_prefix_to_netmask(ip->prefix), c);
                conf_attr_add(attrs, "netmask", c);
        } else {
                conf_attr_addf(attrs, "prefix", "%u", ip->prefix);
        }
        if (!ip->has_dhcp || (ip->dhcp_ranges->len == 0 && ip->dhcp_hosts->len == 0)) {
                conf_buf_add_raw(b, "<ip%s/>", attrs->str);
                return;
        }
        conf_buf_add_raw(b, "<ip%s>", attrs->str);
        b->indent++;
        conf_buf_push(b, "<dhcp>");
        for (guint i = 0; i < ip->dhcp_ranges->len; i++) {
                const network_dhcp_range *r =
                        &g_array_index(ip->dhcp_ranges, network_dhcp_range, i);

                network_ip_string(r->start, a);
                network_ip_string(r->end, c);
                conf_buf_add(b, "<range start='%s' end='%s'/>", a, c);
        }
        for (guint i = 0; i < ip->dhcp_hosts->len; i++) {
                const network_dhcp_host *h = g_ptr_array_index(ip->dhcp_hosts, i);
                g_autoptr(GString) ha = g_string_new(NULL);
                char mac[18];

                if (h->has_mac) {
                        network_format_mac(h->mac, mac);
                        conf_attr_add(ha, "mac", mac);
                }
                conf_attr_add(ha, "name", h->name);
                network_ip_string(h->ip, a);
                conf_attr_add(ha, "ip", a);
                conf_buf_add_raw(b, "<host%s/>", ha->str);
        }
        conf_buf_pop(b, "</dhcp>");
        conf_buf_pop(b, "</ip>");
}

char *network_def_format(const network_def *def)
{
        conf_buf b;
        char uuid[VCTL_UUID_STRING_LEN];

        conf_buf_init(&b);
        conf_buf_push(&b, "<network>");
        conf_buf_text_elem(&b, "name", def->name);
        conf_buf_text_elem(&b, "uuid", vctl_uuid_format(def->uuid, uuid));
        network_format_forward(&b, def);

        /* as libvirt: a bridge the network creates always shows its stp and delay */
        if (def->forward_mode != NETWORK_FORWARD_BRIDGE) {
                g_autoptr(GString) attrs = g_string_new(NULL);

                conf_attr_add(attrs, "name", def->bridge_name);
                conf_attr_add(attrs, "stp", def->stp ? "on" : "off");
                conf_attr_addf(attrs, "delay", "%lu", def->delay);
                conf_buf_add_raw(&b, "<bridge%s/>", attrs->str);
        } else if (def->bridge_name) {
                conf_buf_add(&b, "<bridge name='%s'/>", def->bridge_name);
        }
        if (def->has_mac) {
                char mac[18];

                network_format_mac(def->mac, mac);
                conf_buf_add(&b, "<mac address='%s'/>", mac);
        }
        if (def->domain_name) {
                g_autoptr(GString) attrs = g_string_new(NULL);

                conf_attr_add(attrs, "name", def->domain_name);
                if (def->domain_local_only >= 0)
                        conf_attr_add(attrs, "localOnly", def->domain_local_only ? "yes" : "no");
                conf_buf_add_raw(&b, "<domain%s/>", attrs->str);
        }
        if (def->dns_hosts->len > 0) {
                conf_buf_push(&b, "<dns>");
                for (guint i = 0; i < def->dns_hosts->len; i++) {
                        const network_dns_host *h = g_ptr_array_index(def->dns_hosts, i);
                        char a[INET_ADDRSTRLEN];

                        network_ip_string(h->ip, a);
                        conf_buf_push(&b, "<host ip='%s'>", a);
                        for (guint j = 0; j < h->hostnames->len; j++)
                                conf_buf_text_elem(&b, "hostname",
                                                   g_ptr_array_index(h->hostnames, j));
                        conf_buf_pop(&b, "</host>");
                }
                conf_buf_pop(&b, "</dns>");
        }
        for (guint i = 0; i < def->ips->len; i++)
                network_format_ip(&b, g_ptr_array_index(def->ips, i));
        conf_buf_pop(&b, "</network>");
        return conf_buf_steal(&b);
}
