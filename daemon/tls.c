/* TLS for vctld with GnuTLS: credentials at libvirt's paths, client
 * certificates required and checked against the CA and tls_allowed_dn_list,
 * non-blocking sessions on the clients' sockets. */
#include <config.h>

#include "daemon/tls.h"
#include "lib/rpc/tls_cert.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"

#include <errno.h>
#include <fnmatch.h>
#include <string.h>

#define TLS_DEFAULT_CA   "/etc/pki/CA/cacert.pem"
#define TLS_DEFAULT_CRL  "/etc/pki/CA/cacrl.pem"
#define TLS_DEFAULT_CERT "/etc/pki/vctl/servercert.pem"
#define TLS_DEFAULT_KEY  "/etc/pki/vctl/private/serverkey.pem"

struct tls_server {
        gnutls_certificate_credentials_t cred;
        gnutls_priority_t prio;
        gboolean verify;
        GStrv dn_globs; /* NULL: every DN */
};

struct tls_session {
        gnutls_session_t s;
        tls_server *t;
        gboolean ready;
        gboolean send_again; /* the last send returned GNUTLS_E_AGAIN */
        char *peer_dn;
};

static char *tls_server_path(const vctl_paths *paths, const char *configured, const char *def)
{
        return g_strconcat(paths->root, *configured ? configured : def, NULL);
}

tls_server *tls_server_new(const vctld_config *cfg, const vctl_paths *paths)
{
        g_autofree char *ca = tls_server_path(paths, cfg->ca_file, TLS_DEFAULT_CA);
        g_autofree char *crl = tls_server_path(paths, cfg->crl_file, TLS_DEFAULT_CRL);
        g_autofree char *cert = tls_server_path(paths, cfg->cert_file, TLS_DEFAULT_CERT);
        g_autofree char *key = tls_server_path(paths, cfg->key_file, TLS_DEFAULT_KEY);
        vctl_tls_files files = {.ca = ca, .crl = crl, .cert = cert, .key = key, .role = "server"};
        tls_server *t = g_new0(tls_server, 1);
        const char *err_pos = NULL;
        int r;

        if (*cfg->crl_file && !g_file_test(crl, G_FILE_TEST_EXISTS)) {
                vctl_error_set(VCTL_ERR_CONFIG_UNSUPPORTED, VCTL_FROM_RPC,
                               _("the certificate revocation list '%s' (crl_file) does not exist"),
                               crl);
                goto fail;
        }
        if (vctl_tls_credentials_load(&files, &t->cred) < 0)
                goto fail;
        r = gnutls_priority_init(&t->prio, cfg->tls_priority, &err_pos);
        if (r < 0) {
                vctl_error_set(VCTL_ERR_CONFIG_UNSUPPORTED, VCTL_FROM_RPC,
                               _("tls_priority '%s' is not a GnuTLS priority string (at '%s'): "
                                 "%s"),
                               cfg->tls_priority, err_pos ? err_pos : "", gnutls_strerror(r));
                goto fail;
        }
        t->verify = !cfg->tls_no_verify_certificate;
        if (cfg->has_dn_list)
                t->dn_globs = *cfg->tls_allowed_dn_list
                                      ? g_strsplit(cfg->tls_allowed_dn_list, "\n", -1)
                                      : g_new0(char *, 1);
        log_info(_("TLS: CA '%s', certificate '%s'%s%s"), ca, cert,
                 t->verify ? "" : ", client certificates not verified (tls_no_verify_certificate)",
                 t->dn_globs ? ", tls_allowed_dn_list applies" : "");
        return t;
fail:
        tls_server_free(t);
        return NULL;
}

void tls_server_free(tls_server *t)
{
        if (!t)
                return;
        if (t->prio)
                gnutls_priority_deinit(t->prio);
        if (t->cred)
                gnutls_certificate_free_credentials(t->cred);
        g_strfreev(t->dn_globs);
        g_free(t);
}

tls_session *tls_session_new(tls_server *t, int fd)
{
        tls_session *ts = g_new0(tls_session, 1);
        int r;

        ts->t = t;
        r = gnutls_init(&ts->s, GNUTLS_SERVER | GNUTLS_NONBLOCK | GNUTLS_NO_SIGNAL);
        if (r == 0)
                r = gnutls_priority_set(ts->s, t->prio);
        if (r == 0)
                r = gnutls_credentials_set(ts->s, GNUTLS_CRD_CERTIFICATE, t->cred);
        if (r < 0) {
                vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_RPC,
                               _("cannot set up a TLS session: %s"), gnutls_strerror(r));
                tls_session_free(ts);
                return NULL;
        }
        /* asked, not required by GnuTLS: the check after the handshake says
         * why a client is refused, in the log and in an alert */
        gnutls_certificate_server_set_request(ts->s, GNUTLS_CERT_REQUEST);
        gnutls_transport_set_int(ts->s, fd);
        return ts;
}

void tls_session_free(tls_session *ts)
{
        if (!ts)
                return;
        if (ts->s) {
                if (ts->ready)
                        gnutls_bye(ts->s, GNUTLS_SHUT_WR); /* non-blocking: best effort */
                gnutls_deinit(ts->s);
        }
        g_free(ts->peer_dn);
        g_free(ts);
}

gboolean tls_session_ready(const tls_session *ts)
{
        return ts->ready;
}

gboolean tls_session_wants_write(const tls_session *ts)
{
        return gnutls_record_get_direction(ts->s) == 1;
}

const char *tls_session_peer_dn(const tls_session *ts)
{
        return ts->peer_dn;
}

static gboolean tls_dn_allowed(const tls_server *t, const char *dn)
{
        if (!t->dn_globs)
                return TRUE;
        for (int i = 0; t->dn_globs[i]; i++)
                if (fnmatch(t->dn_globs[i], dn, 0) == 0)
                        return TRUE;
        return FALSE;
}

/* The client's certificate: signed by our CA, valid now, DN allowed.
 * 0, or -1 with *ret_why and *ret_alert. */
static int tls_session_check_peer(tls_session *ts, char **ret_why,
                                  gnutls_alert_description_t *ret_alert)
{
        const gnutls_datum_t *certs;
        unsigned int ncerts = 0, status = 0;
        g_autofree char *dn = NULL;
        int r;

        certs = gnutls_certificate_get_peers(ts->s, &ncerts);
        if (!certs || ncerts == 0) {
                *ret_why = g_strdup(_("the client sent no certificate (client certificates are "
                                      "required)"));
                *ret_alert = GNUTLS_A_CERTIFICATE_REQUIRED;
                return -1;
        }
        dn = vctl_tls_der_subject(&certs[0]);
        if (!dn) {
                *ret_why = g_strdup(_("the client's certificate cannot be parsed"));
                *ret_alert = GNUTLS_A_BAD_CERTIFICATE;
                return -1;
        }
        ts->peer_dn = g_strdup(dn);
        r = gnutls_certificate_verify_peers2(ts->s, &status);
        if (r < 0 || status) {
                g_autofree char *reason = r < 0 ? g_strdup(gnutls_strerror(r))
                                                : vctl_tls_status_reason(status, &certs[0]);

                *ret_why = g_strdup_printf(_("the client certificate '%s' is refused: %s"), dn,
                                           reason);
                *ret_alert = vctl_tls_status_alert(status);
                return -1;
        }
        if (!tls_dn_allowed(ts->t, dn)) {
                *ret_why = g_strdup_printf(_("the client certificate's DN '%s' is not in "
                                             "tls_allowed_dn_list"),
                                           dn);
                *ret_alert = GNUTLS_A_ACCESS_DENIED;
                return -1;
        }
        return 0;
}

static gboolean tls_error_is_plaintext(int r)
{
        return r == GNUTLS_E_UNEXPECTED_PACKET_LENGTH || r == GNUTLS_E_UNSUPPORTED_VERSION_PACKET ||
               r == GNUTLS_E_UNEXPECTED_PACKET || r == GNUTLS_E_UNEXPECTED_HANDSHAKE_PACKET;
}

int tls_session_handshake(tls_session *ts, char **ret_why)
{
        gnutls_alert_description_t alert = GNUTLS_A_BAD_CERTIFICATE;
        g_autofree char *why = NULL;
        int r;

        r = gnutls_handshake(ts->s);
        if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED)
                return 0;
        if (r < 0) {
                if (tls_error_is_plaintext(r))
                        *ret_why = g_strdup_printf(_("TLS handshake failed: %s (not a TLS client: "
                                                     "plaintext on the TLS port?)"),
                                                   gnutls_strerror(r));
                else if (r == GNUTLS_E_FATAL_ALERT_RECEIVED)
                        *ret_why = g_strdup_printf(
                                _("TLS handshake failed: the client sent the alert '%s' (it "
                                  "refused our certificate?)"),
                                gnutls_alert_get_name(gnutls_alert_get(ts->s)));
                else
                        *ret_why =
                                g_strdup_printf(_("TLS handshake failed: %s"), gnutls_strerror(r));
                return -1;
        }
        if (tls_session_check_peer(ts, &why, &alert) < 0) {
                if (ts->t->verify) {
                        /* a non-blocking alert may not go out; the close follows anyway */
                        gnutls_alert_send(ts->s, GNUTLS_AL_FATAL, alert);
                        *ret_why = g_steal_pointer(&why);
                        return -1;
                }
                log_warning(_("TLS: %s; accepted anyway (tls_no_verify_certificate)"), why);
        }
        ts->ready = TRUE;
        return 1;
}

gssize tls_session_recv(tls_session *ts, void *buf, gsize len, char **ret_why)
{
        gssize n = gnutls_record_recv(ts->s, buf, len);

        if (n >= 0)
                return n;
        if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
                return -EAGAIN;
        if (n == GNUTLS_E_PREMATURE_TERMINATION)
                return 0; /* a peer that closed without close_notify */
        *ret_why = g_strdup(gnutls_strerror((int)n));
        return -EIO;
}

gboolean tls_session_pending(tls_session *ts)
{
        return gnutls_record_check_pending(ts->s) > 0;
}

gssize tls_session_send(tls_session *ts, const void *data, gsize len, char **ret_why)
{
        gssize n;

        /* GnuTLS holds the interrupted record: resume it with NULL, 0 */
        n = ts->send_again ? gnutls_record_send(ts->s, NULL, 0)
                           : gnutls_record_send(ts->s, data, len);
        ts->send_again = n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED;
        if (n >= 0)
                return n;
        if (ts->send_again)
                return -EAGAIN;
        *ret_why = g_strdup(gnutls_strerror((int)n));
        return -EIO;
}
