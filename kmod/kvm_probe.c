/* The quick KVM probe: /dev/kvm's API version, extensions and supported CPUID. */
#include "config.h"

#include "kmod/kvm_probe.h"
#include "kmod/kvm_probe_priv.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

/* Bound on KVM_GET_SUPPORTED_CPUID's entries; kernels report well under 100. */
#define CPUID_MAX_ENTRIES 1024

static const struct {
        int cap;
        const char *name;
} probe_caps[] = {
        {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
        {KVM_CAP_NR_VCPUS, "KVM_CAP_NR_VCPUS"},
        {KVM_CAP_MAX_VCPUS, "KVM_CAP_MAX_VCPUS"},
        {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
        {KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP"},
        {KVM_CAP_HLT, "KVM_CAP_HLT"},
        {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
        {KVM_CAP_SET_IDENTITY_MAP_ADDR, "KVM_CAP_SET_IDENTITY_MAP_ADDR"},
        {KVM_CAP_IRQFD, "KVM_CAP_IRQFD"},
        {KVM_CAP_IOEVENTFD, "KVM_CAP_IOEVENTFD"},
        {KVM_CAP_PIT2, "KVM_CAP_PIT2"},
        {KVM_CAP_TSC_CONTROL, "KVM_CAP_TSC_CONTROL"},
        {KVM_CAP_XSAVE, "KVM_CAP_XSAVE"},
        {KVM_CAP_XCRS, "KVM_CAP_XCRS"},
        {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
        {KVM_CAP_NESTED_STATE, "KVM_CAP_NESTED_STATE"},
        {KVM_CAP_SPLIT_IRQCHIP, "KVM_CAP_SPLIT_IRQCHIP"},
        {KVM_CAP_X86_SMM, "KVM_CAP_X86_SMM"},
};

static const char *const exit_names[] = {
        [KVM_EXIT_UNKNOWN] = "KVM_EXIT_UNKNOWN",
        [KVM_EXIT_EXCEPTION] = "KVM_EXIT_EXCEPTION",
        [KVM_EXIT_IO] = "KVM_EXIT_IO",
        [KVM_EXIT_HYPERCALL] = "KVM_EXIT_HYPERCALL",
        [KVM_EXIT_DEBUG] = "KVM_EXIT_DEBUG",
        [KVM_EXIT_HLT] = "KVM_EXIT_HLT",
        [KVM_EXIT_MMIO] = "KVM_EXIT_MMIO",
        [KVM_EXIT_IRQ_WINDOW_OPEN] = "KVM_EXIT_IRQ_WINDOW_OPEN",
        [KVM_EXIT_SHUTDOWN] = "KVM_EXIT_SHUTDOWN",
        [KVM_EXIT_FAIL_ENTRY] = "KVM_EXIT_FAIL_ENTRY",
        [KVM_EXIT_INTR] = "KVM_EXIT_INTR",
        [KVM_EXIT_SET_TPR] = "KVM_EXIT_SET_TPR",
        [KVM_EXIT_TPR_ACCESS] = "KVM_EXIT_TPR_ACCESS",
        [KVM_EXIT_NMI] = "KVM_EXIT_NMI",
        [KVM_EXIT_INTERNAL_ERROR] = "KVM_EXIT_INTERNAL_ERROR",
        [KVM_EXIT_WATCHDOG] = "KVM_EXIT_WATCHDOG",
        [KVM_EXIT_SYSTEM_EVENT] = "KVM_EXIT_SYSTEM_EVENT",
        [KVM_EXIT_IOAPIC_EOI] = "KVM_EXIT_IOAPIC_EOI",
        [KVM_EXIT_HYPERV] = "KVM_EXIT_HYPERV",
        [KVM_EXIT_X86_RDMSR] = "KVM_EXIT_X86_RDMSR",
        [KVM_EXIT_X86_WRMSR] = "KVM_EXIT_X86_WRMSR",
        [KVM_EXIT_DIRTY_RING_FULL] = "KVM_EXIT_DIRTY_RING_FULL",
        [KVM_EXIT_AP_RESET_HOLD] = "KVM_EXIT_AP_RESET_HOLD",
        [KVM_EXIT_X86_BUS_LOCK] = "KVM_EXIT_X86_BUS_LOCK",
        [KVM_EXIT_XEN] = "KVM_EXIT_XEN",
        [KVM_EXIT_NOTIFY] = "KVM_EXIT_NOTIFY",
};

const char *kvm_probe_exit_name(int exit_reason)
{
        if (exit_reason < 0 || (size_t)exit_reason >= G_N_ELEMENTS(exit_names))
                return NULL;
        return exit_names[exit_reason];
}

char *kvm_probe_open_reason(const char *device, int errnum)
{
        switch (errnum) {
        case ENOENT:
        case ENODEV:
        case ENXIO:
                return g_strdup_printf(_("%s is missing: load kvm_intel or kvm_amd "
                                         "(modprobe kvm_intel, or modprobe kvm_amd)"),
                                       device);
        case EACCES:
        case EPERM:
                return g_strdup_printf(_("permission denied opening %s: add the user to group kvm "
                                         "(usermod -aG kvm USER, then log in again)"),
                                       device);
        default:
                return g_strdup_printf(_("cannot open %s: %s"), device, g_strerror(errnum));
        }
}

int kvm_probe_open(const char *device, char **ret_reason)
{
        int fd = open(device, O_RDWR | O_CLOEXEC);

        if (fd < 0) {
                int saved = errno;

                *ret_reason = kvm_probe_open_reason(device, saved);
                return -saved;
        }
        return fd;
}

int kvm_probe_check_api(int kvm_fd, const char *device, char **ret_reason)
{
        int version = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);

        if (version < 0) {
                *ret_reason = g_strdup_printf("KVM_GET_API_VERSION on %s failed: %s", device,
                                              g_strerror(errno));
                return -1;
        }
        if (version != KVM_PROBE_API_VERSION) {
                *ret_reason = g_strdup_printf("%s speaks KVM API version %d, vctl needs %d "
                                              "(the kernel is too old or too new)",
                                              device, version, KVM_PROBE_API_VERSION);
                return version;
        }
        return version;
}

struct kvm_cpuid2 *kvm_probe_supported_cpuid(int kvm_fd)
{
        guint nent = 64;

        /* the kernel says E2BIG until the buffer is large enough */
        while (nent <= CPUID_MAX_ENTRIES) {
                g_autofree struct kvm_cpuid2 *cpuid =
                        g_malloc0(sizeof(*cpuid) + nent * sizeof(struct kvm_cpuid_entry2));

                cpuid->nent = nent;
                if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0 && cpuid->nent <= nent)
                        return g_steal_pointer(&cpuid);
                if (errno != E2BIG)
                        return NULL;
                nent *= 2;
        }
        return NULL;
}

static void probe_cpuid(int fd, kvm_probe_result *r)
{
        g_autofree struct kvm_cpuid2 *cpuid = kvm_probe_supported_cpuid(fd);

        if (!cpuid)
                return;
        r->cpuid_entries = (int)cpuid->nent;
        for (int i = 0; i < r->cpuid_entries; i++) {
                const struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

                if (e->function == 0) {
                        char vendor[13];

                        memcpy(vendor, &e->ebx, 4);
                        memcpy(vendor + 4, &e->edx, 4);
                        memcpy(vendor + 8, &e->ecx, 4);
                        vendor[12] = '\0';
                        g_free(r->vendor);
                        r->vendor = g_strdup(vendor);
                } else if (e->function == 1) {
                        r->cpuid_vmx = (e->ecx & (1u << 5)) != 0;
                } else if (e->function == 0x80000001) {
                        r->cpuid_svm = (e->ecx & (1u << 2)) != 0;
                }
        }
}

kvm_probe_result *kvm_probe(const char *device)
{
        kvm_probe_result *r = g_new0(kvm_probe_result, 1);
        struct stat st;
        int fd, v;

        if (!device)
                device = KVM_PROBE_DEVICE;
        r->api_version = -1;
        r->extensions = g_ptr_array_new_with_free_func(g_free);
        r->present = stat(device, &st) == 0;

        fd = kvm_probe_open(device, &r->reason);
        if (fd < 0)
                return r;
        r->accessible = TRUE;

        r->api_version = kvm_probe_check_api(fd, device, &r->reason);
        if (r->reason) {
                close(fd);
                return r;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(probe_caps); i++) {
                int val = ioctl(fd, KVM_CHECK_EXTENSION, probe_caps[i].cap);

                if (val > 0)
                        g_ptr_array_add(r->extensions, g_strdup(probe_caps[i].name));
                if (probe_caps[i].cap == KVM_CAP_NR_VCPUS)
                        r->nr_vcpus = MAX(val, 0);
                else if (probe_caps[i].cap == KVM_CAP_MAX_VCPUS)
                        r->max_vcpus = MAX(val, 0);
        }
        /* the API documents these fallbacks for kernels without the caps */
        if (r->nr_vcpus == 0)
                r->nr_vcpus = 4;
        if (r->max_vcpus == 0)
                r->max_vcpus = r->nr_vcpus;
        probe_cpuid(fd, r);

        v = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_USER_MEMORY);
        if (v <= 0)
                r->reason = g_strdup_printf("%s lacks KVM_CAP_USER_MEMORY: guests cannot be "
                                            "given memory",
                                            device);
        else
                r->usable = TRUE;
        close(fd);
        return r;
}

void kvm_probe_result_free(kvm_probe_result *result)
{
        if (!result)
                return;
        g_free(result->vendor);
        if (result->extensions)
                g_ptr_array_unref(result->extensions);
        g_free(result->reason);
        g_free(result);
}
