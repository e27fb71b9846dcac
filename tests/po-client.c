/* A program that knows nothing of vctl's catalogue: it sets its locale and
 * uses libvctl's public API only, as third-party programs do. Prints the
 * error of looking up a domain that does not exist (po-test.sh checks that
 * it is in the language of the environment). */
#include "lib/vctl.h"

#include <locale.h>
#include <stdio.h>

int main(int argc, char **argv)
{
        const char *name = argc > 1 ? argv[1] : "nosuch";
        vctl_conn *conn;

        setlocale(LC_ALL, "");
        conn = vctl_conn_open("test:///default", 0);
        if (!conn) {
                fprintf(stderr, "%s\n", vctl_last_error_message());
                return 2;
        }
        if (vctl_domain_lookup_by_name(conn, name)) {
                vctl_conn_close(conn);
                return 2;
        }
        puts(vctl_last_error_message());
        vctl_conn_close(conn);
        return 0;
}
