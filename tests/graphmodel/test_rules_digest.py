"""The kept text pairs' and topics' versions follow the files their rules live in."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from graphmodel.rules_digest import rules_digest
from graphmodel.text_similarity import TEXT_PAIRS_VERSION
from graphmodel.text_topics import TOPICS_VERSION

_PAIR_FILES = ("text_similarity.py", "normalize.py", "vocab.py")
_TOPIC_FILES = ("text_topics.py", "data/topic_generic_words.csv", "normalize.py", "vocab.py")


def _copy(tmp_path: Path, names: tuple[str, ...]) -> Path:
    src = resources.files("graphmodel")
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(str(src.joinpath(name)), tmp_path / name)
    return tmp_path


def test_the_versions_are_the_digests_of_the_rule_files(tmp_path):
    copy = _copy(tmp_path, tuple(dict.fromkeys(_PAIR_FILES + _TOPIC_FILES)))
    assert rules_digest(*_PAIR_FILES, base=copy) == TEXT_PAIRS_VERSION
    assert rules_digest(*_TOPIC_FILES, base=copy) == TOPICS_VERSION
    assert TEXT_PAIRS_VERSION != TOPICS_VERSION


def test_an_edit_to_a_threshold_or_a_word_table_changes_the_version(tmp_path):
    copy = _copy(tmp_path, tuple(dict.fromkeys(_PAIR_FILES + _TOPIC_FILES)))
    rule = copy / "text_similarity.py"
    rule.write_text(rule.read_text(encoding="utf-8").replace("NAME_THRESHOLD = 0.7", "NAME_THRESHOLD = 0.75"),
                    encoding="utf-8")
    edited = rules_digest(*_PAIR_FILES, base=copy)
    assert edited != TEXT_PAIRS_VERSION
    words = copy / "data/topic_generic_words.csv"
    words.write_text(words.read_text(encoding="utf-8") + "巡逻\n", encoding="utf-8")
    assert rules_digest(*_TOPIC_FILES, base=copy) != TOPICS_VERSION
    assert rules_digest(*_PAIR_FILES, base=copy) == edited  # the pairs do not read the word table
