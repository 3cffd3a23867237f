"""The reverse proxy as commune IT sets it up: Debian's nginx with the `location /` block of
provisioning/GUIDE.md, over HTTPS (a throwaway self-signed certificate), in front of the real
server. The browser connects from 127.0.0.2, so that the address the app sees can only be the one
nginx forwarded."""
import http.client
import re
import shutil
import ssl
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from ecole_ent.app import create_app
from ecole_ent.models import LoginSession
from tests.conftest import real_server, with_config

NGINX = shutil.which('nginx') or '/usr/sbin/nginx'
GUIDE = Path(__file__).resolve().parent.parent / 'provisioning' / 'GUIDE.md'
BROWSER = '127.0.0.2'

pytestmark = pytest.mark.skipif(not Path(NGINX).exists() or not shutil.which('openssl'),
                                reason='nginx and openssl (Debian packages, installed by tests/run.sh)')


def guide_location_block():
    """The `location / { ... }` block of the GUIDE's nginx example, as written there."""
    text = GUIDE.read_text(encoding='utf-8')
    block = re.search(r'\n( +)location / \{\n.*?\n\1\}', text, re.S)
    assert block, 'no nginx location block in provisioning/GUIDE.md'
    return block.group(0)


def free_port():
    import socket
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(tmp_path, config, demo):
    """(https port) of nginx proxying, as the GUIDE says, to the real server trusting 127.0.0.1."""
    subprocess.run(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
                    '-subj', '/CN=localhost', '-keyout', str(tmp_path / 'key.pem'),
                    '-out', str(tmp_path / 'cert.pem')], check=True, capture_output=True)
    port = free_port()
    with real_server(config, create_app(config)) as base:
        app_port = urllib.parse.urlsplit(base).port
        location = guide_location_block().replace('http://127.0.0.1:8080', f'http://127.0.0.1:{app_port}')
        temp = {name: tmp_path / name for name in ('body', 'proxy', 'fastcgi', 'uwsgi', 'scgi')}
        (tmp_path / 'nginx.conf').write_text(f'''
user root;
daemon off;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {temp['body']}; proxy_temp_path {temp['proxy']};
    fastcgi_temp_path {temp['fastcgi']}; uwsgi_temp_path {temp['uwsgi']}; scgi_temp_path {temp['scgi']};
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate     {tmp_path}/cert.pem;
        ssl_certificate_key {tmp_path}/key.pem;
        client_max_body_size 200m;
{location}
    }}
}}
''', encoding='utf-8')
        process = subprocess.Popen([NGINX, '-p', str(tmp_path), '-c', str(tmp_path / 'nginx.conf')],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise RuntimeError('nginx: ' + process.stderr.read().decode())
                try:
                    request(port, 'GET', '/healthz')
                    break
                except OSError:
                    time.sleep(0.1)
            yield port
        finally:
            process.terminate()
            process.wait(10)


def request(port, method, path, body=None, cookies=''):
    """(status, headers as a list, text) of one HTTPS request from the browser's address."""
    context = ssl.create_default_context()
    context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    connection = http.client.HTTPSConnection('127.0.0.1', port, timeout=30, context=context,
                                             source_address=(BROWSER, 0))
    headers = {'Cookie': cookies}
    if body is not None:
        headers['Content-Type'] = 'application/x-www-form-urlencoded'
    connection.request(method, path, body=urllib.parse.urlencode(body) if body else None,
                       headers=headers)
    response = connection.getresponse()
    result = response.status, response.getheaders(), response.read().decode()
    connection.close()
    return result


def cookie_header(headers):
    return '; '.join(value.split(';')[0] for name, value in headers if name.lower() == 'set-cookie')


@with_config(server_trusted_proxy='127.0.0.1', security_school_networks='192.168.0.0/16')
def test_through_the_guides_nginx_the_app_sees_the_browser_and_https(nginx):
    status, headers, page = request(nginx, 'GET', '/connexion')
    assert status == 200
    hsts = [value for name, value in headers if name.lower() == 'strict-transport-security']
    assert hsts == ['max-age=31536000']                      # once: nginx's, the app's hidden
    anon = cookie_header(headers)
    assert all('Secure' in value for name, value in headers if name.lower() == 'set-cookie')
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    status, headers, _page = request(nginx, 'POST', '/connexion', cookies=anon, body={
        'login': 'julien.roux', 'password': 'demo', 'csrf_token': token})
    assert status == 303
    session = next(value for name, value in headers
                   if name.lower() == 'set-cookie' and value.startswith('ecole_session='))
    assert 'Secure' in session and 'HttpOnly' in session
    assert LoginSession.get().remote_addr == BROWSER          # not nginx's 127.0.0.1
    status, _headers, page = request(nginx, 'GET', '/carte?jeton=abcd2345')
    assert status == 403 and 'réseau de l' in page           # 127.0.0.2 is outside the school


@with_config(server_trusted_proxy='127.0.0.1', security_school_networks='127.0.0.2/32')
def test_through_the_guides_nginx_a_school_address_may_use_a_card(nginx):
    status, _headers, page = request(nginx, 'GET', '/carte?jeton=abcd2345')
    assert status == 403 and 'Cette carte ne fonctionne pas' in page     # the network was fine
