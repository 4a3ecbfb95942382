from __future__ import annotations

from groeimodel.texts import TEXTS


def test_every_command_line_text_exists_in_dutch_and_english():
    for key, texts in TEXTS.items():
        assert set(texts) == {"nl", "en"}, key
        assert texts["nl"].strip() and texts["en"].strip(), key
