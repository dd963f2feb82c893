"""Proofs: PNG pictures of every spread of the interior, of the cover, and a contact sheet.

Rendered with pypdfium2 (no system tools). Spreads pair pages as a bound book
shows them: the first page alone on the right, then verso and recto side by
side, the last page alone if it is a verso.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

SCALE = 1.5  # 108 dpi
GAP = 12
BACKGROUND = (150, 150, 150)


def spreads(count: int) -> list[tuple[int | None, int | None]]:
    """(verso, recto) page indices of each spread."""
    pairs: list[tuple[int | None, int | None]] = [(None, 0)] if count else []
    for left in range(1, count, 2):
        pairs.append((left, left + 1 if left + 1 < count else None))
    return pairs


def _spread_image(
    document: pdfium.PdfDocument, pair: tuple[int | None, int | None], scale: float
) -> Image.Image:
    pages = [document[i].render(scale=scale).to_pil() if i is not None else None for i in pair]
    sample = next(p for p in pages if p is not None)
    width, height = sample.size
    sheet = Image.new("RGB", (2 * width + 3 * GAP, height + 2 * GAP), BACKGROUND)
    for slot, image in enumerate(pages):
        if image is not None:
            sheet.paste(image, (GAP + slot * (width + GAP), GAP))
    return sheet


def write_proofs(interior: Path, cover: Path | None, out: Path, scale: float = SCALE) -> list[Path]:
    """Write spread-NN.png for each spread, cover.png and contact-sheet.png into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("spread-*.png"):
        old.unlink()
    written: list[Path] = []
    document = pdfium.PdfDocument(str(interior))
    images = []
    for number, pair in enumerate(spreads(len(document)), start=1):
        image = _spread_image(document, pair, scale)
        path = out / f"spread-{number:03d}.png"
        image.save(path, optimize=True)
        written.append(path)
        images.append(image)
    if cover is not None and cover.is_file():
        cover_doc = pdfium.PdfDocument(str(cover))
        path = out / "cover.png"
        cover_doc[0].render(scale=scale).to_pil().save(path, optimize=True)
        written.append(path)
    if images:
        columns = min(4, len(images))
        thumb_w = images[0].width // 3
        thumb_h = images[0].height // 3
        rows = -(-len(images) // columns)
        sheet = Image.new("RGB", (columns * thumb_w, rows * thumb_h), BACKGROUND)
        for i, image in enumerate(images):
            sheet.paste(image.resize((thumb_w, thumb_h)), ((i % columns) * thumb_w, (i // columns) * thumb_h))
        path = out / "contact-sheet.png"
        sheet.save(path, optimize=True)
        written.append(path)
    return written
