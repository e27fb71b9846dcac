/* The vctl command line: a table of commands, one file per command group. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "lib/vctl.h"

typedef struct vctl_cmd {
        const char *name;
        const char *synopsis; /* arguments, as shown by 'vctl help NAME' */
        const char *summary;  /* one line for 'vctl help' */
        const char *help;     /* longer text, may be NULL */
        /* argv[0] is the command name; returns the process exit status */
        int (*run)(int argc, char **argv);
        /* its options, NULL-terminated; "--timeout=" takes a value */
        const char *const *options;
} vctl_cmd;

/* Prints "error: MESSAGE" on stderr and returns 1 (the exit status for errors). */
int vctl_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* vctl_fail("WHAT: <libvctl's last error>") */
int vctl_fail_api(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* Defines the command vctl_cmd_VAR (declared extern) whose run function
 * calls FN(&vctl_cmd_VAR, ARG, argc, argv), so that one FN serves several
 * commands; the rest are its fields: .name = "...", .synopsis = "...", ... */
#define VCTL_CMD_CALLING(var, fn, arg, ...)                                                        \
        static int var##_run(int argc, char **argv)                                                \
        {                                                                                          \
                return fn(&vctl_cmd_##var, arg, argc, argv);                                       \
        }                                                                                          \
        const vctl_cmd vctl_cmd_##var = {.run = var##_run, __VA_ARGS__}

/* Prints the help of one command to stdout. */
void vctl_cmd_usage(const vctl_cmd *cmd);

/* ---- vctl.c: the command table, arguments, the connection ---- */
const vctl_cmd *const *vctl_commands(size_t *ret_count);
const vctl_cmd *vctl_cmd_find(const char *name);
/* Runs one command line (argv[0] is the command); its exit status. */
int vctl_cmd_run(int argc, char **argv);

typedef struct vctl_args {
        GHashTable *opts; /* "--all" -> "" or the option's value */
        GPtrArray *pos;   /* positional arguments (borrowed from argv) */
} vctl_args;

/* Parses argv against cmd->options, wanting min_pos..max_pos positional
 * arguments. Returns 0 (clear args afterwards), 1 after printing an error,
 * or 2 after printing the command's help (for --help). */
int vctl_args_parse(const vctl_cmd *cmd, int argc, char **argv, guint min_pos, guint max_pos,
                    vctl_args *args);
void vctl_args_clear(vctl_args *args);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(vctl_args, vctl_args_clear)
/* Declares 'g_auto(vctl_args) args' and parses a run function's argc/argv into
 * it for cmd (a vctl_cmd, not a pointer), wanting lo..hi positional arguments;
 * returns from the run function on --help (0) or a bad argument (1). */
#define VCTL_PARSE_ARGS(cmd, lo, hi)                                                               \
        g_auto(vctl_args) args = {0};                                                              \
        do {                                                                                       \
                int parse_r = vctl_args_parse(&(cmd), argc, argv, lo, hi, &args);                  \
                if (parse_r)                                                                       \
                        return parse_r == 2 ? 0 : 1;                                               \
        } while (0)
gboolean vctl_arg_flag(const vctl_args *args, const char *name);
const char *vctl_arg_value(const vctl_args *args, const char *name);
const char *vctl_arg_pos(const vctl_args *args, guint i);

/* The connection of this run, opened on first use on the -c URI; NULL
 * after printing the error. */
vctl_conn *vctl_connect(void);
/* The same without printing anything (for tab completion); may be NULL. */
vctl_conn *vctl_connect_quiet(void);
void vctl_disconnect(void);
/* A domain by id, UUID or name (virsh's order); NULL after printing the error. */
vctl_domain *vctl_domain_arg(vctl_conn *conn, const char *arg);
/* Reads a definition file ("-": standard input), bounded; NULL after
 * printing the error. */
char *vctl_read_file(const char *path);

/* ---- output.c ---- */
typedef struct vctl_table vctl_table;
vctl_table *vctl_table_new(const char *first_header, ...) G_GNUC_NULL_TERMINATED;
void vctl_table_add_row(vctl_table *t, const char *first_cell, ...) G_GNUC_NULL_TERMINATED;
/* Prints as virsh does: " Id   Name   State", dashes, rows, a blank line. */
void vctl_table_print(vctl_table *t);
void vctl_table_free(vctl_table *t);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vctl_table, vctl_table_free)
/* Prints "Key:            value" (virsh's dominfo layout). */
void vctl_print_field(const char *key, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Prints the builder's value as indented JSON and a newline. */
void vctl_print_json(JsonBuilder *builder);

/* ---- shell.c ---- */
/* The interactive shell (readline on a terminal; one command per line
 * otherwise). Returns the exit status of the last command. */
int shell_run(void);

extern const vctl_cmd vctl_cmd_validate;
/* cmd-domain.c */
extern const vctl_cmd vctl_cmd_define, vctl_cmd_undefine, vctl_cmd_start, vctl_cmd_create,
        vctl_cmd_destroy, vctl_cmd_shutdown, vctl_cmd_reboot, vctl_cmd_reset, vctl_cmd_suspend,
        vctl_cmd_resume;
/* cmd-domain-info.c */
extern const vctl_cmd vctl_cmd_list, vctl_cmd_dumpxml, vctl_cmd_dominfo, vctl_cmd_domstate,
        vctl_cmd_domid, vctl_cmd_domuuid, vctl_cmd_domname, vctl_cmd_autostart;
/* cmd-host.c */
extern const vctl_cmd vctl_cmd_uri, vctl_cmd_version, vctl_cmd_hostname, vctl_cmd_host_check,
        vctl_cmd_capabilities, vctl_cmd_domcapabilities;
/* cmd-event.c */
extern const vctl_cmd vctl_cmd_event;
/* cmd-console.c */
extern const vctl_cmd vctl_cmd_console;
/* Attaches this terminal to dom's console dev_name (NULL: the first) until
 * Ctrl-] or its end; the exit status. */
int vctl_console_attach(vctl_domain *dom, const char *dev_name, unsigned int flags);
/* cmd-network.c */
extern const vctl_cmd vctl_cmd_net_list, vctl_cmd_net_define, vctl_cmd_net_create,
        vctl_cmd_net_start, vctl_cmd_net_destroy, vctl_cmd_net_undefine, vctl_cmd_net_dumpxml,
        vctl_cmd_net_info, vctl_cmd_net_autostart, vctl_cmd_net_dhcp_leases, vctl_cmd_domiflist,
        vctl_cmd_domifaddr;
