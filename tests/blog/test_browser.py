"""The blog in Debian's Chromium: a pupil's post waits, the teacher approves it, a guardian reads it
on a phone; hostile posts run no script; axe-core finds no violation on the blog's pages."""
import pytest

from ecole_ent.blog import posting
from ecole_ent.models import Post
from tests.blog.test_xss import PAYLOADS
from tests.conftest import axe_violations, browser_sign_in

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
