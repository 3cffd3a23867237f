"""A person's browser over a real socket, for tests against the real server (live_server): keeps
cookies, signs in through the form, posts forms and files (multipart) with the page's CSRF token."""
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid


class Browser:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path, body=None, headers=None):
        """The response (a context manager), whatever its status (an error status is returned,
        not raised)."""
        request = urllib.request.Request(self.base + path, body, headers or {})
        try:
            return self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            return error

    def get(self, path):
        with self.open(path) as response:
            return response.status, response.read().decode()

    def csrf(self, path):
        _status, page = self.get(path)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def sign_in(self, login, password='demo'):
        body = urllib.parse.urlencode({'login': login, 'password': password,
                                       'csrf_token': self.csrf('/connexion')})
        with self.open('/connexion', body.encode()) as response:
            assert response.status == 200 and response.url.endswith('/'), response.url
        return self

    def post_multipart(self, path, fields, files, headers=None):
        """POST `fields` {name: text} and `files` [(field name, file name, bytes)] in one
        multipart/form-data body, as a browser sends a form with files; returns (status, text)."""
        boundary = uuid.uuid4().hex
        chunks = []
        for name, value in fields.items():
            chunks += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                       .encode(), value.encode(), b'\r\n']
        for name, file_name, data in files:
            chunks += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                       f'filename="{file_name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                       .encode(), data, b'\r\n']
        chunks.append(f'--{boundary}--\r\n'.encode())
        sent = {'Content-Type': f'multipart/form-data; boundary={boundary}', **(headers or {})}
        with self.open(path, b''.join(chunks), sent) as response:
            return response.status, response.read().decode()
