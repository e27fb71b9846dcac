/* The QEMU driver's persistent domains on disk: CONFIG_DIR/qemu/NAME.xml
 * (mode 0600, written atomically) and autostart links
 * CONFIG_DIR/qemu/autostart/NAME.xml -> ../NAME.xml. */
#pragma once

#include "conf/domain_conf.h"
#include "driver/domain_list.h"

typedef struct qemu_store {
        char *dir;           /* CONFIG_DIR/qemu */
        char *autostart_dir; /* CONFIG_DIR/qemu/autostart */
} qemu_store;

qemu_store *qemu_store_new(const char *config_dir);
void qemu_store_free(qemu_store *store); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemu_store, qemu_store_free)

char *qemu_store_def_path(const qemu_store *store, const char *name);
char *qemu_store_autostart_path(const qemu_store *store, const char *name);

/* Parses one stored definition; check refuses a definition the driver cannot
 * run (returns -1 with the last error set), may be NULL. */
typedef int (*qemu_store_check_fn)(const domain_def *def);

/* Adds every NAME.xml of the store to list (lock held by the caller) as a
 * shut-off persistent domain with its autostart flag. A file that cannot be
 * read or parsed, fails check, names another domain than its file name, or
 * collides with a domain already loaded is logged and skipped. Returns the
 * number loaded, or -errno when the directory cannot be read. */
int qemu_store_load_locked(const qemu_store *store, domain_list *list, qemu_store_check_fn check);

/* Writes def to NAME.xml atomically (creating the directory). 0 or -errno. */
int qemu_store_save(const qemu_store *store, const domain_def *def);

/* Removes NAME.xml and its autostart link (missing ones are fine). */
int qemu_store_delete(const qemu_store *store, const char *name);

/* Creates or removes the autostart link. 0 or -errno. */
int qemu_store_set_autostart(const qemu_store *store, const char *name, gboolean autostart);
gboolean qemu_store_get_autostart(const qemu_store *store, const char *name);
