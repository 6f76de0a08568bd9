"""Reading request bodies by hand, so that content types (415), malformed documents (400) and invalid cases (422)
each get their own problem document with case-format paths."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from tumorboard.api.problems import ProblemError

JSON_TYPES = {"application/json"}
YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}


def media_type(request: Request) -> str:
    raw = request.headers.get("content-type", "")
    base, _, params = raw.partition(";")
    charset = params.strip().lower()
    if charset and charset.startswith("charset=") and charset[8:].strip('"') not in ("utf-8", "utf8"):
        raise ProblemError(415, "unsupported-media-type", "Unsupported charset", "send UTF-8")
    return base.strip().lower()


def _no_alias_loader() -> type:
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        """SafeLoader that refuses anchors and aliases (no 'billion laughs' expansion downstream)."""

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                raise yaml.YAMLError("YAML aliases are not accepted")
            return super().compose_node(parent, index)

    return NoAliasLoader


_NO_ALIAS: list[type] = []


def no_alias_loader() -> type:
    if not _NO_ALIAS:
        _NO_ALIAS.append(_no_alias_loader())
    return _NO_ALIAS[0]


async def read_document(request: Request, *, yaml_ok: bool = False) -> Any:
    """The request's JSON (or, where allowed, YAML) document; problems for anything else."""
    kind = media_type(request)
    allowed = JSON_TYPES | (YAML_TYPES if yaml_ok else set())
    if kind not in allowed and not (kind.startswith("application/") and kind.endswith("+json")):
        raise ProblemError(415, "unsupported-media-type", "Unsupported media type",
                           f"send {' or '.join(sorted(allowed))}, not {kind or 'no content type'}",
                           [{"path": "", "message": "content type", "value": kind[:100], "allowed": sorted(allowed)}])
    raw = await request.body()
    if not raw.strip():
        raise ProblemError(400, "malformed", "Empty body", "the request needs a document")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProblemError(400, "malformed", "Body is not UTF-8", "send UTF-8 text") from None
    if kind in YAML_TYPES:
        import yaml

        try:
            return yaml.load(text, Loader=no_alias_loader())  # a SafeLoader without aliases
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
            raise ProblemError(400, "malformed", "Malformed YAML", f"the YAML cannot be parsed{where}") from None
        except RecursionError:
            raise ProblemError(400, "malformed", "Malformed YAML", "the document is nested too deeply") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProblemError(400, "malformed", "Malformed JSON",
                           f"{exc.msg} at line {exc.lineno}, column {exc.colno}") from None
    except RecursionError:
        raise ProblemError(400, "malformed", "Malformed JSON", "the document is nested too deeply") from None
