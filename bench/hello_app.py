"""The reference for the benches: a bare WSGI "hello" app served by waitress, nothing else."""
import argparse

import waitress


def app(environ, start_response):
    body = b'hello'
    start_response('200 OK', [('Content-Type', 'text/plain'), ('Content-Length', str(len(body)))])
    return [body]


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--threads', type=int, default=4)
    args = parser.parse_args()
    waitress.serve(app, host='127.0.0.1', port=args.port, threads=args.threads, _quiet=True)
