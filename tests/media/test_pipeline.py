"""The media pipeline on images made here: what is kept, what is stripped, what is refused."""
import io
import os
import threading

import pytest
from PIL import Image, ImageCms

from ecole_ent.media import Limits, MediaError, MediaStore, images
from tests.media import media_samples as samples

FORBIDDEN_BYTES = (b'Exif', b'GPS', b'ICC_PROFILE', b'http://ns.adobe.com', b'xmpmeta', b'<script',
                   b'PhoneMaker', b'Phone 12', b'Sortie au parc', b'PK\x03\x04', b'<html',
                   b'Mme Martin', b'comment')


@pytest.fixture
def store(tmp_path):
    return MediaStore(tmp_path / 'media')


def store_bytes(store, data, limits=Limits()):
    return store.store_image(io.BytesIO(data), limits)


def assert_clean(path):
    """A stored file: a plain JPEG with no metadata at all, by Pillow and by its bytes."""
    data = open(path, 'rb').read()
    for needle in FORBIDDEN_BYTES:
        assert needle not in data, (needle, path)
    with Image.open(path) as image:
        assert image.format == 'JPEG'
        assert image.mode == 'RGB'
        assert len(image.getexif()) == 0
        assert not set(image.info) & {'exif', 'icc_profile', 'xmp', 'comment', 'photoshop'}
        assert not image.applist or all(marker == 'APP0' for marker, _ in image.applist)


def assert_nothing_on_disk(store):
    left = [os.path.join(d, f) for d, _, files in os.walk(store.root) for f in files]
    assert left == []


def pixel(path, xy_fraction):
    with Image.open(path) as image:
        x, y = (int(f * (s - 1)) for f, s in zip(xy_fraction, image.size))
        return image.convert('RGB').getpixel((x, y))


def close(color, expected, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(color, expected))


def test_samples_really_carry_what_is_stripped():
    with Image.open(io.BytesIO(samples.jpeg_orientation_6_with_gps())) as phone:
        exif = phone.getexif()
        assert exif[0x0112] == 6 and exif.get_ifd(0x8825)[2] == (43.0, 42.0, 6.5)
        assert phone.info['icc_profile'] and b'xmpmeta' in phone.info['xmp']
        assert phone.info['comment'].startswith(b'Sortie')
    with Image.open(io.BytesIO(samples.png_with_alpha())) as png:
        assert png.getexif().get_ifd(0x8825) and '<script' in png.info['Comment']
    with Image.open(io.BytesIO(samples.webp_with_exif())) as webp:
        assert webp.getexif().get_ifd(0x8825) and 'xmp' in webp.info


def test_phone_jpeg_is_turned_upright_and_loses_gps_exif_xmp_icc_and_comment(store):
    stored = store_bytes(store, samples.jpeg_orientation_6_with_gps())
    assert stored.sizes == {'full': (400, 600), 'display': (400, 600), 'thumb': (267, 400)}
    for digest in stored.digests():
        path = store.path(digest)
        assert_clean(path)
        assert close(pixel(path, (0.5, 0.1)), samples.RED)     # red on top: upright
        assert close(pixel(path, (0.5, 0.9)), samples.BLUE)


def test_large_photo_gets_three_sizes_capped_and_in_proportion(store):
    stored = store_bytes(store, samples.large_jpeg(3000, 2000))
    assert stored.sizes == {'full': (2560, 1707), 'display': (1600, 1067), 'thumb': (400, 267)}
    for digest, name in zip(stored.digests(), ('full', 'display', 'thumb')):
        with Image.open(store.path(digest)) as image:
            assert image.size == stored.sizes[name]
        assert_clean(store.path(digest))


def test_full_size_cap_is_configurable(store):
    stored = store_bytes(store, samples.large_jpeg(3000, 2000, orientation=8),
                         Limits(full_edge=1200))
    assert stored.sizes == {'full': (800, 1200), 'display': (800, 1200), 'thumb': (267, 400)}


def test_png_alpha_is_flattened_on_white_and_text_chunks_dropped(store):
    stored = store_bytes(store, samples.png_with_alpha())
    path = store.path(stored.full)
    assert_clean(path)
    assert close(pixel(path, (0.2, 0.5)), (255, 255, 255), tolerance=3)
    assert close(pixel(path, (0.8, 0.5)), samples.GREEN)


def test_one_pixel_image_is_kept_at_one_pixel(store):
    stored = store_bytes(store, samples.one_pixel())
    assert stored.sizes == {'full': (1, 1), 'display': (1, 1), 'thumb': (1, 1)}
    assert_clean(store.path(stored.thumb))
    assert close(pixel(store.path(stored.full), (0, 0)), samples.RED)


@pytest.mark.parametrize('data, dimensions', [
    (samples.png_header_claiming(20000, 20000), ''),                   # past Pillow's own guard
    (samples.jpeg_header_claiming(20000, 20000), ''),
    (samples.png_header_claiming(10000, 8000), ' (10000 × 8000 pixels)'),   # past ours only
])
def test_header_claiming_too_many_pixels_is_refused_before_decoding(store, data, dimensions):
    with pytest.raises(MediaError) as refused:
        store_bytes(store, data)
    assert refused.value.key == 'media.too_many_pixels'
    assert str(refused.value) == (f"L'image est trop grande{dimensions} : "
                                  "au plus 50 mégapixels sont acceptés.")
    assert_nothing_on_disk(store)


HEIC = ' ou HEIC' if 'HEIF' in images.ALLOWED_FORMATS else ''


@pytest.mark.parametrize('name, data, key, message', [
    ('truncated', samples.truncated_jpeg(), 'media.truncated',
     "L'image est incomplète ou abîmée (fichier tronqué) : renvoyez-la."),
    ('text named .jpg', samples.text_named_jpg(), 'media.not_image',
     f"Ce fichier n'est pas une image (seules les photos JPEG, PNG, GIF, WebP{HEIC} sont acceptées)."),
    ('empty', b'', 'media.empty', 'Le fichier est vide.'),
    ('bmp', samples.bmp(), 'media.unsupported_format',
     f"Format d'image non pris en charge (BMP) : envoyez une photo JPEG, PNG, GIF, WebP{HEIC}."),
    ('tiff', samples.tiff(), 'media.unsupported_format',
     f"Format d'image non pris en charge (TIFF) : envoyez une photo JPEG, PNG, GIF, WebP{HEIC}."),
    ('html', b'<!DOCTYPE html><script>alert(1)</script>', 'media.not_image', None),
    ('svg', b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'media.not_image', None),
])
def test_bad_file_gets_a_french_error_and_leaves_nothing(store, name, data, key, message):
    with pytest.raises(MediaError) as refused:
        store_bytes(store, data)
    assert refused.value.key == key
    if message:
        assert str(refused.value) == message
    assert_nothing_on_disk(store)


def test_upload_over_the_byte_bound_is_refused_while_streaming(store):
    class EndlessUpload(io.RawIOBase):   # never ends: proves the copy stops at the bound
        read_bytes = 0

        def read(self, size=-1):
            self.read_bytes += size
            return b'\xff' * size

    upload = EndlessUpload()
    with pytest.raises(MediaError) as refused:
        store.store_image(upload, Limits(max_bytes=1024 * 1024))
    assert refused.value.key == 'media.too_large'
    assert str(refused.value) == 'Le fichier est trop lourd : au plus 1 Mo par photo.'
    assert upload.read_bytes <= 1024 * 1024 + 64 * 1024
    assert_nothing_on_disk(store)


def test_polyglot_keeps_only_the_picture(store):
    stored = store_bytes(store, samples.polyglot_jpeg_zip_html())
    for digest in stored.digests():
        assert_clean(store.path(digest))
        with open(store.path(digest), 'rb') as stored_file:
            data = stored_file.read()
        assert data.endswith(b'\xff\xd9')               # ends where the JPEG ends
        assert data.count(b'\xff\xd9') == 1


def test_gif_first_frame_with_transparency_on_white(store):
    stored = store_bytes(store, samples.gif_animated_transparent())
    path = store.path(stored.full)
    assert stored.sizes['full'] == (120, 80)
    assert close(pixel(path, (0.2, 0.5)), (255, 255, 255), tolerance=3)
    assert close(pixel(path, (0.8, 0.5)), (0, 0, 255))   # frame 1's colour, not frame 2's
    assert_clean(path)


def test_webp_with_exif_and_xmp_is_cleaned(store):
    stored = store_bytes(store, samples.webp_with_exif())
    for digest in stored.digests():
        assert_clean(store.path(digest))


def test_cmyk_jpeg_becomes_rgb(store):
    stored = store_bytes(store, samples.cmyk_jpeg())
    assert_clean(store.path(stored.full))
    assert pixel(store.path(stored.full), (0.5, 0.5))[0] > 200


def test_sixteen_bit_png_is_scaled_not_clipped(store):
    stored = store_bytes(store, samples.sixteen_bit_png())
    value = pixel(store.path(stored.full), (0.5, 0.5))[0]
    assert 150 < value < 160                              # 40000 / 256 = 156


def test_heic_photo_is_accepted_upright_and_cleaned(store):
    data = samples.heic_with_gps()
    if data is None:
        pytest.skip('pillow-heif is not installed: HEIC gets media.heic_unavailable')
    stored = store_bytes(store, data)
    assert stored.sizes['full'] == (200, 300)
    assert close(pixel(store.path(stored.full), (0.5, 0.1)), samples.RED)
    for digest in stored.digests():
        assert_clean(store.path(digest))


def test_heic_without_the_plugin_gets_its_own_message(store, monkeypatch):
    data = samples.heic_with_gps()
    if data is None:
        pytest.skip('needs pillow-heif to make the sample')
    monkeypatch.setattr(images, 'HEIF_PLUGIN', False)
    monkeypatch.setattr(images, 'ALLOWED_FORMATS', ('JPEG', 'PNG', 'GIF', 'WEBP'))
    with pytest.raises(MediaError) as refused:
        store_bytes(store, data)
    assert refused.value.key == 'media.heic_unavailable'
    assert 'HEIC' in str(refused.value)
    assert_nothing_on_disk(store)


def test_identical_upload_is_stored_once(store):
    data = samples.large_jpeg(1800, 1200)
    first = store_bytes(store, data)
    second = store_bytes(store, data)
    assert first == second
    assert len(list(store.files())) == 3
    assert first.source_sha256 == second.source_sha256


def test_stored_file_is_named_by_the_hash_of_its_bytes(store):
    import hashlib
    stored = store_bytes(store, samples.one_pixel())
    with open(store.path(stored.full), 'rb') as stored_file:
        assert hashlib.sha256(stored_file.read()).hexdigest() == stored.full
    assert os.path.basename(store.path(stored.full)) == stored.full + '.jpg'


@pytest.mark.parametrize('name', ['../../etc/passwd', 'A' * 64, '0' * 63, None, '0' * 64 + '/x'])
def test_only_a_hex_digest_names_a_file(store, name):
    assert store.path(name) is None


def test_decode_slots_bound_concurrency_and_pixel_budget():
    slots = images.DecodeSlots(2, pixels=100)
    inside, seen, lock = [], [], threading.Lock()
    two_inside, release = threading.Event(), threading.Event()

    def decode(pixels):
        with slots.hold(pixels):
            with lock:
                inside.append(pixels)
                seen.append(list(inside))
                if len(inside) == 2:
                    two_inside.set()
            release.wait(10)
            with lock:
                inside.remove(pixels)

    small = [threading.Thread(target=decode, args=(10,)) for _ in range(4)]
    for thread in small:
        thread.start()
    assert two_inside.wait(10)
    big = threading.Thread(target=decode, args=(95,))   # over the budget beside any other
    big.start()
    release.set()
    for thread in small + [big]:
        thread.join(10)
    assert max(len(s) for s in seen) == 2                # never more images than slots
    assert [95] in seen and not any(95 in s and len(s) > 1 for s in seen)
    assert len(seen) == 5 and inside == []


def test_an_image_over_the_pixel_budget_alone_still_goes():
    slots = images.DecodeSlots(2, pixels=10)
    with slots.hold(1000):
        pass


def test_leftovers_of_a_stopped_process_are_cleaned(store):
    stored = store_bytes(store, samples.one_pixel())
    folder = os.path.dirname(store.path(stored.full))
    old = [os.path.join(store.incoming, 'upload-abc'), os.path.join(folder, '.tmp-xyz')]
    fresh = os.path.join(store.incoming, 'upload-now')
    for path in old + [fresh]:
        open(path, 'wb').close()
    for path in old:
        os.utime(path, (0, 0))
    assert store.clean_incoming(older_than=3600) == 2
    assert os.path.exists(fresh) and store.path(stored.full)
    assert not any(os.path.exists(path) for path in old)


def test_a_broken_icc_profile_is_dropped_not_fatal(store):
    out = io.BytesIO()
    samples.upright_portrait(60, 90).save(out, 'JPEG', icc_profile=b'not a real ICC profile' * 10)
    stored = store_bytes(store, out.getvalue())
    assert_clean(store.path(stored.full))
    assert close(pixel(store.path(stored.full), (0.5, 0.1)), samples.RED)


def test_an_srgb_profile_is_recognised_and_a_different_one_still_converts(store):
    """Converting through an sRGB profile is skipped (it changes nothing); a profile that only
    bears the name is judged by what it does: this one swaps red and blue, and so does the output."""
    assert images._is_srgb(samples.srgb_profile(), ImageCms.ImageCmsProfile(
        io.BytesIO(samples.srgb_profile())))
    swapped = samples.swapped_primaries_profile()
    assert not images._is_srgb(swapped, ImageCms.ImageCmsProfile(io.BytesIO(swapped)))
    kept = store_bytes(store, samples.jpeg_with_profile(samples.srgb_profile()))
    assert close(pixel(store.path(kept.full), (0.5, 0.5)), samples.RED, tolerance=8)
    converted = store_bytes(store, samples.jpeg_with_profile(swapped))
    assert close(pixel(store.path(converted.full), (0.5, 0.5)), samples.BLUE, tolerance=8)
    assert_clean(store.path(converted.full))


def test_image_blocks_are_reused_during_work_and_given_back_after():
    """Pillow's block cache is on only while images are processed (no page faults for each
    buffer), then emptied: an idle server keeps no image memory."""
    assert Image.core.get_blocks_max() == 0
    slots = images.DecodeSlots(2, pixels=100)
    with slots.hold(10):
        assert Image.core.get_blocks_max() > 0
        Image.new('RGB', (1000, 1000)).close()
        with slots.hold(10):
            pass
        assert Image.core.get_blocks_max() > 0          # the other image is still at work
    assert Image.core.get_blocks_max() == 0 and Image.core.get_stats()['blocks_cached'] == 0


def test_a_png_whose_text_chunk_is_a_zip_bomb_is_refused(store):
    import struct
    import zlib
    bomb = zlib.compress(b'A' * 50_000_000, 9)                # 50 MB of text in ~50 kB
    chunk = b'zTXt' + b'Comment\x00\x00' + bomb
    data = samples.one_pixel()
    iend = data.rindex(b'IEND') - 4
    data = data[:iend] + struct.pack('>I', len(chunk) - 4) + chunk + \
        struct.pack('>I', zlib.crc32(chunk)) + data[iend:]
    with pytest.raises(MediaError) as refused:
        store_bytes(store, data)
    assert refused.value.key == 'media.truncated'          # Pillow's text limit (MAX_TEXT_CHUNK)
    assert_nothing_on_disk(store)
