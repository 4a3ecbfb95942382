"""Line numbers for paths inside a YAML (or JSON) document, so error messages can say where."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

PathPart = str | int


def compose(text: str) -> yaml.Node | None:
    """The node tree of ``text`` (it carries line marks), or None when it does not parse."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def line_of(node: yaml.Node | None, path: Sequence[PathPart]) -> int | None:
    """The 1-based line of the deepest node on ``path`` that exists in the tree."""
    if node is None:
        return None
    line: int = node.start_mark.line + 1
    for part in path:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                    child = value
                    line = key.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line
