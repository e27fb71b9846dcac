#include "config.h"

#include "uuid.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

void vctl_uuid_generate(unsigned char ret_uuid[VCTL_UUID_LEN])
{
        size_t got = 0;

        while (got < VCTL_UUID_LEN) {
                ssize_t n = getrandom(ret_uuid + got, VCTL_UUID_LEN - got, 0);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        /* no kernel randomness at all: GLib's generator is still unique enough */
                        for (; got < VCTL_UUID_LEN; got++)
                                ret_uuid[got] = (unsigned char)g_random_int_range(0, 256);
                        break;
                }
                got += (size_t)n;
        }
        ret_uuid[6] = (ret_uuid[6] & 0x0f) | 0x40; /* version 4 */
        ret_uuid[8] = (ret_uuid[8] & 0x3f) | 0x80; /* RFC 4122 variant */
}

int vctl_uuid_parse(const char *s, unsigned char ret_uuid[VCTL_UUID_LEN])
{
        unsigned char out[VCTL_UUID_LEN];
        int i = 0;

        if (!s)
                return -EINVAL;
        while (g_ascii_isspace(*s))
                s++;
        while (i < VCTL_UUID_LEN) {
                int hi, lo;

                if (*s == '-' && i > 0)
                        s++;
                hi = g_ascii_xdigit_value(s[0]);
                lo = hi < 0 ? -1 : g_ascii_xdigit_value(s[1]);
                if (hi < 0 || lo < 0)
                        return -EINVAL;
                out[i++] = (unsigned char)(hi << 4 | lo);
                s += 2;
        }
        while (g_ascii_isspace(*s))
                s++;
        if (*s)
                return -EINVAL;
        memcpy(ret_uuid, out, VCTL_UUID_LEN);
        return 0;
}

char *vctl_uuid_format(const unsigned char uuid[VCTL_UUID_LEN], char buf[VCTL_UUID_STRING_LEN])
{
        snprintf(buf, VCTL_UUID_STRING_LEN,
                 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", uuid[0],
                 uuid[1], uuid[2], uuid[3], uuid[4], uuid[5], uuid[6], uuid[7], uuid[8], uuid[9],
                 uuid[10], uuid[11], uuid[12], uuid[13], uuid[14], uuid[15]);
        return buf;
}

gboolean vctl_uuid_is_null(const unsigned char uuid[VCTL_UUID_LEN])
{
        for (int i = 0; i < VCTL_UUID_LEN; i++)
                if (uuid[i])
                        return FALSE;
        return TRUE;
}
