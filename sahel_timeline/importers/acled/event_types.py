"""ACLED's event types and sub-event types of both taxonomies (before 2019 and since) ->
the store's tactics and targets, and the crosswalk from legacy names to current ones."""

from __future__ import annotations

from collections.abc import Iterable

# Event types and sub-event types of both taxonomies -> (tactics, targets). Tactics and
# targets come from vocab.py; a type missing here imports as `other`.
CURRENT_EVENT_TYPES: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "Battles": {
        "Armed clash": (("armed-assault",), ()),
        "Government regains territory": (("armed-assault",), ()),
        "Non-state actor overtakes territory": (("armed-assault",), ()),
    },
    "Explosions/Remote violence": {
        "Chemical weapon": (("other",), ()),
        "Air/drone strike": (("other",), ()),
        "Suicide bomb": (("suicide-bombing",), ()),
        "Shelling/artillery/missile attack": (("indirect-fire",), ()),
        "Remote explosive/landmine/IED": (("ied",), ()),
        "Grenade": (("other",), ()),
    },
    "Violence against civilians": {
        "Sexual violence": (("other",), ("civilians",)),
        "Attack": (("armed-assault",), ("civilians",)),
        "Abduction/forced disappearance": (("kidnapping",), ("civilians",)),
    },
    "Protests": {
        "Excessive force against protesters": (("other",), ("civilians",)),
        "Protest with intervention": (("other",), ()),
        "Peaceful protest": (("other",), ()),
    },
    "Riots": {
        "Violent demonstration": (("other",), ()),
        "Mob violence": (("other",), ()),
    },
    "Strategic developments": {
        "Agreement": (("other",), ()),
        "Arrests": (("other",), ()),
        "Change to group/activity": (("other",), ()),
        "Disrupted weapons use": (("other",), ()),
        "Headquarters or base established": (("other",), ()),
        "Looting/property destruction": (("other",), ()),
        "Non-violent transfer of territory": (("other",), ()),
        "Other": (("other",), ()),
    },
}
LEGACY_EVENT_TYPES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Battle-No change of territory": (("armed-assault",), ()),
    "Battle-Government regains territory": (("armed-assault",), ()),
    "Battle-Non-state actor overtakes territory": (("armed-assault",), ()),
    "Remote violence": (("other",), ()),
    "Riots/Protests": (("other",), ()),
    "Violence against civilians": (("other",), ("civilians",)),
    "Strategic development": (("other",), ()),
    "Headquarters or base established": (("other",), ()),
    "Non-violent transfer of territory": (("other",), ()),
}


# Each legacy event type and the current type (and sub-type) it became in 2019, so that
# `--event-type Battles` selects the legacy "Battle-..." rows too, and the reverse.
LEGACY_CROSSWALK: dict[str, tuple[str, ...]] = {
    "battle-no change of territory": ("battles", "armed clash"),
    "battle-government regains territory": ("battles", "government regains territory"),
    "battle-non-state actor overtakes territory": (
        "battles", "non-state actor overtakes territory",
    ),
    "remote violence": ("explosions/remote violence",),
    "riots/protests": ("riots", "protests"),
    "strategic development": ("strategic developments",),
    "headquarters or base established": (
        "strategic developments", "headquarters or base established",
    ),
    "non-violent transfer of territory": (
        "strategic developments", "non-violent transfer of territory",
    ),
}  # fmt: skip


def crosswalked(names: Iterable[str]) -> frozenset[str]:
    """Casefolded type names with the current names of any legacy ones among them."""
    folded = {name.strip().casefold() for name in names if name.strip()}
    return frozenset(folded.union(*(LEGACY_CROSSWALK.get(name, ()) for name in folded)))


def known_event_types() -> list[str]:
    """Every event type and sub-event type of both taxonomies (for --event-type)."""
    names = list(CURRENT_EVENT_TYPES)
    for subtypes in CURRENT_EVENT_TYPES.values():
        names.extend(subtypes)
    names.extend(LEGACY_EVENT_TYPES)
    return list(dict.fromkeys(names))


def event_type_mapping(event_type: str, sub_event_type: str) -> tuple[tuple[str, ...], ...]:
    """(tactics, targets) of an ACLED event type and sub-event type."""
    folded_type, folded_sub = event_type.casefold(), sub_event_type.casefold()
    for type_name, subtypes in CURRENT_EVENT_TYPES.items():
        if type_name.casefold() == folded_type:
            for sub_name, mapping in subtypes.items():
                if sub_name.casefold() == folded_sub:
                    return mapping
    for type_name, mapping in LEGACY_EVENT_TYPES.items():
        if type_name.casefold() == folded_type:
            return mapping
    return (("other",), ())
