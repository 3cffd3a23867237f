"""The demo school's maternelle has lived in its young pupils' space: a pupil's post about the
carnival, with a photo of the class's album (written with the teacher's help: the class's post may
show it, blog.picker), published by the teacher, so zoe.dubois's young blog has a picture card by a
classmate; another pupil's few words, sent through the simple writing page's own service, wait in
the teacher's moderation queue.

No file is stored (the blog tests count the demo's attachment files: none) and no account, class or
post of the CP-CE1 class the tests lean on changes; which album photo is drawn by this module's own
random generator, so no other feature's draws change."""
import random
from datetime import timedelta

from ..blog import moderation, picker, posting
from ..models import Post, now
from . import service

CARNIVAL = 'Les confettis du carnaval'
WAITING = 'Le bonhomme de neige'


def seed(demo):
    rng = random.Random(1919)
    classroom = next((c for c in demo.classes if 'PS' in c.niveau_list), None)
    young = [p for p, c in demo.pupils if classroom is not None and c.id == classroom.id
             and p.login != 'zoe.dubois' and service.young_class(p) is not None]
    shown = list(picker.usable_photos(classroom.id)) if classroom is not None else []
    if len(young) < 2 or not shown or not demo.teachers:
        return
    body = picker.with_references('On a lancé des confettis de toutes les couleurs !', [rng.choice(shown)])
    post = posting.create_post(young[0], classroom.id, {'title': CARNIVAL, 'body': body})
    moderation.approve_post(demo.teachers[0], post.id)
    at = now() - timedelta(days=5, hours=2)
    Post.update(created_at=at, updated_at=at, publish_at=at, moderated_at=at).where(Post.id == post.id).execute()
    service.send_post(young[1], classroom.id, WAITING)
