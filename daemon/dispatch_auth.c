/* Authentication on the Unix sockets, libvirt's way: AUTH_LIST says what a
 * client must pass, AUTH_POLKIT passes it. Root, and the daemon's own user,
 * need nothing; everyone else asks polkit when auth_unix_rw / auth_unix_ro
 * say "polkit". Until then only the auth procedures are served. */
#include <config.h>

#include "daemon/dispatch_priv.h"
#include "daemon/polkit.h"
#include "daemon/server.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"

#include <unistd.h>

void dispatch_auth_init(vctld_client *cl)
{
        const vctld_config *cfg = &cl->srv->cfg;
        int how = cl->readonly ? cfg->auth_unix_ro : cfg->auth_unix_rw;

        if (cl->have_cred)
                cl->start_time = polkit_pid_start_time(cl->cred.pid);
        /* a peer that is root or ourselves could talk to our drivers anyway;
         * a TLS peer proved itself with its client certificate */
        if (how == VCTLD_AUTH_NONE || cl->tls ||
            (cl->have_cred && (cl->cred.uid == 0 || cl->cred.uid == geteuid()))) {
                cl->auth_type = REMOTE_AUTH_NONE;
                g_atomic_int_set(&cl->authenticated, 1);
                return;
        }
        cl->auth_type = REMOTE_AUTH_POLKIT;
        g_atomic_int_set(&cl->authenticated, 0);
}

gboolean dispatch_auth_done(vctld_client *cl)
{
        return g_atomic_int_get(&cl->authenticated) != 0;
}

DISPATCH_HANDLER(dispatch_auth_list)
{
        remote_auth_list_ret *ret = ret_;

        ret->types.types_len = 1;
        ret->types.types_val = g_new0(remote_auth_type, 1);
        ret->types.types_val[0] = ctx->cl->auth_type;
        return 0;
}

/* Runs on a worker: polkit may take its time. */
DISPATCH_HANDLER(dispatch_auth_polkit)
{
        remote_auth_polkit_ret *ret = ret_;
        vctld_client *cl = ctx->cl;
        access_subject subj = {.uid = (uid_t)-1};
        char desc[128];

        if (dispatch_auth_done(cl)) {
                ret->complete = 1;
                return 0;
        }
        if (cl->auth_type != REMOTE_AUTH_POLKIT)
                return vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_RPC,
                                      _("authentication failed: this socket does not use polkit"));
        if (cl->have_cred) {
                subj.uid = cl->cred.uid;
                subj.pid = cl->cred.pid;
                subj.start_time = cl->start_time;
        }
        if (access_check_socket(&subj, cl->readonly) < 0) {
                log_info("%s: %s", client_describe(cl, desc, sizeof(desc)), vctl_error_message());
                return -1;
        }
        g_atomic_int_set(&cl->authenticated, 1);
        log_info(_("%s: authorised by polkit (%s)"), client_describe(cl, desc, sizeof(desc)),
                 cl->readonly ? "org.vctl.unix.monitor" : "org.vctl.unix.manage");
        ret->complete = 1;
        return 0;
}
