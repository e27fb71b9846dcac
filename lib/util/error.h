/* One error type for all of vctl: a libvirt-compatible (code, domain, message). */
#pragma once

#include <glib.h>

/* Codes and domains carry libvirt's numbers (virErrorNumber, virErrorDomain),
 * so an error crosses the wire as a remote_error unchanged. */
typedef enum {
        VCTL_ERR_OK = 0,
        VCTL_ERR_INTERNAL_ERROR = 1,
        VCTL_ERR_NO_MEMORY = 2,
        VCTL_ERR_NO_SUPPORT = 3,
        VCTL_ERR_NO_CONNECT = 5,
        VCTL_ERR_INVALID_ARG = 8,
        VCTL_ERR_OPERATION_FAILED = 9,
        VCTL_ERR_XML_ERROR = 27,
        VCTL_ERR_DOM_EXIST = 28,
        VCTL_ERR_OPERATION_DENIED = 29,
        VCTL_ERR_OPEN_FAILED = 30,
        VCTL_ERR_READ_FAILED = 31,
        VCTL_ERR_WRITE_FAILED = 34,
        VCTL_ERR_XML_DETAIL = 35,
        VCTL_ERR_SYSTEM_ERROR = 38,
        VCTL_ERR_RPC = 39,
        VCTL_ERR_NO_DOMAIN = 42,
        VCTL_ERR_NO_NETWORK = 43,
        VCTL_ERR_INVALID_MAC = 44,
        VCTL_ERR_AUTH_FAILED = 45,
        VCTL_ERR_NO_STORAGE_POOL = 49,
        VCTL_ERR_NO_STORAGE_VOL = 50,
        VCTL_ERR_OPERATION_INVALID = 55,
        VCTL_ERR_CONFIG_UNSUPPORTED = 67,
        VCTL_ERR_OPERATION_TIMEOUT = 68,
        VCTL_ERR_OVERFLOW = 82,
        VCTL_ERR_OPERATION_UNSUPPORTED = 84,
        VCTL_ERR_RESOURCE_BUSY = 87,
        VCTL_ERR_ACCESS_DENIED = 88,
        VCTL_ERR_STORAGE_VOL_EXIST = 90,
        VCTL_ERR_XML_INVALID_SCHEMA = 92,
        VCTL_ERR_AUTH_UNAVAILABLE = 94,
} vctl_error_code;

typedef enum {
        VCTL_FROM_NONE = 0,
        VCTL_FROM_XML = 5,
        VCTL_FROM_DOM = 6,
        VCTL_FROM_RPC = 7,
        VCTL_FROM_CONF = 9,
        VCTL_FROM_QEMU = 10,
        VCTL_FROM_TEST = 12,
        VCTL_FROM_REMOTE = 13,
        VCTL_FROM_STORAGE = 18,
        VCTL_FROM_NETWORK = 19,
        VCTL_FROM_DOMAIN = 20,
        VCTL_FROM_SECURITY = 24,
        VCTL_FROM_ACCESS = 55,
        VCTL_FROM_POLKIT = 60,
} vctl_error_domain;

typedef struct vctl_error {
        int code;
        int domain;
        char *message;
} vctl_error;

/* Sets the calling thread's last error; returns -1 so callers can
 * `return vctl_error_set(...)` from functions using the -1/-errno style. */
int vctl_error_set(int code, int domain, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* Like vctl_error_set, appends ": strerror(errnum)" and returns -errnum. */
int vctl_error_set_errno(int errnum, int code, int domain, const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* The calling thread's last error, or NULL when none is set. */
const vctl_error *vctl_error_last(void);

/* The last error's message, or a generic one when none is set. Never NULL. */
const char *vctl_error_message(void);

void vctl_error_clear(void);

vctl_error *vctl_error_new(int code, int domain, const char *message);
vctl_error *vctl_error_copy(const vctl_error *err);
void vctl_error_free(vctl_error *err);
/* Replaces the calling thread's last error with a copy of err (NULL clears). */
void vctl_error_restore(const vctl_error *err);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(vctl_error, vctl_error_free)
