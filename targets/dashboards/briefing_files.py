"""The briefing's PDF, made by the task worker and archived: on a reviewer's request, and once for
the province when a round's deadline has passed (the daily run). Each file is kept as it was made,
with its sha256, and listed on the briefing page with who asked and when, for everyone who sees the
same counties (its ``audience``)."""

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.staticfiles import finders
from django.db.models import QuerySet
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from plenum import replica
from targets.accounts.access import Access
from targets.dashboards import briefing as briefings
from targets.jobs import files
from targets.jobs.retries import retrying
from targets.models import County, GeneratedFile, Indicator, Period, ProgressNote

PROVINCE = "province"
Kind = GeneratedFile.Kind


def audience_of(access: Access) -> str:
    """Who reads the same briefing: the whole province, or the prefectures of a reviewer."""
    if access.sees_whole_province:
        return PROVINCE
    return "prefectures:" + ",".join(map(str, sorted(access.prefecture_ids)))


def _counties(audience: str) -> QuerySet[County]:
    if audience == PROVINCE:
        return County.objects.all()
    ids = [int(pk) for pk in audience.removeprefix("prefectures:").split(",") if pk]
    return County.objects.filter(prefecture_id__in=ids)


def listed(period: Period, audience: str) -> QuerySet[GeneratedFile]:
    return GeneratedFile.objects.filter(
        kind=Kind.BRIEFING, period=period, audience=audience
    ).select_related("requested_by")


def request_pdf(*, user: User, access: Access, period: Period) -> tuple[GeneratedFile, bool]:
    """The PDF the user asks for: one already on its way for the same round and readers, else a
    new one queued; and whether it is new."""
    audience = audience_of(access)
    waiting = listed(period, audience).filter(
        state__in=[GeneratedFile.State.QUEUED, GeneratedFile.State.RUNNING]
    )
    if found := waiting.first():
        return found, False
    generated = GeneratedFile.objects.create(
        kind=Kind.BRIEFING,
        requested_by=user,
        period=period,
        audience=audience,
        language=translation.get_language() or settings.LANGUAGE_CODE,
        fmt="pdf",
    )
    make_pdf.enqueue(file_id=generated.pk)
    return generated, True


def archive_closed_round(period: Period) -> GeneratedFile | None:
    """The province's PDF of a round whose deadline has passed, queued once (None if it was)."""
    generated, made = GeneratedFile.objects.get_or_create(
        kind=Kind.BRIEFING,
        period=period,
        audience=PROVINCE,
        requested_by=None,
        defaults={"fmt": "pdf", "language": settings.LANGUAGE_CODE},
    )
    if not made:
        return None
    make_pdf.enqueue(file_id=generated.pk)
    return generated


def render_pdf(b: briefings.Briefing) -> bytes:
    """The briefing typeset by WeasyPrint (Pango and the CJK fonts of the system), its links to
    the site's public address; nothing is fetched, from the network or from disk."""
    from weasyprint import HTML

    def no_fetching(url: str, *args: object, **kwargs: object) -> dict:
        raise ValueError(f"not fetched: {url}")

    holds_demo_data = (
        Indicator.objects.filter(is_demo=True).exists()
        or ProgressNote.objects.filter(is_demo=True).exists()
    )
    context = {
        "b": b,
        "LANGUAGE_CODE": translation.get_language(),
        "holds_demo_data": holds_demo_data,
    }
    html = render_to_string("briefing/pdf.html", context)
    document = HTML(string=html, base_url=settings.PUBLIC_URL, url_fetcher=no_fetching)
    return document.write_pdf(stylesheets=[finders.find("css/briefing.css")])


@task
@retrying(again=files.back_in_queue, given_up=files.failed)
def make_pdf(*, file_id: int) -> None:
    """The worker's job: typeset the PDF and archive it (nothing, if it is already made)."""
    generated = files.claim(file_id)
    if generated is None or generated.period is None:
        return
    period = generated.period
    with translation.override(generated.language), replica.lagging():
        b = briefings.build(
            period,
            timezone.localdate(),
            _counties(generated.audience),
            whole_province=generated.audience == PROVINCE,
        )
        pdf = render_pdf(b)
    files.write(generated, f"briefing-{period.code}.pdf", lambda out: out.write(pdf) and None)
