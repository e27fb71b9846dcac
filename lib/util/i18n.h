/* Translatable messages: wrap every user-facing string in _() (or N_() where
 * it is translated later, as in static tables). */
#pragma once

#include <libintl.h>

#define VCTL_TEXTDOMAIN "vctl"
#define _(s)            dgettext(VCTL_TEXTDOMAIN, s)
#define N_(s)           (s)
