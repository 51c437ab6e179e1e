"""User-facing text in Chinese and English.

Every message shown to a user is a key here with a zh and an en template (``str.format`` fields).
"""

from __future__ import annotations

import re

LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # validation problems
    "missing_file": ("缺少必需的图层文件 {file}", "required layer file {file} is missing"),
    "missing_layer": (
        "城市包中没有图层文件 {file}（该图层为空）",
        "layer file {file} is not in the pack (layer left empty)",
    ),
    "unreadable": ("无法读取 {file}：{reason}", "cannot read {file}: {reason}"),
    "too_large": (
        "{file} 有 {size_mb:.0f} MB，超过上限 {limit_mb} MB",
        "{file} is {size_mb:.0f} MB, over the {limit_mb} MB limit",
    ),
    "wrong_crs": (
        "{file} 的坐标参考系为 {crs}，应为 WGS-84 经纬度（EPSG:4326）",
        "{file} is in {crs}; expected WGS-84 lon/lat (EPSG:4326)",
    ),
    "projected_coords": (
        "{file} 第 {row} 个要素（id={id}）坐标 ({x:.6g}, {y:.6g}) 超出经纬度范围，疑似投影坐标",
        "{file} feature {row} (id={id}): coordinates ({x:.6g}, {y:.6g}) are outside lon/lat range; projected coordinates?",
    ),
    "swapped_latlon": (
        "{file} 第 {row} 个要素（id={id}）经纬度疑似颠倒：({x:.5f}, {y:.5f}) 应为 ({y:.5f}, {x:.5f})",
        "{file} feature {row} (id={id}): lon/lat look swapped: ({x:.5f}, {y:.5f}) should probably be ({y:.5f}, {x:.5f})",
    ),
    "missing_geometry": ("{file} 第 {row} 个要素（id={id}）没有几何", "{file} feature {row} (id={id}) has no geometry"),
    "invalid_geometry": (
        "{file} 第 {row} 个要素（id={id}）几何无效：{reason}",
        "{file} feature {row} (id={id}) has an invalid geometry: {reason}",
    ),
    "wrong_geometry_type": (
        "{file} 第 {row} 个要素（id={id}）几何类型为 {found}，应为 {expected}",
        "{file} feature {row} (id={id}) is a {found}; expected {expected}",
    ),
    "missing_field": (
        "{file} 第 {row} 个要素（id={id}）缺少字段 {field}",
        "{file} feature {row} (id={id}) lacks the field {field}",
    ),
    "absolute_path": (
        "{file} 第 {row} 个要素（id={id}）字段 {field} 含本机绝对路径 {path!r}；应写网址或相对于城市包的路径（如 ../shared/reference/<文件>）",
        "{file} feature {row} (id={id}) field {field} holds the absolute path {path!r}; expected a URL or a path relative to the pack (e.g. ../shared/reference/<file>)",
    ),
    "bad_date": (
        "{file} 第 {row} 个要素（id={id}）字段 {field} 的值 {value!r} 不是日期，应为 YYYY-MM-DD、YYYY-MM 或 YYYY",
        "{file} feature {row} (id={id}) field {field} has the value {value!r}; expected a date YYYY-MM-DD, YYYY-MM or YYYY",
    ),
    "missing_asset_present": (
        "{file}：{field} 列为缺失的 {name} 已在 {layer} 中，请从缺失名单中删去",
        "{file}: {field} lists {name} as missing, but {layer} holds it; remove it from the missing list",
    ),
    "bad_value": (
        "{file} 第 {row} 个要素（id={id}）字段 {field} 的值 {value!r} 无效，应为 {expected} 之一",
        "{file} feature {row} (id={id}) field {field} has the value {value!r}; expected one of {expected}",
    ),
    "duplicate_id": (
        "{file} 第 {row} 个要素的 id {id} 与 {other} 重复",
        "{file} feature {row}: id {id} is already used by {other}",
    ),
    "id_prefix": (
        "{file} 第 {row} 个要素的 id {id} 不以 {prefix} 开头",
        "{file} feature {row}: id {id} does not start with {prefix}",
    ),
    "outside_city": (
        "{file} 第 {row} 个要素（id={id}）位于市域之外 {distance_m:.0f} 米",
        "{file} feature {row} (id={id}) lies {distance_m:.0f} m outside the municipality",
    ),
    "unknown_district": (
        "{file} 第 {row} 个要素（id={id}）字段 district 的值 {value!r} 不是本市的区县，应为 {expected} 之一",
        "{file} feature {row} (id={id}) field district {value!r} is not a district of this city; expected one of {expected}",
    ),
    "wrong_district": (
        "{file} 第 {row} 个要素（id={id}）字段 district 为 {value}，但点位在 {found}（距 {value} {distance_m:.0f} 米）",
        "{file} feature {row} (id={id}) field district says {value} but the point lies in {found} ({distance_m:.0f} m from {value})",
    ),
    "same_name": (
        "{file} 第 {row} 个要素（id={id}）与第 {other_row} 个要素（id={other}）同名（{name}）：疑似重复，"
        "请合并为一条，或在名称、校区中加以区分",
        "{file} feature {row} (id={id}) has the same name as feature {other_row} (id={other}): {name}; "
        "a duplicate? merge them, or tell them apart by name or campus",
    ),
    "route_unknown_stop": (
        "{file} 路线 {route} 的站点 {stop} 不存在于任何图层",
        "{file} route {route}: stop {stop} is not a feature id in any layer",
    ),
    "text_too_long": (
        "{file} 第 {row} 个要素（id={id}）字段 {field} 有 {length} 个字符，超过上限 {cap}，已截断",
        "{file} feature {row} (id={id}) field {field} is {length} characters long; cut to the {cap}-character limit",
    ),
    # city packs that cannot be loaded (PackError); {setting} is a city.toml key, {value} its value
    "pack_no_folder": (
        "{file}：文件夹不存在；应为含 city.toml 的城市包文件夹",
        "{file}: no such folder; expected a city pack folder with city.toml",
    ),
    "pack_not_folder": (
        "{file} 不是文件夹；应为含 city.toml 的城市包文件夹",
        "{file} is not a folder; expected a city pack folder with city.toml",
    ),
    "pack_no_city_toml": (
        "{file}：文件不存在（城市包需要 city.toml）",
        "{file}: file not found (a city pack needs city.toml)",
    ),
    "pack_unreadable": ("{file}：无法读取（{reason}）", "{file}: cannot be read ({reason})"),
    "pack_bad_toml": ("{file}：不是有效的 TOML：{reason}", "{file}: not valid TOML: {reason}"),
    "pack_missing_key": ("{file}：缺少键 {setting}", "{file}: missing key {setting}"),
    "pack_expected_text": (
        "{file}：{setting} 为 {value}，应为 1 至 {cap} 个字符的非空文本",
        "{file}: {setting} is {value}; expected non-blank text of at most {cap} characters",
    ),
    "pack_expected_texts": (
        "{file}：{setting} 为 {value}，应为文本或文本列表",
        "{file}: {setting} is {value}; expected a text or a list of texts",
    ),
    "pack_absolute_path": (
        "{file}：{setting} 为 {value}，含本机绝对路径 {path!r}；应写网址或相对于城市包的路径",
        "{file}: {setting} is {value}; it holds the absolute path {path!r}; expected a URL or a path relative to the pack",
    ),
    "pack_expected_choice": (
        "{file}：{setting} 为 {value}，应为 {choices} 之一",
        "{file}: {setting} is {value}; expected one of {choices}",
    ),
    "pack_expected_id": (
        "{file}：{setting} 为 {value}，应只含字母、数字、- 或 _",
        "{file}: {setting} is {value}; expected letters, digits, '-' or '_' only",
    ),
    "pack_expected_number": (
        "{file}：{setting} 为 {value}，应为 {low} 至 {high} 之间的有限数值",
        "{file}: {setting} is {value}; expected a finite number from {low} to {high}",
    ),
    "pack_expected_distance": (
        "{file}：{setting} 为 {value}，应为不小于 0 的有限米数",
        "{file}: {setting} is {value}; expected a finite number of metres >= 0",
    ),
    "pack_expected_integer": (
        "{file}：{setting} 为 {value}，应为 {low} 至 {high} 之间的整数",
        "{file}: {setting} is {value}; expected a whole number from {low} to {high}",
    ),
    "pack_expected_count": (
        "{file}：{setting} 为 {value}，应为不小于 {low} 的整数",
        "{file}: {setting} is {value}; expected a whole number >= {low}",
    ),
    "pack_expected_table": (
        "{file}：{setting} 为 {value}，应为表（[{setting}]）",
        "{file}: {setting} is {value}; expected a table ([{setting}])",
    ),
    "pack_expected_tables": (
        "{file}：{setting} 为 {value}，应为表数组（[[{setting}]]）",
        "{file}: {setting} is {value}; expected an array of tables ([[{setting}]])",
    ),
    "pack_expected_bbox": (
        "{file}：{setting} 为 {value}，应为 4 个数 [最小经度, 最小纬度, 最大经度, 最大纬度]",
        "{file}: {setting} is {value}; expected four numbers [min_lon, min_lat, max_lon, max_lat]",
    ),
    "pack_bbox_order": (
        "{file}：{setting} 为 {value}，应满足 最小经度 < 最大经度 且 最小纬度 < 最大纬度",
        "{file}: {setting} is {value}; expected min_lon < max_lon and min_lat < max_lat",
    ),
    "pack_center_outside": (
        "{file}：{setting} 为 {value}，应位于 bbox {bbox} 之内",
        "{file}: {setting} is {value}; expected a point inside bbox {bbox}",
    ),
    "pack_crs_invalid": (
        "{file}：{setting} 为 {value}，不是坐标参考系（{reason}），应如 EPSG:32648",
        "{file}: {setting} is {value}, not a CRS ({reason}); expected e.g. EPSG:32648",
    ),
    "pack_crs_not_metric": (
        "{file}：{setting} 为 {value}，应为以米为单位的投影坐标系",
        "{file}: {setting} is {value}; expected a projected CRS in metres",
    ),
    # report text
    "report_title": ("{city} 城市包校验报告", "Validation report for the {city} pack"),
    "report_layers": ("图层要素数", "Features per layer"),
    "report_coverage": ("与公开数据对照", "Coverage against published figures"),
    "report_required": ("应包含的点位", "Named assets the data must hold"),
    "report_accuracy": ("坐标精度", "Coordinate accuracy"),
    "report_flagged": (
        "概略或未核对坐标（已标记）{n} 条",
        "{n} rows flagged with approximate or unchecked coordinates",
    ),
    "report_errors": ("错误 {n} 条", "{n} errors"),
    "report_warnings": ("警告 {n} 条", "{n} warnings"),
    "report_ok": ("校验通过", "Validation passed"),
    "report_failed": ("校验未通过", "Validation failed"),
    # a data root (`culturemap validate geodata/`): every pack under it
    "report_root_pack": ("== {folder} ==", "== {folder} =="),
    "report_root_summary": (
        "{n} 个城市包，{broken} 个无法加载，{failed} 个有错误",
        "{n} pack(s), {broken} cannot be loaded, {failed} with errors",
    ),
    "pack_duplicate_id": (
        '{file}：id "{id}" 与 {others} 的 id 相同；一个城市 id 只能对应一个城市包：请给每个副本一个自己的 id',
        '{file}: id "{id}" is also the id of {others}; a city id names one pack: give each copy an id of its own',
    ),
    # files that are not regular files ({kind_zh} / {kind_en}: see culturemap.io.files.file_kind)
    "file_kind_folder": ("文件夹", "a folder"),
    "file_kind_char_device": ("字符设备", "a character device"),
    "file_kind_block_device": ("块设备", "a block device"),
    "file_kind_fifo": ("命名管道（FIFO）", "a FIFO (named pipe)"),
    "file_kind_socket": ("套接字", "a socket"),
    "file_kind_other": ("非普通文件", "not a regular file"),
    "not_regular_file": (
        "{file} 是{kind_zh}，应为不超过 {limit_mb} MB 的普通文件（未读取）",
        "{file} is {kind_en}; expected a regular file of at most {limit_mb} MB (not read)",
    ),
    "pack_not_regular_file": ("{file} 是{kind_zh}，应为普通文件", "{file} is {kind_en}; expected a regular file"),
    # output paths (culturemap.io.files.OutputError); {path} is the path given, with "(-> target)" for a symlink
    "output_symlink_loop": (
        "{path}：无法解析其符号链接（{reason}）；应为文件路径",
        "{path}: cannot follow its symlinks ({reason}); expected a file path",
    ),
    "output_no_folder": (
        "{path}：文件夹 {folder} 不存在；应为已存在文件夹中的文件",
        "{path}: folder {folder} does not exist; expected a file in an existing folder",
    ),
    "output_not_regular": (
        "{path} 是{kind_zh}；应为普通文件或新文件名",
        "{path} is {kind_en}; expected a regular file or a new file name",
    ),
    "output_store_store": (
        "{path} 是城市 {city} 的数据存储（{folder}）；写入会替换其中已存储的数据：请选择 {folder} 之外的文件",
        "{path} is the store of the city {city} ({folder}); writing it would replace the stored data: "
        "choose a file outside {folder}",
    ),
    "output_store_journal": (
        "{path} 是城市 {city} 数据存储的日志文件（{folder}）；写入会损坏数据存储：请选择 {folder} 之外的文件",
        "{path} is a journal file of the store of the city {city} ({folder}); writing it would corrupt the "
        "store: choose a file outside {folder}",
    ),
    "output_store_lock": (
        "{path} 是城市 {city} 数据存储的写入锁（{folder}）；写入会让并发写入失去保护：请选择 {folder} 之外的文件",
        "{path} is the write lock of the store of the city {city} ({folder}); writing it would let two writes "
        "clash: choose a file outside {folder}",
    ),
    "output_store_temp": (
        "{path} 是城市 {city} 数据存储的临时副本（{folder}）；正在进行的写入会用到它：请选择 {folder} 之外的文件",
        "{path} is a temporary copy of the store of the city {city} ({folder}); a write in progress uses it: "
        "choose a file outside {folder}",
    ),
    "store_stale_copies_removed": (
        "已删除 {file} 的 {n} 个临时副本（中断的写入留下，无写入进程持有），释放 {mb:.1f} MB（{bytes:,} 字节）",
        "removed {n} temporary copies of {file} left by interrupted writes (held by no writer): "
        "{mb:.1f} MB ({bytes:,} bytes) freed",
    ),
    "report_approx_share": ("概略位置占 {pct}%", "{pct}% approximate positions"),
    "report_as_of": ("截至 {date}", "as of {date}"),
    "report_weak_rows": ("其中 {n} 条来源较弱（仅为线索）", "{n} of them weakly sourced (leads only)"),
    "report_graded_after": (
        "{date} 之后评定、未计入：{names}",
        "graded after {date}, not counted: {names}",
    ),
    "report_weak_total": ("来源较弱（仅为线索）{n} 条", "{n} rows weakly sourced (leads only)"),
    "report_missing_named": (
        "来源点名但数据中缺少的 {n} 处：",
        "{n} named in a source but missing from the data:",
    ),
    "status_complete": ("齐全", "complete"),
    "status_short": ("缺 {gap}", "{gap} missing"),
    "status_over": ("多 {gap}", "{gap} more than published"),
    "found": ("已找到", "found"),
    "not_found": ("未找到", "not found"),
    # app
    "app_title": ("{city}文化资源地图", "{city} cultural assets map"),
    "app_layers": ("图层", "Layers"),
    "app_loading": ("正在加载城市数据……", "Loading the city pack..."),
    "app_count_col": ("数量", "Count"),
    "app_problems": (
        "数据校验：{errors} 个错误，{warnings} 条提示（culturemap validate 可查看完整报告）",
        "Data validation: {errors} errors, {warnings} warnings (culturemap validate prints the full report)",
    ),
    "app_coverage_short": ("⚠ 覆盖情况：{gaps}", "⚠ Coverage: {gaps}"),
    "app_coverage_complete": ("覆盖情况：{n} 项公开数字均已收齐", "Coverage: all {n} published figures accounted for"),
    "app_coverage_intro": (
        "城市包只收录有来源可查的点位。下表将各图层与公开发布的数字对照：缺口不是没有这些资源，而是还未收录。",
        "The pack holds only assets a source names. The table compares each layer with the published figure: "
        "a gap means assets not yet recorded, not assets that do not exist.",
    ),
    "col_figure": ("公开数字", "Published figure"),
    "col_in_pack": ("已收录", "In the pack"),
    "col_published": ("公开发布", "Published"),
    "col_gap": ("缺口", "Missing"),
    "col_approx_share": ("概略位置占比", "Approximate positions"),
    "col_as_of": ("数字截至", "Figure as of"),
    "app_coverage_weak": ("（其中 {n} 条来源较弱）", " ({n} of them weakly sourced)"),
    "col_figure_source": ("数字来源", "Source of the figure"),
    "app_coverage_named": ("有来源提及但未收录的点位", "Named by a source but not in the pack"),
    "app_coverage_named_item": ("{name}（{reason}）", "{name} ({reason})"),
    "app_coverage_import": (
        "补齐缺口：将官方名录整理进城市包的 curated 表格（每行注明来源），再运行 culturemap build；或在“数据”页面直接上传名录导入本市数据库。",
        "To close a gap: add the official list to the pack's curated tables (each row with its source) and run "
        "culturemap build; or upload the list on the Data page into the city's store.",
    ),
    "app_pack_broken_short": ("无法加载", "cannot be loaded"),
    "app_pack_broken": ("城市包 {folder} 无法加载：{reason}", "The city pack {folder} cannot be loaded: {reason}"),
    "app_pack_unreadable": ("无法读取：{reason}", "cannot be read: {reason}"),
    "app_pack_choose_other": (
        "请在左侧选择其他城市；修正该城市包后刷新页面即可。",
        "Choose another city in the sidebar; reload the page once the pack is fixed.",
    ),
    "app_store_unavailable": (
        "{city}的数据暂时无法使用：{reason}。下次操作（点击、选择或刷新页面）时会自动重试。",
        "The data of {city} is unavailable for now: {reason}. The page tries again on your next action "
        "(a click, a choice or a reload).",
    ),
    "app_layer_filters": ("按图层筛选", "Filters of one layer"),
    "app_filters_all": ("筛选（所有图层）", "Filters (all layers)"),
    "app_filter_scope": (
        "此筛选只作用于{layer}；其他图层仍显示 {n} 个点位。",
        "This filter narrows {layer} only; the other layers still show {n} assets.",
    ),
    "app_show_only": ("只看{layer}", "Show only {layer}"),
    "app_layers_none": ("未选择图层", "No layer chosen"),
    "app_no_packs": ("在 {path} 下没有找到城市包", "No city pack found under {path}"),
    # popups
    "popup_grade": ("等级", "Grade"),
    "popup_level": ("级别", "Level"),
    "popup_kind": ("类别", "Kind"),
    "popup_type": ("类型", "Type"),
    "popup_district": ("区县", "District"),
    "popup_address": ("地址", "Address"),
    "popup_source": ("来源", "Source"),
    # sources as a reader cites them (catalog/sources.py; issue 25)
    "cite_official": ("{title}（{details}）", "{title} ({details})"),  # details: publisher, date
    "cite_dataset": ("{title}（数据集，{licence}）", "{title} (dataset, {licence})"),
    "cite_no_licence": ("未注明许可", "licence not stated"),
    "cite_study": ("{title}，{date}", "{title}, {date}"),
    "source_kind_study": ("研究报告", "study"),
    "cite_recalled": ("{title}（凭记忆整理，未核对）", "{title} (recalled, not verified)"),
    "cite_lead": ("线索（弱来源）：{source}", "Lead (weak source): {source}"),
    "popup_notes": ("备注", "Notes"),
    "sources_title": ("资料来源", "Sources"),
    "sources_intro": (
        "每条来源只列一次：引用它的图层、行数，以及以它为主要来源的行数。标为“线索”的来源较弱。",
        "Each source once: the layers whose rows cite it, how many rows, and how many cite it as their "
        "principal source. Sources marked as leads are weak.",
    ),
    "sources_col_citation": ("来源", "Source"),
    "sources_col_kind": ("类型", "Kind"),
    "sources_col_layers": ("支撑的图层", "Supports"),
    "sources_col_rows": ("行数", "Rows"),
    "sources_col_principal": ("主要来源", "Principal"),
    "source_kind_official_list": ("官方名录", "official list"),
    "source_kind_news": ("新闻报道", "news"),
    "source_kind_dataset": ("数据集", "dataset"),
    "source_kind_encyclopedia": ("百科", "encyclopedia"),
    "source_kind_web": ("网页", "web page"),
    "source_kind_lead": ("线索（弱）", "lead (weak)"),
    "source_kind_recalled": ("凭记忆（未核对）", "recalled (not verified)"),
    "source_unknown": (
        "{file}：要素 {id}（第 {row} 行）的来源“{cited}”不在来源登记表 sources.csv 中：请在登记表中添加该来源，或改用已有的键",
        "{file}: feature {id} (row {row}): source '{cited}' is not a key of the register sources.csv: add it "
        "to the register or cite an existing key",
    ),
    "source_unknown_config": (
        "{file}：{id} 的来源“{cited}”不在来源登记表 sources.csv 中：请在登记表中添加该来源，或改用已有的键",
        "{file}: {id}: source '{cited}' is not a key of the register sources.csv: add it to the register or "
        "cite an existing key",
    ),
    "source_register": ("{file}：{detail}", "{file}: {detail}"),
    "popup_accuracy": ("坐标精度", "Coordinates"),
    "popup_campus": ("校区", "Campus"),
    "popup_era": ("年代", "Era"),
    "popup_grade_since": ("评定时间", "Rated on"),
    "popup_grade_history": ("此前等级", "Earlier grades"),
    "popup_batch": ("公布批次", "Listed in batch"),
    "popup_themes": ("主题", "Themes"),
    # the history at the foot of a fact card (issue 28); the summary is "edit_history"
    "popup_history_change": ("{field}：{before} → {after}", "{field}: {before} → {after}"),
    "popup_history_moved": (
        "距原位置 {m} 米；坐标精度：{accuracy}",
        "{m} m from where it was; coordinates: {accuracy}",
    ),
    "popup_history_retired": ("原因：{reason}", "why: {reason}"),
    "popup_history_now_retired": ("已停用，原因：{reason}", "retired, why: {reason}"),
    "popup_history_import": ("{n} 个字段有变动", "{n} fields changed"),
    "popup_history_earlier": (
        "……此前还有 {n} 条修改，见“数据”页的修改记录。",
        "…and {n} changes before these: see the change log on the Data page.",
    ),
    "popup_history_times": ("时间为北京时间。", "Times in China time (UTC+8)."),
    # map
    "map_hexagons": ("六边形汇总", "Hexagon counts"),
    "map_count": ("数量", "Count"),
    "spot_hot": ("热点（Gi*，p<0.05）", "hot spot (Gi*, p < 0.05)"),
    "spot_cold": ("冷点（Gi*，p<0.05）", "cold spot (Gi*, p < 0.05)"),
    "map_legend": ("图例", "Legend"),
    "map_approx_legend": ("虚线边框 = 概略坐标", "dashed outline = approximate position"),
    "map_hex_legend": ("每格数量 1–{max}", "per cell 1–{max}"),
    "map_tiles_failed": (
        "无法加载在线底图（{basemap}），已改用城市包的离线底图。",
        "Online tiles ({basemap}) cannot be reached: showing the city pack's offline basemap.",
    ),
    # pages
    "page_map": ("地图", "Map"),
    "page_analysis": ("密度与廊道", "Density & corridor"),
    # routes page
    "page_routes": ("线路设计", "Routes"),
    "route_legend": ("线路", "Route"),
    "route_estimated": (
        "虚线：行程时间为估算（直线距离 × 绕行系数）",
        "dashed: travel times estimated (straight line x circuity)",
    ),
    "route_network": ("实线：沿路网计算", "solid: computed on the road network"),
    "routes_title": ("{city}主题线路设计", "{city} themed route designer"),
    "routes_theme": ("主题线路", "Themed route"),
    "routes_scratch": ("从零开始", "Start from scratch"),
    "routes_suggested": ("（建议线路，非官方）", "(suggested, not an official route)"),
    "routes_stops": ("站点", "Stops"),
    "routes_click_add": ("点击加入线路", "click to add to the route"),
    "routes_candidates_layer": ("可加入的点位", "Assets to add"),
    "routes_origin": ("起点", "Start point"),
    "routes_destination": ("终点", "End point"),
    "routes_origin_first": ("第一个站点", "the first stop"),
    "routes_origin_map": ("地图上选定的位置", "the point chosen on the map"),
    "routes_destination_free": ("任意（最后一站由优化决定）", "anywhere (the optimiser picks the last stop)"),
    "routes_destination_round": ("返回起点（环线）", "back to the start (round trip)"),
    "routes_map_pick_missing": (
        "请在地图上点击选择{which}位置（选择“设为{which}”后单击地图）。",
        'Click the map to choose the {which} (pick "set the {which}" below, then click).',
    ),
    "routes_point_outside": (
        "所点位置（{lon:.5f}, {lat:.5f}）不在{city}范围内，未采用。",
        "The clicked point ({lon:.5f}, {lat:.5f}) is outside {city}; it was not used.",
    ),
    "routes_click_mode": ("单击地图", "A click on the map"),
    "routes_click_toggle": ("添加/移除站点", "adds or removes a stop"),
    "routes_click_origin": ("设为起点", "sets the start"),
    "routes_click_destination": ("设为终点", "sets the end"),
    "routes_clicked_added": ("已加入：{name}", "Added: {name}"),
    "routes_clicked_removed": ("已移除：{name}", "Removed: {name}"),
    "routes_editor": (
        "站点表：取消勾选可移除站点；可修改每站停留时间和开放时间（OSM opening_hours 格式，如 Tu-Su 09:00-17:00）",
        "Stops: untick to remove a stop; edit the time per stop and the opening hours "
        "(OSM opening_hours, e.g. Tu-Su 09:00-17:00)",
    ),
    "routes_keep": ("保留", "Keep"),
    "routes_network": ("路网", "Road network"),
    "routes_network_upload": (
        "上传路网（OpenStreetMap .osm.pbf / .osm，或 osmnx .graphml）",
        "Upload a road network (OpenStreetMap .osm.pbf / .osm, or osmnx .graphml)",
    ),
    "routes_network_pack": ("使用城市包自带路网：{file}", "Using the pack's road network: {file}"),
    "routes_network_none": (
        "未提供路网：行程时间按直线距离 × 绕行系数估算。",
        "No road network: travel times are estimated from straight-line distance x a detour factor.",
    ),
    "routes_network_loading": ("正在读取路网 {file}…", "Reading the road network {file}…"),
    "routes_network_loaded": (
        "路网 {file}：{nodes} 个节点，{edges} 条路段",
        "Road network {file}: {nodes} nodes, {edges} road segments",
    ),
    "routes_candidates": ("按主题添加候选站点", "Add candidate stops by theme"),
    "routes_mode": ("出行方式", "Travel mode"),
    "mode_walk": ("步行", "walk"),
    "mode_bike": ("骑行", "bike"),
    "mode_car": ("自驾", "car"),
    "mode_taxi": ("出租车", "taxi"),
    "routes_start": ("出发时间", "Start time"),
    "routes_date": ("日期（用于开放日）", "Date (for opening days)"),
    "routes_optimise": ("优化顺序（保持起点）", "Optimise the order (keep the start)"),
    "routes_dwell": ("各类站点停留时间（分钟）", "Time per stop by category (min)"),
    "routes_need_two": ("请至少选择 2 个站点。", "Choose at least 2 stops."),
    "routes_totals": (
        "共 {n} 站，{km:.1f} 公里，行程 {travel:.0f} 分钟，{start}–{end}（{how}，顺序：{method}）",
        "{n} stops, {km:.1f} km, {travel:.0f} min travelling, {start}-{end} ({how}; order: {method})",
    ),
    "method_held-karp": ("Held-Karp 精确最优", "Held-Karp, exact"),
    "method_or-tools": ("OR-Tools 近似最优", "OR-Tools, near-optimal"),
    "method_or-tools with time windows": ("OR-Tools 近似最优（含开放时间窗）", "OR-Tools with opening-hour windows"),
    "method_as given": ("按给定顺序", "as given"),
    "method_nearest neighbour + 2-opt": (
        "最近邻 + 2-opt 局部优化（限时 0.3 秒）",
        "nearest neighbour + 2-opt (time budget 0.3 s)",
    ),
    "method_nearest neighbour + 2-opt, cut at the time budget": (
        "最近邻 + 2-opt 局部优化（0.3 秒限时已到，未必最优）",
        "nearest neighbour + 2-opt (stopped at its 0.3 s time budget: may not be the best)",
    ),
    "method_nearest neighbour + 2-opt, or-tools with time windows": (
        "最近邻 + 2-opt，再经 OR-Tools 按开放时间窗调整（各限时 0.3 秒）",
        "nearest neighbour + 2-opt, then OR-Tools with opening-hour windows (0.3 s budget each)",
    ),
    "routes_split": ("分多天安排", "Split into days"),
    "routes_day_end": ("每天结束时间", "Each day ends at"),
    "routes_days": ("最多天数", "At most (days)"),
    "routes_days_any": ("不限", "as many as needed"),
    "routes_dwell_kept": (
        "{names}：停留时间为空或为 0，已保留原来的时间（不去某站请取消勾选）",
        "{names}: the visit time was empty or 0, so the previous time was kept (untick a stop to drop it)",
    ),
    "routes_day_n": ("第 {day} 天", "Day {day}"),
    "routes_days_total": ("共 {days} 天", "{days} days"),
    "routes_day_line": (
        "第 {day} 天（{date}）：{stops} 站，{distance_km:.1f} 公里，行程 {travel_min:.0f} 分钟，{start}–{end}",
        "Day {day} ({date}): stops {stops}, {distance_km:.1f} km, {travel_min:.0f} min travelling, {start}-{end}",
    ),
    "note_line": ("{name}（{id}）：{note}", "{name} ({id}): {note}"),
    "note_hours_unreadable": ("开放时间无法识别（{reason}）", "opening hours not understood ({reason})"),
    "note_closed_on_arrival": ("到达时已关闭", "closed on arrival"),
    "note_closed_that_day": ("当天不开放", "closed that day"),
    "note_closes_before_end": ("{time} 关闭，早于参观结束", "closes at {time}, before the visit ends"),
    "note_after_day_end": (
        "{time} 才结束，晚于当天结束时间 {day_end}",
        "ends at {time}, after the day's end {day_end}",
    ),
    "note_after_midnight": (
        "过了午夜才到达：第 {day} 天（{date}）{time}",
        "arrives after midnight: day {day}, {date} {time}",
    ),
    "note_leg_too_long": (
        "{mode_zh} {km:.1f} 公里，超过合理的 {limit:.0f} 公里：建议{suggest_zh}",
        "{km:.1f} km {mode_en}, over the sensible {limit:.0f} km: go by {suggest_en}",
    ),
    "note_outside_daytime": (
        "{time} 到达，不在白天（{early}–{late}），开放时间未知",
        "arrives at {time}, outside daytime ({early}-{late}) and its opening hours are unknown",
    ),
    "leg_walk": ("步行", "on foot"),
    "leg_bike": ("骑行", "by bike"),
    "leg_car": ("自驾", "by car"),
    "leg_taxi": ("乘出租车", "by taxi"),
    "routes_day_overrun": (
        "第 {day} 天（{date}）{start}–{end}，晚于当天结束时间 {limit}",
        "Day {day} ({date}) runs {start}-{end}, past the day's end {limit}",
    ),
    "routes_left_out": (
        "{days} 天内（每天 {start}–{end}）只能安排 {n} 个站点中的 {fit} 个；以下 {left} 个未安排：",
        "Only {fit} of {n} stops fit in {days} day(s) ({start}-{end} each); {left} left out:",
    ),
    "left_out_more_days": (
        "{name}（{id}）：{days} 天内（每天到 {end}）排不下；全部站点需要 {needed} 天",
        "{name} ({id}): does not fit in {days} day(s) ending at {end}; all stops need {needed} days",
    ),
    "left_out_faster": (
        "{name}（{id}）：{days} 天内（每天到 {end}）排不下；全部站点需要 {needed} 天，或改为{mode_zh}（{days} 天可排完）",
        "{name} ({id}): does not fit in {days} day(s) ending at {end}; all stops need {needed} days, "
        "or go by {mode_en} (all fit in {days} day(s))",
    ),
    "routes_past_midnight": (
        "线路过了午夜仍未结束，且没有设置每天结束时间：第 {day} 天（{date}）{end} 才结束；请设置每天结束时间，分多天安排",
        "The route runs past midnight with no day end: it ends on day {day} ({date}) at {end}; "
        "set a day end to split it into days",
    ),
    "routes_end_next_day": ("{time}（+1 天）", "{time} (+1 day)"),
    "routes_plan_status": ("行程", "Plan"),
    "routes_not_planned": ("未排入行程", "Not in the plan"),
    "routes_end_days_later": ("{time}（+{days} 天）", "{time} (+{days} days)"),
    "routes_source": ("来源：{source}", "Source: {source}"),
    "col_day": ("第几天", "Day"),
    "col_date": ("日期", "Date"),
    "route_err_no_stops": ("请至少选择 1 个站点", "choose at least one stop"),
    "route_err_unknown_stops": ("未知的站点 id：{ids}", "unknown stop id(s): {ids}"),
    "route_err_repeated": ("线路中有重复的站点：{ids}", "a stop appears twice in the route: {ids}"),
    "route_err_start_time": ("出发时间应为 HH:MM，收到 {value!r}", "start time must be HH:MM, got {value!r}"),
    "route_err_day_end": (
        "每天结束时间应为出发时间 {start} 之后的 HH:MM（最晚 24:00），收到 {value!r}",
        "the day end must be HH:MM after the start time {start} (24:00 at the latest), got {value!r}",
    ),
    "route_err_max_days": (
        "天数应为至少 1 的整数，收到 {value!r}",
        "the number of days must be a whole number of at least 1, got {value!r}",
    ),
    "route_err_round_and_end": (
        "环线回到起点：请在环线和终点之间二选一",
        "a round trip ends where it starts: choose either a round trip or an end point",
    ),
    "route_err_overrides": ("{name} 中的 id 不是站点：{ids}", "{name} names id(s) that are not stops: {ids}"),
    "route_err_unknown_endpoint": ("未知的{role_zh} id {id!r}", "unknown {role_en} point id {id!r}"),
    "route_err_outside": (
        "{role_zh} ({lon:.5f}, {lat:.5f}) 不在{city_zh}范围内（经度 {west}..{east}，纬度 {south}..{north}）；是否经纬度颠倒？",
        "the {role_en} point ({lon:.5f}, {lat:.5f}) is outside {city_en} (lon {west}..{east}, lat {south}..{north}); "
        "is it lat/lon swapped?",
    ),
    "route_err_mode": (
        "未知的出行方式 {mode!r}，应为 {modes} 之一",
        "unknown travel mode {mode!r}: expected one of {modes}",
    ),
    "route_err_too_long": (
        "{days} 天内（每天 {start}–{end}）只能安排 {n} 个站点中的 {fit} 个；走完全程需要 {needed} 天",
        "Only {fit} of {n} stops fit in {days} day(s) ({start}-{end} each); the whole route needs {needed} days",
    ),
    "route_err_unreachable": (
        "在路网上无法从第 {a} 站到达第 {b} 站",
        "stop {b} cannot be reached from stop {a} on the road network",
    ),
    "network_err_format": (
        "{file}：未知的路网格式，应为 {formats} 之一",
        "{file}: unknown road network format; expected one of {formats}",
    ),
    "network_err_missing": ("{file}：路网文件不存在", "{file}: no such road network file"),
    "network_err_unreadable": (
        "{file}：无法读取的 {what} 文件（{reason}）",
        "{file}: not a readable {what} file ({reason})",
    ),
    "network_err_no_roads": (
        "{file}：数据中没有道路（没有带 highway 标签的路径）",
        "{file}: the extract holds no roads (no way with a highway tag)",
    ),
    "network_err_node_xy": (
        "{file}：节点 {node} 没有 x/y（经纬度）属性",
        "{file}: node {node} has no x/y (lon/lat) attributes",
    ),
    "network_err_edge_length": ("{file}：路段 {edge} 没有长度（米）", "{file}: edge {edge} has no length (m)"),
    "routes_how_estimated": ("估算", "estimated"),
    "routes_how_network": ("路网", "road network"),
    "routes_download": ("下载 {fmt}", "Download {fmt}"),
    # analysis page
    "analysis_title": ("{city}：密度、廊道与区县对比", "{city}: density, corridor and districts"),
    "analysis_too_few": (
        "所选图层点位不足 2 个，无法计算密度。",
        "Fewer than 2 assets in the chosen layers: no density to compute.",
    ),
    "analysis_weighted": ("按景区等级加权（5A=5 … 1A=1）", "Weight scenic spots by grade (5A = 5 ... 1A = 1)"),
    "analysis_tab_map": ("交互地图", "Interactive map"),
    "analysis_tab_figure": ("报告用图（含色标）", "Report figure (with colour bar)"),
    "analysis_density": ("核密度", "Kernel density"),
    "analysis_computing": ("正在计算……", "Computing..."),
    "analysis_density_note": (
        "高斯核，{crs} 投影下计算，网格 {cell:.0f} 米；积分 = {total:.1f} 个点位。黑线为包含 50%、75%、90% 点位的最高密度区。",
        "Gaussian kernel computed in {crs}, {cell:.0f} m cells; integral = {total:.1f} assets. Black lines enclose the densest areas holding 50%, 75% and 90% of the assets.",
    ),
    "col_area_km2": ("面积（平方公里）", "Area (km²)"),
    "col_total": ("合计", "Total"),
    "col_per_100km2": ("每百平方公里点位", "Assets per 100 km²"),
    "col_score": ("加权得分", "Weighted score"),
    "col_score_per_100km2": ("每百平方公里加权得分", "Weighted score per 100 km²"),
    "analysis_score_note": (
        "加权得分：5A=5 … 1A=1；全国重点文保=4、省级=3、市级=2、县级=1；其他点位各计 1。按点位实际位置归入区县。",
        "Weighted score: 5A = 5 ... 1A = 1; national heritage unit 4, provincial 3, municipal 2, county 1; every other asset 1. Assets are counted in the district they lie in.",
    ),
    "col_band": ("距河距离", "Distance band"),
    "col_within_km": ("上限（公里）", "Up to (km)"),
    "col_cumulative": ("累计", "Cumulative"),
    "col_chainage_km": ("河道里程（公里）", "Chainage (km)"),
    "col_distance_m": ("距河（米）", "To the river (m)"),
    "col_bank": ("岸别", "Bank"),
    "col_side": ("方位", "Side"),
    "col_campus": ("校区", "Campus"),
    "col_rank": ("排名", "Rank"),
    "col_index": ("指数", "Index"),
    "col_id": ("id", "id"),
    "col_layer": ("图层", "Layer"),
    "col_name_zh": ("中文名", "Chinese name"),
    "col_name_en": ("英文名", "English name"),
    "col_n_within": ("{layer}（半径内）", "{layer} (within radius)"),
    "col_nearest_id": ("最近{layer} id", "Nearest {layer}: id"),
    "col_nearest_name": ("最近{layer}", "Nearest {layer}"),
    "col_nearest_m": ("距最近{layer}（米）", "To the nearest {layer} (m)"),
    "col_component_density": ("{component}（每百平方公里）", "{component} per 100 km²"),
    "bank_left": ("左岸", "left bank"),
    "bank_right": ("右岸", "right bank"),
    "side_north": ("北", "north"),
    "side_south": ("南", "south"),
    "side_east": ("东", "east"),
    "side_west": ("西", "west"),
    "col_order": ("顺序", "#"),
    "col_arrival": ("到达", "Arrive"),
    "col_departure": ("离开", "Leave"),
    "col_wait_min": ("等候（分钟）", "Wait (min)"),
    "col_dwell_min": ("停留（分钟）", "Stay (min)"),
    "col_opening_hours": ("开放时间", "Opening hours"),
    "col_leg_km": ("本段（公里）", "Leg (km)"),
    "col_leg_min": ("本段（分钟）", "Leg (min)"),
    "col_warning": ("提示", "Warning"),
    "col_mass": ("包含比例", "Share held"),
    "col_level": ("密度阈值（每平方公里）", "Threshold (per km²)"),
    "col_area": ("面积（平方公里）", "Area (km²)"),
    "analysis_hexbins": ("六边形网格统计", "Hexagon counts"),
    "analysis_h3_res": ("H3 分辨率（越大格越小）", "H3 resolution (higher = smaller cells)"),
    "analysis_hex_note": (
        "{cells} 个有点位的网格，H3 分辨率 {res}（平均每格 {area:.2f} 平方公里）。",
        "{cells} occupied cells at H3 resolution {res} (average cell {area:.2f} km²).",
    ),
    "analysis_choropleth_of": ("地图着色指标", "Colour the map by"),
    "analysis_stats": ("空间格局统计", "Spatial pattern statistics"),
    "analysis_gaps": (
        "覆盖缺口（区县中心 5 公里内无所选点位）：{names}",
        "Coverage gaps (no chosen asset within 5 km of the district centre): {names}",
    ),
    "none": ("无", "none"),
    "analysis_campus": ("高校与文化资源", "Universities among cultural assets"),
    "analysis_radius": ("校区周边半径（公里）", "Radius around each campus (km)"),
    "analysis_index": ("区县文化软实力指数", "District cultural soft-power index"),
    "analysis_weights_zero": ("权重不能全为 0。", "The weights cannot all be 0."),
    "component_heritage": ("文保单位", "Heritage"),
    "component_scenic": ("A级景区", "Scenic spots"),
    "component_museums": ("博物馆", "Museums"),
    "component_night": ("夜间文旅", "Night tour"),
    "component_universities": ("高校", "Universities"),
    "analysis_districts": ("区县对比", "Districts compared"),
    "analysis_corridor": ("{river}廊道", "{river} corridor"),
    "analysis_buffers": ("廊道缓冲距离（公里）", "Corridor buffers (km)"),
    "analysis_profile": (
        "沿河分布：距河 {km:g} 公里内的点位，按河道里程（自上游起，每 5 公里，全长 {length:.0f} 公里）统计",
        "Along the river: assets within {km:g} km, per 5 km of chainage from the upstream end ({length:.0f} km in all)",
    ),
    "analysis_bandwidth_range": (
        "核密度带宽（米，{low}–{high}；Scott 法则建议 {scott}）",
        "KDE bandwidth (m, {low}–{high}; Scott's rule suggests {scott})",
    ),
    "analysis_corridor_table": (
        "距河 {km:g} 公里内的点位：所选 {total} 个中的 {n} 个，按河道里程排列；更远的 {far} 个未列出。",
        "Assets within {km:g} km of the river: {n} of the {total} chosen, by chainage; the {far} farther away are not listed.",
    ),
    "chart_data": ("图表数据（表格）", "The chart's data as a table"),
    "chart_distance_m": ("距离 d（米）", "Distance d (m)"),
    "chart_ripley_l_m": ("L(d)（米）", "L(d) (m)"),
    "chart_ripley_observed": ("实测 L(d)", "Observed L(d)"),
    "chart_ripley_observed_m": ("实测 L(d)（米）", "Observed L(d) (m)"),
    "chart_ripley_envelope": (
        "随机分布包络（{n} 次模拟，2.5%–97.5%）",
        "Random-pattern envelope ({n} simulations, 2.5–97.5%)",
    ),
    "chart_ripley_low": ("包络下限（米）", "Envelope low (m)"),
    "chart_ripley_high": ("包络上限（米）", "Envelope high (m)"),
    "chart_chainage_km": ("河道里程（公里，自上游起）", "Chainage from the upstream end (km)"),
    "chart_stretch_km": ("河段（公里）", "Stretch (km)"),
    "chart_asset_count": ("点位数（个）", "Assets (count)"),
    "chart_index": ("软实力指数（0–100）", "Soft-power index (0–100)"),
    "figure_easting_km": ("东向坐标（公里，{crs}）", "Easting (km, {crs})"),
    "figure_northing_km": ("北向坐标（公里）", "Northing (km)"),
    # density
    "density_title": (
        "{city}文化资源核密度（{n} 个点位，带宽 {bw:.0f} 米）",
        "{city} cultural assets: kernel density ({n} assets, bandwidth {bw:.0f} m)",
    ),
    "density_contours": ("最高密度区（50%/75%/90%）", "densest areas (50/75/90%)"),
    "density_unit": ("每平方公里点位数", "assets per km²"),
    # explorer page
    "app_grade": ("景区等级（含以上）", "Scenic grade (and above)"),
    "app_level": ("文保单位级别", "Heritage level"),
    "app_museum_kind": ("博物馆类别", "Museum kind"),
    "app_university_type": ("高校类型", "University type"),
    "app_district": ("区县", "District"),
    "app_themes": ("主题", "Themes"),
    "app_river_km": ("距{river}（公里）以内", "Within (km) of the {river}"),
    "app_river_any": ("不限", "any distance"),
    "app_search": ("搜索：中文、拼音或英文", "Search: Chinese, pinyin or English"),
    "app_basemap": ("底图", "Basemap"),
    "app_all": ("全部", "all"),
    "app_results": ("结果：{n} 个点位", "Results: {n} assets"),
    # the map follows the results (issue 27)
    "app_outside_view": ("{n} 个点位中 {outside} 个在当前视野外", "{outside} of {n} results lie outside the view"),
    "app_show_all_results": ("显示全部结果", "Show all results"),
    "app_no_results": ("没有符合条件的点位，请放宽筛选条件。", "No asset matches these filters; relax them."),
    "app_chart": ("各区县各图层数量", "Assets per district and layer"),
    "app_mode_hexagons": (
        "共 {n} 个点位，按六边形汇总为 {cells} 格（H3 分辨率 {res}）；放大到 {zoom} 级以上、视野内点位不超过 {limit} 个时显示单个点位。",
        "{n} assets, counted in {cells} hexagons (H3 resolution {res}); zoom to {zoom}+ with at most {limit} assets in view to see each one.",
    ),
    "app_mode_clusters": (
        "点位较多，已聚合显示；放大查看单个点位。",
        "Many assets: markers are clustered; zoom in to see each one.",
    ),
    "app_amap_shift": (
        "高德底图为 GCJ-02 坐标：图层已相应偏移。",
        "AMap tiles are GCJ-02: overlays are shifted to match.",
    ),
    "app_url_ignored": ("链接参数 {item} 无效，已忽略", "Link parameter {item} is not valid and was ignored"),
    "app_select_hint": ("选中表格中的一行可将地图定位到该点位。", "Select a row to centre the map on it."),
    "col_name": ("名称", "Name"),
    "col_class": ("等级/类别", "Grade / kind"),
    "col_district": ("区县", "District"),
    "col_accuracy": ("坐标精度", "Coordinates"),
    # exports: print map, standalone HTML (culturemap.export)
    "export_title": ("{city}文化资源分布图", "{city}: cultural assets"),
    "export_all_layers": ("全部图层", "all layers"),
    "export_grade": ("A级旅游景区 {grade}级及以上", "scenic spots {grade} and above"),
    "export_river_km": ("距{river} {km:g} 公里以内", "within {km:g} km of the {river}"),
    "export_search": ("搜索“{q}”", 'search "{q}"'),
    "export_bbox": ("范围 {w:.3f}, {s:.3f} – {e:.3f}, {n:.3f}", "area {w:.3f}, {s:.3f} – {e:.3f}, {n:.3f}"),
    "export_count": ("共 {n} 处", "{n} assets"),
    "export_approx": ("虚线轮廓 = 概略位置（未测量）", "dashed outline = approximate position (not surveyed)"),
    "export_north": ("北", "N"),
    # print map key, inset and labels (issue 26)
    "export_key": ("编号对照表", "Key to the numbers"),
    "export_key_no": ("编号", "No."),
    "export_key_name": ("名称", "Name"),
    "export_key_layer": ("类别", "Layer"),
    "export_key_class": ("等级/级别", "Grade/level"),
    "export_key_district": ("所在区县", "District"),
    "export_key_page": ("编号对照表见第 {page} 页", "Key to the numbers on page {page}"),
    "export_inset": ("放大图", "Enlarged"),
    "export_inset_page": ("放大图见第 {page} 页", "Enlarged on page {page}"),
    "export_date": ("制图日期 {date}", "Made {date}"),
    "export_source": (
        "数据：culturemap 城市包“{city}”；各点位的出处（发布机构、日期、网页）见“数据来源与位置精度”一节",
        "Data: culturemap city pack {city}; each asset's source (publisher, date, web page) is listed under "
        "'Data sources and accuracy of positions'",
    ),
    "export_basemap": (
        "底图：城市包行政区界线与河流（离线）；坐标 WGS-84，投影 {crs}",
        "Basemap: the pack's district boundaries and river (offline); WGS-84 positions drawn in {crs}",
    ),
    "export_empty": ("所选条件下没有点位", "No asset matches this selection"),
    "export_tiles_source": ("底图瓦片：{attribution}", "Map tiles: {attribution}"),
    "export_tiles_unreachable": (
        "网络底图（{host}）无法访问：已改用城市包离线底图绘制",
        "web tiles ({host}) could not be reached: drawn on the pack's offline basemap",
    ),
    "export_tiles_datum": (
        "{basemap}瓦片采用 {datum} 坐标，与 WGS-84 点位相差数百米，打印地图不使用：已改用城市包离线底图绘制",
        "{basemap} tiles are in {datum}, a few hundred metres off the WGS-84 positions, so the print map does "
        "not use them: drawn on the pack's offline basemap",
    ),
    # the export panel of the map page (culturemap.ui.export_panel)
    "export_panel": ("导出", "Export"),
    "export_format": ("格式", "Format"),
    "export_fmt_pdf": ("打印地图 PDF（矢量）", "Print map, PDF (vector)"),
    "export_fmt_png": ("打印地图 PNG（图片）", "Print map, PNG (image)"),
    "export_fmt_svg": ("打印地图 SVG（矢量，可编辑）", "Print map, SVG (vector, editable)"),
    "export_fmt_html": ("独立网页 HTML（离线可用）", "Standalone web page, HTML (works offline)"),
    "export_fmt_geojson": ("数据 GeoJSON", "Data, GeoJSON"),
    "export_fmt_gpkg": ("数据 GeoPackage（GIS）", "Data, GeoPackage (GIS)"),
    "export_fmt_kml": ("数据 KML（Google 地球）", "Data, KML (Google Earth)"),
    "export_fmt_csv": ("数据 CSV（Excel 可直接打开）", "Data, CSV (opens in Excel)"),
    "export_fmt_xlsx": ("数据 Excel（XLSX）", "Data, Excel (XLSX)"),
    "export_paper": ("纸张", "Paper"),
    "export_landscape": ("横向", "Landscape"),
    "export_dpi": ("PNG 分辨率（dpi）", "PNG resolution (dpi)"),
    "export_map_title": ("标题", "Title"),
    "export_web_tiles": ("叠加网络底图（{basemap}，需联网）", "Web tiles underneath ({basemap}, needs the internet)"),
    "export_what": ("当前选择：{what} · 共 {n} 处", "Current selection: {what} · {n} assets"),
    "export_nothing": (
        "当前选择中没有点位，无法导出；请放宽筛选条件。",
        "The current selection holds no asset, so there is nothing to export; relax the filters.",
    ),
    "export_prepare": ("生成", "Prepare"),
    "export_building": ("正在生成：{fmt}…", "Preparing: {fmt}…"),
    "export_failed": ("导出失败：{error}", "The export failed: {error}"),
    "export_download": ("下载 {name}（{kb:,.0f} KB）", "Download {name} ({kb:,.0f} KB)"),
    # district atlas (issue 26)
    "atlas_title": ("{city}文化资源区县图集", "{city}: district atlas of cultural assets"),
    "atlas_subject": (
        "区县图集：全市及 {n} 个有点位的区县",
        "District atlas: the city and its {n} districts holding assets",
    ),
    "atlas_cover_summary": (
        "全市 {n} 处点位；每个有点位的区县一页（共 {districts} 页），页内点位编号并列出图例与编号表。",
        "{n} assets in the city; one page per district holding assets ({districts} pages), its assets numbered and listed in a key.",
    ),
    "atlas_contents": ("目录", "Contents"),
    "atlas_col_page": ("页码", "Page"),
    "atlas_no_assets": ("无点位的区县（不单设页）：{names}", "Districts without assets (no page): {names}"),
    "atlas_district_title": ("{city}{district}", "{city}: {district}"),
    "atlas_district_summary": (
        "{n} 处点位，占全市 {share:.0f}%；面积 {area:,.0f} 平方公里。",
        "{n} assets, {share:.0f}% of the city's; {area:,.0f} km².",
    ),
    "atlas_counts": ("按图层与等级统计（本区县与全市）", "By layer and grade or level: the district and the city"),
    "atlas_in_city": ("全市", "City"),
    "atlas_share": ("占全市", "Share of the city"),
    "atlas_by_class_district": ("本区县按等级/类别", "In the district by grade, level or kind"),
    "atlas_by_class_city": ("全市按等级/类别", "In the city by grade, level or kind"),
    "cli_atlas_what": ("{city}区县图集，{n} 个区县", "{city} district atlas, {n} districts"),
    # reports (PDF): city, district, route
    "report_city_title": ("{city}文化资源报告", "{city}: cultural assets report"),
    "report_district_title": ("{city}{district}文化资源报告", "{city}, {district}: cultural assets report"),
    "report_page": ("第 {page} 页 / 共 {pages} 页", "Page {page} of {pages}"),
    "report_made": ("{where} · 制图日期 {date} · culturemap", "{where} · made {date} · culturemap"),
    "report_continued": ("{title}（续）", "{title} (continued)"),
    "report_counts": ("数量与公开数字对照", "Counts against the published figures"),
    "report_by_layer": ("按图层与等级统计", "By layer and grade or level"),
    "report_by_class": ("按等级/类别", "By grade, level or kind"),
    "report_count": ("数量", "Count"),
    "report_coverage_note": (
        "缺口 = 公开数字 − 已收录。公开数字来源：{sources}",
        "Missing = published − in the pack. Source of the figures: {sources}",
    ),
    "report_coverage_district_note": (
        "公开数字与“已收录”均为全市数字；“本区县”为其中位于{district}的点位。",
        "The published figures and 'in the pack' are for the whole city; 'in the district' counts those in {district}.",
    ),
    "report_in_district": ("本区县", "In the district"),
    "report_missing": ("来源点名但数据中缺少的点位（{n} 处）", "Named in a source but missing from the data ({n})"),
    "report_missing_none": ("没有来源点名而数据中缺少的点位。", "No named asset is known to be missing."),
    "report_reason": ("原因", "Reason"),
    "report_density": ("点位密度", "Density of assets"),
    "report_density_note": (
        "高斯核密度估计（{n} 个点位，带宽 {bw:.0f} 米：Scott 法则建议 {scott:.0f} 米，最多取 {top:.0f} 米；网格 {cell:.0f} 米），单位：每平方公里点位；"
        "黑线围出包含 50%、75%、90% 点位的最高密度区域；黑点为点位。",
        "Gaussian kernel density ({n} assets, bandwidth {bw:.0f} m: Scott's rule suggests {scott:.0f} m, at most "
        "{top:.0f} m is used; {cell:.0f} m grid), in assets per "
        "km²; the black lines enclose the densest areas holding 50%, 75% and 90% of the assets; dots are the assets.",
    ),
    "report_too_few": ("点位少于 {n} 个，无法计算。", "Fewer than {n} assets: not computed."),
    "report_corridor": ("{river}沿线分布", "Along the {river}"),
    "report_corridor_note": (
        "距河 {km:g} 公里内的点位（{n} 个，共 {total} 个），按河道里程（自上游起，每 {bin:g} 公里，全长 {length:.0f} 公里）统计。",
        "Assets within {km:g} km of the river ({n} of {total}), per {bin:g} km of chainage from the upstream end "
        "({length:.0f} km in all).",
    ),
    "report_no_river": ("城市包中没有河流图层。", "The pack has no river layer."),
    "report_chainage": ("河道里程（公里，自上游起）", "Chainage (km from the upstream end)"),
    "report_assets_axis": ("点位数", "Assets"),
    "report_bands": ("按距河距离统计", "By distance from the river"),
    "report_districts": ("区县比较与文化软实力指数", "Districts compared and the soft-power index"),
    "report_districts_note": ("点位按实际位置归入区县。", "Assets count in the district they lie in."),
    "report_formula": ("指数公式", "Formula of the index"),
    "report_index_note": (
        "各分项列为该分项归一化后的密度（0–1），指数按下方公式计算。",
        "The component columns hold each component's normalised density (0-1); the index follows the formula below.",
    ),
    "report_weights": ("权重：{weights}", "Weights: {weights}"),
    "report_this_district": ("（本报告区县）", "(this report's district)"),
    "report_sources": ("数据来源与位置精度", "Data sources and accuracy of positions"),
    "report_accuracy_table": ("坐标精度", "Accuracy of positions"),
    "report_approx_total": (
        "概略位置（未测量，按地名或描述估计）：{n} / {total} 处，占 {pct:.0f}%。",
        "Approximate positions (not surveyed, estimated from a place name or description): {n} of {total}, {pct:.0f}%.",
    ),
    "report_asset_sources": (
        "本报告范围内的点位引用了 {n} 条不同来源，下表每条列一次：类型、支撑的图层、引用它的行数及以它为主要来源的行数。",
        "The assets in this report cite {n} different sources, each listed once below: its kind, the layers it "
        "supports, the rows that cite it and the rows that cite it as their principal source.",
    ),
    "report_figure_sources": ("公开数字的来源", "Sources of the published figures"),
    "report_top_sources": ("引用最多的来源", "Most cited sources"),
    "report_source": ("来源", "Source"),
    "report_route_custom": ("自定义路线", "Custom route"),
    "report_route_custom_from": ("自定义路线（基于“{theme}”）", "Custom route (from “{theme}”)"),
    "report_route_mode": ("出行方式：{mode}", "Travel mode: {mode}"),
    "report_route_date": ("日期：{date}", "Date: {date}"),
    "report_route_estimated": (
        "估算行程时间：未使用路网，按直线距离 × 绕行系数与平均速度估算。",
        "Estimated travel times: no road network was used; times are from straight-line distance x a detour "
        "factor at an average speed.",
    ),
    "report_route_network": ("行程时间按路网计算。", "Travel times measured on a road network."),
    "report_route_return": ("返回起点：{km:.1f} 公里", "Back to the start: {km:.1f} km"),
    "report_itinerary": ("行程表", "Itinerary"),
    "report_route_warnings": ("提示", "Warnings"),
    "report_col_name": ("名称", "Name"),
    "report_col_address": ("地址", "Address"),
    "report_col_arrival": ("到达时间", "Arrival"),
    "report_col_departure": ("离开时间", "Departure"),
    "report_col_dwell": ("停留（分钟）", "Stay (min)"),
    "report_col_hours": ("开放时间", "Opening hours"),
    "report_col_leg_km": ("本段距离（公里）", "Leg distance (km)"),
    "report_col_leg_min": ("本段用时（分钟）", "Leg time (min)"),
    "report_col_mode": ("出行方式", "Travel mode"),
    "report_col_order": ("顺序", "Order"),
    "report_unknown": ("不详", "not known"),
    "report_route_pdf": ("路线报告（PDF）", "Route report (PDF)"),
    "route_title_from": ("{start} 出发 · {days} 天", "From {start} · {days} days"),
    "route_title_from_one": ("{start} 出发 · 1 天", "From {start} · 1 day"),
    "routes_title_input": ("路线标题", "Route title"),
    "routes_title_help": (
        "用于 PDF、GPX/KML 与下载文件名；留空则用默认标题。",
        "Used in the PDF, the GPX/KML and the file names; leave empty for the default title.",
    ),
    "report_route_stop_legend": ("站点（数字为游览顺序）", "Stop (number: order of visit)"),
    "report_route_straight": ("线路（直线示意）", "Route (straight lines)"),
    "report_progress": ("报告", "report"),
    "report_step": ("步", "step"),
    #
    # report actions in the browser (issue 26)
    "report_panel": ("报告", "Report"),
    "report_which": ("报告内容", "Which report"),
    "report_opt_city": ("全市报告（PDF）", "City report (PDF)"),
    "report_opt_district": ("{district}报告（PDF）", "{district} report (PDF)"),
    "report_opt_district_none": ("当前区县的报告（PDF）", "The current district's report (PDF)"),
    "report_district_pick": (
        "区县报告需要在左侧“区县”筛选中恰好选择一个区县（现在选了 {n} 个）。",
        "A district report needs exactly one district chosen in the District filter on the left ({n} chosen now).",
    ),
    "report_opt_atlas": ("区县图集（PDF，每个区县一页）", "District atlas (PDF, a page per district)"),
    "report_opt_compare": ("对比报告（PDF）", "Comparison report (PDF)"),
    "report_build": ("生成报告", "Build the report"),
    "report_building": ("正在生成：{what}（第 {done}/{total} 步）", "Building: {what} (step {done} of {total})"),
    "report_takes": ("生成约需 5–15 秒，完成后可下载。", "Building takes about 5-15 s; then it can be downloaded."),
    "report_built": ("已生成，用时 {s:.1f} 秒。", "Built in {s:.1f} s."),
    "report_build_failed": ("报告生成失败：{error}", "The report could not be built: {error}"),
    "report_compare_indicators": ("各图层点位数与密度", "Assets per layer and their density"),
    "report_compare_coverage": ("城市包收录与公开数字对照", "What the pack holds against the published figures"),
    "report_compare_no_figures": (
        "城市包未给出公开数字，无法说明收录是否完整。",
        "The pack gives no published figures: how complete it is cannot be told.",
    ),
    "report_compare_caveat": (
        "密度比较的是两个城市包已收录的点位：收录少于公开数字的图层会低估该城市（见各城市的对照表）。",
        "The densities compare what the two packs hold: a layer holding fewer assets than its published figure "
        "understates that city (see each city's table of published figures).",
    ),
    "report_compare_source": ("数据：culturemap 城市包“{a}”与“{b}”", "Data: culturemap city packs {a} and {b}"),
    # view snapshot (Chromium) and the export panels of the analysis and routes pages
    "view_tiles_missing": (
        "无法加载网络底图瓦片（{hosts}）：快照使用城市包的离线底图。",
        "Web map tiles could not be loaded ({hosts}): the snapshot shows the city pack's offline basemap.",
    ),
    "view_timed_out": (
        "地图在 {s:.0f} 秒内未加载完成：快照为当时已绘制的内容。",
        "The map had not finished loading after {s:.0f} s: the snapshot shows what was drawn by then.",
    ),
    "view_no_chromium": ("Chromium 不可用：请使用打印地图。", "Chromium not available: use the print map."),
    "view_size": ("快照尺寸（像素）", "Snapshot size (pixels)"),
    "view_scale": ("清晰度（倍率）", "Sharpness (scale)"),
    "export_fmt_view": ("地图快照 PNG（与页面所见相同）", "View snapshot, PNG (the map as shown)"),
    "analysis_export_view": ("密度图快照 PNG（与页面所见相同）", "Density map snapshot, PNG (as shown)"),
    "analysis_export_pdf": ("所选图层的打印地图 PDF（矢量）", "Print map of the chosen layers, PDF (vector)"),
    "analysis_export_png": ("所选图层的打印地图 PNG（300 dpi）", "Print map of the chosen layers, PNG (300 dpi)"),
    "analysis_export_contours": ("密度等值线 GeoJSON", "Density contours, GeoJSON"),
    "analysis_export_grid": ("密度栅格 GeoTIFF（每平方公里）", "Density grid, GeoTIFF (per km²)"),
    "analysis_export_bands_csv": ("河流廊道距离带统计 CSV", "River corridor bands, counts as CSV"),
    "analysis_export_bands_geojson": (
        "河流廊道距离带 GeoJSON（带统计）",
        "River corridor bands, GeoJSON (with counts)",
    ),
    #
    # view snapshot as a figure, file names for filing (issue 26)
    "view_basemap_offline": (
        "底图：城市包行政区界线与河流（离线）",
        "Basemap: the pack's district boundaries and river (offline)",
    ),
    "cli_view_written": (
        "地图快照：{path}（{w} × {h} 像素，{n} 个点位：{what}）",
        "view png: {path} ({w} x {h} px, {n} assets: {what})",
    ),
    "cli_export_written": ("{fmt}：{path}（{n} 个点位：{what}）", "{fmt}: {path} ({n} assets: {what})"),
    "view_source": ("数据：{sources}", "Data: {sources}"),
    "view_source_more": ("{cited}；另有 {n} 个来源", "{cited}; {n} other sources"),
    "view_source_pack": ("数据：culturemap 城市包“{city}”", "Data: culturemap city pack {city}"),
    "report_subject": ("{where}：{what}，{n} 个点位", "{where}: {what}, {n} assets"),
    "report_route_subject": ("路线：{n} 站，{mode}，{date}", "Route: {n} stops, {mode}, {date}"),
    "cli_report_written": ("pdf：{path}（{what}，{kb:,.0f} KB）", "pdf: {path} ({what}, {kb:,.0f} KB)"),
    # store (GeoPackage / PostGIS)
    "store_unknown_layer": ("没有图层 {layer}；可用：{expected}", "No layer {layer}; expected one of: {expected}"),
    "store_unknown_points": ("没有点数据集 {name}；已有：{expected}", "No point dataset {name}; stored: {expected}"),
    "store_bad_dataset_name": (
        "点数据集名称 {name!r} 无效：只能用字母、数字、_ 和 -，最多 40 个字符",
        "Point dataset name {name!r} is not valid: letters, digits, _ and - only, at most 40 characters",
    ),
    "store_not_geodata": ("写入的数据不是带几何的表（GeoDataFrame）", "The rows to write are not a GeoDataFrame"),
    "store_no_key": (
        "第 {row} 行：字段 {field} 为空，无法按它更新",
        "Row {row}: field {field} is empty; rows are matched on it",
    ),
    "store_bad_row": (
        "图层 {layer} 未写入，数据库保持不变：{n} 个错误，第一个在第 {row} 行字段 {field}：{first}",
        "Nothing written to layer {layer}, the store is unchanged: {n} errors, the first in row {row}, field {field}: {first}",
    ),
    "store_bad_point": (
        "第 {row} 行：{field} 不是有效的 WGS-84 点；点数据集未写入",
        "Row {row}: {field} is not a valid WGS-84 point; the point dataset was not written",
    ),
    "store_reserved_column": (
        "列名 {field} 为存储保留（{reserved}），请改名后再导入",
        "The column name {field} is reserved by the store ({reserved}); rename it and import again",
    ),
    "store_no_pack": ("在 {root} 下没有城市 {city} 的数据包", "No pack of city {city} under {root}"),
    "store_reserved_pack_name": (
        "数据包 {pack} 的文件夹名 {name} 不可用：存储文件夹中的 {file} 是账户文件。请给文件夹改名。",
        "The pack {pack} cannot be stored under its folder name {name}: {file} in the store folder holds the accounts. Rename the folder.",
    ),
    "store_db_unreachable": ("无法连接数据库 {url}：{reason}", "Cannot reach the database {url}: {reason}"),
    "store_info": ("存储：{backend}（{location}）", "Store: {backend} ({location})"),
    "store_info_seed": ("种子数据包：{pack}", "Seeded from the pack: {pack}"),
    "store_info_stamp": ("版本戳：{stamp}", "Stamp: {stamp}"),
    "store_info_rows": ("各图层行数：", "Rows per layer:"),
    "store_reset_done": ("已从数据包 {pack} 重新填充 {location}", "Reseeded {location} from the pack {pack}"),
    "store_dump_written": ("已写出 {n} 行到 {path}", "Wrote {n} rows to {path}"),
    # a failure of the store itself or of a file (StoreUnavailable, StoreWriteFailed, OSError): never SQL or rows
    "store_unavailable": ("无法读取存储 {location}：{reason}", "Cannot read the store {location}: {reason}"),
    "store_write_failed": (
        "图层 {layer} 未写入 {location}：{reason}；存储保持不变",
        "Nothing written to layer {layer} in {location}: {reason}; the store is unchanged",
    ),
    "store_points_write_failed": (
        "点数据集 {name} 未写入 {location}：{reason}；存储保持不变",
        "The point dataset {name} was not written to {location}: {reason}; the store is unchanged",
    ),
    "store_seed_failed": (
        "无法用数据包 {pack} 填充存储 {location}：{reason}",
        "Cannot seed the store {location} from the pack {pack}: {reason}",
    ),
    "store_points_case_clash": (
        "已有点数据集 {existing}；名称只差大小写的数据集视为同一个（{name} 未写入）：用 {existing} 替换它，或换一个名称",
        "A point dataset {existing} is already stored; names differing only in case are the same dataset "
        "({name} not written): use {existing} to replace it, or choose another name",
    ),
    "reason_disk_full": (
        "磁盘已满（{folder} 剩余 {free_mb:.1f} MB）",
        "the disk is full ({free_mb:.1f} MB free in {folder})",
    ),
    "reason_read_only": ("{path} 是只读的", "{path} is read-only"),
    "reason_no_permission": ("没有 {path} 的访问权限", "permission denied on {path}"),
    "reason_file_too_big": ("文件超出了允许的大小上限", "the file would exceed the file size limit"),
    "reason_name_too_long": (
        "文件名过长（{n} 字节，上限 {limit} 字节）",
        "the file name is too long ({n} bytes; the limit is {limit})",
    ),
    "reason_path_too_long": ("路径过长（{n} 字节）", "the path is too long ({n} bytes)"),
    "reason_os": ("文件系统拒绝：{error}", "the file system refused: {error}"),
    "reason_gdal": ("GDAL/SQLite 处理该文件失败（{kind}）", "GDAL/SQLite failed on the file ({kind})"),
    "reason_db_connection": ("与数据库的连接失败或中断", "the connection to the database failed or was lost"),
    "reason_db_full": (
        "数据库服务器的磁盘或内存不足（SQLSTATE {sqlstate}）",
        "the database server is out of disk space or memory (SQLSTATE {sqlstate})",
    ),
    "reason_db_read_only": ("数据库只读（SQLSTATE {sqlstate}）", "the database is read-only (SQLSTATE {sqlstate})"),
    "reason_db_permission": (
        "数据库用户没有所需权限（SQLSTATE {sqlstate}）",
        "the database user lacks the permission (SQLSTATE {sqlstate})",
    ),
    "reason_db_error": ("数据库报错（SQLSTATE {sqlstate}）", "the database reported an error (SQLSTATE {sqlstate})"),
    "os_error": ("{path}：{reason}", "{path}: {reason}"),
    #
    # store edits, history, undo, review (issue 28)
    "store_stale_version": (
        "{layer} {id}：已被 {user} 于 {at} 修改（第 {version} 版，本次修改基于第 {expected} 版）：请重新载入",
        "{layer} {id}: changed by {user} at {at} (version {version}, this edit was made on version {expected}): reload",
    ),
    "store_unknown_datum": (
        "未知坐标系 {datum}（可用：{expected}）",
        "unknown datum {datum} (expected one of: {expected})",
    ),
    "store_no_such_row": ("{layer} 中没有 {id}", "{layer} has no row {id}"),
    "store_id_taken": ("{layer} 中已有 {id}：请换一个编号", "{layer} already has a row {id}: choose another id"),
    "store_unknown_field": (
        "{layer} 没有字段 {field}（可用：{expected}）",
        "{layer} has no field {field} (expected one of: {expected})",
    ),
    "store_key_is_stable": (
        "{layer} {id}：编号字段 {field} 不能修改（可新增一条再停用这条）",
        "{layer} {id}: the key field {field} cannot change (add a new row and retire this one instead)",
    ),
    "store_not_points": (
        "{layer} 不是点图层，不能按坐标移动",
        "{layer} is not a point layer: it cannot be moved to a point",
    ),
    "store_bad_position": (
        "坐标 {lon}, {lat} 无效：经度应在 -180 到 180 之间，纬度在 -90 到 90 之间",
        "position {lon}, {lat} is not valid: longitude must be within -180..180 and latitude within -90..90",
    ),
    "store_reason_needed": ("停用 {layer} {id} 需要填写原因", "retiring {layer} {id} needs a reason"),
    "store_already_retired": ("{layer} {id} 已停用", "{layer} {id} is already retired"),
    "store_not_retired": ("{layer} {id} 未停用，无需恢复", "{layer} {id} is not retired: nothing to restore"),
    "store_nothing_to_undo": ("{user} 没有可撤销的修改", "{user} has no change to undo"),
    "store_no_such_proposal": ("没有待审核的提议 #{proposal}", "there is no pending proposal #{proposal}"),
    "store_comment_needed": ("驳回提议 #{proposal} 需要填写意见", "rejecting proposal #{proposal} needs a comment"),
    "action_add": ("新增资产", "add an asset"),
    "action_update": ("修改资产字段", "change an asset's fields"),
    "action_move": ("移动资产", "move an asset"),
    "action_retire": ("停用资产", "retire an asset"),
    "action_restore": ("恢复资产", "restore an asset"),
    "action_undo": ("撤销修改", "undo a change"),
    "action_review": ("审核提议", "review a proposal"),
    "action_import": ("导入", "import rows"),
    "data_import_needs_editor": (
        "检查结果如上。存入数据会跳过审核，只有编辑可以存入：请在侧栏以编辑身份登录。",
        "The check is above. Storing skips the review, so only an editor can store it: sign in as an editor in the sidebar.",
    ),
    "edit_done": (
        "{layer} {id}：已保存第 {version} 版（{action}）",
        "{layer} {id}: saved as version {version} ({action})",
    ),
    "edit_proposed": (
        "{layer} {id}：已提交提议 #{proposal}，等待编辑审核",
        "{layer} {id}: filed as proposal #{proposal}, waiting for an editor's review",
    ),
    "edit_undone": (
        "已撤销 {layer} {id} 的{action}（现为第 {version} 版）",
        "undid the {action} of {layer} {id} (now version {version})",
    ),
    "review_approved": ("提议 #{proposal} 已批准", "proposal #{proposal} approved"),
    "review_rejected": ("提议 #{proposal} 已驳回", "proposal #{proposal} rejected"),
    "review_none": ("没有待审核的提议", "no pending proposals"),
    "review_list_header": (
        "提议\t图层\t编号\t操作\t提交人\t时间\t修改内容\t原因",
        "proposal\tlayer\tid\taction\tuser\ttime\tchanges\treason",
    ),
    "edit_one_proposal": (
        "贡献者每次只能提交一种修改（本次为：{kinds}）：请分开提交",
        "a contributor proposes one kind of change at a time (asked: {kinds}): run one command for each",
    ),
    "history_written": ("修改记录：{path}（{n} 条，{fmt}）", "history: {path} ({n} changes, {fmt})"),
    # import and the Data page
    "import_too_large": (
        "{file} 有 {size_mb:.1f} MB，超过导入上限 {limit_mb} MB（未读取）",
        "{file} is {size_mb:.1f} MB, over the {limit_mb} MB import limit (not read)",
    ),
    "import_empty": ("{file} 是空文件", "{file} is empty"),
    "import_no_rows": ("{file} 中没有数据行", "{file} holds no rows"),
    "import_not_text": ("{file} 不是文本表格（含二进制内容）", "{file} is not a text table (it holds binary data)"),
    "import_bad_encoding": (
        "{file} 的文字编码无法识别；应为 {encodings}",
        "{file}: the text encoding cannot be recognised; expected {encodings}",
    ),
    "import_unreadable": ("无法读取 {file}：{reason}", "cannot read {file}: {reason}"),
    "import_format": (
        "{file} 的格式无法导入；应为以下扩展名之一：{suffixes}",
        "{file}: this format cannot be imported; expected one of {suffixes}",
    ),
    "import_bad_zip": ("{file} 不是有效的 zip 压缩包：{reason}", "{file} is not a valid zip archive: {reason}"),
    "import_zip_members": (
        "{file} 含 {n} 个文件，超过上限 {limit}（已拒绝）",
        "{file} holds {n} files, over the limit of {limit} (refused)",
    ),
    "import_zip_slip": (
        "{file} 中的 {member} 指向解压目录之外（已拒绝，未写入任何文件）",
        "{file}: member {member} points outside the extraction folder (refused, nothing written)",
    ),
    "import_zip_bomb": (
        "{file} 中的 {member} 解压后过大（压缩比超过 {ratio} 倍或总计超过 {limit_mb} MB，疑似压缩炸弹，已拒绝）",
        "{file}: member {member} expands too much (over {ratio}x or {limit_mb} MB in all: a zip bomb? refused)",
    ),
    "import_zip_no_shp": (
        "{file} 中没有 .shp 文件（压缩包应含 .shp、.shx、.dbf，最好还有 .prj 和 .cpg）",
        "{file} holds no .shp file (expected .shp, .shx, .dbf, and best .prj and .cpg)",
    ),
    "import_kmz_no_kml": ("{file} 中没有 .kml 文件", "{file} holds no .kml file"),
    "import_no_sheet": (
        "{file} 中没有工作表或图层 {sheet}；现有：{sheets}",
        "{file} has no sheet or layer {sheet}; it has: {sheets}",
    ),
    "import_xml_entities": (
        "{file} 含 XML 实体或 DTD（{reason}），出于安全原因拒绝读取",
        "{file} contains XML entities or a DTD ({reason}); refused for safety",
    ),
    "import_kml_geometry": (
        "{file} 第 {row} 个地标的坐标无法读取：{reason}",
        "{file} placemark {row}: the coordinates cannot be read: {reason}",
    ),
    "import_points_no_coords": (
        "{file} 中找不到经纬度列（经度/lon/lng/x，纬度/lat/y）；现有列：{columns}",
        "{file}: no longitude/latitude columns found (lon/lng/x/经度, lat/y/纬度); columns: {columns}",
    ),
    "import_unknown_field": (
        "{file}：{option} 指定的字段 {field} 不属于图层 {layer}；应为：{fields}",
        "{file}: {option} names the field {field}, which layer {layer} does not have; expected one of {fields}",
    ),
    "import_unknown_column": (
        "{file}：列对应指定的列 {column} 在文件中不存在；现有列：{columns}",
        "{file}: the column mapping names the column {column}, which the file does not have; its columns: {columns}",
    ),
    "import_expected_degrees": ("以度为单位的数字", "a number of degrees"),
    "import_bad_number": (
        "字段 {field} 的值 {value!r} 不是数字；应为以度为单位的数字",
        "field {field} is {value!r}, not a number; expected a number of degrees",
    ),
    "import_projected": (
        "坐标 ({x:.6g}, {y:.6g}) 超出经纬度范围，疑似投影坐标（米）；请选择其坐标系，如 EPSG:4490 或本市的 {metric_crs}",
        "coordinates ({x:.6g}, {y:.6g}) are outside lon/lat range: projected coordinates (metres)? "
        "choose their CRS, e.g. EPSG:4490 or the city's {metric_crs}",
    ),
    "import_swapped": (
        "经纬度疑似颠倒：({x:.5f}, {y:.5f}) 应为 ({y:.5f}, {x:.5f})；请交换经度、纬度两列的对应",
        "lon/lat look swapped: ({x:.5f}, {y:.5f}) should probably be ({y:.5f}, {x:.5f}); swap the lon and lat columns",
    ),
    "import_outside_bbox": (
        "位置 {value} 在本市范围（{bbox}）之外",
        "position {value} is outside the city's bounds ({bbox})",
    ),
    "import_address_only": (
        "只有地址（{value}），没有坐标：离线时无法按地址定位，请补充经纬度",
        "address only ({value}), no coordinates: no geocoder works offline; add lon/lat",
    ),
    "import_no_position": ("没有坐标", "no coordinates"),
    "import_bad_value": (
        "字段 {field} 的值 {value!r} 无法识别；应为：{expected}",
        "field {field} is {value!r}, not a known value; expected one of {expected}",
    ),
    "import_bad_grade": (
        "字段 {field} 的值 {value!r} 不是一个明确的等级（不作猜测）；应为 {expected} 之一，"
        "可写作 4A、4A级、AAAA、四A级、国家4A级旅游景区",
        "field {field} is {value!r}, not one clear grade (never guessed); expected one of {expected}, "
        "written e.g. 4A, 4A级, AAAA, 四A级 or 国家4A级旅游景区",
    ),
    "import_summary": (
        "共 {total} 行：接受 {accepted}，疑似重复 {duplicate}，拒绝 {rejected}，在本市之外 {outside}，仅有地址 {address_only}",
        "{total} rows: {accepted} accepted, {duplicate} probable duplicates, {rejected} rejected, "
        "{outside} outside the city, {address_only} address only",
    ),
    "import_datum_file": ("坐标系：按文件声明（{datum}）", "Coordinates: as the file declares ({datum})"),
    "import_datum_user": (
        "坐标系：按所选（{datum}）转换为 WGS-84",
        "Coordinates: converted from the chosen {datum} to WGS-84",
    ),
    "import_datum_header": (
        "坐标系：按列名所示（{datum}）转换为 WGS-84",
        "Coordinates: converted from {datum} (named in the column headers) to WGS-84",
    ),
    "import_datum_column": ("坐标系：按每行的坐标系列转换", "Coordinates: converted by each row's datum column"),
    "import_datum_assumed": (
        "坐标系：文件未注明，按 WGS-84 处理（高德/腾讯坐标请选 GCJ-02，百度坐标请选 BD-09）",
        "Coordinates: the file does not say; taken as WGS-84 (choose GCJ-02 for AMap/Tencent, BD-09 for Baidu)",
    ),
    "import_note_pinyin": (
        "{n} 行没有英文名：英文页面显示其中文名",
        "{n} rows have no English name: the English pages show their Chinese name",
    ),
    "import_note_sheet": (
        "读取工作表 {sheet}：第一张表头含名称和经纬度的工作表（已跳过：{skipped}）",
        "Sheet {sheet} read: the first sheet with a header naming a name and coordinates (skipped: {skipped})",
    ),
    "import_note_no_coords": (
        "找不到经纬度列；请在列对应中指定。现有列：{columns}",
        "No longitude/latitude columns found; set them in the column mapping. Columns: {columns}",
    ),
    "import_note_shifted": (
        "与已有数据同名的 {n} 处相距约 {distance_m:.0f} 米（中位数），疑似 {datum} 坐标：按 {datum} 转换后相距约 {after_m:.0f} 米。请选择坐标系 {datum}。",
        "{n} rows share a name with stored assets {distance_m:.0f} m away (median): {datum} coordinates? "
        "Read as {datum} they lie {after_m:.0f} m apart. Choose the CRS {datum}.",
    ),
    "import_note_shifted_unknown": (
        "与已有数据同名的 {n} 处相距约 {distance_m:.0f} 米（中位数），请检查坐标系",
        "{n} rows share a name with stored assets {distance_m:.0f} m away (median): check the CRS",
    ),
    "import_note_swapped": (
        "所有被拒绝的行经纬度都疑似颠倒：请交换经度、纬度两列",
        "Every rejected row looks swapped: swap the lon and lat columns",
    ),
    "import_head": ("导入 {file} → {layer}", "Import {file} -> {layer}"),
    "import_mapping": ("列对应：{mapping}", "Columns: {mapping}"),
    "import_encoding": ("文字编码：{encoding}", "Text encoding: {encoding}"),
    "import_line_duplicate": (
        "疑似重复：第 {row} 行 {name} 与已有的 {other}（{other_id}）相距 {distance_m:.0f} 米（{match}）",
        "probable duplicate: row {row} {name} is {distance_m:.0f} m from the stored {other} ({other_id}; {match})",
    ),
    "import_line_uncertainty": (
        "  已有的 {other} 为{accuracy}，其点位的不确定范围为 {radius_m:.0f} 米，第 {row} 行在此范围内（相距 {distance_m:.0f} 米）",
        "  the stored {other} is {accuracy}: its point is uncertain by {radius_m:.0f} m, and row {row} lies "
        "within that ({distance_m:.0f} m away)",
    ),
    "import_line_other_layer": (
        "  已有的 {other}（{other_id}）属于{layer}图层：导入本图层不会替换它；如为同一处，请不要重复导入",
        "  the stored {other} ({other_id}) is in the layer {layer}: an import into this layer never replaces "
        "it; if it is the same place, leave the row out",
    ),
    "import_district_in": (
        "未给出区县：按点位所在区县填为 {district}",
        "no district given: set to {district}, the district the point lies in",
    ),
    "import_district_nearest": (
        "未给出区县：点位在（简化的）区县边界外 {distance_m:.0f} 米，按最近的区县填为 {district}",
        "no district given: the point lies {distance_m:.0f} m outside the (simplified) district boundaries; "
        "set to the nearest district, {district}",
    ),
    "import_district_none": (
        "{column} 为空，且点位距最近的区县 {nearest} 有 {distance_m:.0f} 米（超过 {tolerance_m:.0f} 米），无法判定区县；"
        "请在 {column} 列填写区县（{expected} 之一），或核对经纬度",
        "{column} is blank and the point lies {distance_m:.0f} m from the nearest district, {nearest} (over "
        "{tolerance_m:.0f} m): no district can be given; write the district in the column {column} (one of "
        "{expected}), or check the longitude and latitude",
    ),
    "import_district_no_column": (
        "文件没有区县列，且点位距最近的区县 {nearest} 有 {distance_m:.0f} 米（超过 {tolerance_m:.0f} 米），无法判定区县；"
        "请增加一列 {column} 并填写区县（{expected} 之一），或核对经纬度",
        "the file has no district column and the point lies {distance_m:.0f} m from the nearest district, "
        "{nearest} (over {tolerance_m:.0f} m): no district can be given; add a column {column} with the "
        "district (one of {expected}), or check the longitude and latitude",
    ),
    "import_district_unknown": (
        "{column} 的值 {value!r} 不是本市的区县；请改为 {expected} 之一（可不写“区”“县”），或留空以按点位判定",
        "{column} is {value!r}, not a district of this city; write one of {expected} (区/县 may be left "
        "off), or leave it blank to have it set from the point",
    ),
    "import_accuracy_unknown": (
        "{column} 的值 {value!r} 不是已知的坐标精度（{expected}），按“{accuracy}”保存",
        '{column} is {value!r}, not a known accuracy ({expected}): stored as "{accuracy_en}"',
    ),
    "import_match_id": ("编号相同", "same id"),
    "import_match_name": ("名称相同", "same name"),
    "import_match_similar": ("名称相似，需确认是否同一处", "similar name: the same place?"),
    "import_line_not_updated": (
        "第 {row} 行未更新：{name} 与已有的 {other}（{other_id}，相距 {distance_m:.0f} 米）仅名称相似，已跳过；"
        "update 只替换编号或名称相同的点位。如确为同一处，请在该行填写其编号 {other_id}，或在数据页面逐行选择",
        "row {row}: not updated: {name} only resembles the stored {other} ({other_id}, {distance_m:.0f} m away), "
        "skipped; update replaces only an asset with the same id or name. If it is the same place, give the row "
        "the id {other_id}, or choose row by row on the Data page",
    ),
    "import_line": ("第 {row} 行 [{status}]：{message}", "row {row} [{status}]: {message}"),
    "import_status_accepted": ("接受", "accepted"),
    "import_status_duplicate": ("疑似重复", "probable duplicate"),
    "import_status_rejected": ("拒绝", "rejected"),
    "import_status_outside": ("在本市之外", "outside the city"),
    "import_status_address_only": ("仅有地址", "address only"),
    "import_stored": (
        "已写入 {layer}：新增 {inserted}，更新 {updated}",
        "Stored in {layer}: {inserted} added, {updated} updated",
    ),
    "import_nothing_stored": (
        "有 {n} 行未通过，未写入任何数据（使用 --skip-bad 只写入通过的行）",
        "{n} rows not accepted: nothing stored (--skip-bad stores the accepted rows only)",
    ),
    "import_dry_run": ("试运行：未写入任何数据", "Dry run: nothing stored"),
    "import_points_stored": (
        "点数据集 {name}：已写入 {n} 个点，舍弃 {dropped} 行（无有效坐标）",
        "Point dataset {name}: {n} points stored, {dropped} rows dropped (no valid coordinates)",
    ),
    "page_data": ("数据", "Data"),
    "data_title": ("{city}：导入数据", "{city}: import data"),
    "data_intro": (
        "上传名录或点位文件，先逐行检查，确认后才写入本市数据库；写入后其他页面即显示新数据。",
        "Upload a list or a point file: every row is checked first, and nothing is stored until you "
        "confirm; the other pages then show the new data.",
    ),
    "data_target": ("导入到", "Import into"),
    "data_target_layer": ("图层（文旅点位）", "A layer (assets)"),
    "data_target_points": ("点数据集（分析用，如打卡点）", "A point dataset (for analysis, e.g. check-ins)"),
    "data_limit": (
        "文件上限 {limit_mb} MB；格式：{suffixes}（Shapefile 请打包为 zip）",
        "Files up to {limit_mb} MB; formats: {suffixes} (a Shapefile zipped)",
    ),
    "data_upload": ("选择文件", "Choose a file"),
    "data_layer": ("图层", "Layer"),
    "data_points_name": ("数据集名称", "Dataset name"),
    "data_crs": ("坐标系", "Coordinate system"),
    "data_crs_auto": ("自动（按文件，未注明则 WGS-84）", "Automatic (the file's, else WGS-84)"),
    "data_crs_wgs84": ("WGS-84（GPS）", "WGS-84 (GPS)"),
    "data_crs_gcj02": ("GCJ-02（高德、腾讯）", "GCJ-02 (AMap, Tencent)"),
    "data_crs_bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "data_crs_epsg": ("其他 EPSG 代码", "Another EPSG code"),
    "data_epsg": ("EPSG 代码", "EPSG code"),
    "data_sheet": ("工作表 / 图层（可选）", "Sheet / layer (optional)"),
    "data_mapping": ("列对应（可修改）", "Column mapping (editable)"),
    "data_col_field": ("字段", "Field"),
    "data_col_column": ("文件中的列", "Column of the file"),
    "data_problems": ("未通过的行（{n}）", "Rows not accepted ({n})"),
    "data_duplicates": ("疑似重复（{n}）：请逐行选择", "Probable duplicates ({n}): choose for each row"),
    "data_similar_question": (
        "第 {row} 行 {name} 与已有的 {other}（{other_id}，相距 {distance_m:.0f} 米）仅名称相似：是同一处吗？"
        "只有确认是同一处时才选择“更新已有点位”",
        "Row {row} {name} only resembles the stored {other} ({other_id}, {distance_m:.0f} m away): the same place? "
        "Choose “update the stored asset” only if it is",
    ),
    "data_col_choice": ("处理方式", "Choice"),
    "data_choice_skip": ("跳过", "skip"),
    "data_choice_update": ("更新已有点位", "update the stored asset"),
    "data_choice_keep": ("两者都保留", "keep both"),
    "data_preview": ("将写入的 {n} 行", "The {n} rows to store"),
    "data_commit": ("确认写入 {n} 行到{layer}", "Store {n} rows in {layer}"),
    "data_points_read": (
        "读取到 {n} 个点，舍弃 {dropped} 行（无有效坐标）",
        "{n} points read, {dropped} rows dropped (no valid coordinates)",
    ),
    "analysis_density_of": ("密度对象", "Density of"),
    "analysis_density_points_export": (
        "点数据集的密度暂不提供导出；选择“所选图层的点位”即可导出。",
        "The density of a point dataset has no export yet; choose the assets of the chosen layers to export.",
    ),
    "analysis_density_assets": ("所选图层的点位", "the assets of the chosen layers"),
    "data_points_commit": ("确认写入 {n} 个点到数据集 {name}", "Store {n} points as dataset {name}"),
    #
    # accounts and roles (issue 28)
    "action_accounts": ("管理账户", "manage accounts"),
    "account_bad_name": (
        "账户名 {name!r} 无效：应为 1–64 个字母、数字或 _ . @ -",
        "account name {name!r} is not valid: expected 1-64 letters, digits or _ . @ -",
    ),
    "account_bad_role": (
        "角色 {role!r} 无效：应为 {expected} 之一",
        "role {role!r} is not valid: expected one of {expected}",
    ),
    "account_weak_password": (
        "{name} 的密码太弱：至少 {n} 个字符，且不能与账户名相同",
        "the password of {name} is too weak: at least {n} characters, and not the account name",
    ),
    "account_first_admin": (
        "第一个账户必须是管理员（{name} 申请的是 {role}）：先用 --role admin 添加管理员",
        "the first account must be an admin ({name} was asked as {role}): add an admin first with --role admin",
    ),
    "account_exists": ("账户 {name} 已存在（{role}）", "the account {name} exists already ({role})"),
    "account_removed_name": (
        "账户名 {name} 曾被使用并已删除；其修改历史仍以此署名，请另选名称",
        "the account name {name} was used and removed; the history still names it, so choose another name",
    ),
    "account_unknown": (
        "没有账户 {name}（user list 列出所有账户）",
        "there is no account {name} (user list shows them)",
    ),
    "account_last_admin": (
        "{name} 是最后一个管理员，不能删除：先添加另一个管理员",
        "{name} is the last admin and cannot be removed: add another admin first",
    ),
    "account_no_password": (
        "未读到密码（{prompt}）：在终端输入，或在标准输入中每行提供一个",
        "no password read ({prompt}): type it at a terminal, or give one per line on standard input",
    ),
    "account_password_mismatch": ("两次输入的密码不一致，未作修改", "the two passwords differ; nothing was changed"),
    "login_failed": ("{name} 登录失败：账户名或密码错误", "sign-in of {name} failed: wrong account name or password"),
    "login_rate_limited": (
        "{name} 从 {client} 登录失败次数过多：请于 {retry_at}（{seconds} 秒后）再试",
        "too many failed sign-ins of {name} from {client}: try again at {retry_at} (in {seconds} s)",
    ),
    "session_expired": (
        "{name} 已闲置超过 {minutes} 分钟，已自动退出：请重新登录",
        "{name} was idle for over {minutes} minutes and is signed out: sign in again",
    ),
    "user_added": ("已添加账户 {name}（{role}）", "added the account {name} ({role})"),
    "user_removed": (
        "已删除账户 {name}（历史记录保留其署名）",
        "removed the account {name} (the history keeps its name)",
    ),
    "user_password_set": ("已修改 {name} 的密码", "changed the password of {name}"),
    "user_none": ("没有账户", "no accounts"),
    "user_list_header": ("账户\t角色\t创建时间\t创建者", "account\trole\tcreated\tcreated by"),
    "user_needs_admin": (
        "需要管理员身份：加上 --as 管理员账户名（随后输入其密码）",
        "this takes an admin: add --as ADMIN (that admin's password is asked next)",
    ),
    "role_viewer": ("浏览者", "viewer"),
    "role_contributor": ("贡献者", "contributor"),
    "role_editor": ("编辑", "editor"),
    "role_admin": ("管理员", "admin"),
    "action_edit": ("编辑资产", "edit an asset"),
    "permission_denied": (
        "用户 {user}（{role}）无权{action}：需要{needed}或更高角色",
        "user {user} ({role}) may not {action}: it takes the role {needed} or above",
    ),
    # university lens and the compare page
    "page_lens": ("高校视角", "University lens"),
    "page_compare": ("城市对比", "Compare"),
    "lens_title": ("{city}：高校视角", "{city}: university lens"),
    "lens_intro": (
        "选择一所高校（校区），查看步行（1 公里）、骑行（3 公里）和短途驾车（10 公里）范围内的文物保护单位、"
        "A级景区、博物馆和夜间文旅集聚区。距离为城市米制坐标系（{crs}）中的直线距离，量到要素最近处。",
        "Pick a university (campus) to see the heritage units, scenic spots, museums and night-time zones "
        "within walking (1 km), cycling (3 km) and short-drive (10 km) reach. Distances are straight lines "
        "in the city's metric CRS ({crs}) to the nearest point of each feature.",
    ),
    "lens_no_campus": ("该城市包没有高校数据。", "This city pack holds no universities."),
    "lens_campus": ("高校（校区）", "University (campus)"),
    "lens_campus_option": ("{name}（{campus}）", "{name} ({campus})"),
    "lens_ring_walk": ("步行 {km:g} 公里", "walk {km:g} km"),
    "lens_ring_bike": ("骑行 {km:g} 公里", "cycle {km:g} km"),
    "lens_ring_car": ("驾车 {km:g} 公里", "drive {km:g} km"),
    "lens_ring_other": ("{km:g} 公里以内", "within {km:g} km"),
    "lens_counts": ("各圈层内的数量（累计）", "Counts within each ring (cumulative)"),
    "lens_ranked": ("按距离、再按等级排序", "Ranked by distance, then grade"),
    "lens_rank_note": (
        "距离按整米比较；距离相同时等级高者在前，再按图层与编号。",
        "Distances are compared to the whole metre; at equal distance the higher grade comes first, then layer and id.",
    ),
    "lens_nothing": ("{km:g} 公里内没有文化资源点位。", "No cultural asset lies within {km:g} km."),
    "lens_route": ("把“校园文化线路”交给线路设计", "Hand a campus culture route to the route designer"),
    "lens_route_help": (
        "以本校区为起点，排名前 {n} 的点位为站点，在“线路设计”页打开。",
        "Opens the Routes page with this campus as the start and the top {n} assets as stops.",
    ),
    "lens_clusters": ("高校与文物集聚区", "Campuses and heritage clusters"),
    "lens_clusters_note": (
        "集聚区：文物保护单位在 H3 网格（约 5 平方公里）上的 Getis-Ord Gi* 显著热点（p < 0.05），相邻热点格合并。",
        "Clusters: Getis-Ord Gi* hot spots (p < 0.05) of heritage units on H3 cells of about 5 km2, "
        "adjacent hot cells merged.",
    ),
    "lens_no_clusters": ("没有显著的文物集聚区。", "No significant heritage cluster."),
    "col_ring": ("圈层", "Reach"),
    "col_cluster": ("集聚区", "Cluster"),
    "col_cluster_label": ("集聚区（代表单位）", "Cluster (leading unit)"),
    "col_n_units": ("文保单位数", "Heritage units"),
    "col_nearest_campus": ("最近校区", "Nearest campus"),
    "col_nearest_campus_km": ("到最近校区（公里）", "To the nearest campus (km)"),
    "col_distance_km": ("距离（公里）", "Distance (km)"),
    "col_count": ("数量", "Count"),
    "col_per_10k_residents": ("每万常住人口", "per 10,000 residents"),
    "compare_title": ("城市对比", "Compare cities"),
    "compare_intro": (
        "两个城市包按同一组指标并列：各图层每百平方公里（面积取各区县在等积投影中的面积）与每万人口的数量，"
        "以及区县文化软实力指数。图表使用相同刻度。",
        "Two city packs side by side on the same indicators: each layer per 100 km2 (the districts' area in "
        "an equal-area projection) and per 10,000 residents, and the district soft-power index. The charts "
        "share their scales.",
    ),
    "compare_need_two": (
        "对比需要第二个可用的城市包（在 {path} 下只找到 {n} 个）。",
        "Comparing needs a second working city pack ({n} found under {path}).",
    ),
    "compare_city_a": ("城市 A", "City A"),
    "compare_city_b": ("城市 B", "City B"),
    "compare_same": ("请选择两个不同的城市。", "Choose two different cities."),
    "compare_area": ("面积 {area:,.0f} 平方公里（等积投影）", "Area {area:,.0f} km2 (equal-area projection)"),
    "compare_population": (
        "常住人口 {residents:,} 人（{as_of}；{source}）",
        "Residents {residents:,} ({as_of}; {source})",
    ),
    "pack_expected_date": (
        "{file}：{setting} 为 {value}，应为日期 YYYY-MM-DD、YYYY-MM 或 YYYY",
        "{file}: {setting} is {value}; expected a date YYYY-MM-DD, YYYY-MM or YYYY",
    ),
    "compare_population_not_given": ("城市包未给出人口（无来源）", "Population not given by the pack (no source)"),
    "compare_per_100km2": ("每百平方公里", "per 100 km2"),
    "compare_per_10k": ("每万人", "per 10,000 residents"),
    "compare_index": ("区县软实力指数", "District soft-power index"),
    "compare_index_note": (
        "软实力指数在每个城市内部按区县最小-最大归一化（0–100），只比较城市内部的分布，不代表城市之间的绝对高低。",
        "The soft-power index is min-max normalised across each city's own districts (0-100): it compares "
        "the spread within a city, not one city's level against the other's.",
    ),
    "compare_figure_title": ("{a} 与 {b}：文化资源对比", "{a} and {b}: cultural assets compared"),
    "compare_figure_note": (
        "密度按等积投影面积计算；高校按院校计数；软实力指数为各城市内部归一化。数据：各城市包（各点位出处见城市报告的“数据来源与位置精度”）。",
        "Densities per equal-area km2; universities counted per institution; the soft-power index is "
        "normalised within each city. Data: the city packs (each asset's source: the city report's "
        "'Data sources and accuracy of positions').",
    ),
    "compare_download": ("下载对比图（{fmt}）", "Download the comparison ({fmt})"),
    #
    # speed
    "app_results_after_map": ("地图绘制完成后显示结果表和统计图…", "The table and chart follow once the map is drawn…"),
    "analysis_after_map": ("地图绘制完成后显示其余分析…", "The other analyses follow once the map is drawn…"),
    #
    # XLSX for people, compare caveat (issue 26)
    "xlsx_sheet_selection": ("选择与来源", "Selection and sources"),
    "xlsx_city": ("城市", "City"),
    "xlsx_selection": ("筛选条件", "Selection"),
    "xlsx_exported": ("导出日期", "Exported on"),
    "xlsx_assets": ("点位数", "Assets"),
    "xlsx_coordinates": ("坐标", "Coordinates"),
    "xlsx_coordinates_note": (
        "经度、纬度为 WGS-84 度数（面状点位取其内部代表点）；“坐标精度”列说明每个位置的来历。",
        "Longitude and latitude in WGS-84 degrees (an area's representative point); the column Position "
        "accuracy says how each position was found.",
    ),
    "xlsx_sources": ("资料来源（本表各行引用）", "Sources (cited by the rows of this file)"),
    "xlsx_source_citation": ("引用", "Citation"),
    "xlsx_source_publisher": ("发布者", "Publisher"),
    "xlsx_source_title": ("标题", "Title"),
    "xlsx_source_date": ("日期", "Date"),
    "xlsx_source_page": ("网页", "Web page"),
    "xlsx_source_licence": ("许可", "Licence"),
    "xlsx_source_rows": ("引用行数", "Rows citing it"),
    # the column headers of the layer sheets, one per field of the layer registry
    "xlsx_col_id": ("编号", "ID"),
    "xlsx_col_name_zh": ("中文名称", "Chinese name"),
    "xlsx_col_name_en": ("英文名称", "English name"),
    "xlsx_col_grade": ("等级", "Grade"),
    "xlsx_col_grade_since": ("评定日期", "Graded on"),
    "xlsx_col_grade_history": ("以往等级", "Earlier grades"),
    "xlsx_col_level": ("级别", "Level"),
    "xlsx_col_era": ("年代", "Era"),
    "xlsx_col_category": ("类别", "Category"),
    "xlsx_col_batch": ("批次", "Batch"),
    "xlsx_col_kind": ("类型", "Kind"),
    "xlsx_col_campus": ("校区", "Campus"),
    "xlsx_col_type": ("办学类型", "Type"),
    "xlsx_col_former_name_zh": ("曾用名", "Former Chinese name"),
    "xlsx_col_district": ("区县", "District"),
    "xlsx_col_address": ("地址", "Address"),
    "xlsx_col_themes": ("主题", "Themes"),
    "xlsx_col_opening_hours": ("开放时间", "Opening hours"),
    "xlsx_col_source": ("来源", "Source"),
    "xlsx_col_coord_accuracy": ("坐标精度", "Position accuracy"),
    "xlsx_col_note": ("备注", "Note"),
    "xlsx_col_lon": ("经度（WGS-84）", "Longitude (WGS-84)"),
    "xlsx_col_lat": ("纬度（WGS-84）", "Latitude (WGS-84)"),
    # the Compare page's caveat and its figure's text alternative
    "compare_caveat": (
        "密度比较的是两个城市包已收录的点位，不是城市的全部文化资源：收录少于公开数字的图层会低估该城市。"
        "各城市包收录与其公开数字对照（收录/公开）：",
        "The densities compare what the two packs hold, not all of each city's cultural assets: a layer holding "
        "fewer assets than its published figure understates that city. What each pack holds against its "
        "published figures (held/published):",
    ),
    "compare_caveat_city": ("{city}：{items}。公开数字来源：{sources}", "{city}: {items}. Figures from: {sources}"),
    "compare_caveat_city_none": (
        "{city}：城市包未给出公开数字，无法说明收录是否完整。",
        "{city}: the pack gives no published figures, so how complete it is cannot be told.",
    ),
    "compare_caveat_item": ("{label} {held}/{published}", "{label} {held}/{published}"),
    "compare_caveat_notes": ("（{notes}）", " ({notes})"),
    "compare_caveat_over": ("多于公开数字", "more than published"),
    "compare_caveat_as_of": ("截至 {as_of}", "as of {as_of}"),
    "compare_caveat_all_as_of": ("{city}（公开数字截至 {as_of}）", "{city} (figures as of {as_of})"),
    "compare_caveat_graded_after": (
        "另有 {n} 处于 {as_of} 之后评定，未计入",
        "{n} more graded after {as_of}, not counted",
    ),
    "compare_caveat_graded_since": ("另有 {n} 处于其后评定，未计入", "{n} more graded since, not counted"),
    "compare_alt": (
        "{title}。三行条形图，每个城市一列：各图层每百平方公里点位数、每万常住人口点位数（两城市同一刻度），"
        "以及各区县文化软实力指数（0–100）。{densest}。具体数字见上方两城市的表格和图下的“图表数据”。",
        "{title}. Three rows of bar charts, one column per city: each layer's assets per 100 km2 and per 10,000 "
        "residents (both cities on one scale), and the districts' soft-power index (0-100). {densest}. The numbers "
        "are in the two cities' tables above and under \"The figure's data\" below it.",
    ),
    "compare_alt_densest": (
        "{city}密度最高的图层是{layer}（每百平方公里 {value:.2f} 处）",
        "{city}'s densest layer is {layer} ({value:.2f} per 100 km2)",
    ),
    "compare_figure_data": ("图表数据（对比图中的数字）", "The figure's data (its numbers as tables)"),
    # language and wording (issue 27)
    "routes_network_limit": ("文件上限 {limit_mb} MB", "Files up to {limit_mb} MB"),
    "lens_campus_in_cluster": ("位于集聚区内", "inside the cluster"),
    "routes_stops_none": ("尚未选择站点", "No stops chosen yet"),
    "analysis_buffers_none": ("未选择时按 1 公里", "None chosen: 1 km"),
    # the Data page's per-row tables (the column named after the key's tail)
    "data_col_row": ("行号", "Row"),
    "data_col_status": ("状态", "Status"),
    "data_col_id": ("编号", "ID"),
    "data_col_name_zh": ("中文名", "Chinese name"),
    "data_col_name": ("名称", "Name"),
    "data_col_lon": ("经度", "Longitude"),
    "data_col_lat": ("纬度", "Latitude"),
    "data_col_value": ("值", "Value"),
    "data_col_message": ("说明", "Message"),
    "data_col_duplicate_of": ("疑似重复的已有点位", "Possible duplicate of"),
    "data_col_duplicate_name": ("已有点位名称", "Its name"),
    "data_col_duplicate_layer": ("已有点位图层", "Its layer"),
    "data_col_distance_m": ("距离（米）", "Distance (m)"),
    "data_col_radius_m": ("位置误差（米）", "Position uncertainty (m)"),
    "data_col_match": ("匹配方式", "Match"),
    #
    # survey worklist (issue 28)
    "worklist_title": ("{city}坐标核查任务单", "{city}: survey worklist"),
    "worklist_subject": (
        "{n} 处位置为概略的点位，按核查优先级排列",
        "{n} assets with an approximate position, in survey order",
    ),
    "worklist_summary": (
        "全市 {total} 处点位中有 {n} 处的位置为概略（未经测量或核对），按优先级排列：全国重点文物保护单位、4A/5A 级景区、省级文物保护单位、其他地标，各级内按区县。",
        "{n} of the city's {total} assets have an approximate position (not surveyed or checked), in order of priority: national key units, 4A/5A scenic spots, provincial units, other landmarks; within each by district.",
    ),
    "worklist_how": (
        "到现场确认位置后，在应用中移动该点位并注明“现场测量”或“GPS”（或用 culturemap edit），它即从任务单中移除。坐标为 WGS-84。",
        "Once a position is confirmed on site, move the asset in the app stating 'surveyed on site' or 'GPS' (or with culturemap edit): it leaves the list. Coordinates are WGS-84.",
    ),
    "worklist_empty": (
        "所有点位的位置均已核对，任务单为空。",
        "Every asset's position is confirmed: the list is empty.",
    ),
    "worklist_tier_heading": ("{tier}（{n} 处）", "{tier} ({n})"),
    "worklist_tier_national_units": ("全国重点文物保护单位", "National key cultural relics protection units"),
    "worklist_tier_top_scenic": ("4A/5A 级旅游景区", "4A and 5A scenic spots"),
    "worklist_tier_provincial_units": ("省级文物保护单位", "Provincial cultural relics protection units"),
    "worklist_tier_landmarks": ("夜间文旅集聚区、博物馆与高校", "Night-tour areas, museums and universities"),
    "worklist_tier_other_listed": ("其他景区与文物保护单位", "Other scenic spots and protection units"),
    "worklist_tier_other": ("其他点位", "Other assets"),
    "worklist_col_rank": ("序号", "No."),
    "worklist_col_name": ("名称", "Name"),
    "worklist_col_class": ("类别", "Layer and class"),
    "worklist_col_district": ("区县", "District"),
    "worklist_col_point": ("现有坐标（经度, 纬度）", "Stored point (lon, lat)"),
    "worklist_col_within": ("可能偏差", "May be off by"),
    "worklist_col_checked": ("已核", "Checked"),
    "worklist_col_accuracy": ("坐标精度", "Position accuracy"),
    "worklist_within": ("可能偏差 {m:,.0f} 米", "may be off by {m:,.0f} m"),
    "worklist_source": (
        "点位与坐标精度：{city}城市数据包（各点位的出处见城市报告的资料来源）",
        "Assets and their position accuracy: the {city} city pack (each asset's source is cited in the city report)",
    ),
    "worklist_panel": ("坐标核查任务单（{n} 处）", "Survey worklist ({n})"),
    "worklist_intro": (
        "位置为概略的点位，按核查优先级排列；可下载 PDF 打印、GPX 导入手机地图或 CSV。",
        "The assets whose position is approximate, in survey order; download a PDF to print, GPX for a phone's map app, or CSV.",
    ),
    "worklist_district": ("区县", "District"),
    "worklist_all_districts": ("全部区县", "All districts"),
    "worklist_fmt_pdf": ("任务单 PDF（打印）", "Worklist PDF (to print)"),
    "worklist_fmt_gpx": ("GPX（手机地图）", "GPX (phone map app)"),
    "worklist_fmt_csv": ("CSV（表格）", "CSV (table)"),
    "cli_worklist_written": (
        "{fmt}：{path}（{n} 处待核查点位{where}）",
        "{fmt}: {path} ({n} assets to survey{where})",
    ),
    # signing in and the Edit panel (issue 28)
    "account_sign_in": ("登录", "Sign in"),
    "account_sign_out": ("退出登录", "Sign out"),
    "account_name": ("账户名", "Account name"),
    "account_password": ("密码", "Password"),
    "account_signed_in": ("已登录：{name}（{role}）", "Signed in: {name} ({role})"),
    "account_viewer_note": (
        "无需登录即可浏览；贡献者、编辑登录后可在地图页修改点位。",
        "Reading needs no account; contributors and editors sign in to correct assets on the Map page.",
    ),
    "edit_panel": ("编辑点位（{role}）", "Edit assets ({role})"),
    "edit_layer": ("图层", "Layer"),
    "edit_asset": ("点位", "Asset"),
    "edit_new_asset": ("＋ 新增点位", "+ New asset"),
    "edit_retired_mark": ("（已停用）", " (retired)"),
    "edit_version": ("第 {version} 版 · 最后修改：{user} · {at}", "Version {version} · last changed by {user} · {at}"),
    "edit_tab_fields": ("字段", "Fields"),
    "edit_tab_position": ("位置", "Position"),
    "edit_tab_retire": ("停用 / 恢复", "Retire / restore"),
    "edit_save": ("保存字段", "Save the fields"),
    "edit_nothing_changed": ("没有字段被修改。", "No field was changed."),
    "edit_move": ("移动到此坐标", "Move to these coordinates"),
    "edit_lon": ("经度", "Longitude"),
    "edit_lat": ("纬度", "Latitude"),
    "edit_datum": ("坐标系", "Datum of the coordinates"),
    "edit_datum_wgs84": ("WGS-84（GPS）", "WGS-84 (GPS)"),
    "edit_datum_gcj02": ("GCJ-02（高德、腾讯）", "GCJ-02 (Amap, Tencent)"),
    "edit_datum_bd09": ("BD-09（百度）", "BD-09 (Baidu)"),
    "edit_accuracy": ("定位依据", "What placed it"),
    "edit_reason": ("修改原因（可选）", "Reason (optional)"),
    "edit_add_button": ("新增点位", "Add the asset"),
    "edit_is_retired": ("此点位已停用：{reason}", "This asset is retired: {reason}"),
    "edit_restore": ("恢复点位", "Restore the asset"),
    "edit_retire_reason": ("停用原因（必填）", "Reason for retiring (required)"),
    "edit_retire": ("停用点位", "Retire the asset"),
    "edit_undo_mine": ("撤销我的上一次修改", "Undo my last change"),
    "edit_use_location": ("使用我的位置", "Use my location"),
    "edit_pick_on_map": ("在地图上点选位置", "Pick the position on the map"),
    "edit_pick_help": (
        "打开后，在上方地图上点击点位的实际位置，坐标即填入下方（定位依据：编辑在地图上标定）。",
        "When on, click the asset's true place on the map above: its coordinates are filled in below (placed on the map by an editor).",
    ),
    "edit_click_filled": (
        "已填入地图上点选的位置（WGS-84）。",
        "The position clicked on the map is filled in (WGS-84).",
    ),
    "edit_drag_handle": ("拖动以移动：{name}", "Drag to move: {name}"),
    "edit_drag_hint": (
        "地图上红圈为所选点位：拖动到实际位置，坐标即填入“位置”页（按“移动到此坐标”保存）。",
        'The red ring on the map is the chosen asset: drag it to its true place and the position tab is filled in (save with "Move to these coordinates").',
    ),
    "edit_drag_filled": (
        "已填入拖动后的位置（WGS-84），距原位置 {m:,.0f} 米。",
        "The position it was dragged to is filled in (WGS-84), {m:,.0f} m from where it was.",
    ),
    "edit_review_waiting": (
        "等待你审核：{n} 项修改（审核列表在下方“编辑点位”面板底部）。",
        "Waiting for your review: {n} changes (the review list is at the foot of the Edit assets panel below).",
    ),
    "edit_pending_caption": (
        "地图上橙色虚线方块是你提交、等待审核的 {n} 项修改（只有你看得到）：移动和新增画在新位置，其他修改标在点位右上角。",
        "The orange dashed squares on the map are your {n} changes waiting for review (only you see them): a move or an addition where it would put the asset, other changes at the asset's upper right.",
    ),
    "edit_pending_marker": ("#{proposal} 待审核：{action} {name}", "#{proposal} pending review: {action} {name}"),
    "edit_locating": (
        "正在获取本机位置（浏览器可能先请求授权）…",
        "Finding this device's location (the browser may ask first)…",
    ),
    "edit_location_failed": ("未能获取本机位置：{reason}", "This device's location is not available: {reason}"),
    "edit_location_fix": (
        "已填入本机定位（WGS-84，精度约 ±{m:,.0f} 米）：到达点位现场后再移动。",
        "This device's position is filled in (WGS-84, accurate to about ±{m:,.0f} m): move the asset when you stand at it.",
    ),
    "edit_gps_reason": ("现场手机定位，精度 ±{m:,.0f} 米", "GPS on site, accurate to ±{m:,.0f} m"),
    "edit_undone_change": (
        "已撤销 {layer} {id} 的上一次修改（{action}），现为第 {version} 版",
        "undid the last change of {layer} {id} ({action}): now version {version}",
    ),
    "edit_history": ("修改记录（{n} 条）", "History ({n} changes)"),
    "edit_review": ("待审核的提议（{n} 条）", "Proposals to review ({n})"),
    "edit_review_comment": ("审核意见（驳回时必填）", "Comment (required to reject)"),
    "edit_approve": ("批准", "Approve"),
    "edit_my_proposals": ("我的提议（{n} 条待审核）", "My proposals ({n} waiting for review)"),
    "edit_col_proposal": ("提议", "Proposal"),
    "edit_col_status": ("状态", "Status"),
    "edit_status_pending": ("待审核", "waiting for review"),
    "edit_status_approved": ("已批准", "approved"),
    "edit_status_rejected": ("已驳回", "rejected"),
    "edit_reject": ("驳回", "Reject"),
    "history_col_time": ("时间（北京时间）", "Time (China time, UTC+8)"),
    "history_col_user": ("用户", "User"),
    "history_col_action": ("操作", "Action"),
    "history_col_version": ("版本", "Version"),
    "history_col_changes": ("修改内容（原 → 新）", "What changed (before → after)"),
    "history_col_reason": ("原因", "Reason"),
    "history_action_add": ("新增", "added"),
    "history_action_update": ("修改字段", "fields changed"),
    "history_action_move": ("移动", "moved"),
    "history_action_retire": ("停用", "retired"),
    "history_action_restore": ("恢复", "restored"),
    "history_action_undo": ("撤销", "undone"),
    "history_action_import": ("导入", "imported"),
    "audit_panel": ("修改记录（{n} 条）", "Change log ({n} changes)"),
    "audit_empty": ("还没有任何修改。", "No change has been made yet."),
    "audit_any": ("全部", "All"),
    "audit_dates": ("日期范围", "Dates"),
    "audit_shown": ("显示 {n} / {total} 条修改，最新的在前", "{n} of {total} changes shown, newest first"),
    "audit_col_id": ("编号", "ID"),
    "audit_download": ("下载 CSV（{n} 条）", "Download CSV ({n} changes)"),
}


# English nouns counted in the messages: "1 assets" reads "1 asset" (Chinese has no plural)
_SINGULAR = {"assets": "asset", "stops": "stop", "rows": "row", "points": "point", "campuses": "campus",
             "days": "day", "universities": "university", "files": "file", "layers": "layer",
             "clusters": "cluster", "units": "unit", "districts": "district", "hexagons": "hexagon",
             "sites": "site", "routes": "route", "museums": "museum", "spots": "spot", "values": "value",
             "sources": "source", "cells": "cell", "duplicates": "duplicate", "probable duplicates": "probable duplicate", "problems": "problem", "errors": "error", "warnings": "warning", "changes": "change", "fields": "field"}  # fmt: skip
_ONE_PLURAL = re.compile(r"(?<![\d.,#])\b1 (" + "|".join(_SINGULAR) + r")\b")


def tr(key: str, lang: str = "zh", **values) -> str:
    """Return the message ``key`` in ``lang`` (zh or en) with ``values`` filled in (in English a count of
    1 takes the singular: "1 asset")."""
    zh, en = MESSAGES[key]
    if lang == "zh":
        return zh.format(**values)
    return _ONE_PLURAL.sub(lambda m: "1 " + _SINGULAR[m.group(1)], en.format(**values))
