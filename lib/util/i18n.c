/* vctl's message catalogue: bound on first use, in every program. */
#include "config.h"

#include "i18n.h"

#include <stdlib.h>

void vctl_i18n_init(void)
{
        static gsize bound;

        if (g_once_init_enter(&bound)) {
#ifdef ENABLE_NLS
                /* secure_getenv: a set-id program must not read catalogues from
                 * where its caller points. */
                const char *dir = secure_getenv("VCTL_LOCALEDIR");

                bindtextdomain(VCTL_TEXTDOMAIN, dir && *dir ? dir : LOCALEDIR);
                bind_textdomain_codeset(VCTL_TEXTDOMAIN, "UTF-8");
#endif
                g_once_init_leave(&bound, 1);
        }
}

const char *vctl_gettext(const char *msgid)
{
#ifdef ENABLE_NLS
        vctl_i18n_init();
        return dgettext(VCTL_TEXTDOMAIN, msgid);
#else
        return msgid;
#endif
}

const char *vctl_ngettext(const char *msgid, const char *msgid_plural, unsigned long n)
{
#ifdef ENABLE_NLS
        vctl_i18n_init();
        return dngettext(VCTL_TEXTDOMAIN, msgid, msgid_plural, n);
#else
        return n == 1 ? msgid : msgid_plural;
#endif
}
