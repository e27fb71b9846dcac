/* The test driver's pretend host: node info, capabilities, seeded domain. */
#include "config.h"

#include "driver/test/test_driver.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

/* libvirt's test:///default domain */
const char test_driver_default_domain_xml[] =
        "<domain type='test'>\n"
        "  <name>test</name>\n"
        "  <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n"
        "  <memory unit='KiB'>8388608</memory>\n"
        "  <currentMemory unit='KiB'>2097152</currentMemory>\n"
        "  <vcpu placement='static'>2</vcpu>\n"
        "  <os>\n"
        "    <type arch='i686'>hvm</type>\n"
        "    <boot dev='hd'/>\n"
        "  </os>\n"
        "  <clock offset='utc'/>\n"
        "  <on_poweroff>destroy</on_poweroff>\n"
        "  <on_reboot>restart</on_reboot>\n"
        "  <on_crash>destroy</on_crash>\n"
        "  <devices>\n"
        "    <disk type='file' device='disk'>\n"
        "      <source file='/guest/diskimage1'/>\n"
        "      <target dev='vda' bus='virtio'/>\n"
        "    </disk>\n"
        "    <interface type='network'>\n"
        "      <mac address='aa:bb:cc:dd:ee:ff'/>\n"
        "      <source network='default'/>\n"
        "      <target dev='testnet0'/>\n"
        "    </interface>\n"
        "    <memballoon model='virtio'/>\n"
        "  </devices>\n"
        "</domain>\n";

/* libvirt's test driver values */
void test_driver_node_info(vctl_node_info *ret_info)
{
        memset(ret_info, 0, sizeof(*ret_info));
        g_strlcpy(ret_info->model, "i686", sizeof(ret_info->model));
        ret_info->memory_kib = 3 * 1024 * 1024;
        ret_info->cpus = 16;
        ret_info->mhz = 1400;
        ret_info->nodes = 2;
        ret_info->sockets = 2;
        ret_info->cores = 2;
        ret_info->threads = 2;
}

static void test_caps_guest(GString *s, const char *arch, int wordsize)
{
        g_string_append_printf(s,
                               "  <guest>\n"
                               "    <os_type>hvm</os_type>\n"
                               "    <arch name='%s'>\n"
                               "      <wordsize>%d</wordsize>\n"
                               "      <emulator>/usr/bin/test-hv</emulator>\n"
                               "      <domain type='test'/>\n"
                               "    </arch>\n"
                               "    <features>\n"
                               "      <pae/>\n"
                               "      <nonpae/>\n"
                               "    </features>\n"
                               "  </guest>\n"
                               "\n",
                               arch, wordsize);
}

char *test_driver_domain_capabilities(const char *arch, const char *virttype)
{
        if (arch && *arch && !g_str_equal(arch, "i686") && !g_str_equal(arch, "x86_64")) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_TEST,
                               _("architecture '%s' is not supported by the test driver (use "
                                 "'i686' or 'x86_64')"),
                               arch);
                return NULL;
        }
        if (virttype && *virttype && !g_str_equal(virttype, "test")) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_TEST,
                               _("virtualization type '%s' is not supported by the test driver "
                                 "(use 'test')"),
                               virttype);
                return NULL;
        }
        /* the minimal document: the pretend host offers no devices or models */
        return g_strdup_printf("<domainCapabilities>\n"
                               "  <path>/usr/bin/test-hypervisor</path>\n"
                               "  <domain>test</domain>\n"
                               "  <arch>%s</arch>\n"
                               "  <vcpu max='32'/>\n"
                               "  <iothreads supported='no'/>\n"
                               "  <os supported='yes'>\n"
                               "    <enum name='firmware'/>\n"
                               "  </os>\n"
                               "</domainCapabilities>\n",
                               arch && *arch ? arch : "x86_64");
}

char *test_driver_capabilities(void)
{
        GString *s = g_string_new(NULL);

        /* a fixed host UUID keeps the document reproducible */
        g_string_append(s, "<capabilities>\n"
                           "\n"
                           "  <host>\n"
                           "    <uuid>f3a9c0e2-5b1d-4e8a-9c2f-7d6b3a1e0c54</uuid>\n"
                           "    <cpu>\n"
                           "      <arch>i686</arch>\n"
                           "    </cpu>\n"
                           "    <power_management/>\n"
                           "    <iommu support='no'/>\n"
                           "    <topology>\n"
                           "      <cells num='2'>\n");
        for (int cell = 0; cell < 2; cell++) {
                g_string_append_printf(s,
                                       "        <cell id='%d'>\n"
                                       "          <memory unit='KiB'>%d</memory>\n"
                                       "          <cpus num='8'>\n",
                                       cell, 3 * 1024 * 1024 / 2);
                for (int cpu = cell * 8; cpu < cell * 8 + 8; cpu++)
                        g_string_append_printf(s,
                                               "            <cpu id='%d' socket_id='%d' die_id='0' "
                                               "core_id='%d' siblings='%d-%d'/>\n",
                                               cpu, cell, (cpu % 8) / 2, cpu & ~1, cpu | 1);
                g_string_append(s, "          </cpus>\n"
                                   "        </cell>\n");
        }
        g_string_append(s, "      </cells>\n"
                           "    </topology>\n"
                           "  </host>\n"
                           "\n");
        test_caps_guest(s, "i686", 32);
        test_caps_guest(s, "x86_64", 64);
        g_string_append(s, "</capabilities>\n");
        return g_string_free(s, FALSE);
}
