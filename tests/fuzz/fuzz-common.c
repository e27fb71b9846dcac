/* What every harness shares: the failure report and a quiet log. */
#include "config.h"

#include "tests/fuzz/fuzz.h"
#include "lib/util/log.h"

#include <glib.h>
#include <stdio.h>

void fuzz_fail(const char *file, int line, const char *what)
{
        fprintf(stderr, "%s:%d: property broken: %s\n", file, line, what);
        abort();
}

void fuzz_init_once(void)
{
        static gsize done;

        if (g_once_init_enter(&done)) {
                vctl_log_init("fuzz", VCTL_LOG_ERROR, VCTL_LOG_TARGET_STDERR);
                g_once_init_leave(&done, 1);
        }
}
