/* The checks behind `vctl host-check`, in the manner of virt-host-validate:
 * each says PASS, WARN or FAIL, what it found, and what to do about it. */
#pragma once

#include <glib.h>
#include <stdio.h>

typedef enum {
        HOSTCHECK_PASS = 0,
        HOSTCHECK_INFO, /* worth knowing, nothing to fix */
        HOSTCHECK_WARN,
        HOSTCHECK_FAIL,
} hostcheck_status;

typedef struct hostcheck_result {
        char *name;  /* stable identifier: "kvm-device", "deep-probe", "qemu-binary"… */
        char *check; /* what was checked, for the table: "Checking if device /dev/kvm exists" */
        hostcheck_status status;
        char *message; /* what was found */
        char *hint;    /* what to do; NULL on PASS */
} hostcheck_result;

typedef struct hostcheck_options {
        const char *root;        /* prefix for /proc, /sys and /dev (tests); NULL: none */
        const char *kvm_device;  /* NULL: ROOT/dev/kvm */
        const char *qemu_binary; /* NULL: qemu-system-x86_64 in PATH */
        const char *moddir;      /* module directory; NULL: ROOT/lib/modules/`uname -r` */
        const char *cache_path;  /* the deep probe's cache; NULL: no cache */
        gboolean skip_deep_probe;
} hostcheck_options;

/* Runs every check; opts may be NULL. Returns hostcheck_result *, never NULL. */
GPtrArray *hostcheck_run(const hostcheck_options *opts);
void hostcheck_result_free(hostcheck_result *result); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(hostcheck_result, hostcheck_result_free)

/* "PASS", "INFO", "WARN", "FAIL" */
const char *hostcheck_status_to_string(hostcheck_status status);
/* The worst status in results (PASS for none): FAIL means guests will not run well. */
hostcheck_status hostcheck_worst(const GPtrArray *results);

/* virt-host-validate's layout: "  QEMU: Checking … : PASS", a hint line under
 * anything else. */
char *hostcheck_format_table(const GPtrArray *results);
void hostcheck_print_table(const GPtrArray *results, FILE *out);
/* {"checks": [{name, check, status, message, hint}…], "summary": {pass, info, warn, fail}} */
char *hostcheck_format_json(const GPtrArray *results);
