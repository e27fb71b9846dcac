/* Helpers shared by the drivers (not part of the driver table). */
#pragma once

#include "conf/domain_conf.h"
#include "driver/driver.h"

/* Refuses flags outside supported with VCTL_ERR_INVALID_ARG naming the
 * operation; returns 0 or -1 (last error set). */
int drv_check_flags(unsigned int flags, unsigned int supported, const char *what);

/* A NUL-terminated copy of uri's scheme without any "+transport" part
 * ("qemu+unix:///system" gives "qemu"), or NULL when uri has no scheme. */
char *drv_uri_scheme(const char *uri);

/* The path of uri ("/system" for "qemu:///system?socket=x"), or NULL when uri
 * does not parse. */
char *drv_uri_path(const char *uri);

/* Inserts id='N' into the <domain> start tag of a formatted definition, as
 * libvirt shows running domains. Returns a new string. */
char *drv_xml_add_domain_id(const char *xml, int id);

/* A deep copy of def (formatted and parsed again), or NULL with the last
 * error set. */
domain_def *drv_domain_def_copy(const domain_def *def);
