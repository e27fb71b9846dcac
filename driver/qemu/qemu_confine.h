/* Confined QEMU for system-mode guests: QEMU runs as the user and group
 * vctl-qemu (systemd/vctl.sysusers.conf), with no supplementary groups, no
 * capabilities (empty bounding set, no_new_privs) and QEMU's seccomp sandbox;
 * the files it opens by path are made accessible to vctl-qemu while the
 * guest runs (chown, the original owner and mode kept in the status file)
 * and given back when it stops, even by a later vctld. */
#pragma once

#include "conf/domain_conf.h"
#include "driver/qemu/qemu_status.h"

#include <sys/types.h>

#define QEMU_CONFINE_USER "vctl-qemu"

typedef struct qemu_confine_user {
        uid_t uid;
        gid_t gid;
} qemu_confine_user;

/* The vctl-qemu account; -1 with an error naming the domain and the fix
 * when it does not exist. */
int qemu_confine_user_lookup(const char *name, qemu_confine_user *ret_user);

/* Plans what def's QEMU needs that vctl-qemu cannot use as it is (disk
 * images and their backing files, kernel, initrd, loader, nvram, /dev/kvm):
 * owners (of qemu_owner) gets one entry per file to hand over. Nothing is
 * changed yet. -1 with an error naming the domain, the file and why when a
 * file cannot be reached at all (a directory on the way denies search). */
int qemu_confine_plan(const char *name, const domain_def *def, gboolean kvm,
                      const qemu_confine_user *user, GPtrArray *owners);

/* Hands the planned files over (chown, and u+rw / u+r where the mode
 * lacks it); -1 with an error (what was done is kept in owners, to give
 * back). */
int qemu_confine_grant(const char *name, GPtrArray *owners);

/* Gives every file back its owner and mode, where it is still ours; never
 * fails (problems are logged). */
void qemu_confine_restore(const char *name, GPtrArray *owners);

/* Makes dir (created by vctld) the user's, mode 0700: QEMU creates its
 * monitor and channel sockets there. */
int qemu_confine_own_dir(const char *name, const char *dir, const qemu_confine_user *user);

/* qemu_process_spawn (same environment, stdio, session, signals) for a
 * confined QEMU: fork, then in the child drop the capability bounding set,
 * setgroups(0), setgid, setuid, PR_SET_NO_NEW_PRIVS, exec. keep_fds (of
 * int, may be NULL) stay open at their numbers. A failure of any step
 * (also exec) is reported as an error naming it. 0 or -1. */
int qemu_confine_spawn(const char *name, char *const *argv, int log_fd,
                       const qemu_confine_user *user, const GArray *keep_fds, pid_t *ret_pid);
