"""The README's curl session, run as written against a live server with a real token."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from groeimodel.model import load_model
from groeimodel.web.api.tokens import create_token

README = Path(__file__).resolve().parents[2] / "README.md"


def curl_session() -> str:
    text = README.read_text()
    section = text[text.index("## The API") :]
    match = re.search(r"A session with curl.*?```sh\n(.*?)```", section, re.S)
    assert match, "the README's API section has a curl session"
    return match.group(1)


def json_documents(text: str) -> list[Any]:
    """The JSON documents curl printed one after the other (without newlines between them)."""
    decoder, out, at = json.JSONDecoder(), [], 0
    while at < len(text):
        if text[at].isspace():
            at += 1
            continue
        document, at = decoder.raw_decode(text, at)
        out.append(document)
    return out


def test_the_readmes_curl_session_lists_companies_scores_a_wave_and_reads_the_result(
    world: Any, live_server: Any, tmp_path: Path
) -> None:
    script = curl_session()
    token = create_token(user=world.alice, name="README").secret
    script = re.sub(r"^TOKEN=.*$", f"TOKEN={token}", script, count=1, flags=re.M)
    script = re.sub(r"^API=\S+", f"API={live_server.url}/api/v1", script, count=1, flags=re.M)
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    listed, result = json_documents(done.stdout)
    assert [c["name"] for c in listed["items"]] == ["Bakkerij Aaldering"]
    assert result["status"] == "submitted" and result["missing"] == []
    assert result["result"]["position"] == 4 and result["result"]["levels"][0]["name"] == load_model().levels[0].name.en
    assert world.bakery.waves.get().date.isoformat() == "2026-12-01"
