/* The QEMU driver's view of the host: QEMU's version, machine types and CPU
 * models (cached per binary), whether KVM works (the deep probe), the
 * capabilities document and node info. */
#include "config.h"

#include "driver/qemu/qemu_driver.h"
#include "kmod/kvm_probe.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#define QEMU_HOST_BINARY "qemu-system-x86_64"

unsigned long long qemu_host_parse_version(const char *text)
{
        const char *p = text ? strstr(text, "version ") : NULL;
        unsigned int major = 0, minor = 0, micro = 0;

        if (!p || sscanf(p + strlen("version "), "%u.%u.%u", &major, &minor, &micro) < 2)
                return 0;
        if (minor > 999 || micro > 999)
                return 0;
        return major * 1000000ULL + minor * 1000ULL + micro;
}

/* Host facts learned once per binary (path, mtime, inode) and kept in
 * memory and in STATE_DIR/qemu-caps.json, and the KVM verdict of the deep
 * probe (cached by kmod/ in RUN_DIR/qemu/kvm-probe.cache, per boot). */
typedef struct qemu_host_caps {
        char *binary;
        gint64 mtime;
        guint64 ino;
        unsigned long long version;
        GPtrArray *machines;  /* of char * */
        GPtrArray *canonical; /* of char *: what machines[i] is an alias of, "" if none */
        GPtrArray *cpu_models;
} qemu_host_caps;

static GMutex qemu_host_lock;
static qemu_host_caps *qemu_host_cached; /* under qemu_host_lock */
static char *qemu_host_caps_file;        /* under qemu_host_lock */
static char *qemu_host_kvm_cache;        /* under qemu_host_lock */
static int qemu_host_kvm = -1;           /* -1 not probed, 0, 1; under qemu_host_lock */
static char *qemu_host_kvm_reason;       /* under qemu_host_lock */

static void qemu_host_caps_free(qemu_host_caps *c)
{
        if (!c)
                return;
        g_free(c->binary);
        g_ptr_array_unref(c->machines);
        g_ptr_array_unref(c->canonical);
        g_ptr_array_unref(c->cpu_models);
        g_free(c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemu_host_caps, qemu_host_caps_free)

static qemu_host_caps *qemu_host_caps_new(const char *binary, const struct stat *st)
{
        qemu_host_caps *c = g_new0(qemu_host_caps, 1);

        c->binary = g_strdup(binary);
        c->mtime = (gint64)st->st_mtim.tv_sec * G_USEC_PER_SEC + st->st_mtim.tv_nsec / 1000;
        c->ino = (guint64)st->st_ino;
        c->machines = g_ptr_array_new_with_free_func(g_free);
        c->canonical = g_ptr_array_new_with_free_func(g_free);
        c->cpu_models = g_ptr_array_new_with_free_func(g_free);
        return c;
}

/* binary's stdout for args, run with a clean environment; NULL on failure */
static char *qemu_host_run(const char *binary, const char *a1, const char *a2)
{
        const char *argv[] = {binary, a1, a2, NULL};
        const char *envp[] = {"PATH=/usr/bin:/bin", "HOME=/", "LC_ALL=C", NULL};
        g_autofree char *out = NULL;
        int status = 0;

        if (!g_spawn_sync("/", (char **)argv, (char **)envp,
                          G_SPAWN_STDERR_TO_DEV_NULL | G_SPAWN_CLOEXEC_PIPES, NULL, NULL, &out,
                          NULL, &status, NULL) ||
            !g_spawn_check_wait_status(status, NULL))
                return NULL;
        return g_steal_pointer(&out);
}

/* "Supported machines are:\npc   Standard PC ... (alias of pc-i440fx-7.2)\n..." */
static void qemu_host_parse_machines(const char *text, qemu_host_caps *c)
{
        g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

        for (guint i = 0; lines[i]; i++) {
                g_auto(GStrv) words = NULL;
                const char *alias;
                g_autofree char *canon = NULL;

                if (g_str_has_prefix(lines[i], "Supported machines") || !g_ascii_isalnum(*lines[i]))
                        continue;
                words = g_strsplit_set(lines[i], " \t", 2);
                alias = strstr(lines[i], "(alias of ");
                if (alias) {
                        canon = g_strdup(alias + strlen("(alias of "));
                        canon[strcspn(canon, ")")] = '\0';
                }
                g_ptr_array_add(c->machines, g_strdup(words[0]));
                g_ptr_array_add(c->canonical, g_strdup(canon ? canon : ""));
        }
}

/* "Available CPUs:\nx86 486    (alias ...)\n...\n\nRecognized CPUID flags:..." */
static void qemu_host_parse_cpus(const char *text, qemu_host_caps *c)
{
        g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

        for (guint i = 0; lines[i]; i++) {
                g_auto(GStrv) words = NULL;

                if (g_str_has_prefix(lines[i], "Recognized CPUID flags"))
                        break;
                if (!g_str_has_prefix(lines[i], "x86 "))
                        continue;
                words = g_strsplit_set(g_strstrip(lines[i] + 4), " \t", 2);
                if (words[0] && *words[0])
                        g_ptr_array_add(c->cpu_models, g_strdup(words[0]));
        }
}

static void qemu_host_json_strings(JsonBuilder *b, const char *member, GPtrArray *list)
{
        json_builder_set_member_name(b, member);
        json_builder_begin_array(b);
        for (guint i = 0; i < list->len; i++)
                json_builder_add_string_value(b, g_ptr_array_index(list, i));
        json_builder_end_array(b);
}

static void qemu_host_caps_save(const qemu_host_caps *c, const char *path)
{
        g_autoptr(JsonBuilder) b = json_builder_new();
        g_autoptr(JsonGenerator) gen = json_generator_new();
        g_autoptr(JsonNode) root = NULL;
        g_autofree char *text = NULL;

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "binary");
        json_builder_add_string_value(b, c->binary);
        json_builder_set_member_name(b, "mtime");
        json_builder_add_int_value(b, c->mtime);
        json_builder_set_member_name(b, "ino");
        json_builder_add_int_value(b, (gint64)c->ino);
        json_builder_set_member_name(b, "version");
        json_builder_add_int_value(b, (gint64)c->version);
        qemu_host_json_strings(b, "machines", c->machines);
        qemu_host_json_strings(b, "canonical", c->canonical);
        qemu_host_json_strings(b, "cpu_models", c->cpu_models);
        json_builder_end_object(b);
        root = json_builder_get_root(b);
        json_generator_set_root(gen, root);
        json_generator_set_pretty(gen, TRUE);
        text = json_generator_to_data(gen, NULL);
        if (vctl_file_write_atomic(path, text, strlen(text), 0644) < 0) {
                log_debug("not caching QEMU's capabilities: %s", vctl_error_message());
                vctl_error_clear();
        }
}

static gboolean qemu_host_json_load_strings(JsonObject *o, const char *member, GPtrArray *list)
{
        JsonNode *n = json_object_get_member(o, member);
        JsonArray *a;

        if (!n || !JSON_NODE_HOLDS_ARRAY(n))
                return FALSE;
        a = json_node_get_array(n);
        for (guint i = 0; i < json_array_get_length(a); i++) {
                JsonNode *e = json_array_get_element(a, i);

                if (!JSON_NODE_HOLDS_VALUE(e) || json_node_get_value_type(e) != G_TYPE_STRING)
                        return FALSE;
                g_ptr_array_add(list, g_strdup(json_node_get_string(e)));
        }
        return TRUE;
}

/* the cached caps when they are of the same binary, else NULL */
static qemu_host_caps *qemu_host_caps_load(const char *path, const char *binary,
                                           const struct stat *st)
{
        g_autoptr(qemu_host_caps) c = qemu_host_caps_new(binary, st);
        g_autoptr(JsonParser) parser = json_parser_new();
        g_autofree char *text = NULL;
        JsonObject *o;
        size_t len;

        if (!path || vctl_file_read_bounded(path, 1024 * 1024, &text, &len) < 0) {
                vctl_error_clear();
                return NULL;
        }
        if (!json_parser_load_from_data(parser, text, (gssize)len, NULL) ||
            !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
                return NULL;
        o = json_node_get_object(json_parser_get_root(parser));
        if (g_strcmp0(json_object_get_string_member_with_default(o, "binary", ""), binary) != 0 ||
            json_object_get_int_member_with_default(o, "mtime", -1) != c->mtime ||
            json_object_get_int_member_with_default(o, "ino", -1) != (gint64)c->ino)
                return NULL;
        c->version = (unsigned long long)json_object_get_int_member_with_default(o, "version", 0);
        if (!c->version || !qemu_host_json_load_strings(o, "machines", c->machines) ||
            !qemu_host_json_load_strings(o, "canonical", c->canonical) ||
            !qemu_host_json_load_strings(o, "cpu_models", c->cpu_models) ||
            c->machines->len != c->canonical->len)
                return NULL;
        return g_steal_pointer(&c);
}

static qemu_host_caps *qemu_host_caps_probe(const char *binary, const struct stat *st)
{
        g_autoptr(qemu_host_caps) c = qemu_host_caps_new(binary, st);
        g_autofree char *version = qemu_host_run(binary, "--version", NULL);
        g_autofree char *machines = NULL;
        g_autofree char *cpus = NULL;

        c->version = qemu_host_parse_version(version);
        if (!c->version)
                return NULL;
        machines = qemu_host_run(binary, "-machine", "help");
        cpus = qemu_host_run(binary, "-cpu", "help");
        qemu_host_parse_machines(machines, c);
        qemu_host_parse_cpus(cpus, c);
        log_debug("QEMU %llu at %s: %u machine types, %u CPU models", c->version, binary,
                  c->machines->len, c->cpu_models->len);
        return g_steal_pointer(&c);
}

/* The caps of the default binary, current for its mtime; NULL when there is
 * none. Called with qemu_host_lock held; the result stays owned by the cache. */
static const qemu_host_caps *qemu_host_caps_get_locked(void)
{
        g_autofree char *binary = g_find_program_in_path(QEMU_HOST_BINARY);
        qemu_host_caps *c;
        struct stat st;

        if (!binary || stat(binary, &st) < 0)
                return NULL;
        c = qemu_host_cached;
        if (c && g_str_equal(c->binary, binary) &&
            c->mtime == (gint64)st.st_mtim.tv_sec * G_USEC_PER_SEC + st.st_mtim.tv_nsec / 1000 &&
            c->ino == (guint64)st.st_ino)
                return c;
        c = qemu_host_caps_load(qemu_host_caps_file, binary, &st);
        if (!c) {
                c = qemu_host_caps_probe(binary, &st);
                if (c && qemu_host_caps_file)
                        qemu_host_caps_save(c, qemu_host_caps_file);
        }
        if (!c)
                return NULL;
        qemu_host_caps_free(qemu_host_cached);
        qemu_host_cached = c;
        return c;
}

static void qemu_host_kvm_probe_locked(void)
{
        kvm_deep_probe_options opts = {.cache_path = qemu_host_kvm_cache};
        g_autoptr(kvm_deep_probe_result) res = NULL;

        if (qemu_host_kvm >= 0)
                return;
        res = kvm_deep_probe(&opts);
        qemu_host_kvm = res->usable ? 1 : 0;
        g_free(qemu_host_kvm_reason);
        qemu_host_kvm_reason = g_strdup(res->reason);
        if (res->usable)
                log_info(res->from_cache ? _("KVM is usable (deep probe: %lld us, cached)")
                                         : _("KVM is usable (deep probe: %lld us)"),
                         (long long)res->elapsed_us);
        else
                log_info(_("KVM is not usable, guests run with TCG: %s"),
                         res->reason ? res->reason : _("(no reason given)"));
}

int qemu_host_init(const vctl_paths *paths)
{
        g_autofree char *qemu_run = g_build_filename(paths->run_dir, "qemu", NULL);

        if (vctl_mkdir_p(qemu_run, 0700) < 0)
                return -1;
        g_mutex_lock(&qemu_host_lock);
        g_free(qemu_host_caps_file);
        qemu_host_caps_file = g_build_filename(paths->state_dir, "qemu-caps.json", NULL);
        g_free(qemu_host_kvm_cache);
        qemu_host_kvm_cache = g_build_filename(qemu_run, "kvm-probe.cache", NULL);
        if (vctl_mkdir_p(paths->state_dir, 0755) < 0) {
                log_debug("not caching QEMU's capabilities: %s", vctl_error_message());
                vctl_error_clear();
                g_clear_pointer(&qemu_host_caps_file, g_free);
        }
        qemu_host_kvm = -1;
        qemu_host_kvm_probe_locked();
        (void)qemu_host_caps_get_locked();
        g_mutex_unlock(&qemu_host_lock);
        return 0;
}

void qemu_host_cleanup(void)
{
        g_mutex_lock(&qemu_host_lock);
        g_clear_pointer(&qemu_host_caps_file, g_free);
        g_clear_pointer(&qemu_host_kvm_cache, g_free);
        g_mutex_unlock(&qemu_host_lock);
}

static GPtrArray *qemu_host_strv_copy(const GPtrArray *a)
{
        GPtrArray *copy = g_ptr_array_new_full(a->len, g_free);

        for (guint i = 0; i < a->len; i++)
                g_ptr_array_add(copy, g_strdup(g_ptr_array_index(a, i)));
        return copy;
}

qemu_caps *qemu_host_get_caps(void)
{
        const qemu_host_caps *c;
        qemu_caps *caps = NULL;

        g_mutex_lock(&qemu_host_lock);
        qemu_host_kvm_probe_locked();
        c = qemu_host_caps_get_locked();
        if (c) {
                caps = g_new0(qemu_caps, 1);
                caps->binary = g_strdup(c->binary);
                caps->version = (unsigned int)c->version;
                caps->kvm_usable = qemu_host_kvm == 1;
                caps->kvm_reason = g_strdup(qemu_host_kvm_reason);
                caps->machines = qemu_host_strv_copy(c->machines);
                caps->canonical = qemu_host_strv_copy(c->canonical);
                caps->cpu_models = qemu_host_strv_copy(c->cpu_models);
        }
        g_mutex_unlock(&qemu_host_lock);
        if (!caps)
                vctl_error_set(VCTL_ERR_CONFIG_UNSUPPORTED, VCTL_FROM_QEMU,
                               _("%s is not installed or does not run (Debian: install "
                                 "qemu-system-x86)"),
                               QEMU_HOST_BINARY);
        return caps;
}

unsigned long long qemu_host_version(void)
{
        const qemu_host_caps *c;
        unsigned long long v;

        g_mutex_lock(&qemu_host_lock);
        c = qemu_host_caps_get_locked();
        v = c ? c->version : 0;
        g_mutex_unlock(&qemu_host_lock);
        return v;
}

/* /etc/machine-id is the host's identity; libvirt's SMBIOS UUID needs root */
static void qemu_host_uuid(char buf[VCTL_UUID_STRING_LEN])
{
        static unsigned char fallback[VCTL_UUID_LEN];
        static gsize fallback_set;
        unsigned char uuid[VCTL_UUID_LEN];
        g_autofree char *id = NULL;

        if (g_file_get_contents("/etc/machine-id", &id, NULL, NULL) &&
            vctl_uuid_parse(g_strstrip(id), uuid) == 0) {
                vctl_uuid_format(uuid, buf);
                return;
        }
        if (g_once_init_enter(&fallback_set)) {
                vctl_uuid_generate(fallback);
                g_once_init_leave(&fallback_set, 1);
        }
        vctl_uuid_format(fallback, buf);
}

char *qemu_host_capabilities(void)
{
        g_autofree char *binary = g_find_program_in_path(QEMU_HOST_BINARY);
        char uuid[VCTL_UUID_STRING_LEN];
        const qemu_host_caps *c;
        struct utsname u;
        GString *s = g_string_new(NULL);

        qemu_host_uuid(uuid);
        if (uname(&u) < 0)
                g_strlcpy(u.machine, "x86_64", sizeof(u.machine));
        g_string_append_printf(s,
                               "<capabilities>\n"
                               "\n"
                               "  <host>\n"
                               "    <uuid>%s</uuid>\n"
                               "    <cpu>\n"
                               "      <arch>%s</arch>\n"
                               "    </cpu>\n"
                               "    <power_management/>\n"
                               "    <iommu support='no'/>\n"
                               "  </host>\n"
                               "\n",
                               uuid, u.machine);
        g_mutex_lock(&qemu_host_lock);
        qemu_host_kvm_probe_locked();
        c = qemu_host_caps_get_locked();
        g_string_append_printf(s,
                               "  <guest>\n"
                               "    <os_type>hvm</os_type>\n"
                               "    <arch name='x86_64'>\n"
                               "      <wordsize>64</wordsize>\n"
                               "      <emulator>%s</emulator>\n",
                               c        ? c->binary
                               : binary ? binary
                                        : "/usr/bin/" QEMU_HOST_BINARY);
        for (guint i = 0; c && i < c->machines->len; i++) {
                const char *canon = g_ptr_array_index(c->canonical, i);
                g_autofree char *name = g_markup_escape_text(g_ptr_array_index(c->machines, i), -1);
                g_autofree char *ecanon = g_markup_escape_text(canon, -1);

                if (*canon)
                        g_string_append_printf(s, "      <machine canonical='%s'>%s</machine>\n",
                                               ecanon, name);
                else
                        g_string_append_printf(s, "      <machine>%s</machine>\n", name);
        }
        g_string_append(s, "      <domain type='qemu'/>\n");
        /* only where the deep probe proved KVM runs guests at hardware speed */
        if (qemu_host_kvm == 1)
                g_string_append(s, "      <domain type='kvm'/>\n");
        g_mutex_unlock(&qemu_host_lock);
        g_string_append(s, "    </arch>\n"
                           "    <features>\n"
                           "      <acpi default='on' toggle='yes'/>\n"
                           "      <apic default='on' toggle='no'/>\n"
                           "    </features>\n"
                           "  </guest>\n"
                           "\n"
                           "</capabilities>\n");
        return g_string_free(s, FALSE);
}

static unsigned long qemu_host_memory_kib(void)
{
        g_autofree char *meminfo = NULL;
        const char *p;
        unsigned long kib = 0;

        if (!g_file_get_contents("/proc/meminfo", &meminfo, NULL, NULL))
                return 0;
        p = strstr(meminfo, "MemTotal:");
        if (p && sscanf(p, "MemTotal: %lu kB", &kib) != 1)
                kib = 0;
        return kib;
}

static unsigned int qemu_host_mhz(void)
{
        g_autofree char *cpuinfo = NULL;
        const char *p;
        double mhz = 0;

        if (!g_file_get_contents("/proc/cpuinfo", &cpuinfo, NULL, NULL))
                return 0;
        p = strstr(cpuinfo, "cpu MHz");
        if (p)
                p = strchr(p, ':');
        if (!p || sscanf(p + 1, "%lf", &mhz) != 1 || mhz < 0 || mhz > 1e6)
                return 0;
        return (unsigned int)mhz;
}

int qemu_host_node_info(vctl_node_info *ret_info)
{
        struct utsname u;

        memset(ret_info, 0, sizeof(*ret_info));
        if (uname(&u) < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                            _("cannot learn the host's architecture"));
        g_strlcpy(ret_info->model, u.machine, sizeof(ret_info->model));
        ret_info->memory_kib = qemu_host_memory_kib();
        ret_info->cpus = g_get_num_processors();
        ret_info->mhz = qemu_host_mhz();
        /* one node and socket holding every CPU: the shape libvirt falls back to */
        ret_info->nodes = 1;
        ret_info->sockets = 1;
        ret_info->cores = ret_info->cpus;
        ret_info->threads = 1;
        return 0;
}
