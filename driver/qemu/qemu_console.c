/* Opening a QEMU guest's serial console: its pty, found in the live
 * definition, put in raw mode (as libvirt does), relayed to one client. */
#include "config.h"

#include "driver/qemu/qemu_console.h"

#include "driver/driver_priv.h"
#include "lib/util/error.h"
#include "lib/util/num.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* The character device dev_name names in def, and its canonical name
 * ("serial0" also for a console that is the same pty), or NULL with the
 * last error set. */
static const domain_chr *qemu_console_find(const domain_def *def, const char *dev_name,
                                           char **ret_name)
{
        const domain_chr *chr = NULL;
        GPtrArray *list = NULL;
        const char *kind = NULL;
        unsigned long long idx = 0;

        if (!dev_name) {
                if (def->devices.consoles && def->devices.consoles->len > 0) {
                        list = def->devices.consoles;
                        kind = "console";
                } else if (def->devices.serials && def->devices.serials->len > 0) {
                        list = def->devices.serials;
                        kind = "serial";
                }
        } else if (g_str_has_prefix(dev_name, "serial") &&
                   vctl_parse_ull(dev_name + strlen("serial"), G_MAXINT, &idx) == 0) {
                list = def->devices.serials;
                kind = "serial";
        } else if (g_str_has_prefix(dev_name, "console") &&
                   vctl_parse_ull(dev_name + strlen("console"), G_MAXINT, &idx) == 0) {
                list = def->devices.consoles;
                kind = "console";
        }
        if (list && idx < list->len)
                chr = g_ptr_array_index(list, idx);
        if (!chr) {
                if (dev_name)
                        vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_QEMU,
                                       _("domain '%s' has no console '%s'"), def->name, dev_name);
                else
                        vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_QEMU,
                                       _("domain '%s' has no console (add <serial type='pty'/> "
                                         "to its definition)"),
                                       def->name);
                return NULL;
        }
        *ret_name = g_strdup_printf("%s%llu", kind, idx);
        /* <console> usually stands for the first serial port: one device */
        if (chr->kind == DOMAIN_CHR_CONSOLE && chr->path && def->devices.serials) {
                for (guint i = 0; i < def->devices.serials->len; i++) {
                        const domain_chr *s = g_ptr_array_index(def->devices.serials, i);

                        if (s->path && g_str_equal(s->path, chr->path)) {
                                g_free(*ret_name);
                                *ret_name = g_strdup_printf("serial%u", i);
                                break;
                        }
                }
        }
        return chr;
}

static int qemu_console_open_chr(const domain_def *def, const domain_chr *chr, const char *name,
                                 int *ret_fd)
{
        struct termios tio;
        int fd;

        if (chr->type != DOMAIN_CHR_PTY)
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_QEMU,
                                      _("console '%s' of domain '%s' is of type '%s'; only a "
                                        "'pty' console can be opened"),
                                      name, def->name,
                                      domain_enum_name(domain_chr_type_names, chr->type));
        if (!chr->path || !*chr->path)
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_QEMU,
                                      _("console '%s' of domain '%s' has no pty yet (is the "
                                        "domain running?)"),
                                      name, def->name);
        fd = open(chr->path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_OPEN_FAILED, VCTL_FROM_QEMU,
                                            _("cannot open console '%s' of domain '%s' at '%s'"),
                                            name, def->name, chr->path);
        /* the guest sees every byte as typed; no echo or line editing here */
        if (tcgetattr(fd, &tio) < 0 || (cfmakeraw(&tio), tcsetattr(fd, TCSANOW, &tio)) < 0) {
                int e = errno;

                close(fd);
                return vctl_error_set_errno(e, VCTL_ERR_OPEN_FAILED, VCTL_FROM_QEMU,
                                            _("cannot put console '%s' of domain '%s' ('%s') in "
                                              "raw mode"),
                                            name, def->name, chr->path);
        }
        *ret_fd = fd;
        return 0;
}

int qemu_console_open(const domain_def *live, const char *dev_name, int *ret_fd)
{
        g_autofree char *name = NULL;
        const domain_chr *chr = qemu_console_find(live, dev_name, &name);

        if (!chr)
                return -1;
        return qemu_console_open_chr(live, chr, name, ret_fd);
}

int qemu_console_attach(drv_consoles *cs, const char *name, const unsigned char uuid[VCTL_UUID_LEN],
                        const domain_def *live, const char *dev_name, unsigned int flags,
                        int *ret_fd)
{
        g_autofree char *dev = NULL;
        const domain_chr *chr;
        int pty;

        if (drv_check_flags(flags, VCTL_DOMAIN_CONSOLE_FORCE | VCTL_DOMAIN_CONSOLE_SAFE,
                            _("opening a console")) < 0)
                return -1;
        chr = qemu_console_find(live, dev_name, &dev);
        if (!chr || qemu_console_open_chr(live, chr, dev, &pty) < 0)
                return -1;
        return drv_consoles_open(cs, name, uuid, dev, flags, drv_console_relay,
                                 GINT_TO_POINTER(pty), drv_console_relay_free, ret_fd);
}
