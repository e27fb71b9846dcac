# A private polkit for tests and benchmarks (source it after tests/lib.sh, as
# root): a system dbus-daemon of our own and Debian's polkitd, which sees
# only our policy and our rules. polkitd runs in a mount namespace where
# test-owned directories are bound over /usr/share/polkit-1/actions,
# /usr/share/polkit-1/rules.d and /etc/polkit-1/rules.d, so the host's polkit
# configuration is neither used nor touched. Also real users, created and
# deleted under a lock other tests share.
#
#   pk_missing                  prints what is missing, if anything
#   pk_start RULES_FILE         starts both; exports DBUS_SYSTEM_BUS_ADDRESS
#   pk_stop_polkitd             stops polkitd only (the bus stays)
#   pk_start_polkitd            starts it again
#   pk_stop                     stops both
#   pk_add_user NAME [GROUP]    a user with a home of its own under TEST_TMP
#   pk_cleanup                  stops what we started, deletes our users

POLKITD=${POLKITD:-/usr/lib/polkit-1/polkitd}
PK_DIR="$TEST_TMP/polkit"
PK_LOCK=/run/lock/vctlt-accounts.lock
pk_dbus_pid=
pk_polkitd_pid=
pk_users=()

pk_missing() {
        local c
        for c in dbus-daemon dbus-send unshare runuser useradd userdel flock systemd-sysusers; do
                command -v "$c" >/dev/null || { echo "$c is not installed"; return; }
        done
        [ -x "$POLKITD" ] || echo "$POLKITD is not installed (Debian: polkitd)"
}

# pk_wait SECONDS COMMAND...: polls every 0.1 s
pk_wait() {
        local i n=$(($1 * 10))
        shift
        for ((i = 0; i < n; i++)); do
                "$@" && return 0
                sleep 0.1
        done
        "$@"
}

pk_polkit_answers() {
        dbus-send --system --print-reply --reply-timeout=5000 --dest=org.freedesktop.PolicyKit1 \
                /org/freedesktop/PolicyKit1/Authority org.freedesktop.DBus.Properties.Get \
                string:org.freedesktop.PolicyKit1.Authority string:BackendName >/dev/null 2>&1
}

pk_start() {
        local rules=$1
        mkdir -p "$PK_DIR/bus" "$PK_DIR/actions" "$PK_DIR/rules" "$PK_DIR/empty"
        cp "$top_srcdir/daemon/org.vctl.policy" "$PK_DIR/actions/"
        cp "$rules" "$PK_DIR/rules/50-vctl-test.rules"
        cat >"$PK_DIR/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$PK_DIR/bus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
        # polkitd drops to its own user: it must read what we give it
        chmod -R a+rX "$PK_DIR"
        chmod a+x "$TEST_TMP"
        export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$PK_DIR/bus/system_bus_socket"
        dbus-daemon --config-file="$PK_DIR/bus.conf" --nofork >"$PK_DIR/dbus.log" 2>&1 &
        pk_dbus_pid=$!
        pk_wait 10 test -S "$PK_DIR/bus/system_bus_socket" || return 1
        pk_start_polkitd
}

# (again, after pk_stop_polkitd)
pk_start_polkitd() {
        # unshare execs sh, which execs polkitd: $! is polkitd's pid
        unshare -m --propagation private sh -c '
                mount --bind "$1/actions" /usr/share/polkit-1/actions &&
                mount --bind "$1/empty" /usr/share/polkit-1/rules.d &&
                mount --bind "$1/rules" /etc/polkit-1/rules.d &&
                exec "$2" --no-debug' sh "$PK_DIR" "$POLKITD" >>"$PK_DIR/polkitd.log" 2>&1 &
        pk_polkitd_pid=$!
        pk_wait 20 pk_polkit_answers
}

pk_stop_polkitd() {
        [ -n "$pk_polkitd_pid" ] && kill "$pk_polkitd_pid" 2>/dev/null && wait "$pk_polkitd_pid" 2>/dev/null
        pk_polkitd_pid=
}

# vctl's group comes from its sysusers snippet, as on an installed host; it
# stays (other tests and the host use it)
pk_ensure_group() {
        mkdir -p "$(dirname "$PK_LOCK")"
        flock -w 60 "$PK_LOCK" systemd-sysusers "$top_srcdir/systemd/vctl.sysusers.conf"
}

pk_add_user() {
        local name=$1 group=${2:-} home="$TEST_TMP/home-$1"
        mkdir -p "$home"
        flock -w 60 "$PK_LOCK" useradd -M -d "$home" -s /bin/sh ${group:+-G "$group"} "$name" ||
                return 1
        pk_users+=("$name")
        chown "$name:" "$home"
}

# pk_as USER COMMAND...: COMMAND as USER, with its own home and no bus
pk_as() {
        local user=$1
        shift
        runuser -u "$user" -- env -i PATH="$PATH" HOME="$TEST_TMP/home-$user" \
                XDG_CONFIG_HOME="$TEST_TMP/home-$user/.config" \
                XDG_CACHE_HOME="$TEST_TMP/home-$user/.cache" LC_ALL=C.UTF-8 \
                ${top_builddir:+top_builddir="$top_builddir"} "$@"
}

# both polkitd and the bus (pk_start starts them again)
pk_stop() {
        pk_stop_polkitd
        [ -n "$pk_dbus_pid" ] && kill "$pk_dbus_pid" 2>/dev/null && wait "$pk_dbus_pid" 2>/dev/null
        pk_dbus_pid=
}

pk_cleanup() {
        local u
        pk_stop
        for u in "${pk_users[@]}"; do
                flock -w 60 "$PK_LOCK" userdel "$u" 2>/dev/null
        done
        pk_users=()
}
