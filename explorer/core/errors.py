"""Errors whose message is meant for the user, as one readable line."""


class UserError(Exception):
    """Bad input from the user (a file, a value, an option).

    The message is shown as it is: in a message box in the app, and as one
    line on stderr (with a non-zero exit) on the command line.
    """
