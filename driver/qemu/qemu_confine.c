/* Confined QEMU: the vctl-qemu account, the files handed to it while a
 * guest runs, and a spawn that drops every privilege before exec. */
#include "config.h"

#include "driver/qemu/qemu_confine.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* where vctl.sysusers.conf is installed, for the message naming the fix */
#define QEMU_CONFINE_SYSUSERS "/usr/lib/sysusers.d/vctl.conf"
/* the largest buffer getpwnam_r may want */
#define QEMU_CONFINE_PW_BUF 65536
/* capabilities the kernel may know (CAP_LAST_CAP is 40 today) */
#define QEMU_CONFINE_MAX_CAP 63

int qemu_confine_user_lookup(const char *name, qemu_confine_user *ret_user)
{
        g_autofree char *buf = g_malloc(QEMU_CONFINE_PW_BUF);
        struct passwd pw, *res = NULL;
        int r;

        r = getpwnam_r(QEMU_CONFINE_USER, &pw, buf, QEMU_CONFINE_PW_BUF, &res);
        if (r != 0 || !res)
                return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                      _("domain '%s': QEMU of system-mode guests runs as the "
                                        "user '%s', which does not exist%s%s (create it with "
                                        "'systemd-sysusers %s', or with vctl's "
                                        "systemd/vctl.sysusers.conf)"),
                                      name, QEMU_CONFINE_USER, r ? ": " : "",
                                      r ? g_strerror(r) : "", QEMU_CONFINE_SYSUSERS);
        if (pw.pw_uid == 0 || pw.pw_gid == 0)
                return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                      _("domain '%s': the user '%s' has uid %u and gid %u; QEMU "
                                        "must not run as root (recreate the account with "
                                        "'systemd-sysusers %s')"),
                                      name, QEMU_CONFINE_USER, (unsigned)pw.pw_uid,
                                      (unsigned)pw.pw_gid, QEMU_CONFINE_SYSUSERS);
        *ret_user = (qemu_confine_user){.uid = pw.pw_uid, .gid = pw.pw_gid};
        return 0;
}

/* ---- files ---- */

/* Whether user (no supplementary groups) gets want (R_OK|W_OK|X_OK bits as
 * rwx) from st by the owner/group/other bits. */
static gboolean qemu_confine_allowed(const struct stat *st, const qemu_confine_user *user, int want)
{
        int bits;

        if (st->st_uid == user->uid)
                bits = (st->st_mode >> 6) & 7;
        else if (st->st_gid == user->gid)
                bits = (st->st_mode >> 3) & 7;
        else
                bits = st->st_mode & 7;
        return (bits & want) == want;
}

/* Every directory above path must let user search it. */
static int qemu_confine_check_dirs(const char *name, const char *path,
                                   const qemu_confine_user *user)
{
        g_autofree char *dir = g_path_get_dirname(path);

        for (;;) {
                struct stat st;
                char *up;

                if (stat(dir, &st) == 0 && !qemu_confine_allowed(&st, user, 1))
                        return vctl_error_set(
                                VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                _("domain '%s': QEMU runs as the user '%s' and cannot reach "
                                  "'%s': the directory '%s' (owner %u, mode %04o) denies it "
                                  "search permission (allow it with 'chmod o+x %s', or move the "
                                  "file)"),
                                name, QEMU_CONFINE_USER, path, dir, (unsigned)st.st_uid,
                                (unsigned)(st.st_mode & 07777), dir);
                if (g_str_equal(dir, "/") || g_str_equal(dir, "."))
                        return 0;
                up = g_path_get_dirname(dir);
                g_free(dir);
                dir = up;
        }
}

static gboolean qemu_confine_planned(GPtrArray *owners, const char *path)
{
        for (guint i = 0; i < owners->len; i++)
                if (g_str_equal(((qemu_owner *)g_ptr_array_index(owners, i))->path, path))
                        return TRUE;
        return FALSE;
}

/* One file QEMU opens: reachable, and handed over unless user may already
 * use it as needed (want: 4 read, 6 read-write). create: a missing file is
 * created empty (by vctld, mode 0600) and handed over. */
static int qemu_confine_plan_path(const char *name, const char *path, int want, gboolean create,
                                  const qemu_confine_user *user, GPtrArray *owners)
{
        int owner_bits = want << 6;
        gboolean missing;
        qemu_owner *o;
        struct stat st;

        if (!path || !g_path_is_absolute(path) || qemu_confine_planned(owners, path))
                return 0;
        if (qemu_confine_check_dirs(name, path, user) < 0)
                return -1;
        missing = stat(path, &st) < 0;
        if (missing && errno == ENOENT && create)
                /* what vctld creates at grant time */
                st = (struct stat){.st_uid = geteuid(), .st_gid = getegid(), .st_mode = 0600};
        else if (missing || qemu_confine_allowed(&st, user, want))
                /* a missing file is QEMU's to report, with its own words */
                return 0;
        else if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode) && !S_ISSOCK(st.st_mode))
                return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                      _("domain '%s': QEMU runs as the user '%s' and cannot "
                                        "open '%s', which is not a file, block device or socket "
                                        "vctl could hand over"),
                                      name, QEMU_CONFINE_USER, path);
        o = g_new0(qemu_owner, 1);
        o->path = g_strdup(path);
        o->uid = st.st_uid;
        o->gid = st.st_gid;
        o->mode = st.st_mode & 07777;
        o->as_uid = user->uid;
        o->as_gid = user->gid;
        /* no set-id bits survive a chown anyway; keep them off */
        o->as_mode = (o->mode | (mode_t)owner_bits) & 0777;
        o->create = missing;
        g_ptr_array_add(owners, o);
        return 0;
}

static int qemu_confine_plan_file(const char *name, const char *path, int want,
                                  const qemu_confine_user *user, GPtrArray *owners)
{
        return qemu_confine_plan_path(name, path, want, FALSE, user, owners);
}

/* A socket QEMU creates (listening, mode bind) needs a directory vctl-qemu
 * may write; one it connects to is handed over like a file. */
static int qemu_confine_plan_socket(const char *name, const domain_chr *chr,
                                    const qemu_confine_user *user, GPtrArray *owners)
{
        g_autofree char *dir = NULL;
        struct stat st;

        if (chr->mode == DOMAIN_CHR_MODE_CONNECT)
                return qemu_confine_plan_file(name, chr->path, 6, user, owners);
        if (qemu_confine_check_dirs(name, chr->path, user) < 0)
                return -1;
        dir = g_path_get_dirname(chr->path);
        if (stat(dir, &st) == 0 && !qemu_confine_allowed(&st, user, 3))
                return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                      _("domain '%s': QEMU runs as the user '%s' and cannot "
                                        "create the socket '%s': the directory '%s' (owner %u, "
                                        "mode %04o) is not writable for it (leave out the "
                                        "path of an agent channel: it then lives in the "
                                        "domain's own directory)"),
                                      name, QEMU_CONFINE_USER, chr->path, dir, (unsigned)st.st_uid,
                                      (unsigned)(st.st_mode & 07777));
        return 0;
}

static int qemu_confine_plan_chrs(const char *name, const GPtrArray *chrs,
                                  const qemu_confine_user *user, GPtrArray *owners)
{
        for (guint i = 0; chrs && i < chrs->len; i++) {
                const domain_chr *chr = g_ptr_array_index(chrs, i);

                if (!chr->path)
                        continue;
                if (chr->type == DOMAIN_CHR_FILE &&
                    qemu_confine_plan_path(name, chr->path, 6, TRUE, user, owners) < 0)
                        return -1;
                if (chr->type == DOMAIN_CHR_UNIX &&
                    qemu_confine_plan_socket(name, chr, user, owners) < 0)
                        return -1;
        }
        return 0;
}

static int qemu_confine_plan_backing(const char *name, const domain_backing *b,
                                     const qemu_confine_user *user, GPtrArray *owners)
{
        for (; b; b = b->next)
                if (!b->empty && qemu_confine_plan_file(name, b->path, 4, user, owners) < 0)
                        return -1;
        return 0;
}

int qemu_confine_plan(const char *name, const domain_def *def, gboolean kvm,
                      const qemu_confine_user *user, GPtrArray *owners)
{
        const domain_os *os = &def->os;

        for (guint i = 0; i < def->devices.disks->len; i++) {
                const domain_disk *d = g_ptr_array_index(def->devices.disks, i);
                int want = d->readonly || d->device == DOMAIN_DISK_DEVICE_CDROM ? 4 : 6;

                if (qemu_confine_plan_file(name, d->path, want, user, owners) < 0 ||
                    qemu_confine_plan_backing(name, d->backing, user, owners) < 0)
                        return -1;
        }
        if (qemu_confine_plan_file(name, os->kernel, 4, user, owners) < 0 ||
            qemu_confine_plan_file(name, os->initrd, 4, user, owners) < 0 ||
            qemu_confine_plan_file(name, os->loader,
                                   os->loader_type == DOMAIN_LOADER_PFLASH &&
                                                   os->loader_readonly == DOMAIN_TRI_NO
                                           ? 6
                                           : 4,
                                   user, owners) < 0 ||
            qemu_confine_plan_file(name, os->nvram, 6, user, owners) < 0 ||
            qemu_confine_plan_chrs(name, def->devices.serials, user, owners) < 0 ||
            qemu_confine_plan_chrs(name, def->devices.consoles, user, owners) < 0 ||
            qemu_confine_plan_chrs(name, def->devices.channels, user, owners) < 0)
                return -1;
        if (kvm) {
                struct stat st;

                /* a device node of the host: never handed over, only checked */
                if (stat("/dev/kvm", &st) == 0 && !qemu_confine_allowed(&st, user, 6))
                        return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                              _("domain '%s': QEMU runs as the user '%s', "
                                                "which may not use /dev/kvm (mode %04o); make "
                                                "it 0666 as systemd's udev rules do"),
                                              name, QEMU_CONFINE_USER,
                                              (unsigned)(st.st_mode & 07777));
        }
        return 0;
}

int qemu_confine_grant(const char *name, GPtrArray *owners)
{
        for (guint i = 0; i < owners->len; i++) {
                const qemu_owner *o = g_ptr_array_index(owners, i);

                if (o->create) {
                        int fd = open(o->path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

                        if (fd < 0)
                                return vctl_error_set_errno(
                                        errno, VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                        _("domain '%s': cannot create '%s'"), name, o->path);
                        close(fd);
                }
                if (chown(o->path, o->as_uid, o->as_gid) < 0 || chmod(o->path, o->as_mode) < 0)
                        return vctl_error_set_errno(errno, VCTL_ERR_OPERATION_FAILED,
                                                    VCTL_FROM_QEMU,
                                                    _("domain '%s': cannot hand '%s' to the "
                                                      "user '%s'"),
                                                    name, o->path, QEMU_CONFINE_USER);
                log_debug("domain '%s': '%s' handed to %u:%u (was %u:%u, mode %04o)", name, o->path,
                          (unsigned)o->as_uid, (unsigned)o->as_gid, (unsigned)o->uid,
                          (unsigned)o->gid, (unsigned)o->mode);
        }
        return 0;
}

void qemu_confine_restore(const char *name, GPtrArray *owners)
{
        for (guint i = 0; owners && i < owners->len; i++) {
                const qemu_owner *o = g_ptr_array_index(owners, i);
                struct stat st;

                /* not ours any more (or never was: a plan saved before the
                 * grant): somebody else's decision stands */
                if (lstat(o->path, &st) < 0 || st.st_uid != o->as_uid || st.st_gid != o->as_gid)
                        continue;
                if (chown(o->path, o->uid, o->gid) < 0 || chmod(o->path, o->mode) < 0)
                        log_warning(
                                _("domain '%s': cannot give '%s' back to %u:%u (mode %04o): %s"),
                                name, o->path, (unsigned)o->uid, (unsigned)o->gid,
                                (unsigned)o->mode, g_strerror(errno));
                else
                        log_debug("domain '%s': '%s' given back to %u:%u (mode %04o)", name,
                                  o->path, (unsigned)o->uid, (unsigned)o->gid, (unsigned)o->mode);
        }
}

int qemu_confine_own_dir(const char *name, const char *dir, const qemu_confine_user *user)
{
        if (qemu_confine_check_dirs(name, dir, user) < 0)
                return -1;
        if (chown(dir, user->uid, user->gid) < 0 || chmod(dir, 0700) < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                            _("domain '%s': cannot hand its directory '%s' to "
                                              "the user '%s'"),
                                            name, dir, QEMU_CONFINE_USER);
        return 0;
}

/* ---- spawn ---- */

/* What the child tells the parent when a step fails (exec success closes
 * the pipe instead). */
typedef struct qemu_confine_failure {
        int step;
        int err;
} qemu_confine_failure;

enum {
        STEP_STDIO,
        STEP_FDS,
        STEP_BOUNDING,
        STEP_GROUPS,
        STEP_GID,
        STEP_UID,
        STEP_NO_NEW_PRIVS,
        STEP_EXEC,
};

static const char *const qemu_confine_steps[] = {
        [STEP_STDIO] = N_("set up its standard input and output"),
        [STEP_FDS] = N_("keep its descriptors"),
        [STEP_BOUNDING] = N_("drop the capability bounding set"),
        [STEP_GROUPS] = N_("drop the supplementary groups"),
        [STEP_GID] = N_("switch to the group"),
        [STEP_UID] = N_("switch to the user"),
        [STEP_NO_NEW_PRIVS] = N_("set no_new_privs"),
        [STEP_EXEC] = N_("run"),
};

static G_GNUC_NORETURN void qemu_confine_child_fail(int pipe_fd, int step)
{
        qemu_confine_failure f = {.step = step, .err = errno};

        if (write(pipe_fd, &f, sizeof(f)) < 0) {
                /* nothing left to tell anybody */
        }
        _exit(127);
}

/* In the child of fork: async-signal-safe calls only. */
static G_GNUC_NORETURN void qemu_confine_child(char *const *argv, char *const *envp, int log_fd,
                                               const qemu_confine_user *user, const int *keep,
                                               guint nkeep, int pipe_fd)
{
        struct sigaction dfl = {.sa_handler = SIG_DFL};
        sigset_t none;
        int null_fd;

        sigemptyset(&none);
        for (int sig = 1; sig < NSIG; sig++)
                sigaction(sig, &dfl, NULL); /* fails harmlessly for KILL, STOP, ... */
        sigprocmask(SIG_SETMASK, &none, NULL);
        setsid();
        null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (null_fd < 0 || dup2(null_fd, STDIN_FILENO) < 0 || dup2(log_fd, STDOUT_FILENO) < 0 ||
            dup2(log_fd, STDERR_FILENO) < 0)
                qemu_confine_child_fail(pipe_fd, STEP_STDIO);
        /* everything else vctld holds goes at exec, except what QEMU is given */
        if (syscall(SYS_close_range, STDERR_FILENO + 1, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
                qemu_confine_child_fail(pipe_fd, STEP_FDS);
        for (guint i = 0; i < nkeep; i++)
                if (keep[i] > STDERR_FILENO && keep[i] != pipe_fd && fcntl(keep[i], F_SETFD, 0) < 0)
                        qemu_confine_child_fail(pipe_fd, STEP_FDS);
        fcntl(pipe_fd, F_SETFD, FD_CLOEXEC);
        for (int cap = 0; cap <= QEMU_CONFINE_MAX_CAP; cap++)
                if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
                        qemu_confine_child_fail(pipe_fd, STEP_BOUNDING);
        if (setgroups(0, NULL) < 0)
                qemu_confine_child_fail(pipe_fd, STEP_GROUPS);
        if (setresgid(user->gid, user->gid, user->gid) < 0)
                qemu_confine_child_fail(pipe_fd, STEP_GID);
        /* from root to a user: the permitted, effective and ambient sets empty */
        if (setresuid(user->uid, user->uid, user->uid) < 0)
                qemu_confine_child_fail(pipe_fd, STEP_UID);
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                qemu_confine_child_fail(pipe_fd, STEP_NO_NEW_PRIVS);
        execve(argv[0], argv, envp);
        qemu_confine_child_fail(pipe_fd, STEP_EXEC);
}

int qemu_confine_spawn(const char *name, char *const *argv, int log_fd,
                       const qemu_confine_user *user, const GArray *keep_fds, pid_t *ret_pid)
{
        static char *const envp[] = {"PATH=/usr/bin:/bin", "HOME=/", "LC_ALL=C", NULL};
        const int *keep = keep_fds ? (const int *)keep_fds->data : NULL;
        guint nkeep = keep_fds ? keep_fds->len : 0;
        qemu_confine_failure f;
        int fds[2];
        ssize_t n;
        pid_t pid;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                            _("domain '%s': cannot create a pipe"), name);
        pid = fork();
        if (pid < 0) {
                int e = errno;

                close(fds[0]);
                close(fds[1]);
                return vctl_error_set_errno(e, VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                            _("domain '%s': cannot fork to run '%s'"), name,
                                            argv[0]);
        }
        if (pid == 0) {
                close(fds[0]);
                qemu_confine_child(argv, envp, log_fd, user, keep, nkeep, fds[1]);
        }
        close(fds[1]);
        do
                n = read(fds[0], &f, sizeof(f));
        while (n < 0 && errno == EINTR);
        close(fds[0]);
        if (n == (ssize_t)sizeof(f) && f.step >= 0 &&
            f.step < (int)G_N_ELEMENTS(qemu_confine_steps)) {
                /* the child exited: the caller need not reap a failure */
                while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                        ;
                return vctl_error_set_errno(f.err, VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                                            _("domain '%s': cannot start '%s' as the user '%s' "
                                              "(%u:%u): failed to %s"),
                                            name, argv[0], QEMU_CONFINE_USER, (unsigned)user->uid,
                                            (unsigned)user->gid, _(qemu_confine_steps[f.step]));
        }
        *ret_pid = pid;
        return 0;
}
