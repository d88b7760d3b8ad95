"""Every label, column name and message the dashboard shows: Chinese first, English on switch.

``t(key, **fields)`` looks a text up in the current language (``st.session_state["lang"]``,
default ``zh``). Column names arrive in Chinese from ``queries/frames.py``; ``columns(df)``
renames them for English readers and leaves unknown names as they are.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from dashboard.review_texts import REVIEW_TEXTS

__all__ = ["LANGS", "TEXTS", "COLUMNS", "check_label", "columns", "coverage_label", "lang", "lookup_answer", "score_sentence",
           "source_label",
           "shown_as", "t", "term"]

LANGS = {"zh": "中文", "en": "English"}

# key -> (中文, English)
TEXTS: dict[str, tuple[str, str]] = {
    # app and sidebar
    "app.title": ("dutygraph 履职清单图谱", "dutygraph duty-list graph"),
    "side.store": ("数据存储：{store}", "Store: {store}"),
    "side.store_memory": ("内置存储", "embedded store"),
    "side.store_neo4j": ("Neo4j 图数据库", "Neo4j graph database"),
    "side.townships": ("乡镇（街道）", "Township(s)"),
    "side.all": ("全部乡镇", "All townships"),
    "side.in_view": ("当前查看：{names}", "In view: {names}"),
    "side.none": ("存储中还没有清单。请到“导入”页导入，或运行 `dutygraph demo`。",
                  "The store holds no list yet. Import one on the Import page, or run `dutygraph demo`."),
    "side.lang": ("语言 Language", "Language 语言"),
    "side.reload": ("重新读取存储", "Reload the store"),
    "nav.analysis": ("分析", "Analysis"),
    "nav.pictures": ("部门与村（社区）", "Departments & villages"),
    "nav.data": ("数据", "Data"),
    "page.overview": ("总览", "Overview"),
    "page.board": ("边界研讨", "Boundary board"),
    "page.county": ("全县", "County"),
    "cty.intro": ("各乡镇并列、与通用目录比对、跨乡镇一致性。", "Townships side by side, the reference catalogue, consistency across townships."),
    "cty.heat": ("问题类型热力图", "Findings by township"),
    "cty.no_findings": ("没有问题。", "No findings."),
    "cty.ranked": ("乡镇并列", "Townships ranked"),
    "cty.compare": ("与通用目录比对", "Catalogue comparison"),
    "cty.no_catalogue": ("尚未导入目录：dutygraph load … --catalogue-of 县名", "No catalogue loaded: dutygraph load … --catalogue-of COUNTY"),
    "cty.catalogue": ("目录", "Catalogue"),
    "cty.n_diffs": ("{n} 处差异", "{n} differences"),
    "cty.n_spread": ("{n} 项事项在各乡镇牵头不一", "{n} duties led differently across townships"),
    "cty.spread": ("同一事项牵头不一", "Same duty, different leads"),
    "cty.depts": ("县级部门跨乡镇", "County departments across townships"),
    "cty.diff.missing": ("目录事项缺失", "Catalogue item missing"),
    "cty.diff.added": ("乡镇新增事项", "Added by the township"),
    "cty.diff.part_differs": ("清单类别不同", "Different list part"),
    "cty.diff.lead_differs": ("牵头部门不同", "Different lead"),
    "cty.match.code": ("按编码", "by code"),
    "cty.match.name": ("按名称", "by name"),
    "cty.match.similar": ("按相似度", "by similarity"),
    "page.county_dept": ("县级部门", "County department"),
    "cd.intro": ("一个县级部门在全县各乡镇：牵头与配合的事项、依赖它的乡镇、各乡镇不一致之处。",
                 "One county department across the county's townships: the items it leads and cooperates on, "
                 "the townships that lean on it, and where townships disagree."),
    "cd.none": ("没有县级部门。", "No county departments."),
    "cd.pick": ("县级部门", "County department"),
    "cd.no_county": ("未设县", "no county"),
    "cd.leads": ("牵头事项", "Items led"),
    "cd.cooperates": ("配合事项", "Items cooperated on"),
    "cd.townships": ("依赖它的乡镇", "Townships leaning on it"),
    "cd.items": ("事项与角色（各乡镇）", "Items and roles, by township"),
    "cd.lean": ("依赖该部门的乡镇", "Townships that lean on it"),
    "cd.uneven": ("有的乡镇列明、有的没有", "Named by some townships, not by others"),
    "cd.even": ("列有同一事项的乡镇对{name}的写法一致。", "Townships listing the same duty agree on {name}."),
    "cd.role.leads": ("牵头", "Leads"),
    "cd.role.cooperates": ("配合", "Cooperates"),
    "page.coverage": ("覆盖审计", "Coverage audit"),
    "page.chains": ("执法链条", "Enforcement chains"),
    "page.department": ("部门", "Department"),
    "page.village": ("村（社区）", "Village"),
    "page.lookup": ("事项查询", "Lookup"),
    "page.import": ("导入", "Import"),
    "page.whatif": ("假设分析", "What-if"),
    "error.store": ("无法打开数据存储：{error}", "Cannot open the store: {error}"),
    "error.generic": ("出错了：{error}", "Something went wrong: {error}"),
    "error.unexpected": ("本页出现意外错误（{error}），已写入服务器日志；请把日志交给维护人员。",
                         "This page hit an unexpected error ({error}); it is in the server log, please pass it on."),
    "empty": ("没有数据。", "Nothing to show."),
    "download.xlsx": ("下载 Excel", "Download Excel"),
    # overview
    "ov.items": ("事项", "Items"),
    "ov.departments": ("部门", "Departments"),
    "ov.villages": ("村（社区）", "Villages"),
    "ov.bases": ("法律依据", "Legal bases"),
    "ov.by_part": ("按清单类别", "By list part"),
    "ov.by_power": ("按事项类型", "By power type"),
    "ov.findings": ("发现的问题（按类型）", "Findings by kind"),
    "ov.score": ("完整度", "Completeness"),
    "ov.score_help": ("0–100 分：唯一责任主体 30、法律依据 25、办理时限 15、实施程序 15、事项编码 15，按通过比例给分",
                      "0–100: single lead 30, legal basis 25, time limit 15, procedure 15, code 15, by share of items passing"),
    "ov.drags": ("拉低完整度的检查项", "What drags completeness down"),
    "ov.h.overlaps": ("职责交叉", "Overlaps"),
    "ov.h.gaps": ("职责空白", "Gaps"),
    "ov.h.high": ("高严重度问题", "High findings"),
    "ov.h.changed": ("自上一轮：解决 / 新增", "Since the last round: resolved / new"),
    "ov.h.changed_help": ("与最近一轮版本相比，已解决和新出现的问题数", "Findings resolved and new compared with the latest round"),
    "ov.h.not_fine": ("完整度 {score} 分只看要素是否齐全；仍有 {n} 个高严重度问题待研讨。",
                      "A completeness of {score} counts filled fields only; {n} high findings are still open."),
    "ov.h.go_overlaps": ("到边界研讨：职责交叉", "Open the board: overlaps"),
    "ov.h.go_gaps": ("到边界研讨：职责空白", "Open the board: gaps"),
    "ov.h.go_high": ("到边界研讨：高严重度", "Open the board: high findings"),
    # board
    "bd.worklist": ("研讨清单：职责交叉与空白", "Worklist: overlaps and gaps"),
    "bd.kinds": ("问题类型", "Finding kinds"),
    "bd.department": ("部门", "Department"),
    "bd.power": ("事项类型", "Power type"),
    "bd.part": ("清单类别", "List part"),
    "bd.village": ("村（社区）", "Village"),
    "bd.any": ("（全部）", "(any)"),
    "bd.count": ("共 {n} 条", "{n} findings"),
    "bd.select": ("选择要研讨的事项", "Item to discuss"),
    "bd.neighbourhood": ("事项关系图", "Item neighbourhood"),
    "bd.parties": ("各方职责对照", "Each party's part, side by side"),
    "bd.articles": ("引用的法条", "Articles cited"),
    "bd.source": ("来源行", "Source rows"),
    "bd.depth": ("关系层数", "Depth"),
    "bd.big": ("大字号（投影）", "Large type (projector)"),
    "bd.no_text": ("（未写明）", "(not written)"),
    "bd.duty_texts": ("职责文本", "Duty texts"),
    "dt.work_mode": ("工作方式", "Work mode"),
    "vl.burden_items": ("非协助性职责", "Items beyond assistance"),
    "vl.power_items": ("含行政权力", "Items with an administrative power"),
    "vl.actions": ("村×职责动作", "Village × action"),
    "vl.actions_note": ("各村（社区）有多少事项交给它这一动作（★ 行政权力）；实质性动作在前，协助类在后。",
                        "Items giving each village each action (★ an administrative power); substantive first, then support."),
    "dt.township_duty": ("镇街配合职责", "Township's part"),
    "dt.upper_duty": ("上级部门职责", "County department's part"),
    "dt.village_text": ("村（社区）职责", "Villages' part"),
    "dt.content": ("具体内容", "Content"),
    "dt.tag.substantive": ("实质性工作", "substantive work"),
    "dt.tag.supporting": ("协助性工作", "support"),
    "dt.tag.negated": ("否定", "negated"),
    "dt.rule.lexicon": ("词表", "lexicon"),
    "dt.rule.scope": ("范围", "scope"),
    "dt.rule.negation": ("否定词", "negation"),
    "dt.rule.light": ("轻动词", "light verb"),
    "dt.rule.actor": ("主体", "actor"),
    "bd.choose": ("请选择", "Choose"),
    "bd.villages_n": ("{n} 个村（社区）", "{n} villages"),
    "bd.left_list": ("此事项已不在研讨清单中：所选问题类型下没有它的问题了。", "This item has left the worklist: it has no finding of the chosen kinds any more."),
    "bd.leads_now": ("牵头部门", "Lead"),
    "bd.coops_now": ("配合部门", "Cooperating"),
    # graph
    "g.hidden": ("图中画了 {shown} 个节点；另有 {nodes} 个节点、{edges} 条关系超出上限未画出（减少关系层数可看全）。",
                 "The graph draws {shown} nodes; {nodes} more nodes and {edges} relations are over the limit and not drawn "
                 "(lower the depth to see all)."),
    "g.nodes": ("图中节点", "Nodes drawn"),
    "g.edges": ("图中关系", "Relations drawn"),
    "g.svg": ("下载关系图（SVG，可放入纪要）", "Download the graph (SVG, for the minutes)"),
    "g.png_hint": ("图右上角的按钮可另存为 PNG。", "The button at the graph's top right saves it as PNG."),
    "g.clicked": ("已选中节点：{label}", "Selected node: {label}"),
    "g.mark.overlap": ("多头牵头", "competing leads"),
    "g.villages_n": ("{n} 个村（社区）协助", "{n} villages assist"),
    "g.folded": ("图中未画出：{what}（见下表）。", "Not drawn: {what} (listed in the table below)."),
    "g.legend_overlap": ("红色粗线 = 相互竞争的牵头关系（多头牵头）。", "Thick red lines = competing leads (overlap)."),
    "g.not_drawn": ("未画出（超出图中上限）", "not drawn (over the picture's limit)"),
    "g.mark.handoff": ("责任部门变更", "owner changes"),
    "g.mark.broken": ("无责任部门", "no owner"),
    "lv.township": ("镇街", "township"),
    "lv.county": ("县级", "county"),
    "rv.anonymous_import": ("（未记名导入）", "(unnamed import)"),
    "rv.trail.import": ("导入：新增 {a}，删除 {r}，修改 {c}", "Import: {a} added, {r} removed, {c} changed"),
    "rv.trail.round": ("第 {n} 轮 {label}", "Round {n} {label}"),
    "rv.trail.four_eyes": ("四眼原则：{state}", "Four eyes: {state}"),
    "rv.on": ("开启", "on"),
    "rv.off": ("关闭", "off"),
    # coverage
    "cv.heat": ("部门 × 事项类型（牵头事项数）", "Department × power type (items led)"),
    "cv.missing": ("事项要素缺失", "Missing fields per item"),
    "cv.only_missing": ("只看有缺失的事项", "Only items with something missing"),
    "cv.field": ("缺失要素", "Missing field"),
    "cv.villages": ("村（社区）覆盖", "Village coverage"),
    "cv.power_by_township": ("各乡镇事项类型分布", "Power types per township"),
    # chains
    "ch.pick": ("选择链条", "Chain"),
    "ch.none": ("清单中没有由“后续事项”连成的链条。", "No chain is linked by next-step items in the list."),
    "ch.candidates": ("疑似应衔接的事项（候选链条）", "Candidate chains (steps that look linked)"),
    "ch.steps": ("链条环节", "Chain steps"),
    "ch.镇→县": ("镇→县", "township to county"),
    "ch.县→镇": ("县→镇", "county to township"),
    "ch.部门变更": ("部门变更", "owner changes"),
    "ch.是": ("是", "yes"),
    "ch.no_owner": ("无责任部门", "no owner"),
    "ch.legend": ("颜色 = 部门；方形 = 县级/派驻，圆形 = 镇街；红色 = 无责任部门；橙色虚线 = 责任部门变更",
                  "Colour = department; square = county/station, circle = township; red = no owner; orange dashed = owner changes"),
    # department / village
    "dp.pick": ("选择部门", "Department"),
    "vl.pick": ("选择村（社区）", "Village"),
    "dp.led": ("牵头事项", "Items led"),
    "dp.coop": ("配合事项", "Items cooperated on"),
    "dp.findings": ("涉及的问题", "Findings involving it"),
    "vl.items": ("承担职责的事项", "Items it assists"),
    # lookup
    "lk.query": ("这件事归谁管？输入关键词，例如：宅基地、消防、垃圾", "Who handles it? Type a keyword, e.g. 宅基地, 消防, 垃圾"),
    "lk.none": ("没有找到相关事项。", "No matching item."),
    "lk.unsure": ("没有把握：清单中没有与问题明确相符的事项，下列是最接近的，请核对。",
                  "Not sure: no item clearly matches; the nearest ones follow — check them."),
    "lk.more": ("其他匹配事项", "Other matches"),
    "lk.lead": ("牵头（负责）", "Lead"),
    "lk.coop": ("配合", "Cooperating"),
    "lk.villages": ("村（社区）", "Villages"),
    "lk.basis": ("依据", "Legal basis"),
    "lk.limit": ("办理时限", "Time limit"),
    "lk.nobody": ("无牵头部门（职责空白）", "No lead (gap)"),
    # a lookup answer: "<item>：<reason>" (queries.ownership.reason_parts; the Chinese is ownership_of's reason)
    "lk.answer": ("{item}：{reason}", "{item}: {reason}"),
    "lk.r.shared": ("{n}个牵头部门", "{n} leads"),
    "lk.r.shared_split": ("{n}个牵头部门，已明确分工：{split}", "{n} leads, split agreed: {split}"),
    "lk.r.handed_over": ("收回事项，由承接部门{dept}负责{mode}", "withdrawn; the receiving department {dept} handles it{mode}"),
    "lk.r.mode": ("（{mode}）", " ({mode})"),
    "lk.r.owned": ("由{dept}牵头", "led by {dept}"),
    "lk.r.unconfirmed": ("责任主体写为“{text}”", "the lead is written as “{text}”"),
    "lk.r.self_governance": ("交由村（社区）自治：{text}", "left to village self-governance: {text}"),
    "lk.r.gap": ("无牵头部门", "no lead"),
    "lk.r.gap_unlinked": ("无牵头部门（写为“{text}”但未对应部门）", "no lead (written as “{text}”, which names no department)"),
    # the completeness sentence (queries.coverage.TownshipScore; the Chinese is its explanation)
    "sc.empty": ("{town} 没有事项，得 0 分。", "{town} has no items: 0 points."),
    "sc.head": ("{town} {score} 分（{items} 个事项，评估 {full}/{applying} 项）。",
                "{town}: {score} points ({items} items, {full}/{applying} checks assessed). "),
    "sc.drags": ("扣分最多：{list}。", "Most points lost: {list}."),
    "sc.drag": ("{label} -{lost}（{failing}/{applicable} 未通过）", "{label} -{lost} ({failing}/{applicable} failing)"),
    "sc.sep": ("；", "; "),
    "sc.all_pass": ("各项检查全部通过。", "Every check passes."),
    "sc.unassessed": ("清单缺少{cols}列的事项未评估，按未通过计。",
                      " Items whose sheet lacks the column {cols} are not assessed and count as failing."),
    "sc.list_sep": ("、", ", "),
    "sc.coverage": ("评估 {full}/{applying} 项", "{full}/{applying} checks assessed"),
    "chk.single_lead": ("唯一责任主体", "Single lead"),
    "chk.basis": ("法律依据", "Legal basis"),
    "chk.time_limit": ("办理时限", "Time limit"),
    "chk.procedure": ("实施程序", "Procedure"),
    "chk.code": ("事项编码", "Item code"),
    "chk.lead": ("责任主体", "Lead"),
    # import
    "im.upload": ("上传履行职责事项清单（.xlsx / .xls / .csv，可多选）", "Upload a duty list (.xlsx / .xls / .csv, several allowed)"),
    "im.township": ("乡镇名称（留空则从文件读取）", "Township name (blank: read it from the file)"),
    "im.report": ("校验报告（尚未写入）", "Validation report (nothing written yet)"),
    "im.ok": ("校验通过：{items} 个事项、{depts} 个部门、{villages} 个村（社区）、{bases} 条依据；{warnings} 条提醒。",
              "Valid: {items} items, {depts} departments, {villages} villages, {bases} bases; {warnings} warnings."),
    "im.errors": ("发现 {n} 个错误，不能导入。请按下表修改后重新上传。", "{n} errors: nothing can be imported. Fix the rows below and upload again."),
    "im.overrides": ("读表设置（同命令行 --map-column / --part / --township）",
                     "Reading settings (as --map-column / --part / --township on the command line)"),
    "im.map": ("指定列：每行一条“列=表头”，列写列名或列字母，例如 B=责任主体；B=- 表示不读该列",
               "Map columns: one COL=FIELD per line, the column by header or letter, e.g. B=lead or B=责任主体; "
               "B=- leaves it unmapped"),
    "im.map_help": ("可写的表头：{fields}", "Fields: {fields}"),
    "im.part": ("所有事项的清单类别", "List part of every item"),
    "im.part_auto": ("（按表格识别）", "(as the sheets say)"),
    "im.map_bad": ("“{line}”应写成“列=表头”，例如 B=责任主体", "“{line}”: write it as COL=FIELD, e.g. B=lead"),
    "im.map_field": ("“{field}”不是可识别的表头；可写：{fields}，或 -", "Unknown field “{field}”; use one of {fields}, or -"),
    "im.reading": ("读表报告（各工作表如何读取）", "How the file was read"),
    "im.reread": ("已按读表设置重新读取。", "Read again with the reading settings."),
    "im.empty": ("文件中没有读到任何事项（找不到“事项名称”列？），不能导入。",
                 "No item was read from the file (no item-name column?); nothing can be imported."),
    "im.button": ("导入到存储（替换 {township} 的清单）", "Import into the store (replaces the list of {township})"),
    "im.done": ("已导入 {township}：新增 {added}，删除 {removed}，修改 {changed}。",
                "Imported {township}: {added} added, {removed} removed, {changed} changed."),
    "im.unchanged": ("{township} 的清单与存储中一致，没有变化。", "{township}: the list equals the stored one; nothing changed."),
    "im.no_loaders": ("导入功能尚未就绪（loaders 模块缺失）。", "Import is not available yet (the loaders module is missing)."),
    # what-if
    "wi.remove": ("撤销这些部门", "Remove these departments"),
    "wi.merge_from": ("把这些部门", "Merge these departments"),
    "wi.merge_into": ("合并到", "into"),
    "wi.effect": ("影响", "Effect"),
    "wi.before": ("现在", "Now"),
    "wi.after": ("调整后", "After"),
    "wi.items": ("受影响的事项", "Items affected"),
    "wi.lost": ("失去牵头部门", "Items losing their lead"),
    "wi.changes": ("牵头部门变化", "Lead changes"),
    "wi.resolved": ("交叉消除", "Overlaps resolved"),
    "wi.new": ("新增交叉", "New overlaps"),
    "wi.broken": ("链条断开", "Chains broken"),
    "wi.nothing": ("选择要撤销或合并的部门，查看职责交叉与空白的变化。", "Pick departments to remove or merge to see how overlaps and gaps change."),
    # severities and kinds of findings shown in charts
    "sev.high": ("高", "High"),
    "sev.medium": ("中", "Medium"),
    "sev.low": ("低", "Low"),
    "sev.info": ("提示", "Info"),
}
TEXTS.update(REVIEW_TEXTS)  # the review pages' texts live beside them (dashboard/review_texts.py)

# Chinese column names (queries/frames.py and the dashboard's own tables) -> English.
COLUMNS: dict[str, str] = {
    "县": "County", "差异": "Difference", "目录类别": "Catalogue part", "乡镇类别": "Township part",
    "目录牵头": "Catalogue lead", "乡镇牵头": "Township lead", "匹配": "Matched by", "相似度": "Similarity",
    "列明该部门的乡镇": "Townships naming it", "未列明的乡镇": "Townships listing it without",
    "乡镇数": "Townships", "牵头分布": "Leads by township", "县级部门": "County department", "牵头事项": "Items led",
    "配合事项": "Items cooperated on", "各乡镇不一致": "Townships that differ",
    "无牵头": "No lead", "多头牵头": "Several leads", "科室": "Offices", "人均事项": "Items per office",
    "事项": "Item", "事项名称": "Item name", "事项编码": "Code", "清单类别": "List part", "事项类型": "Power type",
    "牵头部门": "Lead", "配合部门": "Cooperating", "村（社区）": "Villages", "依据": "Legal basis",
    "办理时限": "Time limit", "实施程序": "Procedure", "来源": "Source", "问题类型": "Finding", "严重程度": "Severity",
    "说明": "Message", "乡镇": "Township", "部门": "Department", "层级": "Level", "数量": "Count", "类别": "Kind",
    "节点": "Node", "标签": "Label", "起点": "From", "终点": "To", "关系": "Relation", "内容": "Text",
    "职责": "Part", "角色": "Role", "法律": "Law", "条": "Article", "引用原文": "As cited", "缺失要素": "Missing",
    "工作表": "Sheet", "行": "Row", "列": "Column", "值": "Value", "代码": "Code", "文件": "File",
    "环节": "Step", "责任部门": "Owner", "衔接": "Hand-off", "检查项": "Check", "未通过": "Failed",
    "完整度": "Completeness", "事项数": "Items", "总分": "Score", "权重": "Weight", "适用事项": "Applicable", "已评估": "Assessed", "名次": "Rank", "评估": "Assessed checks",
    "通过": "Passed", "得分": "Points", "扣分": "Lost", "未通过事项（部分）": "Failing items (first)", "问题": "Finding",
    "对象": "Subject", "详情": "Details", "链条": "Chain", "断点": "Broken", "移交": "Hand-off", "检查无后续": "No follow-up",
    "缺少": "Missing", "要素齐全": "Complete", "村（社区）职责": "Village part", "缺少的村": "Villages missing",
    "牵头事项数": "Items led", "配合事项数": "Items cooperated", "相关度": "Score", "答复": "Answer", "标记": "Mark", "牵头": "Lead", "配合": "Cooperating", "现在": "Now", "调整后": "After",
    "变化": "Change", "键": "Key", "类型": "Type", "横坐标": "x", "纵坐标": "y",
    "要素齐全事项": "Complete items", "齐全比例": "Share complete", "轮次": "Round", "会议": "Meeting", "时间": "Time",
    "操作人": "By", "决定": "Decision", "状态": "State", "字段": "Field", "之前": "Before", "之后": "After",
    "记录人": "Recorded by", "确认人": "Confirmed by", "撤销": "Undone", "操作": "Action", "理由": "Why",
    "编号": "No.", "申请事项": "Request", "申请单位": "Proposed by", "专班意见": "Task force opinion",
    "审批意见": "County opinion", "问题数": "Findings", "高": "High", "中": "Medium", "低": "Low", "原因": "Reason",
    "责任方": "Responsible", "链条环节": "Step", "答复": "Answer",
}

# Domain terms that have an English gloss (the Chinese stays the data value).
_TERMS: dict[str, str] = {
    "基本履职事项": "basic", "配合履职事项": "cooperation", "上级部门收回事项": "withdrawn", "未分类": "unclassified",
    "LEADS": "牵头", "COOPERATES_ON": "配合", "BASED_ON": "依据", "ASSISTS": "村（社区）协助",
    "FOLLOWED_BY": "下一环节", "IN_TOWNSHIP": "属于",
}


_RELATIONS_EN = {"LEADS": "leads", "COOPERATES_ON": "cooperates", "BASED_ON": "legal basis",
                 "ASSISTS": "village assists", "FOLLOWED_BY": "next step", "IN_TOWNSHIP": "belongs to"}


def lang() -> str:
    value = st.session_state.get("lang", "zh")
    return value if value in LANGS else "zh"


def t(key: str, **fields: object) -> str:
    """The text for ``key`` in the current language, with ``{fields}`` filled in."""
    zh, en = TEXTS.get(key, (key, key))
    text = en if lang() == "en" else zh
    return text.format(**fields) if fields else text


def term(value: str) -> str:
    """A relation type in Chinese; a list part with its English gloss when English is on."""
    if value in ("LEADS", "COOPERATES_ON", "BASED_ON", "ASSISTS", "FOLLOWED_BY", "IN_TOWNSHIP"):
        return _TERMS[value] if lang() == "zh" else _RELATIONS_EN[value]
    if lang() == "en" and value in _TERMS:
        return f"{value} ({_TERMS[value]})"
    return value


def shown_as(fn):
    """``fn`` evaluated now for every option: a format_func that does not read the language later.

    Streamlit (and AppTest) may call a widget's format_func outside the script run, where the
    session's language cannot be read; labels computed during the run stay right.
    """
    cache: dict = {}

    def label(option):
        if option not in cache:
            cache[option] = fn(option)
        return cache[option]

    return label


def column_title(name: str) -> str:
    """One Chinese column name in the current language (a chart's axis, legend or tooltip title)."""
    return COLUMNS.get(name, name) if lang() == "en" else name


def tooltips(*fields: str) -> list:
    """Altair tooltips over Chinese-named columns, titled in the current language."""
    import altair as alt

    return [alt.Tooltip(f, title=column_title(f.split(":")[0])) for f in fields]


#: The action categories of the duty-text lexicon (queries/data/duty_actions.csv), as column names.
_ACTIONS_EN: dict[str, str] = {
    "负责": "responsible", "组织": "organise", "审核": "review", "检查": "inspect", "督促": "urge", "整改": "rectify",
    "处置": "handle", "处罚": "penalise", "强制": "enforce", "收费": "collect fees", "统计": "statistics",
    "考核": "assess", "协助": "assist", "宣传": "publicise", "报告": "report", "提供": "provide",
}
#: Words of ours inside cells: yes/no and the names of the checks (fields) an item lacks.
_CELLS_EN: dict[str, str] = {"是": "yes", "否": "no"} | {
    zh: en[:1].lower() + en[1:] for key, (zh, en) in TEXTS.items() if key.startswith("chk.")}


def _cell_en(value: object) -> object:
    if not isinstance(value, str) or not value:
        return value
    return ", ".join(_CELLS_EN.get(v, v) for v in value.split("、"))


def columns(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with its Chinese column names in the current language (``牵头·<part>`` and the
    action categories too), and our own words in the 缺少 / 要素齐全 cells."""
    if lang() == "zh":
        return df

    def name(c):
        if isinstance(c, str) and c.startswith("牵头·"):
            return f"Lead · {term(c.removeprefix('牵头·'))}"
        if isinstance(c, str) and c.removesuffix("★") in _ACTIONS_EN:  # ★: an administrative power
            return _ACTIONS_EN[c.removesuffix("★")] + ("★" if c.endswith("★") else "")
        return COLUMNS.get(c, c)

    if "来源" in df.columns:
        df = df.assign(来源=df["来源"].map(source_label))
    ours = {c: df[c].map(_cell_en) for c in ("缺少", "要素齐全") if c in df.columns}
    if ours:
        df = df.assign(**ours)
    return df.rename(columns={c: name(c) for c in df.columns})


_ROW = re.compile(r" 第(\d+)行$")


def source_label(source: object) -> object:
    """Where an item came from ("file / sheet 第49行"), the row word in the current language."""
    if lang() == "en" and isinstance(source, str):
        return _ROW.sub(r" row \1", source)
    return source


def lookup_answer(hit) -> str:
    """A lookup hit's one-sentence answer in the current language (from its language-neutral ``reason``)."""
    code, fields = hit.reason
    if not code:
        return hit.answer
    values = dict(fields)
    if code == "handed_over":
        values["mode"] = t("lk.r.mode", mode=values["mode"]) if values.get("mode") else ""
    return t("lk.answer", item=hit.item.name, reason=t(f"lk.r.{code}", **values))


def check_label(name: str) -> str:
    """A completeness check's name (queries.coverage.ITEM_CHECKS) in the current language."""
    return t(f"chk.{name}") if f"chk.{name}" in TEXTS else name


def coverage_label(score) -> str:
    """How many checks could be assessed ("评估 5/5 项")."""
    return t("sc.coverage", full=score.assessed_checks, applying=score.applicable_checks)


def score_sentence(score) -> str:
    """A township's completeness in one sentence, in the current language (the Chinese is ``score.explanation``)."""
    if not score.items:
        return t("sc.empty", town=score.township)
    head = t("sc.head", town=score.township, score=score.score, items=score.items, full=score.assessed_checks,
             applying=score.applicable_checks)
    drags = score.drags
    body = t("sc.drags", list=t("sc.sep").join(
        t("sc.drag", label=check_label(c.check), lost=f"{c.lost:.1f}", failing=c.applicable - c.passed,
          applicable=c.applicable) for c in drags)) if drags else t("sc.all_pass")
    missing = score.unassessed
    tail = t("sc.unassessed", cols=t("sc.list_sep").join(check_label(c) for c in missing)) if missing else ""
    return head + body + tail
