"""The filter and sort options shared by `timeline`, `stats` and `export`: one definition.

    @app.command()
    @query_options
    def timeline(store: StoreOption = None, *, query_request: QueryRequest) -> None:
        loaded = open_store(store)
        query = query_request.build(loaded.registry, os.environ)
        incidents = run_query(loaded.incidents, query, loaded.registry)

`query_options` adds the options to the command's signature (Typer reads `__signature__`)
and hands the command one `query_request` holding their raw values. The meaning of every
option lives in `sahel_timeline.dates` and `sahel_timeline.engine.query`; this module only parses
the command line and turns their errors into usage errors (exit code 2).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, cast

import typer

from sahel_timeline.cli.completion import complete_group
from sahel_timeline.dates import (
    DateInputError,
    is_iso_date,
    parse_date_bound,
    parse_date_period,
    parse_duration,
    resolve_now,
)
from sahel_timeline.engine.query import (
    SORT_KEYS,
    STATUS_FILTERS,
    Query,
    QueryError,
    SortKey,
    build_filter,
    describe_filter,
)
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.visible import visible_text
from sahel_timeline.vocab import ACTOR_KINDS, KINDS

FILTERS_PANEL = "Filters"
DEFAULT_WINDOW = "7d"
ORDER_PANEL = "Order and limit"

# Choices as Enums: Typer lists them in the help, completes them and rejects other values.
StatusChoice = enum.Enum("StatusChoice", {value: value for value in STATUS_FILTERS}, type=str)  # type: ignore[misc]
ActorKindChoice = enum.Enum("ActorKindChoice", {value: value for value in ACTOR_KINDS}, type=str)  # type: ignore[misc]
KindChoice = enum.Enum("KindChoice", {value: value for value in KINDS}, type=str)  # type: ignore[misc]
SortChoice = enum.Enum("SortChoice", {value: value for value in SORT_KEYS}, type=str)  # type: ignore[misc]

# Filter field (as named in QueryError.field) -> the option to blame.
_OPTION_OF_FIELD = {
    "since": "--since",
    "until": "--until",
    "countries": "--country",
    "groups": "--group",
    "actor_kinds": "--actor-kind",
    "statuses": "--status",
    "tactics": "--tactic",
    "targets": "--target",
    "tags": "--tag",
    "kinds": "--kind",
    "text": "--text",
    "min_killed": "--min-killed",
    "sort": "--sort",
}


@dataclass(frozen=True)
class QueryRequest:
    """The raw values of the shared options, as typed; `build` gives them meaning."""

    since: str | None = None
    until: str | None = None
    countries: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    actor_kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    tactics: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    text: str | None = None
    min_killed: int | None = None
    limit: int | None = None
    sort: str = "date"
    reverse: bool = False
    now: str | None = None
    around: str | None = None
    window: str | None = None

    def build(self, registry: GroupRegistry, environ: Mapping[str, str]) -> Query:
        """The Query these options ask for; typer.BadParameter (exit code 2) when they are bad."""
        try:
            now = resolve_now(self.now, environ)
        except DateInputError as error:
            raise _bad_parameter(str(error), "--now" if self.now is not None else None) from None
        since, until = self.date_bounds(now)
        try:
            flt = build_filter(
                since=since,
                until=until,
                countries=self.countries,
                groups=self._groups(registry),
                statuses=self.statuses,
                tactics=self.tactics,
                targets=self.targets,
                tags=self.tags,
                kinds=self.kinds,
                text=self.text,
                min_killed=self.min_killed,
                registry=registry,
            )
        except QueryError as error:
            raise _bad_parameter(str(error), _OPTION_OF_FIELD.get(error.field or "")) from None
        if self.sort not in SORT_KEYS:
            raise _bad_parameter(f"unknown sort key {self.sort!r}", "--sort")
        return Query(
            filter=flt,
            sort=cast(SortKey, self.sort),
            reverse=self.reverse,
            limit=self.limit,
            now=now,
        )

    def _groups(self, registry: GroupRegistry) -> tuple[str, ...]:
        """--group, narrowed by --actor-kind to the groups of those kinds (the filter
        engine knows groups, not kinds: a kind is the set of the registry's groups of it)."""
        if not self.actor_kinds:
            return self.groups
        of_kind = [group.id for group in registry if group.kind in self.actor_kinds]
        if self.groups:
            wanted = set()
            for reference in self.groups:
                group = registry.resolve(reference)
                wanted |= registry.family(group.id) if group else {reference}
            unknown = [ref for ref in self.groups if registry.resolve(ref) is None]
            of_kind = [*unknown, *(group_id for group_id in of_kind if group_id in wanted)]
        if not of_kind:
            kinds = ", ".join(self.actor_kinds)
            raise _bad_parameter(
                f"no group {'of those' if self.groups else 'in the registry'} has the kind "
                f"{kinds} (the groups command shows each group's kind; a group without "
                "`kind:` in the registry has none)",
                "--actor-kind",
            )
        return tuple(of_kind)

    def describe(self, query: Query, registry: GroupRegistry) -> list[str]:
        """The filter in plain lines (`describe_filter`), saying `actor kind: state-force`
        rather than listing every group of that kind."""
        lines = describe_filter(query.filter, registry)
        if not self.actor_kinds:
            return lines
        kept = [line for line in lines if not line.startswith("group: ")]
        extra = [f"actor kind: {', '.join(self.actor_kinds)}"]
        if self.groups:
            extra.insert(0, f"group: {', '.join(self.groups)}")
        at = next((i for i, line in enumerate(kept) if not line.startswith(("since ", "until ",
                   "country: "))), len(kept))  # fmt: skip
        return [*kept[:at], *extra, *kept[at:]]

    def date_bounds(self, now: dt.date) -> tuple[dt.date | None, dt.date | None]:
        """The since and until days these options give: --around and --window are a slice
        of the period named by --around, widened by the window on both sides."""
        if self.around is None:
            if self.window is not None:
                raise _bad_parameter("--window needs --around DATE", "--window")
            return self._date_bound(self.since, now, "since"), self._date_bound(
                self.until, now, "until"
            )
        if self.since is not None or self.until is not None:
            raise _bad_parameter(
                "--around gives both bounds; use it without --since and --until", "--around"
            )
        try:
            first, last = parse_date_period(self.around, now=now)
        except DateInputError as error:
            raise _bad_parameter(str(error), "--around") from None
        try:
            window = parse_duration(self.window or DEFAULT_WINDOW)
        except DateInputError as error:
            raise _bad_parameter(str(error), "--window") from None
        return window.before(first), window.after(last)

    def date_readings(self, now: dt.date) -> list[str]:
        """How the dates typed in words were read, for the footer: `--since "mars 2018" read
        as 2018-03-01 to 2018-03-31`. ISO dates need no explanation and get none."""
        readings = []
        for option, text in (("--since", self.since), ("--until", self.until)):
            if text is not None and not is_iso_date(text):
                first, last = parse_date_period(text, now=now)
                readings.append(f'{option} "{text}" read as {_span(first, last)}')
        if self.around is not None:
            first, last = parse_date_period(self.around, now=now)
            since, until = self.date_bounds(now)
            assert since is not None and until is not None
            window = parse_duration(self.window or DEFAULT_WINDOW)
            readings.append(
                f'--around "{self.around}" ({_span(first, last)}) and {window} either side: '
                f"{_span(since, until)}"
            )
        return readings

    @staticmethod
    def _date_bound(text: str | None, now: dt.date, side: str) -> dt.date | None:
        if text is None:
            return None
        try:
            return parse_date_bound(text, now=now, side="since" if side == "since" else "until")
        except DateInputError as error:
            raise _bad_parameter(str(error), f"--{side}") from None


def _span(first: dt.date, last: dt.date) -> str:
    return first.isoformat() if first == last else f"{first.isoformat()} to {last.isoformat()}"


def _bad_parameter(message: str, option: str | None) -> typer.BadParameter:
    """A usage error on one line: a suggested name from the store cannot break the line or
    drive the terminal."""
    return typer.BadParameter(visible_text(message), param_hint=f"'{option}'" if option else None)


# The parameters `query_options` adds: (python name, annotation, default).
_DATE = "DATE"
_PARAMETERS: tuple[tuple[str, Any], ...] = (
    (
        "since",
        Annotated[
            str | None,
            typer.Option(
                "--since",
                metavar=_DATE,
                help="Keep entries that end on or after this date: ISO, or English or French words "
                "('last March', 'mars 2018').",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "until",
        Annotated[
            str | None,
            typer.Option(
                "--until",
                metavar=_DATE,
                help="Keep entries that start on or before this date; a period counts whole.",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "around",
        Annotated[
            str | None,
            typer.Option(
                "--around",
                metavar=_DATE,
                help="Keep entries near this date or period, --window either side (instead of "
                "--since and --until).",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "window",
        Annotated[
            str | None,
            typer.Option(
                "--window",
                metavar="SPAN",
                help=f"How far either side of --around: 7d, 2w, 3m, 1y (default {DEFAULT_WINDOW}).",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "countries",
        Annotated[
            list[str] | None,
            typer.Option(
                "--country",
                metavar="NAME",
                help="Keep entries in this country, by name or ISO code; repeatable.",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "groups",
        Annotated[
            list[str] | None,
            typer.Option(
                "--group",
                metavar="NAME",
                help="Keep entries by this group, its affiliates and components; repeatable.",
                autocompletion=complete_group,
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "actor_kinds",
        Annotated[
            list[ActorKindChoice] | None,
            typer.Option(
                "--actor-kind",
                metavar="KIND",
                case_sensitive=False,
                help=(
                    "Keep entries whose perpetrators are groups of this kind: "
                    + ", ".join(ACTOR_KINDS)
                    + "; repeatable."
                ),
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "statuses",
        Annotated[
            list[StatusChoice] | None,
            typer.Option(
                "--status",
                metavar="STATUS",
                case_sensitive=False,
                help="Keep entries by attribution: claimed, attributed, suspected or unknown.",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "tactics",
        Annotated[
            list[str] | None,
            typer.Option(
                "--tactic",
                metavar="TACTIC",
                help="Keep entries that used this tactic; repeatable.",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "targets",
        Annotated[
            list[str] | None,
            typer.Option(
                "--target",
                metavar="TARGET",
                help="Keep entries against this kind of target; repeatable.",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "tags",
        Annotated[
            list[str] | None,
            typer.Option(
                "--tag",
                metavar="TAG",
                help="Keep entries with this tag; repeatable.",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "kinds",
        Annotated[
            list[KindChoice] | None,
            typer.Option(
                "--kind",
                metavar="KIND",
                case_sensitive=False,
                help="Keep only entries of this kind: incident or milestone.",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "text",
        Annotated[
            str | None,
            typer.Option(
                "--text",
                metavar="WORDS",
                help=(
                    "Keep entries with every word (any order; case and accents ignored; a "
                    "word matches the start of a word) in their title, summary, notes, "
                    "place or sources."
                ),
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "min_killed",
        Annotated[
            int | None,
            typer.Option(
                "--min-killed",
                metavar="N",
                min=0,
                help="Keep incidents with at least N killed, by the high figure.",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "now",
        Annotated[
            str | None,
            typer.Option(
                "--now",
                metavar=_DATE,
                help="Read relative dates against this ISO date, not today.",
                rich_help_panel=FILTERS_PANEL,
            ),
        ],
    ),
    (
        "sort",
        Annotated[
            SortChoice,
            typer.Option(
                "--sort",
                metavar="KEY",
                case_sensitive=False,
                help="Order entries by date, killed, country or id.",
                rich_help_panel=ORDER_PANEL,
            ),
        ],
    ),
    (
        "reverse",
        Annotated[
            bool,
            typer.Option(
                "--reverse",
                help="Reverse the order.",
                rich_help_panel=ORDER_PANEL,
            ),
        ],
    ),
    (
        "limit",
        Annotated[
            int | None,
            typer.Option(
                "--limit",
                metavar="N",
                min=1,
                help="Show at most N entries, after sorting.",
                rich_help_panel=ORDER_PANEL,
            ),
        ],
    ),
)
_DEFAULTS: dict[str, Any] = {"sort": SortChoice("date"), "reverse": False}
# Python names that cannot clash with the command's own parameters.
_PREFIX = "query_option_"

F = TypeVar("F", bound=Callable[..., Any])


def query_options(func: F) -> F:
    """Give a command the shared filter and sort options and a `query_request` argument.

    The command declares a `query_request` parameter; the options replace it in the
    signature Typer sees, and the command receives one QueryRequest with their values.
    """
    signature = inspect.signature(func, eval_str=True)
    if "query_request" not in signature.parameters:
        raise TypeError(f"{func.__name__} must accept a `query_request` keyword argument")
    own = [p for p in signature.parameters.values() if p.name != "query_request"]
    added = [
        inspect.Parameter(
            _PREFIX + name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=annotation,
            default=_DEFAULTS.get(name),
        )
        for name, annotation in _PARAMETERS
    ]
    variadic = [p for p in own if p.kind is inspect.Parameter.VAR_KEYWORD]
    plain = [p for p in own if p.kind is not inspect.Parameter.VAR_KEYWORD]
    new_signature = signature.replace(parameters=[*plain, *added, *variadic])

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(_PREFIX + name, None) for name, _ in _PARAMETERS}
        return func(*args, query_request=_request_from(values), **kwargs)

    wrapper.__signature__ = new_signature  # type: ignore[attr-defined]
    # Typer also reads type hints: give it the evaluated ones, ours included.
    wrapper.__annotations__ = {p.name: p.annotation for p in new_signature.parameters.values()}
    if new_signature.return_annotation is not inspect.Signature.empty:
        wrapper.__annotations__["return"] = new_signature.return_annotation
    return cast(F, wrapper)


def _request_from(values: Mapping[str, Any]) -> QueryRequest:
    def many(name: str) -> tuple[str, ...]:
        return tuple(_plain(value) for value in values.get(name) or ())

    sort = values.get("sort")
    return QueryRequest(
        since=values.get("since"),
        until=values.get("until"),
        countries=many("countries"),
        groups=many("groups"),
        actor_kinds=many("actor_kinds"),
        statuses=many("statuses"),
        tactics=many("tactics"),
        targets=many("targets"),
        tags=many("tags"),
        kinds=many("kinds"),
        text=values.get("text"),
        min_killed=values.get("min_killed"),
        limit=values.get("limit"),
        sort=_plain(sort) if sort is not None else "date",
        reverse=bool(values.get("reverse")),
        now=values.get("now"),
        around=values.get("around"),
        window=values.get("window"),
    )


def _plain(value: Any) -> str:
    """An Enum choice's value, or the string itself."""
    return str(value.value) if isinstance(value, enum.Enum) else str(value)
