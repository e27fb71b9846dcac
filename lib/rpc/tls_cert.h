/* X.509 credentials for libvirt's TLS transport, shared by vctld and libvctl:
 * loading a CA, an optional CRL and our own certificate and key with errors
 * that name the file and the cause, and saying in words why a peer's
 * certificate failed verification. */
#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

/* Largest certificate, key or CRL file read. */
#define VCTL_TLS_FILE_MAX (1024 * 1024)
/* Longest distinguished name looked at. */
#define VCTL_TLS_DN_MAX 1024

typedef struct vctl_tls_files {
        const char *ca;   /* trusted CAs (PEM) */
        const char *crl;  /* revocation list (PEM); NULL or a missing file: none */
        const char *cert; /* our certificate (PEM) */
        const char *key;  /* its private key (PEM) */
        const char *role; /* "server" or "client", for messages */
} vctl_tls_files;

/* Loads f into new credentials. Our own certificate must be valid now and
 * issued by one of the CAs. -1 with the last error set naming the file (and
 * the certificate's subject) and why. */
int vctl_tls_credentials_load(const vctl_tls_files *f, gnutls_certificate_credentials_t *ret_cred);

/* The subject DN of a DER certificate ("C=..,O=..,CN=.." in certificate
 * order, as libvirt's tls_allowed_dn_list matches it); NULL when unreadable. */
char *vctl_tls_der_subject(const gnutls_datum_t *der);

/* Why a verification with status failed, as a clause: "it has expired (on
 * 2020-01-01 00:00:00 UTC)", "it was not issued by a trusted CA", ...;
 * cert (DER, may be NULL) adds dates. */
char *vctl_tls_status_reason(unsigned int status, const gnutls_datum_t *cert);

/* The TLS alert that tells the peer why its certificate was refused. */
gnutls_alert_description_t vctl_tls_status_alert(unsigned int status);
