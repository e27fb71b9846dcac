#include "config.h"

#include "log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct {
        gint level;
        gint target;
        char program[64];
} log_state = { VCTL_LOG_WARNING, VCTL_LOG_TARGET_STDERR, "vctl" };

static const char *const level_names[] = { "debug", "info", "warning", "error" };
/* syslog priorities for the journal's PRIORITY field */
static const char *const level_priority[] = { "7", "6", "4", "3" };

void vctl_log_init(const char *program, vctl_log_level level, vctl_log_target target)
{
        if (program)
                g_strlcpy(log_state.program, program, sizeof(log_state.program));
        if (target == VCTL_LOG_TARGET_AUTO)
                target = g_log_writer_is_journald(STDERR_FILENO) ? VCTL_LOG_TARGET_JOURNAL
                                                                 : VCTL_LOG_TARGET_STDERR;
        g_atomic_int_set(&log_state.target, target);
        vctl_log_set_level(level);
}

void vctl_log_set_level(vctl_log_level level)
{
        g_atomic_int_set(&log_state.level, CLAMP((int)level, VCTL_LOG_DEBUG, VCTL_LOG_ERROR));
}

vctl_log_level vctl_log_get_level(void)
{
        return g_atomic_int_get(&log_state.level);
}

int vctl_log_level_parse(const char *s, vctl_log_level *ret_level)
{
        for (int i = 0; i < (int)G_N_ELEMENTS(level_names); i++) {
                char digit[2] = { (char)('0' + i), 0 };

                if (g_ascii_strcasecmp(s, level_names[i]) == 0 || strcmp(s, digit) == 0) {
                        *ret_level = i;
                        return 0;
                }
        }
        return -1;
}

void vctl_log(vctl_log_level level, const char *file, int line, const char *func,
              const char *fmt, ...)
{
        va_list ap;
        g_autofree char *msg = NULL;

        if ((int)level < g_atomic_int_get(&log_state.level))
                return;
        level = CLAMP((int)level, VCTL_LOG_DEBUG, VCTL_LOG_ERROR);

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);

        if (g_atomic_int_get(&log_state.target) == VCTL_LOG_TARGET_JOURNAL) {
                g_autofree char *line_str = g_strdup_printf("%d", line);
                const GLogField fields[] = {
                        { "MESSAGE", msg, -1 },
                        { "PRIORITY", level_priority[level], -1 },
                        { "SYSLOG_IDENTIFIER", log_state.program, -1 },
                        { "CODE_FILE", file, -1 },
                        { "CODE_LINE", line_str, -1 },
                        { "CODE_FUNC", func, -1 },
                };

                if (g_log_writer_journald(G_LOG_LEVEL_MESSAGE, fields, G_N_ELEMENTS(fields), NULL) ==
                    G_LOG_WRITER_HANDLED)
                        return;
        }

        {
                g_autoptr(GDateTime) now = g_date_time_new_now_local();
                g_autofree char *stamp = g_date_time_format(now, "%F %T.%f");

                /* one fprintf per line keeps lines from threads whole */
                fprintf(stderr, "%.23s %s[%d]: %s: %s\n", stamp, log_state.program, (int)getpid(),
                        level_names[level], msg);
        }
}
