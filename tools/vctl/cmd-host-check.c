/* vctl host-check: is this host ready to run guests? (like virt-host-validate) */
#include "config.h"

#include "vctl.h"
#include "kmod/hostcheck.h"
#include "lib/util/i18n.h"

#include <locale.h>
#include <stdio.h>

static const char *const host_check_options[] = { "--json", "--quick", NULL };

static int host_check_run(int argc, char **argv)
{
        g_auto(vctl_args) args = { 0 };
        g_autoptr(GPtrArray) results = NULL;
        hostcheck_options opts = { 0 };
        int r = vctl_args_parse(&vctl_cmd_host_check, argc, argv, 0, 0, &args);

        if (r)
                return r == 2 ? 0 : 1;
        /* --quick leaves out the deep probe, which starts a tiny KVM guest */
        opts.skip_deep_probe = vctl_arg_flag(&args, "--quick");
        /* --json is for programs: its texts stay English, like its keys (in
         * the C locale, gettext ignores $LANGUAGE) */
        if (vctl_arg_flag(&args, "--json"))
                setlocale(LC_MESSAGES, "C");
        results = hostcheck_run(&opts);
        if (vctl_arg_flag(&args, "--json")) {
                g_autofree char *json = hostcheck_format_json(results);

                printf("%s\n", json);
        } else {
                hostcheck_print_table(results, stdout);
        }
        /* like virt-host-validate: 1 when a check failed, warnings are fine */
        return hostcheck_worst(results) == HOSTCHECK_FAIL ? 1 : 0;
}

const vctl_cmd vctl_cmd_host_check = {
        .name = "host-check",
        .synopsis = "[--json] [--quick]",
        .summary = N_("check that this host can run guests (KVM, modules, QEMU)"),
        .help = N_("  Runs each check and prints PASS, INFO, WARN or FAIL with a hint on what\n"
                   "  to do. The deep probe runs a tiny guest on /dev/kvm to prove KVM really\n"
                   "  works; --quick leaves it out. Exits 1 when any check failed."),
        .run = host_check_run,
        .options = host_check_options,
};
