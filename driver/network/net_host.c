/* Bridges, taps and addresses over rtnetlink, and the host checks. */
#include "config.h"

#include "driver/network/net_host.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define NET_PROC_ROUTE     "/proc/net/route"
#define NET_PROC_ROUTE_MAX (4 * 1024 * 1024)
#define NET_IP_FORWARD     "/proc/sys/net/ipv4/ip_forward"

gboolean net_link_exists(const char *name)
{
        return if_nametoindex(name) != 0;
}

/* Sends msg (takes it) on a new rtnetlink socket and waits for the kernel's
 * answer; -1 with the last error naming what and obj on failure. */
static int net_talk(struct nl_msg *msg, const char *what, const char *obj)
{
        struct nl_sock *sk = nl_socket_alloc();
        int r;

        if (!sk) {
                nlmsg_free(msg);
                return vctl_error_set(VCTL_ERR_NO_MEMORY, VCTL_FROM_NETWORK,
                                      _("cannot allocate a netlink socket"));
        }
        r = nl_connect(sk, NETLINK_ROUTE);
        if (r >= 0)
                r = nl_send_auto(sk, msg);
        if (r >= 0)
                r = nl_wait_for_ack(sk);
        nlmsg_free(msg);
        nl_socket_free(sk);
        if (r < 0)
                return vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                      _("cannot %s '%s': %s"), what, obj, nl_geterror(r));
        return 0;
}

static struct nl_msg *net_link_msg(int type, int flags, int index, unsigned int ifflags,
                                   unsigned int change)
{
        struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC,
                                .ifi_index = index,
                                .ifi_flags = ifflags,
                                .ifi_change = change};
        struct nl_msg *msg = nlmsg_alloc_simple(type, flags);

        if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
                nlmsg_free(msg);
                msg = NULL;
        }
        return msg;
}

static int net_index(const char *name, const char *what, unsigned int *ret)
{
        unsigned int idx = if_nametoindex(name);

        if (!idx)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                            _("cannot %s '%s': no such link"), what, name);
        *ret = idx;
        return 0;
}

int net_bridge_create(const char *name, const unsigned char *mac, gboolean stp, unsigned long delay)
{
        struct nl_msg *msg;
        struct nlattr *info, *data;

        if (net_link_exists(name))
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                                      _("bridge '%s' already exists on the host and vctl does "
                                        "not take over devices it did not create (choose "
                                        "another <bridge name='...'/>)"),
                                      name);
        msg = net_link_msg(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0, 0, 0);
        if (!msg)
                return vctl_error_set(VCTL_ERR_NO_MEMORY, VCTL_FROM_NETWORK, _("out of memory"));
        nla_put_string(msg, IFLA_IFNAME, name);
        if (mac)
                nla_put(msg, IFLA_ADDRESS, 6, mac);
        info = nla_nest_start(msg, IFLA_LINKINFO);
        nla_put_string(msg, IFLA_INFO_KIND, "bridge");
        data = nla_nest_start(msg, IFLA_INFO_DATA);
        /* the kernel applies the delay before STP, so 0 s is accepted with
         * STP on (as libvirt's default network has it); in clock ticks */
        nla_put_u32(msg, IFLA_BR_FORWARD_DELAY, (guint32)(delay * 100));
        nla_put_u32(msg, IFLA_BR_STP_STATE, stp ? 1 : 0);
        nla_nest_end(msg, data);
        nla_nest_end(msg, info);
        return net_talk(msg, _("create bridge"), name);
}

int net_addr_add(const char *name, struct in_addr addr, unsigned int prefix)
{
        struct ifaddrmsg ifa = {.ifa_family = AF_INET, .ifa_prefixlen = (unsigned char)prefix};
        guint32 mask = prefix ? htonl(~0u << (32 - prefix)) : 0;
        struct in_addr bcast = {.s_addr = addr.s_addr | ~mask};
        g_autofree char *obj = NULL;
        char buf[INET_ADDRSTRLEN];
        struct nl_msg *msg;
        unsigned int idx = 0;

        if (net_index(name, _("add an address to"), &idx) < 0)
                return -1;
        ifa.ifa_index = idx;
        msg = nlmsg_alloc_simple(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
        if (!msg || nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0) {
                nlmsg_free(msg);
                return vctl_error_set(VCTL_ERR_NO_MEMORY, VCTL_FROM_NETWORK, _("out of memory"));
        }
        nla_put(msg, IFA_LOCAL, 4, &addr);
        nla_put(msg, IFA_ADDRESS, 4, &addr);
        if (prefix < 31)
                nla_put(msg, IFA_BROADCAST, 4, &bcast);
        inet_ntop(AF_INET, &addr, buf, sizeof(buf));
        obj = g_strdup_printf("%s/%u on %s", buf, prefix, name);
        return net_talk(msg, _("add address"), obj);
}

int net_link_set_up(const char *name)
{
        unsigned int idx = 0;
        struct nl_msg *msg;

        if (net_index(name, _("bring up"), &idx) < 0)
                return -1;
        msg = net_link_msg(RTM_NEWLINK, 0, (int)idx, IFF_UP, IFF_UP);
        if (!msg)
                return vctl_error_set(VCTL_ERR_NO_MEMORY, VCTL_FROM_NETWORK, _("out of memory"));
        return net_talk(msg, _("bring up link"), name);
}

int net_link_set_master(const char *name, const char *bridge)
{
        unsigned int idx = 0, br = 0;
        struct nl_msg *msg;

        if (net_index(name, _("attach"), &idx) < 0 ||
            net_index(bridge, _("attach to bridge"), &br) < 0)
                return -1;
        msg = net_link_msg(RTM_NEWLINK, 0, (int)idx, 0, 0);
        if (!msg)
                return vctl_error_set(VCTL_ERR_NO_MEMORY, VCTL_FROM_NETWORK, _("out of memory"));
        nla_put_u32(msg, IFLA_MASTER, br);
        return net_talk(msg, _("attach to its bridge the link"), name);
}

int net_link_delete(const char *name)
{
        unsigned int idx = if_nametoindex(name);
        struct nl_msg *msg;

        if (!idx)
                return 0;
        msg = net_link_msg(RTM_DELLINK, 0, (int)idx, 0, 0);
        if (!msg)
                return vctl_error_set(VCTL_ERR_NO_MEMORY, VCTL_FROM_NETWORK, _("out of memory"));
        if (net_talk(msg, _("delete link"), name) < 0) {
                if (!net_link_exists(name)) { /* gone meanwhile (a tap whose QEMU exited) */
                        vctl_error_clear();
                        return 0;
                }
                return -1;
        }
        return 0;
}

int net_tap_create(const char *name_template, const unsigned char mac[6], char **ret_name)
{
        struct ifreq ifr = {0};
        int fd, sock;

        if (strlen(name_template) >= IFNAMSIZ)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NETWORK,
                                      _("tap name '%s' is longer than %d characters"),
                                      name_template, IFNAMSIZ - 1);
        if (!strchr(name_template, '%') && net_link_exists(name_template))
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                                      _("interface target dev '%s' already exists on the host"),
                                      name_template);
        fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                            _("cannot open /dev/net/tun to create a tap device"));
        ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
        g_strlcpy(ifr.ifr_name, name_template, sizeof(ifr.ifr_name));
        if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
                int e = errno;

                close(fd);
                return vctl_error_set_errno(e, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                            _("cannot create tap device '%s'"), name_template);
        }
        sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sock >= 0) {
                struct ifreq hw = {0};

                g_strlcpy(hw.ifr_name, ifr.ifr_name, sizeof(hw.ifr_name));
                hw.ifr_hwaddr.sa_family = 1; /* ARPHRD_ETHER */
                memcpy(hw.ifr_hwaddr.sa_data, mac, 6);
                if (ioctl(sock, SIOCSIFHWADDR, &hw) < 0) {
                        int e = errno;

                        close(sock);
                        close(fd);
                        return vctl_error_set_errno(e, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                                    _("cannot set the MAC address of tap '%s'"),
                                                    ifr.ifr_name);
                }
                close(sock);
        }
        *ret_name = g_strndup(ifr.ifr_name, IFNAMSIZ);
        return fd;
}

static gboolean net_overlaps(guint32 a, unsigned int pa, guint32 b, unsigned int pb)
{
        unsigned int p = MIN(pa, pb);
        guint32 mask = p ? ~0u << (32 - p) : 0;

        return (a & mask) == (b & mask);
}

gboolean net_subnet_in_use(struct in_addr addr, unsigned int prefix, char **ret_what)
{
        guint32 net = ntohl(addr.s_addr);
        struct ifaddrs *ifs = NULL;
        g_autofree char *routes = NULL;
        size_t len = 0;
        char buf[INET_ADDRSTRLEN];

        if (getifaddrs(&ifs) == 0) {
                for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
                        guint32 a, m;
                        unsigned int p;

                        if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask)
                                continue;
                        a = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
                        m = ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr);
                        p = (unsigned int)__builtin_popcount(m);
                        if (net_overlaps(a, p, net, prefix)) {
                                inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
                                          buf, sizeof(buf));
                                *ret_what = g_strdup_printf(_("address %s/%u of %s"), buf, p,
                                                            i->ifa_name);
                                freeifaddrs(ifs);
                                return TRUE;
                        }
                }
                freeifaddrs(ifs);
        }
        /* routes other than default ones: Iface Destination Gateway Flags
         * RefCnt Use Metric Mask ..., addresses in host-endian hex */
        if (vctl_file_read_bounded(NET_PROC_ROUTE, NET_PROC_ROUTE_MAX, &routes, &len) < 0) {
                vctl_error_clear();
                return FALSE;
        }
        {
                g_auto(GStrv) lines = g_strsplit(routes, "\n", -1);

                for (guint i = 1; lines[i]; i++) {
                        char ifname[IF_NAMESIZE + 1];
                        unsigned int dst, mask;
                        struct in_addr d;
                        unsigned int p;

                        if (sscanf(lines[i], "%16s %x %*x %*x %*d %*d %*d %x", ifname, &dst,
                                   &mask) != 3 ||
                            mask == 0)
                                continue;
                        p = (unsigned int)__builtin_popcount(mask);
                        d.s_addr = dst;
                        if (net_overlaps(ntohl(dst), p, net, prefix)) {
                                inet_ntop(AF_INET, &d, buf, sizeof(buf));
                                *ret_what = g_strdup_printf(_("route %s/%u on %s"), buf, p, ifname);
                                return TRUE;
                        }
                }
        }
        return FALSE;
}

int net_ip_forward_get(void)
{
        g_autofree char *s = NULL;
        size_t len = 0;

        if (vctl_file_read_bounded(NET_IP_FORWARD, 64, &s, &len) < 0)
                return -1;
        return s[0] == '1' ? 1 : 0;
}

int net_ip_forward_set(int on)
{
        int fd = open(NET_IP_FORWARD, O_WRONLY | O_CLOEXEC);
        ssize_t n;

        if (fd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                            _("cannot open %s to turn IP forwarding %s"),
                                            NET_IP_FORWARD, on ? "on" : "off");
        n = write(fd, on ? "1\n" : "0\n", 2);
        close(fd);
        if (n != 2)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                            _("cannot turn IP forwarding %s"), on ? "on" : "off");
        return 0;
}
