/* The last element of vctld's D-Bus object paths (daemon/dbus_path.c). */
#pragma once

#include <glib.h>

#include "lib/util/uuid.h"

/* The UUID of a node ("_c7a5fdbd_edaf_..."): only the canonical lowercase
 * form, so that every object has one path. 0 or -1 (no error set). */
int dbus_node_uuid(const char *node, unsigned char ret_uuid[VCTL_UUID_LEN]);
gboolean dbus_node_is_uuid(const char *node);
/* The node of a UUID. */
char *dbus_uuid_node(const unsigned char uuid[VCTL_UUID_LEN]);
/* Any string as a node (_XX, lowercase hex, for every byte but
 * [A-Za-z0-9]; "" stays ""), and back: NULL when node is not exactly such
 * an encoding (empty, a bad escape, an escaped letter or digit, a NUL). */
char *dbus_node_encode(const char *s);
char *dbus_node_decode(const char *node);
