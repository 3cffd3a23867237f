"""The retention rules, one table in one place: what each kind of data is, how long it is kept (the
option of the configuration and its default), and the text that justifies it. The daily job
(retention.py) applies the rules whose `applied` is true; the processing register and the notice
for families read their figures from here (figures()), so the pages say what the job does.

Legal ground: arrêté du 30 novembre 2006 portant création, au sein du ministère de l'éducation
nationale, de traitements automatisés de données à caractère personnel relatifs aux espaces
numériques de travail (ENT), article 6; the CNIL's opinion on ENT; RGPD article 5 (1) e (storage
limitation) and articles 17 (erasure) and 21 (objection).
"""
from dataclasses import dataclass

from ..i18n import lazy, ngettext


@dataclass(frozen=True)
class Rule:
    kind: str            # the key of the job's counts and of the audit events: privacy.retention.<kind>
    title: str           # French, short
    option: str          # the configuration option holding the figure
    default: int | str
    unit: str            # 'days' | 'years' | 'months' | 'archives'
    justification: str   # French: why this figure
    applied: bool = True     # False: stated only, applied elsewhere (backups rotate, statistics fold)


ARRETE = lazy('arrêté du 30 novembre 2006 relatif aux espaces numériques de travail, article 6')

RULES = (
    Rule('leavers', lazy('Comptes qui ne sont plus attendus'), 'privacy.leavers_days', 90, 'days', lazy(
        'Quand une personne quitte l’école (compte désactivé par la synchronisation de l’annuaire ou à la '
        'main), ses données personnelles (nom, prénom, adresse électronique, identifiant, liens familiaux, '
        'inscriptions, identifications sur les photos) sont effacées au plus tard trois mois après '
        '({arrete} ; avis de la CNIL sur les ENT ; RGPD, article 5-1-e). Ses contributions au blog de '
        'classe restent, sous « Ancien élève » ou « Ancien parent », sauf si la direction choisit de les '
        'supprimer (option privacy.leavers_contributions) ; l’auteur peut s’y opposer (RGPD, article 21).'
    ).format(arrete=ARRETE)),
    Rule('liaison', lazy('Messages et mots du cahier de liaison'), 'privacy.liaison_years', 1, 'years', lazy(
        'Les échanges entre les familles et l’école servent le suivi de l’année scolaire : ils sont gardés '
        'l’année scolaire plus un an, pour répondre à une question sur l’année écoulée, puis supprimés avec '
        'leurs fichiers (RGPD, article 5-1-e ; avis de la CNIL sur les ENT).')),
    Rule('homework', lazy('Cahier de textes'), 'privacy.homework_years', 1, 'years', lazy(
        'Le cahier de textes de la classe et les devoirs cochés par les élèves sont gardés l’année '
        'scolaire plus un an, puis supprimés avec leurs fichiers (RGPD, article 5-1-e).')),
    Rule('connections', lazy('Sessions, échecs de connexion et journaux du serveur'), 'privacy.connections_days',
         365, 'days', lazy(
             'Les traces de connexion servent à la sécurité du service : elles sont gardées un an au plus '
             '({arrete} ; recommandation de la CNIL sur la journalisation).').format(arrete=ARRETE)),
    Rule('audit', lazy('Journal d’audit'), 'privacy.audit_days', 365, 'days', lazy(
        'Le journal des actions d’administration (qui a créé, désactivé, effacé un compte, changé un droit '
        'à l’image…) permet de rendre compte de la gestion de l’ENT ; il est gardé un an par défaut, '
        'durée réglable (RGPD, articles 5-2 et 32). Il garde l’identifiant d’un compte effacé pendant '
        'cette durée.')),
    Rule('photos', lazy('Photos d’une année scolaire close'), 'privacy.photos_months', 12, 'months', lazy(
        'Les photos d’une année terminée restent dans l’archive que les familles peuvent télécharger '
        'jusqu’à la date choisie par la direction (à défaut, ce nombre de mois après le 31 août qui clôt '
        'l’année), puis sont supprimées avec leurs fichiers (RGPD, article 5-1-e ; droit à l’image, '
        'article 9 du Code civil).')),
    Rule('stats', lazy('Statistiques d’usage'), 'stats.keep_months', 25, 'months', lazy(
        'Les statistiques d’usage ne comptent que des nombres (visites par jour, heure, profil, service et '
        'type d’appareil) : aucune ligne ne nomme une personne, et la clé qui distingue les visiteurs d’un '
        'jour ou d’un mois est effacée quand ce jour ou ce mois est compté. Les clés du jour et du mois en '
        'cours restent dans la base (et dans une sauvegarde prise ce jour-là) jusqu’à ce regroupement, fait '
        'chaque quart d’heure pour les jours passés et avant chaque sauvegarde. Ces totaux sont gardés pour '
        'comparer deux années scolaires, puis supprimés par le regroupement nocturne (RGPD, article 89).'),
         applied=False),
    Rule('backups', lazy('Sauvegardes'), 'backup.keep', 14, 'archives', lazy(
        'Les sauvegardes tournent : chacune est remplacée quand la plus ancienne sort de la rotation. Une '
        'donnée effacée survit donc dans les sauvegardes au plus le temps de cette rotation (une sauvegarde '
        'par nuit), puis disparaît ; une restauration ne se fait que pour réparer une panne.'),
         applied=False),
)

BY_KIND = {rule.kind: rule for rule in RULES}
APPLIED = tuple(rule.kind for rule in RULES if rule.applied)


def value(rule, config):
    """The figure of the rule in this configuration."""
    return config[rule.option]


def duration(rule, figure):
    """The figure in words: « 90 jours », « l’année scolaire plus 1 an », « 14 sauvegardes »."""
    if rule.unit == 'days':
        return ngettext('%(n)d jour', '%(n)d jours', figure) % {'n': figure}
    if rule.unit == 'months':
        return ngettext('%(n)d mois', '%(n)d mois', figure) % {'n': figure}
    if rule.unit == 'years':
        return ngettext('l’année scolaire plus %(n)d an', 'l’année scolaire plus %(n)d ans', figure) % {'n': figure}
    return ngettext('%(n)d sauvegarde', '%(n)d sauvegardes', figure) % {'n': figure}


def figures(config):
    """[(rule, figure, figure in words)] for every rule: what the register and the notice state."""
    return [(rule, value(rule, config), duration(rule, value(rule, config))) for rule in RULES]
