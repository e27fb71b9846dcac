/* The client side of TLS: where libvirt keeps a client's certificates, the
 * connection, the checks of the server, and what a refusal means. */
#include "config.h"

#include "lib/remote_tls.h"

#include "lib/rpc/tls_cert.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define REMOTE_TLS_SYS_CA   "/etc/pki/CA/cacert.pem"
#define REMOTE_TLS_SYS_CRL  "/etc/pki/CA/cacrl.pem"
#define REMOTE_TLS_SYS_CERT "/etc/pki/libvirt/clientcert.pem"
#define REMOTE_TLS_SYS_KEY  "/etc/pki/libvirt/private/clientkey.pem"

struct remote_tls {
        gnutls_certificate_credentials_t cred;
        gnutls_session_t s;
};

typedef struct remote_tls_paths {
        char *ca, *crl, *cert, *key;
} remote_tls_paths;

static void remote_tls_paths_clear(remote_tls_paths *p)
{
        g_free(p->ca);
        g_free(p->crl);
        g_free(p->cert);
        g_free(p->key);
}

/* A user's own file in ~/.pki/libvirt when it exists, else the system's. */
static char *remote_tls_user_or_system(const char *user_dir, const char *name, const char *sys)
{
        g_autofree char *p = g_build_filename(user_dir, name, NULL);

        if (g_file_test(p, G_FILE_TEST_EXISTS))
                return g_steal_pointer(&p);
        return g_strdup(sys);
}

/* libvirt's locations: pkipath=DIR; root: /etc/pki; others: ~/.pki/libvirt. */
static void remote_tls_find_paths(const vctl_uri *uri, remote_tls_paths *p)
{
        if (uri->pkipath) {
                p->ca = g_build_filename(uri->pkipath, "cacert.pem", NULL);
                p->crl = g_build_filename(uri->pkipath, "cacrl.pem", NULL);
                p->cert = g_build_filename(uri->pkipath, "clientcert.pem", NULL);
                p->key = g_build_filename(uri->pkipath, "clientkey.pem", NULL);
        } else if (geteuid() == 0) {
                p->ca = g_strdup(REMOTE_TLS_SYS_CA);
                p->crl = g_strdup(REMOTE_TLS_SYS_CRL);
                p->cert = g_strdup(REMOTE_TLS_SYS_CERT);
                p->key = g_strdup(REMOTE_TLS_SYS_KEY);
        } else {
                g_autofree char *dir = g_build_filename(g_get_home_dir(), ".pki", "libvirt", NULL);

                p->ca = remote_tls_user_or_system(dir, "cacert.pem", REMOTE_TLS_SYS_CA);
                p->crl = remote_tls_user_or_system(dir, "cacrl.pem", REMOTE_TLS_SYS_CRL);
                p->cert = remote_tls_user_or_system(dir, "clientcert.pem", REMOTE_TLS_SYS_CERT);
                p->key = remote_tls_user_or_system(dir, "clientkey.pem", REMOTE_TLS_SYS_KEY);
        }
}

/* A TCP connection within the time limit, then blocking. */
static int remote_tls_dial(const char *host, int port, int *ret_fd)
{
        struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
        g_autofree char *service = g_strdup_printf("%d", port);
        struct addrinfo *res = NULL;
        int r, err = ECONNREFUSED;

        r = getaddrinfo(host, service, &hints, &res);
        if (r != 0)
                return vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_REMOTE,
                                      _("cannot resolve '%s': %s"), host, gai_strerror(r));
        for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
                struct pollfd pfd;
                socklen_t len = sizeof(err);
                int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
                                ai->ai_protocol);

                if (fd < 0) {
                        err = errno;
                        continue;
                }
                if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
                        err = errno;
                        close(fd);
                        continue;
                }
                pfd = (struct pollfd){.fd = fd, .events = POLLOUT};
                do
                        r = poll(&pfd, 1, REMOTE_TLS_TIMEOUT_MS);
                while (r < 0 && errno == EINTR);
                if (r == 0)
                        err = ETIMEDOUT;
                else if (r < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
                        err = errno;
                if (r > 0 && err == 0 &&
                    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) == 0) {
                        freeaddrinfo(res);
                        *ret_fd = fd;
                        return 0;
                }
                close(fd);
        }
        freeaddrinfo(res);
        return vctl_error_set_errno(err, VCTL_ERR_NO_CONNECT, VCTL_FROM_REMOTE,
                                    _("cannot connect to vctld at '%s' port %d"), host, port);
}

/* What an alert from the server says about our certificate. */
static const char *remote_tls_alert_reason(gnutls_alert_description_t a)
{
        switch ((int)a) {
        case GNUTLS_A_CERTIFICATE_EXPIRED:
                return _("it has expired");
        case GNUTLS_A_UNKNOWN_CA:
                return _("it was not issued by a CA the server trusts (unknown CA)");
        case GNUTLS_A_CERTIFICATE_REVOKED:
                return _("it was revoked");
        case GNUTLS_A_ACCESS_DENIED:
                return _("its DN is not in the server's tls_allowed_dn_list (DN not allowed)");
        case GNUTLS_A_CERTIFICATE_REQUIRED:
                return _("the server requires a client certificate and got none");
        default:
                return NULL;
        }
}

/* libvirt's server sends "\1" once our certificate passed its checks, and
 * closes (vctld: after an alert saying why) otherwise. */
static int remote_tls_confirm(remote_tls *t, const char *where, const remote_tls_paths *p,
                              const char *subject)
{
        guint8 b = 0;
        gssize n;

        gnutls_record_set_timeout(t->s, REMOTE_TLS_TIMEOUT_MS);
        do
                n = gnutls_record_recv(t->s, &b, 1);
        while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
        gnutls_record_set_timeout(t->s, 0);
        if (n == 1 && b == 1)
                return 0;
        if (n == GNUTLS_E_FATAL_ALERT_RECEIVED) {
                gnutls_alert_description_t a = gnutls_alert_get(t->s);
                const char *why = remote_tls_alert_reason(a);

                return vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_REMOTE,
                                      _("vctld at %s refused our client certificate '%s' "
                                        "(subject '%s'): %s (TLS alert '%s')"),
                                      where, p->cert, subject, why ? why : _("refused"),
                                      gnutls_alert_get_name(a));
        }
        if (n == GNUTLS_E_TIMEDOUT)
                return vctl_error_set(VCTL_ERR_OPERATION_TIMEOUT, VCTL_FROM_REMOTE,
                                      _("vctld at %s did not confirm the TLS session within %d "
                                        "seconds"),
                                      where, REMOTE_TLS_TIMEOUT_MS / 1000);
        return vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_REMOTE,
                              _("vctld at %s closed the connection after the TLS handshake: it "
                                "refused our client certificate '%s' (subject '%s') or our "
                                "address (%s)"),
                              where, p->cert, subject,
                              n < 0 ? gnutls_strerror((int)n) : _("no confirmation"));
}

/* The server's certificate: issued by our CA, valid now, for uri->host. */
static int remote_tls_check_server(remote_tls *t, const vctl_uri *uri, const char *where,
                                   const remote_tls_paths *p)
{
        const gnutls_datum_t *certs;
        unsigned int n = 0, status = 0;
        g_autofree char *subject = NULL;
        g_autofree char *why = NULL;
        int r;

        certs = gnutls_certificate_get_peers(t->s, &n);
        if (!certs || n == 0)
                return vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_REMOTE,
                                      _("vctld at %s sent no server certificate"), where);
        subject = vctl_tls_der_subject(&certs[0]);
        r = gnutls_certificate_verify_peers3(t->s, uri->host, &status);
        if (r == 0 && status == 0)
                return 0;
        why = r < 0 ? g_strdup(gnutls_strerror(r)) : vctl_tls_status_reason(status, &certs[0]);
        if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
                return vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_REMOTE,
                                      _("the server certificate of %s (subject '%s') is not "
                                        "valid for the host name '%s': %s"),
                                      where, subject ? subject : "?", uri->host, why);
        return vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_REMOTE,
                              _("the server certificate of %s (subject '%s') is not trusted: %s "
                                "(checked against the CA '%s'; no_verify=1 skips this check)"),
                              where, subject ? subject : "?", why, p->ca);
}

static gboolean remote_tls_is_ip(const char *host)
{
        return g_hostname_is_ip_address(host);
}

int remote_tls_connect(const vctl_uri *uri, remote_tls **ret_tls, int *ret_fd)
{
        const char *host = uri->host ? uri->host : "localhost";
        g_autofree char *where = g_strdup_printf("%s:%d", host, uri->port);
        g_autofree char *subject = NULL;
        remote_tls_paths p = {0};
        vctl_tls_files files;
        remote_tls *t = NULL;
        int fd = -1, r;

        remote_tls_find_paths(uri, &p);
        files = (vctl_tls_files){
                .ca = p.ca, .crl = p.crl, .cert = p.cert, .key = p.key, .role = "client"};
        t = g_new0(remote_tls, 1);
        if (vctl_tls_credentials_load(&files, &t->cred) < 0)
                goto fail;
        {
                g_autofree char *pem = NULL;
                size_t len = 0;

                /* the subject, for messages about a refusal */
                if (vctl_file_read_bounded(p.cert, VCTL_TLS_FILE_MAX, &pem, &len) == 0) {
                        gnutls_datum_t d = {(unsigned char *)pem, (unsigned int)len};
                        gnutls_datum_t der = {0};

                        if (gnutls_pem_base64_decode2("CERTIFICATE", &d, &der) == 0) {
                                subject = vctl_tls_der_subject(&der);
                                gnutls_free(der.data);
                        }
                }
        }
        if (remote_tls_dial(host, uri->port, &fd) < 0)
                goto fail;
        /* a server gone must not kill the application with SIGPIPE */
        r = gnutls_init(&t->s, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL);
        if (r == 0)
                r = gnutls_set_default_priority(t->s);
        if (r == 0)
                r = gnutls_credentials_set(t->s, GNUTLS_CRD_CERTIFICATE, t->cred);
        if (r == 0 && !remote_tls_is_ip(host))
                r = gnutls_server_name_set(t->s, GNUTLS_NAME_DNS, host, strlen(host));
        if (r < 0) {
                vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_REMOTE,
                               _("cannot set up a TLS session: %s"), gnutls_strerror(r));
                goto fail;
        }
        gnutls_transport_set_int(t->s, fd);
        gnutls_handshake_set_timeout(t->s, REMOTE_TLS_TIMEOUT_MS);
        do
                r = gnutls_handshake(t->s);
        while (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED);
        if (r == GNUTLS_E_FATAL_ALERT_RECEIVED) {
                vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_REMOTE,
                               _("TLS handshake with vctld at %s failed: the server sent the "
                                 "alert '%s'"),
                               where, gnutls_alert_get_name(gnutls_alert_get(t->s)));
                goto fail;
        }
        if (r < 0) {
                vctl_error_set(VCTL_ERR_NO_CONNECT, VCTL_FROM_REMOTE,
                               _("TLS handshake with vctld at %s failed: %s (is a vctld with "
                                 "listen_tls = 1 listening there?)"),
                               where, gnutls_strerror(r));
                goto fail;
        }
        if (!uri->no_verify && remote_tls_check_server(t, uri, where, &p) < 0)
                goto fail;
        if (remote_tls_confirm(t, where, &p, subject ? subject : "?") < 0)
                goto fail;
        remote_tls_paths_clear(&p);
        *ret_tls = t;
        *ret_fd = fd;
        return 0;
fail:
        remote_tls_free(t);
        if (fd >= 0)
                close(fd);
        remote_tls_paths_clear(&p);
        return -1;
}

gssize remote_tls_recv(remote_tls *t, void *buf, gsize len, char **ret_why)
{
        gssize n;

        do
                n = gnutls_record_recv(t->s, buf, len);
        while (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED);
        if (n >= 0)
                return n;
        if (n == GNUTLS_E_PREMATURE_TERMINATION)
                return 0;
        *ret_why = g_strdup(gnutls_strerror((int)n));
        return -1;
}

int remote_tls_send_all(remote_tls *t, const void *data, gsize len, char **ret_why)
{
        const guint8 *p = data;

        while (len > 0) {
                gssize n = gnutls_record_send(t->s, p, len);

                if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
                        continue;
                if (n < 0) {
                        *ret_why = g_strdup(gnutls_strerror((int)n));
                        return -1;
                }
                p += n;
                len -= (gsize)n;
        }
        return 0;
}

void remote_tls_free(remote_tls *t)
{
        if (!t)
                return;
        if (t->s)
                gnutls_deinit(t->s);
        if (t->cred)
                gnutls_certificate_free_credentials(t->cred);
        g_free(t);
}
