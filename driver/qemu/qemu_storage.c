/* Disks of type 'volume': resolved to their file, format and backing image
 * through the storage driver when a guest starts, and refused while another
 * running guest writes to the same volume. */
#include "config.h"

#include "driver/qemu/qemu_storage.h"
#include "driver/storage/storage_driver.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <string.h>

/* The file a disk of a running guest writes to, or NULL (read-only, shared,
 * no media); volume disks of guests started before a restart of vctld are
 * resolved again. */
static char *qemu_storage_rw_path(const domain_disk *disk)
{
        storage_vol_source src = {0};
        char *path;

        if (disk->readonly || disk->shareable || disk->device == DOMAIN_DISK_DEVICE_CDROM)
                return NULL;
        if (disk->path)
                return g_strdup(disk->path);
        if (disk->type != DOMAIN_DISK_VOLUME || !disk->pool || !disk->volume ||
            storage_vol_resolve(disk->pool, disk->volume, &src) < 0) {
                vctl_error_clear();
                return NULL;
        }
        path = g_steal_pointer(&src.path);
        storage_vol_source_clear(&src);
        return path;
}

static int qemu_storage_check_in_use(domain_list *domains, const char *self,
                                     const domain_disk *disk)
{
        g_autoptr(GPtrArray) objs = domain_list_objects_locked(domains);

        if (disk->readonly || disk->shareable)
                return 0;
        for (guint i = 0; i < objs->len; i++) {
                const domain_obj *obj = g_ptr_array_index(objs, i);

                if (!domain_obj_is_active(obj) || !obj->live || strcmp(obj->name, self) == 0)
                        continue;
                for (guint j = 0; j < obj->live->devices.disks->len; j++) {
                        g_autofree char *other = qemu_storage_rw_path(
                                g_ptr_array_index(obj->live->devices.disks, j));

                        if (other && strcmp(other, disk->path) == 0)
                                return vctl_error_set(
                                        VCTL_ERR_OPERATION_INVALID, VCTL_FROM_QEMU,
                                        _("domain '%s': disk '%s': volume '%s' of pool '%s' is in "
                                          "use read-write by running domain '%s' (make the disk "
                                          "<readonly/> or <shareable/>, or stop '%s')"),
                                        self, disk->dst, disk->volume, disk->pool, obj->name,
                                        obj->name);
                }
        }
        return 0;
}

int qemu_storage_prepare_locked(domain_list *domains, domain_def *live)
{
        for (guint i = 0; i < live->devices.disks->len; i++) {
                domain_disk *disk = g_ptr_array_index(live->devices.disks, i);
                storage_vol_source src = {0};
                domain_disk_format fmt;

                if (disk->type != DOMAIN_DISK_VOLUME)
                        continue;
                if (storage_vol_resolve(disk->pool, disk->volume, &src) < 0) {
                        g_autofree char *why = g_strdup(vctl_error_message());

                        return vctl_error_set(vctl_error_last() ? vctl_error_last()->code
                                                                : VCTL_ERR_NO_STORAGE_VOL,
                                              VCTL_FROM_QEMU,
                                              _("domain '%s': disk '%s': cannot use volume '%s' "
                                                "of pool '%s': %s"),
                                              live->name, disk->dst, disk->volume, disk->pool, why);
                }
                fmt = src.format == VOL_FORMAT_QCOW2 ? DOMAIN_DISK_FORMAT_QCOW2
                                                     : DOMAIN_DISK_FORMAT_RAW;
                /* the volume's recorded format wins over a guess; a mismatch is refused */
                if (disk->format != DOMAIN_DISK_FORMAT_NONE && disk->format != fmt) {
                        storage_vol_source_clear(&src);
                        return vctl_error_set(
                                VCTL_ERR_CONFIG_UNSUPPORTED, VCTL_FROM_QEMU,
                                _("domain '%s': disk '%s' says format '%s' but "
                                  "volume '%s' of pool '%s' is %s"),
                                live->name, disk->dst,
                                domain_enum_name(domain_disk_format_names, disk->format),
                                disk->volume, disk->pool, vol_format_name(src.format));
                }
                disk->format = fmt;
                g_free(disk->path);
                disk->path = g_steal_pointer(&src.path);
                if (src.backing_path && !disk->backing) {
                        /* explicit backing format: QEMU never probes the base */
                        disk->backing = g_new0(domain_backing, 1);
                        disk->backing->type = DOMAIN_DISK_FILE;
                        disk->backing->format = src.backing_format == VOL_FORMAT_QCOW2
                                                        ? DOMAIN_DISK_FORMAT_QCOW2
                                                        : DOMAIN_DISK_FORMAT_RAW;
                        disk->backing->path = g_steal_pointer(&src.backing_path);
                }
                storage_vol_source_clear(&src);
                if (qemu_storage_check_in_use(domains, live->name, disk) < 0)
                        return -1;
        }
        return 0;
}
