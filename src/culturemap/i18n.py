"""User-facing text in Chinese and English.

Every message shown to a user is a key here with a zh and an en template (``str.format`` fields).
"""

from __future__ import annotations

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
    "route_unknown_stop": (
        "{file} 路线 {route} 的站点 {stop} 不存在于任何图层",
        "{file} route {route}: stop {stop} is not a feature id in any layer",
    ),
    "route_invalid": ("{file} 路线 {route}：{reason}", "{file} route {route}: {reason}"),
    "city_toml": ("{file}：{reason}", "{file}: {reason}"),
    # report text
    "report_title": ("{city} 城市包校验报告", "Validation report for the {city} pack"),
    "report_layers": ("图层要素数", "Features per layer"),
    "report_coverage": ("与公开数据对照", "Coverage against published figures"),
    "report_required": ("应包含的点位", "Named assets the data must hold"),
    "report_accuracy": ("坐标精度", "Coordinate accuracy"),
    "report_flagged": ("概略坐标（已标记）{n} 条", "{n} rows flagged with approximate coordinates"),
    "report_errors": ("错误 {n} 条", "{n} errors"),
    "report_warnings": ("警告 {n} 条", "{n} warnings"),
    "report_ok": ("校验通过", "Validation passed"),
    "report_failed": ("校验未通过", "Validation failed"),
    "status_complete": ("齐全", "complete"),
    "status_short": ("缺 {gap}", "{gap} missing"),
    "status_over": ("多 {gap}", "{gap} more than published"),
    "found": ("已找到", "found"),
    "not_found": ("未找到", "not found"),
    # app
    "app_title": ("{city}文化资源地图", "{city} cultural assets map"),
    "app_city": ("城市", "City"),
    "app_language": ("语言", "Language"),
    "app_layers": ("图层", "Layers"),
    "app_loading": ("正在加载城市数据……", "Loading the city pack..."),
    "app_counts": ("要素统计", "Feature counts"),
    "app_layer_col": ("图层", "Layer"),
    "app_count_col": ("数量", "Count"),
    "app_approx_col": ("概略坐标", "Approximate coordinates"),
    "app_problems": ("数据校验：{n} 个错误", "Data validation: {n} errors"),
    "app_no_packs": ("在 {path} 下没有找到城市包", "No city pack found under {path}"),
    # popups
    "popup_grade": ("等级", "Grade"),
    "popup_level": ("级别", "Level"),
    "popup_kind": ("类别", "Kind"),
    "popup_type": ("类型", "Type"),
    "popup_district": ("区县", "District"),
    "popup_address": ("地址", "Address"),
    "popup_source": ("来源", "Source"),
    "popup_accuracy": ("坐标精度", "Coordinates"),
    "popup_campus": ("校区", "Campus"),
    "popup_era": ("年代", "Era"),
    "popup_themes": ("主题", "Themes"),
    # map
    "map_hexagons": ("六边形汇总", "Hexagon counts"),
    "map_count": ("数量", "Count"),
    "spot_hot": ("热点（Gi*，p<0.05）", "hot spot (Gi*, p < 0.05)"),
    "spot_cold": ("冷点（Gi*，p<0.05）", "cold spot (Gi*, p < 0.05)"),
    "map_legend": ("图例", "Legend"),
    "map_approx_legend": ("虚线边框 = 概略坐标", "dashed outline = approximate position"),
    "map_hex_legend": ("每格数量 1–{max}", "per cell 1–{max}"),
    # pages
    "page_map": ("地图", "Map"),
    "page_analysis": ("密度与廊道", "Density & corridor"),
    # analysis page
    "analysis_title": ("{city}：密度、廊道与区县对比", "{city}: density, corridor and districts"),
    "analysis_too_few": (
        "所选图层点位不足 2 个，无法计算密度。",
        "Fewer than 2 assets in the chosen layers: no density to compute.",
    ),
    "analysis_bandwidth": (
        "核密度带宽（米，Scott 法则建议 {scott}）",
        "KDE bandwidth (m; Scott's rule suggests {scott})",
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
    # density
    "density_title": (
        "{city}文化资源核密度（{n} 个点位，带宽 {bw:.0f} 米）",
        "{city} cultural assets: kernel density ({n} assets, bandwidth {bw:.0f} m)",
    ),
    "density_contours": ("最高密度区（50%/75%/90%）", "densest areas (50/75/90%)"),
    "density_unit": ("每平方公里点位数", "assets per km²"),
    # explorer page
    "app_filters": ("筛选", "Filters"),
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
}


def tr(key: str, lang: str = "zh", **values) -> str:
    """Return the message ``key`` in ``lang`` (zh or en) with ``values`` filled in."""
    zh, en = MESSAGES[key]
    return (zh if lang == "zh" else en).format(**values)
