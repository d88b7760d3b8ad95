"""Editors: roles, scrypt cost and its upgrade, growing delay and lockout after failed sign-ins."""

from __future__ import annotations

import json

import pytest

from graphmodel.editors import (
    Editors,
    SCRYPT_N,
    SignInRefused,
    SignInThrottle,
    hash_password,
    load_editors,
    load_throttle,
    sign_in,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_new_hashes_use_scrypt_at_2_to_the_17(tmp_path):
    eds = load_editors(tmp_path)
    eds.add("王五", "pw")
    entry = json.loads((tmp_path / "editors.json").read_text(encoding="utf-8"))["王五"]
    assert (entry["n"], entry["r"], entry["p"]) == (2**17, 8, 1) and SCRYPT_N == 2**17
    assert entry["role"] == "编辑" and "pw" not in json.dumps(entry)


def test_an_old_cheaper_hash_is_upgraded_at_the_next_sign_in(tmp_path):
    (tmp_path / "editors.json").write_text(json.dumps({"王五": hash_password("pw", n=2**14)}), encoding="utf-8")
    eds = load_editors(tmp_path)
    with pytest.raises(SignInRefused):
        sign_in(eds, "王五", "wrong")
    assert json.loads((tmp_path / "editors.json").read_text())["王五"]["n"] == 2**14  # no upgrade on a failure
    assert sign_in(eds, "王五", "pw") == "王五"
    stored = json.loads((tmp_path / "editors.json").read_text())["王五"]
    assert stored["n"] == 2**17
    assert load_editors(tmp_path).verify("王五", "pw") and not load_editors(tmp_path).verify("王五", "wrong")


def test_roles_record_confirm_and_read_only(tmp_path):
    eds = load_editors(tmp_path)
    eds.add("记录员", "a", "编辑")
    eds.add("县审核员", "b", "审核")
    eds.add("观察员", "c", "只读")
    assert sign_in(eds, "记录员", "a") == "记录员"
    with pytest.raises(SignInRefused, match="审核"):
        sign_in(eds, "记录员", "a", action="confirm")
    assert sign_in(eds, "县审核员", "b", action="confirm") == "县审核员"
    with pytest.raises(SignInRefused, match="只读"):
        sign_in(eds, "观察员", "c")
    with pytest.raises(Exception, match="unknown role"):
        eds.add("x", "y", "管理员")


def test_failed_sign_ins_slow_down_then_lock_out_per_name():
    clock = Clock()
    throttle = SignInThrottle(clock=clock)
    eds = Editors({"王五": hash_password("pw", n=2**10)})
    for _ in range(SignInThrottle.FREE):  # free tries
        with pytest.raises(SignInRefused, match="wrong"):
            sign_in(eds, "王五", "guess", throttle=throttle, client="a")
    with pytest.raises(SignInRefused, match="try again in 1 s"):  # the right password waits too
        sign_in(eds, "王五", "pw", throttle=throttle, client="b")
    waits = []
    for _ in range(SignInThrottle.LOCKOUT - SignInThrottle.FREE):
        clock.now += throttle.wait_left("王五", "a")
        waits.append(throttle.wait_left("王五", "a"))
        with pytest.raises(SignInRefused):
            sign_in(eds, "王五", "guess", throttle=throttle, client="a")
    assert waits[0] == 0  # each try was allowed once its wait was over …
    delays = [throttle._delay(n) for n in range(SignInThrottle.FREE, SignInThrottle.LOCKOUT)]
    assert delays == sorted(delays) and delays[-1] > delays[0]  # … and the waits grew
    assert throttle.wait_left("王五", "c") == SignInThrottle.LOCKOUT_SECONDS  # locked out, from any client
    clock.now += SignInThrottle.LOCKOUT_SECONDS
    assert sign_in(eds, "王五", "pw", throttle=throttle, client="c") == "王五"
    assert throttle.wait_left("王五", "a") == 0  # a success clears the name's count


def test_one_client_guessing_many_names_is_slowed_too():
    clock = Clock()
    throttle = SignInThrottle(clock=clock)
    eds = Editors({"王五": hash_password("pw", n=2**10)})
    for i in range(SignInThrottle.FREE):
        with pytest.raises(SignInRefused):
            sign_in(eds, f"猜{i}", "x", throttle=throttle, client="10.0.0.9")
    assert throttle.wait_left("新名字", "10.0.0.9") > 0
    assert throttle.wait_left("新名字", "10.0.0.8") == 0


def test_the_throttle_counts_across_processes_through_its_file(tmp_path):
    first = load_throttle(tmp_path)
    for _ in range(SignInThrottle.FREE + 1):
        first.failed("王五", "cli:alice")
    assert load_throttle(tmp_path).wait_left("王五", "cli:bob") > 0  # another run sees the count
