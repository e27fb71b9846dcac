/* vctl validate FILE...: offline check of definitions, no daemon needed. */
#include "config.h"

#include "vctl.h"
#include "conf/conf.h"
#include "conf/xml.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int validate_one(const char *path)
{
        g_autofree char *xml = NULL;
        g_autofree char *name = NULL;
        g_autoptr(GPtrArray) issues = NULL;
        size_t len = 0;
        conf_kind kind;
        int r;

        if (strcmp(path, "-") == 0)
                r = vctl_fd_read_bounded(STDIN_FILENO, _("standard input"), CONF_XML_MAX_SIZE, &xml,
                                         &len);
        else
                r = vctl_file_read_bounded(path, CONF_XML_MAX_SIZE, &xml, &len);
        if (r < 0) {
                fprintf(stderr, _("error: %s\n"), vctl_error_message());
                return 1;
        }
        r = conf_validate(xml, len, &kind, &name, &issues);
        if (r == 0) {
                printf(_("%s: valid %s definition '%s'\n"), path, _(conf_kind_name(kind)), name);
                return 0;
        }
        if (kind == CONF_KIND_UNKNOWN)
                printf(vctl_ngettext("%s: invalid: not a definition vctl can read (%u error)\n",
                                     "%s: invalid: not a definition vctl can read (%u errors)\n",
                                     issues->len),
                       path, issues->len);
        else if (name)
                printf(vctl_ngettext("%s: invalid %s definition '%s' (%u error)\n",
                                     "%s: invalid %s definition '%s' (%u errors)\n", issues->len),
                       path, _(conf_kind_name(kind)), name, issues->len);
        else
                printf(vctl_ngettext("%s: invalid %s definition (%u error)\n",
                                     "%s: invalid %s definition (%u errors)\n", issues->len),
                       path, _(conf_kind_name(kind)), issues->len);
        for (guint i = 0; i < issues->len; i++) {
                const conf_issue *issue = g_ptr_array_index(issues, i);

                if (issue->line > 0)
                        printf(_("%s:%d: error: %s\n"), path, issue->line, issue->message);
                else
                        printf(_("%s: error: %s\n"), path, issue->message);
        }
        return 1;
}

static int validate_run(int argc, char **argv)
{
        int status = 0;

        if (argc < 2) {
                vctl_cmd_usage(&vctl_cmd_validate);
                return 1;
        }
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--help") == 0) {
                        vctl_cmd_usage(&vctl_cmd_validate);
                        return 0;
                }
        }
        for (int i = 1; i < argc; i++)
                status |= validate_one(argv[i]);
        return status;
}

const vctl_cmd vctl_cmd_validate = {
        .name = "validate",
        .synopsis = "FILE...",
        .summary = N_("check domain, network, pool or volume definitions (no daemon needed)"),
        .help = N_("  Reads each FILE ('-' for standard input), tells what kind of definition\n"
                   "  it is and whether it is valid, and lists every error with its line.\n"
                   "  Exits 1 when any file is invalid."),
        .run = validate_run,
};
