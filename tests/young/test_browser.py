"""The young pupils' space in Debian's Chromium, through the real server (live_server), on a phone
(390 x 844). Chromium runs with its fake microphone (--use-fake-device-for-media-stream: a beep)
and grants it (--use-fake-ui-for-media-stream). A CP pupil signs in, finds a home made of pictures
with « Sortir » last, opens « Écrire », records their voice for about two seconds with the big
buttons (a timer counts), adds words and sends: the post waits in the teacher's moderation queue
with its recording, stored as WebM audio. A refused photo keeps the recording in the page; without
JavaScript the page says the voice needs it, and a photo with words still goes. axe-core finds no
violation on these pages and none is wider than the phone."""
import io
import os

import pytest
from PIL import Image

from ecole_ent.blog import moderation
from ecole_ent.blog import service as blog
from ecole_ent.media import files
from ecole_ent.models import Post
from ecole_ent.models.blog import Attachment
from ecole_ent.young import service as young
from tests.conftest import CHROMIUM, axe_violations, browser_sign_in, screenshot
from tests.homework.test_browser import clean, fits
from tests.young.conftest import camera_jpeg

pytestmark = pytest.mark.browser

PHONE = {'width': 390, 'height': 844}


@pytest.fixture(scope='module')
def chromium_with_microphone(chromium):
    """A second Chromium with a fake microphone, from the suite's own Playwright (a second
    sync_playwright() in the same process fails: "Sync API inside the asyncio loop")."""
    browser = chromium.browser_type.launch(
        executable_path=CHROMIUM, headless=True,
        args=['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
              '--disable-component-update', '--use-fake-ui-for-media-stream',
              '--use-fake-device-for-media-stream'])
    yield browser
    browser.close()


@pytest.fixture
def phone(chromium_with_microphone, fresh_page):
    """phone(javascript=True) -> a page in a fresh phone-sized context, microphone granted, on the
    live server; a request to another host fails the test (tests/conftest.py fresh_page)."""
    def opened(javascript=True):
        return fresh_page(chromium_with_microphone, viewport=PHONE, is_mobile=True, has_touch=True,
                          java_script_enabled=javascript, permissions=['microphone'])
    return opened


def checked(page, name):
    """No axe violation, nothing wider than the phone; a screenshot kept as an artefact."""
    fits(page, PHONE['width'])
    clean(page)
    screenshot(page, f'young-{name}')


def record(page, seconds=2):
    page.get_by_role('button', name='Parler').click()
    page.wait_for_function(f"parseInt(document.querySelector('[data-timer]').textContent, 10) >= {seconds}")
    page.get_by_role('button', name='Stop').click()
    page.get_by_text('Ta voix est prête.').wait_for()


def stored(attachment):
    with open(files.path_of(blog.settings().media_dir, attachment.sha256, attachment.kind), 'rb') as found:
        return found.read()


def test_a_young_pupil_records_their_voice_and_the_post_reaches_moderation(people, phone):
    page = phone()
    browser_sign_in(page, people.young.login)
    nav = page.get_by_role('navigation', name='Menu')
    assert nav.locator('a, button').all_inner_texts() == ['Accueil', 'Blog', 'Écrire', 'Sortir']
    assert page.get_by_role('button', name='Se déconnecter').count() == 0
    targets = nav.locator('a, button').all() + page.locator('.young-tile').all()
    assert len(targets) == 8 and all(min(t.bounding_box()['width'], t.bounding_box()['height']) >= 64 for t in targets)
    checked(page, 'home')
    page.locator('.young-tiles').get_by_role('link', name='Écrire').click()
    page.wait_for_load_state()
    assert page.get_by_text('il faut JavaScript').is_hidden()
    checked(page, 'write')
    record(page)
    assert page.locator('[data-playback]').is_visible()
    page.get_by_label('Des mots').fill('Mon chant de Noël')
    page.get_by_role('button', name='Envoyer').click()
    page.wait_for_url(f'**/petits/classe/{people.cp.id}/blog')
    assert page.get_by_text('C’est envoyé').is_visible() and page.get_by_text('Mon chant de Noël').is_visible()
    checked(page, 'blog')

    post = Post.get(Post.title == 'Mon chant de Noël')
    assert post.status == 'pending' and post.author_id == people.young.id
    voice = Attachment.get(Attachment.post == post)
    assert voice.kind == 'webm' and files.sniff(stored(voice)[:files.CHUNK]) == 'webm' and voice.size > 1000

    teacher = phone()
    browser_sign_in(teacher, people.teacher.login)
    teacher.goto(teacher.base + f'/blog/classe/{people.cp.id}/moderation')
    item = teacher.locator('.moderation-item', has_text='Mon chant de Noël')
    assert item.locator('audio').get_attribute('src') == f'/blog/fichier/{voice.id}'
    assert teacher.request.get(teacher.base + f'/blog/fichier/{voice.id}').headers['content-type'] == 'audio/webm'
    assert axe_violations(teacher) == []


def test_a_refused_photo_keeps_the_recording_and_the_words(people, phone, tmp_path):
    page = phone()
    browser_sign_in(page, people.young.login)
    page.goto(page.base + f'/petits/classe/{people.cp.id}/ecrire')
    record(page)
    page.get_by_label('Des mots').fill('Le sapin')
    broken = tmp_path / 'photo.jpg'
    broken.write_bytes(camera_jpeg()[:500])
    page.set_input_files('#f-photo', str(broken))
    page.get_by_role('button', name='Envoyer').click()
    page.locator('#young-errors').get_by_text('La photo n’a pas pu être lue').wait_for()
    assert Post.select().where(Post.title == 'Le sapin').count() == 0
    assert page.get_by_label('Des mots').input_value() == 'Le sapin' and page.locator('[data-playback]').is_visible()
    checked(page, 'refused')
    page.set_input_files('#f-photo', [])
    page.get_by_role('button', name='Envoyer').click()
    page.wait_for_url(f'**/petits/classe/{people.cp.id}/blog')
    post = Post.get(Post.title == 'Le sapin')
    assert [a.kind for a in Attachment.select().where(Attachment.post == post)] == ['webm']


def test_without_javascript_a_photo_and_words_still_go(people, phone, tmp_path):
    page = phone(javascript=False)
    browser_sign_in(page, people.young.login)
    page.goto(page.base + f'/petits/classe/{people.cp.id}/ecrire')
    assert page.get_by_text('il faut JavaScript').is_visible()
    assert page.get_by_role('button', name='Parler').count() == 0
    photo = tmp_path / 'IMG_0001.jpg'
    photo.write_bytes(camera_jpeg())
    page.set_input_files('#f-photo', str(photo))
    page.get_by_label('Des mots').fill('La cour sous la neige')
    page.get_by_role('button', name='Envoyer').click()
    page.wait_for_url(f'**/petits/classe/{people.cp.id}/blog')
    post = Post.get(Post.title == 'La cour sous la neige')
    photo_row = Attachment.get(Attachment.post == post)
    assert post.status == 'pending' and photo_row.kind == 'jpg'
    assert Image.open(io.BytesIO(stored(photo_row))).format == 'JPEG'
    page.get_by_role('button', name='Envoyer').count()
    page.goto(page.base + f'/petits/classe/{people.cp.id}/ecrire')
    page.get_by_role('button', name='Envoyer').click()
    assert page.get_by_text('Prends une photo, enregistre ta voix ou écris quelques mots.').is_visible()
    assert os.path.exists(files.path_of(blog.settings().media_dir, photo_row.sha256, 'jpg'))


def looks(locator):
    return locator.evaluate('e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]')


def test_hover_keeps_the_labels_readable_and_a_tap_leaves_nothing_stuck(people, phone, chromium_with_microphone,
                                                                       fresh_page):
    """The layout's `button:hover` gives a white text: the young buttons keep their dark text under a
    mouse, and on a touch screen (hover: none) look after a tap as before it."""
    page = phone()
    browser_sign_in(page, people.young.login)
    page.goto(page.base + f'/petits/classe/{people.cp.id}/ecrire')
    assert page.evaluate("matchMedia('(hover: none)').matches")
    buttons = [page.get_by_role('button', name='Sortir'), page.get_by_role('button', name='Parler')]
    before = [looks(button) for button in buttons]
    buttons[1].tap()
    page.get_by_role('button', name='Stop').click()
    for button, seen in zip(buttons, before):
        button.hover()
        assert looks(button) == seen
    page = fresh_page(chromium_with_microphone, viewport={'width': 1280, 'height': 800})
    browser_sign_in(page, people.young.login)
    page.goto(page.base + f'/petits/classe/{people.cp.id}/ecrire')
    assert page.evaluate("matchMedia('(hover: hover)').matches")
    for name in ('Sortir', 'Parler'):
        button = page.get_by_role('button', name=name)
        color, background = looks(button)
        button.hover()
        assert looks(button)[0] == color and looks(button)[1] != background, name


def test_a_refused_post_and_a_post_read_from_the_young_blog_pass_axe_on_a_phone(people, phone):
    refused = young.send_post(people.young, people.cp.id, 'Mon chat dort')
    moderation.reject_post(people.teacher, refused.id, 'Ajoute une photo de ton chat, avec des mots plus longs.')
    blog_post = Post.select().where((Post.classroom == people.cp) & (Post.status == 'published')).first()
    page = phone()
    browser_sign_in(page, people.young.login)
    page.goto(page.base + f'/petits/classe/{people.cp.id}/blog')
    refused = page.locator('.young-card-refused')
    assert 'Ajoute une photo de ton chat' in refused.inner_text()
    again = refused.get_by_role('link', name='Recommencer')
    assert again.bounding_box()['height'] >= 64
    checked(page, 'refused-post')
    again.click()
    page.wait_for_url(f'**/petits/classe/{people.cp.id}/ecrire')
    page.goto(page.base + f'/blog/article/{blog_post.id}')
    assert page.get_by_role('link', name='Modifier').count() == 0
    checked(page, 'read')


def test_a_browser_without_a_recorder_says_the_microphone_does_not_work_here(people, phone):
    """In plain http (not localhost) a browser offers no navigator.mediaDevices: JavaScript runs,
    so the page must not say it is off; photo and words stay."""
    page = phone()
    page.add_init_script('Object.defineProperty(navigator, "mediaDevices", {value: undefined})')
    browser_sign_in(page, people.young.login)
    page.goto(page.base + f'/petits/classe/{people.cp.id}/ecrire')
    assert page.get_by_text('Le micro ne marche pas sur cet appareil').is_visible()
    assert page.get_by_text('il faut JavaScript').count() == 0
    assert page.get_by_role('button', name='Parler').is_hidden() and page.locator('#f-photo').count() == 1


def test_zoe_finds_the_demos_picture_card_on_her_young_blog_on_a_phone(demo, phone):
    """The demo's maternelle (young/demo.py): the album photo of a classmate's post shows on the card."""
    from ecole_ent.young import demo as young_demo
    page = phone()
    browser_sign_in(page, 'zoe.dubois')
    page.locator('.young-tiles').get_by_role('link', name='Blog').click()
    page.wait_for_load_state()
    card = page.locator('.young-card', has_text=young_demo.CARNIVAL)
    card.locator('img.young-card-photo').scroll_into_view_if_needed()
    assert card.locator('img.young-card-photo').evaluate('img => img.decode().then(() => img.naturalWidth > 0)')
    checked(page, 'blog-demo')
