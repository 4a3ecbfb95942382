from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from groeimodel.web.imports.tables import SUFFIXES, size_text, too_large_message


class ImportFileForm(forms.Form):
    """The upload field; a file over the limit (``too_large``: the upload handler skipped it) or of another kind is
    refused here, before its content is read."""

    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
        max_length=300,
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["file"].help_text = _("A CSV (.csv) or Excel (.xlsx) file of at most %(size)s.") % {
            "size": size_text(settings.IMPORT_MAX_BYTES)
        }

    def clean(self) -> dict[str, Any]:
        if self.too_large:
            self.errors.pop("file", None)
            self.add_error("file", too_large_message(settings.IMPORT_MAX_BYTES))
        return super().clean() or {}

    def clean_file(self) -> UploadedFile[Any]:
        upload: UploadedFile[Any] = self.cleaned_data["file"]
        if (upload.size or 0) > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_large_message(settings.IMPORT_MAX_BYTES), code="too_large")
        if not (upload.name or "").lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Only CSV (.csv) and Excel (.xlsx) files can be imported."), code="kind")
        return upload
