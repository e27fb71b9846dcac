/* Storage pool and volume definitions: libvirt's <pool> and <volume> XML, the
 * subset vctl's storage driver (directory pools, qemu-img) implements. */
#pragma once

#include "lib/util/uuid.h"

#include <glib.h>
#include <sys/types.h>

#define POOL_PERMS_MODE_UNSET ((unsigned int)-1)
#define POOL_PERMS_ID_UNSET   ((unsigned int)-1)

/* <permissions> of a pool's target directory or a volume's file. */
typedef struct pool_perms {
        unsigned int mode;  /* 0..0777, or POOL_PERMS_MODE_UNSET */
        unsigned int owner; /* uid, or POOL_PERMS_ID_UNSET */
        unsigned int group; /* gid, or POOL_PERMS_ID_UNSET */
        char *label;        /* security label, NULL when absent */
} pool_perms;

typedef enum {
        POOL_TYPE_DIR = 0,
} pool_type;

typedef struct pool_def pool_def;
struct pool_def {
        char *name;
        unsigned char uuid[VCTL_UUID_LEN];
        pool_type type;
        /* bytes; as given (the driver refreshes them from the file system) */
        unsigned long long capacity;
        unsigned long long allocation;
        unsigned long long available;
        char *target_path; /* absolute, without duplicate or trailing '/' */
        pool_perms target_perms;
};

typedef enum {
        VOL_FORMAT_RAW = 0,
        VOL_FORMAT_QCOW2,
} vol_format;

/* "raw", "qcow2": also the names qemu-img uses. */
const char *vol_format_name(vol_format format);

typedef enum {
        VOL_TYPE_FILE = 0,
} vol_type;

typedef struct vol_def vol_def;
struct vol_def {
        char *name;
        char *key; /* NULL when absent (the driver sets it to the path) */
        vol_type type;
        unsigned long long capacity;   /* bytes */
        unsigned long long allocation; /* bytes; equals capacity when not given */
        gboolean has_allocation;       /* <allocation> was given (else: fully allocated) */
        char *target_path;             /* NULL when absent (the driver derives it) */
        vol_format target_format;      /* raw when absent */
        pool_perms target_perms;
        char *backing_path;        /* NULL: no backing store */
        vol_format backing_format; /* raw when absent */
        gboolean backing_format_given; /* <format> was in <backingStore> */
};

pool_def *pool_def_parse(const char *xml, size_t len, GPtrArray **ret_issues);
/* As libvirt's pool-dumpxml --inactive writes it. */
char *pool_def_format(const pool_def *def);
void pool_def_free(pool_def *def);

vol_def *vol_def_parse(const char *xml, size_t len, GPtrArray **ret_issues);
/* As libvirt's vol-dumpxml writes it. */
char *vol_def_format(const vol_def *def);
void vol_def_free(vol_def *def);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(pool_def, pool_def_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vol_def, vol_def_free)
