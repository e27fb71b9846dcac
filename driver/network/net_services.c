/* nftables tables and dnsmasq instances of started networks. */
#include "config.h"

#include "driver/network/net_services.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <gio/gio.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define NET_NFT_BIN      "/usr/sbin/nft"
#define NET_DNSMASQ_BIN  "/usr/sbin/dnsmasq"
#define NET_PID_FILE_MAX 64
#define NET_CMDLINE_MAX  65536
#define NET_STOP_WAIT_MS 3000

char *net_nft_table_name(const char *bridge)
{
        return g_strdup_printf("vctl-%s", bridge);
}

static char *net_subnet(const network_ip *ip)
{
        struct in_addr mask = network_prefix_to_netmask(ip->prefix);
        struct in_addr net = {.s_addr = ip->address.s_addr & mask.s_addr};
        char buf[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, &net, buf, sizeof(buf));
        return g_strdup_printf("%s/%u", buf, ip->prefix);
}

char *net_nft_rules(const network_def *def, const char *bridge)
{
        g_autofree char *table = net_nft_table_name(bridge);
        g_autoptr(GString) nat = g_string_new(NULL);
        g_autoptr(GString) fwd = g_string_new(NULL);
        g_autoptr(GString) out = g_string_new(NULL);

        if (def->forward_mode == NETWORK_FORWARD_OPEN ||
            def->forward_mode == NETWORK_FORWARD_BRIDGE)
                return NULL;
        for (guint i = 0; i < def->ips->len; i++) {
                const network_ip *ip = g_ptr_array_index(def->ips, i);
                g_autofree char *sub = net_subnet(ip);
                g_autofree char *oif =
                        def->forward_dev ? g_strdup_printf("oifname \"%s\" ", def->forward_dev)
                                         : g_strdup("");
                g_autofree char *iif =
                        def->forward_dev ? g_strdup_printf("iifname \"%s\" ", def->forward_dev)
                                         : g_strdup("");

                switch (def->forward_mode) {
                case NETWORK_FORWARD_NAT:
                        /* libvirt's: never masquerade to multicast/broadcast */
                        if (def->nat_port_start)
                                g_string_append_printf(
                                        nat,
                                        "    ip saddr %s ip daddr != %s %smeta l4proto { tcp, "
                                        "udp } masquerade to :%u-%u\n",
                                        sub, sub, oif, def->nat_port_start, def->nat_port_end);
                        g_string_append_printf(nat,
                                               "    ip saddr %s ip daddr != { %s, 224.0.0.0/24, "
                                               "255.255.255.255 } %smasquerade\n",
                                               sub, sub, oif);
                        g_string_append_printf(fwd,
                                               "    iifname \"%s\" %sip saddr %s accept\n"
                                               "    %soifname \"%s\" ip daddr %s ct state "
                                               "related,established accept\n",
                                               bridge, oif, sub, iif, bridge, sub);
                        break;
                case NETWORK_FORWARD_ROUTE:
                        g_string_append_printf(fwd,
                                               "    iifname \"%s\" %sip saddr %s accept\n"
                                               "    %soifname \"%s\" ip daddr %s accept\n",
                                               bridge, oif, sub, iif, bridge, sub);
                        break;
                default:
                        break;
                }
        }
        /* guests on one bridge reach each other; anything else is refused */
        g_string_append_printf(fwd,
                               "    iifname \"%s\" oifname \"%s\" accept\n"
                               "    iifname \"%s\" reject\n"
                               "    oifname \"%s\" reject\n",
                               bridge, bridge, bridge, bridge);
        g_string_append_printf(out, "table ip %s {\n", table);
        if (nat->len)
                g_string_append_printf(out,
                                       "  chain postrouting {\n"
                                       "    type nat hook postrouting priority srcnat; policy "
                                       "accept;\n%s  }\n",
                                       nat->str);
        g_string_append_printf(out,
                               "  chain forward {\n"
                               "    type filter hook forward priority filter; policy accept;\n"
                               "%s  }\n}\n",
                               fwd->str);
        return g_string_free(g_steal_pointer(&out), FALSE);
}

static int net_nft_run(const char *input, const char *what, const char *obj, gboolean missing_ok)
{
        g_autoptr(GError) err = NULL;
        g_autoptr(GSubprocess) p = NULL;
        g_autofree char *out = NULL, *errout = NULL;

        p = g_subprocess_new(G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &err, NET_NFT_BIN, "-f", "-", NULL);
        if (!p || !g_subprocess_communicate_utf8(p, input, NULL, &out, &errout, &err))
                return vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                      _("network '%s': cannot run %s to %s: %s"), obj, NET_NFT_BIN,
                                      what, err->message);
        if (!g_subprocess_get_successful(p)) {
                if (missing_ok && errout && strstr(errout, "No such file or directory"))
                        return 0;
                return vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                      _("network '%s': nft failed to %s: %s"), obj, what,
                                      errout ? g_strstrip(errout) : "");
        }
        return 0;
}

int net_nft_apply(const char *rules, const char *network)
{
        return net_nft_run(rules, _("add its firewall table"), network, FALSE);
}

int net_nft_delete(const char *table)
{
        g_autofree char *cmd = g_strdup_printf("delete table ip %s\n", table);

        return net_nft_run(cmd, _("delete its firewall table"), table, TRUE);
}

static void net_ip_str(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
        inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

char *net_dnsmasq_config(const network_def *def, const char *bridge, const char *pid_file,
                         const char *lease_file, const char *user)
{
        g_autoptr(GString) c = g_string_new(NULL);
        guint leases = 0;

        g_string_append_printf(c,
                               "## generated by vctld for network '%s': do not edit\n"
                               "strict-order\n"
                               "pid-file=%s\n"
                               "user=%s\n"
                               "except-interface=lo\n"
                               "bind-dynamic\n"
                               "interface=%s\n"
                               "dhcp-leasefile=%s\n"
                               "no-hosts\n",
                               def->name, pid_file, user, bridge, lease_file);
        if (def->domain_name) {
                g_string_append_printf(c, "domain=%s\nexpand-hosts\n", def->domain_name);
                if (def->domain_local_only == 1)
                        g_string_append_printf(c, "local=/%s/\n", def->domain_name);
        }
        /* DNS host entries in the config, not an addn-hosts file: dnsmasq
         * reads those after dropping root, and may not reach our directory */
        for (guint i = 0; i < def->dns_hosts->len; i++) {
                const network_dns_host *dh = g_ptr_array_index(def->dns_hosts, i);
                char a[INET_ADDRSTRLEN];

                net_ip_str(dh->ip, a);
                g_string_append(c, "host-record=");
                for (guint n = 0; n < dh->hostnames->len; n++) {
                        const char *h = g_ptr_array_index(dh->hostnames, n);

                        g_string_append_printf(c, "%s,", h);
                        if (def->domain_name && !strchr(h, '.'))
                                g_string_append_printf(c, "%s.%s,", h, def->domain_name);
                }
                g_string_append_printf(c, "%s\n", a);
        }
        for (guint i = 0; i < def->ips->len; i++) {
                const network_ip *ip = g_ptr_array_index(def->ips, i);
                char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];

                if (!ip->has_dhcp)
                        continue;
                net_ip_str(network_prefix_to_netmask(ip->prefix), m);
                for (guint r = 0; r < ip->dhcp_ranges->len; r++) {
                        const network_dhcp_range *rg =
                                &g_array_index(ip->dhcp_ranges, network_dhcp_range, r);

                        net_ip_str(rg->start, a);
                        net_ip_str(rg->end, b);
                        g_string_append_printf(c, "dhcp-range=%s,%s,%s\n", a, b, m);
                        leases += ntohl(rg->end.s_addr) - ntohl(rg->start.s_addr) + 1;
                }
                for (guint h = 0; h < ip->dhcp_hosts->len; h++) {
                        const network_dhcp_host *host = g_ptr_array_index(ip->dhcp_hosts, h);

                        net_ip_str(host->ip, a);
                        g_string_append(c, "dhcp-host=");
                        if (host->has_mac)
                                g_string_append_printf(c, "%02x:%02x:%02x:%02x:%02x:%02x,",
                                                       host->mac[0], host->mac[1], host->mac[2],
                                                       host->mac[3], host->mac[4], host->mac[5]);
                        g_string_append_printf(c, "%s", a);
                        if (host->name)
                                g_string_append_printf(c, ",%s", host->name);
                        g_string_append_c(c, '\n');
                        leases++;
                }
                if (ip->dhcp_ranges->len || ip->dhcp_hosts->len)
                        g_string_append(c, "dhcp-no-override\ndhcp-authoritative\n");
        }
        if (leases)
                g_string_append_printf(c, "dhcp-lease-max=%u\n", leases);
        return g_string_free(g_steal_pointer(&c), FALSE);
}

const char *net_dnsmasq_user(void)
{
        return getpwnam("dnsmasq") ? "dnsmasq" : "nobody";
}

static pid_t net_pid_read(const char *pid_file)
{
        g_autofree char *s = NULL;
        size_t len = 0;
        gint64 v;
        char *end;

        if (vctl_file_read_bounded(pid_file, NET_PID_FILE_MAX, &s, &len) < 0) {
                vctl_error_clear();
                return 0;
        }
        v = g_ascii_strtoll(s, &end, 10);
        if (end == s || v <= 1 || v > G_MAXINT32)
                return 0;
        return (pid_t)v;
}

pid_t net_dnsmasq_find(const char *pid_file, const char *conf_file)
{
        pid_t pid = net_pid_read(pid_file);
        g_autofree char *path = NULL, *cmd = NULL;
        g_autofree char *want = g_strdup_printf("--conf-file=%s", conf_file);
        size_t len = 0;

        if (!pid)
                return 0;
        path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
        if (vctl_file_read_bounded(path, NET_CMDLINE_MAX, &cmd, &len) < 0) {
                vctl_error_clear();
                return 0;
        }
        /* NUL-separated arguments: look for ours among them */
        for (size_t off = 0; off < len; off += strlen(cmd + off) + 1)
                if (g_str_equal(cmd + off, want))
                        return pid;
        return 0;
}

pid_t net_dnsmasq_start(const char *conf_file, const char *pid_file, const char *network)
{
        g_autoptr(GError) err = NULL;
        g_autoptr(GSubprocess) p = NULL;
        g_autofree char *conf_arg = g_strdup_printf("--conf-file=%s", conf_file);
        g_autofree char *errout = NULL;
        pid_t pid;

        unlink(pid_file);
        /* dnsmasq forks, reports start-up errors through its parent, which
         * exits once the daemon runs; the daemon is not our child */
        p = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                             &err, NET_DNSMASQ_BIN, conf_arg, NULL);
        if (p)
                g_subprocess_communicate_utf8(p, NULL, NULL, NULL, &errout, &err);
        if (!p || err) {
                vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                               _("network '%s': cannot run %s: %s"), network, NET_DNSMASQ_BIN,
                               err->message);
                return -1;
        }
        if (!g_subprocess_get_successful(p)) {
                vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                               _("network '%s': dnsmasq failed to start: %s"), network,
                               errout ? g_strstrip(errout) : "");
                return -1;
        }
        pid = net_dnsmasq_find(pid_file, conf_file);
        if (!pid) {
                vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                               _("network '%s': dnsmasq started but left no pid in '%s'"), network,
                               pid_file);
                return -1;
        }
        return pid;
}

/* Alive and not a zombie waiting for a reaper: its cmdline is not empty. */
static gboolean net_pid_alive(pid_t pid)
{
        g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
        g_autofree char *cmd = NULL;
        size_t len = 0;

        if (vctl_file_read_bounded(path, NET_CMDLINE_MAX, &cmd, &len) < 0) {
                vctl_error_clear();
                return FALSE;
        }
        return len > 0;
}

void net_dnsmasq_stop(pid_t pid)
{
        gint64 deadline;

        if (pid <= 1 || kill(pid, SIGTERM) < 0)
                return;
        deadline = g_get_monotonic_time() + NET_STOP_WAIT_MS * 1000;
        while (net_pid_alive(pid) && g_get_monotonic_time() < deadline)
                g_usleep(20 * 1000);
        if (net_pid_alive(pid)) {
                log_warning(_("dnsmasq (pid %d) ignored SIGTERM; killing it"), (int)pid);
                kill(pid, SIGKILL);
        }
}
