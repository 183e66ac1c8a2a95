"""FHIR in and out: SATUSEHAT-shaped resources, valid R4B, lossless round trips, clean failures."""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st

import ilp
from ilp.interop import care_bundle, export_bundle, read_bundle
from ilp.interop._common import EARLIEST, LATEST, OVERDUE, RECOMMENDED
from ilp.testing import histories, persons

ON = "2025-11-01"


@cache
def sample() -> ilp.FamilyRegister:
    ref = resources.files("ilp").joinpath("data/demo/kecamatan")
    with resources.as_file(ref) as folder:
        return ilp.read_register(folder)


def validate(bundle: dict[str, Any]) -> None:
    """The bundle parses as FHIR R4B with fhir.resources (raises if not)."""
    Bundle.model_validate(bundle)


def resources_of(bundle: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def one_child() -> tuple[ilp.Person, tuple[ilp.ServiceRecord, ...]]:
    child = ilp.Person("ayu", "P", "2025-01-10", nik="3507125001250001", name="Ayu")
    history = (
        ilp.ServiceRecord("HB0", "2025-01-10", place="pkm-sukamaju", provider="bidan"),
        ilp.ServiceRecord("BCG", "2025-02-10"),
        ilp.ServiceRecord("OPV-1", "2025-02-10", place="posyandu-melati"),
        ilp.ServiceRecord("GROWTH", "2025-02-10", value=4.2, place="posyandu-melati"),
        ilp.ServiceRecord("SHK", "2025-01-12", result="normal"),
    )
    return child, history


class TestExport:
    def test_a_dose_given_on_site_carries_product_dose_reason_and_sys_ids(self) -> None:
        """OPV-1 at a Posyandu: KFA product, group, CVX 178, dose 1, IM-Dasar, sys-ids, UTC time."""
        child, history = one_child()
        bundle = export_bundle([child], {"ayu": history}, organization="10000004")
        validate(bundle)
        opv = next(
            r
            for r in resources_of(bundle, "Immunization")
            if any(c["code"] == "OPV-1" for c in r["vaccineCode"]["coding"])
        )
        codes = {(c["system"], c["code"]) for c in opv["vaccineCode"]["coding"]}
        assert ("http://sys-ids.kemkes.go.id/kfa", "93004972") in codes
        assert ("http://sys-ids.kemkes.go.id/kfa", "VG89") in codes
        assert ("http://hl7.org/fhir/sid/cvx", "178") in codes
        assert opv["protocolApplied"] == [{"doseNumberPositiveInt": 1, "series": "OPV"}]
        assert opv["reasonCode"][0]["coding"][0]["code"] == "IM-Dasar"
        assert opv["identifier"][0]["system"] == "http://sys-ids.kemkes.go.id/immunization/10000004"
        assert opv["occurrenceDateTime"] == "2025-02-10T05:00:00+00:00"
        assert opv["primarySource"] is True

    def test_history_from_memory_has_no_product_and_a_report_origin(self) -> None:
        """BCG with no place is history from recall: primarySource false, group only, no KFA product."""
        child, history = one_child()
        bundle = export_bundle([child], {"ayu": history})
        bcg = next(
            r
            for r in resources_of(bundle, "Immunization")
            if any(c["code"] == "BCG" for c in r["vaccineCode"]["coding"])
        )
        assert bcg["primarySource"] is False
        assert bcg["reportOrigin"]["coding"][0]["code"] == "recall"
        assert "93005208" not in {c["code"] for c in bcg["vaccineCode"]["coding"]}

    def test_measurements_are_observations_and_others_procedures(self) -> None:
        """GROWTH with a weight is a LOINC 29463-7 Observation in kg; SHK a Procedure."""
        child, history = one_child()
        bundle = export_bundle([child], {"ayu": history})
        obs = resources_of(bundle, "Observation")[0]
        assert obs["code"]["coding"][1] == {"system": "http://loinc.org", "code": "29463-7"}
        assert obs["valueQuantity"]["value"] == 4.2
        assert obs["valueQuantity"]["unit"] == "kg"
        assert resources_of(bundle, "Procedure")[0]["outcome"] == {"text": "normal"}

    def test_the_nik_is_written_under_satusehat_and_masked_in_reprs(self) -> None:
        """The Patient carries the NIK under the SATUSEHAT system; repr of the person masks it."""
        child, history = one_child()
        patient = resources_of(export_bundle([child], {"ayu": history}), "Patient")[0]
        assert {"system": "https://fhir.kemkes.go.id/id/nik", "value": child.nik} in patient[
            "identifier"
        ]
        assert "3507125001250001" not in repr(child)

    def test_td_wus_doses_are_ranked_per_person(self) -> None:
        """Three TD-WUS records are written as doses 1, 2 and 3."""
        woman = ilp.Person("w", "P", "2000-01-01")
        recs = tuple(ilp.ServiceRecord("TD-WUS", f"{y}-03-01") for y in (2019, 2020, 2021))
        bundle = export_bundle([woman], {"w": recs})
        doses = [
            r["protocolApplied"][0]["doseNumberPositiveInt"]
            for r in resources_of(bundle, "Immunization")
        ]
        assert doses == [1, 2, 3]

    def test_a_transaction_bundle_posts_each_resource_and_refers_by_full_url(self) -> None:
        """transaction: each entry has a POST request; references use the urn:uuid fullUrl."""
        child, history = one_child()
        bundle = export_bundle([child], {"ayu": history}, bundle_type="transaction")
        validate(bundle)
        patient_url = bundle["entry"][0]["fullUrl"]
        assert all(e["request"]["method"] == "POST" for e in bundle["entry"])
        assert resources_of(bundle, "Immunization")[0]["patient"]["reference"] == patient_url
        again = read_bundle(bundle)
        assert again.history("ayu") == tuple(sorted(history, key=lambda r: (r.date, r.code)))

    def test_an_unknown_bundle_type_is_refused(self) -> None:
        """bundle_type must be collection or transaction."""
        with pytest.raises(ilp.FHIRError, match="type"):
            export_bundle([], bundle_type="document")  # type: ignore[arg-type]


class TestRecommendations:
    def test_forecast_status_and_the_four_date_criteria(self) -> None:
        """Each vaccine item maps its status and dates to forecastStatus and the four LOINC codes."""
        child, history = one_child()
        items = ilp.due(child, "2025-04-14", history=history)
        bundle = care_bundle([items])
        validate(bundle)
        rec = resources_of(bundle, "ImmunizationRecommendation")[0]
        assert rec["patient"] == {"reference": "Patient/ayu"}
        by_code = {
            next(c["code"] for c in r["vaccineCode"][0]["coding"] if "ilp" in c["system"]): r
            for r in rec["recommendation"]
        }
        for item in items:
            row = by_code.get(item.code)
            if row is None:
                continue
            criteria = {c["code"]["coding"][0]["code"]: c["value"] for c in row["dateCriterion"]}
            assert criteria[EARLIEST] == item.earliest.isoformat()
            assert criteria[RECOMMENDED] == item.recommended.isoformat()
            assert criteria.get(OVERDUE) == (item.overdue.isoformat() if item.overdue else None)
            assert criteria.get(LATEST) == (item.latest.isoformat() if item.latest else None)
            statuses = [c["code"] for c in row["forecastStatus"]["coding"]]
            assert statuses[-1] == item.status.value

    @pytest.mark.parametrize(
        ("status", "hl7"),
        [
            ("due", "due"),
            ("overdue", "overdue"),
            ("completed", "complete"),
            ("upcoming", None),
            ("missed", None),
        ],
    )
    def test_status_mapping_including_missed_and_upcoming(
        self, status: str, hl7: str | None
    ) -> None:
        """due/overdue/completed carry the HL7 code; upcoming and missed only ilp's own status."""
        from ilp.interop._fhir_out import _forecast

        coded = _forecast(ilp.Status(status))
        systems = {c["system"]: c["code"] for c in coded["coding"]}
        hl7_system = "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status"
        assert systems.get(hl7_system) == hl7
        assert systems["https://github.com/ilp-developers/ilp/fhir/CodeSystem/due-status"] == status

    def test_a_missed_rotavirus_dose_is_not_called_complete(self) -> None:
        """RV-1 past its latest date is 'missed' with no HL7 'complete' code."""
        child = ilp.Person("c", "L", "2024-01-10")
        items = ilp.due(child, "2025-01-15", history=())
        assert items.get("RV-1") is not None
        assert items.get("RV-1").status is ilp.Status.MISSED  # type: ignore[union-attr]
        rec = resources_of(care_bundle([items]), "ImmunizationRecommendation")[0]
        rv = next(
            r for r in rec["recommendation"] if r["vaccineCode"][0]["coding"][0]["code"] == "RV-1"
        )
        assert [c["code"] for c in rv["forecastStatus"]["coding"]] == ["missed"]

    def test_other_services_become_care_plan_activities(self) -> None:
        """Non-vaccine items are CarePlan activities with the ilp status and the window."""
        child, history = one_child()
        items = ilp.due(child, "2025-04-14", history=history)
        plan = resources_of(care_bundle([items]), "CarePlan")[0]
        codes = [a["detail"]["code"]["coding"][0]["code"] for a in plan["activity"]]
        assert "GROWTH" in codes
        growth = plan["activity"][codes.index("GROWTH")]["detail"]
        assert growth["statusReason"]["coding"][0]["code"] == items.get("GROWTH").status.value  # type: ignore[union-attr]


class TestImport:
    def test_the_sample_register_round_trips_and_gives_the_same_due_lists(self) -> None:
        """Sample kecamatan → Bundle (valid R4B) → people and histories with equal due lists."""
        reg = sample()
        bundle = export_bundle(
            reg.people, reg.histories, families=reg.families, organization="10000004"
        )
        validate(bundle)
        back = read_bundle(json.loads(json.dumps(bundle)))
        assert back.report.skipped == ()
        assert len(back.people) == len(reg.people)
        mine = {p.id: p for p in back.people}
        on = ilp.dates.as_date(ON)
        for person in reg.people:
            if not person.is_alive(on):
                continue
            want = ilp.due(person, on, history=reg.history(person.id))
            got = ilp.due(mine[person.id], on, history=back.history(person.id))
            assert got.as_dict() == want.as_dict(), person.id
        assert {f.kk_number for f in back.families} == {f.kk_number for f in reg.families}

    def test_a_file_is_read_whole_or_streamed_the_same(self, tmp_path: Path) -> None:
        """read_bundle(path) gives the same result with and without ijson streaming."""
        child, history = one_child()
        path = tmp_path / "b.json"
        path.write_text(json.dumps(export_bundle([child], {"ayu": history})), encoding="utf-8")
        whole = read_bundle(path, stream=False)
        streamed = read_bundle(path, stream=True)
        assert whole.people == streamed.people
        assert whole.histories == streamed.histories
        assert whole.people[0].nik == child.nik

    def test_foreign_codings_map_through_kfa_cvx_dose_and_reason(self) -> None:
        """A SATUSEHAT Immunization with only KFA/CVX codes and a dose maps to the ilp code."""
        bundle = {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [
                {
                    "resource": {
                        "resourceType": "Patient",
                        "id": "P100",
                        "gender": "male",
                        "birthDate": "2024-03-01",
                    }
                },
                {
                    "resource": {
                        "resourceType": "Immunization",
                        "id": "i1",
                        "status": "completed",
                        "vaccineCode": {
                            "coding": [
                                {"system": "http://sys-ids.kemkes.go.id/kfa", "code": "93001282"}
                            ]
                        },
                        "patient": {"reference": "Patient/P100"},
                        "occurrenceDateTime": "2024-05-02T20:30:00+00:00",
                        "protocolApplied": [{"doseNumberPositiveInt": 2}],
                    }
                },
                {
                    "resource": {
                        "resourceType": "Immunization",
                        "id": "i2",
                        "status": "completed",
                        "vaccineCode": {
                            "coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "139"}]
                        },
                        "patient": {"reference": "Patient/P100"},
                        "occurrenceDateTime": "2024-05-02",
                        "reasonCode": [
                            {
                                "coding": [
                                    {
                                        "system": "http://terminology.kemkes.go.id/CodeSystem/immunization-reason",
                                        "code": "IM-SD",
                                    }
                                ]
                            }
                        ],
                        "protocolApplied": [{"doseNumberPositiveInt": 2}],
                    }
                },
                {
                    "resource": {
                        "resourceType": "Immunization",
                        "id": "i3",
                        "status": "completed",
                        "vaccineCode": {
                            "coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "999"}]
                        },
                        "patient": {"reference": "Patient/P100"},
                        "occurrenceDateTime": "2024-05-02",
                    }
                },
                {"resource": {"resourceType": "Practitioner", "id": "dr1"}},
                {
                    "resource": {
                        "resourceType": "Condition",
                        "id": "c1",
                        "code": {
                            "coding": [
                                {"system": "http://hl7.org/fhir/sid/icd-10", "code": "J06.9"}
                            ]
                        },
                        "subject": {"reference": "Patient/P100"},
                    }
                },
            ],
        }
        got = read_bundle(bundle)
        history = got.history("P100")
        # 20:30 UTC on 2 May is 3 May in WIB
        assert [(r.code, r.date.isoformat()) for r in history] == [
            ("BIAS-TD-5", "2024-05-02"),
            ("DPT-HB-HIB-2", "2024-05-03"),
        ]
        skipped = {s.resource: s for s in got.report.skipped}
        assert "http://hl7.org/fhir/sid/cvx|999" in (skipped["Immunization/i3"].coding or "")
        assert skipped["Practitioner/dr1"].reason.startswith("Practitioner")
        assert "J06.9" in (skipped["Condition/c1"].coding or "")
        assert got.report.read["Immunization"] == 3
        assert got.report.used["Immunization"] == 2
        assert "skipped" in got.report.summary()

    def test_anc_episode_and_lmp_observation_make_a_pregnancy(self) -> None:
        """An ANC EpisodeOfCare with an LMP observation via its encounter is a pregnancy."""
        bundle = {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {
                    "resource": {
                        "resourceType": "Patient",
                        "id": "m",
                        "gender": "female",
                        "birthDate": "1998-07-01",
                        "identifier": [
                            {"system": "https://fhir.kemkes.go.id/id/nik", "value": "12"}
                        ],
                    }
                },
                {
                    "resource": {
                        "resourceType": "EpisodeOfCare",
                        "id": "e1",
                        "status": "active",
                        "type": [
                            {
                                "coding": [
                                    {
                                        "system": "http://terminology.kemkes.go.id/CodeSystem/episodeofcare-type",
                                        "code": "ANC",
                                    }
                                ]
                            }
                        ],
                        "patient": {"reference": "Patient/m"},
                        "period": {"start": "2025-06-20"},
                    }
                },
                {
                    "resource": {
                        "resourceType": "Encounter",
                        "id": "enc",
                        "status": "finished",
                        "episodeOfCare": [{"reference": "EpisodeOfCare/e1"}],
                        "location": [{"location": {"display": "pustu-sukamaju"}}],
                    }
                },
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": "o1",
                        "status": "final",
                        "code": {"coding": [{"system": "http://loinc.org", "code": "8665-2"}]},
                        "subject": {"reference": "Patient/m"},
                        "encounter": {"reference": "Encounter/enc"},
                        "valueDateTime": "2025-05-01",
                    }
                },
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": "o2",
                        "status": "final",
                        "code": {"coding": [{"system": "http://loinc.org", "code": "718-7"}]},
                        "subject": {"reference": "Patient/m"},
                        "encounter": {"reference": "Encounter/enc"},
                        "effectiveDateTime": "2025-06-20",
                        "valueQuantity": {"value": 11.2},
                    }
                },
                {
                    "resource": {
                        "resourceType": "EpisodeOfCare",
                        "id": "tb",
                        "status": "active",
                        "type": [
                            {
                                "coding": [
                                    {
                                        "system": "http://terminology.kemkes.go.id/CodeSystem/episodeofcare-type",
                                        "code": "TB-SO",
                                    }
                                ]
                            }
                        ],
                        "patient": {"reference": "Patient/m"},
                    }
                },
            ],
        }
        got = read_bundle(bundle)
        mother = got.people[0]
        assert mother.pregnancies == (ilp.Pregnancy("2025-05-01"),)
        assert mother.nik is None
        reasons = " ".join(str(s) for s in got.report.skipped)
        assert "**" not in reasons or "12" in reasons
        assert "not ANC" in reasons
        assert "maps to no ilp service" in reasons  # 718-7 is ANEMIA-BUMIL or HB-REMAJA

    def test_register_of_an_import_keeps_only_people_with_a_family_card(self) -> None:
        """People without a kk identifier are in people but not in the register."""
        child, history = one_child()
        got = read_bundle(export_bundle([child], {"ayu": history}))
        assert got.people[0].id == "ayu"
        assert got.register().families == ()


@st.composite
def people_and_histories(
    draw: st.DrawFn,
) -> tuple[list[ilp.Person], dict[str, tuple[ilp.ServiceRecord, ...]]]:
    people = draw(st.lists(persons(on=ON), min_size=1, max_size=4, unique_by=lambda p: p.id))
    hist = {p.id: draw(histories(p, on=ON, max_size=6)) for p in people}
    return people, hist


class TestRoundTrip:
    @settings(max_examples=40, deadline=None)
    @given(people_and_histories())
    def test_people_and_histories_survive_a_bundle(
        self, data: tuple[list[ilp.Person], dict[str, tuple[ilp.ServiceRecord, ...]]]
    ) -> None:
        """Person fields, pregnancies, conditions and every record field come back equal."""
        people, hist = data
        bundle = export_bundle(people, hist, organization="100")
        back = read_bundle(json.loads(json.dumps(bundle)))
        assert back.report.skipped == ()
        fields = (
            "id",
            "sex",
            "birth_date",
            "name",
            "nik",
            "death_date",
            "conditions",
            "pregnancies",
            "school",
            "residence",
            "ever_sexually_active",
        )
        got = {p.id: p for p in back.people}
        for p in people:
            q = got[p.id]
            assert [getattr(q, f) for f in fields] == [getattr(p, f) for f in fields]
            assert back.history(p.id) == hist[p.id]

    @settings(max_examples=10, deadline=None)
    @given(people_and_histories())
    def test_every_bundle_written_is_valid_r4b(
        self, data: tuple[list[ilp.Person], dict[str, tuple[ilp.ServiceRecord, ...]]]
    ) -> None:
        """fhir.resources accepts every Bundle and every recommendation Bundle ilp writes."""
        people, hist = data
        validate(export_bundle(people, hist, organization="100"))
        lists = [
            ilp.due(p, ON, history=hist[p.id]) for p in people if p.is_alive(ilp.dates.as_date(ON))
        ]
        validate(care_bundle(lists))


def _bundle() -> dict[str, Any]:
    child, history = one_child()
    return export_bundle([child], {"ayu": history})


def _imm(bundle: dict[str, Any]) -> dict[str, Any]:
    return resources_of(bundle, "Immunization")[0]


def _break(how: str) -> dict[str, Any] | list[Any]:
    b = copy.deepcopy(_bundle())
    if how == "not-an-object":
        return [b]
    if how == "no-resource-type":
        del b["resourceType"]
    elif how == "wrong-resource-type":
        b["resourceType"] = "Patient"
    elif how == "wrong-bundle-type":
        b["type"] = "document"
    elif how == "entry-not-list":
        b["entry"] = {}
    elif how == "resource-without-type":
        del b["entry"][1]["resource"]["resourceType"]
    elif how == "reference-to-nothing":
        _imm(b)["patient"] = {"reference": "Patient/nobody"}
    elif how == "bad-date":
        _imm(b)["occurrenceDateTime"] = "2025-02-30"
    elif how == "bad-birth-date":
        b["entry"][0]["resource"]["birthDate"] = "10/01/2025"
    elif how == "bundle-type-a-list":
        b["type"] = ["collection"]
    elif how == "identifier-not-a-list":
        b["entry"][0]["resource"]["identifier"] = {"system": "x", "value": "y"}
    elif how == "name-not-a-list":
        b["entry"][0]["resource"]["name"] = "Ayu"
    elif how == "given-not-a-list":
        b["entry"][0]["resource"]["name"] = [{"given": 5}]
    elif how == "performer-not-a-list":
        _imm(b)["performer"] = 1.5
    elif how == "birth-date-not-text":
        b["entry"][0]["resource"]["birthDate"] = ["2025-01-10"]
    elif how == "focus-to-nothing":
        b["entry"].append(
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": "x",
                    "status": "final",
                    "code": {"coding": [{"system": "http://loinc.org", "code": "8665-2"}]},
                    "subject": {"reference": "Patient/ayu"},
                    "focus": [{"reference": "EpisodeOfCare/none"}],
                    "valueDateTime": "2025-01-01",
                }
            }
        )
    return b


class TestMalformed:
    @pytest.mark.parametrize(
        ("how", "resource", "field"),
        [
            ("not-an-object", "Bundle", "resourceType"),
            ("no-resource-type", "Bundle", "resourceType"),
            ("wrong-resource-type", "Patient", "resourceType"),
            ("wrong-bundle-type", "Bundle", "type"),
            ("entry-not-list", "Bundle", "entry"),
            ("resource-without-type", "Bundle.entry[1]", "resource.resourceType"),
            ("reference-to-nothing", "Immunization/imm-1", "patient.reference"),
            ("bad-date", "Immunization/imm-1", "occurrenceDateTime"),
            ("bad-birth-date", "Patient/ayu", "birthDate"),
            ("focus-to-nothing", "Observation/x", "focus.reference"),
            ("bundle-type-a-list", "Bundle", "type"),
            ("identifier-not-a-list", "Patient/ayu", "identifier"),
            ("name-not-a-list", "Patient/ayu", "name"),
            ("given-not-a-list", "Patient/ayu", "name[0].given"),
            ("performer-not-a-list", "Immunization/imm-1", "performer"),
            ("birth-date-not-text", "Patient/ayu", "birthDate"),
        ],
    )
    def test_each_malformation_names_the_resource_and_field(
        self, how: str, resource: str, field: str
    ) -> None:
        """A malformed bundle raises FHIRError whose one line names the resource and the field."""
        with pytest.raises(ilp.FHIRError) as info:
            read_bundle(_break(how))  # type: ignore[arg-type]
        assert info.value.resource == resource
        assert str(info.value).startswith(f"{resource}: {field}: ")
        assert "\n" not in str(info.value)

    def test_a_file_that_is_not_json_is_not_fhir(self, tmp_path: Path) -> None:
        """A text file is refused as not a FHIR Bundle."""
        path = tmp_path / "x.json"
        path.write_text("name,age\n", encoding="utf-8")
        with pytest.raises(ilp.FHIRError, match="not a FHIR Bundle"):
            read_bundle(path)
        with pytest.raises(ilp.FHIRError, match="invalid JSON"):
            read_bundle(path, stream=True)

    @pytest.mark.parametrize(
        ("body", "problem"),
        [
            ('{"resourceType": "Bundle", "type": "collection", "entry": [{"x": NaN}]}', "NaN"),
            (
                '{"resourceType": "Bundle", "type": "collection", "entry": [{"x": 1e999}]}',
                "NaN|overflow",
            ),
            (
                '{"resourceType": "Bundle", "type": "collection", "entry": [{"x": '
                + "9" * 5000
                + "}]}",
                "more than 40 characters|overflow",
            ),
            (
                '{"resourceType": "Bundle", "type": "collection", "entry": ['
                + '{"x": ' * 200
                + "1"
                + "}" * 200
                + "]}",
                "nested deeper than",
            ),
        ],
        ids=["nan", "infinity", "endless-number", "deep"],
    )
    @pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
    def test_a_bundle_out_of_bounds_is_refused_read_whole_or_streamed(
        self, tmp_path: Path, body: str, problem: str, stream: bool
    ) -> None:
        """NaN, infinity, endless numbers and deep nesting fail as FHIRError, either way of reading."""
        path = tmp_path / "b.json"
        path.write_text(body, encoding="utf-8")
        with pytest.raises(ilp.FHIRError, match=problem) as info:
            read_bundle(path, stream=stream)
        assert len(str(info.value)) < 300

    def test_a_file_over_the_limit_read_whole_is_refused_before_reading(
        self, tmp_path: Path
    ) -> None:
        """A Bundle file over 64 MB read whole is refused by its size, the limit named."""
        path = tmp_path / "big.json"
        with path.open("wb") as fh:  # a sparse file: its size, without writing it
            fh.truncate(65 * 1024 * 1024)
        with pytest.raises(ilp.InputFileError, match="limit for a FHIR bundle is 64 MB"):
            read_bundle(path, stream=False)

    def test_a_missing_file_is_an_input_error(self, tmp_path: Path) -> None:
        """A path that does not exist raises InputFileError."""
        with pytest.raises(ilp.InputFileError, match="no such file"):
            read_bundle(tmp_path / "none.json")


class TestReadingForeignData:
    def test_the_odd_resources_of_a_real_searchset_are_reported_not_dropped(self) -> None:
        """Each kind of resource ilp cannot fully use is read, counted and listed with a reason."""
        p = {"reference": "https://fhir.example.id/fhir-r4/v1/Patient/P1/_history/3"}
        anc = [
            {
                "coding": [
                    {
                        "system": "http://terminology.kemkes.go.id/CodeSystem/episodeofcare-type",
                        "code": "ANC",
                    }
                ]
            }
        ]
        loinc = "http://loinc.org"
        bundle = {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [
                {
                    "fullUrl": "https://fhir.example.id/fhir-r4/v1/Patient/P1",
                    "resource": {
                        "resourceType": "Patient",
                        "id": "P1",
                        "gender": "female",
                        "birthDate": "1990-04-02",
                        "deceasedDateTime": "2026-01-01T01:00:00+07:00",
                        "name": [{"given": ["Siti"], "family": "Aminah"}],
                        "identifier": [
                            {"system": "https://fhir.kemkes.go.id/id/kk", "value": "12"}
                        ],
                    },
                },
                {
                    "resource": {
                        "resourceType": "Patient",
                        "id": "P2",
                        "gender": "unknown",
                        "birthDate": "2000-01-01",
                    }
                },
                {"resource": {"resourceType": "Patient", "id": "P3", "gender": "male"}},
                {
                    "resource": {
                        "resourceType": "Patient",
                        "id": "P4",
                        "gender": "male",
                        "birthDate": "2001",
                    }
                },
                {"request": {"method": "DELETE", "url": "Patient/P9"}},
                {
                    "resource": {
                        "resourceType": "Condition",
                        "id": "c1",
                        "subject": p,
                        "clinicalStatus": {"coding": [{"system": "x", "code": "resolved"}]},
                        "code": {
                            "coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "I10"}]
                        },
                    }
                },
                {
                    "resource": {
                        "resourceType": "Condition",
                        "id": "c2",
                        "subject": p,
                        "verificationStatus": {"coding": [{"system": "x", "code": "refuted"}]},
                        "code": {
                            "coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "E11"}]
                        },
                    }
                },
                {
                    "resource": {
                        "resourceType": "Condition",
                        "id": "c3",
                        "subject": p,
                        "code": {
                            "coding": [
                                {
                                    "system": "https://github.com/ilp-developers/ilp/fhir/CodeSystem/condition",
                                    "code": "gout",
                                }
                            ]
                        },
                    }
                },
                {
                    "resource": {
                        "resourceType": "Condition",
                        "id": "c4",
                        "subject": p,
                        "code": {
                            "coding": [
                                {"system": "http://hl7.org/fhir/sid/icd-10", "code": "E11.9"}
                            ]
                        },
                    }
                },
                {
                    "resource": {
                        "resourceType": "EpisodeOfCare",
                        "id": "e1",
                        "status": "finished",
                        "type": anc,
                        "patient": p,
                        "period": {"start": "2024-06-01", "end": "2025-01-20"},
                    }
                },
                {
                    "resource": {
                        "resourceType": "EpisodeOfCare",
                        "id": "e2",
                        "status": "active",
                        "type": anc,
                        "patient": p,
                    }
                },
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": "edd1",
                        "status": "final",
                        "subject": p,
                        "code": {"coding": [{"system": loinc, "code": "11778-8"}]},
                        "focus": [{"reference": "EpisodeOfCare/e1"}],
                        "valueDateTime": "2025-01-25",
                    }
                },
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": "edd2",
                        "status": "final",
                        "subject": p,
                        "code": {"coding": [{"system": loinc, "code": "11778-8"}]},
                        "valueDateTime": "2019-05-05",
                    }
                },
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": "lmp2",
                        "status": "final",
                        "subject": p,
                        "code": {"coding": [{"system": loinc, "code": "8665-2"}]},
                        "valueDateTime": "2025",
                    }
                },
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": "lmp3",
                        "status": "final",
                        "subject": p,
                        "code": {"coding": [{"system": loinc, "code": "8665-2"}]},
                    }
                },
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": "w1",
                        "status": "final",
                        "subject": p,
                        "code": {"coding": [{"system": loinc, "code": "29463-7"}]},
                        "effectivePeriod": {"start": "2025-03-01"},
                        "valueQuantity": {"value": 55},
                        "interpretation": [{"coding": [{"system": "x", "code": "N"}]}],
                        "performer": [{"reference": "Practitioner/1", "display": "bidan"}],
                    }
                },
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": "w2",
                        "status": "final",
                        "subject": p,
                        "code": {"coding": [{"system": loinc, "code": "29463-7"}]},
                        "issued": "2025-04-01T03:00:00Z",
                        "valueCodeableConcept": {"text": "normal"},
                    }
                },
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": "w3",
                        "status": "final",
                        "subject": p,
                        "code": {"coding": [{"system": loinc, "code": "29463-7"}]},
                    }
                },
                {
                    "resource": {
                        "resourceType": "Observation",
                        "id": "w4",
                        "status": "cancelled",
                        "subject": p,
                        "code": {"coding": [{"system": loinc, "code": "29463-7"}]},
                    }
                },
                {
                    "resource": {
                        "resourceType": "Procedure",
                        "id": "pr1",
                        "status": "completed",
                        "subject": p,
                        "code": {
                            "coding": [{"system": "http://snomed.info/sct", "code": "171207006"}]
                        },
                        "performedDateTime": "2025-03-01",
                    }
                },
                {
                    "resource": {
                        "resourceType": "Procedure",
                        "id": "pr2",
                        "status": "completed",
                        "subject": p,
                        "code": {
                            "coding": [
                                {
                                    "system": "https://github.com/ilp-developers/ilp/fhir/CodeSystem/service",
                                    "code": "SDIDTK",
                                }
                            ]
                        },
                        "performedPeriod": {"start": "2025-03-01"},
                        "outcome": {"coding": [{"system": "x", "code": "ok"}]},
                        "location": {"reference": "Location/pustu-1"},
                    }
                },
                {
                    "resource": {
                        "resourceType": "Procedure",
                        "id": "pr3",
                        "status": "completed",
                        "subject": p,
                        "code": {
                            "coding": [
                                {
                                    "system": "https://github.com/ilp-developers/ilp/fhir/CodeSystem/service",
                                    "code": "PTM-SCREEN",
                                }
                            ]
                        },
                        "performedDateTime": "1980-01-01",
                    }
                },
                {
                    "resource": {
                        "resourceType": "Procedure",
                        "id": "pr4",
                        "status": "completed",
                        "subject": p,
                        "code": {
                            "coding": [
                                {
                                    "system": "https://github.com/ilp-developers/ilp/fhir/CodeSystem/service",
                                    "code": "bad code",
                                }
                            ]
                        },
                        "performedDateTime": "2025-01-01",
                    }
                },
                {
                    "resource": {
                        "resourceType": "Procedure",
                        "id": "pr5",
                        "status": "completed",
                        "subject": p,
                        "code": {
                            "coding": [
                                {
                                    "system": "https://github.com/ilp-developers/ilp/fhir/CodeSystem/service",
                                    "code": "SDIDTK",
                                }
                            ]
                        },
                    }
                },
                {
                    "resource": {
                        "resourceType": "Immunization",
                        "id": "i1",
                        "status": "not-done",
                        "patient": p,
                    }
                },
            ],
        }
        got = read_bundle(bundle)
        assert [p.id for p in got.people] == ["P1"]
        siti = got.people[0]
        assert siti.name == "Siti Aminah"
        assert siti.death_date is not None
        assert siti.death_date.isoformat() == "2026-01-01"
        assert siti.conditions == frozenset({ilp.Condition.DIABETES})
        # the finished episode: LMP from EDD - 280, delivery at the episode's end
        assert siti.pregnancies == (
            ilp.Pregnancy("2024-04-20", "2025-01-25", delivery_date="2025-01-20"),
        )
        history = [
            (r.code, r.date.isoformat(), r.place, r.provider, r.result, r.value)
            for r in got.history("P1")
        ]
        assert history == [
            ("GROWTH", "2025-03-01", None, "bidan", "N", 55.0),
            ("SDIDTK", "2025-03-01", "pustu-1", None, "ok", None),
            ("GROWTH", "2025-04-01", None, None, "normal", None),
        ]
        reasons = [str(s) for s in got.report.skipped]
        for expected in (
            "Patient/P2: gender 'unknown'",
            "Patient/P3: no birthDate",
            "Patient/P4: birthDate '2001' is not a whole date",
            "Bundle.entry[4]: entry without a resource",
            "Condition/c1: condition not active",
            "Condition/c2: condition refuted",
            "Condition/c3: condition ilp does not model",
            "EpisodeOfCare/e2: ANC episode without an LMP",
            "Observation/edd2: EDD observation with no LMP",
            "Observation/lmp2: LMP/EDD observation with a partial date",
            "Observation/lmp3: LMP/EDD observation without valueDateTime",
            "Observation/w3: no whole date",
            "Observation/w4: observation status 'cancelled'",
            "Procedure/pr1: coding maps to no ilp service [http://snomed.info/sct|171207006]",
            "Procedure/pr3: dated 1980-01-01, outside the person's life",
            "Procedure/pr4: not a valid record",
            "Procedure/pr5: no whole date",
            "Immunization/i1: Immunization status 'not-done', not completed",
            "family card number '12' is not 16 digits",
        ):
            assert any(expected in r for r in reasons), expected
        assert got.report.unmapped[0].resource in {"Condition/c3", "Procedure/pr1"}

    def test_families_without_relations_take_the_oldest_as_head(self) -> None:
        """Two patients on one family card with no relation: the older is head."""
        kk = {"system": "https://fhir.kemkes.go.id/id/kk", "value": "3507121204780001"}
        bundle = {
            "resourceType": "Bundle",
            "type": "transaction",
            "entry": [
                {
                    "fullUrl": "urn:uuid:a",
                    "resource": {
                        "resourceType": "Patient",
                        "gender": "male",
                        "birthDate": "1980-01-01",
                        "identifier": [kk],
                        "address": [{"text": "Jl. Mawar 1"}],
                    },
                },
                {
                    "fullUrl": "urn:uuid:b",
                    "resource": {
                        "resourceType": "Patient",
                        "gender": "female",
                        "birthDate": "2010-01-01",
                        "identifier": [kk],
                    },
                },
            ],
        }
        got = read_bundle(bundle)
        family = got.families[0]
        assert family.head.birth_date.isoformat() == "1980-01-01"
        assert family.address == "Jl. Mawar 1"
        assert [m.relation.value for m in family.members] == ["head", "other"]
        assert {p.id for p in got.register().people} == {"a", "b"}

    def test_an_unknown_time_zone_is_refused(self) -> None:
        """tz must be a known zone name."""
        with pytest.raises(ilp.InvalidDateError, match="Mars/Olympus"):
            read_bundle({"resourceType": "Bundle", "type": "collection"}, tz="Mars/Olympus")
