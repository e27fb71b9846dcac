/* What KVM offers on this host: a quick probe of /dev/kvm's ioctls, and a deep
 * probe that really runs a tiny long-mode guest, cached per boot and kernel. */
#pragma once

#include <glib.h>

#define KVM_PROBE_DEVICE          "/dev/kvm"
#define KVM_PROBE_API_VERSION     12
#define KVM_DEEP_PROBE_TIMEOUT_MS 100

typedef struct kvm_probe_result {
        gboolean present;      /* the device node exists */
        gboolean accessible;   /* it opened read-write */
        int api_version;       /* KVM_GET_API_VERSION; -1 when not asked */
        int nr_vcpus;          /* KVM_CAP_NR_VCPUS: the recommended maximum */
        int max_vcpus;         /* KVM_CAP_MAX_VCPUS: the hard maximum */
        int cpuid_entries;     /* entries returned by KVM_GET_SUPPORTED_CPUID */
        char *vendor;          /* CPUID leaf 0 as KVM passes it on ("AuthenticAMD"), or NULL */
        gboolean cpuid_vmx;    /* guests may see VT-x (nested virtualisation on Intel) */
        gboolean cpuid_svm;    /* guests may see AMD-V (nested virtualisation on AMD) */
        GPtrArray *extensions; /* char *: names of the KVM_CAP_* the kernel reports */
        gboolean usable;       /* present, accessible, API 12 and user memory slots */
        char *reason;          /* when !usable: a sentence saying why and what to do */
} kvm_probe_result;

/* Asks device (NULL: /dev/kvm) what it supports. Never fails: a host without
 * KVM gets a result with usable == FALSE and the reason. Never NULL. */
kvm_probe_result *kvm_probe(const char *device);
void kvm_probe_result_free(kvm_probe_result *result); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kvm_probe_result, kvm_probe_result_free)

/* "KVM_EXIT_HLT" for 5; "KVM_EXIT_UNKNOWN(N)"-like fallbacks are the caller's. */
const char *kvm_probe_exit_name(int exit_reason); /* NULL when unknown */

typedef struct kvm_deep_probe_options {
        const char *device;     /* NULL: /dev/kvm */
        const char *cache_path; /* NULL: neither read nor write a cache */
        const char *root;       /* prefix for /proc/sys/kernel/random/boot_id; NULL: none */
        guint timeout_ms;       /* 0: KVM_DEEP_PROBE_TIMEOUT_MS */
        gboolean spin;          /* tests: the guest loops instead of halting, as on a broken host */
} kvm_deep_probe_options;

typedef struct kvm_deep_probe_result {
        gboolean usable;     /* the guest reached HLT with the right memory and registers */
        char *reason;        /* when !usable: why, for people */
        gboolean from_cache; /* served from the cache file; the guest did not run */
        gboolean ran_guest;  /* KVM_RUN was reached (only such results are cached) */
        int exit_reason;     /* the last KVM_EXIT_*, -1 when the guest did not exit */
        gint64 elapsed_us;   /* the time the whole probe took (this call's, or the cached run's) */
        char *key;           /* the cache key: boot id, kernel release, vctl version */
} kvm_deep_probe_result;

/* Runs a 64-bit paged guest that writes, reads and adds in memory, then runs
 * a loop of about 17M instructions (1-3 ms on hardware; seconds where KVM only
 * emulates, as paravirtual KVMs without VT-x/AMD-V do) and halts; kicks it
 * after the timeout and says which of the two it was. Bounded: returns within about timeout + 1 s even
 * when KVM_RUN spins. When opts->cache_path holds a result for the same key it
 * is returned without running anything. opts may be NULL. Never NULL. */
kvm_deep_probe_result *kvm_deep_probe(const kvm_deep_probe_options *opts);
void kvm_deep_probe_result_free(kvm_deep_probe_result *result); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(kvm_deep_probe_result, kvm_deep_probe_result_free)

/* The cache key for root (NULL: none): "boot_id=…;release=…;vctl=…". Never NULL. */
char *kvm_deep_probe_cache_key(const char *root);

/* How many times this process has really run the probe guest (for tests). */
guint kvm_deep_probe_run_count(void);
