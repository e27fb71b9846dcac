# shellcheck shell=bash disable=SC2034 # sets variables the sourcing script reads
# bench/lib-bench.sh: what bench/run-bench and bench/run-guest-bench share.
# Sourced (bash), after setting PROG (the name in messages), srcdir and build.
#
#   bench_setup                 temporary directory $TMP, the EXIT/INT/TERM traps
#   start_vctld ROOT            vctld --system --root ROOT; sets vctld_pid,
#                               VCTL_SOCK, VCTL_URI; 1 (log shown) if it fails
#   libvirt_skip_reason         prints why libvirtd cannot be compared, or nothing
#   start_libvirtd              creates the temporary user, starts libvirtd as it
#                               in session mode (behind ${LIBVIRTD_WRAP[@]}, if
#                               set); sets bench_user, libvirtd_pid,
#                               LV, LV_SOCK, LV_URI, AS_USER; returns 1 with
#                               $skip set if it cannot
#   bench_run BACKEND LIMIT CMD...  runs CMD under timeout LIMIT in the
#                               background (so ^C is handled at once); output
#                               in $TMP/bench.out, each line echoed as
#                               "[BACKEND] line"; 1 (stderr shown) on failure
#   stop_pid PID NAME           TERM, 5 s, KILL
#   wait_socket PATH PID NAME SECONDS
#   rss_kb PID
# A script may define bench_cleanup_hook, run by the EXIT trap after the
# daemons are stopped and before the temporary user is removed.
# Only processes this script started (or that run as its temporary user)
# are stopped, by pid.

die() { echo "$PROG: error: $*" >&2; exit 1; }
note() { echo "$PROG: $*" >&2; }

TMP=
vctld_pid=
libvirtd_pid=
bench_pid=
bench_user=

stop_pid() { # stop_pid PID NAME: TERM, a bounded wait, then KILL
        local pid=$1 name=$2
        kill -0 "$pid" 2>/dev/null || return 0
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
                note "$name (pid $pid) ignored SIGTERM for 5 s: SIGKILL"
                kill -KILL "$pid" 2>/dev/null
        fi
        wait "$pid" 2>/dev/null
        return 0
}

# shellcheck disable=SC2317 # run by the EXIT trap
bench_cleanup() {
        trap - EXIT INT TERM HUP
        # timeout(1) passes the TERM on to the benchmark it runs
        [ -n "$bench_pid" ] && stop_pid "$bench_pid" "the benchmark"
        [ -n "$vctld_pid" ] && stop_pid "$vctld_pid" vctld
        [ -n "$libvirtd_pid" ] && stop_pid "$libvirtd_pid" libvirtd
        declare -F bench_cleanup_hook >/dev/null && bench_cleanup_hook
        if [ -n "$bench_user" ]; then
                # processes still running as the temporary user are ours (it
                # exists only for this run); userdel refuses while any lives
                local pids=()
                mapfile -t pids < <(pgrep -u "$bench_user" 2>/dev/null)
                [ ${#pids[@]} -gt 0 ] && kill -KILL "${pids[@]}" 2>/dev/null && sleep 0.2
                userdel "$bench_user" >/dev/null 2>&1 || note "could not remove the temporary user '$bench_user' (userdel $bench_user)"
                getent group "$bench_user" >/dev/null 2>&1 && groupdel "$bench_user" >/dev/null 2>&1
        fi
        [ -n "$TMP" ] && rm -rf "$TMP"
}

bench_setup() {
        TMP=$(mktemp -d "${TMPDIR:-/tmp}/vctl-bench.XXXXXX") || die "cannot create a temporary directory"
        chmod 755 "$TMP" # the temporary user must reach its directory below
        trap bench_cleanup EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM HUP
}

# wait_socket PATH PID NAME SECONDS: until PATH is a socket, PID dies, or time is up
wait_socket() {
        local sock=$1 pid=$2 name=$3 secs=$4
        for _ in $(seq $((secs * 10))); do
                [ -S "$sock" ] && return 0
                kill -0 "$pid" 2>/dev/null || { note "$name exited before creating $sock"; return 1; }
                sleep 0.1
        done
        note "$name did not create $sock within $secs s"
        return 1
}

rss_kb() { # VmRSS of PID in KiB
        awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null
}

start_vctld() { # start_vctld ROOT
        mkdir -p "$1"
        "$VCTLD" --system --root "$1" >"$TMP/vctld.log" 2>&1 &
        vctld_pid=$!
        VCTL_SOCK="$1/run/vctl/vctld-sock"
        VCTL_URI="qemu+unix:///system?socket=$VCTL_SOCK"
        if ! wait_socket "$VCTL_SOCK" "$vctld_pid" vctld 10; then
                sed 's/^/vctld.log: /' "$TMP/vctld.log" >&2
                return 1
        fi
        return 0
}

# bench_run BACKEND LIMIT CMD...
bench_run() {
        local backend=$1 limit=$2 rc
        shift 2
        # in the background, so that ^C or SIGTERM is handled at once (bash
        # runs traps while in 'wait', not while a foreground child runs)
        timeout "$limit" "$@" >"$TMP/bench.out" 2>"$TMP/bench.err" </dev/null &
        bench_pid=$!
        wait "$bench_pid"
        rc=$?
        bench_pid=
        if [ $rc -ne 0 ] || [ ! -s "$TMP/bench.out" ]; then
                [ $rc -eq 124 ] && note "$backend: did not finish within $limit s"
                sed "s/^/$PROG: $backend: /" "$TMP/bench.err" >&2
                return 1
        fi
        sed "s/^/[$backend] /" "$TMP/bench.out"
        return 0
}

LIBVIRTD_WRAP=()
LIBVIRTD=$(command -v libvirtd 2>/dev/null || { [ -x /usr/sbin/libvirtd ] && echo /usr/sbin/libvirtd; })

libvirt_skip_reason() { # needs LIBVIRT_BENCH
        if [ -z "$LIBVIRTD" ]; then
                echo "libvirtd is not installed (Debian: apt-get install libvirt-daemon-system)"
        elif [ ! -x "$LIBVIRT_BENCH" ]; then
                echo "$LIBVIRT_BENCH is not built (install libvirt-dev and re-run configure)"
        elif [ "$(id -u)" != 0 ]; then
                echo "not root: libvirtd runs as a temporary user, and only root can create one"
        elif ! command -v useradd >/dev/null || ! command -v userdel >/dev/null; then
                echo "useradd/userdel are missing (Debian: passwd)"
        elif ! command -v setpriv >/dev/null; then
                echo "setpriv is missing (Debian: util-linux)"
        fi
}

# start_libvirtd: as a temporary system user, in session mode, with HOME and
# every XDG directory under $TMP/libvirt, so nothing of the host's libvirt is
# read or touched. Copies $LIBVIRT_BENCH to $TMP/libvirt-bench (readable by
# the user). On failure: returns 1 with $skip set (the log shown).
start_libvirtd() {
        bench_user="vctlbench$$"
        LV="$TMP/libvirt"
        if ! useradd --system --no-create-home --user-group --home-dir "$LV/home" \
                --shell /usr/sbin/nologin --comment "vctl $PROG (temporary)" "$bench_user" >/dev/null 2>&1; then
                bench_user=
                skip="useradd failed"
                return 1
        fi
        local uid gid
        uid=$(id -u "$bench_user") gid=$(id -g "$bench_user")
        mkdir -p "$LV/home" "$LV/run" "$LV/config/libvirt" "$LV/data" "$LV/cache"
        # its own configuration, so no file of the host's is read
        cat >"$LV/config/libvirt/libvirtd.conf" <<'EOF'
# run-bench: libvirtd's defaults, spelled out
max_clients = 5000
max_workers = 20
max_client_requests = 5
EOF
        chown -R "$uid:$gid" "$LV"
        chmod 700 "$LV" "$LV/run"
        install -m 755 "$LIBVIRT_BENCH" "$TMP/libvirt-bench"
        AS_USER=(setpriv --reuid="$uid" --regid="$gid" --clear-groups --
                env -i HOME="$LV/home" USER="$bench_user" LOGNAME="$bench_user"
                PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8
                XDG_RUNTIME_DIR="$LV/run" XDG_CONFIG_HOME="$LV/config"
                XDG_DATA_HOME="$LV/data" XDG_CACHE_HOME="$LV/cache")
        # setpriv and env exec: $! is libvirtd itself (or the wrapper, which
        # passes TERM on)
        "${LIBVIRTD_WRAP[@]}" "${AS_USER[@]}" "$LIBVIRTD" >"$TMP/libvirtd.log" 2>&1 </dev/null &
        libvirtd_pid=$!
        LV_SOCK="$LV/run/libvirt/libvirt-sock"
        LV_URI="qemu+unix:///session?socket=$LV_SOCK"
        if ! wait_socket "$LV_SOCK" "$libvirtd_pid" libvirtd 30; then
                skip="libvirtd did not start (above)"
                sed 's/^/libvirtd.log: /' "$TMP/libvirtd.log" | tail -n 20 >&2
                return 1
        fi
        return 0
}

libvirtd_version() {
        "$LIBVIRTD" --version 2>/dev/null | sed 's/.* //'
}
