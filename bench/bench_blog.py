"""The class blog under load: the guardian home (with its blog news), a class blog page and the
school's public page, at 50 connections, against a bare waitress "hello" app in the same run.

    .venv/bin/python -m bench.bench_blog [--seconds 10]

Targets (issue 5, 2-core machine): guardian home and class blog page >= 15 % of the
bare-waitress requests/s with p99 <= 150 ms at 50 connections.
"""
import argparse
import os
import re
import sys
import tempfile

from bench.common import GUARDIAN, Server, demo_server, hello_command, load, page, rss_mb, sign_in_cookie


def first_class_blog(base, cookie):
    return re.search(r'href="(/blog/classe/\d+)"', page(base, '/blog', cookie)).group(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seconds', type=float, default=10, help='duration of each load')
    parser.add_argument('--threads', type=int, default=8, help='waitress threads of both servers')
    parser.add_argument('--connections', type=int, default=50, help='concurrent connections')
    args = parser.parse_args()
    print(f'cores: {os.cpu_count()}  python: {sys.version.split()[0]}')
    with tempfile.TemporaryDirectory() as data:
        app = demo_server(data, args.threads)
        hello = Server(hello_command(args.threads))
        with app, hello:
            cookie = sign_in_cookie(app.url, GUARDIAN, 'demo')
            blog = first_class_blog(app.url, cookie)
            load(app.url + blog, 2, 10, cookie)          # warm up
            base = load(hello.url + '/', args.seconds, args.connections)
            print(base.line('bare waitress'))
            for label, url, with_cookie in (('guardian home', '/', cookie),
                                            ('class blog page', blog, cookie),
                                            ('public page', '/public/0061234A/', None)):
                result = load(app.url + url, args.seconds, args.connections, with_cookie)
                print(result.line(label) + f'  ratio {result.rps / base.rps:5.1%}')
            print(f'ecole-ent resident memory after the run: {rss_mb(app.pid):.1f} MB')


if __name__ == '__main__':
    main()
