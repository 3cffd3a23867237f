"""Blog attachments sent together in one multipart request, through the real server on a real
socket: every small file lands, and a long text sent beside them is read whole."""
import html

from ecole_ent.models import Post
from tests.blog.conftest import PDF
from tests.real_http import Browser


def test_five_30_kb_attachments_and_a_long_text_in_one_send(people, live_server):
    browser = Browser(live_server).sign_in(people.teacher.login)
    path = f'/blog/classe/{people.cp.id}/nouveau'
    body = 'Les fournitures de l’année, à lire avant la rentrée. ' * 280    # > 8 KB: on disk
    assert len(body.encode()) > 15_000
    fields = {'csrf_token': browser.csrf(path), 'title': 'Cinq documents', 'body': body,
              'visibility': 'families', 'when': 'now'}
    files = [('attachments', f'liste-{n}.pdf', PDF + b'%' + bytes([48 + n]) * 30_000)
             for n in range(5)]
    status, page = browser.post_multipart(path, fields, files)
    assert status == 200 and 'Cinq documents' in html.unescape(page), page[:500]
    post = Post.get(Post.title == 'Cinq documents')
    assert post.body_source == body.strip()
    assert sorted(a.name for a in post.attachments) == [f'liste-{n}.pdf' for n in range(5)]
    assert all(a.size > 30_000 for a in post.attachments)
