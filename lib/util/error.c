#include "config.h"

#include "error.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <string.h>

static GPrivate last_error = G_PRIVATE_INIT((GDestroyNotify)vctl_error_free);

vctl_error *vctl_error_new(int code, int domain, const char *message)
{
        vctl_error *err = g_new0(vctl_error, 1);

        err->code = code;
        err->domain = domain;
        err->message = g_strdup(message ? message : _("unknown error"));
        return err;
}

vctl_error *vctl_error_copy(const vctl_error *err)
{
        if (!err)
                return NULL;
        return vctl_error_new(err->code, err->domain, err->message);
}

void vctl_error_free(vctl_error *err)
{
        if (!err)
                return;
        g_free(err->message);
        g_free(err);
}

static void error_store(int code, int domain, char *message)
{
        vctl_error *err = g_new0(vctl_error, 1);

        err->code = code;
        err->domain = domain;
        err->message = message;
        g_private_replace(&last_error, err);
}

int vctl_error_set(int code, int domain, const char *fmt, ...)
{
        va_list ap;

        va_start(ap, fmt);
        error_store(code, domain, g_strdup_vprintf(fmt, ap));
        va_end(ap);
        return -1;
}

int vctl_error_set_errno(int errnum, int code, int domain, const char *fmt, ...)
{
        va_list ap;
        g_autofree char *msg = NULL;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        error_store(code, domain, g_strdup_printf("%s: %s", msg, g_strerror(errnum)));
        return errnum > 0 ? -errnum : -EIO;
}

const vctl_error *vctl_error_last(void)
{
        return g_private_get(&last_error);
}

const char *vctl_error_message(void)
{
        const vctl_error *err = vctl_error_last();

        return err ? err->message : _("unknown error (no error was recorded)");
}

void vctl_error_clear(void)
{
        g_private_replace(&last_error, NULL);
}

void vctl_error_restore(const vctl_error *err)
{
        g_private_replace(&last_error, vctl_error_copy(err));
}
