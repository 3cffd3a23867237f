"""Crash safety: the real server, killed with SIGKILL in the middle of a burst of writes (sign-ins,
each writing a session), restarts with an intact database and every acknowledged write present;
a backup taken during the burst is consistent."""
import http.client
import re
import signal
import sqlite3
import threading
import urllib.parse

from ecole_ent.maintenance import backup
from tests.maintenance.conftest import run_cli, serve


def sign_in(port, login):
    """One sign-in over a fresh connection; returns the session cookie once the server answered 303."""
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    try:
        conn.request('GET', '/connexion')
        page = conn.getresponse()
        body = page.read().decode()
        cookies = '; '.join(c.split(';')[0] for c in page.headers.get_all('Set-Cookie') or [])
        token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
        form = urllib.parse.urlencode({'login': login, 'password': 'demo', 'csrf_token': token})
        conn.request('POST', '/connexion', form, {'Content-Type': 'application/x-www-form-urlencoded',
                                                   'Cookie': cookies})
        answer = conn.getresponse()
        answer.read()
        if answer.status != 303:
            raise AssertionError(f'sign-in of {login} answered {answer.status}')
        session = [c.split(';')[0] for c in answer.headers.get_all('Set-Cookie') or [] if 'HttpOnly' in c]
        return '; '.join(session)
    finally:
        conn.close()


def home_status(port, cookie):
    conn = http.client.HTTPConnection('127.0.0.1', port, timeout=30)
    try:
        conn.request('GET', '/', headers={'Cookie': cookie})
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader('Location')
    finally:
        conn.close()


def test_sigkill_during_a_burst_of_writes_loses_no_acknowledged_write(demo_folder):
    logins = [row[0] for row in sqlite3.connect(demo_folder / 'ecole.db').execute(
        "SELECT login FROM user WHERE status = 'active' ORDER BY login LIMIT 8")]
    server = serve(demo_folder)
    acknowledged, lock = [], threading.Lock()
    enough = threading.Event()

    def burst(login):
        while True:
            try:
                cookie = sign_in(server.port, login)
            except (OSError, http.client.HTTPException, AssertionError):
                return      # the server is gone
            with lock:
                acknowledged.append((login, cookie))
                if len(acknowledged) >= 12:
                    enough.set()

    threads = [threading.Thread(target=burst, args=(login,)) for login in logins]
    try:
        for thread in threads:
            thread.start()
        assert enough.wait(120), server.output()
        hot = run_cli(demo_folder, 'backup')           # an online backup in the middle of the writes
        assert hot.returncode == 0, hot.stderr
        server.process.send_signal(signal.SIGKILL)     # mid-burst: other sign-ins are under way
        server.process.wait(10)
    finally:
        server.stop()
        for thread in threads:
            thread.join(60)
    with lock:
        written = list(acknowledged)
    assert len(written) >= 12 and all('=' in cookie for _login, cookie in written)

    backup.verify_archive(hot.stdout.strip())          # consistent although taken under writes

    restarted = serve(demo_folder)
    try:
        conn = sqlite3.connect(f'file:{demo_folder / "ecole.db"}?mode=ro', uri=True)
        assert conn.execute('PRAGMA integrity_check').fetchall() == [('ok',)]
        conn.close()
        forged = written[0][1].split('=')[0] + '=forged-session-id'
        assert home_status(restarted.port, forged)[0] == 303    # the check below can fail
        lost = [(login, home_status(restarted.port, cookie)) for login, cookie in written
                if home_status(restarted.port, cookie)[0] != 200]
        assert lost == [], f'{len(lost)} acknowledged sign-ins of {len(written)} lost after the crash'
    finally:
        restarted.stop()


def test_a_running_server_logs_to_its_data_folder_and_keeps_others_off_it(demo_folder, tmp_path):
    archive = run_cli(demo_folder, 'backup', '--dest', tmp_path / 'b').stdout.strip()
    server = serve(demo_folder)
    try:
        second = run_cli(demo_folder, 'serve', '--port', '1')
        assert second.returncode == 1 and 'utilise ce dossier de données' in second.stderr
        restore = run_cli(demo_folder, 'restore', archive, '--yes')
        assert restore.returncode == 1 and 'arrêtez-le' in restore.stderr
        assert home_status(server.port, '')[0] == 303     # still serving
        log = (demo_folder / 'logs' / 'ecole-ent.log').read_text(encoding='utf-8')
        assert f'écoute sur http://127.0.0.1:{server.port}/' in log
    finally:
        server.stop()
    assert run_cli(demo_folder, 'restore', archive, '--yes').returncode == 0
