"""Evidence files (佐证材料): what a county may attach to a progress note, checked by content.

The bytes decide the kind (magic numbers, the parts inside an OOXML zip, the streams inside an OLE
compound file, text that decodes); the name's extension must then agree with that kind. Nothing
here stores the file: the caller saves it under a generated name and serves it with the content
type and the display name found here."""

import codecs
import hashlib
import re
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

MAX_NAME_LENGTH = 120

# Detected kind -> (accepted extensions, the first being the default; content type).
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": (("pdf",), "application/pdf"),
    "png": (("png",), "image/png"),
    "jpeg": (("jpg", "jpeg"), "image/jpeg"),
    "gif": (("gif",), "image/gif"),
    "webp": (("webp",), "image/webp"),
    "docx": (
        ("docx",),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (("xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        ("pptx",),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "doc": (("doc",), "application/msword"),
    "xls": (("xls",), "application/vnd.ms-excel"),
    "ppt": (("ppt",), "application/vnd.ms-powerpoint"),
}
TEXT_TYPES = {"txt": "text/plain", "csv": "text/csv"}
ACCEPTED_EXTENSIONS = frozenset(
    [ext for extensions, _type in KINDS.values() for ext in extensions] + list(TEXT_TYPES)
)

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream at the root of an OLE compound file that says which program wrote it.
OLE_STREAMS = {
    "worddocument": "doc",
    "workbook": "xls",
    "book": "xls",  # Excel 5/95
    "powerpoint document": "ppt",
}
OOXML_FOLDERS = {"word": "docx", "xl": "xlsx", "ppt": "pptx"}

# Control characters other than tab, line feed, form feed and carriage return: a "text" file with
# them is binary. These bytes are never part of a multi-byte character in UTF-8 or GB18030.
BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Characters Windows refuses in file names; the name is offered back as a download name.
WINDOWS_RESERVED = re.compile(r'[<>:"|?*]')
# Control, format (bidi overrides, zero-width), line/paragraph separators, lone surrogates.
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


@dataclass(frozen=True)
class CheckedFile:
    safe_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


class EvidenceFileError(Exception):
    """An upload refused. str() is the reason in the user's language, naming the file."""

    def __init__(self, message: str, file_name: str):
        super().__init__(message)
        self.file_name = file_name


class _Unreadable(Exception):
    """A zip or compound file whose structure cannot be read."""


def check_upload(upload: UploadedFile, *, max_bytes: int) -> CheckedFile:
    """Check an uploaded evidence file; raise EvidenceFileError saying why it is refused."""
    stem, extension = _split_name(upload.name or "")
    name = _display_name(stem, extension)

    def refuse(message: str, **values: object) -> EvidenceFileError:
        return EvidenceFileError(message % {"name": name, **values}, name)

    unsupported = _(
        "文件“%(name)s”的类型不受支持。可上传 PDF、图片(PNG、JPEG、GIF、WebP)、"
        "Word、Excel、PowerPoint 或纯文本(TXT、CSV)文件。"
    )
    if extension and extension not in ACCEPTED_EXTENSIONS:
        raise refuse(unsupported)
    too_large = _("文件“%(name)s”超过了 %(limit)s MB 的大小上限。")
    if upload.size and upload.size > max_bytes:  # before reading a byte of it
        raise refuse(too_large, limit=megabytes(max_bytes))
    try:
        digest, size = hashlib.sha256(), 0
        for chunk in upload.chunks():
            size += len(chunk)
            if size > max_bytes:
                raise refuse(too_large, limit=megabytes(max_bytes))
            digest.update(chunk)
        if size == 0:
            raise refuse(_("文件“%(name)s”是空的。"))
        try:
            kind = _sniff(upload, size)
        except _Unreadable:
            raise refuse(_("文件“%(name)s”已损坏,无法读取。")) from None
        mismatch = _("文件“%(name)s”的内容与扩展名不符,请确认文件没有被改过扩展名。")
        if kind is None:  # no binary signature: it can only be plain text
            if extension not in ("", *TEXT_TYPES):
                raise refuse(mismatch)
            charset, problem = _text_charset(upload)
            if problem and not extension:  # nothing was claimed, and it is no accepted kind
                raise refuse(unsupported)
            if problem == "encoding":
                raise refuse(_("文件“%(name)s”不是 UTF-8 或 GB18030 编码的纯文本。"))
            if problem:
                raise refuse(mismatch)
            extension = extension or "txt"
            content_type = f"{TEXT_TYPES[extension]}; charset={charset}"
        else:
            if kind not in KINDS:
                raise refuse(mismatch if extension else unsupported)
            extensions, content_type = KINDS[kind]
            if extension and extension not in extensions:
                raise refuse(mismatch)
            extension = extension or extensions[0]
        return CheckedFile(
            safe_name=_display_name(stem, extension),
            extension=extension,
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
        )
    finally:
        upload.seek(0)


def _split_name(raw: str) -> tuple[str, str]:
    """The cleaned stem and lower-case extension of a client's file name (basename only)."""
    text = unicodedata.normalize("NFC", raw)
    text = "".join(c for c in text if unicodedata.category(c) not in INVISIBLE_CATEGORIES)
    text = re.split(r"[/\\]", text)[-1]  # both separators, whatever the client's system
    text = WINDOWS_RESERVED.sub("_", text).strip().rstrip(". ")
    stem, dot, extension = text.rpartition(".")
    if not dot:
        stem, extension = text, ""
    return stem.lstrip(". ").strip(), extension.strip().lower()


def _display_name(stem: str, extension: str) -> str:
    stem = stem or "file"
    if not extension:
        return stem[:MAX_NAME_LENGTH]
    room = MAX_NAME_LENGTH - len(extension) - 1
    if room < 1:  # an absurd extension: refused anyway, just keep the name short
        return f"{stem}.{extension}"[:MAX_NAME_LENGTH]
    return f"{stem[:room].rstrip()}.{extension}"


def megabytes(size: int) -> str:
    """A size in MB as people read it: "20", "2.5", "0.12"."""
    value = size / 2**20
    return f"{value:.1f}".removesuffix(".0") if value >= 1 else f"{value:.2g}"


def _sniff(upload: UploadedFile, size: int) -> str | None:
    """The kind the bytes say (a key of KINDS, or "zip"/"ole" for others), None if no signature."""

    def read_at(offset: int, length: int) -> bytes:
        upload.seek(offset)
        return upload.read(length)

    head = read_at(0, 16)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _ooxml_kind(upload)
    if head.startswith(OLE_SIGNATURE):
        return _ole_kind(read_at, size)
    return None


def _ooxml_kind(upload: UploadedFile) -> str:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError, struct.error):
        raise _Unreadable from None
    if "[Content_Types].xml" not in names:
        return "zip"
    folders = {name.split("/", 1)[0] for name in names if "/" in name}
    kinds = {kind for folder, kind in OOXML_FOLDERS.items() if folder in folders}
    return kinds.pop() if len(kinds) == 1 else "zip"


def _ole_kind(read_at: Callable[[int, int], bytes], size: int) -> str:
    """Which program wrote an OLE compound file (MS-CFB), from the streams at its root.

    Only the header, the FAT entries of the directory chain and the directory are read; every
    chain is bounded by the number of sectors, so a crafted file cannot loop."""
    end_of_chain, no_stream = 0xFFFFFFFE, 0xFFFFFFFF
    header = read_at(0, 512)
    if len(header) < 512:
        raise _Unreadable
    byte_order, shift = struct.unpack_from("<HH", header, 28)
    if byte_order != 0xFFFE or shift not in (9, 12):
        raise _Unreadable
    sector_size = 1 << shift
    sector_count = size // sector_size  # the header takes the place of one sector
    fat_count, first_directory = struct.unpack_from("<II", header, 44)
    first_difat, difat_count = struct.unpack_from("<II", header, 68)
    sectors: dict[int, bytes] = {}

    def sector(number: int) -> bytes:
        if number >= sector_count:
            raise _Unreadable
        if number not in sectors:
            data = read_at((number + 1) * sector_size, sector_size)
            if len(data) < sector_size:
                raise _Unreadable
            sectors[number] = data
        return sectors[number]

    # The FAT's own sectors: 109 listed in the header, the rest in a chain of DIFAT sectors.
    fat_sectors = list(struct.unpack_from("<109I", header, 76))
    difat = first_difat
    for _step in range(min(difat_count, sector_count)):
        *listed, difat = struct.unpack(f"<{sector_size // 4}I", sector(difat))
        fat_sectors += listed
    fat_sectors = fat_sectors[:fat_count]
    per_fat_sector = sector_size // 4

    def next_sector(number: int) -> int:
        index, slot = divmod(number, per_fat_sector)
        if index >= len(fat_sectors):
            raise _Unreadable
        return struct.unpack_from("<I", sector(fat_sectors[index]), slot * 4)[0]

    directory: list[int] = []
    number = first_directory
    while number != end_of_chain:
        if len(directory) >= sector_count:
            raise _Unreadable
        directory.append(number)
        number = next_sector(number)
    per_directory_sector = sector_size // 128

    def entry(index: int) -> bytes:
        position, slot = divmod(index, per_directory_sector)
        if position >= len(directory):
            raise _Unreadable
        return sector(directory[position])[slot * 128 : slot * 128 + 128]

    root = entry(0)
    if root[66] != 5:  # the first entry is the root storage
        raise _Unreadable
    # The root's children form a tree through their left and right sibling links.
    found, pending, seen = set(), [struct.unpack_from("<I", root, 76)[0]], set()
    while pending:
        index = pending.pop()
        if index == no_stream or index in seen:
            continue
        seen.add(index)
        child = entry(index)
        name_length, object_type = struct.unpack_from("<HB", child, 64)
        if object_type == 2 and 2 <= name_length <= 64:
            name = child[: name_length - 2].decode("utf-16-le", "replace").lower()
            if name in OLE_STREAMS:
                found.add(OLE_STREAMS[name])
        pending += struct.unpack_from("<II", child, 68)
    return found.pop() if len(found) == 1 else "ole"


def _text_charset(upload: UploadedFile) -> tuple[str, str]:
    """(charset, "") for plain text, else ("", the problem: "encoding", "binary" or "markup").

    UTF-8 (with or without BOM) is tried before GB18030, which Chinese Windows often writes. Text
    that opens like HTML, SVG, XML or a script is refused: it would be served back to browsers."""
    decoders = {
        "utf-8": codecs.getincrementaldecoder("utf-8-sig")(),
        "gb18030": codecs.getincrementaldecoder("gb18030")(),
    }
    first: dict[str, str] = dict.fromkeys(decoders, "")  # first non-blank character

    def feed(chunk: bytes, final: bool) -> None:
        for charset, decoder in list(decoders.items()):
            try:
                text = decoder.decode(chunk, final)
            except UnicodeDecodeError:
                del decoders[charset]
                continue
            first[charset] = first[charset] or text.lstrip()[:1]

    for chunk in upload.chunks():
        if BINARY_BYTES.search(chunk):
            return "", "binary"
        feed(chunk, False)
        if not decoders:
            return "", "encoding"
    feed(b"", True)
    if not decoders:
        return "", "encoding"
    charset = next(iter(decoders))
    if first[charset] == "<":
        return "", "markup"
    return charset, ""
