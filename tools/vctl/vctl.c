#include "config.h"

#include "vctl.h"
#include "lib/util/log.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

static const vctl_cmd *const commands[] = {
        &vctl_cmd_validate,
};

int vctl_fail(const char *fmt, ...)
{
        va_list ap;
        g_autofree char *msg = NULL;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        fprintf(stderr, "error: %s\n", msg);
        return 1;
}

void vctl_cmd_usage(const vctl_cmd *cmd)
{
        printf("usage: vctl %s %s\n\n  %s\n", cmd->name, cmd->synopsis, cmd->summary);
        if (cmd->help)
                printf("\n%s\n", cmd->help);
}

static const vctl_cmd *cmd_find(const char *name)
{
        for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
                if (strcmp(commands[i]->name, name) == 0)
                        return commands[i];
        return NULL;
}

static int cmd_help(int argc, char **argv)
{
        if (argc > 1) {
                const vctl_cmd *cmd = cmd_find(argv[1]);

                if (!cmd)
                        return vctl_fail("unknown command '%s' (see 'vctl help')", argv[1]);
                vctl_cmd_usage(cmd);
                return 0;
        }
        printf("usage: vctl COMMAND [ARGS...]\n\nCommands:\n");
        for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
                printf("  %-14s %s\n", commands[i]->name, commands[i]->summary);
        printf("  %-14s %s\n", "help", "show this list, or the help of one command");
        printf("\n'vctl help COMMAND' shows a command's arguments.\n");
        return 0;
}

int main(int argc, char **argv)
{
        const vctl_cmd *cmd;

        setlocale(LC_ALL, "");
        vctl_log_init("vctl", VCTL_LOG_WARNING, VCTL_LOG_TARGET_STDERR);

        if (argc < 2) {
                cmd_help(1, argv);
                return 1;
        }
        if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
            strcmp(argv[1], "-h") == 0)
                return cmd_help(argc - 1, argv + 1);
        if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
                printf("vctl %s\n", PACKAGE_VERSION);
                return 0;
        }
        cmd = cmd_find(argv[1]);
        if (!cmd)
                return vctl_fail("unknown command '%s' (see 'vctl help')", argv[1]);
        return cmd->run(argc - 1, argv + 1);
}
