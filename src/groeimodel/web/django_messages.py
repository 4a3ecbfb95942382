"""Django's own messages that Django 5.2's Dutch catalogue misses, so that makemessages puts them in ours.

Django 5.2 changed some msgids without updating every translation; a Dutch user would see these in English.
tests/web/test_translations.py renders the messages of Django's forms, fields, validators and password rules in
Dutch and fails on any that come out English, so a new gap shows up there and its msgid belongs here.
"""

from __future__ import annotations

from django.utils.translation import ngettext_lazy

DJANGO_GAPS = [
    # django.contrib.auth.password_validation.MinimumLengthValidator.get_error_message (5.2)
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
]
