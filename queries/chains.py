"""Enforcement chains: FOLLOWED_BY steps, who owns each, where they change hands or break.

A chain is a weakly connected component of the FOLLOWED_BY links, its steps in
topological order (ties broken by item key; the members of a cycle stay together,
sorted by key). Its id is ``chain:`` + the key of its first step.

Findings:

``chain.broken_step``
    a step with no owner (no LEADS) — the chain is broken there;
``chain.cycle``
    steps that lead back to themselves;
``chain.handoff``
    a link whose two steps have different owner sets (a step with no owner included);
``chain.level_crossing``
    a handoff into the county side (next step owned only by county departments/stations,
    this one not: 镇→县) or back (county → township offices only: 县→镇), by department level;
``chain.inspection_no_followup``
    a 行政检查 step from which no 行政处罚 or 行政强制 step can be reached;
``chain.candidate_link``
    a 行政检查 item and a 行政处罚 item of one township, on the same subject (subject
    bigram Dice ≥ ``CANDIDATE_THRESHOLD`` = 0.6 with at least two shared bigrams after
    removing ``CHAIN_GENERIC_WORDS``), led by disjoint sets of offices, not in one chain.
"""

from __future__ import annotations

import heapq
import re
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import networkx as nx

from graphmodel import DutyStore, ItemCard, ItemFilter

from ._common import (
    answers_asks,
    kept,
    Finding,
    ItemEvidence,
    bigrams,
    dice,
    evidence,
    finding,
    level_side,
    sorted_findings,
)
from ._common import en_list, en_quote
from .slim_cards import slim_cards

__all__ = [
    "CANDIDATE_THRESHOLD",
    "CHAIN_GENERIC_WORDS",
    "Chain",
    "ChainStep",
    "Handoff",
    "candidate_links",
    "chain_findings",
    "chains",
    "chains_from_cards",
    "links_through",
]

INSPECTION = "行政检查"
FOLLOW_UPS = ("行政处罚", "行政强制")
CANDIDATE_THRESHOLD = 0.6
CHAIN_GENERIC_WORDS = ("监督检查", "检查", "巡查", "处罚", "行政", "对", "的", "违反", "违法", "未经", "未按",
                       "规定", "行为", "给予", "实施", "进行", "管理", "工作", "情况", "有关", "相关")
_GENERIC = re.compile("|".join(map(re.escape, CHAIN_GENERIC_WORDS)))


@dataclass(frozen=True, slots=True)
class ChainStep:
    """One step: its position (0-based), item, owners (lead names) and their side (township/county/mixed/none)."""

    position: int
    item: ItemEvidence
    owners: tuple[str, ...]
    owner_keys: tuple[str, ...]
    side: str

    @property
    def broken(self) -> bool:
        return not self.owner_keys


@dataclass(frozen=True, slots=True)
class Handoff:
    """A link whose owners change; ``crossing`` is 镇→县, 县→镇 or '' (no level crossed)."""

    src: str
    dst: str
    src_name: str
    dst_name: str
    from_owners: tuple[str, ...]
    to_owners: tuple[str, ...]
    crossing: str


@dataclass(frozen=True, slots=True)
class Chain:
    id: str
    township: str
    steps: tuple[ChainStep, ...]
    links: tuple[tuple[str, str], ...]
    cycles: tuple[tuple[str, ...], ...]  # each a strongly connected set of step keys, sorted
    handoffs: tuple[Handoff, ...]
    broken_steps: tuple[str, ...]
    inspections_without_followup: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(s.item.key for s in self.steps)


def _side(card: ItemCard) -> str:
    sides = {level_side(p.level) for p in card.leads}
    if not sides:
        return "none"
    if len(sides) > 1:
        return "mixed"
    return sides.pop()


#: A level crossing in English (a finding's English message).
_CROSSING_EN = {"镇→县": "township to county", "县→镇": "county to township"}


def _crossing(src: str, dst: str) -> str:
    """镇→县 when the next step is owned on the county side and this one is not; 县→镇 the other way."""
    if dst == "county" and src != "county":
        return "镇→县"
    if dst == "township" and src == "county":
        return "县→镇"
    return ""


def _components(links: Sequence[tuple[str, str]]) -> tuple[dict[str, list[str]], list[list[str]]]:
    """(successors of each key, the weakly connected sets of keys) of the links."""
    succ: dict[str, list[str]] = defaultdict(list)
    parent: dict[str, str] = {}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b in links:
        if b not in succ[a]:
            succ[a].append(b)
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    comps: dict[str, list[str]] = defaultdict(list)
    for k in parent:
        comps[root(k)].append(k)
    return succ, list(comps.values())


def links_through(links: Sequence[tuple[str, str]], keys: Collection[str]) -> list[tuple[str, str]]:
    """The links of the chains (weakly connected sets of ``links``) with a step in ``keys``."""
    keys = set(keys)
    _, comps = _components(links)
    wanted = {k for comp in comps if not keys.isdisjoint(comp) for k in comp}
    return [link for link in links if link[0] in wanted]


def _strong(keys: list[str], succ: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected sets of ``keys`` (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    for start in keys:
        if start in index:
            continue
        work = [(start, iter(succ.get(start, ())))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on.add(child)
                    work.append((child, iter(succ.get(child, ()))))
                    break
                if child in on:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    members = []
                    while True:
                        k = stack.pop()
                        on.discard(k)
                        members.append(k)
                        if k == node:
                            break
                    out.append(members)
    return out


def _order(keys: list[str], succ: dict[str, list[str]]) -> tuple[list[str], list[tuple[str, ...]]]:
    """The steps of one chain in topological order, ties broken by key, the members of a cycle
    together and sorted; the cycles (a strongly connected set of two or more, or a step that
    follows itself), sorted."""
    groups = [sorted(m) for m in _strong(keys, succ)]
    group_of = {k: i for i, m in enumerate(groups) for k in m}
    after: list[set[int]] = [set() for _ in groups]
    waiting = [0] * len(groups)
    for i, m in enumerate(groups):
        for k in m:
            for n in succ.get(k, ()):
                j = group_of[n]
                if j != i and j not in after[i]:
                    after[i].add(j)
                    waiting[j] += 1
    ready = [(m[0], i) for i, m in enumerate(groups) if not waiting[i]]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, i = heapq.heappop(ready)
        order.extend(groups[i])
        for j in after[i]:
            waiting[j] -= 1
            if not waiting[j]:
                heapq.heappush(ready, (groups[j][0], j))
    cycles = [tuple(m) for m in groups if len(m) > 1 or m[0] in succ.get(m[0], ())]
    return order, sorted(cycles)


def _reach(start: str, succ: dict[str, list[str]]) -> set[str]:
    """The keys reachable from ``start``, not itself (as networkx's descendants)."""
    seen: set[str] = set()
    todo = list(succ.get(start, ()))
    while todo:
        k = todo.pop()
        if k not in seen:
            seen.add(k)
            todo.extend(succ.get(k, ()))
    seen.discard(start)
    return seen


def chains_from_cards(links: Sequence[tuple[str, str]], cards: dict[str, ItemCard]) -> tuple[Chain, ...]:
    """Chains from FOLLOWED_BY ``links`` and the cards of their items (any store-free source).

    Plain Python over the links' adjacency: a chain has a few steps, and networkx's subgraph,
    condensation and descendants per chain took 1.5 s for 3,900 chains at 300 townships."""
    succ, comps = _components(links)
    out = []
    for comp in comps:
        keys, cycles = _order(sorted(comp), succ)
        position = {k: i for i, k in enumerate(keys)}
        steps = []
        for pos, k in enumerate(keys):
            c = cards[k]
            steps.append(ChainStep(pos, evidence(c), tuple(p.name for p in c.leads), tuple(p.key for p in c.leads), _side(c)))
        by_key = {s.item.key: s for s in steps}
        chain_links = tuple(sorted((a, b) for a in comp for b in succ.get(a, ())))
        handoffs = []
        for a, b in sorted(chain_links, key=lambda e: (position[e[0]], position[e[1]])):
            sa, sb = by_key[a], by_key[b]
            if set(sa.owner_keys) == set(sb.owner_keys):
                continue
            crossing = _crossing(sa.side, sb.side)
            handoffs.append(Handoff(a, b, sa.item.name, sb.item.name, sa.owners, sb.owners, crossing))
        no_follow = tuple(
            k for k in keys
            if cards[k].item.power_type == INSPECTION
            and not any(cards[d].item.power_type in FOLLOW_UPS for d in _reach(k, succ))
        )
        out.append(Chain(f"chain:{keys[0]}", cards[keys[0]].item.township, tuple(steps), chain_links, tuple(cycles),
                         tuple(handoffs), tuple(s.item.key for s in steps if s.broken), no_follow))
    return tuple(sorted(out, key=lambda ch: (ch.township, ch.id)))


@kept(per_township=True)
def chains(store: DutyStore, township: str | None = None, *, cards: Sequence[ItemCard] | None = None) -> tuple[Chain, ...]:
    """Every enforcement chain (optionally of one township), sorted by township and id.

    >>> from queries._examples import example_store
    >>> ch = chains(example_store())
    >>> [[s.item.name for s in c.steps] for c in ch]
    [['消防安全检查', '对违反消防安全规定行为的处罚'], ['违法建设巡查', '责令停止违法建设']]
    >>> [(h.from_owners, h.to_owners, h.crossing) for h in ch[0].handoffs]
    [(('综合行政执法队',), ('县消防救援大队',), '镇→县')]
    >>> [s.item.name for s in ch[1].steps if s.broken]
    ['违法建设巡查']
    """
    links = store.chain_links(township)
    if not links:
        return ()
    keys = tuple(sorted({k for link in links for k in link}))
    known = {c.key: c for c in cards or ()}
    missing = tuple(k for k in keys if k not in known)
    if missing and township is not None:
        # one township's steps on a server store: its kept rows (queries.slim_cards), the statement every
        # per-township question shares, rather than a by-key read planned for this question alone
        wanted = set(missing)
        known.update((c.key, c) for c in slim_cards(store, township) or () if c.key in wanted)
        missing = tuple(k for k in keys if k not in known)
    if missing:  # a server store reads the steps' evidence and leads only (slim cards)
        read = slim_cards(store, None, keys=missing)
        known.update((c.key, c) for c in (store.item_cards(ItemFilter(keys=missing)) if read is None else read))
    return chains_from_cards(links, known)


def _subject(name: str) -> frozenset[str]:
    return bigrams(_GENERIC.sub("", name) or name)


@kept("chain_list", per_township=True)
def candidate_links(store: DutyStore, township: str | None = None, *, threshold: float = CANDIDATE_THRESHOLD,
                    cards: Sequence[ItemCard] | None = None,
                    chain_list: Sequence[Chain] | None = None) -> tuple[Finding, ...]:
    """``chain.candidate_link``: inspection and penalty items on one subject, led by different offices, not chained.

    >>> from queries._examples import ListBuilder
    >>> from graphmodel import open_store
    >>> b = ListBuilder("样例镇")
    >>> _ = b.item("燃气安全检查", power_type="行政检查", leads=["应急办"])
    >>> _ = b.item("对违反燃气安全规定行为的处罚", power_type="行政处罚", leads=["县住建局"])
    >>> s = open_store("memory", data_dir=None); _ = s.replace_township(b.build())
    >>> [f.subject for f in candidate_links(s)]
    ['燃气安全检查 → 对违反燃气安全规定行为的处罚']
    """
    if cards is None:  # a server store reads the names, leads and evidence only (slim cards)
        cards = slim_cards(store, township, power_types=(INSPECTION, "行政处罚"), min_leads=1, catalogues=True)
    if cards is None:
        cards = store.item_cards(ItemFilter(township=township, power_types=(INSPECTION, "行政处罚"), min_leads=1))
    else:
        f = ItemFilter(township=township, power_types=(INSPECTION, "行政处罚"), min_leads=1)
        cards = [c for c in cards if f.admits(c)]
    if chain_list is None and answers_asks(store):
        # a server store: which chain an item is in is all this asks of the chains, and the links
        # alone say it (no step's card read)
        g = nx.Graph(store.chain_links(township))
        comp = {k: min(part) for part in nx.connected_components(g) for k in part}
    else:
        if chain_list is None:
            chain_list = chains(store, township)
        comp = {k: ch.id for ch in chain_list for k in ch.keys}
    by_town: dict[str, tuple[list[ItemCard], list[ItemCard]]] = defaultdict(lambda: ([], []))
    for c in cards:
        by_town[c.item.township][0 if c.item.power_type == INSPECTION else 1].append(c)
    out = []
    for town, (insp, pen) in sorted(by_town.items()):
        index: dict[str, list[ItemCard]] = defaultdict(list)
        for p in pen:
            for t in _subject(p.item.name):
                index[t].append(p)
        for i in insp:
            si = _subject(i.item.name)
            seen: set[str] = set()
            for t in sorted(si):
                for p in index.get(t, ()):
                    if p.key in seen:
                        continue
                    seen.add(p.key)
                    sp = _subject(p.item.name)
                    score = dice(si, sp)
                    if len(si & sp) < 2 or score < threshold:
                        continue
                    if {x.key for x in i.leads} & {x.key for x in p.leads}:
                        continue
                    if i.key in comp and comp.get(p.key) == comp[i.key]:
                        continue
                    out.append(finding(
                        "chain.candidate_link", town, f"{i.item.label} → {p.item.label}",
                        f"检查事项「{i.item.label}」（{'、'.join(x.name for x in i.leads)}）与处罚事项「{p.item.label}」"
                        f"（{'、'.join(x.name for x in p.leads)}）主题相同（{score:.2f}）但未衔接",
                        [evidence(i), evidence(p)],
                        message_en=f"Inspection item {en_quote(i.item.label)} ({en_list(x.name for x in i.leads)}) and "
                        f"penalty item {en_quote(p.item.label)} ({en_list(x.name for x in p.leads)}) share a topic "
                        f"({score:.2f}) but are not linked", score=f"{round(score, 4)}",
                        shared="".join(sorted(si & sp)), inspection=i.key, penalty=p.key))
    return sorted_findings(out)


@kept("chain_list", per_township=True)
def chain_findings(store: DutyStore, township: str | None = None, *, chain_list: Sequence[Chain] | None = None,
                   cards: Sequence[ItemCard] | None = None) -> tuple[Finding, ...]:
    """Every ``chain.*`` finding.

    >>> from queries._examples import example_store
    >>> [(f.kind, f.subject) for f in chain_findings(example_store())]
    [('chain.broken_step', '违法建设巡查'), ('chain.handoff', '消防安全检查 → 对违反消防安全规定行为的处罚'), ('chain.handoff', '违法建设巡查 → 责令停止违法建设'), ('chain.level_crossing', '消防安全检查 → 对违反消防安全规定行为的处罚')]
    """
    if chain_list is None:
        # a store that keeps nothing (Neo4j) would read the steps' cards again: the audit's cards hold them
        chain_list = chains(store, township, cards=None if store.keeps_derived else cards)
    out: list[Finding] = []
    for ch in chain_list:
        steps = {s.item.key: s for s in ch.steps}
        path = " → ".join(s.item.name for s in ch.steps)
        for k in ch.broken_steps:
            s = steps[k]
            out.append(finding("chain.broken_step", ch.township, s.item.name,
                               f"链条「{path}」第{s.position + 1}步「{s.item.name}」无责任部门", [s.item],
                               message_en=f"Chain {en_quote(path)}, step {s.position + 1} "
                               f"{en_quote(s.item.name)} has no owner",
                               chain=ch.id, position=s.position + 1))
        for cyc in ch.cycles:
            out.append(finding("chain.cycle", ch.township, " → ".join(steps[k].item.name for k in cyc),
                               f"链条「{path}」成环：{'、'.join(steps[k].item.name for k in cyc)}",
                               [steps[k].item for k in cyc], chain=ch.id,
                               message_en=f"Chain {en_quote(path)} loops back: "
                               f"{', '.join(en_quote(steps[k].item.name) for k in cyc)}"))
        for h in ch.handoffs:
            items = [steps[h.src].item, steps[h.dst].item]
            subject = f"{h.src_name} → {h.dst_name}"
            move = f"{'、'.join(h.from_owners)} → {'、'.join(h.to_owners)}"
            move_en = f"{en_list(h.from_owners)} → {en_list(h.to_owners)}"
            out.append(finding("chain.handoff", ch.township, subject, f"「{subject}」责任部门变更：{move}", items,
                               message_en=f"{en_quote(subject)}: the owner changes: {move_en}",
                               chain=ch.id, crossing=h.crossing, from_owners=h.from_owners, to_owners=h.to_owners))
            if h.crossing:
                out.append(finding("chain.level_crossing", ch.township, subject,
                                   f"「{subject}」跨层级移交（{h.crossing}）：{move}", items,
                                   message_en=f"{en_quote(subject)} is handed between levels "
                                   f"({_CROSSING_EN.get(h.crossing, en_quote(h.crossing))}): {move_en}",
                                   chain=ch.id, crossing=h.crossing, from_owners=h.from_owners, to_owners=h.to_owners))
        for k in ch.inspections_without_followup:
            s = steps[k]
            out.append(finding("chain.inspection_no_followup", ch.township, s.item.name,
                               f"检查事项「{s.item.name}」在链条「{path}」中没有后续处罚或强制环节", [s.item], chain=ch.id,
                               message_en=f"Inspection item {en_quote(s.item.name)} has no penalty or compulsory "
                               f"step after it in chain {en_quote(path)}"))
    out.extend(candidate_links(store, township, cards=cards, chain_list=chain_list))
    return sorted_findings(out)
