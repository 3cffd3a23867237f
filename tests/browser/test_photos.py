"""Photo albums in Debian's Chromium: a teacher creates an album and uploads three photos (the
enhanced form), a guardian looks at them on a phone; axe-core finds nothing; payloads stay inert."""
import pytest

from ecole_ent.models import Classroom, Photo
from ecole_ent.school_time import to_local
from tests.conftest import axe_violations, browser_sign_in, jpeg, screenshot
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
    first.click()                                           # the viewer, then the photo's own page
    page.get_by_role('dialog').get_by_role('link', name='Page de la photo').click()
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
    phone.goto(phone.base + phone.get_by_role('link', name='La plage au soleil').get_attribute('href'))
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
    page.get_by_label('Description (facultative)').fill('Un carré vert')   # sent with the photos
    page.get_by_role('button', name='Envoyer').click()
    status = page.get_by_role('status').filter(has_text='refusée')
    status.wait_for()
    assert '1 photo(s) ajoutée(s).' in status.inner_text()
    assert "« <b>notes<i>.jpg » refusée : Ce fichier n'est pas une image" in status.inner_text()
    assert page.locator('.upload-status b, .upload-status i').count() == 0   # the name stayed text
    assert [p.caption for p in Photo.select().where(Photo.original_name == 'bonne.jpg')] == ['Un carré vert']
    assert axe_violations(page) == []


# --- the full-screen viewer (static/photos/viewer.js) -------------------------------------------

VIEWPORTS = {'phone': dict(viewport={'width': 390, 'height': 844}, is_mobile=True, has_touch=True),
             'desktop': dict(viewport={'width': 1280, 'height': 800})}


def reader_page(chromium, live_server, size, **options):
    context = chromium.new_context(locale='fr-FR', bypass_csp=True, **VIEWPORTS[size], **options)
    page = context.new_page()
    page.base = live_server
    return page


def album_for_the_viewer(scene):
    """The scene's album (one photo each for a pupil with consent, refused, unknown) plus two
    photos without caption and nobody tagged: a guardian of another family sees three of five."""
    import io

    from ecole_ent.photos import service
    service.add_photos(scene.people['teacher'], scene.album, [
        ('a.jpg', io.BytesIO(jpeg((250, 200, 40), (2000, 1500)))),      # larger than the display size
        ('b.jpg', io.BytesIO(jpeg((40, 200, 250), (1500, 2000))))])
    return list(Photo.in_album(scene.album))


def position(page):
    return page.locator('dialog.photo-viewer .viewer-position').inner_text()


def swipe(page, size, dx):
    """A finger moving dx px sideways over the photo: real touches through the DevTools protocol on
    the phone (the browser turns them into pointer events), dispatched pointer events on desktop."""
    box = page.locator('.viewer-stage').bounding_box()
    x, y = box['x'] + box['width'] / 2, box['y'] + box['height'] / 2
    if size == 'phone':
        cdp = page.context.new_cdp_session(page)
        cdp.send('Input.dispatchTouchEvent', {'type': 'touchStart', 'touchPoints': [{'x': x, 'y': y}]})
        for step in range(1, 6):
            cdp.send('Input.dispatchTouchEvent', {'type': 'touchMove',
                                                  'touchPoints': [{'x': x + dx * step / 5, 'y': y + 3}]})
        cdp.send('Input.dispatchTouchEvent', {'type': 'touchEnd', 'touchPoints': []})
        cdp.detach()
    else:
        page.evaluate("""([x, y, dx]) => {
            const stage = document.querySelector('.viewer-stage');
            const at = (type, cx) => stage.dispatchEvent(new PointerEvent(type, {bubbles: true,
                isPrimary: true, pointerType: 'touch', pointerId: 7, clientX: cx, clientY: y}));
            at('pointerdown', x); at('pointermove', x + dx / 2); at('pointerup', x + dx);
        }""", [x, y, dx])


@pytest.mark.parametrize('size', ['phone', 'desktop'])
def test_a_guardian_browses_an_album_full_screen_by_keyboard_and_swipe(chromium, live_server, scene, size):
    photos = album_for_the_viewer(scene)
    hidden = [scene.refused, scene.unknown]
    visible = [p for p in photos if p.id not in {h.id for h in hidden}]
    assert len(visible) == 3
    page = reader_page(chromium, live_server, size)
    requested = []
    page.on('request', lambda request: requested.append(request.url))
    width = VIEWPORTS[size]['viewport']['width']
    browser_sign_in(page, scene.people['guardian'].login)    # a family whose child has consent
    page.goto(f'{page.base}/photos/album/{scene.album.id}')
    no_horizontal_scroll(page, width)
    assert axe_violations(page) == []
    thumbnails = page.locator('.photo-grid a')
    assert thumbnails.count() == 3

    thumbnails.nth(0).click()
    viewer = page.get_by_role('dialog', name='Au parc')
    viewer.wait_for()
    assert position(page) == 'Photo 1 sur 3'
    assert page.evaluate("document.activeElement.closest('dialog.photo-viewer') !== null")
    image = page.locator('.viewer-image')
    assert image.get_attribute('src') == f'/media/{visible[0].display}.jpg'
    page.wait_for_function("document.querySelector('.viewer-image').naturalWidth > 0")
    no_horizontal_scroll(page, width)
    for name in ('Précédente', 'Suivante', 'Fermer'):
        box = page.get_by_role('button', name=name).bounding_box()
        assert box['width'] >= 44 and box['height'] >= 44, (name, box)
    assert page.get_by_role('button', name='Précédente').get_attribute('aria-disabled') == 'true'
    assert axe_violations(page) == []
    screenshot(page, f'photos-viewer-{size}')
    if size == 'phone':                                      # the narrowest phone still fits
        page.set_viewport_size({'width': 320, 'height': 568})
        no_horizontal_scroll(page, 320)
        for name in ('Précédente', 'Suivante', 'Fermer'):
            box = page.get_by_role('button', name=name).bounding_box()
            assert box['x'] >= 0 and box['x'] + box['width'] <= 320 and box['y'] + box['height'] <= 568, name
        page.set_viewport_size(VIEWPORTS[size]['viewport'])

    page.keyboard.press('ArrowRight')
    assert position(page) == 'Photo 2 sur 3'
    day = to_local(visible[1].created_at)        # the alt names the school's day, not UTC's
    assert page.get_by_role('dialog').get_attribute('aria-labelledby') == 'photo-viewer-caption'
    assert page.locator('.viewer-caption').inner_text() == service_alt(visible[1])
    assert image.get_attribute('alt') == service_alt(visible[1]) and str(day.day) in image.get_attribute('alt')
    swipe(page, size, -160)                                  # finger to the left: the next one
    assert position(page) == 'Photo 3 sur 3'
    assert image.get_attribute('src') == f'/media/{visible[2].display}.jpg'
    swipe(page, size, -160)                                  # no photo after the last
    assert position(page) == 'Photo 3 sur 3'
    swipe(page, size, 160)
    assert position(page) == 'Photo 2 sur 3'
    swipe(page, size, 20)                                    # too short: a tap, not a swipe
    assert position(page) == 'Photo 2 sur 3'
    page.keyboard.press('End')
    assert position(page) == 'Photo 3 sur 3'
    page.keyboard.press('Home')
    assert position(page) == 'Photo 1 sur 3'
    page.get_by_role('button', name='Suivante').click()
    assert position(page) == 'Photo 2 sur 3'
    assert axe_violations(page) == []

    page.keyboard.press('Escape')
    viewer.wait_for(state='hidden')
    focused = page.evaluate('document.activeElement.getAttribute("href")')
    assert focused == f'/photos/{visible[1].id}'              # the thumbnail of the photo last shown
    assert page.url.endswith(f'/photos/album/{scene.album.id}')
    assert axe_violations(page) == []

    thumbnails.nth(2).focus()                                # by keyboard alone, and back button
    page.keyboard.press('Enter')
    viewer = page.get_by_role('dialog')
    viewer.wait_for()
    assert position(page) == 'Photo 3 sur 3'
    page.go_back()
    viewer.wait_for(state='hidden')
    assert page.url.endswith(f'/photos/album/{scene.album.id}')
    assert page.evaluate('document.activeElement.getAttribute("href")') == f'/photos/{visible[2].id}'

    media = ' '.join(url for url in requested if '/media/' in url)
    for photo in hidden:                                    # never offered, never fetched
        assert not any(digest in media for digest in photo.digests())
    large = [photo for photo in visible if photo.full != photo.display]
    assert len(large) == 2 and all(photo.display in media for photo in large)
    assert not any(photo.full in media for photo in large)   # the display size, never the original
    page.context.close()


def service_alt(photo):
    from ecole_ent.photos import service
    return service.alt_text(photo)


def test_without_javascript_a_thumbnail_opens_the_photo_page(chromium, live_server, scene):
    photos = album_for_the_viewer(scene)
    page = reader_page(chromium, live_server, 'phone', java_script_enabled=False)
    browser_sign_in(page, scene.people['guardian'].login)
    page.goto(f'{page.base}/photos/album/{scene.album.id}')
    page.locator('.photo-grid a').nth(1).click()
    page.wait_for_load_state()
    assert page.url.endswith(f'/photos/{photos[3].id}')
    assert page.get_by_role('heading', level=1).inner_text() == service_alt(photos[3])
    assert page.locator('dialog').count() == 0
    no_horizontal_scroll(page, 390)
    page.context.close()


@pytest.mark.parametrize('size', ['phone', 'desktop'])
def test_right_to_left_the_left_arrow_key_and_a_swipe_to_the_right_go_to_the_next_photo(
        chromium, live_server, scene, size):
    """In Arabic the album reads from the right: ← and a finger moving right go forward, → and a
    finger moving left go back (static/photos/viewer.js)."""
    from ecole_ent.models import User
    visible = [p for p in album_for_the_viewer(scene) if p.id not in {scene.refused.id, scene.unknown.id}]
    page = reader_page(chromium, live_server, size)
    guardian = scene.people['guardian']
    browser_sign_in(page, guardian.login)
    User.update(language='ar').where(User.id == guardian.id).execute()
    page.goto(f'{page.base}/photos/album/{scene.album.id}')
    assert page.evaluate('document.documentElement.dir') == 'rtl'
    page.locator('.photo-grid a').nth(0).click()
    image = page.locator('dialog.photo-viewer .viewer-image')
    image.wait_for()

    def shown():
        return image.get_attribute('src')
    assert shown() == f'/media/{visible[0].display}.jpg'
    page.keyboard.press('ArrowLeft')
    assert shown() == f'/media/{visible[1].display}.jpg'
    page.keyboard.press('ArrowRight')
    assert shown() == f'/media/{visible[0].display}.jpg'
    swipe(page, size, 160)                                   # finger to the right: the next one
    assert shown() == f'/media/{visible[1].display}.jpg'
    swipe(page, size, 160)
    assert shown() == f'/media/{visible[2].display}.jpg'
    swipe(page, size, -160)                                  # to the left: back
    assert shown() == f'/media/{visible[1].display}.jpg'
    page.context.close()
