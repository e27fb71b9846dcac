/* The test driver's networks (test:///default): in memory, shared by every
 * connection of the process, seeded with libvirt's active 'default'. */
#include "config.h"

#include "driver/network/network_store.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

static const char test_network_default_xml[] =
        "<network>\n"
        "  <name>default</name>\n"
        "  <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>\n"
        "  <bridge name='virbr0'/>\n"
        "  <forward/>\n"
        "  <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
        "    <dhcp>\n"
        "      <range start='192.168.122.2' end='192.168.122.254'/>\n"
        "    </dhcp>\n"
        "  </ip>\n"
        "</network>\n";

static const network_backend test_network_backend = {0};

static network_store *test_network_store_new(void)
{
        network_store *s = network_store_new(NULL, &test_network_backend);
        g_autoptr(network_def) def =
                network_def_parse(test_network_default_xml, strlen(test_network_default_xml), NULL);
        network_obj *obj;

        if (!def) {
                network_store_unref(s);
                return NULL;
        }
        g_mutex_lock(&s->lock);
        obj = network_store_add_locked(s, &def, TRUE);
        obj->live =
                network_def_parse(test_network_default_xml, strlen(test_network_default_xml), NULL);
        obj->active = TRUE;
        g_mutex_unlock(&s->lock);
        return s;
}

static network_store *test_network_get(drv_conn *conn)
{
        static gsize once;
        static network_store *store;

        (void)conn;
        if (g_once_init_enter(&once)) {
                store = test_network_store_new();
                g_once_init_leave(&once, 1);
        }
        if (!store) {
                vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_TEST,
                               _("the test driver's networks could not be set up"));
                return NULL;
        }
        return network_store_ref(store); /* the process keeps the first reference */
}

NETSTORE_DRIVER(vctl_test_network_driver, test_network_get, vctl_test_driver);
