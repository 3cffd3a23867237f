"""Messages for the demo school, at every stage, so that every home and inbox has some on first
start: aurelie.dubois wrote to Noé's teacher (read, answered, the answer read) and has an unread
message from Zoé's teacher (her home's card says « 1 message non lu »); a family's message waits
for ines.haddad (her « À faire · messages »); she wrote to every family of CE2-CM1-CM2 with
a PDF (one thread per family, some read, one answered); a message taken back; the director's
message to the team scheduled for the next school day; the ATSEM and her teacher exchange a photo.

It draws from its own random generator, never demo.rng: the accounts and what the features after
this one seed stay exactly as they were. It runs inside demo.seed()'s transaction and writes the
models directly (no rate limit, no notification: the demo never mails anyone). Times follow
service.clock() (the tests stop it on DEMO_NOW).
"""
import io
import random
import secrets
from datetime import datetime, time, timedelta

from PIL import Image, ImageDraw

from ..models import GuardianLink, Message, MessageFile, MessageReceipt, Teaching, Thread, ThreadMember, User
from ..school_calendar.service import days as school_days
from . import attachments, service

SEED = 1515


def seed(demo):
    rng = random.Random(SEED)
    now = service.clock()
    school = demo.school
    claire, julien, ines = (next(t for t in demo.teachers if _teaches(t, c) and t != demo.director)
                            for c in demo.classes)
    director, nadia = demo.director, demo.staff[0]
    families = _families(demo)
    aurelie = User.get(User.login == 'aurelie.dubois')

    # aurelie.dubois and Noé's teacher: read, answered, the answer read
    thread = _thread(school, 'Absence de Noé lundi', aurelie, [julien], now - timedelta(days=3, hours=2))
    _say(thread, aurelie, [julien], 'Bonjour, Noé a rendez-vous chez l’orthophoniste lundi matin : il arrivera '
         'à 10 h 30. Merci !', now - timedelta(days=3, hours=2), read=now - timedelta(days=3))
    _say(thread, julien, [aurelie], 'Bonjour Madame Dubois, c’est noté. Je lui garderai la fiche de lecture du '
         'matin.', now - timedelta(days=2, hours=23), read=now - timedelta(days=2, hours=20))
    # an unread message from Zoé's teacher
    thread = _thread(school, 'Le doudou de Zoé', claire, [aurelie], now - timedelta(hours=1))
    _say(thread, claire, [aurelie], 'Bonjour, Zoé a laissé son doudou lapin à l’école hier soir : il l’attend '
         'sagement dans la classe.', now - timedelta(hours=1))
    # a family's message waiting for ines.haddad
    parent = rng.choice([g for g, cls in families if demo.classes[2].id in cls and g.id != aurelie.id])
    thread = _thread(school, 'Demande de rendez-vous', parent, [ines], now - timedelta(hours=15))
    _say(thread, parent, [ines], 'Bonjour, pourrions-nous nous voir un soir de la semaine prochaine pour '
         'parler des leçons ? Merci.', now - timedelta(hours=15))
    # a message taken back a few minutes after it was sent
    other = rng.choice([g for g, cls in families if demo.classes[1].id in cls and g.id != aurelie.id])
    thread = _thread(school, 'Photo de classe', julien, [other], now - timedelta(days=1, hours=3))
    _say(thread, julien, [other], 'Message parti trop tôt, je vous réécris.', now - timedelta(days=1, hours=3),
         recalled=now - timedelta(days=1, hours=2, minutes=50))
    _batch(rng, school, ines, [g for g, cls in families if demo.classes[2].id in cls], now)
    _team(school, director, [claire, julien, ines, nadia], now)
    thread = _thread(school, 'Peinture pour l’atelier', nadia, [claire], now - timedelta(days=1, hours=6))
    _say(thread, nadia, [claire], 'Il ne reste plus de gouache jaune. J’en commande ?',
         now - timedelta(days=1, hours=6), read=now - timedelta(days=1, hours=5))
    _say(thread, claire, [nadia], 'Oui, merci ! Voici ce qu’ils ont fait avec la dernière.',
         now - timedelta(days=1, hours=5), read=now - timedelta(days=1, hours=4),
         files=[_stored('peinture.png', _png())])


def _teaches(teacher, classroom):
    return Teaching.select().where((Teaching.teacher == teacher.id) & (Teaching.classroom == classroom.id)).exists()


def _families(demo):
    """[(guardian, {class ids of their children})] of the demo's guardians, in the demo's order."""
    classes = {pupil.id: classroom.id for pupil, classroom in demo.pupils}
    links = {}
    for link in GuardianLink.select().where(GuardianLink.guardian.in_([g.id for g in demo.guardians])):
        links.setdefault(link.guardian_id, set()).add(classes.get(link.pupil_id))
    return [(g, links.get(g.id, set())) for g in demo.guardians if g.is_active]


def _batch(rng, school, teacher, guardians, now):
    """One message to every family of the class, with a PDF: one thread per guardian; about half
    read it, one answered."""
    sent = now - timedelta(days=1, hours=20)
    token, files = secrets.token_hex(16), [_stored('programme-mediatheque.pdf', _pdf('Sortie à la médiathèque'))]
    answered = rng.choice(guardians)
    for guardian in guardians:
        read = sent + timedelta(minutes=rng.randrange(30, 600)) if rng.random() < 0.5 or guardian is answered else None
        thread = _thread(school, 'Sortie à la médiathèque jeudi', teacher, [guardian], sent, batch=token)
        _say(thread, teacher, [guardian], 'Bonjour, jeudi nous irons à la médiathèque à pied. Prévoir un '
             'vêtement de pluie. Le programme est joint.', sent, read=read, files=files)
        if guardian is answered:
            _say(thread, guardian, [teacher], 'Bonjour, je peux accompagner la sortie si besoin.',
                 read + timedelta(minutes=5))


def _team(school, director, team, now):
    """The director's message to the team, scheduled for 8:00 on the next school day."""
    calendar = school_days(school.id)
    day = calendar.next_school_day(service.to_local(now).date())
    at = service.from_local(datetime.combine(day, time(8, 0)))
    thread = _thread(school, 'Conseil des maîtres', director, team, at, created=now - timedelta(hours=2))
    _say(thread, director, team, 'Conseil des maîtres ce soir à 16 h 45 en salle des maîtres : le projet '
         'd’école et la kermesse.', at, created=now - timedelta(hours=2))


def _thread(school, subject, author, recipients, at, batch=None, created=None):
    thread = Thread.create(school=school.id, subject=subject, created_by=author.id, last_message_at=at,
                           batch=batch or secrets.token_hex(16), created_at=created or at)
    ThreadMember.insert_many([{'thread': thread.id, 'user': user.id} for user in [author, *recipients]]).execute()
    return thread


def _say(thread, author, recipients, body, at, read=None, recalled=None, files=(), created=None):
    message = Message.create(thread=thread.id, author=author.id, body=body, send_at=at, recalled_at=recalled,
                             created_at=created or at)
    for kind, sha, size, name in files:
        MessageFile.create(message=message, kind=kind, name=name, sha256=sha, size=size)
    MessageReceipt.insert_many([{'message': message.id, 'user': user.id, 'read_at': read}
                                for user in recipients]).execute()
    Thread.update(last_message_at=at).where((Thread.id == thread.id) & (Thread.last_message_at < at)).execute()
    return message


def _stored(name, data):
    errors = {}
    stored = attachments.store([(name, io.BytesIO(data))], errors)
    assert not errors, errors
    return stored[0]


def _pdf(title):
    page = Image.new('RGB', (420, 300), 'white')
    ImageDraw.Draw(page).text((30, 40), title, fill='black')
    out = io.BytesIO()
    page.save(out, 'PDF', title=title)
    return out.getvalue()


def _png():
    image = Image.new('RGB', (240, 160), (250, 215, 60))
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 30, 120, 110), fill=(230, 120, 30))
    draw.rectangle((140, 60, 210, 130), fill=(60, 140, 200))
    out = io.BytesIO()
    image.save(out, 'PNG')
    return out.getvalue()
