"""Printable passes: one card-sized page each, or A4 sheets of eight cards."""

import segno
from django.utils import timezone

from calportal.documents.registry import Build, register
from initiatives.passes.models import ProgrammeSettings, SeniorPass


@register("passes.cards", permission="initiatives.view_seniorpass")
def pass_cards(params: dict) -> Build:
    from initiatives.passes.views import check_url

    passes = list(
        SeniorPass.objects.filter(pk__in=params["pass_ids"])
        .select_related("holder")
        .order_by("number")
    )
    cards = [
        {
            "senior_pass": senior_pass,
            "name": f"{senior_pass.holder.first_name} {senior_pass.holder.last_name[:1]}.",
            "qr": segno.make(check_url(senior_pass), error="m").svg_data_uri(scale=4, border=2),
        }
        for senior_pass in passes
    ]
    layout = "sheet" if params.get("layout") == "sheet" else "card"
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = (
        f"karnet-{passes[0].number}.pdf"
        if layout == "card" and len(passes) == 1
        else f"karnety-{stamp}.pdf"
    )
    return Build(
        template="pdf/pass_cards.html",
        context={"cards": cards, "layout": layout, "programme": ProgrammeSettings.current()},
        filename=filename,
    )
