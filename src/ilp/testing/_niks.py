"""Strategies for NIKs (national identity numbers) and the area codes inside them."""

from __future__ import annotations

import datetime as _dt
from typing import Final

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from ilp.dates import (
    DateLike,
)
from ilp.people import (
    Sex,
)
from ilp.testing._common import _PROVINCES, _SERIALS, _SEXES, _VILLAGES, _dates_arg, _sex_arg
from ilp.testing._dates import dates

__all__ = ["niks"]


@st.composite
def _areas(draw: st.DrawFn) -> str:
    """Six-digit area codes: province, kabupaten/kota, kecamatan."""
    province = draw(st.sampled_from(_PROVINCES))
    regency = draw(st.integers(min_value=1, max_value=79))
    district = draw(st.integers(min_value=1, max_value=50))
    return f"{province:02d}{regency:02d}{district:02d}"


_AREAS: Final = _areas()


#: Desa/kelurahan codes: an area code and a four-digit village number.
_RESIDENCES: Final = st.builds("{}{}".format, _AREAS, _VILLAGES)


_PLACES: Final = st.none() | _AREAS.map("PKM-{}".format)


def _nik(draw: st.DrawFn, birth: _dt.date, sex: Sex, area: str | None = None) -> str:
    day = birth.day + (40 if sex is Sex.FEMALE else 0)
    code = area if area is not None else draw(_AREAS)
    return f"{code}{day:02d}{birth.month:02d}{birth.year % 100:02d}{draw(_SERIALS):04d}"


def niks(
    *,
    birth_date: DateLike | SearchStrategy[_dt.date] | None = None,
    sex: Sex | None = None,
) -> SearchStrategy[str]:
    """NIKs of 16 digits in the Dukcapil layout: area, birth date (day + 40 for women), serial."""
    births = dates() if birth_date is None else _dates_arg(birth_date, "birth_date")
    _sex_arg(sex)

    @st.composite
    def build(draw: st.DrawFn) -> str:
        return _nik(draw, draw(births), sex if sex is not None else draw(_SEXES))

    return build()
