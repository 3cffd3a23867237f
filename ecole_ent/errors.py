"""Domain errors: raised by services, mapped to HTTP once (app.py) and to exit codes once (cli.py)."""


class EcoleError(Exception):
    """Base of every expected error; str() is a French sentence a user can read."""


class NotFound(EcoleError):
    pass


class Forbidden(EcoleError):
    pass


class OutsideSchoolNetwork(Forbidden):
    """A sign-in that only works from the school's networks (QR cards, picture passwords, the hall's
    kiosk), asked from elsewhere: security.require_school_network raises it before any other check."""


class Busy(EcoleError):
    """Not now: the work is already under way (a job, too many zips at once). The web answers 503
    with Retry-After: retry_after seconds."""

    def __init__(self, message, retry_after=60):
        super().__init__(message)
        self.retry_after = retry_after


class ValidationError(EcoleError):
    """errors: {field: French message}. Raised before anything is written."""

    def __init__(self, errors):
        self.errors = dict(errors)
        super().__init__(' ; '.join(self.errors.values()))


def found(value, message):
    """`value`, unless it is None (a row that does not exist, or that this user may not see):
    then NotFound(message). Services write `post = found(Post.get_or_none(...), _('...'))`."""
    if value is None:
        raise NotFound(message)
    return value
