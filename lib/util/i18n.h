/* Translatable messages: wrap every user-facing string in _() (or N_() where
 * it is translated later, as in static tables). */
#pragma once

#include <glib.h>
#include <libintl.h>

#define VCTL_TEXTDOMAIN "vctl"
#define _(s)            vctl_gettext(s)
#define N_(s)           (s)

/* Binds vctl's text domain to LOCALEDIR ($VCTL_LOCALEDIR overrides it, for
 * tests running from the build tree) with UTF-8 output. Runs once; _() calls
 * it itself, because programs other than vctl and vctld link libvctl. */
void vctl_i18n_init(void);

/* msgid translated in vctl's text domain. */
const char *vctl_gettext(const char *msgid) G_GNUC_FORMAT(1);

/* The form of msgid (singular) or msgid_plural fitting n, in vctl's text
 * domain (po/Makevars has it as an xgettext keyword). */
const char *vctl_ngettext(const char *msgid, const char *msgid_plural, unsigned long n)
        G_GNUC_FORMAT(1) G_GNUC_FORMAT(2);
