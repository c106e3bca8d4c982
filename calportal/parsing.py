MAX_ID = 2**63 - 1


def int_list(values) -> list[int]:
    """The whole numbers among ``values`` (form or query-string strings); anything else is skipped.

    ``str.isdigit`` is not enough: it accepts characters such as "²" that ``int`` refuses.
    """
    numbers = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if 0 <= number <= MAX_ID:  # anything larger cannot be a row's id (and breaks SQLite)
            numbers.append(number)
    return numbers
