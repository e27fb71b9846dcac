/* The connection and its host: uri, version, hostname, capabilities. */
#include "config.h"

#include "vctl.h"
#include "lib/util/i18n.h"

#include <stdio.h>

static int host_args(const vctl_cmd *cmd, int argc, char **argv, vctl_conn **ret_conn)
{
        g_auto(vctl_args) args = {0};
        int r = vctl_args_parse(cmd, argc, argv, 0, 0, &args);

        if (r)
                return r == 2 ? 0 : 1;
        *ret_conn = vctl_connect();
        return *ret_conn ? -1 : 1;
}

static int uri_run(int argc, char **argv)
{
        g_autofree char *uri = NULL;
        vctl_conn *conn = NULL;
        int r = host_args(&vctl_cmd_uri, argc, argv, &conn);

        if (r >= 0)
                return r;
        if (!(uri = vctl_conn_get_uri(conn)))
                return vctl_fail_api(_("cannot get the URI of the connection"));
        printf("%s\n\n", uri);
        return 0;
}

static int hostname_run(int argc, char **argv)
{
        g_autofree char *name = NULL;
        vctl_conn *conn = NULL;
        int r = host_args(&vctl_cmd_hostname, argc, argv, &conn);

        if (r >= 0)
                return r;
        if (!(name = vctl_conn_get_hostname(conn)))
                return vctl_fail_api(_("cannot get the host name"));
        printf("%s\n\n", name);
        return 0;
}

static char *version_string(unsigned long long v)
{
        return g_strdup_printf("%llu.%llu.%llu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

static int version_run(int argc, char **argv)
{
        g_autofree char *type = NULL, *lib = NULL, *hv = NULL;
        unsigned long long lib_ver = 0, hv_ver = 0;
        vctl_conn *conn = NULL;
        int r = host_args(&vctl_cmd_version, argc, argv, &conn);

        if (r >= 0)
                return r;
        if (!(type = vctl_conn_get_type(conn)) || vctl_conn_get_lib_version(conn, &lib_ver) < 0 ||
            vctl_conn_get_version(conn, &hv_ver) < 0)
                return vctl_fail_api(_("cannot get the versions of the connection"));
        lib = version_string(lib_ver);
        hv = version_string(hv_ver);
        printf(_("Compiled against library: vctl %s\n"), PACKAGE_VERSION);
        printf(_("Using library: vctl %s\n"), PACKAGE_VERSION);
        printf(_("Using API: %s %s\n"), type, lib);
        printf(_("Running hypervisor: %s %s\n\n"), type, hv);
        return 0;
}

static int capabilities_run(int argc, char **argv)
{
        g_autofree char *caps = NULL;
        vctl_conn *conn = NULL;
        int r = host_args(&vctl_cmd_capabilities, argc, argv, &conn);

        if (r >= 0)
                return r;
        if (!(caps = vctl_conn_get_capabilities(conn)))
                return vctl_fail_api(_("cannot get the capabilities"));
        printf("%s\n", caps);
        return 0;
}

static const char *opt_or_null(const vctl_args *args, const char *name)
{
        const char *v = vctl_arg_value(args, name);

        return v && *v ? v : NULL;
}

static int domcapabilities_run(int argc, char **argv)
{
        g_auto(vctl_args) args = {0};
        g_autofree char *caps = NULL;
        vctl_conn *conn;
        int r = vctl_args_parse(&vctl_cmd_domcapabilities, argc, argv, 0, 0, &args);

        if (r)
                return r == 2 ? 0 : 1;
        if (!(conn = vctl_connect()))
                return 1;
        caps = vctl_conn_get_domain_capabilities(
                conn, opt_or_null(&args, "--emulatorbin"), opt_or_null(&args, "--arch"),
                opt_or_null(&args, "--machine"), opt_or_null(&args, "--virttype"), 0);
        if (!caps)
                return vctl_fail_api(_("cannot get the domain capabilities"));
        printf("%s\n", caps);
        return 0;
}

static const char *const no_options[] = {NULL};
static const char *const domcapabilities_options[] = {
        "--virttype=", "--emulatorbin=", "--arch=", "--machine=", NULL};

const vctl_cmd vctl_cmd_uri = {
        .name = "uri",
        .synopsis = "",
        .summary = N_("print the URI of the connection"),
        .run = uri_run,
        .options = no_options,
};

const vctl_cmd vctl_cmd_version = {
        .name = "version",
        .synopsis = "",
        .summary = N_("print the versions of vctl and of the hypervisor"),
        .run = version_run,
        .options = no_options,
};

const vctl_cmd vctl_cmd_hostname = {
        .name = "hostname",
        .synopsis = "",
        .summary = N_("print the host name of the hypervisor's host"),
        .run = hostname_run,
        .options = no_options,
};

const vctl_cmd vctl_cmd_capabilities = {
        .name = "capabilities",
        .synopsis = "",
        .summary = N_("print the host's capabilities (XML)"),
        .help = N_("  Prints libvirt's <capabilities> document: the host's CPU architecture, and\n"
                   "  for each guest architecture its emulator, machine types and the\n"
                   "  virtualization types that work here ('kvm' only where KVM is usable)."),
        .run = capabilities_run,
        .options = no_options,
};

const vctl_cmd vctl_cmd_domcapabilities = {
        .name = "domcapabilities",
        .synopsis = "[--virttype TYPE] [--machine MACHINE] [--arch ARCH] [--emulatorbin PATH]",
        .summary = N_("print what guests of one emulator and machine type may use (XML)"),
        .help = N_("  Prints libvirt's <domainCapabilities> document: firmware, CPU modes and\n"
                   "  models, and the disk buses, graphics, video and other devices a guest\n"
                   "  can have.\n\n"
                   "  --virttype TYPE      'kvm' or 'qemu' (default: kvm where it works)\n"
                   "  --machine MACHINE    a machine type or alias, e.g. pc or q35 (default: pc)\n"
                   "  --arch ARCH          the guest architecture (default: x86_64)\n"
                   "  --emulatorbin PATH   the emulator (default: qemu-system-x86_64 in PATH)"),
        .run = domcapabilities_run,
        .options = domcapabilities_options,
};
