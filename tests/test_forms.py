"""web/forms parses multipart bodies with bottle's own parser and other limits: the bottle private
names it relies on must still be there, with the behaviour it expects."""
import io

import bottle
import pytest
from bottle import HTTPError

from ecole_ent.web import forms


def test_request_post_is_cached_under_the_key_forms_fills():
    assert bottle.BaseRequest.__dict__['POST'].key == forms.POST_KEY


def multipart_environ(fields, files):
    boundary = 'xYzZY'
    body = b''
    for name, value in fields.items():
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                 f'{value}\r\n').encode()
    for name, file_name, data in files:
        body += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                 f'filename="{file_name}"\r\n\r\n').encode() + data + b'\r\n'
    body += f'--{boundary}--\r\n'.encode()
    return {'REQUEST_METHOD': 'POST', 'CONTENT_TYPE': f'multipart/form-data; boundary={boundary}',
            'CONTENT_LENGTH': str(len(body)), 'wsgi.input': io.BytesIO(body)}


@pytest.fixture
def posted():
    def bind(fields, files=()):
        bottle.request.bind(multipart_environ(fields, files))
        return bottle.request
    yield bind
    bottle.request.bind({})


def test_small_files_go_to_disk_and_fields_stay_text(posted):
    long_text = 'é' * 20_000                              # 40 KB of UTF-8: read back from disk
    files = [('photos', f'{n}.jpg', bytes([n]) * 50_000) for n in range(30)]
    posted({'csrf_token': 'abc', 'body': long_text}, files)
    assert forms.field('csrf_token') == 'abc' and forms.field('body') == long_text
    sent = forms.uploaded_files('photos')
    assert [name for name, _f in sent] == [f'{n}.jpg' for n in range(30)]
    assert all(stream.read() == bytes([n]) * 50_000 for n, (_name, stream) in enumerate(sent))
    assert not any(isinstance(u.file, io.BytesIO) for u in bottle.request.files.values())


def test_an_empty_file_input_is_no_file(posted):
    posted({'title': 'x'}, [('photos', '', b'')])
    assert forms.uploaded_files('photos') == [] and forms.field('title') == 'x'


def test_a_body_cut_short_is_refused_in_french(posted):
    request = posted({'title': 'x'})
    request.environ['wsgi.input'] = io.BytesIO(request.environ['wsgi.input'].getvalue()[:-10])
    with pytest.raises(HTTPError) as refused:
        forms.field('title')
    assert refused.value.status_code == 400 and 'incomplet' in refused.value.body
    assert forms.field('title') == ''                    # read again: nothing, no second parse


def test_too_much_text_is_refused_in_french(posted):
    posted({f'f{n}': 'a' * 300_000 for n in range(4)})
    with pytest.raises(HTTPError) as refused:
        forms.field('f0')
    assert refused.value.status_code == 413 and 'trop long' in refused.value.body
