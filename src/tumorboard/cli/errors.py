"""User-facing errors of the command line: printed as one line, exit code 2."""


class UserError(Exception):
    """A problem with what the user asked for (file missing, unknown score, bad option)."""
