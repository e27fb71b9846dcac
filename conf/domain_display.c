/* Domain devices with no storage or network side: graphics, video, sound,
 * redirdev, watchdog, memballoon and rng. */
#include "config.h"

#include "domain_priv.h"
#include "lib/util/i18n.h"

#include <string.h>

const char *const domain_graphics_type_names[] = {"vnc", "spice", NULL};
const char *const domain_listen_type_names[] = {"address", "network", "none", NULL};
const char *const domain_video_model_names[] = {"",      "vga",   "cirrus", "qxl", "virtio",
                                                "bochs", "ramfb", "none",   NULL};
const char *const domain_sound_model_names[] = {"sb16", "es1370", "pcspk", "ac97", "ich6",
                                                "ich9", "usb",    "ich7",  NULL};
const char *const domain_balloon_model_names[] = {"virtio", "none", NULL};
const char *const domain_watchdog_model_names[] = {"i6300esb", "ib700", "diag288", NULL};
const char *const domain_watchdog_action_names[] = {
        "", "reset", "shutdown", "poweroff", "pause", "none", "dump", "inject-nmi", NULL};

static const char *const domain_rng_model_names[] = {"virtio", NULL};
static const char *const domain_rng_backend_names[] = {"random", NULL};
static const char *const domain_redirdev_bus_names[] = {"usb", NULL};
static const char *const domain_redirdev_type_names[] = {"spicevmc", NULL};
/* spice children kept verbatim, in libvirt's order */
static const char *const domain_spice_children[] = {
        "image",     "jpeg",  "zlib",         "playback", "streaming",
        "clipboard", "mouse", "filetransfer", "gl",       NULL};

/* ---- lifetime ---- */

static void domain_listen_free(domain_listen *l)
{
        if (!l)
                return;
        g_free(l->address);
        g_free(l->network);
        g_free(l);
}

void domain_graphics_free(domain_graphics *g)
{
        if (!g)
                return;
        g_free(g->listen);
        g_free(g->keymap);
        g_ptr_array_unref(g->listens);
        g_ptr_array_unref(g->extra);
        g_free(g);
}

void domain_video_free(domain_video *v)
{
        if (!v)
                return;
        g_free(v->acceleration);
        g_free(v->address);
        g_free(v);
}

void domain_sound_free(domain_sound *s)
{
        if (!s)
                return;
        g_free(s->address);
        g_free(s);
}

void domain_rng_free(domain_rng *r)
{
        if (!r)
                return;
        g_free(r->path);
        g_free(r->address);
        g_free(r);
}

void domain_redirdev_free(domain_redirdev *r)
{
        if (!r)
                return;
        g_free(r->address);
        g_free(r);
}

void domain_watchdog_free(domain_watchdog *w)
{
        if (!w)
                return;
        g_free(w->address);
        g_free(w);
}

void domain_memballoon_free(domain_memballoon *m)
{
        if (!m)
                return;
        g_free(m->address);
        g_free(m);
}

/* ---- graphics ---- */

static domain_listen *domain_listen_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_listen *l;
        int type = domain_attr_enum_req(ctx, node, "type", domain_listen_type_names);

        if (type < 0)
                return NULL;
        l = g_new0(domain_listen, 1);
        l->type = type;
        if (type == DOMAIN_LISTEN_ADDRESS)
                l->address = g_strdup(conf_attr(node, "address"));
        else if (type == DOMAIN_LISTEN_NETWORK)
                l->network = g_strdup(conf_attr_req(ctx, node, "network"));
        return l;
}

/* libvirt keeps the listen='' attribute and the first <listen> in step. */
static void domain_graphics_listens(conf_ctx *ctx, xmlNode *node, domain_graphics *g)
{
        const domain_listen *first;

        conf_foreach(n, node, "listen")
        {
                domain_listen *l = domain_listen_parse(ctx, n);

                if (l)
                        g_ptr_array_add(g->listens, l);
        }
        if (!g->listen)
                return;
        if (g->listens->len == 0) {
                domain_listen *l = g_new0(domain_listen, 1);

                l->type = DOMAIN_LISTEN_ADDRESS;
                l->address = g_strdup(g->listen);
                g_ptr_array_add(g->listens, l);
                return;
        }
        first = g_ptr_array_index(g->listens, 0);
        if (first->type != DOMAIN_LISTEN_ADDRESS || g_strcmp0(first->address, g->listen) != 0)
                conf_err(ctx, node,
                         _("graphics listen attribute '%s' does not match the first <listen> "
                           "(use the same address in both, or drop the attribute)"),
                         g->listen);
}

domain_graphics *domain_graphics_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_graphics *g;
        int type = domain_attr_enum_req(ctx, node, "type", domain_graphics_type_names);

        if (type < 0)
                return NULL;
        g = g_new0(domain_graphics, 1);
        g->type = type;
        g->listens = g_ptr_array_new_with_free_func((GDestroyNotify)domain_listen_free);
        g->extra = g_ptr_array_new_with_free_func(g_free);
        g->has_port = domain_attr_int(ctx, node, "port", -1, 65535, &g->port);
        if (type == DOMAIN_GRAPHICS_SPICE)
                g->has_tls_port = domain_attr_int(ctx, node, "tlsPort", -1, 65535, &g->tls_port);
        g->autoport = domain_attr_tristate(ctx, node, "autoport");
        g->listen = g_strdup(conf_attr(node, "listen"));
        g->keymap = g_strdup(conf_attr(node, "keymap"));
        domain_graphics_listens(ctx, node, g);
        if (type != DOMAIN_GRAPHICS_SPICE)
                return g;
        for (int i = 0; domain_spice_children[i]; i++) {
                xmlNode *c = conf_child(ctx, node, domain_spice_children[i], TRUE);

                if (c)
                        g_ptr_array_add(g->extra, domain_verbatim(c));
        }
        return g;
}

/* ---- video, sound ---- */

domain_video *domain_video_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_video *v = g_new0(domain_video, 1);
        xmlNode *m = conf_child(ctx, node, "model", TRUE);

        v->address = domain_address_parse(ctx, node);
        if (!m)
                return v;
        {
                int model = domain_attr_enum_req(ctx, m, "type", domain_video_model_names);
                xmlNode *accel;

                v->model = model < 0 ? 0 : model;
                domain_attr_uint(ctx, m, "vram", G_MAXINT32, &v->vram);
                domain_attr_uint(ctx, m, "ram", G_MAXINT32, &v->ram);
                domain_attr_uint(ctx, m, "vgamem", G_MAXINT32, &v->vgamem);
                domain_attr_uint(ctx, m, "heads", 16, &v->heads);
                if (domain_attr_tristate(ctx, m, "primary") == DOMAIN_TRI_NO)
                        conf_err(ctx, m, _("attribute 'primary' of <model> can only be 'yes'"));
                else
                        v->primary = conf_attr(m, "primary") != NULL;
                accel = conf_child(ctx, m, "acceleration", TRUE);
                if (accel)
                        v->acceleration = domain_verbatim(accel);
        }
        return v;
}

domain_sound *domain_sound_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_sound *s;
        int model = domain_attr_enum_req(ctx, node, "model", domain_sound_model_names);

        if (model < 0)
                return NULL;
        s = g_new0(domain_sound, 1);
        s->model = model;
        s->address = domain_address_parse(ctx, node);
        return s;
}

/* ---- redirdev, watchdog, memballoon, rng ---- */

domain_redirdev *domain_redirdev_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_redirdev *r;
        int bus = domain_attr_enum_req(ctx, node, "bus", domain_redirdev_bus_names);
        int type = domain_attr_enum_req(ctx, node, "type", domain_redirdev_type_names);

        if (bus < 0 || type < 0)
                return NULL;
        r = g_new0(domain_redirdev, 1);
        r->address = domain_address_parse(ctx, node);
        return r;
}

domain_watchdog *domain_watchdog_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_watchdog *w;
        int model = domain_attr_enum_req(ctx, node, "model", domain_watchdog_model_names);
        int action = conf_attr_enum(ctx, node, "action", domain_watchdog_action_names, 0);

        if (model < 0 || action < 0)
                return NULL;
        w = g_new0(domain_watchdog, 1);
        w->model = model;
        w->action = action;
        w->address = domain_address_parse(ctx, node);
        return w;
}

domain_memballoon *domain_memballoon_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_memballoon *m;
        int model = domain_attr_enum_req(ctx, node, "model", domain_balloon_model_names);

        if (model < 0)
                return NULL;
        m = g_new0(domain_memballoon, 1);
        m->model = model;
        m->address = domain_address_parse(ctx, node);
        return m;
}

domain_rng *domain_rng_parse(conf_ctx *ctx, xmlNode *node)
{
        domain_rng *r;
        xmlNode *b;
        g_autofree char *path = NULL;

        if (domain_attr_enum_req(ctx, node, "model", domain_rng_model_names) < 0)
                return NULL;
        b = conf_child(ctx, node, "backend", TRUE);
        if (!b) {
                conf_err(ctx, node,
                         _("rng has no <backend> (add <backend "
                           "model='random'>/dev/urandom</backend>)"));
                return NULL;
        }
        if (domain_attr_enum_req(ctx, b, "model", domain_rng_backend_names) < 0)
                return NULL;
        path = conf_text(b);
        if (*path && strcmp(path, DOMAIN_RNG_PATH) != 0) {
                conf_err(ctx, b, _("rng backend '%s' is not allowed (only '%s' is supported)"),
                         path, DOMAIN_RNG_PATH);
                return NULL;
        }
        r = g_new0(domain_rng, 1);
        if (*path)
                r->path = g_steal_pointer(&path);
        r->address = domain_address_parse(ctx, node);
        return r;
}
