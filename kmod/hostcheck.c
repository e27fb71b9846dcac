/* vctl host-check: is this host ready to run guests, and if not, what to do. */
#include "config.h"

#include "kmod/hostcheck.h"
#include "kmod/kvm_probe.h"
#include "kmod/modules.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"

#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CPUINFO_MAX      (16 * 1024 * 1024)
#define QEMU_BINARY      "qemu-system-x86_64"
#define TABLE_CHECK_COLS 58

typedef struct hostcheck_ctx {
        const hostcheck_options *opts;
        const char *root;
        char *kvm_device;
        GPtrArray *results;
        kvm_probe_result *probe;
        kmod_modules_report *modules;
        gboolean cpu_vmx, cpu_svm;
} hostcheck_ctx;

void hostcheck_result_free(hostcheck_result *result)
{
        if (!result)
                return;
        g_free(result->name);
        g_free(result->check);
        g_free(result->message);
        g_free(result->hint);
        g_free(result);
}

static void add(hostcheck_ctx *c, const char *name, const char *check, hostcheck_status status,
                char *message, char *hint)
{
        hostcheck_result *r = g_new0(hostcheck_result, 1);

        r->name = g_strdup(name);
        r->check = g_strdup(check);
        r->status = status;
        r->message = message;
        r->hint = hint;
        g_ptr_array_add(c->results, r);
}

static char *under(const hostcheck_ctx *c, const char *path)
{
        return g_strconcat(c->root, path, NULL);
}

static gboolean exists(const char *path)
{
        return access(path, F_OK) == 0;
}

static void read_cpu_flags(hostcheck_ctx *c)
{
        g_autofree char *path = under(c, "/proc/cpuinfo");
        g_autofree char *data = NULL;
        g_auto(GStrv) lines = NULL;

        if (vctl_file_read_bounded(path, CPUINFO_MAX, &data, NULL) < 0) {
                vctl_error_clear();
                return;
        }
        lines = g_strsplit(data, "\n", -1);
        for (char **l = lines; *l; l++) {
                g_auto(GStrv) words = NULL;
                const char *colon = strchr(*l, ':');

                if (!g_str_has_prefix(*l, "flags") || !colon)
                        continue;
                words = g_strsplit_set(colon + 1, " \t", -1);
                for (char **w = words; *w; w++) {
                        c->cpu_vmx |= strcmp(*w, "vmx") == 0;
                        c->cpu_svm |= strcmp(*w, "svm") == 0;
                }
                break; /* every CPU shows the same flags */
        }
}

/* The vendor module this CPU wants. */
static const char *vendor_module(const hostcheck_ctx *c)
{
        if (c->cpu_svm)
                return "kvm_amd";
        if (c->cpu_vmx)
                return "kvm_intel";
        return NULL;
}

static char *modprobe_hint(const hostcheck_ctx *c)
{
        const char *m = vendor_module(c);

        if (m)
                return g_strdup_printf(_("load the module: modprobe %s"), m);
        return g_strdup(_("load the module: modprobe kvm_intel (Intel) or modprobe kvm_amd (AMD)"));
}

static void check_hw_virt(hostcheck_ctx *c)
{
        const char *what = _("Checking for hardware virtualization");

        if (c->cpu_vmx || c->cpu_svm)
                add(c, "hardware-virtualization", what, HOSTCHECK_PASS,
                    g_strdup_printf(_("the CPU has %s"), c->cpu_vmx ? "vmx (VT-x)" : "svm (AMD-V)"),
                    NULL);
        else if (c->probe->present)
                add(c, "hardware-virtualization", what, HOSTCHECK_WARN,
                    g_strdup_printf(_("the CPU shows neither vmx nor svm, yet %s exists "
                                      "(a paravirtual KVM such as PVM?)"),
                                    c->kvm_device),
                    g_strdup(_("guests depend on that KVM: the deep probe says whether it works")));
        else
                add(c, "hardware-virtualization", what, HOSTCHECK_FAIL,
                    g_strdup(_("the CPU shows neither vmx nor svm in /proc/cpuinfo")),
                    g_strdup(_("enable VT-x/AMD-V in the firmware; on a virtual machine, enable "
                               "nested virtualisation in the outer hypervisor")));
}

static void check_kvm_device(hostcheck_ctx *c)
{
        g_autofree char *exists_what =
                g_strdup_printf(_("Checking if device %s exists"), c->kvm_device);
        g_autofree char *access_what =
                g_strdup_printf(_("Checking if device %s is accessible"), c->kvm_device);
        const kvm_probe_result *p = c->probe;

        if (!p->present) {
                add(c, "kvm-device", exists_what, HOSTCHECK_FAIL,
                    g_strdup_printf(_("%s is missing"), c->kvm_device), modprobe_hint(c));
                return;
        }
        add(c, "kvm-device", exists_what, HOSTCHECK_PASS,
            g_strdup_printf(_("%s exists"), c->kvm_device), NULL);
        if (!p->accessible) {
                add(c, "kvm-access", access_what, HOSTCHECK_FAIL, g_strdup(p->reason),
                    g_strdup(_("add the user to group kvm (usermod -aG kvm USER, then log in "
                               "again), or use qemu:///system")));
                return;
        }
        add(c, "kvm-access", access_what, HOSTCHECK_PASS, g_strdup(_("opened read-write")), NULL);
        if (p->api_version != KVM_PROBE_API_VERSION)
                add(c, "kvm-api", _("Checking the KVM API version"), HOSTCHECK_FAIL,
                    g_strdup(p->reason ? p->reason : "KVM_GET_API_VERSION failed"),
                    g_strdup(_("run a kernel whose KVM speaks API version 12")));
        else
                add(c, "kvm-api", _("Checking the KVM API version"), HOSTCHECK_PASS,
                    g_strdup_printf(_("API version %d, up to %d vCPUs (%d recommended), "
                                      "%d CPUID entries%s%s"),
                                    p->api_version, p->max_vcpus, p->nr_vcpus, p->cpuid_entries,
                                    p->vendor ? ", " : "", p->vendor ? p->vendor : ""),
                    NULL);
}

static void check_deep_probe(hostcheck_ctx *c)
{
        const char *what = _("Checking if KVM can run a paged 64-bit guest");
        kvm_deep_probe_options o = {
                .device = c->kvm_device,
                .cache_path = c->opts->cache_path,
                .root = c->root,
        };
        g_autoptr(kvm_deep_probe_result) d = NULL;

        if (!c->probe->usable || c->opts->skip_deep_probe)
                return;
        d = kvm_deep_probe(&o);
        if (d->usable)
                add(c, "deep-probe", what, HOSTCHECK_PASS,
                    g_strdup_printf(d->from_cache
                                            ? _("the probe guest reached HLT in %.1f ms (cached "
                                                "for this boot)")
                                            : _("the probe guest reached HLT in %.1f ms"),
                                    (double)d->elapsed_us / 1000.0),
                    NULL);
        else
                add(c, "deep-probe", what, HOSTCHECK_FAIL, g_strdup(d->reason),
                    g_strdup(_("vctl will run guests with TCG (software emulation, slow); on a "
                               "nested host, enable EPT/NPT in the outer hypervisor")));
}

static void check_kvm_module(hostcheck_ctx *c)
{
        const char *what = _("Checking if the kvm module is loaded");
        static const char *const vendors[] = {"kvm_intel", "kvm_amd", "kvm_pvm"};
        const char *vendor = NULL;
        const kmod_modules_entry *kvm = kmod_modules_find(c->modules, "kvm");

        for (size_t i = 0; i < G_N_ELEMENTS(vendors) && !vendor; i++)
                if (kmod_modules_present(c->modules, vendors[i]))
                        vendor = vendors[i];
        if (kmod_modules_present(c->modules, "kvm") && vendor)
                add(c, "kvm-module", what, HOSTCHECK_PASS,
                    g_strdup_printf(_("kvm is %s, %s is %s"),
                                    kmod_modules_state_to_string(kvm->state), vendor,
                                    kmod_modules_state_to_string(
                                            kmod_modules_find(c->modules, vendor)->state)),
                    NULL);
        else if (!kmod_modules_present(c->modules, "kvm"))
                add(c, "kvm-module", what, HOSTCHECK_FAIL,
                    g_strdup_printf(_("kvm is %s"), kmod_modules_state_to_string(kvm->state)),
                    modprobe_hint(c));
        else
                add(c, "kvm-module", what, HOSTCHECK_FAIL,
                    g_strdup(_("kvm is there but no vendor module (kvm_intel, kvm_amd) is loaded")),
                    modprobe_hint(c));
}

static void check_nested(hostcheck_ctx *c)
{
        const char *what = _("Checking for nested virtualization");
        static const char *const vendors[] = {"kvm_intel", "kvm_amd"};

        for (size_t i = 0; i < G_N_ELEMENTS(vendors); i++) {
                const kmod_modules_entry *e = kmod_modules_find(c->modules, vendors[i]);
                gboolean on;

                if (!e || !e->nested)
                        continue;
                on = g_ascii_strcasecmp(e->nested, "Y") == 0 || strcmp(e->nested, "1") == 0;
                if (on)
                        add(c, "nested", what, HOSTCHECK_PASS,
                            g_strdup_printf("%s nested=%s", e->name, e->nested), NULL);
                else
                        add(c, "nested", what, HOSTCHECK_INFO,
                            g_strdup_printf(_("%s nested=%s: guests cannot run KVM themselves"),
                                            e->name, e->nested),
                            g_strdup_printf(_("to allow it: echo 'options %s nested=1' > "
                                              "/etc/modprobe.d/kvm-nested.conf, then reload %s"),
                                            e->name, e->name));
                return;
        }
        add(c, "nested", what, HOSTCHECK_INFO,
            g_strdup(_("no kvm_intel or kvm_amd nested parameter")), NULL);
}

static void check_tun_device(hostcheck_ctx *c)
{
        g_autofree char *tun = under(c, "/dev/net/tun");

        if (exists(tun))
                add(c, "tun-device", _("Checking if device /dev/net/tun exists"), HOSTCHECK_PASS,
                    g_strdup_printf(_("%s exists"), tun), NULL);
        else
                add(c, "tun-device", _("Checking if device /dev/net/tun exists"), HOSTCHECK_FAIL,
                    g_strdup_printf(_("%s is missing: guests get no tap network"), tun),
                    g_strdup(_("load the module: modprobe tun")));
}

static void check_module(hostcheck_ctx *c, const char *name, hostcheck_status if_missing,
                         const char *why)
{
        g_autofree char *what = g_strdup_printf(_("Checking for the %s module"), name);
        g_autofree char *id = g_strdup_printf("module-%s", name);
        const kmod_modules_entry *e = kmod_modules_find(c->modules, name);

        switch (e->state) {
        case KMOD_MODULES_BUILTIN:
        case KMOD_MODULES_LOADED:
                add(c, id, what, HOSTCHECK_PASS,
                    g_strdup_printf(_("%s is %s"), name, kmod_modules_state_to_string(e->state)),
                    NULL);
                break;
        case KMOD_MODULES_AVAILABLE:
                add(c, id, what, HOSTCHECK_WARN,
                    g_strdup_printf(_("%s is available but not loaded (%s)"), name, why),
                    g_strdup_printf(_("load the module: modprobe %s"), name));
                break;
        case KMOD_MODULES_MISSING:
        default:
                add(c, id, what, if_missing,
                    g_strdup_printf(_("%s is neither in the kernel nor in %s (%s)"), name,
                                    *c->modules->moddir ? c->modules->moddir
                                                        : _("the module directory"),
                                    why),
                    g_strdup(_("install the modules of the running kernel (Debian's "
                               "linux-image package for it)")));
                break;
        }
}

static void check_qemu(hostcheck_ctx *c)
{
        g_autofree char *what = g_strdup_printf(_("Checking for %s"), QEMU_BINARY);
        g_autofree char *found = NULL;

        if (c->opts->qemu_binary) {
                if (g_file_test(c->opts->qemu_binary, G_FILE_TEST_IS_EXECUTABLE) &&
                    !g_file_test(c->opts->qemu_binary, G_FILE_TEST_IS_DIR))
                        found = g_strdup(c->opts->qemu_binary);
        } else {
                found = g_find_program_in_path(QEMU_BINARY);
        }
        if (found)
                add(c, "qemu-binary", what, HOSTCHECK_PASS, g_strdup_printf(_("found %s"), found),
                    NULL);
        else
                add(c, "qemu-binary", what, HOSTCHECK_FAIL,
                    c->opts->qemu_binary
                            ? g_strdup_printf(_("%s is not an executable"), c->opts->qemu_binary)
                            : g_strdup_printf(_("%s is not in PATH"), QEMU_BINARY),
                    g_strdup(_("install Debian's qemu-system-x86 (apt-get install "
                               "qemu-system-x86)")));
}

static void check_cgroup(hostcheck_ctx *c)
{
        const char *what = _("Checking for cgroup v2");
        g_autofree char *unified = under(c, "/sys/fs/cgroup/cgroup.controllers");
        g_autofree char *hybrid = under(c, "/sys/fs/cgroup/unified/cgroup.controllers");
        const char *hint = _("boot with systemd.unified_cgroup_hierarchy=1 on the kernel command "
                             "line");

        if (exists(unified))
                add(c, "cgroup-v2", what, HOSTCHECK_PASS,
                    g_strdup(_("cgroup v2 is mounted on /sys/fs/cgroup")), NULL);
        else if (exists(hybrid))
                add(c, "cgroup-v2", what, HOSTCHECK_WARN,
                    g_strdup(_("a hybrid hierarchy: cgroup v2 is only on /sys/fs/cgroup/unified, "
                               "the controllers stay on cgroup v1")),
                    g_strdup(hint));
        else
                add(c, "cgroup-v2", what, HOSTCHECK_FAIL,
                    g_strdup(_("cgroup v2 is not mounted: guests get no resource limits")),
                    g_strdup(hint));
}

static void check_iommu(hostcheck_ctx *c)
{
        const char *what = _("Checking for device assignment IOMMU support");
        g_autofree char *groups = under(c, "/sys/kernel/iommu_groups");
        g_autoptr(GDir) dir = g_dir_open(groups, 0, NULL);

        if (dir && g_dir_read_name(dir))
                add(c, "iommu", what, HOSTCHECK_PASS, g_strdup(_("IOMMU groups are present")),
                    NULL);
        else
                add(c, "iommu", what, HOSTCHECK_WARN,
                    g_strdup(_("no IOMMU groups: PCI devices cannot be passed to guests")),
                    g_strdup(_("only needed for PCI passthrough: enable VT-d/AMD-Vi in the "
                               "firmware and boot with intel_iommu=on (Intel) or amd_iommu=on "
                               "(AMD)")));
}

GPtrArray *hostcheck_run(const hostcheck_options *opts)
{
        static const hostcheck_options defaults;
        hostcheck_ctx c = {0};

        c.opts = opts ? opts : &defaults;
        c.root = c.opts->root ? c.opts->root : "";
        c.kvm_device = c.opts->kvm_device ? g_strdup(c.opts->kvm_device)
                                          : g_strconcat(c.root, KVM_PROBE_DEVICE, NULL);
        c.results = g_ptr_array_new_with_free_func((GDestroyNotify)hostcheck_result_free);
        c.probe = kvm_probe(c.kvm_device);
        c.modules = kmod_modules_query(c.opts->root, c.opts->moddir);
        read_cpu_flags(&c);

        check_hw_virt(&c);
        check_kvm_device(&c);
        check_deep_probe(&c);
        check_kvm_module(&c);
        check_nested(&c);
        check_tun_device(&c);
        check_module(&c, "tun", HOSTCHECK_FAIL, _("tap devices for guest networks"));
        check_module(&c, "bridge", HOSTCHECK_FAIL, _("bridged guest networks"));
        check_module(&c, "vhost_net", HOSTCHECK_WARN, _("fast virtio networking"));
        check_qemu(&c);
        check_cgroup(&c);
        check_iommu(&c);

        kvm_probe_result_free(c.probe);
        kmod_modules_report_free(c.modules);
        g_free(c.kvm_device);
        return c.results;
}

const char *hostcheck_status_to_string(hostcheck_status status)
{
        switch (status) {
        case HOSTCHECK_PASS:
                return "PASS";
        case HOSTCHECK_INFO:
                return "INFO";
        case HOSTCHECK_WARN:
                return "WARN";
        case HOSTCHECK_FAIL:
        default:
                return "FAIL";
        }
}

hostcheck_status hostcheck_worst(const GPtrArray *results)
{
        hostcheck_status worst = HOSTCHECK_PASS;

        for (guint i = 0; results && i < results->len; i++) {
                const hostcheck_result *r = g_ptr_array_index((GPtrArray *)results, i);

                worst = MAX(worst, r->status);
        }
        return worst;
}

char *hostcheck_format_table(const GPtrArray *results)
{
        GString *out = g_string_new(NULL);

        for (guint i = 0; i < results->len; i++) {
                const hostcheck_result *r = g_ptr_array_index((GPtrArray *)results, i);
                /* %-*s pads bytes: count a translation's multibyte characters once */
                int width = TABLE_CHECK_COLS +
                            (int)(strlen(r->check) - (size_t)g_utf8_strlen(r->check, -1));

                g_string_append_printf(out, "  QEMU: %-*s : %s", width, r->check,
                                       hostcheck_status_to_string(r->status));
                if (r->status != HOSTCHECK_PASS && r->message)
                        g_string_append_printf(out, " (%s)", r->message);
                g_string_append_c(out, '\n');
                if (r->status != HOSTCHECK_PASS && r->hint)
                        g_string_append_printf(out, _("        hint: %s\n"), r->hint);
        }
        return g_string_free(out, FALSE);
}

void hostcheck_print_table(const GPtrArray *results, FILE *out)
{
        g_autofree char *table = hostcheck_format_table(results);

        fputs(table, out);
        fflush(out);
}

char *hostcheck_format_json(const GPtrArray *results)
{
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autoptr(JsonGenerator) gen = json_generator_new();
        g_autoptr(JsonNode) root = NULL;
        guint counts[HOSTCHECK_FAIL + 1] = {0};

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "checks");
        json_builder_begin_array(b);
        for (guint i = 0; i < results->len; i++) {
                const hostcheck_result *r = g_ptr_array_index((GPtrArray *)results, i);

                counts[r->status]++;
                json_builder_begin_object(b);
                json_builder_set_member_name(b, "name");
                json_builder_add_string_value(b, r->name);
                json_builder_set_member_name(b, "check");
                json_builder_add_string_value(b, r->check);
                json_builder_set_member_name(b, "status");
                json_builder_add_string_value(b, hostcheck_status_to_string(r->status));
                json_builder_set_member_name(b, "message");
                json_builder_add_string_value(b, r->message ? r->message : "");
                json_builder_set_member_name(b, "hint");
                if (r->hint)
                        json_builder_add_string_value(b, r->hint);
                else
                        json_builder_add_null_value(b);
                json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_set_member_name(b, "summary");
        json_builder_begin_object(b);
        for (int s = HOSTCHECK_PASS; s <= HOSTCHECK_FAIL; s++) {
                g_autofree char *key = g_ascii_strdown(hostcheck_status_to_string(s), -1);

                json_builder_set_member_name(b, key);
                json_builder_add_int_value(b, counts[s]);
        }
        json_builder_end_object(b);
        json_builder_end_object(b);

        root = json_builder_get_root(b);
        json_generator_set_root(gen, root);
        json_generator_set_pretty(gen, TRUE);
        return json_generator_to_data(gen, NULL);
}
