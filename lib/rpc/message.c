/* Framing and header codec of libvirt's remote protocol, and XDR body helpers. */
#include "config.h"

#include "lib/rpc/message.h"
#include "lib/util/i18n.h"

#include <stdlib.h>
#include <string.h>

struct vctl_rpc_reader {
        guint32 max_message;
        guint8 len_buf[VCTL_RPC_LEN_LEN];
        gsize len_have;
        GByteArray *frame; /* header + body of the message being read, or NULL */
        gsize frame_want;
        GQueue done;
        vctl_error *failed; /* sticky: the stream is out of step after an error */
};

static guint32 effective_max(guint32 max_message)
{
        if (!max_message)
                return VCTL_RPC_MAX_MESSAGE;
        return MAX(max_message, VCTL_RPC_HEADER_LEN);
}

static void put_be32(guint8 *p, guint32 v)
{
        v = GUINT32_TO_BE(v);
        memcpy(p, &v, sizeof(v));
}

static guint32 get_be32(const guint8 *p)
{
        guint32 v;

        memcpy(&v, p, sizeof(v));
        return GUINT32_FROM_BE(v);
}

void vctl_rpc_msg_free(vctl_rpc_msg *msg)
{
        if (!msg)
                return;
        g_free(msg->storage);
        g_free(msg);
}

int vctl_rpc_encode(GByteArray *out, const vctl_rpc_header *hdr, xdrproc_t proc, const void *data,
                    guint32 max_message)
{
        guint32 max = effective_max(max_message);
        guint orig_len = out->len;
        gsize body_len = 0;
        guint8 *p;

        if (proc) {
                /* xdr_sizeof walks the data once; it also catches over-limit
                 * strings and arrays, which the encoder refuses. */
                body_len = xdr_sizeof(proc, (void *)data);
        }
        if (body_len > max - VCTL_RPC_HEADER_LEN)
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("cannot send procedure %d of program 0x%x: a %zu-byte "
                                        "body exceeds the message limit of %u bytes"),
                                      hdr->proc, hdr->prog, body_len, max);

        g_byte_array_set_size(out, orig_len + VCTL_RPC_MIN_FRAME + body_len);
        p = out->data + orig_len;
        put_be32(p, (guint32)(VCTL_RPC_MIN_FRAME + body_len));
        put_be32(p + 4, hdr->prog);
        put_be32(p + 8, hdr->vers);
        put_be32(p + 12, (guint32)hdr->proc);
        put_be32(p + 16, (guint32)hdr->type);
        put_be32(p + 20, hdr->serial);
        put_be32(p + 24, (guint32)hdr->status);

        if (proc) {
                XDR xdr;
                gboolean ok;

                xdrmem_create(&xdr, (char *)p + VCTL_RPC_MIN_FRAME, (u_int)body_len, XDR_ENCODE);
                ok = proc(&xdr, (void *)data) && xdr_getpos(&xdr) == body_len;
                xdr_destroy(&xdr);
                if (!ok) {
                        g_byte_array_set_size(out, orig_len);
                        return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                              _("cannot encode the body of procedure %d of program "
                                                "0x%x: a string or array is over its limit"),
                                              hdr->proc, hdr->prog);
                }
        }
        return 0;
}

int vctl_rpc_encode_raw(GByteArray *out, const vctl_rpc_header *hdr, const void *data, gsize len,
                        guint32 max_message)
{
        guint orig_len = out->len;

        if (len > effective_max(max_message) - VCTL_RPC_HEADER_LEN)
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("cannot send %zu bytes of stream data in one message: "
                                        "over the limit of %u bytes"),
                                      len, effective_max(max_message));
        if (vctl_rpc_encode(out, hdr, NULL, NULL, max_message) < 0)
                return -1;
        if (len > 0) {
                g_byte_array_append(out, data, (guint)len);
                put_be32(out->data + orig_len, (guint32)(VCTL_RPC_MIN_FRAME + len));
        }
        return 0;
}

int vctl_rpc_encode_stream(GByteArray *out, const vctl_rpc_header *call, const void *data,
                           gsize len)
{
        vctl_rpc_header hdr = *call;

        hdr.type = VCTL_RPC_STREAM;
        hdr.status = len > 0 ? VCTL_RPC_CONTINUE : VCTL_RPC_OK;
        return vctl_rpc_encode_raw(out, &hdr, data, len, 0);
}

int vctl_rpc_encode_stream_error(GByteArray *out, const vctl_rpc_header *call,
                                 const vctl_error *err)
{
        guint orig_len = out->len;

        if (vctl_rpc_encode_error(out, call, err, 0) < 0)
                return -1;
        /* the header's type word: STREAM instead of REPLY */
        put_be32(out->data + orig_len + 16, VCTL_RPC_STREAM);
        return 0;
}

int vctl_rpc_decode_body(const guint8 *body, gsize body_len, xdrproc_t proc, void *data,
                         gsize data_size)
{
        XDR xdr;
        gboolean ok;
        u_int used;

        if (!proc) {
                if (body_len == 0)
                        return 0;
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("cannot decode a %zu-byte message body: this message "
                                        "carries none"),
                                      body_len);
        }
        memset(data, 0, data_size);
        if (body_len > G_MAXUINT32)
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("cannot decode a %zu-byte message body: too large"),
                                      body_len);
        xdrmem_create(&xdr, (char *)body, (u_int)body_len, XDR_DECODE);
        ok = proc(&xdr, data);
        used = xdr_getpos(&xdr);
        xdr_destroy(&xdr);
        if (!ok) {
                xdr_free(proc, data);
                memset(data, 0, data_size);
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("cannot decode a %zu-byte message body: malformed XDR, or "
                                        "a string or array over its limit"),
                                      body_len);
        }
        if (used != body_len) {
                xdr_free(proc, data);
                memset(data, 0, data_size);
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("cannot decode a %zu-byte message body: %zu bytes left "
                                        "over after the arguments"),
                                      body_len, body_len - used);
        }
        return 0;
}

int vctl_rpc_msg_decode(const vctl_rpc_msg *msg, xdrproc_t proc, void *data, gsize data_size)
{
        if (vctl_rpc_decode_body(msg->body, msg->body_len, proc, data, data_size) < 0) {
                const char *name = msg->header.prog == REMOTE_PROGRAM
                                           ? vctl_rpc_proc_name(msg->header.proc)
                                           : NULL;
                g_autofree char *cause = g_strdup(vctl_error_message());

                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC, _("procedure %d%s%s%s: %s"),
                                      msg->header.proc, name ? " (" : "", name ? name : "",
                                      name ? ")" : "", cause);
        }
        return 0;
}

int vctl_rpc_msg_check(const vctl_rpc_msg *msg, guint32 prog, guint32 vers)
{
        const vctl_rpc_header *h = &msg->header;

        if (h->prog != prog)
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("message for unknown program 0x%x (expected 0x%x)"),
                                      h->prog, prog);
        if (h->vers != vers)
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("program 0x%x: protocol version %u is not supported "
                                        "(expected %u)"),
                                      h->prog, h->vers, vers);
        if (h->type < VCTL_RPC_CALL || h->type > VCTL_RPC_STREAM_HOLE)
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("procedure %d: unknown message type %d"), h->proc, h->type);
        if (h->status < VCTL_RPC_OK || h->status > VCTL_RPC_CONTINUE)
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("procedure %d: unknown message status %d"), h->proc,
                                      h->status);
        return 0;
}

vctl_rpc_reader *vctl_rpc_reader_new(guint32 max_message)
{
        vctl_rpc_reader *reader = g_new0(vctl_rpc_reader, 1);

        reader->max_message = effective_max(max_message);
        g_queue_init(&reader->done);
        return reader;
}

void vctl_rpc_reader_free(vctl_rpc_reader *reader)
{
        if (!reader)
                return;
        if (reader->frame)
                g_byte_array_unref(reader->frame);
        g_queue_clear_full(&reader->done, (GDestroyNotify)vctl_rpc_msg_free);
        vctl_error_free(reader->failed);
        g_free(reader);
}

static int reader_fail(vctl_rpc_reader *reader)
{
        reader->failed = vctl_error_copy(vctl_error_last());
        return -1;
}

static void reader_complete(vctl_rpc_reader *reader)
{
        vctl_rpc_msg *msg = g_new0(vctl_rpc_msg, 1);
        gsize len = reader->frame->len;
        const guint8 *p;

        msg->storage = g_byte_array_free(reader->frame, FALSE);
        reader->frame = NULL;
        p = msg->storage;
        msg->header.prog = get_be32(p);
        msg->header.vers = get_be32(p + 4);
        msg->header.proc = (gint32)get_be32(p + 8);
        msg->header.type = (gint32)get_be32(p + 12);
        msg->header.serial = get_be32(p + 16);
        msg->header.status = (gint32)get_be32(p + 20);
        msg->body = p + VCTL_RPC_HEADER_LEN;
        msg->body_len = len - VCTL_RPC_HEADER_LEN;
        reader->len_have = 0;
        g_queue_push_tail(&reader->done, msg);
}

int vctl_rpc_reader_feed(vctl_rpc_reader *reader, const guint8 *data, gsize len)
{
        if (reader->failed) {
                vctl_error_restore(reader->failed);
                return -1;
        }
        while (len > 0) {
                gsize n;

                if (!reader->frame) {
                        guint32 total;

                        n = MIN(len, VCTL_RPC_LEN_LEN - reader->len_have);
                        memcpy(reader->len_buf + reader->len_have, data, n);
                        reader->len_have += n;
                        data += n;
                        len -= n;
                        if (reader->len_have < VCTL_RPC_LEN_LEN)
                                break;
                        total = get_be32(reader->len_buf);
                        if (total < VCTL_RPC_MIN_FRAME) {
                                vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                               _("message length %u is too small: a message is "
                                                 "at least %u bytes"),
                                               total, VCTL_RPC_MIN_FRAME);
                                return reader_fail(reader);
                        }
                        if (total - VCTL_RPC_LEN_LEN > reader->max_message) {
                                vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                               _("message length %u is too large: the limit is "
                                                 "%u bytes"),
                                               total, reader->max_message + VCTL_RPC_LEN_LEN);
                                return reader_fail(reader);
                        }
                        reader->frame_want = total - VCTL_RPC_LEN_LEN;
                        /* grow with the data that really arrives, not the announced length */
                        reader->frame = g_byte_array_sized_new(MIN(reader->frame_want, 65536));
                }
                n = MIN(len, reader->frame_want - reader->frame->len);
                g_byte_array_append(reader->frame, data, (guint)n);
                data += n;
                len -= n;
                if (reader->frame->len == reader->frame_want)
                        reader_complete(reader);
        }
        return (int)MIN(g_queue_get_length(&reader->done), (guint)G_MAXINT);
}

vctl_rpc_msg *vctl_rpc_reader_pop(vctl_rpc_reader *reader)
{
        return g_queue_pop_head(&reader->done);
}

int vctl_rpc_reader_finish(vctl_rpc_reader *reader)
{
        if (reader->failed) {
                vctl_error_restore(reader->failed);
                return -1;
        }
        if (reader->frame)
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("connection closed in the middle of a message (%u of %zu "
                                        "bytes received)"),
                                      (guint)(reader->frame->len + VCTL_RPC_LEN_LEN),
                                      reader->frame_want + VCTL_RPC_LEN_LEN);
        if (reader->len_have > 0)
                return vctl_error_set(VCTL_ERR_RPC, VCTL_FROM_RPC,
                                      _("connection closed in the middle of a message (%zu of 4 "
                                        "length bytes received)"),
                                      reader->len_have);
        return 0;
}

int vctl_rpc_encode_error(GByteArray *out, const vctl_rpc_header *call, const vctl_error *err,
                          guint32 max_message)
{
        vctl_rpc_header hdr = *call;
        remote_error rerr = {0};
        char *message = err && err->message ? err->message : (char *)_("unknown error");

        hdr.type = VCTL_RPC_REPLY;
        hdr.status = VCTL_RPC_ERROR;
        rerr.code = err ? err->code : VCTL_ERR_INTERNAL_ERROR;
        rerr.domain = err ? err->domain : VCTL_FROM_NONE;
        rerr.message = &message;
        rerr.level = VCTL_RPC_ERROR_LEVEL;
        return vctl_rpc_encode(out, &hdr, (xdrproc_t)xdr_remote_error, &rerr, max_message);
}

int vctl_rpc_msg_decode_error(const vctl_rpc_msg *msg, vctl_error **ret_err)
{
        remote_error rerr;

        if (vctl_rpc_msg_decode(msg, (xdrproc_t)xdr_remote_error, &rerr, sizeof(rerr)) < 0)
                return -1;
        *ret_err = vctl_error_new(rerr.code, rerr.domain, rerr.message ? *rerr.message : NULL);
        xdr_free((xdrproc_t)xdr_remote_error, &rerr);
        return 0;
}

vctl_error *vctl_rpc_error_unsupported(const vctl_rpc_header *call)
{
        const char *name = call->prog == REMOTE_PROGRAM ? vctl_rpc_proc_name(call->proc) : NULL;
        g_autofree char *message = NULL;

        if (call->prog != REMOTE_PROGRAM && call->prog != KEEPALIVE_PROGRAM)
                message = g_strdup_printf("program 0x%x is not supported by vctld", call->prog);
        else if (name)
                message = g_strdup_printf("procedure %d (%s) is not supported by vctld", call->proc,
                                          name);
        else
                message = g_strdup_printf("procedure %d is not supported by vctld", call->proc);
        return vctl_error_new(VCTL_ERR_NO_SUPPORT, VCTL_FROM_RPC, message);
}

int vctl_rpc_encode_unsupported(GByteArray *out, const vctl_rpc_header *call, guint32 max_message)
{
        g_autoptr(vctl_error) err = vctl_rpc_error_unsupported(call);

        return vctl_rpc_encode_error(out, call, err, max_message);
}

int vctl_rpc_encode_keepalive(GByteArray *out, int proc)
{
        vctl_rpc_header hdr = {
                .prog = KEEPALIVE_PROGRAM,
                .vers = KEEPALIVE_PROTOCOL_VERSION,
                .proc = proc,
                .type = VCTL_RPC_MESSAGE,
                .serial = 0,
                .status = VCTL_RPC_OK,
        };

        return vctl_rpc_encode(out, &hdr, NULL, NULL, 0);
}

#define PROC_NONE(p)                                                                               \
        {                                                                                          \
                REMOTE_PROC_##p, #p, NULL, 0, NULL, 0                                              \
        }
#define PROC_ARGS(p, a)                                                                            \
        {                                                                                          \
                REMOTE_PROC_##p, #p, (xdrproc_t)xdr_remote_##a##_args, sizeof(remote_##a##_args),  \
                        NULL, 0                                                                    \
        }
#define PROC_RET(p, r)                                                                             \
        {                                                                                          \
                REMOTE_PROC_##p, #p, NULL, 0, (xdrproc_t)xdr_remote_##r##_ret,                     \
                        sizeof(remote_##r##_ret)                                                   \
        }
#define PROC_BOTH(p, s)                                                                            \
        {                                                                                          \
                REMOTE_PROC_##p, #p, (xdrproc_t)xdr_remote_##s##_args, sizeof(remote_##s##_args),  \
                        (xdrproc_t)xdr_remote_##s##_ret, sizeof(remote_##s##_ret)                  \
        }

/* Sorted by number, so lookups can bisect. */
static const vctl_rpc_proc_info procs[] = {
        PROC_ARGS(CONNECT_OPEN, connect_open),
        PROC_NONE(CONNECT_CLOSE),
        PROC_RET(CONNECT_GET_TYPE, connect_get_type),
        PROC_RET(CONNECT_GET_VERSION, connect_get_version),
        PROC_BOTH(CONNECT_GET_MAX_VCPUS, connect_get_max_vcpus),
        PROC_RET(NODE_GET_INFO, node_get_info),
        PROC_RET(CONNECT_GET_CAPABILITIES, connect_get_capabilities),
        PROC_ARGS(DOMAIN_CREATE, domain_create),
        PROC_BOTH(DOMAIN_CREATE_XML, domain_create_xml),
        PROC_BOTH(DOMAIN_DEFINE_XML, domain_define_xml),
        PROC_ARGS(DOMAIN_DESTROY, domain_destroy),
        PROC_BOTH(DOMAIN_GET_XML_DESC, domain_get_xml_desc),
        PROC_BOTH(DOMAIN_GET_AUTOSTART, domain_get_autostart),
        PROC_BOTH(DOMAIN_GET_INFO, domain_get_info),
        PROC_BOTH(CONNECT_LIST_DEFINED_DOMAINS, connect_list_defined_domains),
        PROC_BOTH(DOMAIN_LOOKUP_BY_ID, domain_lookup_by_id),
        PROC_BOTH(DOMAIN_LOOKUP_BY_NAME, domain_lookup_by_name),
        PROC_BOTH(DOMAIN_LOOKUP_BY_UUID, domain_lookup_by_uuid),
        PROC_RET(CONNECT_NUM_OF_DEFINED_DOMAINS, connect_num_of_defined_domains),
        PROC_ARGS(DOMAIN_REBOOT, domain_reboot),
        PROC_ARGS(DOMAIN_RESUME, domain_resume),
        PROC_ARGS(DOMAIN_SET_AUTOSTART, domain_set_autostart),
        PROC_ARGS(DOMAIN_SHUTDOWN, domain_shutdown),
        PROC_ARGS(DOMAIN_SUSPEND, domain_suspend),
        PROC_ARGS(DOMAIN_UNDEFINE, domain_undefine),
        PROC_BOTH(CONNECT_LIST_DEFINED_NETWORKS, connect_list_defined_networks),
        PROC_BOTH(CONNECT_LIST_DOMAINS, connect_list_domains),
        PROC_BOTH(CONNECT_LIST_NETWORKS, connect_list_networks),
        PROC_ARGS(NETWORK_CREATE, network_create),
        PROC_BOTH(NETWORK_CREATE_XML, network_create_xml),
        PROC_BOTH(NETWORK_DEFINE_XML, network_define_xml),
        PROC_ARGS(NETWORK_DESTROY, network_destroy),
        PROC_BOTH(NETWORK_GET_XML_DESC, network_get_xml_desc),
        PROC_BOTH(NETWORK_GET_AUTOSTART, network_get_autostart),
        PROC_BOTH(NETWORK_GET_BRIDGE_NAME, network_get_bridge_name),
        PROC_BOTH(NETWORK_LOOKUP_BY_NAME, network_lookup_by_name),
        PROC_BOTH(NETWORK_LOOKUP_BY_UUID, network_lookup_by_uuid),
        PROC_ARGS(NETWORK_SET_AUTOSTART, network_set_autostart),
        PROC_ARGS(NETWORK_UNDEFINE, network_undefine),
        PROC_RET(CONNECT_NUM_OF_DEFINED_NETWORKS, connect_num_of_defined_networks),
        PROC_RET(CONNECT_NUM_OF_DOMAINS, connect_num_of_domains),
        PROC_RET(CONNECT_NUM_OF_NETWORKS, connect_num_of_networks),
        PROC_RET(CONNECT_GET_HOSTNAME, connect_get_hostname),
        PROC_BOTH(CONNECT_SUPPORTS_FEATURE, connect_supports_feature),
        PROC_RET(AUTH_LIST, auth_list),
        PROC_RET(AUTH_POLKIT, auth_polkit),
        PROC_RET(CONNECT_GET_URI, connect_get_uri),
        PROC_RET(CONNECT_IS_SECURE, connect_is_secure),
        PROC_BOTH(DOMAIN_IS_ACTIVE, domain_is_active),
        PROC_BOTH(DOMAIN_IS_PERSISTENT, domain_is_persistent),
        PROC_BOTH(NETWORK_IS_ACTIVE, network_is_active),
        PROC_BOTH(NETWORK_IS_PERSISTENT, network_is_persistent),
        PROC_RET(CONNECT_GET_LIB_VERSION, connect_get_lib_version),
        PROC_BOTH(DOMAIN_CREATE_WITH_FLAGS, domain_create_with_flags),
        PROC_ARGS(DOMAIN_OPEN_CONSOLE, domain_open_console),
        PROC_BOTH(DOMAIN_GET_STATE, domain_get_state),
        PROC_ARGS(DOMAIN_UNDEFINE_FLAGS, domain_undefine_flags),
        PROC_ARGS(DOMAIN_DESTROY_FLAGS, domain_destroy_flags),
        PROC_ARGS(DOMAIN_RESET, domain_reset),
        PROC_ARGS(DOMAIN_SHUTDOWN_FLAGS, domain_shutdown_flags),
        PROC_BOTH(CONNECT_LIST_ALL_DOMAINS, connect_list_all_domains),
        PROC_BOTH(CONNECT_LIST_ALL_NETWORKS, connect_list_all_networks),
        PROC_BOTH(CONNECT_NETWORK_EVENT_REGISTER_ANY, connect_network_event_register_any),
        PROC_ARGS(CONNECT_NETWORK_EVENT_DEREGISTER_ANY, connect_network_event_deregister_any),
        /* an event, sent as a MESSAGE whose body is the _msg struct */
        {REMOTE_PROC_NETWORK_EVENT_LIFECYCLE, "NETWORK_EVENT_LIFECYCLE",
         (xdrproc_t)xdr_remote_network_event_lifecycle_msg,
         sizeof(remote_network_event_lifecycle_msg), NULL, 0},
        PROC_BOTH(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                  connect_domain_event_callback_register_any),
        PROC_ARGS(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                  connect_domain_event_callback_deregister_any),
        /* an event: the server sends it as a MESSAGE whose body is the _msg struct */
        {REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, "DOMAIN_EVENT_CALLBACK_LIFECYCLE",
         (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
         sizeof(remote_domain_event_callback_lifecycle_msg), NULL, 0},
        PROC_BOTH(NETWORK_GET_DHCP_LEASES, network_get_dhcp_leases),
        PROC_BOTH(CONNECT_GET_DOMAIN_CAPABILITIES, connect_get_domain_capabilities),
        PROC_BOTH(DOMAIN_DEFINE_XML_FLAGS, domain_define_xml_flags),
        PROC_BOTH(DOMAIN_INTERFACE_ADDRESSES, domain_interface_addresses),
        PROC_NONE(CONNECT_REGISTER_CLOSE_CALLBACK),
        PROC_NONE(CONNECT_UNREGISTER_CLOSE_CALLBACK),
};

/* Storage pools and volumes. */
static const vctl_rpc_proc_info procs_storage[] = {
        PROC_RET(CONNECT_NUM_OF_STORAGE_POOLS, connect_num_of_storage_pools),
        PROC_BOTH(CONNECT_LIST_STORAGE_POOLS, connect_list_storage_pools),
        PROC_RET(CONNECT_NUM_OF_DEFINED_STORAGE_POOLS, connect_num_of_defined_storage_pools),
        PROC_BOTH(CONNECT_LIST_DEFINED_STORAGE_POOLS, connect_list_defined_storage_pools),
        PROC_BOTH(STORAGE_POOL_CREATE_XML, storage_pool_create_xml),
        PROC_BOTH(STORAGE_POOL_DEFINE_XML, storage_pool_define_xml),
        PROC_ARGS(STORAGE_POOL_CREATE, storage_pool_create),
        PROC_ARGS(STORAGE_POOL_BUILD, storage_pool_build),
        PROC_ARGS(STORAGE_POOL_DESTROY, storage_pool_destroy),
        PROC_ARGS(STORAGE_POOL_DELETE, storage_pool_delete),
        PROC_ARGS(STORAGE_POOL_UNDEFINE, storage_pool_undefine),
        PROC_ARGS(STORAGE_POOL_REFRESH, storage_pool_refresh),
        PROC_BOTH(STORAGE_POOL_LOOKUP_BY_NAME, storage_pool_lookup_by_name),
        PROC_BOTH(STORAGE_POOL_LOOKUP_BY_UUID, storage_pool_lookup_by_uuid),
        PROC_BOTH(STORAGE_POOL_LOOKUP_BY_VOLUME, storage_pool_lookup_by_volume),
        PROC_BOTH(STORAGE_POOL_GET_INFO, storage_pool_get_info),
        PROC_BOTH(STORAGE_POOL_GET_XML_DESC, storage_pool_get_xml_desc),
        PROC_BOTH(STORAGE_POOL_GET_AUTOSTART, storage_pool_get_autostart),
        PROC_ARGS(STORAGE_POOL_SET_AUTOSTART, storage_pool_set_autostart),
        PROC_BOTH(STORAGE_POOL_NUM_OF_VOLUMES, storage_pool_num_of_volumes),
        PROC_BOTH(STORAGE_POOL_LIST_VOLUMES, storage_pool_list_volumes),
        PROC_BOTH(STORAGE_VOL_CREATE_XML, storage_vol_create_xml),
        PROC_ARGS(STORAGE_VOL_DELETE, storage_vol_delete),
        PROC_BOTH(STORAGE_VOL_LOOKUP_BY_NAME, storage_vol_lookup_by_name),
        PROC_BOTH(STORAGE_VOL_LOOKUP_BY_KEY, storage_vol_lookup_by_key),
        PROC_BOTH(STORAGE_VOL_LOOKUP_BY_PATH, storage_vol_lookup_by_path),
        PROC_BOTH(STORAGE_VOL_GET_INFO, storage_vol_get_info),
        PROC_BOTH(STORAGE_VOL_GET_XML_DESC, storage_vol_get_xml_desc),
        PROC_BOTH(STORAGE_VOL_GET_PATH, storage_vol_get_path),
        PROC_BOTH(STORAGE_VOL_CREATE_XML_FROM, storage_vol_create_xml_from),
        PROC_BOTH(STORAGE_POOL_IS_ACTIVE, storage_pool_is_active),
        PROC_BOTH(STORAGE_POOL_IS_PERSISTENT, storage_pool_is_persistent),
        PROC_ARGS(STORAGE_VOL_WIPE, storage_vol_wipe),
        PROC_ARGS(STORAGE_VOL_RESIZE, storage_vol_resize),
        PROC_BOTH(CONNECT_LIST_ALL_STORAGE_POOLS, connect_list_all_storage_pools),
        PROC_BOTH(STORAGE_POOL_LIST_ALL_VOLUMES, storage_pool_list_all_volumes),
};

/* Every group of procedures; merged into one table sorted by number. */
static const struct {
        const vctl_rpc_proc_info *procs;
        gsize n;
} proc_groups[] = {
        {procs, G_N_ELEMENTS(procs)},
        {procs_storage, G_N_ELEMENTS(procs_storage)},
};

static gint proc_info_cmp(gconstpointer a, gconstpointer b)
{
        const vctl_rpc_proc_info *x = a, *y = b;

        return x->proc < y->proc ? -1 : x->proc > y->proc;
}

static const vctl_rpc_proc_info *proc_table(gsize *ret_count)
{
        static vctl_rpc_proc_info *table;
        static gsize count;

        if (g_once_init_enter(&table)) {
                gsize n = 0;
                vctl_rpc_proc_info *t;

                for (gsize i = 0; i < G_N_ELEMENTS(proc_groups); i++)
                        n += proc_groups[i].n;
                t = g_new(vctl_rpc_proc_info, n);
                n = 0;
                for (gsize i = 0; i < G_N_ELEMENTS(proc_groups); i++)
                        for (gsize j = 0; j < proc_groups[i].n; j++)
                                t[n++] = proc_groups[i].procs[j];
                qsort(t, n, sizeof(*t), proc_info_cmp);
                count = n;
                g_once_init_leave(&table, t);
        }
        *ret_count = count;
        return table;
}

const vctl_rpc_proc_info *vctl_rpc_procs(gsize *ret_count)
{
        return proc_table(ret_count);
}

const vctl_rpc_proc_info *vctl_rpc_proc_lookup(int proc)
{
        gsize n;
        const vctl_rpc_proc_info *t = proc_table(&n);
        gsize lo = 0, hi = n;

        while (lo < hi) {
                gsize mid = lo + (hi - lo) / 2;

                if (t[mid].proc == proc)
                        return &t[mid];
                if (t[mid].proc < proc)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return NULL;
}

const char *vctl_rpc_proc_name(int proc)
{
        const vctl_rpc_proc_info *info = vctl_rpc_proc_lookup(proc);

        return info ? info->name : NULL;
}
