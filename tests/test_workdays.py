"""Working days in England and Wales, bank holidays from the `holidays` package."""

from datetime import date

from remedies.workdays import describe, working_days_between


def test_christmas_and_boxing_day_are_not_working_days():
    n, skipped = working_days_between(date(2024, 12, 20), date(2025, 1, 3))
    # 23, 24, 27, 30, 31 Dec, 2, 3 Jan; 25, 26 Dec and 1 Jan are bank holidays
    assert n == 7
    assert skipped == [date(2024, 12, 25), date(2024, 12, 26), date(2025, 1, 1)]


def test_easter_good_friday_and_monday_are_skipped():
    n, skipped = working_days_between(date(2025, 4, 16), date(2025, 4, 23))
    assert skipped == [date(2025, 4, 18), date(2025, 4, 21)]
    assert n == 3  # 17, 22 and 23 April (the start day itself does not count)
    assert "Good Friday" in describe(date(2025, 4, 16), date(2025, 4, 23))


def test_one_off_bank_holidays_come_from_the_package():
    # the state funeral of 19 September 2022 and the coronation of 8 May 2023
    _, skipped = working_days_between(date(2022, 9, 16), date(2022, 9, 20))
    assert skipped == [date(2022, 9, 19)]
    _, skipped = working_days_between(date(2023, 5, 5), date(2023, 5, 9))
    assert skipped == [date(2023, 5, 8)]


def test_same_day_is_zero():
    assert working_days_between(date(2024, 7, 18), date(2024, 7, 18)) == (0, [])


def _one_day_at_a_time(start: date, end: date) -> tuple[int, list[date]]:
    """The plain definition, to check the arithmetic against."""
    from datetime import timedelta

    import holidays

    table = holidays.country_holidays("GB", subdiv="ENG", years=range(start.year, end.year + 1))
    count, skipped, day = 0, [], start + timedelta(days=1)
    while day <= end:
        if day.weekday() < 5:
            if day in table:
                skipped.append(day)
            else:
                count += 1
        day += timedelta(days=1)
    return count, skipped


from hypothesis import given, strategies as st  # noqa: E402


@given(st.dates(date(1988, 1, 1), date(2102, 12, 31)), st.integers(0, 3000))
def test_arithmetic_count_agrees_with_counting_day_by_day(start, length):
    from datetime import timedelta

    end = start + timedelta(days=length)
    assert working_days_between(start, end) == _one_day_at_a_time(start, end)


def test_a_span_of_decades_is_counted():
    n, skipped = working_days_between(date(1990, 1, 1), date(2100, 12, 31))
    assert n > 27000 and len(skipped) > 800 and all(d.weekday() < 5 for d in skipped)
