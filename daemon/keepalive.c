/* Keepalive as libvirt does it: after keepalive_interval seconds without
 * traffic from a client we PING it; any traffic resets the count, and after
 * keepalive_count unanswered PINGs the client is dropped. */
#include <config.h>

#include "daemon/keepalive.h"
#include "daemon/server.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#define KEEPALIVE_TICK_SECONDS 1

static gboolean keepalive_tick(gpointer data)
{
        vctld_client *cl = data;
        gint64 now = g_get_monotonic_time();
        g_autoptr(GByteArray) ping = NULL;
        char desc[128];

        if (cl->closed || now < cl->ka_next)
                return G_SOURCE_CONTINUE;
        if (cl->ka_left == 0) {
                log_warning(_("%s: no answer to %u keepalive messages in %d seconds; dropping "
                              "the client"),
                            client_describe(cl, desc, sizeof(desc)), cl->ka_count,
                            cl->ka_interval * (int)(cl->ka_count + 1));
                client_close(cl, "keepalive timeout");
                return G_SOURCE_REMOVE;
        }
        cl->ka_left--;
        cl->ka_next = now + (gint64)cl->ka_interval * G_USEC_PER_SEC;
        ping = g_byte_array_new();
        if (vctl_rpc_encode_keepalive(ping, KEEPALIVE_PROC_PING) == 0)
                client_send(cl, ping->data, ping->len);
        return G_SOURCE_CONTINUE;
}

void keepalive_start(vctld_client *cl)
{
        if (cl->ka_src || cl->closed || cl->ka_interval <= 0)
                return;
        keepalive_seen(cl);
        cl->ka_src = g_timeout_source_new_seconds(KEEPALIVE_TICK_SECONDS);
        g_source_set_callback(cl->ka_src, keepalive_tick, client_ref(cl),
                              (GDestroyNotify)client_unref);
        g_source_attach(cl->ka_src, cl->srv->ctx);
}

void keepalive_stop(vctld_client *cl)
{
        if (!cl->ka_src)
                return;
        g_source_destroy(cl->ka_src);
        g_source_unref(cl->ka_src);
        cl->ka_src = NULL;
}

void keepalive_seen(vctld_client *cl)
{
        if (cl->ka_interval <= 0)
                return;
        cl->ka_next = g_get_monotonic_time() + (gint64)cl->ka_interval * G_USEC_PER_SEC;
        cl->ka_left = cl->ka_count;
}

int keepalive_handle(vctld_client *cl, const vctl_rpc_msg *msg)
{
        g_autoptr(GByteArray) pong = NULL;

        if (msg->header.type != VCTL_RPC_MESSAGE || msg->body_len != 0)
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("keepalive message of type %d with %zu bytes of body"),
                                      msg->header.type, msg->body_len);
        switch (msg->header.proc) {
        case KEEPALIVE_PROC_PING:
                pong = g_byte_array_new();
                if (vctl_rpc_encode_keepalive(pong, KEEPALIVE_PROC_PONG) < 0)
                        return -1;
                client_send(cl, pong->data, pong->len);
                return 0;
        case KEEPALIVE_PROC_PONG:
                return 0; /* keepalive_seen already counted it */
        default:
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("unknown keepalive procedure %d"), msg->header.proc);
        }
}
