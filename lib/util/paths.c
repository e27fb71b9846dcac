#include "config.h"

#include "paths.h"

#include <string.h>

static char *under(const char *root, const char *path)
{
        return g_strconcat(root, path, NULL);
}

vctl_paths *vctl_paths_new(gboolean system, const char *root)
{
        vctl_paths *p = g_new0(vctl_paths, 1);
        g_autofree char *r = g_strdup(root ? root : "");

        /* "/tmp/x/" and "/tmp/x" are the same prefix */
        while (*r && g_str_has_suffix(r, "/"))
                r[strlen(r) - 1] = '\0';
        p->system = system;
        p->root = g_strdup(r);
        if (system) {
                p->config_dir = under(r, "/etc/vctl");
                p->run_dir = under(r, "/run/vctl");
                p->log_dir = under(r, "/var/log/vctl");
                p->state_dir = under(r, "/var/lib/vctl");
        } else {
                g_autofree char *cfg = g_build_filename(g_get_user_config_dir(), "vctl", NULL);
                g_autofree char *run = g_build_filename(g_get_user_runtime_dir(), "vctl", NULL);
                g_autofree char *log = g_build_filename(g_get_user_cache_dir(), "vctl", "log", NULL);
                g_autofree char *data = g_build_filename(g_get_user_data_dir(), "vctl", NULL);

                p->config_dir = under(r, cfg);
                p->run_dir = under(r, run);
                p->log_dir = under(r, log);
                p->state_dir = under(r, data);
        }
        p->images_dir = g_build_filename(p->state_dir, "images", NULL);
        p->socket_path = g_build_filename(p->run_dir, "vctld-sock", NULL);
        p->socket_ro_path = g_build_filename(p->run_dir, "vctld-sock-ro", NULL);
        p->config_file = g_build_filename(p->config_dir, "vctld.conf", NULL);
        return p;
}

void vctl_paths_free(vctl_paths *p)
{
        if (!p)
                return;
        g_free(p->root);
        g_free(p->config_dir);
        g_free(p->run_dir);
        g_free(p->log_dir);
        g_free(p->state_dir);
        g_free(p->images_dir);
        g_free(p->socket_path);
        g_free(p->socket_ro_path);
        g_free(p->config_file);
        g_free(p);
}
