"""Lookup in plain words: everyday questions on the bundled sample, synonyms users extend,
and "没有把握" instead of a confident wrong answer."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from queries.lookup import answer, load_synonyms, lookup, translate

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parents[1] / "loaders" / "sample_data" / "XX镇履行职责事项清单.xlsx"
with (HERE / "lookup_questions.csv").open(encoding="utf-8") as f:
    QUESTIONS = [(r["question"], r["expected"]) for r in csv.DictReader(f)]


@pytest.fixture(scope="module")
def sample_list():
    from loaders import read_list

    return read_list(SAMPLE).tlist


@pytest.fixture
def sample(store, sample_list):
    store.replace_township(sample_list)
    return store


def test_the_question_set_is_large_and_names_real_items(sample_list):
    names = {i.name for i in sample_list.items}
    answered = [w for _, w in QUESTIONS if w]
    assert len(answered) >= 40 and set(answered) <= names
    assert any(not w for _, w in QUESTIONS)  # and some questions the list cannot answer


def test_everyday_questions_hit(sample):
    top1 = top3 = 0
    wrong = []
    for q, want in QUESTIONS:
        hits = lookup(sample, q, limit=3)
        if not want:
            assert not any(h.confident for h in hits), (q, [(h.item.name, h.confidence) for h in hits])
            continue
        names = [h.item.name for h in hits]
        top1 += names[:1] == [want]
        top3 += want in names
        if names[:1] != [want]:
            wrong.append((q, want, names))
    n = sum(1 for _, w in QUESTIONS if w)
    assert top1 / n >= 0.9, wrong
    assert top3 == n, wrong


def test_unsure_answers_say_so(sample):
    a = answer(sample, "狗咬人了找谁")
    assert not a.confident and a.message.startswith("没有把握")
    sure = answer(sample, "我想领结婚证找谁")
    assert sure.confident and sure.message.startswith("婚姻登记：")


def test_a_weak_shared_word_is_not_a_confident_answer(build, load):
    # street trading vs a fireworks-retail inspection: they share only 经营
    build.item("烟花爆竹零售经营检查", leads=["综合行政执法队"], power_type="行政检查")
    store = load(build)
    hits = lookup(store, "街上摆摊卖东西谁管")
    assert [h.item.name for h in hits] == ["烟花爆竹零售经营检查"] and not hits[0].confident
    assert answer(store, "街上摆摊卖东西谁管").message == "没有把握：最接近的是「烟花爆竹零售经营检查」，请核对。"
    build.item("占道经营行为处罚", leads=["综合行政执法队"], power_type="行政处罚")
    best = lookup(load(build), "街上摆摊卖东西谁管")[0]
    assert best.item.name == "占道经营行为处罚" and best.confident


def test_users_extend_the_synonym_table(sample, tmp_path):
    assert translate("上户口")[1] == ("户口登记", "户籍")
    own = tmp_path / "mine.csv"
    own.write_text("everyday,list_words,note\n红本本,不动产登记,\n", encoding="utf-8")
    assert load_synonyms(own) == {"红本本": ("不动产登记",)}
    assert lookup(sample, "办红本本", synonyms=own, limit=1)[0].item.name == "不动产登记"
    bad = tmp_path / "bad.csv"
    bad.write_text("everyday,list_words\n红本本,\n", encoding="utf-8")
    from graphmodel import InvalidArgument

    with pytest.raises(InvalidArgument, match="row 2"):
        load_synonyms(bad)
