def int_list(values) -> list[int]:
    """The whole numbers among ``values`` (form or query-string strings); anything else is skipped.

    ``str.isdigit`` is not enough: it accepts characters such as "²" that ``int`` refuses.
    """
    numbers = []
    for value in values:
        try:
            numbers.append(int(value))
        except (TypeError, ValueError):
            continue
    return numbers
