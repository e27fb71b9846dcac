/* vctld.conf parsing: every key is known, every value is range-checked, and an
 * error names the file, the line and the key. */
#include <config.h>

#include "daemon/config.h"
#include "lib/rpc/message.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/num.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <gio/gio.h>
#include <string.h>

#define CONFIG_GROUP    "vctld"
#define CONFIG_MAX_SIZE (1024 * 1024)

typedef enum {
        KEY_UINT,
        KEY_INT,
        KEY_LEVEL,
        KEY_PERMS,
        KEY_AUTH,
        KEY_GROUP,
        KEY_ACCESS_DRIVERS,
        KEY_STR,
        KEY_PATH,
        KEY_DNLIST,
        KEY_BOOL,
        KEY_BUS_NAME,
} config_key_kind;

typedef struct config_key {
        const char *name;
        config_key_kind kind;
        long long min, max;
        gsize offset;
} config_key;

#define KEY(name, kind, min, max)                                                                  \
        {                                                                                          \
#name, kind, min, max, G_STRUCT_OFFSET(vctld_config, name)                         \
        }

static const config_key config_keys[] = {
        KEY(max_clients, KEY_UINT, 1, 100000),
        KEY(max_client_requests, KEY_UINT, 1, 1000),
        KEY(max_message_size, KEY_UINT, 65536, VCTL_RPC_MAX_MESSAGE),
        KEY(max_workers, KEY_UINT, 1, 1024),
        KEY(keepalive_interval, KEY_INT, -1, 86400),
        KEY(keepalive_count, KEY_UINT, 0, 1000),
        KEY(log_level, KEY_LEVEL, 0, 0),
        KEY(unix_sock_rw_perms, KEY_PERMS, 0, 0777),
        KEY(unix_sock_ro_perms, KEY_PERMS, 0, 0777),
        KEY(auth_unix_rw, KEY_AUTH, 0, 0),
        KEY(auth_unix_ro, KEY_AUTH, 0, 0),
        KEY(unix_sock_group, KEY_GROUP, 0, 0),
        {"access_drivers", KEY_ACCESS_DRIVERS, 0, 0, G_STRUCT_OFFSET(vctld_config, access_polkit)},
        KEY(listen_tls, KEY_UINT, 0, 1),
        KEY(tls_port, KEY_UINT, 1, 65535),
        KEY(listen_addr, KEY_STR, 0, CONFIG_STR_MAX),
        KEY(ca_file, KEY_PATH, 0, CONFIG_PATH_MAX),
        KEY(crl_file, KEY_PATH, 0, CONFIG_PATH_MAX),
        KEY(cert_file, KEY_PATH, 0, CONFIG_PATH_MAX),
        KEY(key_file, KEY_PATH, 0, CONFIG_PATH_MAX),
        KEY(tls_no_verify_certificate, KEY_UINT, 0, 1),
        KEY(tls_allowed_dn_list, KEY_DNLIST, 0, CONFIG_LIST_MAX),
        KEY(tls_priority, KEY_STR, 1, CONFIG_STR_MAX),
        KEY(dbus, KEY_BOOL, 0, 1),
        KEY(dbus_name, KEY_BUS_NAME, 0, 0),
};

void config_init_defaults(vctld_config *cfg)
{
        *cfg = (vctld_config){
                .max_clients = 120,
                .max_client_requests = 5,
                .max_message_size = VCTL_RPC_MAX_MESSAGE,
                .max_workers = 4,
                .keepalive_interval = 5,
                .keepalive_count = 5,
                .log_level = VCTL_LOG_WARNING,
                /* open to everyone: polkit decides (auth_unix_rw) */
                .unix_sock_rw_perms = 0666,
                .unix_sock_ro_perms = 0666,
                .auth_unix_rw = VCTLD_AUTH_POLKIT,
                .auth_unix_ro = VCTLD_AUTH_POLKIT,
                .tls_port = 16514,
                .tls_priority = "NORMAL",
                .dbus = TRUE,
                .dbus_name = "org.vctl",
        };
}

/* The line of the first "key =" in data, 0 when not found: GKeyFile keeps no
 * line numbers, and people need them. */
static int config_key_line(const char *data, const char *key)
{
        g_auto(GStrv) lines = g_strsplit(data, "\n", -1);

        for (int i = 0; lines[i]; i++) {
                const char *p = lines[i] + strspn(lines[i], " \t");
                gsize len = strlen(key);

                if (strncmp(p, key, len) != 0)
                        continue;
                /* a group header "[name]", or "key =" */
                if (key[0] == '[' || (p[len] && strchr(" \t=", p[len])))
                        return i + 1;
        }
        return 0;
}

static int config_error(const char *path, const char *data, const char *key, const char *fmt, ...)
        G_GNUC_PRINTF(4, 5);

static int config_error(const char *path, const char *data, const char *key, const char *fmt, ...)
{
        g_autofree char *what = NULL;
        int line = key ? config_key_line(data, key) : 0;
        va_list ap;

        va_start(ap, fmt);
        what = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        if (line > 0)
                return vctl_error_set(VCTL_ERR_CONFIG_UNSUPPORTED, VCTL_FROM_CONF, "%s:%d: %s",
                                      path, line, what);
        return vctl_error_set(VCTL_ERR_CONFIG_UNSUPPORTED, VCTL_FROM_CONF, "%s: %s", path, what);
}

/* GKeyFile keeps quotes; libvirt's config style puts strings in them. */
static char *config_unquote(const char *value)
{
        gsize len = strlen(value);

        if (len >= 2 && value[0] == '"' && value[len - 1] == '"')
                return g_strndup(value + 1, len - 2);
        return g_strdup(value);
}

/* libvirt's list syntax: access_drivers = [ "polkit" ]; [] or "none" for
 * none. */
static int config_parse_access_drivers(const char *value, gboolean *ret, const char *path,
                                       const char *data, const config_key *k)
{
        g_autofree char *inner = g_strstrip(g_strdup(value));
        g_auto(GStrv) items = NULL;
        gboolean polkit = FALSE;
        gsize len = strlen(inner);

        if (len >= 2 && inner[0] == '[' && inner[len - 1] == ']') {
                inner[len - 1] = '\0';
                memmove(inner, inner + 1, len - 1);
        }
        items = g_strsplit(inner, ",", 0);
        for (int i = 0; items[i]; i++) {
                g_autofree char *item = NULL;

                g_strstrip(items[i]);
                if (!*items[i] && !items[1])
                        break; /* [] */
                item = config_unquote(items[i]);
                if (g_str_equal(item, "polkit"))
                        polkit = TRUE;
                else if (!g_str_equal(item, "none"))
                        return config_error(path, data, k->name,
                                            _("%s: '%s' is not an access driver vctld knows (use "
                                              "[\"polkit\"] or [])"),
                                            k->name, item);
        }
        *ret = polkit;
        return 0;
}

/* libvirt's list syntax, ["a", "b"], to "a\nb". */
static int config_parse_dn_list(const char *raw, char **ret_list)
{
        g_autoptr(GString) out = g_string_new(NULL);
        const char *p = raw + strspn(raw, " \t");

        if (*p++ != '[')
                return -1;
        for (;;) {
                const char *end;

                p += strspn(p, " \t");
                if (*p == ']')
                        break;
                if (*p != '"')
                        return -1;
                end = strchr(p + 1, '"');
                if (!end || end == p + 1 || memchr(p + 1, '\n', (gsize)(end - p - 1)))
                        return -1;
                if (out->len)
                        g_string_append_c(out, '\n');
                g_string_append_len(out, p + 1, end - p - 1);
                p = end + 1 + strspn(end + 1, " \t");
                if (*p == ',')
                        p++;
                else if (*p != ']')
                        return -1;
        }
        p++;
        if (p[strspn(p, " \t")])
                return -1;
        *ret_list = g_string_free(g_steal_pointer(&out), FALSE);
        return 0;
}

static int config_set_key(vctld_config *cfg, const config_key *k, const char *raw, const char *path,
                          const char *data)
{
        g_autofree char *value = config_unquote(raw);
        void *field = G_STRUCT_MEMBER_P(cfg, k->offset);
        long long n;

        switch (k->kind) {
        case KEY_UINT:
        case KEY_INT:
                if (vctl_parse_ll(value, k->min, k->max, &n) < 0 || (k->kind == KEY_INT && n == 0))
                        return config_error(
                                path, data, k->name,
                                k->kind == KEY_INT ? _("%s: '%s' is not -1 or a number between "
                                                       "%lld and %lld")
                                                   : _("%s: '%s' is not a number between %lld "
                                                       "and %lld"),
                                k->name, value, k->kind == KEY_INT ? 1 : k->min, k->max);
                if (k->kind == KEY_INT)
                        *(int *)field = (int)n;
                else
                        *(guint *)field = (guint)n;
                return 0;
        case KEY_LEVEL:
                if (vctl_log_level_parse(value, (vctl_log_level *)field) < 0)
                        return config_error(path, data, k->name,
                                            _("%s: '%s' is not a log level (use debug, info, "
                                              "warning or error)"),
                                            k->name, value);
                return 0;
        case KEY_PERMS: {
                char *end = NULL;
                unsigned long mode;

                errno = 0;
                mode = strtoul(value, &end, 8);
                if (!*value || *end || errno || mode > 0777 || value[0] == '-')
                        return config_error(
                                path, data, k->name,
                                _("%s: '%s' is not an octal file mode such as \"0600\""), k->name,
                                value);
                *(guint *)field = (guint)mode;
                return 0;
        }
        case KEY_AUTH:
                if (g_str_equal(value, "none"))
                        *(int *)field = VCTLD_AUTH_NONE;
                else if (g_str_equal(value, "polkit"))
                        *(int *)field = VCTLD_AUTH_POLKIT;
                else
                        return config_error(path, data, k->name,
                                            _("%s: '%s' is not an authentication vctld knows (use "
                                              "\"polkit\" or \"none\")"),
                                            k->name, value);
                return 0;
        case KEY_GROUP:
                if (strlen(value) >= sizeof(((vctld_config *)NULL)->unix_sock_group) ||
                    strpbrk(value, ": /\t\n"))
                        return config_error(path, data, k->name, _("%s: '%s' is not a group name"),
                                            k->name, value);
                g_strlcpy(field, value, sizeof(((vctld_config *)NULL)->unix_sock_group));
                return 0;
        case KEY_ACCESS_DRIVERS:
                return config_parse_access_drivers(value, (gboolean *)field, path, data, k);
        case KEY_STR:
        case KEY_PATH:
                if (strlen(value) >= (gsize)k->max || strlen(value) < (gsize)k->min)
                        return config_error(path, data, k->name,
                                            _("%s: '%s' is empty or longer than %lld bytes"),
                                            k->name, value, k->max - 1);
                if (k->kind == KEY_PATH && !g_path_is_absolute(value))
                        return config_error(path, data, k->name,
                                            _("%s: '%s' is not an absolute path"), k->name, value);
                g_strlcpy(field, value, (gsize)k->max);
                return 0;
        case KEY_DNLIST: {
                g_autofree char *list = NULL;

                if (config_parse_dn_list(raw, &list) < 0)
                        return config_error(path, data, k->name,
                                            _("%s: '%s' is not a list of quoted strings such as "
                                              "[\"C=GB,O=Example,CN=*\"]"),
                                            k->name, raw);
                if (strlen(list) >= (gsize)k->max)
                        return config_error(path, data, k->name,
                                            _("%s: the list is longer than %lld bytes"), k->name,
                                            k->max - 1);
                g_strlcpy(field, list, (gsize)k->max);
                cfg->has_dn_list = TRUE;
                return 0;
        }
        case KEY_BOOL:
                if (g_str_equal(value, "yes") || g_str_equal(value, "1"))
                        *(gboolean *)field = TRUE;
                else if (g_str_equal(value, "no") || g_str_equal(value, "0"))
                        *(gboolean *)field = FALSE;
                else
                        return config_error(path, data, k->name,
                                            _("%s: '%s' is neither yes nor no"), k->name, value);
                return 0;
        case KEY_BUS_NAME:
                /* a well-known name: a unique one (":1.5") cannot be owned */
                if (strlen(value) >= sizeof(((vctld_config *)NULL)->dbus_name) ||
                    !g_dbus_is_name(value) || g_dbus_is_unique_name(value))
                        return config_error(path, data, k->name,
                                            _("%s: '%s' is not a D-Bus well-known name such "
                                              "as \"org.vctl\""),
                                            k->name, value);
                g_strlcpy(field, value, sizeof(((vctld_config *)NULL)->dbus_name));
                return 0;
        }
        g_assert_not_reached();
}

static const config_key *config_key_find(const char *name)
{
        for (gsize i = 0; i < G_N_ELEMENTS(config_keys); i++)
                if (g_str_equal(config_keys[i].name, name))
                        return &config_keys[i];
        return NULL;
}

int config_parse_data(const char *data, gsize len, const char *path, vctld_config *ret_cfg)
{
        g_autoptr(GKeyFile) kf = g_key_file_new();
        g_autoptr(GError) err = NULL;
        g_auto(GStrv) groups = NULL;
        g_auto(GStrv) keys = NULL;
        g_autofree char *text = g_strndup(data, len);
        vctld_config cfg;

        config_init_defaults(&cfg);
        if (!g_key_file_load_from_data(kf, text, len, G_KEY_FILE_NONE, &err))
                return config_error(path, text, NULL, "%s", err->message);
        groups = g_key_file_get_groups(kf, NULL);
        for (int i = 0; groups[i]; i++) {
                if (!g_str_equal(groups[i], CONFIG_GROUP)) {
                        g_autofree char *header = g_strdup_printf("[%s]", groups[i]);

                        return config_error(path, text, header,
                                            _("unknown group [%s] (vctld.conf has only [%s])"),
                                            groups[i], CONFIG_GROUP);
                }
        }
        if (g_key_file_has_group(kf, CONFIG_GROUP))
                keys = g_key_file_get_keys(kf, CONFIG_GROUP, NULL, NULL);
        for (int i = 0; keys && keys[i]; i++) {
                const config_key *k = config_key_find(keys[i]);
                g_autofree char *value = NULL;

                if (!k)
                        return config_error(path, text, keys[i],
                                            _("unknown key '%s' in [%s] (see docs/vctld.conf)"),
                                            keys[i], CONFIG_GROUP);
                value = g_key_file_get_value(kf, CONFIG_GROUP, keys[i], NULL);
                if (!value || config_set_key(&cfg, k, value, path, text) < 0)
                        return -1;
        }
        *ret_cfg = cfg;
        return 0;
}

int config_load(const char *path, gboolean required, vctld_config *ret_cfg)
{
        g_autofree char *data = NULL;
        size_t len = 0;
        int r;

        if (!required && !g_file_test(path, G_FILE_TEST_EXISTS)) {
                config_init_defaults(ret_cfg);
                return 0;
        }
        r = vctl_file_read_bounded(path, CONFIG_MAX_SIZE, &data, &len);
        if (r < 0)
                return -1;
        return config_parse_data(data, len, path, ret_cfg);
}

static char *config_value_string(const vctld_config *cfg, const config_key *k)
{
        const void *field = G_STRUCT_MEMBER_P(cfg, k->offset);
        static const char *const levels[] = {"debug", "info", "warning", "error"};

        switch (k->kind) {
        case KEY_UINT:
                return g_strdup_printf("%u", *(const guint *)field);
        case KEY_INT:
                return g_strdup_printf("%d", *(const int *)field);
        case KEY_LEVEL:
                return g_strdup(levels[CLAMP(*(const int *)field, 0, 3)]);
        case KEY_PERMS:
                return g_strdup_printf("%04o", *(const guint *)field);
        case KEY_AUTH:
                return g_strdup(*(const int *)field == VCTLD_AUTH_POLKIT ? "polkit" : "none");
        case KEY_GROUP:
                return g_strdup_printf("\"%s\"", (const char *)field);
        case KEY_ACCESS_DRIVERS:
                return g_strdup(*(const gboolean *)field ? "[\"polkit\"]" : "[]");
        case KEY_STR:
        case KEY_PATH:
        case KEY_DNLIST:
                return g_strdup_printf("\"%s\"", (const char *)field);
        case KEY_BOOL:
                return g_strdup(*(const gboolean *)field ? "yes" : "no");
        case KEY_BUS_NAME:
                return g_strdup(field);
        }
        g_assert_not_reached();
}

char *config_describe_changes(const vctld_config *old_cfg, const vctld_config *new_cfg)
{
        g_autoptr(GString) out = g_string_new(NULL);

        for (gsize i = 0; i < G_N_ELEMENTS(config_keys); i++) {
                g_autofree char *a = config_value_string(old_cfg, &config_keys[i]);
                g_autofree char *b = config_value_string(new_cfg, &config_keys[i]);

                if (g_str_equal(a, b))
                        continue;
                g_string_append_printf(out, "%s%s %s -> %s", out->len ? ", " : "",
                                       config_keys[i].name, a, b);
        }
        if (!out->len)
                return NULL;
        return g_string_free(g_steal_pointer(&out), FALSE);
}

gboolean config_tls_differs(const vctld_config *a, const vctld_config *b)
{
        return a->listen_tls != b->listen_tls || a->tls_port != b->tls_port ||
               strcmp(a->listen_addr, b->listen_addr) != 0 || strcmp(a->ca_file, b->ca_file) != 0 ||
               strcmp(a->crl_file, b->crl_file) != 0 || strcmp(a->cert_file, b->cert_file) != 0 ||
               strcmp(a->key_file, b->key_file) != 0 ||
               a->tls_no_verify_certificate != b->tls_no_verify_certificate ||
               a->has_dn_list != b->has_dn_list ||
               strcmp(a->tls_allowed_dn_list, b->tls_allowed_dn_list) != 0 ||
               strcmp(a->tls_priority, b->tls_priority) != 0;
}

void config_copy_tls(vctld_config *dst, const vctld_config *src)
{
        dst->listen_tls = src->listen_tls;
        dst->tls_port = src->tls_port;
        memcpy(dst->listen_addr, src->listen_addr, sizeof(dst->listen_addr));
        memcpy(dst->ca_file, src->ca_file, sizeof(dst->ca_file));
        memcpy(dst->crl_file, src->crl_file, sizeof(dst->crl_file));
        memcpy(dst->cert_file, src->cert_file, sizeof(dst->cert_file));
        memcpy(dst->key_file, src->key_file, sizeof(dst->key_file));
        dst->tls_no_verify_certificate = src->tls_no_verify_certificate;
        memcpy(dst->tls_allowed_dn_list, src->tls_allowed_dn_list,
               sizeof(dst->tls_allowed_dn_list));
        dst->has_dn_list = src->has_dn_list;
        memcpy(dst->tls_priority, src->tls_priority, sizeof(dst->tls_priority));
}
