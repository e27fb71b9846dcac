/* libvirt remote protocol messages: framing, the 24-byte header, XDR bodies. */
#pragma once

#include <glib.h>

#include "lib/rpc/vctl_protocol.h"
#include "lib/util/error.h"

/* Largest header + body a peer may send, as libvirt's VIR_NET_MESSAGE_MAX; the
 * 4-byte length word comes on top, so a frame is at most 16 MiB + 4 bytes. */
#define VCTL_RPC_MAX_MESSAGE (16u * 1024u * 1024u)
#define VCTL_RPC_LEN_LEN     4u
#define VCTL_RPC_HEADER_LEN  24u
/* The smallest valid length word: the word itself and a header. */
#define VCTL_RPC_MIN_FRAME (VCTL_RPC_LEN_LEN + VCTL_RPC_HEADER_LEN)
/* virErrorLevel VIR_ERR_ERROR, the level of every error vctl sends. */
#define VCTL_RPC_ERROR_LEVEL 2

typedef enum {
        VCTL_RPC_CALL = 0,
        VCTL_RPC_REPLY = 1,
        VCTL_RPC_MESSAGE = 2,
        VCTL_RPC_STREAM = 3,
        VCTL_RPC_CALL_WITH_FDS = 4,
        VCTL_RPC_REPLY_WITH_FDS = 5,
        VCTL_RPC_STREAM_HOLE = 6,
} vctl_rpc_type;

typedef enum {
        VCTL_RPC_OK = 0,
        VCTL_RPC_ERROR = 1,
        VCTL_RPC_CONTINUE = 2,
} vctl_rpc_status;

typedef struct vctl_rpc_header {
        guint32 prog;
        guint32 vers;
        gint32 proc;
        gint32 type; /* vctl_rpc_type */
        guint32 serial;
        gint32 status; /* vctl_rpc_status */
} vctl_rpc_header;

/* One received message; body points into storage owned by the message. */
typedef struct vctl_rpc_msg {
        vctl_rpc_header header;
        const guint8 *body;
        gsize body_len;
        guint8 *storage;
} vctl_rpc_msg;

void vctl_rpc_msg_free(vctl_rpc_msg *msg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vctl_rpc_msg, vctl_rpc_msg_free)

/* Appends one frame (length word, header, XDR body) to out. proc NULL means an
 * empty body; data is only read. max_message 0 means VCTL_RPC_MAX_MESSAGE.
 * Returns 0, or -1 with a VCTL_ERR_RPC error and out unchanged. */
int vctl_rpc_encode(GByteArray *out, const vctl_rpc_header *hdr, xdrproc_t proc, const void *data,
                    guint32 max_message);

/* Appends one frame whose body is len raw bytes (STREAM data: not XDR). */
int vctl_rpc_encode_raw(GByteArray *out, const vctl_rpc_header *hdr, const void *data, gsize len,
                        guint32 max_message);

/* libvirt streams: data travels as STREAM messages with the opening call's
 * proc and serial, status CONTINUE with raw bytes, status OK and no body at
 * the end (and to confirm a finish or abort), status ERROR with a
 * remote_error body on failure. Largest data chunk a sender puts in one
 * message, as libvirt's VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX. */
#define VCTL_RPC_STREAM_CHUNK (256u * 1024u)
/* A STREAM message for the stream of call (proc, serial): status CONTINUE
 * with data, or OK with none (len 0). */
int vctl_rpc_encode_stream(GByteArray *out, const vctl_rpc_header *call, const void *data,
                           gsize len);
/* A STREAM message with status ERROR carrying err. */
int vctl_rpc_encode_stream_error(GByteArray *out, const vctl_rpc_header *call,
                                 const vctl_error *err);

/* Decodes an XDR body into data (data_size bytes, zeroed first). A NULL proc
 * means the body must be empty (data is then not touched). Every byte of
 * the body must be used. On failure data is released with xdr_free and zeroed
 * again, and -1 is returned with a VCTL_ERR_RPC error. Release a decoded
 * struct with xdr_free(proc, data). */
int vctl_rpc_decode_body(const guint8 *body, gsize body_len, xdrproc_t proc, void *data,
                         gsize data_size);
int vctl_rpc_msg_decode(const vctl_rpc_msg *msg, xdrproc_t proc, void *data, gsize data_size);

/* Refuses (VCTL_ERR_RPC, -1) a message for another program or version, or with
 * a type or status outside the protocol. */
int vctl_rpc_msg_check(const vctl_rpc_msg *msg, guint32 prog, guint32 vers);

/* Incremental decoder for one connection's byte stream. */
typedef struct vctl_rpc_reader vctl_rpc_reader;

/* max_message 0 means VCTL_RPC_MAX_MESSAGE. */
vctl_rpc_reader *vctl_rpc_reader_new(guint32 max_message);
void vctl_rpc_reader_free(vctl_rpc_reader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(vctl_rpc_reader, vctl_rpc_reader_free)

/* Takes any number of bytes. A length word below VCTL_RPC_MIN_FRAME or above
 * the limit is refused as soon as its 4 bytes are in, before its body is
 * buffered. Returns the number of complete messages waiting, or -1 with a
 * VCTL_ERR_RPC error; after an error the stream is unusable and every later
 * call fails the same way (drop the connection). */
int vctl_rpc_reader_feed(vctl_rpc_reader *reader, const guint8 *data, gsize len);

/* The oldest complete message (the caller owns it), or NULL. */
vctl_rpc_msg *vctl_rpc_reader_pop(vctl_rpc_reader *reader);

/* Call at end of stream: returns 0 when it ended between messages, or -1 with
 * a VCTL_ERR_RPC error when a message was cut short. */
int vctl_rpc_reader_finish(vctl_rpc_reader *reader);

/* remote_error bodies. A REPLY with status ERROR to call, carrying err
 * (code, domain, message; level VCTL_RPC_ERROR_LEVEL). */
int vctl_rpc_encode_error(GByteArray *out, const vctl_rpc_header *call, const vctl_error *err,
                          guint32 max_message);
/* The error in a remote_error body; -1 with a VCTL_ERR_RPC error when the body
 * cannot be decoded. */
int vctl_rpc_msg_decode_error(const vctl_rpc_msg *msg, vctl_error **ret_err);

/* The error for a procedure vctld does not implement: VCTL_ERR_NO_SUPPORT,
 * "procedure N (NAME) is not supported by vctld". */
vctl_error *vctl_rpc_error_unsupported(const vctl_rpc_header *call);
int vctl_rpc_encode_unsupported(GByteArray *out, const vctl_rpc_header *call, guint32 max_message);

/* A keepalive PING or PONG (KEEPALIVE_PROC_*): a MESSAGE with no body. */
int vctl_rpc_encode_keepalive(GByteArray *out, int proc);

/* What a remote program procedure carries; a NULL proc means no body. */
typedef struct vctl_rpc_proc_info {
        int proc;
        const char *name; /* "DOMAIN_LOOKUP_BY_NAME" */
        xdrproc_t args_proc;
        gsize args_size;
        xdrproc_t ret_proc;
        gsize ret_size;
} vctl_rpc_proc_info;

/* Every REMOTE_PROGRAM procedure declared in vctl_protocol.x, by number. */
const vctl_rpc_proc_info *vctl_rpc_procs(gsize *ret_count);
/* The declared procedure proc, or NULL. */
const vctl_rpc_proc_info *vctl_rpc_proc_lookup(int proc);
/* Its name without the REMOTE_PROC_ prefix, or NULL when not declared. */
const char *vctl_rpc_proc_name(int proc);
