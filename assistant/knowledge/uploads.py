"""Read an uploaded service-guide document (Markdown, .docx, .pdf) as plain text, with
maintained parsers; anything broken, empty, oversized or of another type is a clear error."""

from __future__ import annotations

import io
import re
import zipfile

MAX_UPLOAD_BYTES = 5 * 1024 * 1024  # a service guide is a few pages; larger is a mistake
MAX_TEXT_CHARS = 200_000
TYPES = {".md": "Markdown", ".markdown": "Markdown", ".docx": "Word (.docx)", ".pdf": "PDF"}


class UploadError(ValueError):
    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def read_upload(filename: str, content: bytes) -> str:
    """The document's text; paragraphs separated by line breaks."""
    suffix = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if suffix not in TYPES:
        raise UploadError(
            f"{filename or 'the file'}: only Markdown (.md), Word (.docx) and PDF files can be "
            "uploaded",
            415,
        )
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadError(
            f"{filename}: {len(content) // 1024} KB is over the {MAX_UPLOAD_BYTES // 1024 // 1024} "
            "MB limit",
            413,
        )
    if not content:
        raise UploadError(f"{filename}: the file is empty")
    try:
        if suffix == ".pdf":
            text = _pdf(content)
        elif suffix == ".docx":
            text = _docx(content)
        else:
            text = _markdown(content)
    except UploadError:
        raise
    except Exception as exc:  # every parser has its own errors; the user needs one message
        raise UploadError(
            f"{filename}: this {TYPES[suffix]} file could not be read ({type(exc).__name__}); "
            "is it damaged or of another type?"
        ) from exc
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n", text).strip()
    if not text:
        raise UploadError(f"{filename}: no text found (a scanned PDF needs OCR first)")
    return text[:MAX_TEXT_CHARS]


def _markdown(content: bytes) -> str:
    from markdown_it import MarkdownIt

    try:
        source = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UploadError("a Markdown file must be UTF-8 text") from exc
    lines = []
    for token in MarkdownIt().parse(source):
        if token.type == "inline" and token.content.strip():
            lines.append(token.content.strip())
    return "\n".join(lines)


def _docx(content: bytes) -> str:
    import docx

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise UploadError("not a .docx file (a .docx is a zip package)")
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                lines.append(" | ".join(cells))
    return "\n".join(lines)


def _pdf(content: bytes) -> str:
    from pypdf import PdfReader

    if not content.startswith(b"%PDF"):
        raise UploadError("not a PDF file")
    reader = PdfReader(io.BytesIO(content))
    return "\n".join((page.extract_text() or "") for page in reader.pages)
