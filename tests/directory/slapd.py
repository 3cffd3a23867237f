"""A throw-away OpenLDAP server for the tests: test schema, sample LDIF, loopback port."""
import shutil
import socket
import subprocess
import time
from pathlib import Path

DATA = Path(__file__).parent / 'data' / 'ldap'
SUFFIX = 'dc=ent-test,dc=example'
ADMIN_DN = f'cn=admin,{SUFFIX}'
ADMIN_PASSWORD = 'test-only-secret'
SLAPD = shutil.which('slapd') or '/usr/sbin/slapd'
SLAPADD = shutil.which('slapadd') or '/usr/sbin/slapadd'


def available():
    return Path(SLAPD).exists() and Path(SLAPADD).exists()


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


class Slapd:
    def __init__(self, folder):
        self.folder = Path(folder)
        (self.folder / 'db').mkdir(parents=True)
        shutil.copy(DATA / 'ent-test.schema', self.folder / 'ent-test.schema')
        conf = (DATA / 'slapd-test.conf').read_text().replace('@DIR@', str(self.folder))
        self.conf = self.folder / 'slapd.conf'
        self.conf.write_text(conf)
        subprocess.run([SLAPADD, '-q', '-f', str(self.conf), '-l', str(DATA / 'ent-test.ldif')],
                       check=True, capture_output=True)
        self.process = None
        self.url = ''

    def start(self):
        for _attempt in range(5):
            port = free_port()
            self.url = f'ldap://127.0.0.1:{port}'
            log = open(self.folder / 'slapd.log', 'ab')
            self.process = subprocess.Popen([SLAPD, '-f', str(self.conf), '-h', self.url + '/',
                                             '-d', '0'], stdout=log, stderr=log)
            if self._ready(port):
                return self
            self.stop()
        raise RuntimeError((self.folder / 'slapd.log').read_text(errors='replace'))

    def _ready(self, port):
        for _tick in range(100):                      # up to 10 s
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(('127.0.0.1', port), timeout=0.2):
                    return True
            except OSError:
                time.sleep(0.1)
        return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
