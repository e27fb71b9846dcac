/* vctl console DOMAIN: the domain's serial console on this terminal, as
 * virsh console does: raw mode, Ctrl-] leaves. */
#include "config.h"

#include "vctl.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define CONSOLE_ESCAPE 0x1d /* Ctrl-] */
#define CONSOLE_CHUNK  4096
/* without a terminal, the output still coming once standard input ended */
#define CONSOLE_DRAIN_QUIET_MS 300

static struct termios console_saved_tty;
static volatile sig_atomic_t console_tty_raw;

static void console_tty_restore(void)
{
        if (console_tty_raw) {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &console_saved_tty);
                console_tty_raw = 0;
        }
}

/* A fatal signal in raw mode: the terminal is put back first. */
static void console_on_signal(int sig)
{
        if (console_tty_raw)
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &console_saved_tty);
        signal(sig, SIG_DFL);
        raise(sig);
}

static void console_tty_raw_mode(void)
{
        static const int sigs[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM};
        struct termios raw;

        if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &console_saved_tty) < 0)
                return;
        raw = console_saved_tty;
        cfmakeraw(&raw);
        for (size_t i = 0; i < G_N_ELEMENTS(sigs); i++) {
                struct sigaction sa = {.sa_handler = console_on_signal};

                sigemptyset(&sa.sa_mask);
                sigaction(sigs[i], &sa, NULL);
        }
        if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0)
                console_tty_raw = 1;
}

static gboolean console_write_out(const char *buf, size_t len)
{
        while (len > 0) {
                ssize_t n = write(STDOUT_FILENO, buf, len);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return FALSE;
                buf += n;
                len -= (size_t)n;
        }
        return TRUE;
}

typedef enum { CONSOLE_GO_ON, CONSOLE_ESCAPED, CONSOLE_ENDED, CONSOLE_FAILED } console_state;

/* Copies what the stream has to standard output. */
static console_state console_from_stream(vctl_stream *st, const char *name)
{
        char buf[CONSOLE_CHUNK];
        ssize_t n = vctl_stream_recv(st, buf, sizeof(buf));

        if (n < 0) {
                console_tty_restore();
                vctl_fail_api(_("\nconsole of domain '%s' failed"), name);
                return CONSOLE_FAILED;
        }
        if (n == 0)
                return CONSOLE_ENDED;
        if (!console_write_out(buf, (size_t)n))
                return CONSOLE_ENDED;
        return CONSOLE_GO_ON;
}

/* Sends what standard input has, up to an escape character. */
static console_state console_from_stdin(vctl_stream *st, const char *name, gboolean *ret_eof)
{
        char buf[CONSOLE_CHUNK];
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        const char *esc;
        size_t len;

        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return CONSOLE_GO_ON;
        if (n <= 0) {
                *ret_eof = TRUE;
                return CONSOLE_GO_ON;
        }
        esc = memchr(buf, CONSOLE_ESCAPE, (size_t)n);
        len = esc ? (size_t)(esc - buf) : (size_t)n;
        if (len > 0 && vctl_stream_send(st, buf, len) < 0) {
                console_tty_restore();
                vctl_fail_api(_("\ncannot write to the console of domain '%s'"), name);
                return CONSOLE_FAILED;
        }
        return esc ? CONSOLE_ESCAPED : CONSOLE_GO_ON;
}

int vctl_console_attach(vctl_domain *dom, const char *dev_name, unsigned int flags)
{
        g_autofree char *name = g_strdup(vctl_domain_get_name(dom));
        console_state state = CONSOLE_GO_ON;
        gboolean stdin_eof = FALSE;
        vctl_stream *st;

        st = vctl_domain_open_console(dom, dev_name, flags);
        if (!st)
                return vctl_fail_api(_("cannot open the console of domain '%s'"), name);
        printf(_("Connected to domain '%s'\nEscape character is ^] (Ctrl + ])\n"), name);
        fflush(stdout);
        console_tty_raw_mode();
        while (state == CONSOLE_GO_ON) {
                struct pollfd p[2] = {{.fd = vctl_stream_fd(st), .events = POLLIN},
                                      {.fd = stdin_eof ? -1 : STDIN_FILENO, .events = POLLIN}};
                int r = poll(p, 2, stdin_eof ? CONSOLE_DRAIN_QUIET_MS : -1);

                if (r < 0 && errno == EINTR)
                        continue;
                if (r < 0) {
                        console_tty_restore();
                        vctl_fail(_("cannot wait for the console of domain '%s': %s"), name,
                                  g_strerror(errno));
                        state = CONSOLE_FAILED;
                        break;
                }
                if (r == 0) /* stdin ended and the console went quiet */
                        break;
                if (p[0].revents)
                        state = console_from_stream(st, name);
                if (state == CONSOLE_GO_ON && p[1].revents)
                        state = console_from_stdin(st, name, &stdin_eof);
        }
        console_tty_restore();
        if (state != CONSOLE_FAILED && state != CONSOLE_ENDED)
                vctl_stream_finish(st);
        vctl_stream_free(st);
        if (state == CONSOLE_FAILED)
                return 1;
        printf("\n");
        return 0;
}

static int console_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_console, 1, 1);
        vctl_domain *dom;
        vctl_conn *conn;
        int r;

        if (!(conn = vctl_connect()) || !(dom = vctl_domain_arg(conn, vctl_arg_pos(&args, 0))))
                return 1;
        r = vctl_console_attach(dom, vctl_arg_value(&args, "--devname"),
                                vctl_arg_flag(&args, "--force") ? VCTL_DOMAIN_CONSOLE_FORCE : 0);
        vctl_domain_free(dom);
        return r;
}

static const char *const console_options[] = {"--devname=", "--force", NULL};

const vctl_cmd vctl_cmd_console = {
        .name = "console",
        .synopsis = "DOMAIN [--devname DEV] [--force]",
        .summary = N_("connect to a running domain's serial console (leave with Ctrl-])"),
        .help = N_("  DOMAIN is a name, an id or a UUID. DEV is the console to open\n"
                   "  ('serial0', 'console0'; default: the first console). One client holds\n"
                   "  a console at a time: --force takes it over from the one holding it.\n"
                   "  Without a terminal on standard input, input is sent as it comes and\n"
                   "  vctl leaves once it ends and the console has gone quiet."),
        .run = console_run,
        .options = console_options,
};
