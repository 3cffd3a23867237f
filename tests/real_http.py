"""A person's browser over a real socket, for tests against the real server (live_server): keeps
cookies, signs in through the form, posts forms and files (multipart) with the page's CSRF token.
The one such client of the tests: `headers` go with every request (X-Forwarded-For, as a proxy
names the client), redirects can be left unfollowed, and `proxied_https` sends Secure cookies over
the plain-HTTP hop from the proxy to the app."""
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is returned as it is (its status and Location), not followed."""

    def redirect_request(self, *args, **kwargs):
        return None


class ProxiedHttps(http.cookiejar.DefaultCookiePolicy):
    """The browser speaks HTTPS to the proxy: it sends its Secure cookies (the proxy's hop to the
    app is plain HTTP)."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    def __init__(self, base, headers=None, follow_redirects=True, proxied_https=False):
        """`base` is put before every path ('' to give full URLs, e.g. one browser for several
        servers: its cookie jar is shared by every port of 127.0.0.1, as browsers do)."""
        self.base = base
        self.jar = http.cookiejar.CookieJar(ProxiedHttps() if proxied_https else None)
        handlers = [urllib.request.HTTPCookieProcessor(self.jar)]
        if not follow_redirects:
            handlers.append(NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)
        self.opener.addheaders += list((headers or {}).items())
        self.url = None                  # the last response's URL (after redirects followed)
        self.content = None              # the last response's body, as bytes

    def open(self, path, body=None, headers=None):
        """The response (a context manager), whatever its status (an error status is returned,
        not raised)."""
        request = urllib.request.Request(self.base + path, body, headers or {})
        try:
            return self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            return error

    def request(self, path, data=None):
        """GET `path`, or POST the form fields `data` {name: text}; returns (status, headers,
        text) and keeps the final URL in self.url."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with self.open(path, body) as response:
            self.content = response.read()
            self.url = response.geturl()
            return response.status, response.headers, self.content.decode('utf-8', 'replace')

    def get(self, path):
        status, _headers, text = self.request(path)
        return status, text

    def csrf(self, path):
        _status, page = self.get(path)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def form(self, path, token_from=None, **fields):
        """POST `fields` to `path` with the CSRF token of the page `token_from` (`path` itself
        by default), as a person submits the form; returns (status, headers, text)."""
        return self.request(path, {**fields, 'csrf_token': self.csrf(token_from or path)})

    def cookie(self, name):
        return next(c.value for c in self.jar if c.name == name)

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
