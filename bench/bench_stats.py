"""The cost of recording the statistics (issue 19): the guardian home (/) with [stats] enabled on
and off, in the same run, on two copies of the same seeded demo, loaded in turn (on, off, on,
off, ...) so that a machine getting busier or quieter weighs on both alike.

    .venv/bin/python -m bench.bench_stats [--seconds 8] [--rounds 3] [--connections 10,50] [--workers 2]

Prints each load, then per connection count the median requests/s with statistics on and off and
their ratio (target, issue 19: >= 0.95), and the events the "on" server wrote (the recording did
happen: one per home viewed) against the "off" server's (none). A busy machine (other tests
running) spreads the requests/s: the load average is printed before and after, and the servers'
CPU time per request (user + system of every process and thread, read from /proc around each load)
is printed too, a figure that other processes disturb far less: off/on is the same ratio, for the
cost of a request rather than the throughput.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from bench.common import GUARDIAN, Server, load, load_arguments, process_tree, sign_in_cookie


def seeded(folder):
    subprocess.run([sys.executable, '-m', 'ecole_ent', '--data', folder, 'demo'], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return folder


def server(data, enabled, threads, workers):
    env = dict(os.environ, ECOLE_SERVER_THREADS=str(threads), ECOLE_SERVER_WORKERS=str(workers),
               ECOLE_STATS_ENABLED='true' if enabled else 'false', ECOLE_SCHEDULER_ENABLED='false')
    return Server([sys.executable, '-m', 'ecole_ent', '--data', data, 'serve', '--port', '{port}'],
                  ready_path='/connexion', env=env)


def events_written(data):
    """How many statistics events the server of `data` wrote (read after it stopped)."""
    from ecole_ent import db, runtime
    from ecole_ent.models import StatsEvent
    runtime.open_database(runtime.open_config(data), auto_migrate=False)
    try:
        return StatsEvent.select().count()
    finally:
        db.close_all()


def cpu_seconds(pid):
    """User + system CPU time of the server's processes (the supervisor and its workers, every
    thread: the statistics writer included)."""
    ticks = 0
    for each in process_tree(pid):
        try:
            with open(f'/proc/{each}/stat') as f:
                fields = f.read().rsplit(')', 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return ticks / os.sysconf('SC_CLK_TCK')


def load_average():
    return ' '.join(f'{value:.2f}' for value in os.getloadavg())


def main():
    parser = load_arguments(__doc__, seconds=8)
    parser.add_argument('--rounds', type=int, default=3, help='loads of each server per connection count')
    parser.add_argument('--connections', default='10,50', help='connection counts, e.g. 10,50')
    parser.add_argument('--workers', type=int, default=2, help='ecole-ent processes of each server')
    args = parser.parse_args()
    print(f'cores: {os.cpu_count()}  python: {sys.version.split()[0]}  load average: {load_average()}')
    with tempfile.TemporaryDirectory() as root:
        on_data = seeded(os.path.join(root, 'on'))
        off_data = os.path.join(root, 'off')
        shutil.copytree(on_data, off_data)
        before = events_written(on_data)
        servers = {'on': server(on_data, True, args.threads, args.workers),
                   'off': server(off_data, False, args.threads, args.workers)}
        results = {}
        with servers['on'], servers['off']:
            cookies = {name: sign_in_cookie(srv.url, GUARDIAN, 'demo') for name, srv in servers.items()}
            for name, srv in servers.items():          # warm up caches and connections
                load(srv.url + '/', 2, 10, cookie=cookies[name])
            for connections in (int(c) for c in args.connections.split(',')):
                for round_ in range(args.rounds):
                    for name in (('on', 'off') if round_ % 2 == 0 else ('off', 'on')):
                        spent = cpu_seconds(servers[name].pid)
                        result = load(servers[name].url + '/', args.seconds, connections, cookie=cookies[name])
                        result.cpu_ms = (cpu_seconds(servers[name].pid) - spent) * 1000 / max(result.requests, 1)
                        results.setdefault((connections, name), []).append(result)
                        print(result.line(f'home, statistics {name}, round {round_ + 1}')
                              + f'  cpu {result.cpu_ms:5.2f} ms/req')
        requests_on = sum(r.requests for (_c, name), rs in results.items() if name == 'on' for r in rs)
        written_on, written_off = events_written(on_data) - before, events_written(off_data) - before
        print(f'--- {GUARDIAN}\'s home, {args.workers} process(es) x {args.threads} threads, '
              f'median of {args.rounds} loads of {args.seconds:.0f} s each')
        for connections in sorted({c for c, _name in results}):
            on = statistics.median(r.rps for r in results[connections, 'on'])
            off = statistics.median(r.rps for r in results[connections, 'off'])
            cpu_on = statistics.median(r.cpu_ms for r in results[connections, 'on'])
            cpu_off = statistics.median(r.cpu_ms for r in results[connections, 'off'])
            print(f'{connections:3d} conn: on {on:7.0f} req/s  off {off:7.0f} req/s  ratio {on / off:5.3f} '
                  f'(target >= 0.95);  server CPU per request: on {cpu_on:5.2f} ms  off {cpu_off:5.2f} ms  '
                  f'ratio off/on {cpu_off / cpu_on:5.3f}')
        print(f'events written: on {written_on} (home views loaded: {requests_on} + warm-up and sign-in), '
              f'off {written_off}')
    print(f'load average after: {load_average()}')


if __name__ == '__main__':
    main()
