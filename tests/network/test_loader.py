"""Loading, validating and writing network YAML: every bad input is a NetworkError with its place."""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilp import Cluster, NetworkError
from ilp.lifecycle import parse_catalogue
from ilp.lifecycle._loader import read_yaml
from ilp.network import (
    AreaLevel,
    AreaType,
    FacilityType,
    KaderLevel,
    Network,
    Opening,
    StaffRole,
    dump_network,
    load_network,
    parse_network,
)

from .conftest import NETWORK_YAML, ORIGIN, edit, fails, line_of, parse


def _only(err: NetworkError, line: int, *fragments: str) -> None:
    """*err* holds exactly one problem, at net.yaml:*line*, whose text has every fragment."""
    assert len(err.problems) == 1, err.problems
    assert err.path == ORIGIN
    assert err.line == line, err.problems
    for fragment in fragments:
        assert fragment in str(err), (fragment, str(err))


def _has(err: NetworkError, line: int, *fragments: str) -> None:
    """One of *err*'s problems is at net.yaml:*line* and has every fragment."""
    prefix = f"{ORIGIN}:{line}: "
    found = [p for p in err.problems if p.startswith(prefix) and all(f in p for f in fragments)]
    assert found, "\n".join(err.problems)


def _snapshot(network: Network) -> object:
    """The network as plain values (facilities compare by id alone, so spell them out)."""
    return (
        network.id,
        network.areas,
        tuple(
            attrs.asdict(f, recurse=False, filter=lambda a, _: a.name != "line")
            for f in network.facilities
        ),
        network.holidays,
    )


class TestGoodNetworks:
    def test_the_sample_network_loads_every_area_and_facility(self, network: Network) -> None:
        """The tiny network has its id, four areas, three facilities and two holidays."""
        assert network.id == "contoh"
        assert [a.id for a in network.areas] == ["kab", "kec", "desa", "dusun"]
        assert [f.id for f in network.facilities] == ["pkm", "pustu", "pos"]
        assert network.holidays == {_dt.date(2025, 12, 25), _dt.date(2026, 1, 1)}
        assert network.origin == ORIGIN

    def test_areas_keep_level_parent_code_and_inherit_type(self, network: Network) -> None:
        """An area keeps its level, parent and quoted code; a dusun inherits its kecamatan's type."""
        desa = network.area("desa")
        assert desa.level is AreaLevel.DESA
        assert desa.parent == "kec"
        assert desa.code == "3507121001"
        assert network.area_type("dusun") is AreaType.PERDESAAN

    def test_facilities_keep_type_parent_staff_and_services(self, network: Network) -> None:
        """The Posyandu keeps its parent, five kader with levels and its service changes."""
        pos = network.facility("pos")
        assert pos.type is FacilityType.POSYANDU
        assert pos.parent == "pustu"
        assert pos.count(StaffRole.KADER) == 5
        assert pos.staff[0].kader_level is KaderLevel.MADYA
        assert pos.staff[1].kader_level is None
        assert pos.services_added == {"BCG"}
        assert pos.services_removed == {"PTM-SCREEN"}
        assert pos.line == line_of(NETWORK_YAML, "id: pos")

    def test_cluster_overrides_become_clusters(self, network: Network) -> None:
        """cluster_overrides maps a code to a Cluster."""
        assert network.facility("pkm").cluster_overrides == {"DENTAL-BUMIL": Cluster.CROSS_CLUSTER}

    def test_opening_rules_are_read(self, network: Network) -> None:
        """Each kind of opening rule is read into an Opening."""
        assert network.facility("pkm").opening == Opening.every(0, 1, 2, 3, 4, 5)
        assert network.facility("pos").opening == Opening.nth(2, 1)

    def test_weekdays_may_be_english_or_indonesian_in_any_case(self, network: Network) -> None:
        """Senin, TUESDAY, wed, thu and jumat are Monday to Friday."""
        assert network.facility("pustu").opening == Opening.every(0, 1, 2, 3, 4)

    @pytest.mark.parametrize(
        ("text", "weekday"),
        [
            ("monday", 0),
            ("Selasa", 1),
            ("RABU", 2),
            ("Kamis", 3),
            ("sabtu", 5),
            ("minggu", 6),
            ("sun", 6),
        ],
    )
    def test_every_weekday_name_is_read(self, text: str, weekday: int) -> None:
        """Full English and Indonesian weekday names are read."""
        net = parse(edit("weekday: tue}", f"weekday: {text}}}"))
        assert net.facility("pos").opening == Opening.nth(2, weekday)

    def test_day_of_month_and_last_weekday_rules_are_read(self) -> None:
        """day_of_month and nth_weekday -1 are read."""
        net = parse(edit("{nth_weekday: 2, weekday: tue}", "{day_of_month: 31}"))
        assert net.facility("pos").opening == Opening.monthly(31)
        net = parse(edit("{nth_weekday: 2, weekday: tue}", "{nth_weekday: -1, weekday: fri}"))
        assert net.facility("pos").opening == Opening.nth(-1, 4)

    def test_kelurahan_and_rw_are_desa_and_dusun_levels(self) -> None:
        """kelurahan and rw are read as the desa and dusun levels."""
        text = edit("level: desa,", "level: kelurahan,")
        net = parse(edit("level: dusun,", "level: rw,", text))
        assert net.area("desa").level is AreaLevel.DESA
        assert net.area("dusun").level is AreaLevel.DUSUN

    def test_a_posyandu_may_serve_a_whole_desa(self) -> None:
        """A Posyandu whose area is a desa/kelurahan is accepted."""
        net = parse(edit("    area: dusun\n", "    area: desa\n"))
        assert net.facility("pos").area == "desa"

    def test_a_posyandu_may_hang_directly_under_the_puskesmas(self) -> None:
        """A Posyandu whose parent is the Puskesmas reaches it at once."""
        net = parse(edit("    parent: pustu\n", "    parent: pkm\n"))
        assert net.facility("pos").parent == "pkm"

    def test_partners_and_hospitals_may_serve_any_area(self) -> None:
        """A praktik bidan in a dusun (under the Puskesmas) and a hospital in the kabupaten load."""
        extra = (
            "  - {id: pmb, name: PMB Sari, type: praktik_bidan, area: dusun, parent: pkm}\n"
            "  - {id: rsud, name: RSUD Contoh, type: hospital, area: kab}\n"
        )
        net = parse(NETWORK_YAML + extra)
        assert net.facility("pmb").type is FacilityType.PRAKTIK_BIDAN
        assert net.facility("rsud").parent is None

    def test_optional_keys_may_be_left_out(self) -> None:
        """A network without holidays and a facility without opening, staff or services load."""
        text = (
            "format: 1\nid: kecil\nareas:\n  - {id: kec, name: Kec, level: kecamatan}\n"
            "facilities:\n  - {id: pkm, name: PKM, type: puskesmas, area: kec}\n"
        )
        net = parse(text)
        assert net.holidays == frozenset()
        assert net.facility("pkm").opening is None
        assert net.facility("pkm").staff == ()

    def test_plain_dicts_from_json_are_accepted(self) -> None:
        """Data from json.load (plain dicts, no lines) is read like YAML."""
        data = json.loads(json.dumps(read_yaml(NETWORK_YAML, origin=ORIGIN)))
        net = parse_network(data, origin="net.json")
        assert [f.id for f in net.facilities] == ["pkm", "pustu", "pos"]

    def test_load_network_reads_a_json_file(self, tmp_path: Path) -> None:
        """load_network reads JSON, which is YAML too."""
        path = tmp_path / "net.json"
        path.write_text(json.dumps(read_yaml(NETWORK_YAML, origin=ORIGIN)), encoding="utf-8")
        assert load_network(path).id == "contoh"

    def test_the_example_in_the_format_docs_loads(self) -> None:
        """The example network in docs/network.md is valid."""
        doc = (Path(__file__).parents[2] / "docs" / "network.md").read_text(encoding="utf-8")
        example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
        net = parse(example)
        assert net.id == "sukamaju"
        assert net.next_opening(net.facility("posyandu-melati"), _dt.date(2025, 12, 1)) == (
            _dt.date(2025, 12, 9)
        )

    def test_load_network_reads_a_yaml_file(self, tmp_path: Path) -> None:
        """load_network reads a file and remembers its path as the origin."""
        path = tmp_path / "net.yaml"
        path.write_text(NETWORK_YAML, encoding="utf-8")
        net = load_network(path)
        assert net.origin == str(path)
        assert net.facility("pos").line == line_of(NETWORK_YAML, "id: pos")


class TestRoundTrip:
    def test_dump_then_parse_gives_an_equal_network(self, network: Network) -> None:
        """parse(dump(network)) has the same areas, facilities (field by field) and holidays."""
        again = parse(dump_network(network))
        assert _snapshot(again) == _snapshot(network)

    def test_dump_is_stable(self, network: Network) -> None:
        """Dumping the re-read network writes the same text."""
        text = dump_network(network)
        assert dump_network(parse(text)) == text

    def test_dump_starts_with_a_comment_naming_the_format(self, network: Network) -> None:
        """The written file starts with a comment naming its format."""
        assert dump_network(network).startswith("# Network contoh (format: docs/network.md)")

    def test_dump_quotes_holidays_and_codes(self, network: Network) -> None:
        """Holidays and official codes are written as quoted text, safe from YAML 1.1."""
        text = dump_network(network)
        assert "'2025-12-25'" in text
        assert "'3507121001'" in text

    @given(
        opening=st.one_of(
            st.lists(st.integers(0, 6), min_size=1).map(lambda ws: Opening.every(*ws)),
            st.builds(Opening.nth, st.sampled_from([1, 2, 3, 4, 5, -1]), st.integers(0, 6)),
            st.builds(Opening.monthly, st.integers(1, 31)),
        ),
        holidays=st.frozensets(st.dates(_dt.date(2000, 1, 1), _dt.date(2099, 12, 31)), max_size=5),
    )
    def test_every_opening_rule_and_holiday_set_round_trips(
        self, opening: Opening, holidays: frozenset[_dt.date]
    ) -> None:
        """Any opening rule and any holidays survive dump and parse."""
        base = parse(NETWORK_YAML)
        facilities = tuple(
            attrs.evolve(f, opening=opening) if f.id == "pos" else f for f in base.facilities
        )
        net = Network(base.areas, facilities, holidays, id="contoh")
        again = parse(dump_network(net))
        assert again.facility("pos").opening == opening
        assert again.holidays == holidays


class TestBadStructure:
    def test_invalid_yaml_names_file_and_line(self) -> None:
        """A YAML syntax error is a NetworkError with the file and line."""
        err = fails("format: 1\nareas: [\n")
        assert err.path == ORIGIN
        assert err.line is not None
        assert "invalid YAML" in str(err)

    def test_unsafe_tags_are_refused(self) -> None:
        """A python tag is refused, never constructed."""
        err = fails("format: !!python/object/apply:os.system ['true']\n")
        assert "unsafe or unknown tag" in str(err)

    def test_a_file_that_is_not_a_mapping_is_refused(self) -> None:
        """A list at the top is not a network."""
        _only(fails("- 1\n- 2\n"), 1, "network", "expected a mapping")

    def test_an_unsupported_format_is_refused(self) -> None:
        """Only format 1 is read."""
        text = edit("format: 1", "format: 2")
        _only(fails(text), line_of(text, "format: 2"), "format 2 is not supported")

    def test_a_missing_required_key_is_refused(self) -> None:
        """A network without an id is refused, naming the missing key."""
        text = edit("id: contoh\n", "")
        _only(fails(text), line_of(text, "format: 1"), "missing required key 'id'")

    def test_an_unknown_top_level_key_is_refused(self) -> None:
        """An unknown key at the top is named with its line."""
        text = edit("id: contoh\n", "id: contoh\nowner: dinkes\n")
        _only(fails(text), line_of(text, "owner:"), "unknown key 'owner'")

    def test_a_key_given_twice_is_refused(self) -> None:
        """A key given twice in one mapping is a problem at the second."""
        text = edit("    area: kec\n", "    area: kec\n    area: kec # again\n")
        _only(fails(text), line_of(text, "# again"), "facility[pkm].area", "key given twice")

    def test_areas_must_be_a_list(self) -> None:
        """areas given as a mapping is a wrong type."""
        text = NETWORK_YAML.replace("areas:\n", "areas: {}\nold_areas:\n")
        err = fails(text)
        _has(err, line_of(text, "areas: {}"), "areas", "expected a list")


class TestBadAreas:
    def test_an_unknown_area_key_is_refused(self) -> None:
        """An unknown key in an area names the area's id and line."""
        text = edit("level: dusun,", "level: dusun, village: x,")
        _only(fails(text), line_of(text, "village"), "area[dusun].village", "unknown key 'village'")

    def test_an_area_without_a_level_is_refused(self) -> None:
        """An area needs a level."""
        text = edit(" level: dusun,", "")
        _only(
            fails(text), line_of(text, "Dusun Krajan"), "area[dusun].level", "missing required key"
        )

    def test_an_unknown_level_is_refused(self) -> None:
        """A level outside the administrative levels is refused, quoting it."""
        text = edit("level: dusun,", "level: rt,")
        _only(
            fails(text),
            line_of(text, "level: rt"),
            "area[dusun].level",
            "'rt' is not an area level",
        )

    def test_an_unknown_area_type_is_refused(self) -> None:
        """An area type outside the four classes is refused."""
        text = edit("type: perdesaan", "type: pegunungan")
        _only(fails(text), line_of(text, "pegunungan"), "area[kec].type", "'pegunungan'")

    def test_an_unquoted_code_is_refused(self) -> None:
        """An official code YAML reads as a number must be quoted."""
        text = edit('code: "3507121001"', "code: 3507121001")
        _only(fails(text), line_of(text, "code: 35"), "area[desa].code", "quote")

    def test_a_name_that_is_not_text_is_refused(self) -> None:
        """A name must be text."""
        text = edit("name: Desa Contoh", "name: 12")
        _only(fails(text), line_of(text, "name: 12"), "area[desa].name", "12 is not a name")

    def test_an_id_with_spaces_is_refused(self) -> None:
        """Ids contain no spaces."""
        text = edit("{id: kab,", "{id: kab x,").replace("parent: kab,", "parent: kab x,")
        err = fails(text)
        _has(err, line_of(text, "Kabupaten Contoh"), "area[kab x].id", "no spaces")

    def test_a_duplicate_area_id_is_refused(self) -> None:
        """Two areas with one id: the second is refused, naming the first's line."""
        dup = "  - {id: desa, name: Desa Lain, level: desa, parent: kec}\n"
        text = edit("facilities:\n", dup + "facilities:\n")
        first = line_of(text, "Desa Contoh")
        _only(fails(text), line_of(text, "Desa Lain"), "area[desa].id", f"the area at line {first}")

    def test_areas_and_facilities_share_one_namespace(self) -> None:
        """A facility may not reuse an area's id."""
        text = edit("  - id: pos\n", "  - id: desa\n").replace("parent: pos", "parent: desa")
        err = fails(text)
        _has(err, line_of(text, "  - id: desa"), "facility[desa].id", "already used by the area")

    def test_an_unknown_parent_is_refused(self) -> None:
        """An area's parent must be an area of the network."""
        text = edit("parent: desa}", "parent: desa-x}")
        _only(fails(text), line_of(text, "desa-x"), "area[dusun].parent", "'desa-x' is not an area")

    def test_a_facility_as_an_area_parent_is_refused(self) -> None:
        """An area's parent is an area, not a facility."""
        text = edit("parent: desa}", "parent: pustu}")
        _only(
            fails(text),
            line_of(text, "parent: pustu}"),
            "area[dusun].parent",
            "a facility, not an area",
        )

    def test_a_parent_at_the_same_level_is_refused(self) -> None:
        """A desa under a desa is not under an area above it."""
        extra = "  - {id: desa-2, name: Desa Dua, level: desa, parent: desa}\n"
        text = edit("facilities:\n", extra + "facilities:\n")
        _only(fails(text), line_of(text, "Desa Dua"), "area[desa-2].parent", "not above this desa")

    def test_a_parent_below_is_refused(self) -> None:
        """A kecamatan under a desa is refused."""
        text = edit("parent: kab, type", "parent: desa, type")
        err = fails(text)
        _has(
            err,
            line_of(text, "Kecamatan Contoh"),
            "area[kec].parent",
            "'desa' is a desa, not above",
        )

    def test_a_parent_several_levels_up_is_accepted(self) -> None:
        """A dusun directly under a kecamatan is above it, so accepted."""
        net = parse(edit("parent: desa}", "parent: kec}"))
        assert net.area("dusun").parent == "kec"

    def test_a_cycle_of_areas_is_refused(self) -> None:
        """Areas whose parents loop are refused, naming the cycle."""
        text = edit(
            "{id: kab, name: Kabupaten Contoh, level: kabupaten}",
            "{id: kab, name: Kabupaten Contoh, level: kabupaten, parent: kec}",
        )
        err = fails(text)
        _has(err, line_of(text, "Kabupaten Contoh"), "area[kab].parent", "cycle: kab -> kec -> kab")
        _has(err, line_of(text, "Kecamatan Contoh"), "area[kec].parent", "cycle")


class TestBadFacilities:
    def test_an_unknown_facility_key_is_refused(self) -> None:
        """An unknown key in a facility names the facility's id and line."""
        text = edit("    area: desa\n", "    area: desa\n    beds: 4\n")
        _only(fails(text), line_of(text, "beds"), "facility[pustu].beds", "unknown key 'beds'")

    def test_a_facility_without_an_area_is_refused(self) -> None:
        """A facility needs an area."""
        text = edit("    area: desa\n", "")
        _only(
            fails(text),
            line_of(text, "  - id: pustu"),
            "facility[pustu].area",
            "missing required key",
        )

    def test_an_unknown_facility_type_is_refused(self) -> None:
        """A type outside the facility kinds is refused, listing the known ones."""
        text = edit("type: pustu", "type: polindes")
        _only(
            fails(text),
            line_of(text, "polindes"),
            "facility[pustu].type",
            "'polindes'",
            "known values",
        )

    def test_an_unknown_area_is_refused(self) -> None:
        """A facility's area must be an area of the network."""
        text = edit("    area: desa\n", "    area: desa-x\n")
        _only(
            fails(text), line_of(text, "desa-x"), "facility[pustu].area", "'desa-x' is not an area"
        )

    def test_a_facility_as_an_area_is_refused(self) -> None:
        """A facility's area is an area, not a facility."""
        text = edit("    area: desa\n", "    area: pkm\n")
        _only(
            fails(text),
            line_of(text, "area: pkm"),
            "facility[pustu].area",
            "a facility, not an area",
        )

    @pytest.mark.parametrize(
        ("old", "new", "fid", "fragment"),
        [
            ("    area: kec\n", "    area: desa # here\n", "pkm", "a puskesmas serves a kecamatan"),
            ("    area: desa\n", "    area: dusun # here\n", "pustu", "a pustu serves a desa"),
            (
                "    area: dusun\n",
                "    area: kec # here\n",
                "pos",
                "a posyandu serves a dusun or desa",
            ),
        ],
    )
    def test_a_facility_in_an_area_of_the_wrong_level_is_refused(
        self, old: str, new: str, fid: str, fragment: str
    ) -> None:
        """A Puskesmas serves a kecamatan, a Pustu a desa, a Posyandu a dusun or desa."""
        text = edit(old, new)
        _only(fails(text), line_of(text, "# here"), f"facility[{fid}].area", fragment)

    def test_an_unknown_parent_facility_is_refused(self) -> None:
        """A facility's parent must be a facility of the network."""
        text = edit("    parent: pkm\n", "    parent: pkm-x\n")
        _only(
            fails(text),
            line_of(text, "pkm-x"),
            "facility[pustu].parent",
            "'pkm-x' is not a facility",
        )

    def test_an_area_as_a_parent_facility_is_refused(self) -> None:
        """A facility's parent is a facility, not an area."""
        text = edit("    parent: pkm\n", "    parent: kec\n")
        _only(
            fails(text),
            line_of(text, "    parent: kec"),
            "facility[pustu].parent",
            "an area, not a facility",
        )

    def test_a_pustu_under_a_posyandu_is_refused(self) -> None:
        """A Pustu's parent is a Puskesmas."""
        extra = "  - {id: pos-2, name: Posyandu Dua, type: posyandu, area: dusun, parent: pkm}\n"
        text = edit("    parent: pkm\n", "    parent: pos-2\n") + extra
        _only(
            fails(text),
            line_of(text, "parent: pos-2"),
            "facility[pustu].parent",
            "is a puskesmas, but 'pos-2' is a posyandu",
        )

    def test_a_puskesmas_with_a_parent_is_refused(self) -> None:
        """A Puskesmas is the top of its network and has no parent facility."""
        extra = "  - {id: rsud, name: RSUD, type: hospital, area: kab}\n"
        text = edit("    area: kec\n", "    area: kec\n    parent: rsud\n") + extra
        _only(
            fails(text),
            line_of(text, "parent: rsud"),
            "facility[pkm].parent",
            "has no parent facility",
        )

    def test_a_posyandu_without_a_parent_is_refused(self) -> None:
        """A Posyandu must reach a Puskesmas, so needs a parent."""
        text = edit("    parent: pustu\n", "")
        _only(
            fails(text),
            line_of(text, "  - id: pos"),
            "facility[pos].parent",
            "needs a parent facility through which it reaches a Puskesmas",
        )

    def test_a_pustu_without_a_parent_is_refused_once_not_again_for_its_posyandu(self) -> None:
        """A Pustu with no parent is the one problem; its Posyandu is not reported again."""
        text = edit("    parent: pkm\n", "")
        _only(
            fails(text), line_of(text, "  - id: pustu"), "facility[pustu].parent", "needs a parent"
        )

    def test_a_cycle_of_facilities_is_refused(self) -> None:
        """A facility that is its own parent forms a cycle."""
        text = edit("    parent: pustu\n", "    parent: pos\n")
        err = fails(text)
        _has(err, line_of(text, "parent: pos"), "facility[pos].parent", "cycle: pos -> pos")

    def test_a_longer_cycle_of_facilities_is_refused(self) -> None:
        """A Pustu and a Posyandu naming each other as parents form a cycle."""
        text = edit("    parent: pkm\n", "    parent: pos\n")
        err = fails(text)
        _has(
            err,
            line_of(text, "parent: pos"),
            "facility[pustu].parent",
            "cycle: pustu -> pos -> pustu",
        )
        _has(
            err,
            line_of(text, "parent: pustu"),
            "facility[pos].parent",
            "cycle: pos -> pustu -> pos",
        )

    def test_a_duplicate_facility_id_is_refused(self) -> None:
        """Two facilities with one id: the second is refused."""
        extra = "  - {id: pustu, name: Pustu Dua, type: pustu, area: desa, parent: pkm}\n"
        text = NETWORK_YAML + extra
        first = line_of(text, "  - id: pustu")
        _only(
            fails(text),
            line_of(text, "Pustu Dua"),
            "facility[pustu].id",
            f"the facility at line {first}",
        )

    def test_a_facility_that_is_not_a_mapping_is_refused(self) -> None:
        """A facility given as text is refused by its index."""
        text = NETWORK_YAML + "  - posyandu kenanga\n"
        err = fails(text)
        _has(err, line_of(text, "facilities:"), "facilities[3]", "expected a mapping")


class TestBadOpenings:
    def test_two_rules_at_once_are_refused(self) -> None:
        """An opening gives exactly one rule."""
        text = edit(
            "{nth_weekday: 2, weekday: tue}", "{nth_weekday: 2, weekday: tue, day_of_month: 3}"
        )
        _only(
            fails(text), line_of(text, "day_of_month"), "facility[pos].opening", "exactly one rule"
        )

    def test_no_rule_is_refused(self) -> None:
        """An empty opening mapping is refused."""
        text = edit("{nth_weekday: 2, weekday: tue}", "{}")
        _only(fails(text), line_of(text, "opening: {}"), "facility[pos].opening", "got none")

    def test_nth_weekday_without_a_weekday_is_refused(self) -> None:
        """nth_weekday needs its weekday."""
        text = edit("{nth_weekday: 2, weekday: tue}", "{nth_weekday: 2}")
        _only(
            fails(text),
            line_of(text, "nth_weekday"),
            "facility[pos].opening.weekday",
            "needs a weekday",
        )

    def test_a_weekday_beside_weekdays_is_refused(self) -> None:
        """weekday belongs to nth_weekday, not to a weekly rule."""
        text = edit("{weekdays: [mon, tue, wed, thu, fri, sat]}", "{weekdays: [mon], weekday: tue}")
        _only(fails(text), line_of(text, "weekdays: [mon]"), "facility[pkm].opening.weekday")

    @pytest.mark.parametrize(
        ("rule", "key", "fragment"),
        [
            ("{nth_weekday: 6, weekday: tue}", "nth_weekday", "6 is not a week of the month"),
            ("{nth_weekday: 0, weekday: tue}", "nth_weekday", "0 is not a week of the month"),
            ("{nth_weekday: 2, weekday: tues}", "weekday", "'tues' is not a weekday"),
            ("{nth_weekday: 2, weekday: 1}", "weekday", "1 is not a weekday"),
            ("{day_of_month: 32}", "day_of_month", "32 is not a day of the month"),
            ("{day_of_month: '15'}", "day_of_month", "'15' is not a day of the month"),
            ("{weekdays: []}", "weekdays", "[] is not a list of weekdays"),
            ("{weekdays: tue}", "weekdays", "'tue' is not a list of weekdays"),
            ("{weekdays: [mon, holiday]}", "weekdays", "is not a list of weekdays"),
            ("{weekly: [mon]}", "weekly", "unknown key 'weekly'"),
        ],
    )
    def test_a_bad_rule_is_refused_with_its_place(self, rule: str, key: str, fragment: str) -> None:
        """Each malformed opening rule is refused, naming the facility, key and line."""
        text = edit("{nth_weekday: 2, weekday: tue}", rule)
        err = fails(text)
        _has(err, line_of(text, rule), f"facility[pos].opening.{key}", fragment)

    def test_an_opening_that_is_not_a_mapping_is_refused(self) -> None:
        """An opening written as text is refused."""
        text = edit("{nth_weekday: 2, weekday: tue}", "second tuesday")
        _only(
            fails(text),
            line_of(text, "second tuesday"),
            "facility[pos].opening",
            "expected a mapping",
        )


class TestBadStaff:
    def test_an_unknown_role_is_refused(self) -> None:
        """A role outside the catalogue's providers is refused."""
        text = edit("{id: pr, role: perawat}", "{id: pr, role: dukun}")
        _only(fails(text), line_of(text, "dukun"), "facility[pustu].staff[1].role", "'dukun'")

    def test_an_unknown_kader_level_is_refused(self) -> None:
        """A kader level outside purwa, madya, utama is refused."""
        text = edit("level: madya", "level: tinggi")
        _only(fails(text), line_of(text, "tinggi"), "facility[pos].staff[0].level", "'tinggi'")

    def test_a_level_for_a_non_kader_is_refused(self) -> None:
        """Only kader have a level."""
        text = edit("{id: bd, role: bidan}", "{id: bd, role: bidan, level: madya}")
        _only(
            fails(text),
            line_of(text, "role: bidan"),
            "facility[pustu].staff[0].level",
            "level is for kader",
        )

    def test_a_staff_member_without_a_role_is_refused(self) -> None:
        """A staff member needs a role."""
        text = edit("{id: bd, role: bidan}", "{id: bd}")
        _only(
            fails(text),
            line_of(text, "{id: bd}"),
            "facility[pustu].staff[0].role",
            "missing required key",
        )

    def test_a_staff_id_twice_in_a_facility_is_refused(self) -> None:
        """Staff ids are unique within a facility."""
        text = edit("{id: pr, role: perawat}", "{id: bd, role: perawat}")
        _only(
            fails(text),
            line_of(text, "role: perawat"),
            "facility[pustu].staff[1].id",
            "given twice",
        )

    def test_the_same_staff_id_in_two_facilities_is_accepted(self) -> None:
        """One person may be listed at two facilities."""
        net = parse(edit("{id: dr, role: dokter, name: dr. Ani}", "{id: bd, role: bidan}"))
        assert net.facility("pkm").staff[0].id == net.facility("pustu").staff[0].id

    def test_staff_that_is_not_a_list_is_refused(self) -> None:
        """staff is a list."""
        text = edit("[{id: dr, role: dokter, name: dr. Ani}]", "dr. Ani")
        _only(
            fails(text), line_of(text, "staff: dr. Ani"), "facility[pkm].staff", "expected a list"
        )


class TestBadServiceCodes:
    def test_an_unknown_added_code_is_refused(self) -> None:
        """services.add names codes of the catalogue."""
        text = edit("add: [BCG]", "add: [BCG, XYZ]")
        _only(
            fails(text),
            line_of(text, "XYZ"),
            "facility[pos].services.add",
            "unknown service code 'XYZ'",
        )

    def test_an_unknown_removed_code_is_refused(self) -> None:
        """services.remove names codes of the catalogue."""
        text = edit("remove: [PTM-SCREEN]", "remove: [PTM]")
        _only(fails(text), line_of(text, "PTM]"), "facility[pos].services.remove", "'PTM'")

    def test_a_series_name_is_refused_with_a_hint(self) -> None:
        """A series name is not a service code; the message says to list its doses."""
        text = edit("add: [BCG]", "add: [DPT-HB-HIB]")
        _only(fails(text), line_of(text, "DPT"), "is a series, list its doses")

    def test_an_unknown_override_code_is_refused(self) -> None:
        """cluster_overrides names codes of the catalogue."""
        text = edit("{DENTAL-BUMIL: 5}", "{DENTAL-X: 5}")
        _only(
            fails(text),
            line_of(text, "DENTAL-X"),
            "facility[pkm].cluster_overrides.DENTAL-X",
            "'DENTAL-X'",
        )

    def test_a_cluster_outside_one_to_five_is_refused(self) -> None:
        """An override's cluster is 1 to 5."""
        text = edit("{DENTAL-BUMIL: 5}", "{DENTAL-BUMIL: 6}")
        _only(
            fails(text),
            line_of(text, "DENTAL-BUMIL"),
            "facility[pkm].cluster_overrides.DENTAL-BUMIL",
            "clusters are 1 to 5",
        )

    def test_overrides_on_a_pustu_are_refused(self) -> None:
        """Only a Puskesmas has clusters to override."""
        text = edit("    area: desa\n", "    area: desa\n    cluster_overrides: {ANC-K1: 2}\n")
        _only(
            fails(text),
            line_of(text, "ANC-K1"),
            "facility[pustu].cluster_overrides",
            "only a Puskesmas",
        )

    def test_a_code_both_added_and_removed_is_refused(self) -> None:
        """A code cannot be added and removed at once."""
        text = edit("remove: [PTM-SCREEN]", "remove: [PTM-SCREEN, BCG]")
        _only(
            fails(text),
            line_of(text, "services:"),
            "facility[pos].services",
            "both added and removed: BCG",
        )

    def test_codes_are_checked_against_the_given_catalogue(self) -> None:
        """With another catalogue, a code it lacks is refused."""
        cat_text = (
            "format: 1\nid: mini\ntitle: {id: Mini, en: Mini}\nedition: '2025-01-01'\nservices:\n"
            "  - code: BCG\n    label: {id: BCG, en: BCG}\n    group: immunization\n    cluster: 2\n"
            "    points_of_care: [posyandu]\n    source: test\n    rule: {kind: once}\n"
        )
        mini = parse_catalogue(read_yaml(cat_text, origin="mini.yaml"), origin="mini.yaml")
        with pytest.raises(NetworkError) as info:
            parse_network(read_yaml(NETWORK_YAML, origin=ORIGIN), origin=ORIGIN, catalogue=mini)
        err = info.value
        _has(err, line_of(NETWORK_YAML, "DENTAL-BUMIL"), "'DENTAL-BUMIL' in catalogue 'mini'")
        _has(err, line_of(NETWORK_YAML, "PTM-SCREEN"), "'PTM-SCREEN' in catalogue 'mini'")
        assert not any("'BCG'" in p for p in err.problems)


class TestBadHolidays:
    def test_an_impossible_date_is_refused(self) -> None:
        """30 February is not a date that exists."""
        text = edit('"2026-01-01"', '"2026-02-30"')
        _only(
            fails(text),
            line_of(text, "holidays"),
            "holidays[1]",
            "'2026-02-30' is not a date that exists",
        )

    def test_text_that_is_not_a_date_is_refused(self) -> None:
        """A holiday written in words is refused."""
        text = edit('"2026-01-01"', "lebaran")
        _only(fails(text), line_of(text, "holidays"), "holidays[1]", "'lebaran' is not a date")

    def test_holidays_that_are_not_a_list_are_refused(self) -> None:
        """holidays is a list."""
        text = edit('["2025-12-25", "2026-01-01"]', '"2025-12-25"')
        _only(fails(text), line_of(text, "holidays"), "holidays", "expected a list")


class TestEveryProblemAtOnce:
    def test_all_problems_are_listed_in_file_order(self) -> None:
        """Several mistakes give one error listing each, first in the file first."""
        text = edit('"2026-01-01"', '"2026-13-01"')
        text = edit("type: pustu", "type: polindes", text)
        text = edit("weekday: tue}", "weekday: tues}", text)
        err = fails(text)
        assert len(err.problems) == 3
        assert [int(p.split(":")[1]) for p in err.problems] == sorted(
            [line_of(text, "holidays"), line_of(text, "polindes"), line_of(text, "tues")]
        )
        assert str(err).endswith("(and 2 more problems)")
        assert err.line == line_of(text, "holidays")
        assert err.key == "holidays[1]"

    def test_each_problem_line_names_the_file(self) -> None:
        """Every listed problem starts with the file and its line."""
        text = edit("type: pustu", "type: polindes")
        text = edit("level: madya", "level: tinggi", text)
        err = fails(text)
        assert all(p.startswith(f"{ORIGIN}:") for p in err.problems)

    def test_a_network_error_is_a_value_error(self) -> None:
        """NetworkError can be caught as ValueError."""
        with pytest.raises(ValueError, match="polindes"):
            parse(edit("type: pustu", "type: polindes"))


class TestLoadNetworkFiles:
    def test_a_missing_file_is_a_network_error(self, tmp_path: Path) -> None:
        """A file that cannot be read is a NetworkError naming it."""
        path = tmp_path / "none.yaml"
        with pytest.raises(NetworkError, match="no such file") as info:
            load_network(path)
        assert info.value.path == str(path)

    def test_a_file_that_is_not_utf8_is_a_network_error(self, tmp_path: Path) -> None:
        """A file in another encoding is refused."""
        path = tmp_path / "latin.yaml"
        path.write_bytes("name: Jalan Ãs\xff".encode("latin-1"))
        with pytest.raises(NetworkError, match="not UTF-8"):
            load_network(path)

    def test_problems_name_the_file_path(self, tmp_path: Path) -> None:
        """Problems in a file start with its path and line."""
        path = tmp_path / "bad.yaml"
        text = edit("type: pustu", "type: polindes")
        path.write_text(text, encoding="utf-8")
        with pytest.raises(NetworkError) as info:
            load_network(path)
        assert info.value.problems[0].startswith(f"{path}:{line_of(text, 'polindes')}: ")
