"""`dutygraph generate`: write realistic test lists for many townships, with their ground truth."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from graphmodel.report import make_report
from loaders.generate import GROUND_TRUTH_FILE, generate_lists

from .context import Settings, handle_errors, pass_settings

__all__ = ["generate"]


@click.command("generate")
@click.option("--townships", type=click.IntRange(min=1), required=True,
              help="乡镇数量 How many townships (a county: 10–30; a province: 1,000–2,000).")
@click.option("--items-per-township", type=click.IntRange(min=20), default=200, show_default=True,
              help="每个乡镇的事项数 Items per township (real lists: 150–300).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="随机种子，相同种子生成相同文件 Seed: the same seed writes the same files.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="输出目录 Output folder (one sub-folder per township, plus ground_truth.json).")
@click.option("--counties", is_flag=True,
              help="按县生成：每县一个通用目录，乡镇由目录派生并埋入偏差。Generate counties: a reference catalogue per "
                   "county (20 townships each) and townships derived from it with planted deviations.")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON 报告。Print the JSON report instead of a summary.")
@pass_settings
@handle_errors
def generate(settings: Settings, townships: int, items_per_township: int, seed: int, out_dir: Path,
             counties: bool, as_json: bool) -> None:
    """生成带已知问题的乡镇履行职责事项清单（xlsx/CSV）及标准答案。

    Write realistic duty lists for TOWNSHIPS townships (xlsx with title rows and merged
    cells, UTF-8/GB18030 CSV), with overlaps, gaps, unconfirmed leads, missing legal
    bases, broken enforcement chains and text problems (withdrawn in name, village burden,
    powers not empowered …) planted at known rates, ground_truth.json listing each of them,
    and each county's 赋权 list (OUT/第1县赋权清单.csv). Load a township with
    `dutygraph load OUT/0000-*/*`, then `dutygraph delegations import OUT/第1县赋权清单.csv`.
    """
    settings.as_json = as_json
    started = time.perf_counter()
    if counties:
        from loaders.generate_county import generate_counties  # noqa: PLC0415 - only for --counties

        truth = generate_counties(out_dir, townships, items_per_township, seed)
        n = sum(len(v) for t in truth["townships"] for v in t["catalogue"].values())
        click.echo(f"已生成 Wrote {len(truth['counties'])} 个县 counties (目录 catalogues: "
                   f"{'、'.join(c['folder'] for c in truth['counties'])}), {len(truth['townships'])} 个乡镇 townships, "
                   f"{n} 处目录偏差 catalogue deviations → {out_dir}")
        click.echo(f"导入目录 Load a catalogue: dutygraph load OUT/catalogue-<县>/* --township <县>通用目录 "
                   f"--catalogue-of <县>; 乡镇 townships: dutygraph load OUT/0000-*/* --county <县>")
        click.echo(f"标准答案 Ground truth: {out_dir / GROUND_TRUTH_FILE}")
        return
    truth = generate_lists(out_dir, townships, items_per_township, seed)
    seconds = time.perf_counter() - started
    counts = {"townships": len(truth["townships"]), **truth["totals"], "seconds": round(seconds, 2)}
    if as_json:
        report = make_report(results={"out": str(out_dir), "ground_truth": str(out_dir / GROUND_TRUTH_FILE)},
                             counts=counts)
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    click.echo(f"已生成 Wrote {counts['townships']} 个乡镇 townships, {counts['items']} 个事项 items "
               f"in {seconds:.1f} s → {out_dir}")
    planted = ", ".join(f"{k} {v}" for k, v in truth["totals"].items() if k != "items")
    click.echo(f"已埋入 Planted: {planted}")
    click.echo(f"标准答案 Ground truth: {out_dir / GROUND_TRUTH_FILE}")
