/* Console sessions shared by the drivers: at most one client per console of
 * a domain, each served over a socketpair by a thread of the driver, so the
 * driver can cut a session (force takeover, domain stop) whatever the
 * client does with its end. */
#pragma once

#include <glib.h>

#include "driver/driver.h"

/* Serves one session on fd (the driver's end, blocking) until it returns;
 * must return soon once fd is shut down. Runs on its own thread; does not
 * own fd. */
typedef void (*drv_console_fn)(int fd, void *opaque);

typedef struct drv_consoles drv_consoles;

drv_consoles *drv_consoles_new(void);
/* Ends every session (joining their threads); accepts NULL. */
void drv_consoles_free(drv_consoles *cs);

/* Starts a session on console dev of domain name/uuid served by fn (which
 * owns opaque, released with free_opaque in any case). A session still
 * active on that console is refused unless flags has
 * VCTL_DOMAIN_CONSOLE_FORCE, which ends it first. *ret_fd gets the
 * client's end (close-on-exec). 0, or -1 with the last error set. */
int drv_consoles_open(drv_consoles *cs, const char *name, const unsigned char uuid[VCTL_UUID_LEN],
                      const char *dev, unsigned int flags, drv_console_fn fn, void *opaque,
                      GDestroyNotify free_opaque, int *ret_fd);

/* Ends every session of a domain (it stopped); their clients see EOF. */
void drv_consoles_close_domain(drv_consoles *cs, const unsigned char uuid[VCTL_UUID_LEN]);

/* Whether a session is active on dev of the domain (for tests). */
gboolean drv_consoles_busy(drv_consoles *cs, const unsigned char uuid[VCTL_UUID_LEN],
                           const char *dev);

/* Copies between the session's fd and a pty master (opaque: a GINT_TO_POINTER
 * of the pty fd, closed when the session ends): a drv_console_fn. */
void drv_console_relay(int fd, void *opaque);
void drv_console_relay_free(void *opaque);
