"""Evidence files are checked by their content: the bytes decide the kind, the extension must agree,
and the name kept for display carries no path and no control characters."""

import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from targets.reporting.evidence_files import EvidenceFileError, check_upload

LIMIT = 1024 * 1024
MISMATCH = "内容与扩展名不符"
CORRUPT = "已损坏"
UNSUPPORTED = "类型不受支持"


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


# Real files, built from their specifications.

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte, one red pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def ooxml(folder: str, main_part: str, main_type: str) -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{folder}/{main_part}" ContentType="{main_type}"/></Types>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr(f"{folder}/{main_part}", '<?xml version="1.0"?><root/>')
    return buffer.getvalue()


DOCX = ooxml(
    "word",
    "document.xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
)
XLSX = ooxml(
    "xl",
    "workbook.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
PPTX = ooxml(
    "ppt",
    "presentation.xml",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
)


def ole(stream: str) -> bytes:
    """A minimal compound file (MS-CFB version 3): header, one FAT sector, one directory sector
    holding the root and one stream, and the stream's sector."""
    free, end, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\x00" * 6
        + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, *[free] * 108)
    )
    fat = struct.pack("<128I", fat_sector, end, end, *[free] * 125)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\x00")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", free, free, child)
            + b"\x00" * 36
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream, 2, free, 2, 512) + b"\x00" * 256
    return header + fat + directory + b"\x00" * 512


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    file = SimpleUploadedFile("upload", content)
    # Django's setter already keeps only the POSIX basename; the check must not rely on it (a name
    # can reach it by other paths), so it gets the client's name exactly as sent.
    file._name = name
    return file


def refusal(name: str, content: bytes, max_bytes: int = LIMIT) -> str:
    with pytest.raises(EvidenceFileError) as error:
        check_upload(upload(name, content), max_bytes=max_bytes)
    return str(error.value)


# Accepted kinds.


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("报告.pdf", PDF, "application/pdf"),
        ("现场.png", png(), "image/png"),
        ("现场.jpg", JPEG, "image/jpeg"),
        ("现场.JPEG", JPEG, "image/jpeg"),
        ("动图.gif", GIF, "image/gif"),
        ("照片.webp", WEBP, "image/webp"),
        (
            "纪要.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("台账.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (
            "汇报.pptx",
            PPTX,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("纪要.doc", ole("WordDocument"), "application/msword"),
        ("台账.xls", ole("Workbook"), "application/vnd.ms-excel"),
        ("汇报.ppt", ole("PowerPoint Document"), "application/vnd.ms-powerpoint"),
        ("说明.txt", "推进情况良好。\n".encode(), "text/plain; charset=utf-8"),
        ("说明.txt", "\ufeff带 BOM 的文本".encode(), "text/plain; charset=utf-8"),
        ("说明.txt", "县域城乡融合发展。\r\n".encode("gb18030"), "text/plain; charset=gb18030"),
        ("数据.csv", "县,数值\n成都,1\n".encode(), "text/csv; charset=utf-8"),
        ("数据.csv", "县,数值\n成都,1\n".encode("gb18030"), "text/csv; charset=gb18030"),
    ],
)
def test_accepted_kinds_are_served_with_the_type_of_their_content(name, content, content_type):
    file = upload(name, content)
    checked = check_upload(file, max_bytes=LIMIT)
    assert checked.content_type == content_type
    assert checked.safe_name == name.rsplit(".", 1)[0] + "." + name.rsplit(".", 1)[1].lower()
    assert checked.extension == name.rsplit(".", 1)[1].lower()
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert file.read() == content, "the upload is left at its start"


def test_a_file_read_in_many_chunks_is_hashed_whole():
    content = "第一行,一些文字\n".encode() * 20_000  # well over Django's 64 KiB chunk
    checked = check_upload(upload("长表.csv", content), max_bytes=LIMIT)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()
    assert checked.size == len(content)


def test_a_name_without_extension_gets_the_one_of_its_content():
    checked = check_upload(upload("微信图片", png()), max_bytes=LIMIT)
    assert (checked.safe_name, checked.extension, checked.content_type) == (
        "微信图片.png",
        "png",
        "image/png",
    )


# Content that does not match its name.


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("截图.pdf", png()),
        ("网页.txt", HTML),
        ("网页.pdf", HTML),
        ("图标.txt", b'  \n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("数据.txt", b'<?xml version="1.0"?><x/>'),
        ("脚本.csv", "\ufeff<script>alert(1)</script>".encode()),
        ("网页.txt", "<html><body>你好</body></html>".encode("gb18030")),
        ("安装.pdf", EXE),
        ("安装.txt", EXE),
        ("压缩.docx", XLSX),
        ("纪要.pdf", DOCX),
        ("台账.doc", ole("Workbook")),
        ("纪要.xlsx", ole("WordDocument")),
        ("邮件.doc", ole("__substg1.0_0037001F")),  # an Outlook message is OLE too
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(name, content):
    message = refusal(name, content)
    assert name in message
    assert MISMATCH in message


def test_a_zip_that_is_not_an_office_document_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<x/>")  # no [Content_Types].xml
        archive.writestr("payload.exe", EXE)
    message = refusal("伪装.docx", buffer.getvalue())
    assert "伪装.docx" in message
    assert MISMATCH in message


def test_a_corrupt_zip_is_refused_as_unreadable():
    message = refusal("台账.xlsx", XLSX[: len(XLSX) // 2])
    assert "台账.xlsx" in message
    assert CORRUPT in message


def test_a_compound_file_with_only_a_header_is_refused_as_unreadable():
    message = refusal("纪要.doc", ole("WordDocument")[:512])
    assert "纪要.doc" in message
    assert CORRUPT in message


def test_text_in_another_encoding_is_refused_saying_which_ones_are_accepted():
    message = refusal("说明.txt", b"Rapport d'activit\xe9 (Latin-1)\n")
    assert "说明.txt" in message
    assert "UTF-8" in message
    assert "GB18030" in message


@pytest.mark.parametrize("name", ["安装.exe", "网页.html", "图标.svg", "压缩.zip", "宏.docm"])
def test_extensions_outside_the_list_are_refused_naming_what_is_accepted(name):
    message = refusal(name, EXE)
    assert name in message
    assert UNSUPPORTED in message
    assert "PDF" in message


# Empty and too large.


def test_an_empty_file_is_refused():
    message = refusal("空白.pdf", b"")
    assert "空白.pdf" in message
    assert "空的" in message


def test_a_file_over_the_limit_is_refused_saying_the_limit_in_megabytes():
    message = refusal("扫描件.pdf", PDF + b"0" * LIMIT, max_bytes=LIMIT)
    assert "扫描件.pdf" in message
    assert "1 MB" in message


def test_the_limit_counts_the_bytes_not_the_declared_size():
    file = upload("扫描件.pdf", PDF + b"0" * 600)
    file.size = 10  # what a client claimed
    with pytest.raises(EvidenceFileError, match="大小上限"):
        check_upload(file, max_bytes=512)
    assert file.tell() == 0


# Names.


@pytest.mark.parametrize(
    ("name", "safe_name"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\x\\report.pdf", "report.pdf"),
        ("..\\..\\windows\\report.pdf", "report.pdf"),
        ("repo\x00rt.pdf", "report.pdf"),
        ("report\n.pdf", "report.pdf"),
        ("report.pdf\r\n", "report.pdf"),
        ("photo\u202egnp.pdf", "photognp.pdf"),  # a right-to-left override hides the real order
        ('a<b>:"c"|?*.pdf', "a_b___c____.pdf"),
        ("...hidden.pdf", "hidden.pdf"),
        ("  报告 .PDF. ", "报告.pdf"),
        ("..pdf", "file.pdf"),
        ("...", "file.pdf"),
        ("", "file.pdf"),
        ("/", "file.pdf"),
    ],
)
def test_names_are_cleaned_to_a_bare_display_name(name, safe_name):
    checked = check_upload(upload(name, PDF), max_bytes=LIMIT)
    assert checked.safe_name == safe_name
    assert checked.extension == "pdf"
    assert not any(c in checked.safe_name for c in "/\\\x00\n\r")
    assert ".." not in checked.safe_name


def test_a_long_name_is_shortened_keeping_its_extension():
    checked = check_upload(upload("很长的文件名" * 50 + ".pdf", PDF), max_bytes=LIMIT)
    assert len(checked.safe_name) == 120
    assert checked.safe_name.startswith("很长的文件名")
    assert checked.safe_name.endswith(".pdf")


def test_a_dot_file_is_refused_without_its_leading_dot_in_the_message():
    message = refusal(".htaccess", b"Options +ExecCGI\n")
    assert UNSUPPORTED in message
    assert "htaccess" in message
    assert "“." not in message, "the name shown has no leading dot"


def test_a_nul_cannot_hide_the_real_extension():
    message = refusal("report.pdf\x00.exe", EXE)
    assert UNSUPPORTED in message
    assert "\x00" not in message


def test_a_name_without_extension_is_refused_when_its_content_is_no_accepted_kind():
    message = refusal("readme", HTML)
    assert "readme" in message
    assert UNSUPPORTED in message
