"""The model a stored result or draft is shown with when the file it was made with changed or is gone.

A result is rendered with the model version it was scored with. When that file was edited after the scoring (its
content hash differs: a block renamed, an item removed) or no longer loads, the result is still shown, from what
was stored, with the closest model that loads: the same version when it loads, else the nearest shipped version
of the same model (the newest one below, else the oldest one above), else the newest version of any shipped
model. The caller says so on the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from groeimodel.model.loader import (
    DEFAULT_MODEL,
    Model,
    ModelError,
    load_model,
    model_versions,
    shipped_model_ids,
)


@dataclass(frozen=True)
class ModelMatch:
    """The model to show a stored result with, and whether it is the very file the result was scored with."""

    model: Model
    exact: bool  # same id, version and content hash as when the result was made
    wanted_id: str
    wanted_version: str

    @property
    def same_version(self) -> bool:
        """The same id and version, possibly edited since (a different hash)."""
        return (self.model.id, self.model.version) == (self.wanted_id, self.wanted_version)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def _candidates(model_id: str, version: str) -> list[tuple[str, str | None]]:
    """(id, version) pairs to try, closest first."""
    out: list[tuple[str, str | None]] = [(model_id, version)]
    versions = model_versions(model_id)
    try:
        wanted = _version_key(version)
    except ValueError:
        wanted = ()
    below = [v for v in versions if _version_key(v) < wanted]
    above = [v for v in versions if _version_key(v) > wanted]
    out += [(model_id, v) for v in reversed(below)] + [(model_id, v) for v in above]
    others = [DEFAULT_MODEL] + [m for m in shipped_model_ids() if m != DEFAULT_MODEL]
    out += [(m, None) for m in others if m != model_id]
    return out


def closest_model(model_id: str, version: str, content_hash: str | None = None) -> ModelMatch:
    """The model to render a result made with ``model_id`` ``version`` (whose file had ``content_hash``).

    Raises :class:`ModelError` only when no shipped model loads at all.
    """
    problems = []
    for candidate_id, candidate_version in _candidates(model_id, version):
        try:
            model = load_model(candidate_id, candidate_version)
        except ModelError as exc:
            problems += exc.problems
            continue
        exact = (model.id, model.version) == (model_id, version) and (
            content_hash is None or model.content_hash == content_hash
        )
        return ModelMatch(model=model, exact=exact, wanted_id=model_id, wanted_version=version)
    raise ModelError(problems)
