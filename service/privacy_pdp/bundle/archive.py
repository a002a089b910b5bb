"""The bundle container: a reproducible gzipped tar, and a bounded reader for one.

Writing: entries sorted by name, regular files only (no directory entries), mode 0644,
mtime 0, uid/gid 0, empty owner names, and a gzip header with mtime 0 and no file name, so
the same files give the same bytes on every machine with the same zlib. Reading: only
regular files count, as in OPA's tarball loader (``v1/bundle/file.go``); sizes are capped
against gzip bombs; nothing is ever extracted to disk.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import zlib
from typing import Mapping

from privacy_pdp.bundle import BundleFormatError

# OPA's per-file default is 1 GiB; a policy bundle is a few hundred KiB.
MAX_ARCHIVE_BYTES = 64 << 20
MAX_UNPACKED_BYTES = 256 << 20


def write_archive(files: Mapping[str, bytes]) -> bytes:
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in sorted(files):
            content = files[name]
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mode = 0o644
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.type = tarfile.REGTYPE
            tar.addfile(info, io.BytesIO(content))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(tar_bytes.getvalue())
    return out.getvalue()


def normalize_name(name: str) -> str:
    """A tar entry name as a bundle path: no leading '/' or './' (OPA trims the '/')."""
    while name.startswith("./"):
        name = name[2:]
    return name.lstrip("/")


def read_archive(data: bytes, *, max_bytes: int = MAX_UNPACKED_BYTES) -> dict[str, bytes]:
    """The regular files of a .tar.gz, by normalized name; errors say what is wrong."""
    if len(data) > MAX_ARCHIVE_BYTES:
        raise BundleFormatError(f"bundle is {len(data)} bytes; the limit is {MAX_ARCHIVE_BYTES}")
    if not data.startswith(b"\x1f\x8b"):
        raise BundleFormatError("not a gzip file (a bundle is a .tar.gz)")
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data), mode="rb") as gz:
            tar_bytes = gz.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise BundleFormatError(f"archive read failed: {exc}") from None
    if len(tar_bytes) > max_bytes:
        raise BundleFormatError(f"bundle unpacks to more than {max_bytes} bytes")
    files: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r:") as tar:
            for member in tar:
                if not member.isreg():
                    continue  # directories, links, devices: OPA's loader skips them too
                name = normalize_name(member.name)
                _check_name(member.name, name)
                if name in files:
                    raise BundleFormatError(f"{name}: appears twice in the bundle")
                extracted = tar.extractfile(member)
                files[name] = extracted.read() if extracted is not None else b""
    except tarfile.TarError as exc:
        raise BundleFormatError(f"archive read failed: {exc}") from None
    return files


def _check_name(raw: str, name: str) -> None:
    parts = name.split("/")
    if not name or any(part in ("", ".", "..") for part in parts) or "\\" in name:
        raise BundleFormatError(f"{raw!r}: not a usable bundle path")
