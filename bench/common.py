"""Shared bench harness: start a server, load it from loopback for a bounded time, read its memory.

    from bench.common import Server, load, hello_command, rss_mb
    with Server(['ecole-ent', '--data', tmp, 'serve', '--port', '{port}', '--demo']) as srv:
        print(load(srv.url + '/connexion', seconds=10, connections=50))

`load` uses wrk (Debian package `wrk`) when it is installed, else a Python load generator
(threads + http.client, keep-alive). The Python one shares the 2 cores with the server and
saturates sooner: compare figures only within one run and one generator (the report says which).
"""
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


class Server:
    """A server process started from a command line on a free loopback port.

    `{port}` in the command is replaced by the port. Starting waits until `ready_path` answers 200
    and records `start_seconds`, the time from the process start to that first 200 (cold start).
    Stopped by PID (SIGTERM, then SIGKILL after 10 s).
    """

    def __init__(self, command, ready_path='/', env=None, cwd=None, timeout=120, log=None):
        self.port = free_port()
        self.url = 'http://127.0.0.1:%d' % self.port
        self.command = [str(part).replace('{port}', str(self.port)) for part in command]
        self.ready_path, self.env, self.cwd, self.timeout = ready_path, env, cwd, timeout
        self.log = log or tempfile.TemporaryFile()
        self.process = None
        self.start_seconds = None

    def start(self):
        began = time.perf_counter()
        self.process = subprocess.Popen(self.command, env=self.env, cwd=self.cwd,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        while time.perf_counter() - began < self.timeout:
            if self.process.poll() is not None:
                raise RuntimeError('server exited with %s: %s' % (self.process.returncode, self.output()))
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=2) as response:
                    if response.status == 200:
                        self.start_seconds = time.perf_counter() - began
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.005)
        self.stop()
        raise RuntimeError('server not ready after %s s: %s' % (self.timeout, self.output()))

    def output(self):
        self.log.seek(0)
        return self.log.read().decode('utf-8', 'replace')[-3000:]

    @property
    def pid(self):
        return self.process.pid

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


GUARDIAN = 'aurelie.dubois'     # the demo's guardian with two children in two classes


def demo_server(data, threads=8, workers=None):
    """ecole-ent serving the demo school from `data`, seeded first by `ecole-ent demo` in its own
    process: a school's server starts on a data folder seeded long before, so the memory measured
    after a run is the serving process's alone (seeding draws the demo photos with Pillow)."""
    subprocess.run([sys.executable, '-m', 'ecole_ent', '--data', data, 'demo'], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, ECOLE_SERVER_THREADS=str(threads))
    if workers:
        env['ECOLE_SERVER_WORKERS'] = str(workers)
    return Server([sys.executable, '-m', 'ecole_ent', '--data', data, 'serve', '--port', '{port}'],
                  ready_path='/connexion', env=env)


def hello_command(threads=4):
    """Command line of the reference: a bare WSGI "hello" app on waitress, started like ecole-ent."""
    return [sys.executable, os.path.join(HERE, 'hello_app.py'), '--port', '{port}', '--threads', str(threads)]


@dataclass
class Result:
    url: str
    connections: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float
    tool: str

    def line(self, label=''):
        return ('%-28s %4d conn  %8.0f req/s  p50 %7.1f ms  p99 %7.1f ms  errors %d  (%s)'
                % (label or self.url, self.connections, self.rps, self.p50_ms, self.p99_ms,
                   self.errors, self.tool))


def load(url, seconds=10, connections=10, cookie=None, tool=None, cookies=()):
    """Loads `url` with `connections` keep-alive connections for `seconds`; returns a Result.
    `cookies`: several Cookie headers (users signed in), sent in turn, one per request.

    Requests that fail or answer anything but 2xx/3xx count as errors (and not in requests/s).
    """
    tool = tool or ('wrk' if shutil.which('wrk') else 'python')
    run = _load_wrk if tool == 'wrk' else _load_python
    return run(url, seconds, connections, list(cookies) or ([cookie] if cookie else []))


# wrk's Lua hook: each request takes the next Cookie header of the list (per wrk thread).
ROTATE_LUA = """cookies = {%s}
n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, {["Cookie"] = cookies[n %% #cookies + 1]})
end
"""


def _load_wrk(url, seconds, connections, cookies):
    command = ['wrk', '--latency', '-t', str(min(connections, os.cpu_count() or 1)),
               '-c', str(connections), '-d', '%ds' % seconds, '--timeout', '5s']
    script = None
    if len(cookies) == 1:
        command += ['-H', 'Cookie: ' + cookies[0]]
    elif cookies:
        with tempfile.NamedTemporaryFile('w', suffix='.lua', delete=False) as script:
            script.write(ROTATE_LUA % ', '.join('"%s"' % c.replace('\\', '\\\\').replace('"', '\\"') for c in cookies))
        command += ['-s', script.name]
    try:
        out = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    finally:
        if script is not None:
            os.unlink(script.name)
    total = int(re.search(r'(\d+) requests in', out).group(1))
    bad = re.search(r'Non-2xx or 3xx responses: (\d+)', out)
    socket_errors = re.search(r'Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)', out)
    errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0)
    return Result(url, connections, seconds, total - (int(bad.group(1)) if bad else 0), errors,
                  (total - (int(bad.group(1)) if bad else 0)) / seconds,
                  _wrk_ms(out, '50%'), _wrk_ms(out, '99%'), 'wrk')


def _wrk_ms(out, percentile):
    value, unit = re.search(r'^\s*%s\s+([\d.]+)(us|ms|s)\s*$' % re.escape(percentile), out, re.M).groups()
    return float(value) * {'us': 0.001, 'ms': 1.0, 's': 1000.0}[unit]


def _load_python(url, seconds, connections, cookies):
    parsed = urllib.parse.urlparse(url)
    path = parsed.path or '/'
    if parsed.query:
        path += '?' + parsed.query
    headers = [{'Cookie': cookie} for cookie in cookies] or [{}]
    deadline = time.perf_counter() + seconds
    latencies, errors, lock = [], [0], threading.Lock()

    def worker():
        mine, failed, sent = [], 0, 0
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=5)
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            sent += 1
            try:
                conn.request('GET', path, headers=headers[sent % len(headers)])
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
                if response.getheader('Connection', '').lower() == 'close':
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
            if ok:
                mine.append(time.perf_counter() - began)
            else:
                failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return Result(url, connections, elapsed, len(latencies), errors[0], len(latencies) / elapsed,
                  _percentile(latencies, 50), _percentile(latencies, 99), 'python')


def _percentile(sorted_seconds, percent):
    if not sorted_seconds:
        return float('nan')
    index = min(len(sorted_seconds) - 1, int(round(percent / 100 * (len(sorted_seconds) - 1))))
    return sorted_seconds[index] * 1000


def process_tree(pid):
    """The PID and all its descendants (a one-file binary runs as a bootloader and its child)."""
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        for task in _listdir('/proc/%d/task' % current):
            try:
                with open('/proc/%d/task/%s/children' % (current, task)) as f:
                    queue.extend(int(child) for child in f.read().split())
            except OSError:
                pass
    return pids


def _listdir(path):
    try:
        return os.listdir(path)
    except OSError:
        return []


def rss_mb(pid, tree=True):
    """Resident memory in MB of a process (and by default of its descendants), from /proc."""
    total_kb = 0
    for current in (process_tree(pid) if tree else [pid]):
        try:
            with open('/proc/%d/status' % current) as f:
                total_kb += next(int(line.split()[1]) for line in f if line.startswith('VmRSS:'))
        except (OSError, StopIteration):
            pass
    return total_kb / 1024


JOBS_PROCESS = 'ecole-ent-jobs'     # the supervisor's child that runs the periodic jobs, serves nothing


def process_name(pid):
    try:
        with open('/proc/%d/comm' % pid) as f:
            return f.read().strip()
    except OSError:
        return None


def serving_processes(pid):
    """The serving processes: the children of a supervisor (serve with several workers) but its
    jobs process, else the process itself."""
    children = [child for child in process_tree(pid)
                if child != pid and process_name(child) != JOBS_PROCESS]
    return children or [pid]


def jobs_rss_mb(pid):
    """Resident memory in MB of the supervisor's jobs process, or None when there is none."""
    jobs = [child for child in process_tree(pid) if process_name(child) == JOBS_PROCESS]
    return rss_mb(jobs[0], tree=False) if jobs else None


def serving_rss_mb(pid):
    """Resident memory in MB of each serving process (serving_processes)."""
    return [rss_mb(child, tree=False) for child in serving_processes(pid)]


def pss_mb(pid):
    """Proportional set size in MB of one process (/proc/PID/smaps_rollup): its resident memory
    with each page shared with other processes (the supervisor's, copy-on-write after fork)
    counted by its share. None where the kernel has no smaps_rollup."""
    try:
        with open('/proc/%d/smaps_rollup' % pid) as f:
            return next(int(line.split()[1]) for line in f if line.startswith('Pss:')) / 1024
    except (OSError, StopIteration):
        return None


def serving_pss_mb(pid):
    """pss_mb of each serving process, as serving_rss_mb."""
    return [pss_mb(child) for child in serving_processes(pid)]


def page(base, path, cookie):
    """The text of the page at `path`, asked with this Cookie header."""
    request = urllib.request.Request(base + path, headers={'Cookie': cookie})
    with urllib.request.urlopen(request) as response:
        return response.read().decode()


def sign_in_cookie(base_url, login, password, login_path='/connexion'):
    """Signs in through the login form (with its CSRF token); returns the Cookie header to send."""
    import http.cookiejar
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base_url + login_path) as response:
        page = response.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
    body = urllib.parse.urlencode({'login': login, 'password': password, 'csrf_token': token}).encode()
    with opener.open(base_url + login_path, data=body) as response:
        response.read()
    return '; '.join('%s=%s' % (c.name, c.value) for c in jar)


def load_arguments(doc, seconds=10):
    """The command line a load bench starts from (its own options added after): --seconds of each
    load and --threads of each waitress process."""
    import argparse
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument('--seconds', type=float, default=seconds, help='duration of each load')
    parser.add_argument('--threads', type=int, default=8, help='waitress threads of each server process')
    return parser


def page_against_waitress(doc, login, label, prepare):
    """The main() of a one-page bench (homework week, inbox, a note's status): for each count of
    serving processes (--workers), the demo seeded in a fresh data folder, prepare(data) run on it
    before the server starts, returning (path, describe) where describe(base_url, cookie) is the
    line saying what the page shows; then the page as `login` and a bare waitress, loaded in turn
    at 10 and 50 connections in the same run, with the ratio."""
    parser = load_arguments(doc)
    parser.add_argument('--workers', default='2', help='ecole-ent processes to compare, e.g. 1,2')
    args = parser.parse_args()
    print(f'cores: {os.cpu_count()}  python: {sys.version.split()[0]}')
    for workers in [int(w) for w in args.workers.split(',')]:
        with tempfile.TemporaryDirectory() as data:
            app = demo_server(data, args.threads, workers)      # seeds the demo now, starts below
            path, describe = prepare(data)
            hello = Server(hello_command(args.threads))
            with app, hello:
                print(f'--- ecole-ent with {workers} process(es), {args.threads} page threads each')
                cookie = sign_in_cookie(app.url, login, 'demo')
                print(describe(app.url, cookie))
                load(app.url + path, 2, 10, cookie)             # warm up caches and connections
                for connections in (10, 50):
                    base = load(hello.url + '/', args.seconds, connections)
                    print(base.line('bare waitress'))
                    result = load(app.url + path, args.seconds, connections, cookie)
                    print(result.line(label) + f'  ratio {result.rps / base.rps:5.1%}')
                print('resident memory per serving process after the run: '
                      + ', '.join(f'{mb:.1f} MB' for mb in serving_rss_mb(app.pid)))
