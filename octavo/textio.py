"""Reading manuscript text files: UTF-8 only, BOM and CRLF accepted, NUL and control characters refused."""

from __future__ import annotations

import re
from pathlib import Path

from octavo.diagnostics import Diagnostics

#: Largest manuscript file accepted (a whole book is far smaller; a bigger one is refused, not read).
MAX_FILE_BYTES = 8 * 1024 * 1024
#: Characters XML 1.0 cannot hold: C0 controls but tab and line ends (NUL is reported apart), U+FFFE, U+FFFF.
CONTROL_CHARS = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def read_text(path: Path, diags: Diagnostics) -> str | None:
    """Return the file's text with line ends normalised, or None after reporting why not."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            diags.error(
                path,
                0,
                "file-too-large",
                f"is {size / 1048576:.1f} MB; octavo reads files of at most {MAX_FILE_BYTES // 1048576} MB "
                "(split the chapter into several files)",
            )
            return None
        data = path.read_bytes()
    except FileNotFoundError:
        diags.error(path, 0, "file-missing", "file not found")
        return None
    except IsADirectoryError:
        diags.error(path, 0, "file-missing", "is a directory, not a file")
        return None
    except OSError as exc:
        diags.error(path, 0, "file-unreadable", f"cannot be read: {exc.strerror or exc}")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        diags.error(
            path,
            line,
            "not-utf8",
            f"is not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} (save the file as UTF-8)",
        )
        return None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        diags.error(path, line, "nul-byte", f"contains a NUL byte at offset {nul}")
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if control := CONTROL_CHARS.search(text):
        at = control.start()
        line = text.count("\n", 0, at) + 1
        column = at - text.rfind("\n", 0, at)
        diags.error(
            path,
            line,
            "control-char",
            f"holds the control character U+{ord(control.group()):04X} at column {column}, "
            "which the EPUB and PDFs cannot hold (delete it)",
        )
        return None
    return text
