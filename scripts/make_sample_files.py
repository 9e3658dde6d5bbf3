"""Writes the walk-through's sample files (resources/samples/street-center/): a street center
in Taizhou's Hailing district with three communities — real division codes, synthetic people.
Run again to regenerate them (the same files from the same seed):

    .venv/bin/python scripts/make_sample_files.py
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

from openpyxl import Workbook

from commandcenter.domain.codes import make_credit_code, make_grid_code, make_id_number
from commandcenter.domain.enums import GridKind

OUT = Path(__file__).resolve().parent.parent / "resources" / "samples" / "street-center"
STREET = "321202001000"
COMMUNITIES = {  # real codes and names (NBS 2023); the boundaries below are made up
    "321202001002": "东安居委会",
    "321202001003": "东康居委会",
    "321202001004": "东风居委会",
}
DIVISIONS = [
    ("320000000000", "江苏省"),
    ("321200000000", "泰州市"),
    ("321202000000", "海陵区"),
    (STREET, "城东街道"),
    *COMMUNITIES.items(),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国红梅志刚"
GROUPS = ["社区矫正", "刑满释放", "严重精神障碍", "独居老人", "留守人员", "残疾人"]


def grid_codes() -> list[tuple[str, str, str]]:
    """(community code, grid code, grid name): two urban grids per community."""
    return [
        (community, make_grid_code(community, n, GridKind.URBAN), f"{name}第{n}网格")
        for community, name in COMMUNITIES.items()
        for n in (1, 2)
    ]


def write_xlsx(path: Path, header: list[str], rows: list[list]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)


def main() -> None:
    rng = random.Random(2026)
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "divisions.csv", "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["code", "name"])
        writer.writerows(DIVISIONS)

    grids = grid_codes()
    features = []
    for index, (_, code, name) in enumerate(grids):
        lon0, lat0 = 119.925 + 0.006 * index, 32.490
        ring = [
            [lon0, lat0],
            [lon0 + 0.005, lat0],
            [lon0 + 0.005, lat0 + 0.004],
            [lon0, lat0 + 0.004],
            [lon0, lat0],
        ]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "households": 400, "population": 1000},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]],
                },
            }
        )
    (OUT / "grids.geojson").write_text(
        json.dumps(
            {"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )

    g = {code: code for _, code, _ in grids}
    codes = list(g)
    write_xlsx(
        OUT / "staff.xlsx",
        ["用户名", "姓名", "角色", "中心", "部门", "电话", "网格", "初始密码"],
        [
            ["cd.duty", "陈值班", "值班员", STREET, "", "13800000001", "", ""],
            ["cd.dispatch", "周派遣", "派遣员", STREET, "", "13800000002", "", ""],
            ["cd.lead", "吴主任", "督办领导", STREET, "", "13800000003", "", ""],
            [
                "cd.police",
                "郑警官",
                "职能部门处置人员",
                STREET,
                "城东派出所",
                "13800000004",
                "",
                "",
            ],
            [
                "cd.urban",
                "冯队长",
                "职能部门处置人员",
                STREET,
                "城东城管中队",
                "13800000005",
                "",
                "",
            ],
            [
                "da.leader",
                "王网格长",
                "网格长",
                "321202001002",
                "",
                "13800000011",
                f"{codes[0]};{codes[1]}",
                "",
            ],
            ["da.li", "李网格", "网格员", "321202001002", "", "13800000012", codes[0], ""],
            ["da.zhang", "张网格", "网格员", "321202001002", "", "13800000013", codes[1], ""],
            [
                "dk.liu",
                "刘网格",
                "网格员",
                "321202001003",
                "",
                "13800000021",
                f"{codes[2]};{codes[3]}",
                "",
            ],
            ["df.yang", "杨网格", "网格员", "321202001004", "", "13800000031", codes[4], ""],
            ["df.huang", "黄网格", "网格员", "321202001004", "", "13800000032", codes[5], ""],
        ],
    )

    house_rows = []
    houses = []
    for index, (_, code, name) in enumerate(grids):
        lon0 = 119.925 + 0.006 * index
        for b in (1, 2):
            building = f"{name[:2]}新村{index * 2 + b}幢"
            for unit in (1, 2):
                for floor in (1, 2, 3):
                    number = f"{unit}-{floor}01"
                    use = rng.choice(["自住", "自住", "自住", "出租", "空置"])
                    house_rows.append(
                        [
                            code,
                            building,
                            f"泰州市海陵区城东街道{building}",
                            "住宅",
                            6,
                            round(lon0 + 0.001 * b, 6),
                            32.492,
                            number,
                            use,
                            85,
                        ]
                    )
                    houses.append((code, building, number, use))
    write_xlsx(
        OUT / "houses.xlsx",
        [
            "网格编码",
            "楼栋",
            "地址",
            "楼栋用途",
            "层数",
            "经度",
            "纬度",
            "房号",
            "房屋用途",
            "面积",
        ],
        house_rows,
    )

    people = []
    sequence = 0
    for code, building, number, use in houses:
        if use == "空置":
            continue
        for _ in range(rng.randint(1, 3)):
            sequence += 1
            born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 65))
            id_number = make_id_number("321202", born, 100 + sequence)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", rng.choice(GIVEN)])
            status = "流动" if use == "出租" else "户籍"
            group = rng.choice(GROUPS) if rng.random() < 0.08 else ""
            phone = f"139{rng.randrange(10**8):08d}"
            people.append([name, id_number, phone, code, building, number, status, group])
    write_xlsx(
        OUT / "residents.xlsx",
        ["姓名", "身份证号", "电话", "网格编码", "楼栋", "房号", "户籍类型", "特殊人群"],
        people,
    )

    organisations = [
        [
            "泰州市城东便民超市有限公司",
            "企业",
            make_credit_code("91321202MA1X0001C"),
            codes[0],
            "城东街道东安路 8 号",
            "钱经理",
            "13900000101",
        ],
        [
            "城东街道东安社区志愿者协会",
            "社会组织",
            make_credit_code("51321202MJ0000012"),
            codes[1],
            "东安社区服务中心",
            "孙会长",
            "13900000102",
        ],
        [
            "海陵区东康幼儿园",
            "机关事业单位",
            make_credit_code("12321202466000013"),
            codes[2],
            "东康路 15 号",
            "周园长",
            "05238600103",
        ],
        [
            "泰州东风汽车修理厂",
            "非公有制经济组织",
            make_credit_code("92321202MA2Y0001X"),
            codes[4],
            "东风路 66 号",
            "郑师傅",
            "13900000104",
        ],
    ]
    # GB18030, as spreadsheets on Chinese Windows save CSV
    with open(OUT / "organisations.csv", "w", encoding="gb18030", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["名称", "类型", "统一社会信用代码", "网格编码", "地址", "联系人", "电话"])
        writer.writerows(organisations)

    with open(OUT / "matters.csv", "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["编码", "大类", "事项", "紧急程度", "时限天数", "时限小时", "承办部门"])
        writer.writerow(["0206", "安全隐患", "电动车违规充电", "urgent", 0, 4, "应急管理"])
        writer.writerow(["0404", "环境卫生", "占道经营", "normal", 1, 0, "城管"])
        writer.writerow(["0504", "市政设施", "窨井冒溢", "urgent", 0, 8, "住建"])
    print(f"sample files written to {OUT}")


if __name__ == "__main__":
    main()
