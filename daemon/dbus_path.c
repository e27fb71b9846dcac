/* The last element of vctld's D-Bus object paths: '_' and a UUID with '_'
 * for '-' (domains, networks, pools), or any string with every byte but
 * [A-Za-z0-9] as _XX (volume keys, as libvirt-dbus writes them). Pure
 * functions, tested by tests/dbus-path-test. */
#include <config.h>

#include "daemon/dbus_path.h"

#include <string.h>

/* a node: '_' and a canonical UUID with '_' for '-' */
#define DBUS_NODE_LEN (1 + VCTL_UUID_STRING_LEN - 1)

int dbus_node_uuid(const char *node, unsigned char ret_uuid[VCTL_UUID_LEN])
{
        char buf[VCTL_UUID_STRING_LEN];
        char canon[VCTL_UUID_STRING_LEN];
        unsigned char uuid[VCTL_UUID_LEN];

        if (!node || node[0] != '_' || strlen(node) != DBUS_NODE_LEN ||
            strspn(node, "_0123456789abcdef") != DBUS_NODE_LEN)
                return -1;
        memcpy(buf, node + 1, sizeof(buf));
        g_strdelimit(buf, "_", '-');
        if (vctl_uuid_parse(buf, uuid) < 0)
                return -1;
        /* one path per object: only the canonical (lowercase 8-4-4-4-12) form */
        if (!g_str_equal(vctl_uuid_format(uuid, canon), buf))
                return -1;
        memcpy(ret_uuid, uuid, VCTL_UUID_LEN);
        return 0;
}

gboolean dbus_node_is_uuid(const char *node)
{
        unsigned char uuid[VCTL_UUID_LEN];

        return dbus_node_uuid(node, uuid) == 0;
}

char *dbus_uuid_node(const unsigned char uuid[VCTL_UUID_LEN])
{
        char buf[VCTL_UUID_STRING_LEN];

        vctl_uuid_format(uuid, buf);
        g_strdelimit(buf, "-", '_');
        return g_strconcat("_", buf, NULL);
}

char *dbus_node_encode(const char *s)
{
        GString *out = g_string_sized_new(strlen(s) * 3 + 1);

        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
                if (g_ascii_isalnum(*p))
                        g_string_append_c(out, (char)*p);
                else
                        g_string_append_printf(out, "_%02x", *p);
        }
        return g_string_free(out, FALSE);
}

char *dbus_node_decode(const char *node)
{
        GString *out;

        if (!node || !*node)
                return NULL;
        out = g_string_sized_new(strlen(node));
        for (const char *p = node; *p; p++) {
                int hi, lo;

                if (g_ascii_isalnum(*p)) {
                        g_string_append_c(out, *p);
                        continue;
                }
                hi = *p == '_' ? g_ascii_xdigit_value(p[1]) : -1;
                lo = hi >= 0 ? g_ascii_xdigit_value(p[2]) : -1;
                /* one encoding per string: no NUL, no escaped alphanumeric */
                if (lo < 0 || (hi == 0 && lo == 0) || g_ascii_isalnum((char)(hi * 16 + lo)) ||
                    g_ascii_isupper(p[1]) || g_ascii_isupper(p[2])) {
                        g_string_free(out, TRUE);
                        return NULL;
                }
                g_string_append_c(out, (char)(hi * 16 + lo));
                p += 2;
        }
        return g_string_free(out, FALSE);
}
