"""The one-file binary: its size and its cold start to the first HTTP 200 (the login page).

    .venv/bin/python -m bench.bench_binary [--binary dist/ecole-ent] [--runs 5]

Build the binary first (pyinstaller --noconfirm installer/ecole-ent.spec). A "cold start" runs the
binary on a data folder that already holds the demo school: unpacking, imports, opening the
database, first page. The very first start on an empty folder (migrations + demo seeding) is shown
apart. Targets (issue 7): binary <= 45 MB; cold start <= 1.5 s on a 2-core machine.
"""
import argparse
import os
import statistics
import subprocess
import tempfile

from bench.common import Server, rss_mb


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--binary', default='dist/ecole-ent')
    parser.add_argument('--runs', type=int, default=5)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if not os.path.isfile(binary):
        raise SystemExit('%s introuvable : construisez-le (pyinstaller --noconfirm installer/ecole-ent.spec)' % binary)
    size_mb = os.path.getsize(binary) / 2**20
    print('binary              %s' % binary)
    version = subprocess.run([binary, '--version'], capture_output=True, text=True).stdout.strip()
    print('version             %s' % version)
    print('size                %.1f MB   (target <= 45 MB)' % size_mb)
    print('cores               %d' % os.cpu_count())

    with tempfile.TemporaryDirectory(prefix='bench-binary-') as data:
        command = [binary, '--data', data, 'serve', '--port', '{port}']
        with Server(command + ['--demo'], ready_path='/connexion') as first:
            print('first start         %.2f s   (empty folder: migrations + demo school)' % first.start_seconds)
        starts, memory = [], []
        for _ in range(args.runs):
            with Server(command, ready_path='/connexion') as server:
                starts.append(server.start_seconds)
                memory.append(rss_mb(server.pid))
        print('cold start          median %.2f s, min %.2f s, max %.2f s over %d runs   (target <= 1.5 s)'
              % (statistics.median(starts), min(starts), max(starts), len(starts)))
        print('memory after start  %.0f MB (bootloader + server processes)' % statistics.median(memory))


if __name__ == '__main__':
    main()
