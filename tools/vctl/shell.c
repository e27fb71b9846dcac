/* The interactive shell: `vctl` without a command. GNU readline with
 * history and completion on a terminal; plain lines from a pipe or file. */
#include "config.h"

#include "vctl.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#define SHELL_LINE_MAX    65536
#define SHELL_HISTORY_MAX 1000
#define SHELL_PROMPT      "vctl # "

/* ---- completion ---- */

static char **shell_words; /* candidates of the completion in progress */
static size_t shell_word_i;

static void shell_words_set(GPtrArray *words)
{
        g_strfreev(shell_words);
        g_ptr_array_add(words, NULL);
        shell_words = (char **)g_ptr_array_free(words, FALSE);
        shell_word_i = 0;
}

static char *shell_generator(const char *text, int state)
{
        size_t len = strlen(text);

        if (!shell_words)
                return NULL;
        while (shell_words[shell_word_i]) {
                const char *w = shell_words[shell_word_i++];

                if (strncmp(w, text, len) == 0)
                        return strdup(w); /* readline frees with free() */
        }
        return NULL;
}

static void shell_add_domains(GPtrArray *words)
{
        vctl_conn *conn = vctl_connect_quiet();
        vctl_domain **doms = NULL;
        int n;

        if (!conn || (n = vctl_conn_list_all_domains(conn, &doms, 0)) < 0)
                return;
        for (int i = 0; i < n; i++)
                g_ptr_array_add(words, g_strdup(vctl_domain_get_name(doms[i])));
        vctl_domain_list_free(doms);
}

static char **shell_complete(const char *text, int start, int end)
{
        GPtrArray *words = g_ptr_array_new();
        g_autofree char *prefix = g_strndup(rl_line_buffer, (gsize)start);
        g_auto(GStrv) before = NULL;
        size_t count;
        const vctl_cmd *const *cmds = vctl_commands(&count);
        const vctl_cmd *cmd;

        rl_attempted_completion_over = 1; /* no file names unless asked below */
        before = g_strsplit_set(g_strstrip(prefix), " \t", 2);
        if (!before[0] || !*before[0]) {
                for (size_t i = 0; i < count; i++)
                        g_ptr_array_add(words, g_strdup(cmds[i]->name));
        } else if ((cmd = vctl_cmd_find(before[0])) && g_str_has_prefix(text, "--")) {
                for (const char *const *o = cmd->options; o && *o; o++)
                        g_ptr_array_add(words, g_strndup(*o, strcspn(*o, "=")));
        } else if (cmd && (strcmp(cmd->name, "define") == 0 || strcmp(cmd->name, "create") == 0 ||
                           strcmp(cmd->name, "validate") == 0)) {
                rl_attempted_completion_over = 0; /* file names */
                g_ptr_array_unref(words);
                return NULL;
        } else if (cmd && strcmp(cmd->name, "help") == 0) {
                for (size_t i = 0; i < count; i++)
                        g_ptr_array_add(words, g_strdup(cmds[i]->name));
        } else if (cmd) {
                shell_add_domains(words);
        }
        shell_words_set(words);
        return rl_completion_matches(text, shell_generator);
}

/* ---- history ---- */

static char *shell_history_path(void)
{
        const char *state = g_getenv("XDG_STATE_HOME");

        if (state && g_path_is_absolute(state)) {
                g_autofree char *dir = g_build_filename(state, "vctl", NULL);

                if (vctl_mkdir_p(dir, 0700) < 0)
                        return NULL;
                return g_build_filename(dir, "history", NULL);
        }
        return g_build_filename(g_get_home_dir(), ".vctl_history", NULL);
}

/* ---- running lines ---- */

/* Returns -1 for quit/exit, else the command's status (0 for empty lines). */
static int shell_line(const char *line, int last)
{
        g_auto(GStrv) argv = NULL;
        g_autoptr(GError) gerr = NULL;
        int argc;

        while (g_ascii_isspace(*line))
                line++;
        if (!*line || *line == '#')
                return last;
        if (!g_shell_parse_argv(line, &argc, &argv, &gerr))
                return vctl_fail(_("cannot read the command line: %s"), gerr->message);
        if (strcmp(argv[0], "quit") == 0 || strcmp(argv[0], "exit") == 0)
                return -1;
        return vctl_cmd_run(argc, argv);
}

static int shell_interactive(void)
{
        g_autofree char *history = shell_history_path();
        int status = 0;
        char *line;

        rl_readline_name = "vctl";
        rl_attempted_completion_function = shell_complete;
        stifle_history(SHELL_HISTORY_MAX);
        if (history)
                read_history(history);
        printf(_("Welcome to vctl, the virtualization interactive terminal.\n\n"
                 "Type:  'help' for help with commands\n"
                 "       'quit' to quit\n\n"));
        while ((line = readline(SHELL_PROMPT))) {
                int r;

                if (*line)
                        add_history(line);
                r = shell_line(line, status);
                free(line);
                if (r < 0)
                        break;
                status = r;
        }
        if (!line)
                putchar('\n');
        if (history && write_history(history) != 0)
                fprintf(stderr, _("warning: cannot save the shell history to '%s': %s\n"), history,
                        g_strerror(errno));
        g_strfreev(shell_words);
        shell_words = NULL;
        return status;
}

/* Commands from a pipe or a file, one per line, no prompt. */
static int shell_batch(void)
{
        g_autofree char *buf = g_malloc(SHELL_LINE_MAX);
        int status = 0, lineno = 0;

        while (fgets(buf, SHELL_LINE_MAX, stdin)) {
                size_t len = strlen(buf);
                int r;

                lineno++;
                if (len == SHELL_LINE_MAX - 1 && buf[len - 1] != '\n') {
                        int c;

                        while ((c = getchar()) != EOF && c != '\n')
                                ;
                        status = vctl_fail(_("line %d is longer than %d bytes; skipped"), lineno,
                                           SHELL_LINE_MAX - 2);
                        continue;
                }
                buf[strcspn(buf, "\n")] = '\0';
                r = shell_line(buf, status);
                fflush(stdout);
                if (r < 0)
                        break;
                status = r;
        }
        return status;
}

int shell_run(void)
{
        if (isatty(STDIN_FILENO))
                return shell_interactive();
        return shell_batch();
}
