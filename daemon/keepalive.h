/* libvirt's keepalive program: answer PINGs, and PING clients that asked for
 * it (CONNECT_SUPPORTS_FEATURE PROGRAM_KEEPALIVE) when they fall silent. */
#pragma once

#include "daemon/client.h"

void keepalive_start(vctld_client *cl);
void keepalive_stop(vctld_client *cl);
/* Any traffic from the client: it is alive. */
void keepalive_seen(vctld_client *cl);
/* A message of KEEPALIVE_PROGRAM; -1 when it is malformed (drop the client). */
int keepalive_handle(vctld_client *cl, const vctl_rpc_msg *msg);
