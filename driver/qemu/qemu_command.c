/* The QEMU command line: the machine, CPU, memory, clock, boot and lifecycle
 * options, in libvirt's order; devices are in qemu_command_{disk,devices}.c. */
#include "config.h"

#include "driver/qemu/qemu_command_priv.h"
#include "lib/util/error.h"
#include "lib/util/uuid.h"
#include "lib/util/i18n.h"

#include <stdarg.h>
#include <string.h>

void qemu_cmd_add(qemu_cmd *c, const char *arg)
{
        g_ptr_array_add(c->args, g_strdup(arg));
}

void qemu_cmd_addf(qemu_cmd *c, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        g_ptr_array_add(c->args, g_strdup_vprintf(fmt, ap));
        va_end(ap);
}

int qemu_cmd_refuse(const qemu_cmd *c, int code, const char *fmt, ...)
{
        g_autofree char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        return vctl_error_set(code, VCTL_FROM_QEMU, _("domain '%s': %s"), c->def->name, msg);
}

char *qemu_cmd_kv(const char *s)
{
        GString *out = g_string_sized_new(strlen(s) + 8);

        for (const char *p = s; *p; p++) {
                if (*p == ',')
                        g_string_append_c(out, ',');
                g_string_append_c(out, *p);
        }
        return g_string_free(out, FALSE);
}

void qemu_cmd_json_str(GString *s, const char *key, const char *value)
{
        if (s->len > 1)
                g_string_append_c(s, ',');
        g_string_append_printf(s, "\"%s\":\"", key);
        for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
                if (*p == '"' || *p == '\\')
                        g_string_append_printf(s, "\\%c", *p);
                else if (*p < 0x20)
                        g_string_append_printf(s, "\\u%04x", *p);
                else
                        g_string_append_c(s, (char)*p);
        }
        g_string_append_c(s, '"');
}

void qemu_caps_free(qemu_caps *caps)
{
        if (!caps)
                return;
        g_free(caps->binary);
        g_free(caps->kvm_reason);
        if (caps->machines)
                g_ptr_array_unref(caps->machines);
        if (caps->canonical)
                g_ptr_array_unref(caps->canonical);
        if (caps->cpu_models)
                g_ptr_array_unref(caps->cpu_models);
        g_free(caps);
}

static gboolean qemu_command_in_list(const GPtrArray *list, const char *s)
{
        for (guint i = 0; list && i < list->len; i++) {
                if (g_strcmp0(g_ptr_array_index(list, i), s) == 0)
                        return TRUE;
        }
        return FALSE;
}

static int qemu_command_check_type(qemu_cmd *c)
{
        const domain_def *def = c->def;

        if (def->virt_type == DOMAIN_VIRT_TEST)
                return qemu_cmd_refuse(
                        c, VCTL_ERR_CONFIG_UNSUPPORTED,
                        _("type 'test' is for the test driver; use <domain type='kvm'> "
                          "or <domain type='qemu'>"));
        if (def->virt_type == DOMAIN_VIRT_KVM && !c->caps->kvm_usable)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("type 'kvm' needs a working KVM, but %s; use <domain "
                                         "type='qemu'> to run it with QEMU's TCG emulation"),
                                       c->caps->kvm_reason ? c->caps->kvm_reason
                                                           : "KVM is not usable on this host");
        c->kvm = def->virt_type == DOMAIN_VIRT_KVM;
        if (def->os.type && strcmp(def->os.type, "hvm") != 0)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("OS type '%s' is not supported (use 'hvm')"),
                                       def->os.type);
        if (def->os.arch && strcmp(def->os.arch, "x86_64") != 0)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("architecture '%s' is not supported (use 'x86_64')"),
                                       def->os.arch);
        if (def->devices.tpms && def->devices.tpms->len)
                return qemu_cmd_refuse(
                        c, VCTL_ERR_CONFIG_UNSUPPORTED,
                        _("TPM devices are not supported yet (remove the <tpm> element)"));
        return 0;
}

static const char *qemu_command_machine_type(const domain_def *def)
{
        return def->os.machine ? def->os.machine : "pc";
}

static int qemu_command_machine(qemu_cmd *c)
{
        const domain_def *def = c->def;
        const char *type = qemu_command_machine_type(def);
        g_autoptr(GString) m = g_string_new(NULL);
        domain_feature acpi = def->features.acpi;

        if (c->caps->machines && c->caps->machines->len &&
            !qemu_command_in_list(c->caps->machines, type))
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("machine type '%s' is not supported by %s"), type,
                                       c->caps->binary);
        if (strcmp(type, "q35") == 0 || g_str_has_prefix(type, "pc-q35-"))
                c->q35 = TRUE;
        else if (strcmp(type, "pc") != 0 && !g_str_has_prefix(type, "pc-i440fx-") &&
                 !g_str_has_prefix(type, "pc-"))
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("machine type '%s' is not supported (use 'q35' or 'pc')"),
                                       type);

        g_string_append_printf(m, "%s,usb=off", type);
        if (def->features.vmport == DOMAIN_FEATURE_ON || def->features.vmport == DOMAIN_FEATURE_OFF)
                g_string_append_printf(m, ",vmport=%s",
                                       def->features.vmport == DOMAIN_FEATURE_ON ? "on" : "off");
        if (def->features.smm == DOMAIN_FEATURE_ON || def->features.smm == DOMAIN_FEATURE_PRESENT ||
            (def->os.loader_secure == DOMAIN_TRI_YES && def->features.smm != DOMAIN_FEATURE_OFF))
                g_string_append(m, ",smm=on");
        else if (def->features.smm == DOMAIN_FEATURE_OFF)
                g_string_append(m, ",smm=off");
        g_string_append(m, ",dump-guest-core=off");
        if (qemu_command_firmware(c, m) < 0)
                return -1;
        /* libvirt: no <acpi/> means no ACPI */
        g_string_append_printf(m, ",acpi=%s",
                               acpi == DOMAIN_FEATURE_PRESENT || acpi == DOMAIN_FEATURE_ON ? "on"
                                                                                           : "off");
        qemu_cmd_add(c, "-machine");
        qemu_cmd_add(c, m->str);
        qemu_cmd_add(c, "-accel");
        qemu_cmd_add(c, c->kvm ? "kvm" : "tcg");
        return 0;
}

static const char *qemu_command_feature_value(domain_cpu_policy policy)
{
        return policy == DOMAIN_CPU_POLICY_DISABLE || policy == DOMAIN_CPU_POLICY_FORBID ? "off"
                                                                                         : "on";
}

static int qemu_command_cpu(qemu_cmd *c)
{
        const domain_cpu *cpu = &c->def->cpu;
        g_autoptr(GString) s = g_string_new(NULL);

        if (!c->def->has_cpu)
                return 0;
        switch (cpu->mode) {
        case DOMAIN_CPU_MODE_HOST_PASSTHROUGH:
                if (!c->kvm)
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("CPU mode 'host-passthrough' needs KVM; with "
                                                 "<domain type='qemu'> use <cpu mode='maximum'/>"));
                g_string_append_printf(s, "host,migratable=%s",
                                       cpu->migratable == DOMAIN_TRI_NO ? "off" : "on");
                break;
        case DOMAIN_CPU_MODE_HOST_MODEL:
                g_string_append(s, c->kvm ? "host" : "max");
                break;
        case DOMAIN_CPU_MODE_MAXIMUM:
                g_string_append(s, "max");
                break;
        case DOMAIN_CPU_MODE_NONE:
        case DOMAIN_CPU_MODE_CUSTOM:
                if (!cpu->model)
                        return 0; /* topology only */
                if (c->caps->cpu_models && c->caps->cpu_models->len &&
                    !qemu_command_in_list(c->caps->cpu_models, cpu->model))
                        return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                               _("CPU model '%s' is not known to %s"), cpu->model,
                                               c->caps->binary);
                g_string_append(s, cpu->model);
                break;
        }
        for (guint i = 0; cpu->features && i < cpu->features->len; i++) {
                const domain_cpu_feature *f = g_ptr_array_index(cpu->features, i);

                g_string_append_printf(s, ",%s=%s", f->name, qemu_command_feature_value(f->policy));
        }
        qemu_cmd_add(c, "-cpu");
        qemu_cmd_add(c, s->str);
        return 0;
}

static int qemu_command_memory_smp(qemu_cmd *c)
{
        const domain_def *def = c->def;
        unsigned int sockets = def->vcpus, dies = 0, cores = 1, threads = 1;
        g_autoptr(GString) smp = g_string_new(NULL);

        qemu_cmd_add(c, "-m");
        if (def->max_memory_kib)
                qemu_cmd_addf(c, "size=%lluk,slots=%u,maxmem=%lluk", def->memory_kib,
                              def->max_memory_slots, def->max_memory_kib);
        else
                qemu_cmd_addf(c, "size=%lluk", def->memory_kib);
        qemu_cmd_add(c, "-overcommit");
        qemu_cmd_add(c, "mem-lock=off");

        if (def->has_cpu && def->cpu.has_topology) {
                sockets = def->cpu.sockets;
                dies = def->cpu.dies;
                cores = def->cpu.cores;
                threads = def->cpu.threads;
                if ((guint64)sockets * (dies ? dies : 1) * cores * threads != def->vcpus)
                        return qemu_cmd_refuse(
                                c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                _("CPU topology %u sockets x %u dies x %u cores x %u "
                                  "threads does not match %u vcpus"),
                                sockets, dies ? dies : 1, cores, threads, def->vcpus);
        }
        g_string_append_printf(smp, "%u", def->vcpus_current ? def->vcpus_current : def->vcpus);
        if (def->vcpus_current && def->vcpus_current < def->vcpus)
                g_string_append_printf(smp, ",maxcpus=%u", def->vcpus);
        g_string_append_printf(smp, ",sockets=%u", sockets);
        if (dies)
                g_string_append_printf(smp, ",dies=%u", dies);
        g_string_append_printf(smp, ",cores=%u,threads=%u", cores, threads);
        qemu_cmd_add(c, "-smp");
        qemu_cmd_add(c, smp->str);
        return 0;
}

static void qemu_command_monitor(qemu_cmd *c)
{
        g_autofree char *path = qemu_cmd_kv(c->launch->monitor_path);

        qemu_cmd_add(c, "-chardev");
        qemu_cmd_addf(c, "socket,id=charmonitor,path=%s,server=on,wait=off", path);
        qemu_cmd_add(c, "-mon");
        qemu_cmd_add(c, "chardev=charmonitor,id=monitor,mode=control");
}

static const domain_timer *qemu_command_timer(const domain_def *def, domain_timer_name name)
{
        for (guint i = 0; def->clock.timers && i < def->clock.timers->len; i++) {
                const domain_timer *t = g_ptr_array_index(def->clock.timers, i);

                if (t->name == name)
                        return t;
        }
        return NULL;
}

static void qemu_command_clock(qemu_cmd *c)
{
        const domain_def *def = c->def;
        const domain_timer *rtc = qemu_command_timer(def, DOMAIN_TIMER_RTC);
        const domain_timer *pit = qemu_command_timer(def, DOMAIN_TIMER_PIT);
        const domain_timer *hpet = qemu_command_timer(def, DOMAIN_TIMER_HPET);
        g_autoptr(GString) s = g_string_new(NULL);

        g_string_append_printf(s, "base=%s",
                               def->clock.offset == DOMAIN_CLOCK_LOCALTIME ? "localtime" : "utc");
        if (rtc && rtc->track == DOMAIN_TRACK_GUEST)
                g_string_append(s, ",clock=vm");
        else if (rtc && rtc->track == DOMAIN_TRACK_WALL)
                g_string_append(s, ",clock=rt");
        if (rtc && rtc->tickpolicy == DOMAIN_TICK_CATCHUP)
                g_string_append(s, ",driftfix=slew");
        qemu_cmd_add(c, "-rtc");
        qemu_cmd_add(c, s->str);

        /* the in-kernel PIT exists only with KVM */
        if (c->kvm && pit &&
            (pit->tickpolicy == DOMAIN_TICK_DELAY || pit->tickpolicy == DOMAIN_TICK_DISCARD)) {
                qemu_cmd_add(c, "-global");
                qemu_cmd_addf(c, "kvm-pit.lost_tick_policy=%s",
                              pit->tickpolicy == DOMAIN_TICK_DELAY ? "delay" : "discard");
        }
        if (hpet && hpet->present == DOMAIN_TRI_NO)
                qemu_cmd_add(c, "-no-hpet");
}

static void qemu_command_lifecycle(qemu_cmd *c)
{
        const domain_def *def = c->def;
        const char *pm = c->q35 ? "ICH9-LPC" : "PIIX4_PM";

        if (def->on_poweroff == DOMAIN_LIFECYCLE_PRESERVE)
                qemu_cmd_add(c, "-no-shutdown");
        if (def->on_reboot == DOMAIN_LIFECYCLE_DESTROY)
                qemu_cmd_add(c, "-no-reboot");
        if (def->pm_suspend_to_mem != DOMAIN_TRI_ABSENT) {
                qemu_cmd_add(c, "-global");
                qemu_cmd_addf(c, "%s.disable_s3=%d", pm, def->pm_suspend_to_mem == DOMAIN_TRI_NO);
        }
        if (def->pm_suspend_to_disk != DOMAIN_TRI_ABSENT) {
                qemu_cmd_add(c, "-global");
                qemu_cmd_addf(c, "%s.disable_s4=%d", pm, def->pm_suspend_to_disk == DOMAIN_TRI_NO);
        }
}

static gboolean qemu_command_has_device_boot(const domain_def *def)
{
        for (guint i = 0; i < def->devices.disks->len; i++) {
                if (((domain_disk *)g_ptr_array_index(def->devices.disks, i))->boot_order)
                        return TRUE;
        }
        for (guint i = 0; i < def->devices.nets->len; i++) {
                if (((domain_net *)g_ptr_array_index(def->devices.nets, i))->boot_order)
                        return TRUE;
        }
        return FALSE;
}

static int qemu_command_boot(qemu_cmd *c)
{
        const domain_os *os = &c->def->os;
        static const char letters[] = {[DOMAIN_BOOT_FD] = 'a',
                                       [DOMAIN_BOOT_HD] = 'c',
                                       [DOMAIN_BOOT_CDROM] = 'd',
                                       [DOMAIN_BOOT_NETWORK] = 'n'};
        g_autoptr(GString) s = g_string_new(NULL);

        c->per_device_boot = qemu_command_has_device_boot(c->def);
        if (c->per_device_boot && os->nboot)
                return qemu_cmd_refuse(c, VCTL_ERR_CONFIG_UNSUPPORTED,
                                       _("per-device <boot order> cannot be mixed with <os><boot "
                                         "dev>; remove the <boot dev> elements"));
        if (os->nboot) {
                g_string_append(s, "order=");
                for (size_t i = 0; i < os->nboot && i < DOMAIN_MAX_BOOT_DEVS; i++)
                        g_string_append_c(s, letters[os->boot[i]]);
        }
        if (os->bootmenu != DOMAIN_TRI_ABSENT) {
                g_string_append_printf(s, "%smenu=%s", s->len ? "," : "",
                                       os->bootmenu == DOMAIN_TRI_YES ? "on" : "off");
                if (os->bootmenu == DOMAIN_TRI_YES && os->has_bootmenu_timeout)
                        g_string_append_printf(s, ",splash-time=%u", os->bootmenu_timeout);
        }
        if (c->per_device_boot)
                g_string_append_printf(s, "%sstrict=on", s->len ? "," : "");
        if (s->len) {
                qemu_cmd_add(c, "-boot");
                qemu_cmd_add(c, s->str);
        }
        if (os->kernel) {
                qemu_cmd_add(c, "-kernel");
                qemu_cmd_add(c, os->kernel);
        }
        if (os->initrd) {
                qemu_cmd_add(c, "-initrd");
                qemu_cmd_add(c, os->initrd);
        }
        if (os->cmdline) {
                qemu_cmd_add(c, "-append");
                qemu_cmd_add(c, os->cmdline);
        }
        return 0;
}

char **qemu_command_build(const domain_def *def, const qemu_caps *caps, const qemu_launch *launch)
{
        g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
        char uuid[VCTL_UUID_STRING_LEN];
        qemu_cmd cmd = {.def = def, .caps = caps, .launch = launch, .args = args};
        qemu_cmd *c = &cmd;
        g_autofree char *name = qemu_cmd_kv(def->name);

        vctl_uuid_format(def->uuid, uuid);
        if (qemu_command_check_type(c) < 0)
                return NULL;
        qemu_cmd_add(c, def->devices.emulator ? def->devices.emulator : caps->binary);
        qemu_cmd_add(c, "-name");
        qemu_cmd_addf(c, "guest=%s,debug-threads=on", name);
        qemu_cmd_add(c, "-S");
        if (qemu_command_machine(c) < 0 || qemu_command_cpu(c) < 0 ||
            qemu_command_memory_smp(c) < 0)
                return NULL;
        qemu_cmd_add(c, "-uuid");
        qemu_cmd_add(c, uuid);
        qemu_cmd_add(c, "-no-user-config");
        qemu_cmd_add(c, "-nodefaults");
        qemu_command_monitor(c);
        qemu_command_clock(c);
        qemu_command_lifecycle(c);
        for (guint i = 0; i < def->devices.graphics->len; i++) {
                const domain_graphics *g = g_ptr_array_index(def->devices.graphics, i);

                c->spice |= g->type == DOMAIN_GRAPHICS_SPICE;
        }
        if (qemu_command_boot(c) < 0 || qemu_command_controllers(c) < 0 ||
            qemu_command_disks(c) < 0 || qemu_command_nets(c) < 0 || qemu_command_chardevs(c) < 0 ||
            qemu_command_inputs(c) < 0 || qemu_command_graphics(c) < 0 ||
            qemu_command_videos(c) < 0 || qemu_command_sounds(c) < 0 || qemu_command_misc(c) < 0)
                return NULL;
        if (launch->sandbox) {
                qemu_cmd_add(c, "-sandbox");
                qemu_cmd_add(c, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
                                "resourcecontrol=deny");
        }
        qemu_cmd_add(c, "-msg");
        qemu_cmd_add(c, "timestamp=on");
        g_ptr_array_add(args, NULL);
        return (char **)g_ptr_array_steal(args, NULL);
}
