"""Another school's messages (École du Port, tests/admin/conftest.school_b): its people can neither
see nor write to the demo school's, and the other way round, through the web with valid CSRF
tokens: threads, files, replies and recalls answer 404 (their existence does not leak), a new
message to the other school's people comes back refused, the read-only switch of the other school
is refused, and nothing in the database changes. The admin is a member of neither thread."""
import io

import pytest

from ecole_ent.messages import access, reading, threads
from ecole_ent.models import Message, MessageFile, MessageReceipt, MessagingSwitch, Thread, ThreadMember
from tests.blog.conftest import PDF, send, text

MODELS = (Thread, ThreadMember, Message, MessageFile, MessageReceipt, MessagingSwitch)


def rows():
    return {model._meta.table_name: list(model.select().order_by(model.id).tuples()) for model in MODELS}


@pytest.fixture
def world(people, school_b):
    """One thread in each school, guardian to teacher, each with a PDF."""
    def thread(sender, recipient, subject):
        made = threads.start(sender, {'subject': subject, 'body': f'{subject} : le texte.',
                                      'recipients': [str(recipient.id)]}, [('fiche.pdf', io.BytesIO(PDF))])
        found = made.threads[0]
        return found, Message.get(Message.thread == found), MessageFile.select().join(Message).where(
            Message.thread == found).get()
    people.a = thread(people.guardian, people.teacher, 'Piscine du jeudi')
    people.b = thread(school_b.guardian, school_b.teacher, 'Observer les marées')
    people.port = school_b
    return people


def demo_side(world):
    return [world.guardian, world.teacher, world.director, world.staff]


def port_side(world):
    return [world.port.guardian, world.port.teacher, world.port.director]


@pytest.mark.parametrize('side', ['demo', 'port'])
def test_nobody_reaches_the_other_school_s_threads(world, signed_in, side):
    people = demo_side(world) if side == 'demo' else port_side(world)
    (thread, message, file), other = (world.b, world.port) if side == 'demo' else (world.a, world)
    before = rows()
    for user in people + [world.admin]:
        client = signed_in(user)
        assert client.get(f'/messages/{thread.id}', status=404)
        assert client.get(f'/messages/fichier/{file.id}', status=404)
        send(client, f'/messages/{thread.id}/repondre', {'body': 'Intrus'}, status=404)
        send(client, f'/messages/message/{message.id}/retirer', {}, status=404)
        assert thread.subject not in text(client.get('/messages'))
    strangers = port_side(world) if side == 'demo' else demo_side(world)
    for user in people:
        client = signed_in(user)
        for stranger in strangers:
            page = send(client, '/messages/nouveau', {'subject': 'Bonjour', 'body': 'Texte',
                                                      'recipients': str(stranger.id)}, status=200)
            assert 'Vous ne pouvez pas écrire' in text(page)
            assert stranger.id not in {u.id for group in access.recipients_for(user).values() for u, _l in group}
    school = world.port.school if side == 'demo' else world.director.school
    director = world.director if side == 'demo' else world.port.director
    send(signed_in(director), '/messages/lecture-seule', {'on': '1', 'school': str(school.id)}, status=403)
    assert rows() == before


def test_each_school_s_people_read_their_own(world):
    assert [line.subject for line in reading.inbox(world.teacher)[0]] == ['Piscine du jeudi']
    assert [line.subject for line in reading.inbox(world.port.teacher)[0]] == ['Observer les marées']
    assert reading.inbox(world.admin)[0] == []
