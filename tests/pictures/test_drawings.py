"""The drawings shipped with the package: the 12 pictures of picture passwords
(static/pictures/<name>.svg) and the pictograms of the young pupils' space and the kiosk
(static/pictos/<name>.svg). Each is a small, safe, self-contained SVG (no script, no event
attribute, no external reference, no text: the word is the page's, read as alt text), served by
the app as an image, and rendered by Chromium as a picture that fills its square; the 12
pictures look different from one another."""
import base64
import re

import pytest
from defusedxml import ElementTree

from ecole_ent.paths import resource_dir
from ecole_ent.pictures.catalogue import PICTURES

PICTURES_DIR = resource_dir('static') / 'pictures'
PICTOS_DIR = resource_dir('static') / 'pictos'
PICTOS = ('accueil', 'blog', 'ecrire', 'photo', 'micro', 'stop', 'envoyer', 'sortir', 'photos',
          'devoirs', 'retour', 'imprimer', 'carte', 'cle', 'lire', 'triste')
FORBIDDEN_ELEMENTS = {'script', 'text', 'tspan', 'textPath', 'foreignObject', 'image', 'style',
                      'a', 'iframe', 'use'}
ALL = [PICTURES_DIR / f'{name}.svg' for name in PICTURES] + [PICTOS_DIR / f'{name}.svg' for name in PICTOS]


def local(name):
    return name.rsplit('}', 1)[-1]


def test_every_picture_of_the_catalogue_has_its_drawing():
    assert len(PICTURES) == 12
    missing = [name for name in PICTURES if not (PICTURES_DIR / f'{name}.svg').is_file()]
    assert not missing


def test_the_twelve_pictures_weigh_at_most_60_kb_together_and_differ():
    contents = [(PICTURES_DIR / f'{name}.svg').read_bytes() for name in PICTURES]
    assert sum(len(content) for content in contents) <= 60 * 1024
    assert len(set(contents)) == 12


@pytest.mark.parametrize('name', PICTOS)
def test_every_pictogram_exists_and_weighs_at_most_2_kb(name):
    path = PICTOS_DIR / f'{name}.svg'
    assert path.is_file(), f'{path} is missing'
    assert path.stat().st_size <= 2048


@pytest.mark.parametrize('path', ALL, ids=lambda path: f'{path.parent.name}/{path.stem}')
def test_each_drawing_is_a_safe_self_contained_square_svg(path):
    root = ElementTree.fromstring(path.read_bytes())      # well-formed, no entity declarations
    assert local(root.tag) == 'svg'
    assert root.get('viewBox') == '0 0 100 100'
    for element in root.iter():
        assert local(element.tag) not in FORBIDDEN_ELEMENTS, f'<{local(element.tag)}> in {path.name}'
        for attribute, value in element.attrib.items():
            attribute = local(attribute)
            assert not attribute.lower().startswith('on'), f'{attribute} in {path.name}'
            assert attribute != 'href', f'a reference in {path.name}'
            assert not re.search(r'url\(|javascript:|https?:|data:', value, re.I), f'{value} in {path.name}'


def test_the_app_serves_the_drawings_as_svg_images(client):
    for path in (PICTURES_DIR / 'chat.svg', PICTOS_DIR / 'sortir.svg'):
        response = client.get(f'/static/{path.parent.name}/{path.name}')
        assert response.status_int == 200
        assert response.content_type == 'image/svg+xml'
        assert response.body == path.read_bytes()


def rendered(page, path, size):
    """What Chromium draws of the SVG at size x size on white, as a list of (r, g, b) pixels."""
    source = 'data:image/svg+xml;base64,' + base64.b64encode(path.read_bytes()).decode()
    data = page.evaluate("""async ([source, size]) => {
        const image = new Image(size, size);
        image.src = source;
        await image.decode();
        const canvas = document.createElement('canvas');
        canvas.width = canvas.height = size;
        const context = canvas.getContext('2d');
        context.fillStyle = '#fff';
        context.fillRect(0, 0, size, size);
        context.drawImage(image, 0, 0, size, size);
        return Array.from(context.getImageData(0, 0, size, size).data);
    }""", [source, size])
    return [tuple(data[i:i + 3]) for i in range(0, len(data), 4)]


def inked(pixels):
    """The share of the square the drawing covers (pixels not white)."""
    return sum(1 for pixel in pixels if sum(pixel) < 720) / len(pixels)


def grey(pixel):
    red, green, blue = pixel
    return 0.299 * red + 0.587 * green + 0.114 * blue


def unlike(first, second):
    """The share of pixels that clearly differ between two renderings of the same size, in colour
    and, as a black and white printer gives the class sheet, in grey."""
    colour = sum(1 for a, b in zip(first, second) if sum(abs(x - y) for x, y in zip(a, b)) > 120)
    shade = sum(1 for a, b in zip(first, second) if abs(grey(a) - grey(b)) > 40)
    return colour / len(first), shade / len(first)


def test_chromium_draws_each_drawing_filling_its_square_and_no_two_pictures_alike(chromium):
    page = chromium.new_page()
    try:
        small = {}
        for name in PICTURES:
            assert inked(rendered(page, PICTURES_DIR / f'{name}.svg', 96)) >= 0.25, name
            small[name] = rendered(page, PICTURES_DIR / f'{name}.svg', 48)
            assert inked(small[name]) >= 0.25, f'{name} at 48 px'
        for pictogram in PICTOS:
            assert inked(rendered(page, PICTOS_DIR / f'{pictogram}.svg', 48)) >= 0.15, pictogram
    finally:
        page.close()
    names = list(small)
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            colour, shade = unlike(small[first], small[second])
            assert colour >= 0.3, f'{first} and {second} look alike at 48 px'
            assert shade >= 0.2, f'{first} and {second} look alike at 48 px in black and white'
