"""Convert a pack's free-text ``source`` cells into register keys (issue 25; one-off, recorded).

    python tools/convert_sources.py geodata/lanzhou geodata/qiqihar
    culturemap build geodata/lanzhou && culturemap build geodata/qiqihar

Reads every ``curated/<layer>.csv`` of a pack, splits each ``source`` into its clauses ("; " outside
parentheses), and maps each clause to one entry of the pack's source register ``sources.csv``: the
recurring datasets and recalled lists by the patterns below, every cited page by its address (one
entry per address; publisher and date from the text before it). The row's ``source`` becomes the
keys it cites, principal source first, so the "weakly sourced" rule (first source a lead) keeps its
counts; the text it replaces goes to ``source_trail.csv`` (curators only, never built or
shown). Run once per pack; the register is then edited by hand.
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from culturemap.catalog.sources import REGISTER_COLUMNS, REGISTER_FILE, TRAIL_FILE
from culturemap.layers import ASSET_LAYERS, WEAK_SOURCE_MARK

_URL = re.compile(r"https?://[^\s,;)]+|\bnews\.qq\.com\b")
_DATE = re.compile(r"\b(\d{4}-\d{2}(?:-\d{2})?)\b")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff·〔〕0-9A-Za-z]*")

# (pattern in a clause, register entry). Official lists behind a dataset are cited by their batch.
_BATCHES = {"三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
_KNOWN: list[tuple[re.Pattern, dict]] = [
    (
        re.compile(r"Lanzhou cultural-tourism SWOT study"),
        dict(
            key="lanzhou-swot-study",
            kind="study",
            title_zh="兰州文化旅游SWOT分析（项目任务书引用的数字）",
            title_en="Lanzhou cultural-tourism SWOT study (figures as quoted in the project brief)",
            date="2022-08",
            strength="strong",
            via="the project brief",
        ),
    ),
    (
        re.compile(r"全国重点文物保护单位 batches 1-8"),
        dict(
            key="guobao-batches-1-8",
            kind="official_list",
            publisher_zh="国务院",
            publisher_en="State Council",
            title_zh="全国重点文物保护单位（第一至八批）",
            title_en="National key cultural relics protection units, batches 1-8",
            date="1961-2019",
            strength="strong",
            via="geodoi.ac.cn dataset 3503 via github kasasasasa/National-Key-Cultural-Relics-Protection-Units-"
            "Data-Large-Screen@c67e1a5 (../shared/reference/<city>_guobao_nocoords.csv)",
        ),
    ),
    (
        re.compile(r"general knowledge|^hours recalled|recalled offline, not verified; address"),
        dict(
            key="recalled-general",
            kind="recalled",
            title_zh="编者常识",
            title_en="curators' general knowledge",
            strength="unverified",
        ),
    ),
    (
        re.compile(r"教育部 全国普通高等学校名单"),
        dict(
            key="moe-university-list",
            kind="recalled",
            publisher_zh="教育部",
            publisher_en="Ministry of Education",
            title_zh="全国普通高等学校名单",
            title_en="List of institutions of higher education",
            strength="unverified",
        ),
    ),
    (
        re.compile(r"国家文物局 博物馆名录"),
        dict(
            key="ncha-museum-list",
            kind="recalled",
            publisher_zh="国家文物局",
            publisher_en="National Cultural Heritage Administration",
            title_zh="博物馆名录",
            title_en="Register of museums",
            strength="unverified",
        ),
    ),
    (
        re.compile(r"国家A级旅游景区名录"),
        dict(
            key="a-grade-list",
            kind="recalled",
            publisher_zh="甘肃省文化和旅游厅",
            publisher_en="Gansu Department of Culture and Tourism",
            title_zh="国家A级旅游景区名录",
            title_en="Register of A-class tourist attractions",
            strength="unverified",
        ),
    ),
    (
        re.compile(r"公布的省级文物保护单位名单"),
        dict(
            key="gansu-provincial-list",
            kind="recalled",
            publisher_zh="甘肃省人民政府",
            publisher_en="Gansu Provincial Government",
            title_zh="省级文物保护单位名单",
            title_en="List of provincial cultural relics protection units",
            strength="unverified",
        ),
    ),
    (
        re.compile(r"_scenic_qunar_nocoords|qytwnx/scenic-spot-visualization"),
        dict(
            key="qunar-scenic",
            kind="dataset",
            publisher_zh="去哪儿网",
            publisher_en="Qunar",
            title_zh="去哪儿网景点名录（地址）",
            title_en="Qunar attraction listings (addresses)",
            licence="",
            strength="strong",
            via="../shared/reference/<city>_scenic_qunar_nocoords.csv; github qytwnx/scenic-spot-visualization@391a4ad",
        ),
    ),
    (
        re.compile(r"flwfdd/china-university-location"),
        dict(
            key="university-location-bd",
            kind="dataset",
            title_zh="中国高校位置数据集（百度坐标）",
            title_en="China university locations (Baidu coordinates)",
            licence="",
            strength="strong",
            via="../shared/reference/<city>_universities_flwfdd.csv; github flwfdd/china-university-location@77ca8e0",
        ),
    ),
    (
        re.compile(r"whr810012/uni-soket-ai"),
        dict(
            key="university-list-bd",
            kind="dataset",
            title_zh="高校名单及百度坐标（开源应用）",
            title_en="University list with Baidu coordinates (open-source app)",
            licence="",
            strength="strong",
            via="../shared/reference/lanzhou_universities_baidu_whr810012.csv; github whr810012/uni-soket-ai@2b95dae",
        ),
    ),
    (
        re.compile(r"AMap \(GCJ-02\) point"),
        dict(
            key="amap-point-app",
            kind="dataset",
            publisher_zh="高德地图",
            publisher_en="AMap",
            title_zh="高德地图坐标（开源应用中的点位）",
            title_en="AMap point (in an open-source app)",
            licence="",
            strength="strong",
            via="a public app's source file found by text search",
        ),
    ),
]


# hand corrections of what the text before an address did not say plainly (by key, after conversion)
_OVERRIDES = {
    "07774-cn-2022-05-28": dict(publisher_zh="大西北网"),
    "qqx-com": dict(kind="official_list", publisher_zh="甘肃省人民政府", publisher_en="Gansu Provincial Government",
                    title_zh="甘肃省第八批省级文物保护单位名单", title_en="Gansu provincial protection units, batch 8",
                    date="2017", via="reprinted by 西部商报 at qqx.com"),
    "o931-cn": dict(date="2023-12-20"),
    "sq-yy-com-2025-12": dict(publisher_zh="新天水"),
    **{
        key: dict(title_zh=f"「{article}」条目（副本）", title_en=f"article {article} (copy)", publisher_en="Wikipedia")
        for key, article in (("wiki2-zh-cn-nina-az", "鲁土司衙门旧址"), ("wiki2-zh-cn-nina-az-2", "八路军兰州办事处旧址"),
                             ("wiwiki-kfd-me", "兰州府城隍庙"))
    },
    "daj-qqhr-gov-cn": dict(kind="official_list", title_zh="卜奎记忆", title_en="Bukui memory (city archives)",
                            publisher_en="Qiqihar City Archives"),
}  # fmt: skip


# English names of the publishers the pages cite (the English page cites them so)
PUBLISHERS_EN = {
    "兰州晚报": "Lanzhou Evening News", "东北网": "Northeast News Net (dbw.cn)", "兰州日报": "Lanzhou Daily",
    "中国甘肃网": "Gansu China Net (gscn)", "每日甘肃网": "Daily Gansu Net", "新华社": "Xinhua News Agency",
    "大西北网": "Great Northwest Net", "兰州新闻网": "Lanzhou News Net", "齐齐哈尔市统计局": "Qiqihar Bureau of Statistics",
    "钱币报": "Coin Journal", "腾讯新闻": "Tencent News", "甘肃经济日报": "Gansu Economic Daily",
    "本地宝": "Bendibao", "新天水": "Xin Tianshui", "新华网甘肃频道": "Xinhua Net, Gansu channel", "新华网": "Xinhua Net",
    "哈尔滨日报": "Harbin Daily", "兰州市统计局": "Lanzhou Bureau of Statistics", "光明日报": "Guangming Daily",
    "中国日报网": "China Daily online", "中国台湾网": "Taiwan.cn", "七里河区": "Qilihe District government",
}  # fmt: skip


def _split(text: str) -> list[str]:
    """``text`` split at "; " outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch in "(（"
        depth -= ch in ")）"
        if ch == ";" and depth <= 0:
            parts.append(text[start:i].strip())
            start = i + 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]


def _batch_entry(clause: str) -> dict | None:
    match = re.search(r"第(.)批全国重点文物保护单位 \((\d{4})\)", clause)
    if not match:
        return None
    n = _BATCHES[match.group(1)]
    return dict(
        key=f"guobao-batch{n}", kind="official_list", publisher_zh="国务院", publisher_en="State Council",
        title_zh=f"第{match.group(1)}批全国重点文物保护单位", title_en=f"National key cultural relics protection units, batch {n}",
        date=match.group(2), strength="strong",
        via="../shared/reference/<city>_guobao_nocoords.csv; github kasasasasa/National-Key-Cultural-Relics-"
        "Protection-Units-Data-Large-Screen@c67e1a5; geodoi.ac.cn dataset 3503 (MIT)",
    )  # fmt: skip


def _host(url: str) -> str:
    host = urlsplit(url).netloc if "://" in url else url
    return host.removeprefix("www.")


def _page_entry(clause: str, before: str, url: str, first: bool) -> dict:
    lead = WEAK_SOURCE_MARK in clause
    text = re.sub(r"\([^()]*\)", "", before.replace("LEAD ONLY", ""))
    text = text.strip().rstrip(":").strip()
    text = text.rsplit(": ", 1)[-1]
    date = _DATE.search(before)
    cjk = _CJK_RUN.findall(text) if first and not lead else []
    encyclopedia = "Wikipedia" in before or "encyclopedia" in clause
    publisher = "China Daily" if "China Daily" in before else (cjk[0] if cjk else "")
    if "Wikipedia" in before:
        publisher = "维基百科"
    kind = "lead" if lead else "encyclopedia" if encyclopedia else "news" if (date or publisher) else "web"
    host = _host(url)
    slug = re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-")
    return dict(
        key=f"{slug}-{date.group(1)}" if date else slug, kind=kind, publisher_zh=publisher,
        publisher_en=publisher if publisher.isascii() else "", date=date.group(1) if date else "",
        url=url if "://" in url else f"https://{url}", strength="weak" if lead else "strong",
    )  # fmt: skip


def convert_pack(pack: Path) -> tuple[int, int]:
    """Rewrite the ``source`` of every curated table of ``pack`` as register keys; write ``sources.csv``
    and ``source_trail.csv``. Returns (rows converted, register entries)."""
    register: dict[str, dict] = {}
    if (pack / REGISTER_FILE).exists():
        existing = pd.read_csv(pack / REGISTER_FILE, dtype=str, keep_default_na=False)
        register = {row["key"]: dict(row) for _, row in existing.iterrows()}
    by_url: dict[str, str] = {entry["url"]: key for key, entry in register.items() if entry.get("url")}
    trail_path = pack / TRAIL_FILE
    trail = pd.read_csv(trail_path, dtype=str).to_dict("records") if trail_path.exists() else []
    converted = 0

    def add(entry: dict) -> str:
        url = entry.get("url", "")
        if url and url in by_url:
            return by_url[url]
        key, n = entry["key"], 2
        while key in register and register[key].get("url", "") != url:
            key, n = f"{entry['key']}-{n}", n + 1
        entry["key"] = key
        register.setdefault(key, {c: "" for c in REGISTER_COLUMNS} | entry)
        if url:
            by_url[url] = key
        return key

    def convert(text: str, where: str) -> list[str]:
        keys: list[str] = []
        lead_before = False
        for clause in _split(text):
            if clause in register:  # converted already
                keys.append(clause)
                continue
            if lead_before and clause.startswith("http"):  # "LEAD ONLY: url1; url2": url2 is a lead too
                clause = f"{WEAK_SOURCE_MARK}: {clause}"
            lead_before = WEAK_SOURCE_MARK in clause
            found = []
            batch = _batch_entry(clause)
            if batch:
                found.append(add(batch))
            for pattern, entry in _KNOWN:
                if pattern.search(clause):
                    found.append(add(dict(entry, via=entry.get("via", "").replace("<city>", pack.name))))
            urls = list(_URL.finditer(clause))
            for i, match in enumerate(urls):
                before = clause[urls[i - 1].end() if i else 0 : match.start()]
                found.append(add(_page_entry(clause, before, match.group(0), first=True)))
            keys += [k for k in found if k not in keys]
        if not keys:
            raise SystemExit(f"{where}: no source recognised in {text!r}")
        return keys

    for layer in ASSET_LAYERS:
        path = pack / "curated" / f"{layer}.csv"
        if not path.exists():
            continue
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        keys_per_row = []
        for _, row in table.iterrows():
            keys = convert(row["source"], f"{path}: row {row['id']}")
            if keys != _split(row["source"]):
                trail.append({"layer": layer, "id": row["id"], "source_before": row["source"]})
            keys_per_row.append("; ".join(keys))
        table["source"] = keys_per_row
        table.to_csv(path, index=False, quoting=csv.QUOTE_MINIMAL)
        converted += len(table)
    # city.toml: the sources of the published figures, their missing assets and the population
    toml_path, lines, section = pack / "city.toml", [], ""
    for number, line in enumerate(toml_path.read_text(encoding="utf-8").splitlines(), 1):
        section = line.strip() if line.startswith("[") else section
        match = re.match(r'^source = "(.*)"$', line)
        if match and section in ("[[published]]", "[[published.missing]]", "[population]"):
            keys = convert(match.group(1), f"{toml_path}:{number}")
            if keys != _split(match.group(1)):
                trail.append({"layer": "city.toml", "id": f"line {number}", "source_before": match.group(1)})
            line = f'source = "{"; ".join(keys)}"'
        lines.append(line)
    toml_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for key, changes in _OVERRIDES.items():
        if key in register:
            register[key].update(changes)
    for entry in register.values():
        entry["publisher_en"] = entry.get("publisher_en") or PUBLISHERS_EN.get(entry.get("publisher_zh", ""), "")
    entries = pd.DataFrame(list(register.values()), columns=list(REGISTER_COLUMNS)).sort_values("key")
    entries.to_csv(pack / REGISTER_FILE, index=False)
    pd.DataFrame(trail).to_csv(pack / TRAIL_FILE, index=False)
    return converted, len(entries)


def main() -> None:
    """Convert each pack given on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packs", nargs="+", type=Path)
    for pack in parser.parse_args().packs:
        rows, entries = convert_pack(pack)
        print(f"{pack}: {rows} rows, {entries} register entries")


if __name__ == "__main__":
    main()
