#!/usr/bin/env bash
# Smoke test of the built one-file binary (run by .ci/run after the build):
#   bash tests/smoke_binary.sh dist/ecole-ent
# Serves the demo school from a temporary data folder on a free loopback port, then checks the login
# page, a static file, /healthz and a sign-in as the demo teacher (CSRF token, cookie jar), the
# bundled languages (compiled catalogs, Babel's locale data: the login page in Arabic, right to left,
# a date Babel writes in English on the public blog, no Babel error in the logs); stops the server
# by PID. Needs curl.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/services.sh
bin=$(realpath "${1:-dist/ecole-ent}")
teacher=${SMOKE_TEACHER:-julien.roux}   # a demo teacher (README); password "demo"
login_path=/connexion

work=$(mktemp -d "${TMPDIR:-/tmp}/ecole-smoke.XXXXXX")
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [ -f "$work/serve.log" ] && tail -40 "$work/serve.log" >&2; exit 1; }
passed=0
ok() { echo "ok - $*"; passed=$((passed + 1)); }

versions=$("$bin" --version) || fail "--version failed"
grep -Eq '^ecole-ent [0-9]+\.[0-9]+' <<<"$versions" || fail "--version prints no version"
for library in waitress bottle peewee Pillow vacances-scolaires-france; do   # bundled dist-info (installer/ecole-ent.spec)
  grep -Eq "^$library [0-9]+\.[0-9]+" <<<"$versions" || fail "--version gives no version of $library: $versions"
done
ok "version: $(tr '\n' ' ' <<<"$versions")"

port=$(free_port)
base="http://127.0.0.1:$port"
"$bin" --data "$work/data" serve --host 127.0.0.1 --port "$port" --demo >"$work/serve.log" 2>&1 &
pid=$!
wait_http "$base/healthz" 120 "$pid" || fail "the server did not answer /healthz"
ok "serving the demo school on $base"

jar="$work/cookies"
page=$(curl -sf -c "$jar" -b "$jar" "$base$login_path") || fail "GET $login_path"
grep -q 'name="csrf_token"' <<<"$page" || fail "no CSRF token on the login page"
ok "login page"

# The languages in the binary (installer/ecole-ent.spec): the .mo catalogs, Babel and its locale data.
# No cookie jar: the browser's Accept-Language alone picks the language.
arabic=$(curl -sf -H 'Accept-Language: ar' "$base$login_path") || fail "GET $login_path in Arabic"
grep -qF '<html lang="ar" dir="rtl">' <<<"$arabic" || fail "the login page asked in Arabic is not <html lang=\"ar\" dir=\"rtl\">"
grep -qF 'تسجيل الدخول' <<<"$arabic" || fail "the Arabic login page does not show « Se connecter » in Arabic (the ar catalog)"
ok "login page in Arabic, right to left"
uai=${SMOKE_UAI:-0061234A}   # the demo school's public blog (ecole_ent/demo.py), reachable without sign-in
english=$(curl -sf -H 'Accept-Language: en' "$base/public/$uai/") || fail "GET /public/$uai/ in English"
days='(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)'
months='(January|February|March|April|May|June|July|August|September|October|November|December)'
date=$(grep -Eo "$days, $months [0-9]{1,2}, [0-9]{4}" <<<"$english" | head -1)
[ -n "$date" ] || fail "the public blog in English shows no date written by Babel (its locale data)"
ok "public blog in English, a date by Babel: $date"

asset=$(grep -o '/static/[^"?#]*' <<<"$page" | head -1)
[ -n "$asset" ] || fail "the login page links no static file"
curl -sf -o "$work/asset" "$base$asset" || fail "GET $asset"
[ -s "$work/asset" ] || fail "$asset is empty"
ok "static file $asset ($(stat -c %s "$work/asset") bytes)"

health=$(curl -sf "$base/healthz") || fail "GET /healthz"
python3 -c 'import json, sys; sys.exit(0 if json.loads(sys.argv[1]).get("database") == "ok" else 1)' \
  "$health" || fail "/healthz does not report a working database: $health"
python3 -c 'import json, sys; sys.exit(0 if json.loads(sys.argv[1])["school_calendar"]["known_until"].get("B") else 1)' \
  "$health" || fail "/healthz gives no school holidays of zone B (the bundled data): $health"
ok "/healthz: $health"

token=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//; s/"$//')
code=$(curl -s -o "$work/login.html" -w '%{http_code}' -c "$jar" -b "$jar" \
  --data-urlencode "login=$teacher" --data-urlencode "password=demo" --data-urlencode "csrf_token=$token" \
  "$base$login_path")
[ "$code" = 303 ] || [ "$code" = 302 ] || fail "sign-in as $teacher answered $code, not a redirect"
home=$(curl -sf -L -c "$jar" -b "$jar" "$base/") || fail "GET / after sign-in"
grep -qi 'déconnexion\|logout' <<<"$home" || fail "the home page after sign-in shows no sign-out"
# the teacher's home asks the school calendar for the next school day (public holidays included)
grep -q 'Les devoirs du prochain jour de classe' <<<"$home" || fail "the teacher's home shows no homework"
# the demo's notes of the cahier de liaison still want signatures: the « À faire » band says so
grep -q 'signatures\? manquantes\?' <<<"$home" || fail "the teacher's home shows no missing signatures"
ok "signed in as the demo teacher $teacher"

! grep -rqi 'babel' "$work/serve.log" "$work/data/logs" 2>/dev/null \
  || fail "Babel in the server's logs: $(grep -rhi 'babel' "$work/serve.log" "$work/data/logs" | head -5)"
ok "no Babel error in the server's logs"

kill "$pid"; rc=0; wait "$pid" || rc=$?; pid=
[ $rc -eq 0 ] || [ $rc -eq 143 ] || fail "the server exited with $rc on SIGTERM"
ok "stopped by PID (exit $rc)"

archive=$("$bin" --data "$work/data" backup 2>"$work/backup.log") || { cat "$work/backup.log" >&2; fail "backup"; }
"$bin" --data "$work/restored" restore "$archive" --yes 2>"$work/restore.log" || { cat "$work/restore.log" >&2; fail "restore"; }
count() { "$bin" --data "$1" users list | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))'; }
[ "$(count "$work/data")" = "$(count "$work/restored")" ] || fail "the restored folder has other users"
ok "backup, then restore into a new data folder: $(count "$work/restored") users"

outbox=$("$bin" --data "$work/data" mail outbox --format json) || fail "mail outbox"
python3 -c 'import json, sys; sys.exit(0 if json.loads(sys.argv[1]) == [] else 1)' "$outbox" \
  || fail "the demo's outbox is not empty (the demo never sends): $outbox"
ok "mail outbox: the demo never sends"
echo "smoke: $passed passed, 0 failed"
