"""How the HTML brief marks an incident's attribution: one colour and one word per status.

The map, the tempo chart, the figures and the tables all read these, so a colour means the
same thing everywhere on the page.
"""

from __future__ import annotations

from sahel_timeline.model import Incident
from sahel_timeline.vocab import STATUSES, UNKNOWN_STATUS

# From the most to the least certain, then no perpetrator named.
STATUS_ORDER: tuple[str, ...] = (*STATUSES, UNKNOWN_STATUS)
STATUS_COLOURS: dict[str, str] = {
    "claimed": "#a1221b",
    "attributed": "#e07b12",
    "suspected": "#6a51a3",
    UNKNOWN_STATUS: "#77777d",
}
STATUS_LABELS: dict[str, str] = {
    "claimed": "claimed",
    "attributed": "attributed",
    "suspected": "suspected",
    UNKNOWN_STATUS: "no perpetrator named",
}


def incident_status(incident: Incident) -> str:
    """The most certain attribution of an incident, or `unknown` when none is named."""
    statuses = {perpetrator.status for perpetrator in incident.perpetrators}
    for status in STATUSES:
        if status in statuses:
            return status
    return UNKNOWN_STATUS


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
