/* vctl event: waits for domain lifecycle events and prints them as virsh
 * does: "event 'lifecycle' for domain 'web1': Started Booted". */
#include "config.h"

#include "vctl.h"
#include "lib/util/num.h"
#include "lib/util/i18n.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

/* Ctrl-C ends a --loop cleanly */
static volatile sig_atomic_t event_interrupted;

static void event_on_sigint(int sig)
{
        event_interrupted = 1;
}

/* In libvctl's event thread: hand the line to the main thread. */
static void event_cb(vctl_conn *conn, vctl_domain *dom, int event, int detail, void *opaque)
{
        g_async_queue_push(
                opaque, g_strdup_printf(_("event 'lifecycle' for domain '%s': %s %s"),
                                        vctl_domain_get_name(dom), _(vctl_domain_event_name(event)),
                                        _(vctl_domain_event_detail_name(event, detail))));
}

static int event_run(int argc, char **argv)
{
        g_auto(vctl_args) args = {0};
        g_autoptr(GAsyncQueue) lines = g_async_queue_new_full(g_free);
        struct sigaction sa = {.sa_handler = event_on_sigint}, old_sa;
        const char *timeout_arg, *event_arg, *domain_arg;
        unsigned long long timeout = 0;
        gboolean loop, timed_out = FALSE;
        vctl_domain *dom = NULL;
        vctl_conn *conn;
        gint64 deadline;
        int id, count = 0, r;

        if ((r = vctl_args_parse(&vctl_cmd_event, argc, argv, 0, 1, &args)))
                return r == 2 ? 0 : 1;
        loop = vctl_arg_flag(&args, "--loop");
        timeout_arg = vctl_arg_value(&args, "--timeout");
        if (timeout_arg &&
            (vctl_parse_ull(timeout_arg, 365ULL * 24 * 3600, &timeout) < 0 || timeout == 0))
                return vctl_fail(_("--timeout '%s' is not a number of seconds (1 or more)"),
                                 timeout_arg);
        event_arg = vctl_arg_value(&args, "--event");
        if (event_arg && strcmp(event_arg, "lifecycle") != 0)
                return vctl_fail(_("unknown event type '%s' (vctl reports 'lifecycle' events)"),
                                 event_arg);
        if (!(conn = vctl_connect()))
                return 1;
        domain_arg = vctl_arg_value(&args, "--domain");
        if (!domain_arg)
                domain_arg = vctl_arg_pos(&args, 0);
        if (domain_arg && !(dom = vctl_domain_arg(conn, domain_arg)))
                return 1;
        id = vctl_conn_domain_event_register(conn, dom, event_cb, g_async_queue_ref(lines),
                                             (vctl_free_cb)g_async_queue_unref);
        if (id < 0) {
                g_async_queue_unref(lines);
                vctl_domain_free(dom);
                return vctl_fail_api(_("cannot watch for domain events"));
        }
        vctl_domain_free(dom);

        event_interrupted = 0;
        sigaction(SIGINT, &sa, &old_sa);
        deadline = timeout ? g_get_monotonic_time() + (gint64)timeout * G_USEC_PER_SEC : 0;
        while (!event_interrupted) {
                /* short slices so Ctrl-C and the deadline are noticed */
                g_autofree char *line = g_async_queue_timeout_pop(lines, 200 * 1000);

                if (line) {
                        printf("%s\n", line);
                        fflush(stdout);
                        count++;
                        if (!loop)
                                break;
                } else if (deadline && g_get_monotonic_time() >= deadline) {
                        timed_out = TRUE;
                        break;
                }
        }
        sigaction(SIGINT, &old_sa, NULL);
        vctl_conn_domain_event_deregister(conn, id);
        if (timed_out)
                printf(_("event loop timed out\n"));
        printf(_("events received: %d\n\n"), count);
        /* as virsh: waiting for one event and not getting it is a failure */
        return timed_out && !loop && count == 0 ? 1 : 0;
}

static const char *const event_options[] = {"--loop",   "--timeout=", "--all",
                                            "--event=", "--domain=",  NULL};

const vctl_cmd vctl_cmd_event = {
        .name = "event",
        .synopsis = "[DOMAIN] [--loop] [--timeout SECONDS] [--all] [--event lifecycle]",
        .summary = N_("print domain lifecycle events as they happen"),
        .help = N_("  Waits for one event (--loop: until Ctrl-C or the timeout) on every\n"
                   "  domain, or on DOMAIN (also --domain DOMAIN). --all and --event lifecycle\n"
                   "  select the lifecycle events, the kind vctl reports."),
        .run = event_run,
        .options = event_options,
};
