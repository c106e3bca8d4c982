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
