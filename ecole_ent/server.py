"""`ecole-ent serve`: open the installation, seed the demo if asked, serve with waitress.

With `server.workers` N > 1 (the default: 2) the parent migrates the database, builds the app,
closes every connection, reserves the address (see reserve()), then forks N children that each
listen on a socket of their own on that address (SO_REUSEPORT: the kernel spreads the connections
evenly between them) and serve it with the parent's app and their own waitress threads
(ecole_ent/lanes.py), kept on a core of their own (one_core()), and database connections (opened
after fork), and one more child that runs the periodic jobs (the scheduler thread,
ecole_ent/scheduler.py) and serves nothing: a directory sync or a backup then never holds a serving
process's CPU (Python runs one thread at a time) nor grows its memory. The parent only supervises:
it restarts a child that dies and stops them all on SIGTERM or SIGINT; a child whose parent dies,
even by kill -9, is stopped by the kernel (PR_SET_PDEATHSIG). With one worker, one process serves
and runs the jobs. Several processes are how the server uses more than one core (Python runs one
thread at a time); SQLite serves them all: WAL lets readers run beside the one writer, every write
transaction begins IMMEDIATE and waits its turn, and what processes share (sessions, throttling,
the scheduler's leases) lives in the database.
"""
import contextlib
import ctypes
import errno
import gc
import logging
import os
import re
import signal
import socket
import threading
import time

from . import app as webapp
from . import db, hooks, lanes, malloc, runtime, scheduler
from .errors import EcoleError
from .web import access_log

logger = logging.getLogger(__name__)

# Waitress reads as much of a file it sends as the connection's send buffer holds: on loopback
# (the reverse proxy's hop) Linux gives 3.9 MB, so each download held 7.7 MB for a moment.
SOCKET_OPTIONS = [(socket.SOL_TCP, socket.TCP_NODELAY, 1),
                  (socket.SOL_SOCKET, socket.SO_SNDBUF, 256 * 2**10)]
CONNECTION_LIMIT = 500       # per process: far above a school's use (slow clients: see lanes.py)
RESTART_DELAY = 1.0          # seconds to wait before restarting a child that died young
PR_SET_PDEATHSIG = 1         # linux/prctl.h
PR_SET_NAME = 15             # linux/prctl.h: the name ps and /proc/PID/comm show
JOBS_SLOT = 'jobs'           # the child that runs the periodic jobs (its log: ecole-ent.jobs.log)
JOBS_NAME = b'ecole-ent-jobs'
STOP_TIMEOUT = 15            # seconds a child has to finish its requests after SIGTERM


def log_to_file(config, name='ecole-ent.log'):
    """Log into DATA/logs/<name>, rotated at 5 MB and every month (access_log.RotatingFileHandler).
    One file per process: a rotating file shared by several processes loses lines (each rotates it
    on its own), so each worker of `serve --workers N` writes ecole-ent.<slot>.log and the
    supervisor keeps ecole-ent.log. The access log (ecole_ent/web/access_log.py, unless
    server.access_log is false) goes the same way into access.log or access.<slot>.log, and only
    there: its lines do not flood the error log."""
    def rotating(logger, filename, formatter, **options):
        for old in [h for h in logger.handlers if getattr(h, 'ecole_log', False)]:
            logger.removeHandler(old)
            old.close()
        if filename:
            handler = access_log.RotatingFileHandler(config.path('logs', filename), maxBytes=5 * 2**20,
                                                     backupCount=5, encoding='utf-8', **options)
            handler.ecole_log = True
            handler.setFormatter(formatter)
            logger.addHandler(handler)

    root = logging.getLogger()
    rotating(root, name, logging.Formatter(
        '%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s'))
    root.setLevel(config['app.log_level'].upper())
    access = access_log.logger
    access.propagate = False
    access.setLevel(logging.INFO)
    access_file = 'access.' + name.partition('.')[2] if config['server.access_log'] else None
    # delay: the supervisor, which serves nothing, leaves no empty access.log beside the workers'
    rotating(access, access_file, access_log.Formatter(), delay=True)


def build(config, demo=False):
    """The WSGI app for this installation, database ready (used by serve and by the benches)."""
    runtime.open_database(config)
    if demo:
        from . import demo as demo_school
        if not demo_school.exists():
            demo_school.seed()
            logger.info('école de démonstration créée')
        logger.info(demo_school.accounts_line())
    application = webapp.create_app(config)
    # bottle compiles its combined route pattern anew at each route added: the re module's cache
    # kept every intermediate one (0.9 MB a process); the router holds the final ones itself.
    re.purge()
    # What start-up made (modules, templates, routes) lives as long as the server: moved out of
    # the collector's reach, the full collections that pages trigger walk only their own objects.
    gc.collect()
    gc.freeze()
    return application


def listen(config, application, **where):
    """Waitress on host/port or on sockets=[...], its requests in two lanes (see ecole_ent.lanes).

    Only the trusted proxy (server.trusted_proxy) may tell, by X-Forwarded-For and
    X-Forwarded-Proto, the client's address and that it came over HTTPS: waitress then gives the
    app that address as REMOTE_ADDR and the scheme as wsgi.url_scheme, and drops those headers
    from anyone else."""
    proxy = config['server.trusted_proxy']
    trust = {'trusted_proxy': proxy, 'trusted_proxy_count': 1,
             'trusted_proxy_headers': {'x-forwarded-for', 'x-forwarded-proto'}} if proxy else {}
    server = lanes.create_server(application, config['server.threads'], ident='ecole-ent',
                                 channel_timeout=60, connection_limit=CONNECTION_LIMIT,
                                 max_request_body_size=300 * 2**20,   # ten photos at the per-photo limit
                                 clear_untrusted_proxy_headers=True, **trust, **where)
    server.adj.socket_options = SOCKET_OPTIONS      # not a keyword of create_server
    return server


def run(config, server, jobs=True):
    """Serve until SIGTERM or SIGINT, with this process's scheduler thread if `jobs`, else
    serving only; server None: run the jobs only. Then close up."""
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    runner = scheduler.start(config) if jobs else None
    try:
        if server:
            server.run()
        else:                                 # the jobs process: its scheduler thread works
            threading.Event().wait()          # until SIGTERM or SIGINT stops this wait
    except (KeyboardInterrupt, Stop):
        pass
    finally:
        if runner:
            runner.stop()
        if server:
            server.close()
        for stopping in hooks.STOPPING:       # what features keep in memory (statistics' events)
            try:
                stopping(5)
            except Exception:
                logger.exception('arrêt : écriture en attente impossible')
        if not db.flush_writes(timeout=5):
            logger.warning('écritures différées (visites, sessions) non faites : base verrouillée')
        db.close_all()
    return 0


def serve(config, demo=False):
    from .maintenance import service
    malloc.tune()
    log_to_file(config)
    with service.holding_data_folder(config):
        return _serve(config, demo)


def _serve(config, demo):
    workers = config['server.workers']
    application = build(config, demo)
    host, port = config['server.host'], config['server.port']
    if workers == 1:
        with port_errors(host, port):
            server = listen(config, application, host=host, port=port)
        logger.info('ecole-ent écoute sur http://%s:%s/%s', host, server.effective_port,
                    on_core(one_core(config, 1, int(server.effective_port))))
        return run(config, server)
    db.close_all()               # the children open their own connections, after fork
    address = reserve(host, port)
    logger.info('ecole-ent écoute sur http://%s:%s/ avec %d processus', host,
                address.getsockname()[1], workers)
    return Supervisor(config, address, workers, application).run()


def reserve(host, port):
    """The supervisor's socket: bound to the address with SO_REUSEPORT, never listening. It takes
    the port before any fork (a port in use fails here; port 0 picks one) and holds it while
    serving processes come and go; each serving process listens on a socket of its own bound to
    the same address (listening_socket). One socket shared by all would let whichever process
    woke first take a burst of connections (measured: 49 of wrk's 50 keep-alive connections in one
    process, the other idle, the home's requests/s halved); the kernel hashes each connection to
    one of the listening sockets, so the serving processes hold even shares."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    with port_errors(host, port):
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))      # not shared: fails if any program listens there, even
            port = probe.getsockname()[1]     # one that shares its port, as ecole-ent does
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)      # as create_server
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            if family == socket.AF_INET6:
                sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            sock.bind((host, port))
        except OSError:
            sock.close()
            raise
    return sock


@contextlib.contextmanager
def port_errors(host, port):
    """A port already taken is an error the installer reads (cli.py), not a traceback."""
    try:
        yield
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise
        raise EcoleError(f'le port {port} de {host} est déjà pris par un autre programme : '
                         'arrêtez-le ou choisissez un autre port (--port, server.port)') from exc


def listening_socket(reserved):
    """A serving process's own listening socket, on the address the supervisor reserved."""
    host, port = reserved.getsockname()[:2]
    sock = socket.create_server((host, port), family=reserved.family, backlog=1024, reuse_port=True)
    sock.setblocking(False)
    return sock


class Stop(SystemExit):
    """Raised by the SIGTERM/SIGINT handler. A SystemExit, so that waitress's loop, which turns any
    Exception raised in a request handler into a logged error, lets it through and shuts down."""


def _raise_stop(signum, frame):
    raise Stop()


class Supervisor:
    """The pre-fork parent: keeps `count` children serving the address of `sock` (reserve())
    until told to stop."""

    def __init__(self, config, sock, count, application):
        self.config, self.sock, self.application = config, sock, application
        self.slots = list(range(1, count + 1))
        if scheduler.enabled(config):
            self.slots.append(JOBS_SLOT)
        self.children = {}           # pid -> (start time, slot: 1..count or JOBS_SLOT, names its log)
        self.parent = os.getpid()

    def run(self):
        signal.signal(signal.SIGTERM, _raise_stop)
        signal.signal(signal.SIGINT, _raise_stop)
        try:
            for slot in self.slots:
                self.spawn(slot)
            while True:
                pid, status = os.wait()
                child_of = self.children.pop(pid, None)
                if child_of is None:
                    continue
                started, slot = child_of
                logger.error('processus %d arrêté (%s) : remplacé', pid, describe(status))
                if time.monotonic() - started < 5:
                    time.sleep(RESTART_DELAY)       # a child failing at start must not spin
                self.spawn(slot)
        except Stop:
            pass
        finally:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            self.stop_children()
            self.sock.close()
        logger.info('ecole-ent arrêté')
        return 0

    def spawn(self, slot):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                log_to_file(self.config, f'ecole-ent.{slot}.log')
                stop_with_parent(self.parent)
                if slot == JOBS_SLOT:
                    code = jobs_child(self.config, self.sock)
                else:
                    core = one_core(self.config, slot, self.sock.getsockname()[1])
                    logger.info('processus serveur %d démarré%s (journal ecole-ent.%s.log)', os.getpid(),
                                on_core(core), slot)
                    code = child(self.config, self.sock, self.application)
            except BaseException:   # a child never returns into the parent's loop
                logger.exception('processus serveur en échec')
            finally:
                logging.shutdown()
                os._exit(code)
        self.children[pid] = (time.monotonic(), slot)
        return pid

    def stop_children(self):
        for pid in self.children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while self.children and time.monotonic() < deadline:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid:
                self.children.pop(pid, None)
            else:
                time.sleep(0.05)
        for pid in self.children:
            logger.warning('processus %d toujours là après %d s : tué', pid, STOP_TIMEOUT)
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        self.children.clear()


def one_core(config, slot, port):
    """Keep this serving process, all its threads, on one of the cores it may use (Linux; off with
    server.one_core_each = false). Its threads take turns at Python's one lock (the GIL); when the
    kernel spreads them over cores, as it does whenever a core has room, each turn handed to a
    thread on another core is a wake-up across cores. Measured on 2 cores, the guardian home, each
    process kept on its core against left free: 2 processes at 10 connections, 1,231 to 1,438
    requests/s against 1,008 to 1,120; at 50, 1,328 to 1,365 against 1,280 to 1,304; 1 process at
    50, 656 to 708 against 380 to 394 (bare waitress: 14,072 to 14,488 against 4,464 to 6,098).
    The serving processes take consecutive cores from one the port picks: two installations on
    one machine, or two tests, serving with one process each, are not both on the first core.
    The jobs process is left free, to run where there is room. With one process (workers = 1)
    its jobs and its uploads' image work share its core: bench_stalls --workers 1 stored 23 and 24
    photos of 8 MB against 33 left free, while its pages served half as much again and the home's
    p99 during that work fell from 111-115 ms to 73-79. Returns the core, or None (left free: the
    option off, a single core, not Linux)."""
    try:
        cores = sorted(os.sched_getaffinity(0))
    except AttributeError:
        return None
    if not config['server.one_core_each'] or len(cores) < 2:
        return None
    core = cores[(port + slot) % len(cores)]
    keep_on_core(core)
    return core


def keep_on_core(core, pid='self'):
    """Every thread of process `pid` (this one by default) on `core`; the threads they start
    later inherit it (Linux)."""
    try:
        threads = [int(thread) for thread in os.listdir(f'/proc/{pid}/task')]
    except OSError:                              # no /proc: this thread, before it starts others
        threads = [0]
    for thread in threads:
        with contextlib.suppress(OSError):       # a thread that has just ended
            os.sched_setaffinity(thread, {core})


def on_core(core):
    return '' if core is None else f' sur le cœur {core}'


def child(config, reserved, application):
    """One serving process on a listening socket of its own, with the app the parent built
    (shared copy-on-write: built and frozen before the fork) and its own connections; no jobs."""
    sock = listening_socket(reserved)
    reserved.close()
    db.close_all()
    return run(config, listen(config, application, sockets=[sock]), jobs=False)


def jobs_child(config, reserved):
    """The process that runs the periodic jobs and serves nothing (its name: ecole-ent-jobs)."""
    reserved.close()
    db.close_all()
    set_process_name(JOBS_NAME)
    logger.info('processus des tâches périodiques %d démarré (journal ecole-ent.jobs.log)', os.getpid())
    return run(config, None)


def set_process_name(name):
    """The name `ps` and /proc/PID/comm show for this process (Linux; elsewhere, nothing)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(PR_SET_NAME, ctypes.c_char_p(name), 0, 0, 0)


def stop_with_parent(parent):
    """Have the kernel send SIGTERM to this child when its parent dies, however it dies (Linux's
    PR_SET_PDEATHSIG); a parent already gone before that was set stops the child at once."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        failed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0
        reason = os.strerror(ctypes.get_errno()) if failed else ''
    except (OSError, AttributeError):      # not Linux: the supervisor still stops its children
        failed, reason = True, 'prctl absent'
    if failed:
        logger.warning('ce processus ne s’arrêtera pas de lui-même si le processus principal est '
                       'tué (%s)', reason)
    if os.getppid() != parent:
        os._exit(0)


def describe(status):
    if os.WIFSIGNALED(status):
        return f'signal {os.WTERMSIG(status)}'
    return f'code {os.waitstatus_to_exitcode(status)}'
