/* The QEMU command line against golden files, and against QEMU itself.
 *
 * tests/data/qemu-args/NAME.xml is built with fixed capabilities and launch
 * bits (monitor /run/vctl/qemu/NAME.monitor, run dir /run/vctl/qemu/NAME,
 * tap fds 3, 4, ..., spice port 5900; names starting "kvm-unusable" get a
 * host without KVM, "sandbox" a sandboxed launch). The argv, one argument per
 * line, must equal NAME.args; when NAME.err exists the build must fail with
 * exactly that message. VCTL_TEST_REGENERATE=1 writes the expected files.
 *
 * /qemu-command/run/NAME starts qemu-system-x86_64 (TCG, -S) with each
 * golden's argv, rewritten only where the host must differ (temp paths and
 * images, user networking for taps, free ports, a real kernel), and waits for
 * the QMP greeting: the proof that QEMU 7.2 accepted every option and
 * realized every device. It skips without QEMU. */
#include "config.h"

#include "driver/qemu/qemu_command.h"
#include "lib/util/error.h"

#include <errno.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct golden_case {
        char *name;
        char *xml_path, *args_path, *err_path;
} golden_case;

static void golden_case_free(gpointer data)
{
        golden_case *c = data;

        g_free(c->name);
        g_free(c->xml_path);
        g_free(c->args_path);
        g_free(c->err_path);
        g_free(c);
}

static gboolean regenerate(void)
{
        return g_strcmp0(g_getenv("VCTL_TEST_REGENERATE"), "1") == 0;
}

static qemu_caps *test_caps(const char *name)
{
        static const char *const machines[] = {"pc", "q35", "pc-q35-7.2", "pc-i440fx-7.2"};
        qemu_caps *caps = g_new0(qemu_caps, 1);

        caps->binary = g_strdup("/usr/bin/qemu-system-x86_64");
        caps->version = 7002000;
        caps->kvm_usable = !g_str_has_prefix(name, "kvm-unusable");
        if (!caps->kvm_usable)
                caps->kvm_reason = g_strdup("/dev/kvm does not exist (is the kvm_intel or kvm_amd "
                                            "module loaded?)");
        caps->machines = g_ptr_array_new_with_free_func(g_free);
        for (size_t i = 0; i < G_N_ELEMENTS(machines); i++)
                g_ptr_array_add(caps->machines, g_strdup(machines[i]));
        return caps;
}

static void test_launch_clear(qemu_launch *l)
{
        g_free(l->monitor_path);
        g_free(l->run_dir);
        if (l->tap_fds)
                g_array_unref(l->tap_fds);
}

static void test_launch_init(qemu_launch *l, const char *name)
{
        memset(l, 0, sizeof(*l));
        l->monitor_path = g_strdup_printf("/run/vctl/qemu/%s.monitor", name);
        l->run_dir = g_strdup_printf("/run/vctl/qemu/%s", name);
        l->tap_fds = g_array_new(FALSE, FALSE, sizeof(int));
        for (int fd = 3; fd < 8; fd++)
                g_array_append_val(l->tap_fds, fd);
        l->spice_port = 5900;
        l->sandbox = g_str_has_prefix(name, "sandbox");
}

static domain_def *load_def(const golden_case *c)
{
        g_autofree char *xml = NULL;
        g_autoptr(GError) err = NULL;
        domain_def *def;

        g_file_get_contents(c->xml_path, &xml, NULL, &err);
        g_assert_no_error(err);
        def = domain_def_parse(xml, strlen(xml), NULL);
        if (!def)
                g_error("%s: %s", c->xml_path, vctl_error_message());
        return def;
}

static char *join_args(char **argv)
{
        g_autofree char *joined = g_strjoinv("\n", argv);

        return g_strdup_printf("%s\n", joined);
}

static void test_golden(gconstpointer data)
{
        const golden_case *c = data;
        g_autoptr(domain_def) def = load_def(c);
        g_autoptr(qemu_caps) caps = test_caps(c->name);
        qemu_launch launch;
        g_auto(GStrv) argv = NULL;
        g_autofree char *expected = NULL;
        gboolean want_err = g_file_test(c->err_path, G_FILE_TEST_EXISTS);

        test_launch_init(&launch, c->name);
        vctl_error_clear();
        argv = qemu_command_build(def, caps, &launch);
        test_launch_clear(&launch);
        if (regenerate()) {
                g_autofree char *out =
                        argv ? join_args(argv) : g_strdup_printf("%s\n", vctl_error_message());

                g_unlink(argv ? c->err_path : c->args_path);
                g_assert_true(
                        g_file_set_contents(argv ? c->args_path : c->err_path, out, -1, NULL));
                want_err = !argv;
        }
        if (want_err) {
                if (argv)
                        g_error("%s: built but must be refused", c->xml_path);
                g_assert_true(g_file_get_contents(c->err_path, &expected, NULL, NULL));
                g_assert_nonnull(vctl_error_last());
                g_assert_true(vctl_error_last()->code == VCTL_ERR_CONFIG_UNSUPPORTED ||
                              vctl_error_last()->code == VCTL_ERR_OPERATION_INVALID);
                g_assert_cmpstr(vctl_error_message(), ==, g_strstrip(expected));
                return;
        }
        if (!argv)
                g_error("%s: refused: %s", c->xml_path, vctl_error_message());
        g_assert_true(g_file_get_contents(c->args_path, &expected, NULL, NULL));
        g_autofree char *got = join_args(argv);
        g_assert_cmpstr(got, ==, expected);
}

/* ---- running QEMU ---- */

typedef struct run_env {
        char *dir;
        char *qemu, *qemu_img;
        GHashTable *images;   /* golden path -> temp path */
        GPtrArray *listeners; /* GSocket for chardevs that connect */
        unsigned int counter;
} run_env;

static int free_tcp_port(void)
{
        g_autoptr(GSocket) s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, NULL);
        /* in QEMU's VNC range, so a display number can name it */
        for (int port = 6100; s && port < 6400; port++) {
                g_autoptr(GInetAddress) any = g_inet_address_new_any(G_SOCKET_FAMILY_IPV4);
                g_autoptr(GSocketAddress) a = g_inet_socket_address_new(any, (guint16)port);
                g_autoptr(GSocket) t = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                                    G_SOCKET_PROTOCOL_TCP, NULL);

                if (t && g_socket_bind(t, a, FALSE, NULL))
                        return port;
        }
        return -1;
}

static char *first_glob(const char *dir, const char *prefix)
{
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *n;

        while (d && (n = g_dir_read_name(d))) {
                if (g_str_has_prefix(n, prefix))
                        return g_build_filename(dir, n, NULL);
        }
        return NULL;
}

/* A temp image standing for path: qcow2 (raw over it works too), or a copy
 * of the OVMF variables for an nvram file. */
static const char *run_image(run_env *e, const char *path)
{
        const char *have = g_hash_table_lookup(e->images, path);
        g_autofree char *img = NULL;

        if (have)
                return have;
        if (g_str_has_prefix(path, "/usr/share/") && g_file_test(path, G_FILE_TEST_EXISTS))
                return path;
        img = g_strdup_printf("%s/img%u", e->dir, e->counter++);
        if (g_str_has_suffix(path, "_VARS.fd")) {
                g_autofree char *vars = NULL;
                gsize len = 0;

                g_assert_true(
                        g_file_get_contents("/usr/share/OVMF/OVMF_VARS_4M.fd", &vars, &len, NULL));
                g_assert_true(g_file_set_contents(img, vars, (gssize)len, NULL));
        } else {
                const char *argv[] = {e->qemu_img, "create", "-q", "-f", "qcow2", img, "16M", NULL};
                int status = 0;

                g_assert_true(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                           NULL, NULL, &status, NULL));
                g_assert_true(g_spawn_check_wait_status(status, NULL));
        }
        g_hash_table_insert(e->images, g_strdup(path), g_strdup(img));
        return g_hash_table_lookup(e->images, path);
}

static char *rewrite_blockdev(run_env *e, const char *arg)
{
        g_autoptr(GRegex) re = g_regex_new("\"filename\":\"([^\"]*)\"", 0, 0, NULL);
        g_autoptr(GMatchInfo) m = NULL;
        g_autofree char *path = NULL;
        g_autofree char *repl = NULL;
        char *out;

        if (!g_regex_match(re, arg, 0, &m))
                return g_strdup(arg);
        path = g_match_info_fetch(m, 1);
        repl = g_strdup_printf("\"filename\":\"%s\"", run_image(e, path));
        out = g_regex_replace_literal(re, arg, -1, 0, repl, 0, NULL);
        /* no block device here: a file stands in */
        if (strstr(out, "\"host_device\"")) {
                g_auto(GStrv) parts = g_strsplit(out, "\"host_device\"", -1);

                g_free(out);
                out = g_strjoinv("\"file\"", parts);
        }
        return out;
}

static char *rewrite_chardev(run_env *e, const char *arg)
{
        g_autoptr(GRegex) re = g_regex_new("path=((?:[^,]|,,)*)", 0, 0, NULL);
        g_autofree char *tmp = NULL;
        g_autofree char *repl = NULL;

        if (!g_regex_match(re, arg, 0, NULL))
                return g_strdup(arg);
        tmp = g_strdup_printf("%s/chr%u", e->dir, e->counter++);
        repl = g_strdup_printf("path=%s", tmp);
        if (g_str_has_prefix(arg, "socket,") && !strstr(arg, "server=on")) {
                g_autoptr(GSocketAddress) a = g_unix_socket_address_new(tmp);
                GSocket *s = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM,
                                          G_SOCKET_PROTOCOL_DEFAULT, NULL);

                g_assert_nonnull(s);
                g_assert_true(g_socket_bind(s, a, TRUE, NULL));
                g_assert_true(g_socket_listen(s, NULL));
                g_ptr_array_add(e->listeners, s);
        }
        return g_regex_replace_literal(re, arg, -1, 0, repl, 0, NULL);
}

/* The golden argv, made runnable here; NULL (with a reason) to skip. */
static GPtrArray *runnable_argv(run_env *e, char **argv, const char *monitor, char **ret_skip)
{
        GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *kernel = first_glob("/boot", "vmlinuz-");
        g_autofree char *initrd = first_glob("/boot", "initrd.img-");

        g_ptr_array_add(out, g_strdup(e->qemu));
        for (char **a = argv + 1; *a; a++) {
                const char *opt = a[-1];
                char *v;

                if (strcmp(opt, "-blockdev") == 0) {
                        v = rewrite_blockdev(e, *a);
                } else if (strcmp(opt, "-chardev") == 0 &&
                           g_str_has_prefix(*a, "socket,id=charmonitor")) {
                        v = g_strdup_printf("socket,id=charmonitor,path=%s,server=on,wait=off",
                                            monitor);
                } else if (strcmp(opt, "-chardev") == 0) {
                        v = rewrite_chardev(e, *a);
                } else if (strcmp(opt, "-netdev") == 0 && g_str_has_prefix(*a, "tap,")) {
                        v = g_strdup_printf("user,%s", strstr(*a, "id="));
                        *strstr(v, ",vhost=off") = '\0';
                } else if (strcmp(opt, "-accel") == 0) {
                        v = g_strdup("tcg"); /* the proof is about syntax, not KVM */
                } else if (strcmp(opt, "-cpu") == 0 && g_str_has_prefix(*a, "host")) {
                        v = g_strdup("max");
                } else if (strcmp(opt, "-global") == 0 && g_str_has_prefix(*a, "kvm-pit.")) {
                        g_free(g_ptr_array_steal_index(out, out->len - 1));
                        continue;
                } else if (strcmp(opt, "-kernel") == 0 || strcmp(opt, "-initrd") == 0) {
                        const char *real = strcmp(opt, "-kernel") == 0 ? kernel : initrd;

                        if (!real) {
                                *ret_skip = g_strdup("no kernel/initrd in /boot");
                                g_ptr_array_unref(out);
                                return NULL;
                        }
                        v = g_strdup(real);
                } else if (strcmp(opt, "-spice") == 0) {
                        g_autoptr(GRegex) re = g_regex_new("^port=[0-9]+", 0, 0, NULL);
                        g_autofree char *port = g_strdup_printf("port=%d", free_tcp_port());

                        v = g_regex_replace_literal(re, *a, -1, 0, port, 0, NULL);
                } else if (strcmp(opt, "-vnc") == 0 && !strstr(*a, "to=") &&
                           strcmp(*a, "none") != 0) {
                        g_autoptr(GRegex) re = g_regex_new(":[0-9]+", 0, 0, NULL);
                        g_autofree char *disp = g_strdup_printf(":%d", free_tcp_port() - 5900);

                        v = g_regex_replace_literal(re, *a, -1, 0, disp, 0, NULL);
                } else {
                        v = g_strdup(*a);
                }
                g_ptr_array_add(out, v);
        }
        if (!g_strv_contains((const char *const *)argv, "-display")) {
                g_ptr_array_add(out, g_strdup("-display"));
                g_ptr_array_add(out, g_strdup("none"));
        }
        g_ptr_array_add(out, NULL);
        return out;
}

/* Waits for QEMU's QMP greeting on monitor; FALSE when QEMU exits first. */
static gboolean wait_qmp(GPid pid, const char *monitor)
{
        for (int i = 0; i < 600; i++) { /* 30 s: ASan and slow CI */
                int status;

                if (waitpid(pid, &status, WNOHANG) == pid)
                        return FALSE;
                if (g_file_test(monitor, G_FILE_TEST_EXISTS)) {
                        g_autoptr(GSocketClient) client = g_socket_client_new();
                        g_autoptr(GSocketAddress) a = g_unix_socket_address_new(monitor);
                        g_autoptr(GSocketConnection) conn = g_socket_client_connect(
                                client, G_SOCKET_CONNECTABLE(a), NULL, NULL);
                        char buf[256] = "";

                        if (conn) {
                                GInputStream *in = g_io_stream_get_input_stream(G_IO_STREAM(conn));
                                gssize n;

                                g_socket_set_timeout(g_socket_connection_get_socket(conn), 30);
                                n = g_input_stream_read(in, buf, sizeof(buf) - 1, NULL, NULL);
                                return n > 0 && strstr(buf, "\"QMP\"") != NULL;
                        }
                }
                g_usleep(50 * 1000);
        }
        return FALSE;
}

static void test_run(gconstpointer data)
{
        const golden_case *c = data;
        g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
        g_autofree char *qemu_img = g_find_program_in_path("qemu-img");
        g_autoptr(domain_def) def = NULL;
        g_autoptr(qemu_caps) caps = NULL;
        g_autoptr(GPtrArray) run = NULL;
        g_auto(GStrv) argv = NULL;
        g_autofree char *skip = NULL;
        g_autofree char *monitor = NULL;
        g_autofree char *log = NULL;
        g_autofree char *stderr_text = NULL;
        qemu_launch launch;
        run_env e = {0};
        GPid pid;
        gboolean ok;
        int status;

        if (!qemu || !qemu_img) {
                g_test_skip("qemu-system-x86_64 or qemu-img is not installed");
                return;
        }
        def = load_def(c);
        caps = test_caps(c->name);
        test_launch_init(&launch, c->name);
        e.dir = g_dir_make_tmp("vctl-qemu-run-XXXXXX", NULL);
        g_assert_nonnull(e.dir);
        g_free(launch.run_dir);
        launch.run_dir = g_strdup(e.dir);
        argv = qemu_command_build(def, caps, &launch);
        test_launch_clear(&launch);
        if (!argv && g_file_test(c->err_path, G_FILE_TEST_EXISTS)) {
                g_rmdir(e.dir);
                g_free(e.dir);
                g_test_skip("refused by design");
                return;
        }
        if (!argv)
                g_error("%s: refused: %s", c->name, vctl_error_message());

        e.qemu = qemu;
        e.qemu_img = qemu_img;
        e.images = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        e.listeners = g_ptr_array_new_with_free_func(g_object_unref);
        monitor = g_build_filename(e.dir, "monitor.sock", NULL);
        log = g_build_filename(e.dir, "qemu.log", NULL);
        run = runnable_argv(&e, argv, monitor, &skip);
        if (!run) {
                g_test_skip(skip);
        } else {
                g_autofree char *cmd = g_strjoinv(" ", (char **)run->pdata);
                g_autofree char *sh = g_strdup_printf("exec \"$@\" 2>'%s' </dev/null >&2", log);
                g_autoptr(GPtrArray) full = g_ptr_array_new();

                g_ptr_array_add(full, "/bin/sh");
                g_ptr_array_add(full, "-c");
                g_ptr_array_add(full, sh);
                g_ptr_array_add(full, "sh");
                for (guint i = 0; i < run->len; i++)
                        g_ptr_array_add(full, g_ptr_array_index(run, i));
                g_test_message("%s", cmd);
                g_assert_true(g_spawn_async(e.dir, (char **)full->pdata, NULL,
                                            G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, NULL));
                ok = wait_qmp(pid, monitor);
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                g_spawn_close_pid(pid);
                g_file_get_contents(log, &stderr_text, NULL, NULL);
                if (!ok)
                        g_error("%s: QEMU refused the command line:\n%s\n%s", c->name, cmd,
                                stderr_text ? stderr_text : "");
        }
        g_hash_table_unref(e.images);
        g_ptr_array_unref(e.listeners);
        {
                g_autoptr(GDir) d = g_dir_open(e.dir, 0, NULL);
                const char *n;

                while (d && (n = g_dir_read_name(d))) {
                        g_autofree char *p = g_build_filename(e.dir, n, NULL);

                        g_unlink(p);
                }
                g_rmdir(e.dir);
        }
        g_free(e.dir);
}

static int found;

static void test_cases_found(void)
{
        g_assert_cmpint(found, >=, 32);
}

int main(int argc, char **argv)
{
        g_autofree char *dir = NULL;
        g_autoptr(GDir) d = NULL;
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        const char *n;

        g_test_init(&argc, &argv, NULL);
        dir = g_test_build_filename(G_TEST_DIST, "data", "qemu-args", NULL);
        d = g_dir_open(dir, 0, NULL);
        while (d && (n = g_dir_read_name(d))) {
                if (g_str_has_suffix(n, ".xml"))
                        g_ptr_array_add(names, g_strndup(n, strlen(n) - 4));
        }
        g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
        for (guint i = 0; i < names->len; i++) {
                const char *name = g_ptr_array_index(names, i);
                g_autofree char *golden = g_strdup_printf("/qemu-command/golden/%s", name);
                g_autofree char *runpath = g_strdup_printf("/qemu-command/run/%s", name);
                golden_case *c = g_new0(golden_case, 1);
                golden_case *r = g_new0(golden_case, 1);

                c->name = g_strdup(name);
                c->xml_path = g_strdup_printf("%s/%s.xml", dir, name);
                c->args_path = g_strdup_printf("%s/%s.args", dir, name);
                c->err_path = g_strdup_printf("%s/%s.err", dir, name);
                r->name = g_strdup(c->name);
                r->xml_path = g_strdup(c->xml_path);
                r->args_path = g_strdup(c->args_path);
                r->err_path = g_strdup(c->err_path);
                g_test_add_data_func_full(golden, c, test_golden, golden_case_free);
                if (!g_file_test(c->err_path, G_FILE_TEST_EXISTS) || regenerate())
                        g_test_add_data_func_full(runpath, r, test_run, golden_case_free);
                else
                        golden_case_free(r);
                found++;
        }
        g_test_add_func("/qemu-command/cases-found", test_cases_found);
        return g_test_run();
}
