"""Generate synthetic stores in the v1 format, for the benchmark and for trying things out.

    python bench/generate_store.py 100000 bench/out/store-100k.yaml
    python bench/generate_store.py 100000 bench/out/store-100k --shards 100

A store is deterministic for a given size, shard count and seed. Its incidents look like a
team's import of ACLED events for Mali, Burkina Faso and Niger: coordinates inside the
country, dates from 2012 to 2024 with mixed precision, figures (exact and ranges),
perpetrators from the curated group registry, one to three sources. The groups are those
of the curated store plus one an ACLED import adds, so every perpetrator resolves.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))

from sahel_timeline.store.load import shipped_store_path  # noqa: E402

# (country, [(admin1, place, lat, lon), ...]): places well inside each country.
PLACES = {
    "Mali": [
        ("Timbuktu", "Timbuktu", 16.7735, -3.0074),
        ("Mopti", "Douentza", 15.0019, -2.9498),
        ("Mopti", "Sevare", 14.5167, -4.0833),
        ("Gao", "Gao", 16.2717, -0.0447),
        ("Gao", "Ansongo", 15.6597, 0.5022),
        ("Kidal", "Kidal", 18.4411, 1.4078),
        ("Segou", "Niono", 14.2526, -5.9926),
        ("Koulikoro", "Nara", 15.1681, -7.2863),
        ("Menaka", "Menaka", 15.9182, 2.4022),
    ],
    "Burkina Faso": [
        ("Centre", "Ouagadougou", 12.3686, -1.5275),
        ("Sahel", "Djibo", 14.1022, -1.6306),
        ("Sahel", "Dori", 14.0354, -0.0345),
        ("Nord", "Ouahigouya", 13.5828, -2.4216),
        ("Est", "Fada N'gourma", 12.0616, 0.3584),
        ("Centre-Nord", "Kaya", 13.0917, -1.0844),
        ("Boucle du Mouhoun", "Dedougou", 12.4634, -3.4608),
    ],
    "Niger": [
        ("Tillaberi", "Tillaberi", 14.2117, 1.4531),
        ("Tillaberi", "Ayorou", 14.7308, 0.9174),
        ("Tahoua", "Tahoua", 14.8888, 5.2692),
        ("Diffa", "Diffa", 13.3154, 12.6113),
        ("Niamey", "Niamey", 13.5116, 2.1254),
        ("Tillaberi", "Inates", 15.1500, 1.3833),
    ],
}
TACTICS = ["armed-assault", "ambush", "raid", "ied", "kidnapping", "indirect-fire", "arson"]
TARGETS = ["civilians", "military", "police", "gendarmerie", "un-peacekeepers", "government"]
PERPETRATORS = ["JNIM", "ISGS", "Ansaroul Islam", "Katiba Macina", "AQIM", "al-Mourabitoun"]
STATUSES = ["claimed", "attributed", "suspected"]
PUBLISHERS = ["ACLED", "Reuters", "AFP", "RFI", "Le Monde", "Jeune Afrique", "Studio Tamani"]
SYLLABLES = ["Kou", "Ba", "Dia", "Ton", "Go", "Ti", "Sa", "Ma", "Nia", "Ka", "Do", "Bou", "Se"]
WORDS = (  # noqa: SIM905 - one sentence reads better than a list of words
    "armed men attacked the village post patrol convoy market checkpoint near road town "
    "camp soldiers civilians motorbikes fled killed wounded burned looted local sources "
    "reported according to officials the army said residents"
).split()


# Named by ACLED (and so by a team's import) but not by the curated store's research notes:
# given here as an import adds it, so that every perpetrator resolves.
IMPORTED_GROUPS = """\
  - id: ansaroul-islam
    name: Ansaroul Islam
    short: Ansaroul Islam
"""


def curated_groups_text() -> str:
    """The `groups:` section of the curated store, verbatim, and the imported groups."""
    text = shipped_store_path().read_text(encoding="utf-8")
    start = text.index("\ngroups:") + 1
    end = text.index("\nincidents:")
    return text[start:end].rstrip() + "\n\n" + IMPORTED_GROUPS


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def incident_yaml(index: int, rng: random.Random) -> str:
    country = rng.choice(list(PLACES))
    admin1, town, lat, lon = rng.choice(PLACES[country])
    place = rng.choice(SYLLABLES) + rng.choice(SYLLABLES).lower() + rng.choice(SYLLABLES).lower()
    lat += rng.uniform(-0.2, 0.2)
    lon += rng.uniform(-0.2, 0.2)
    year = rng.randint(2012, 2024)
    precision = rng.random()
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    if precision < 0.8:
        date = f"{year}-{month:02d}-{day:02d}"
    elif precision < 0.95:
        date = f"{year}-{month:02d}"
    else:
        date = f"{year}"
    slug = town.lower().replace(" ", "-").replace("'", "")
    lines = [
        f"  - id: {date}-{slug}-{index:06d}",
        f"    title: {_quote(f'Attack near {place}, {town} ({index})')}",
        f'    date: "{date}"',
    ]
    if rng.random() < 0.3:
        lines.append(f'    time: "{rng.randint(0, 23):02d}:{rng.choice(("00", "30"))}"')
    lines += [
        "    location:",
        f"      country: {country}",
        f"      admin1: {_quote(admin1)}",
        f"      place: {_quote(place)}",
        f"      lat: {lat:.4f}",
        f"      lon: {lon:.4f}",
        f"      precision: {rng.choice(('site', 'settlement', 'area'))}",
        f"    tactics: [{', '.join(rng.sample(TACTICS, rng.randint(1, 2)))}]",
        f"    targets: [{', '.join(rng.sample(TARGETS, rng.randint(1, 2)))}]",
    ]
    if rng.random() < 0.85:
        status = rng.choice(STATUSES)
        lines.append("    perpetrators:")
        lines.append(f"      - group: {rng.choice(PERPETRATORS)}")
        lines.append(f"        status: {status}")
        if status == "claimed":
            lines.append(f'        claimed_on: "{year + 1}"')
    killed = rng.randint(0, 40)
    if rng.random() < 0.2:
        lines.append(f"    killed: {{low: {killed}, high: {killed + rng.randint(1, 10)}}}")
    else:
        lines.append(f"    killed: {killed}")
    if rng.random() < 0.5:
        lines.append(f"    wounded: {rng.randint(0, 60)}")
    summary = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20)))
    lines.append(f"    summary: {_quote(summary.capitalize() + '.')}")
    lines.append("    sources:")
    for _ in range(rng.randint(1, 2)):
        publisher = rng.choice(PUBLISHERS)
        lines += [
            f"      - title: {_quote(f'{publisher} report on {place}, {date}')}",
            f"        publisher: {_quote(publisher)}",
            f'        published: "{date}"',
            f'        url: "https://example.org/{slug}/{index}"',
        ]
    return "\n".join(lines) + "\n"


def generate(size: int, target: Path, shards: int = 1, seed: int = 2018) -> list[Path]:
    """Write a store of `size` incidents: one file, or a folder of `shards` files."""
    rng = random.Random(seed)
    shards = max(1, shards)
    if shards == 1:
        files = [target]
        target.parent.mkdir(parents=True, exist_ok=True)
    else:
        target.mkdir(parents=True, exist_ok=True)
        files = [target / f"shard-{n:04d}.yaml" for n in range(shards)]
    per_shard, extra = divmod(size, shards)
    index = 0
    for number, path in enumerate(files):
        parts = ["schema_version: 1\n"]
        if number == 0:
            parts.append(curated_groups_text())
        count = per_shard + (1 if number < extra else 0)
        parts.append("incidents:\n" if count else "incidents: []\n")
        for _ in range(count):
            parts.append(incident_yaml(index, rng))
            index += 1
        path.write_text("".join(parts), encoding="utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", type=int, help="number of incidents")
    parser.add_argument("target", type=Path, help="the file (or, with --shards, the folder)")
    parser.add_argument("--shards", type=int, default=1, help="split into N files in a folder")
    parser.add_argument("--seed", type=int, default=2018)
    args = parser.parse_args(argv)
    files = generate(args.size, args.target, args.shards, args.seed)
    total = sum(f.stat().st_size for f in files)
    print(f"{args.size} incidents in {len(files)} file(s), {total / 1e6:.1f} MB: {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
