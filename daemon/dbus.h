/* vctld's D-Bus service: org.vctl.Connect objects for the QEMU and test
 * drivers, their domains, errors as org.vctl.Error.<Kind>. Every call passes
 * the same access checks as the sockets (daemon/access.h). */
#pragma once

#include <glib.h>

#include "daemon/config.h"

typedef struct dbus_service dbus_service;

/* Starts connecting to the system bus (system) or the session bus, in the
 * background, unless cfg->dbus is off. qemu_uri is what /org/vctl/QEMU
 * serves (qemu:///system or qemu:///session). rooted (vctld --root): use a
 * bus only when its address variable is set, so a test daemon never claims
 * the host's bus. Never fails: an unreachable bus is logged and the sockets
 * go on alone. Returns NULL when D-Bus is off. Main thread. */
dbus_service *dbus_service_start(const vctld_config *cfg, gboolean system, gboolean rooted,
                                 const char *qemu_uri);

/* SIGHUP: applies the new auth_unix_rw/ro and max_message_size to calls
 * that come after (the bus and its name stay). Main thread; accepts NULL
 * (as svc, for the server's reload hook). */
void dbus_service_reload(const vctld_config *cfg, void *svc);

/* For the server's idle timeout: whether a D-Bus call came within the last
 * seconds. Main thread; accepts NULL (FALSE). */
gboolean dbus_service_busy(guint seconds, void *svc);

/* Releases the name, waits for the calls in flight, closes. Accepts NULL. */
void dbus_service_stop(dbus_service *svc);
