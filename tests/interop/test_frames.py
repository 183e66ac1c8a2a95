"""Tables and notebook reprs: documented columns and dtypes, Arrow, escaped HTML."""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pyarrow as pa

import ilp
from ilp.interop._frames import DUE_COLUMNS, to_arrow
from ilp.population import Population, due_batch

ON = "2025-11-01"


@cache
def sample() -> tuple[ilp.FamilyRegister, ilp.Network]:
    ref = resources.files("ilp").joinpath("data/demo/kecamatan")
    with resources.as_file(ref) as folder:
        return ilp.read_register(folder), ilp.load_network(folder / "network.yaml")


def child() -> tuple[ilp.Person, list[ilp.ServiceRecord]]:
    person = ilp.Person("ayu", "P", "2025-01-10", nik="3507125001250001", name="Ayu <b>")
    return person, [ilp.ServiceRecord("HB0", "2025-01-10"), ilp.ServiceRecord("BCG", "2025-02-10")]


class TestDueFrame:
    def test_columns_dtypes_and_values_follow_the_items(self) -> None:
        """One row per item, the documented columns, dates as datetime64 with NaT."""
        person, history = child()
        items = ilp.due(person, "2025-04-14", history=history)
        frame = items.to_frame()
        assert tuple(frame.columns) == DUE_COLUMNS
        assert len(frame) == len(items)
        assert str(frame["recommended"].dtype) == "datetime64[s]"
        assert str(frame["status"].dtype) == "category"
        assert str(frame["dose"].dtype) == "Int8"
        assert str(frame["person"].dtype) == "string"
        first = items[0]
        assert frame["code"].iloc[0] == first.code
        assert frame["recommended"].iloc[0].date() == first.recommended
        bcg = frame[frame["code"] == "BCG"].iloc[0]
        assert bcg["status"] == "completed"
        assert bcg["given"].date().isoformat() == "2025-02-10"
        assert frame["latest"].isna().any() == any(i.latest is None for i in items)

    def test_an_arrow_table_keeps_the_schema(self) -> None:
        """to_arrow gives timestamp, dictionary and string columns."""
        person, history = child()
        table = to_arrow(ilp.due(person, "2025-04-14", history=history).to_frame())
        assert table.schema.field("recommended").type == pa.timestamp("s")
        assert pa.types.is_dictionary(table.schema.field("code").type)
        assert table.num_rows == len(ilp.due(person, "2025-04-14", history=history))


class TestTargetAndBatchFrames:
    def test_a_posyandu_list_has_a_row_per_person_and_service(self) -> None:
        """targets(...).to_frame() has one row per (target, item)."""
        register, network = sample()
        site = next(f for f in network.facilities if f.type.value == "posyandu")
        tl = ilp.targets(network, register, ON, site=site)
        frame = tl.to_frame()
        assert len(frame) == len(tl.items)
        assert set(frame["person"]) == {t.person.id for t in tl.targets}
        assert (frame["site"] == site.id).all()
        html = tl._repr_html_()
        assert site.name in html

    def test_batch_result_frame_equals_its_arrays(self) -> None:
        """BatchResult.to_frame() has the rows of to_arrays(), with codes and statuses named."""
        register, _ = sample()
        pop, hist = Population.from_people(register.people, register.histories)
        result = due_batch(pop, hist, ON)
        frame = result.to_frame()
        arrays = result.to_arrays()
        assert len(frame) == len(result)
        assert np.array_equal(frame["person"].to_numpy(), arrays["person"])
        assert frame["code"].iloc[0] == result.codes[int(arrays["slot"][0])]
        counts = frame[frame["status"] == "due"].groupby("code", observed=True).size().to_dict()
        assert counts == result.counts("due")


class TestReprs:
    def test_person_html_masks_the_nik_and_escapes_text(self) -> None:
        """A person's table never shows the NIK and escapes the name."""
        person, _ = child()
        html = person._repr_html_()
        assert "3507125001250001" not in html
        assert "1250001" not in html
        assert "Ayu &lt;b&gt;" in html

    def test_family_and_network_tables(self) -> None:
        """A family lists its members; a network its counts."""
        register, network = sample()
        fam = register.families[0]
        html = fam._repr_html_()
        assert fam.kk_number in html
        assert all(m.person.id in html for m in fam.members)
        summary = network.summary()
        assert summary["facilities: posyandu"] == sum(
            1 for f in network.facilities if f.type.value == "posyandu"
        )
        assert "facilities: posyandu" in network._repr_html_()

    def test_due_list_html_still_lists_every_item(self) -> None:
        """The due list's table has a row per item."""
        person, history = child()
        items = ilp.due(person, "2025-04-14", history=history)
        assert items._repr_html_().count("<tr>") == len(items) + 1
