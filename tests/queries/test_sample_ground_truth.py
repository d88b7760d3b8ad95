"""The bundled sample (loaders/sample_data) against its ground truth planted.json: every query
finds exactly what was planted and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphmodel.normalize import normalise_law_title
from queries import (
    burden,
    chains,
    coverage,
    gaps,
    handshake,
    legal,
    overlaps,
    ownership,
    run_audit,
    villages,
)
from queries import authority, duplicates, text_checks, topics

SAMPLE = Path(__file__).resolve().parents[2] / "loaders" / "sample_data"
PLANTED = json.loads((SAMPLE / "planted.json").read_text(encoding="utf-8"))

#: Findings beyond what planted.json lists, each checked here and explained.
EXTRA = {
    # 安全生产检查 names a next step missing from the list (planted "dangling_next"); the inspection and the
    # penalty item on the same subject are led by different offices and not chained: a candidate link.
    "chain.candidate_link": {"安全生产检查 → 安全生产违法行为处罚"},
}


@pytest.fixture(scope="module")
def sample_list():
    loaders = pytest.importorskip("loaders")
    return loaders.read_list([SAMPLE / PLANTED["files"]["xlsx"]]).tlist


@pytest.fixture
def sample(store, sample_list):
    store.replace_township(sample_list)
    return store


def names(findings):
    return sorted(f.subject for f in findings)


def test_overlaps(sample):
    found = {f.subject: sorted(n.name for d in f.items for n in d.departments if n.role == "牵头")
             for f in overlaps.multi_lead(sample)}
    assert found == {k: sorted(v) for k, v in PLANTED["overlaps"].items()}
    pairs = sorted(sorted(f.subject.split(" / ")) for f in overlaps.near_duplicates(sample))
    # the query also sees the cross-part duplicates (their leads differ); the audit reports those once, as
    # overlap.cross_part_duplicate
    assert pairs == sorted([sorted(p["items"]) for p in PLANTED["near_duplicates"]["pairs"]]
                           + [sorted(p["items"]) for p in PLANTED["cross_part_duplicates"]])
    assert overlaps.cooperate_township_lead(sample) == ()


def test_shared_articles(sample):
    planted = {p["basis"]: (sorted(p["items"]), sorted(p["offices"])) for p in PLANTED["shared_articles"]}
    every = overlaps.shared_articles(sample, include_whole_law=True, min_items=1)
    assert {dict(f.details)["basis"]: (sorted(i.name for i in f.items), dict(f.details)["offices"].split("、"))
            for f in every} == planted
    default = {dict(f.details)["basis"] for f in overlaps.shared_articles(sample)}
    assert default == {b for b, (items, _) in planted.items() if "#" in b and len(items) >= 2}


def test_gaps_and_ownership(sample):
    assert names(gaps.no_lead(sample)) == sorted(PLANTED["no_lead"])
    assert {f.subject: dict(f.details)["lead_text"] for f in gaps.unconfirmed(sample)} == PLANTED["placeholder_lead"]
    assert names(gaps.withdrawn_township_lead(sample)) == sorted(PLANTED["withdrawn_led_by_township"])
    assert names(gaps.cooperate_no_county_lead(sample)) == sorted(PLANTED["cooperation_without_county"])
    assert {f.subject: dict(f.details)["village_text"] for f in gaps.village_text_unlinked(sample)} == \
        PLANTED["village_text_unlinked"]
    assert gaps.unknown_department(sample) == ()
    summary = dict(ownership.ownership_summary(sample))
    assert summary["gap"] == len(PLANTED["no_lead"]) and summary["unconfirmed"] == len(PLANTED["placeholder_lead"])
    assert summary["shared"] == len(PLANTED["overlaps"]) and sum(summary.values()) == PLANTED["counts"]["items"]


def test_coverage(sample):
    cov = coverage.item_coverage(sample)
    assert sorted(c.item.name for c in cov if "time_limit" in c.missing) == sorted(PLANTED["no_time_limit"])
    assert sorted(c.item.name for c in cov if "basis" in c.missing) == sorted(PLANTED["no_basis"])
    assert sum("code" in c.missing for c in cov) == PLANTED["counts"]["items_without_code"]
    counts = {p.power_type: p.total for p in coverage.power_type_counts(sample) if p.total}
    assert counts == PLANTED["counts"]["items_by_power_type"]
    assert [p.power_type for p in coverage.power_type_counts(sample) if not p.standard] == \
        sorted(set(PLANTED["nonstandard_power_types"]["outside_ten"].values()))
    loads = {d.name: d for d in coverage.department_load(sample)}
    assert {n: d.level for n, d in loads.items()} == PLANTED["departments"]
    assert sorted(v.name for v in coverage.village_roles(sample)) == sorted(PLANTED["villages"])


def test_legal(sample):
    assert names(legal.no_basis(sample)) == sorted(PLANTED["no_basis"])
    found = {f.subject: dict(f.details)["titles"].split("、") for f in legal.inconsistent_titles(sample)}
    assert found == {k: sorted(v) for k, v in PLANTED["inconsistent_law_titles"].items()}
    laws = {u.law for u in legal.most_cited(sample, by_law=True, limit=None)}
    assert laws == {normalise_law_title(t) for t in PLANTED["laws"]}


def test_villages(sample):
    found = {f.subject: sorted(dict(f.details)["missing"].split("、")) for f in villages.missing_villages(sample)}
    assert found == {k: sorted(v) for k, v in PLANTED["village_partial"].items()}


def test_chains(sample):
    got = {ch.steps[0].item.name: ch for ch in chains.chains(sample)}
    assert len(got) == len(PLANTED["chains"])
    for planted in PLANTED["chains"]:
        ch = got[planted["items"][0]]
        assert [s.item.name for s in ch.steps] == planted["items"]
        assert [list(s.owners) for s in ch.steps] == [sorted(s["leads"]) for s in planted["steps"]]
        assert [s.item.name for s in ch.steps if s.broken] == planted["unowned_steps"]
        assert [(h.src_name, h.dst_name, h.crossing == "镇→县", h.crossing == "县→镇") for h in ch.handoffs] == [
            (h["from"], h["to"], h["crosses_to_county"], h["crosses_to_township"]) for h in planted["handoffs"]]
        assert ch.cycles == () and ch.inspections_without_followup == ()
    assert names(chains.candidate_links(sample)) == sorted(EXTRA["chain.candidate_link"])


def _expected_unfolded(sample):
    expected = {
        "overlap.multi_lead": set(PLANTED["overlaps"]),
        "overlap.near_duplicate": {" / ".join(p["items"][::-1]) for p in PLANTED["near_duplicates"]["pairs"]},
        "overlap.cross_part_duplicate": {" / ".join(p["items"]) for p in PLANTED["cross_part_duplicates"]},
        "text.withdrawn_in_name": set(PLANTED["withdrawn_in_name"]),
        "text.cooperate_does_lead": set(PLANTED["cooperate_does_lead"]),
        "village.burden": set(PLANTED["village_burden"]),
        "topic.spread": set(PLANTED["topic_spread"]),
        # no 赋权 list imported here: the delegated items count as not empowered
        "legal.not_empowered": {n for n, v in PLANTED["legal_authority"]["items"].items()
                                if v["without_delegation"] == "not_empowered"},
        "legal.authority_unverified": {n for n, v in PLANTED["legal_authority"]["items"].items()
                                       if v["without_delegation"] == "unverified"},
        "overlap.shared_article": {f.subject for f in overlaps.shared_articles(sample)},
        "gap.no_lead": set(PLANTED["no_lead"]),
        "gap.withdrawn_township_lead": set(PLANTED["withdrawn_led_by_township"]),
        "gap.cooperate_no_county_lead": set(PLANTED["cooperation_without_county"]),
        "gap.village_text_unlinked": set(PLANTED["village_text_unlinked"]),
        "ownership.unconfirmed": set(PLANTED["placeholder_lead"]),
        "legal.no_basis": set(PLANTED["no_basis"]),
        "legal.inconsistent_title": set(PLANTED["inconsistent_law_titles"]),
        "village.missing_villages": set(PLANTED["village_partial"]),
        "coverage.missing_fields": set(PLANTED["no_time_limit"])
        | {n for n, it in PLANTED["items"].items() if not it["code"]},
        "chain.broken_step": {s for c in PLANTED["chains"] for s in c["unowned_steps"]},
        "chain.handoff": {f"{h['from']} → {h['to']}" for c in PLANTED["chains"] for h in c["handoffs"]},
        "chain.level_crossing": {f"{h['from']} → {h['to']}" for c in PLANTED["chains"] for h in c["handoffs"]
                                 if h["crosses_to_county"] or h["crosses_to_township"]},
        **EXTRA,
    }
    return {k: v for k, v in expected.items() if v}


def _by_kind(findings):
    got: dict[str, set[str]] = {}
    for f in findings:
        got.setdefault(f.kind, set()).add(f.subject)
    return got


def test_audit_finds_nothing_unplanted(sample):
    a = run_audit(sample, fold=False)
    assert _by_kind(a.findings) == _expected_unfolded(sample)
    assert handshake.handshake(sample) == ()
    assert a.items == PLANTED["counts"]["items"]


def test_audit_folds_restatements(sample):
    """Folded on purpose (queries.folding): an unowned step is one finding with its gap, a hand-off
    into or out of it is said there too, and a level crossing is said once per link."""
    expected = _expected_unfolded(sample)
    owner_gaps = set(PLANTED["no_lead"]) | set(PLANTED["placeholder_lead"])
    unowned = {s for c in PLANTED["chains"] for s in c["unowned_steps"]}
    assert unowned and unowned <= owner_gaps
    links = [h for c in PLANTED["chains"] for h in c["handoffs"]]
    crossing = {f"{h['from']} → {h['to']}" for h in links if h["crosses_to_county"] or h["crosses_to_township"]}
    touching = {f"{h['from']} → {h['to']}" for h in links if {h["from"], h["to"]} & unowned}
    expected.pop("chain.broken_step")
    expected["chain.handoff"] -= crossing | touching
    expected["chain.level_crossing"] -= touching  # a hand-off out of an unowned step is said by its gap
    expected["gap.cooperate_no_county_lead"] -= owner_gaps
    a = run_audit(sample)
    assert _by_kind(a.findings) == {k: v for k, v in expected.items() if v}
    related = {f.subject: set(f.related) for f in a.findings if f.related}
    assert all("chain.broken_step" in related[s] for s in unowned)
    assert all(related[s] == {"chain.handoff"} for s in crossing - touching)
    # every kind found is still named for scripts (--fail-on, counts.by_kind)
    assert {k for k, n in a.counts.items() if n} == {k for k, n in run_audit(sample, fold=False).counts.items() if n}


def _spans(f):
    return dict(f.details)["spans"].split("、")


def test_texts_withdrawn_and_cooperation(sample):
    for kind, query in (("withdrawn_in_name", text_checks.withdrawn_in_name),
                        ("cooperate_does_lead", text_checks.cooperate_does_lead)):
        found = {f.subject: f for f in query(sample)}
        assert {n: _spans(f) for n, f in found.items()} == {n: p["spans"] for n, p in PLANTED[kind].items()}
        for name, f in found.items():
            text = PLANTED[kind][name]["text"]
            assert dict(f.details)["text"] == text and f.severity == "high"
            # the CLI shows the clause with each span in brackets
            assert all(f"[{sp}]" in f.message for sp in PLANTED[kind][name]["spans"])
            assert dict(f.details)["evidence"].replace("[", "").replace("]", "") in text


def test_texts_village_burden(sample):
    found = {f.subject: f for f in burden.village_burden(sample)}
    planted = PLANTED["village_burden"]
    assert {n: (_spans(f), f.severity) for n, f in found.items()} == \
        {n: (p["spans"], p["severity"]) for n, p in planted.items()}
    assert {n: sorted(dict(f.details)["villages"].split("、")) for n, f in found.items()} == \
        {n: sorted(p["villages"]) for n, p in planted.items()}


def test_texts_lookalikes_are_left_alone(sample):
    flagged = {f.subject for f in (*text_checks.withdrawn_in_name(sample), *text_checks.cooperate_does_lead(sample),
                                   *burden.village_burden(sample))}
    assert PLANTED["text_lookalikes"] and not flagged & set(PLANTED["text_lookalikes"])


def test_cross_part_duplicates_and_topics(sample):
    got = [(f.subject, dict(f.details)["parts"]) for f in duplicates.cross_part_duplicates(sample)]
    assert sorted(got) == sorted((" / ".join(p["items"]), " / ".join(p["parts"]))
                                 for p in PLANTED["cross_part_duplicates"])
    found = {f.subject: f for f in topics.topic_spread(sample)}
    assert {t: (sorted(i.name for i in f.items), sorted(dict(f.details)["offices"].split("、")))
            for t, f in found.items()} == {t: (p["items"], p["offices"]) for t, p in PLANTED["topic_spread"].items()}


def test_village_loads_and_matrix(sample):
    per_village = {v: sum(v in it["villages"] for it in PLANTED["items"].values()) for v in PLANTED["villages"]}
    loads = {v.village: v for v in burden.village_loads(sample)}
    assert {v: ld.items for v, ld in loads.items()} == per_village
    planted = PLANTED["village_burden"]
    assert {v: ld.burden_items for v, ld in loads.items()} == \
        {v: sum(v in p["villages"] for p in planted.values()) for v in per_village}
    assert {v: ld.power_items for v, ld in loads.items()} == \
        {v: sum(v in p["villages"] for p in planted.values() if p["severity"] == "high") for v in per_village}
    assert burden.village_overloaded(sample) == ()  # no village near the default ceiling or 1.5 × the median
    top = max(per_village.values())
    assert {f.subject for f in burden.village_overloaded(sample, ceiling=top - 1)} == \
        {v for v, n in per_village.items() if n == top}
    m = burden.village_actions(sample)
    assert m.villages == tuple(sorted(per_village)) and set(m.powers) == {"检查", "收费"}
    fee = m.actions.index("收费")
    assert [row[fee] for row in m.counts] == [sum(v in p["villages"] for n, p in planted.items()
                                                   if any(sp in ("代收代缴", "收取") for sp in p["spans"]))
                                               for v in m.villages]


def test_legal_authority_with_the_delegation_list(sample):
    from loaders.delegations import import_delegations

    truth = PLANTED["legal_authority"]
    path = SAMPLE / truth["delegation_file"]
    read, changed = import_delegations(sample, path, "XX镇", editor="测试")
    assert changed and read.skipped_other_townships == 1
    assert {d.item for d in sample.delegations("XX镇")} == \
        {n for n, v in truth["items"].items() if v["verdict"] == "delegated"} | {"渔业捕捞许可"}
    assert import_delegations(sample, path, "XX镇", editor="测试")[1] is False  # the same list again: no change
    assert [e.target for e in sample.audit_trail("XX镇")].count("delegations") == 1
    found = {f.subject: f.kind for f in authority.legal_authority(sample)}
    want = {n: {"not_empowered": "legal.not_empowered", "unverified": "legal.authority_unverified"}[v["verdict"]]
            for n, v in truth["items"].items() if v["verdict"] != "delegated"}
    assert found == want
    for f in authority.legal_authority(sample):
        assert dict(f.details)["sources"] and all(b in f.message for b in dict(f.details)["bases"].split("、"))
