"""Several processes writing one embedded store file at once: every write kept, ids unique.

Before the file lock, four processes recording five decisions each all exited 0 while 10 of
the 20 decisions were lost and D1 was issued four times.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from graphmodel import open_store
from graphmodel.file_lock import FileLock, StoreBusy
from graphmodel.memory_store import FILE_NAME, MemoryStore
from graphmodel.review import Op
from test_memory_file import small_list

ROOT = Path(__file__).resolve().parents[2]
WRITERS, WRITES = 4, 5
TOWN = "并发镇"

# One worker: opens the store once at start (as the dashboard and a long CLI run do), waits for
# the others, then makes WRITES writes of each kind on the copy it read at start.
_WORKER = textwrap.dedent('''
    import sys, time
    sys.path[:0] = [sys.argv[1], sys.argv[1] + "/tests/graphmodel"]
    from graphmodel import open_store
    from graphmodel.review import Op
    from test_memory_file import small_list
    data, n, writes, town, go = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], float(sys.argv[6])
    s = open_store("memory", data_dir=data)
    while time.time() < go:
        time.sleep(0.005)
    for j in range(writes):
        s.replace_township(small_list(f"并发{n}-{j}镇"), editor=f"导入员{n}")
        s.record_meeting(town, f"会议{n}-{j}", "2025-01-01", editor=f"编辑{n}")
        s.record_decision(town, [Op("add_item", fields=(("name", f"新增事项{n}-{j}"), ("code", f"N{n}-{j}")))],
                          editor=f"编辑{n}")
        s.submit_request(town, f"申请{n}-{j}", "自然资源所", editor=f"编辑{n}")
''')


def _run_writers(data: Path, writers: int, writes: int) -> list[subprocess.CompletedProcess]:
    go = time.time() + 3.0  # all start together, after every interpreter is up
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DUTYGRAPH_LOCK_TIMEOUT": "120"}
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, str(ROOT), str(data), str(n), str(writes), TOWN, str(go)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n in range(writers)]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=300)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def test_parallel_processes_lose_no_write_and_issue_unique_ids(tmp_path):
    open_store("memory", data_dir=tmp_path).replace_township(small_list(TOWN), editor="导入员")
    results = _run_writers(tmp_path, WRITERS, WRITES)
    assert [r.returncode for r in results] == [0] * WRITERS, [r.stderr[-2000:] for r in results]

    store = MemoryStore(tmp_path)
    names = {t.name for t in store.townships()}
    assert {f"并发{n}-{j}镇" for n in range(WRITERS) for j in range(WRITES)} <= names  # every import
    total = WRITERS * WRITES
    meetings, decisions, requests = store.meetings(TOWN), store.decisions(TOWN), store.requests(TOWN)
    assert sorted(m.title for m in meetings) == sorted(f"会议{n}-{j}" for n in range(WRITERS) for j in range(WRITES))
    assert len({m.id for m in meetings}) == total
    assert len(decisions) == total and len({d.id for d in decisions}) == total
    assert len(requests) == total and len({c.id for c in requests}) == total
    items = {i.name for i in store.nodes("DutyItem", TOWN)}
    assert {f"新增事项{n}-{j}" for n in range(WRITERS) for j in range(WRITES)} <= items  # every decision applied
    trail = store.audit_trail(TOWN)
    assert sorted(e.seq for e in trail) == list(range(1, len(trail) + 1))


def test_a_store_open_in_another_process_sees_and_keeps_new_writes(tmp_path):
    """The dashboard's case: a long-lived store must not erase what the CLI wrote meanwhile."""
    from graphmodel.review import Op
    long_lived = open_store("memory", data_dir=tmp_path)
    long_lived.replace_township(small_list(TOWN), editor="导入员")
    cli = MemoryStore(tmp_path)  # another process, as far as the file is concerned
    d1 = cli.record_decision(TOWN, [Op("add_item", fields=(("name", "甲事项"),))], editor="甲")
    assert long_lived.refresh() is True  # it sees the change
    assert "甲事项" in {i.name for i in long_lived.nodes("DutyItem", TOWN)}
    assert long_lived.refresh() is False  # nothing new
    cli.record_decision(TOWN, [Op("add_item", fields=(("name", "乙事项"),))], editor="甲")
    d3 = long_lived.record_decision(TOWN, [Op("add_item", fields=(("name", "丙事项"),))], editor="乙")
    assert d3.id != d1.id and d3.id == "D3"  # the writer re-read the file under the lock
    names = {i.name for i in MemoryStore(tmp_path).nodes("DutyItem", TOWN)}
    assert {"甲事项", "乙事项", "丙事项"} <= names


def test_a_held_lock_makes_a_writer_wait_then_fail_with_a_clear_message(tmp_path, monkeypatch):
    store = MemoryStore(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f'''
        import fcntl, os, sys, time
        fd = os.open({str(tmp_path / (FILE_NAME + ".lock"))!r}, os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, str(os.getpid()).encode()); print("held", flush=True)
        time.sleep(60)
    ''')], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setenv("DUTYGRAPH_LOCK_TIMEOUT", "0.5")
        waits: list[str] = []
        store.file_lock.on_wait = waits.append
        with pytest.raises(StoreBusy, match=rf"pid {holder.pid}.*gave up after 0.5 s"):
            store.replace_township(small_list(), editor="甲")
        assert waits and str(holder.pid) in waits[0]
        assert not (tmp_path / FILE_NAME).exists()  # nothing written
    finally:
        holder.kill()
        holder.wait()
    store.replace_township(small_list(), editor="甲")  # the kernel dropped the dead holder's lock
    assert (tmp_path / FILE_NAME).exists()


def test_temp_files_of_a_killed_save_are_removed_on_next_open(tmp_path):
    MemoryStore(tmp_path).replace_township(small_list(), editor="甲")
    stale = tmp_path / f".{FILE_NAME}.abc123.tmp"
    stale.write_bytes(b'{"format": "dutygraph-memo')  # what a kill -9 in the middle of a save leaves
    MemoryStore(tmp_path)
    assert not stale.exists()


def test_temp_files_are_kept_while_another_process_saves(tmp_path):
    lock = FileLock(tmp_path / (FILE_NAME + ".lock"))
    saving = tmp_path / f".{FILE_NAME}.live.tmp"
    saving.write_bytes(b"{")
    with lock():  # a save in progress holds the lock: its temp file is not stale
        subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                        f"from graphmodel.memory_store import MemoryStore; MemoryStore({str(tmp_path)!r})"], check=True)
    assert saving.exists()


def test_lock_file_is_not_followed_through_a_symlink(tmp_path):
    target = tmp_path / "elsewhere"
    target.write_text("keep")
    (tmp_path / (FILE_NAME + ".lock")).symlink_to(target)
    store = MemoryStore(tmp_path)
    with pytest.raises(Exception, match="lock"):
        store.replace_township(small_list(), editor="甲")
    assert target.read_text() == "keep"


def test_kill_9_during_saves_leaves_a_whole_file_and_no_temp_files(tmp_path):
    """A writer killed at random moments: the file is always whole, the next open removes its temp files."""
    import random
    import signal

    MemoryStore(tmp_path).replace_township(small_list(TOWN), editor="甲")
    loop = textwrap.dedent(f'''
        import sys
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests" / "graphmodel")!r}]
        from graphmodel.memory_store import MemoryStore
        from graphmodel.review import Op
        s = MemoryStore({str(tmp_path)!r})
        print("ready", flush=True)
        n = 0
        while True:
            n += 1
            s.record_meeting({TOWN!r}, f"会议{{n}}", "2025-01-01", editor="甲")
    ''')
    rng = random.Random(12)
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", loop], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        store = MemoryStore(tmp_path)  # loads: the file is whole
        assert TOWN in {t.name for t in store.townships()}
        assert not list(tmp_path.glob(f".{FILE_NAME}.*.tmp"))
    meetings = MemoryStore(tmp_path).meetings(TOWN)
    assert len({m.id for m in meetings}) == len(meetings)
