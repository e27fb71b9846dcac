/* The QMP client against a scripted fake QEMU (a unix socket server thread that
 * greets, reads commands and answers from a script), and against the real
 * qemu-system-x86_64 when it is installed. Every wait is bounded. */
#include "config.h"

#include "driver/qemu/qmp.h"
#include "lib/util/error.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define PEER_WAIT_MS 5000 /* the fake peer's bound on every read */
#define TEST_WAIT_MS 5000 /* the test's bound on waiting for callbacks */

#define GREETING                                                                                   \
        "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 1, \"minor\": 2, \"major\": 7}, "          \
        "\"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n"
#define RETURN_EMPTY "{\"return\": {}, \"id\": \"%ID%\"}\r\n"
/* clang-format off */
#define HANDSHAKE \
        {OP_SEND, GREETING}, {OP_EXPECT, "qmp_capabilities"}, {OP_SEND, RETURN_EMPTY}
/* clang-format on */
#define STATUS_RUNNING                                                                             \
        "{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, "       \
        "\"id\": \"%ID%\"}\r\n"
#define STATUS_PAUSED                                                                              \
        "{\"return\": {\"status\": \"paused\", \"singlestep\": false, \"running\": false}, "       \
        "\"id\": \"%ID%\"}\r\n"
#define EVENT(name, data)                                                                          \
        "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}, \"event\": \"" name  \
        "\"" data "}\r\n"

typedef enum {
        OP_END = 0,
        OP_SEND,          /* text, %ID% replaced by the last command's id */
        OP_SEND_BYTEWISE, /* the same, one byte per write */
        OP_SEND_BIG,      /* a line of n bytes (with the newline at the end) */
        OP_SEND_DEEP,     /* a reply nested n levels deep */
        OP_EXPECT,        /* read one command; its "execute" must be text */
        OP_ECHO_MANY,     /* read n commands, answer each with its arguments, last first */
        OP_SLEEP,         /* n ms */
        OP_CLOSE,         /* close the connection */
        OP_WAIT_EOF,      /* read until the client closes */
} op_kind;

typedef struct step {
        op_kind op;
        const char *text;
        int n;
} step;

typedef struct peer {
        char *dir;
        char *path;
        const step *script;
        int listen_delay_ms;
        int lfd;
        int cfd;
        GThread *thread;
        GString *in;
        char *last_id;
        GString *log; /* "command(arguments) " for each command read */
        char *failure;
} peer;

static void peer_fail(peer *p, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void peer_fail(peer *p, const char *fmt, ...)
{
        va_list ap;

        if (p->failure)
                return;
        va_start(ap, fmt);
        p->failure = g_strdup_vprintf(fmt, ap);
        va_end(ap);
}

static int peer_listen(peer *p)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};

        g_assert_cmpuint(strlen(p->path), <, sizeof(sa.sun_path));
        strcpy(sa.sun_path, p->path);
        p->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (p->lfd < 0 || bind(p->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
            listen(p->lfd, 4) < 0) {
                peer_fail(p, "listen on %s: %s", p->path, g_strerror(errno));
                return -1;
        }
        return 0;
}

static bool peer_wait_readable(peer *p, int fd)
{
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int r;

        do {
                r = poll(&pfd, 1, PEER_WAIT_MS);
        } while (r < 0 && errno == EINTR);
        return r > 0;
}

/* Reads one line (without the newline) into a new string; NULL on EOF/timeout. */
static char *peer_read_line(peer *p)
{
        for (;;) {
                char *nl = memchr(p->in->str, '\n', p->in->len);
                char buf[4096];
                ssize_t n;

                if (nl) {
                        char *line = g_strndup(p->in->str, (gsize)(nl - p->in->str));

                        g_string_erase(p->in, 0, nl - p->in->str + 1);
                        return line;
                }
                if (!peer_wait_readable(p, p->cfd))
                        return NULL;
                n = read(p->cfd, buf, sizeof(buf));
                if (n <= 0)
                        return NULL;
                g_string_append_len(p->in, buf, n);
        }
}

static void peer_send(peer *p, const char *data, gsize len)
{
        while (len > 0) {
                ssize_t n = send(p->cfd, data, len, MSG_NOSIGNAL);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return; /* the client dropped the connection; tests check that */
                data += n;
                len -= (gsize)n;
        }
}

static char *peer_expand(peer *p, const char *text)
{
        g_auto(GStrv) parts = g_strsplit(text, "%ID%", -1);

        return g_strjoinv(p->last_id ? p->last_id : "", parts);
}

static JsonObject *peer_read_command(peer *p, const char *expect, char **ret_id)
{
        g_autofree char *line = peer_read_line(p);
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autoptr(JsonGenerator) gen = json_generator_new();
        g_autofree char *args_text = NULL;
        JsonObject *obj, *args;
        const char *execute, *id;

        if (!line) {
                peer_fail(p, "expected command %s, got end of file or nothing", expect);
                return NULL;
        }
        if (!json_parser_load_from_data(parser, line, -1, NULL) ||
            !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser))) {
                peer_fail(p, "the client sent bad JSON: %s", line);
                return NULL;
        }
        obj = json_node_get_object(json_parser_get_root(parser));
        execute = json_object_get_string_member_with_default(obj, "execute", "");
        id = json_object_get_string_member_with_default(obj, "id", "");
        if (expect && strcmp(execute, expect) != 0) {
                peer_fail(p, "expected command %s, got %s", expect, line);
                return NULL;
        }
        if (!g_str_has_prefix(id, "vctl-")) {
                peer_fail(p, "command without a vctl id: %s", line);
                return NULL;
        }
        args = json_object_has_member(obj, "arguments")
                       ? json_object_get_object_member(obj, "arguments")
                       : NULL;
        if (args) {
                JsonNode *node = json_node_alloc();

                json_node_init_object(node, args);
                json_generator_set_root(gen, node);
                args_text = json_generator_to_data(gen, NULL);
                json_node_unref(node);
        }
        g_string_append_printf(p->log, "%s(%s) ", execute, args_text ? args_text : "");
        *ret_id = g_strdup(id);
        return json_object_ref(obj);
}

static void peer_echo_many(peer *p, int n)
{
        g_autoptr(GPtrArray) cmds =
                g_ptr_array_new_with_free_func((GDestroyNotify)json_object_unref);
        g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func(g_free);

        for (int i = 0; i < n; i++) {
                char *id = NULL;
                JsonObject *cmd = peer_read_command(p, "echo", &id);

                if (!cmd)
                        return;
                g_ptr_array_add(cmds, cmd);
                g_ptr_array_add(ids, id);
        }
        for (int i = n - 1; i >= 0; i--) {
                JsonObject *cmd = g_ptr_array_index(cmds, i);
                g_autoptr(JsonObject) reply = json_object_new();
                g_autoptr(JsonNode) root = json_node_alloc();
                g_autoptr(JsonGenerator) gen = json_generator_new();
                g_autofree char *text = NULL, *line = NULL;

                json_object_set_member(reply, "return", json_object_dup_member(cmd, "arguments"));
                json_object_set_string_member(reply, "id", g_ptr_array_index(ids, i));
                json_node_init_object(root, reply);
                json_generator_set_root(gen, root);
                text = json_generator_to_data(gen, NULL);
                line = g_strconcat(text, "\r\n", NULL);
                peer_send(p, line, strlen(line));
        }
}

static void peer_run_step(peer *p, const step *s)
{
        g_autofree char *text = s->text ? peer_expand(p, s->text) : NULL;

        switch (s->op) {
        case OP_END:
                break;
        case OP_SEND:
                peer_send(p, text, strlen(text));
                break;
        case OP_SEND_BYTEWISE:
                for (const char *c = text; *c; c++) {
                        peer_send(p, c, 1);
                        g_usleep(200);
                }
                break;
        case OP_SEND_BIG: {
                g_autofree char *big = g_malloc((gsize)s->n);

                memset(big, ' ', (gsize)s->n);
                big[0] = '"';
                big[s->n - 2] = '"';
                big[s->n - 1] = '\n';
                peer_send(p, big, (gsize)s->n);
                break;
        }
        case OP_SEND_DEEP: {
                g_autoptr(GString) deep = g_string_new("{\"return\": ");

                for (int i = 0; i < s->n; i++)
                        g_string_append_c(deep, '[');
                for (int i = 0; i < s->n; i++)
                        g_string_append_c(deep, ']');
                g_string_append_printf(deep, ", \"id\": \"%s\"}\r\n", p->last_id);
                peer_send(p, deep->str, deep->len);
                break;
        }
        case OP_EXPECT: {
                g_autofree char *id = NULL;
                g_autoptr(JsonObject) cmd = peer_read_command(p, s->text, &id);

                if (cmd) {
                        g_free(p->last_id);
                        p->last_id = g_steal_pointer(&id);
                }
                break;
        }
        case OP_ECHO_MANY:
                peer_echo_many(p, s->n);
                break;
        case OP_SLEEP:
                g_usleep((gulong)s->n * 1000);
                break;
        case OP_CLOSE:
                close(p->cfd);
                p->cfd = -1;
                break;
        case OP_WAIT_EOF: {
                g_autofree char *line = NULL;

                while ((line = peer_read_line(p)))
                        g_clear_pointer(&line, g_free);
                if (p->in->len > 0 || peer_wait_readable(p, p->cfd)) {
                        char c;

                        if (read(p->cfd, &c, 1) != 0)
                                peer_fail(p, "the client did not close the connection");
                }
                break;
        }
        }
}

static gpointer peer_main(gpointer data)
{
        peer *p = data;

        if (p->listen_delay_ms) {
                g_usleep((gulong)p->listen_delay_ms * 1000);
                if (peer_listen(p) < 0)
                        return NULL;
        }
        if (!peer_wait_readable(p, p->lfd)) {
                peer_fail(p, "no client connected within %d ms", PEER_WAIT_MS);
                return NULL;
        }
        p->cfd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
        if (p->cfd < 0) {
                peer_fail(p, "accept: %s", g_strerror(errno));
                return NULL;
        }
        for (const step *s = p->script; s->op != OP_END && !p->failure && p->cfd >= 0; s++)
                peer_run_step(p, s);
        if (p->cfd >= 0)
                close(p->cfd);
        p->cfd = -1;
        return NULL;
}

static peer *peer_start(const step *script, int listen_delay_ms)
{
        peer *p = g_new0(peer, 1);
        g_autoptr(GError) error = NULL;

        p->dir = g_dir_make_tmp("qmp-test-XXXXXX", &error);
        g_assert_no_error(error);
        p->path = g_build_filename(p->dir, "monitor.sock", NULL);
        p->script = script;
        p->listen_delay_ms = listen_delay_ms;
        p->lfd = p->cfd = -1;
        p->in = g_string_new(NULL);
        p->log = g_string_new(NULL);
        if (!listen_delay_ms)
                g_assert_cmpint(peer_listen(p), ==, 0);
        p->thread = g_thread_new("fake-qemu", peer_main, p);
        return p;
}

/* Joins the peer (its waits are bounded), checks it saw what it expected. */
static void peer_finish(peer *p)
{
        g_thread_join(p->thread);
        g_assert_cmpstr(p->failure, ==, NULL);
        if (p->lfd >= 0)
                close(p->lfd);
        g_unlink(p->path);
        g_rmdir(p->dir);
        g_free(p->dir);
        g_free(p->path);
        g_free(p->last_id);
        g_string_free(p->in, TRUE);
        g_string_free(p->log, TRUE);
        g_free(p->failure);
        g_free(p);
}

/* What the callbacks saw. */
typedef struct seen {
        GMutex lock;
        GString *events; /* "NAME{data} " */
        gint64 last_timestamp;
        int eofs;
        char *eof_reason;
} seen;

static void seen_init(seen *s)
{
        memset(s, 0, sizeof(*s));
        g_mutex_init(&s->lock);
        s->events = g_string_new(NULL);
}

static void seen_clear(seen *s)
{
        g_mutex_clear(&s->lock);
        g_string_free(s->events, TRUE);
        g_free(s->eof_reason);
}

static void on_event(qmp *mon, const char *event, JsonObject *data, gint64 timestamp_us,
                     void *opaque)
{
        seen *s = opaque;
        g_autoptr(JsonGenerator) gen = json_generator_new();
        g_autoptr(JsonNode) node = json_node_alloc();
        g_autofree char *text = NULL;

        g_assert_nonnull(data);
        json_node_init_object(node, data);
        json_generator_set_root(gen, node);
        text = json_generator_to_data(gen, NULL);
        g_mutex_lock(&s->lock);
        g_string_append_printf(s->events, "%s%s ", event, text);
        s->last_timestamp = timestamp_us;
        g_mutex_unlock(&s->lock);
}

static void on_eof(qmp *mon, const char *reason, void *opaque)
{
        seen *s = opaque;

        g_mutex_lock(&s->lock);
        s->eofs++;
        g_free(s->eof_reason);
        s->eof_reason = g_strdup(reason);
        g_mutex_unlock(&s->lock);
}

static char *seen_events(seen *s)
{
        char *copy;

        g_mutex_lock(&s->lock);
        copy = g_strdup(s->events->str);
        g_mutex_unlock(&s->lock);
        return copy;
}

static int seen_eofs(seen *s)
{
        int n;

        g_mutex_lock(&s->lock);
        n = s->eofs;
        g_mutex_unlock(&s->lock);
        return n;
}

static void wait_for_eof(seen *s)
{
        gint64 deadline = g_get_monotonic_time() + TEST_WAIT_MS * 1000;

        while (seen_eofs(s) == 0 && g_get_monotonic_time() < deadline)
                g_usleep(1000);
        g_assert_cmpint(seen_eofs(s), ==, 1);
}

static void wait_for_event(seen *s, const char *needle)
{
        gint64 deadline = g_get_monotonic_time() + TEST_WAIT_MS * 1000;

        for (;;) {
                g_autofree char *events = seen_events(s);

                if (strstr(events, needle))
                        return;
                if (g_get_monotonic_time() >= deadline)
                        g_error("event %s did not arrive; saw: %s", needle, events);
                g_usleep(1000);
        }
}

static qmp *connect_ok(peer *p, seen *s)
{
        qmp *mon = NULL;

        if (qmp_connect(p->path, "web1", TEST_WAIT_MS, on_event, on_eof, s, &mon) < 0)
                g_error("qmp_connect: %s", vctl_error_message());
        g_assert_nonnull(mon);
        return mon;
}

static void assert_error(int code, const char *part1, const char *part2)
{
        const vctl_error *err = vctl_error_last();

        g_assert_nonnull(err);
        if (err->code != code || !strstr(err->message, part1) ||
            (part2 && !strstr(err->message, part2)))
                g_error("expected error %d with '%s' and '%s', got %d: %s", code, part1,
                        part2 ? part2 : "", err->code, err->message);
        g_assert_cmpint(err->domain, ==, VCTL_FROM_QEMU);
}

static void test_basic(void)
{
        static const step script[] = {
                HANDSHAKE,
                {OP_EXPECT, "query-status"},
                {OP_SEND, STATUS_RUNNING},
                {OP_EXPECT, "query-status"},
                {OP_SEND, STATUS_PAUSED},
                {OP_EXPECT, "query-status"},
                {OP_SEND, "{\"return\": {\"status\": \"odd\"}, \"id\": \"%ID%\"}\n"},
                {OP_EXPECT, "query-cpus-fast"},
                {OP_SEND, "{\"return\": [{\"cpu-index\": 0, \"thread-id\": 42}], \"id\": "
                          "\"%ID%\"}\n"},
                {OP_EXPECT, "stop"},
                {OP_SEND, RETURN_EMPTY},
                {OP_EXPECT, "cont"},
                {OP_SEND, RETURN_EMPTY},
                {OP_EXPECT, "system_powerdown"},
                {OP_SEND, RETURN_EMPTY},
                {OP_EXPECT, "system_reset"},
                {OP_SEND, RETURN_EMPTY},
                {OP_WAIT_EOF},
                {OP_END},
        };
        peer *p = peer_start(script, 0);
        seen s;
        g_autoptr(JsonNode) ret = NULL;
        g_autofree char *status = NULL, *events = NULL;
        bool running = false;
        qmp *mon;

        seen_init(&s);
        mon = connect_ok(p, &s);
        g_assert_cmpstr(qmp_name(mon), ==, "web1");
        g_assert_cmpuint(qmp_qemu_version(mon), ==, 7002001);
        g_assert_false(qmp_is_closed(mon));

        g_assert_cmpint(qmp_query_status(mon, 1000, &running, &status), ==, 0);
        g_assert_true(running);
        g_assert_cmpstr(status, ==, "running");
        g_clear_pointer(&status, g_free);
        g_assert_cmpint(qmp_query_status(mon, 1000, &running, &status), ==, 0);
        g_assert_false(running);
        g_assert_cmpstr(status, ==, "paused");
        g_assert_cmpint(qmp_query_status(mon, 1000, &running, NULL), ==, -1);
        assert_error(VCTL_ERR_INTERNAL_ERROR, "'query-status'", "web1");

        g_assert_cmpint(qmp_execute(mon, "query-cpus-fast", NULL, 1000, &ret), ==, 0);
        g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
        g_assert_cmpint(
                json_object_get_int_member(
                        json_array_get_object_element(json_node_get_array(ret), 0), "thread-id"),
                ==, 42);

        g_assert_cmpint(qmp_stop(mon, 1000), ==, 0);
        g_assert_cmpint(qmp_cont(mon, 1000), ==, 0);
        g_assert_cmpint(qmp_system_powerdown(mon, 1000), ==, 0);
        g_assert_cmpint(qmp_system_reset(mon, 1000), ==, 0);
        qmp_close(mon);
        peer_finish(p);
        events = seen_events(&s);
        g_assert_cmpstr(events, ==, "");
        g_assert_cmpint(seen_eofs(&s), ==, 0); /* qmp_close() is not an EOF */
        seen_clear(&s);
}

static void test_command_error(void)
{
        static const step script[] = {
                HANDSHAKE,
                {OP_EXPECT, "device_del"},
                {OP_SEND, "{\"id\": \"%ID%\", \"error\": {\"class\": \"DeviceNotFound\", "
                          "\"desc\": \"Device 'net9' not found\"}}\r\n"},
                {OP_EXPECT, "frobnicate"},
                {OP_SEND, "{\"id\": \"%ID%\", \"error\": {\"class\": \"CommandNotFound\", "
                          "\"desc\": \"The command frobnicate has not been found\"}}\r\n"},
                /* an error tied to no command, and a stray reply: both ignored */
                {OP_SEND, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse "
                          "error\"}}\r\n{\"return\": {}, \"id\": \"vctl-999\"}\r\n"},
                {OP_EXPECT, "query-status"},
                {OP_SEND, STATUS_RUNNING},
                {OP_WAIT_EOF},
                {OP_END},
        };
        peer *p = peer_start(script, 0);
        g_autoptr(JsonObject) args = json_object_new();
        g_autoptr(JsonNode) ret = NULL;
        seen s;
        qmp *mon;

        seen_init(&s);
        mon = connect_ok(p, &s);
        json_object_set_string_member(args, "id", "net9");
        g_assert_cmpint(qmp_execute(mon, "device_del", args, 1000, &ret), ==, -1);
        g_assert_null(ret);
        assert_error(VCTL_ERR_OPERATION_FAILED,
                     "QEMU monitor of domain 'web1': 'device_del' failed: Device 'net9' not found",
                     NULL);
        g_assert_cmpint(qmp_execute(mon, "frobnicate", NULL, 1000, NULL), ==, -1);
        assert_error(VCTL_ERR_OPERATION_UNSUPPORTED, "'frobnicate' failed",
                     "The command frobnicate has not been found");
        /* still usable */
        g_assert_cmpint(qmp_query_status(mon, 1000, NULL, NULL), ==, 0);
        qmp_close(mon);
        g_assert_cmpstr(p->log->str, ==,
                        "qmp_capabilities() device_del({\"id\":\"net9\"}) frobnicate() "
                        "query-status() ");
        peer_finish(p);
        seen_clear(&s);
}

static void test_events(void)
{
        static const step script[] = {
                HANDSHAKE,
                {OP_EXPECT, "query-status"},
                /* an event before the reply to the pending command */
                {OP_SEND, EVENT("STOP", "")},
                {OP_SEND, STATUS_PAUSED},
                {OP_EXPECT, "cont"},
                /* several events in one write, then the reply byte by byte */
                {OP_SEND, EVENT("RESUME", "") EVENT("POWERDOWN", "") EVENT(
                                  "DEVICE_DELETED", ", \"data\": {\"device\": \"net0\", \"path\": "
                                                    "\"/machine/peripheral/net0\"}")},
                {OP_SEND_BYTEWISE, RETURN_EMPTY},
                {OP_SEND_BYTEWISE, EVENT("VCTL_NOT_A_REAL_EVENT", ", \"data\": {\"n\": 1}")},
                {OP_SEND, EVENT("GUEST_PANICKED", ", \"data\": {\"action\": \"pause\"}")
                                  EVENT("RESET", ", \"data\": {\"guest\": true}")},
                {OP_SEND, "{\"timestamp\": {\"seconds\": 1700000001, \"microseconds\": 5}, "
                          "\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": "
                          "\"guest-shutdown\"}}\n"},
                {OP_WAIT_EOF},
                {OP_END},
        };
        peer *p = peer_start(script, 0);
        g_autofree char *events = NULL, *status = NULL;
        seen s;
        qmp *mon;

        seen_init(&s);
        mon = connect_ok(p, &s);
        g_assert_cmpint(qmp_query_status(mon, 1000, NULL, &status), ==, 0);
        g_assert_cmpstr(status, ==, "paused");
        /* delivered in order, before the reply that followed it */
        events = seen_events(&s);
        g_assert_cmpstr(events, ==, "STOP{} ");
        g_assert_cmpint(s.last_timestamp, ==, 1700000000123456);
        g_clear_pointer(&events, g_free);

        g_assert_cmpint(qmp_cont(mon, 1000), ==, 0);
        events = seen_events(&s);
        g_assert_cmpstr(
                events, ==,
                "STOP{} RESUME{} POWERDOWN{} "
                "DEVICE_DELETED{\"device\":\"net0\",\"path\":\"/machine/peripheral/net0\"} ");
        g_clear_pointer(&events, g_free);

        wait_for_event(&s, "SHUTDOWN");
        events = seen_events(&s);
        g_assert_true(g_str_has_suffix(events, "VCTL_NOT_A_REAL_EVENT{\"n\":1} "
                                               "GUEST_PANICKED{\"action\":\"pause\"} "
                                               "RESET{\"guest\":true} "
                                               "SHUTDOWN{\"guest\":true,\"reason\":\"guest-"
                                               "shutdown\"} "));
        g_mutex_lock(&s.lock);
        g_assert_cmpint(s.last_timestamp, ==, 1700000001000005);
        g_mutex_unlock(&s.lock);
        qmp_close(mon);
        peer_finish(p);
        g_assert_cmpint(seen_eofs(&s), ==, 0);
        seen_clear(&s);
}

/* The peer breaks the protocol while a command waits: the waiter gets the
 * reason, the eof callback runs once, later commands fail at once. */
static void check_broken(const step *script, const char *reason)
{
        peer *p = peer_start(script, 0);
        g_autoptr(JsonNode) ret = NULL;
        gint64 start;
        seen s;
        qmp *mon;

        seen_init(&s);
        mon = connect_ok(p, &s);
        start = g_get_monotonic_time();
        g_assert_cmpint(qmp_execute(mon, "query-status", NULL, TEST_WAIT_MS, &ret), ==, -1);
        g_assert_cmpint(g_get_monotonic_time() - start, <, (TEST_WAIT_MS / 2) * 1000);
        g_assert_null(ret);
        assert_error(VCTL_ERR_OPERATION_FAILED, "QEMU monitor of domain 'web1' closed: ", reason);
        wait_for_eof(&s);
        g_assert_true(qmp_is_closed(mon));
        g_assert_nonnull(strstr(s.eof_reason, reason));

        start = g_get_monotonic_time();
        g_assert_cmpint(qmp_cont(mon, TEST_WAIT_MS), ==, -1);
        g_assert_cmpint(g_get_monotonic_time() - start, <, 1000 * 1000);
        assert_error(VCTL_ERR_OPERATION_FAILED, "closed: ", reason);
        qmp_close(mon);
        peer_finish(p);
        g_assert_cmpint(seen_eofs(&s), ==, 1);
        seen_clear(&s);
}

static void test_malformed(void)
{
        static const step script[] = {
                HANDSHAKE,
                {OP_EXPECT, "query-status"},
                {OP_SEND, EVENT("STOP", "")},
                {OP_SEND, "{\"return\": oops}\r\n"},
                {OP_WAIT_EOF},
                {OP_END},
        };
        static const step not_object[] = {
                HANDSHAKE, {OP_EXPECT, "query-status"}, {OP_SEND, "[1, 2]\n"}, {OP_WAIT_EOF},
                {OP_END},
        };

        check_broken(script, "QEMU sent malformed JSON (");
        check_broken(not_object, "not an object");
}

static void test_oversized_line(void)
{
        static const step script[] = {
                HANDSHAKE,
                {OP_EXPECT, "query-status"},
                {OP_SEND_BIG, NULL, QMP_MAX_LINE + 4096},
                {OP_WAIT_EOF},
                {OP_END},
        };
        static const step deep[] = {
                HANDSHAKE,
                {OP_EXPECT, "query-status"},
                {OP_SEND_DEEP, NULL, QMP_MAX_DEPTH + 1},
                {OP_WAIT_EOF},
                {OP_END},
        };
        static const step deep_ok[] = {
                HANDSHAKE,
                {OP_EXPECT, "query-status"},
                {OP_SEND_DEEP, NULL, QMP_MAX_DEPTH - 1},
                {OP_WAIT_EOF},
                {OP_END},
        };
        peer *p;
        seen s;
        qmp *mon;
        g_autoptr(JsonNode) ret = NULL;

        check_broken(script, "longer than 1048576 bytes");
        check_broken(deep, "nested deeper than");

        /* just under the depth bound is fine */
        p = peer_start(deep_ok, 0);
        seen_init(&s);
        mon = connect_ok(p, &s);
        g_assert_cmpint(qmp_execute(mon, "query-status", NULL, TEST_WAIT_MS, &ret), ==, 0);
        g_assert_true(JSON_NODE_HOLDS_ARRAY(ret));
        qmp_close(mon);
        peer_finish(p);
        seen_clear(&s);
}

static void test_eof_mid_command(void)
{
        static const step script[] = {
                HANDSHAKE,
                {OP_EXPECT, "query-status"},
                {OP_CLOSE},
                {OP_END},
        };

        check_broken(script, "end of file");
}

static void test_quit(void)
{
        static const step script[] = {
                HANDSHAKE,
                {OP_EXPECT, "quit"},
                /* QEMU may exit before its reply is read */
                {OP_SEND, EVENT("SHUTDOWN", ", \"data\": {\"guest\": false, \"reason\": "
                                            "\"host-qmp-quit\"}")},
                {OP_CLOSE},
                {OP_END},
        };
        peer *p = peer_start(script, 0);
        seen s;
        qmp *mon;

        seen_init(&s);
        mon = connect_ok(p, &s);
        g_assert_cmpint(qmp_quit(mon, TEST_WAIT_MS), ==, 0);
        wait_for_eof(&s);
        wait_for_event(&s, "SHUTDOWN{\"guest\":false,\"reason\":\"host-qmp-quit\"}");
        qmp_close(mon);
        peer_finish(p);
        seen_clear(&s);
}

static void test_timeout(void)
{
        static const step script[] = {
                HANDSHAKE,
                {OP_EXPECT, "query-status"},
                {OP_SLEEP, NULL, 400},
                /* the late reply is dropped; the next command gets its own */
                {OP_SEND, STATUS_PAUSED},
                {OP_EXPECT, "query-status"},
                {OP_SEND, STATUS_RUNNING},
                {OP_WAIT_EOF},
                {OP_END},
        };
        static const step silent[] = {
                {OP_WAIT_EOF},
                {OP_END},
        };
        peer *p = peer_start(script, 0);
        g_autofree char *status = NULL;
        gint64 start, took;
        seen s;
        qmp *mon;

        seen_init(&s);
        mon = connect_ok(p, &s);
        start = g_get_monotonic_time();
        g_assert_cmpint(qmp_query_status(mon, 200, NULL, NULL), ==, -1);
        took = g_get_monotonic_time() - start;
        assert_error(VCTL_ERR_OPERATION_TIMEOUT,
                     "QEMU monitor of domain 'web1' did not answer 'query-status' within 200 ms",
                     NULL);
        g_assert_cmpint(took, >=, 195 * 1000);
        g_assert_cmpint(took, <, 2000 * 1000);
        g_assert_false(qmp_is_closed(mon));
        g_assert_cmpint(qmp_query_status(mon, TEST_WAIT_MS, NULL, &status), ==, 0);
        g_assert_cmpstr(status, ==, "running");
        qmp_close(mon);
        peer_finish(p);
        g_assert_cmpint(seen_eofs(&s), ==, 0);

        /* a peer that never greets */
        p = peer_start(silent, 0);
        mon = NULL;
        start = g_get_monotonic_time();
        g_assert_cmpint(qmp_connect(p->path, "web1", 200, on_event, on_eof, &s, &mon), ==, -1);
        took = g_get_monotonic_time() - start;
        g_assert_null(mon);
        assert_error(VCTL_ERR_OPERATION_TIMEOUT, "did not send its greeting within 200 ms", NULL);
        g_assert_cmpint(took, <, 2000 * 1000);
        peer_finish(p);
        g_assert_cmpint(seen_eofs(&s), ==, 0);
        seen_clear(&s);
}

static void test_bad_greeting(void)
{
        static const step script[] = {
                {OP_SEND, "{\"hello\": \"world\"}\n"},
                {OP_WAIT_EOF},
                {OP_END},
        };
        static const step refused[] = {
                {OP_SEND, GREETING},
                {OP_EXPECT, "qmp_capabilities"},
                {OP_SEND, "{\"id\": \"%ID%\", \"error\": {\"class\": \"GenericError\", "
                          "\"desc\": \"Capabilities negotiation is already complete\"}}\n"},
                {OP_WAIT_EOF},
                {OP_END},
        };
        peer *p = peer_start(script, 0);
        seen s;
        qmp *mon = NULL;

        seen_init(&s);
        g_assert_cmpint(qmp_connect(p->path, "web1", TEST_WAIT_MS, on_event, on_eof, &s, &mon), ==,
                        -1);
        g_assert_null(mon);
        assert_error(VCTL_ERR_OPERATION_FAILED, "did not start with a QMP greeting", NULL);
        peer_finish(p);

        p = peer_start(refused, 0);
        g_assert_cmpint(qmp_connect(p->path, "web1", TEST_WAIT_MS, on_event, on_eof, &s, &mon), ==,
                        -1);
        g_assert_null(mon);
        assert_error(VCTL_ERR_OPERATION_FAILED, "'qmp_capabilities' failed", "already complete");
        peer_finish(p);
        g_assert_cmpint(seen_eofs(&s), ==, 0);
        seen_clear(&s);
}

/* A peer that stops reading: a command that cannot be sent whole within the
 * timeout fails, and the connection is dropped (half a command is on the wire). */
static void test_write_stall(void)
{
        static const step script[] = {
                HANDSHAKE,
                {OP_SLEEP, NULL, 600},
                {OP_WAIT_EOF},
                {OP_END},
        };
        peer *p = peer_start(script, 0);
        g_autoptr(JsonObject) args = json_object_new();
        g_autofree char *big = g_strnfill(8 * 1024 * 1024, 'x');
        gint64 start, took;
        seen s;
        qmp *mon;

        seen_init(&s);
        mon = connect_ok(p, &s);
        json_object_set_string_member(args, "blob", big);
        start = g_get_monotonic_time();
        g_assert_cmpint(qmp_execute(mon, "big", args, 200, NULL), ==, -1);
        took = g_get_monotonic_time() - start;
        assert_error(VCTL_ERR_OPERATION_TIMEOUT, "did not accept 'big' within 200 ms", NULL);
        g_assert_cmpint(took, <, 2000 * 1000);
        wait_for_eof(&s);
        g_assert_nonnull(strstr(s.eof_reason, "sending 'big' failed"));
        g_assert_cmpint(qmp_cont(mon, 1000), ==, -1);
        assert_error(VCTL_ERR_OPERATION_FAILED, "closed: sending 'big' failed", NULL);
        qmp_close(mon);
        peer_finish(p);
        seen_clear(&s);
}

typedef struct echo_job {
        qmp *mon;
        int n;
        int result; /* the "n" QEMU echoed back, -1 on error */
        char *error;
} echo_job;

static gpointer echo_thread(gpointer data)
{
        echo_job *job = data;
        g_autoptr(JsonObject) args = json_object_new();
        g_autoptr(JsonNode) ret = NULL;

        json_object_set_int_member(args, "n", job->n);
        if (qmp_execute(job->mon, "echo", args, TEST_WAIT_MS, &ret) < 0) {
                job->error = g_strdup(vctl_error_message());
                job->result = -1;
        } else {
                job->result = (int)json_object_get_int_member(json_node_get_object(ret), "n");
        }
        return NULL;
}

static void test_concurrent(void)
{
        static const step script[] = {
                HANDSHAKE,
                {OP_ECHO_MANY, NULL, 4},
                {OP_WAIT_EOF},
                {OP_END},
        };
        peer *p = peer_start(script, 0);
        echo_job jobs[4];
        GThread *threads[4];
        seen s;
        qmp *mon;

        seen_init(&s);
        mon = connect_ok(p, &s);
        for (int i = 0; i < 4; i++) {
                jobs[i] = (echo_job){.mon = mon, .n = 100 + i};
                threads[i] = g_thread_new("echo", echo_thread, &jobs[i]);
        }
        for (int i = 0; i < 4; i++) {
                g_thread_join(threads[i]);
                g_assert_cmpstr(jobs[i].error, ==, NULL);
                g_assert_cmpint(jobs[i].result, ==, 100 + i);
        }
        qmp_close(mon);
        peer_finish(p);
        seen_clear(&s);
}

static void test_connect_retry(void)
{
        static const step script[] = {
                HANDSHAKE, {OP_EXPECT, "query-status"}, {OP_SEND, STATUS_RUNNING}, {OP_WAIT_EOF},
                {OP_END},
        };
        g_autofree char *dir = NULL, *path = NULL, *long_path = NULL;
        peer *p = peer_start(script, 100);
        gint64 start = g_get_monotonic_time(), took;
        seen s;
        qmp *mon;

        seen_init(&s);
        mon = connect_ok(p, &s);
        g_assert_cmpint(g_get_monotonic_time() - start, >=, 100 * 1000);
        g_assert_cmpint(qmp_query_status(mon, 1000, NULL, NULL), ==, 0);
        qmp_close(mon);
        peer_finish(p);

        /* nobody ever listens */
        dir = g_dir_make_tmp("qmp-test-XXXXXX", NULL);
        g_assert_nonnull(dir);
        path = g_build_filename(dir, "missing.sock", NULL);
        mon = NULL;
        start = g_get_monotonic_time();
        g_assert_cmpint(qmp_connect(path, "web1", 200, NULL, NULL, NULL, &mon), ==, -1);
        took = g_get_monotonic_time() - start;
        g_assert_null(mon);
        assert_error(VCTL_ERR_OPERATION_TIMEOUT, "did not accept a connection within 200 ms",
                     "No such file or directory");
        g_assert_cmpint(took, >=, 195 * 1000);
        g_assert_cmpint(took, <, 2000 * 1000);
        g_rmdir(dir);

        long_path = g_strnfill(200, 'x');
        g_assert_cmpint(qmp_connect(long_path, "web1", 200, NULL, NULL, NULL, &mon), ==, -1);
        assert_error(VCTL_ERR_INVALID_ARG, "is longer than", NULL);
        seen_clear(&s);
}

/* qmp_close() from inside the eof callback must not deadlock. */
static void close_from_callback(qmp *mon, const char *reason, void *opaque)
{
        int *calls = opaque;

        g_atomic_int_inc(calls);
        qmp_close(mon);
}

static void test_close_from_callback(void)
{
        static const step script[] = {
                HANDSHAKE,
                {OP_SLEEP, NULL, 100}, /* let qmp_connect() return first */
                {OP_CLOSE},
                {OP_END},
        };
        peer *p = peer_start(script, 0);
        gint64 deadline = g_get_monotonic_time() + TEST_WAIT_MS * 1000;
        int calls = 0;
        qmp *mon = NULL;

        g_assert_cmpint(
                qmp_connect(p->path, "web1", TEST_WAIT_MS, NULL, close_from_callback, &calls, &mon),
                ==, 0);
        while (g_atomic_int_get(&calls) == 0 && g_get_monotonic_time() < deadline)
                g_usleep(1000);
        g_assert_cmpint(g_atomic_int_get(&calls), ==, 1);
        peer_finish(p);
        /* the monitor is freed by its thread once the callback returns */
        g_usleep(50 * 1000);
}

/* The real QEMU: the steps return a failure message instead of asserting,
 * so QEMU is always killed before the test fails. */
static char *real_qemu_steps(const char *path, seen *s)
{
        g_autofree char *status = NULL;
        gint64 deadline;
        bool running = true;
        qmp *mon = NULL;

        if (qmp_connect(path, "real", 10000, on_event, on_eof, s, &mon) < 0)
                return g_strdup_printf("connect: %s", vctl_error_message());
        if (qmp_qemu_version(mon) < 1000000) {
                qmp_close(mon);
                return g_strdup("no QEMU version in the greeting");
        }
        if (qmp_query_status(mon, 5000, &running, &status) < 0 || running ||
            (strcmp(status, "prelaunch") != 0 && strcmp(status, "paused") != 0)) {
                char *msg = g_strdup_printf("query-status before cont: %s (%s)",
                                            status ? status : "-", vctl_error_message());
                qmp_close(mon);
                return msg;
        }
        g_clear_pointer(&status, g_free);
        if (qmp_cont(mon, 5000) < 0 || qmp_query_status(mon, 5000, &running, &status) < 0 ||
            !running || strcmp(status, "running") != 0) {
                char *msg = g_strdup_printf("cont: %s (%s)", status ? status : "-",
                                            vctl_error_message());
                qmp_close(mon);
                return msg;
        }
        if (qmp_execute(mon, "no-such-command", NULL, 5000, NULL) == 0 ||
            vctl_error_last()->code != VCTL_ERR_OPERATION_UNSUPPORTED) {
                qmp_close(mon);
                return g_strdup("an unknown command did not fail as unsupported");
        }
        if (qmp_quit(mon, 5000) < 0) {
                char *msg = g_strdup_printf("quit: %s", vctl_error_message());
                qmp_close(mon);
                return msg;
        }
        deadline = g_get_monotonic_time() + TEST_WAIT_MS * 1000;
        while (seen_eofs(s) == 0 && g_get_monotonic_time() < deadline)
                g_usleep(1000);
        qmp_close(mon);
        if (seen_eofs(s) != 1)
                return g_strdup("no end of file after quit");
        {
                g_autofree char *events = seen_events(s);

                if (!strstr(events, "RESUME{}") || !strstr(events, "SHUTDOWN{"))
                        return g_strdup_printf("events: %s", events);
        }
        return NULL;
}

static bool reap(GPid pid, int timeout_ms)
{
        gint64 deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
        int status;

        while (g_get_monotonic_time() < deadline) {
                pid_t r = waitpid(pid, &status, WNOHANG);

                if (r == pid || (r < 0 && errno == ECHILD))
                        return true;
                g_usleep(10 * 1000);
        }
        return false;
}

static void test_real_qemu(void)
{
        g_autofree char *qemu = g_find_program_in_path("qemu-system-x86_64");
        g_autofree char *dir = NULL, *path = NULL, *spec = NULL, *failure = NULL;
        g_autoptr(GError) error = NULL;
        GPid pid;
        seen s;

        if (!qemu) {
                g_test_skip("qemu-system-x86_64 is not installed");
                return;
        }
        dir = g_dir_make_tmp("qmp-test-XXXXXX", &error);
        g_assert_no_error(error);
        path = g_build_filename(dir, "monitor.sock", NULL);
        spec = g_strdup_printf("unix:%s,server=on,wait=off", path);
        {
                const char *argv[] = {
                        qemu,       "-S",   "-display", "none", "-nodefaults", "-no-user-config",
                        "-machine", "none", "-qmp",     spec,   NULL};

                if (!g_spawn_async(NULL, (char **)argv, NULL,
                                   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                   NULL, &pid, &error))
                        g_error("starting %s: %s", qemu, error->message);
        }
        seen_init(&s);
        failure = real_qemu_steps(path, &s);
        if (!reap(pid, failure ? 0 : 5000)) {
                kill(pid, SIGKILL);
                reap(pid, 5000);
                if (!failure)
                        failure = g_strdup("QEMU did not exit within 5 s of 'quit'");
        }
        g_spawn_close_pid(pid);
        g_unlink(path);
        g_rmdir(dir);
        seen_clear(&s);
        g_assert_cmpstr(failure, ==, NULL);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/qmp/basic", test_basic);
        g_test_add_func("/qmp/command-error", test_command_error);
        g_test_add_func("/qmp/events", test_events);
        g_test_add_func("/qmp/malformed", test_malformed);
        g_test_add_func("/qmp/oversized", test_oversized_line);
        g_test_add_func("/qmp/eof-mid-command", test_eof_mid_command);
        g_test_add_func("/qmp/quit", test_quit);
        g_test_add_func("/qmp/timeout", test_timeout);
        g_test_add_func("/qmp/bad-greeting", test_bad_greeting);
        g_test_add_func("/qmp/write-stall", test_write_stall);
        g_test_add_func("/qmp/concurrent", test_concurrent);
        g_test_add_func("/qmp/connect-retry", test_connect_retry);
        g_test_add_func("/qmp/close-from-callback", test_close_from_callback);
        g_test_add_func("/qmp/real-qemu", test_real_qemu);
        return g_test_run();
}
