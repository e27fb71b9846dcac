/* The kinds of definitions conf/ understands, and validation of any of them. */
#pragma once

#include <glib.h>

typedef enum {
        CONF_KIND_UNKNOWN = 0,
        CONF_KIND_DOMAIN,
        CONF_KIND_NETWORK,
        CONF_KIND_POOL,
        CONF_KIND_VOLUME,
} conf_kind;

/* "domain", "network", "storage pool", "storage volume", or "unknown". */
const char *conf_kind_name(conf_kind kind);

/* Tells the kind from the root element and parses the document with that
 * kind's parser. Returns 0 when valid, -EINVAL when not. Always sets
 * *ret_kind (CONF_KIND_UNKNOWN when it cannot tell) and *ret_issues (empty
 * when valid); *ret_name gets the object's name when one was read. */
int conf_validate(const char *xml, size_t len, conf_kind *ret_kind, char **ret_name,
                  GPtrArray **ret_issues);
