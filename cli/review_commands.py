"""Review verbs: editor, meeting, decide, request, rounds, diff, history, trail (and the review exports).

Changing verbs need an editor sign-in: ``--editor NAME`` and the password from
``$DUTYGRAPH_PASSWORD`` or a prompt, checked against the editors file
(``dutygraph editor add NAME``) or ``$DUTYGRAPH_EDITORS``.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from graphmodel import DutyStore, InvalidArgument, ItemFilter, NotFound
from graphmodel.editors import ROLES, load_editors
from graphmodel.report import make_report, to_plain
from graphmodel.listedit import fold_villages
from graphmodel.review import Op, describe_decision
from loaders import load_aliases
from loaders.review_exports import (
    collect_minutes,
    export_clarified,
    write_minutes,
    write_tables_xlsx,
)
from loaders.writers import resolve_township
from queries._common import KINDS
from queries.report_tables import audit_tables
from queries.rounds import coverage_trend, diff_rounds, finding_changes, item_history

from .context import Settings, handle_errors, pass_settings, store_options
from .signin import signed_in

__all__ = ["decide", "diff", "editor", "export_review", "history", "meeting", "request", "rounds", "trail"]

_EDITOR_HELP = "编辑人（密码取 $DUTYGRAPH_PASSWORD 或提示输入）。Editor name (password from $DUTYGRAPH_PASSWORD or a prompt)."


def _console() -> Console:
    return Console(width=160)


def _emit(settings: Settings, as_json: bool, results, counts: dict | None = None, lines: list[str] | None = None) -> None:
    if as_json:
        settings.as_json = True
        click.echo(json.dumps(make_report(results=results, counts=counts), ensure_ascii=False, indent=2))
    else:
        for line in lines or []:
            click.echo(line)


def _signed_in(settings: Settings, name: str | None, action: str = "record") -> str:
    """The editor's name once the password checks out (see cli/signin.py)."""
    return signed_in(settings, name, action)


def _town(store: DutyStore, township: str | None) -> str:
    return resolve_township(store, township)


def _item(store: DutyStore, township: str, ref: str) -> str:
    """An item's key from its key, code or name."""
    cards = store.item_cards(ItemFilter(township=township))
    for test in (lambda c: c.key == ref, lambda c: c.item.code == ref, lambda c: c.item.label == ref,
                 lambda c: c.item.name == ref):
        found = [c.key for c in cards if test(c)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InvalidArgument(f"「{ref}」对应多个事项，请用事项编码 (several items match; use the key): {found[:5]}")
    raise NotFound(f"{township} 没有事项「{ref}」(no item with this key, code or name)")


def _dept_op(action: str, item: str, name: str, township: str, text: str = "", others: str = "") -> Op:
    dn = load_aliases().resolve(name, township)  # the name and level an import would give it
    return Op(action, item, dn.name, text, dn.level, others=others)


_FACET_WORDS = {"leads": "牵头 leads", "cooperators": "配合 cooperating", "villages": "村（社区） villages",
                "bases": "依据 bases"}


def preview_lines(preview, resolved, introduced) -> list[str]:
    """The preview of a decision as the lines ``decide record --dry-run`` prints."""
    lines = ["预览（未记录）preview (nothing recorded):"]
    for item in preview.items:
        lines.append(f"「{item.name}」")
        b, a = dict(item.before), dict(item.after)
        for f in _FACET_WORDS:
            was, now = (fold_villages(b[f]), fold_villages(a[f])) if f == "villages" else (b[f], a[f])
            if b[f] == a[f]:
                lines.append(f"  {_FACET_WORDS[f]}: {'、'.join(now) or '—'}")
            else:
                lines.append(f"  {_FACET_WORDS[f]}: {'、'.join(was) or '—'} → {'、'.join(now) or '—'}")
        for facet, who in item.dropped:
            lines.append(f"  ! {who} 不再出现在此事项上 (taken off the item)")
    if preview.departments_leaving:
        lines.append(f"离开清单的部门 departments leaving the list: {'、'.join(preview.departments_leaving)}")
    lines += [f"解决 resolves: {f.kind} {f.subject}" for f in resolved]
    lines += [f"新出现 creates: {f.kind} {f.subject}" for f in introduced]
    return lines


township_option = click.option("--township", default=None, help="乡镇（存储中只有一个时可省略）。Township (optional if the store holds one).")
json_option = click.option("--json", "as_json", is_flag=True, help="输出 JSON 报告。Print the JSON report.")
editor_option = click.option("--editor", "editor_name", default=None, envvar="DUTYGRAPH_EDITOR", help=_EDITOR_HELP)


# ---- editor ---------------------------------------------------------------------------------
@click.group("editor")
def editor() -> None:
    """管理编辑人（登录后才能修改清单）。Manage the editors who may change the list."""


@editor.command("add")
@click.argument("name")
@click.password_option("--password", prompt="密码 Password", help="密码（默认提示输入）。Password (prompted by default).")
@click.option("--role", default="编辑", type=click.Choice(list(ROLES)), show_default=True,
              help="角色：编辑 记录；审核 还可确认决定、批准变更申请；只读 不能修改。"
                   "Role: 编辑 records; 审核 also confirms and approves; 只读 changes nothing.")
@store_options
@pass_settings
@handle_errors
def editor_add(settings: Settings, name: str, password: str, role: str) -> None:
    """新增或重设编辑人（密码加盐哈希保存）。Add or reset an editor (the password is stored as a salted scrypt hash)."""
    eds = load_editors(settings.data_dir)
    eds.add(name, password, role)
    click.echo(f"已保存编辑人 Saved editor: {name} [{role}] ({eds.path})")


@editor.command("list")
@store_options
@pass_settings
@handle_errors
def editor_list(settings: Settings) -> None:
    """列出编辑人。List the editors."""
    eds = load_editors(settings.data_dir)
    for n in eds.names:
        click.echo(f"{n}\t{eds.role(n)}")


@editor.command("remove")
@click.argument("name")
@store_options
@pass_settings
@handle_errors
def editor_remove(settings: Settings, name: str) -> None:
    """删除编辑人。Remove an editor."""
    load_editors(settings.data_dir).remove(name)
    click.echo(f"已删除 Removed: {name}")


# ---- meeting ----------------------------------------------------------------------------------
@click.group("meeting")
def meeting() -> None:
    """会议（专题研讨、专班联审、专家评审）。Meetings of the review."""


@meeting.command("new")
@click.option("--title", required=True, help="会议名称。Title.")
@click.option("--date", "date", required=True, help="日期 YYYY-MM-DD。Date.")
@click.option("--participants", default="", help="参会人员，用、或逗号分隔。Participants, separated by 、 or commas.")
@click.option("--stage", default="专题研讨", type=click.Choice(["部门自评", "专班联审", "专家评审", "专题研讨"]),
              help="审核环节。Review stage.")
@township_option
@editor_option
@json_option
@store_options
@pass_settings
@handle_errors
def meeting_new(settings: Settings, title: str, date: str, participants: str, stage: str, township: str | None,
                editor_name: str | None, as_json: bool) -> None:
    """登记一次会议。Record a meeting (its decisions refer to it)."""
    who = _signed_in(settings, editor_name)
    store = settings.store()
    people = [p for p in participants.replace(",", "、").replace("，", "、").split("、") if p.strip()]
    m = store.record_meeting(_town(store, township), title, date, people, editor=who, stage=stage)
    _emit(settings, as_json, m, lines=[f"已登记会议 Meeting recorded: {m.id} {m.date} {m.title}"])


@meeting.command("list")
@township_option
@json_option
@store_options
@pass_settings
@handle_errors
def meeting_list(settings: Settings, township: str | None, as_json: bool) -> None:
    """列出会议。List the meetings."""
    store = settings.store()
    ms = store.meetings(_town(store, township))
    _emit(settings, as_json, ms, lines=[f"{m.id}\t{m.date}\t{m.stage}\t{m.title}\t{f'第{m.round}轮' if m.round else '未结束'}"
                                        for m in ms])


@meeting.command("close")
@click.argument("meeting_id")
@township_option
@editor_option
@json_option
@store_options
@pass_settings
@handle_errors
def meeting_close(settings: Settings, meeting_id: str, township: str | None, editor_name: str | None, as_json: bool) -> None:
    """结束会议：清单形成新一轮版本。Close a meeting: the list as its decisions left it becomes a new round."""
    who = _signed_in(settings, editor_name)
    store = settings.store()
    rnd = store.close_meeting(_town(store, township), meeting_id, editor=who)
    line = f"已形成第 {rnd.number} 轮 New round: {rnd.number}" if rnd else "清单未变化，不形成新一轮 (unchanged: no new round)"
    _emit(settings, as_json, rnd, lines=[line])


# ---- decide ------------------------------------------------------------------------------------
@click.group("decide")
def decide() -> None:
    """记录、确认、撤销会议决定（修改清单）。Record, confirm and undo decisions that change the list."""


@decide.command("record")
@click.option("--item", "item_ref", default=None, help="事项编码、名称或键。The item: code, name or key.")
@click.option("--set-lead", default=None, help="确定牵头部门。Make this department the lead.")
@click.option("--others", type=click.Choice(["cooperate", "remove", "stay"]), default="cooperate", show_default=True,
              help="其他牵头部门：改为配合 / 移出 / 仍为牵头。Where the item's other leads go (with --set-lead).")
@click.option("--dry-run", is_flag=True, help="只预览，不记录。Print the preview (before → after, findings) and record nothing.")
@click.option("--move-to-cooperating", "to_coop", multiple=True, help="牵头改为配合。Move a lead to cooperating.")
@click.option("--add-cooperator", multiple=True, help="增加配合部门。Add a cooperating department.")
@click.option("--remove-cooperator", multiple=True, help="移除配合部门。Remove a cooperating department.")
@click.option("--village", multiple=True, help="增加协助的村（社区）。Add a village's part.")
@click.option("--role", default="", help="村（社区）职责（配合 --village）。The villages' role text.")
@click.option("--duty", default="", help="镇街配合职责（配合 --add-cooperator）。The cooperators' part.")
@click.option("--accept-shared", default=None, help="确认共同负责，写明分工。Accept a shared item with this split of duties.")
@click.option("--basis", multiple=True, help="补充法律依据，如《土地管理法》第六十二条。Add a legal basis.")
@click.option("--meeting", "meeting_id", default="", help="会议编号（如 M1）。The meeting it was taken in.")
@click.option("--finding", "finding_kind", default="", help="所针对的问题类型（如 overlap.multi_lead）。Finding kind.")
@click.option("--note", default="", help="理由与说明。Why.")
@township_option
@editor_option
@json_option
@store_options
@pass_settings
@handle_errors
def decide_record(settings: Settings, item_ref: str | None, set_lead: str | None, others: str, dry_run: bool,
                  to_coop: tuple[str, ...],
                  add_cooperator: tuple[str, ...], remove_cooperator: tuple[str, ...], village: tuple[str, ...], role: str,
                  duty: str, accept_shared: str | None, basis: tuple[str, ...], meeting_id: str, finding_kind: str,
                  note: str, township: str | None, editor_name: str | None, as_json: bool) -> None:
    """记录一项决定并应用到清单（四眼原则开启时待第二人确认）。

    Record a decision on one item; it applies at once, or waits for a second
    editor when four eyes is on (decide four-eyes on). Its operations apply together
    or not at all; --dry-run prints what they would change and records nothing.
    """
    who = "" if dry_run else _signed_in(settings, editor_name)
    store = settings.store()
    town = _town(store, township)
    if not item_ref:
        raise InvalidArgument("需要 --item (which item?)")
    key = _item(store, town, item_ref)
    ops: list[Op] = []
    if set_lead:
        ops.append(_dept_op("set_lead", key, set_lead, town, others=others))
    ops += [_dept_op("move_to_cooperating", key, d, town) for d in to_coop]
    ops += [_dept_op("add_cooperator", key, d, town, duty) for d in add_cooperator]
    ops += [_dept_op("remove_cooperator", key, d, town) for d in remove_cooperator]
    ops += [Op("add_village_role", key, v, role) for v in village]
    if accept_shared:
        ops.append(Op("accept_shared", key, text=accept_shared))
    ops += [Op("add_basis", key, b) for b in basis]
    if not ops:
        raise InvalidArgument("没有要做的修改：用 --set-lead、--add-cooperator、--basis 等 (no change given)")
    if dry_run:
        p = store.preview_decision(town, ops)
        resolved, introduced = finding_changes(p.before, p.after)
        results = {"items": [{"key": i.key, "name": i.name, "before": dict(i.before), "after": dict(i.after),
                              "dropped": [list(x) for x in i.dropped]} for i in p.items],
                   "departments_leaving": list(p.departments_leaving),
                   "resolves": [{"kind": f.kind, "subject": f.subject} for f in resolved],
                   "creates": [{"kind": f.kind, "subject": f.subject} for f in introduced]}
        _emit(settings, as_json, results, lines=preview_lines(p, resolved, introduced))
        return
    finding = {"kind": finding_kind, "title": finding_titles().get(finding_kind, ""),
               "subject": store.item_cards(ItemFilter(keys=(key,)))[0].item.label} if finding_kind else {}
    d = store.record_decision(town, ops, editor=who, meeting=meeting_id, finding=finding, note=note)
    _emit(settings, as_json, d, lines=[f"{d.id} {'已生效 applied' if d.status == 'applied' else '待确认 proposed (four eyes)'}: "
                                       + describe_decision(d, _item_names(store, town))])


def _item_names(store, township: str) -> dict[str, str]:
    """Item key -> name, so decisions read as the list does (「农村宅基地审批」 not its key)."""
    return {n.key: n.label for n in store.nodes("DutyItem", township)}


def _decision_verb(name: str, doc: str):
    @decide.command(name, help=doc)
    @click.argument("decision_id")
    @click.option("--reason", default="", help="理由。Why.")
    @township_option
    @editor_option
    @json_option
    @store_options
    @pass_settings
    @handle_errors
    def verb(settings: Settings, decision_id: str, reason: str, township: str | None, editor_name: str | None,
             as_json: bool) -> None:
        who = _signed_in(settings, editor_name, "confirm" if name in ("confirm", "reject") else "record")
        store = settings.store()
        town = _town(store, township)
        if name == "confirm":
            d = store.confirm_decision(town, decision_id, editor=who)
        elif name == "reject":
            d = store.reject_decision(town, decision_id, editor=who, reason=reason)
        else:
            d = store.undo_decision(town, decision_id, editor=who, reason=reason)
        _emit(settings, as_json, d, lines=[f"{d.id}: {d.status}"])

    return verb


_decision_verb("confirm", "第二位编辑确认待定决定（提出人不能确认）。Confirm a proposed decision (not its proposer).")
_decision_verb("reject", "驳回待定决定。Reject a proposed decision.")
_decision_verb("undo", "撤销已生效的决定，清单恢复原状。Undo an applied decision (the items go back as they were).")


@decide.command("list")
@click.option("--meeting", "meeting_id", default=None, help="只列这次会议的决定。Only this meeting's.")
@click.option("--status", default=None, type=click.Choice(["proposed", "applied", "rejected", "undone"]))
@township_option
@json_option
@store_options
@pass_settings
@handle_errors
def decide_list(settings: Settings, meeting_id: str | None, status: str | None, township: str | None, as_json: bool) -> None:
    """列出决定。List decisions."""
    store = settings.store()
    ds = store.decisions(_town(store, township), meeting=meeting_id, status=status)
    names = _item_names(store, _town(store, township))
    _emit(settings, as_json, ds, lines=[f"{d.id}\t{d.status}\t{d.meeting or '—'}\t{d.recorded_by}\t{describe_decision(d, names)}"
                                        for d in ds])


@decide.command("four-eyes")
@click.argument("state", type=click.Choice(["on", "off"]))
@township_option
@editor_option
@store_options
@pass_settings
@handle_errors
def decide_four_eyes(settings: Settings, state: str, township: str | None, editor_name: str | None) -> None:
    """四眼原则：决定须由第二位编辑确认后生效。Four eyes: a second editor confirms each decision."""
    who = _signed_in(settings, editor_name)
    store = settings.store()
    s = store.set_four_eyes(_town(store, township), state == "on", editor=who)
    click.echo(f"四眼原则 four eyes: {'on' if s.four_eyes else 'off'}")
    if s.pending_off_by:
        click.echo(f"关闭须由另一位编辑确认（{s.pending_off_by} 已申请）。Switching it off needs a second editor: "
                   f"another editor runs `decide four-eyes off` to confirm.")


# ---- change requests ---------------------------------------------------------------------------
@click.group("request")
def request() -> None:
    """清单动态调整 / 准入申请：提交、专班审查、县级审批。Change requests: submit, review, approve or reject."""


@request.command("submit")
@click.option("--title", required=True, help="申请事项。What is asked.")
@click.option("--by", "proposed_by", required=True, help="申请单位（乡镇或部门）。Who asks (township or department).")
@click.option("--description", default="", help="说明。Description.")
@click.option("--item", "item_ref", default=None, help="涉及的现有事项（新增事项时省略）。The item concerned.")
@click.option("--new-item", default=None, help="新增事项名称。Name of a new item.")
@click.option("--code", default="", help="新增事项编码。Code of the new item.")
@click.option("--part", default="基本履职事项", type=click.Choice(["基本履职事项", "配合履职事项", "上级部门收回事项"]))
@click.option("--power-type", default="", help="事项类型。Power type of the new item.")
@click.option("--lead", default=None, help="牵头部门。Lead department (new item or change).")
@township_option
@editor_option
@json_option
@store_options
@pass_settings
@handle_errors
def request_submit(settings: Settings, title: str, proposed_by: str, description: str, item_ref: str | None,
                   new_item: str | None, code: str, part: str, power_type: str, lead: str | None, township: str | None,
                   editor_name: str | None, as_json: bool) -> None:
    """提交一份变更申请。File a change request."""
    from graphmodel.normalize import item_key

    who = _signed_in(settings, editor_name)
    store = settings.store()
    town = _town(store, township)
    ops: list[Op] = []
    key = _item(store, town, item_ref) if item_ref else ""
    if new_item:
        fields = (("name", new_item), ("code", code), ("part", part), ("power_type", power_type))
        ops.append(Op("add_item", fields=fields))
        key = item_key(town, code, new_item)
    if lead and key:
        ops.append(_dept_op("set_lead", key, lead, town))
    cr = store.submit_request(town, title, proposed_by, editor=who, description=description,
                              item=key if item_ref else "", ops=ops)
    _emit(settings, as_json, cr, lines=[f"已提交 Submitted: {cr.id} {cr.title}"])


@request.command("review")
@click.argument("request_id")
@click.option("--opinion", required=True, help="专班意见。The task force's opinion.")
@click.option("--meeting", "meeting_id", default="", help="审查会议。The meeting that reviewed it.")
@township_option
@editor_option
@store_options
@pass_settings
@handle_errors
def request_review(settings: Settings, request_id: str, opinion: str, meeting_id: str, township: str | None,
                   editor_name: str | None) -> None:
    """专班审查意见。Record the task force's review."""
    who = _signed_in(settings, editor_name)
    store = settings.store()
    cr = store.review_request(_town(store, township), request_id, editor=who, opinion=opinion, meeting=meeting_id)
    click.echo(f"{cr.id}: {cr.status}")


@request.command("decide")
@click.argument("request_id")
@click.argument("outcome", type=click.Choice(["approve", "reject"]))
@click.option("--note", default="", help="审批意见。Note.")
@township_option
@editor_option
@store_options
@pass_settings
@handle_errors
def request_decide(settings: Settings, request_id: str, outcome: str, note: str, township: str | None,
                   editor_name: str | None) -> None:
    """县级审批：批准（应用到清单）或不予批准（审核角色，且不是提交人）。

    The county approves (applies it) or rejects; needs the 审核 role and someone other than its author.
    """
    who = _signed_in(settings, editor_name, "confirm")
    store = settings.store()
    cr = store.decide_request(_town(store, township), request_id, outcome == "approve", editor=who, note=note)
    click.echo(f"{cr.id}: {cr.status}" + (f" ({cr.decision})" if cr.decision else ""))


@request.command("list")
@township_option
@json_option
@store_options
@pass_settings
@handle_errors
def request_list(settings: Settings, township: str | None, as_json: bool) -> None:
    """列出变更申请。List change requests."""
    store = settings.store()
    rs = store.requests(_town(store, township))
    _emit(settings, as_json, rs, lines=[f"{c.id}\t{c.status}\t{c.proposed_by}\t{c.title}" for c in rs])


# ---- rounds, diff, history, trail --------------------------------------------------------------------
@click.command("rounds")
@click.option("--trend", is_flag=True, help="含每轮完整度得分与问题数。With each round's score and findings.")
@township_option
@json_option
@store_options
@pass_settings
@handle_errors
def rounds(settings: Settings, trend: bool, township: str | None, as_json: bool) -> None:
    """列出清单的各轮版本（导入、会议）。List the rounds (versions) of a township's list."""
    store = settings.store()
    town = _town(store, township)
    if trend:
        points = coverage_trend(store, town)
        _emit(settings, as_json, points, lines=[f"第{p.number}轮\t{p.kind}\t{p.created_at}\t{p.items} 项\t得分 {p.score}\t"
                                                 f"问题 {p.findings} (高 {p.high})\t{p.label}" for p in points])
        return
    rs = store.rounds(town)
    _emit(settings, as_json, rs, lines=[f"第{r.number}轮\t{r.kind}\t{r.created_at}\t{r.created_by}\t{r.label}\t"
                                        f"决定 {'、'.join(r.decisions) or '—'}" for r in rs])


def _round_arg(value: str) -> int | None:
    v = value.strip().lower().removeprefix("r")
    if v in ("current", "now", "当前"):
        return None
    if not v.isdigit():
        raise click.BadParameter(f"{value!r}: 轮次编号或 current (a round number or 'current')")
    return int(v)


@click.command("diff")
@click.argument("round_a")
@click.argument("round_b", default="current")
@township_option
@json_option
@store_options
@pass_settings
@handle_errors
def diff(settings: Settings, round_a: str, round_b: str, township: str | None, as_json: bool) -> None:
    """比较两轮清单：增删改名、牵头变化、解决与新增的问题、完整度。

    Compare two rounds (numbers, or 'current' for the list now): items added,
    removed, renamed; leads changed; findings resolved and new; the score.
    """
    store = settings.store()
    town = _town(store, township)
    d = diff_rounds(store, town, _round_arg(round_a), _round_arg(round_b))
    if as_json:
        results = {"summary": d.summary(), "added": d.added, "removed": d.removed, "renamed": d.renamed,
                   "lead_changes": d.lead_changes, "other_changes": d.other_changes,
                   "resolved": [f.to_dict() for f in d.resolved], "introduced": [f.to_dict() for f in d.introduced]}
        _emit(settings, True, to_plain(results), counts=d.summary())
        return
    con = _console()
    s = d.summary()
    con.print(f"[bold]{town} 第{s['a']}轮 → 第{s['b']}轮[/bold]  完整度 score {d.score_before} → {d.score_after}；"
              f"问题 findings {d.findings_before} → {d.findings_after}")
    t = Table("变化 Change", "事项 Item", "之前 Before", "之后 After")
    for k, n in d.added:
        t.add_row("新增 added", n, "", "")
    for k, n in d.removed:
        t.add_row("删除 removed", n, "", "")
    for k, old, new in d.renamed:
        t.add_row("改名 renamed", new, old, new)
    for c in (*d.lead_changes, *d.other_changes):
        b, a = dict(c.before), dict(c.after)
        for f in c.fields:
            if f != "texts":
                t.add_row(f, c.name, b[f], a[f])
    con.print(t)
    ft = Table("问题 Finding", "类型 Kind", "对象 Subject")
    for f in d.resolved:
        ft.add_row("已解决 resolved", f.kind, f.subject)
    for f in d.introduced:
        ft.add_row("新出现 new", f.kind, f.subject)
    con.print(ft)


@click.command("history")
@click.argument("item_ref")
@township_option
@json_option
@store_options
@pass_settings
@handle_errors
def history(settings: Settings, item_ref: str, township: str | None, as_json: bool) -> None:
    """一个事项在各轮中的变化及其修改记录。An item across the rounds, and the changes made to it."""
    store = settings.store()
    town = _town(store, township)
    try:
        key = _item(store, town, item_ref)
    except NotFound:
        key = item_ref  # an item no longer in the list: its key
    rows = item_history(store, town, key)
    trail = store.audit_trail(town, item=key)
    if as_json:
        _emit(settings, True, {"item": key, "rounds": rows, "trail": trail})
        return
    t = Table("轮次 Round", "名称 Name", "牵头 Leads", "配合 Cooperating", "依据 Bases", "问题 Findings")
    for r in rows:
        t.add_row(str(r.number), r.name if r.present else "（无此事项）", r.leads, r.cooperators, r.bases, "、".join(r.findings))
    con = _console()
    con.print(t)
    for e in trail:
        con.print(f"{e.at}  {e.who}  {e.action}  {e.target}  {e.what}  {e.why}")


@click.command("trail")
@click.option("--item", "item_ref", default=None, help="只看这个事项。Only entries touching this item.")
@township_option
@json_option
@store_options
@pass_settings
@handle_errors
def trail(settings: Settings, item_ref: str | None, township: str | None, as_json: bool) -> None:
    """修改记录：谁、何时、改了什么、为什么。The audit trail: who, when, what, why."""
    store = settings.store()
    town = _town(store, township)
    key = _item(store, town, item_ref) if item_ref else None
    es = store.audit_trail(town, item=key)
    _emit(settings, as_json, es, lines=[f"{e.at}\t{e.who}\t{e.action}\t{e.target}\t{e.what}\t{e.why}" for e in es])


# ---- review exports (used by `dutygraph export`) --------------------------------------------------
def finding_titles() -> dict[str, str]:
    """Finding kind -> its title, for the minutes (loaders cannot ask queries)."""
    return {k: info.title for k, info in KINDS.items()}


def export_review(store: DutyStore, township: str | None, output: Path, *, minutes: str | None = None,
                  audit: bool = False, round: int | None = None, fmt: str | None = None) -> list[Path]:
    """--minutes MEETING (.docx/.md), --audit (xlsx report) or the clarified list (optionally of --round)."""
    town = _town(store, township)
    if minutes:
        return [write_minutes(collect_minutes(store, town, minutes, finding_titles()), output)]
    if audit:
        if output.suffix.lower() != ".xlsx":
            raise InvalidArgument("审计报告导出为 .xlsx (the audit report is written as .xlsx)")
        return [write_tables_xlsx(audit_tables(store, town), output, title=f"{town}审计报告·")]
    return export_clarified(store, town, output, round=round, fmt=fmt)
