"""Reads and statistics for the programme, aggregated in SQL (a fixed number of queries)."""

from django.db.models import Case, CharField, Count, Min, Q, Value, When
from django.db.models.functions import Lower, Trim, TruncMonth
from django.utils import timezone

from initiatives.passes.models import PartnerVenue, PassStatus, Redemption, SeniorPass


def age_band_expression(year: int):
    return Case(
        When(holder__birth_year__gt=year - 70, then=Value("60–69")),
        When(holder__birth_year__gt=year - 80, then=Value("70–79")),
        When(holder__birth_year__gt=year - 90, then=Value("80–89")),
        default=Value("90+"),
        output_field=CharField(),
    )


def programme_statistics(*, months: int = 6) -> dict:
    today = timezone.localdate()
    active = SeniorPass.objects.filter(status=PassStatus.ACTIVE, valid_until__gte=today)
    since = today.replace(day=1)
    for _month in range(months - 1):
        since = (since.replace(day=1) - timezone.timedelta(days=1)).replace(day=1)
    per_venue_month = list(
        Redemption.objects.filter(redeemed_at__date__gte=since)
        .annotate(month=TruncMonth("redeemed_at"))
        .values("venue__name", "month")
        .annotate(count=Count("pk"))
        .order_by("venue__name", "month")
    )
    month_columns = sorted({row["month"] for row in per_venue_month})
    table: dict[str, dict] = {}
    for row in per_venue_month:
        table.setdefault(row["venue__name"], {})[row["month"]] = row["count"]
    return {
        "active_total": active.count(),
        # "Centrum" and "centrum " are one district.
        "by_district": _with_population_share(
            active.annotate(district=Lower(Trim("holder__district")))
            .values("district")
            .annotate(count=Count("pk"), name=Min("holder__district"))
            .order_by("-count", "district")
        ),
        "by_gender": list(
            active.values("holder__gender").annotate(count=Count("pk")).order_by("holder__gender")
        ),
        "by_age": list(
            active.annotate(band=age_band_expression(today.year))
            .values("band")
            .annotate(count=Count("pk"))
            .order_by("band")
        ),
        "months": month_columns,
        "venue_rows": [
            (venue, [table[venue].get(month, 0) for month in month_columns]) for venue in table
        ],
        "redemptions_this_month": Redemption.objects.filter(
            redeemed_at__date__gte=today.replace(day=1)
        ).count(),
    }


def _with_population_share(rows) -> list[dict]:
    """Each district's holders as a share of its residents aged 60+ (from the map's areas)."""
    from resources_map.selectors import population_60_plus_by_area_name

    population = population_60_plus_by_area_name()
    rows = list(rows)
    for row in rows:
        residents = population.get(row["district"] or "")
        row["population_60_plus"] = residents
        row["share"] = round(100 * row["count"] / residents, 1) if residents else None
    return rows


def venues_public():
    today = timezone.localdate()
    return PartnerVenue.objects.filter(active_from__lte=today).filter(
        Q(active_until__isnull=True) | Q(active_until__gte=today)
    )


def passes_with_use(queryset):
    month_start = timezone.localdate().replace(day=1)
    return queryset.select_related("holder").annotate(
        uses_this_month=Count(
            "redemptions", filter=Q(redemptions__redeemed_at__date__gte=month_start)
        ),
    )
