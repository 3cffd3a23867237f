"""The tail while background work runs: the login page and a guardian's home, idle, then while
five teachers upload 8 MB photos again and again and a directory sync (the AAF1D sample feed, by
`ecole-ent sync aaf1d`, another process on the same SQLite file) runs again and again.

    .venv/bin/python -m bench.bench_stalls [--seconds 10] [--workers 2]

Target (issue 12): no page waits behind another request's wait; the login page's p99 meanwhile
stays near the idle figure (compare within the run). Prints figures; asserts nothing.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading

from bench.bench_media import make_photo, multipart, request
from bench.common import GUARDIAN, demo_server, load, sign_in_cookie

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FEED = os.path.join(ROOT, 'tests', 'directory', 'data', 'aaf1d', 'complet')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seconds', type=float, default=10, help='duration of each load')
    parser.add_argument('--workers', type=int, default=2, help='ecole-ent processes')
    args = parser.parse_args()
    print(f'cores: {os.cpu_count()}  python: {sys.version.split()[0]}  workers: {args.workers}')
    photos = [make_photo(4000, 3000, noise=140, quality=96, seed=10 + i) for i in range(5)]
    with tempfile.TemporaryDirectory() as data, demo_server(data, workers=args.workers) as server:
        teacher = sign_in_cookie(server.url, 'julien.roux', 'demo')
        family = sign_in_cookie(server.url, GUARDIAN, 'demo')
        page = request(server.url + '/photos', teacher)[2]
        class_path = re.search(r'href="(/classe/\d+/photos)"', page).group(1)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body, headers = multipart({'csrf_token': token, 'title': 'Banc d’essai'}, [])
        album = request(server.url + class_path, teacher, body, headers)[1]['Location']

        def measure(label):
            for name, path, cookie in (('login page', '/connexion', None), ('guardian home', '/', family)):
                print(load(server.url + path, args.seconds, 10, cookie).line(f'{name}, {label}'))

        load(server.url + '/', 2, 10, family)          # warm up
        measure('idle')
        done, counts = threading.Event(), {'uploads': 0, 'syncs': 0, 'failed': 0}

        def upload(index):
            while not done.is_set():
                body, headers = multipart({'csrf_token': token},
                                          [('photos', f'IMG_{index}.jpg', photos[index])])
                status = request(album + '/envoi', teacher, body, headers)[0]
                counts['uploads' if status == 303 else 'failed'] += 1

        def sync():
            while not done.is_set():
                result = subprocess.run(
                    [sys.executable, '-m', 'ecole_ent', '--data', data, 'sync', 'aaf1d', '--force',
                     FEED], capture_output=True, env=dict(os.environ, ECOLE_DATA=data))
                counts['syncs' if result.returncode == 0 else 'failed'] += 1

        workers = [threading.Thread(target=upload, args=(i,)) for i in range(5)]
        workers.append(threading.Thread(target=sync))
        for worker in workers:
            worker.start()
        measure('during 5 uploads + sync')
        done.set()
        for worker in workers:
            worker.join()
        print(f"meanwhile: {counts['uploads']} photos stored, {counts['syncs']} syncs, "
              f"{counts['failed']} failed")


if __name__ == '__main__':
    main()
