#!/bin/bash
# vctld over TLS (qemu+tls://127.0.0.1:PORT/system): certificates made here
# with certtool, a system-mode vctld under --root listening on a free port of
# 127.0.0.1, vctl and Debian's virsh as clients, gnutls-cli as a client that
# skips the client-side checks so the server's own refusals show; each
# refusal is checked on both ends.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

VCTLD="$top_builddir/daemon/vctld"
for t in certtool gnutls-cli virsh python3 timeout; do
        command -v $t >/dev/null || tap_skip_all "$t is not installed (Debian packages gnutls-bin, libvirt-clients, python3, coreutils)"
done

ROOT="$TEST_TMP/root"
SOCK="$ROOT/run/vctl/vctld-sock"
PKI="$TEST_TMP/pki"
LOG="$TEST_TMP/vctld.log"
export HOME="$TEST_TMP/home" XDG_CONFIG_HOME="$TEST_TMP/home/.config" XDG_CACHE_HOME="$TEST_TMP/home/.cache"
mkdir -p "$HOME" "$PKI"
unset LIBVIRT_DEFAULT_URI VIRSH_DEFAULT_CONNECT_URI VCTL_DEFAULT_URI

PIDS=""
cleanup() {
        local p
        for p in $PIDS; do
                kill -KILL "$p" 2>/dev/null
        done
        rm -rf "$TEST_TMP"
}
trap cleanup EXIT

wait_for() {
        local tries=$(($1 * 10))
        shift
        while [ "$tries" -gt 0 ]; do
                "$@" && return 0
                sleep 0.1
                tries=$((tries - 1))
        done
        return 1
}

# ---- certificates ----

key() {
        certtool --generate-privkey --key-type=rsa --bits=2048 --outfile "$1" >/dev/null 2>&1
}
# ca NAME: a self-signed CA in $PKI/NAME-ca{cert,key}.pem
ca() {
        key "$PKI/$1-cakey.pem"
        printf 'cn = vctl test %s CA\nca\ncert_signing_key\nexpiration_days = 30\n' "$1" >"$PKI/$1-ca.info"
        certtool --generate-self-signed --load-privkey "$PKI/$1-cakey.pem" \
                --template "$PKI/$1-ca.info" --outfile "$PKI/$1-cacert.pem" >/dev/null 2>&1
}
# cert CA OUT TEMPLATE-LINES: a certificate signed by CA into OUT{cert,key}.pem
cert() {
        local ca=$1 out=$2
        shift 2
        key "$out-key.pem"
        printf '%s\n' "$@" >"$out.info"
        certtool --generate-certificate --load-privkey "$out-key.pem" \
                --load-ca-certificate "$PKI/$ca-cacert.pem" --load-ca-privkey "$PKI/$ca-cakey.pem" \
                --template "$out.info" --outfile "$out-cert.pem" >/dev/null 2>&1
}
# client_dir NAME CA CERTPREFIX: a pkipath directory as libvirt expects it
client_dir() {
        mkdir -p "$PKI/$1"
        cp "$PKI/good-cacert.pem" "$PKI/$1/cacert.pem"
        if [ -n "$3" ]; then
                cp "$3-cert.pem" "$PKI/$1/clientcert.pem"
                cp "$3-key.pem" "$PKI/$1/clientkey.pem"
        fi
}

ca good
ca other
CLIENT=(tls_www_client encryption_key signing_key)
cert good "$PKI/server" 'organization = vctl test' 'cn = localhost' 'dns_name = localhost' \
        'ip_address = 127.0.0.1' tls_www_server encryption_key signing_key 'expiration_days = 30'
# a server certificate for another name (the activated vctld below)
cert good "$PKI/elsewhere" 'organization = vctl test' 'cn = other.example' \
        'dns_name = other.example' tls_www_server encryption_key signing_key 'expiration_days = 30'
cert good "$PKI/client1" 'country = GB' 'organization = vctl test' 'cn = client1' "${CLIENT[@]}" \
        'expiration_days = 30'
cert other "$PKI/foreign" 'country = GB' 'organization = vctl test' 'cn = client2' "${CLIENT[@]}" \
        'expiration_days = 30'
cert good "$PKI/expired" 'country = GB' 'organization = vctl test' 'cn = client3' "${CLIENT[@]}" \
        'activation_date = "2020-01-01 00:00:00"' 'expiration_date = "2020-02-01 00:00:00"'
cert good "$PKI/intruder" 'country = GB' 'organization = elsewhere' 'cn = intruder' "${CLIENT[@]}" \
        'expiration_days = 30'
cert good "$PKI/revoked" 'country = GB' 'organization = vctl test' 'cn = client4' "${CLIENT[@]}" \
        'expiration_days = 30'
printf 'crl_next_update = 30\ncrl_number = 1\n' >"$PKI/crl.info"
certtool --generate-crl --load-ca-privkey "$PKI/good-cakey.pem" --load-ca-certificate "$PKI/good-cacert.pem" \
        --load-certificate "$PKI/revoked-cert.pem" --template "$PKI/crl.info" --outfile "$PKI/cacrl.pem" >/dev/null 2>&1
client_dir good good "$PKI/client1"
client_dir revoked good "$PKI/revoked"
client_dir nocert good ""
client_dir foreign good "$PKI/foreign"
client_dir expired good "$PKI/expired"
client_dir intruder good "$PKI/intruder"
tap_check "certtool made the CA, server and client certificates" \
        test -s "$PKI/client1-cert.pem" -a -s "$PKI/expired-cert.pem" -a -s "$PKI/intruder-cert.pem"

# the server's files at libvirt's paths, under --root
mkdir -p "$ROOT/etc/pki/CA" "$ROOT/etc/pki/vctl/private" "$ROOT/etc/vctl"
cp "$PKI/good-cacert.pem" "$ROOT/etc/pki/CA/cacert.pem"
cp "$PKI/server-cert.pem" "$ROOT/etc/pki/vctl/servercert.pem"
cp "$PKI/server-key.pem" "$ROOT/etc/pki/vctl/private/serverkey.pem"
cp "$PKI/cacrl.pem" "$ROOT/etc/pki/CA/cacrl.pem"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$ROOT/etc/vctl/vctld.conf" <<EOF
[vctld]
listen_tls = 1
listen_addr = "127.0.0.1"
tls_port = $PORT
tls_allowed_dn_list = ["C=GB,O=vctl test,CN=client*", "CN=nobody"]
EOF

tls_up() {
        python3 -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1).close()" 2>/dev/null
}
"$VCTLD" --system --root "$ROOT" --verbose >>"$LOG" 2>&1 &
VCTLD_PID=$!
PIDS="$PIDS $VCTLD_PID"
tap_check "vctld listens for TLS on 127.0.0.1:$PORT" wait_for 20 tls_up
tap_check "the log says so" grep -q "listening for TLS on 127.0.0.1 port $PORT" "$LOG"

uri() {
        echo "qemu+tls://127.0.0.1:$PORT/system?pkipath=$PKI/$1"
}
vc() {
        timeout 60 "$VCTL" "$@"
}
vsh() {
        timeout 60 virsh "$@"
}
log_has() {
        grep -q -- "$1" "$LOG"
}

# ---- a valid client ----
tap_check "vctl over TLS: list" vc -c "$(uri good)" list --all
tap_is "vctl over TLS: the daemon's URI" "qemu:///system" "$(vc -c "$(uri good)" uri 2>&1)"
tap_check "vctl over TLS: define, then list shows it" sh -c \
        "timeout 60 '$VCTL' -c '$(uri good)' define '$top_srcdir/tests/data/domain/minimal.xml' && timeout 60 '$VCTL' -c '$(uri good)' list --all | grep -q minimal"
tap_check "the server logged the accepted client's DN" log_has "TLS client accepted"
tap_check "virsh over TLS: list --all shows the domain" sh -c \
        "timeout 60 virsh -c '$(uri good)' list --all | grep -q minimal"
tap_is "virsh over TLS: uri (virsh prints the one it was given)" "$(uri good)" "$(vsh -c "$(uri good)" uri 2>&1)"
# a reply much larger than a TLS record (16 KiB) comes through whole
unix_caps=$(timeout 60 virsh -c "qemu+unix:///system?socket=$SOCK" domcapabilities --virttype qemu 2>&1)
tls_caps=$(vsh -c "$(uri good)" domcapabilities --virttype qemu 2>&1)
tap_is "virsh over TLS: a large reply is the same as over the unix socket" "$unix_caps" "$tls_caps"
tap_check "vctl over TLS: undefine" vc -c "$(uri good)" undefine minimal
tap_is "the host name in the URI is checked too: localhost" "qemu:///system" \
        "$(vc -c "qemu+tls://localhost:$PORT/system?pkipath=$PKI/good" uri 2>&1)"

# a 4 MiB definition (kept <metadata>) both ways: many records, partial sends
python3 - "$TEST_TMP/big.xml" <<'EOF'
import sys
pad = "x" * 1000
items = "".join("<i n='%d'>%s</i>" % (i, pad) for i in range(4096))
open(sys.argv[1], "w").write(
    "<domain type='qemu'><name>big</name><memory unit='MiB'>64</memory>"
    "<metadata><b:blob xmlns:b='http://example.org/b'>%s</b:blob></metadata>"
    "<os><type arch='x86_64'>hvm</type></os></domain>" % items)
EOF
tap_check "vctl over TLS: define a 4 MiB definition" vc -c "$(uri good)" define "$TEST_TMP/big.xml"
big_unix=$(timeout 60 virsh -c "qemu+unix:///system?socket=$SOCK" dumpxml big 2>&1 | md5sum)
big_tls=$(vsh -c "$(uri good)" dumpxml big 2>&1 | md5sum)
tap_is "virsh over TLS: its dumpxml is the same as over the unix socket" "$big_unix" "$big_tls"
tap_check "its size is over 4 MB" sh -c "[ \$(timeout 60 '$VCTL' -c '$(uri good)' dumpxml big | wc -c) -gt 4000000 ]"
tap_check "vctl over TLS: undefine it" vc -c "$(uri good)" undefine big

# ---- refusals: vctl's message, virsh refused, the server's log ----
expect_fail() { # expect_fail DESC PATTERN COMMAND...
        local desc=$1 pat=$2
        shift 2
        if "$@" >"$TEST_TMP/out" 2>&1; then
                tap_not_ok "$desc (it succeeded)"
                sed 's/^/# /' "$TEST_TMP/out"
        elif grep -q -- "$pat" "$TEST_TMP/out"; then
                tap_ok "$desc"
        else
                tap_not_ok "$desc (no '$pat')"
                sed 's/^/# /' "$TEST_TMP/out"
        fi
}
# gnutls-cli with a certificate (or none), past the client-side checks; the
# server's verdict is what it logs
raw_client() { # raw_client CERTPREFIX|"" [GNUTLS-CLI ARGS...]
        local args=(--x509cafile="$PKI/good-cacert.pem" -p "$PORT" 127.0.0.1)
        [ -n "$1" ] && args+=(--x509certfile="$1-cert.pem" --x509keyfile="$1-key.pem")
        shift
        args+=("$@")
        sleep 2 | timeout 20 gnutls-cli "${args[@]}" >"$TEST_TMP/raw" 2>&1
        return 0
}

expect_fail "vctl without a client certificate names the missing file" \
        "$PKI/nocert/clientcert.pem" vc -c "$(uri nocert)" list
expect_fail "virsh without a client certificate is refused" "TLS confirmation" \
        vsh -c "$(uri nocert)" list
raw_client ""
tap_check "server: a client without a certificate is refused" \
        log_has "refused: the client sent no certificate"

expect_fail "vctl with another CA's certificate says which and why" \
        "client certificate '$PKI/foreign/clientcert.pem' (subject 'C=GB,O=vctl test,CN=client2') cannot be used: it was not issued by a trusted CA" \
        vc -c "$(uri foreign)" list
expect_fail "virsh with another CA's certificate is refused" "error" vsh -c "$(uri foreign)" list
raw_client "$PKI/foreign"
tap_check "server: another CA's client certificate is refused (unknown CA)" \
        log_has "client certificate 'C=GB,O=vctl test,CN=client2' is refused: it was not issued by a trusted CA"
cp "$TEST_TMP/raw" "$TEST_TMP/raw-foreign"

expect_fail "vctl with an expired certificate says which and why" \
        "client certificate '$PKI/expired/clientcert.pem' (subject 'C=GB,O=vctl test,CN=client3') cannot be used: it has expired (on 2020-02-01" \
        vc -c "$(uri expired)" list
expect_fail "virsh with an expired certificate is refused" "expired" vsh -c "$(uri expired)" list
tap_check "gnutls-cli got the alert: CA is unknown" grep -q "CA is unknown" "$TEST_TMP/raw-foreign"
raw_client "$PKI/expired"
tap_check "gnutls-cli got the alert: certificate expired" grep -qi "expired" "$TEST_TMP/raw"
tap_check "server: an expired client certificate is refused" \
        log_has "client certificate 'C=GB,O=vctl test,CN=client3' is refused: it has expired (on 2020-02-01"

expect_fail "vctl with a DN outside tls_allowed_dn_list is refused, saying why" \
        "refused our client certificate '$PKI/intruder/clientcert.pem' (subject 'C=GB,O=elsewhere,CN=intruder'): its DN is not in the server's tls_allowed_dn_list" \
        vc -c "$(uri intruder)" list
expect_fail "virsh with a DN outside tls_allowed_dn_list is refused" "error" \
        vsh -c "$(uri intruder)" list
tap_check "server: the DN outside tls_allowed_dn_list is logged" \
        log_has "DN 'C=GB,O=elsewhere,CN=intruder' is not in tls_allowed_dn_list"

expect_fail "vctl with a revoked certificate is refused, saying why" \
        "refused our client certificate '$PKI/revoked/clientcert.pem' (subject 'C=GB,O=vctl test,CN=client4'): it was revoked" \
        vc -c "$(uri revoked)" list
tap_check "server: the revoked certificate is logged (CRL at /etc/pki/CA/cacrl.pem)" \
        log_has "client certificate 'C=GB,O=vctl test,CN=client4' is refused: it was revoked"

# ---- plaintext on the TLS port: libvirt's AUTH_LIST call in the clear ----
plain=$(python3 - "$PORT" <<'EOF'
import socket, struct, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
s.settimeout(10)
body = struct.pack(">IIiiII", 0x20008086, 1, 66, 0, 1, 0)
s.sendall(struct.pack(">I", 4 + len(body)) + body)
data = b""
try:
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
except ConnectionResetError:
    pass
except socket.timeout:
    print("timeout")
# a TLS alert record at most, never a libvirt reply
print("closed" if not data.startswith(b"\x00\x00") else "answered")
EOF
)
tap_is "plaintext on the TLS port: the connection is closed" "closed" "$plain"
tap_check "server: plaintext on the TLS port is logged as such" log_has "plaintext on the TLS port"

# ---- a client that never finishes the handshake is dropped ----
start=$(date +%s)
silent=$(python3 - "$PORT" <<'EOF'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 10)
s.settimeout(30)
print("closed" if s.recv(1) == b"" else "data")
EOF
)
tap_is "a silent client is dropped" "closed" "$silent"
tap_check "... after the handshake time limit (10 s), logged" sh -c \
        "[ \$((\$(date +%s) - $start)) -ge 9 ] && grep -q 'TLS handshake did not finish within 10 seconds' '$LOG'"

tap_check "vctld still serves a valid client" vc -c "$(uri good)" list

# SIGHUP: TLS settings apply at the next start only, and it says so
sed -i "s/^tls_port = .*/tls_port = 1/" "$ROOT/etc/vctl/vctld.conf"
kill -HUP "$VCTLD_PID"
tap_check "SIGHUP with changed TLS settings: logged as applying at the next start" \
        wait_for 10 log_has "the TLS settings in .* changed; they apply when vctld restarts"
tap_check "... and TLS goes on where it was" vc -c "$(uri good)" list

# ---- socket activation: systemd's vctld-tls.socket, listen_tls unset ----
ACT="$TEST_TMP/act"
mkdir -p "$ACT/etc"
cp -r "$ROOT/etc/pki" "$ACT/etc/pki"
cp "$PKI/elsewhere-cert.pem" "$ACT/etc/pki/vctl/servercert.pem"
cp "$PKI/elsewhere-key.pem" "$ACT/etc/pki/vctl/private/serverkey.pem"
# no listen_tls: the socket from "systemd" is enough; clients' certificates
# are checked but not enforced here
mkdir -p "$ACT/etc/vctl"
printf '[vctld]\ntls_no_verify_certificate = 1\n' >"$ACT/etc/vctl/vctld.conf"
python3 - "$VCTLD" "$ACT" "$TEST_TMP/act-port" <<'EOF' >>"$TEST_TMP/act.log" 2>&1 &
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(sys.argv[3] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[3] + ".tmp", sys.argv[3])
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ.update(LISTEN_FDS="1", LISTEN_FDNAMES="vctld-tls.socket")
os.execvp("sh", ["sh", "-c", 'LISTEN_PID=$$; export LISTEN_PID; exec "$0" "$@"',
                 sys.argv[1], "--system", "--root", sys.argv[2], "--verbose"])
EOF
ACT_PID=$!
PIDS="$PIDS $ACT_PID"
wait_for 20 test -s "$TEST_TMP/act-port"
ACT_PORT=$(cat "$TEST_TMP/act-port" 2>/dev/null)
act_up() {
        [ -S "$ACT/run/vctl/vctld-sock" ]
}
wait_for 20 act_up
tap_is "socket activation: vctl over the passed TLS socket (no_verify=1)" "qemu:///system" \
        "$(vc -c "qemu+tls://127.0.0.1:$ACT_PORT/system?pkipath=$PKI/good&no_verify=1" uri 2>&1)"
expect_fail "a server certificate for another name is refused (hostname mismatch)" \
        "the server certificate of 127.0.0.1:$ACT_PORT (subject 'O=vctl test,CN=other.example') is not valid for the host name '127.0.0.1'" \
        vc -c "qemu+tls://127.0.0.1:$ACT_PORT/system?pkipath=$PKI/good" uri
expect_fail "virsh refuses it too" "error" \
        vsh -c "qemu+tls://127.0.0.1:$ACT_PORT/system?pkipath=$PKI/good" uri
tap_check "the activated socket is logged as such" \
        grep -q "listening for TLS on a socket from systemd (vctld-tls.socket)" "$TEST_TMP/act.log"
# tls_no_verify_certificate = 1: another CA's client gets in, with a warning
PORT_SAVED=$PORT
PORT=$ACT_PORT
raw_client "$PKI/foreign" --verify-hostname=other.example
PORT=$PORT_SAVED
tap_check "tls_no_verify_certificate: another CA's client is accepted, and the log says why" \
        grep -q "it was not issued by a trusted CA (unknown CA); accepted anyway (tls_no_verify_certificate)" "$TEST_TMP/act.log"
tap_check "... and it got the confirmation, no alert" sh -c "! grep -q 'alert' '$TEST_TMP/raw'"
kill -TERM "$ACT_PID" 2>/dev/null

# ---- the configuration refuses what it cannot use ----
mkdir -p "$TEST_TMP/root2/etc/vctl"
printf '[vctld]\nlisten_tls = 1\nlisten_addr = "127.0.0.1"\ntls_port = %s\n' "$PORT" >"$TEST_TMP/root2/etc/vctl/vctld.conf"
expect_fail "vctld without its certificates refuses to start, naming the file" \
        "cannot read the CA certificate '$TEST_TMP/root2/etc/pki/CA/cacert.pem'" \
        timeout 20 "$VCTLD" --system --root "$TEST_TMP/root2"

kill -TERM "$VCTLD_PID"
wait_for 10 sh -c "! kill -0 $VCTLD_PID 2>/dev/null"
tap_done
