"""Fixtures for the appliance tests: the real command line in a subprocess, on SQLite data folders
(backups, restores, crashes and upgrades are about the SQLite appliance, whatever engine the rest
of the suite runs on)."""
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bench.common import Server

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / 'fixtures'


def cli_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith('ECOLE_')}
    env.update(extra)
    return env


def run_cli(data, *args, stdin=subprocess.DEVNULL, **env):
    """Runs `ecole-ent --data DATA ARGS` (this checkout) and returns the CompletedProcess."""
    return subprocess.run([sys.executable, '-m', 'ecole_ent', '--data', str(data), *map(str, args)],
                          cwd=ROOT, env=cli_env(**env), stdin=stdin, capture_output=True, text=True,
                          timeout=120)


def serve(data, *args):
    """`ecole-ent serve` of this checkout in a subprocess on a free loopback port, ready (HTTP 200 on
    /healthz); .port, .process, .output(), .stop() by PID (the bench harness's Server)."""
    command = [sys.executable, '-m', 'ecole_ent', '--data', str(data), 'serve', '--port', '{port}', *args]
    return Server(command, ready_path='/healthz', env=cli_env(), cwd=ROOT, timeout=60).start()


@pytest.fixture(scope='session')
def demo_folder_template(tmp_path_factory):
    """A data folder with the demo school and a few media files, made once by the real CLI."""
    data = tmp_path_factory.mktemp('demo-folder') / 'data'
    result = run_cli(data, 'demo')
    assert result.returncode == 0, result.stderr
    (data / 'media' / 'ab').mkdir(parents=True, exist_ok=True)   # the demo's photos may use it
    (data / 'media' / 'ab' / 'ab12cd.jpg').write_bytes(os.urandom(40_000))
    (data / 'media' / 'photo de classe.png').write_bytes(os.urandom(5_000))
    return data


@pytest.fixture
def demo_folder(demo_folder_template, tmp_path):
    data = tmp_path / 'data'
    shutil.copytree(demo_folder_template, data)
    return data


def table_rows(db_path):
    """Every row of every table, for before/after comparisons."""
    conn = sqlite3.connect(db_path)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in tables}
    finally:
        conn.close()


def tree_digest(folder):
    import hashlib
    digests = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = os.path.join(root, name)
            with open(path, 'rb') as f:
                digests[os.path.relpath(path, folder)] = hashlib.sha256(f.read()).hexdigest()
    return digests


def pytest_collection_modifyitems(config, items):
    """These tests never use the suite's engine (the appliance is SQLite in a data folder), so the
    PostgreSQL run of the suite skips them instead of running them a second time."""
    if not os.environ.get('ECOLE_TEST_DATABASE_URL'):
        return
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.skip(reason='SQLite appliance test: run once, in the SQLite run'))
