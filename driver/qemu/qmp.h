/* A client for QEMU's per-guest monitor (QMP): connect and negotiate, run
 * commands from any thread with a bounded wait, receive events. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <stdbool.h>

/* A line from QEMU longer than this breaks the connection (query-qmp-schema,
 * the largest reply, is about 200 KiB with QEMU 7.2). */
#define QMP_MAX_LINE (1024 * 1024)
/* Arrays/objects nested deeper than this break the connection: json-glib's
 * parser recurses, and QEMU's own replies nest a dozen levels at most. */
#define QMP_MAX_DEPTH 128
/* The wait used when a caller passes timeout_ms <= 0. */
#define QMP_DEFAULT_TIMEOUT_MS 30000
/* How long qmp_close() waits for the monitor thread to finish. */
#define QMP_CLOSE_TIMEOUT_MS 5000

typedef struct qmp qmp;

/* An event from QEMU ("SHUTDOWN", "STOP", "DEVICE_DELETED", …, any name).
 * data is the event's "data" member, or an empty object when it has none; it is
 * valid during the call (json_object_ref it to keep it). timestamp_us is QEMU's
 * timestamp, 0 when missing. */
typedef void (*qmp_event_cb)(qmp *mon, const char *event, JsonObject *data, gint64 timestamp_us,
                             void *opaque);
/* The connection ended on QEMU's side: end of file (QEMU exited) or a broken
 * connection (read error, malformed JSON, a line over QMP_MAX_LINE). Called
 * once, never after or because of qmp_close(); reason is a sentence. */
typedef void (*qmp_eof_cb)(qmp *mon, const char *reason, void *opaque);

/* Both callbacks run on the monitor's own thread, one at a time, in the order
 * QEMU sent the messages. They must not block and must not call qmp_execute()
 * (its reply is read by that same thread) — hand the work to another thread;
 * calling qmp_close() from them is allowed.
 *
 * Every int-returning function returns 0 on success and -1 with the calling
 * thread's vctl error set (lib/util/error.h) on failure. */

/* Connects to the unix socket at path, retrying until it accepts (QEMU creates
 * it shortly after it starts) or timeout_ms passes; then reads the greeting and
 * negotiates capabilities within the same deadline. name is the domain's name,
 * used in messages. Callbacks may be NULL. */
int qmp_connect(const char *path, const char *name, int timeout_ms, qmp_event_cb event_cb,
                qmp_eof_cb eof_cb, void *opaque, qmp **ret_mon);

/* Runs command with args (may be NULL; not consumed) and waits up to timeout_ms
 * for its reply. On success *ret_return (if ret_return is non-NULL) holds the
 * reply's "return" value, owned by the caller (json_node_unref). Errors: QEMU's
 * own error (its desc in the message; VCTL_ERR_OPERATION_UNSUPPORTED for an
 * unknown command, VCTL_ERR_OPERATION_FAILED otherwise), the monitor closed
 * (VCTL_ERR_OPERATION_FAILED), no reply in time (VCTL_ERR_OPERATION_TIMEOUT; a
 * late reply is then dropped). Safe to call from several threads at once. */
int qmp_execute(qmp *mon, const char *command, JsonObject *args, int timeout_ms,
                JsonNode **ret_return);

/* Stops the monitor thread (waiting at most QMP_CLOSE_TIMEOUT_MS), wakes every
 * waiting qmp_execute() with a "closed" error, and releases mon. No callback
 * runs once it returns (unless the thread was stuck in one past the bound,
 * which is logged). Accepts NULL. */
void qmp_close(qmp *mon);

/* The domain name given to qmp_connect(). */
const char *qmp_name(const qmp *mon);
/* QEMU's version from the greeting as major * 1000000 + minor * 1000 + micro. */
unsigned long long qmp_qemu_version(const qmp *mon);
/* True once the connection ended (EOF, broken, or closed). */
bool qmp_is_closed(qmp *mon);

/* The common commands. */
int qmp_cont(qmp *mon, int timeout_ms);
int qmp_stop(qmp *mon, int timeout_ms);
int qmp_system_powerdown(qmp *mon, int timeout_ms);
int qmp_system_reset(qmp *mon, int timeout_ms);
/* Asks QEMU to exit. The monitor closing before the reply arrives counts as
 * success: QEMU may exit before its answer is read. */
int qmp_quit(qmp *mon, int timeout_ms);
/* query-status: *ret_running is QEMU's "running"; *ret_status (optional, free
 * with g_free) its "status": "running", "paused", "prelaunch", "shutdown", … */
int qmp_query_status(qmp *mon, int timeout_ms, bool *ret_running, char **ret_status);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(qmp, qmp_close)
