"""The real app behind a real waitress (as `serve` runs it) on a free loopback port:
pages, health, concurrent writes."""
import ctypes
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from ecole_ent.models import LoginSession, User
from tests.real_http import Browser


def test_login_page_static_file_and_health_over_real_http(live_server):
    browser = Browser(live_server)
    status, page = browser.get('/connexion')
    assert status == 200 and 'Connexion' in page
    status, css = browser.get('/static/css/ecole.css')
    assert status == 200 and 'font' in css
    status, body = browser.get('/healthz')
    health = json.loads(body)
    assert status == 200 and health['database'] == 'ok' and health['status'] == 'ok'


def test_health_answers_200_on_a_fresh_data_folder(client):
    response = client.get('/healthz')
    assert response.status_int == 200 and response.json['database'] == 'ok'
    assert isinstance(response.json['warnings'], list)


def test_teacher_signs_in_over_real_http(live_server):
    browser = Browser(live_server)
    status, _headers, page = browser.form('/connexion', login='julien.roux', password='demo')
    assert status == 200 and browser.url.endswith('/') and 'Bonjour Julien' in page


def test_fifty_concurrent_sign_ins_lose_no_write(live_server, demo):
    logins = [u.login for u in User.with_role('guardian').order_by(User.login).limit(50)]
    assert len(logins) == 50

    def sign_in(login):
        browser = Browser(live_server)
        status, _headers, _page = browser.form('/connexion', login=login, password='demo')
        return status, browser.url

    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(sign_in, logins))
    assert all(status == 200 and url.endswith('/') for status, url in results)
    assert LoginSession.select().count() == 50
    signed = User.select().where(User.login.in_(logins) & User.last_login_at.is_null(False)).count()
    assert signed == 50


HEAPS_SCRIPT = '''
import ctypes, os, sys, tempfile, threading
from ecole_ent import malloc
took = malloc.limit_arenas() if sys.argv[1] == 'limited' else None
ready = threading.Barrier(8)

def allocate():
    ready.wait()
    kept = [bytearray(4000) for _ in range(500)]     # over 512 bytes: malloc's, not Python's arenas
    ready.wait()

threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
path = os.path.join(tempfile.mkdtemp(), 'heaps.xml')
stream = libc.fopen(path.encode(), b'w')
libc.malloc_info(0, ctypes.c_void_p(stream))
libc.fclose(ctypes.c_void_p(stream))
print(took, open(path).read().count('<heap nr='))
'''


@pytest.mark.skipif(not hasattr(ctypes.CDLL(None), 'malloc_info'), reason='glibc only')
def test_a_serving_process_keeps_two_malloc_heaps_whatever_its_threads():
    """serve() limits glibc to two heaps before any thread starts: eight threads allocating at once
    would otherwise each get one of their own, kept as it grew (bench_home: 8 MB a process)."""
    def heaps(mode):
        done = subprocess.run([sys.executable, '-c', HEAPS_SCRIPT, mode], capture_output=True, text=True,
                              check=True, env={k: v for k, v in os.environ.items() if k != 'MALLOC_ARENA_MAX'})
        took, count = done.stdout.split()
        return took, int(count)
    assert heaps('limited') == ('True', 2)
    assert heaps('free')[1] > 2


# Libraries only some requests use (an upload, a post written, a calendar export, statistics, the
# directory's sync, a QR card): imported by them, not by every serving process at start.
LOADED_ON_USE = ('PIL', 'pillow_heif', 'markdown', 'nh3', 'icalendar', 'pygal', 'ldap3', 'segno',
                 'defusedxml', 'tarfile', 'zipfile', 'smtplib')


def test_a_serving_process_starts_without_the_libraries_of_rare_requests(tmp_path):
    """Each serving process must fit in 64 MB with the five languages (bench_home): these
    libraries would take 15 MB of each at start."""
    script = ('import sys\nfrom ecole_ent import runtime, server\n'
              f'server.build(runtime.open_config({str(tmp_path)!r}))\n'
              'print(" ".join(sorted({name.split(".")[0] for name in sys.modules})))')
    done = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    assert {'bottle', 'peewee', 'jinja2', 'waitress', 'ecole_ent'} <= loaded
    assert loaded.isdisjoint(LOADED_ON_USE), sorted(loaded & set(LOADED_ON_USE))


MMAP_SCRIPT = '''
import ctypes, sys
from ecole_ent import malloc
took = malloc.give_back_large_blocks() if sys.argv[1] == 'fixed' else None

class Info(ctypes.Structure):       # glibc's struct mallinfo2
    _fields_ = [(name, ctypes.c_size_t) for name in
                ('arena', 'ordblks', 'smblks', 'hblks', 'hblkhd', 'usmblks', 'fsmblks', 'uordblks',
                 'fordblks', 'keepcost')]
libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
del bytearray(8 * 2**20)[:]         # a large block freed: glibc's default raises its threshold to it
block = bytearray(2 * 2**20)
print(took, libc.mallinfo2().hblkhd >= 2 * 2**20)
'''


@pytest.mark.skipif(not hasattr(ctypes.CDLL(None), 'mallinfo2'), reason='glibc only')
def test_large_blocks_stay_mapped_apart_after_a_large_free():
    """malloc.give_back_large_blocks(): a 2 MB block is still mapped apart (and given back when
    freed) after an 8 MB one was freed; by glibc's default it would come from the heap."""
    def mapped(mode):
        return subprocess.run([sys.executable, '-c', MMAP_SCRIPT, mode], capture_output=True, text=True,
                              check=True, env={k: v for k, v in os.environ.items()
                                               if not k.startswith('MALLOC_')}).stdout.split()
    assert mapped('fixed') == ['True', 'True']
    assert mapped('default') == ['None', 'False']
