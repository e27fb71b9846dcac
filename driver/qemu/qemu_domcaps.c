/* The QEMU driver's domain capabilities (libvirt's <domainCapabilities>):
 * what a guest of one emulator, architecture, machine type and
 * virtualization type may use — exactly what qemu_command_build accepts. */
#include "config.h"

#include "driver/qemu/qemu_driver.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <stdarg.h>
#include <string.h>

/* Where Debian's ovmf package puts the firmware, 4M builds first. */
static const char *const qemu_domcaps_firmware_candidates[] = {
        "/usr/share/OVMF/OVMF_CODE_4M.fd",
        "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
        "/usr/share/OVMF/OVMF_CODE_4M.ms.fd",
        "/usr/share/OVMF/OVMF_CODE.fd",
        "/usr/share/OVMF/OVMF_CODE.secboot.fd",
        "/usr/share/OVMF/OVMF_CODE.ms.fd",
        NULL,
};

GPtrArray *qemu_domcaps_firmware(const char *root)
{
        GPtrArray *found = g_ptr_array_new_with_free_func(g_free);

        for (size_t i = 0; qemu_domcaps_firmware_candidates[i]; i++) {
                const char *path = qemu_domcaps_firmware_candidates[i];
                g_autofree char *under = g_strconcat(root ? root : "", path, NULL);

                if (g_file_test(under, G_FILE_TEST_IS_REGULAR))
                        g_ptr_array_add(found, g_strdup(path));
        }
        return found;
}

/* The canonical name of machine ("pc" -> "pc-i440fx-7.2"), NULL when caps
 * does not know it. */
static const char *qemu_domcaps_machine(const qemu_caps *caps, const char *machine)
{
        for (guint i = 0; caps->machines && i < caps->machines->len; i++) {
                const char *canon;

                if (!g_str_equal(g_ptr_array_index(caps->machines, i), machine))
                        continue;
                canon = caps->canonical && i < caps->canonical->len
                                ? g_ptr_array_index(caps->canonical, i)
                                : "";
                return *canon ? canon : g_ptr_array_index(caps->machines, i);
        }
        return NULL;
}

/* QEMU 7.2's max_cpus of the machine families */
static unsigned int qemu_domcaps_max_vcpus(const char *machine)
{
        if (g_str_equal(machine, "isapc"))
                return 1;
        if (strstr(machine, "q35") || g_str_equal(machine, "microvm"))
                return 288;
        return 255;
}

/* libvirt's cpu_map vendors, by model name; "unknown" for QEMU's generic models */
static const char *qemu_domcaps_cpu_vendor(const char *model)
{
        static const char *const amd[] = {"EPYC", "Opteron", "phenom", "athlon", NULL};
        static const char *const intel[] = {"Skylake",     "Cascadelake",    "Icelake",
                                            "Cooperlake",  "Snowridge",      "Broadwell",
                                            "Haswell",     "IvyBridge",      "SandyBridge",
                                            "Westmere",    "Nehalem",        "Penryn",
                                            "Conroe",      "core2duo",       "coreduo",
                                            "Denverton",   "SapphireRapids", "GraniteRapids",
                                            "KnightsMill", "pentium",        "n270",
                                            NULL};

        if (g_str_has_prefix(model, "Dhyana"))
                return "Hygon";
        for (size_t i = 0; amd[i]; i++)
                if (g_str_has_prefix(model, amd[i]))
                        return "AMD";
        for (size_t i = 0; intel[i]; i++)
                if (g_str_has_prefix(model, intel[i]))
                        return "Intel";
        return "unknown";
}

/* <enum name='NAME'> with the values, NULL-terminated */
static void qemu_domcaps_enum(GString *s, const char *indent, const char *name, ...)
{
        const char *v;
        va_list ap;
        gboolean any = FALSE;

        va_start(ap, name);
        while ((v = va_arg(ap, const char *))) {
                if (!any)
                        g_string_append_printf(s, "%s<enum name='%s'>\n", indent, name);
                any = TRUE;
                g_string_append_printf(s, "%s  <value>%s</value>\n", indent, v);
        }
        va_end(ap);
        if (any)
                g_string_append_printf(s, "%s</enum>\n", indent);
        else
                g_string_append_printf(s, "%s<enum name='%s'/>\n", indent, name);
}

static int qemu_domcaps_check(const qemu_caps *caps, const char *emulatorbin, const char *arch,
                              const char *virttype, gboolean *ret_kvm)
{
        if (emulatorbin && *emulatorbin && !g_str_equal(emulatorbin, caps->binary)) {
                g_autofree char *want = g_canonicalize_filename(emulatorbin, "/");
                g_autofree char *have = g_canonicalize_filename(caps->binary, "/");

                if (!g_str_equal(want, have))
                        return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_QEMU,
                                              _("emulator '%s' is not supported (vctl runs '%s')"),
                                              emulatorbin, caps->binary);
        }
        if (arch && *arch && !g_str_equal(arch, "x86_64"))
                return vctl_error_set(
                        VCTL_ERR_INVALID_ARG, VCTL_FROM_QEMU,
                        _("architecture '%s' is not supported by '%s' (only x86_64 is)"), arch,
                        caps->binary);
        if (!virttype || !*virttype) {
                /* libvirt's default: KVM where it works */
                *ret_kvm = caps->kvm_usable;
        } else if (g_str_equal(virttype, "kvm")) {
                if (!caps->kvm_usable)
                        return vctl_error_set(VCTL_ERR_CONFIG_UNSUPPORTED, VCTL_FROM_QEMU,
                                              _("virtualization type 'kvm' is not usable on this "
                                                "host: %s (ask for virttype 'qemu')"),
                                              caps->kvm_reason ? caps->kvm_reason
                                                               : "the KVM probe failed");
                *ret_kvm = TRUE;
        } else if (g_str_equal(virttype, "qemu")) {
                *ret_kvm = FALSE;
        } else {
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_QEMU,
                                      _("virtualization type '%s' is not supported by the QEMU "
                                        "driver (use 'kvm' or 'qemu')"),
                                      virttype);
        }
        return 0;
}

static void qemu_domcaps_os(GString *s, gboolean q35, const GPtrArray *firmware)
{
        /* no firmware autoselection yet: 'efi' is absent, and clients such as
         * virt-install give a <loader> path from the list below instead */
        g_string_append(s, "  <os supported='yes'>\n");
        qemu_domcaps_enum(s, "    ", "firmware", "bios", NULL);
        g_string_append(s, "    <loader supported='yes'>\n");
        for (guint i = 0; firmware && i < firmware->len; i++) {
                g_autofree char *path = g_markup_escape_text(g_ptr_array_index(firmware, i), -1);

                g_string_append_printf(s, "      <value>%s</value>\n", path);
        }
        qemu_domcaps_enum(s, "      ", "type", "rom", "pflash", NULL);
        qemu_domcaps_enum(s, "      ", "readonly", "yes", "no", NULL);
        /* secure boot needs SMM, which vctl enables on q35 only */
        if (q35)
                qemu_domcaps_enum(s, "      ", "secure", "yes", "no", NULL);
        else
                qemu_domcaps_enum(s, "      ", "secure", "no", NULL);
        g_string_append(s, "    </loader>\n"
                           "  </os>\n");
}

static void qemu_domcaps_cpu(GString *s, const qemu_caps *caps, gboolean kvm)
{
        g_string_append(s, "  <cpu>\n");
        if (kvm) {
                g_string_append(s, "    <mode name='host-passthrough' supported='yes'>\n");
                qemu_domcaps_enum(s, "      ", "hostPassthroughMigratable", "on", "off", NULL);
                g_string_append(s, "    </mode>\n");
        } else {
                g_string_append(s, "    <mode name='host-passthrough' supported='no'/>\n");
        }
        g_string_append(s, "    <mode name='maximum' supported='yes'>\n");
        qemu_domcaps_enum(s, "      ", "maximumMigratable", "on", "off", NULL);
        g_string_append(s, "    </mode>\n");
        /* host-model runs "host" with KVM and "max" with TCG; vctl does not
         * expand it into a named model, so this names the baseline */
        g_string_append(s, "    <mode name='host-model' supported='yes'>\n"
                           "      <model fallback='forbid'>qemu64</model>\n"
                           "    </mode>\n");
        if (caps->cpu_models && caps->cpu_models->len) {
                g_string_append(s, "    <mode name='custom' supported='yes'>\n");
                for (guint i = 0; i < caps->cpu_models->len; i++) {
                        const char *m = g_ptr_array_index(caps->cpu_models, i);
                        g_autofree char *name = NULL;

                        /* QEMU's pseudo models are libvirt's modes, not models */
                        if (g_str_equal(m, "host") || g_str_equal(m, "max") ||
                            g_str_equal(m, "base"))
                                continue;
                        name = g_markup_escape_text(m, -1);
                        /* without expanding each model, usability is not known */
                        g_string_append_printf(s,
                                               "      <model usable='unknown' "
                                               "vendor='%s'>%s</model>\n",
                                               qemu_domcaps_cpu_vendor(m), name);
                }
                g_string_append(s, "    </mode>\n");
        } else {
                g_string_append(s, "    <mode name='custom' supported='no'/>\n");
        }
        g_string_append(s, "  </cpu>\n");
}

static void qemu_domcaps_devices(GString *s, gboolean q35)
{
        g_string_append(s, "  <devices>\n"
                           "    <disk supported='yes'>\n");
        qemu_domcaps_enum(s, "      ", "diskDevice", "disk", "cdrom", NULL);
        /* what qemu_command_disk_bus builds; q35 has no IDE */
        if (q35)
                qemu_domcaps_enum(s, "      ", "bus", "scsi", "virtio", "sata", NULL);
        else
                qemu_domcaps_enum(s, "      ", "bus", "ide", "scsi", "virtio", "sata", NULL);
        qemu_domcaps_enum(s, "      ", "model", NULL);
        g_string_append(s, "    </disk>\n"
                           "    <graphics supported='yes'>\n");
        qemu_domcaps_enum(s, "      ", "type", "vnc", "spice", NULL);
        g_string_append(s, "    </graphics>\n"
                           "    <video supported='yes'>\n");
        qemu_domcaps_enum(s, "      ", "modelType", "vga", "cirrus", "qxl", "virtio", "none",
                          "bochs", "ramfb", NULL);
        g_string_append(s, "    </video>\n"
                           "    <hostdev supported='no'/>\n"
                           "    <rng supported='yes'>\n");
        qemu_domcaps_enum(s, "      ", "model", "virtio", NULL);
        qemu_domcaps_enum(s, "      ", "backendModel", "random", NULL);
        g_string_append(s, "    </rng>\n"
                           "    <filesystem supported='no'/>\n"
                           "    <tpm supported='no'/>\n"
                           "    <redirdev supported='yes'>\n");
        qemu_domcaps_enum(s, "      ", "bus", "usb", NULL);
        g_string_append(s, "    </redirdev>\n"
                           "    <channel supported='yes'>\n");
        qemu_domcaps_enum(s, "      ", "type", "pty", "unix", "spicevmc", NULL);
        g_string_append(s, "    </channel>\n"
                           "  </devices>\n");
}

char *qemu_domcaps_format(const qemu_caps *caps, const GPtrArray *firmware, const char *emulatorbin,
                          const char *arch, const char *machine, const char *virttype)
{
        g_autoptr(GString) s = g_string_new(NULL);
        g_autofree char *path = NULL, *emachine = NULL;
        const char *canon;
        gboolean kvm = FALSE, q35;

        if (qemu_domcaps_check(caps, emulatorbin, arch, virttype, &kvm) < 0)
                return NULL;
        /* libvirt's default machine for x86_64 is QEMU's: pc */
        canon = qemu_domcaps_machine(caps, machine && *machine ? machine : "pc");
        if (!canon && !(machine && *machine) && caps->machines && caps->machines->len)
                canon = qemu_domcaps_machine(caps, g_ptr_array_index(caps->machines, 0));
        if (!canon) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_QEMU,
                               _("machine type '%s' is not supported by '%s' (see the <machine> "
                                 "list of 'vctl capabilities')"),
                               machine && *machine ? machine : "pc", caps->binary);
                return NULL;
        }
        q35 = strstr(canon, "q35") != NULL;
        path = g_markup_escape_text(caps->binary, -1);
        emachine = g_markup_escape_text(canon, -1);
        g_string_append_printf(s,
                               "<domainCapabilities>\n"
                               "  <path>%s</path>\n"
                               "  <domain>%s</domain>\n"
                               "  <machine>%s</machine>\n"
                               "  <arch>x86_64</arch>\n"
                               "  <vcpu max='%u'/>\n"
                               /* <iothreads> is not part of vctl's domain XML yet */
                               "  <iothreads supported='no'/>\n",
                               path, kvm ? "kvm" : "qemu", emachine, qemu_domcaps_max_vcpus(canon));
        qemu_domcaps_os(s, q35, firmware);
        qemu_domcaps_cpu(s, caps, kvm);
        g_string_append(s, "  <memoryBacking supported='no'/>\n");
        qemu_domcaps_devices(s, q35);
        /* vmcoreinfo, genid and the rest are not part of vctl's domain XML:
         * advertising them would make clients write what vctl refuses */
        g_string_append(s, "  <features>\n"
                           "    <gic supported='no'/>\n"
                           "    <vmcoreinfo supported='no'/>\n"
                           "    <genid supported='no'/>\n"
                           "    <backingStoreInput supported='yes'/>\n"
                           "    <backup supported='no'/>\n"
                           "    <sev supported='no'/>\n"
                           "    <sgx supported='no'/>\n"
                           "  </features>\n"
                           "</domainCapabilities>\n");
        return g_strdup(s->str);
}
