/* Taps for guest interfaces: created with TUNSETIFF, attached to a bridge
 * over rtnetlink, handed to QEMU as fds. */
#include "config.h"

#include "driver/network/net_host.h"
#include "driver/network/network_driver.h"
#include "driver/qemu/qemu_interface.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define QEMU_IFACE_ADDR_MAX 4096 /* sysfs reports a page as the size */

/* libvirt's tap MAC: the guest's with 0xfe first, so the bridge never
 * takes the guest's address as its own. */
static void qemu_interface_tap_mac(const unsigned char mac[6], unsigned char ret[6])
{
        memcpy(ret, mac, 6);
        ret[0] = 0xfe;
}

/* Whether a port of bridge already carries the tap address of mac (another
 * guest with the same MAC on the same network). */
static char *qemu_interface_mac_user(const char *bridge, const unsigned char tapmac[6])
{
        g_autofree char *dirpath = g_strdup_printf("/sys/class/net/%s/brif", bridge);
        g_autoptr(GDir) dir = g_dir_open(dirpath, 0, NULL);
        char want[18];
        const char *port;

        g_snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:%02x", tapmac[0], tapmac[1],
                   tapmac[2], tapmac[3], tapmac[4], tapmac[5]);
        while (dir && (port = g_dir_read_name(dir))) {
                g_autofree char *path = g_strdup_printf("/sys/class/net/%s/address", port);
                g_autofree char *addr = NULL;
                size_t len = 0;

                if (vctl_file_read_bounded(path, QEMU_IFACE_ADDR_MAX, &addr, &len) < 0) {
                        vctl_error_clear();
                        continue;
                }
                if (g_str_equal(g_strstrip(addr), want))
                        return g_strdup(port);
        }
        return NULL;
}

void qemu_interface_release(GArray *fds, const domain_def *live)
{
        for (guint i = 0; fds && i < fds->len; i++)
                close(g_array_index(fds, int, i));
        for (guint i = 0; live && i < live->devices.nets->len; i++) {
                const domain_net *n = g_ptr_array_index(live->devices.nets, i);

                if ((n->type == DOMAIN_NET_NETWORK || n->type == DOMAIN_NET_BRIDGE) &&
                    n->target_dev && net_link_delete(n->target_dev) < 0) {
                        log_warning(_("cannot remove tap '%s': %s"), n->target_dev,
                                    vctl_error_message());
                        vctl_error_clear();
                }
        }
}

/* Moves fd above floor (close-on-exec kept), closing the original. */
static int qemu_interface_lift(int fd, int floor)
{
        int high;

        if (fd > floor)
                return fd;
        high = fcntl(fd, F_DUPFD_CLOEXEC, floor + 1);
        close(fd);
        return high;
}

int qemu_interface_connect(const char *name, domain_def *live, GArray **ret_fds)
{
        g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
        GPtrArray *nets = live->devices.nets;
        guint ntaps = 0;

        for (guint i = 0; i < nets->len; i++) {
                const domain_net *n = g_ptr_array_index(nets, i);

                ntaps += n->type == DOMAIN_NET_NETWORK || n->type == DOMAIN_NET_BRIDGE;
        }
        for (guint i = 0; i < nets->len; i++) {
                domain_net *n = g_ptr_array_index(nets, i);
                g_autofree char *bridge = NULL, *tap = NULL, *user = NULL;
                const char *tmpl = "vnet%d";
                unsigned char tapmac[6];
                int fd;

                if (n->type != DOMAIN_NET_NETWORK && n->type != DOMAIN_NET_BRIDGE)
                        continue;
                if (n->type == DOMAIN_NET_NETWORK) {
                        bridge = network_bridge_of(n->network ? n->network : "");
                        if (!bridge) {
                                g_autofree char *why = g_strdup(vctl_error_message());

                                vctl_error_set(vctl_error_last()->code, VCTL_FROM_QEMU,
                                               _("domain '%s': interface %u: %s"), name, i, why);
                                goto fail;
                        }
                } else {
                        bridge = g_strdup(n->bridge ? n->bridge : "");
                        if (!*bridge || !net_link_exists(bridge)) {
                                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_QEMU,
                                               _("domain '%s': interface %u: host bridge '%s' "
                                                 "does not exist"),
                                               name, i, bridge);
                                goto fail;
                        }
                }
                qemu_interface_tap_mac(n->mac, tapmac);
                user = qemu_interface_mac_user(bridge, tapmac);
                if (user) {
                        vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_QEMU,
                                       _("domain '%s': interface %u: MAC address "
                                         "%02x:%02x:%02x:%02x:%02x:%02x is already used on "
                                         "bridge '%s' (by '%s'); give the interface another "
                                         "<mac address='...'/>"),
                                       name, i, n->mac[0], n->mac[1], n->mac[2], n->mac[3],
                                       n->mac[4], n->mac[5], bridge, user);
                        goto fail;
                }
                /* vnetN and macvtapN are libvirt's generated names: pick anew */
                if (n->target_dev && !g_str_has_prefix(n->target_dev, "vnet") &&
                    !g_str_has_prefix(n->target_dev, "macvtap"))
                        tmpl = n->target_dev;
                fd = net_tap_create(tmpl, tapmac, &tap);
                if (fd < 0) {
                        g_autofree char *why = g_strdup(vctl_error_message());

                        vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                       _("domain '%s': interface %u: %s"), name, i, why);
                        goto fail;
                }
                g_free(n->target_dev);
                n->target_dev = g_strdup(tap);
                fd = qemu_interface_lift(fd, 2 + (int)ntaps);
                if (fd < 0) {
                        vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                             _("domain '%s': cannot move the fd of tap '%s'"), name,
                                             tap);
                        goto fail;
                }
                g_array_append_val(fds, fd);
                if (net_link_set_master(tap, bridge) < 0 || net_link_set_up(tap) < 0)
                        goto fail;
                log_debug("domain '%s': interface %u on tap '%s' of bridge '%s'", name, i, tap,
                          bridge);
        }
        *ret_fds = g_steal_pointer(&fds);
        return 0;

fail : {
        vctl_error *err = vctl_error_copy(vctl_error_last());

        qemu_interface_release(fds, NULL);
        vctl_error_restore(err);
        vctl_error_free(err);
        return -1;
}
}
