"""Domain errors: raised by services, mapped to HTTP once (app.py) and to exit codes once (cli.py)."""


class EcoleError(Exception):
    """Base of every expected error; str() is a French sentence a user can read."""


class NotFound(EcoleError):
    pass


class Forbidden(EcoleError):
    pass


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
