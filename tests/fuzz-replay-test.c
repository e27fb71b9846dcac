/* The libFuzzer harnesses (tests/fuzz/) built as a unit test: every input of
 * their seed corpus and every past finding (tests/data/fuzz-regressions/NAME/,
 * one file per crash that was found and fixed) runs through them, so a fixed
 * crash that comes back fails make check, and under ASan/UBSan in CI. */
#include "config.h"

#include "tests/fuzz/fuzz.h"
#include "driver/qemu/qmp_priv.h"
#include "lib/rpc/message.h"

#include <glib.h>

int fuzz_target_domain(const uint8_t *data, size_t size);
int fuzz_target_network(const uint8_t *data, size_t size);
int fuzz_target_pool(const uint8_t *data, size_t size);
int fuzz_target_volume(const uint8_t *data, size_t size);
int fuzz_target_rpc(const uint8_t *data, size_t size);
int fuzz_target_qmp(const uint8_t *data, size_t size);

typedef struct fuzz_replay {
        const char *name;
        int (*run)(const uint8_t *data, size_t size);
        const char *seeds[3]; /* under tests/data, besides fuzz-regressions/NAME */
        guint min_inputs;     /* the corpus must not vanish unnoticed */
} fuzz_replay;

static const fuzz_replay replays[] = {
        {"domain", fuzz_target_domain, {"domain", "domain/invalid"}, 50},
        {"network", fuzz_target_network, {"network", "network/invalid"}, 20},
        {"pool", fuzz_target_pool, {"pool", "pool/invalid"}, 5},
        {"volume", fuzz_target_volume, {"volume", "volume/invalid"}, 5},
        {"rpc", fuzz_target_rpc, {"fuzz-seeds/rpc"}, 5},
        {"qmp", fuzz_target_qmp, {"fuzz-seeds/qmp"}, 5},
};

/* Runs every file in tests/data/SUB through the harness; how many ran. */
static guint replay_dir(const fuzz_replay *r, const char *sub)
{
        g_autofree char *dir = g_test_build_filename(G_TEST_DIST, "data", sub, NULL);
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *entry;
        guint n = 0;

        if (!d)
                return 0;
        while ((entry = g_dir_read_name(d))) {
                g_autofree char *path = g_build_filename(dir, entry, NULL);
                g_autofree char *data = NULL;
                gsize len;

                if (g_file_test(path, G_FILE_TEST_IS_DIR) || g_str_has_prefix(entry, "."))
                        continue;
                g_assert_true(g_file_get_contents(path, &data, &len, NULL));
                g_test_message("%s: %s (%zu bytes)", r->name, path, len);
                g_assert_cmpint(r->run((const uint8_t *)data, len), ==, 0);
                n++;
        }
        return n;
}

static void test_replay(gconstpointer data)
{
        const fuzz_replay *r = data;
        g_autofree char *regressions = g_build_filename("fuzz-regressions", r->name, NULL);
        guint n = 0;

        for (guint i = 0; i < G_N_ELEMENTS(r->seeds) && r->seeds[i]; i++)
                n += replay_dir(r, r->seeds[i]);
        g_assert_cmpuint(n, >=, r->min_inputs);
        /* past findings must also keep to libvirt's schema (fuzz-conf.h) */
        g_setenv("VCTL_FUZZ_LIBVIRT_SCHEMA", "1", TRUE);
        n += replay_dir(r, regressions);
        g_unsetenv("VCTL_FUZZ_LIBVIRT_SCHEMA");
        g_test_message("%s: %u inputs replayed", r->name, n);
}

/* The harnesses reach what they are meant to: a fuzzer whose input never got
 * past the first check would find nothing and still pass. */
static void test_qmp_feed_reaches_parser(void)
{
        g_autofree char *path =
                g_test_build_filename(G_TEST_DIST, "data", "fuzz-seeds", "qmp", "status", NULL);
        g_autofree char *data = NULL;
        gsize len;

        g_assert_true(g_file_get_contents(path, &data, &len, NULL));
        /* greeting, then the replies to vctl-1 and vctl-2; a byte at a time too */
        g_assert_cmpint(qmp_parse_feed("t", (const guint8 *)data + 1, len - 1, 0, 3, NULL, NULL),
                        ==, 2);
        g_assert_cmpint(qmp_parse_feed("t", (const guint8 *)data + 1, len - 1, 1, 3, NULL, NULL),
                        ==, 2);
        g_assert_cmpint(qmp_parse_feed("t", (const guint8 *)"{]\n", 3, 0, 3, NULL, NULL), ==, -1);
}

static void test_rpc_seed_reaches_decoder(void)
{
        g_autofree char *path = g_test_build_filename(G_TEST_DIST, "data", "fuzz-seeds", "rpc",
                                                      "stream-define", NULL);
        g_autofree char *data = NULL;
        g_autoptr(vctl_rpc_reader) reader = vctl_rpc_reader_new(0);
        g_autoptr(vctl_rpc_msg) msg = NULL;
        remote_domain_define_xml_args args = {0};
        const vctl_rpc_proc_info *info;
        gsize len;

        g_assert_true(g_file_get_contents(path, &data, &len, NULL));
        g_assert_cmpint(vctl_rpc_reader_feed(reader, (const guint8 *)data + 2, len - 2), ==, 1);
        msg = vctl_rpc_reader_pop(reader);
        g_assert_nonnull(msg);
        g_assert_cmpint(vctl_rpc_msg_check(msg, REMOTE_PROGRAM, REMOTE_PROTOCOL_VERSION), ==, 0);
        info = vctl_rpc_proc_lookup(msg->header.proc);
        g_assert_nonnull(info);
        g_assert_cmpstr(info->name, ==, "DOMAIN_DEFINE_XML");
        g_assert_cmpint(vctl_rpc_msg_decode(msg, info->args_proc, &args, sizeof(args)), ==, 0);
        g_assert_true(g_str_has_prefix(args.xml, "<domain"));
        xdr_free(info->args_proc, &args);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        for (guint i = 0; i < G_N_ELEMENTS(replays); i++) {
                g_autofree char *path = g_strdup_printf("/fuzz-replay/%s", replays[i].name);

                g_test_add_data_func(path, &replays[i], test_replay);
        }
        g_test_add_func("/fuzz-replay/qmp-feed-reaches-parser", test_qmp_feed_reaches_parser);
        g_test_add_func("/fuzz-replay/rpc-seed-reaches-decoder", test_rpc_seed_reaches_decoder);
        return g_test_run();
}
