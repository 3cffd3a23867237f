"""The blog in Debian's Chromium: a pupil's post waits, the teacher approves it, a guardian reads it
on a phone; hostile posts run no script; axe-core finds no violation on the blog's pages."""
import base64

import pytest

from ecole_ent.blog import posting
from ecole_ent.models import Album, Photo, Post
from tests.blog.test_xss import PAYLOADS
from tests.conftest import axe_violations, browser_sign_in, jpeg, screenshot

pytestmark = pytest.mark.browser


def new_page(chromium, base, width=1280, height=800):
    context = chromium.new_context(viewport={'width': width, 'height': height}, locale='fr-FR',
                                   bypass_csp=True)
    page = context.new_page()
    page.base = base
    return page


def test_pupil_post_waits_then_appears_for_a_guardian_on_a_phone(chromium, browser_page, people):
    cp = people.cp.id
    pupil = browser_page
    browser_sign_in(pupil, people.pupil.login)
    pupil.goto(f'{pupil.base}/blog/classe/{cp}/nouveau')
    assert 'role-pupil' in pupil.locator('body').get_attribute('class')
    assert axe_violations(pupil) == []
    pupil.get_by_label('Titre').fill('Notre hérisson')
    pupil.get_by_label('Texte').fill('Il a **quatre** pattes.')
    pupil.get_by_role('button', name='Aperçu').click()
    assert pupil.locator('.preview strong').inner_text() == 'quatre'
    pupil.get_by_role('button', name='Envoyer à l’enseignant').click()
    pupil.wait_for_load_state()
    assert 'attend la validation' in pupil.locator('main').inner_text()
    assert axe_violations(pupil) == []

    teacher = new_page(chromium, pupil.base)
    browser_sign_in(teacher, people.teacher.login)
    teacher.goto(f'{teacher.base}/blog/classe/{cp}/moderation')
    assert axe_violations(teacher) == []
    item = teacher.locator('article.moderation-item', has_text='Notre hérisson')
    item.get_by_role('button', name='Publier').click()
    teacher.wait_for_load_state()
    assert 'Article publié.' in teacher.locator('.flashes').inner_text()

    guardian = new_page(chromium, pupil.base, 375, 740)
    browser_sign_in(guardian, people.guardian.login)
    guardian.goto(f'{guardian.base}/blog/classe/{cp}')
    assert guardian.evaluate('document.documentElement.scrollWidth') <= 375
    assert axe_violations(guardian) == []
    guardian.get_by_role('link', name='Notre hérisson', exact=True).click()
    guardian.wait_for_load_state()
    assert guardian.locator('.post-body strong').inner_text() == 'quatre'
    assert people.pupil.last_name not in guardian.locator('main').inner_text()
    guardian.get_by_label('Votre commentaire').fill('Bravo !')
    guardian.get_by_role('button', name='Envoyer le commentaire').click()
    guardian.wait_for_load_state()
    assert 'après validation' in guardian.locator('.flashes').inner_text()
    assert guardian.evaluate('document.documentElement.scrollWidth') <= 375
    assert axe_violations(guardian) == []
    for page in (teacher, guardian):
        page.context.close()


def test_hostile_posts_run_no_script_in_the_browser(chromium, live_server, people, config):
    for number, payload in enumerate(PAYLOADS):
        post = posting.create_post(people.teacher, people.cp.id, {
            'title': f'X{number} {payload}', 'body': payload, 'visibility': 'public'})
        posting.add_comment(people.teacher, post.id, payload)
    page = new_page(chromium, live_server, 375, 740)
    events = []
    page.on('dialog', lambda dialog: (events.append('dialog ' + dialog.message), dialog.dismiss()))
    page.on('console', lambda message: events.append(message.text) if message.type == 'error' else None)
    page.on('request', lambda request: events.append('request ' + request.url)
            if not request.url.startswith(live_server) else None)
    browser_sign_in(page, people.guardian.login)
    urls = [f'/blog/classe/{people.cp.id}?page={n}' for n in (1, 2, 3)] + ['/public/0061234A/']
    urls += [f'/blog/article/{p.id}' for p in Post.select().where(Post.title.startswith('X'))]
    for url in urls:
        page.goto(live_server + url)
        assert page.evaluate('[...document.scripts].filter(s => !s.src).length') == 0, url
        assert page.title() != 'XSS'
    assert events == []
    page.context.close()


def test_a_teacher_puts_a_photo_in_a_post_with_the_picker_and_publishes_it(chromium, browser_page, scene):
    page = browser_page
    browser_sign_in(page, scene.people['teacher'].login)
    page.goto(f'{page.base}/blog/classe/{scene.classroom.id}/nouveau')
    page.evaluate('window.sameDocument = true')          # gone if « Insérer » reloaded the page
    page.get_by_label('Titre').fill('Au parc')
    body = page.get_by_label('Texte')
    body.fill('Avant.\n\nAprès.')
    body.evaluate('el => el.setSelectionRange(6, 6)')     # the cursor after « Avant. »
    page.locator('.photo-picker > summary').click()
    offered = page.locator('input[name=pick]').evaluate_all('boxes => boxes.map(box => +box.value)')
    assert scene.open.id in offered and scene.refused.id not in offered and scene.unknown.id not in offered
    tick = page.locator(f'#f-pick-{scene.open.id}')
    tick.check()
    assert axe_violations(page) == []
    screenshot(page, 'blog-editor-desktop')
    page.get_by_role('button', name='Insérer les photos cochées').click()
    assert page.evaluate('window.sameDocument') is True
    assert body.input_value() == f'Avant.\n\n![Au parc](photo:{scene.open.id})\n\nAprès.'
    assert page.locator('.picker-status').inner_text() == 'Photos insérées dans le texte : 1.'
    assert not tick.is_checked()
    page.get_by_role('button', name='Publier', exact=True).click()
    page.wait_for_load_state()
    assert 'Article publié.' in page.locator('.flashes').inner_text()
    photo = page.locator('.post-body figure.post-photo img')
    assert photo.get_attribute('src') == f'/media/{scene.open.display}.jpg'
    assert photo.evaluate('img => img.complete && img.naturalWidth') > 0      # the picture loaded
    assert page.locator('.post-body').inner_text().index('Avant.') < page.locator('.post-body').inner_text().index(
        'Après.')
    page.context.close()


def test_an_image_dropped_on_the_text_is_sent_with_the_post_into_the_blog_album(chromium, live_server, scene):
    page = new_page(chromium, live_server, 390, 844)
    browser_sign_in(page, scene.people['teacher'].login)
    page.goto(f'{page.base}/blog/classe/{scene.classroom.id}/nouveau')
    page.locator('.photo-picker > summary').click()
    assert page.evaluate('document.documentElement.scrollWidth') <= 390
    assert axe_violations(page) == []
    screenshot(page, 'blog-editor-phone')
    page.get_by_label('Titre').fill('Le potager')
    page.get_by_label('Texte').fill('Nos tomates.')
    picture = base64.b64encode(jpeg((200, 40, 40))).decode()
    page.get_by_label('Texte').evaluate("""(el, data) => {
        const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
        const drop = new DataTransfer();
        drop.items.add(new File([bytes], 'tomates.jpg', {type: 'image/jpeg'}));
        drop.items.add(new File(['pas une image'], 'notes.txt', {type: 'text/plain'}));
        el.dispatchEvent(new DragEvent('drop', {dataTransfer: drop, bubbles: true, cancelable: true}));
    }""", picture)
    assert page.locator('input[name=photos]').evaluate('input => input.files.length') == 1
    assert 'tomates.jpg' in page.locator('.dropped-photos').inner_text()
    page.get_by_label('Titre').press('Enter')             # the form's default: publishing, not « Insérer »
    page.wait_for_load_state()
    post = Post.get(Post.title == 'Le potager')
    added = Photo.get(Photo.album == Album.get((Album.classroom == scene.classroom) & (Album.title == 'Blog')))
    assert post.body_source == f'Nos tomates.\n\n![Le potager](photo:{added.id})'
    assert page.locator('.post-body img').get_attribute('src') == f'/media/{added.display}.jpg'
    assert page.evaluate('document.documentElement.scrollWidth') <= 390
    page.context.close()


def test_a_pupil_sees_the_class_photos_in_the_picker_on_a_phone(chromium, live_server, scene):
    page = new_page(chromium, live_server, 390, 844)
    browser_sign_in(page, scene.people['pupil'].login)
    page.goto(f'{page.base}/blog/classe/{scene.classroom.id}/nouveau')
    page.locator('.photo-picker > summary').click()
    assert page.locator(f'#f-pick-{scene.open.id}').is_visible()
    assert page.locator('input[name=photos]').count() == 0          # sending photos: teachers only
    assert page.evaluate('document.documentElement.scrollWidth') <= 390
    assert axe_violations(page) == []
    page.context.close()


def test_without_javascript_the_picker_posts_the_form_and_brings_it_back_with_the_photo(chromium, live_server,
                                                                                       scene):
    context = chromium.new_context(viewport={'width': 390, 'height': 844}, locale='fr-FR', bypass_csp=True,
                                   java_script_enabled=False)
    page = context.new_page()
    page.base = live_server
    browser_sign_in(page, scene.people['teacher'].login)
    page.goto(f'{page.base}/blog/classe/{scene.classroom.id}/nouveau')
    page.get_by_label('Titre').fill('Sans script')
    page.get_by_label('Texte').fill('Bonjour.')
    page.get_by_label('Tout le monde').check()
    page.locator('.photo-picker > summary').click()
    page.locator(f'#f-pick-{scene.open.id}').check()
    page.get_by_role('button', name='Insérer les photos cochées').click()
    page.wait_for_load_state()
    assert page.get_by_label('Titre').input_value() == 'Sans script'
    assert page.get_by_label('Texte').input_value() == f'Bonjour.\n\n![Au parc](photo:{scene.open.id})'
    assert page.get_by_label('Tout le monde').is_checked()
    assert 'relisez-le, puis publiez' in page.locator('.notice').inner_text()
    screenshot(page, 'blog-editor-phone-nojs-inserted')
    page.get_by_role('button', name='Publier', exact=True).click()
    page.wait_for_load_state()
    assert page.locator('.post-body img').get_attribute('src') == f'/media/{scene.open.display}.jpg'
    context.close()
