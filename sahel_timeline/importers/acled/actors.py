"""ACLED actors -> groups: the jihadist groups ACLED names (`ACLED_GROUPS`), each actor's
kind, who acted on whom in an event (perpetrators and targets), and `resolve_groups`, which
matches the importer's groups against a store's registry."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from sahel_timeline.importers.acled.rows import Actor
from sahel_timeline.registry import GroupRegistry


@dataclass(frozen=True)
class GroupSpec:
    """A group as the importer knows it: what to add to a registry that lacks it."""

    id: str
    name: str
    short: str | None = None
    acled_names: tuple[str, ...] = ()
    affiliation: str | None = None
    merged_into: str | None = None
    kind: str | None = None  # one of vocab.ACTOR_KINDS
    derived: bool = False  # made up from an ACLED name that matched nothing the importer knows

    def lookup_names(self) -> tuple[str, ...]:
        return (self.id, *self.acled_names, self.name, *((self.short,) if self.short else ()))


JIHADIST = "jihadist"
# ACLED's names for the jihadist groups of the Sahel and around it. Names change across
# ACLED's releases (and between its exports and its own tables): all are listed.
ACLED_GROUPS: tuple[GroupSpec, ...] = (
    GroupSpec("al-qaeda", "al-Qaeda", "al-Qaeda", ("Al Qaeda",), kind=JIHADIST),
    GroupSpec("islamic-state", "Islamic State", "IS", ("Islamic State",), kind=JIHADIST),
    GroupSpec(
        "jnim", "Jama'at Nusrat al-Islam wal-Muslimin", "JNIM",
        ("JNIM: Group for Support of Islam and Muslims", "Group for Support of Islam and Muslims"),
        affiliation="al-qaeda", kind=JIHADIST,
    ),
    GroupSpec(
        "isgs", "Islamic State in the Greater Sahara", "ISGS",
        ("Islamic State (Greater Sahara)", "Islamic State (West Africa) - Greater Sahara Faction",
         "Islamic State (Sahel)", "Islamic State Sahel Province"),
        affiliation="islamic-state", kind=JIHADIST,
    ),
    GroupSpec(
        "aqim", "al-Qaeda in the Islamic Maghreb", "AQIM",
        ("AQIM: Al Qaeda in the Islamic Maghreb", "Al Qaeda in the Islamic Maghreb"),
        affiliation="al-qaeda", kind=JIHADIST,
    ),
    GroupSpec("ansaroul-islam", "Ansaroul Islam", "Ansaroul Islam", ("Ansaroul Islam",
              "Ansarul Islam"), kind=JIHADIST),
    GroupSpec(
        "katiba-macina", "Katiba Macina", "Katiba Macina",
        ("Katiba Macina", "FLM: Macina Liberation Front", "Macina Liberation Front",
         "Movement of the Liberation of Maasina"),
        merged_into="jnim", kind=JIHADIST,
    ),
    GroupSpec("ansar-dine", "Ansar Dine", "Ansar Dine", ("Ansar Dine",),
              affiliation="al-qaeda", merged_into="jnim", kind=JIHADIST),
    GroupSpec("al-mourabitoun", "al-Mourabitoun", "al-Mourabitoun",
              ("Al Mourabitoune", "Al Mourabitoun", "Al Mourabitoune Battalion"),
              affiliation="al-qaeda", merged_into="jnim", kind=JIHADIST),
    GroupSpec(
        "mujao", "Movement for Unity and Jihad in West Africa", "MUJAO",
        ("MUJAO: Movement for Unity and Jihad in West Africa",),
        merged_into="al-mourabitoun", kind=JIHADIST,
    ),
    GroupSpec(
        "iswap", "Islamic State West Africa Province", "ISWAP",
        ("Islamic State (West Africa)", "Islamic State West Africa Province",
         "Boko Haram - Wilayat Gharb Ifriqiyyah",
         "Islamic State (West Africa) - Lake Chad Faction"),
        affiliation="islamic-state", kind=JIHADIST,
    ),
    GroupSpec(
        "boko-haram", "Jama'atu Ahlis Sunna Lidda'awati wal-Jihad", "Boko Haram",
        ("Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad",
         "Boko Haram - Jamatu Ahli is-Sunnah lid-Dawatai wal-Jihad", "Boko Haram", "JAS"),
        kind=JIHADIST,
    ),
    # Forces and militias that ACLED names often in the Sahel.
    GroupSpec(
        "minusma", "United Nations Multidimensional Integrated Stabilization Mission in Mali",
        "MINUSMA",
        ("MINUSMA: United Nations Multidimensional Integrated Stabilization Mission in Mali",),
        kind="foreign-force",
    ),
    GroupSpec("operation-barkhane", "Operation Barkhane", "Barkhane", ("Operation Barkhane",),
              kind="foreign-force"),
    GroupSpec("wagner-group", "Wagner Group", "Wagner", ("Wagner Group",), kind="foreign-force"),
    GroupSpec(
        "vdp", "Volunteers for the Defense of the Homeland", "VDP",
        ("VDP: Volunteers for the Defense of the Homeland",
         "Volunteers for the Defense of the Homeland"),
        kind="pro-government-militia",
    ),
)  # fmt: skip
GROUPS_BY_ID = {spec.id: spec for spec in ACLED_GROUPS}
_GROUPS_BY_ACLED_NAME = {
    name.casefold(): spec
    for spec in ACLED_GROUPS
    for name in (*spec.acled_names, spec.short or "")
    if name
}
COMPOSITE_SEPARATOR = re.compile(r"\s+and/or\s+", re.IGNORECASE)
# ACLED dates a force by the regime it served: "Military Forces of Mali (2021-)".
_REGIME_PERIOD = re.compile(r"\s*\((?:\d{4}-(?:\d{4})?|\d{4})\)")
_STATE_FORCE = re.compile(r"^(?:military|police|gendarmerie|government) (?:forces )?of (.+)$")
_FOREIGN_FORCE_WORDS = (
    "operation ",
    "barkhane",
    "serval",
    "takuba",
    "g5 sahel",
    "wagner",
    "africa corps",
    "minusma",
    "misahel",
    "united nations",
    "ecowas",
)
# Militias that fight beside the state (ACLED files them as political or identity militias).
_PRO_GOVERNMENT_MILITIA_WORDS = (
    "volunteers for the defense of the homeland",
    "volunteers for the defence of the homeland",
    "vdp:",
    "koglweogo",
    "dozo",
    "gatia",
    "imghad tuareg",
)
# What a group of each ACLED actor type is, unless its name says more (see `actor_kind`).
KIND_OF_INTER = {
    1: "state-force", 2: "rebel", 3: "political-militia", 4: "communal-militia",
    8: "foreign-force",
}  # fmt: skip


def slugify(text: str, limit: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
    return slug[:limit].rstrip("-")


def without_period(name: str) -> str:
    """An actor name without ACLED's regime period, wherever it stands: `Military Forces of
    Mali (2021-)` -> `Military Forces of Mali`; `Military Forces of Mali (2013-2020)
    National Guard` -> `Military Forces of Mali National Guard`."""
    return " ".join(_REGIME_PERIOD.sub("", name.strip()).split())


def known_group(name: str) -> GroupSpec | None:
    return _GROUPS_BY_ACLED_NAME.get(name.strip().casefold())


def is_unidentified(name: str) -> bool:
    return name.strip().casefold().startswith("unidentified")


def is_unarmed(actor: Actor) -> bool:
    """Civilians, protesters and rioters: never a group of the registry. (A known group's
    name listed with civilians, e.g. suspected members, stays that group.)"""
    if known_group(actor.name) is not None:
        return False
    name = actor.name.casefold()
    return actor.inter in (5, 6, 7) or name.startswith(("civilians", "protesters", "rioters"))


def actor_kind(actor: Actor, country: str) -> str | None:
    """The registry kind of an armed actor (vocab.ACTOR_KINDS), from its name and type."""
    known = known_group(actor.name)
    if known is not None:
        return known.kind
    name = without_period(actor.name).casefold()
    if is_unidentified(name):
        return "unidentified-armed-group"
    if any(word in name for word in _FOREIGN_FORCE_WORDS):
        return "foreign-force"
    state = _STATE_FORCE.match(name)
    if state:
        of = state.group(1)  # "mali", "mali national guard"
        own = of == country.casefold() or of.startswith(country.casefold() + " ")
        return "state-force" if own and actor.inter != 8 else "foreign-force"
    if any(word in name for word in _PRO_GOVERNMENT_MILITIA_WORDS):
        return "pro-government-militia"
    return KIND_OF_INTER.get(actor.inter)


def group_for_actor(actor: Actor, country: str) -> GroupSpec:
    """The importer's group for an ACLED actor: its table's, or one made from the name.

    A state or foreign force is one group across ACLED's regime periods (the full names
    are its aliases); any other name the table lacks becomes a group of its own, marked
    `derived` so that the summary can list it for a curator.
    """
    spec = known_group(actor.name)
    if spec is not None:
        return spec
    kind = actor_kind(actor, country)
    name = without_period(actor.name)
    aliases = (actor.name.strip(),) if name != actor.name.strip() else ()
    if kind in ("state-force", "foreign-force") and _STATE_FORCE.match(name.casefold()):
        return GroupSpec(slugify(name), name, acled_names=aliases, kind=kind)
    return GroupSpec(slugify(name) or "unnamed-group", name, acled_names=aliases, kind=kind,
                     derived=True)  # fmt: skip


def group_for_name(name: str) -> GroupSpec:
    """The importer's group for an ACLED actor name of unknown type."""
    return group_for_actor(Actor(name, 0, True), "")


@dataclass(frozen=True)
class ActorRoles:
    perpetrators: tuple[tuple[GroupSpec, str], ...]  # (group, status), in order
    targets: tuple[str, ...]
    unidentified: bool  # ACLED names an unidentified armed group as the one who acted
    # Every armed actor of the event as a group (both sides): for the unmatched-name report.
    groups: tuple[GroupSpec, ...] = ()
    targeted: tuple[GroupSpec, ...] = ()  # the armed actors acted upon (target_groups)


# How an event type reads its two sides: actor1 acts on actor2 ("acts"), nobody acts on
# anybody ("none": protests, agreements, bases, transfers...), or the armed side of either
# column uses force against protesters ("force").
_NO_DIRECTION = {
    "agreement", "change to group/activity", "headquarters or base established",
    "non-violent transfer of territory", "other", "strategic development",
}  # fmt: skip


def event_direction(event_type: str, sub_event_type: str) -> str:
    folded_type, folded_sub = event_type.casefold(), sub_event_type.casefold()
    if folded_sub == "excessive force against protesters":
        return "force"
    if folded_type in ("protests", "riots/protests"):
        return "none"
    if folded_sub in _NO_DIRECTION or (not folded_sub and folded_type in _NO_DIRECTION):
        return "none"
    return "acts"


def _target_of(actor: Actor, country: str) -> str | None:
    """The target category of an actor that is acted upon (None: no category fits)."""
    name = actor.name.casefold()
    if "police" in name:
        return "police"
    if "gendarmerie" in name:
        return "gendarmerie"
    if "minusma" in name or "united nations" in name or "misahel" in name:
        return "un-peacekeepers"
    kind = actor_kind(actor, country)
    if kind == "foreign-force":
        return "foreign-military"
    if name.startswith("government of"):
        return "government"
    if kind == "state-force":
        return "military"
    if name.startswith("civilians") or actor.inter == 7:
        return "civilians"
    return None


def actor_roles(
    actors: Iterable[Actor], country: str, event_type: str = "", sub_event_type: str = ""
) -> ActorRoles:
    """Who acted on whom, from ACLED's two sides and its event type.

    actor1 and its associates act: each armed actor among them (a jihadist group, a state
    or foreign force, a militia...) is a perpetrator, `attributed`, or `suspected` for each
    group of an "X and/or Y" attribution; an unidentified armed group names none. actor2
    and its associates are acted upon: they give the targets, and a group there is never a
    perpetrator. Protests have no perpetrator (except the armed side that uses excessive
    force against protesters, whose targets are then civilians); agreements, bases and
    transfers have none either. ACLED records
    no claims, so no status is ever `claimed`.
    """
    direction = event_direction(event_type, sub_event_type)
    perpetrators: dict[str, tuple[GroupSpec, str]] = {}
    targets: list[str] = []
    groups: dict[str, GroupSpec] = {}
    targeted: dict[str, GroupSpec] = {}
    unidentified = False

    def add(spec: GroupSpec, status: str) -> None:
        known = perpetrators.get(spec.id)
        if known is None or (known[1] == "suspected" and status == "attributed"):
            perpetrators[spec.id] = (spec, status)

    for actor in actors:
        parts = COMPOSITE_SEPARATOR.split(actor.name)
        named = [
            dataclasses.replace(actor, name=part)
            for part in parts
            if part and not is_unidentified(part) and not is_unarmed(actor)
        ]
        specs = [group_for_actor(part, country) for part in named]
        for spec in specs:
            groups.setdefault(spec.id, spec)
        acts = (direction == "acts" and actor.side == 1) or (
            direction == "force" and not is_unarmed(actor)
        )
        if acts:
            if any(is_unidentified(part) for part in parts):
                unidentified = True
            status = "suspected" if len(parts) > 1 else "attributed"
            for spec in specs:
                add(spec, status)
        elif direction == "acts":
            targeted.update((spec.id, spec) for spec in specs)
            target = _target_of(actor, country) if len(parts) == 1 else None
            if target is not None and target not in targets:
                targets.append(target)
    return ActorRoles(
        tuple(perpetrators.values()), tuple(targets), unidentified, tuple(groups.values()),
        tuple(spec for spec_id, spec in targeted.items() if spec_id not in perpetrators),
    )  # fmt: skip


def resolve_groups(
    specs: Iterable[GroupSpec], registry: GroupRegistry
) -> tuple[dict[str, str], list[GroupSpec]]:
    """How each group is referred to in a store with `registry`, and the groups to add.

    A group the registry already knows (by id, ACLED name, name or short name) is referred
    to by its registry id; any other is added, with its parents (affiliation, merged_into).
    """
    references: dict[str, str] = {}
    to_add: list[GroupSpec] = []
    pending = list(specs)
    while pending:
        spec = pending.pop(0)
        if spec.id in references:
            continue
        found = next((g for g in map(registry.resolve, spec.lookup_names()) if g is not None), None)
        if found is not None:
            references[spec.id] = found.id
            continue
        references[spec.id] = spec.id
        to_add.append(spec)
        for parent in (spec.affiliation, spec.merged_into):
            if parent and parent in GROUPS_BY_ID:
                pending.append(GROUPS_BY_ID[parent])
    return references, to_add
