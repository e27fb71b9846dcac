/* libFuzzer: libvirt's remote protocol as vctld and libvctl read it
 * (lib/rpc/message.c). The first byte picks the mode:
 *   bit 0 clear: the frame reader over the rest, fed in pieces whose size
 *     the second byte sets; every complete message is checked and, for the
 *     remote program, its body decoded as the procedure's args (a CALL),
 *     reply (a REPLY) or remote_error (status ERROR);
 *   bit 0 set: the next two bytes pick a declared procedure, bit 1 its args
 *     or its reply, and the rest is that body.
 * A body that decodes must encode again, and that encoding must decode and
 * encode to the same bytes. */
#include "config.h"

#include "tests/fuzz/fuzz.h"
#include "lib/rpc/message.h"

#include <string.h>

static void fuzz_rpc_body(const vctl_rpc_header *hdr, const guint8 *body, gsize len, xdrproc_t proc,
                          gsize size)
{
        g_autofree void *data = g_malloc0(MAX(size, 1));
        g_autofree void *data2 = g_malloc0(MAX(size, 1));
        g_autoptr(GByteArray) out = g_byte_array_new();
        g_autoptr(GByteArray) out2 = g_byte_array_new();

        if (vctl_rpc_decode_body(body, len, proc, data, size) < 0)
                return;
        if (!proc)
                return;
        FUZZ_ASSERT(vctl_rpc_encode(out, hdr, proc, data, 0) == 0);
        xdr_free(proc, data);
        FUZZ_ASSERT(out->len >= VCTL_RPC_MIN_FRAME);
        FUZZ_ASSERT(vctl_rpc_decode_body(out->data + VCTL_RPC_MIN_FRAME,
                                         out->len - VCTL_RPC_MIN_FRAME, proc, data2, size) == 0);
        FUZZ_ASSERT(vctl_rpc_encode(out2, hdr, proc, data2, 0) == 0);
        xdr_free(proc, data2);
        FUZZ_ASSERT(out->len == out2->len && memcmp(out->data, out2->data, out->len) == 0);
}

static void fuzz_rpc_message(const vctl_rpc_msg *msg)
{
        const vctl_rpc_proc_info *info;
        g_autoptr(vctl_error) err = NULL;

        if (vctl_rpc_msg_check(msg, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION) < 0)
                return;
        if (msg->header.status == VCTL_RPC_ERROR) {
                if (vctl_rpc_msg_decode_error(msg, &err) == 0)
                        FUZZ_ASSERT(err != NULL);
                return;
        }
        info = vctl_rpc_proc_lookup(msg->header.proc);
        if (!info) {
                vctl_error *unsupported = vctl_rpc_error_unsupported(&msg->header);

                FUZZ_ASSERT(unsupported != NULL);
                vctl_error_free(unsupported);
                return;
        }
        if (msg->header.type == VCTL_RPC_CALL)
                fuzz_rpc_body(&msg->header, msg->body, msg->body_len, info->args_proc,
                              info->args_size);
        else if (msg->header.type == VCTL_RPC_REPLY)
                fuzz_rpc_body(&msg->header, msg->body, msg->body_len, info->ret_proc,
                              info->ret_size);
}

static void fuzz_rpc_stream(const guint8 *data, gsize size, gsize piece)
{
        /* a small limit, so lengths beyond it are reachable */
        g_autoptr(vctl_rpc_reader) reader = vctl_rpc_reader_new(65536);
        gsize off = 0;
        int r = 0;

        while (off < size && r >= 0) {
                gsize n = MIN(piece, size - off);
                vctl_rpc_msg *msg;

                r = vctl_rpc_reader_feed(reader, data + off, n);
                off += n;
                while ((msg = vctl_rpc_reader_pop(reader))) {
                        FUZZ_ASSERT(msg->body_len <= 65536);
                        fuzz_rpc_message(msg);
                        vctl_rpc_msg_free(msg);
                }
        }
        if (r >= 0)
                (void)vctl_rpc_reader_finish(reader);
        else
                FUZZ_ASSERT(vctl_rpc_reader_feed(reader, (const guint8 *)"x", 1) < 0);
}

FUZZ_TARGET(rpc)
{
        const vctl_rpc_proc_info *procs, *info;
        vctl_rpc_header hdr = {.prog = REMOTE_PROGRAM, .vers = REMOTE_PROTOCOL_VERSION};
        gsize count;

        fuzz_init_once();
        if (size < 2)
                return 0;
        if (!(data[0] & 1)) {
                fuzz_rpc_stream(data + 2, size - 2, data[1] ? data[1] : size);
                return 0;
        }
        if (size < 3)
                return 0;
        procs = vctl_rpc_procs(&count);
        info = &procs[((gsize)data[1] << 8 | data[2]) % count];
        hdr.proc = info->proc;
        if (data[0] & 2) {
                hdr.type = VCTL_RPC_REPLY;
                fuzz_rpc_body(&hdr, data + 3, size - 3, info->ret_proc, info->ret_size);
        } else {
                fuzz_rpc_body(&hdr, data + 3, size - 3, info->args_proc, info->args_size);
        }
        return 0;
}
