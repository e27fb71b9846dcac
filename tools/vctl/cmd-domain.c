/* Domain life cycle: define, undefine, start, create, destroy, shutdown,
 * reboot, reset, suspend, resume. Messages are virsh's. */
#include "config.h"

#include "vctl.h"
#include "lib/util/i18n.h"

#include <stdio.h>

/* ---- define / create from a file ---- */

static int domain_from_file(const vctl_cmd *cmd, gboolean create, int argc, char **argv)
{
        VCTL_PARSE_ARGS(*cmd, 1, 1);
        g_autofree char *xml = NULL;
        vctl_domain *dom;
        vctl_conn *conn;
        const char *file = vctl_arg_pos(&args, 0);

        if (!(xml = vctl_read_file(file)) || !(conn = vctl_connect()))
                return 1;
        if (create)
                dom = vctl_domain_create_xml(
                        conn, xml, vctl_arg_flag(&args, "--paused") ? VCTL_DOMAIN_START_PAUSED : 0);
        else
                dom = vctl_domain_define_xml(
                        conn, xml,
                        vctl_arg_flag(&args, "--validate") ? VCTL_DOMAIN_DEFINE_VALIDATE : 0);
        if (!dom)
                return vctl_fail_api(create ? _("cannot create a domain from '%s'")
                                            : _("cannot define a domain from '%s'"),
                                     file);
        if (create)
                printf(_("Domain '%s' created from %s"), vctl_domain_get_name(dom), file);
        else
                printf(_("Domain '%s' defined from %s"), vctl_domain_get_name(dom), file);
        printf("\n\n");
        vctl_domain_free(dom);
        return 0;
}

/* ---- one action on one domain ---- */

typedef enum {
        ACT_UNDEFINE,
        ACT_START,
        ACT_DESTROY,
        ACT_SHUTDOWN,
        ACT_REBOOT,
        ACT_RESET,
        ACT_SUSPEND,
        ACT_RESUME,
} domain_action;

/* One whole sentence per action, so that translators see each one. */
static int action_fail(domain_action act, const char *name)
{
        switch (act) {
        case ACT_UNDEFINE:
                return vctl_fail_api(_("cannot undefine domain '%s'"), name);
        case ACT_START:
                return vctl_fail_api(_("cannot start domain '%s'"), name);
        case ACT_DESTROY:
                return vctl_fail_api(_("cannot destroy domain '%s'"), name);
        case ACT_SHUTDOWN:
                return vctl_fail_api(_("cannot shut down domain '%s'"), name);
        case ACT_REBOOT:
                return vctl_fail_api(_("cannot reboot domain '%s'"), name);
        case ACT_RESET:
                return vctl_fail_api(_("cannot reset domain '%s'"), name);
        case ACT_SUSPEND:
                return vctl_fail_api(_("cannot suspend domain '%s'"), name);
        case ACT_RESUME:
                return vctl_fail_api(_("cannot resume domain '%s'"), name);
        }
        return 1;
}

static void action_print_done(domain_action act, const char *name)
{
        switch (act) {
        case ACT_UNDEFINE:
                printf(_("Domain '%s' has been undefined"), name);
                break;
        case ACT_START:
                printf(_("Domain '%s' started"), name);
                break;
        case ACT_DESTROY:
                printf(_("Domain '%s' destroyed"), name);
                break;
        case ACT_SHUTDOWN:
                printf(_("Domain '%s' is being shutdown"), name);
                break;
        case ACT_REBOOT:
                printf(_("Domain '%s' is being rebooted"), name);
                break;
        case ACT_RESET:
                printf(_("Domain '%s' was reset"), name);
                break;
        case ACT_SUSPEND:
                printf(_("Domain '%s' suspended"), name);
                break;
        case ACT_RESUME:
                printf(_("Domain '%s' resumed"), name);
                break;
        }
        printf("\n\n");
}

static int action_do(domain_action act, vctl_domain *dom, const vctl_args *args)
{
        switch (act) {
        case ACT_UNDEFINE:
                return vctl_domain_undefine(dom, 0);
        case ACT_START:
                return vctl_domain_create(
                        dom, vctl_arg_flag(args, "--paused") ? VCTL_DOMAIN_START_PAUSED : 0);
        case ACT_DESTROY:
                return vctl_domain_destroy(
                        dom, vctl_arg_flag(args, "--graceful") ? VCTL_DOMAIN_DESTROY_GRACEFUL : 0);
        case ACT_SHUTDOWN:
                return vctl_domain_shutdown(dom, 0);
        case ACT_REBOOT:
                return vctl_domain_reboot(dom, 0);
        case ACT_RESET:
                return vctl_domain_reset(dom, 0);
        case ACT_SUSPEND:
                return vctl_domain_suspend(dom);
        case ACT_RESUME:
                return vctl_domain_resume(dom);
        }
        return -1;
}

static int domain_action_run(const vctl_cmd *cmd, domain_action act, int argc, char **argv)
{
        VCTL_PARSE_ARGS(*cmd, 1, 1);
        g_autofree char *name = NULL;
        vctl_domain *dom;
        vctl_conn *conn;
        int r;

        if (!(conn = vctl_connect()) || !(dom = vctl_domain_arg(conn, vctl_arg_pos(&args, 0))))
                return 1;
        name = g_strdup(vctl_domain_get_name(dom));
        r = action_do(act, dom, &args);
        if (r < 0) {
                vctl_domain_free(dom);
                return action_fail(act, name);
        }
        action_print_done(act, name);
        r = 0;
        if (act == ACT_START && vctl_arg_flag(&args, "--console"))
                r = vctl_console_attach(dom, NULL, 0);
        vctl_domain_free(dom);
        return r;
}

#define ACTION_CMD(var, cmdname, act, syn, sum, opts)                                              \
        VCTL_CMD_CALLING(var, domain_action_run, act, .name = cmdname, .synopsis = syn,            \
                         .summary = sum, .help = N_("  DOMAIN is a name, an id or a UUID."),       \
                         .options = opts);

static const char *const no_options[] = {NULL};
static const char *const start_options[] = {"--console", "--paused", NULL};
static const char *const destroy_options[] = {"--graceful", NULL};

ACTION_CMD(undefine, "undefine", ACT_UNDEFINE, "DOMAIN",
           N_("remove a domain's definition (a running domain goes on, transient)"), no_options)
ACTION_CMD(start, "start", ACT_START, "DOMAIN [--console] [--paused]", N_("start a defined domain"),
           start_options)
ACTION_CMD(destroy, "destroy", ACT_DESTROY, "DOMAIN [--graceful]",
           N_("stop a running domain at once (power off)"), destroy_options)
ACTION_CMD(shutdown, "shutdown", ACT_SHUTDOWN, "DOMAIN", N_("ask a running domain to shut down"),
           no_options)
ACTION_CMD(reboot, "reboot", ACT_REBOOT, "DOMAIN", N_("ask a running domain to reboot"), no_options)
ACTION_CMD(reset, "reset", ACT_RESET, "DOMAIN", N_("reset a running domain (as the reset button)"),
           no_options)
ACTION_CMD(suspend, "suspend", ACT_SUSPEND, "DOMAIN", N_("pause a running domain"), no_options)
ACTION_CMD(resume, "resume", ACT_RESUME, "DOMAIN", N_("resume a paused domain"), no_options)

static const char *const define_options[] = {"--validate", NULL};
static const char *const create_options[] = {"--paused", NULL};

VCTL_CMD_CALLING(
        define, domain_from_file, FALSE, .name = "define", .synopsis = "FILE [--validate]",
        .summary = N_("define (but do not start) a domain from an XML file"),
        .help = N_("  FILE is a libvirt domain definition ('-' for standard input); defining\n"
                   "  an existing name or UUID updates its definition."),
        .options = define_options);

VCTL_CMD_CALLING(create, domain_from_file, TRUE, .name = "create", .synopsis = "FILE [--paused]",
                 .summary = N_("create and start a transient domain from an XML file"),
                 .help = N_("  FILE is a libvirt domain definition ('-' for standard input). The\n"
                            "  domain is gone once it stops; use 'define' and 'start' to keep it."),
                 .options = create_options);
