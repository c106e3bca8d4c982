"""Printable passes: one card-sized page each, or A4 sheets of ten cards (2 × 5) to cut."""

import segno
from django.utils import timezone

from calportal.documents.registry import Build, register
from initiatives.passes.models import ProgrammeSettings, SeniorPass

# Cards of the size of a payment card (ISO/IEC 7810 ID-1, 85.6 × 54 mm) fill an A4 page inside
# 12 mm margins two across and five down; static/css/print.css draws them, README.md says so.
CARDS_PER_SHEET = 10
# Longest name printed on a card; a longer one is shortened with "…" (the number and the QR code
# identify the pass). Names up to NAME_FULL_SIZE characters print at full size.
NAME_LIMIT = 48
NAME_FULL_SIZE = 18


def card_name(first_name: str, last_name: str) -> tuple[str, str]:
    """The name a card shows — first name and initial, "Halina Ż." — and its size class
    (``""``, ``"long"`` or ``"longest"``) that keeps it within two lines of the card."""
    initial = f" {last_name[:1]}." if last_name else ""
    first = first_name.strip()
    if len(first) + len(initial) > NAME_LIMIT:
        first = first[: NAME_LIMIT - len(initial) - 1].rstrip() + "…"
    name = first + initial
    if len(name) <= NAME_FULL_SIZE:
        return name, ""
    return name, "long" if len(name) <= 2 * NAME_FULL_SIZE else "longest"


@register("passes.cards", permission="initiatives.view_seniorpass")
def pass_cards(params: dict) -> Build:
    from initiatives.passes.views import check_url

    passes = list(
        SeniorPass.objects.identifiable()
        .filter(pk__in=params["pass_ids"])
        .select_related("holder")
        .order_by("number")
    )
    cards = []
    for senior_pass in passes:
        name, name_size = card_name(senior_pass.holder.first_name, senior_pass.holder.last_name)
        cards.append(
            {
                "senior_pass": senior_pass,
                "name": name,
                "name_size": name_size,
                "qr": segno.make(check_url(senior_pass), error="m").svg_data_uri(scale=4, border=2),
            }
        )
    layout = "sheet" if params.get("layout") == "sheet" else "card"
    # A sheet per A4 page: the count of cards on a page is decided here, not by the CSS.
    sheets = [
        cards[start : start + CARDS_PER_SHEET] for start in range(0, len(cards), CARDS_PER_SHEET)
    ]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = (
        f"karnet-{passes[0].number}.pdf"
        if layout == "card" and len(passes) == 1
        else f"karnety-{stamp}.pdf"
    )
    return Build(
        template="pdf/pass_cards.html",
        context={
            "cards": cards,
            "sheets": sheets,
            "layout": layout,
            "programme": ProgrammeSettings.current(),
        },
        filename=filename,
    )
