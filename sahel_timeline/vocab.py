"""Controlled vocabularies of the store format, in one place.

Extending a vocabulary means adding it here (and in the data model documentation);
the validator, the JSON Schema, the filters and the exporters all read these tables.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 1

KINDS = ("incident", "milestone")
STATUSES = ("claimed", "attributed", "suspected")
UNKNOWN_STATUS = "unknown"  # a filter value: no perpetrator named
LOCATION_PRECISIONS = ("site", "settlement", "area", "region", "country")

# Each tactic maps to the ACLED (event_type, sub_event_type) pair closest to it,
# used by the ACLED-compatible CSV export.
TACTICS: dict[str, tuple[str, str]] = {
    "armed-assault": ("Battles", "Armed clash"),
    "ambush": ("Battles", "Armed clash"),
    "raid": ("Battles", "Armed clash"),
    "complex-attack": ("Battles", "Armed clash"),
    "hostage-taking": ("Violence against civilians", "Abduction/forced disappearance"),
    "kidnapping": ("Violence against civilians", "Abduction/forced disappearance"),
    "assassination": ("Violence against civilians", "Attack"),
    "suicide-vbied": ("Explosions/Remote violence", "Suicide bomb"),
    "vbied": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "suicide-bombing": ("Explosions/Remote violence", "Suicide bomb"),
    "ied": ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    "indirect-fire": ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    "arson": ("Strategic developments", "Looting/property destruction"),
    "other": ("Strategic developments", "Other"),
}

# ACLED's geo_precision (1 the town, 2 near a town or part of a region, 3 only a larger
# region) read as our location precision, and ours written as ACLED's.
ACLED_GEO_PRECISION: dict[int, str] = {1: "settlement", 2: "area", 3: "region"}
GEO_PRECISION_FOR_ACLED: dict[str, int] = {
    "site": 1, "settlement": 1, "area": 2, "region": 3, "country": 3,
}  # fmt: skip

# What kind of actor a group of the registry is (`groups[].kind`), decided from ACLED's
# actor types (`inter`): 1 state forces -> state-force (foreign-force when the forces of
# another country act abroad), 2 rebel groups -> jihadist (the groups this store tracks) or
# rebel, 3 political militias -> pro-government-militia (VDP, Koglweogo...),
# political-militia or unidentified-armed-group, 4 identity militias ->
# communal-militia (or pro-government-militia), 8 external forces -> foreign-force.
# Rioters, protesters and civilians (5-7) are never groups: they are targets or nobody.
ACTOR_KINDS = (
    "jihadist", "state-force", "foreign-force", "pro-government-militia",
    "communal-militia", "political-militia", "rebel", "unidentified-armed-group",
)  # fmt: skip

TARGETS = (
    "civilians", "military", "police", "gendarmerie", "un-peacekeepers", "foreign-military",
    "diplomatic", "government", "elections", "infrastructure", "religious", "business",
    "aid-workers", "other",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Country:
    name: str
    alpha2: str
    alpha3: str
    # Bounding box (south, west, north, east), a little generous: it catches swapped
    # or mistyped coordinates, not a point a few kilometres over a border.
    bbox: tuple[float, float, float, float]
    other_names: tuple[str, ...] = ()

    def contains(self, lat: float, lon: float) -> bool:
        south, west, north, east = self.bbox
        return south <= lat <= north and west <= lon <= east


COUNTRIES: tuple[Country, ...] = (
    Country("Mali", "ML", "MLI", (10.0, -12.5, 25.2, 4.5)),
    Country("Burkina Faso", "BF", "BFA", (9.2, -5.7, 15.2, 2.6)),
    Country("Niger", "NE", "NER", (11.5, 0.0, 23.7, 16.1)),
    Country("Mauritania", "MR", "MRT", (14.6, -17.2, 27.4, -4.7)),
    Country("Chad", "TD", "TCD", (7.3, 13.4, 23.5, 24.1)),
    Country("Algeria", "DZ", "DZA", (18.8, -8.8, 37.2, 12.1)),
    Country("Senegal", "SN", "SEN", (12.2, -17.6, 16.8, -11.3)),
    Country("Guinea", "GN", "GIN", (7.1, -15.2, 12.8, -7.6)),
    Country("Côte d'Ivoire", "CI", "CIV", (4.3, -8.7, 10.8, -2.4),
            ("Cote d'Ivoire", "Ivory Coast")),
    Country("Ghana", "GH", "GHA", (4.6, -3.3, 11.3, 1.3)),
    Country("Togo", "TG", "TGO", (6.0, -0.2, 11.2, 1.9)),
    Country("Benin", "BJ", "BEN", (6.1, 0.7, 12.5, 3.9)),
    Country("Nigeria", "NG", "NGA", (4.2, 2.6, 13.9, 14.7)),
    Country("Cameroon", "CM", "CMR", (1.6, 8.4, 13.1, 16.2)),
    Country("Libya", "LY", "LBY", (19.4, 9.3, 33.2, 25.2)),
    Country("Morocco", "MA", "MAR", (27.6, -13.2, 35.9, -1.0)),
    Country("Western Sahara", "EH", "ESH", (20.7, -17.2, 27.7, -8.6)),
    Country("Tunisia", "TN", "TUN", (30.2, 7.5, 37.6, 11.6)),
    Country("Sudan", "SD", "SDN", (8.6, 21.8, 22.3, 38.6)),
    Country("Central African Republic", "CF", "CAF", (2.2, 14.4, 11.1, 27.5)),
    Country("Gambia", "GM", "GMB", (13.0, -16.9, 13.9, -13.8), ("The Gambia",)),
    Country("Guinea-Bissau", "GW", "GNB", (10.8, -16.8, 12.7, -13.6)),
    Country("Sierra Leone", "SL", "SLE", (6.9, -13.4, 10.0, -10.2)),
    Country("Liberia", "LR", "LBR", (4.3, -11.5, 8.6, -7.3)),
    Country("Cabo Verde", "CV", "CPV", (14.8, -25.4, 17.2, -22.6), ("Cape Verde",)),
    Country("Egypt", "EG", "EGY", (21.9, 24.6, 31.7, 36.9)),
    Country("Somalia", "SO", "SOM", (-1.7, 40.9, 12.0, 51.5)),
    Country("Kenya", "KE", "KEN", (-4.8, 33.9, 5.1, 42.0)),
    Country("France", "FR", "FRA", (41.3, -5.2, 51.1, 9.6)),
    Country("United States", "US", "USA", (18.9, -179.2, 71.4, -66.9),
            ("United States of America", "USA")),
    Country("United Kingdom", "GB", "GBR", (49.8, -8.7, 60.9, 1.8)),
    Country("Germany", "DE", "DEU", (47.2, 5.8, 55.1, 15.1)),
    Country("Belgium", "BE", "BEL", (49.5, 2.5, 51.5, 6.4)),
    Country("Spain", "ES", "ESP", (27.6, -18.2, 43.8, 4.4)),
    Country("Italy", "IT", "ITA", (35.4, 6.6, 47.1, 18.6)),
    Country("Canada", "CA", "CAN", (41.6, -141.0, 83.2, -52.6)),
    Country("Russia", "RU", "RUS", (41.1, 19.6, 81.9, 180.0)),
    Country("Turkey", "TR", "TUR", (35.8, 25.6, 42.2, 44.9), ("Türkiye",)),
    Country("Syria", "SY", "SYR", (32.3, 35.7, 37.4, 42.4)),
    Country("Iraq", "IQ", "IRQ", (29.0, 38.7, 37.4, 48.6)),
)  # fmt: skip

_COUNTRY_INDEX: dict[str, Country] = {}
for _country in COUNTRIES:
    for _name in (_country.name, _country.alpha2, _country.alpha3, *_country.other_names):
        _COUNTRY_INDEX[_name.casefold()] = _country


def find_country(text: str) -> Country | None:
    """The country a name or an ISO 3166 alpha-2/alpha-3 code stands for (case-insensitive)."""
    return _COUNTRY_INDEX.get(text.strip().casefold())
