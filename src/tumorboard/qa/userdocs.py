"""User-supplied documents (``tumorboard index add PATH``): text, Markdown, HTML and PDF files, chunked with their
source and page, stored in the user data directory and indexed beside the knowledge base. Answers show them as
user-supplied sources, never as knowledge-base statements."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf")
CHUNK_WORDS = 120
OVERLAP_WORDS = 30


@dataclass(frozen=True)
class Chunk:
    id: str
    source: str  # absolute path of the file as added
    title: str
    page: int | None
    text: str


def data_dir() -> Path:
    override = os.environ.get("TUMORBOARD_DATA_DIR")
    if override:
        return Path(override) / "qa"
    from platformdirs import user_data_dir

    return Path(user_data_dir("tumorboard")) / "qa"


def store_file() -> Path:
    return data_dir() / "user-documents.jsonl"


def _html_text(raw: str) -> tuple[str, str]:
    title_m = re.search(r"<title[^>]*>(.*?)</title>", raw, re.I | re.S)
    raw = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", raw, flags=re.I | re.S)
    raw = re.sub(r"<br\s*/?>|</p>|</h\d>|</li>|</div>", "\n", raw, flags=re.I)
    text = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return text, html.unescape(title_m.group(1).strip()) if title_m else ""


def _md_text(raw: str) -> str:
    raw = re.sub(r"```.*?```", " ", raw, flags=re.S)
    raw = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", raw)
    raw = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", raw)
    return re.sub(r"[#*_>`|]+", " ", raw)


def read_pages(path: Path) -> tuple[list[tuple[int | None, str]], str]:
    """The text of a file as (page, text) pairs (page is None for files without pages) and a title."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(f"{path.name}: unsupported file type (use {', '.join(SUFFIXES)})")
    if suffix == ".pdf":
        from pypdf import PdfReader

        reader = PdfReader(str(path))
        pages: list[tuple[int | None, str]] = [
            (i + 1, page.extract_text() or "") for i, page in enumerate(reader.pages)
        ]
        meta_title = reader.metadata.title if reader.metadata and reader.metadata.title else ""
        return pages, str(meta_title) or path.stem
    raw = path.read_text(encoding="utf-8", errors="replace")
    if suffix in (".html", ".htm"):
        text, title = _html_text(raw)
        return [(None, text)], title or path.stem
    if suffix in (".md", ".markdown"):
        first = next((ln.lstrip("# ").strip() for ln in raw.splitlines() if ln.startswith("#")), "")
        return [(None, _md_text(raw))], first or path.stem
    return [(None, raw)], path.stem


def chunk_file(path: Path) -> list[Chunk]:
    pages, title = read_pages(path)
    source = str(path.resolve())
    out: list[Chunk] = []
    for page, text in pages:
        ws = text.split()
        step = CHUNK_WORDS - OVERLAP_WORDS
        for start in range(0, max(len(ws), 1), step):
            piece = " ".join(ws[start : start + CHUNK_WORDS])
            if len(piece) < 40:
                continue
            cid = hashlib.sha256(f"{source}|{page}|{start}|{piece}".encode()).hexdigest()[:16]
            out.append(Chunk(cid, source, title, page, piece))
            if start + CHUNK_WORDS >= len(ws):
                break
    return out


def load_chunks() -> list[Chunk]:
    f = store_file()
    if not f.is_file():
        return []
    out = []
    for line in f.read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(Chunk(**json.loads(line)))
    return out


def add_file(path: str | Path) -> list[Chunk]:
    """Chunk ``path`` and store its chunks (replacing an earlier version of the same file); returns the chunks."""
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(str(p))
    chunks = chunk_file(p)
    if not chunks:
        raise ValueError(f"{p.name}: no text found")
    source = str(p.resolve())
    kept = [c for c in load_chunks() if c.source != source]
    f = store_file()
    f.parent.mkdir(parents=True, exist_ok=True)
    tmp = f.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text("".join(json.dumps(asdict(c)) + "\n" for c in [*kept, *chunks]), encoding="utf-8")
    tmp.replace(f)
    return chunks


def chunks_hash(chunks: list[Chunk]) -> str:
    h = hashlib.sha256()
    for c in chunks:
        h.update(c.id.encode())
    return h.hexdigest()[:16]
