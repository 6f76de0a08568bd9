"""Reading inputs for commands: a path or ``-`` for standard input."""

from __future__ import annotations

import sys
from pathlib import Path

from tumorboard.cli.errors import UserError

MAX_INPUT_BYTES = 5 * 1024 * 1024


def read_text(source: str) -> str:
    """The text of a file, or of standard input for ``-``; refuses binary and oversize input."""
    if source == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        path = Path(source)
        if not path.is_file():
            raise UserError(f"{source}: no such file")
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise UserError(f"{source}: larger than {MAX_INPUT_BYTES // 1024 // 1024} MB")
        data = path.read_bytes()
    if len(data) > MAX_INPUT_BYTES:
        raise UserError(f"input larger than {MAX_INPUT_BYTES // 1024 // 1024} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError(f"{source}: not UTF-8 text") from None
