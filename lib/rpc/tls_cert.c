/* X.509 credentials for the TLS transport: load, check, explain. */
#include "config.h"

#include "lib/rpc/tls_cert.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <string.h>
#include <time.h>

/* CAs in one file, at most */
#define VCTL_TLS_MAX_CAS 64

G_DEFINE_AUTO_CLEANUP_FREE_FUNC(gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)

static char *vctl_tls_time(time_t t)
{
        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t);

        return dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S UTC") : g_strdup("?");
}

static char *vctl_tls_crt_subject(gnutls_x509_crt_t crt)
{
        char buf[VCTL_TLS_DN_MAX];
        size_t len = sizeof(buf);

        if (gnutls_x509_crt_get_dn(crt, buf, &len) < 0)
                return NULL;
        return g_strndup(buf, len);
}

char *vctl_tls_der_subject(const gnutls_datum_t *der)
{
        g_auto(gnutls_x509_crt_t) crt = NULL;

        if (gnutls_x509_crt_init(&crt) < 0 ||
            gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0)
                return NULL;
        return vctl_tls_crt_subject(crt);
}

char *vctl_tls_status_reason(unsigned int status, const gnutls_datum_t *cert)
{
        g_auto(gnutls_x509_crt_t) crt = NULL;
        gboolean have = FALSE;
        gnutls_datum_t out = {0};
        char *s;

        if (cert && gnutls_x509_crt_init(&crt) == 0)
                have = gnutls_x509_crt_import(crt, cert, GNUTLS_X509_FMT_DER) == 0;
        if (status & GNUTLS_CERT_REVOKED)
                return g_strdup(_("it was revoked (it is in the CA's revocation list)"));
        if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
                return g_strdup(_("it was not issued by a trusted CA (unknown CA)"));
        if (status & GNUTLS_CERT_EXPIRED) {
                g_autofree char *when =
                        have ? vctl_tls_time(gnutls_x509_crt_get_expiration_time(crt))
                             : g_strdup("?");

                return g_strdup_printf(_("it has expired (on %s)"), when);
        }
        if (status & GNUTLS_CERT_NOT_ACTIVATED) {
                g_autofree char *when =
                        have ? vctl_tls_time(gnutls_x509_crt_get_activation_time(crt))
                             : g_strdup("?");

                return g_strdup_printf(_("it is not valid yet (only from %s)"), when);
        }
        if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
                return g_strdup(_("its names do not match the host name (hostname mismatch)"));
        if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
                return g_strdup(_("it is signed with an insecure algorithm"));
        if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) < 0)
                return g_strdup(_("it failed verification"));
        s = g_strndup((const char *)out.data, out.size);
        gnutls_free(out.data);
        return s;
}

gnutls_alert_description_t vctl_tls_status_alert(unsigned int status)
{
        if (status & GNUTLS_CERT_REVOKED)
                return GNUTLS_A_CERTIFICATE_REVOKED;
        if (status & (GNUTLS_CERT_SIGNER_NOT_FOUND | GNUTLS_CERT_SIGNER_NOT_CA))
                return GNUTLS_A_UNKNOWN_CA;
        if (status & GNUTLS_CERT_EXPIRED)
                return GNUTLS_A_CERTIFICATE_EXPIRED;
        return GNUTLS_A_BAD_CERTIFICATE;
}

static int vctl_tls_read(const char *path, const char *what, gnutls_datum_t *ret, char **ret_buf)
{
        g_autofree char *data = NULL;
        size_t len = 0;

        if (vctl_file_read_bounded(path, VCTL_TLS_FILE_MAX, &data, &len) < 0) {
                g_autofree char *cause = g_strdup(vctl_error_message());

                return vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_RPC,
                                      _("cannot read the %s '%s': %s"), what, path, cause);
        }
        ret->data = (unsigned char *)data;
        ret->size = (unsigned int)len;
        *ret_buf = g_steal_pointer(&data);
        return 0;
}

/* Our own certificate: valid now and issued by one of the CAs, so the
 * mistake shows here and not as a peer's cryptic refusal. */
static int vctl_tls_check_own(const vctl_tls_files *f, const gnutls_datum_t *cert_pem,
                              const gnutls_datum_t *ca_pem)
{
        gnutls_x509_crt_t cas[VCTL_TLS_MAX_CAS];
        unsigned int ncas = VCTL_TLS_MAX_CAS, status = 0;
        g_auto(gnutls_x509_crt_t) crt = NULL;
        g_autofree char *subject = NULL;
        int r;

        if (gnutls_x509_crt_init(&crt) < 0 ||
            gnutls_x509_crt_import(crt, cert_pem, GNUTLS_X509_FMT_PEM) < 0)
                return vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_RPC,
                                      _("the %s certificate '%s' is not a PEM X.509 certificate"),
                                      f->role, f->cert);
        subject = vctl_tls_crt_subject(crt);
        r = gnutls_x509_crt_list_import(cas, &ncas, ca_pem, GNUTLS_X509_FMT_PEM, 0);
        if (r < 0 || ncas == 0)
                return vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_RPC,
                                      _("the CA certificate '%s' holds no usable certificate "
                                        "(at most %d): %s"),
                                      f->ca, VCTL_TLS_MAX_CAS,
                                      r < 0 ? gnutls_strerror(r) : "empty");
        r = gnutls_x509_crt_verify(crt, cas, ncas, 0, &status);
        for (unsigned int i = 0; i < ncas; i++)
                gnutls_x509_crt_deinit(cas[i]);
        if (r < 0 || status) {
                gnutls_datum_t der = {0};
                g_autofree char *why = NULL;

                if (gnutls_x509_crt_export2(crt, GNUTLS_X509_FMT_DER, &der) == 0) {
                        why = vctl_tls_status_reason(status, &der);
                        gnutls_free(der.data);
                } else {
                        why = vctl_tls_status_reason(status, NULL);
                }
                if (r < 0) {
                        g_free(why);
                        why = g_strdup(gnutls_strerror(r));
                }
                return vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_RPC,
                                      _("the %s certificate '%s' (subject '%s') cannot be used: "
                                        "%s (checked against the CA '%s')"),
                                      f->role, f->cert, subject ? subject : "?", why, f->ca);
        }
        return 0;
}

int vctl_tls_credentials_load(const vctl_tls_files *f, gnutls_certificate_credentials_t *ret_cred)
{
        gnutls_certificate_credentials_t cred = NULL;
        gnutls_datum_t ca = {0}, crl = {0}, cert = {0}, key = {0};
        g_autofree char *ca_buf = NULL, *crl_buf = NULL, *cert_buf = NULL, *key_buf = NULL;
        g_autofree char *what_cert = g_strdup_printf(_("%s certificate"), f->role);
        g_autofree char *what_key = g_strdup_printf(_("%s private key"), f->role);
        int r;

        if (vctl_tls_read(f->ca, _("CA certificate"), &ca, &ca_buf) < 0 ||
            vctl_tls_read(f->cert, what_cert, &cert, &cert_buf) < 0 ||
            vctl_tls_read(f->key, what_key, &key, &key_buf) < 0)
                return -1;
        if (f->crl && g_file_test(f->crl, G_FILE_TEST_EXISTS) &&
            vctl_tls_read(f->crl, _("certificate revocation list"), &crl, &crl_buf) < 0)
                return -1;
        if (vctl_tls_check_own(f, &cert, &ca) < 0)
                return -1;
        r = gnutls_certificate_allocate_credentials(&cred);
        if (r < 0)
                return vctl_error_set(VCTL_ERR_NO_MEMORY, VCTL_FROM_RPC,
                                      _("cannot allocate TLS credentials: %s"), gnutls_strerror(r));
        r = gnutls_certificate_set_x509_trust_mem(cred, &ca, GNUTLS_X509_FMT_PEM);
        if (r <= 0) {
                gnutls_certificate_free_credentials(cred);
                return vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_RPC,
                                      _("cannot use the CA certificate '%s': %s"), f->ca,
                                      r < 0 ? gnutls_strerror(r) : _("no certificate in it"));
        }
        if (crl_buf) {
                r = gnutls_certificate_set_x509_crl_mem(cred, &crl, GNUTLS_X509_FMT_PEM);
                if (r < 0) {
                        gnutls_certificate_free_credentials(cred);
                        return vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_RPC,
                                              _("cannot use the certificate revocation list "
                                                "'%s': %s"),
                                              f->crl, gnutls_strerror(r));
                }
        }
        r = gnutls_certificate_set_x509_key_mem(cred, &cert, &key, GNUTLS_X509_FMT_PEM);
        if (r < 0) {
                gnutls_certificate_free_credentials(cred);
                return vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_RPC,
                                      _("cannot use the %s certificate '%s' with the key '%s': "
                                        "%s"),
                                      f->role, f->cert, f->key, gnutls_strerror(r));
        }
        *ret_cred = cred;
        return 0;
}
