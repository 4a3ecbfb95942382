"""Errors that mean "the input is wrong", as opposed to bugs.

The CLI turns an :class:`InputError` into its message on stderr and exit code 2; the API into a 4xx response.
"""

from __future__ import annotations


class InputError(Exception):
    """Bad input from a user: the message names what is wrong and where."""
