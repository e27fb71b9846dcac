/* systemd integration by hand: socket activation and readiness notification. */
#pragma once

#include <glib.h>

/* Listening sockets systemd passed (LISTEN_PID/LISTEN_FDS/LISTEN_FDNAMES).
 * By name "vctld.socket" / "vctld-ro.socket" / "vctld-tls.socket", else by
 * order: read-write then read-only (TLS only by name). -1 where none was
 * passed. The variables are unset afterwards. Returns 0, or -1 with an
 * error when the variables are malformed. */
int sd_listen_fds_take(int *ret_rw_fd, int *ret_ro_fd, int *ret_tls_fd);

/* Sends state ("READY=1", "STOPPING=1") to $NOTIFY_SOCKET; does nothing when
 * it is unset. Returns 0 or -errno. */
int sd_notify_state(const char *state);
