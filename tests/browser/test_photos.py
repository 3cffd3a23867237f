"""Photo albums in Debian's Chromium: a teacher creates an album and uploads three photos (the
enhanced form), a guardian looks at them on a phone; axe-core finds nothing; payloads stay inert."""
import pytest

from ecole_ent.models import Classroom, Photo
from tests.conftest import axe_violations, browser_sign_in, jpeg
from tests.media import media_samples as samples

pytestmark = pytest.mark.browser
XSS_TITLE = '<img src=x onerror="window.__xss=1">Sortie <script>window.__xss=2</script>'


def no_horizontal_scroll(page, width):
    scroll = page.evaluate('document.documentElement.scrollWidth')
    assert scroll <= width, f'horizontal scrolling at {width} px ({scroll} px wide)'


def test_teacher_uploads_three_photos_and_a_guardian_views_them_on_a_phone(browser_page, tmp_path):
    page = browser_page
    dialogs = []
    page.on('dialog', lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    classroom = Classroom.get(Classroom.name == 'CP-CE1')
    browser_sign_in(page, 'julien.roux')
    page.goto(f'{page.base}/classe/{classroom.id}')
    page.get_by_role('link', name='Les photos de la classe').click()
    assert axe_violations(page) == []
    page.get_by_label("Titre de l'album").fill(XSS_TITLE)
    page.get_by_role('button', name="Créer l'album").click()
    page.wait_for_load_state()
    assert page.get_by_role('heading', level=1).inner_text() == XSS_TITLE   # shown as text
    files = []
    for name, data in (('plage.jpg', jpeg((30, 120, 200), (1600, 1200))),
                       ('portrait.jpg', samples.jpeg_orientation_6_with_gps()),
                       ('dessin.png', samples.png_with_alpha())):
        path = tmp_path / name
        path.write_bytes(data)
        files.append(str(path))
    page.get_by_label('Photos (depuis le téléphone ou l’ordinateur)').set_input_files(files)
    with page.expect_navigation():          # the enhanced form reloads once all are added
        page.get_by_role('button', name='Envoyer').click()
    assert page.locator('.photo-grid img').count() == 3
    assert page.evaluate('window.__xss') is None and dialogs == []
    assert axe_violations(page) == []
    album_url = page.url
    first = page.locator('.photo-grid a').first
    first.click()
    page.wait_for_load_state()
    page.get_by_label('Description', exact=True).fill('La plage au soleil')
    page.get_by_role('button', name='Enregistrer').click()
    page.wait_for_load_state()
    assert axe_violations(page) == []
    assert Photo.select().where(Photo.caption == 'La plage au soleil').count() == 1

    guardian = page.context.browser.new_context(viewport={'width': 375, 'height': 740}, locale='fr-FR',
                                                bypass_csp=True, is_mobile=True, has_touch=True)
    phone = guardian.new_page()
    phone.base = page.base
    phone.on('dialog', lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    browser_sign_in(phone, 'aurelie.dubois')             # her child is in CP-CE1
    phone.get_by_role('link', name='Photos').first.click()   # the main menu
    phone.wait_for_load_state()
    no_horizontal_scroll(phone, 375)
    assert axe_violations(phone) == []
    phone.goto(album_url)
    images = phone.locator('.photo-grid img')
    assert images.count() == 3
    phone.wait_for_function("[...document.querySelectorAll('.photo-grid img')]"
                            ".every(img => img.complete && img.naturalWidth > 0)")
    no_horizontal_scroll(phone, 375)
    assert axe_violations(phone) == []
    phone.get_by_role('img', name='La plage au soleil').click()
    phone.wait_for_load_state()
    shown = phone.locator('figure.photo img')
    phone.wait_for_function("document.querySelector('figure.photo img').naturalWidth > 0")
    assert shown.get_attribute('alt') == 'La plage au soleil'
    no_horizontal_scroll(phone, 375)
    assert axe_violations(phone) == []
    assert phone.evaluate('window.__xss') is None and dialogs == []
    guardian.close()


def test_upload_refusals_are_explained_without_reloading(browser_page):
    page = browser_page
    classroom = Classroom.get(Classroom.name == 'CP-CE1')
    browser_sign_in(page, 'julien.roux')
    page.goto(f'{page.base}/classe/{classroom.id}/photos')
    page.get_by_label("Titre de l'album").fill('Essais')
    page.get_by_role('button', name="Créer l'album").click()
    page.wait_for_load_state()
    page.get_by_label('Photos (depuis le téléphone ou l’ordinateur)').set_input_files([
        {'name': 'bonne.jpg', 'mimeType': 'image/jpeg', 'buffer': jpeg((1, 150, 1))},
        {'name': '<b>notes<i>.jpg', 'mimeType': 'image/jpeg', 'buffer': b'pas une image'}])
    page.get_by_role('button', name='Envoyer').click()
    status = page.get_by_role('status').filter(has_text='refusée')
    status.wait_for()
    assert '1 photo(s) ajoutée(s).' in status.inner_text()
    assert "« <b>notes<i>.jpg » refusée : Ce fichier n'est pas une image" in status.inner_text()
    assert page.locator('.upload-status b, .upload-status i').count() == 0   # the name stayed text
    assert axe_violations(page) == []
