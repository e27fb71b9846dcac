/* Shared between the domain parse and format files; not for drivers. */
#pragma once

#include "domain_conf.h"
#include "xml.h"

/* ---- parse helpers (domain_conf.c) ---- */

/* conf_attr_enum, and an error naming the allowed values when absent. */
int domain_attr_enum_req(conf_ctx *ctx, xmlNode *node, const char *name, const char *const *values);
/* An optional yes/no or on/off attribute. */
domain_tristate domain_attr_tristate(conf_ctx *ctx, xmlNode *node, const char *name);
/* Signed decimal attribute in [min, max]; FALSE when absent or invalid. */
gboolean domain_attr_int(conf_ctx *ctx, xmlNode *node, const char *name, long long min,
                         long long max, int *ret);
/* Unsigned attribute in [0, max] as an unsigned int; FALSE when absent. */
gboolean domain_attr_uint(conf_ctx *ctx, xmlNode *node, const char *name, unsigned int max,
                          unsigned int *ret);
/* A child <address> kept verbatim, or NULL. */
char *domain_address_parse(conf_ctx *ctx, xmlNode *node);
/* The order of a child <boot order='N'/>, 0 when absent. */
unsigned int domain_boot_order_parse(conf_ctx *ctx, xmlNode *node);
/* The element kept verbatim (marks it and everything below consumed). */
char *domain_verbatim(xmlNode *node);
/* Reports a path with a line break in it (libvirt's schema allows none:
 * its path pattern is "/.*"); FALSE when it did. */
gboolean domain_path_check_breaks(conf_ctx *ctx, xmlNode *node, const char *path);

/* ---- devices (domain_devices.c, domain_disk.c, domain_display.c) ---- */

void domain_devices_init(domain_devices *d);
void domain_devices_clear(domain_devices *d);
void domain_devices_parse(conf_ctx *ctx, xmlNode *node, domain_def *def);

domain_disk *domain_disk_parse(conf_ctx *ctx, xmlNode *node);
void domain_disk_free(domain_disk *disk);

void domain_graphics_free(domain_graphics *g);
void domain_video_free(domain_video *v);
void domain_sound_free(domain_sound *s);
void domain_rng_free(domain_rng *r);
void domain_redirdev_free(domain_redirdev *r);
void domain_watchdog_free(domain_watchdog *w);
void domain_memballoon_free(domain_memballoon *m);
domain_graphics *domain_graphics_parse(conf_ctx *ctx, xmlNode *node);
domain_video *domain_video_parse(conf_ctx *ctx, xmlNode *node);
domain_sound *domain_sound_parse(conf_ctx *ctx, xmlNode *node);
domain_rng *domain_rng_parse(conf_ctx *ctx, xmlNode *node);
domain_redirdev *domain_redirdev_parse(conf_ctx *ctx, xmlNode *node);
domain_watchdog *domain_watchdog_parse(conf_ctx *ctx, xmlNode *node);
domain_memballoon *domain_memballoon_parse(conf_ctx *ctx, xmlNode *node);

/* ---- format (domain_format.c, domain_format_devices.c) ---- */

const char *domain_tristate_yesno(domain_tristate t);
const char *domain_tristate_onoff(domain_tristate t);
void domain_devices_format(conf_buf *b, const domain_devices *d);
