/* daemon/config: vctld.conf defaults, overrides and refusals. */
#include "config.h"

#include "daemon/config.h"
#include "lib/util/error.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static int parse(const char *text, vctld_config *cfg)
{
        vctl_error_clear();
        return config_parse_data(text, strlen(text), "/etc/vctl/vctld.conf", cfg);
}

static void test_defaults(void)
{
        vctld_config cfg;

        config_init_defaults(&cfg);
        g_assert_cmpuint(cfg.max_clients, ==, 120);
        g_assert_cmpuint(cfg.max_client_requests, ==, 5);
        g_assert_cmpuint(cfg.max_message_size, ==, 16777216);
        g_assert_cmpuint(cfg.max_workers, ==, 4);
        g_assert_cmpint(cfg.keepalive_interval, ==, 5);
        g_assert_cmpuint(cfg.keepalive_count, ==, 5);
        g_assert_cmpint(cfg.log_level, ==, VCTL_LOG_WARNING);
        /* open to all, guarded by polkit, like libvirtd built with polkit */
        g_assert_cmpuint(cfg.unix_sock_rw_perms, ==, 0666);
        g_assert_cmpuint(cfg.unix_sock_ro_perms, ==, 0666);
        g_assert_cmpint(cfg.auth_unix_rw, ==, VCTLD_AUTH_POLKIT);
        g_assert_cmpint(cfg.auth_unix_ro, ==, VCTLD_AUTH_POLKIT);
        g_assert_cmpstr(cfg.unix_sock_group, ==, "");
        g_assert_false(cfg.access_polkit);

        /* an empty file, comments only, an empty group: the defaults */
        g_assert_cmpint(parse("", &cfg), ==, 0);
        g_assert_cmpuint(cfg.max_clients, ==, 120);
        g_assert_cmpint(parse("# nothing\n\n[vctld]\n# max_clients = 3\n", &cfg), ==, 0);
        g_assert_cmpuint(cfg.max_clients, ==, 120);
}

static void test_overrides(void)
{
        vctld_config cfg;
        const char *text = "[vctld]\n"
                           "max_clients = 50\n"
                           "max_client_requests=1\n"
                           "max_message_size = 65536\n"
                           "max_workers = 16\n"
                           "keepalive_interval = -1\n"
                           "keepalive_count = 0\n"
                           "log_level = debug\n"
                           "unix_sock_rw_perms = \"0660\"\n"
                           "unix_sock_ro_perms = 0644\n"
                           "auth_unix_rw = \"none\"\n"
                           "auth_unix_ro = none\n"
                           "unix_sock_group = \"vctl\"\n"
                           "access_drivers = [ \"polkit\" ]\n";

        g_assert_cmpint(parse(text, &cfg), ==, 0);
        g_assert_cmpuint(cfg.max_clients, ==, 50);
        g_assert_cmpuint(cfg.max_client_requests, ==, 1);
        g_assert_cmpuint(cfg.max_message_size, ==, 65536);
        g_assert_cmpuint(cfg.max_workers, ==, 16);
        g_assert_cmpint(cfg.keepalive_interval, ==, -1);
        g_assert_cmpuint(cfg.keepalive_count, ==, 0);
        g_assert_cmpint(cfg.log_level, ==, VCTL_LOG_DEBUG);
        g_assert_cmpuint(cfg.unix_sock_rw_perms, ==, 0660);
        g_assert_cmpuint(cfg.unix_sock_ro_perms, ==, 0644);
        g_assert_cmpint(cfg.auth_unix_rw, ==, VCTLD_AUTH_NONE);
        g_assert_cmpint(cfg.auth_unix_ro, ==, VCTLD_AUTH_NONE);
        g_assert_cmpstr(cfg.unix_sock_group, ==, "vctl");
        g_assert_true(cfg.access_polkit);

        /* libvirt's other spellings of the list */
        g_assert_cmpint(parse("[vctld]\naccess_drivers = polkit\n", &cfg), ==, 0);
        g_assert_true(cfg.access_polkit);
        g_assert_cmpint(parse("[vctld]\naccess_drivers = []\n", &cfg), ==, 0);
        g_assert_false(cfg.access_polkit);
        g_assert_cmpint(parse("[vctld]\naccess_drivers = [\"none\"]\n", &cfg), ==, 0);
        g_assert_false(cfg.access_polkit);
}

static void test_unknown_key(void)
{
        vctld_config cfg;

        config_init_defaults(&cfg);
        cfg.max_clients = 7;
        g_assert_cmpint(parse("[vctld]\nmax_clients = 10\n\nmax_clinets = 10\n", &cfg), ==, -1);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_CONFIG_UNSUPPORTED);
        g_assert_nonnull(strstr(vctl_error_message(), "/etc/vctl/vctld.conf:4:"));
        g_assert_nonnull(strstr(vctl_error_message(), "'max_clinets'"));
        g_assert_cmpuint(cfg.max_clients, ==, 7); /* untouched on failure */

        g_assert_cmpint(parse("[libvirtd]\nmax_clients = 10\n", &cfg), ==, -1);
        g_assert_nonnull(strstr(vctl_error_message(), "[libvirtd]"));
        g_assert_nonnull(strstr(vctl_error_message(), ":1:"));

        g_assert_cmpint(parse("max_clients = 10\n", &cfg), ==, -1);
        g_assert_nonnull(strstr(vctl_error_message(), "/etc/vctl/vctld.conf"));
}

static void test_bad_values(void)
{
        static const struct {
                const char *text, *key;
        } cases[] = {
                {"[vctld]\nmax_clients = 0\n", "max_clients"},
                {"[vctld]\nmax_clients = lots\n", "max_clients"},
                {"[vctld]\nmax_clients = 12x\n", "max_clients"},
                {"[vctld]\nmax_clients = -5\n", "max_clients"},
                {"[vctld]\nmax_clients = 99999999999999999999\n", "max_clients"},
                {"[vctld]\nmax_client_requests = 0\n", "max_client_requests"},
                {"[vctld]\nmax_message_size = 16777217\n", "max_message_size"},
                {"[vctld]\nmax_message_size = 100\n", "max_message_size"},
                {"[vctld]\nmax_workers = 0\n", "max_workers"},
                {"[vctld]\nkeepalive_interval = 0\n", "keepalive_interval"},
                {"[vctld]\nkeepalive_interval = -2\n", "keepalive_interval"},
                {"[vctld]\nkeepalive_count = 1001\n", "keepalive_count"},
                {"[vctld]\nlog_level = chatty\n", "log_level"},
                {"[vctld]\nunix_sock_rw_perms = 0800\n", "unix_sock_rw_perms"},
                {"[vctld]\nunix_sock_ro_perms = 01777\n", "unix_sock_ro_perms"},
                {"[vctld]\nunix_sock_ro_perms = \n", "unix_sock_ro_perms"},
                {"[vctld]\nauth_unix_rw = sasl\n", "auth_unix_rw"},
                {"[vctld]\nauth_unix_ro = \"\"\n", "auth_unix_ro"},
                {"[vctld]\nunix_sock_group = \"a:b\"\n", "unix_sock_group"},
                {"[vctld]\nunix_sock_group = "
                 "\"0123456789012345678901234567890123456789012345678901234567890123\"\n",
                 "unix_sock_group"},
                {"[vctld]\naccess_drivers = [\"selinux\"]\n", "selinux"},
                {"[vctld]\naccess_drivers = [\"polkit\", \"nope\"]\n", "nope"},
        };

        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
                vctld_config cfg;

                g_test_message("%s", cases[i].text);
                g_assert_cmpint(parse(cases[i].text, &cfg), ==, -1);
                g_assert_nonnull(strstr(vctl_error_message(), "/etc/vctl/vctld.conf:2:"));
                g_assert_nonnull(strstr(vctl_error_message(), cases[i].key));
        }
}

static void test_tls_keys(void)
{
        vctld_config cfg;
        const char *text = "[vctld]\n"
                           "listen_tls = 1\n"
                           "tls_port = \"16600\"\n"
                           "listen_addr = \"127.0.0.1\"\n"
                           "ca_file = \"/srv/pki/ca.pem\"\n"
                           "cert_file = /srv/pki/server.pem\n"
                           "tls_no_verify_certificate = 1\n"
                           "tls_allowed_dn_list = [\"C=GB,O=Example,CN=*\", \"CN=admin\"]\n"
                           "tls_priority = \"NORMAL:-VERS-TLS1.0\"\n";

        config_init_defaults(&cfg);
        g_assert_cmpuint(cfg.listen_tls, ==, 0);
        g_assert_cmpuint(cfg.tls_port, ==, 16514);
        g_assert_cmpstr(cfg.tls_priority, ==, "NORMAL");
        g_assert_cmpstr(cfg.ca_file, ==, "");
        g_assert_false(cfg.has_dn_list);

        g_assert_cmpint(parse(text, &cfg), ==, 0);
        g_assert_cmpuint(cfg.listen_tls, ==, 1);
        g_assert_cmpuint(cfg.tls_port, ==, 16600);
        g_assert_cmpstr(cfg.listen_addr, ==, "127.0.0.1");
        g_assert_cmpstr(cfg.ca_file, ==, "/srv/pki/ca.pem");
        g_assert_cmpstr(cfg.cert_file, ==, "/srv/pki/server.pem");
        g_assert_cmpstr(cfg.key_file, ==, "");
        g_assert_cmpuint(cfg.tls_no_verify_certificate, ==, 1);
        g_assert_true(cfg.has_dn_list);
        g_assert_cmpstr(cfg.tls_allowed_dn_list, ==, "C=GB,O=Example,CN=*\nCN=admin");
        g_assert_cmpstr(cfg.tls_priority, ==, "NORMAL:-VERS-TLS1.0");

        /* a reload keeps the TLS keys of the start */
        {
                vctld_config defaults, copy;

                config_init_defaults(&defaults);
                g_assert_true(config_tls_differs(&defaults, &cfg));
                copy = defaults;
                copy.max_clients = 7;
                config_copy_tls(&copy, &cfg);
                g_assert_false(config_tls_differs(&copy, &cfg));
                g_assert_cmpuint(copy.max_clients, ==, 7);
                g_assert_cmpstr(copy.tls_priority, ==, "NORMAL:-VERS-TLS1.0");
        }

        /* an empty list lets nobody in */
        g_assert_cmpint(parse("[vctld]\ntls_allowed_dn_list = [ ]\n", &cfg), ==, 0);
        g_assert_true(cfg.has_dn_list);
        g_assert_cmpstr(cfg.tls_allowed_dn_list, ==, "");
}

static void test_tls_bad_values(void)
{
        static const struct {
                const char *text, *key, *why;
        } cases[] = {
                {"[vctld]\nlisten_tls = 2\n", "listen_tls", "between 0 and 1"},
                {"[vctld]\ntls_port = 0\n", "tls_port", "between 1 and 65535"},
                {"[vctld]\ntls_port = 65536\n", "tls_port", "between 1 and 65535"},
                {"[vctld]\nca_file = \"pki/ca.pem\"\n", "ca_file", "not an absolute path"},
                {"[vctld]\ntls_allowed_dn_list = \"CN=*\"\n", "tls_allowed_dn_list",
                 "not a list of quoted strings"},
                {"[vctld]\ntls_allowed_dn_list = [\"CN=a\" \"CN=b\"]\n", "tls_allowed_dn_list",
                 "not a list"},
                {"[vctld]\ntls_allowed_dn_list = [\"CN=a\"\n", "tls_allowed_dn_list", "not a list"},
                {"[vctld]\ntls_allowed_dn_list = [\"\"]\n", "tls_allowed_dn_list", "not a list"},
                {"[vctld]\ntls_priority = \"\"\n", "tls_priority", "empty or longer"},
        };

        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
                vctld_config cfg;

                g_test_message("%s", cases[i].text);
                g_assert_cmpint(parse(cases[i].text, &cfg), ==, -1);
                g_assert_nonnull(strstr(vctl_error_message(), "/etc/vctl/vctld.conf:2:"));
                g_assert_nonnull(strstr(vctl_error_message(), cases[i].key));
                g_assert_nonnull(strstr(vctl_error_message(), cases[i].why));
        }
}

static void test_load_file(void)
{
        g_autofree char *dir = g_dir_make_tmp("vctld-config-XXXXXX", NULL);
        g_autofree char *path = g_build_filename(dir, "vctld.conf", NULL);
        g_autofree char *missing = g_build_filename(dir, "missing.conf", NULL);
        vctld_config cfg, old;
        g_autofree char *changes = NULL;

        /* a missing default file is fine; a missing explicit one is not */
        g_assert_cmpint(config_load(missing, FALSE, &cfg), ==, 0);
        g_assert_cmpuint(cfg.max_clients, ==, 120);
        g_assert_cmpint(config_load(missing, TRUE, &cfg), ==, -1);
        g_assert_nonnull(strstr(vctl_error_message(), "missing.conf"));

        g_assert_true(g_file_set_contents(path, "[vctld]\nmax_workers = 2\n", -1, NULL));
        g_assert_cmpint(config_load(path, TRUE, &cfg), ==, 0);
        g_assert_cmpuint(cfg.max_workers, ==, 2);

        config_init_defaults(&old);
        changes = config_describe_changes(&old, &cfg);
        g_assert_cmpstr(changes, ==, "max_workers 4 -> 2");
        g_assert_null(config_describe_changes(&cfg, &cfg));

        g_unlink(path);
        g_rmdir(dir);
}

/* dbus and dbus_name (daemon/dbus.c) */
static void test_dbus_keys(void)
{
        static const char *const bad[] = {
                "[vctld]\ndbus = maybe\n",     "[vctld]\ndbus_name = org\n",
                "[vctld]\ndbus_name = :1.5\n", "[vctld]\ndbus_name = org..vctl\n",
                "[vctld]\ndbus_name = \"\"\n",
        };
        g_autofree char *many = g_strnfill(300, 'a');
        g_autofree char *long_name = g_strdup_printf("[vctld]\ndbus_name = org.%s\n", many);
        vctld_config cfg;

        config_init_defaults(&cfg);
        g_assert_true(cfg.dbus);
        g_assert_cmpstr(cfg.dbus_name, ==, "org.vctl");
        g_assert_cmpint(parse("[vctld]\ndbus = no\ndbus_name = \"org.example.Virt\"\n", &cfg), ==,
                        0);
        g_assert_false(cfg.dbus);
        g_assert_cmpstr(cfg.dbus_name, ==, "org.example.Virt");
        for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_test_message("%s", bad[i]);
                g_assert_cmpint(parse(bad[i], &cfg), ==, -1);
                g_assert_nonnull(strstr(vctl_error_message(), "/etc/vctl/vctld.conf:2:"));
        }
        g_assert_cmpint(parse(long_name, &cfg), ==, -1);
        g_assert_nonnull(strstr(vctl_error_message(), "dbus_name"));
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/daemon/config/defaults", test_defaults);
        g_test_add_func("/daemon/config/overrides", test_overrides);
        g_test_add_func("/daemon/config/unknown-key", test_unknown_key);
        g_test_add_func("/daemon/config/bad-values", test_bad_values);
        g_test_add_func("/daemon/config/tls-keys", test_tls_keys);
        g_test_add_func("/daemon/config/tls-bad-values", test_tls_bad_values);
        g_test_add_func("/daemon/config/load-file", test_load_file);
        g_test_add_func("/daemon/config/dbus", test_dbus_keys);
        return g_test_run();
}
