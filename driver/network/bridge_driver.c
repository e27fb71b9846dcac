/* The host's virtual networks (qemu:///system): a bridge with the network's
 * addresses, an nftables table vctl owns (nat, route, isolated), IP
 * forwarding when needed, and one unprivileged dnsmasq. What a start
 * created is recorded in run_dir/network/NAME.status, so a stop removes
 * exactly that and a restarted vctld finds running networks again. */
#include "config.h"

#include "driver/network/net_host.h"
#include "driver/network/net_services.h"
#include "driver/network/network_store.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#define BRIDGE_STATUS_GROUP "network"
#define BRIDGE_LEASES_MAX   (16 * 1024 * 1024)
#define BRIDGE_STATUS_MAX   (1024 * 1024)
/* marks that vctl turned IP forwarding on (it was off) */
#define BRIDGE_FORWARD_MARK "ip_forward-was-off"

static GMutex bridge_lock;
static network_store *bridge_store; /* under bridge_lock */
static char *bridge_run_dir;

static char *bridge_file(const char *name, const char *suffix)
{
        g_autofree char *file = g_strdup_printf("%s%s", name, suffix);

        return g_build_filename(bridge_run_dir, file, NULL);
}

static void bridge_log_error(const char *what)
{
        log_warning("%s: %s", what, vctl_error_message());
        vctl_error_clear();
}

static gboolean bridge_has_bridge(const network_def *def)
{
        return def->forward_mode != NETWORK_FORWARD_BRIDGE;
}

/* Turns IP forwarding off again when vctl turned it on and no other active
 * network of ours forwards. */
static void bridge_forward_release(network_store *s, const network_obj *except)
{
        g_autofree char *mark = g_build_filename(bridge_run_dir, BRIDGE_FORWARD_MARK, NULL);

        if (!g_file_test(mark, G_FILE_TEST_EXISTS) || network_store_forwarding_locked(s, except))
                return;
        if (net_ip_forward_set(0) < 0) {
                bridge_log_error("cannot restore IP forwarding");
                return;
        }
        unlink(mark);
        log_info(_("IP forwarding turned off again (vctl had turned it on)"));
}

static int bridge_forward_acquire(const char *network)
{
        g_autofree char *mark = g_build_filename(bridge_run_dir, BRIDGE_FORWARD_MARK, NULL);
        int on = net_ip_forward_get();

        if (on < 0)
                return -1;
        if (on)
                return 0;
        if (vctl_file_write_atomic(mark, "1\n", 2, 0600) < 0 || net_ip_forward_set(1) < 0)
                return -1;
        log_info(_("network '%s': IP forwarding turned on"), network);
        return 0;
}

typedef struct bridge_status {
        gboolean bridge_created;
        char *nft_table;
        gint64 dnsmasq_pid;
} bridge_status;

static int bridge_status_save(const network_obj *obj, const bridge_status *st)
{
        g_autoptr(GKeyFile) kf = g_key_file_new();
        g_autofree char *path = bridge_file(obj->def->name, ".status");
        g_autofree char *xmlpath = bridge_file(obj->def->name, ".xml");
        g_autofree char *xml = network_def_format(obj->live);
        g_autofree char *data = NULL;
        gsize len = 0;

        g_key_file_set_boolean(kf, BRIDGE_STATUS_GROUP, "bridge_created", st->bridge_created);
        g_key_file_set_string(kf, BRIDGE_STATUS_GROUP, "nft_table",
                              st->nft_table ? st->nft_table : "");
        g_key_file_set_int64(kf, BRIDGE_STATUS_GROUP, "dnsmasq_pid", st->dnsmasq_pid);
        g_key_file_set_boolean(kf, BRIDGE_STATUS_GROUP, "persistent", obj->persistent);
        data = g_key_file_to_data(kf, &len, NULL);
        if (vctl_file_write_atomic(xmlpath, xml, strlen(xml), 0600) < 0 ||
            vctl_file_write_atomic(path, data, len, 0600) < 0)
                return -1;
        return 0;
}

/* Undoes st for live (network name): dnsmasq, firewall, bridge, files. */
static void bridge_teardown(const network_def *live, const bridge_status *st)
{
        const char *suffixes[] = {".conf", ".pid", ".leases", ".status", ".xml"};
        g_autofree char *pidf = bridge_file(live->name, ".pid");
        g_autofree char *conf = bridge_file(live->name, ".conf");
        pid_t pid = net_dnsmasq_find(pidf, conf);

        if (pid)
                net_dnsmasq_stop(pid);
        else if (st->dnsmasq_pid > 0)
                log_warning("network '%s': its dnsmasq (pid %" G_GINT64_FORMAT ") is already gone",
                            live->name, st->dnsmasq_pid);
        if (st->nft_table && *st->nft_table && net_nft_delete(st->nft_table) < 0)
                bridge_log_error("cannot delete a network's firewall table");
        if (st->bridge_created && net_link_delete(live->bridge_name) < 0)
                bridge_log_error("cannot delete a network's bridge");
        for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
                g_autofree char *f = bridge_file(live->name, suffixes[i]);

                unlink(f);
        }
}

static int bridge_check_host(const network_def *def)
{
        if (!bridge_has_bridge(def)) {
                if (!net_link_exists(def->bridge_name))
                        return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                                              _("network '%s': host bridge '%s' does not exist"),
                                              def->name, def->bridge_name);
                return 0;
        }
        if (net_link_exists(def->bridge_name))
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                                      _("network '%s': bridge '%s' already exists on the host; "
                                        "vctl does not take over devices it did not create "
                                        "(choose another <bridge name='...'/>)"),
                                      def->name, def->bridge_name);
        for (guint i = 0; i < def->ips->len; i++) {
                const network_ip *ip = g_ptr_array_index(def->ips, i);
                g_autofree char *what = NULL;
                char buf[INET_ADDRSTRLEN];

                if (net_subnet_in_use(ip->address, ip->prefix, &what)) {
                        inet_ntop(AF_INET, &ip->address, buf, sizeof(buf));
                        return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                                              _("network '%s': subnet of %s/%u overlaps %s on "
                                                "the host; choose an unused subnet"),
                                              def->name, buf, ip->prefix, what);
                }
        }
        return 0;
}

static int bridge_start_dnsmasq(const network_def *def, pid_t *ret_pid)
{
        g_autofree char *conf = bridge_file(def->name, ".conf");
        g_autofree char *pidf = bridge_file(def->name, ".pid");
        g_autofree char *leases = bridge_file(def->name, ".leases");
        g_autofree char *text =
                net_dnsmasq_config(def, def->bridge_name, pidf, leases, net_dnsmasq_user());
        pid_t pid;

        if (vctl_file_write_atomic(conf, text, strlen(text), 0644) < 0)
                return -1;
        pid = net_dnsmasq_start(conf, pidf, def->name);
        if (pid < 0)
                return -1;
        *ret_pid = pid;
        return 0;
}

static int bridge_start(network_store *s, network_obj *obj)
{
        network_def *def = obj->live;
        bridge_status st = {0};
        /* as libvirt: every forwarding mode on a bridge of ours routes */
        gboolean forward = def->forward_mode == NETWORK_FORWARD_NAT ||
                           def->forward_mode == NETWORK_FORWARD_ROUTE ||
                           def->forward_mode == NETWORK_FORWARD_OPEN;
        g_autofree char *rules = NULL;
        pid_t pid = 0;

        if (bridge_check_host(def) < 0)
                return -1;
        if (vctl_mkdir_p(bridge_run_dir, 0755) < 0)
                return -1;
        if (!bridge_has_bridge(def))
                return bridge_status_save(obj, &st);
        if (net_bridge_create(def->bridge_name, def->has_mac ? def->mac : NULL, def->stp,
                              def->delay) < 0)
                return -1;
        st.bridge_created = TRUE;
        for (guint i = 0; i < def->ips->len; i++) {
                const network_ip *ip = g_ptr_array_index(def->ips, i);

                if (net_addr_add(def->bridge_name, ip->address, ip->prefix) < 0)
                        goto fail;
        }
        if (net_link_set_up(def->bridge_name) < 0)
                goto fail;
        if (forward && bridge_forward_acquire(def->name) < 0)
                goto fail;
        rules = net_nft_rules(def, def->bridge_name);
        if (rules) {
                if (net_nft_apply(rules, def->name) < 0)
                        goto fail;
                st.nft_table = net_nft_table_name(def->bridge_name);
        }
        if (def->ips->len) {
                if (bridge_start_dnsmasq(def, &pid) < 0)
                        goto fail;
                st.dnsmasq_pid = pid;
        }
        if (bridge_status_save(obj, &st) < 0)
                goto fail;
        log_info(_("network '%s' started on bridge '%s'%s"), def->name, def->bridge_name,
                 pid ? "" : " (no dnsmasq: no addresses)");
        g_free(st.nft_table);
        return 0;

fail : {
        vctl_error *err = vctl_error_copy(vctl_error_last());

        bridge_teardown(def, &st);
        bridge_forward_release(s, obj);
        vctl_error_restore(err);
        vctl_error_free(err);
        g_free(st.nft_table);
        return -1;
}
}

static gboolean bridge_status_load(const char *name, bridge_status *st)
{
        g_autofree char *path = bridge_file(name, ".status");
        g_autoptr(GKeyFile) kf = g_key_file_new();

        if (!g_key_file_load_from_file(kf, path, 0, NULL))
                return FALSE;
        st->bridge_created =
                g_key_file_get_boolean(kf, BRIDGE_STATUS_GROUP, "bridge_created", NULL);
        st->nft_table = g_key_file_get_string(kf, BRIDGE_STATUS_GROUP, "nft_table", NULL);
        st->dnsmasq_pid = g_key_file_get_int64(kf, BRIDGE_STATUS_GROUP, "dnsmasq_pid", NULL);
        return TRUE;
}

static void bridge_stop(network_store *s, network_obj *obj)
{
        bridge_status st = {0};

        if (!bridge_status_load(obj->def->name, &st))
                log_warning(_("network '%s': no status file; removing what it would have created"),
                            obj->def->name);
        bridge_teardown(obj->live, &st);
        bridge_forward_release(s, obj);
        g_free(st.nft_table);
        log_info(_("network '%s' stopped"), obj->def->name);
}

static gboolean bridge_taken(const char *name)
{
        return net_link_exists(name);
}

/* dnsmasq's lease file: "expiry mac ip hostname clientid" per line. */
static int bridge_leases(network_store *s, network_obj *obj, GPtrArray *out)
{
        g_autofree char *path = bridge_file(obj->def->name, ".leases");
        g_autofree char *data = NULL;
        g_auto(GStrv) lines = NULL;
        const network_ip *ip4 = obj->live->ips->len ? g_ptr_array_index(obj->live->ips, 0) : NULL;
        size_t len = 0;

        (void)s;
        if (vctl_file_read_bounded(path, BRIDGE_LEASES_MAX, &data, &len) < 0) {
                vctl_error_clear();
                return 0;
        }
        lines = g_strsplit(data, "\n", -1);
        for (guint i = 0; lines[i]; i++) {
                g_auto(GStrv) f = g_strsplit(lines[i], " ", 6);
                drv_network_lease *l;

                if (g_strv_length(f) < 5)
                        continue;
                l = g_new0(drv_network_lease, 1);
                l->iface = g_strdup(obj->live->bridge_name);
                l->expiry = g_ascii_strtoll(f[0], NULL, 10);
                l->type = strchr(f[2], ':') ? 1 : 0;
                l->mac = g_strdup(f[1]);
                l->ipaddr = g_strdup(f[2]);
                l->prefix = ip4 ? ip4->prefix : 24;
                l->hostname = g_str_equal(f[3], "*") ? NULL : g_strdup(f[3]);
                l->clientid = g_str_equal(f[4], "*") ? NULL : g_strdup(f[4]);
                g_ptr_array_add(out, l);
        }
        return 0;
}

static const network_backend bridge_backend = {
        .start = bridge_start,
        .stop = bridge_stop,
        .bridge_taken = bridge_taken,
        .leases = bridge_leases,
};

/* Finds the networks a previous vctld left running (status files). */
static void bridge_reconnect(network_store *s)
{
        g_autoptr(GDir) dir = g_dir_open(bridge_run_dir, 0, NULL);
        const char *ent;

        if (!dir)
                return;
        g_mutex_lock(&s->lock);
        while ((ent = g_dir_read_name(dir))) {
                g_autofree char *name = NULL, *xmlpath = NULL, *xml = NULL;
                g_autoptr(network_def) live = NULL;
                bridge_status st = {0};
                network_obj *obj;
                size_t len = 0;

                if (!g_str_has_suffix(ent, ".status"))
                        continue;
                name = g_strndup(ent, strlen(ent) - strlen(".status"));
                xmlpath = bridge_file(name, ".xml");
                if (!bridge_status_load(name, &st) ||
                    vctl_file_read_bounded(xmlpath, BRIDGE_STATUS_MAX, &xml, &len) < 0 ||
                    !(live = network_def_parse(xml, len, NULL))) {
                        bridge_log_error("cannot read a network's status");
                        g_free(st.nft_table);
                        continue;
                }
                if (bridge_has_bridge(live) && !net_link_exists(live->bridge_name)) {
                        log_warning(_("network '%s': its bridge '%s' is gone; cleaning up"), name,
                                    live->bridge_name);
                        st.bridge_created = FALSE;
                        bridge_teardown(live, &st);
                        g_free(st.nft_table);
                        continue;
                }
                obj = network_store_find_name_locked(s, name);
                if (!obj) {
                        g_autofree char *copy = network_def_format(live);
                        network_def *def = network_def_parse(copy, strlen(copy), NULL);

                        obj = network_store_add_locked(s, &def, FALSE);
                        network_def_free(def);
                }
                if (!obj) {
                        bridge_log_error("cannot take over a network");
                        g_free(st.nft_table);
                        continue;
                }
                obj->live = g_steal_pointer(&live);
                obj->active = TRUE;
                if (obj->live->ips->len && bridge_has_bridge(obj->live)) {
                        g_autofree char *pidf = bridge_file(name, ".pid");
                        g_autofree char *conf = bridge_file(name, ".conf");
                        pid_t pid = net_dnsmasq_find(pidf, conf);

                        if (!pid) {
                                log_warning(_("network '%s': its dnsmasq is gone; starting it "
                                              "again"),
                                            name);
                                if (bridge_start_dnsmasq(obj->live, &pid) < 0)
                                        bridge_log_error("cannot restart dnsmasq");
                                st.dnsmasq_pid = pid;
                                bridge_status_save(obj, &st);
                        }
                }
                log_info(_("network '%s': found running on bridge '%s'"), name,
                         obj->live->bridge_name);
                g_free(st.nft_table);
        }
        g_mutex_unlock(&s->lock);
}

int network_state_init(const vctl_paths *paths)
{
        g_autofree char *dir = NULL;
        network_store *s;
        int n;

        if (!paths->system)
                return 0; /* session daemons have no networks (use type='user') */
        dir = g_build_filename(paths->config_dir, "networks", NULL);
        s = network_store_new(dir, &bridge_backend);
        n = network_store_load(s);
        g_free(bridge_run_dir);
        bridge_run_dir = g_build_filename(paths->run_dir, "network", NULL);
        bridge_reconnect(s);
        log_debug("network driver: %d definition(s) loaded from '%s'", n, dir);
        g_mutex_lock(&bridge_lock);
        network_store_unref(bridge_store);
        bridge_store = network_store_ref(s);
        g_mutex_unlock(&bridge_lock);
        network_store_autostart(s);
        network_store_unref(s);
        return 0;
}

void network_state_cleanup(void)
{
        g_mutex_lock(&bridge_lock);
        /* running networks keep running: the next vctld finds them again */
        g_clear_pointer(&bridge_store, network_store_unref); /* calls in flight keep theirs */
        g_mutex_unlock(&bridge_lock);
}

static network_store *bridge_get(drv_conn *conn)
{
        network_store *s;

        (void)conn;
        g_mutex_lock(&bridge_lock);
        s = bridge_store ? network_store_ref(bridge_store) : NULL;
        g_mutex_unlock(&bridge_lock);
        if (!s)
                vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_NETWORK,
                               _("virtual networks are served by the system daemon "
                                 "(qemu:///system); session guests use <interface "
                                 "type='user'>"));
        return s;
}

/* The active network name's bridge, for guest interfaces; NULL with the
 * error set when it is not active. */
char *network_bridge_of(const char *name)
{
        __attribute__((cleanup(network_store_unrefp))) network_store *s = bridge_get(NULL);
        network_obj *obj;
        char *br = NULL;

        if (!s)
                return NULL;
        g_mutex_lock(&s->lock);
        obj = network_store_find_name_locked(s, name);
        if (!obj)
                vctl_error_set(VCTL_ERR_NO_NETWORK, VCTL_FROM_NETWORK,
                               _("network '%s' does not exist (define it with 'vctl net-define')"),
                               name);
        else if (!obj->active)
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                               _("network '%s' is not active (start it with 'vctl net-start "
                                 "%s')"),
                               name, name);
        else
                br = g_strdup(obj->live->bridge_name);
        g_mutex_unlock(&s->lock);
        return br;
}

NETSTORE_DRIVER(vctl_bridge_network_driver, bridge_get, vctl_qemu_driver);
