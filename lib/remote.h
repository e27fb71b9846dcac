/* The RPC client of libvctl: one unix-socket connection to a vctld speaking
 * libvirt's remote protocol, shared by every thread of the caller. */
#pragma once

#include <glib.h>

#include "driver/driver.h"
#include "lib/rpc/message.h"
#include "lib/uri.h"

typedef struct remote_conn remote_conn;

/* From the reader thread: an event for the daemon's callbackID. Must not
 * block or call back into the connection (hand it to another thread). */
typedef void (*remote_event_fn)(int callback_id, const drv_domain *dom, int event, int detail,
                                void *opaque);
/* From the reader thread, once, when the connection dies under its user;
 * reason is libvirt's virConnectCloseReason (0 error, 1 end of file). */
typedef void (*remote_lost_fn)(int reason, void *opaque);

/* Dials uri->socket_path (spawning a session vctld when uri->autostart and
 * none listens), authenticates and opens uri->name. NULL with the last
 * error set on failure. */
remote_conn *remote_open(const vctl_uri *uri, unsigned int flags, remote_event_fn event_fn,
                         remote_lost_fn lost_fn, void *opaque);
/* Sends CONNECT_CLOSE (bounded wait), stops the reader thread, frees rc. */
void remote_close(remote_conn *rc);

/* One call: encodes args with args_proc (NULL: no body), waits for the reply
 * (without a time limit, but woken when the connection dies) and decodes it
 * into ret (ret_size bytes) with ret_proc (NULL: empty reply). Returns 0, or
 * -1 with the last error set: the daemon's own error, unchanged, when it
 * refused. Release ret with xdr_free(ret_proc, ret). */
int remote_call(remote_conn *rc, int proc, xdrproc_t args_proc, const void *args,
                xdrproc_t ret_proc, void *ret, gsize ret_size);

/* ---- streams (remote.c) ---- */
typedef struct remote_stream remote_stream;

/* DOMAIN_OPEN_CONSOLE: NULL with the last error set on failure. */
remote_stream *remote_open_console(remote_conn *rc, const drv_domain *dom, const char *dev_name,
                                   unsigned int flags);
/* Blocks for data: its length (<= len), 0 at the end, -1 on error. */
gssize remote_stream_recv(remote_stream *st, char *buf, gsize len);
/* Sends all of buf in chunks of at most VCTL_RPC_STREAM_CHUNK; len or -1. */
gssize remote_stream_send(remote_stream *st, const char *buf, gsize len);
/* Finish (abort FALSE) or abort, waiting (bounded) for the confirmation. */
int remote_stream_close(remote_stream *st, gboolean abort);
/* Polls readable while recv would not block. */
int remote_stream_fd(remote_stream *st);
/* Usable after remote_close too (the stream then fails). */
void remote_stream_free(remote_stream *st);

/* ---- the driver-table operations over RPC (remote_domain.c) ---- */
int remote_op_get_version(remote_conn *rc, unsigned long long *ret_version);
int remote_op_get_lib_version(remote_conn *rc, unsigned long long *ret_version);
char *remote_op_get_type(remote_conn *rc);
char *remote_op_get_hostname(remote_conn *rc);
char *remote_op_get_uri(remote_conn *rc);
int remote_op_is_secure(remote_conn *rc);
char *remote_op_get_capabilities(remote_conn *rc);
char *remote_op_get_domain_capabilities(remote_conn *rc, const char *emulatorbin, const char *arch,
                                        const char *machine, const char *virttype,
                                        unsigned int flags);
int remote_op_node_get_info(remote_conn *rc, vctl_node_info *ret_info);
int remote_op_list_all_domains(remote_conn *rc, unsigned int flags, GPtrArray **ret);
drv_domain *remote_op_lookup_by_name(remote_conn *rc, const char *name);
drv_domain *remote_op_lookup_by_uuid(remote_conn *rc, const unsigned char uuid[VCTL_UUID_LEN]);
drv_domain *remote_op_lookup_by_id(remote_conn *rc, int id);
drv_domain *remote_op_define_xml(remote_conn *rc, const char *xml, unsigned int flags);
int remote_op_undefine(remote_conn *rc, const drv_domain *dom, unsigned int flags);
drv_domain *remote_op_create_xml(remote_conn *rc, const char *xml, unsigned int flags);
int remote_op_create(remote_conn *rc, drv_domain *dom, unsigned int flags);
int remote_op_destroy(remote_conn *rc, const drv_domain *dom, unsigned int flags);
int remote_op_shutdown(remote_conn *rc, const drv_domain *dom, unsigned int flags);
int remote_op_reboot(remote_conn *rc, const drv_domain *dom, unsigned int flags);
int remote_op_reset(remote_conn *rc, const drv_domain *dom, unsigned int flags);
int remote_op_suspend(remote_conn *rc, const drv_domain *dom);
int remote_op_resume(remote_conn *rc, const drv_domain *dom);
char *remote_op_get_xml_desc(remote_conn *rc, const drv_domain *dom, unsigned int flags);
int remote_op_get_info(remote_conn *rc, const drv_domain *dom, vctl_domain_info *ret_info);
int remote_op_get_state(remote_conn *rc, const drv_domain *dom, int *ret_state, int *ret_reason);
int remote_op_get_autostart(remote_conn *rc, const drv_domain *dom, int *ret_autostart);
int remote_op_set_autostart(remote_conn *rc, const drv_domain *dom, int autostart);
int remote_op_is_active(remote_conn *rc, const drv_domain *dom);
int remote_op_is_persistent(remote_conn *rc, const drv_domain *dom);
/* Returns the daemon's callbackID (the id events arrive with), or -1. */
int remote_op_event_register(remote_conn *rc, const drv_domain *dom);
int remote_op_event_deregister(remote_conn *rc, int callback_id);
