/* The QMP client: one reader thread per monitor with its own GMainContext
 * parses QEMU's newline-delimited JSON, hands replies to the threads waiting in
 * qmp_execute() (matched by "id") and events to the event callback. Callers
 * write their commands themselves, one at a time, under write_lock. */
#include "config.h"

#include "driver/qemu/qmp.h"
#include "lib/util/error.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <glib-unix.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define QMP_READ_CHUNK       65536
#define QMP_READS_PER_WAKEUP 16 /* then let the loop look at the stop flag */
#define QMP_CONNECT_RETRY_MS 20

/* One qmp_execute() in flight; lives on the waiting thread's stack. */
typedef struct qmp_waiter {
        bool done;
        JsonNode *ret; /* the reply's "return" */
        char *err_class;
        char *err_desc;
} qmp_waiter;

struct qmp {
        gint refs; /* the caller's, the thread's, one per qmp_execute() */
        char *name;
        int fd;
        qmp_event_cb event_cb;
        qmp_eof_cb eof_cb;
        void *opaque;
        unsigned long long version;

        GMainContext *ctx;
        GSource *watch;
        GThread *thread;
        gint stop; /* atomic: the thread leaves its loop */

        /* Touched by the reader thread only. */
        GByteArray *inbuf;
        gsize scanned; /* leading bytes of inbuf known to hold no newline */
        guint8 *rbuf;
        bool greeting_seen;

        GMutex write_lock; /* a command goes out whole or not at all */

        GMutex lock; /* protects everything below */
        GCond cond;
        GHashTable *waiters; /* id -> qmp_waiter* */
        guint64 next_id;
        bool greeted;
        char *closed_reason; /* set once, when the connection ends */
        char *write_failure; /* why a writer shut the socket down */
        bool armed;          /* qmp_connect() succeeded: callbacks may run */
        bool closing;        /* qmp_close() was called */
        bool thread_done;
};

static qmp *qmp_ref(qmp *mon)
{
        g_atomic_int_inc(&mon->refs);
        return mon;
}

static void qmp_unref(qmp *mon)
{
        if (!g_atomic_int_dec_and_test(&mon->refs))
                return;
        if (mon->watch) {
                g_source_destroy(mon->watch);
                g_source_unref(mon->watch);
        }
        if (mon->ctx)
                g_main_context_unref(mon->ctx);
        if (mon->fd >= 0)
                close(mon->fd);
        g_byte_array_unref(mon->inbuf);
        g_free(mon->rbuf);
        g_hash_table_destroy(mon->waiters);
        g_mutex_clear(&mon->write_lock);
        g_mutex_clear(&mon->lock);
        g_cond_clear(&mon->cond);
        g_free(mon->closed_reason);
        g_free(mon->write_failure);
        g_free(mon->name);
        g_free(mon);
}

/* "5 s", "1.5 s", "200 ms" */
static char *qmp_format_ms(int ms)
{
        if (ms >= 1000 && ms % 1000 == 0)
                return g_strdup_printf("%d s", ms / 1000);
        if (ms >= 1000)
                return g_strdup_printf("%.1f s", ms / 1000.0);
        return g_strdup_printf("%d ms", ms);
}

static int qmp_timeout_ms(gint64 deadline)
{
        gint64 left = (deadline - g_get_monotonic_time() + 999) / 1000;

        return (int)CLAMP(left, 0, G_MAXINT);
}

static JsonObject *obj_get_object(JsonObject *obj, const char *member)
{
        JsonNode *node = obj ? json_object_get_member(obj, member) : NULL;

        return node && JSON_NODE_HOLDS_OBJECT(node) ? json_node_get_object(node) : NULL;
}

static const char *obj_get_string(JsonObject *obj, const char *member)
{
        JsonNode *node = obj ? json_object_get_member(obj, member) : NULL;

        if (!node || !JSON_NODE_HOLDS_VALUE(node) ||
            json_node_get_value_type(node) != G_TYPE_STRING)
                return NULL;
        return json_node_get_string(node);
}

static gint64 obj_get_int(JsonObject *obj, const char *member)
{
        JsonNode *node = obj ? json_object_get_member(obj, member) : NULL;

        if (!node || !JSON_NODE_HOLDS_VALUE(node) || json_node_get_value_type(node) != G_TYPE_INT64)
                return 0;
        return json_node_get_int(node);
}

/* Ends the connection for good (from the reader thread): wakes every waiter,
 * stops the thread and tells the owner once. */
static void qmp_end(qmp *mon, bool failure, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void qmp_end(qmp *mon, bool failure, const char *fmt, ...)
{
        g_autofree char *reason = NULL;
        bool first, notify;
        va_list ap;

        va_start(ap, fmt);
        reason = g_strdup_vprintf(fmt, ap);
        va_end(ap);

        g_mutex_lock(&mon->lock);
        first = !mon->closed_reason;
        if (first)
                mon->closed_reason = g_strdup(reason);
        notify = first && mon->armed && !mon->closing;
        g_cond_broadcast(&mon->cond);
        g_mutex_unlock(&mon->lock);
        g_atomic_int_set(&mon->stop, 1);

        if (!first)
                return;
        if (failure)
                log_warning(_("QEMU monitor of domain '%s' closed: %s"), mon->name, reason);
        else
                log_debug("QEMU monitor of domain '%s' closed: %s", mon->name, reason);
        if (notify && mon->eof_cb)
                mon->eof_cb(mon, reason, mon->opaque);
}

/* json-glib's parser recurses: refuse deep nesting before handing it a line. */
static bool qmp_depth_ok(const char *s, gsize len)
{
        bool in_string = false, escaped = false;
        int depth = 0;

        for (gsize i = 0; i < len; i++) {
                char c = s[i];

                if (in_string) {
                        if (escaped)
                                escaped = false;
                        else if (c == '\\')
                                escaped = true;
                        else if (c == '"')
                                in_string = false;
                } else if (c == '"') {
                        in_string = true;
                } else if (c == '{' || c == '[') {
                        if (++depth > QMP_MAX_DEPTH)
                                return false;
                } else if (c == '}' || c == ']') {
                        depth--;
                }
        }
        return true;
}

static int qmp_on_greeting(qmp *mon, JsonObject *obj)
{
        JsonObject *greeting = obj_get_object(obj, "QMP");
        JsonObject *qemu = obj_get_object(obj_get_object(greeting, "version"), "qemu");

        if (!greeting) {
                qmp_end(mon, true,
                        _("the peer did not start with a QMP greeting (is this "
                          "socket a QEMU monitor?)"));
                return -1;
        }
        mon->greeting_seen = true;
        g_mutex_lock(&mon->lock);
        mon->version = (unsigned long long)CLAMP(obj_get_int(qemu, "major"), 0, 999) * 1000000 +
                       (unsigned long long)CLAMP(obj_get_int(qemu, "minor"), 0, 999) * 1000 +
                       (unsigned long long)CLAMP(obj_get_int(qemu, "micro"), 0, 999);
        mon->greeted = true;
        g_cond_broadcast(&mon->cond);
        g_mutex_unlock(&mon->lock);
        return 0;
}

static void qmp_on_event(qmp *mon, JsonObject *obj, const char *event)
{
        JsonObject *data = obj_get_object(obj, "data");
        JsonObject *ts = obj_get_object(obj, "timestamp");
        g_autoptr(JsonObject) empty = NULL;
        gint64 seconds = obj_get_int(ts, "seconds");
        gint64 timestamp_us = 0;
        bool deliver;

        if (seconds > 0 && seconds < G_MAXINT64 / G_USEC_PER_SEC - 1)
                timestamp_us = seconds * G_USEC_PER_SEC +
                               CLAMP(obj_get_int(ts, "microseconds"), 0, G_USEC_PER_SEC - 1);

        g_mutex_lock(&mon->lock);
        deliver = mon->armed && !mon->closing;
        g_mutex_unlock(&mon->lock);
        log_debug("QEMU monitor of domain '%s': event %s", mon->name, event);
        if (!deliver || !mon->event_cb)
                return;
        if (!data)
                data = empty = json_object_new();
        mon->event_cb(mon, event, data, timestamp_us, mon->opaque);
}

/* Hands a reply to its waiter. Called after the parser is gone: from here on
 * the nodes belong to the waiting thread alone (json-glib's reference counts
 * are not atomic). */
static void qmp_route_reply(qmp *mon, const char *id, JsonNode *ret, const char *err_class,
                            const char *err_desc)
{
        qmp_waiter *w;

        g_mutex_lock(&mon->lock);
        w = id ? g_hash_table_lookup(mon->waiters, id) : NULL;
        if (w) {
                g_hash_table_remove(mon->waiters, id);
                w->ret = ret;
                w->err_class = g_strdup(err_class);
                w->err_desc = g_strdup(err_desc);
                w->done = true;
                g_cond_broadcast(&mon->cond);
        }
        g_mutex_unlock(&mon->lock);
        if (w)
                return;
        if (ret)
                json_node_unref(ret);
        if (!id && err_desc)
                log_warning(_("QEMU monitor of domain '%s' reported an error for no command: %s"),
                            mon->name, err_desc);
        else
                log_debug("QEMU monitor of domain '%s': dropping the reply to '%s' (nobody waits "
                          "for it any more)",
                          mon->name, id ? id : "(no id)");
}

static int qmp_process_line(qmp *mon, const char *line, gsize len)
{
        g_autoptr(JsonParser) parser = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *id = NULL, *err_class = NULL, *err_desc = NULL;
        JsonNode *root, *ret = NULL;
        JsonObject *obj, *err;
        const char *event;

        while (len > 0 && g_ascii_isspace(line[len - 1]))
                len--;
        if (len == 0)
                return 0;
        if (!qmp_depth_ok(line, len)) {
                qmp_end(mon, true,
                        _("QEMU sent JSON nested deeper than %d levels; the connection was "
                          "dropped"),
                        QMP_MAX_DEPTH);
                return -1;
        }
        parser = json_parser_new();
        if (!json_parser_load_from_data(parser, line, (gssize)len, &error)) {
                qmp_end(mon, true, _("QEMU sent malformed JSON (%s); the connection was dropped"),
                        error->message);
                return -1;
        }
        root = json_parser_get_root(parser);
        if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
                qmp_end(mon, true,
                        _("QEMU sent malformed JSON (a message that is not an object); the "
                          "connection was dropped"));
                return -1;
        }
        obj = json_node_get_object(root);

        if (!mon->greeting_seen)
                return qmp_on_greeting(mon, obj);

        event = obj_get_string(obj, "event");
        if (event) {
                qmp_on_event(mon, obj, event);
                return 0;
        }
        if (!json_object_has_member(obj, "return") && !json_object_has_member(obj, "error")) {
                log_debug("QEMU monitor of domain '%s': ignoring a message that is neither a "
                          "reply nor an event",
                          mon->name);
                return 0;
        }
        id = g_strdup(obj_get_string(obj, "id"));
        err = obj_get_object(obj, "error");
        if (err) {
                const char *cls = obj_get_string(err, "class");
                const char *desc = obj_get_string(err, "desc");

                err_class = g_strdup(cls ? cls : "GenericError");
                err_desc = g_strdup(desc ? desc : _("QEMU gave no description"));
        } else {
                ret = json_object_dup_member(obj, "return");
        }
        g_clear_object(&parser);
        qmp_route_reply(mon, id, ret, err_class, err_desc);
        return 0;
}

static int qmp_process_input(qmp *mon)
{
        GByteArray *in = mon->inbuf;
        gsize start = 0, from = mon->scanned;
        int r = 0;

        while (start < in->len) {
                const guint8 *nl = memchr(in->data + from, '\n', in->len - from);
                gsize len;

                if (!nl)
                        break;
                len = (gsize)(nl - (in->data + start));
                if (len > QMP_MAX_LINE) {
                        qmp_end(mon, true,
                                _("QEMU sent a line longer than %d bytes; the connection was "
                                  "dropped"),
                                QMP_MAX_LINE);
                        return -1;
                }
                r = qmp_process_line(mon, (const char *)in->data + start, len);
                if (r < 0)
                        return r;
                start += len + 1;
                from = start;
        }
        g_byte_array_remove_range(in, 0, (guint)start);
        mon->scanned = in->len;
        if (in->len > QMP_MAX_LINE) {
                qmp_end(mon, true,
                        _("QEMU sent a line longer than %d bytes; the connection was dropped"),
                        QMP_MAX_LINE);
                return -1;
        }
        return 0;
}

static void qmp_on_eof(qmp *mon)
{
        g_autofree char *write_failure = NULL;

        g_mutex_lock(&mon->lock);
        write_failure = g_strdup(mon->write_failure);
        g_mutex_unlock(&mon->lock);
        if (write_failure)
                qmp_end(mon, true, "%s", write_failure);
        else
                qmp_end(mon, false, _("end of file (QEMU exited or closed the monitor)"));
}

static gboolean qmp_on_input(int fd, GIOCondition condition, void *data)
{
        qmp *mon = data;

        for (int i = 0; i < QMP_READS_PER_WAKEUP && !g_atomic_int_get(&mon->stop); i++) {
                ssize_t n = read(fd, mon->rbuf, QMP_READ_CHUNK);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                        return G_SOURCE_CONTINUE;
                if (n < 0) {
                        int e = errno;

                        qmp_end(mon, true, _("reading failed: %s"), g_strerror(e));
                        return G_SOURCE_REMOVE;
                }
                if (n == 0) {
                        qmp_on_eof(mon);
                        return G_SOURCE_REMOVE;
                }
                g_byte_array_append(mon->inbuf, mon->rbuf, (guint)n);
                if (qmp_process_input(mon) < 0)
                        return G_SOURCE_REMOVE;
        }
        return G_SOURCE_CONTINUE;
}

static gpointer qmp_thread_main(gpointer data)
{
        qmp *mon = data;

        g_main_context_push_thread_default(mon->ctx);
        while (!g_atomic_int_get(&mon->stop))
                g_main_context_iteration(mon->ctx, TRUE);
        g_main_context_pop_thread_default(mon->ctx);

        g_mutex_lock(&mon->lock);
        mon->thread_done = true;
        g_cond_broadcast(&mon->cond);
        g_mutex_unlock(&mon->lock);
        qmp_unref(mon);
        return NULL;
}

static char *qmp_command_text(const char *command, JsonObject *args, const char *id)
{
        g_autoptr(JsonBuilder) builder = json_builder_new();
        g_autoptr(JsonGenerator) gen = json_generator_new();
        g_autoptr(JsonNode) root = NULL;
        g_autofree char *text = NULL;

        json_builder_begin_object(builder);
        json_builder_set_member_name(builder, "execute");
        json_builder_add_string_value(builder, command);
        if (args) {
                JsonNode *node = json_node_new(JSON_NODE_OBJECT);

                json_node_set_object(node, args);
                json_builder_set_member_name(builder, "arguments");
                json_builder_add_value(builder, node);
        }
        json_builder_set_member_name(builder, "id");
        json_builder_add_string_value(builder, id);
        json_builder_end_object(builder);
        root = json_builder_get_root(builder);
        json_generator_set_root(gen, root);
        text = json_generator_to_data(gen, NULL);
        return g_strconcat(text, "\n", NULL);
}

/* Sends text whole before deadline. A command cut in half would desynchronize
 * the stream, so then the socket is shut down and the reader reports why. */
static int qmp_write(qmp *mon, const char *command, const char *text, gint64 deadline,
                     int timeout_ms)
{
        gsize len = strlen(text), sent = 0;
        bool timed_out = false;
        int r = 0;

        g_mutex_lock(&mon->write_lock);
        while (sent < len) {
                ssize_t n = send(mon->fd, text + sent, len - sent, MSG_NOSIGNAL | MSG_DONTWAIT);

                if (n >= 0) {
                        sent += (gsize)n;
                } else if (errno == EINTR) {
                        continue;
                } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
                        struct pollfd pfd = {.fd = mon->fd, .events = POLLOUT};
                        int left = qmp_timeout_ms(deadline);

                        if (left <= 0) {
                                g_autofree char *limit = qmp_format_ms(timeout_ms);

                                timed_out = true;
                                r = vctl_error_set(VCTL_ERR_OPERATION_TIMEOUT, VCTL_FROM_QEMU,
                                                   _("QEMU monitor of domain '%s' did not accept "
                                                     "'%s' within %s"),
                                                   mon->name, command, limit);
                                break;
                        }
                        if (poll(&pfd, 1, left) < 0 && errno != EINTR) {
                                r = vctl_error_set_errno(errno, VCTL_ERR_WRITE_FAILED,
                                                         VCTL_FROM_QEMU,
                                                         _("QEMU monitor of domain '%s': waiting "
                                                           "to send '%s' failed"),
                                                         mon->name, command);
                                break;
                        }
                } else {
                        int e = errno;

                        r = vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                           _("QEMU monitor of domain '%s' closed: sending '%s' "
                                             "failed: %s"),
                                           mon->name, command, g_strerror(e));
                        break;
                }
        }
        if (r < 0 && (sent > 0 || !timed_out)) {
                g_mutex_lock(&mon->lock);
                if (!mon->write_failure)
                        mon->write_failure = g_strdup_printf(
                                "sending '%s' failed (%s); the connection was dropped", command,
                                vctl_error_message());
                g_mutex_unlock(&mon->lock);
                shutdown(mon->fd, SHUT_RDWR);
        }
        g_mutex_unlock(&mon->write_lock);
        return r < 0 ? -1 : 0;
}

static int qmp_set_closed_error(qmp *mon, const char *reason)
{
        return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                              _("QEMU monitor of domain '%s' closed: %s"), mon->name, reason);
}

/* eof_ok: the connection ending while waiting counts as success (quit). */
static int qmp_run(qmp *mon, const char *command, JsonObject *args, int timeout_ms, bool eof_ok,
                   JsonNode **ret_return)
{
        qmp_waiter w = {0};
        g_autofree char *id = NULL, *text = NULL;
        gint64 deadline;
        int r = 0;

        if (!mon || !command || !*command)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_QEMU,
                                      _("qmp_execute: a monitor and a command name are required"));
        if (timeout_ms <= 0)
                timeout_ms = QMP_DEFAULT_TIMEOUT_MS;
        deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

        qmp_ref(mon);
        g_mutex_lock(&mon->lock);
        if (mon->closed_reason) {
                r = qmp_set_closed_error(mon, mon->closed_reason);
                g_mutex_unlock(&mon->lock);
                qmp_unref(mon);
                return r;
        }
        id = g_strdup_printf("vctl-%" G_GUINT64_FORMAT, ++mon->next_id);
        g_hash_table_insert(mon->waiters, id, &w);
        g_mutex_unlock(&mon->lock);

        text = qmp_command_text(command, args, id);
        log_debug("QEMU monitor of domain '%s': sending %s", mon->name, command);
        r = qmp_write(mon, command, text, deadline, timeout_ms);

        g_mutex_lock(&mon->lock);
        while (r == 0 && !w.done && !mon->closed_reason) {
                if (!g_cond_wait_until(&mon->cond, &mon->lock, deadline))
                        break;
        }
        g_hash_table_remove(mon->waiters, id);
        if (r < 0) {
                /* qmp_write() set the error */
        } else if (w.done && w.err_desc) {
                bool unknown = g_str_equal(w.err_class, "CommandNotFound");

                r = vctl_error_set(
                        unknown ? VCTL_ERR_OPERATION_UNSUPPORTED : VCTL_ERR_OPERATION_FAILED,
                        VCTL_FROM_QEMU, _("QEMU monitor of domain '%s': '%s' failed: %s"),
                        mon->name, command, w.err_desc);
        } else if (w.done) {
                if (ret_return)
                        *ret_return = g_steal_pointer(&w.ret);
        } else if (mon->closed_reason && eof_ok && !mon->closing) {
                if (ret_return)
                        *ret_return = NULL;
        } else if (mon->closed_reason) {
                r = qmp_set_closed_error(mon, mon->closed_reason);
        } else {
                g_autofree char *limit = qmp_format_ms(timeout_ms);

                r = vctl_error_set(VCTL_ERR_OPERATION_TIMEOUT, VCTL_FROM_QEMU,
                                   _("QEMU monitor of domain '%s' did not answer '%s' within %s"),
                                   mon->name, command, limit);
        }
        g_mutex_unlock(&mon->lock);

        if (w.ret)
                json_node_unref(w.ret);
        g_free(w.err_class);
        g_free(w.err_desc);
        qmp_unref(mon);
        return r < 0 ? -1 : 0;
}

int qmp_execute(qmp *mon, const char *command, JsonObject *args, int timeout_ms,
                JsonNode **ret_return)
{
        return qmp_run(mon, command, args, timeout_ms, false, ret_return);
}

void qmp_close(qmp *mon)
{
        bool on_thread, done;
        gint64 deadline;

        if (!mon)
                return;
        on_thread = mon->thread && g_thread_self() == mon->thread;

        g_mutex_lock(&mon->lock);
        mon->closing = true;
        if (!mon->closed_reason)
                mon->closed_reason = g_strdup(_("vctl closed the connection"));
        g_cond_broadcast(&mon->cond);
        g_mutex_unlock(&mon->lock);
        g_atomic_int_set(&mon->stop, 1);
        g_main_context_wakeup(mon->ctx);

        if (mon->thread && on_thread) {
                /* from a callback: the thread ends when the callback returns */
                g_thread_unref(g_steal_pointer(&mon->thread));
        } else if (mon->thread) {
                deadline = g_get_monotonic_time() + QMP_CLOSE_TIMEOUT_MS * G_TIME_SPAN_MILLISECOND;
                g_mutex_lock(&mon->lock);
                while (!mon->thread_done) {
                        if (!g_cond_wait_until(&mon->cond, &mon->lock, deadline))
                                break;
                }
                done = mon->thread_done;
                g_mutex_unlock(&mon->lock);
                if (done) {
                        g_thread_join(g_steal_pointer(&mon->thread));
                } else {
                        log_error(_("QEMU monitor of domain '%s': its thread did not stop within "
                                    "%d ms (a callback is blocked?); leaving it behind"),
                                  mon->name, QMP_CLOSE_TIMEOUT_MS);
                        g_thread_unref(g_steal_pointer(&mon->thread));
                }
        }
        qmp_unref(mon);
}

/* Connects, retrying while the socket does not exist or does not listen yet. */
static int qmp_socket_connect(const char *path, const char *name, gint64 deadline, int timeout_ms)
{
        struct sockaddr_un sa = {.sun_family = AF_UNIX};

        if (strlen(path) >= sizeof(sa.sun_path))
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_QEMU,
                                      _("QEMU monitor of domain '%s': socket path '%s' is longer "
                                        "than %zu bytes"),
                                      name, path, sizeof(sa.sun_path) - 1);
        memcpy(sa.sun_path, path, strlen(path));

        for (;;) {
                int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
                int e;
                gint64 now;

                if (fd < 0)
                        return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                                    _("QEMU monitor of domain '%s': cannot create "
                                                      "a socket"),
                                                    name);
                if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) == 0)
                        return fd;
                e = errno;
                close(fd);
                if (e != ENOENT && e != ECONNREFUSED && e != EAGAIN && e != EINTR &&
                    e != EINPROGRESS)
                        return vctl_error_set_errno(e, VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                                    _("QEMU monitor of domain '%s': cannot "
                                                      "connect to '%s'"),
                                                    name, path);
                now = g_get_monotonic_time();
                if (now >= deadline) {
                        g_autofree char *limit = qmp_format_ms(timeout_ms);

                        return vctl_error_set(VCTL_ERR_OPERATION_TIMEOUT, VCTL_FROM_QEMU,
                                              _("QEMU monitor of domain '%s' at '%s' did not "
                                                "accept a connection within %s (%s); did QEMU "
                                                "start? its log may say why not"),
                                              name, path, limit, g_strerror(e));
                }
                g_usleep((gulong)MIN(QMP_CONNECT_RETRY_MS * G_TIME_SPAN_MILLISECOND,
                                     deadline - now));
        }
}

int qmp_connect(const char *path, const char *name, int timeout_ms, qmp_event_cb event_cb,
                qmp_eof_cb eof_cb, void *opaque, qmp **ret_mon)
{
        g_autoptr(GError) error = NULL;
        gint64 deadline;
        qmp *mon;
        int fd;

        if (!path || !name || !ret_mon)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_QEMU,
                                      _("qmp_connect: a path, a name and ret_mon are required"));
        if (timeout_ms <= 0)
                timeout_ms = QMP_DEFAULT_TIMEOUT_MS;
        deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

        fd = qmp_socket_connect(path, name, deadline, timeout_ms);
        if (fd < 0)
                return -1;

        mon = g_new0(qmp, 1);
        mon->refs = 1;
        mon->name = g_strdup(name);
        mon->fd = fd;
        mon->event_cb = event_cb;
        mon->eof_cb = eof_cb;
        mon->opaque = opaque;
        mon->inbuf = g_byte_array_new();
        mon->rbuf = g_malloc(QMP_READ_CHUNK);
        mon->waiters = g_hash_table_new(g_str_hash, g_str_equal);
        g_mutex_init(&mon->write_lock);
        g_mutex_init(&mon->lock);
        g_cond_init(&mon->cond);
        mon->ctx = g_main_context_new();
        mon->watch = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
        g_source_set_callback(mon->watch, G_SOURCE_FUNC(qmp_on_input), mon, NULL);
        g_source_attach(mon->watch, mon->ctx);

        mon->thread = g_thread_try_new("vctl-qmp", qmp_thread_main, qmp_ref(mon), &error);
        if (!mon->thread) {
                vctl_error_set(VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                               _("QEMU monitor of domain '%s': cannot start its thread: %s"), name,
                               error->message);
                qmp_unref(mon); /* the thread's reference */
                qmp_close(mon);
                return -1;
        }

        g_mutex_lock(&mon->lock);
        while (!mon->greeted && !mon->closed_reason) {
                if (!g_cond_wait_until(&mon->cond, &mon->lock, deadline))
                        break;
        }
        if (!mon->greeted) {
                g_autofree char *limit = qmp_format_ms(timeout_ms);

                if (mon->closed_reason)
                        qmp_set_closed_error(mon, mon->closed_reason);
                else
                        vctl_error_set(VCTL_ERR_OPERATION_TIMEOUT, VCTL_FROM_QEMU,
                                       _("QEMU monitor of domain '%s' at '%s' did not send its "
                                         "greeting within %s"),
                                       name, path, limit);
                g_mutex_unlock(&mon->lock);
                qmp_close(mon);
                return -1;
        }
        g_mutex_unlock(&mon->lock);

        if (qmp_execute(mon, "qmp_capabilities", NULL, MAX(qmp_timeout_ms(deadline), 1), NULL) <
            0) {
                qmp_close(mon);
                return -1;
        }

        g_mutex_lock(&mon->lock);
        if (mon->closed_reason) {
                qmp_set_closed_error(mon, mon->closed_reason);
                g_mutex_unlock(&mon->lock);
                qmp_close(mon);
                return -1;
        }
        mon->armed = true;
        g_mutex_unlock(&mon->lock);
        log_debug("QEMU monitor of domain '%s' connected (QEMU %llu)", name, mon->version);
        *ret_mon = mon;
        return 0;
}

const char *qmp_name(const qmp *mon)
{
        return mon->name;
}

unsigned long long qmp_qemu_version(const qmp *mon)
{
        return mon->version;
}

bool qmp_is_closed(qmp *mon)
{
        bool closed;

        g_mutex_lock(&mon->lock);
        closed = mon->closed_reason != NULL;
        g_mutex_unlock(&mon->lock);
        return closed;
}

int qmp_cont(qmp *mon, int timeout_ms)
{
        return qmp_execute(mon, "cont", NULL, timeout_ms, NULL);
}

int qmp_stop(qmp *mon, int timeout_ms)
{
        return qmp_execute(mon, "stop", NULL, timeout_ms, NULL);
}

int qmp_system_powerdown(qmp *mon, int timeout_ms)
{
        return qmp_execute(mon, "system_powerdown", NULL, timeout_ms, NULL);
}

int qmp_system_reset(qmp *mon, int timeout_ms)
{
        return qmp_execute(mon, "system_reset", NULL, timeout_ms, NULL);
}

int qmp_quit(qmp *mon, int timeout_ms)
{
        return qmp_run(mon, "quit", NULL, timeout_ms, true, NULL);
}

int qmp_query_status(qmp *mon, int timeout_ms, bool *ret_running, char **ret_status)
{
        g_autoptr(JsonNode) ret = NULL;
        JsonObject *obj;
        JsonNode *running;
        const char *status;

        if (qmp_execute(mon, "query-status", NULL, timeout_ms, &ret) < 0)
                return -1;
        obj = ret && JSON_NODE_HOLDS_OBJECT(ret) ? json_node_get_object(ret) : NULL;
        running = obj ? json_object_get_member(obj, "running") : NULL;
        status = obj_get_string(obj, "status");
        if (!running || !JSON_NODE_HOLDS_VALUE(running) ||
            json_node_get_value_type(running) != G_TYPE_BOOLEAN || !status)
                return vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_QEMU,
                                      _("QEMU monitor of domain '%s': the reply to 'query-status' "
                                        "lacks 'running' or 'status'"),
                                      mon->name);
        if (ret_running)
                *ret_running = json_node_get_boolean(running);
        if (ret_status)
                *ret_status = g_strdup(status);
        return 0;
}
