/* Domain definition: the top level (name, memory, vcpus, os, features, cpu,
 * clock, lifecycle, pm) and the shared parse helpers. Devices are parsed in
 * domain_devices.c, domain_disk.c and domain_display.c. */
#include "config.h"

#include "domain_priv.h"
#include "lib/util/error.h"
#include "lib/util/name.h"
#include "lib/util/num.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <string.h>

const char *const domain_virt_type_names[] = {"kvm", "qemu", "test", NULL};
const char *const domain_placement_names[] = {"", "static", "auto", NULL};
const char *const domain_firmware_names[] = {"", "bios", "efi", NULL};
const char *const domain_boot_dev_names[] = {"fd", "hd", "cdrom", "network", NULL};
const char *const domain_loader_type_names[] = {"", "rom", "pflash", NULL};
const char *const domain_cpu_mode_names[] = {"",        "custom", "host-model", "host-passthrough",
                                             "maximum", NULL};
const char *const domain_cpu_match_names[] = {"", "minimum", "exact", "strict", NULL};
const char *const domain_cpu_check_names[] = {"", "none", "partial", "full", NULL};
const char *const domain_cpu_fallback_names[] = {"", "allow", "forbid", NULL};
const char *const domain_cpu_policy_names[] = {"force",   "require", "optional",
                                               "disable", "forbid",  NULL};
const char *const domain_clock_offset_names[] = {"utc", "localtime", NULL};
const char *const domain_timer_name_names[] = {"rtc", "pit",         "hpet", "kvmclock",
                                               "tsc", "hypervclock", NULL};
const char *const domain_tickpolicy_names[] = {"", "delay", "catchup", "merge", "discard", NULL};
const char *const domain_timer_track_names[] = {"", "boot", "guest", "wall", NULL};
const char *const domain_lifecycle_names[] = {"",
                                              "destroy",
                                              "restart",
                                              "preserve",
                                              "rename-restart",
                                              "coredump-destroy",
                                              "coredump-restart",
                                              NULL};

static const char *const domain_arch_names[] = {"x86_64",  "i686",  "aarch64", "armv7l", "ppc64",
                                                "ppc64le", "s390x", "riscv64", NULL};
static const char *const domain_state_names[] = {"on", "off", NULL};

const char *domain_enum_name(const char *const *names, int value)
{
        for (int i = 0; names[i]; i++)
                if (i == value)
                        return names[i];
        return "";
}

/* ---- shared parse helpers ---- */

static char *domain_allowed(const char *const *values)
{
        GString *s = g_string_new(NULL);

        for (int i = 0; values[i]; i++)
                if (*values[i])
                        g_string_append_printf(s, "%s'%s'", s->len ? ", " : "", values[i]);
        return g_string_free(s, FALSE);
}

int domain_attr_enum_req(conf_ctx *ctx, xmlNode *node, const char *name, const char *const *values)
{
        if (!conf_attr(node, name)) {
                g_autofree char *allowed = domain_allowed(values);

                conf_err(ctx, node, _("missing attribute '%s' of <%s> (expected one of %s)"), name,
                         (const char *)node->name, allowed);
                return -1;
        }
        return conf_attr_enum(ctx, node, name, values, -1);
}

domain_tristate domain_attr_tristate(conf_ctx *ctx, xmlNode *node, const char *name)
{
        int v = conf_attr_yesno(ctx, node, name, -2);

        if (v == 1)
                return DOMAIN_TRI_YES;
        if (v == 0)
                return DOMAIN_TRI_NO;
        return DOMAIN_TRI_ABSENT;
}

gboolean domain_attr_int(conf_ctx *ctx, xmlNode *node, const char *name, long long min,
                         long long max, int *ret)
{
        const char *v = conf_attr(node, name);
        long long n;

        if (!v)
                return FALSE;
        if (vctl_parse_ll(v, min, max, &n) < 0) {
                conf_err(ctx, node,
                         _("invalid value '%s' for attribute '%s' of <%s> (expected a number from "
                           "%lld to %lld)"),
                         v, name, (const char *)node->name, min, max);
                return FALSE;
        }
        *ret = (int)n;
        return TRUE;
}

gboolean domain_attr_uint(conf_ctx *ctx, xmlNode *node, const char *name, unsigned int max,
                          unsigned int *ret)
{
        unsigned long long v;

        if (!conf_attr_uint(ctx, node, name, max, &v))
                return FALSE;
        *ret = (unsigned int)v;
        return TRUE;
}

char *domain_verbatim(xmlNode *node)
{
        conf_consume_subtree(node);
        return conf_xml_node_dump(node);
}

char *domain_address_parse(conf_ctx *ctx, xmlNode *node)
{
        xmlNode *a = conf_child(ctx, node, "address", TRUE);

        return a ? domain_verbatim(a) : NULL;
}

unsigned int domain_boot_order_parse(conf_ctx *ctx, xmlNode *node)
{
        xmlNode *b = conf_child(ctx, node, "boot", TRUE);
        unsigned int order = 0;

        if (!b)
                return 0;
        if (!conf_attr_req(ctx, b, "order"))
                return 0;
        if (domain_attr_uint(ctx, b, "order", DOMAIN_MAX_BOOT_ORDER, &order) && order == 0)
                conf_err(ctx, b, _("boot order must be between 1 and %d"), DOMAIN_MAX_BOOT_ORDER);
        return order;
}

/* The text of node matched against values, or -1 with an error. */
static int domain_text_enum(conf_ctx *ctx, xmlNode *node, const char *const *values)
{
        g_autofree char *text = conf_text(node);
        g_autofree char *allowed = NULL;

        for (int i = 0; values[i]; i++)
                if (*values[i] && strcmp(values[i], text) == 0)
                        return i;
        allowed = domain_allowed(values);
        conf_err(ctx, node, _("invalid value '%s' in <%s> (expected one of %s)"), text,
                 (const char *)node->name, allowed);
        return -1;
}

/* ---- name, uuid, memory, vcpu ---- */

/* Each child on its own, so it declares the namespaces it uses itself. */
static char *domain_metadata_parse(xmlNode *node)
{
        GString *s = g_string_new("<metadata>");

        conf_consume_subtree(node);
        for (xmlNode *c = node->children; c; c = c->next) {
                g_autofree char *dump = NULL;

                if (c->type != XML_ELEMENT_NODE)
                        continue;
                dump = conf_xml_node_dump(c);
                g_string_append(s, dump);
        }
        g_string_append(s, "</metadata>");
        return g_string_free(s, FALSE);
}

static void domain_parse_ident(conf_ctx *ctx, xmlNode *root, domain_def *def)
{
        xmlNode *n;

        def->name = conf_parse_name(ctx, root);
        conf_parse_uuid(ctx, root, def->uuid);
        n = conf_child(ctx, root, "title", TRUE);
        if (n) {
                def->title = conf_text(n);
                if (strchr(def->title, '\n'))
                        conf_err(ctx, n, _("<title> must be a single line"));
        }
        def->description = conf_child_text(ctx, root, "description");
        n = conf_child(ctx, root, "metadata", TRUE);
        if (n)
                def->metadata = domain_metadata_parse(n);
}

static void domain_parse_memory(conf_ctx *ctx, xmlNode *root, domain_def *def)
{
        const unsigned long long maxb = DOMAIN_MAX_MEMORY_BYTES;
        xmlNode *maxmem = conf_first(root, "maxMemory");

        if (!conf_child_scaled(ctx, root, "memory", 1024, 1024, maxb, &def->memory_kib)) {
                if (!conf_first(root, "memory"))
                        conf_err(ctx, root,
                                 _("missing <memory> element (the guest's memory size)"));
                return;
        }
        if (def->memory_kib == 0) {
                conf_err(ctx, conf_first(root, "memory"),
                         _("memory size must be greater than zero"));
                return;
        }
        if (!conf_child_scaled(ctx, root, "currentMemory", 1024, 1024, maxb,
                               &def->current_memory_kib))
                def->current_memory_kib = def->memory_kib;
        else if (def->current_memory_kib > def->memory_kib)
                conf_err(ctx, conf_first(root, "currentMemory"),
                         _("currentMemory (%llu KiB) must not be larger than memory (%llu KiB)"),
                         def->current_memory_kib, def->memory_kib);
        else if (def->current_memory_kib == 0)
                conf_err(ctx, conf_first(root, "currentMemory"),
                         _("currentMemory must be greater than zero"));
        if (!maxmem)
                return;
        if (!conf_attr_req(ctx, maxmem, "slots") ||
            !domain_attr_uint(ctx, maxmem, "slots", DOMAIN_MAX_MEMORY_SLOTS,
                              &def->max_memory_slots))
                return;
        if (conf_child_scaled(ctx, root, "maxMemory", 1024, 1024, maxb, &def->max_memory_kib) &&
            def->max_memory_kib < def->memory_kib)
                conf_err(ctx, maxmem,
                         _("maxMemory (%llu KiB) must not be smaller than memory (%llu KiB)"),
                         def->max_memory_kib, def->memory_kib);
}

static void domain_parse_vcpu(conf_ctx *ctx, xmlNode *root, domain_def *def)
{
        xmlNode *n = conf_child(ctx, root, "vcpu", TRUE);
        g_autofree char *text = NULL;
        unsigned long long v;
        int p;

        def->vcpus = 1;
        def->vcpus_current = 1;
        def->vcpu_placement = DOMAIN_PLACEMENT_STATIC;
        if (!n)
                return;
        /* like libvirt, an unset placement is written back as 'static' */
        p = conf_attr_enum(ctx, n, "placement", domain_placement_names, DOMAIN_PLACEMENT_STATIC);
        def->vcpu_placement = p <= 0 ? DOMAIN_PLACEMENT_STATIC : p;
        text = conf_text(n);
        if (vctl_parse_ull(text, G_MAXUINT32, &v) < 0 || v == 0 || v > DOMAIN_MAX_VCPUS) {
                conf_err(ctx, n, _("invalid vcpu count '%s' in <vcpu> (expected 1 to %d)"), text,
                         DOMAIN_MAX_VCPUS);
                return;
        }
        def->vcpus = def->vcpus_current = (unsigned int)v;
        if (!domain_attr_uint(ctx, n, "current", DOMAIN_MAX_VCPUS, &def->vcpus_current))
                return;
        def->has_vcpus_current = TRUE;
        if (def->vcpus_current == 0 || def->vcpus_current > def->vcpus)
                conf_err(ctx, n, _("current vcpus (%u) must be between 1 and the vcpu count (%u)"),
                         def->vcpus_current, def->vcpus);
}

/* ---- os ---- */

static void domain_parse_loader(conf_ctx *ctx, xmlNode *os, domain_os *o)
{
        xmlNode *n = conf_child(ctx, os, "loader", TRUE);
        g_autofree char *path = NULL;
        int t;

        if (n) {
                o->has_loader = TRUE;
                o->loader_readonly = domain_attr_tristate(ctx, n, "readonly");
                o->loader_secure = domain_attr_tristate(ctx, n, "secure");
                t = conf_attr_enum(ctx, n, "type", domain_loader_type_names, 0);
                o->loader_type = t < 0 ? 0 : t;
                path = conf_text(n);
                if (*path)
                        o->loader = g_steal_pointer(&path);
        }
        n = conf_child(ctx, os, "nvram", TRUE);
        if (n) {
                const char *tmpl = conf_attr(n, "template");

                o->has_nvram = TRUE;
                o->nvram_template = g_strdup(tmpl);
                g_free(path);
                path = conf_text(n);
                if (*path)
                        o->nvram = g_steal_pointer(&path);
        }
}

static void domain_parse_boot(conf_ctx *ctx, xmlNode *os, domain_os *o)
{
        xmlNode *n;

        conf_foreach(b, os, "boot")
        {
                int dev = domain_attr_enum_req(ctx, b, "dev", domain_boot_dev_names);

                if (dev < 0)
                        continue;
                if (o->nboot == DOMAIN_MAX_BOOT_DEVS) {
                        conf_err(ctx, b, _("too many <boot> elements (at most %d)"),
                                 DOMAIN_MAX_BOOT_DEVS);
                        break;
                }
                o->boot[o->nboot++] = dev;
        }
        n = conf_child(ctx, os, "bootmenu", TRUE);
        if (n) {
                if (!conf_attr_req(ctx, n, "enable"))
                        return;
                o->bootmenu = domain_attr_tristate(ctx, n, "enable");
                o->has_bootmenu_timeout =
                        domain_attr_uint(ctx, n, "timeout", 65535, &o->bootmenu_timeout);
        }
}

static void domain_parse_os(conf_ctx *ctx, xmlNode *root, domain_def *def)
{
        xmlNode *os = conf_child(ctx, root, "os", TRUE);
        xmlNode *t;
        domain_os *o = &def->os;
        int fw;

        if (!os) {
                conf_err(ctx, root, _("missing <os> element (use <os><type>hvm</type></os>)"));
                return;
        }
        fw = conf_attr_enum(ctx, os, "firmware", domain_firmware_names, 0);
        o->firmware = fw < 0 ? 0 : fw;
        t = conf_child(ctx, os, "type", TRUE);
        if (!t) {
                conf_err(ctx, os, _("missing <type> element in <os> (use <type>hvm</type>)"));
        } else {
                o->type = conf_text(t);
                if (strcmp(o->type, "hvm") != 0)
                        conf_err(ctx, t, _("unsupported OS type '%s' in <type> (expected 'hvm')"),
                                 o->type);
                if (conf_attr(t, "arch") &&
                    conf_attr_enum(ctx, t, "arch", domain_arch_names, 0) >= 0)
                        o->arch = g_strdup(conf_attr(t, "arch"));
                o->machine = g_strdup(conf_attr(t, "machine"));
        }
        domain_parse_loader(ctx, os, o);
        domain_parse_boot(ctx, os, o);
        o->kernel = conf_child_text(ctx, os, "kernel");
        o->initrd = conf_child_text(ctx, os, "initrd");
        o->cmdline = conf_child_text(ctx, os, "cmdline");
        if ((o->initrd || o->cmdline) && !o->kernel)
                conf_err(ctx, os, _("<initrd> and <cmdline> need a <kernel> in <os>"));
}

/* ---- features, cpu, clock ---- */

static domain_feature domain_parse_feature(conf_ctx *ctx, xmlNode *f, const char *name,
                                           gboolean has_state)
{
        xmlNode *n = conf_child(ctx, f, name, TRUE);
        int s;

        if (!n)
                return DOMAIN_FEATURE_ABSENT;
        if (!has_state)
                return DOMAIN_FEATURE_PRESENT;
        s = conf_attr_enum(ctx, n, "state", domain_state_names, -2);
        return s == 0 ? DOMAIN_FEATURE_ON : s == 1 ? DOMAIN_FEATURE_OFF : DOMAIN_FEATURE_PRESENT;
}

static void domain_parse_features(conf_ctx *ctx, xmlNode *root, domain_features *f)
{
        xmlNode *n = conf_child(ctx, root, "features", TRUE);

        if (!n)
                return;
        f->present = TRUE;
        f->acpi = domain_parse_feature(ctx, n, "acpi", FALSE);
        f->apic = domain_parse_feature(ctx, n, "apic", FALSE);
        f->pae = domain_parse_feature(ctx, n, "pae", FALSE);
        f->hap = domain_parse_feature(ctx, n, "hap", TRUE);
        f->vmport = domain_parse_feature(ctx, n, "vmport", TRUE);
        f->smm = domain_parse_feature(ctx, n, "smm", TRUE);
}

static void domain_cpu_feature_free(domain_cpu_feature *f)
{
        if (!f)
                return;
        g_free(f->name);
        g_free(f);
}

static void domain_parse_topology(conf_ctx *ctx, xmlNode *cpu, domain_def *def)
{
        xmlNode *t = conf_child(ctx, cpu, "topology", TRUE);
        domain_cpu *c = &def->cpu;
        unsigned long long total;

        if (!t)
                return;
        c->has_topology = TRUE;
        if (!conf_attr_req(ctx, t, "sockets") || !conf_attr_req(ctx, t, "cores") ||
            !conf_attr_req(ctx, t, "threads"))
                return;
        if (!domain_attr_uint(ctx, t, "sockets", DOMAIN_MAX_VCPUS, &c->sockets) ||
            !domain_attr_uint(ctx, t, "cores", DOMAIN_MAX_VCPUS, &c->cores) ||
            !domain_attr_uint(ctx, t, "threads", DOMAIN_MAX_VCPUS, &c->threads))
                return;
        if (conf_attr(t, "dies") && !domain_attr_uint(ctx, t, "dies", DOMAIN_MAX_VCPUS, &c->dies))
                return;
        total = (unsigned long long)c->sockets * c->cores * c->threads * (c->dies ? c->dies : 1);
        if (total != def->vcpus)
                conf_err(ctx, t,
                         _("CPU topology gives %llu vcpus but <vcpu> says %u (sockets x dies x "
                           "cores x threads must equal the vcpu count)"),
                         total, def->vcpus);
}

static void domain_parse_cpu(conf_ctx *ctx, xmlNode *root, domain_def *def)
{
        xmlNode *n = conf_child(ctx, root, "cpu", TRUE);
        xmlNode *m;
        domain_cpu *c = &def->cpu;
        int v;

        if (!n)
                return;
        def->has_cpu = TRUE;
        v = conf_attr_enum(ctx, n, "mode", domain_cpu_mode_names, 0);
        c->mode = v < 0 ? 0 : v;
        v = conf_attr_enum(ctx, n, "match", domain_cpu_match_names, 0);
        c->match = v < 0 ? 0 : v;
        v = conf_attr_enum(ctx, n, "check", domain_cpu_check_names, 0);
        c->check = v < 0 ? 0 : v;
        c->migratable = domain_attr_tristate(ctx, n, "migratable");
        m = conf_child(ctx, n, "model", TRUE);
        if (m) {
                v = conf_attr_enum(ctx, m, "fallback", domain_cpu_fallback_names, 0);
                c->fallback = v < 0 ? 0 : v;
                c->model = conf_text(m);
                if (!*c->model)
                        conf_err(ctx, m, _("<model> in <cpu> must name a CPU model"));
        }
        domain_parse_topology(ctx, n, def);
        conf_foreach(f, n, "feature")
        {
                const char *name = conf_attr_req(ctx, f, "name");
                int policy = conf_attr_enum(ctx, f, "policy", domain_cpu_policy_names,
                                            DOMAIN_CPU_POLICY_REQUIRE);
                domain_cpu_feature *cf;

                if (!name || policy < 0)
                        continue;
                cf = g_new0(domain_cpu_feature, 1);
                cf->name = g_strdup(name);
                cf->policy = policy;
                g_ptr_array_add(c->features, cf);
        }
}

static void domain_parse_timer(conf_ctx *ctx, xmlNode *t, domain_clock *clock)
{
        int name = domain_attr_enum_req(ctx, t, "name", domain_timer_name_names);
        int tick = conf_attr_enum(ctx, t, "tickpolicy", domain_tickpolicy_names, 0);
        int track = conf_attr_enum(ctx, t, "track", domain_timer_track_names, 0);
        domain_tristate present = domain_attr_tristate(ctx, t, "present");
        domain_timer *timer;

        if (name < 0 || tick < 0 || track < 0)
                return;
        if (track && name != DOMAIN_TIMER_RTC) {
                conf_err(ctx, t, _("attribute 'track' is only allowed for the 'rtc' timer"));
                return;
        }
        timer = g_new0(domain_timer, 1);
        timer->name = name;
        timer->tickpolicy = tick;
        timer->track = track;
        timer->present = present;
        g_ptr_array_add(clock->timers, timer);
}

static void domain_parse_clock(conf_ctx *ctx, xmlNode *root, domain_clock *clock)
{
        xmlNode *n = conf_child(ctx, root, "clock", TRUE);
        int off;

        if (!n)
                return;
        clock->present = TRUE;
        off = domain_attr_enum_req(ctx, n, "offset", domain_clock_offset_names);
        clock->offset = off < 0 ? 0 : off;
        conf_foreach(t, n, "timer") domain_parse_timer(ctx, t, clock);
}

/* ---- lifecycle, pm ---- */

/* Absent actions get libvirt's defaults, so they are always written. */
static domain_lifecycle domain_parse_lifecycle(conf_ctx *ctx, xmlNode *root, const char *name,
                                               domain_lifecycle dflt)
{
        xmlNode *n = conf_child(ctx, root, name, TRUE);
        int v;

        if (!n)
                return dflt;
        v = domain_text_enum(ctx, n, domain_lifecycle_names);
        if (v < 0)
                return dflt;
        if ((v == DOMAIN_LIFECYCLE_COREDUMP_DESTROY || v == DOMAIN_LIFECYCLE_COREDUMP_RESTART) &&
            strcmp(name, "on_crash") != 0) {
                conf_err(ctx, n, _("'%s' is only allowed in <on_crash>"),
                         domain_lifecycle_names[v]);
                return dflt;
        }
        return v;
}

static domain_tristate domain_parse_pm_state(conf_ctx *ctx, xmlNode *pm, const char *name)
{
        xmlNode *n = conf_child(ctx, pm, name, TRUE);

        if (!n)
                return DOMAIN_TRI_ABSENT;
        if (!conf_attr_req(ctx, n, "enabled"))
                return DOMAIN_TRI_ABSENT;
        return domain_attr_tristate(ctx, n, "enabled");
}

static void domain_parse_pm(conf_ctx *ctx, xmlNode *root, domain_def *def)
{
        xmlNode *n = conf_child(ctx, root, "pm", TRUE);

        if (!n)
                return;
        def->has_pm = TRUE;
        def->pm_suspend_to_mem = domain_parse_pm_state(ctx, n, "suspend-to-mem");
        def->pm_suspend_to_disk = domain_parse_pm_state(ctx, n, "suspend-to-disk");
}

/* ---- the whole definition ---- */

static domain_def *domain_def_new(void)
{
        domain_def *def = g_new0(domain_def, 1);

        def->cpu.features = g_ptr_array_new_with_free_func((GDestroyNotify)domain_cpu_feature_free);
        def->clock.timers = g_ptr_array_new_with_free_func(g_free);
        domain_devices_init(&def->devices);
        return def;
}

static void *domain_parse_root(conf_ctx *ctx, xmlNode *root)
{
        domain_def *def = domain_def_new();
        xmlNode *devices;
        int t;

        domain_parse_ident(ctx, root, def);
        t = domain_attr_enum_req(ctx, root, "type", domain_virt_type_names);
        def->virt_type = t < 0 ? 0 : t;
        domain_parse_memory(ctx, root, def);
        domain_parse_vcpu(ctx, root, def);
        domain_parse_os(ctx, root, def);
        domain_parse_features(ctx, root, &def->features);
        domain_parse_cpu(ctx, root, def);
        domain_parse_clock(ctx, root, &def->clock);
        def->on_poweroff =
                domain_parse_lifecycle(ctx, root, "on_poweroff", DOMAIN_LIFECYCLE_DESTROY);
        def->on_reboot = domain_parse_lifecycle(ctx, root, "on_reboot", DOMAIN_LIFECYCLE_RESTART);
        def->on_crash = domain_parse_lifecycle(ctx, root, "on_crash", DOMAIN_LIFECYCLE_DESTROY);
        domain_parse_pm(ctx, root, def);
        devices = conf_child(ctx, root, "devices", TRUE);
        if (devices)
                domain_devices_parse(ctx, devices, def);
        return def;
}

domain_def *domain_def_parse(const char *xml, size_t len, GPtrArray **ret_issues)
{
        return conf_parse_document(N_("domain"), "domain", xml, len, domain_parse_root,
                                   (GDestroyNotify)domain_def_free, ret_issues);
}

static void domain_os_clear(domain_os *o)
{
        g_free(o->type);
        g_free(o->arch);
        g_free(o->machine);
        g_free(o->kernel);
        g_free(o->initrd);
        g_free(o->cmdline);
        g_free(o->loader);
        g_free(o->nvram);
        g_free(o->nvram_template);
}

void domain_def_free(domain_def *def)
{
        if (!def)
                return;
        g_free(def->name);
        g_free(def->title);
        g_free(def->description);
        g_free(def->metadata);
        domain_os_clear(&def->os);
        g_free(def->cpu.model);
        g_clear_pointer(&def->cpu.features, g_ptr_array_unref);
        g_clear_pointer(&def->clock.timers, g_ptr_array_unref);
        domain_devices_clear(&def->devices);
        g_free(def);
}
