from django import template

register = template.Library()


@register.inclusion_tag("outbox/_message_states.html")
def message_states(states) -> dict:
    """``{% message_states registration.messages %}``: the e-mails sent about a record, folded
    under a one-line summary that says at once whether any was not delivered."""
    states = list(states or [])
    return {
        "states": states,
        "failed": sum(state.state == "failed" for state in states),
        "waiting": sum(state.state == "waiting" for state in states),
    }
