/* The kernel modules vctl depends on: their state, and loading the missing ones
 * with libkmod. /sys and /proc are read under a root prefix, so tests can use a
 * fake tree. */
#pragma once

#include <glib.h>

typedef enum {
        KMOD_MODULES_MISSING = 0, /* neither in the kernel nor in the module directory */
        KMOD_MODULES_BUILTIN,     /* compiled into the kernel */
        KMOD_MODULES_LOADED,      /* a loaded module */
        KMOD_MODULES_AVAILABLE,   /* in the module directory, not loaded */
} kmod_modules_state;

typedef struct kmod_modules_entry {
        char *name; /* "kvm_intel" */
        kmod_modules_state state;
        char *path;     /* the .ko file when the module directory has one, or NULL */
        char *nested;   /* the "nested" parameter ("Y", "1", "N"…), or NULL */
        char *evidence; /* what the state was decided on, for people */
} kmod_modules_entry;

struct kmod_ctx;

typedef struct kmod_modules_report {
        char *root;           /* the prefix for /sys and /proc ("" for none) */
        char *moddir;         /* the module directory asked ("" when libkmod is unusable) */
        GPtrArray *entries;   /* kmod_modules_entry *, in kmod_modules_names order */
        struct kmod_ctx *ctx; /* private */
} kmod_modules_report;

/* The modules asked about: kvm, kvm_intel, kvm_amd, kvm_pvm, tun, bridge,
 * vhost_net, br_netfilter. NULL-terminated. */
extern const char *const kmod_modules_names[];

/* root: prefix for /sys and /proc (NULL: none). moddir: the module directory
 * (NULL: ROOT/lib/modules/`uname -r`). Never fails: a module that cannot be
 * found is MISSING. Never NULL. */
kmod_modules_report *kmod_modules_query(const char *root, const char *moddir);
void kmod_modules_report_free(kmod_modules_report *report); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kmod_modules_report, kmod_modules_report_free)

const kmod_modules_entry *kmod_modules_find(const kmod_modules_report *report, const char *name);
/* "builtin", "loaded", "available", "missing". */
const char *kmod_modules_state_to_string(kmod_modules_state state);
/* TRUE when the module's code is in the running kernel (builtin or loaded). */
gboolean kmod_modules_present(const kmod_modules_report *report, const char *name);

typedef enum {
        KMOD_MODULES_LOAD_DRY_RUN = 1 << 0, /* only say what would be loaded */
} kmod_modules_load_flags;

/* Loads the AVAILABLE modules worth loading (kvm_intel only on a CPU with vmx,
 * kvm_amd only with svm, never br_netfilter: it sends bridged guest traffic
 * through the host's firewall). Loaded entries become LOADED. *ret_loaded (may
 * be NULL) gets the names (loaded, or to load on a dry run), NULL-terminated.
 * Returns how many, or -EPERM when not root (the error names the modprobe
 * command to run), or the first -errno of libkmod (last error set). */
int kmod_modules_load_missing(kmod_modules_report *report, kmod_modules_load_flags flags,
                              char ***ret_loaded);
