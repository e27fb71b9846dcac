/* Domain definition to XML, top level; devices are in domain_format_devices.c.
 * Element and attribute order follow libvirt's `virsh dumpxml --inactive`. */
#include "config.h"

#include "domain_priv.h"

const char *domain_tristate_yesno(domain_tristate t)
{
        return t == DOMAIN_TRI_YES ? "yes" : t == DOMAIN_TRI_NO ? "no" : NULL;
}

const char *domain_tristate_onoff(domain_tristate t)
{
        return t == DOMAIN_TRI_YES ? "on" : t == DOMAIN_TRI_NO ? "off" : NULL;
}

static const char *domain_name_or_null(const char *const *names, int v)
{
        const char *s = domain_enum_name(names, v);

        return *s ? s : NULL;
}

static void domain_format_memory(conf_buf *b, const domain_def *def)
{
        if (def->max_memory_kib)
                conf_buf_add(b, "<maxMemory slots='%u' unit='KiB'>%llu</maxMemory>",
                             def->max_memory_slots, def->max_memory_kib);
        conf_buf_add(b, "<memory unit='KiB'>%llu</memory>", def->memory_kib);
        conf_buf_add(b, "<currentMemory unit='KiB'>%llu</currentMemory>", def->current_memory_kib);
}

static void domain_format_vcpu(conf_buf *b, const domain_def *def)
{
        g_autoptr(GString) a = g_string_new(NULL);

        conf_attr_add(a, "placement",
                      domain_name_or_null(domain_placement_names, def->vcpu_placement));
        if (def->has_vcpus_current)
                conf_attr_addf(a, "current", "%u", def->vcpus_current);
        conf_buf_add_raw(b, "<vcpu%s>%u</vcpu>", a->str, def->vcpus);
}

static void domain_format_loader(conf_buf *b, const domain_os *o)
{
        g_autoptr(GString) a = g_string_new(NULL);
        g_autofree char *path = NULL;

        if (o->has_loader) {
                conf_attr_add(a, "readonly", domain_tristate_yesno(o->loader_readonly));
                conf_attr_add(a, "secure", domain_tristate_yesno(o->loader_secure));
                conf_attr_add(a, "type",
                              domain_name_or_null(domain_loader_type_names, o->loader_type));
                if (o->loader) {
                        path = g_markup_escape_text(o->loader, -1);
                        conf_buf_add_raw(b, "<loader%s>%s</loader>", a->str, path);
                } else {
                        conf_buf_add_raw(b, "<loader%s/>", a->str);
                }
        }
        if (!o->has_nvram)
                return;
        g_string_truncate(a, 0);
        conf_attr_add(a, "template", o->nvram_template);
        g_clear_pointer(&path, g_free);
        if (o->nvram) {
                path = g_markup_escape_text(o->nvram, -1);
                conf_buf_add_raw(b, "<nvram%s>%s</nvram>", a->str, path);
        } else {
                conf_buf_add_raw(b, "<nvram%s/>", a->str);
        }
}

static void domain_format_os(conf_buf *b, const domain_os *o)
{
        g_autoptr(GString) a = g_string_new(NULL);

        conf_attr_add(a, "firmware", domain_name_or_null(domain_firmware_names, o->firmware));
        conf_buf_add_raw(b, "<os%s>", a->str);
        b->indent++;
        g_string_truncate(a, 0);
        conf_attr_add(a, "arch", o->arch);
        conf_attr_add(a, "machine", o->machine);
        conf_buf_add_raw(b, "<type%s>hvm</type>", a->str);
        domain_format_loader(b, o);
        conf_buf_text_elem(b, "kernel", o->kernel);
        conf_buf_text_elem(b, "initrd", o->initrd);
        conf_buf_text_elem(b, "cmdline", o->cmdline);
        for (size_t i = 0; i < o->nboot; i++)
                conf_buf_add(b, "<boot dev='%s'/>", domain_boot_dev_names[o->boot[i]]);
        if (o->bootmenu) {
                g_string_truncate(a, 0);
                conf_attr_add(a, "enable", domain_tristate_yesno(o->bootmenu));
                if (o->has_bootmenu_timeout)
                        conf_attr_addf(a, "timeout", "%u", o->bootmenu_timeout);
                conf_buf_add_raw(b, "<bootmenu%s/>", a->str);
        }
        conf_buf_pop(b, "</os>");
}

static void domain_format_feature(conf_buf *b, const char *name, domain_feature f)
{
        if (f == DOMAIN_FEATURE_PRESENT)
                conf_buf_add(b, "<%s/>", name);
        else if (f == DOMAIN_FEATURE_ON || f == DOMAIN_FEATURE_OFF)
                conf_buf_add(b, "<%s state='%s'/>", name, f == DOMAIN_FEATURE_ON ? "on" : "off");
}

static void domain_format_features(conf_buf *b, const domain_features *f)
{
        if (!f->present)
                return;
        if (!f->acpi && !f->apic && !f->pae && !f->hap && !f->vmport && !f->smm) {
                conf_buf_add(b, "<features/>");
                return;
        }
        conf_buf_push(b, "<features>");
        domain_format_feature(b, "acpi", f->acpi);
        domain_format_feature(b, "apic", f->apic);
        domain_format_feature(b, "pae", f->pae);
        domain_format_feature(b, "hap", f->hap);
        domain_format_feature(b, "vmport", f->vmport);
        domain_format_feature(b, "smm", f->smm);
        conf_buf_pop(b, "</features>");
}

static void domain_format_cpu_body(conf_buf *b, const domain_cpu *c)
{
        g_autoptr(GString) a = g_string_new(NULL);

        if (c->model) {
                g_autofree char *model = g_markup_escape_text(c->model, -1);

                conf_attr_add(a, "fallback",
                              domain_name_or_null(domain_cpu_fallback_names, c->fallback));
                conf_buf_add_raw(b, "<model%s>%s</model>", a->str, model);
        }
        if (c->has_topology) {
                g_string_truncate(a, 0);
                conf_attr_addf(a, "sockets", "%u", c->sockets);
                if (c->dies)
                        conf_attr_addf(a, "dies", "%u", c->dies);
                conf_attr_addf(a, "cores", "%u", c->cores);
                conf_attr_addf(a, "threads", "%u", c->threads);
                conf_buf_add_raw(b, "<topology%s/>", a->str);
        }
        for (guint i = 0; i < c->features->len; i++) {
                const domain_cpu_feature *f = g_ptr_array_index(c->features, i);

                conf_buf_add(b, "<feature policy='%s' name='%s'/>",
                             domain_cpu_policy_names[f->policy], f->name);
        }
}

static void domain_format_cpu(conf_buf *b, const domain_def *def)
{
        const domain_cpu *c = &def->cpu;
        g_autoptr(GString) a = g_string_new(NULL);

        if (!def->has_cpu)
                return;
        conf_attr_add(a, "mode", domain_name_or_null(domain_cpu_mode_names, c->mode));
        conf_attr_add(a, "match", domain_name_or_null(domain_cpu_match_names, c->match));
        conf_attr_add(a, "check", domain_name_or_null(domain_cpu_check_names, c->check));
        conf_attr_add(a, "migratable", domain_tristate_onoff(c->migratable));
        if (!c->model && !c->has_topology && c->features->len == 0) {
                conf_buf_add_raw(b, "<cpu%s/>", a->str);
                return;
        }
        conf_buf_add_raw(b, "<cpu%s>", a->str);
        b->indent++;
        domain_format_cpu_body(b, c);
        conf_buf_pop(b, "</cpu>");
}

static void domain_format_clock(conf_buf *b, const domain_clock *clock)
{
        const char *offset = domain_clock_offset_names[clock->offset];

        if (clock->timers->len == 0) {
                conf_buf_add(b, "<clock offset='%s'/>", offset);
                return;
        }
        conf_buf_push(b, "<clock offset='%s'>", offset);
        for (guint i = 0; i < clock->timers->len; i++) {
                const domain_timer *t = g_ptr_array_index(clock->timers, i);
                g_autoptr(GString) a = g_string_new(NULL);

                conf_attr_add(a, "name", domain_timer_name_names[t->name]);
                conf_attr_add(a, "present", domain_tristate_yesno(t->present));
                conf_attr_add(a, "tickpolicy",
                              domain_name_or_null(domain_tickpolicy_names, t->tickpolicy));
                conf_attr_add(a, "track", domain_name_or_null(domain_timer_track_names, t->track));
                conf_buf_add_raw(b, "<timer%s/>", a->str);
        }
        conf_buf_pop(b, "</clock>");
}

static void domain_format_pm(conf_buf *b, const domain_def *def)
{
        if (!def->has_pm)
                return;
        if (!def->pm_suspend_to_mem && !def->pm_suspend_to_disk) {
                conf_buf_add(b, "<pm/>");
                return;
        }
        conf_buf_push(b, "<pm>");
        if (def->pm_suspend_to_mem)
                conf_buf_add(b, "<suspend-to-mem enabled='%s'/>",
                             domain_tristate_yesno(def->pm_suspend_to_mem));
        if (def->pm_suspend_to_disk)
                conf_buf_add(b, "<suspend-to-disk enabled='%s'/>",
                             domain_tristate_yesno(def->pm_suspend_to_disk));
        conf_buf_pop(b, "</pm>");
}

char *domain_def_format(const domain_def *def)
{
        conf_buf b;
        char uuid[VCTL_UUID_STRING_LEN];

        conf_buf_init(&b);
        conf_buf_push(&b, "<domain type='%s'>", domain_virt_type_names[def->virt_type]);
        conf_buf_text_elem(&b, "name", def->name);
        conf_buf_add(&b, "<uuid>%s</uuid>", vctl_uuid_format(def->uuid, uuid));
        conf_buf_text_elem(&b, "title", def->title);
        conf_buf_text_elem(&b, "description", def->description);
        if (def->metadata)
                conf_buf_verbatim(&b, def->metadata);
        domain_format_memory(&b, def);
        domain_format_vcpu(&b, def);
        domain_format_os(&b, &def->os);
        domain_format_features(&b, &def->features);
        domain_format_cpu(&b, def);
        domain_format_clock(&b, &def->clock);
        conf_buf_text_elem(&b, "on_poweroff", domain_lifecycle_names[def->on_poweroff]);
        conf_buf_text_elem(&b, "on_reboot", domain_lifecycle_names[def->on_reboot]);
        conf_buf_text_elem(&b, "on_crash", domain_lifecycle_names[def->on_crash]);
        domain_format_pm(&b, def);
        domain_devices_format(&b, &def->devices);
        conf_buf_pop(&b, "</domain>");
        return conf_buf_steal(&b);
}
