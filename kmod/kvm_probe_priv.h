/* Shared by the quick and the deep KVM probe; not for other layers. */
#pragma once

#include <glib.h>

/* Opens device read-write; on failure returns -errno and a reason for people. */
int kvm_probe_open(const char *device, char **ret_reason);
char *kvm_probe_open_reason(const char *device, int errnum);

/* KVM_GET_API_VERSION; sets *ret_reason unless it is KVM_PROBE_API_VERSION. */
int kvm_probe_check_api(int kvm_fd, const char *device, char **ret_reason);

struct kvm_cpuid2;
/* KVM_GET_SUPPORTED_CPUID in a buffer of the right size (g_free it), or NULL. */
struct kvm_cpuid2 *kvm_probe_supported_cpuid(int kvm_fd);
