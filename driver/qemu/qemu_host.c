/* The QEMU driver's view of the host: QEMU's version, capabilities, node info. */
#include "config.h"

#include "driver/qemu/qemu_driver.h"
#include "lib/util/error.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#define QEMU_HOST_BINARY "qemu-system-x86_64"

unsigned long long qemu_host_parse_version(const char *text)
{
        const char *p = text ? strstr(text, "version ") : NULL;
        unsigned int major = 0, minor = 0, micro = 0;

        if (!p || sscanf(p + strlen("version "), "%u.%u.%u", &major, &minor, &micro) < 2)
                return 0;
        if (minor > 999 || micro > 999)
                return 0;
        return major * 1000000ULL + minor * 1000ULL + micro;
}

static unsigned long long qemu_host_probe_version(void)
{
        g_autofree char *binary = g_find_program_in_path(QEMU_HOST_BINARY);
        g_autofree char *out = NULL;
        const char *argv[] = {NULL, "--version", NULL};
        int status = 0;

        if (!binary)
                return 0;
        argv[0] = binary;
        if (!g_spawn_sync(NULL, (char **)argv, NULL,
                          G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_CLOEXEC_PIPES, NULL, NULL, &out,
                          NULL, &status, NULL) ||
            !g_spawn_check_wait_status(status, NULL))
                return 0;
        return qemu_host_parse_version(out);
}

unsigned long long qemu_host_version(void)
{
        /* stored plus one, so that "no QEMU" (0) is cached too */
        static gsize cached;

        if (g_once_init_enter(&cached))
                g_once_init_leave(&cached, (gsize)qemu_host_probe_version() + 1);
        return (unsigned long long)cached - 1;
}

/* /etc/machine-id is the host's identity; libvirt's SMBIOS UUID needs root */
static void qemu_host_uuid(char buf[VCTL_UUID_STRING_LEN])
{
        static unsigned char fallback[VCTL_UUID_LEN];
        static gsize fallback_set;
        unsigned char uuid[VCTL_UUID_LEN];
        g_autofree char *id = NULL;

        if (g_file_get_contents("/etc/machine-id", &id, NULL, NULL) &&
            vctl_uuid_parse(g_strstrip(id), uuid) == 0) {
                vctl_uuid_format(uuid, buf);
                return;
        }
        if (g_once_init_enter(&fallback_set)) {
                vctl_uuid_generate(fallback);
                g_once_init_leave(&fallback_set, 1);
        }
        vctl_uuid_format(fallback, buf);
}

char *qemu_host_capabilities(void)
{
        g_autofree char *binary = g_find_program_in_path(QEMU_HOST_BINARY);
        char uuid[VCTL_UUID_STRING_LEN];
        struct utsname u;
        GString *s = g_string_new(NULL);

        qemu_host_uuid(uuid);
        if (uname(&u) < 0)
                g_strlcpy(u.machine, "x86_64", sizeof(u.machine));
        g_string_append_printf(s,
                               "<capabilities>\n"
                               "\n"
                               "  <host>\n"
                               "    <uuid>%s</uuid>\n"
                               "    <cpu>\n"
                               "      <arch>%s</arch>\n"
                               "    </cpu>\n"
                               "    <power_management/>\n"
                               "    <iommu support='no'/>\n"
                               "  </host>\n"
                               "\n",
                               uuid, u.machine);
        /* kvm joins 'qemu' once the QEMU driver probes /dev/kvm */
        g_string_append_printf(s,
                               "  <guest>\n"
                               "    <os_type>hvm</os_type>\n"
                               "    <arch name='x86_64'>\n"
                               "      <wordsize>64</wordsize>\n"
                               "      <emulator>%s</emulator>\n"
                               "      <domain type='qemu'/>\n"
                               "    </arch>\n"
                               "    <features>\n"
                               "      <acpi default='on' toggle='yes'/>\n"
                               "      <apic default='on' toggle='no'/>\n"
                               "    </features>\n"
                               "  </guest>\n"
                               "\n"
                               "</capabilities>\n",
                               binary ? binary : "/usr/bin/" QEMU_HOST_BINARY);
        return g_string_free(s, FALSE);
}

static unsigned long qemu_host_memory_kib(void)
{
        g_autofree char *meminfo = NULL;
        const char *p;
        unsigned long kib = 0;

        if (!g_file_get_contents("/proc/meminfo", &meminfo, NULL, NULL))
                return 0;
        p = strstr(meminfo, "MemTotal:");
        if (p && sscanf(p, "MemTotal: %lu kB", &kib) != 1)
                kib = 0;
        return kib;
}

static unsigned int qemu_host_mhz(void)
{
        g_autofree char *cpuinfo = NULL;
        const char *p;
        double mhz = 0;

        if (!g_file_get_contents("/proc/cpuinfo", &cpuinfo, NULL, NULL))
                return 0;
        p = strstr(cpuinfo, "cpu MHz");
        if (p)
                p = strchr(p, ':');
        if (!p || sscanf(p + 1, "%lf", &mhz) != 1 || mhz < 0 || mhz > 1e6)
                return 0;
        return (unsigned int)mhz;
}

int qemu_host_node_info(vctl_node_info *ret_info)
{
        struct utsname u;

        memset(ret_info, 0, sizeof(*ret_info));
        if (uname(&u) < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                            "cannot learn the host's architecture");
        g_strlcpy(ret_info->model, u.machine, sizeof(ret_info->model));
        ret_info->memory_kib = qemu_host_memory_kib();
        ret_info->cpus = g_get_num_processors();
        ret_info->mhz = qemu_host_mhz();
        /* one node and socket holding every CPU: the shape libvirt falls back to */
        ret_info->nodes = 1;
        ret_info->sockets = 1;
        ret_info->cores = ret_info->cpus;
        ret_info->threads = 1;
        return 0;
}
