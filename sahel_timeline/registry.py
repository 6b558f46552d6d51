"""The actor registry: resolving perpetrator references and walking the group tree."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sahel_timeline.model import Group


class GroupRegistry:
    """Groups by id, with lookups by id, name, short name or alias (case-insensitive).

    Affiliation and `merged_into` make a tree: a group's *family* is the group itself
    plus every group affiliated to it or merged into it, transitively.
    """

    def __init__(self, groups: Iterable[Group] = ()) -> None:
        self.groups: dict[str, Group] = {}
        self._by_name: dict[str, str] = {}
        for group in groups:
            self.add(group)

    def add(self, group: Group) -> None:
        self.groups[group.id] = group
        for name in group.names():
            self._by_name.setdefault(name.casefold(), group.id)

    def owner_of_name(self, name: str) -> str | None:
        return self._by_name.get(name.casefold())

    def resolve(self, reference: str) -> Group | None:
        """The group a perpetrator reference names, or None when no group has that name."""
        group_id = self._by_name.get(reference.strip().casefold())
        return self.groups.get(group_id) if group_id else None

    def __contains__(self, group_id: object) -> bool:
        return group_id in self.groups

    def __iter__(self) -> Iterator[Group]:
        return iter(self.groups.values())

    def __len__(self) -> int:
        return len(self.groups)

    def children(self, group_id: str) -> list[Group]:
        """Groups affiliated to or merged into `group_id`, sorted by display name."""
        kids = [
            g for g in self.groups.values()
            if group_id in (g.affiliation, g.merged_into) and g.id != group_id
        ]  # fmt: skip
        return sorted(kids, key=lambda g: g.display_name.casefold())

    def roots(self) -> list[Group]:
        """Groups that are neither affiliated to nor merged into a known group."""
        tops = [
            g for g in self.groups.values()
            if not ((g.affiliation in self.groups) or (g.merged_into in self.groups))
        ]  # fmt: skip
        return sorted(tops, key=lambda g: g.display_name.casefold())

    def family(self, group_id: str) -> set[str]:
        """`group_id` and every group below it in the tree (cycle-safe)."""
        found = {group_id}
        pending = [group_id]
        while pending:
            current = pending.pop()
            for child in self.children(current):
                if child.id not in found:
                    found.add(child.id)
                    pending.append(child.id)
        return found
