/* Parses connection URIs the way libvirt's remote driver reads them, and
 * works out which socket (or which in-process driver) serves each one. */
#include "config.h"

#include "lib/uri.h"

#include "lib/util/error.h"
#include "lib/util/paths.h"
#include "lib/vctl.h"
#include "lib/util/i18n.h"

#include <string.h>
#include <unistd.h>

/* Whatever the caller gave is bounded before we look at it. */
#define URI_MAX_LEN 4096

char *uri_default(void)
{
        const char *env = g_getenv("VCTL_DEFAULT_URI");

        if (env && *env)
                return g_strdup(env);
        return g_strdup(geteuid() == 0 ? "qemu:///system" : "qemu:///session");
}

void uri_free(vctl_uri *uri)
{
        if (!uri)
                return;
        g_free(uri->driver);
        g_free(uri->user);
        g_free(uri->host);
        g_free(uri->path);
        g_free(uri->socket);
        g_free(uri->name);
        g_free(uri->socket_path);
        g_free(uri->pkipath);
        g_free(uri);
}

static int uri_invalid(const char *s, const char *why)
{
        return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_REMOTE,
                              _("invalid URI '%s': %s (try qemu:///system, qemu:///session or "
                                "test:///default)"),
                              s, why);
}

static int uri_set_transport(vctl_uri *uri, const char *s, const char *transport)
{
        if (!transport)
                /* libvirt: a host name without a transport means TLS */
                uri->transport = uri->host ? URI_TRANSPORT_TLS
                                 : (g_str_equal(uri->driver, "test") && !uri->socket)
                                         ? URI_TRANSPORT_LOCAL
                                         : URI_TRANSPORT_UNIX;
        else if (g_ascii_strcasecmp(transport, "unix") == 0)
                uri->transport = URI_TRANSPORT_UNIX;
        else if (g_ascii_strcasecmp(transport, "tls") == 0)
                uri->transport = URI_TRANSPORT_TLS;
        else
                return vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_REMOTE,
                                      _("URI '%s': transport '%s' is not supported by vctl (use "
                                        "unix, or tls for another host)"),
                                      s, transport);
        if (uri->transport == URI_TRANSPORT_UNIX && uri->host)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_REMOTE,
                                      _("URI '%s': the unix transport reaches only this host; "
                                        "drop the host name '%s' or use the tls transport"),
                                      s, uri->host);
        if (uri->transport == URI_TRANSPORT_TLS && !uri->socket && !uri->port)
                uri->port = URI_TLS_PORT;
        return 0;
}

static int uri_check_path(vctl_uri *uri, const char *s)
{
        if (g_str_equal(uri->driver, "qemu")) {
                if (g_str_equal(uri->path, "/system") || g_str_equal(uri->path, "/session"))
                        return 0;
                return vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_REMOTE,
                                      _("URI '%s': unknown path '%s' (qemu URIs end in /system "
                                        "or /session)"),
                                      s, uri->path);
        }
        if (g_str_equal(uri->path, "/default"))
                return 0;
        return vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_REMOTE,
                              _("URI '%s': unknown path '%s' (the test driver serves only "
                                "test:///default)"),
                              s, uri->path);
}

static int uri_parse_query(vctl_uri *uri, const char *s, const char *query)
{
        g_autoptr(GHashTable) params = NULL;
        g_autoptr(GError) gerr = NULL;
        const char *sock, *pki, *nv;

        if (!query || !*query)
                return 0;
        params = g_uri_parse_params(query, -1, "&", G_URI_PARAMS_NONE, &gerr);
        if (!params)
                return uri_invalid(s, gerr->message);
        pki = g_hash_table_lookup(params, "pkipath");
        if (pki && !g_path_is_absolute(pki))
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_REMOTE,
                                      _("URI '%s': pkipath '%s' is not an absolute path"), s, pki);
        uri->pkipath = g_strdup(pki);
        nv = g_hash_table_lookup(params, "no_verify");
        if (nv && !g_str_equal(nv, "0") && !g_str_equal(nv, "1"))
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_REMOTE,
                                      _("URI '%s': no_verify must be 0 or 1, not '%s'"), s, nv);
        uri->no_verify = nv && g_str_equal(nv, "1");
        /* mode=, ...: accepted and ignored, as by libvirt's remote driver when
         * they do not apply */
        sock = g_hash_table_lookup(params, "socket");
        if (!sock)
                return 0;
        if (!g_path_is_absolute(sock))
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_REMOTE,
                                      _("URI '%s': socket '%s' is not an absolute path"), s, sock);
        uri->socket = g_strdup(sock);
        return 0;
}

static void uri_resolve_socket(vctl_uri *uri, unsigned int flags)
{
        g_autoptr(vctl_paths) paths = NULL;
        gboolean system = !g_str_equal(uri->path, "/session");

        if (uri->transport != URI_TRANSPORT_UNIX)
                return;
        if (uri->socket) {
                uri->socket_path = g_strdup(uri->socket);
                return;
        }
        /* the same paths the daemon binds, from lib/util/paths.c */
        paths = vctl_paths_new(system, NULL);
        if (system && (flags & VCTL_CONNECT_RO))
                uri->socket_path = g_strdup(paths->socket_ro_path);
        else
                uri->socket_path = g_strdup(paths->socket_path);
        uri->autostart = !system && g_str_equal(uri->driver, "qemu");
}

int uri_parse(const char *s, unsigned int flags, vctl_uri **ret_uri)
{
        g_autoptr(vctl_uri) uri = NULL;
        g_autoptr(GUri) gu = NULL;
        g_autoptr(GError) gerr = NULL;
        g_auto(GStrv) scheme = NULL;
        const char *transport = NULL;

        if (!s || !*s)
                return uri_invalid("", _("it is empty"));
        if (strlen(s) > URI_MAX_LEN)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_REMOTE,
                                      _("invalid URI: longer than %d bytes"), URI_MAX_LEN);
        if (!strstr(s, "://"))
                return uri_invalid(s, _("it has no 'driver://' part"));
        gu = g_uri_parse(s, G_URI_FLAGS_NON_DNS | G_URI_FLAGS_ENCODED_QUERY, &gerr);
        if (!gu)
                return uri_invalid(s, gerr->message);

        uri = g_new0(vctl_uri, 1);
        scheme = g_strsplit(g_uri_get_scheme(gu), "+", 3);
        if (!scheme[0] || !*scheme[0] || (scheme[1] && (!*scheme[1] || scheme[2])))
                return uri_invalid(s, _("its scheme is not 'driver' or 'driver+transport'"));
        uri->driver = g_ascii_strdown(scheme[0], -1);
        transport = scheme[1];
        if (!g_str_equal(uri->driver, "qemu") && !g_str_equal(uri->driver, "test"))
                return vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_REMOTE,
                                      _("no driver for URI '%s': vctl serves qemu:// and test:// "
                                        "URIs, not '%s'"),
                                      s, uri->driver);
        if (g_uri_get_user(gu) && *g_uri_get_user(gu))
                uri->user = g_strdup(g_uri_get_user(gu));
        if (g_uri_get_host(gu) && *g_uri_get_host(gu))
                uri->host = g_strdup(g_uri_get_host(gu));
        uri->port = MAX(g_uri_get_port(gu), 0);
        uri->path = g_strdup(g_uri_get_path(gu));
        /* "qemu:///system/" is the same place */
        while (strlen(uri->path) > 1 && g_str_has_suffix(uri->path, "/"))
                uri->path[strlen(uri->path) - 1] = '\0';

        if (uri_parse_query(uri, s, g_uri_get_query(gu)) < 0 ||
            uri_set_transport(uri, s, transport) < 0 || uri_check_path(uri, s) < 0)
                return -1;
        /* what the daemon's driver sees, transport stripped as libvirt does */
        uri->name = g_strdup_printf("%s://%s", uri->driver, uri->path);
        uri_resolve_socket(uri, flags);
        *ret_uri = g_steal_pointer(&uri);
        return 0;
}
