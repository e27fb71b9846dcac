/* Leveled logging to stderr or the systemd journal. */
#pragma once

#include <glib.h>

typedef enum {
        VCTL_LOG_DEBUG = 0,
        VCTL_LOG_INFO = 1,
        VCTL_LOG_WARNING = 2,
        VCTL_LOG_ERROR = 3,
} vctl_log_level;

typedef enum {
        VCTL_LOG_TARGET_AUTO = 0, /* journal when stderr is connected to it, else stderr */
        VCTL_LOG_TARGET_STDERR,
        VCTL_LOG_TARGET_JOURNAL,
} vctl_log_target;

/* program: the identifier shown in the journal and in stderr lines. */
void vctl_log_init(const char *program, vctl_log_level level, vctl_log_target target);
void vctl_log_set_level(vctl_log_level level);
vctl_log_level vctl_log_get_level(void);
/* Parses "debug", "info", "warning", "error" (or 0-3); returns -1 on unknown. */
int vctl_log_level_parse(const char *s, vctl_log_level *ret_level);

void vctl_log(vctl_log_level level, const char *file, int line, const char *func,
              const char *fmt, ...) G_GNUC_PRINTF(5, 6);

#define log_debug(...) vctl_log(VCTL_LOG_DEBUG, __FILE__, __LINE__, G_STRFUNC, __VA_ARGS__)
#define log_info(...) vctl_log(VCTL_LOG_INFO, __FILE__, __LINE__, G_STRFUNC, __VA_ARGS__)
#define log_warning(...) vctl_log(VCTL_LOG_WARNING, __FILE__, __LINE__, G_STRFUNC, __VA_ARGS__)
#define log_error(...) vctl_log(VCTL_LOG_ERROR, __FILE__, __LINE__, G_STRFUNC, __VA_ARGS__)
