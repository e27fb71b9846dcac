/* Domain <devices> to XML, in libvirt's device order. */
#include "config.h"

#include "domain_priv.h"

#include <libxml/parser.h>
#include <string.h>

static const char *domain_str(const char *const *names, int v)
{
        const char *s = domain_enum_name(names, v);

        return *s ? s : NULL;
}

/* Writes <name attrs/> and returns FALSE, or opens <name attrs> one level
 * deeper and returns TRUE, for the caller to write the children and close. */
static gboolean domain_open(conf_buf *b, const char *name, const GString *a, gboolean children)
{
        if (!children) {
                conf_buf_add_raw(b, "<%s%s/>", name, a->str);
                return FALSE;
        }
        conf_buf_add_raw(b, "<%s%s>", name, a->str);
        b->indent++;
        return TRUE;
}

static void domain_close(conf_buf *b, const char *name)
{
        conf_buf_pop(b, "</%s>", name);
}

/* Writes a kept element the way libvirt writes its own: single quotes. */
static void domain_write_node(conf_buf *b, xmlNode *n)
{
        g_autoptr(GString) a = g_string_new(NULL);
        g_autofree char *name = n->ns && n->ns->prefix
                                        ? g_strdup_printf("%s:%s", n->ns->prefix, n->name)
                                        : g_strdup((const char *)n->name);
        gboolean elements = FALSE;
        g_autofree char *text = NULL;

        for (xmlNs *ns = n->nsDef; ns; ns = ns->next) {
                g_autofree char *attr =
                        ns->prefix ? g_strdup_printf("xmlns:%s", ns->prefix) : g_strdup("xmlns");

                conf_attr_add(a, attr, (const char *)ns->href);
        }
        for (xmlAttr *at = n->properties; at; at = at->next) {
                xmlChar *v = xmlNodeListGetString(n->doc, at->children, 1);
                g_autofree char *attr = at->ns && at->ns->prefix
                                                ? g_strdup_printf("%s:%s", at->ns->prefix, at->name)
                                                : g_strdup((const char *)at->name);

                conf_attr_add(a, attr, v ? (const char *)v : "");
                xmlFree(v);
        }
        for (xmlNode *c = n->children; c; c = c->next)
                elements |= c->type == XML_ELEMENT_NODE;
        if (!elements) {
                xmlChar *t = xmlNodeGetContent(n);

                text = t && *t ? g_markup_escape_text((const char *)t, -1) : NULL;
                xmlFree(t);
                if (text)
                        conf_buf_add_raw(b, "<%s%s>%s</%s>", name, a->str, text, name);
                else
                        conf_buf_add_raw(b, "<%s%s/>", name, a->str);
                return;
        }
        conf_buf_add_raw(b, "<%s%s>", name, a->str);
        b->indent++;
        for (xmlNode *c = n->children; c; c = c->next)
                if (c->type == XML_ELEMENT_NODE)
                        domain_write_node(b, c);
        domain_close(b, name);
}

static void domain_kept(conf_buf *b, const char *xml)
{
        xmlDoc *doc;

        if (!xml)
                return;
        doc = xmlReadMemory(xml, (int)strlen(xml), NULL, "UTF-8",
                            XML_PARSE_NONET | XML_PARSE_NOBLANKS);
        if (doc && xmlDocGetRootElement(doc))
                domain_write_node(b, xmlDocGetRootElement(doc));
        else
                conf_buf_verbatim(b, xml);
        xmlFreeDoc(doc);
}

static void domain_boot_order(conf_buf *b, unsigned int order)
{
        if (order)
                conf_buf_add(b, "<boot order='%u'/>", order);
}

/* ---- disks ---- */

static void domain_format_source(conf_buf *b, domain_disk_type type, const char *path)
{
        conf_buf_add(b, "<source %s='%s'/>", type == DOMAIN_DISK_BLOCK ? "dev" : "file", path);
}

static void domain_format_backing(conf_buf *b, const domain_backing *bs)
{
        if (!bs)
                return;
        if (bs->empty) {
                conf_buf_add(b, "<backingStore/>");
                return;
        }
        conf_buf_push(b, "<backingStore type='%s'>", domain_disk_type_names[bs->type]);
        if (bs->format)
                conf_buf_add(b, "<format type='%s'/>", domain_disk_format_names[bs->format]);
        if (bs->path)
                domain_format_source(b, bs->type, bs->path);
        domain_format_backing(b, bs->next);
        conf_buf_pop(b, "</backingStore>");
}

static void domain_format_disk_driver(conf_buf *b, const domain_disk *disk)
{
        g_autoptr(GString) a = g_string_new(NULL);

        if (!disk->has_driver)
                return;
        conf_attr_add(a, "name", disk->driver_qemu ? "qemu" : NULL);
        conf_attr_add(a, "type", domain_str(domain_disk_format_names, disk->format));
        conf_attr_add(a, "cache", domain_str(domain_disk_cache_names, disk->cache));
        conf_attr_add(a, "io", domain_str(domain_disk_io_names, disk->io));
        conf_attr_add(a, "discard", domain_str(domain_disk_discard_names, disk->discard));
        conf_buf_add_raw(b, "<driver%s/>", a->str);
}

static void domain_format_disk(conf_buf *b, const domain_disk *disk)
{
        conf_buf_push(b, "<disk type='%s' device='%s'>", domain_disk_type_names[disk->type],
                      domain_disk_device_names[disk->device]);
        domain_format_disk_driver(b, disk);
        if (disk->type == DOMAIN_DISK_VOLUME && disk->pool)
                conf_buf_add(b, "<source pool='%s' volume='%s'/>", disk->pool, disk->volume);
        else if (disk->path)
                domain_format_source(b, disk->type, disk->path);
        domain_format_backing(b, disk->backing);
        if (disk->dst)
                conf_buf_add(b, "<target dev='%s' bus='%s'/>", disk->dst,
                             domain_disk_bus_names[disk->bus]);
        if (disk->readonly)
                conf_buf_add(b, "<readonly/>");
        if (disk->shareable)
                conf_buf_add(b, "<shareable/>");
        conf_buf_text_elem(b, "serial", disk->serial);
        domain_boot_order(b, disk->boot_order);
        domain_kept(b, disk->address);
        conf_buf_pop(b, "</disk>");
}

/* ---- controllers, interfaces ---- */

static void domain_format_controller(conf_buf *b, const domain_controller *c)
{
        g_autoptr(GString) a = g_string_new(NULL);

        conf_attr_add(a, "type", domain_controller_type_names[c->type]);
        if (c->index >= 0)
                conf_attr_addf(a, "index", "%d", c->index);
        conf_attr_add(a, "model", c->model);
        if (c->ports >= 0)
                conf_attr_addf(a, "ports", "%d", c->ports);
        if (c->vectors >= 0)
                conf_attr_addf(a, "vectors", "%d", c->vectors);
        if (!domain_open(b, "controller", a, c->children->len > 0))
                return;
        for (guint i = 0; i < c->children->len; i++)
                domain_kept(b, g_ptr_array_index(c->children, i));
        domain_close(b, "controller");
}

static void domain_format_net_source(conf_buf *b, const domain_net *n)
{
        g_autoptr(GString) a = g_string_new(NULL);

        switch (n->type) {
        case DOMAIN_NET_NETWORK:
                conf_attr_add(a, "network", n->network);
                break;
        case DOMAIN_NET_BRIDGE:
                conf_attr_add(a, "bridge", n->bridge);
                break;
        case DOMAIN_NET_DIRECT:
                conf_attr_add(a, "dev", n->dev);
                conf_attr_add(a, "mode", domain_str(domain_macvtap_mode_names, n->mode));
                break;
        default:
                return;
        }
        conf_buf_add_raw(b, "<source%s/>", a->str);
}

static void domain_format_net(conf_buf *b, const domain_net *n)
{
        const unsigned char *m = n->mac;

        conf_buf_push(b, "<interface type='%s'>", domain_net_type_names[n->type]);
        conf_buf_add_raw(b, "<mac address='%02x:%02x:%02x:%02x:%02x:%02x'/>", m[0], m[1], m[2],
                         m[3], m[4], m[5]);
        domain_format_net_source(b, n);
        if (n->target_dev)
                conf_buf_add(b, "<target dev='%s'/>", n->target_dev);
        if (n->model)
                conf_buf_add(b, "<model type='%s'/>", domain_net_model_names[n->model]);
        if (n->link_up)
                conf_buf_add(b, "<link state='%s'/>", n->link_up == DOMAIN_TRI_YES ? "up" : "down");
        domain_boot_order(b, n->boot_order);
        domain_kept(b, n->address);
        conf_buf_pop(b, "</interface>");
}

/* ---- character devices, inputs ---- */

static void domain_format_chr_target(conf_buf *b, const domain_chr *c)
{
        g_autoptr(GString) a = g_string_new(NULL);

        conf_attr_add(a, "type", domain_str(domain_chr_target_names, c->target_type));
        conf_attr_add(a, "name", c->target_name);
        if (c->target_port >= 0)
                conf_attr_addf(a, "port", "%d", c->target_port);
        if (!a->len && !c->target_model)
                return;
        if (!domain_open(b, "target", a, c->target_model != NULL))
                return;
        conf_buf_add(b, "<model name='%s'/>", c->target_model);
        domain_close(b, "target");
}

static void domain_format_chr(conf_buf *b, const char *name, const domain_chr *c)
{
        g_autoptr(GString) a = g_string_new(NULL);
        gboolean children = c->has_source || c->target_type || c->target_port >= 0 ||
                            c->target_name || c->target_model || c->address;

        conf_attr_add(a, "type", domain_chr_type_names[c->type]);
        if (!domain_open(b, name, a, children))
                return;
        if (c->has_source) {
                g_string_truncate(a, 0);
                conf_attr_add(a, "mode", domain_str(domain_chr_mode_names, c->mode));
                conf_attr_add(a, "path", c->path);
                conf_buf_add_raw(b, "<source%s/>", a->str);
        }
        domain_format_chr_target(b, c);
        domain_kept(b, c->address);
        domain_close(b, name);
}

static void domain_format_input(conf_buf *b, const domain_input *in)
{
        g_autoptr(GString) a = g_string_new(NULL);

        conf_attr_add(a, "type", domain_input_type_names[in->type]);
        conf_attr_add(a, "bus", domain_str(domain_input_bus_names, in->bus));
        if (!domain_open(b, "input", a, in->address != NULL))
                return;
        domain_kept(b, in->address);
        domain_close(b, "input");
}

/* ---- graphics, video, sound ---- */

static void domain_format_listen(conf_buf *b, const domain_listen *l)
{
        g_autoptr(GString) a = g_string_new(NULL);

        conf_attr_add(a, "type", domain_listen_type_names[l->type]);
        conf_attr_add(a, "address", l->address);
        conf_attr_add(a, "network", l->network);
        conf_buf_add_raw(b, "<listen%s/>", a->str);
}

static void domain_format_graphics(conf_buf *b, const domain_graphics *g)
{
        g_autoptr(GString) a = g_string_new(NULL);

        conf_attr_add(a, "type", domain_graphics_type_names[g->type]);
        if (g->has_port)
                conf_attr_addf(a, "port", "%d", g->port);
        if (g->has_tls_port)
                conf_attr_addf(a, "tlsPort", "%d", g->tls_port);
        conf_attr_add(a, "autoport", domain_tristate_yesno(g->autoport));
        conf_attr_add(a, "listen", g->listen);
        conf_attr_add(a, "keymap", g->keymap);
        if (!domain_open(b, "graphics", a, g->listens->len + g->extra->len > 0))
                return;
        for (guint i = 0; i < g->listens->len; i++)
                domain_format_listen(b, g_ptr_array_index(g->listens, i));
        for (guint i = 0; i < g->extra->len; i++)
                domain_kept(b, g_ptr_array_index(g->extra, i));
        domain_close(b, "graphics");
}

static void domain_format_video(conf_buf *b, const domain_video *v)
{
        g_autoptr(GString) a = g_string_new(NULL);

        if (!v->model && !v->address) {
                conf_buf_add(b, "<video/>");
                return;
        }
        conf_buf_push(b, "<video>");
        if (v->model) {
                conf_attr_add(a, "type", domain_video_model_names[v->model]);
                if (v->ram)
                        conf_attr_addf(a, "ram", "%u", v->ram);
                if (v->vram)
                        conf_attr_addf(a, "vram", "%u", v->vram);
                if (v->vgamem)
                        conf_attr_addf(a, "vgamem", "%u", v->vgamem);
                if (v->heads)
                        conf_attr_addf(a, "heads", "%u", v->heads);
                conf_attr_add(a, "primary", v->primary ? "yes" : NULL);
                if (domain_open(b, "model", a, v->acceleration != NULL)) {
                        domain_kept(b, v->acceleration);
                        domain_close(b, "model");
                }
        }
        domain_kept(b, v->address);
        conf_buf_pop(b, "</video>");
}

/* <name attr='value'/> or with only an <address> inside. */
static void domain_format_simple(conf_buf *b, const char *name, const char *attrs,
                                 const char *address)
{
        if (!address) {
                conf_buf_add_raw(b, "<%s %s/>", name, attrs);
                return;
        }
        conf_buf_add_raw(b, "<%s %s>", name, attrs);
        b->indent++;
        domain_kept(b, address);
        domain_close(b, name);
}

static void domain_format_rng(conf_buf *b, const domain_rng *r)
{
        conf_buf_push(b, "<rng model='virtio'>");
        if (r->path)
                conf_buf_add(b, "<backend model='random'>%s</backend>", r->path);
        else
                conf_buf_add(b, "<backend model='random'/>");
        domain_kept(b, r->address);
        conf_buf_pop(b, "</rng>");
}

static void domain_format_misc(conf_buf *b, const domain_devices *d)
{
        g_autofree char *attrs = NULL;

        for (guint i = 0; i < d->redirdevs->len; i++) {
                const domain_redirdev *r = g_ptr_array_index(d->redirdevs, i);

                domain_format_simple(b, "redirdev", "bus='usb' type='spicevmc'", r->address);
        }
        if (d->watchdog) {
                const char *action = domain_str(domain_watchdog_action_names, d->watchdog->action);

                attrs = action ? g_strdup_printf("model='%s' action='%s'",
                                                 domain_watchdog_model_names[d->watchdog->model],
                                                 action)
                               : g_strdup_printf("model='%s'",
                                                 domain_watchdog_model_names[d->watchdog->model]);
                domain_format_simple(b, "watchdog", attrs, d->watchdog->address);
                g_clear_pointer(&attrs, g_free);
        }
        if (d->memballoon) {
                attrs = g_strdup_printf("model='%s'",
                                        domain_balloon_model_names[d->memballoon->model]);
                domain_format_simple(b, "memballoon", attrs, d->memballoon->address);
        }
        for (guint i = 0; i < d->rngs->len; i++)
                domain_format_rng(b, g_ptr_array_index(d->rngs, i));
}

#define DOMAIN_EACH(array, type, var)                                                              \
        for (guint var##_i = 0; var##_i < (array)->len; var##_i++)                                 \
                for (const type *var = g_ptr_array_index((array), var##_i); var; var = NULL)

void domain_devices_format(conf_buf *b, const domain_devices *d)
{
        conf_buf_push(b, "<devices>");
        conf_buf_text_elem(b, "emulator", d->emulator);
        DOMAIN_EACH(d->disks, domain_disk, disk) domain_format_disk(b, disk);
        DOMAIN_EACH(d->controllers, domain_controller, c) domain_format_controller(b, c);
        DOMAIN_EACH(d->nets, domain_net, n) domain_format_net(b, n);
        DOMAIN_EACH(d->serials, domain_chr, c) domain_format_chr(b, "serial", c);
        DOMAIN_EACH(d->consoles, domain_chr, c) domain_format_chr(b, "console", c);
        DOMAIN_EACH(d->channels, domain_chr, c) domain_format_chr(b, "channel", c);
        DOMAIN_EACH(d->inputs, domain_input, in) domain_format_input(b, in);
        DOMAIN_EACH(d->tpms, char, tpm) domain_kept(b, tpm);
        DOMAIN_EACH(d->graphics, domain_graphics, g) domain_format_graphics(b, g);
        DOMAIN_EACH(d->sounds, domain_sound, s)
        {
                g_autofree char *attrs =
                        g_strdup_printf("model='%s'", domain_sound_model_names[s->model]);

                domain_format_simple(b, "sound", attrs, s->address);
        }
        DOMAIN_EACH(d->videos, domain_video, v) domain_format_video(b, v);
        domain_format_misc(b, d);
        conf_buf_pop(b, "</devices>");
}
