"""A lived-in blog for the demo school: posts over several weeks in every class, one scheduled,
comments, a pupil's post waiting for approval, one refused with its reason, families' visits."""
from datetime import timedelta

from ..models import GuardianLink, Teaching, now
from ..models.blog import Blog, Comment, Post
from ..models.visits import Visit
from .markup import render_markdown

# class index: [(days ago (negative = scheduled), visibility, title, Markdown)]
TEACHER_POSTS = {
    0: [
        (26, 'families', 'Nous avons planté des bulbes',
         "Ce matin, chaque enfant a planté **trois bulbes** de jacinthe dans un pot.\n\n"
         "Nous les arroserons ensemble le lundi. Pensez à demander à votre enfant de quelle "
         "couleur seront les fleurs !"),
        (12, 'public', 'La semaine du goût',
         "Toute la semaine, nous avons goûté des saveurs : *sucré*, *salé*, *acide* et *amer*.\n\n"
         "- lundi : les pommes du verger de M. Giraud\n- mardi : les fromages\n"
         "- jeudi : le citron (quelles grimaces !)\n\nMerci aux familles qui ont apporté des fruits."),
        (3, 'families', 'Doudous et siestes',
         "Rappel : les doudous peuvent rester à l'école dans le casier de votre enfant. "
         "Merci de les marquer à son prénom."),
    ],
    1: [
        (33, 'families', 'Notre visite à la ferme pédagogique',
         "Quelle belle journée à la ferme des Oliviers !\n\nLes élèves ont nourri les chèvres, "
         "ramassé les œufs et appris comment on fait le fromage. De retour en classe, "
         "nous avons écrit ensemble le récit de la sortie.\n\n## Ce que nous avons appris\n\n"
         "- une chèvre mange environ 3 kg de foin par jour ;\n- une poule pond presque un œuf par jour."),
        (25, 'class', 'Les mots de la semaine',
         "Voici les mots à savoir écrire pour vendredi : **maison**, **jardin**, **bonjour**, "
         "**école**, **cartable**."),
        (18, 'public', 'Spectacle de Noël : les répétitions commencent',
         "Les CP-CE1 préparent une chanson et une petite pièce de théâtre pour le spectacle "
         "du vendredi 18 décembre, à la salle des fêtes.\n\nChut… c'est une surprise !"),
        (9, 'families', 'Sortie à la médiathèque jeudi',
         "Jeudi matin, nous irons à pied à la médiathèque. Prévoyez une tenue adaptée à la "
         "météo et un petit goûter.\n\nNous aurons besoin de **deux parents accompagnateurs** : "
         "répondez dans les commentaires si vous êtes disponibles."),
        (2, 'families', 'Le calcul mental du matin',
         "Chaque matin, dix minutes de calcul mental : les élèves progressent très vite. "
         "À la maison, vous pouvez jouer à « le furet » : compter de 2 en 2, de 5 en 5…"),
        (-3, 'families', 'Photos du marché de Noël',
         "Les photos du marché de Noël de l'école seront dans l'album de la classe."),
    ],
    2: [
        (30, 'families', 'Élection des délégués',
         "Mardi, la classe a élu ses deux délégués après une vraie campagne : affiches, "
         "discours et vote à bulletin secret. Bravo à tous les candidats !"),
        (16, 'public', "Correspondance avec l'école de Tende",
         "Nous avons reçu les premières lettres de nos correspondants de l'école de Tende. "
         "Chaque élève répondra à son correspondant avant les vacances."),
        (6, 'families', 'Rallye lecture : les résultats',
         "Le rallye lecture est terminé : **412 livres** lus en six semaines par la classe ! "
         "Les trois équipes recevront leur diplôme vendredi."),
        (1, 'class', 'Exposés sur les planètes',
         "Les groupes présenteront leur exposé lundi. N'oubliez pas vos affiches."),
    ],
}
GUARDIAN_COMMENTS = ['Merci pour ces nouvelles, il nous en a parlé tout le week-end !',
                     'Super initiative, bravo à toute la classe.',
                     'Je peux accompagner jeudi matin.',
                     'Merci pour la recette, nous allons essayer ce week-end.']


def seed(demo):
    at = now()
    teacher_of = {t.classroom_id: t.teacher for t in Teaching.select().order_by(Teaching.id)}
    pupils = {}
    for pupil, classroom in demo.pupils:
        pupils.setdefault(classroom.id, []).append(pupil)
    guardians = {}
    for link in GuardianLink.select().where(GuardianLink.pupil.in_([p.id for p, _c in demo.pupils])):
        guardians.setdefault(link.pupil_id, link.guardian)
    for index, classroom in enumerate(demo.classes):
        Blog.create(classroom=classroom, comment_policy='moderated')
        teacher = teacher_of[classroom.id]
        for number, (days, visibility, title, body) in enumerate(TEACHER_POSTS[index]):
            moment = at - timedelta(days=days, hours=number % 3 + 1)
            post = _post(classroom, teacher, title, body, 'published', visibility, moment)
            if days > 0 and number % 2 == 0:
                writer = pupils[classroom.id][number % len(pupils[classroom.id])]
                _comment(post, guardians[writer.id], GUARDIAN_COMMENTS[number % 3], 'published',
                         moment + timedelta(hours=5))
                _comment(post, teacher, 'Merci à vous !', 'published', moment + timedelta(hours=7))
        _visits(demo, classroom, guardians, pupils[classroom.id], at - timedelta(days=8))
    _pupil_posts(demo, teacher_of, pupils, guardians, at)


def _post(classroom, author, title, body, status, visibility, moment, **extra):
    return Post.create(classroom=classroom, author=author, title=title, body_source=body,
                       body_html=render_markdown(body), status=status, visibility=visibility,
                       publish_at=moment if status == 'published' else None, created_at=moment,
                       updated_at=moment, **extra)


def _comment(post, author, body, status, moment):
    return Comment.create(post=post, author=author, body=body, status=status, created_at=moment)


def _pupil_posts(demo, teacher_of, pupils, guardians, at):
    cp = demo.classes[1]
    first, second = pupils[cp.id][0], pupils[cp.id][1]
    recipe = _post(cp, second, 'La recette des crêpes',
                   "Il faut :\n\n- 250 g de farine\n- 4 œufs\n- un demi-litre de lait\n\n"
                   "On mélange bien et on laisse reposer une heure. Miam !",
                   'published', 'families', at - timedelta(days=4),
                   moderated_by=teacher_of[cp.id], moderated_at=at - timedelta(days=4))
    _comment(recipe, guardians[first.id], GUARDIAN_COMMENTS[3], 'published', at - timedelta(days=3))
    _comment(recipe, first, 'Moi aussi j’adore les crêpes au chocolat !', 'pending',
             at - timedelta(hours=20))
    _post(cp, first, 'Mon chat Pistache',
          "Mon chat s'appelle Pistache. Il est tout gris et il dort sur mon lit. "
          "Le matin il miaule pour avoir ses croquettes.", 'pending', 'families',
          at - timedelta(hours=3))
    big = demo.classes[2]
    _post(big, pupils[big.id][0], 'Le match de foot',
          "On a gagné 3 à 1 contre les CM2 de l'autre école !!!", 'rejected', 'families',
          at - timedelta(days=2), reject_reason="Raconte aussi comment s'est passé le match, "
          "et relis l'orthographe avant de le renvoyer.", moderated_by=teacher_of[big.id],
          moderated_at=at - timedelta(days=1))


def _visits(demo, classroom, guardians, class_pupils, seen_at):
    """Families last opened the blog a week ago: what came since is shown as new."""
    seen = set()
    for pupil in class_pupils:
        guardian = guardians.get(pupil.id)
        if guardian is not None and guardian.id not in seen:
            seen.add(guardian.id)
            Visit.create(user=guardian, classroom=classroom, area='blog', seen_at=seen_at)
