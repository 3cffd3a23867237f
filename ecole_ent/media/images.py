"""Turn an untrusted upload into clean JPEG renditions (full, display, thumb).

Every file is decoded, never trusted by its name or type: only the formats of ALLOWED_FORMATS
are parsed, the pixel count is checked from the header before any decoding (decompression
bombs), the image is turned upright from its EXIF orientation, its colours converted to sRGB
from its ICC profile, transparency flattened on white, and the result re-encoded with no
metadata at all (EXIF, GPS, XMP, ICC, comments are simply never written).

At most os.cpu_count() images are decoded at once in a process, within a pixel budget
(Limits.decode_pixels, the decode slots); further callers wait their turn.
"""
import contextlib
import functools
import hashlib
import io
import os
import threading
import warnings

from PIL import Image, ImageChops, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from .. import malloc
from .limits import ALLOWED_FORMATS, COMMON_FORMATS, HEIF_PLUGIN, Limits, MediaError, Rendition  # noqa: F401

# Full and display are mild reductions (1.56x then 1.6x for a 12-megapixel photo, where JPEG
# draft mode cannot help: 1/2 would fall below 2560 px). There BOX, i.e. area averaging (OpenCV's
# INTER_AREA), is sharp enough and costs 2/3 of BICUBIC; phones downscale the display size again
# anyway. The thumbnail is a large reduction (4x the display size): reduce() by the whole factor
# (a box average) then BICUBIC for what is left, i.e. reducing_gap=1.0: 1.7 ms, against 7.5 ms for
# Image.thumbnail's 2.0 (reduce by 2, bicubic by 2), which came out no closer to a Lanczos
# reduction of the original (PSNR 49.1 dB against 49.7).
RESAMPLE = {'full': Image.Resampling.BOX, 'display': Image.Resampling.BOX,
            'thumb': Image.Resampling.BICUBIC}
REDUCING_GAP = {'display': 2.0, 'thumb': 1.0}     # the full size is made in strips (_fit)
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile('sRGB'))

# Magic numbers of image formats we refuse, only to name them in the error message:
# they are never handed to a decoder.
_KNOWN_OTHER_FORMATS = (
    (b'BM', 'BMP'), (b'II*\x00', 'TIFF'), (b'MM\x00*', 'TIFF'), (b'8BPS', 'PSD'),
    (b'\x00\x00\x01\x00', 'ICO'), (b'%PDF', 'PDF'), (b'\x00\x00\x00\x0cjP  ', 'JPEG 2000'),
    (b'\xff\x0a', 'JPEG XL'), (b'\x00\x00\x00\x0cJXL ', 'JPEG XL'),
)
_HEIF_BRANDS = (b'heic', b'heix', b'hevc', b'hevx', b'heim', b'heis', b'mif1', b'msf1', b'avif')

def process_image(source, limits=Limits()):
    """Decode `source` (a path or binary file object) and return [full, display, thumb] Renditions.

    Raises MediaError for anything that is not a sound image of an allowed format and size.
    """
    image = _open(source, limits)   # the header only: cheap, outside the decode slots
    try:
        _draft(image, limits.full_edge)
        with decode_slots(limits.decode_pixels).hold(image.width * image.height):
            current = _decode_full(image, limits)
            renditions = []
            for name, edge in limits.sizes():
                if name != 'full':   # each size comes from the previous, smaller one
                    current = _fit(current, edge, RESAMPLE[name], REDUCING_GAP[name])
                renditions.append(Rendition(name, _encode(current, limits.quality), *current.size))
            return renditions
    finally:
        image.close()


class DecodeSlots:
    """At most `slots` images decoding at once (the cores: further uploads wait their turn), and
    together at most `pixels` decoded pixels (a decoded 12-megapixel photo holds 48 MB), so that
    five phone photos at once stay within a small server's memory. One image may always go."""

    def __init__(self, slots, pixels):
        self.slots, self.pixels = slots, pixels
        self._active = self._used = 0
        self._turn = threading.Condition()

    @contextlib.contextmanager
    def hold(self, pixels):
        with self._turn:
            self._turn.wait_for(lambda: self._active == 0 or (
                self._active < self.slots and self._used + pixels <= self.pixels))
            if self._active == 0:
                _reuse_image_blocks(True)
            self._active += 1
            self._used += pixels
        try:
            yield
        finally:
            with self._turn:
                self._active -= 1
                self._used -= pixels
                if self._active == 0:
                    _reuse_image_blocks(False)
                self._turn.notify_all()


@functools.cache
def decode_slots(pixels):
    """The process's decode slots for a pixel budget: one per core, shared by every upload."""
    return DecodeSlots(os.cpu_count() or 1, pixels=pixels)


@functools.lru_cache(maxsize=1)
def _load_heif_plugin():
    """pillow-heif is loaded the first time a HEIF photo comes: it weighs 4.5 MB of memory, and
    most days bring none. One thread per image (the decode slots, not libheif, decide how many
    cores decode at once); no thumbnails, depth or auxiliary images; libheif's limits stay on."""
    import pillow_heif
    pillow_heif.register_heif_opener()
    pillow_heif.options.DECODE_THREADS = 1
    pillow_heif.options.THUMBNAILS = pillow_heif.options.DEPTH_IMAGES = False
    pillow_heif.options.AUX_IMAGES = False
    pillow_heif.options.DISABLE_SECURITY_LIMITS = False


def _open(source, limits):
    """Parse only the header, with the allow-list of formats, and refuse bombs before decoding."""
    head = _peek(source, 32)
    if not head:
        raise MediaError('media.empty')
    formats = COMMON_FORMATS
    if 'HEIF' in ALLOWED_FORMATS and head[4:8] == b'ftyp' and head[8:12] in _HEIF_BRANDS:
        _load_heif_plugin()
        formats = ALLOWED_FORMATS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error', Image.DecompressionBombWarning)
            image = Image.open(source, formats=formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaError('media.too_many_pixels', max_megapixels=limits.max_pixels // 1_000_000) from None
    except UnidentifiedImageError:
        raise _not_allowed(head) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise MediaError('media.truncated') from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > limits.max_pixels:
        image.close()
        raise MediaError('media.too_many_pixels', width=width, height=height,
                         max_megapixels=limits.max_pixels // 1_000_000)
    return image


def _peek(source, size):
    if isinstance(source, (str, os.PathLike)):
        with open(source, 'rb') as fp:
            return fp.read(size)
    position = source.tell()
    head = source.read(size)
    source.seek(position)
    return head


def _not_allowed(head):
    if head[4:8] == b'ftyp' and head[8:12] in _HEIF_BRANDS:
        if head[8:12] != b'avif' and not HEIF_PLUGIN:
            return MediaError('media.heic_unavailable')
        return MediaError('media.unsupported_format', format='AVIF' if head[8:12] == b'avif' else 'HEIF')
    for magic, name in _KNOWN_OTHER_FORMATS:
        if head.startswith(magic):
            return MediaError('media.unsupported_format', format=name)
    return MediaError('media.not_image')


def _draft(image, edge):
    """JPEG: let libjpeg decode at 1/2, 1/4 or 1/8 scale when that is still >= the largest size."""
    if image.format == 'JPEG':
        scale = min(1.0, edge / max(image.size))
        image.draft('RGB', (max(1, int(image.width * scale)), max(1, int(image.height * scale))))


def _decode_full(image, limits):
    """Decode, cap, convert to sRGB, flatten and turn upright: the full-size picture.

    The decoded original is freed as soon as its capped copy exists: with a 12-megapixel photo
    it is most of the memory an upload costs.
    """
    try:
        try:
            image.load()
        except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
            raise MediaError('media.truncated') from exc
        try:
            exif = image.getexif()
        except Exception:  # noqa: BLE001 - a broken EXIF block only loses its orientation
            exif = Image.Exif()
        picture = image
        if image.mode in _RESAMPLE_MODES:   # shrink first: the colour work is then cheaper
            picture = _fit(image, limits.full_edge, RESAMPLE['full'], strips=True)
        if picture is image:
            picture = image.copy()
    finally:
        image.close()
    picture = _fit(_to_srgb(picture), limits.full_edge, RESAMPLE['full'], strips=True)
    picture.info = {}
    return _upright(picture, exif)


_RESAMPLE_MODES = ('RGB', 'RGBA', 'L', 'LA', 'CMYK')
STRIP_ROWS = 256


def _fit(image, edge, resample, reducing_gap=2.0, strips=False):
    """A copy no larger than edge x edge, keeping the aspect ratio (never enlarged).

    With strips, the output is made STRIP_ROWS rows at a time from the matching band of the
    source (`box=`: the filter still reads across band edges, so the result is identical), which
    bounds Pillow's intermediate buffer to one band instead of a second copy of the original.
    """
    width, height = image.size
    if max(width, height) <= edge:
        return image
    ratio = edge / max(width, height)
    size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    if not strips:
        return image.resize(size, resample, reducing_gap=reducing_gap)
    out = Image.new(image.mode, size, None)   # not initialised: every band is pasted over it
    step = height / size[1]
    for top in range(0, size[1], STRIP_ROWS):
        rows = min(STRIP_ROWS, size[1] - top)
        band = (0, top * step, width, (top + rows) * step)
        out.paste(image.resize((size[0], rows), resample, box=band), (0, top))
    out.info = dict(image.info)
    return out


def _has_alpha(image):
    return 'A' in image.getbands() or 'transparency' in image.info


def _to_srgb(image):
    """RGB in sRGB: convert from the embedded ICC profile, flatten transparency on white."""
    icc = image.info.get('icc_profile')
    alpha = None
    if _has_alpha(image):
        image = image.convert('RGBA')
        alpha = image.getchannel('A')
        image = image.convert('RGB')
    elif image.mode.startswith('I') or image.mode == 'F':
        image = image.convert('I').point(lambda value: value * (1 / 256)).convert('L')
    elif image.mode not in ('RGB', 'L', 'CMYK'):
        image = image.convert('RGB')
    if icc:
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if image.mode != 'RGB':
                image = ImageCms.profileToProfile(image, profile, SRGB, outputMode='RGB')
            elif not _is_srgb(icc, profile):
                ImageCms.profileToProfile(image, profile, SRGB, inPlace=True)
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a broken or mismatched profile: keep the pixels as they are
    if image.mode != 'RGB':
        image = image.convert('RGB')
    if alpha is not None:
        flat = Image.new('RGB', image.size, 'white')
        flat.paste(image, mask=alpha)
        image = flat
    return image


# Every level of each channel and a 16-step lattice of colours: what a profile does to them says
# whether it is sRGB in effect, whatever it is called.
_PROBE = Image.frombytes('RGB', (4096 + 256, 1), bytes(
    [v for r in range(0, 256, 17) for g in range(0, 256, 17) for b in range(0, 256, 17)
     for v in (r, g, b)] + [v for level in range(256) for v in (level, level, level)]))
SRGB_TOLERANCE = 2     # levels of 255: far below what JPEG quality 85 itself changes


_SRGB_VERDICTS = {}    # sha256 of a profile -> _is_srgb's answer (a few profiles recur: phones')


def _is_srgb(icc, profile):
    """True when converting from this RGB profile to sRGB changes no colour by more than
    SRGB_TOLERANCE: most phone photos carry an sRGB profile, and converting the 5-megapixel full
    size through it cost as much as decoding the photo (about 100 ms) for nothing."""
    digest = hashlib.sha256(icc).digest()
    verdict = _SRGB_VERDICTS.get(digest)
    if verdict is None:
        converted = ImageCms.profileToProfile(_PROBE, profile, SRGB, outputMode='RGB')
        verdict = max(high for _low, high in ImageChops.difference(_PROBE, converted).getextrema()) \
            <= SRGB_TOLERANCE
        if len(_SRGB_VERDICTS) >= 64:
            _SRGB_VERDICTS.clear()
        _SRGB_VERDICTS[digest] = verdict
    return verdict


def _upright(image, exif):
    """Apply the EXIF orientation to the already shrunk picture (the table of ImageOps.exif_transpose,
    which would rotate the whole decoded original: here only the capped copy is turned)."""
    method = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
              4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
              6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
              8: Image.Transpose.ROTATE_90}.get(exif.get(ImageOps.ExifTags.Base.Orientation))
    return image.transpose(method) if method is not None else image


def _encode(image, quality):
    """A baseline JPEG with nothing but pixels: no exif=, icc_profile=, comment= given.

    Settings chosen on the full size of a 12-megapixel photo (2560x1920): baseline with standard
    Huffman tables 13 ms; optimize=True 34 ms for 3-5 % fewer bytes; progressive 61 ms. Chroma
    4:2:0, as the phone's own JPEG.
    """
    out = io.BytesIO()
    image.save(out, 'JPEG', quality=quality, optimize=False, progressive=False, subsampling='4:2:0')
    return out.getvalue()


# While images are being processed, Pillow's block allocator keeps up to this many freed image
# blocks (16 MB each at most) for the next buffer: the strips of the full size, each resize's
# intermediate and output, the next photo of the same upload then reuse pages already mapped.
# Without it every buffer is a fresh mmap (malloc.give_back_large_blocks) that the kernel zero-fills page by page:
# for a 12-megapixel photo 34,000 page faults, a third of the pipeline's CPU time. The cache only
# holds blocks freed during the work, so it does not raise the peak; it is emptied as soon as no
# image is being processed, so an idle server gives the memory back.
REUSED_BLOCKS = 16


def _reuse_image_blocks(on):
    """Turn Pillow's block cache on for a burst of image work, off (freeing it) afterwards."""
    Image.core.set_blocks_max(REUSED_BLOCKS if on else 0)


malloc.give_back_large_blocks()       # Pillow's image blocks: see there
ImageFile.LOAD_TRUNCATED_IMAGES = False  # stated, not assumed: a cut file is refused
