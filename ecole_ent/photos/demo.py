"""Demo albums: scenes drawn with Pillow (no stock images), through the real pipeline, with some
pupils tagged whose image-rights consent is refused or unknown (so the rule shows)."""
import io
import math

from PIL import Image, ImageDraw

from ..models import Photo, PhotoTag
from . import service

ALBUMS = [
    ('Sortie au jardin botanique', ['Les grands arbres du parc', 'Une fleur géante',
                                    'Le pique-nique sur la pelouse', 'Le soleil de midi']),
    ('Carnaval de l’école', ['Les confettis dans la cour', 'Le défilé des costumes',
                             'Les masques de la classe']),
    ('Atelier peinture', ['Nos tableaux au mur', 'Les pinceaux et les couleurs']),
]
SIZE = (800, 600)     # small: the demo is seeded before many tests


def seed(demo):
    rng = demo.rng
    for classroom in demo.classes:
        pupils = [p for p, c in demo.pupils if c.id == classroom.id]
        shy = [p for p in pupils if p.image_rights != 'granted']
        if not shy and pupils:                       # every class shows the rule at work
            shy = [pupils[-1]]
            shy[0].image_rights = 'refused'
            shy[0].save()
        for index, (title, captions) in enumerate(ALBUMS[:2 if classroom != demo.classes[1] else 3]):
            album = service.create_album(None, classroom.id, title, quiet=True)
            for number, caption in enumerate(captions):
                scene = draw_scene(rng, index)
                name = f'IMG_{2040 + 10 * index + number}.JPG'
                added, _refused = service.add_photos(None, album, [(name, scene)])
                for photo in added:
                    Photo.update(caption=caption).where(Photo.id == photo.id).execute()
                    tagged = rng.sample(pupils, min(len(pupils), rng.randint(1, 3)))
                    if number == 1 and shy:
                        tagged.append(rng.choice(shy))
                    for pupil in {p.id: p for p in tagged}.values():
                        PhotoTag.create(photo=photo, pupil=pupil)


def draw_scene(rng, kind):
    """A small picture: a garden (trees, flowers, sun), confetti, or paint strokes; as a JPEG."""
    image = Image.new('RGB', SIZE, (135, 190, 235))
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    if kind == 0:
        draw.rectangle((0, height * 2 // 3, width, height), fill=(90, 160, 70))
        sun = rng.randint(100, width - 100)
        draw.ellipse((sun - 45, 35, sun + 45, 125), fill=(250, 210, 60))
        for _ in range(rng.randint(3, 6)):
            x = rng.randint(50, width - 50)
            draw.rectangle((x - 12, height // 2, x + 12, height * 2 // 3 + 20), fill=(110, 70, 40))
            draw.ellipse((x - 65, height // 2 - 110, x + 65, height // 2 + 20), fill=(40, 120, 50))
        for _ in range(30):
            x, y = rng.randint(0, width), rng.randint(height * 2 // 3 + 10, height - 10)
            color = rng.choice([(230, 60, 90), (250, 240, 90), (250, 250, 250), (170, 90, 200)])
            draw.ellipse((x - 9, y - 9, x + 9, y + 9), fill=color)
    elif kind == 1:
        draw.rectangle((0, 0, width, height), fill=(70, 70, 110))
        for _ in range(200):
            x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(4, 14)
            draw.ellipse((x - r, y - r, x + r, y + r),
                         fill=tuple(rng.randint(60, 255) for _ in range(3)))
    else:
        draw.rectangle((0, 0, width, height), fill=(245, 240, 228))
        for _ in range(25):
            x, y = rng.randint(0, width), rng.randint(0, height)
            angle, length = rng.random() * math.pi, rng.randint(80, 300)
            draw.line((x, y, x + length * math.cos(angle), y + length * math.sin(angle)),
                      fill=tuple(rng.randint(0, 255) for _ in range(3)), width=rng.randint(12, 40))
    out = io.BytesIO()
    image.save(out, 'JPEG', quality=88)
    out.seek(0)
    return out
