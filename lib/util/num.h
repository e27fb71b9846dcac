/* Checked number parsing and libvirt's size units. */
#pragma once

#include <glib.h>

/* Parses a whole string of decimal digits (no sign, no blanks, no trailing text)
 * no larger than max. Returns 0, -EINVAL (not a number) or -ERANGE (too big). */
int vctl_parse_ull(const char *s, unsigned long long max, unsigned long long *ret);

/* Same for signed values between min and max ("-" allowed). */
int vctl_parse_ll(const char *s, long long min, long long max, long long *ret);

/* Scales value by unit the way libvirt's <memory unit='...'> does:
 * NULL or "" means default_scale; "b", "byte", "bytes" are 1; K/M/G/T/P/E
 * alone or with "iB" are powers of 1024; with "B" powers of 1000 (case does
 * not matter: "KiB", "kib", "k" and "KB"/"kB" all work). The result is in
 * bytes and must be <= max. Returns 0, -EINVAL (unknown unit) or -ERANGE. */
int vctl_scale_unit(unsigned long long value, const char *unit, unsigned long long default_scale,
                    unsigned long long max, unsigned long long *ret);

/* Parses "NUMBER[UNIT]" (as in "10G" or "512MiB") with vctl_scale_unit. */
int vctl_parse_size(const char *s, unsigned long long default_scale, unsigned long long max,
                    unsigned long long *ret);
