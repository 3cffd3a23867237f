"""What an upload may be, and why one is refused: the media pipeline's plain values, without
Pillow. images.py, which decodes with Pillow, is imported by the first upload (media.process_image),
not by every process at start (2.5 MB a process that serves no upload)."""
import importlib.util
from dataclasses import dataclass

from ..i18n import N_, _

# HEIC photos from iPhones need the optional pillow-heif plugin; without it they get a clear message.
HEIF_PLUGIN = importlib.util.find_spec('pillow_heif') is not None
COMMON_FORMATS = ('JPEG', 'PNG', 'GIF', 'WEBP')
ALLOWED_FORMATS = COMMON_FORMATS + (('HEIF',) if HEIF_PLUGIN else ())
MESSAGES = {
    'media.not_image': N_("Ce fichier n'est pas une image (seules les photos JPEG, PNG, GIF, WebP{heic} "
                          "sont acceptées)."),
    'media.unsupported_format': N_("Format d'image non pris en charge ({format}) : "
                                "envoyez une photo JPEG, PNG, GIF, WebP{heic}."),
    'media.heic_unavailable': N_("Les photos HEIC (iPhone) ne sont pas prises en charge sur ce serveur : "
                              "réglez l'iPhone sur « Le plus compatible » (JPEG) ou envoyez la photo par partage."),
    'media.truncated': N_("L'image est incomplète ou abîmée (fichier tronqué) : renvoyez-la."),
    'media.too_many_pixels': N_("L'image est trop grande{dimensions} : "
                             "au plus {max_megapixels} mégapixels sont acceptés."),
    'media.too_large': N_("Le fichier est trop lourd : au plus {max_mb} Mo par photo."),
    'media.empty': N_("Le fichier est vide."),
}


class MediaError(Exception):
    """A refused upload: `key` names the reason, `str(error)` is the French message."""

    def __init__(self, key, **params):
        super().__init__(key)
        self.key = key
        self.params = params

    @property
    def message(self):
        heic = ' ou HEIC' if 'HEIF' in ALLOWED_FORMATS else ''
        params = dict(self.params, dimensions='')
        if 'width' in params:
            params['dimensions'] = ' ({} × {} pixels)'.format(params.pop('width'), params.pop('height'))
        return _(MESSAGES[self.key]).format(heic=heic, **params)

    def __str__(self):
        return self.message


@dataclass(frozen=True)
class Limits:
    """What an upload may weigh and hold, and the sizes kept. Built from the settings."""
    max_bytes: int = 30 * 1024 * 1024
    max_pixels: int = 50_000_000          # a 48-megapixel phone photo fits; a bomb does not
    full_edge: int = 2560                 # configurable: a school needs no 12-megapixel originals
    display_edge: int = 1600
    thumb_edge: int = 400
    quality: int = 85
    decode_pixels: int = 16_000_000       # decoded at once in this process (photos.decode_megapixels)

    def sizes(self):
        return (('full', self.full_edge), ('display', min(self.display_edge, self.full_edge)),
                ('thumb', min(self.thumb_edge, self.display_edge, self.full_edge)))


@dataclass(frozen=True)
class Rendition:
    name: str        # 'full' | 'display' | 'thumb'
    data: bytes      # a baseline JPEG with no metadata
    width: int
    height: int
