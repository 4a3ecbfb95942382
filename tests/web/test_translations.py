"""The Dutch catalogue of the web app: complete, compiled, in step with the sources, and used when rendering.

English is the msgid; Dutch (the default language) comes from src/groeimodel/web/locale/nl. After changing a UI
string, run `make messages`, translate the new Dutch entries, and run it again to compile.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib
import pytest

import groeimodel.web

WEB_DIR = Path(groeimodel.web.__file__).resolve().parent
LOCALE_DIR = WEB_DIR / "locale"
NL_PO = LOCALE_DIR / "nl" / "LC_MESSAGES" / "django.po"
NL_MO = LOCALE_DIR / "nl" / "LC_MESSAGES" / "django.mo"
EN_PO = LOCALE_DIR / "en" / "LC_MESSAGES" / "django.po"

FIX = "run `make messages`, translate the new entries in the nl django.po, and run `make messages` again"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")

Key = tuple[str | None, str]  # (msgctxt, msgid)


def key(entry: polib.POEntry | polib.MOEntry) -> Key:
    return (entry.msgctxt, entry.msgid)


def label(k: Key) -> str:
    context, msgid = k
    return f"{msgid!r}" + (f" (context {context!r})" if context else "")


def entries(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


def test_nl_catalogue_is_complete() -> None:
    po = polib.pofile(str(NL_PO))
    assert not po.metadata_is_fuzzy, "the nl header is marked fuzzy"
    assert "nplurals=2" in po.metadata.get("Plural-Forms", ""), "the nl header lacks Plural-Forms: nplurals=2"
    problems = []
    for e in entries(po):
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {e.msgid!r}")
        elif e.msgid_plural:
            missing = [i for i in (0, 1) if not e.msgstr_plural.get(i)]
            if missing:
                problems.append(f"plural form(s) {missing} untranslated: {e.msgid!r}")
        elif not e.msgstr:
            problems.append(f"untranslated: {e.msgid!r}")
    assert not problems, f"nl catalogue {NL_PO} is incomplete ({FIX}):\n" + "\n".join(problems)


def test_nl_placeholders_match_the_msgid() -> None:
    problems = []
    for e in entries(polib.pofile(str(NL_PO))):
        wanted = set(PLACEHOLDER.findall(e.msgid)) | set(PLACEHOLDER.findall(e.msgid_plural or ""))
        translations = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        for text in translations:
            if text and set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(f"{e.msgid!r}: placeholders {sorted(wanted)} but translation {text!r}")
    assert not problems, "nl translations with different placeholders:\n" + "\n".join(problems)


def test_en_plural_entries_are_filled() -> None:
    """English falls back to the msgid, except that plural entries need both forms to be complete; no entry may
    carry another msgid's text."""
    problems = [
        f"{e.msgid!r}: msgstr[0]/msgstr[1] should be the msgid/msgid_plural"
        for e in entries(polib.pofile(str(EN_PO)))
        if e.msgid_plural and (e.msgstr_plural.get(0), e.msgstr_plural.get(1)) != (e.msgid, e.msgid_plural)
    ] + [
        f"{e.msgid!r}: English is the msgid itself, but the entry says {e.msgstr!r} (a fuzzy match left behind?)"
        for e in entries(polib.pofile(str(EN_PO)))
        if not e.msgid_plural and e.msgstr not in ("", e.msgid)
    ]
    assert not problems, f"en catalogue {EN_PO}:\n" + "\n".join(problems)


def test_nl_mo_is_up_to_date() -> None:
    assert NL_MO.exists(), f"{NL_MO} is missing: run `make messages`"
    po = polib.pofile(str(NL_PO))
    mo = polib.mofile(str(NL_MO))
    expected: dict[Key, Any] = {
        key(e): (dict(e.msgstr_plural) if e.msgid_plural else e.msgstr) for e in po.translated_entries()
    }
    compiled: dict[Key, Any] = {key(e): (dict(e.msgstr_plural) if e.msgid_plural else e.msgstr) for e in mo}
    problems = [f"not compiled: {label(k)}" for k in expected.keys() - compiled.keys()]
    problems += [
        f"compiled, but not a translated entry of the .po: {label(k)}" for k in compiled.keys() - expected.keys()
    ]
    problems += [
        f"compiled translation differs for {label(k)}: .po {expected[k]!r}, .mo {compiled[k]!r}"
        for k in expected.keys() & compiled.keys()
        if expected[k] != compiled[k]
    ]
    assert not problems, f"{NL_MO} is out of date with {NL_PO} (run `make messages`):\n" + "\n".join(problems)


def test_every_source_string_is_in_the_nl_catalogue(tmp_path: Path) -> None:
    """Extract the msgids afresh from a copy of the web package and compare them with the nl catalogue."""
    missing_tools = [tool for tool in ("xgettext", "msguniq", "msgmerge") if shutil.which(tool) is None]
    if missing_tools:
        pytest.fail(
            f"GNU gettext is needed to check the catalogue against the sources, but {', '.join(missing_tools)} "
            "is not on PATH; install it (e.g. `apt-get install gettext`)."
        )
    copy = tmp_path / "web"
    shutil.copytree(WEB_DIR, copy, ignore=shutil.ignore_patterns("locale", "__pycache__"))
    # The real settings, but with the catalogue written into the copy: never touch the package's own locale folder.
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "i18n_check_settings.py").write_text(
        f"from groeimodel.web.settings import *  # noqa: F403\nLOCALE_PATHS = [{str(copy / 'locale')!r}]\n"
    )
    env = {
        **os.environ,
        "GROEIMODEL_DEBUG": "true",
        "GROEIMODEL_DATA_DIR": str(tmp_path / "data"),
        "DJANGO_SETTINGS_MODULE": "i18n_check_settings",
        "PYTHONPATH": os.pathsep.join([str(shim), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
    }
    command = [sys.executable, "-m", "django", "makemessages", "-l", "nl", "--no-location", "-e", "html,txt,py"]
    run = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"makemessages failed ({run.returncode}):\n{run.stdout}\n{run.stderr}"
    fresh_po = copy / "locale" / "nl" / "LC_MESSAGES" / "django.po"
    assert fresh_po.exists(), f"makemessages wrote no {fresh_po}:\n{run.stdout}\n{run.stderr}"

    in_sources = {key(e): e.msgid_plural for e in entries(polib.pofile(str(fresh_po)))}
    in_catalogue = {key(e): e.msgid_plural for e in entries(polib.pofile(str(NL_PO)))}
    problems = [f"not in the catalogue: {label(k)}" for k in sorted(in_sources.keys() - in_catalogue.keys(), key=str)]
    problems += [
        f"no longer in the sources: {label(k)}" for k in sorted(in_catalogue.keys() - in_sources.keys(), key=str)
    ]
    problems += [
        f"plural differs for {label(k)}: sources {in_sources[k]!r}, catalogue {in_catalogue[k]!r}"
        for k in in_sources.keys() & in_catalogue.keys()
        if in_sources[k] != in_catalogue[k]
    ]
    assert not problems, f"nl catalogue {NL_PO} is not in step with the sources ({FIX}):\n" + "\n".join(problems)


def test_pages_render_in_dutch_by_default_and_in_english_on_request(world: Any) -> None:
    client = world.client_for(world.alice)

    dutch = client.get("/companies/")
    assert dutch.status_code == 200
    html = dutch.content.decode()
    assert '<html lang="nl">' in html
    assert "<h1>Bedrijven</h1>" in html, "the company list is not in Dutch by default"
    assert "Pagina 1 van 1" in html
    assert "Companies" not in html

    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/companies/"})
    assert switched.status_code == 302

    english = client.get("/companies/")
    assert english.status_code == 200
    html = english.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Companies</h1>" in html, "the company list is not in English after choosing English"
    assert "Page 1 of 1" in html
    assert "Bedrijven" not in html


def _django_messages() -> list[str]:
    """The messages of Django itself that our pages can show: auth forms, form fields, validators, password rules."""
    from django import forms
    from django.contrib.auth import forms as auth_forms
    from django.contrib.auth import password_validation
    from django.core import validators

    from groeimodel.web.companies.forms import CompanyForm  # noqa: F401  (our forms' fields use Django's messages)

    out: list[str] = []
    for form_class in (auth_forms.AuthenticationForm, auth_forms.PasswordResetForm):
        form = form_class()
        out += [str(m) for m in getattr(form_class, "error_messages", {}).values()]
        for field in form.fields.values():
            out += [str(m) for m in field.error_messages.values()] + [str(field.label or "")]
    for form_class in (auth_forms.PasswordChangeForm, auth_forms.SetPasswordForm):
        form = form_class(user=None)
        out += [str(m) for m in getattr(form_class, "error_messages", {}).values()]
        for field in form.fields.values():
            out += [str(m) for m in field.error_messages.values()] + [str(field.label or "")]
    for validator in password_validation.get_default_password_validators():
        out.append(str(validator.get_help_text()))
        if hasattr(validator, "get_error_message"):
            out.append(str(validator.get_error_message()))
    for field_class in (forms.CharField, forms.DecimalField, forms.IntegerField, forms.DateField, forms.EmailField,
                        forms.ChoiceField, forms.MultipleChoiceField, forms.BooleanField):  # fmt: skip
        out += [str(m) for m in field_class().error_messages.values()]
    out += [str(m) for m in forms.ModelMultipleChoiceField(queryset=None).error_messages.values()]
    for v in (validators.MinValueValidator(0), validators.MaxValueValidator(1), validators.MaxLengthValidator(3),
              validators.EmailValidator()):  # fmt: skip
        out.append(str(v.message))
    out += [str(m) for m in validators.DecimalValidator(14, 2).messages.values()]
    return out


@pytest.mark.django_db
def test_djangos_own_messages_are_dutch_on_dutch_pages() -> None:
    from django.utils import translation

    with translation.override("en"):
        english = _django_messages()
    with translation.override("nl"):
        dutch = _django_messages()
    assert len(english) > 40
    untranslated = [e for e, n in zip(english, dutch, strict=True) if e == n and e.strip()]
    assert not untranslated, (
        "Django messages that stay English on Dutch pages (add their msgid to web/django_messages.py, then "
        f"{FIX}): {untranslated}"
    )
