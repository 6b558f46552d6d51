"""Synthetic ACLED exports for the benchmark: invented rows in ACLED's current layout.

    python bench/generate_acled.py 5000 export.csv

No ACLED data: names, places and notes are made up from small tables, reproducibly.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sahel_timeline.export.csv_export import ACLED_COLUMNS as HEADER

COUNTRIES = (
    ("MLI", "Mali", 466, (14.0, -4.0), ("Mopti", "Gao", "Timbuktu", "Segou")),
    ("BFO", "Burkina Faso", 854, (13.0, -1.5), ("Sahel", "Est", "Nord", "Boucle du Mouhoun")),
    ("NIR", "Niger", 562, (14.5, 2.0), ("Tillaberi", "Tahoua", "Diffa")),
)
EVENTS = (
    ("Political violence", "Battles", "Armed clash",
     "JNIM: Group for Support of Islam and Muslims", 2, "Military Forces of {country} (2021-)", 1),
    ("Political violence", "Violence against civilians", "Attack",
     "Islamic State (Sahel)", 2, "Civilians ({country})", 7),
    ("Political violence", "Violence against civilians", "Attack",
     "Military Forces of {country} (2021-)", 1, "Civilians ({country})", 7),
    ("Political violence", "Explosions/Remote violence", "Remote explosive/landmine/IED",
     "Unidentified Armed Group ({country})", 3, "Military Forces of {country} (2021-)", 1),
    ("Demonstrations", "Protests", "Peaceful protest", "Protesters ({country})", 6, "", 0),
    ("Political violence", "Battles", "Armed clash",
     "Volunteers for the Defense of the Homeland", 3, "Islamic State (Sahel)", 2),
)  # fmt: skip


def rows(count: int, seed: int = 2019) -> list[list[str]]:
    rng = random.Random(seed)
    result = []
    start = dt.date(2018, 1, 1)
    for index in range(count):
        code, country, iso, (lat, lon), regions = rng.choice(COUNTRIES)
        disorder, event_type, sub_type, actor1, inter1, actor2, inter2 = rng.choice(EVENTS)
        day = start + dt.timedelta(days=rng.randrange(2000))
        place = f"Village {rng.randrange(400)}"
        killed = rng.choice((0, 0, 1, 2, 3, 5, 12))
        result.append([
            f"{code}{10000 + index}", day.strftime("%d %B %Y"), str(day.year),
            str(rng.choice((1, 1, 1, 2, 3))), disorder, event_type, sub_type,
            actor1.format(country=country), "", str(inter1), actor2.format(country=country), "",
            str(inter2) if actor2 else "", f"{min(inter1, inter2 or 9)}{max(inter1, inter2)}",
            "Civilian targeting" if inter2 == 7 else "", str(iso), "Western Africa", country,
            rng.choice(regions), "", "", place, f"{lat + rng.uniform(-1, 1):.4f}",
            f"{lon + rng.uniform(-1, 1):.4f}", str(rng.choice((1, 2, 3))),
            "Radio Synthetic; Journal Invente", "National",
            f"On {day.isoformat()}, an invented event happened near {place}.", str(killed), "",
            str(1_600_000_000 + index),
        ])  # fmt: skip
    return result


def write(count: int, target: Path, seed: int = 2019) -> Path:
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows(count, seed))
    return target


if __name__ == "__main__":
    write(int(sys.argv[1]), Path(sys.argv[2]))
