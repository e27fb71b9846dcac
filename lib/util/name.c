#include "config.h"

#include "name.h"
#include "error.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <string.h>

int vctl_name_validate(const char *kind, const char *name)
{
        size_t len;

        if (!name || !*name) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_CONF, _("%s name must not be empty"),
                               kind);
                return -EINVAL;
        }
        len = strlen(name);
        if (len > VCTL_NAME_MAX) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_CONF,
                               _("%s name '%.32s...' is %zu bytes long; the limit is %d"), kind,
                               name, len, VCTL_NAME_MAX);
                return -EINVAL;
        }
        if (!g_utf8_validate(name, (gssize)len, NULL)) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_CONF,
                               _("%s name is not valid UTF-8"), kind);
                return -EINVAL;
        }
        /* a name becomes a file name: a leading '.' would hide it (and "..") */
        if (name[0] == '.') {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_CONF,
                               _("%s name '%s' must not start with '.'"), kind, name);
                return -EINVAL;
        }
        for (const char *p = name; *p; p++) {
                unsigned char c = (unsigned char)*p;

                if (c == '/') {
                        vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_CONF,
                                       _("%s name '%s' must not contain '/'"), kind, name);
                        return -EINVAL;
                }
                if (c < 0x20 || c == 0x7f) {
                        g_autofree char *shown = g_strescape(name, NULL);

                        vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_CONF,
                                       _("%s name '%s' must not contain control characters"), kind,
                                       shown);
                        return -EINVAL;
                }
        }
        return 0;
}
