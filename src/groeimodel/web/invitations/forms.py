from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from groeimodel.model import Lang, Model

DONT_KNOW = "?"
LEADS_PEOPLE = {"yes": True, "no": False, "rather-not": None}
MAX_ADDRESSES = 200


class EmployeeAnswersForm(forms.Form):
    """Every statement of the model (1 to 5, or "weet niet / n.v.t.") and whether the employee leads people."""

    def __init__(self, *args: Any, model: Model, lang: Lang, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.model = model
        choices = [(str(p.value), p.label.get(lang)) for p in model.data.scale.points]
        choices.append((DONT_KNOW, model.data.scale.missing.get(lang)))
        for item in model.items:
            self.fields[item.id] = forms.ChoiceField(
                label=item.text_for("employee").get(lang),
                choices=choices,
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose an answer to this statement, or “don't know / not applicable”."),
                    "invalid_choice": _("Choose an answer to this statement, or “don't know / not applicable”."),
                },
            )
        self.fields["leads_people"] = forms.ChoiceField(
            label=_("Do you lead other employees?"),
            choices=[("yes", _("yes")), ("no", _("no")), ("rather-not", _("I'd rather not say"))],
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Choose yes, no or “I'd rather not say”."),
                "invalid_choice": _("Choose yes, no or “I'd rather not say”."),
            },
        )

    def answers(self) -> dict[str, int | None]:
        data = self.cleaned_data
        return {item.id: None if data[item.id] == DONT_KNOW else int(data[item.id]) for item in self.model.items}

    def leads_people(self) -> bool | None:
        return LEADS_PEOPLE[self.cleaned_data["leads_people"]]


class SendLinkForm(forms.Form):
    """A pasted list of e-mail addresses, one per line or separated by commas, semicolons or spaces."""

    addresses = forms.CharField(
        label=_("E-mail addresses"),
        help_text=_(
            "Paste the addresses, one per line or separated by commas. Each address gets its own mail; "
            "the addresses are not stored."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off", "spellcheck": "false"}),
    )
    language = forms.ChoiceField(label=_("Language of the mail"), choices=[("nl", _("Dutch")), ("en", _("English"))])

    def clean_addresses(self) -> list[str]:
        raw = self.cleaned_data["addresses"]
        parts = [p.strip().strip("<>") for p in re.split(r"[\s,;]+", raw) if p.strip()]
        if not parts:
            raise ValidationError(_("Enter at least one e-mail address."))
        bad = []
        for part in parts:
            try:
                validate_email(part)
            except ValidationError:
                bad.append(part)
        if bad:
            raise ValidationError(
                _("Not a valid e-mail address: %(addresses)s. Correct or remove it and send again.")
                % {"addresses": ", ".join(bad)}
            )
        seen: dict[str, str] = {}
        for part in parts:
            seen.setdefault(part.lower(), part)
        unique = list(seen.values())
        if len(unique) > MAX_ADDRESSES:
            raise ValidationError(
                _("At most %(max)d addresses at a time; send the rest in a second go.") % {"max": MAX_ADDRESSES}
            )
        return unique
