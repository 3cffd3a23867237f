"""Images made in the tests with Pillow (no binary fixtures): what phones and attackers send."""
import io
import struct
import zipfile
import zlib

from PIL import Image, ImageCms, ImageDraw
from PIL.ExifTags import GPS, IFD, Base
from PIL.PngImagePlugin import PngInfo

RED, BLUE, GREEN = (220, 20, 20), (20, 20, 220), (20, 180, 20)
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
       b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
       b'exif:GPSLatitude="43,42.1N"/></rdf:RDF></x:xmpmeta>')


def upright_portrait(width=400, height=600):
    """Red top half, blue bottom half: easy to tell upright from turned."""
    image = Image.new('RGB', (width, height), BLUE)
    ImageDraw.Draw(image).rectangle((0, 0, width, height // 2 - 1), fill=RED)
    return image


def gps_exif(orientation=1):
    exif = Image.Exif()
    exif[Base.Orientation] = orientation
    exif[Base.Make] = 'PhoneMaker'
    exif[Base.Model] = 'Phone 12'
    exif[Base.Software] = 'Camera 1.0'
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = 'N'
    gps[GPS.GPSLatitude] = (43.0, 42.0, 6.5)
    gps[GPS.GPSLongitudeRef] = 'E'
    gps[GPS.GPSLongitude] = (7.0, 15.0, 42.0)
    return exif


def jpeg_orientation_6_with_gps():
    """What a phone held upright writes: pixels stored turned, EXIF orientation 6, GPS, XMP, ICC."""
    raw = upright_portrait().transpose(Image.Transpose.ROTATE_90)   # 600x400, sideways
    icc = srgb_profile()
    out = io.BytesIO()
    raw.save(out, 'JPEG', quality=92, exif=gps_exif(orientation=6), icc_profile=icc,
             comment=b'Sortie au parc, 43.70N 7.26E', xmp=XMP)
    return out.getvalue()


def srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile('sRGB')).tobytes()


def swapped_primaries_profile():
    """A valid RGB profile still called "sRGB built-in" whose red and blue primaries are swapped
    (its tag table points rXYZ at bXYZ's data and back): converting from it turns red into blue."""
    data = bytearray(srgb_profile())
    count = struct.unpack('>I', data[128:132])[0]
    entries = {bytes(data[132 + 12 * i:136 + 12 * i]): 132 + 12 * i for i in range(count)}
    red, blue = entries[b'rXYZ'], entries[b'bXYZ']
    data[red + 4:red + 12], data[blue + 4:blue + 12] = data[blue + 4:blue + 12], data[red + 4:red + 12]
    return bytes(data)


def jpeg_with_profile(icc, color=RED, size=(64, 48)):
    out = io.BytesIO()
    Image.new('RGB', size, color).save(out, 'JPEG', quality=95, icc_profile=icc)
    return out.getvalue()


def large_jpeg(width=3000, height=2000, orientation=1):
    image = Image.linear_gradient('L').resize((width, height)).convert('RGB')
    out = io.BytesIO()
    image.save(out, 'JPEG', quality=80, exif=gps_exif(orientation))
    return out.getvalue()


def png_with_alpha():
    """Left half fully transparent, right half opaque green; text chunks with HTML in them."""
    image = Image.new('RGBA', (300, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((150, 0, 299, 199), fill=GREEN + (255,))
    info = PngInfo()
    info.add_text('Comment', '<script>alert("png")</script>')
    info.add_text('Author', 'Mme Martin')
    out = io.BytesIO()
    image.save(out, 'PNG', pnginfo=info, exif=gps_exif())
    return out.getvalue()


def one_pixel():
    out = io.BytesIO()
    Image.new('RGB', (1, 1), RED).save(out, 'PNG')
    return out.getvalue()


def _png_chunk(kind, data):
    return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))


def png_header_claiming(width, height):
    """A valid PNG header for a huge image, with a tiny body: a decompression bomb's shape."""
    ihdr = struct.pack('>IIBBBBB', width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b'\x00' * 1024)
    return (b'\x89PNG\r\n\x1a\n' + _png_chunk(b'IHDR', ihdr) + _png_chunk(b'IDAT', idat)
            + _png_chunk(b'IEND', b''))


def jpeg_header_claiming(width, height):
    """A real small JPEG whose SOF0 frame header is rewritten to claim width x height."""
    out = io.BytesIO()
    Image.new('RGB', (16, 16), RED).save(out, 'JPEG')
    data = bytearray(out.getvalue())
    sof = data.index(b'\xff\xc0')
    data[sof + 5:sof + 9] = struct.pack('>HH', height, width)
    return bytes(data)


def truncated_jpeg():
    data = large_jpeg(800, 600)
    return data[:len(data) // 2]


def text_named_jpg():
    return 'Bonjour, ceci est un fichier texte renommé en photo.jpg\n'.encode() * 20


def polyglot_jpeg_zip_html():
    """A valid JPEG followed by a zip archive holding an HTML page, and HTML after that."""
    out = io.BytesIO()
    upright_portrait(200, 300).save(out, 'JPEG')
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, 'w') as zf:
        zf.writestr('index.html', '<html><script>alert(document.cookie)</script></html>')
    return out.getvalue() + archive.getvalue() + b'<html><script>alert(1)</script></html>'


def gif_animated_transparent():
    frames = [Image.new('P', (120, 80), 0) for _ in range(3)]
    for i, frame in enumerate(frames):
        frame.putpalette([255, 0, 255, 0, 0, 255, 255, 0, 0] + [0] * 759)
        ImageDraw.Draw(frame).rectangle((60, 0, 119, 79), fill=1 + (i % 2))
    out = io.BytesIO()
    frames[0].save(out, 'GIF', save_all=True, append_images=frames[1:], transparency=0,
                   duration=100, loop=0, comment=b'gif comment')
    return out.getvalue()


def webp_with_exif():
    out = io.BytesIO()
    upright_portrait(200, 300).save(out, 'WEBP', exif=gps_exif(), xmp=XMP, quality=90)
    return out.getvalue()


def cmyk_jpeg():
    out = io.BytesIO()
    Image.new('CMYK', (100, 80), (0, 255, 255, 0)).save(out, 'JPEG')   # red in CMYK
    return out.getvalue()


def bmp():
    out = io.BytesIO()
    Image.new('RGB', (10, 10), RED).save(out, 'BMP')
    return out.getvalue()


def tiff():
    out = io.BytesIO()
    Image.new('RGB', (10, 10), RED).save(out, 'TIFF')
    return out.getvalue()


def heic_with_gps():
    """An iPhone-like HEIC, made with pillow-heif's encoder; None without the plugin."""
    try:
        import pillow_heif
    except ImportError:
        return None
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    upright_portrait(200, 300).save(out, 'HEIF', exif=gps_exif().tobytes(), quality=90)
    return out.getvalue()


def sixteen_bit_png():
    out = io.BytesIO()
    Image.new('I;16', (64, 48), 40000).save(out, 'PNG')
    return out.getvalue()
