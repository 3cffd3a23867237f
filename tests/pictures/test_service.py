"""What the database keeps of a picture password, and the sequences a seed gives: three different
pictures, spread over the whole grid, and nothing a read of the database alone could replay."""
from ecole_ent import security
from ecole_ent.models import PicturePassword
from ecole_ent.pictures import service
from ecole_ent.pictures.catalogue import PICTURES


def test_a_seed_gives_three_different_pictures_and_every_picture_is_used(database):
    seen = [set() for _index in range(service.LENGTH)]
    for number in range(400):
        names = service.sequence_of_seed(f'{number:032x}')
        assert len(names) == len(set(names)) == service.LENGTH and set(names) <= set(PICTURES)
        for position, name in enumerate(names):
            seen[position].add(name)
    assert all(found == set(PICTURES) for found in seen)


def test_the_database_keeps_a_seed_the_secret_turns_into_pictures(people, monkeypatch):
    names = service.sequence_for(people.small_pupil)
    row = PicturePassword.get(PicturePassword.pupil == people.small_pupil)
    assert not any(name in str(value) for value in row.__data__.values() for name in names if len(name) > 3)
    seeds = [r.seed for r in PicturePassword.select()]
    ours = [service.sequence_of_seed(seed) for seed in seeds]
    monkeypatch.setitem(security._key, 'secret', b'another installation')
    assert [service.sequence_of_seed(seed) for seed in seeds] != ours     # without the secret, the seed says nothing


def test_the_images_field_is_read_strictly():
    assert service.parse('chat, chien ,lune') == ['chat', 'chien', 'lune']
    assert service.parse('') == []
    assert service.parse('chat,licorne') is None
    assert service.parse('chat,chien,lune,soleil') is None
    assert service.parse('CHAT') is None
