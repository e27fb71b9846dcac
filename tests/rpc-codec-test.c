/* lib/rpc: every declared procedure round-trips; malformed input is refused. */
#include "config.h"

#include "lib/rpc/message.h"

#include <string.h>

/* How a frame reaches the reader: in one chunk, or one byte at a time. */
enum { FEED_CHUNK = 0, FEED_BYTES = 1 };

static guint32 next_serial = 1;

/* Where frame n starts (and frame n - 1 ends) in buf, from the length words. */
static guint frame_bytes(const GByteArray *buf, int n)
{
        guint off = 0;

        for (int i = 0; i < n; i++) {
                guint32 len;

                g_assert_cmpuint(off + 4, <=, buf->len);
                memcpy(&len, buf->data + off, 4);
                off += GUINT32_FROM_BE(len);
        }
        return off;
}

static void feed_all(vctl_rpc_reader *reader, const GByteArray *buf, int mode, int expect_msgs)
{
        if (mode == FEED_CHUNK) {
                g_assert_cmpint(vctl_rpc_reader_feed(reader, buf->data, buf->len), ==, expect_msgs);
                return;
        }
        int done = 0;

        for (guint i = 0; i < buf->len; i++) {
                int rc = vctl_rpc_reader_feed(reader, buf->data + i, 1);

                g_assert_cmpint(rc, >=, done);
                g_assert_cmpint(rc, <=, done + 1);
                /* a frame completes exactly on its last byte */
                if (rc > done)
                        g_assert_cmpuint(i + 1, ==, frame_bytes(buf, rc));
                done = rc;
        }
        g_assert_cmpint(done, ==, expect_msgs);
}

/* Encodes in as the body of (proc, type), reads it back through a reader and
 * decodes it into a new struct, checking the header on the way. */
static gpointer roundtrip(int mode, int proc, int type, xdrproc_t xproc, const void *in, gsize size)
{
        vctl_rpc_header hdr = {
                .prog = REMOTE_PROGRAM,
                .vers = REMOTE_PROTOCOL_VERSION,
                .proc = proc,
                .type = type,
                .serial = next_serial++,
                .status = VCTL_RPC_OK,
        };
        g_autoptr(GByteArray) buf = g_byte_array_new();
        g_autoptr(vctl_rpc_reader) reader = vctl_rpc_reader_new(0);
        g_autoptr(vctl_rpc_msg) msg = NULL;
        gpointer out = g_malloc0(size);

        g_assert_cmpint(vctl_rpc_encode(buf, &hdr, xproc, in, 0), ==, 0);
        g_assert_cmpuint(buf->len, >=, VCTL_RPC_MIN_FRAME);
        g_assert_cmpuint(buf->len % 4, ==, 0);
        feed_all(reader, buf, mode, 1);
        msg = vctl_rpc_reader_pop(reader);
        g_assert_nonnull(msg);
        g_assert_null(vctl_rpc_reader_pop(reader));
        g_assert_cmpint(vctl_rpc_reader_finish(reader), ==, 0);
        g_assert_cmpint(vctl_rpc_msg_check(msg, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION), ==, 0);
        g_assert_cmpuint(msg->header.prog, ==, hdr.prog);
        g_assert_cmpuint(msg->header.vers, ==, hdr.vers);
        g_assert_cmpint(msg->header.proc, ==, proc);
        g_assert_cmpint(msg->header.type, ==, type);
        g_assert_cmpuint(msg->header.serial, ==, hdr.serial);
        g_assert_cmpint(msg->header.status, ==, VCTL_RPC_OK);
        g_assert_cmpuint(msg->body_len, ==, buf->len - VCTL_RPC_MIN_FRAME);
        g_assert_cmpint(vctl_rpc_msg_decode(msg, xproc, out, size), ==, 0);
        return out;
}

static const vctl_rpc_proc_info *info_of(int proc)
{
        const vctl_rpc_proc_info *info = vctl_rpc_proc_lookup(proc);

        g_assert_nonnull(info);
        g_assert_cmpint(info->proc, ==, proc);
        return info;
}

/* The args of proc, through the procedure table's own codec. */
#define ARGS_RT(mode, proc, inp)                                                                   \
        ({                                                                                         \
                const vctl_rpc_proc_info *i_ = info_of(proc);                                      \
                g_assert_nonnull(i_->args_proc);                                                   \
                g_assert_cmpuint(i_->args_size, ==, sizeof(*(inp)));                               \
                (typeof(inp))roundtrip(mode, proc,                                                 \
                                       (proc) == REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE       \
                                               ? VCTL_RPC_MESSAGE                                  \
                                               : VCTL_RPC_CALL,                                    \
                                       i_->args_proc, inp, sizeof(*(inp)));                        \
        })
#define RET_RT(mode, proc, inp)                                                                    \
        ({                                                                                         \
                const vctl_rpc_proc_info *i_ = info_of(proc);                                      \
                g_assert_nonnull(i_->ret_proc);                                                    \
                g_assert_cmpuint(i_->ret_size, ==, sizeof(*(inp)));                                \
                (typeof(inp))roundtrip(mode, proc, VCTL_RPC_REPLY, i_->ret_proc, inp,              \
                                       sizeof(*(inp)));                                            \
        })
#define ARGS_FREE(proc, out)                                                                       \
        do {                                                                                       \
                xdr_free(info_of(proc)->args_proc, (char *)(out));                                 \
                g_free(out);                                                                       \
        } while (0)
#define RET_FREE(proc, out)                                                                        \
        do {                                                                                       \
                xdr_free(info_of(proc)->ret_proc, (char *)(out));                                  \
                g_free(out);                                                                       \
        } while (0)

static char name_web[] = "web1";
static char name_utf8[] = "g\xc3\xa4st-\xe2\x98\x83";
static char xml_doc[] = "<domain type='kvm'>\n  <name>web1</name>\n  <memory unit='KiB'>"
                        "1048576</memory>\n  <description>a &amp; b</description>\n</domain>\n";
static char uri_sys[] = "qemu:///system";

static void fill_dom(remote_nonnull_domain *d, int seed)
{
        d->name = seed % 2 ? name_web : name_utf8;
        for (int i = 0; i < REMOTE_UUID_BUFLEN; i++)
                d->uuid[i] = (char)(seed * 31 + i * 17 + 0x80);
        d->id = seed % 3 ? seed * 1000 + 7 : -1;
}

static void assert_dom_eq(const remote_nonnull_domain *a, const remote_nonnull_domain *b)
{
        g_assert_cmpstr(a->name, ==, b->name);
        g_assert_cmpmem(a->uuid, REMOTE_UUID_BUFLEN, b->uuid, REMOTE_UUID_BUFLEN);
        g_assert_cmpint(a->id, ==, b->id);
}

static void assert_opt_str_eq(const remote_string a, const remote_string b)
{
        g_assert_true((a == NULL) == (b == NULL));
        if (a)
                g_assert_cmpstr(*a, ==, *b);
}

/* Procedures whose args are exactly { remote_nonnull_domain dom; }. */
#define DOM_ARGS_CASE(fname, PROC, T)                                                              \
        static void fname(int mode)                                                                \
        {                                                                                          \
                T in = {0};                                                                        \
                T *out;                                                                            \
                fill_dom(&in.dom, PROC);                                                           \
                out = ARGS_RT(mode, PROC, &in);                                                    \
                assert_dom_eq(&in.dom, &out->dom);                                                 \
                ARGS_FREE(PROC, out);                                                              \
        }
/* Procedures whose args are { remote_nonnull_domain dom; unsigned int flags; }. */
#define DOM_FLAGS_ARGS_CASE(fname, PROC, T)                                                        \
        static void fname(int mode)                                                                \
        {                                                                                          \
                T in = {0};                                                                        \
                T *out;                                                                            \
                fill_dom(&in.dom, PROC);                                                           \
                in.flags = 0x80000001u | (PROC);                                                   \
                out = ARGS_RT(mode, PROC, &in);                                                    \
                assert_dom_eq(&in.dom, &out->dom);                                                 \
                g_assert_cmpuint(in.flags, ==, out->flags);                                        \
                ARGS_FREE(PROC, out);                                                              \
        }
/* A ret of { remote_nonnull_domain dom; }. */
#define DOM_RET(mode, PROC, T)                                                                     \
        do {                                                                                       \
                T rin = {0};                                                                       \
                T *rout;                                                                           \
                fill_dom(&rin.dom, (PROC) + 1);                                                    \
                rout = RET_RT(mode, PROC, &rin);                                                   \
                assert_dom_eq(&rin.dom, &rout->dom);                                               \
                RET_FREE(PROC, rout);                                                              \
        } while (0)
/* A ret of one int field. */
#define INT_RET(mode, PROC, T, field, value)                                                       \
        do {                                                                                       \
                T rin = {0};                                                                       \
                T *rout;                                                                           \
                rin.field = (value);                                                               \
                rout = RET_RT(mode, PROC, &rin);                                                   \
                g_assert_cmpint(rin.field, ==, rout->field);                                       \
                RET_FREE(PROC, rout);                                                              \
        } while (0)
/* A ret of one remote_nonnull_string field. */
#define STR_RET(mode, PROC, T, field, value)                                                       \
        do {                                                                                       \
                T rin = {0};                                                                       \
                T *rout;                                                                           \
                rin.field = (value);                                                               \
                rout = RET_RT(mode, PROC, &rin);                                                   \
                g_assert_cmpstr(rin.field, ==, rout->field);                                       \
                RET_FREE(PROC, rout);                                                              \
        } while (0)
/* A procedure with no args and no ret: an empty body both ways. */
#define EMPTY_CASE(fname, PROC)                                                                    \
        static void fname(int mode)                                                                \
        {                                                                                          \
                const vctl_rpc_proc_info *info = info_of(PROC);                                    \
                g_autofree char *none = NULL;                                                      \
                g_assert_null(info->args_proc);                                                    \
                g_assert_null(info->ret_proc);                                                     \
                none = roundtrip(mode, PROC, VCTL_RPC_CALL, NULL, NULL, 1);                        \
                g_free(g_steal_pointer(&none));                                                    \
                none = roundtrip(mode, PROC, VCTL_RPC_REPLY, NULL, NULL, 1);                       \
        }

static void case_connect_open(int mode)
{
        char *name = uri_sys;
        remote_connect_open_args in = {.name = &name, .flags = 1};
        remote_connect_open_args *out = ARGS_RT(mode, REMOTE_PROC_CONNECT_OPEN, &in);

        assert_opt_str_eq(in.name, out->name);
        g_assert_cmpuint(out->flags, ==, 1);
        ARGS_FREE(REMOTE_PROC_CONNECT_OPEN, out);

        in.name = NULL; /* libvirt allows a NULL URI: the default connection */
        in.flags = 0;
        out = ARGS_RT(mode, REMOTE_PROC_CONNECT_OPEN, &in);
        g_assert_null(out->name);
        g_assert_cmpuint(out->flags, ==, 0);
        ARGS_FREE(REMOTE_PROC_CONNECT_OPEN, out);
}

EMPTY_CASE(case_connect_close, REMOTE_PROC_CONNECT_CLOSE)

static void case_connect_get_type(int mode)
{
        g_assert_null(info_of(REMOTE_PROC_CONNECT_GET_TYPE)->args_proc);
        STR_RET(mode, REMOTE_PROC_CONNECT_GET_TYPE, remote_connect_get_type_ret, type,
                (char *)"QEMU");
}

static void case_connect_get_version(int mode)
{
        remote_connect_get_version_ret in = {.hv_ver = G_GUINT64_CONSTANT(0xfedcba9876543210)};
        remote_connect_get_version_ret *out = RET_RT(mode, REMOTE_PROC_CONNECT_GET_VERSION, &in);

        g_assert_cmphex(out->hv_ver, ==, in.hv_ver);
        RET_FREE(REMOTE_PROC_CONNECT_GET_VERSION, out);
}

static void case_connect_get_max_vcpus(int mode)
{
        char *type = (char *)"kvm";
        remote_connect_get_max_vcpus_args in = {.type = &type};
        remote_connect_get_max_vcpus_args *out =
                ARGS_RT(mode, REMOTE_PROC_CONNECT_GET_MAX_VCPUS, &in);

        assert_opt_str_eq(in.type, out->type);
        ARGS_FREE(REMOTE_PROC_CONNECT_GET_MAX_VCPUS, out);
        in.type = NULL;
        out = ARGS_RT(mode, REMOTE_PROC_CONNECT_GET_MAX_VCPUS, &in);
        g_assert_null(out->type);
        ARGS_FREE(REMOTE_PROC_CONNECT_GET_MAX_VCPUS, out);
        INT_RET(mode, REMOTE_PROC_CONNECT_GET_MAX_VCPUS, remote_connect_get_max_vcpus_ret,
                max_vcpus, 4096);
}

static void case_node_get_info(int mode)
{
        remote_node_get_info_ret in = {
                .memory = G_GUINT64_CONSTANT(263856128),
                .cpus = 64,
                .mhz = 3400,
                .nodes = 2,
                .sockets = 1,
                .cores = 16,
                .threads = 2,
        };
        remote_node_get_info_ret *out;

        g_strlcpy(in.model, "x86_64", sizeof(in.model));
        in.model[31] = 'Z'; /* the field is a fixed 32-byte array, not a C string */
        out = RET_RT(mode, REMOTE_PROC_NODE_GET_INFO, &in);
        g_assert_cmpmem(in.model, sizeof(in.model), out->model, sizeof(out->model));
        g_assert_cmpuint(out->memory, ==, in.memory);
        g_assert_cmpint(out->cpus, ==, 64);
        g_assert_cmpint(out->mhz, ==, 3400);
        g_assert_cmpint(out->nodes, ==, 2);
        g_assert_cmpint(out->sockets, ==, 1);
        g_assert_cmpint(out->cores, ==, 16);
        g_assert_cmpint(out->threads, ==, 2);
        RET_FREE(REMOTE_PROC_NODE_GET_INFO, out);
}

static void case_connect_get_capabilities(int mode)
{
        STR_RET(mode, REMOTE_PROC_CONNECT_GET_CAPABILITIES, remote_connect_get_capabilities_ret,
                capabilities, (char *)"<capabilities><host/></capabilities>");
}

DOM_ARGS_CASE(case_domain_create, REMOTE_PROC_DOMAIN_CREATE, remote_domain_create_args)

static void case_domain_create_xml(int mode)
{
        remote_domain_create_xml_args in = {.xml_desc = xml_doc, .flags = 3};
        remote_domain_create_xml_args *out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_CREATE_XML, &in);

        g_assert_cmpstr(out->xml_desc, ==, xml_doc);
        g_assert_cmpuint(out->flags, ==, 3);
        ARGS_FREE(REMOTE_PROC_DOMAIN_CREATE_XML, out);
        DOM_RET(mode, REMOTE_PROC_DOMAIN_CREATE_XML, remote_domain_create_xml_ret);
}

static void case_domain_define_xml(int mode)
{
        remote_domain_define_xml_args in = {.xml = xml_doc};
        remote_domain_define_xml_args *out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_DEFINE_XML, &in);

        g_assert_cmpstr(out->xml, ==, xml_doc);
        ARGS_FREE(REMOTE_PROC_DOMAIN_DEFINE_XML, out);
        DOM_RET(mode, REMOTE_PROC_DOMAIN_DEFINE_XML, remote_domain_define_xml_ret);
}

DOM_ARGS_CASE(case_domain_destroy, REMOTE_PROC_DOMAIN_DESTROY, remote_domain_destroy_args)

static void case_domain_get_xml_desc(int mode)
{
        remote_domain_get_xml_desc_args in = {.flags = 1 | 2 | 4};
        remote_domain_get_xml_desc_args *out;

        fill_dom(&in.dom, 14);
        out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_GET_XML_DESC, &in);
        assert_dom_eq(&in.dom, &out->dom);
        g_assert_cmpuint(out->flags, ==, 7);
        ARGS_FREE(REMOTE_PROC_DOMAIN_GET_XML_DESC, out);
        STR_RET(mode, REMOTE_PROC_DOMAIN_GET_XML_DESC, remote_domain_get_xml_desc_ret, xml,
                xml_doc);
}

static void case_domain_get_autostart(int mode)
{
        remote_domain_get_autostart_args in = {0};
        remote_domain_get_autostart_args *out;

        fill_dom(&in.dom, 15);
        out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_GET_AUTOSTART, &in);
        assert_dom_eq(&in.dom, &out->dom);
        ARGS_FREE(REMOTE_PROC_DOMAIN_GET_AUTOSTART, out);
        INT_RET(mode, REMOTE_PROC_DOMAIN_GET_AUTOSTART, remote_domain_get_autostart_ret, autostart,
                1);
}

static void case_domain_get_info(int mode)
{
        remote_domain_get_info_args in = {0};
        remote_domain_get_info_args *out;
        remote_domain_get_info_ret rin = {
                .state = 3,
                .maxMem = G_GUINT64_CONSTANT(8388608),
                .memory = G_GUINT64_CONSTANT(4194304),
                .nrVirtCpu = 65535,
                .cpuTime = G_GUINT64_CONSTANT(123456789012345),
        };
        remote_domain_get_info_ret *rout;

        fill_dom(&in.dom, 16);
        out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_GET_INFO, &in);
        assert_dom_eq(&in.dom, &out->dom);
        ARGS_FREE(REMOTE_PROC_DOMAIN_GET_INFO, out);
        rout = RET_RT(mode, REMOTE_PROC_DOMAIN_GET_INFO, &rin);
        g_assert_cmpuint(rout->state, ==, 3);
        g_assert_cmpuint(rout->maxMem, ==, rin.maxMem);
        g_assert_cmpuint(rout->memory, ==, rin.memory);
        g_assert_cmpuint(rout->nrVirtCpu, ==, 65535);
        g_assert_cmpuint(rout->cpuTime, ==, rin.cpuTime);
        RET_FREE(REMOTE_PROC_DOMAIN_GET_INFO, rout);
}

static void case_connect_list_defined_domains(int mode)
{
        char *names[] = {name_web, name_utf8, (char *)"", (char *)"db-2"};
        remote_connect_list_defined_domains_args in = {.maxnames = 16384};
        remote_connect_list_defined_domains_args *out =
                ARGS_RT(mode, REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, &in);
        remote_connect_list_defined_domains_ret rin = {
                .names = {.names_len = G_N_ELEMENTS(names), .names_val = names}};
        remote_connect_list_defined_domains_ret *rout;

        g_assert_cmpint(out->maxnames, ==, 16384);
        ARGS_FREE(REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, out);
        rout = RET_RT(mode, REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, &rin);
        g_assert_cmpuint(rout->names.names_len, ==, G_N_ELEMENTS(names));
        for (guint i = 0; i < G_N_ELEMENTS(names); i++)
                g_assert_cmpstr(rout->names.names_val[i], ==, names[i]);
        RET_FREE(REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, rout);
}

static void case_domain_lookup_by_id(int mode)
{
        remote_domain_lookup_by_id_args in = {.id = 42};
        remote_domain_lookup_by_id_args *out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_LOOKUP_BY_ID, &in);

        g_assert_cmpint(out->id, ==, 42);
        ARGS_FREE(REMOTE_PROC_DOMAIN_LOOKUP_BY_ID, out);
        DOM_RET(mode, REMOTE_PROC_DOMAIN_LOOKUP_BY_ID, remote_domain_lookup_by_id_ret);
}

static void case_domain_lookup_by_name(int mode)
{
        remote_domain_lookup_by_name_args in = {.name = name_utf8};
        remote_domain_lookup_by_name_args *out =
                ARGS_RT(mode, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, &in);

        g_assert_cmpstr(out->name, ==, name_utf8);
        ARGS_FREE(REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, out);
        DOM_RET(mode, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, remote_domain_lookup_by_name_ret);
}

static void case_domain_lookup_by_uuid(int mode)
{
        remote_domain_lookup_by_uuid_args in;
        remote_domain_lookup_by_uuid_args *out;

        for (int i = 0; i < REMOTE_UUID_BUFLEN; i++)
                in.uuid[i] = (char)(0xf0 + i);
        out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, &in);
        g_assert_cmpmem(out->uuid, REMOTE_UUID_BUFLEN, in.uuid, REMOTE_UUID_BUFLEN);
        ARGS_FREE(REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, out);
        DOM_RET(mode, REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, remote_domain_lookup_by_uuid_ret);
}

static void case_connect_num_of_defined_domains(int mode)
{
        INT_RET(mode, REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS,
                remote_connect_num_of_defined_domains_ret, num, 12345);
}

DOM_FLAGS_ARGS_CASE(case_domain_reboot, REMOTE_PROC_DOMAIN_REBOOT, remote_domain_reboot_args)
DOM_ARGS_CASE(case_domain_resume, REMOTE_PROC_DOMAIN_RESUME, remote_domain_resume_args)

static void case_domain_set_autostart(int mode)
{
        remote_domain_set_autostart_args in = {.autostart = 1};
        remote_domain_set_autostart_args *out;

        fill_dom(&in.dom, 29);
        out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_SET_AUTOSTART, &in);
        assert_dom_eq(&in.dom, &out->dom);
        g_assert_cmpint(out->autostart, ==, 1);
        ARGS_FREE(REMOTE_PROC_DOMAIN_SET_AUTOSTART, out);
}

DOM_ARGS_CASE(case_domain_shutdown, REMOTE_PROC_DOMAIN_SHUTDOWN, remote_domain_shutdown_args)
DOM_ARGS_CASE(case_domain_suspend, REMOTE_PROC_DOMAIN_SUSPEND, remote_domain_suspend_args)
DOM_ARGS_CASE(case_domain_undefine, REMOTE_PROC_DOMAIN_UNDEFINE, remote_domain_undefine_args)

static void case_connect_list_domains(int mode)
{
        int ids[] = {1, 7, 65535, G_MAXINT};
        remote_connect_list_domains_args in = {.maxids = 4};
        remote_connect_list_domains_args *out =
                ARGS_RT(mode, REMOTE_PROC_CONNECT_LIST_DOMAINS, &in);
        remote_connect_list_domains_ret rin = {
                .ids = {.ids_len = G_N_ELEMENTS(ids), .ids_val = ids}};
        remote_connect_list_domains_ret *rout;

        g_assert_cmpint(out->maxids, ==, 4);
        ARGS_FREE(REMOTE_PROC_CONNECT_LIST_DOMAINS, out);
        rout = RET_RT(mode, REMOTE_PROC_CONNECT_LIST_DOMAINS, &rin);
        g_assert_cmpmem(rout->ids.ids_val, rout->ids.ids_len * sizeof(int), ids, sizeof(ids));
        RET_FREE(REMOTE_PROC_CONNECT_LIST_DOMAINS, rout);

        rin.ids.ids_len = 0; /* an empty list */
        rin.ids.ids_val = NULL;
        rout = RET_RT(mode, REMOTE_PROC_CONNECT_LIST_DOMAINS, &rin);
        g_assert_cmpuint(rout->ids.ids_len, ==, 0);
        RET_FREE(REMOTE_PROC_CONNECT_LIST_DOMAINS, rout);
}

static void case_connect_num_of_domains(int mode)
{
        INT_RET(mode, REMOTE_PROC_CONNECT_NUM_OF_DOMAINS, remote_connect_num_of_domains_ret, num,
                3);
}

static void case_connect_get_hostname(int mode)
{
        STR_RET(mode, REMOTE_PROC_CONNECT_GET_HOSTNAME, remote_connect_get_hostname_ret, hostname,
                (char *)"hv01.example.org");
}

static void case_connect_supports_feature(int mode)
{
        remote_connect_supports_feature_args in = {.feature = 9};
        remote_connect_supports_feature_args *out =
                ARGS_RT(mode, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, &in);

        g_assert_cmpint(out->feature, ==, 9);
        ARGS_FREE(REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, out);
        INT_RET(mode, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, remote_connect_supports_feature_ret,
                supported, 1);
}

static void case_auth_list(int mode)
{
        remote_auth_type types[] = {REMOTE_AUTH_POLKIT, REMOTE_AUTH_NONE};
        remote_auth_list_ret in = {.types = {.types_len = 2, .types_val = types}};
        remote_auth_list_ret *out = RET_RT(mode, REMOTE_PROC_AUTH_LIST, &in);

        g_assert_cmpuint(out->types.types_len, ==, 2);
        g_assert_cmpint(out->types.types_val[0], ==, REMOTE_AUTH_POLKIT);
        g_assert_cmpint(out->types.types_val[1], ==, REMOTE_AUTH_NONE);
        RET_FREE(REMOTE_PROC_AUTH_LIST, out);
}

static void case_auth_polkit(int mode)
{
        INT_RET(mode, REMOTE_PROC_AUTH_POLKIT, remote_auth_polkit_ret, complete, 1);
}

static void case_connect_get_uri(int mode)
{
        STR_RET(mode, REMOTE_PROC_CONNECT_GET_URI, remote_connect_get_uri_ret, uri, uri_sys);
}

static void case_connect_is_secure(int mode)
{
        INT_RET(mode, REMOTE_PROC_CONNECT_IS_SECURE, remote_connect_is_secure_ret, secure, 1);
}

static void case_domain_is_active(int mode)
{
        remote_domain_is_active_args in = {0};
        remote_domain_is_active_args *out;

        fill_dom(&in.dom, 150);
        out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_IS_ACTIVE, &in);
        assert_dom_eq(&in.dom, &out->dom);
        ARGS_FREE(REMOTE_PROC_DOMAIN_IS_ACTIVE, out);
        INT_RET(mode, REMOTE_PROC_DOMAIN_IS_ACTIVE, remote_domain_is_active_ret, active, 1);
}

static void case_domain_is_persistent(int mode)
{
        remote_domain_is_persistent_args in = {0};
        remote_domain_is_persistent_args *out;

        fill_dom(&in.dom, 151);
        out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_IS_PERSISTENT, &in);
        assert_dom_eq(&in.dom, &out->dom);
        ARGS_FREE(REMOTE_PROC_DOMAIN_IS_PERSISTENT, out);
        INT_RET(mode, REMOTE_PROC_DOMAIN_IS_PERSISTENT, remote_domain_is_persistent_ret, persistent,
                0);
}

static void case_connect_get_lib_version(int mode)
{
        remote_connect_get_lib_version_ret in = {.lib_ver = 9000000};
        remote_connect_get_lib_version_ret *out =
                RET_RT(mode, REMOTE_PROC_CONNECT_GET_LIB_VERSION, &in);

        g_assert_cmpuint(out->lib_ver, ==, 9000000);
        RET_FREE(REMOTE_PROC_CONNECT_GET_LIB_VERSION, out);
}

static void case_domain_create_with_flags(int mode)
{
        remote_domain_create_with_flags_args in = {.flags = 1};
        remote_domain_create_with_flags_args *out;

        fill_dom(&in.dom, 196);
        out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS, &in);
        assert_dom_eq(&in.dom, &out->dom);
        g_assert_cmpuint(out->flags, ==, 1);
        ARGS_FREE(REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS, out);
        DOM_RET(mode, REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS, remote_domain_create_with_flags_ret);
}

static void case_domain_open_console(int mode)
{
        char *dev = (char *)"serial0";
        remote_domain_open_console_args in = {.dev_name = &dev, .flags = 2};
        remote_domain_open_console_args *out;

        fill_dom(&in.dom, 201);
        out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_OPEN_CONSOLE, &in);
        assert_dom_eq(&in.dom, &out->dom);
        assert_opt_str_eq(in.dev_name, out->dev_name);
        g_assert_cmpuint(out->flags, ==, 2);
        ARGS_FREE(REMOTE_PROC_DOMAIN_OPEN_CONSOLE, out);
        in.dev_name = NULL;
        out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_OPEN_CONSOLE, &in);
        g_assert_null(out->dev_name);
        ARGS_FREE(REMOTE_PROC_DOMAIN_OPEN_CONSOLE, out);
}

static void case_domain_get_state(int mode)
{
        remote_domain_get_state_args in = {.flags = 0};
        remote_domain_get_state_args *out;
        remote_domain_get_state_ret rin = {.state = 5, .reason = 7};
        remote_domain_get_state_ret *rout;

        fill_dom(&in.dom, 212);
        out = ARGS_RT(mode, REMOTE_PROC_DOMAIN_GET_STATE, &in);
        assert_dom_eq(&in.dom, &out->dom);
        ARGS_FREE(REMOTE_PROC_DOMAIN_GET_STATE, out);
        rout = RET_RT(mode, REMOTE_PROC_DOMAIN_GET_STATE, &rin);
        g_assert_cmpint(rout->state, ==, 5);
        g_assert_cmpint(rout->reason, ==, 7);
        RET_FREE(REMOTE_PROC_DOMAIN_GET_STATE, rout);
}

DOM_FLAGS_ARGS_CASE(case_domain_undefine_flags, REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS,
                    remote_domain_undefine_flags_args)
DOM_FLAGS_ARGS_CASE(case_domain_destroy_flags, REMOTE_PROC_DOMAIN_DESTROY_FLAGS,
                    remote_domain_destroy_flags_args)
DOM_FLAGS_ARGS_CASE(case_domain_reset, REMOTE_PROC_DOMAIN_RESET, remote_domain_reset_args)
DOM_FLAGS_ARGS_CASE(case_domain_shutdown_flags, REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS,
                    remote_domain_shutdown_flags_args)

static void case_connect_list_all_domains(int mode)
{
        remote_nonnull_domain doms[3];
        remote_connect_list_all_domains_args in = {.need_results = 1, .flags = 1 | 16};
        remote_connect_list_all_domains_args *out;
        remote_connect_list_all_domains_ret rin = {
                .domains = {.domains_len = G_N_ELEMENTS(doms), .domains_val = doms}, .ret = 3};
        remote_connect_list_all_domains_ret *rout;

        for (int i = 0; i < 3; i++)
                fill_dom(&doms[i], i + 1);
        out = ARGS_RT(mode, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, &in);
        g_assert_cmpint(out->need_results, ==, 1);
        g_assert_cmpuint(out->flags, ==, 17);
        ARGS_FREE(REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, out);
        rout = RET_RT(mode, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, &rin);
        g_assert_cmpuint(rout->domains.domains_len, ==, 3);
        for (int i = 0; i < 3; i++)
                assert_dom_eq(&doms[i], &rout->domains.domains_val[i]);
        g_assert_cmpuint(rout->ret, ==, 3);
        RET_FREE(REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, rout);
}

static void case_event_register_any(int mode)
{
        const int proc = REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY;
        remote_nonnull_domain dom;
        remote_connect_domain_event_callback_register_any_args in = {.eventID = 0, .dom = &dom};
        remote_connect_domain_event_callback_register_any_args *out;

        fill_dom(&dom, 316);
        out = ARGS_RT(mode, proc, &in);
        g_assert_cmpint(out->eventID, ==, 0);
        g_assert_nonnull(out->dom);
        assert_dom_eq(&dom, out->dom);
        ARGS_FREE(proc, out);
        in.dom = NULL; /* events of every domain */
        in.eventID = 5;
        out = ARGS_RT(mode, proc, &in);
        g_assert_cmpint(out->eventID, ==, 5);
        g_assert_null(out->dom);
        ARGS_FREE(proc, out);
        INT_RET(mode, proc, remote_connect_domain_event_callback_register_any_ret, callbackID, 77);
}

static void case_event_deregister_any(int mode)
{
        const int proc = REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY;
        remote_connect_domain_event_callback_deregister_any_args in = {.callbackID = 77};
        remote_connect_domain_event_callback_deregister_any_args *out = ARGS_RT(mode, proc, &in);

        g_assert_cmpint(out->callbackID, ==, 77);
        ARGS_FREE(proc, out);
}

static void case_event_lifecycle(int mode)
{
        const int proc = REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE;
        remote_domain_event_callback_lifecycle_msg in = {.callbackID = 3,
                                                         .msg = {.event = 2, .detail = 1}};
        remote_domain_event_callback_lifecycle_msg *out;

        fill_dom(&in.msg.dom, 318);
        out = ARGS_RT(mode, proc, &in);
        g_assert_cmpint(out->callbackID, ==, 3);
        assert_dom_eq(&in.msg.dom, &out->msg.dom);
        g_assert_cmpint(out->msg.event, ==, 2);
        g_assert_cmpint(out->msg.detail, ==, 1);
        ARGS_FREE(proc, out);
        g_assert_null(info_of(proc)->ret_proc);
}

static void case_connect_get_domain_capabilities(int mode)
{
        const int proc = REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES;
        char *emu = (char *)"/usr/bin/qemu-system-x86_64", *arch = (char *)"x86_64",
             *virt = (char *)"kvm";
        remote_connect_get_domain_capabilities_args in = {
                .emulatorbin = &emu, .arch = &arch, .machine = NULL, .virttype = &virt, .flags = 0};
        remote_connect_get_domain_capabilities_args *out = ARGS_RT(mode, proc, &in);

        assert_opt_str_eq(in.emulatorbin, out->emulatorbin);
        assert_opt_str_eq(in.arch, out->arch);
        g_assert_null(out->machine);
        assert_opt_str_eq(in.virttype, out->virttype);
        ARGS_FREE(proc, out);
        STR_RET(mode, proc, remote_connect_get_domain_capabilities_ret, capabilities,
                (char *)"<domainCapabilities/>");
}

static void case_domain_define_xml_flags(int mode)
{
        remote_domain_define_xml_flags_args in = {.xml = xml_doc, .flags = 1};
        remote_domain_define_xml_flags_args *out =
                ARGS_RT(mode, REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS, &in);

        g_assert_cmpstr(out->xml, ==, xml_doc);
        g_assert_cmpuint(out->flags, ==, 1);
        ARGS_FREE(REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS, out);
        DOM_RET(mode, REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS, remote_domain_define_xml_flags_ret);
}

EMPTY_CASE(case_register_close_callback, REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK)
EMPTY_CASE(case_unregister_close_callback, REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK)

/* ---- storage pools and volumes ---- */

static void fill_pool(remote_nonnull_storage_pool *p, int seed)
{
        p->name = (char *)(seed % 2 ? "default" : "pool-b");
        for (int i = 0; i < REMOTE_UUID_BUFLEN; i++)
                p->uuid[i] = (char)(seed + i);
}

static void assert_pool_eq(const remote_nonnull_storage_pool *a,
                           const remote_nonnull_storage_pool *b)
{
        g_assert_cmpstr(a->name, ==, b->name);
        g_assert_cmpmem(a->uuid, REMOTE_UUID_BUFLEN, b->uuid, REMOTE_UUID_BUFLEN);
}

/* ---- virtual networks ---- */

static char name_net[] = "vctltnet1";

static void fill_net(remote_nonnull_network *n, int seed)
{
        n->name = seed % 2 ? name_net : name_utf8;
        for (int i = 0; i < REMOTE_UUID_BUFLEN; i++)
                n->uuid[i] = (char)(seed * 7 + i * 13 + 0x40);
}

static void assert_net_eq(const remote_nonnull_network *a, const remote_nonnull_network *b)
{
        g_assert_cmpstr(a->name, ==, b->name);
        g_assert_cmpmem(a->uuid, REMOTE_UUID_BUFLEN, b->uuid, REMOTE_UUID_BUFLEN);
}

static void fill_vol(remote_nonnull_storage_vol *v, int seed)
{
        v->pool = (char *)"default";
        v->name = (char *)(seed % 2 ? "disk.qcow2" : "base.raw");
        v->key = (char *)(seed % 2 ? "/var/lib/vctl/images/disk.qcow2"
                                   : "/var/lib/vctl/images/base.raw");
}

static void assert_vol_eq(const remote_nonnull_storage_vol *a, const remote_nonnull_storage_vol *b)
{
        g_assert_cmpstr(a->pool, ==, b->pool);
        g_assert_cmpstr(a->name, ==, b->name);
        g_assert_cmpstr(a->key, ==, b->key);
}

#define POOL_RET(mode, PROC, T)                                                                    \
        do {                                                                                       \
                T rin = {0};                                                                       \
                T *rout;                                                                           \
                fill_pool(&rin.pool, PROC);                                                        \
                rout = RET_RT(mode, PROC, &rin);                                                   \
                assert_pool_eq(&rin.pool, &rout->pool);                                            \
                RET_FREE(PROC, rout);                                                              \
        } while (0)
#define VOL_RET(mode, PROC, T)                                                                     \
        do {                                                                                       \
                T rin = {0};                                                                       \
                T *rout;                                                                           \
                fill_vol(&rin.vol, PROC);                                                          \
                rout = RET_RT(mode, PROC, &rin);                                                   \
                assert_vol_eq(&rin.vol, &rout->vol);                                               \
                RET_FREE(PROC, rout);                                                              \
        } while (0)
/* args {pool[, flags]} */
#define POOL_ARGS(mode, PROC, T, has_flags)                                                        \
        do {                                                                                       \
                T in = {0};                                                                        \
                T *out;                                                                            \
                fill_pool(&in.pool, PROC);                                                         \
                if (has_flags)                                                                     \
                        *(unsigned int *)((char *)&in + sizeof(in.pool)) = 5;                      \
                out = ARGS_RT(mode, PROC, &in);                                                    \
                assert_pool_eq(&in.pool, &out->pool);                                              \
                if (has_flags)                                                                     \
                        g_assert_cmpuint(*(unsigned int *)((char *)out + sizeof(out->pool)), ==,   \
                                         5);                                                       \
                ARGS_FREE(PROC, out);                                                              \
        } while (0)
#define VOL_ARGS(mode, PROC, T, has_flags)                                                         \
        do {                                                                                       \
                T in = {0};                                                                        \
                T *out;                                                                            \
                fill_vol(&in.vol, PROC);                                                           \
                if (has_flags)                                                                     \
                        *(unsigned int *)((char *)&in + sizeof(in.vol)) = 1;                       \
                out = ARGS_RT(mode, PROC, &in);                                                    \
                assert_vol_eq(&in.vol, &out->vol);                                                 \
                if (has_flags)                                                                     \
                        g_assert_cmpuint(*(unsigned int *)((char *)out + sizeof(out->vol)), ==,    \
                                         1);                                                       \
                ARGS_FREE(PROC, out);                                                              \
        } while (0)

static void case_storage_pool_build(int mode)
{
        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_BUILD, remote_storage_pool_build_args, TRUE);
}

static void case_storage_pool_create(int mode)
{
        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_CREATE, remote_storage_pool_create_args, TRUE);
}

static void case_storage_pool_delete(int mode)
{
        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_DELETE, remote_storage_pool_delete_args, TRUE);
}

static void case_storage_pool_refresh(int mode)
{
        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_REFRESH, remote_storage_pool_refresh_args, TRUE);
}

static void case_storage_pool_destroy(int mode)
{
        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_DESTROY, remote_storage_pool_destroy_args, FALSE);
}

static void case_storage_pool_undefine(int mode)
{
        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_UNDEFINE, remote_storage_pool_undefine_args,
                  FALSE);
}

static void case_storage_vol_delete(int mode)
{
        VOL_ARGS(mode, REMOTE_PROC_STORAGE_VOL_DELETE, remote_storage_vol_delete_args, TRUE);
}

static void case_storage_vol_wipe(int mode)
{
        VOL_ARGS(mode, REMOTE_PROC_STORAGE_VOL_WIPE, remote_storage_vol_wipe_args, TRUE);
}

static void case_connect_num_of_storage_pools(int mode)
{
        g_assert_null(info_of(REMOTE_PROC_CONNECT_NUM_OF_STORAGE_POOLS)->args_proc);
        INT_RET(mode, REMOTE_PROC_CONNECT_NUM_OF_STORAGE_POOLS,
                remote_connect_num_of_storage_pools_ret, num, 4096);
}

static void case_connect_num_of_defined_storage_pools(int mode)
{
        g_assert_null(info_of(REMOTE_PROC_CONNECT_NUM_OF_DEFINED_STORAGE_POOLS)->args_proc);
        INT_RET(mode, REMOTE_PROC_CONNECT_NUM_OF_DEFINED_STORAGE_POOLS,
                remote_connect_num_of_defined_storage_pools_ret, num, 4096);
}

static void case_connect_list_storage_pools(int mode)
{
        remote_connect_list_storage_pools_args in = {.maxnames = 7};
        remote_connect_list_storage_pools_args *out =
                ARGS_RT(mode, REMOTE_PROC_CONNECT_LIST_STORAGE_POOLS, &in);
        char *names[] = {(char *)"default", (char *)"pool-b"};
        remote_connect_list_storage_pools_ret rin = {.names = {2, names}};
        remote_connect_list_storage_pools_ret *rout;

        g_assert_cmpint(out->maxnames, ==, 7);
        ARGS_FREE(REMOTE_PROC_CONNECT_LIST_STORAGE_POOLS, out);
        rout = RET_RT(mode, REMOTE_PROC_CONNECT_LIST_STORAGE_POOLS, &rin);
        g_assert_cmpuint(rout->names.names_len, ==, 2);
        g_assert_cmpstr(rout->names.names_val[1], ==, "pool-b");
        RET_FREE(REMOTE_PROC_CONNECT_LIST_STORAGE_POOLS, rout);
}

static void case_connect_list_defined_storage_pools(int mode)
{
        remote_connect_list_defined_storage_pools_args in = {.maxnames = 7};
        remote_connect_list_defined_storage_pools_args *out =
                ARGS_RT(mode, REMOTE_PROC_CONNECT_LIST_DEFINED_STORAGE_POOLS, &in);
        char *names[] = {(char *)"default", (char *)"pool-b"};
        remote_connect_list_defined_storage_pools_ret rin = {.names = {2, names}};
        remote_connect_list_defined_storage_pools_ret *rout;

        g_assert_cmpint(out->maxnames, ==, 7);
        ARGS_FREE(REMOTE_PROC_CONNECT_LIST_DEFINED_STORAGE_POOLS, out);
        rout = RET_RT(mode, REMOTE_PROC_CONNECT_LIST_DEFINED_STORAGE_POOLS, &rin);
        g_assert_cmpuint(rout->names.names_len, ==, 2);
        g_assert_cmpstr(rout->names.names_val[1], ==, "pool-b");
        RET_FREE(REMOTE_PROC_CONNECT_LIST_DEFINED_STORAGE_POOLS, rout);
}

static void case_connect_list_all_storage_pools(int mode)
{
        remote_connect_list_all_storage_pools_args in = {.need_results = 1, .flags = 2};
        remote_connect_list_all_storage_pools_args *out =
                ARGS_RT(mode, REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS, &in);
        remote_nonnull_storage_pool pools[2];
        remote_connect_list_all_storage_pools_ret rin = {.pools = {2, pools}, .ret = 2};
        remote_connect_list_all_storage_pools_ret *rout;

        g_assert_cmpint(out->need_results, ==, 1);
        g_assert_cmpuint(out->flags, ==, 2);
        ARGS_FREE(REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS, out);
        fill_pool(&pools[0], 1);
        fill_pool(&pools[1], 2);
        rout = RET_RT(mode, REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS, &rin);
        g_assert_cmpuint(rout->pools.pools_len, ==, 2);
        assert_pool_eq(&pools[1], &rout->pools.pools_val[1]);
        g_assert_cmpuint(rout->ret, ==, 2);
        RET_FREE(REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS, rout);
}

static void case_storage_pool_list_all_volumes(int mode)
{
        remote_storage_pool_list_all_volumes_args in = {.need_results = 1, .flags = 0};
        remote_storage_pool_list_all_volumes_args *out;
        remote_nonnull_storage_vol vols[2];
        remote_storage_pool_list_all_volumes_ret rin = {.vols = {2, vols}, .ret = 2};
        remote_storage_pool_list_all_volumes_ret *rout;

        fill_pool(&in.pool, 3);
        out = ARGS_RT(mode, REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES, &in);
        assert_pool_eq(&in.pool, &out->pool);
        g_assert_cmpint(out->need_results, ==, 1);
        ARGS_FREE(REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES, out);
        fill_vol(&vols[0], 0);
        fill_vol(&vols[1], 1);
        rout = RET_RT(mode, REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES, &rin);
        g_assert_cmpuint(rout->vols.vols_len, ==, 2);
        assert_vol_eq(&vols[1], &rout->vols.vols_val[1]);
        RET_FREE(REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES, rout);
}

static void case_storage_pool_lookup_by_name(int mode)
{
        remote_storage_pool_lookup_by_name_args in = {.name = (char *)"default"};
        remote_storage_pool_lookup_by_name_args *out =
                ARGS_RT(mode, REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_NAME, &in);

        g_assert_cmpstr(out->name, ==, "default");
        ARGS_FREE(REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_NAME, out);
        POOL_RET(mode, REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_NAME,
                 remote_storage_pool_lookup_by_name_ret);
}

static void case_storage_pool_lookup_by_uuid(int mode)
{
        remote_storage_pool_lookup_by_uuid_args in;
        remote_storage_pool_lookup_by_uuid_args *out;

        memset(in.uuid, 0xab, sizeof(in.uuid));
        out = ARGS_RT(mode, REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_UUID, &in);
        g_assert_cmpmem(in.uuid, sizeof(in.uuid), out->uuid, sizeof(out->uuid));
        ARGS_FREE(REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_UUID, out);
        POOL_RET(mode, REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_UUID,
                 remote_storage_pool_lookup_by_uuid_ret);
}

static void case_storage_pool_lookup_by_volume(int mode)
{
        VOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_VOLUME,
                 remote_storage_pool_lookup_by_volume_args, FALSE);
        POOL_RET(mode, REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_VOLUME,
                 remote_storage_pool_lookup_by_volume_ret);
}

static void case_storage_pool_define_xml(int mode)
{
        remote_storage_pool_define_xml_args in = {.xml = (char *)"<pool type='dir'/>", .flags = 1};
        remote_storage_pool_define_xml_args *out =
                ARGS_RT(mode, REMOTE_PROC_STORAGE_POOL_DEFINE_XML, &in);

        g_assert_cmpstr(out->xml, ==, in.xml);
        g_assert_cmpuint(out->flags, ==, 1);
        ARGS_FREE(REMOTE_PROC_STORAGE_POOL_DEFINE_XML, out);
        POOL_RET(mode, REMOTE_PROC_STORAGE_POOL_DEFINE_XML, remote_storage_pool_define_xml_ret);
}

static void case_storage_pool_create_xml(int mode)
{
        remote_storage_pool_create_xml_args in = {.xml = (char *)"<pool type='dir'/>", .flags = 1};
        remote_storage_pool_create_xml_args *out =
                ARGS_RT(mode, REMOTE_PROC_STORAGE_POOL_CREATE_XML, &in);

        g_assert_cmpstr(out->xml, ==, in.xml);
        g_assert_cmpuint(out->flags, ==, 1);
        ARGS_FREE(REMOTE_PROC_STORAGE_POOL_CREATE_XML, out);
        POOL_RET(mode, REMOTE_PROC_STORAGE_POOL_CREATE_XML, remote_storage_pool_create_xml_ret);
}

static void case_storage_pool_get_xml_desc(int mode)
{
        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_GET_XML_DESC,
                  remote_storage_pool_get_xml_desc_args, TRUE);
        STR_RET(mode, REMOTE_PROC_STORAGE_POOL_GET_XML_DESC, remote_storage_pool_get_xml_desc_ret,
                xml, (char *)"<pool type='dir'/>");
}

static void case_storage_pool_get_info(int mode)
{
        /* libvirt's layout: state as a 4-byte word, then three hypers */
        static const guint8 wire[] = {0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0,
                                      0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 4};
        remote_storage_pool_get_info_ret rin = {.state = 2,
                                                .capacity = 1ull << 32,
                                                .allocation = 2ull << 32,
                                                .available = 3ull << 32 | 4};
        remote_storage_pool_get_info_ret *rout;
        char buf[sizeof(wire)];
        XDR xdr;

        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_GET_INFO, remote_storage_pool_get_info_args,
                  FALSE);
        xdrmem_create(&xdr, buf, sizeof(buf), XDR_ENCODE);
        g_assert_true(xdr_remote_storage_pool_get_info_ret(&xdr, &rin));
        g_assert_cmpuint(xdr_getpos(&xdr), ==, sizeof(wire));
        xdr_destroy(&xdr);
        g_assert_cmpmem(buf, sizeof(buf), wire, sizeof(wire));
        rout = RET_RT(mode, REMOTE_PROC_STORAGE_POOL_GET_INFO, &rin);
        g_assert_cmpuint(rout->state, ==, 2);
        g_assert_cmpuint(rout->available, ==, rin.available);
        RET_FREE(REMOTE_PROC_STORAGE_POOL_GET_INFO, rout);
}

static void case_storage_pool_get_autostart(int mode)
{
        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_GET_AUTOSTART,
                  remote_storage_pool_get_autostart_args, FALSE);
        INT_RET(mode, REMOTE_PROC_STORAGE_POOL_GET_AUTOSTART, remote_storage_pool_get_autostart_ret,
                autostart, 1);
}

static void case_storage_pool_set_autostart(int mode)
{
        remote_storage_pool_set_autostart_args in = {.autostart = 1};
        remote_storage_pool_set_autostart_args *out;

        fill_pool(&in.pool, 9);
        out = ARGS_RT(mode, REMOTE_PROC_STORAGE_POOL_SET_AUTOSTART, &in);
        assert_pool_eq(&in.pool, &out->pool);
        g_assert_cmpint(out->autostart, ==, 1);
        ARGS_FREE(REMOTE_PROC_STORAGE_POOL_SET_AUTOSTART, out);
        g_assert_null(info_of(REMOTE_PROC_STORAGE_POOL_SET_AUTOSTART)->ret_proc);
}

static void case_storage_pool_num_of_volumes(int mode)
{
        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_NUM_OF_VOLUMES,
                  remote_storage_pool_num_of_volumes_args, FALSE);
        INT_RET(mode, REMOTE_PROC_STORAGE_POOL_NUM_OF_VOLUMES,
                remote_storage_pool_num_of_volumes_ret, num, 3);
}

static void case_storage_pool_list_volumes(int mode)
{
        remote_storage_pool_list_volumes_args in = {.maxnames = 3};
        remote_storage_pool_list_volumes_args *out;
        char *names[] = {(char *)"a.raw"};
        remote_storage_pool_list_volumes_ret rin = {.names = {1, names}};
        remote_storage_pool_list_volumes_ret *rout;

        fill_pool(&in.pool, 4);
        out = ARGS_RT(mode, REMOTE_PROC_STORAGE_POOL_LIST_VOLUMES, &in);
        assert_pool_eq(&in.pool, &out->pool);
        g_assert_cmpint(out->maxnames, ==, 3);
        ARGS_FREE(REMOTE_PROC_STORAGE_POOL_LIST_VOLUMES, out);
        rout = RET_RT(mode, REMOTE_PROC_STORAGE_POOL_LIST_VOLUMES, &rin);
        g_assert_cmpstr(rout->names.names_val[0], ==, "a.raw");
        RET_FREE(REMOTE_PROC_STORAGE_POOL_LIST_VOLUMES, rout);
}

static void case_storage_pool_is_active(int mode)
{
        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_IS_ACTIVE, remote_storage_pool_is_active_args,
                  FALSE);
        INT_RET(mode, REMOTE_PROC_STORAGE_POOL_IS_ACTIVE, remote_storage_pool_is_active_ret, active,
                1);
}

static void case_storage_pool_is_persistent(int mode)
{
        POOL_ARGS(mode, REMOTE_PROC_STORAGE_POOL_IS_PERSISTENT,
                  remote_storage_pool_is_persistent_args, FALSE);
        INT_RET(mode, REMOTE_PROC_STORAGE_POOL_IS_PERSISTENT, remote_storage_pool_is_persistent_ret,
                persistent, 1);
}

static void case_storage_vol_lookup_by_name(int mode)
{
        remote_storage_vol_lookup_by_name_args in = {.name = (char *)"a.raw"};
        remote_storage_vol_lookup_by_name_args *out;

        fill_pool(&in.pool, 5);
        out = ARGS_RT(mode, REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_NAME, &in);
        assert_pool_eq(&in.pool, &out->pool);
        g_assert_cmpstr(out->name, ==, "a.raw");
        ARGS_FREE(REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_NAME, out);
        VOL_RET(mode, REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_NAME,
                remote_storage_vol_lookup_by_name_ret);
}

static void case_storage_vol_lookup_by_key(int mode)
{
        remote_storage_vol_lookup_by_key_args in = {.key = (char *)"/var/lib/vctl/images/a.raw"};
        remote_storage_vol_lookup_by_key_args *out =
                ARGS_RT(mode, REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_KEY, &in);

        g_assert_cmpstr(out->key, ==, in.key);
        ARGS_FREE(REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_KEY, out);
        VOL_RET(mode, REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_KEY, remote_storage_vol_lookup_by_key_ret);
}

static void case_storage_vol_lookup_by_path(int mode)
{
        remote_storage_vol_lookup_by_path_args in = {.path = (char *)"/var/lib/vctl/images/a.raw"};
        remote_storage_vol_lookup_by_path_args *out =
                ARGS_RT(mode, REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_PATH, &in);

        g_assert_cmpstr(out->path, ==, in.path);
        ARGS_FREE(REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_PATH, out);
        VOL_RET(mode, REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_PATH,
                remote_storage_vol_lookup_by_path_ret);
}

static void case_storage_vol_create_xml(int mode)
{
        remote_storage_vol_create_xml_args in = {.xml = (char *)"<volume/>", .flags = 4};
        remote_storage_vol_create_xml_args *out;

        fill_pool(&in.pool, 6);
        out = ARGS_RT(mode, REMOTE_PROC_STORAGE_VOL_CREATE_XML, &in);
        assert_pool_eq(&in.pool, &out->pool);
        g_assert_cmpstr(out->xml, ==, "<volume/>");
        g_assert_cmpuint(out->flags, ==, 4);
        ARGS_FREE(REMOTE_PROC_STORAGE_VOL_CREATE_XML, out);
        VOL_RET(mode, REMOTE_PROC_STORAGE_VOL_CREATE_XML, remote_storage_vol_create_xml_ret);
}

static void case_storage_vol_create_xml_from(int mode)
{
        remote_storage_vol_create_xml_from_args in = {.xml = (char *)"<volume/>", .flags = 0};
        remote_storage_vol_create_xml_from_args *out;

        fill_pool(&in.pool, 7);
        fill_vol(&in.clonevol, 1);
        out = ARGS_RT(mode, REMOTE_PROC_STORAGE_VOL_CREATE_XML_FROM, &in);
        assert_pool_eq(&in.pool, &out->pool);
        assert_vol_eq(&in.clonevol, &out->clonevol);
        g_assert_cmpstr(out->xml, ==, "<volume/>");
        ARGS_FREE(REMOTE_PROC_STORAGE_VOL_CREATE_XML_FROM, out);
        VOL_RET(mode, REMOTE_PROC_STORAGE_VOL_CREATE_XML_FROM,
                remote_storage_vol_create_xml_from_ret);
}

static void case_storage_vol_get_xml_desc(int mode)
{
        VOL_ARGS(mode, REMOTE_PROC_STORAGE_VOL_GET_XML_DESC, remote_storage_vol_get_xml_desc_args,
                 TRUE);
        STR_RET(mode, REMOTE_PROC_STORAGE_VOL_GET_XML_DESC, remote_storage_vol_get_xml_desc_ret,
                xml, (char *)"<volume type='file'/>");
}

static void case_storage_vol_get_info(int mode)
{
        remote_storage_vol_get_info_ret rin = {
                .type = 0, .capacity = 10ull << 30, .allocation = 4096};
        remote_storage_vol_get_info_ret *rout;

        VOL_ARGS(mode, REMOTE_PROC_STORAGE_VOL_GET_INFO, remote_storage_vol_get_info_args, FALSE);
        rout = RET_RT(mode, REMOTE_PROC_STORAGE_VOL_GET_INFO, &rin);
        g_assert_cmpint(rout->type, ==, 0);
        g_assert_cmpuint(rout->capacity, ==, 10ull << 30);
        g_assert_cmpuint(rout->allocation, ==, 4096);
        RET_FREE(REMOTE_PROC_STORAGE_VOL_GET_INFO, rout);
}

static void case_storage_vol_get_path(int mode)
{
        VOL_ARGS(mode, REMOTE_PROC_STORAGE_VOL_GET_PATH, remote_storage_vol_get_path_args, FALSE);
        STR_RET(mode, REMOTE_PROC_STORAGE_VOL_GET_PATH, remote_storage_vol_get_path_ret, name,
                (char *)"/var/lib/vctl/images/a.raw");
}

static void case_storage_vol_resize(int mode)
{
        remote_storage_vol_resize_args in = {.capacity = 1ull << 40, .flags = 4};
        remote_storage_vol_resize_args *out;

        fill_vol(&in.vol, 1);
        out = ARGS_RT(mode, REMOTE_PROC_STORAGE_VOL_RESIZE, &in);
        assert_vol_eq(&in.vol, &out->vol);
        g_assert_cmpuint(out->capacity, ==, 1ull << 40);
        g_assert_cmpuint(out->flags, ==, 4);
        ARGS_FREE(REMOTE_PROC_STORAGE_VOL_RESIZE, out);
}

/* args { remote_nonnull_network net; } and optionally a ret checked by RETCHECK */
#define NET_ARGS_CASE(fname, PROC, T, RETCHECK)                                                    \
        static void fname(int mode)                                                                \
        {                                                                                          \
                T in = {0};                                                                        \
                T *out;                                                                            \
                fill_net(&in.net, PROC);                                                           \
                out = ARGS_RT(mode, PROC, &in);                                                    \
                assert_net_eq(&in.net, &out->net);                                                 \
                ARGS_FREE(PROC, out);                                                              \
                RETCHECK;                                                                          \
        }
#define NET_RET(mode, PROC, T)                                                                     \
        do {                                                                                       \
                T rin = {0};                                                                       \
                T *rout;                                                                           \
                fill_net(&rin.net, (PROC) + 1);                                                    \
                rout = RET_RT(mode, PROC, &rin);                                                   \
                assert_net_eq(&rin.net, &rout->net);                                               \
                RET_FREE(PROC, rout);                                                              \
        } while (0)

NET_ARGS_CASE(case_network_create, REMOTE_PROC_NETWORK_CREATE, remote_network_create_args,
              g_assert_null(info_of(REMOTE_PROC_NETWORK_CREATE)->ret_proc))
NET_ARGS_CASE(case_network_destroy, REMOTE_PROC_NETWORK_DESTROY, remote_network_destroy_args,
              g_assert_null(info_of(REMOTE_PROC_NETWORK_DESTROY)->ret_proc))
NET_ARGS_CASE(case_network_undefine, REMOTE_PROC_NETWORK_UNDEFINE, remote_network_undefine_args,
              g_assert_null(info_of(REMOTE_PROC_NETWORK_UNDEFINE)->ret_proc))
NET_ARGS_CASE(case_network_get_autostart, REMOTE_PROC_NETWORK_GET_AUTOSTART,
              remote_network_get_autostart_args,
              INT_RET(mode, REMOTE_PROC_NETWORK_GET_AUTOSTART, remote_network_get_autostart_ret,
                      autostart, 1))
NET_ARGS_CASE(case_network_get_bridge_name, REMOTE_PROC_NETWORK_GET_BRIDGE_NAME,
              remote_network_get_bridge_name_args,
              STR_RET(mode, REMOTE_PROC_NETWORK_GET_BRIDGE_NAME,
                      remote_network_get_bridge_name_ret, name, (char *)"vctltbr0"))
NET_ARGS_CASE(case_network_is_active, REMOTE_PROC_NETWORK_IS_ACTIVE, remote_network_is_active_args,
              INT_RET(mode, REMOTE_PROC_NETWORK_IS_ACTIVE, remote_network_is_active_ret, active,
                      1))
NET_ARGS_CASE(case_network_is_persistent, REMOTE_PROC_NETWORK_IS_PERSISTENT,
              remote_network_is_persistent_args,
              INT_RET(mode, REMOTE_PROC_NETWORK_IS_PERSISTENT, remote_network_is_persistent_ret,
                      persistent, 0))

static void case_network_set_autostart(int mode)
{
        remote_network_set_autostart_args in = {.autostart = 1};
        remote_network_set_autostart_args *out;

        fill_net(&in.net, 48);
        out = ARGS_RT(mode, REMOTE_PROC_NETWORK_SET_AUTOSTART, &in);
        assert_net_eq(&in.net, &out->net);
        g_assert_cmpint(out->autostart, ==, 1);
        ARGS_FREE(REMOTE_PROC_NETWORK_SET_AUTOSTART, out);
}

static void case_network_get_xml_desc(int mode)
{
        remote_network_get_xml_desc_args in = {.flags = 1};
        remote_network_get_xml_desc_args *out;

        fill_net(&in.net, 43);
        out = ARGS_RT(mode, REMOTE_PROC_NETWORK_GET_XML_DESC, &in);
        assert_net_eq(&in.net, &out->net);
        g_assert_cmpuint(out->flags, ==, 1);
        ARGS_FREE(REMOTE_PROC_NETWORK_GET_XML_DESC, out);
        STR_RET(mode, REMOTE_PROC_NETWORK_GET_XML_DESC, remote_network_get_xml_desc_ret, xml,
                (char *)"<network>\n  <name>n</name>\n</network>\n");
}

#define NET_XML_CASE(fname, PROC, A, R)                                                            \
        static void fname(int mode)                                                                \
        {                                                                                          \
                A in = {.xml = (char *)"<network><name>vctltnet1</name></network>"};              \
                A *out = ARGS_RT(mode, PROC, &in);                                                 \
                g_assert_cmpstr(out->xml, ==, in.xml);                                             \
                ARGS_FREE(PROC, out);                                                              \
                NET_RET(mode, PROC, R);                                                            \
        }
NET_XML_CASE(case_network_create_xml, REMOTE_PROC_NETWORK_CREATE_XML,
             remote_network_create_xml_args, remote_network_create_xml_ret)
NET_XML_CASE(case_network_define_xml, REMOTE_PROC_NETWORK_DEFINE_XML,
             remote_network_define_xml_args, remote_network_define_xml_ret)

static void case_network_lookup_by_name(int mode)
{
        remote_network_lookup_by_name_args in = {.name = name_net};
        remote_network_lookup_by_name_args *out =
                ARGS_RT(mode, REMOTE_PROC_NETWORK_LOOKUP_BY_NAME, &in);

        g_assert_cmpstr(out->name, ==, name_net);
        ARGS_FREE(REMOTE_PROC_NETWORK_LOOKUP_BY_NAME, out);
        NET_RET(mode, REMOTE_PROC_NETWORK_LOOKUP_BY_NAME, remote_network_lookup_by_name_ret);
}

static void case_network_lookup_by_uuid(int mode)
{
        remote_network_lookup_by_uuid_args in;
        remote_network_lookup_by_uuid_args *out;

        for (int i = 0; i < REMOTE_UUID_BUFLEN; i++)
                in.uuid[i] = (char)(0xa0 + i);
        out = ARGS_RT(mode, REMOTE_PROC_NETWORK_LOOKUP_BY_UUID, &in);
        g_assert_cmpmem(out->uuid, REMOTE_UUID_BUFLEN, in.uuid, REMOTE_UUID_BUFLEN);
        ARGS_FREE(REMOTE_PROC_NETWORK_LOOKUP_BY_UUID, out);
        NET_RET(mode, REMOTE_PROC_NETWORK_LOOKUP_BY_UUID, remote_network_lookup_by_uuid_ret);
}

static void case_connect_num_of_networks(int mode)
{
        INT_RET(mode, REMOTE_PROC_CONNECT_NUM_OF_NETWORKS, remote_connect_num_of_networks_ret, num,
                3);
        g_assert_null(info_of(REMOTE_PROC_CONNECT_NUM_OF_NETWORKS)->args_proc);
}

static void case_connect_num_of_defined_networks(int mode)
{
        INT_RET(mode, REMOTE_PROC_CONNECT_NUM_OF_DEFINED_NETWORKS,
                remote_connect_num_of_defined_networks_ret, num, 16384);
}

#define NET_NAMES_CASE(fname, PROC, A, R)                                                          \
        static void fname(int mode)                                                                \
        {                                                                                          \
                char *names[] = {name_net, name_utf8, (char *)"default"};                          \
                A in = {.maxnames = 7};                                                            \
                A *out = ARGS_RT(mode, PROC, &in);                                                 \
                R rin = {.names = {.names_len = G_N_ELEMENTS(names), .names_val = names}};        \
                R *rout;                                                                           \
                g_assert_cmpint(out->maxnames, ==, 7);                                             \
                ARGS_FREE(PROC, out);                                                              \
                rout = RET_RT(mode, PROC, &rin);                                                   \
                g_assert_cmpuint(rout->names.names_len, ==, G_N_ELEMENTS(names));                  \
                for (guint i = 0; i < G_N_ELEMENTS(names); i++)                                    \
                        g_assert_cmpstr(rout->names.names_val[i], ==, names[i]);                   \
                RET_FREE(PROC, rout);                                                              \
        }
NET_NAMES_CASE(case_connect_list_networks, REMOTE_PROC_CONNECT_LIST_NETWORKS,
               remote_connect_list_networks_args, remote_connect_list_networks_ret)
NET_NAMES_CASE(case_connect_list_defined_networks, REMOTE_PROC_CONNECT_LIST_DEFINED_NETWORKS,
               remote_connect_list_defined_networks_args,
               remote_connect_list_defined_networks_ret)

static void case_connect_list_all_networks(int mode)
{
        const int proc = REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS;
        remote_connect_list_all_networks_args in = {.need_results = 1, .flags = 0x3f};
        remote_connect_list_all_networks_args *out = ARGS_RT(mode, proc, &in);
        remote_nonnull_network nets[2];
        remote_connect_list_all_networks_ret rin = {
                .nets = {.nets_len = 2, .nets_val = nets}, .ret = 2};
        remote_connect_list_all_networks_ret *rout;

        g_assert_cmpint(out->need_results, ==, 1);
        g_assert_cmpuint(out->flags, ==, 0x3f);
        ARGS_FREE(proc, out);
        fill_net(&nets[0], 1);
        fill_net(&nets[1], 2);
        rout = RET_RT(mode, proc, &rin);
        g_assert_cmpuint(rout->nets.nets_len, ==, 2);
        assert_net_eq(&nets[0], &rout->nets.nets_val[0]);
        assert_net_eq(&nets[1], &rout->nets.nets_val[1]);
        g_assert_cmpuint(rout->ret, ==, 2);
        RET_FREE(proc, rout);
}

static void case_network_event_register_any(int mode)
{
        const int proc = REMOTE_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY;
        remote_nonnull_network net;
        remote_connect_network_event_register_any_args in = {.eventID = 0, .net = &net};
        remote_connect_network_event_register_any_args *out;

        fill_net(&net, 313);
        out = ARGS_RT(mode, proc, &in);
        g_assert_cmpint(out->eventID, ==, 0);
        g_assert_nonnull(out->net);
        assert_net_eq(&net, out->net);
        ARGS_FREE(proc, out);
        in.net = NULL;
        out = ARGS_RT(mode, proc, &in);
        g_assert_null(out->net);
        ARGS_FREE(proc, out);
        INT_RET(mode, proc, remote_connect_network_event_register_any_ret, callbackID, 5);
}

static void case_network_event_deregister_any(int mode)
{
        const int proc = REMOTE_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY;
        remote_connect_network_event_deregister_any_args in = {.callbackID = 5};
        remote_connect_network_event_deregister_any_args *out = ARGS_RT(mode, proc, &in);

        g_assert_cmpint(out->callbackID, ==, 5);
        ARGS_FREE(proc, out);
}

static void case_network_event_lifecycle(int mode)
{
        const int proc = REMOTE_PROC_NETWORK_EVENT_LIFECYCLE;
        remote_network_event_lifecycle_msg in = {.callbackID = 2, .event = 3, .detail = 0};
        remote_network_event_lifecycle_msg *out;

        fill_net(&in.net, 315);
        out = ARGS_RT(mode, proc, &in);
        g_assert_cmpint(out->callbackID, ==, 2);
        assert_net_eq(&in.net, &out->net);
        g_assert_cmpint(out->event, ==, 3);
        ARGS_FREE(proc, out);
        g_assert_null(info_of(proc)->ret_proc);
}

static void case_network_get_dhcp_leases(int mode)
{
        const int proc = REMOTE_PROC_NETWORK_GET_DHCP_LEASES;
        char *mac = (char *)"52:54:00:aa:bb:cc", *host = (char *)"guest1";
        remote_network_get_dhcp_leases_args in = {.mac = &mac, .need_results = 1};
        remote_network_get_dhcp_leases_args *out;
        remote_network_dhcp_lease lease = {.iface = (char *)"vctltbr0",
                                           .expirytime = G_GINT64_CONSTANT(1700000000),
                                           .type = 0,
                                           .mac = &mac,
                                           .ipaddr = (char *)"198.51.100.10",
                                           .prefix = 25,
                                           .hostname = &host};
        remote_network_get_dhcp_leases_ret rin = {.leases = {1, &lease}, .ret = 1};
        remote_network_get_dhcp_leases_ret *rout;

        fill_net(&in.net, 341);
        out = ARGS_RT(mode, proc, &in);
        assert_net_eq(&in.net, &out->net);
        assert_opt_str_eq(in.mac, out->mac);
        g_assert_cmpint(out->need_results, ==, 1);
        ARGS_FREE(proc, out);
        rout = RET_RT(mode, proc, &rin);
        g_assert_cmpuint(rout->leases.leases_len, ==, 1);
        g_assert_cmpstr(rout->leases.leases_val[0].iface, ==, "vctltbr0");
        g_assert_cmpint(rout->leases.leases_val[0].expirytime, ==, lease.expirytime);
        assert_opt_str_eq(lease.mac, rout->leases.leases_val[0].mac);
        g_assert_null(rout->leases.leases_val[0].iaid);
        g_assert_cmpstr(rout->leases.leases_val[0].ipaddr, ==, "198.51.100.10");
        g_assert_cmpuint(rout->leases.leases_val[0].prefix, ==, 25);
        assert_opt_str_eq(lease.hostname, rout->leases.leases_val[0].hostname);
        g_assert_null(rout->leases.leases_val[0].clientid);
        g_assert_cmpuint(rout->ret, ==, 1);
        RET_FREE(proc, rout);
}

static void case_domain_interface_addresses(int mode)
{
        const int proc = REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES;
        char *hw = (char *)"52:54:00:aa:bb:cc";
        remote_domain_interface_addresses_args in = {.source = 0, .flags = 0};
        remote_domain_interface_addresses_args *out;
        remote_domain_ip_addr addr = {.type = 0, .addr = (char *)"198.51.100.10", .prefix = 25};
        remote_domain_interface iface = {.name = (char *)"vnet0", .hwaddr = &hw,
                                         .addrs = {1, &addr}};
        remote_domain_interface_addresses_ret rin = {.ifaces = {1, &iface}};
        remote_domain_interface_addresses_ret *rout;

        fill_dom(&in.dom, 353);
        out = ARGS_RT(mode, proc, &in);
        assert_dom_eq(&in.dom, &out->dom);
        g_assert_cmpuint(out->source, ==, 0);
        ARGS_FREE(proc, out);
        rout = RET_RT(mode, proc, &rin);
        g_assert_cmpuint(rout->ifaces.ifaces_len, ==, 1);
        g_assert_cmpstr(rout->ifaces.ifaces_val[0].name, ==, "vnet0");
        assert_opt_str_eq(iface.hwaddr, rout->ifaces.ifaces_val[0].hwaddr);
        g_assert_cmpuint(rout->ifaces.ifaces_val[0].addrs.addrs_len, ==, 1);
        g_assert_cmpstr(rout->ifaces.ifaces_val[0].addrs.addrs_val[0].addr, ==, "198.51.100.10");
        g_assert_cmpuint(rout->ifaces.ifaces_val[0].addrs.addrs_val[0].prefix, ==, 25);
        RET_FREE(proc, rout);
}

typedef struct {
        int proc;
        void (*run)(int mode);
} proc_case;

static const proc_case proc_cases[] = {
        {REMOTE_PROC_CONNECT_OPEN, case_connect_open},
        {REMOTE_PROC_CONNECT_CLOSE, case_connect_close},
        {REMOTE_PROC_CONNECT_GET_TYPE, case_connect_get_type},
        {REMOTE_PROC_CONNECT_GET_VERSION, case_connect_get_version},
        {REMOTE_PROC_CONNECT_GET_MAX_VCPUS, case_connect_get_max_vcpus},
        {REMOTE_PROC_NODE_GET_INFO, case_node_get_info},
        {REMOTE_PROC_CONNECT_GET_CAPABILITIES, case_connect_get_capabilities},
        {REMOTE_PROC_DOMAIN_CREATE, case_domain_create},
        {REMOTE_PROC_DOMAIN_CREATE_XML, case_domain_create_xml},
        {REMOTE_PROC_DOMAIN_DEFINE_XML, case_domain_define_xml},
        {REMOTE_PROC_DOMAIN_DESTROY, case_domain_destroy},
        {REMOTE_PROC_DOMAIN_GET_XML_DESC, case_domain_get_xml_desc},
        {REMOTE_PROC_DOMAIN_GET_AUTOSTART, case_domain_get_autostart},
        {REMOTE_PROC_DOMAIN_GET_INFO, case_domain_get_info},
        {REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, case_connect_list_defined_domains},
        {REMOTE_PROC_DOMAIN_LOOKUP_BY_ID, case_domain_lookup_by_id},
        {REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, case_domain_lookup_by_name},
        {REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID, case_domain_lookup_by_uuid},
        {REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS, case_connect_num_of_defined_domains},
        {REMOTE_PROC_DOMAIN_REBOOT, case_domain_reboot},
        {REMOTE_PROC_DOMAIN_RESUME, case_domain_resume},
        {REMOTE_PROC_DOMAIN_SET_AUTOSTART, case_domain_set_autostart},
        {REMOTE_PROC_DOMAIN_SHUTDOWN, case_domain_shutdown},
        {REMOTE_PROC_DOMAIN_SUSPEND, case_domain_suspend},
        {REMOTE_PROC_DOMAIN_UNDEFINE, case_domain_undefine},
        {REMOTE_PROC_CONNECT_LIST_DOMAINS, case_connect_list_domains},
        {REMOTE_PROC_CONNECT_NUM_OF_DOMAINS, case_connect_num_of_domains},
        {REMOTE_PROC_CONNECT_GET_HOSTNAME, case_connect_get_hostname},
        {REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, case_connect_supports_feature},
        {REMOTE_PROC_AUTH_LIST, case_auth_list},
        {REMOTE_PROC_AUTH_POLKIT, case_auth_polkit},
        {REMOTE_PROC_CONNECT_GET_URI, case_connect_get_uri},
        {REMOTE_PROC_CONNECT_IS_SECURE, case_connect_is_secure},
        {REMOTE_PROC_DOMAIN_IS_ACTIVE, case_domain_is_active},
        {REMOTE_PROC_DOMAIN_IS_PERSISTENT, case_domain_is_persistent},
        {REMOTE_PROC_CONNECT_GET_LIB_VERSION, case_connect_get_lib_version},
        {REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS, case_domain_create_with_flags},
        {REMOTE_PROC_DOMAIN_OPEN_CONSOLE, case_domain_open_console},
        {REMOTE_PROC_DOMAIN_GET_STATE, case_domain_get_state},
        {REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS, case_domain_undefine_flags},
        {REMOTE_PROC_DOMAIN_DESTROY_FLAGS, case_domain_destroy_flags},
        {REMOTE_PROC_DOMAIN_RESET, case_domain_reset},
        {REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS, case_domain_shutdown_flags},
        {REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, case_connect_list_all_domains},
        {REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, case_event_register_any},
        {REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, case_event_deregister_any},
        {REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, case_event_lifecycle},
        {REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES, case_connect_get_domain_capabilities},
        {REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS, case_domain_define_xml_flags},
        {REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK, case_register_close_callback},
        {REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, case_unregister_close_callback},
        /* storage pools and volumes */
        {REMOTE_PROC_STORAGE_POOL_BUILD, case_storage_pool_build},
        {REMOTE_PROC_STORAGE_POOL_CREATE, case_storage_pool_create},
        {REMOTE_PROC_STORAGE_POOL_DELETE, case_storage_pool_delete},
        {REMOTE_PROC_STORAGE_POOL_REFRESH, case_storage_pool_refresh},
        {REMOTE_PROC_STORAGE_POOL_DESTROY, case_storage_pool_destroy},
        {REMOTE_PROC_STORAGE_POOL_UNDEFINE, case_storage_pool_undefine},
        {REMOTE_PROC_STORAGE_VOL_DELETE, case_storage_vol_delete},
        {REMOTE_PROC_STORAGE_VOL_WIPE, case_storage_vol_wipe},
        {REMOTE_PROC_CONNECT_NUM_OF_STORAGE_POOLS, case_connect_num_of_storage_pools},
        {REMOTE_PROC_CONNECT_NUM_OF_DEFINED_STORAGE_POOLS,
         case_connect_num_of_defined_storage_pools},
        {REMOTE_PROC_CONNECT_LIST_STORAGE_POOLS, case_connect_list_storage_pools},
        {REMOTE_PROC_CONNECT_LIST_DEFINED_STORAGE_POOLS, case_connect_list_defined_storage_pools},
        {REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS, case_connect_list_all_storage_pools},
        {REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES, case_storage_pool_list_all_volumes},
        {REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_NAME, case_storage_pool_lookup_by_name},
        {REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_UUID, case_storage_pool_lookup_by_uuid},
        {REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_VOLUME, case_storage_pool_lookup_by_volume},
        {REMOTE_PROC_STORAGE_POOL_DEFINE_XML, case_storage_pool_define_xml},
        {REMOTE_PROC_STORAGE_POOL_CREATE_XML, case_storage_pool_create_xml},
        {REMOTE_PROC_STORAGE_POOL_GET_XML_DESC, case_storage_pool_get_xml_desc},
        {REMOTE_PROC_STORAGE_POOL_GET_INFO, case_storage_pool_get_info},
        {REMOTE_PROC_STORAGE_POOL_GET_AUTOSTART, case_storage_pool_get_autostart},
        {REMOTE_PROC_STORAGE_POOL_SET_AUTOSTART, case_storage_pool_set_autostart},
        {REMOTE_PROC_STORAGE_POOL_NUM_OF_VOLUMES, case_storage_pool_num_of_volumes},
        {REMOTE_PROC_STORAGE_POOL_LIST_VOLUMES, case_storage_pool_list_volumes},
        {REMOTE_PROC_STORAGE_POOL_IS_ACTIVE, case_storage_pool_is_active},
        {REMOTE_PROC_STORAGE_POOL_IS_PERSISTENT, case_storage_pool_is_persistent},
        {REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_NAME, case_storage_vol_lookup_by_name},
        {REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_KEY, case_storage_vol_lookup_by_key},
        {REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_PATH, case_storage_vol_lookup_by_path},
        {REMOTE_PROC_STORAGE_VOL_CREATE_XML, case_storage_vol_create_xml},
        {REMOTE_PROC_STORAGE_VOL_CREATE_XML_FROM, case_storage_vol_create_xml_from},
        {REMOTE_PROC_STORAGE_VOL_GET_XML_DESC, case_storage_vol_get_xml_desc},
        {REMOTE_PROC_STORAGE_VOL_GET_INFO, case_storage_vol_get_info},
        {REMOTE_PROC_STORAGE_VOL_GET_PATH, case_storage_vol_get_path},
        {REMOTE_PROC_STORAGE_VOL_RESIZE, case_storage_vol_resize},
        /* virtual networks */
        {REMOTE_PROC_CONNECT_LIST_DEFINED_NETWORKS, case_connect_list_defined_networks},
        {REMOTE_PROC_CONNECT_LIST_NETWORKS, case_connect_list_networks},
        {REMOTE_PROC_NETWORK_CREATE, case_network_create},
        {REMOTE_PROC_NETWORK_CREATE_XML, case_network_create_xml},
        {REMOTE_PROC_NETWORK_DEFINE_XML, case_network_define_xml},
        {REMOTE_PROC_NETWORK_DESTROY, case_network_destroy},
        {REMOTE_PROC_NETWORK_GET_XML_DESC, case_network_get_xml_desc},
        {REMOTE_PROC_NETWORK_GET_AUTOSTART, case_network_get_autostart},
        {REMOTE_PROC_NETWORK_GET_BRIDGE_NAME, case_network_get_bridge_name},
        {REMOTE_PROC_NETWORK_LOOKUP_BY_NAME, case_network_lookup_by_name},
        {REMOTE_PROC_NETWORK_LOOKUP_BY_UUID, case_network_lookup_by_uuid},
        {REMOTE_PROC_NETWORK_SET_AUTOSTART, case_network_set_autostart},
        {REMOTE_PROC_NETWORK_UNDEFINE, case_network_undefine},
        {REMOTE_PROC_CONNECT_NUM_OF_DEFINED_NETWORKS, case_connect_num_of_defined_networks},
        {REMOTE_PROC_CONNECT_NUM_OF_NETWORKS, case_connect_num_of_networks},
        {REMOTE_PROC_NETWORK_IS_ACTIVE, case_network_is_active},
        {REMOTE_PROC_NETWORK_IS_PERSISTENT, case_network_is_persistent},
        {REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS, case_connect_list_all_networks},
        {REMOTE_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY, case_network_event_register_any},
        {REMOTE_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY, case_network_event_deregister_any},
        {REMOTE_PROC_NETWORK_EVENT_LIFECYCLE, case_network_event_lifecycle},
        {REMOTE_PROC_NETWORK_GET_DHCP_LEASES, case_network_get_dhcp_leases},
        {REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES, case_domain_interface_addresses},
};

typedef struct {
        const proc_case *pc;
        int mode;
} proc_test;

static void run_proc_case(gconstpointer data)
{
        const proc_test *t = data;

        t->pc->run(t->mode);
}

/* The table and libvirt's numbers agree, and every declared procedure has a case. */
static void test_proc_table(void)
{
        gsize n = 0;
        const vctl_rpc_proc_info *procs = vctl_rpc_procs(&n);

        g_assert_cmpuint(n, ==, G_N_ELEMENTS(proc_cases));
        for (gsize i = 0; i < n; i++) {
                gboolean covered = FALSE;

                if (i > 0)
                        g_assert_cmpint(procs[i - 1].proc, <, procs[i].proc);
                g_assert_true(vctl_rpc_proc_lookup(procs[i].proc) == &procs[i]);
                for (gsize j = 0; j < G_N_ELEMENTS(proc_cases); j++)
                        covered |= proc_cases[j].proc == procs[i].proc;
                g_assert_true(covered);
        }
        g_assert_cmpint(REMOTE_PROGRAM, ==, 0x20008086);
        g_assert_cmpint(REMOTE_PROTOCOL_VERSION, ==, 1);
        g_assert_cmpint(REMOTE_STRING_MAX, ==, 4194304);
        g_assert_cmpint(KEEPALIVE_PROGRAM, ==, 0x6b656570);
        g_assert_cmpint(KEEPALIVE_PROC_PING, ==, 1);
        g_assert_cmpint(KEEPALIVE_PROC_PONG, ==, 2);
        g_assert_cmpint(REMOTE_PROC_CONNECT_OPEN, ==, 1);
        g_assert_cmpint(REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, ==, 23);
        g_assert_cmpint(REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, ==, 273);
        g_assert_cmpint(REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, ==, 318);
        g_assert_cmpint(REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES, ==, 342);
        g_assert_cmpint(REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK, ==, 361);
        g_assert_cmpint(REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS, ==, 283);
        g_assert_cmpint(REMOTE_PROC_NETWORK_EVENT_LIFECYCLE, ==, 315);
        g_assert_cmpint(REMOTE_PROC_NETWORK_GET_DHCP_LEASES, ==, 341);
        g_assert_cmpint(REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES, ==, 353);
        g_assert_cmpstr(vctl_rpc_proc_name(46), ==, "NETWORK_LOOKUP_BY_NAME");
        g_assert_cmpstr(vctl_rpc_proc_name(23), ==, "DOMAIN_LOOKUP_BY_NAME");
        g_assert_cmpstr(vctl_rpc_proc_name(1), ==, "CONNECT_OPEN");
        g_assert_cmpstr(vctl_rpc_proc_name(361), ==, "CONNECT_UNREGISTER_CLOSE_CALLBACK");
        g_assert_null(vctl_rpc_proc_name(0));
        g_assert_null(vctl_rpc_proc_name(8));
        g_assert_null(vctl_rpc_proc_name(-1));
        g_assert_null(vctl_rpc_proc_name(100000));
        /* libvirt's storage numbers */
        g_assert_cmpint(REMOTE_PROC_CONNECT_NUM_OF_STORAGE_POOLS, ==, 71);
        g_assert_cmpint(REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_NAME, ==, 84);
        g_assert_cmpint(REMOTE_PROC_STORAGE_VOL_GET_PATH, ==, 100);
        g_assert_cmpint(REMOTE_PROC_STORAGE_VOL_CREATE_XML_FROM, ==, 125);
        g_assert_cmpint(REMOTE_PROC_STORAGE_POOL_IS_ACTIVE, ==, 154);
        g_assert_cmpint(REMOTE_PROC_STORAGE_VOL_WIPE, ==, 165);
        g_assert_cmpint(REMOTE_PROC_STORAGE_VOL_RESIZE, ==, 260);
        g_assert_cmpint(REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS, ==, 281);
        g_assert_cmpint(REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES, ==, 282);
        g_assert_cmpstr(vctl_rpc_proc_name(100), ==, "STORAGE_VOL_GET_PATH");
}

static void assert_rpc_error(const char *needle)
{
        const vctl_error *err = vctl_error_last();

        g_assert_nonnull(err);
        g_assert_cmpint(err->code, ==, VCTL_ERR_RPC);
        g_assert_cmpint(err->domain, ==, VCTL_FROM_RPC);
        if (!strstr(err->message, needle))
                g_error("error '%s' does not mention '%s'", err->message, needle);
}

static vctl_rpc_header call_header(int proc)
{
        vctl_rpc_header hdr = {REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION, proc,
                               VCTL_RPC_CALL,  next_serial++,           VCTL_RPC_OK};
        return hdr;
}

/* One message through a reader, in the given mode. */
static vctl_rpc_msg *read_one(const GByteArray *buf, int mode)
{
        g_autoptr(vctl_rpc_reader) reader = vctl_rpc_reader_new(0);
        vctl_rpc_msg *msg;

        feed_all(reader, buf, mode, 1);
        msg = vctl_rpc_reader_pop(reader);
        g_assert_nonnull(msg);
        g_assert_cmpint(vctl_rpc_reader_finish(reader), ==, 0);
        return msg;
}

static void test_error_roundtrip(gconstpointer data)
{
        int mode = GPOINTER_TO_INT(data);
        vctl_rpc_header call = call_header(REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME);
        g_autoptr(vctl_error) err = vctl_error_new(VCTL_ERR_NO_DOMAIN, VCTL_FROM_DOMAIN,
                                                   "domain 'web1' not found (see 'vctl list')");
        g_autoptr(vctl_error) back = NULL;
        g_autoptr(GByteArray) buf = g_byte_array_new();
        g_autoptr(vctl_rpc_msg) msg = NULL;
        remote_error raw;

        g_assert_cmpint(vctl_rpc_encode_error(buf, &call, err, 0), ==, 0);
        msg = read_one(buf, mode);
        g_assert_cmpint(vctl_rpc_msg_check(msg, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION), ==, 0);
        g_assert_cmpint(msg->header.type, ==, VCTL_RPC_REPLY);
        g_assert_cmpint(msg->header.status, ==, VCTL_RPC_ERROR);
        g_assert_cmpint(msg->header.proc, ==, call.proc);
        g_assert_cmpuint(msg->header.serial, ==, call.serial);
        g_assert_cmpint(vctl_rpc_msg_decode_error(msg, &back), ==, 0);
        g_assert_cmpint(back->code, ==, VCTL_ERR_NO_DOMAIN);
        g_assert_cmpint(back->domain, ==, VCTL_FROM_DOMAIN);
        g_assert_cmpstr(back->message, ==, err->message);

        /* the wire form is a full remote_error: level 2, the rest empty */
        g_assert_cmpint(vctl_rpc_msg_decode(msg, (xdrproc_t)xdr_remote_error, &raw, sizeof(raw)),
                        ==, 0);
        g_assert_cmpint(raw.level, ==, VCTL_RPC_ERROR_LEVEL);
        g_assert_nonnull(raw.message);
        g_assert_null(raw.dom);
        g_assert_null(raw.str1);
        g_assert_null(raw.str2);
        g_assert_null(raw.str3);
        g_assert_null(raw.net);
        g_assert_cmpint(raw.int1, ==, 0);
        g_assert_cmpint(raw.int2, ==, 0);
        xdr_free((xdrproc_t)xdr_remote_error, (char *)&raw);
}

/* A remote_error from libvirt may carry no message and extra fields. */
static void test_error_from_libvirt(void)
{
        vctl_rpc_header hdr = call_header(REMOTE_PROC_DOMAIN_DESTROY);
        remote_nonnull_domain dom;
        char *s1 = (char *)"extra";
        remote_error raw = {.code = VCTL_ERR_OPERATION_INVALID,
                            .domain = VCTL_FROM_QEMU,
                            .message = NULL,
                            .level = 2,
                            .dom = &dom,
                            .str1 = &s1,
                            .int1 = 4};
        g_autoptr(GByteArray) buf = g_byte_array_new();
        g_autoptr(vctl_rpc_msg) msg = NULL;
        g_autoptr(vctl_error) back = NULL;

        fill_dom(&dom, 1);
        hdr.type = VCTL_RPC_REPLY;
        hdr.status = VCTL_RPC_ERROR;
        g_assert_cmpint(vctl_rpc_encode(buf, &hdr, (xdrproc_t)xdr_remote_error, &raw, 0), ==, 0);
        msg = read_one(buf, FEED_CHUNK);
        g_assert_cmpint(vctl_rpc_msg_decode_error(msg, &back), ==, 0);
        g_assert_cmpint(back->code, ==, VCTL_ERR_OPERATION_INVALID);
        g_assert_cmpint(back->domain, ==, VCTL_FROM_QEMU);
        g_assert_cmpstr(back->message, ==, "unknown error");
}

static void test_truncated(gconstpointer data)
{
        int mode = GPOINTER_TO_INT(data);
        vctl_rpc_header hdr = call_header(REMOTE_PROC_DOMAIN_DEFINE_XML);
        remote_domain_define_xml_args args = {.xml = xml_doc};
        g_autoptr(GByteArray) buf = g_byte_array_new();

        g_assert_cmpint(
                vctl_rpc_encode(buf, &hdr, (xdrproc_t)xdr_remote_domain_define_xml_args, &args, 0),
                ==, 0);
        /* cut anywhere: inside the length word, the header, the body */
        for (guint cut = 1; cut < buf->len; cut += (cut < 40 ? 1 : 13)) {
                g_autoptr(vctl_rpc_reader) reader = vctl_rpc_reader_new(0);
                g_autoptr(GByteArray) part = g_byte_array_new();

                g_byte_array_append(part, buf->data, cut);
                feed_all(reader, part, mode, 0);
                g_assert_null(vctl_rpc_reader_pop(reader));
                vctl_error_clear();
                g_assert_cmpint(vctl_rpc_reader_finish(reader), ==, -1);
                assert_rpc_error("closed in the middle of a message");
                /* the rest completes it */
                g_assert_cmpint(vctl_rpc_reader_feed(reader, buf->data + cut, buf->len - cut), ==,
                                1);
                g_assert_cmpint(vctl_rpc_reader_finish(reader), ==, 0);
                vctl_rpc_msg_free(vctl_rpc_reader_pop(reader));
        }
}

static void put_be32(GByteArray *buf, guint32 v)
{
        v = GUINT32_TO_BE(v);
        g_byte_array_append(buf, (const guint8 *)&v, 4);
}

/* A length word then a valid-looking header. */
static GByteArray *frame_with_length(guint32 len)
{
        GByteArray *buf = g_byte_array_new();

        put_be32(buf, len);
        put_be32(buf, REMOTE_PROGRAM);
        put_be32(buf, REMOTE_PROTOCOL_VERSION);
        put_be32(buf, REMOTE_PROC_CONNECT_GET_URI);
        put_be32(buf, VCTL_RPC_CALL);
        put_be32(buf, 1);
        put_be32(buf, VCTL_RPC_OK);
        return buf;
}

static void expect_refused_at_length(guint32 len, guint32 max, int mode, const char *needle)
{
        g_autoptr(vctl_rpc_reader) reader = vctl_rpc_reader_new(max);
        g_autoptr(GByteArray) buf = frame_with_length(len);

        vctl_error_clear();
        if (mode == FEED_BYTES) {
                for (int i = 0; i < 3; i++)
                        g_assert_cmpint(vctl_rpc_reader_feed(reader, buf->data + i, 1), ==, 0);
                /* refused on the 4th byte, before any of the body is taken */
                g_assert_cmpint(vctl_rpc_reader_feed(reader, buf->data + 3, 1), ==, -1);
        } else {
                g_assert_cmpint(vctl_rpc_reader_feed(reader, buf->data, buf->len), ==, -1);
        }
        assert_rpc_error(needle);
        /* the stream stays refused */
        vctl_error_clear();
        g_assert_cmpint(vctl_rpc_reader_feed(reader, buf->data, buf->len), ==, -1);
        assert_rpc_error(needle);
        g_assert_cmpint(vctl_rpc_reader_finish(reader), ==, -1);
        g_assert_null(vctl_rpc_reader_pop(reader));
}

static void test_length_too_small(gconstpointer data)
{
        int mode = GPOINTER_TO_INT(data);

        expect_refused_at_length(0, 0, mode, "too small");
        expect_refused_at_length(4, 0, mode, "too small");
        expect_refused_at_length(27, 0, mode, "too small");
}

static void test_length_too_large(gconstpointer data)
{
        int mode = GPOINTER_TO_INT(data);
        g_autoptr(vctl_rpc_reader) reader = vctl_rpc_reader_new(0);
        g_autoptr(GByteArray) edge = frame_with_length(VCTL_RPC_MAX_MESSAGE + VCTL_RPC_LEN_LEN);

        expect_refused_at_length(VCTL_RPC_MAX_MESSAGE + VCTL_RPC_LEN_LEN + 1, 0, mode, "too large");
        expect_refused_at_length(G_MAXUINT32, 0, mode, "too large");
        expect_refused_at_length(0x80000000u, 0, mode, "too large");
        /* a smaller per-connection limit */
        expect_refused_at_length(1024 + VCTL_RPC_LEN_LEN + 1, 1024, mode, "too large");
        /* the largest libvirt frame is accepted and waits for its body */
        g_assert_cmpint(vctl_rpc_reader_feed(reader, edge->data, edge->len), ==, 0);
        g_assert_cmpint(vctl_rpc_reader_finish(reader), ==, -1);
}

static void test_encode_limit(void)
{
        vctl_rpc_header hdr = call_header(REMOTE_PROC_DOMAIN_DEFINE_XML);
        g_autofree char *big = g_malloc(2001);
        remote_domain_define_xml_args args = {.xml = big};
        g_autoptr(GByteArray) buf = g_byte_array_new();

        memset(big, 'x', 2000);
        big[2000] = '\0';
        g_byte_array_append(buf, (const guint8 *)"keep", 4);
        vctl_error_clear();
        g_assert_cmpint(vctl_rpc_encode(buf, &hdr, (xdrproc_t)xdr_remote_domain_define_xml_args,
                                        &args, 1024),
                        ==, -1);
        assert_rpc_error("exceeds the message limit");
        g_assert_cmpuint(buf->len, ==, 4); /* nothing half-written */
        g_assert_cmpint(vctl_rpc_encode(buf, &hdr, (xdrproc_t)xdr_remote_domain_define_xml_args,
                                        &args, 4096),
                        ==, 0);
        g_assert_cmpuint(buf->len, ==, 4 + 28 + 4 + 2000);
}

static void test_wrong_program(gconstpointer data)
{
        int mode = GPOINTER_TO_INT(data);
        vctl_rpc_header hdr = call_header(REMOTE_PROC_CONNECT_GET_URI);
        g_autoptr(GByteArray) buf = g_byte_array_new();
        g_autoptr(vctl_rpc_msg) msg = NULL;

        hdr.prog = 0x12345678;
        g_assert_cmpint(vctl_rpc_encode(buf, &hdr, NULL, NULL, 0), ==, 0);
        msg = read_one(buf, mode);
        vctl_error_clear();
        g_assert_cmpint(vctl_rpc_msg_check(msg, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION), ==, -1);
        assert_rpc_error("unknown program 0x12345678");
        g_clear_pointer(&msg, vctl_rpc_msg_free);

        g_byte_array_set_size(buf, 0);
        hdr.prog = REMOTE_PROGRAM;
        hdr.vers = 2;
        g_assert_cmpint(vctl_rpc_encode(buf, &hdr, NULL, NULL, 0), ==, 0);
        msg = read_one(buf, mode);
        g_assert_cmpint(vctl_rpc_msg_check(msg, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION), ==, -1);
        assert_rpc_error("version 2 is not supported");
        g_clear_pointer(&msg, vctl_rpc_msg_free);

        g_byte_array_set_size(buf, 0);
        hdr.vers = REMOTE_PROTOCOL_VERSION;
        hdr.type = 7;
        g_assert_cmpint(vctl_rpc_encode(buf, &hdr, NULL, NULL, 0), ==, 0);
        msg = read_one(buf, mode);
        g_assert_cmpint(vctl_rpc_msg_check(msg, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION), ==, -1);
        assert_rpc_error("unknown message type 7");
        g_clear_pointer(&msg, vctl_rpc_msg_free);

        g_byte_array_set_size(buf, 0);
        hdr.type = VCTL_RPC_CALL;
        hdr.status = 3;
        g_assert_cmpint(vctl_rpc_encode(buf, &hdr, NULL, NULL, 0), ==, 0);
        msg = read_one(buf, mode);
        g_assert_cmpint(vctl_rpc_msg_check(msg, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION), ==, -1);
        assert_rpc_error("unknown message status 3");
}

static void test_keepalive(gconstpointer data)
{
        int mode = GPOINTER_TO_INT(data);
        g_autoptr(GByteArray) buf = g_byte_array_new();
        g_autoptr(vctl_rpc_reader) reader = vctl_rpc_reader_new(0);
        static const guint8 wire_ping[] = {0, 0, 0, 28, 0x6b, 0x65, 0x65, 0x70, 0, 0, 0, 1, 0, 0,
                                           0, 1, 0, 0,  0,    2,    0,    0,    0, 0, 0, 0, 0, 0};

        g_assert_cmpint(vctl_rpc_encode_keepalive(buf, KEEPALIVE_PROC_PING), ==, 0);
        g_assert_cmpmem(buf->data, buf->len, wire_ping, sizeof(wire_ping));
        g_assert_cmpint(vctl_rpc_encode_keepalive(buf, KEEPALIVE_PROC_PONG), ==, 0);
        feed_all(reader, buf, mode, 2);
        for (int proc = KEEPALIVE_PROC_PING; proc <= KEEPALIVE_PROC_PONG; proc++) {
                g_autoptr(vctl_rpc_msg) msg = vctl_rpc_reader_pop(reader);

                g_assert_nonnull(msg);
                g_assert_cmpint(
                        vctl_rpc_msg_check(msg, KEEPALIVE_PROGRAM, KEEPALIVE_PROTOCOL_VERSION), ==,
                        0);
                g_assert_cmpint(msg->header.proc, ==, proc);
                g_assert_cmpint(msg->header.type, ==, VCTL_RPC_MESSAGE);
                g_assert_cmpuint(msg->header.serial, ==, 0);
                g_assert_cmpuint(msg->body_len, ==, 0);
        }
        g_assert_null(vctl_rpc_reader_pop(reader));
}

static void test_unknown_procedure(gconstpointer data)
{
        int mode = GPOINTER_TO_INT(data);
        /* DOMAIN_ATTACH_DEVICE: libvirt has it, vctl does not declare it */
        vctl_rpc_header call = call_header(8);
        g_autoptr(vctl_error) err = NULL;
        g_autoptr(vctl_error) back = NULL;
        g_autoptr(GByteArray) buf = g_byte_array_new();
        g_autoptr(vctl_rpc_msg) msg = NULL;

        g_assert_null(vctl_rpc_proc_lookup(call.proc));
        err = vctl_rpc_error_unsupported(&call);
        g_assert_cmpint(err->code, ==, VCTL_ERR_NO_SUPPORT);
        g_assert_cmpstr(err->message, ==, "procedure 8 is not supported by vctld");
        g_clear_pointer(&err, vctl_error_free);

        call.proc = 23;
        err = vctl_rpc_error_unsupported(&call);
        g_assert_cmpstr(err->message, ==,
                        "procedure 23 (DOMAIN_LOOKUP_BY_NAME) is not supported by vctld");
        g_clear_pointer(&err, vctl_error_free);

        call.prog = 0x11111111;
        err = vctl_rpc_error_unsupported(&call);
        g_assert_cmpint(err->code, ==, VCTL_ERR_NO_SUPPORT);
        g_assert_cmpstr(err->message, ==, "program 0x11111111 is not supported by vctld");

        call = call_header(99999);
        g_assert_cmpint(vctl_rpc_encode_unsupported(buf, &call, 0), ==, 0);
        msg = read_one(buf, mode);
        g_assert_cmpint(msg->header.type, ==, VCTL_RPC_REPLY);
        g_assert_cmpint(msg->header.status, ==, VCTL_RPC_ERROR);
        g_assert_cmpint(msg->header.proc, ==, 99999);
        g_assert_cmpuint(msg->header.serial, ==, call.serial);
        g_assert_cmpint(vctl_rpc_msg_decode_error(msg, &back), ==, 0);
        g_assert_cmpint(back->code, ==, VCTL_ERR_NO_SUPPORT);
        g_assert_cmpint(back->domain, ==, VCTL_FROM_RPC);
        g_assert_cmpstr(back->message, ==, "procedure 99999 is not supported by vctld");
}

/* A message with a hand-made body, through a reader. */
static vctl_rpc_msg *msg_with_body(int proc, int type, const GByteArray *body, int mode)
{
        g_autoptr(GByteArray) buf = g_byte_array_new();

        put_be32(buf, VCTL_RPC_MIN_FRAME + body->len);
        put_be32(buf, REMOTE_PROGRAM);
        put_be32(buf, REMOTE_PROTOCOL_VERSION);
        put_be32(buf, (guint32)proc);
        put_be32(buf, (guint32)type);
        put_be32(buf, 9);
        put_be32(buf, VCTL_RPC_OK);
        g_byte_array_append(buf, body->data, body->len);
        return read_one(buf, mode);
}

static void assert_zero(const void *p, gsize size)
{
        const guint8 *b = p;

        for (gsize i = 0; i < size; i++)
                g_assert_cmpuint(b[i], ==, 0);
}

/* The body fails to decode with an error and leaves the struct empty. */
#define EXPECT_BAD_BODY(mode, proc, type, T, xproc, body)                                          \
        do {                                                                                       \
                g_autoptr(vctl_rpc_msg) m_ = msg_with_body(proc, type, body, mode);                \
                T out_;                                                                            \
                vctl_error_clear();                                                                \
                g_assert_cmpint(vctl_rpc_msg_decode(m_, (xdrproc_t)(xproc), &out_, sizeof(out_)),  \
                                ==, -1);                                                           \
                assert_rpc_error("cannot decode");                                                 \
                assert_zero(&out_, sizeof(out_));                                                  \
        } while (0)

static void test_garbage_body(gconstpointer data)
{
        int mode = GPOINTER_TO_INT(data);
        g_autoptr(GByteArray) body = g_byte_array_new();
        g_autoptr(GRand) rand = g_rand_new_with_seed(20240601);

        /* a string length far past the body */
        put_be32(body, 0x7fffffff);
        g_byte_array_append(body, (const guint8 *)"abcd", 4);
        EXPECT_BAD_BODY(mode, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, VCTL_RPC_CALL,
                        remote_domain_lookup_by_name_args, xdr_remote_domain_lookup_by_name_args,
                        body);

        /* a body too short for its fixed fields */
        g_byte_array_set_size(body, 3);
        EXPECT_BAD_BODY(mode, REMOTE_PROC_DOMAIN_GET_STATE, VCTL_RPC_REPLY,
                        remote_domain_get_state_ret, xdr_remote_domain_get_state_ret, body);

        /* an array that says 3 domains and holds 1 (partly decoded, then freed) */
        g_byte_array_set_size(body, 0);
        put_be32(body, 3);
        put_be32(body, 4);
        g_byte_array_append(body, (const guint8 *)"web1", 4);
        g_byte_array_append(body, (const guint8 *)"0123456789abcdef", 16);
        put_be32(body, 1);
        EXPECT_BAD_BODY(mode, REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, VCTL_RPC_REPLY,
                        remote_connect_list_all_domains_ret,
                        xdr_remote_connect_list_all_domains_ret, body);

        /* an optional pointer flag that is neither 0 nor 1 */
        g_byte_array_set_size(body, 0);
        put_be32(body, 2);
        put_be32(body, 0);
        EXPECT_BAD_BODY(mode, REMOTE_PROC_CONNECT_OPEN, VCTL_RPC_CALL, remote_connect_open_args,
                        xdr_remote_connect_open_args, body);

        /* a valid body followed by stray bytes */
        g_byte_array_set_size(body, 0);
        put_be32(body, 42);
        put_be32(body, 0xdeadbeef);
        EXPECT_BAD_BODY(mode, REMOTE_PROC_DOMAIN_LOOKUP_BY_ID, VCTL_RPC_CALL,
                        remote_domain_lookup_by_id_args, xdr_remote_domain_lookup_by_id_args, body);

        /* random bytes: must never crash or leak, whatever the outcome */
        for (int round = 0; round < (mode == FEED_BYTES ? 20 : 200); round++) {
                g_autoptr(vctl_rpc_msg) m = NULL;
                remote_connect_list_all_domains_ret out;
                guint len = (guint)g_rand_int_range(rand, 0, 64) * 4;

                g_byte_array_set_size(body, len);
                for (guint i = 0; i < len; i++)
                        body->data[i] = (guint8)g_rand_int_range(rand, 0, 4) == 0
                                                ? 0
                                                : (guint8)g_rand_int_range(rand, 0, 256);
                m = msg_with_body(REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, VCTL_RPC_REPLY, body, mode);
                if (vctl_rpc_msg_decode(m, (xdrproc_t)xdr_remote_connect_list_all_domains_ret, &out,
                                        sizeof(out)) == 0)
                        xdr_free((xdrproc_t)xdr_remote_connect_list_all_domains_ret, (char *)&out);
                else
                        assert_zero(&out, sizeof(out));
        }
}

static void test_string_limit(void)
{
        gsize big = REMOTE_STRING_MAX + 1;
        g_autofree char *s = g_malloc(big + 1);
        remote_domain_define_xml_args args = {.xml = s};
        vctl_rpc_header hdr = call_header(REMOTE_PROC_DOMAIN_DEFINE_XML);
        g_autoptr(GByteArray) buf = g_byte_array_new();
        g_autoptr(GByteArray) body = g_byte_array_new();
        g_autoptr(vctl_rpc_msg) msg = NULL;
        remote_domain_define_xml_args out;

        memset(s, 'a', big);
        s[big] = '\0';
        /* the encoder refuses it */
        vctl_error_clear();
        g_assert_cmpint(
                vctl_rpc_encode(buf, &hdr, (xdrproc_t)xdr_remote_domain_define_xml_args, &args, 0),
                ==, -1);
        assert_rpc_error("");
        g_assert_cmpuint(buf->len, ==, 0);

        /* so does the decoder, with every byte of it present */
        put_be32(body, (guint32)big);
        g_byte_array_append(body, (const guint8 *)s, (guint)big);
        g_byte_array_append(body, (const guint8 *)"\0\0\0", 3);
        EXPECT_BAD_BODY(FEED_CHUNK, REMOTE_PROC_DOMAIN_DEFINE_XML, VCTL_RPC_CALL,
                        remote_domain_define_xml_args, xdr_remote_domain_define_xml_args, body);

        /* exactly REMOTE_STRING_MAX is fine */
        s[REMOTE_STRING_MAX] = '\0';
        g_assert_cmpint(
                vctl_rpc_encode(buf, &hdr, (xdrproc_t)xdr_remote_domain_define_xml_args, &args, 0),
                ==, 0);
        msg = read_one(buf, FEED_CHUNK);
        g_assert_cmpint(vctl_rpc_msg_decode(msg, (xdrproc_t)xdr_remote_domain_define_xml_args, &out,
                                            sizeof(out)),
                        ==, 0);
        g_assert_cmpuint(strlen(out.xml), ==, REMOTE_STRING_MAX);
        xdr_free((xdrproc_t)xdr_remote_domain_define_xml_args, (char *)&out);
}

static void test_array_limit(gconstpointer data)
{
        int mode = GPOINTER_TO_INT(data);
        g_autoptr(GByteArray) body = g_byte_array_new();
        g_autoptr(vctl_rpc_msg) msg = NULL;
        remote_connect_list_defined_domains_ret out;
        g_autofree char **names = g_new0(char *, REMOTE_DOMAIN_LIST_MAX + 1);
        remote_connect_list_defined_domains_ret in = {
                .names = {.names_len = REMOTE_DOMAIN_LIST_MAX + 1, .names_val = names}};
        vctl_rpc_header hdr = call_header(REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS);
        g_autoptr(GByteArray) buf = g_byte_array_new();

        /* one name over the limit, each an empty string */
        put_be32(body, REMOTE_DOMAIN_LIST_MAX + 1);
        for (int i = 0; i < REMOTE_DOMAIN_LIST_MAX + 1; i++)
                put_be32(body, 0);
        if (mode == FEED_CHUNK) {
                EXPECT_BAD_BODY(mode, REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, VCTL_RPC_REPLY,
                                remote_connect_list_defined_domains_ret,
                                xdr_remote_connect_list_defined_domains_ret, body);
        }
        /* auth types: 21 of at most 20 */
        {
                g_autoptr(GByteArray) auth = g_byte_array_new();

                put_be32(auth, REMOTE_AUTH_TYPE_LIST_MAX + 1);
                for (int i = 0; i < REMOTE_AUTH_TYPE_LIST_MAX + 1; i++)
                        put_be32(auth, REMOTE_AUTH_NONE);
                EXPECT_BAD_BODY(mode, REMOTE_PROC_AUTH_LIST, VCTL_RPC_REPLY, remote_auth_list_ret,
                                xdr_remote_auth_list_ret, auth);
        }
        if (mode == FEED_BYTES)
                return;

        /* the encoder refuses too */
        for (int i = 0; i < REMOTE_DOMAIN_LIST_MAX + 1; i++)
                names[i] = (char *)"n";
        hdr.type = VCTL_RPC_REPLY;
        vctl_error_clear();
        g_assert_cmpint(vctl_rpc_encode(buf, &hdr,
                                        (xdrproc_t)xdr_remote_connect_list_defined_domains_ret, &in,
                                        0),
                        ==, -1);
        assert_rpc_error("");

        /* exactly at the limit decodes */
        body->data[3]--; /* count 16384: the last 4 bytes are now stray */
        g_byte_array_set_size(body, body->len - 4);
        msg = msg_with_body(REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS, VCTL_RPC_REPLY, body, mode);
        g_assert_cmpint(vctl_rpc_msg_decode(msg,
                                            (xdrproc_t)xdr_remote_connect_list_defined_domains_ret,
                                            &out, sizeof(out)),
                        ==, 0);
        g_assert_cmpuint(out.names.names_len, ==, REMOTE_DOMAIN_LIST_MAX);
        g_assert_cmpstr(out.names.names_val[REMOTE_DOMAIN_LIST_MAX - 1], ==, "");
        xdr_free((xdrproc_t)xdr_remote_connect_list_defined_domains_ret, (char *)&out);
}

/* Several messages in one read, and one split across reads. */
static void test_stream_of_messages(void)
{
        g_autoptr(GByteArray) buf = g_byte_array_new();
        g_autoptr(vctl_rpc_reader) reader = vctl_rpc_reader_new(0);
        remote_domain_lookup_by_id_args args = {.id = 0};
        guint half;

        for (int i = 0; i < 5; i++) {
                vctl_rpc_header hdr = call_header(REMOTE_PROC_DOMAIN_LOOKUP_BY_ID);

                hdr.serial = 100 + i;
                args.id = i;
                g_assert_cmpint(vctl_rpc_encode(buf, &hdr,
                                                (xdrproc_t)xdr_remote_domain_lookup_by_id_args,
                                                &args, 0),
                                ==, 0);
        }
        half = buf->len - 10;
        g_assert_cmpint(vctl_rpc_reader_feed(reader, buf->data, half), ==, 4);
        g_assert_cmpint(vctl_rpc_reader_feed(reader, buf->data + half, buf->len - half), ==, 5);
        for (int i = 0; i < 5; i++) {
                g_autoptr(vctl_rpc_msg) msg = vctl_rpc_reader_pop(reader);
                remote_domain_lookup_by_id_args out;

                g_assert_nonnull(msg);
                g_assert_cmpuint(msg->header.serial, ==, 100 + i);
                g_assert_cmpint(vctl_rpc_msg_decode(msg,
                                                    (xdrproc_t)xdr_remote_domain_lookup_by_id_args,
                                                    &out, sizeof(out)),
                                ==, 0);
                g_assert_cmpint(out.id, ==, i);
        }
        g_assert_null(vctl_rpc_reader_pop(reader));
        g_assert_cmpint(vctl_rpc_reader_finish(reader), ==, 0);
}

static void add_both(const char *path, GTestDataFunc fn)
{
        g_autofree char *chunk = g_strdup_printf("/rpc/%s/chunk", path);
        g_autofree char *bytes = g_strdup_printf("/rpc/%s/bytewise", path);

        g_test_add_data_func(chunk, GINT_TO_POINTER(FEED_CHUNK), fn);
        g_test_add_data_func(bytes, GINT_TO_POINTER(FEED_BYTES), fn);
}

int main(int argc, char **argv)
{
        static proc_test tests[G_N_ELEMENTS(proc_cases) * 2];

        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/rpc/proc-table", test_proc_table);
        for (gsize i = 0; i < G_N_ELEMENTS(proc_cases); i++) {
                for (int mode = FEED_CHUNK; mode <= FEED_BYTES; mode++) {
                        proc_test *t = &tests[i * 2 + mode];
                        g_autofree char *path = g_strdup_printf(
                                "/rpc/roundtrip/%s/%s", vctl_rpc_proc_name(proc_cases[i].proc),
                                mode == FEED_CHUNK ? "chunk" : "bytewise");

                        t->pc = &proc_cases[i];
                        t->mode = mode;
                        g_test_add_data_func(path, t, run_proc_case);
                }
        }
        add_both("error/roundtrip", test_error_roundtrip);
        g_test_add_func("/rpc/error/from-libvirt", test_error_from_libvirt);
        add_both("frame/truncated", test_truncated);
        add_both("frame/too-small", test_length_too_small);
        add_both("frame/too-large", test_length_too_large);
        g_test_add_func("/rpc/frame/encode-limit", test_encode_limit);
        g_test_add_func("/rpc/frame/stream", test_stream_of_messages);
        add_both("header/wrong-program", test_wrong_program);
        add_both("keepalive", test_keepalive);
        add_both("unknown-procedure", test_unknown_procedure);
        add_both("body/garbage", test_garbage_body);
        g_test_add_func("/rpc/body/string-limit", test_string_limit);
        add_both("body/array-limit", test_array_limit);
        return g_test_run();
}
