"""What a written PDF really draws with, read with pikepdf for the PDF/A and PDF/X referees.

Independent of the writers: it reads every content stream a viewer would
run (pages, the forms and tiling patterns they use, annotation appearances,
Type 3 glyphs) with its own resources, and lists the pictures, colour
spaces, graphics states and transparency groups found there, each with
where it was found (``page 3``, ``page 3, form /x0``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf

#: Colour operators and the device space each one sets.
DEVICE_OPERATORS = {
    "g": "/DeviceGray",
    "G": "/DeviceGray",
    "rg": "/DeviceRGB",
    "RG": "/DeviceRGB",
    "k": "/DeviceCMYK",
    "K": "/DeviceCMYK",
}


@dataclass
class Drawing:
    """Everything a file draws with, each thing once, with the first place it is used."""

    images: list[tuple[str, pikepdf.Object]] = field(default_factory=list)
    spaces: list[tuple[str, pikepdf.Object]] = field(default_factory=list)  # colour spaces in use
    states: list[tuple[str, pikepdf.Object]] = field(default_factory=list)  # ExtGState dictionaries
    groups: list[tuple[str, pikepdf.Object]] = field(default_factory=list)  # /Group dictionaries
    forms: list[tuple[str, pikepdf.Object]] = field(default_factory=list)
    inline_images: list[tuple[str, pikepdf.Object]] = field(default_factory=list)


def _key(obj: pikepdf.Object) -> object:
    return obj.objgen if obj.is_indirect else id(obj)


def space_family(space: pikepdf.Object) -> str:
    """A colour space's family name: /DeviceRGB, /ICCBased, /Indexed..."""
    if isinstance(space, pikepdf.Array):
        return str(space[0]) if len(space) else "?"
    return str(space)


def _resolve_space(name: pikepdf.Object, resources: pikepdf.Object) -> pikepdf.Object:
    if isinstance(name, pikepdf.Name) and str(name) not in (
        "/DeviceGray",
        "/DeviceRGB",
        "/DeviceCMYK",
        "/Pattern",
    ):
        found = resources.get("/ColorSpace", pikepdf.Dictionary()).get(str(name))
        if found is not None:
            return found
    return name


def drawing(pdf: pikepdf.Pdf) -> Drawing:
    """Walk every content stream of every page; see the module's docstring."""
    found = Drawing()
    seen: set[object] = set()

    def add(kind: list[tuple[str, pikepdf.Object]], where: str, obj: pikepdf.Object) -> None:
        key = (id(kind), _key(obj))
        if key not in seen:
            seen.add(key)
            kind.append((where, obj))

    def add_space(where: str, space: pikepdf.Object) -> None:
        add(found.spaces, where, space)
        family = space_family(space)
        if family in ("/Indexed", "/Separation", "/DeviceN") and isinstance(space, pikepdf.Array):
            base = space[1] if family == "/Indexed" else space[2]
            add_space(where, base)

    walked: set[object] = set()

    def walk(holder: pikepdf.Object, where: str) -> None:
        if _key(holder) in walked:
            return
        walked.add(_key(holder))
        resources = holder.get("/Resources", pikepdf.Dictionary())
        if "/Group" in holder:
            add(found.groups, where, holder.Group)
            if "/CS" in holder.Group:
                add_space(where, holder.Group.CS)
        states = resources.get("/ExtGState", pikepdf.Dictionary())
        xobjects = resources.get("/XObject", pikepdf.Dictionary())
        patterns = resources.get("/Pattern", pikepdf.Dictionary())
        shadings = resources.get("/Shading", pikepdf.Dictionary())
        try:
            instructions = pikepdf.parse_content_stream(holder)
        except pikepdf.PdfError:
            return
        for instruction in instructions:
            operands, operator = instruction.operands, instruction.operator
            name = str(operator)
            if name in DEVICE_OPERATORS:
                add_space(where, pikepdf.Name(DEVICE_OPERATORS[name]))
            elif name in ("cs", "CS") and operands:
                add_space(where, _resolve_space(operands[0], resources))
            elif name == "gs" and operands:
                state = states.get(str(operands[0]))
                if state is not None:
                    add(found.states, where, state)
                    mask = state.get("/SMask")
                    if isinstance(mask, pikepdf.Dictionary) and "/G" in mask:
                        walk(mask.G, f"{where}, soft mask")
            elif name == "sh" and operands:
                shading = shadings.get(str(operands[0]))
                if shading is not None and "/ColorSpace" in shading:
                    add_space(where, _resolve_space(shading.ColorSpace, resources))
            elif name in ("scn", "SCN") and operands and isinstance(operands[-1], pikepdf.Name):
                pattern = patterns.get(str(operands[-1]))
                if pattern is None:
                    continue
                if pattern.get("/PatternType") == 1:
                    walk(pattern, f"{where}, pattern {operands[-1]}")
                else:
                    shading = pattern.get("/Shading", pikepdf.Dictionary())
                    if "/ColorSpace" in shading:
                        add_space(where, _resolve_space(shading.ColorSpace, resources))
                    if "/ExtGState" in pattern:
                        add(found.states, where, pattern.ExtGState)
            elif name == "Do" and operands:
                target = xobjects.get(str(operands[0]))
                if target is None:
                    continue
                if target.get("/Subtype") == "/Image":
                    add(found.images, where, target)
                    if "/ColorSpace" in target:
                        add_space(where, _resolve_space(target.ColorSpace, resources))
                    if isinstance(target.get("/SMask"), pikepdf.Stream):
                        add(found.images, f"{where}, soft mask", target.SMask)
                else:
                    add(found.forms, f"{where}, form {operands[0]}", target)
                    walk(target, f"{where}, form {operands[0]}")
            elif name == "INLINE IMAGE":
                add(found.inline_images, where, operands[0])
        for _, font in resources.get("/Font", {}).items():
            if font.get("/Subtype") == "/Type3":
                for glyph, proc in font.get("/CharProcs", {}).items():
                    walk(proc, f"{where}, Type 3 glyph {glyph}")

    for number, page in enumerate(pdf.pages, start=1):
        walk(page.obj, f"page {number}")
        for annotation in page.obj.get("/Annots", []):
            for _, appearance in annotation.get("/AP", {}).items():
                streams = [appearance] if isinstance(appearance, pikepdf.Stream) else appearance.values()
                for stream in streams:
                    walk(stream, f"page {number}, annotation")
    return found


def fonts(pdf: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Object, bool]]:
    """Every font of every page's (and form's) resources: name, object, embedded or not."""
    seen: set[object] = set()
    holders = [page.obj for page in pdf.pages] + [form for _, form in drawing(pdf).forms]
    for holder in holders:
        for _, font in (
            holder.get("/Resources", pikepdf.Dictionary()).get("/Font", pikepdf.Dictionary()).items()
        ):
            if _key(font) in seen:
                continue
            seen.add(_key(font))
            if font.get("/Subtype") == "/Type3":
                yield str(font.get("/Name", "Type 3 font")), font, True
                continue
            target = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            descriptor = target.get("/FontDescriptor", pikepdf.Dictionary())
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            yield str(font.get("/BaseFont", "?")), font, embedded


def translucent(state: pikepdf.Object) -> list[str]:
    """What in an ExtGState makes marks translucent (constant alpha, soft mask, blend mode)."""
    found = []
    for key in ("/CA", "/ca"):
        if key in state and float(state[key]) < 1:
            found.append(f"constant alpha {key[1:]} {float(state[key]):g}")
    if state.get("/SMask", pikepdf.Name("/None")) != pikepdf.Name("/None"):
        found.append("a soft mask in the graphics state")
    mode = state.get("/BM", pikepdf.Name.Normal)
    modes = list(mode) if isinstance(mode, pikepdf.Array) else [mode]
    if modes and str(modes[0]) not in ("/Normal", "/Compatible"):
        found.append(f"blend mode {modes[0]}")
    return found
