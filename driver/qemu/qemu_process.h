/* One QEMU process as the host sees it: spawning it detached from vctld,
 * knowing it again after a restart (pid + start time), watching it exit
 * through a pidfd, killing it, and its log file. Nothing here knows about
 * domains' states; qemu_lifecycle.c does. */
#pragma once

#include <glib.h>
#include <sys/types.h>

/* How long destroy waits after SIGTERM before SIGKILL, and after SIGKILL. */
#define QEMU_PROCESS_TERM_MS 3000
#define QEMU_PROCESS_KILL_MS 5000
/* Lines of the log shown when QEMU fails or dies. */
#define QEMU_PROCESS_LOG_LINES 5

/* Spawns argv[0] with argv: a clean environment (PATH=/usr/bin:/bin, HOME=/,
 * LC_ALL=C), stdin from /dev/null, stdout and stderr to log_fd, no other
 * descriptor, default signal dispositions and an empty signal mask, in a new
 * session (so it outlives vctld and its process group). name is the domain's,
 * for messages. 0 or -errno (last error set). */
int qemu_process_spawn(const char *name, char *const *argv, int log_fd, pid_t *ret_pid);
/* The same, handing QEMU fds (of int, each > 2 + fds->len) as 3, 4, ...
 * in order: the numbers the command line names (tap devices). */
int qemu_process_spawn_fds(const char *name, char *const *argv, int log_fd, const GArray *fds,
                           pid_t *ret_pid);

/* The start time of pid (field 22 of /proc/PID/stat, in clock ticks since
 * boot): with the pid, a process's identity across pid reuse. 0 or -errno
 * (-ESRCH: no such process); no error is set. */
int qemu_process_start_time(pid_t pid, guint64 *ret_start);

/* A pidfd (close-on-exec) for pid, but only when pid is still the process
 * started at start_time: -ESRCH when it is gone or another process. */
int qemu_process_open(pid_t pid, guint64 start_time, int *ret_pidfd);

/* Waits up to timeout_ms for the process of pidfd to exit; TRUE when it has. */
gboolean qemu_process_wait_exit(int pidfd, int timeout_ms);

/* SIGTERM, up to term_ms, then (unless graceful) SIGKILL and up to
 * QEMU_PROCESS_KILL_MS. 0 when it exited, -1 with the last error set. */
int qemu_process_kill(const char *name, int pidfd, int term_ms, gboolean graceful);

/* Collects pid's exit status when it is our child (no-op otherwise). */
void qemu_process_reap(pid_t pid);

/* Opens (creating, mode 0600) the log at path for appending and writes a
 * header: a timestamp line and the command line. *ret_offset is where this
 * start's lines begin. Returns the fd (O_CLOEXEC) or -errno (last error set). */
int qemu_process_log_open(const char *path, char *const *argv, goffset *ret_offset);

/* The last nlines non-empty lines of path written at or after offset, joined
 * by "; " (for one-line messages), or NULL when there are none. */
char *qemu_process_log_tail(const char *path, goffset offset, int nlines);

/* argv as one shell-quoted line. */
char *qemu_process_argv_string(char *const *argv);

/* Removes dir and what QEMU left in it (sockets; no subdirectories). */
void qemu_process_remove_dir(const char *dir);
