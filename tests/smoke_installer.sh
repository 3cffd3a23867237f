#!/usr/bin/env bash
# Tests the release archive and its install.sh in a scratch root, as the guide tells commune IT to
# use them (run by .ci/run after the build):
#   bash tests/smoke_installer.sh dist/ecole-ent
# Install: files in place, configuration valid (ecole-ent check); re-run: an upgrade that keeps the
# configuration and the data; --uninstall keeps the data; --purge removes everything.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(mktemp -d "${TMPDIR:-/tmp}/ecole-install.XXXXXX")
unpacked=$(mktemp -d "${TMPDIR:-/tmp}/ecole-release.XXXXXX")
trap 'rm -rf "$root" "$unpacked"' EXIT
tarball=$(bash installer/release.sh "${1:-dist/ecole-ent}")
tar -C "$unpacked" -xzf "$tarball"
release=$(echo "$unpacked"/ecole-ent-*)
passed=0
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; passed=$((passed + 1)); }
install_sh() { "$release/install.sh" --prefix "$root" --no-systemd "$@" >"$root.log" 2>&1 \
  || { cat "$root.log" >&2; fail "install.sh $* failed"; }; cat "$root.log"; rm -f "$root.log"; }
wrapper=$root/usr/local/bin/ecole-ent

out=$(install_sh)
for f in opt/ecole-ent/ecole-ent usr/local/bin/ecole-ent; do [ -x "$root/$f" ] || fail "$f missing"; done
for f in etc/ecole-ent/ecole-ent.ini etc/ecole-ent/ecole-ent.ini.example etc/systemd/system/ecole-ent.service \
         var/lib/ecole-ent/ecole.db; do [ -f "$root/$f" ] || fail "$f missing"; done
grep -q "ExecStart=$root/opt/ecole-ent/ecole-ent --data $root/var/lib/ecole-ent" "$root/etc/systemd/system/ecole-ent.service" \
  || fail "the unit does not start the installed binary on the installed data"
ok "fresh install: binary, wrapper, configuration, unit and database in place"
if command -v systemd-analyze >/dev/null; then
  complaints=$(systemd-analyze verify "$root/etc/systemd/system/ecole-ent.service" 2>&1) \
    && [ -z "$complaints" ] || fail "systemd-analyze verify: $complaints"
  ok "systemd accepts every setting of the unit"
fi
"$wrapper" check || fail "ecole-ent check refuses the installed configuration"
ok "ecole-ent check accepts the installed configuration"

"$wrapper" demo >/dev/null || fail "seeding the demo school"
users_before=$("$wrapper" users list --format json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
echo "# kept by the upgrade" >>"$root/etc/ecole-ent/ecole-ent.ini"
out=$(install_sh)
grep -q "Mise à jour" <<<"$out" || fail "re-running install.sh did not report an upgrade: $out"
grep -q "kept by the upgrade" "$root/etc/ecole-ent/ecole-ent.ini" || fail "the upgrade overwrote the configuration"
[ -x "$root/opt/ecole-ent/ecole-ent.previous" ] || fail "the upgrade kept no previous binary"
users_after=$("$wrapper" users list --format json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[ "$users_before" = "$users_after" ] && [ "$users_after" -gt 0 ] || fail "users before/after upgrade: $users_before/$users_after"
"$wrapper" check || fail "ecole-ent check after the upgrade"
ok "re-run is an upgrade: configuration kept, $users_after users kept, previous binary kept"

install_sh --uninstall >/dev/null
[ ! -e "$root/opt/ecole-ent" ] && [ ! -e "$wrapper" ] && [ ! -e "$root/etc/systemd/system/ecole-ent.service" ] \
  || fail "--uninstall left the program behind"
[ -f "$root/var/lib/ecole-ent/ecole.db" ] && [ -f "$root/etc/ecole-ent/ecole-ent.ini" ] || fail "--uninstall removed the data"
ok "--uninstall removes the program and keeps the data and configuration"

install_sh >/dev/null
users_again=$("$wrapper" users list --format json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
[ "$users_again" = "$users_after" ] || fail "reinstalling over kept data: $users_again users, expected $users_after"
ok "reinstalling after --uninstall finds the kept data"

install_sh --purge >/dev/null
[ -z "$(find "$root" -mindepth 1 -not -type d)" ] || fail "--purge left files: $(find "$root" -mindepth 1 -not -type d)"
ok "--purge removes everything"
echo "installer: $passed passed, 0 failed"
