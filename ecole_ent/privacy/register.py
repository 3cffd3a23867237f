"""The processing register of a school (registre des activités de traitement, RGPD article 30),
filled from this installation: the activities the ENT carries out, who and what they concern, who
receives the data, how long each is kept (rules.figures(config): the figures the daily job applies)
and the security measures that exist in the code and the configuration. The director prints it
(templates/privacy/register.html) for the academy's data protection officer. Plain functions, no
bottle."""
from dataclasses import dataclass

from .. import security
from ..admin.service import get_school
from ..i18n import _, lazy, ngettext
from ..web import guards
from . import notice, rules, service


@dataclass(frozen=True)
class Activity:
    name: str
    purpose: str
    people: str
    data: str
    recipients: str
    retention: tuple      # rule kinds of rules.py, whose figures say how long


ACTIVITIES = (
    Activity(lazy('Comptes et connexion'),
             lazy('Ouvrir un compte à chaque élève, responsable et membre de l’équipe, le relier à sa classe et à '
               'ses enfants, permettre la connexion (mot de passe, code d’activation, carte QR et images des '
               'élèves, borne du hall pour les familles).'),
             lazy('Élèves, responsables légaux, enseignants, direction, personnel de l’école.'),
             lazy('Nom, prénom, identifiant, rôle, classe et niveau, liens familiaux, adresse électronique '
               '(facultative), langue choisie, empreinte du mot de passe, tirage des images de connexion d’un '
               'élève, dates de connexion.'),
             lazy('La direction et l’administrateur de l’ENT ; les enseignants pour leurs classes.'),
             ('leavers', 'connections')),
    Activity(lazy('Synchronisation de l’annuaire'),
             lazy('Créer, mettre à jour et désactiver les comptes à partir de l’annuaire académique ou de la base '
               'élèves (ONDE), sans double saisie.'),
             lazy('Élèves, responsables légaux, personnels.'),
             lazy('Identifiant de l’annuaire, nom, prénom, classe, niveau, liens familiaux, adresse électronique, '
               'accord de droit à l’image quand la source le donne.'),
             lazy('La direction et l’administrateur de l’ENT (compte rendu de chaque synchronisation).'),
             ('leavers', 'audit')),
    Activity(lazy('Blog de la classe'),
             lazy('Raconter la vie de la classe aux familles ; faire écrire les élèves.'),
             lazy('Élèves, enseignants, responsables (commentaires).'),
             lazy('Articles, commentaires, photos, enregistrements audio (dont la voix des jeunes élèves, '
               'écoutée par l’enseignant avant publication), nom de l’auteur.'),
             lazy('Les élèves et les familles de la classe ; la page publique de l’école ne montre que les articles '
               'que l’enseignant rend publics, sans nom de famille ni photo d’un élève sans accord.'),
             ('leavers',)),
    Activity(lazy('Cahier de textes'),
             lazy('Donner le travail à faire et suivre ce que chaque élève a terminé.'),
             lazy('Élèves, enseignants, responsables.'),
             lazy('Devoirs et leurs fichiers, devoirs cochés par chaque élève.'),
             lazy('Les élèves, les familles et les enseignants de la classe.'),
             ('homework',)),
    Activity(lazy('Photos et albums'),
             lazy('Montrer aux familles les photos de la classe, dans le respect du droit à l’image de chaque élève.'),
             lazy('Élèves (photos, identifications), enseignants.'),
             lazy('Photos (sans métadonnées), légendes, élèves identifiés, accord de droit à l’image et son '
               'historique (qui, quand, quelle source).'),
             lazy('Les familles de la classe, sauf les photos d’un élève sans accord, montrées seulement à ses '
               'responsables et aux enseignants.'),
             ('photos',)),
    Activity(lazy('Messagerie et cahier de liaison'),
             lazy('Échanger entre les familles et l’école : messages, mots à signer, réponses.'),
             lazy('Responsables, enseignants, direction, personnel.'),
             lazy('Messages, mots, signatures et réponses, pièces jointes, dates de lecture.'),
             lazy('Les destinataires de chaque message ou mot.'),
             ('liaison',)),
    Activity(lazy('Journal d’audit et journaux techniques'),
             lazy('Rendre compte de la gestion de l’ENT et assurer sa sécurité.'),
             lazy('Toute personne ayant un compte ; les visiteurs (adresse IP).'),
             lazy('Actions d’administration (qui, quoi, quand), adresse IP et chemin des requêtes, échecs de '
               'connexion.'),
             lazy('La direction (sa propre école) et l’administrateur de l’ENT.'),
             ('audit', 'connections')),
    Activity(lazy('Statistiques d’usage'),
             lazy('Savoir comment l’ENT est utilisé (par jour, par mois, par profil, par service, par type '
               'd’appareil, à l’école ou à la maison) et en rendre compte à l’académie.'),
             lazy('Toute personne qui se connecte, sans être identifiée.'),
             lazy('Des nombres seulement : visites et connexions par école, jour, heure, profil, service, type '
               'd’appareil et lieu ; les visiteurs d’un jour ou d’un mois sont distingués par une clé '
               'effacée à la fin de ce jour ou de ce mois. Ni nom, ni identifiant, ni adresse IP, ni navigateur.'),
             lazy('La direction (sa propre école) et l’administrateur de l’ENT ; l’académie reçoit des totaux où '
               'les nombres de 1 à 4 d’un profil sont masqués.'),
             ('stats',)),
    Activity(lazy('Sauvegardes'),
             lazy('Pouvoir restaurer l’ENT après une panne.'),
             lazy('Toutes les personnes ci-dessus.'),
             lazy('Une copie complète de la base et des fichiers.'),
             lazy('L’administrateur de l’ENT (restauration seulement).'),
             ('backups',)),
)


def activities(config):
    """[(activity, [(rule, figure in words)])]: each activity with its retention figures."""
    by_kind = {rule.kind: (rule, words) for rule, _figure, words in rules.figures(config)}
    return [(activity, [by_kind[kind] for kind in activity.retention]) for activity in ACTIVITIES]


def security_measures(config):
    """[(title, text)]: the measures this installation really takes, from the code and its options."""
    hashing = security.password_hashing()
    proxy, public = config['server.trusted_proxy'], config['server.public_url']
    https = public.startswith('https://')
    measures = [
        (_('Mots de passe'), _(
            'Jamais gardés en clair : empreinte argon2id (%(memory)d Mio de mémoire, %(passes)d passes), la '
            'recommandation minimale de l’OWASP. Les jetons aléatoires (sessions, codes d’activation, cartes '
            'QR, liens de réinitialisation) sont gardés sous forme d’empreinte HMAC-SHA256.')
         % {'memory': hashing['memory_kib'] // 1024, 'passes': hashing['passes']}),
        (_('Connexion'), _(
            'Après %(account)d échecs pour un compte depuis une même adresse, ou %(address)d depuis une '
            'adresse, la connexion est bloquée un moment. Une session sans activité expire après %(days)s ; '
            'son cookie est inaccessible aux scripts (HttpOnly, SameSite) et chaque formulaire porte un jeton '
            'anti-falsification (CSRF).') % {
                'account': config['security.login_max_failures'],
                'address': config['security.address_max_failures'],
                'days': ngettext('%(n)d jour', '%(n)d jours', config['security.session_days'])
                % {'n': config['security.session_days']}}),
        (_('Chiffrement des échanges (TLS)'), _(
            'L’ENT est servi en HTTPS par le proxy inverse %(proxy)s, à l’adresse %(url)s ; il envoie alors '
            'l’en-tête HSTS (un an) et des cookies « Secure ».') % {'proxy': proxy, 'url': public}
         if proxy and https else _(
            'À vérifier : %(what)s. Sans proxy inverse HTTPS, les échanges ne sont pas chiffrés ; voir '
            'provisioning/GUIDE.md.') % {'what': ', '.join(
                ([] if proxy else [_('aucun proxy inverse déclaré (server.trusted_proxy)')])
                + ([] if https else [_('l’adresse publique (server.public_url) ne commence pas par https://')]))}),
        (_('Règles d’accès'), _(
            'Tout est refusé par défaut : une page n’est ouverte sans connexion que si elle est sur une liste '
            'courte (%(count)d adresses : connexion, activation, page publique de l’école, cette notice…). '
            'Chaque page vérifie le rôle ; une famille ne voit que ses enfants, une direction que son école. '
            'Les pages n’acceptent ni script ni style venus d’ailleurs (Content-Security-Policy) et ne '
            'chargent rien d’un autre site : aucune police, aucun outil de mesure d’audience.')
         % {'count': len(guards.PUBLIC_PATHS) + len(guards.PUBLIC_PREFIXES)}),
        (_('Photos'), _(
            'Chaque photo envoyée est décodée puis réencodée : ses métadonnées (EXIF, position GPS, appareil) '
            'disparaissent. Elle n’est servie qu’après vérification des droits de la personne et de l’accord '
            'de droit à l’image de chaque élève identifié (%(unknown)s).') % {
                'unknown': _('un accord non renseigné compte comme un refus')
                if config['photos.unknown_consent_is_refused']
                else _('un accord non renseigné compte comme un accord')}),
        (_('Journal d’audit'), _(
            'Chaque action d’administration (création, désactivation, effacement d’un compte, droit à '
            'l’image, sauvegarde…) est journalisée avec son auteur et sa date, et gardée %(days)s.')
         % {'days': rules.duration(rules.BY_KIND['audit'], config['privacy.audit_days'])}),
        (_('Sauvegardes'), _(
            'Une sauvegarde %(when)s, relue et vérifiée après écriture (sommes de contrôle), les %(keep)s '
            'plus récentes gardées%(copy)s.') % {
                'when': _('chaque nuit à %d h %02d') % config['backup.time'] if config['backup.time'] else
                _('à la demande (aucune sauvegarde automatique : backup.time est vide)'),
                'keep': rules.duration(rules.BY_KIND['backups'], config['backup.keep']),
                'copy': _(', copiées et vérifiées sur une seconde destination (%s)') % config['backup.copy_to']
                if config['backup.copy_to'] else _(' ; aucune seconde destination (backup.copy_to)')}),
        (_('Effacement'), _(
            'Une tâche quotidienne applique les durées de conservation ci-dessus ; la direction peut effacer '
            'un compte à la demande de la personne.')),
    ]
    return measures


def register_page(actor, school_id, config):
    """Everything the register shows for one school (Forbidden for another school's director)."""
    school = get_school(actor, school_id)
    return {'school': school, 'contacts': notice.contacts(config), 'activities': activities(config),
            'figures': rules.figures(config), 'measures': security_measures(config),
            'directory_source': config['directory.source'], 'mail': bool(config['smtp.host']),
            'today': service.clock().date()}
