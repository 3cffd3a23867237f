#!/usr/bin/env bash
# The README's test command. Installs what the tests need (Debian packages, the project in a virtual
# environment, axe-core from npm), starts a throwaway PostgreSQL cluster, and runs the whole suite
# twice: on SQLite, then on PostgreSQL. Extra arguments go to pytest (bash tests/run.sh -k login -x).
# ECOLE_TEST_ENGINES=sqlite (or postgresql) runs one engine only; ECOLE_VENV picks the venv folder.
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/services.sh

# slapd: the directory tests start their own OpenLDAP server; chromium: browser tests (Playwright);
# fonts-liberation: readable screenshots; postgresql: the second engine; nginx and openssl: the
# reverse proxy of provisioning/GUIDE.md in front of the real server (tests/test_nginx.py).
ensure_debian_packages slapd ldap-utils chromium fonts-liberation postgresql curl nginx openssl
command -v npm >/dev/null || ensure_debian_packages npm
ensure_venv test
npm ci --no-audit --no-fund --loglevel=error

export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
engines=${ECOLE_TEST_ENGINES:-sqlite postgresql}

# run_suite ENGINE ARGS...: pytest's "no tests collected" (exit 5) counts as a failure.
run_suite() {
  local engine=$1 rc=0; shift
  echo "=== pytest on $engine ===" >&2
  python -m pytest "$@" || rc=$?
  [ $rc -eq 5 ] && echo "pytest collected no test on $engine: that is a failure" >&2
  return $rc
}

failed=()
for engine in $engines; do
  case $engine in
    sqlite)
      run_suite sqlite "$@" || failed+=(sqlite) ;;
    postgresql)
      trap pg_stop EXIT
      pg_start
      ECOLE_TEST_DATABASE_URL=$PG_URL run_suite postgresql "$@" || failed+=(postgresql)
      pg_stop ;;
    *) echo "Unknown engine in ECOLE_TEST_ENGINES: $engine (sqlite or postgresql)" >&2; exit 2 ;;
  esac
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "Tests failed on: ${failed[*]}" >&2
  exit 1
fi
echo "All tests passed on: $engines" >&2
