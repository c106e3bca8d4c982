from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced, e.g. for pagination links."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return "?" + query.urlencode()


@register.filter
def role_label(group_name: str) -> str:
    """The translated name of a role, from its group's stored (English) name."""
    from calportal.accounts.roles import Role

    try:
        return Role(group_name).label
    except ValueError:
        return group_name


@register.filter
def chunks(items, size: int) -> list:
    """``[a, b, c, d]|chunks:2`` → ``[[a, b], [c, d]]`` (e.g. checkboxes laid out as a table)."""
    items = list(items)
    return [items[index : index + int(size)] for index in range(0, len(items), int(size))]


@register.filter
def label_part(label, index: int) -> str:
    """One part of a label written as "Monday – morning" (0: "Monday", 1: "morning")."""
    parts = str(label).split(" – ")
    return parts[int(index)] if int(index) < len(parts) else ""
