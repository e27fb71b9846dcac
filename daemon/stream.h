/* libvirt's data streams (DOMAIN_OPEN_CONSOLE) between a client and a
 * descriptor from a driver: STREAM messages with the opening call's proc
 * and serial. Main thread only. */
#pragma once

#include "daemon/client.h"

/* Streams one client may have open at once. */
#define STREAM_MAX_PER_CLIENT 16

/* Starts the stream of call on fd (takes fd; made non-blocking here), after
 * the call's reply was queued. */
void stream_start(vctld_client *cl, const vctl_rpc_header *call, int fd);

/* A STREAM or STREAM_HOLE message from cl (takes msg). -1 drops the client. */
int stream_handle_message(vctld_client *cl, vctl_rpc_msg *msg);

/* Whether a new stream for call may start: 0, or -1 with the error set. */
int stream_check_new(vctld_client *cl, const vctl_rpc_header *call);

/* Whether a stream holds so much unwritten client data that reading from
 * the client must wait. */
gboolean stream_input_blocked(vctld_client *cl);

/* The client's output queue changed: resumes or pauses reading the fds. */
void stream_update_all(vctld_client *cl);

/* Closes every stream of cl (the client is going). */
void stream_clear(vctld_client *cl);
