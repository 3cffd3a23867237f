"""Web pages under load: the guardian home and the login page at 10 and 50 connections, with a
bare waitress "hello" app started the same way, measured in the same run; ratios and memory.

    .venv/bin/python -m bench.bench_web [--seconds 10]

Targets (issues 2 and 12, 2-core machine): guardian home >= 20 % of the bare-waitress
requests/s and p99 <= 150 ms at 50 connections; resident memory <= 60 MB per serving process
after the run. ecole-ent runs with one and with two processes (server.workers, default 2), side
by side in the same run.
"""
import argparse
import os
import sys
import tempfile

from bench.common import GUARDIAN, Server, demo_server, hello_command, load, serving_rss_mb, sign_in_cookie


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seconds', type=float, default=10, help='duration of each load')
    parser.add_argument('--threads', type=int, default=8, help='waitress threads of both servers')
    parser.add_argument('--workers', default='1,2', help='ecole-ent processes to compare')
    args = parser.parse_args()
    print(f'cores: {os.cpu_count()}  python: {sys.version.split()[0]}')
    for workers in [int(w) for w in args.workers.split(',')]:
        with tempfile.TemporaryDirectory() as data:
            app = demo_server(data, args.threads, workers)
            hello = Server(hello_command(args.threads))
            with app, hello:
                print(f'--- ecole-ent with {workers} process(es), {args.threads} page threads each')
                cookie = sign_in_cookie(app.url, GUARDIAN, 'demo')
                load(app.url + '/', 2, 10, cookie)          # warm up caches and connections
                for connections in (10, 50):
                    base = load(hello.url + '/', args.seconds, connections)
                    print(base.line('bare waitress'))
                    for label, url, with_cookie in (('guardian home', '/', cookie),
                                                    ('login page', '/connexion', None)):
                        result = load(app.url + url, args.seconds, connections, with_cookie)
                        print(result.line(label) + f'  ratio {result.rps / base.rps:5.1%}')
                print('resident memory per serving process after the run: '
                      + ', '.join(f'{mb:.1f} MB' for mb in serving_rss_mb(app.pid)))

if __name__ == '__main__':
    main()
