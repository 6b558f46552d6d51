"""ACLED's attribution line, which its terms require on anything made from its data.

One function decides whether a brief needs the line and what it says; each format writes it
where it has room (a header line, a meta entry, a title slide, a CSV column).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sahel_timeline.importers.acled.entries import ACLED_PUBLISHER, ACLED_URL, EXTENSION_KEY
from sahel_timeline.model import Incident

ATTRIBUTION_COLUMN = "attribution"  # the CSV column that carries the line


def is_acled_entry(incident: Incident) -> bool:
    """Whether an entry was made from ACLED's data (it keeps ACLED's fields)."""
    return isinstance(incident.extensions.get(EXTENSION_KEY), dict)


def _access_dates(incidents: Iterable[Incident]) -> list[str]:
    dates = set()
    for incident in incidents:
        imported = incident.extensions[EXTENSION_KEY].get("imported")
        if imported:
            dates.add(str(imported))
    return sorted(dates)


def acled_attribution(incidents: Sequence[Incident]) -> str | None:
    """`Source: Armed Conflict Location & Event Data Project (ACLED); https://acleddata.com/;
    accessed 2025-01-15.`, or None when no entry comes from ACLED.

    The date of access is the import date each entry records; several imports give the
    first and the last.
    """
    from_acled = [incident for incident in incidents if is_acled_entry(incident)]
    if not from_acled:
        return None
    dates = _access_dates(from_acled)
    if not dates:
        accessed = "date of access not recorded"
    elif len(dates) == 1:
        accessed = f"accessed {dates[0]}"
    else:
        accessed = f"accessed {dates[0]} to {dates[-1]}"
    return f"Source: {ACLED_PUBLISHER}; {ACLED_URL}; {accessed}."
