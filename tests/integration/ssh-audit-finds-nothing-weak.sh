#!/usr/bin/env bash
# Debian's ssh-audit against the daemon as shipped: no [fail] at all (no NIST curves, no
# encrypt-and-MAC), a neutral banner that names neither the SSH library nor its version,
# compression off, strict key exchange kept. Then the settings for old clients and slow
# links: compression on, a narrower algorithm list that the real client still connects
# with, and an unknown algorithm refused at start with the setting named.
. "$(dirname "$0")/lib.sh"

if ! command -v ssh-audit >/dev/null 2>&1; then
	apt-get install -y ssh-audit >/dev/null 2>&1 || pd_fail "no ssh-audit and cannot install it"
fi

pd_config_shipped
pd_user alice agent
pd_start

# 1. As shipped.
ssh-audit -n -p "$PD_SSH_PORT" 127.0.0.1 >"$PD_TMP/audit.txt" 2>&1 || true
grep -q '(gen) banner: SSH-2.0-propdesk$' "$PD_TMP/audit.txt" || {
	cat "$PD_TMP/audit.txt" >&2
	pd_fail "the banner is not the neutral SSH-2.0-propdesk"
}
if grep -qE 'libssh_|software: libssh|\[fail\]' "$PD_TMP/audit.txt"; then
	cat "$PD_TMP/audit.txt" >&2
	pd_fail "ssh-audit reports a failure or names the library"
fi
grep -q '(gen) compression: disabled' "$PD_TMP/audit.txt" || pd_fail "compression is offered"
grep -q 'kex-strict-s-v00@openssh.com' "$PD_TMP/audit.txt" || pd_fail "strict key exchange lost"
for algo in curve25519-sha256 diffie-hellman-group16-sha512 diffie-hellman-group18-sha512 \
	hmac-sha2-256-etm@openssh.com chacha20-poly1305@openssh.com; do
	grep -q "$algo" "$PD_TMP/audit.txt" || pd_fail "$algo is not offered"
done
for algo in ecdh-sha2-nistp256 diffie-hellman-group14-sha256 'hmac-sha2-256 ' \
	diffie-hellman-group-exchange; do
	if grep -q -- "$algo" "$PD_TMP/audit.txt"; then
		pd_fail "$algo is offered"
	fi
done
out=$(pd_ssh alice -- whoami)
case $out in *alice*) ;; *) pd_fail "whoami over the default algorithms: $out" ;; esac
# A client that insists on compression still gets in, uncompressed.
out=$(pd_ssh alice -C -- whoami)
case $out in *alice*) ;; *) pd_fail "whoami with -C: $out" ;; esac
pd_stop

# 2. A site's own lists and compression for a slow link.
pd_config_shipped
cat >>"$PD_CONF" <<CONF
[ssh]
kex_algorithms = curve25519-sha256
ciphers = aes256-gcm@openssh.com
macs = hmac-sha2-512-etm@openssh.com
compression = true
CONF
pd_start
ssh-audit -n -p "$PD_SSH_PORT" 127.0.0.1 >"$PD_TMP/audit2.txt" 2>&1 || true
grep -q '(gen) compression: enabled (zlib@openssh.com)' "$PD_TMP/audit2.txt" ||
	pd_fail "compression = true does not offer zlib@openssh.com"
if grep -qE 'diffie-hellman-group16|chacha20' "$PD_TMP/audit2.txt"; then
	pd_fail "the site's algorithm lists were not applied"
fi
out=$(pd_ssh alice -C -- whoami)
case $out in *alice*) ;; *) pd_fail "whoami with compression: $out" ;; esac
pd_stop

# 3. A list of names the SSH library does not know (it leaves out the unknown ones of a list):
# the daemon does not start, and says which setting.
pd_config_shipped
printf '[ssh]\nkex_algorithms = no-such-kex@example.org\n' >>"$PD_CONF"
if "$PROPDESKD" serve --config "$PD_CONF" >"$PD_TMP/bad.log" 2>&1; then
	pd_fail "the daemon started with an unknown key exchange"
fi
grep -q 'kex_algorithms' "$PD_TMP/bad.log" || {
	cat "$PD_TMP/bad.log" >&2
	pd_fail "the error does not name kex_algorithms"
}
# A malformed list is caught by the config check itself.
pd_config_shipped
printf '[ssh]\nmacs = hmac-sha2-256-etm@openssh.com,,\n' >>"$PD_CONF"
if "$PROPDESKD" check-config --config "$PD_CONF" >"$PD_TMP/check.log" 2>&1; then
	pd_fail "check-config accepted an empty algorithm name"
fi
grep -q 'macs must be a comma-separated list' "$PD_TMP/check.log" || {
	cat "$PD_TMP/check.log" >&2
	pd_fail "check-config does not explain the bad list"
}
pd_log "ok"
