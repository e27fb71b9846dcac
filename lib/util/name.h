/* Names of domains, networks, pools and volumes. */
#pragma once

#include <glib.h>

#define VCTL_NAME_MAX 255

/* A name is 1..255 bytes of valid UTF-8 with no '/', no control character,
 * and no leading '.' (it becomes a file name, so not ".", ".." nor hidden). kind names the object
 * in the error ("domain", "network", ...). Returns 0, or -EINVAL with the last
 * error set. */
int vctl_name_validate(const char *kind, const char *name);
