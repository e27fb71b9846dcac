/* The vctl command line: a table of commands, one file per command group. */
#pragma once

#include <glib.h>

typedef struct vctl_cmd {
        const char *name;
        const char *synopsis; /* arguments, as shown by 'vctl help NAME' */
        const char *summary;  /* one line for 'vctl help' */
        const char *help;     /* longer text, may be NULL */
        /* argv[0] is the command name; returns the process exit status */
        int (*run)(int argc, char **argv);
} vctl_cmd;

/* Prints "error: MESSAGE" on stderr and returns 1 (the exit status for errors). */
int vctl_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Prints the help of one command to stdout. */
void vctl_cmd_usage(const vctl_cmd *cmd);

extern const vctl_cmd vctl_cmd_validate;
