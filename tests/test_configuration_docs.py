"""Every environment variable the settings read is documented in docs/configuration.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_read_from_the_environment_is_documented():
    settings = (ROOT / "src/groeimodel/web/settings.py").read_text()
    code = settings.split('"""', 2)[2]  # past the module docstring, which names them too
    read = set(re.findall(r'"(GROEIMODEL_[A-Z_]+)"', code))
    documented = set(re.findall(r"`(GROEIMODEL_[A-Z_]+)`", (ROOT / "docs/configuration.md").read_text()))
    assert read and read <= documented, sorted(read - documented)
