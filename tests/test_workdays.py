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
