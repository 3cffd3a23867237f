"""Media pipeline figures: our pipeline against a naive Pillow one, and peak memory.

    python -m bench.bench_media [--rounds 5]     (or python bench/bench_media.py)

1. A generated 12-megapixel JPEG (4000x3000, shapes + sensor-like noise, so it weighs what a
   phone photo weighs) through `process_image` (all three sizes) and through a naive pipeline
   (open, full decode, resize the original to 2560, 1600 and 400 px, save; no draft mode), in the
   same run, rounds alternating. Target: ours <= 0.5x naive. The same on a 48-megapixel photo
   (8064x6048), where JPEG draft mode applies to the full size too. And the 12-megapixel photo
   as a phone writes it (an sRGB ICC profile, EXIF orientation 6), against the same naive code,
   which ignores both.
2. Peak RSS of a fresh process that stores five 8 MB uploads at once (five threads through
   MediaStore.store_image, within the decode slots), then of the real server (`ecole-ent serve
   --demo`) while five 8 MB photos are uploaded to it at once over HTTP. Target: < 150 MB.
   Meanwhile a parent opens their home again and again: its latency against an idle server
   (uploads run in the slow lane, pages on the socket thread: see ecole_ent/lanes.py).
Prints figures; asserts nothing (speed is not a test).
"""
import argparse
import http.client
import io
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

from ecole_ent.media import Limits, process_image  # noqa: E402


def make_photo(width, height, noise=18, quality=90, seed=1):
    """A photo-like JPEG: soft shapes on a gradient, plus grain."""
    rnd = random.Random(seed)
    small = Image.linear_gradient('L').resize((width // 8, height // 8)).convert('RGB')
    draw = ImageDraw.Draw(small)
    for _ in range(60):
        x, y = rnd.randrange(width // 8), rnd.randrange(height // 8)
        r = rnd.randrange(10, width // 20)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rnd.randrange(256) for _ in range(3)))
    picture = small.filter(ImageFilter.GaussianBlur(2)).resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), noise).convert('RGB')
    picture = Image.blend(picture, grain, 0.2)
    out = io.BytesIO()
    picture.save(out, 'JPEG', quality=quality)
    return out.getvalue()


def as_phone_writes_it(data):
    """The same pixels with what a phone adds: an sRGB ICC profile and EXIF orientation 6."""
    from PIL import ImageCms
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, 'JPEG', quality=90, exif=exif, icc_profile=ImageCms.ImageCmsProfile(
        ImageCms.createProfile('sRGB')).tobytes())
    return out.getvalue()


def naive(data, quality=85):
    image = Image.open(io.BytesIO(data))
    image.load()
    for edge in (2560, 1600, 400):
        ratio = edge / max(image.size)
        size = (round(image.width * ratio), round(image.height * ratio))
        image.resize(size).save(io.BytesIO(), 'JPEG', quality=quality)


def measure(fn):
    """(wall, cpu) seconds. CPU time is the steadier figure on a busy machine: the pipeline runs
    in the calling thread (Pillow releases the GIL but does not spread one image over cores)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def compare(label, data, rounds):
    """Rounds alternate ours and naive, so a busy moment of the machine hits both alike."""
    ours, plain = [], []
    for _ in range(rounds):
        ours.append(measure(lambda: process_image(io.BytesIO(data), Limits())))
        plain.append(measure(lambda: naive(data)))
    print(f'{label}: {len(data) / 1e6:.1f} MB, {rounds} alternating rounds, median (best) ms')
    for name, runs in (('naive Pillow (3 resizes of the original, no draft)', plain),
                       ('ecole_ent pipeline (draft, each size from the last)', ours)):
        wall, cpu = zip(*runs)
        print(f'  {name:52s} wall {statistics.median(wall) * 1000:5.0f} ({min(wall) * 1000:4.0f})'
              f'   cpu {statistics.median(cpu) * 1000:5.0f} ({min(cpu) * 1000:4.0f})')
    ratio = [o[1] / p[1] for o, p in zip(ours, plain)]
    wall_ratio = statistics.median(o[0] for o in ours) / statistics.median(p[0] for p in plain)
    print(f'  ratio ours/naive: cpu {statistics.median(ratio):.2f}x (median of rounds), '
          f'wall {wall_ratio:.2f}x   (target <= 0.50x)')


MEMORY_CHILD = r'''
import os, sys, threading
sys.path.insert(0, sys.argv[1])
from ecole_ent.media import Limits, MediaStore
paths = sys.argv[3:]
store = MediaStore(sys.argv[2])
def high_water_mb():  # VmHWM: ru_maxrss would report the parent's peak, kept across exec
    with open('/proc/self/status') as status:
        return next(int(l.split()[1]) // 1024 for l in status if l.startswith('VmHWM:'))
baseline = high_water_mb()
errors = []
def one(path):
    try:
        with open(path, 'rb') as stream:
            store.store_image(stream, Limits())
    except Exception as exc:
        errors.append(exc)
threads = [threading.Thread(target=one, args=(p,)) for p in paths]
for t in threads: t.start()
for t in threads: t.join()
print(baseline, high_water_mb(), len(errors))
'''


def memory(tmp):
    paths = []
    for i in range(5):
        data = make_photo(4000, 3000, noise=140, quality=96, seed=i)
        path = os.path.join(tmp, f'upload{i}.jpg')
        with open(path, 'wb') as out:
            out.write(data)
        paths.append(path)
    sizes = ', '.join(f'{os.path.getsize(p) / 1e6:.1f}' for p in paths)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, '-c', MEMORY_CHILD, root, os.path.join(tmp, 'store'), *paths],
                         capture_output=True, text=True, check=True).stdout.split()
    baseline, peak, errors = map(int, out)
    print(f'five uploads at once ({sizes} MB, 4000x3000), {os.cpu_count()} decode slots:')
    print(f'  peak RSS {peak} MB (process after imports: {baseline} MB), refused: {errors}'
          f'   (target < 150 MB)')


def request(url, cookie, body=None, headers=None):
    """(status, headers, text) of one request with the session cookie; redirects not followed."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=300)
    connection.request('POST' if body is not None else 'GET', parts.path, body=body,
                       headers={'Cookie': cookie, **(headers or {})})
    response = connection.getresponse()
    result = response.status, dict(response.getheaders()), response.read().decode('utf-8', 'replace')
    connection.close()
    return result


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, data in files:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                  'Content-Type: image/jpeg\r\n\r\n'.encode() + data + b'\r\n')
    out.write(f'--{boundary}--\r\n'.encode())
    return out.getvalue(), {'Content-Type': f'multipart/form-data; boundary={boundary}'}


def server_memory(tmp):
    """The real server (`ecole-ent serve --demo`) while five 8 MB photos are uploaded at once."""
    from bench.common import GUARDIAN, Server, rss_mb, sign_in_cookie
    photos = [make_photo(4000, 3000, noise=140, quality=96, seed=10 + i) for i in range(5)]
    command = [sys.executable, '-m', 'ecole_ent', '--data', os.path.join(tmp, 'server'), 'serve',
               '--port', '{port}', '--demo']
    with Server(command, ready_path='/connexion', cwd=ROOT) as server:
        cookie = sign_in_cookie(server.url, 'julien.roux', 'demo')
        page = request(server.url + '/photos', cookie)[2]
        class_path = re.search(r'href="(/classe/\d+/photos)"', page).group(1)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        body, headers = multipart({'csrf_token': token, 'title': 'Banc d’essai'}, [])
        album = request(server.url + class_path, cookie, body, headers)[1]['Location']
        family = sign_in_cookie(server.url, GUARDIAN, 'demo')
        idle = [home_seconds(server.url, family) for _ in range(50)]
        before = rss_mb(server.pid)
        peak, done, statuses, busy = [before], threading.Event(), [], []

        def sample():
            while not done.is_set():
                peak.append(rss_mb(server.pid))
                time.sleep(0.02)

        def browse():               # a parent opens their home again and again meanwhile
            while not done.is_set():
                busy.append(home_seconds(server.url, family))

        def send(index):
            body, headers = multipart({'csrf_token': token}, [('photos', f'IMG_{index}.jpg', photos[index])])
            statuses.append(request(album + '/envoi', cookie, body, headers)[0])

        sampler, browser = threading.Thread(target=sample), threading.Thread(target=browse)
        sampler.start()
        browser.start()
        started = time.perf_counter()
        senders = [threading.Thread(target=send, args=(i,)) for i in range(5)]
        for thread in senders:
            thread.start()
        for thread in senders:
            thread.join()
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        browser.join()
        listing = request(album, cookie)[2]
    sizes = ', '.join(f'{len(p) / 1e6:.1f}' for p in photos)
    print(f'server (ecole-ent serve --demo) while five uploads run at once ({sizes} MB, 4000x3000):')
    print(f'  RSS before {before:.0f} MB, peak {max(peak):.0f} MB (target < 150 MB); '
          f'{elapsed:.1f} s for the five; statuses {sorted(statuses)}; '
          f'{listing.count("/media/")} thumbnails in the album')
    print(f'  a parent\'s home meanwhile: {len(busy)} loads, median {median_ms(busy):.1f} ms, '
          f'slowest {max(busy) * 1000:.0f} ms (idle server: median {median_ms(idle):.1f} ms, '
          f'slowest {max(idle) * 1000:.0f} ms)')


def home_seconds(base_url, cookie):
    started = time.perf_counter()
    status = request(base_url + '/', cookie)[0]
    assert status == 200, status
    return time.perf_counter() - started


def median_ms(seconds):
    return statistics.median(seconds) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rounds', type=int, default=5, help='rounds per measure (best is kept)')
    args = parser.parse_args()
    photo = make_photo(4000, 3000)
    compare('12 MP JPEG 4000x3000', photo, args.rounds)
    compare('12 MP JPEG 4000x3000 as a phone writes it (sRGB profile, orientation 6)',
            as_phone_writes_it(photo), args.rounds)
    compare('48 MP JPEG 8064x6048', make_photo(8064, 6048), max(2, args.rounds // 2))
    with tempfile.TemporaryDirectory() as tmp:
        memory(tmp)
        server_memory(tmp)


if __name__ == '__main__':
    main()
