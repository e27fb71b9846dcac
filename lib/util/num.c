#include "config.h"

#include "num.h"

#include <errno.h>
#include <limits.h>
#include <string.h>

int vctl_parse_ull(const char *s, unsigned long long max, unsigned long long *ret)
{
        unsigned long long v = 0;

        if (!s || !*s)
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                unsigned d;

                if (!g_ascii_isdigit(*p))
                        return -EINVAL;
                d = (unsigned)(*p - '0');
                if (v > (ULLONG_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
        }
        if (v > max)
                return -ERANGE;
        *ret = v;
        return 0;
}

int vctl_parse_ll(const char *s, long long min, long long max, long long *ret)
{
        unsigned long long mag;
        gboolean neg = FALSE;
        int r;

        if (s && *s == '-') {
                neg = TRUE;
                s++;
        }
        r = vctl_parse_ull(s, (unsigned long long)LLONG_MAX + 1, &mag);
        if (r < 0)
                return r;
        if (!neg && mag > (unsigned long long)LLONG_MAX)
                return -ERANGE;
        {
                long long v = neg ? (long long)(0 - mag) : (long long)mag;

                if (v < min || v > max)
                        return -ERANGE;
                *ret = v;
        }
        return 0;
}

int vctl_scale_unit(unsigned long long value, const char *unit, unsigned long long default_scale,
                    unsigned long long max, unsigned long long *ret)
{
        unsigned long long scale = 1, base;
        int power;

        if (!unit || !*unit) {
                scale = default_scale;
        } else if (g_ascii_strcasecmp(unit, "b") == 0 || g_ascii_strcasecmp(unit, "byte") == 0 ||
                   g_ascii_strcasecmp(unit, "bytes") == 0) {
                scale = 1;
        } else {
                const char *powers = "kmgtpe";
                const char *hit = strchr(powers, g_ascii_tolower(unit[0]));

                if (!hit || !unit[0])
                        return -EINVAL;
                power = (int)(hit - powers) + 1;
                if (unit[1] == '\0' || g_ascii_strcasecmp(unit + 1, "ib") == 0)
                        base = 1024;
                else if (g_ascii_strcasecmp(unit + 1, "b") == 0)
                        base = 1000;
                else
                        return -EINVAL;
                while (power-- > 0)
                        scale *= base;
        }
        if (scale && value > max / scale)
                return -ERANGE;
        *ret = value * scale;
        return 0;
}

int vctl_parse_size(const char *s, unsigned long long default_scale, unsigned long long max,
                    unsigned long long *ret)
{
        g_autofree char *digits = NULL;
        unsigned long long v;
        size_t n = 0;
        int r;

        if (!s)
                return -EINVAL;
        while (g_ascii_isdigit(s[n]))
                n++;
        if (n == 0)
                return -EINVAL;
        digits = g_strndup(s, n);
        r = vctl_parse_ull(digits, ULLONG_MAX, &v);
        if (r < 0)
                return r;
        return vctl_scale_unit(v, s + n, default_scale, max, ret);
}
