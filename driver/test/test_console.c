/* The test driver's console: no guest behind it, so a thread greets the
 * client with one line and echoes whatever it receives, which is enough to
 * test clients (vctl console, virsh console, the stream protocol). */
#include "config.h"

#include "driver/test/test_driver.h"

#include "driver/console.h"
#include "driver/driver_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TEST_CONSOLE_CHUNK 4096

static gboolean test_console_send(int fd, const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return FALSE;
                buf += n;
                len -= (size_t)n;
        }
        return TRUE;
}

/* opaque: the domain's name */
static void test_console_serve(int fd, void *opaque)
{
        g_autofree char *greeting =
                g_strdup_printf("test console of domain '%s'\r\n", (const char *)opaque);
        char buf[TEST_CONSOLE_CHUNK];

        if (!test_console_send(fd, greeting, strlen(greeting)))
                return;
        for (;;) {
                ssize_t n = recv(fd, buf, sizeof(buf), 0);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0 || !test_console_send(fd, buf, (size_t)n))
                        return;
        }
}

int test_driver_open_console(drv_conn *conn, const drv_domain *dom, const char *dev_name,
                             unsigned int flags, int *ret_fd)
{
        g_autofree char *name = NULL;
        unsigned char uuid[VCTL_UUID_LEN];
        domain_obj *obj;
        int r = -1;

        if (drv_check_flags(flags, VCTL_DOMAIN_CONSOLE_FORCE | VCTL_DOMAIN_CONSOLE_SAFE,
                            _("opening a console")) < 0)
                return -1;
        domain_list_lock(conn->st->domains);
        obj = domain_list_find_locked(conn->st->domains, dom);
        if (!obj || domain_obj_check_active(obj) < 0)
                goto out;
        /* one serial port, which is also the console */
        if (dev_name && !g_str_equal(dev_name, "serial0") && !g_str_equal(dev_name, "console0")) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_TEST,
                               _("domain '%s' has no console '%s' (it has 'serial0', also known as "
                                 "'console0')"),
                               obj->name, dev_name);
                goto out;
        }
        name = g_strdup(obj->name);
        memcpy(uuid, obj->uuid, VCTL_UUID_LEN);
        /* under the domain lock, so a concurrent destroy cannot miss the session */
        r = drv_consoles_open(conn->st->consoles, name, uuid, "serial0", flags, test_console_serve,
                              g_strdup(name), g_free, ret_fd);
out:
        domain_list_unlock(conn->st->domains);
        return r;
}
