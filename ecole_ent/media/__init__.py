"""The media pipeline: decode, check and re-encode uploaded photos, store them by content hash.

Pure code: no bottle, no models. `images` turns untrusted bytes into clean JPEG renditions,
`store` streams uploads to disk with a byte bound and keeps files named by their sha256.
"""
from .limits import Limits, MediaError, Rendition
from .store import MediaStore, StoredImage, process_image

__all__ = ['Limits', 'MediaError', 'Rendition', 'process_image', 'MediaStore', 'StoredImage']
