"""The guardian home at 200 concurrent connections on PostgreSQL, with 1, 2 and 3 processes.

    python bench/bench_scale.py [--database-url postgresql://...] [--seconds 15] [--connections 200]

Without --database-url, a throwaway PostgreSQL cluster is started (initdb, free loopback port) and
stopped at the end. The demo school is seeded, 50 guardians sign in, then the same load (wrk with a
Lua script rotating the 50 session cookies if wrk is installed, else a threaded http.client
generator bounded in time and count) hits `serve --workers 1`, then 2 (the default), then 3.
Prints requests/s, latency percentiles, errors, the ratio, and the machine's core count: the load
generator, PostgreSQL and the servers share those cores, so the ratio is bounded by them.
"""
import argparse
import glob
import http.client
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SECRET = 'bench-secret-shared-by-every-process'
GUARDIANS = 50


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def pg_connect(url):
    import psycopg2
    parts = urlparse(url)
    conn = psycopg2.connect(dbname=parts.path.lstrip('/') or 'postgres', user=parts.username,
                            password=parts.password, host=parts.hostname, port=parts.port or 5432)
    conn.autocommit = True
    return conn


class Cluster:
    """initdb + postgres on a free loopback port, as the postgres user when run as root."""

    def __init__(self):
        found = sorted(glob.glob('/usr/lib/postgresql/*/bin/initdb')) or [shutil.which('initdb')]
        if not found[-1]:
            sys.exit('PostgreSQL introuvable : installez postgresql ou passez --database-url')
        self.bin = Path(found[-1]).parent
        self.dir = Path(tempfile.mkdtemp(prefix='bench-pg-'))
        self.prefix = []
        if os.geteuid() == 0:
            import pwd
            entry = pwd.getpwnam('postgres')
            os.chown(self.dir, entry.pw_uid, entry.pw_gid)
            self.prefix = ['setpriv', '--reuid=postgres', '--regid=postgres', '--init-groups']
        os.chmod(self.dir, 0o700)
        self.process = None

    def start(self):
        subprocess.run(self.prefix + [str(self.bin / 'initdb'), '-D', str(self.dir / 'data'), '-U',
                                      'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8',
                                      '--no-sync'], check=True, capture_output=True)
        port = free_port()
        self.process = subprocess.Popen(
            self.prefix + [str(self.bin / 'postgres'), '-D', str(self.dir / 'data'), '-p', str(port),
                           '-c', 'listen_addresses=127.0.0.1', '-c', f'unix_socket_directories={self.dir}',
                           '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=200'],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f'postgresql://postgres@127.0.0.1:{port}/postgres'
        for _ in range(300):
            try:
                pg_connect(url).close()
                break
            except Exception:
                time.sleep(0.1)
        conn = pg_connect(url)
        conn.cursor().execute('CREATE DATABASE ecole_bench')
        conn.close()
        return url.rsplit('/', 1)[0] + '/ecole_bench'

    def stop(self):
        if self.process:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(30)
        shutil.rmtree(self.dir, ignore_errors=True)


def env_for(url):
    env = {k: v for k, v in os.environ.items() if not k.startswith('ECOLE_')}
    env.update(ECOLE_DATABASE_URL=url, ECOLE_SECURITY_SECRET_KEY=SECRET, PYTHONUNBUFFERED='1')
    return env


def start_server(data, url, workers):
    log = tempfile.NamedTemporaryFile(prefix='bench-serve-', suffix='.log', delete=False)
    args = [sys.executable, '-m', 'ecole_ent', '--data', str(data), 'serve', '--port', '0',
            '--workers', str(workers)]
    process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, env=env_for(url))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r'écoute sur (http://[\d.]+:\d+)/', Path(log.name).read_text(errors='replace'))
        if found:
            return process, found.group(1), log.name
        if process.poll() is not None:
            break
        time.sleep(0.1)
    text = Path(log.name).read_text()[-2000:]
    stop_server(process, log.name)
    sys.exit('serve ne démarre pas : ' + text)


def stop_server(process, log_name):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    os.unlink(log_name)


def sign_in(base, login):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + '/connexion', timeout=60).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({'login': login, 'password': 'demo', 'csrf_token': token}).encode()
    home = opener.open(base + '/connexion', body, timeout=60).read().decode()
    assert 'Bonjour' in home, login
    return next(c.value for c in jar if c.name == 'ecole_session')


def load_wrk(base, cookies, connections, seconds):
    script = tempfile.NamedTemporaryFile('w', suffix='.lua', delete=False)
    script.write('local cookies = {' + ','.join(f'"{c}"' for c in cookies) + '}\n'
                 'local n = 0\nrequest = function()\n  n = n + 1\n'
                 '  return wrk.format("GET", "/", {["Cookie"] = "ecole_session=" .. '
                 'cookies[(n % #cookies) + 1]})\nend\n'
                 'done = function(summary, latency, requests)\n'
                 '  io.write(string.format("RESULT %d %d %d %d %f %f %f\\n", summary.requests, '
                 'summary.errors.connect + summary.errors.read + summary.errors.write + '
                 'summary.errors.timeout, summary.errors.status, summary.duration, '
                 'latency:percentile(50), latency:percentile(95), latency:percentile(99)))\nend\n')
    script.close()
    threads = max(1, min(4, os.cpu_count() or 1))
    output = subprocess.run(['wrk', '-t', str(threads), '-c', str(connections), '-d', f'{seconds}s',
                             '--timeout', '30s', '-s', script.name, base + '/'],
                            capture_output=True, text=True).stdout
    os.unlink(script.name)
    fields = re.search(r'RESULT (.*)', output).group(1).split()
    requests, socket_errors, status_errors, micros = (int(v) for v in fields[:4])
    p50, p95, p99 = (float(v) / 1000 for v in fields[4:])
    return {'requests': requests, 'rps': requests / (micros / 1e6), 'errors': socket_errors + status_errors,
            'p50': p50, 'p95': p95, 'p99': p99}


def load_python(base, cookies, connections, seconds, max_requests=200000):
    """Fallback: `connections` threads with keep-alive connections, bounded in time and count."""
    host, port = urlparse(base).hostname, urlparse(base).port
    latencies, errors, lock = [], [0], threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(index):
        conn = http.client.HTTPConnection(host, port, timeout=30)
        mine, failed = [], 0
        while time.monotonic() < stop_at and len(latencies) + len(mine) < max_requests:
            started = time.perf_counter()
            try:
                conn.request('GET', '/', headers={
                    'Cookie': f'ecole_session={cookies[(index + len(mine)) % len(cookies)]}'})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += failed
    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {'requests': len(latencies), 'rps': len(latencies) / elapsed, 'errors': errors[0],
            'p50': quantiles[49], 'p95': quantiles[94], 'p99': quantiles[98]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--database-url', help='PostgreSQL à utiliser (vidé) ; défaut : un cluster jetable')
    parser.add_argument('--seconds', type=int, default=15)
    parser.add_argument('--connections', type=int, default=200)
    parser.add_argument('--python-load', action='store_true', help='ne pas utiliser wrk')
    args = parser.parse_args()
    cluster = None if args.database_url else Cluster()
    url = args.database_url or cluster.start()
    data = Path(tempfile.mkdtemp(prefix='bench-data-'))
    use_wrk = shutil.which('wrk') and not args.python_load
    results = {}
    try:
        subprocess.run([sys.executable, '-m', 'ecole_ent', '--data', str(data), 'demo'], check=True,
                       cwd=ROOT, env=env_for(url), capture_output=True)
        conn = pg_connect(url)
        with conn.cursor() as cursor:
            cursor.execute("SELECT login FROM \"user\" WHERE roles = 'guardian' ORDER BY login LIMIT %s",
                           (GUARDIANS,))
            logins = [row[0] for row in cursor.fetchall()]
        conn.close()
        for workers in (1, 2, 3):
            process, base, log_name = start_server(data, url, workers)
            try:
                cookies = [sign_in(base, login) for login in logins]
                (load_wrk if use_wrk else load_python)(base, cookies, args.connections, 3)  # warm-up
                results[workers] = (load_wrk if use_wrk else load_python)(
                    base, cookies, args.connections, args.seconds)
            finally:
                stop_server(process, log_name)
    finally:
        shutil.rmtree(data, ignore_errors=True)
        if cluster:
            cluster.stop()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()
    print(f'Accueil parent (GET /, {len(logins)} parents connectés), {args.connections} connexions '
          f'simultanées, {args.seconds} s, PostgreSQL, charge : {"wrk" if use_wrk else "http.client"}')
    print(f'Cœurs disponibles : {cores}')
    print(f'{"processus":>10} {"req/s":>9} {"requêtes":>9} {"erreurs":>8} '
          f'{"p50 ms":>8} {"p95 ms":>8} {"p99 ms":>8}')
    for workers, r in results.items():
        print(f'{workers:>10} {r["rps"]:>9.1f} {r["requests"]:>9} {r["errors"]:>8} '
              f'{r["p50"]:>8.1f} {r["p95"]:>8.1f} {r["p99"]:>8.1f}')
    ratio = results[3]['rps'] / results[1]['rps'] if results[1]['rps'] else 0
    print(f'Rapport 3 processus / 1 processus : {ratio:.2f}x')
    if cores < 4:
        print(f'Limite : {cores} cœur(s) partagés par le générateur de charge, PostgreSQL et les '
              'serveurs ; au-delà de ce nombre de processus occupés, un processus de plus ne peut '
              'rien gagner. Le rapport ≥ 1,8x se mesure sur une machine d’au moins 4 cœurs.')


if __name__ == '__main__':
    main()
