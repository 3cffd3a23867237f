"""Static files under content-hashed names, the icon sprite and the app's PNG icons.

`/static/css/ecole.css` is also served as `/static/css/ecole.<hash>.css`, the hash being the first
ten hex digits of the SHA-256 of the file's bytes, computed once per file and process: a page links
the hashed name (render.static), which a browser may keep for a year (`immutable`); the plain name
keeps working for pages already out there, with a short cache. Stylesheets are served with their
comments and spaces removed (a quarter of their weight: the guardian home's budget, issue 20).

Three files exist only in memory, built once from the shipped ones (so the PyInstaller binary
needs nothing more under resource_dir('static')):
- `img/icons.svg`, every icon of static/img/icons/ as one `<symbol id="NAME">` (the files hold one
  `<g id="i">` each): a page fetches one file instead of one per icon;
- `img/app-192.png`, `img/app-512.png`, the installed app's icons (the favicon's mark, drawn with
  Pillow: the manifest needs bitmap sizes for Android's home screen).
"""
import hashlib
import io
import re
import threading
from pathlib import Path

from ..paths import resource_dir

HASH_LENGTH = 10
SPRITE = 'img/icons.svg'
APP_ICON_SIZES = (192, 512)
ACCENT = '#1f5fa8'         # static/css/ecole.css --accent, the favicon's background
PAGE = '#f6f5f1'           # static/css/ecole.css --page

_lock = threading.Lock()
_hashed = {}               # logical path -> hashed path
_by_hashed = {}            # hashed path -> logical path
_built = {}                # logical path of an in-memory file -> its bytes
_minified = {}             # logical path of a stylesheet -> its minified bytes (read once)
_MISSING = object()


def static_root():
    return Path(resource_dir('static'))


def _makers():
    makers = {SPRITE: build_sprite}
    for size in APP_ICON_SIZES:
        makers[f'img/app-{size}.png'] = (lambda s=size: app_icon_png(s))
    return makers


def built_file(path):
    """The bytes of an in-memory file (the sprite, the app icons), or None for other paths."""
    maker = _makers().get(path)
    if maker is None:
        return None
    with _lock:
        if path not in _built:
            _built[path] = maker()
        return _built[path]


def source_bytes(path):
    """The bytes a static path serves: a built file, a stylesheet minified, else the file (None when
    there is no such file or the path leaves the static folder). A stylesheet is read and minified
    once per process, as the built files are (the files ship with the release): not on every
    request for it."""
    built = built_file(path)
    if built is not None:
        return built
    found = _minified.get(path)
    if found is not None:
        return found
    root = static_root().resolve()
    file = (root / path).resolve()
    if root not in file.parents or not file.is_file():
        return None
    data = file.read_bytes()
    if not path.endswith('.css'):
        return data
    with _lock:
        return _minified.setdefault(path, minify_css(data))


def hashed(path):
    """`css/ecole.css` -> `css/ecole.0a1b2c3d4e.css` (the same path when the file does not exist)."""
    found = _hashed.get(path)
    if found is None:
        data = built_file(path)
        if data is None:
            file = static_root() / path
            data = file.read_bytes() if file.is_file() else _MISSING
        if data is _MISSING:
            return path
        stem, dot, ext = path.rpartition('.')
        digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
        found = f'{stem}.{digest}.{ext}' if dot else f'{path}.{digest}'
        with _lock:
            _hashed[path] = found
            _by_hashed[found] = path
    return found


_HASHED_NAME = re.compile(r'(.+)\.([0-9a-f]{%d})(\.[A-Za-z0-9]+)' % HASH_LENGTH)


def unhashed(path):
    """The logical path of a hashed one (None when `path` is no current hashed name)."""
    found = _by_hashed.get(path)
    if found is None:
        match = _HASHED_NAME.fullmatch(path)
        if match and hashed(match.group(1) + match.group(3)) == path:   # not linked yet in this process
            found = match.group(1) + match.group(3)
    return found


_COMMENT = re.compile(rb'/\*.*?\*/', re.S)
_STRING = re.compile(rb'("(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\')')
_AROUND = re.compile(rb'\s*([{};,>])\s*')


def minify_css(data):
    """Comments and needless spaces out; strings kept as they are; a space before a colon kept
    (`a :focus` is not `a:focus`), after it dropped."""
    pieces = _STRING.split(_COMMENT.sub(b'', data))
    for i in range(0, len(pieces), 2):      # even pieces are outside strings
        text = re.sub(rb'\s+', b' ', pieces[i])
        pieces[i] = _AROUND.sub(rb'\1', text).replace(b': ', b':')
    return b''.join(pieces).replace(b';}', b'}').strip() + b'\n'


def build_sprite():
    """Every static/img/icons/NAME.svg as `<symbol id="NAME">` of one SVG."""
    symbols = []
    for file in sorted((static_root() / 'img' / 'icons').glob('*.svg')):
        text = file.read_text(encoding='utf-8')
        root = re.search(r'<svg\b[^>]*>', text)
        view_box = re.search(r'viewBox="([^"]+)"', root.group(0)) if root else None
        inner = text[root.end():text.rindex('</svg>')].strip() if root else ''
        inner = re.sub(r'\s+id="i"', '', inner, count=1)
        symbols.append(f'<symbol id="{file.stem}" viewBox="{view_box.group(1) if view_box else "0 0 24 24"}">'
                       f'{inner}</symbol>')
    return ('<svg xmlns="http://www.w3.org/2000/svg">' + ''.join(symbols) + '</svg>\n').encode()


def app_icon_png(size):
    """The favicon's mark (a house on the accent colour) as a square PNG of `size` pixels, the
    house inside the middle 80 % so that Android's round masks keep it whole (`maskable`)."""
    from PIL import Image, ImageDraw
    big = size * 4                              # drawn larger, then reduced: smooth edges
    image = Image.new('RGB', (big, big), ACCENT)
    draw = ImageDraw.Draw(image)
    unit = big / 32                             # the favicon's 32-unit grid, scaled
    width = max(1, round(2.4 * unit))

    def pt(x, y):
        return (round(x * unit), round(y * unit))
    roof = [pt(7, 15.5), pt(16, 8), pt(25, 15.5)]
    body = [pt(9.5, 13.5), pt(9.5, 24), pt(14.5, 24), pt(14.5, 19), pt(17.5, 19), pt(17.5, 24),
            pt(22.5, 24), pt(22.5, 13.5)]
    radius = width / 2
    for line in (roof, body):
        draw.line(line, fill='white', width=width, joint='curve')
        for x, y in (line[0], line[-1]):
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill='white')
    out = io.BytesIO()
    image.resize((size, size), Image.LANCZOS).save(out, 'PNG', optimize=True)
    return out.getvalue()
