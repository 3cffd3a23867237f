# Shell helpers shared by tests/run.sh, .ci/run and the smoke tests: Debian packages, the project's
# virtual environment, a throwaway PostgreSQL cluster and free loopback ports. Meant to be sourced.

# ensure_debian_packages PKG...: installs the Debian packages that are missing (and only those).
ensure_debian_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=()
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "Missing Debian packages: ${missing[*]} (run as root or install them)" >&2; return 1; }
    sudo=(sudo)
  fi
  echo "Installing Debian packages: ${missing[*]}" >&2
  # The tests start their own servers (slapd, PostgreSQL, nginx) on loopback: Debian's policy-rc.d
  # keeps the packages from starting their system services (nginx would listen on port 80), and
  # they are disabled so that they do not start at the next boot either. The install runs in a
  # subshell whose EXIT trap removes the policy file even when apt-get fails or is interrupted.
  local policy=/usr/sbin/policy-rc.d rc=0
  (
    made_policy=
    leave() {
      if [ -n "$made_policy" ]; then
        if command -v systemctl >/dev/null; then
          "${sudo[@]}" systemctl disable nginx slapd postgresql 2>/dev/null || true
        fi
        "${sudo[@]}" rm -f "$policy"
      fi
    }
    trap leave EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
    # (set -e does not hold in a subshell on the left of ||: each step stops it itself)
    if [ ! -e "$policy" ]; then
      made_policy=1
      printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null || exit
      "${sudo[@]}" chmod 755 "$policy" || exit
    fi
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q || exit
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}"
  ) || rc=$?
  return $rc
}

# ensure_venv (from the repository root): creates the project's virtual environment (ECOLE_VENV,
# default .venv) if needed, installs the project in it with the given extras (default: test) at
# the versions pinned in constraints.txt (what CI tests and the binary ships), and puts it first
# on PATH. The venv's Python must be 3.11 (PYTHON picks the one that makes it, default python3).
ensure_venv() {
  local extras=${1:-test} python=${PYTHON:-python3}
  ECOLE_VENV=${ECOLE_VENV:-$PWD/.venv}
  if [ ! -x "$ECOLE_VENV/bin/python" ]; then
    # Debian's own python3 needs python3-venv for ensurepip; other builds (pyenv) carry it.
    "$python" -c 'import ensurepip' 2>/dev/null || ensure_debian_packages python3-venv
    "$python" -m venv "$ECOLE_VENV"
  fi
  # constraints.txt pins versions for Python 3.11 (what CI tests and the binary ships).
  if ! "$ECOLE_VENV/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "constraints.txt is pinned for Python 3.11, but $ECOLE_VENV has Python" \
      "$("$ECOLE_VENV/bin/python" -c 'import platform; print(platform.python_version())'):" \
      "remove $ECOLE_VENV and run again with PYTHON=python3.11 (or a Python 3.11 first on PATH)" >&2
    return 1
  fi
  # (this machine's pip configuration warns about absent local indexes: noise, filtered out)
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 "$ECOLE_VENV/bin/python" -m pip install -q -c constraints.txt \
    -e ".[$extras]" \
    2> >(grep -v '^WARNING: Location .* is ignored' >&2)
  export ECOLE_VENV PATH="$ECOLE_VENV/bin:$PATH"
}

# free_port: prints a TCP port that is free on 127.0.0.1 right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL [SECONDS] [PID]: waits until URL answers 200; gives up early if PID has exited.
wait_http() {
  local url=$1 seconds=${2:-30} pid=${3:-} i
  for i in $(seq $((seconds * 10))); do
    curl -sf -o /dev/null "$url" && return 0
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
    sleep 0.1
  done
  return 1
}

# pg_start [PORT]: initialises and starts a throwaway PostgreSQL cluster on 127.0.0.1 (a free port
# by default), with a database named ecole_test. Sets PG_PID, PG_PORT, PG_DIR and PG_URL.
# PostgreSQL refuses to run as root, so as root the server runs as the postgres user (setpriv execs,
# so $! is the postmaster itself and pg_stop can stop it by PID).
pg_start() {
  local port=${1:-$(free_port)} bin as_pg=()
  bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
  [ -x "$bin/initdb" ] || { echo "PostgreSQL is not installed (no initdb under /usr/lib/postgresql)" >&2; return 1; }
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ecole-pg.XXXXXX")
  if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$PG_DIR"
    as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups)
  fi
  chmod 700 "$PG_DIR"
  "${as_pg[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  # Durability settings are off: this cluster lives for one test run.
  "${as_pg[@]}" "$bin/postgres" -D "$PG_DIR/data" -p "$port" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$PG_DIR" -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c max_connections=200 >"$PG_DIR/postgres.log" 2>&1 &
  PG_PID=$! PG_PORT=$port
  export PG_PID PG_PORT PG_DIR
  local i
  for i in $(seq 150); do
    if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
      "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres ecole_test || return 1
      export PG_URL="postgresql://postgres@127.0.0.1:$port/ecole_test"
      return 0
    fi
    kill -0 "$PG_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "PostgreSQL did not start:" >&2; cat "$PG_DIR/postgres.log" >&2
  return 1
}

# pg_stop: fast shutdown of the cluster started by pg_start (by PID), then removes its files.
pg_stop() {
  [ -n "${PG_PID:-}" ] || return 0
  kill -INT "$PG_PID" 2>/dev/null || true
  wait "$PG_PID" 2>/dev/null || true
  rm -rf "$PG_DIR"
  unset PG_PID PG_DIR PG_URL
}
