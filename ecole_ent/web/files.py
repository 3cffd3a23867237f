"""Sending stored media files: the one place that turns a path checked by a service into a response.

Routes call a service that decides whether the reader may have the file (NotFound otherwise), then
send_jpeg(): never a static folder, always a check first.
"""
import os
from urllib.parse import quote

from bottle import response, static_file

from ..text import to_ascii


def send_zip(name, out, size):
    """A zip built by media.zips, from its open temporary file: bottle hands the file to
    waitress's file_wrapper, which sends it in chunks and closes it (the file goes with it)."""
    response.set_header('Content-Type', 'application/zip')
    response.set_header('Content-Disposition', f'attachment; filename="{name}"')
    response.set_header('Content-Length', str(size))
    response.set_header('Cache-Control', 'no-store')
    return out


def send_jpeg(path, digest, cache):
    """A stored JPEG named by its content hash: the hash is its ETag (a revalidation with
    If-None-Match gets a 304 after the caller's check passed), `cache` its Cache-Control."""
    return static_file(os.path.basename(path), root=os.path.dirname(path), mimetype='image/jpeg',
                       etag=f'"{digest}"', headers={'Cache-Control': cache})


def send_file(file, cache):
    """A stored document ({'path', 'content_type', 'name', 'inline'} from a service's check) with
    its real type; its name goes in an RFC 6266 header (any language). Its stored name is its
    content hash: the ETag."""
    resp = static_file(os.path.basename(file['path']), root=os.path.dirname(file['path']),
                       mimetype=file['content_type'], etag=os.path.basename(file['path']))
    ascii_name = to_ascii(file['name']).replace('"', '').replace('\\', '') or 'fichier'
    disposition = 'inline' if file['inline'] else 'attachment'
    resp.set_header('Content-Disposition', f'{disposition}; filename="{ascii_name}"; '
                    f"filename*=UTF-8''{quote(file['name'])}")
    resp.set_header('Cache-Control', cache)
    return resp
