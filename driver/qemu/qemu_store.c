/* The QEMU driver's persistent domains on disk. */
#include "config.h"

#include "driver/qemu/qemu_store.h"
#include "conf/xml.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* definitions hold names of guests and paths of their disks: root only */
#define QEMU_STORE_DIR_MODE  0700
#define QEMU_STORE_FILE_MODE 0600

qemu_store *qemu_store_new(const char *config_dir)
{
        qemu_store *store = g_new0(qemu_store, 1);

        store->dir = g_build_filename(config_dir, "qemu", NULL);
        store->autostart_dir = g_build_filename(store->dir, "autostart", NULL);
        return store;
}

void qemu_store_free(qemu_store *store)
{
        if (!store)
                return;
        g_free(store->dir);
        g_free(store->autostart_dir);
        g_free(store);
}

static char *qemu_store_file_name(const char *name)
{
        return g_strconcat(name, ".xml", NULL);
}

char *qemu_store_def_path(const qemu_store *store, const char *name)
{
        g_autofree char *file = qemu_store_file_name(name);

        return g_build_filename(store->dir, file, NULL);
}

char *qemu_store_autostart_path(const qemu_store *store, const char *name)
{
        g_autofree char *file = qemu_store_file_name(name);

        return g_build_filename(store->autostart_dir, file, NULL);
}

gboolean qemu_store_get_autostart(const qemu_store *store, const char *name)
{
        g_autofree char *link = qemu_store_autostart_path(store, name);
        struct stat st;

        return lstat(link, &st) == 0;
}

/* One NAME.xml: a new definition, or NULL after logging why not. */
static domain_def *qemu_store_read(const qemu_store *store, const char *file,
                                   qemu_store_check_fn check)
{
        g_autofree char *path = g_build_filename(store->dir, file, NULL);
        g_autofree char *want = g_strndup(file, strlen(file) - strlen(".xml"));
        g_autofree char *xml = NULL;
        g_autoptr(domain_def) def = NULL;
        size_t len;

        if (vctl_file_read_bounded(path, CONF_XML_MAX_SIZE, &xml, &len) < 0) {
                log_warning(_("skipping domain definition '%s': %s"), path, vctl_error_message());
                return NULL;
        }
        def = domain_def_parse(xml, len, NULL);
        if (!def) {
                log_warning(_("skipping domain definition '%s': %s"), path, vctl_error_message());
                return NULL;
        }
        if (!g_str_equal(def->name, want)) {
                log_warning(
                        _("skipping domain definition '%s': it defines domain '%s', but the file "
                          "of that domain would be '%s.xml' (rename the file or fix <name>)"),
                        path, def->name, def->name);
                return NULL;
        }
        if (check && check(def) < 0) {
                log_warning(_("skipping domain definition '%s': %s"), path, vctl_error_message());
                return NULL;
        }
        return g_steal_pointer(&def);
}

static gint qemu_store_cmp(gconstpointer a, gconstpointer b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int qemu_store_load_locked(const qemu_store *store, domain_list *list, qemu_store_check_fn check)
{
        g_autoptr(GError) err = NULL;
        g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
        GDir *dir;
        const char *file;
        int loaded = 0;

        dir = g_dir_open(store->dir, 0, &err);
        if (!dir) {
                if (g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
                        return 0;
                return vctl_error_set(VCTL_ERR_READ_FAILED, VCTL_FROM_QEMU,
                                      _("cannot read the domain definitions in '%s': %s"),
                                      store->dir, err->message);
        }
        while ((file = g_dir_read_name(dir)))
                /* temp files of interrupted writes (".NAME.xml.XXXXXX") do not end in
                 * ".xml"; a leading dot is a valid domain name */
                if (g_str_has_suffix(file, ".xml") && strlen(file) > strlen(".xml"))
                        g_ptr_array_add(files, g_strdup(file));
        g_dir_close(dir);
        /* a stable order makes collisions resolve the same way every start */
        g_ptr_array_sort(files, qemu_store_cmp);

        for (guint i = 0; i < files->len; i++) {
                const char *f = g_ptr_array_index(files, i);
                g_autoptr(domain_def) def = qemu_store_read(store, f, check);
                domain_obj *obj;

                if (!def)
                        continue;
                obj = domain_list_add_locked(list, &def, 0, NULL);
                if (!obj) {
                        log_warning(_("skipping domain definition '%s/%s': %s"), store->dir, f,
                                    vctl_error_message());
                        continue;
                }
                obj->autostart = qemu_store_get_autostart(store, obj->name);
                loaded++;
        }
        return loaded;
}

int qemu_store_save(const qemu_store *store, const domain_def *def)
{
        g_autofree char *path = qemu_store_def_path(store, def->name);
        g_autofree char *xml = NULL;
        int r;

        r = vctl_mkdir_p(store->dir, QEMU_STORE_DIR_MODE);
        if (r < 0)
                return r;
        xml = domain_def_format(def);
        if (!xml)
                return vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_QEMU,
                                      _("cannot format the definition of domain '%s'"), def->name);
        return vctl_file_write_atomic(path, xml, strlen(xml), QEMU_STORE_FILE_MODE);
}

static int qemu_store_unlink(const char *path, const char *what, const char *name)
{
        if (unlink(path) < 0 && errno != ENOENT)
                return vctl_error_set_errno(
                        errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                        /* TRANSLATORS: %s is "definition" or "autostart link" */
                        _("cannot remove the %s of domain '%s' ('%s')"), what, name, path);
        return 0;
}

int qemu_store_delete(const qemu_store *store, const char *name)
{
        g_autofree char *path = qemu_store_def_path(store, name);
        g_autofree char *link = qemu_store_autostart_path(store, name);
        int r;

        /* the link first: a dangling autostart link would outlive the definition */
        r = qemu_store_unlink(link, _("autostart link"), name);
        if (r < 0)
                return r;
        return qemu_store_unlink(path, _("definition"), name);
}

int qemu_store_set_autostart(const qemu_store *store, const char *name, gboolean autostart)
{
        g_autofree char *link = qemu_store_autostart_path(store, name);
        g_autofree char *file = qemu_store_file_name(name);
        g_autofree char *target = g_build_filename("..", file, NULL);
        int r;

        if (!autostart)
                return qemu_store_unlink(link, _("autostart link"), name);
        r = vctl_mkdir_p(store->autostart_dir, QEMU_STORE_DIR_MODE);
        if (r < 0)
                return r;
        if (symlink(target, link) < 0) {
                g_autofree char *old = NULL;

                if (errno != EEXIST)
                        return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                                    _("cannot create the autostart link '%s' of "
                                                      "domain '%s'"),
                                                    link, name);
                old = g_file_read_link(link, NULL);
                if (old && g_str_equal(old, target))
                        return 0;
                /* something else is in the way: replace it */
                if (unlink(link) < 0 || symlink(target, link) < 0)
                        return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                                    _("cannot replace '%s' with the autostart link "
                                                      "of domain '%s'"),
                                                    link, name);
        }
        return 0;
}
