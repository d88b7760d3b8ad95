"""The duty-text reader: the labelled cases, evidence positions, scope, negation, the extensible lexicon."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from graphmodel import InvalidArgument
from queries.texts import LEXICON_ENV, bracketed, load_lexicon, read_text

CASES = Path(__file__).resolve().parents[1] / "data" / "duty_text_cases.csv"


def _cases():
    with CASES.open(encoding="utf-8") as f:
        return [(r["text"], r["owner"], r["expected"]) for r in csv.DictReader(f)]


@pytest.mark.parametrize(("text", "owner", "expected"), _cases())
def test_labelled_case(text, owner, expected):
    got = Counter((h.span, h.tag) for h in read_text(text, owner).hits)
    assert got == Counter(tuple(p.rsplit(":", 1)) for p in expected.split())


def test_hits_point_into_the_text():
    text = "配合县消防救援大队开展消防安全检查，提供场所信息；负责辖区污水处理设施日常运行"
    reading = read_text(text)
    for h in reading.hits:
        assert text[h.start:h.end] == h.span
        assert text[h.clause_start:h.clause_end].count(h.span) >= 1
    assert [h.span for h in reading.substantive()] == ["负责", "日常运行"]
    assert bracketed(text, reading.substantive()) == "[负责]辖区污水处理设施[日常运行]"


def test_scope_and_negation_are_rules_with_names():
    r = read_text("协助县局开展检查并负责整改，不再组织验收")
    rules = [(h.span, h.rule) for h in r.hits]
    assert ("检查", "scope:协助") in rules and ("负责", "lexicon:负责") in rules
    assert ("组织", "negation:不再") in rules
    assert [h.span for h in r.substantive()] == ["负责", "整改"]


def test_actor_of_a_clause():
    r = read_text("由县农业农村局负责审批，村（社区）负责初审，镇负责登记")
    assert [(h.span, h.actor) for h in r.substantive(None) + r.substantive("county") + r.substantive("village")] == [
        ("负责", "township"), ("登记", "township"), ("负责", "county"), ("审批", "county"),
        ("负责", "village"), ("初审", "village")]


def test_powers_are_marked():
    r = read_text("负责日常检查、巡查，收取保洁费，并统计上报", "village")
    assert {h.span: h.power for h in r.substantive()} == {"负责": False, "检查": True, "巡查": False, "收取": True,
                                                          "统计": False}


def test_users_extend_the_lexicon_without_code(tmp_path, monkeypatch):
    assert read_text("负责垃圾清运").substantive()[-1].span == "负责"
    extra = tmp_path / "mine.csv"
    extra.write_text("term,class,action,strength,power,note\n清运,substantive,处置,strong,,\n负责,supporting,协助,,,\n",
                     encoding="utf-8")
    lex = load_lexicon(str(extra))
    r = read_text("负责垃圾清运", lexicon=lex)
    assert [(h.span, h.tag) for h in r.hits] == [("负责", "supporting"), ("清运", "supporting")]
    monkeypatch.setenv(LEXICON_ENV, str(extra))
    load_lexicon.cache_clear()
    try:
        assert [h.span for h in read_text("派人清运").substantive()] == ["清运"]
    finally:
        monkeypatch.delenv(LEXICON_ENV)
        load_lexicon.cache_clear()


@pytest.mark.parametrize(("row", "words"), [
    ("检查,verb,,,,", ["mine.csv row 2", "column class", "'verb'"]),
    ("检查,substantive,检查,,,", ["row 2", "column strength"]),
    ("县里,actor,province,,,", ["row 2", "column action"]),
    (",supporting,,,,", ["row 2", "column term"]),
])
def test_a_bad_lexicon_row_is_named(tmp_path, row, words):
    extra = tmp_path / "mine.csv"
    extra.write_text("term,class,action,strength,power,note\n" + row + "\n", encoding="utf-8")
    with pytest.raises(InvalidArgument) as e:
        load_lexicon(str(extra))
    assert all(w in str(e.value) for w in words)
