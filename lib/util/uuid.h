/* UUIDs: 16 raw bytes, formatted as 8-4-4-4-12 lowercase hex. */
#pragma once

#include <glib.h>

#define VCTL_UUID_LEN 16
#define VCTL_UUID_STRING_LEN 37 /* 36 characters and the NUL */

/* A random (version 4) UUID from the kernel's random source. */
void vctl_uuid_generate(unsigned char ret_uuid[VCTL_UUID_LEN]);

/* Accepts 32 hex digits, with '-' allowed between any two bytes (as libvirt
 * does); surrounding blanks are ignored. Returns 0 or -EINVAL. */
int vctl_uuid_parse(const char *s, unsigned char ret_uuid[VCTL_UUID_LEN]);

/* Writes the canonical form into buf and returns buf. */
char *vctl_uuid_format(const unsigned char uuid[VCTL_UUID_LEN], char buf[VCTL_UUID_STRING_LEN]);

gboolean vctl_uuid_is_null(const unsigned char uuid[VCTL_UUID_LEN]);
