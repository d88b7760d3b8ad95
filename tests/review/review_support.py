"""Constants and comparison helpers for the review tests."""

from __future__ import annotations

from pathlib import Path

import loaders

SAMPLE = Path(loaders.__file__).parent / "sample_data" / "XX镇履行职责事项清单.xlsx"
TOWN = "XX镇"
# Items of the sample with planted boundary problems (loaders/sample_data/planted.json).
HOMESTEAD = "item:XX镇:code:XXZ-JB-049"  # 农村宅基地审批: 农业农村服务中心 and 自然资源所 both lead
SANITATION = "item:XX镇:code:XXZ-JB-070"  # 环境卫生整治: 环卫所 and 综合行政执法队 both lead
RELIEF = "item:XX镇:code:XXZ-JB-047"  # 自然灾害受灾群众救助: no lead
NO_BASIS = "item:XX镇:code:XXZ-JB-011"  # 企业服务和项目帮办: no legal basis
