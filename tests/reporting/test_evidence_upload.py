"""Evidence through the note form: checked by content, stored under generated names, served only to
those who may see the note, never removed once the note was submitted."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from targets.models import Evidence, ProgressNote
from targets.supervision import rulebook

pytestmark = pytest.mark.django_db
NOTE = "/counties/510104/report/2026Q3/measures/T1.1/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, note_data, *files, action="save", version=None):
    data = {**note_data, "action": action, "files": list(files)}
    if version is not None:
        data["version"] = str(version)
    return client.post(NOTE, data)


def test_a_pdf_is_stored_under_a_generated_name_and_downloaded_by_those_who_may(
    client_for, reporter, prefecture_reviewer, other_reporter, period, note_data, media
):
    response = upload(
        client_for(reporter), note_data, SimpleUploadedFile("../../etc/进展报告.pdf", PDF)
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.name == "进展报告.pdf"
    assert evidence.content_type == "application/pdf"
    stored = media / evidence.file.name
    assert stored.read_bytes() == PDF
    assert "进展报告" not in evidence.file.name
    assert evidence.file.name.startswith("evidence/2026Q3/")
    assert ".." not in evidence.file.name

    download = client_for(prefecture_reviewer).get(f"/evidence/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]
    assert client_for(other_reporter).get(f"/evidence/{evidence.pk}/").status_code == 404


def test_the_anonymous_visitor_gets_no_file(client, client_for, reporter, period, note_data):
    upload(client_for(reporter), note_data, SimpleUploadedFile("a.pdf", PDF))
    client.logout()
    response = client.get(f"/evidence/{Evidence.objects.get().pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("photo.pdf", PNG, "不符"),
        ("page.txt", b"<html><script>alert(1)</script></html>", ""),
        ("tool.exe", b"MZ\x90\x00", "不受支持"),
        ("empty.pdf", b"", "空"),
    ],
    ids=["png-named-pdf", "html-named-txt", "exe", "empty"],
)
def test_a_bad_file_is_refused_with_a_message_and_the_note_is_kept_in_the_form(
    client_for, reporter, period, note_data, name, content, reason
):
    response = upload(client_for(reporter), note_data, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert name in response.text
    assert reason in response.text
    assert note_data["narrative"] in response.text  # what was typed is still in the form
    assert not ProgressNote.objects.exists()
    assert not Evidence.objects.exists()


def test_the_size_limit(client_for, reporter, period, note_data, settings):
    settings.EVIDENCE_MAX_MB = 1
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    response = upload(client_for(reporter), note_data, big)
    assert response.status_code == 400
    assert "1 MB" in response.text
    assert not Evidence.objects.exists()


def test_files_stay_once_submitted_and_a_later_version_supersedes(
    client_for, reporter, prefecture_reviewer, period, note_data
):
    from targets.reporting.workflow import review

    client = client_for(reporter)
    upload(client, note_data, SimpleUploadedFile("v1.pdf", PDF), action="submit")
    note = ProgressNote.objects.get()
    review(user=prefecture_reviewer, items=[note], approve=False, comment="换新版材料")
    note.refresh_from_db()
    first = Evidence.objects.get()
    response = client.post(
        NOTE,
        {
            **note_data,
            "action": "submit",
            "version": note.version,
            "supersede": [first.pk],
            "files": [SimpleUploadedFile("v2.png", PNG)],
        },
    )
    assert response.status_code == 302
    assert Evidence.objects.count() == 2
    first.refresh_from_db()
    assert first.superseded
    assert Evidence.objects.get(name="v2.png").content_type == "image/png"


# --- the county's quota --------------------------------------------------------------------------

MB = 1024 * 1024


def pdf_of(size: int) -> bytes:
    return PDF + b"0" * (size - len(PDF))


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def set_quota_in_the_admin(client, megabytes: int) -> None:
    """As the system admin does: through the rules' admin page, every other field as it was."""
    url = f"/admin/targets/supervisionrules/{rulebook.stored().pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, list | tuple):
            data[name] = [str(getattr(v, "pk", v)) for v in value]
        elif value is not None:
            data[name] = value
    data["evidence_quota_mb"] = str(megabytes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors


def test_the_quota_is_500_mb_per_county_unless_the_admins_set_another():
    assert rulebook.current().evidence_quota_mb == 500


def test_an_upload_over_the_countys_quota_is_refused_and_nothing_is_kept(
    client_for, reporter, admin_user, period, note_data, media
):
    set_quota_in_the_admin(client_for(admin_user), 1)
    client = client_for(reporter)
    first = upload(client, note_data, SimpleUploadedFile("a.pdf", pdf_of(600 * 1024)))
    assert first.status_code == 302
    note = ProgressNote.objects.get()
    assert len(stored_files(media)) == 1

    response = upload(
        client,
        {**note_data, "narrative": "第二稿"},
        SimpleUploadedFile("b.pdf", pdf_of(MB // 2)),
        version=note.version,
    )
    assert response.status_code == 400
    assert (
        "锦江区的佐证材料已用 0.59 MB,限额为 1 MB,这次上传的 0.5 MB 放不下,文件未保存。"
        in response.text
    )
    assert "第二稿" in response.text  # what was typed is still in the form
    assert Evidence.objects.count() == 1
    assert len(stored_files(media)) == 1
    note.refresh_from_db()
    assert note.narrative == note_data["narrative"]  # the note is not saved either

    response = upload(
        client, note_data, SimpleUploadedFile("c.pdf", pdf_of(300 * 1024)), version=note.version
    )
    assert response.status_code == 302  # under the quota
    assert Evidence.objects.count() == 2
    assert len(stored_files(media)) == 2


def test_superseded_files_count_and_other_counties_files_do_not(
    client_for, reporter, other_reporter, period, note_data, media
):
    rules = rulebook.stored()
    rules.evidence_quota_mb = 1
    rules.save()
    other = "/counties/513402/report/2026Q3/measures/T1.1/"
    response = client_for(other_reporter).post(
        other,
        {**note_data, "action": "save", "files": [SimpleUploadedFile("o.pdf", pdf_of(900 * 1024))]},
    )
    assert response.status_code == 302
    client = client_for(reporter)
    assert (
        upload(client, note_data, SimpleUploadedFile("a.pdf", pdf_of(600 * 1024))).status_code
        == 302
    )
    note = ProgressNote.objects.get(county__code="510104")
    first = Evidence.objects.get(note=note)
    response = client.post(
        NOTE,
        {
            **note_data,
            "action": "save",
            "version": note.version,
            "supersede": [first.pk],
            "files": [SimpleUploadedFile("b.pdf", pdf_of(600 * 1024))],
        },
    )
    assert response.status_code == 400
    assert "限额为 1 MB" in response.text
    first.refresh_from_db()
    assert not first.superseded
