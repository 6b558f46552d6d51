"""The actor registry as a tree: who is affiliated to or merged into whom, with aliases.

A group merged into another (Katiba Macina into JNIM) is drawn under the group it merged
into, even when it is also affiliated elsewhere; the label says both.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console
from rich.text import Text
from rich.tree import Tree

from sahel_timeline.model import Group
from sahel_timeline.registry import GroupRegistry
from sahel_timeline.render.user_text import Trimmed, user_text
from sahel_timeline.reports.stats import GroupCount


def render_group_tree(
    registry: GroupRegistry, counts: Mapping[str, GroupCount], console: Console
) -> None:
    """Print every group once, under its parent, with aliases and incident counts."""
    if not len(registry):
        console.print(Text("The store has no groups.", style="dim"))
        return
    children: dict[str | None, list[Group]] = {}
    for group in registry:
        children.setdefault(tree_parent(group, registry), []).append(group)
    root = Tree(Text(f"{len(registry)} groups", style="bold"), guide_style="dim")
    drawn: set[str] = set()

    def add(branch: Tree, parent_id: str | None) -> None:
        kids = sorted(children.get(parent_id, []), key=lambda g: g.display_name.casefold())
        for group in kids:
            if group.id in drawn:
                continue
            drawn.add(group.id)
            add(branch.add(group_label(group, registry, counts)), group.id)

    add(root, None)
    # Groups caught in a cycle of affiliations have no root: show them rather than lose them.
    for group in registry:
        if group.id not in drawn:
            drawn.add(group.id)
            add(root.add(group_label(group, registry, counts)), group.id)
    console.print(Trimmed(root))


def tree_parent(group: Group, registry: GroupRegistry) -> str | None:
    """The group drawn above `group`: the one it merged into, else its affiliation."""
    for parent in (group.merged_into, group.affiliation):
        if parent and parent in registry and parent != group.id:
            return parent
    return None


def group_label(group: Group, registry: GroupRegistry, counts: Mapping[str, GroupCount]) -> Text:
    text = user_text(group.display_name, "bold")
    if group.short and group.name != group.short:
        text.append(" — ")
        text.append_text(user_text(group.name))
    text.append(f"  [{group.id}]", style="dim")
    relations = [group.kind] if group.kind else []
    if group.merged_into:
        relations.append(f"merged into {_name(group.merged_into, registry)}")
    if group.affiliation:
        relations.append(f"affiliated to {_name(group.affiliation, registry)}")
    if group.formed:
        relations.append(f"formed {group.formed.display()}")
    count = counts.get(group.id, GroupCount(0, 0))
    incidents = f"{count.own} incident{'' if count.own == 1 else 's'}"
    if count.family != count.own:
        incidents += f", {count.family} with its family"
    if count.targeted:
        incidents += f", targeted in {count.targeted}"
    details = Text("\n")
    details.append_text(user_text(" · ".join([*relations, incidents])))
    text.append_text(details)
    if group.aliases:
        aliases = Text("\naliases: ", style="dim")
        aliases.append_text(user_text("; ".join(group.aliases), "dim"))
        text.append_text(aliases)
    return text


def _name(group_id: str, registry: GroupRegistry) -> str:
    group = registry.groups.get(group_id)
    return group.display_name if group is not None else group_id
