/* The kernel modules QEMU guests need (KVM, taps, bridges, vhost), loaded
 * once when the system daemon starts; a failure is a warning, never fatal:
 * guests still run with TCG and without the missing devices. */
#include "config.h"

#include "driver/qemu/qemu_driver.h"
#include "kmod/modules.h"
#include "lib/util/error.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

int qemu_modules_load(const char *root, const char *moddir, unsigned int flags, char ***ret_loaded)
{
        g_autoptr(kmod_modules_report) report = NULL;
        g_auto(GStrv) loaded = NULL;
        g_autofree char *names = NULL;
        gboolean dry = (flags & KMOD_MODULES_LOAD_DRY_RUN) != 0;
        int r;

        report = kmod_modules_query(root && *root ? root : NULL, moddir);
        r = kmod_modules_load_missing(report, flags, &loaded);
        if (r < 0) {
                log_warning(_("cannot load the kernel modules guests need: %s (guests may run "
                              "without KVM, taps or vhost-net)"),
                            vctl_error_message());
                vctl_error_clear();
                return r;
        }
        names = g_strjoinv(" ", loaded ? loaded : (char *[]){NULL});
        if (r > 0)
                log_info(dry ? _("kernel modules to load: %s") : _("kernel modules loaded: %s"),
                         names);
        else
                log_debug("kernel modules: none to load");
        if (ret_loaded)
                *ret_loaded = g_steal_pointer(&loaded);
        return r;
}
