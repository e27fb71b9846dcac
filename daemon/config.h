/* vctld.conf: the daemon's limits and socket settings (a GKeyFile, group [vctld]). */
#pragma once

#include <glib.h>

#include "lib/util/log.h"

#define CONFIG_STR_MAX  256
#define CONFIG_PATH_MAX 1024
#define CONFIG_LIST_MAX 8192

typedef struct vctld_config {
        guint max_clients;         /* connected clients at once */
        guint max_client_requests; /* calls in flight per client */
        guint max_message_size;    /* largest message accepted or sent */
        guint max_workers;         /* threads running blocking calls */
        int keepalive_interval;    /* seconds of silence before a PING; -1 disables */
        guint keepalive_count;     /* unanswered PINGs before a client is dropped */
        vctl_log_level log_level;
        guint unix_sock_rw_perms; /* mode of the read-write socket */
        guint unix_sock_ro_perms; /* mode of the read-only socket */
        /* access control (daemon/access.h, docs/polkit.md) */
        int auth_unix_rw;         /* VCTLD_AUTH_*: what a non-root peer must pass */
        int auth_unix_ro;         /* the same for the read-only socket */
        char unix_sock_group[64]; /* group owning the sockets; "" keeps root's */
        gboolean access_polkit;   /* access_drivers = ["polkit"]: a check per call */

        /* TLS (daemon/tls.c); the files are prefixed by --root, "" means
         * libvirt's default path. Fixed-size, so the struct copies by value. */
        guint listen_tls;                 /* 0/1: listen on tls_port */
        guint tls_port;                   /* 16514 */
        char listen_addr[CONFIG_STR_MAX]; /* "" all addresses */
        char ca_file[CONFIG_PATH_MAX];    /* /etc/pki/CA/cacert.pem */
        char crl_file[CONFIG_PATH_MAX];   /* /etc/pki/CA/cacrl.pem, optional */
        char cert_file[CONFIG_PATH_MAX];  /* /etc/pki/vctl/servercert.pem */
        char key_file[CONFIG_PATH_MAX];   /* /etc/pki/vctl/private/serverkey.pem */
        guint tls_no_verify_certificate;  /* 1: accept clients without a valid certificate */
        /* globs on the client's DN, one per line; "" with has_dn_list: nobody */
        char tls_allowed_dn_list[CONFIG_LIST_MAX];
        gboolean has_dn_list;
        char tls_priority[CONFIG_STR_MAX]; /* GnuTLS priority string, "NORMAL" */

        /* D-Bus service (daemon/dbus.c) */
        gboolean dbus;       /* serve org.vctl on the system or session bus */
        char dbus_name[256]; /* well-known name to own; D-Bus names are <= 255 */
} vctld_config;

/* auth_unix_rw / auth_unix_ro */
enum { VCTLD_AUTH_NONE = 0, VCTLD_AUTH_POLKIT = 1 };

void config_init_defaults(vctld_config *cfg);

/* Parses a vctld.conf text over the defaults; path only names it in errors.
 * Returns 0, or -1 with a VCTL_ERR_CONFIG_UNSUPPORTED error naming the file,
 * the line and the key; *ret_cfg is untouched on failure. */
int config_parse_data(const char *data, gsize len, const char *path, vctld_config *ret_cfg);

/* Loads path. A missing file gives the defaults unless required. */
int config_load(const char *path, gboolean required, vctld_config *ret_cfg);

/* Whether the TLS keys (listen_tls ... tls_priority) differ; a copy of
 * those keys from src into dst (they apply only at start). */
gboolean config_tls_differs(const vctld_config *a, const vctld_config *b);
void config_copy_tls(vctld_config *dst, const vctld_config *src);

/* "max_clients 120 -> 50, ..." for what differs; NULL when nothing does. */
char *config_describe_changes(const vctld_config *old_cfg, const vctld_config *new_cfg);
