"""Patient organisations listed in the report's plain-language section (names and main sites).

Only the organisation's name, where it works, and its main web address are kept; the report
links to them and says nothing on their behalf.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PatientOrganisation:
    """One organisation for people with ALS / MND and their families."""

    name: str
    region: str
    url: str


PATIENT_ORGANISATIONS: tuple[PatientOrganisation, ...] = (
    PatientOrganisation("ALS Association", "United States", "https://www.als.org/"),
    PatientOrganisation("I AM ALS", "United States", "https://iamals.org/"),
    PatientOrganisation("Les Turner ALS Foundation", "United States", "https://lesturnerals.org/"),
    PatientOrganisation("ALS Canada", "Canada", "https://www.als.ca/"),
    PatientOrganisation(
        "MND Association", "England, Wales and Northern Ireland", "https://www.mndassociation.org/"
    ),
    PatientOrganisation("MND Scotland", "Scotland", "https://www.mndscotland.org.uk/"),
    PatientOrganisation("ALS Liga België", "Belgium", "https://www.alsliga.be/"),
    PatientOrganisation("Stichting ALS Nederland", "Netherlands", "https://www.als.nl/"),
    PatientOrganisation(
        "Deutsche Gesellschaft für Muskelkranke (DGM)", "Germany", "https://www.dgm.org/"
    ),
    PatientOrganisation("ARSLA", "France", "https://www.arsla.org/"),
    PatientOrganisation("AISLA", "Italy", "https://www.aisla.it/"),
    PatientOrganisation("Fundación Luzón", "Spain", "https://ffluzon.org/"),
    PatientOrganisation("MND Australia", "Australia", "https://www.mndaustralia.org.au/"),
    PatientOrganisation(
        "International Alliance of ALS/MND Associations", "Worldwide", "https://www.als-mnd.org/"
    ),
)

__all__ = ["PATIENT_ORGANISATIONS", "PatientOrganisation"]
