"""The mail feature's periodic jobs: notifications into mails every minute, the outbox every 30
seconds, old rows forgotten every six hours. Each also runs as `ecole-ent jobs run NAME`;
`ecole-ent mail flush` runs the outbox under the same lease."""
from ..scheduler import job
from . import delivery, outbox


@job('mail.notify', every=60, help='Transforme les notifications en courriels (immédiats, résumé '
                                   'quotidien, après les heures de calme)')
def notify():
    delivery.run()


@job(outbox.JOB, every=30, help="Envoie les courriels en attente par le relais SMTP (nouvelles "
                                "tentatives espacées en cas d'échec)")
def send():
    outbox.send_due()


@job('mail.cleanup', every=6 * 3600, help='Oublie les notifications et courriels anciens')
def cleanup():
    delivery.cleanup()
