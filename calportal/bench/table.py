"""The benchmark's one table: a row per figure, with the issue's target and PASS/FAIL."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line: ``section`` groups rows ("public pages", "staff lists", …); ``measured`` is
    already formatted; ``passed`` None when the row has no target."""

    section: str
    label: str
    measured: str
    target: str = ""
    passed: bool | None = None


def format_table(rows: list[Row]) -> str:
    """The rows as a fixed-width text table with a header line per section."""
    if not rows:
        return "(no figures)"
    label_width = max(len(row.label) for row in rows) + 2
    measured_width = max(len(row.measured) for row in rows) + 2
    target_width = max([len(row.target) for row in rows] + [len("target")]) + 2
    lines = []
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            if lines:
                lines.append("")
            lines.append(
                f"{section:<{label_width}}{'measured':<{measured_width}}"
                f"{'target':<{target_width}}result"
            )
            lines.append("-" * (label_width + measured_width + target_width + 6))
        verdict = "" if row.passed is None else ("PASS" if row.passed else "FAIL")
        lines.append(
            f"{row.label:<{label_width}}{row.measured:<{measured_width}}"
            f"{row.target:<{target_width}}{verdict}".rstrip()
        )
    return "\n".join(lines)


def ratio_row(
    label: str, floor_rps: float, page_rps: float, target_pct: float, extra: str = ""
) -> Row:
    """A public page against the floor measured next to it: "page / floor req/s = ratio"."""
    ratio = page_rps / floor_rps * 100 if floor_rps else 0.0
    measured = f"{page_rps:.1f} / {floor_rps:.0f} req/s = {ratio:.1f} %{extra}"
    return Row(
        "public pages (page / floor)", label, measured, f"≥ {target_pct:.0f} %", ratio >= target_pct
    )
