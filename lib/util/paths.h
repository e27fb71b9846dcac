/* Where vctl keeps things, in system and session mode, under an optional
 * --root prefix (so tests run a whole system-mode daemon in a temp dir). */
#pragma once

#include <glib.h>

typedef struct vctl_paths {
        gboolean system;      /* the root daemon (qemu:///system) or a session one */
        char *root;           /* the --root prefix; "" when none */
        char *config_dir;     /* /etc/vctl            | $XDG_CONFIG_HOME/vctl */
        char *run_dir;        /* /run/vctl            | $XDG_RUNTIME_DIR/vctl */
        char *log_dir;        /* /var/log/vctl        | $XDG_CACHE_HOME/vctl/log */
        char *state_dir;      /* /var/lib/vctl        | $XDG_DATA_HOME/vctl */
        char *images_dir;     /* /var/lib/vctl/images | $XDG_DATA_HOME/vctl/images */
        char *socket_path;    /* run_dir/vctld-sock */
        char *socket_ro_path; /* run_dir/vctld-sock-ro */
        char *config_file;    /* config_dir/vctld.conf */
} vctl_paths;

/* root may be NULL. Session paths follow the XDG base directories. */
vctl_paths *vctl_paths_new(gboolean system, const char *root);
void vctl_paths_free(vctl_paths *paths); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vctl_paths, vctl_paths_free)
