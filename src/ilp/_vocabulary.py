"""Closed vocabularies shared by several layers: bilingual labels, clusters, points of care.

They sit at the bottom of the layer order (beside ``errors``) because the
catalogue names them and the cluster and network layers give them
behaviour. ``ilp.clusters`` and ``ilp.network`` re-export them.
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["Cluster", "Label", "PointOfCare"]


@attrs.frozen
class Label:
    """A text in Indonesian (``id``) and English (``en``)."""

    id: str
    en: str

    def __getitem__(self, lang: str) -> str:
        if lang == "id":
            return self.id
        if lang == "en":
            return self.en
        raise KeyError(lang)

    def as_dict(self) -> dict[str, str]:
        """``{"id": ..., "en": ...}``."""
        return {"id": self.id, "en": self.en}


class Cluster(enum.IntEnum):
    """The five clusters (klaster) of a Puskesmas under the ILP decree (KMK §II, Tabel 1).

    The number is the stable code; names are labels and vary by place
    since Permenkes 19/2024.
    """

    MANAGEMENT = 1  #: Klaster 1: Manajemen
    MOTHER_CHILD = 2  #: Klaster 2: Ibu dan Anak (pregnancy to adolescence)
    ADULT_ELDERLY = 3  #: Klaster 3: Usia Dewasa dan Lanjut Usia
    COMMUNICABLE_DISEASE = 4  #: Klaster 4: Penanggulangan Penyakit Menular
    CROSS_CLUSTER = 5  #: Lintas Klaster: emergency, inpatient, pharmacy, laboratory

    @property
    def label(self) -> Label:
        """The cluster's name in Indonesian and English."""
        return _CLUSTER_LABELS[self]

    @property
    def scope(self) -> Label:
        """What the cluster does (KMK Tabel 1), in Indonesian and English."""
        return _CLUSTER_SCOPES[self]


_CLUSTER_LABELS = {
    Cluster.MANAGEMENT: Label("Klaster 1: Manajemen", "Cluster 1: Management"),
    Cluster.MOTHER_CHILD: Label(
        "Klaster 2: Ibu dan Anak", "Cluster 2: Mother, child and adolescent"
    ),
    Cluster.ADULT_ELDERLY: Label(
        "Klaster 3: Usia Dewasa dan Lanjut Usia", "Cluster 3: Adult and elderly"
    ),
    Cluster.COMMUNICABLE_DISEASE: Label(
        "Klaster 4: Penanggulangan Penyakit Menular",
        "Cluster 4: Communicable disease control",
    ),
    Cluster.CROSS_CLUSTER: Label(
        "Lintas Klaster", "Cross-cluster: emergency, inpatient, pharmacy, laboratory"
    ),
}


_CLUSTER_SCOPES = {
    Cluster.MANAGEMENT: Label(
        "Ketatausahaan, manajemen sumber daya, manajemen Puskesmas (P1-P2-P3), mutu dan "
        "keselamatan pasien, manajemen jejaring, sistem informasi dan dasbor PWS",
        "Administration, resources, Puskesmas management (planning, implementation, "
        "monitoring), quality and patient safety, network management, information "
        "system and the PWS dashboard",
    ),
    Cluster.MOTHER_CHILD: Label(
        "Ibu hamil, bersalin dan nifas; bayi, balita dan anak prasekolah; anak usia "
        "sekolah dan remaja",
        "Pregnant, birthing and postpartum women; infants, under-fives and pre-school "
        "children; school-age children and adolescents",
    ),
    Cluster.ADULT_ELDERLY: Label(
        "Usia dewasa (18-59 tahun) dan lanjut usia (60 tahun ke atas)",
        "Adults (18-59 years) and older people (60 and over)",
    ),
    Cluster.COMMUNICABLE_DISEASE: Label(
        "Pencegahan, kewaspadaan dini dan respon penyakit menular; surveilans kualitas lingkungan",
        "Prevention, early warning and response for communicable disease; environmental "
        "quality surveillance",
    ),
    Cluster.CROSS_CLUSTER: Label(
        "Gawat darurat, rawat inap, kefarmasian, laboratorium",
        "Emergency care, inpatient care, pharmacy, laboratory",
    ),
}


class PointOfCare(enum.Enum):
    """Where in the ILP network a service can be given (the columns of the KMK package tables)."""

    PUSKESMAS = "puskesmas"  #: Puskesmas (kecamatan level)
    PUSTU = "pustu"  #: Puskesmas Pembantu (desa/kelurahan level)
    POSYANDU = "posyandu"  #: Posyandu (dusun/RW level), with kader
    HOME_VISIT = "home_visit"  #: kunjungan rumah
    SCHOOL = "school"  #: school (UKS, BIAS, CKG Sekolah)
    HOSPITAL = "hospital"  #: FKRTL, by referral

    @property
    def label(self) -> Label:
        """The place's name in Indonesian and English."""
        return _POC_LABELS[self]


_POC_LABELS = {
    PointOfCare.PUSKESMAS: Label("Puskesmas", "Puskesmas (sub-district health centre)"),
    PointOfCare.PUSTU: Label("Pustu", "Pustu (village health post)"),
    PointOfCare.POSYANDU: Label("Posyandu", "Posyandu (community post)"),
    PointOfCare.HOME_VISIT: Label("Kunjungan rumah", "Home visit"),
    PointOfCare.SCHOOL: Label("Sekolah", "School"),
    PointOfCare.HOSPITAL: Label("Rumah sakit (rujukan)", "Hospital (referral)"),
}
