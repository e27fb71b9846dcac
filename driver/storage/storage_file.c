/* The host side of directory pools: the pool's directory, the file system's
 * sizes, qemu-img runs with bounded output, sparse copies and zeroing. */
#include "config.h"

#include "driver/storage/storage_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#define STORAGE_OUT_MAX  (1024 * 1024)
#define STORAGE_ERR_MAX  (16 * 1024)
#define STORAGE_COPY_BUF (1024 * 1024)

int storage_dir_open(const pool_def *def)
{
        int fd = open(def->target_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_OPERATION_FAILED, VCTL_FROM_STORAGE,
                                            _("storage pool '%s': cannot open its directory '%s' "
                                              "(build it with 'vctl pool-build %s')"),
                                            def->name, def->target_path, def->name);
        return fd;
}

int storage_fs_info(const char *path, vctl_storage_pool_info *ret)
{
        struct statvfs sv;

        if (statvfs(path, &sv) < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                            _("cannot read the file system of '%s'"), path);
        ret->capacity = (unsigned long long)sv.f_blocks * sv.f_frsize;
        ret->allocation = (unsigned long long)(sv.f_blocks - sv.f_bfree) * sv.f_frsize;
        ret->available = (unsigned long long)sv.f_bavail * sv.f_frsize;
        return 0;
}

/* Reads what fd offers into buf (up to max; more is dropped and flagged). */
static gboolean storage_drain(int fd, GString *buf, gsize max, gboolean *over)
{
        char chunk[8192];
        ssize_t n = read(fd, chunk, sizeof(chunk));

        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return TRUE;
        if (n <= 0)
                return FALSE;
        if (buf->len + (gsize)n > max)
                *over = TRUE;
        else
                g_string_append_len(buf, chunk, n);
        return TRUE;
}

int storage_run(const char *const *argv, char **ret_out)
{
        const char *envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                              "LC_ALL=C", NULL};
        g_autoptr(GString) out = g_string_new(NULL);
        g_autoptr(GString) err = g_string_new(NULL);
        g_autoptr(GError) gerr = NULL;
        g_autofree char *cmd = g_strjoinv(" ", (char **)argv);
        gboolean out_open = TRUE, err_open = TRUE, over = FALSE;
        int out_fd = -1, err_fd = -1, status = 0;
        GPid pid;

        if (!g_spawn_async_with_pipes(NULL, (char **)argv, (char **)envp,
                                      G_SPAWN_SEARCH_PATH_FROM_ENVP | G_SPAWN_DO_NOT_REAP_CHILD,
                                      NULL, NULL, &pid, NULL, &out_fd, &err_fd, &gerr))
                return STORAGE_ERR(VCTL_ERR_OPERATION_FAILED, _("cannot run '%s': %s"), argv[0],
                                   gerr->message);
        while (out_open || err_open) {
                struct pollfd pfd[2] = {{out_open ? out_fd : -1, POLLIN, 0},
                                        {err_open ? err_fd : -1, POLLIN, 0}};

                if (poll(pfd, 2, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (pfd[0].revents && !storage_drain(out_fd, out, STORAGE_OUT_MAX, &over))
                        out_open = FALSE;
                if (pfd[1].revents && !storage_drain(err_fd, err, STORAGE_ERR_MAX, &over))
                        err_open = FALSE;
                if (over) {
                        kill(pid, SIGKILL);
                        break;
                }
        }
        close(out_fd);
        close(err_fd);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        g_spawn_close_pid(pid);
        if (over)
                return STORAGE_ERR(VCTL_ERR_OPERATION_FAILED,
                                   _("'%s' wrote more than %d bytes; stopped it"), cmd,
                                   STORAGE_OUT_MAX);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                g_strstrip(err->str);
                return STORAGE_ERR(VCTL_ERR_OPERATION_FAILED, _("'%s' failed: %s"), cmd,
                                   err->len ? err->str : _("no message"));
        }
        if (ret_out)
                *ret_out = g_string_free(g_steal_pointer(&out), FALSE);
        return 0;
}

static gboolean storage_json_u64(JsonObject *o, const char *key, unsigned long long *ret)
{
        JsonNode *n = json_object_get_member(o, key);

        if (!n || json_node_get_value_type(n) != G_TYPE_INT64 || json_node_get_int(n) < 0)
                return FALSE;
        *ret = (unsigned long long)json_node_get_int(n);
        return TRUE;
}

int storage_file_info(int dirfd, vol_def *def)
{
        g_autofree char *proc = NULL;
        g_autofree char *out = NULL;
        g_autoptr(JsonParser) parser = NULL;
        g_autoptr(GError) gerr = NULL;
        JsonObject *o;
        struct stat sb;
        int fd;

        fd = openat(dirfd, def->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
                int e = fd < 0 ? errno : EINVAL;

                if (fd >= 0)
                        close(fd);
                return vctl_error_set_errno(e, VCTL_ERR_NO_STORAGE_VOL, VCTL_FROM_STORAGE,
                                            _("storage volume '%s' cannot be read as a regular "
                                              "file in its pool"),
                                            def->name);
        }
        def->capacity = (unsigned long long)sb.st_size;
        def->allocation = (unsigned long long)sb.st_blocks * 512;
        def->target_perms.mode = sb.st_mode & 0777;
        def->target_perms.owner = sb.st_uid;
        def->target_perms.group = sb.st_gid;
        if (def->target_format != VOL_FORMAT_QCOW2) {
                close(fd);
                return 0;
        }
        /* the descriptor we checked, so a swapped-in symlink is never read */
        proc = g_strdup_printf("/proc/%d/fd/%d", (int)getpid(), fd);
        {
                const char *argv[] = {"qemu-img", "info", "--output=json", "-U", "-f", "qcow2",
                                      proc,       NULL};
                int r = storage_run(argv, &out);

                close(fd);
                if (r < 0)
                        return -1;
        }
        parser = json_parser_new();
        if (!json_parser_load_from_data(parser, out, -1, &gerr) ||
            !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(parser)))
                return STORAGE_ERR(VCTL_ERR_OPERATION_FAILED,
                                   _("storage volume '%s': cannot read qemu-img's answer"),
                                   def->name);
        o = json_node_get_object(json_parser_get_root(parser));
        storage_json_u64(o, "virtual-size", &def->capacity);
        storage_json_u64(o, "actual-size", &def->allocation);
        g_clear_pointer(&def->backing_path, g_free);
        {
                const char *b =
                        json_object_get_string_member_with_default(o, "backing-filename", NULL);
                const char *bf = json_object_get_string_member_with_default(
                        o, "backing-filename-format", "raw");

                if (b && *b) {
                        g_autofree char *dir = g_path_get_dirname(def->target_path);

                        def->backing_path =
                                b[0] == '/' ? g_strdup(b) : g_build_filename(dir, b, NULL);
                        def->backing_format =
                                strcmp(bf, "qcow2") == 0 ? VOL_FORMAT_QCOW2 : VOL_FORMAT_RAW;
                }
        }
        return 0;
}

static int storage_write_all(int fd, const char *buf, size_t len, off_t off)
{
        while (len > 0) {
                ssize_t n = pwrite(fd, buf, len, off);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -1;
                buf += n;
                len -= (size_t)n;
                off += n;
        }
        return 0;
}

int storage_copy_sparse(int src_fd, int dst_fd, unsigned long long len, const char *what)
{
        g_autofree char *buf = g_malloc(STORAGE_COPY_BUF);
        unsigned long long done = 0;
        int last_pct = 0;
        off_t pos = 0;

        if (ftruncate(dst_fd, (off_t)len) < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                            _("%s: cannot size the copy"), what);
        while ((unsigned long long)pos < len) {
                off_t data = lseek(src_fd, pos, SEEK_DATA);
                off_t hole;

                if (data < 0 && errno == ENXIO)
                        break; /* only a hole is left */
                if (data < 0)
                        data = pos; /* no SEEK_DATA here: copy everything */
                hole = lseek(src_fd, data, SEEK_HOLE);
                if (hole < 0 || (unsigned long long)hole > len)
                        hole = (off_t)len;
                for (off_t off = data; off < hole;) {
                        size_t want = (size_t)MIN((off_t)STORAGE_COPY_BUF, hole - off);
                        ssize_t n = pread(src_fd, buf, want, off);
                        gboolean zero = TRUE;

                        if (n < 0 && errno == EINTR)
                                continue;
                        if (n <= 0)
                                return vctl_error_set_errno(
                                        n < 0 ? errno : EIO, VCTL_ERR_SYSTEM_ERROR,
                                        VCTL_FROM_STORAGE, _("%s: cannot read the source"), what);
                        /* zero blocks stay holes in the copy */
                        for (ssize_t i = 0; i < n && zero; i += 8)
                                zero = memcmp(buf + i, "\0\0\0\0\0\0\0\0", MIN(8, n - i)) == 0;
                        if (!zero && storage_write_all(dst_fd, buf, (size_t)n, off) < 0)
                                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR,
                                                            VCTL_FROM_STORAGE,
                                                            _("%s: cannot write the copy"), what);
                        off += n;
                        done += (unsigned long long)n;
                }
                pos = hole;
                if (len >= 64ull << 20 && (int)(pos * 100 / (off_t)len) >= last_pct + 10) {
                        last_pct = (int)(pos * 100 / (off_t)len);
                        log_info("%s: %d%% (%llu bytes of data copied)", what, last_pct, done);
                }
        }
        if (fsync(dst_fd) < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                            _("%s: cannot flush the copy"), what);
        return 0;
}

int storage_zero_fd(int fd, unsigned long long len, const char *what)
{
        g_autofree char *buf = g_malloc(STORAGE_COPY_BUF);
        g_autofree char *zero = g_malloc0(STORAGE_COPY_BUF);

        for (unsigned long long off = 0; off < len;) {
                size_t want = (size_t)MIN((unsigned long long)STORAGE_COPY_BUF, len - off);
                off_t data = lseek(fd, (off_t)off, SEEK_DATA);
                ssize_t n;

                if (data < 0 && errno == ENXIO)
                        break;
                if (data >= 0 && (unsigned long long)data > off) {
                        off = (unsigned long long)data;
                        continue;
                }
                n = pread(fd, buf, want, (off_t)off);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        break;
                if (memcmp(buf, zero, (size_t)n) != 0 &&
                    storage_write_all(fd, zero, (size_t)n, (off_t)off) < 0)
                        return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                                    _("%s: cannot write zeros"), what);
                off += (unsigned long long)n;
        }
        if (fsync(fd) < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_STORAGE,
                                            _("%s: cannot flush"), what);
        return 0;
}
