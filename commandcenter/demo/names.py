"""Word lists for the demo district: names of places, people, departments and case titles.

Invented names in the style of a Jiangsu county town; nothing here is a real person.
"""

import random

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国建华玉兰志强海燕春梅小红"
    "文斌晓东晓燕俊杰子涵浩然欣怡宇轩梓萱雨桐一诺思远佳怡晨阳书豪雅婷家豪婉清德明国庆"
    "秋菊长林振华淑珍玉梅凤英金凤永刚立新卫东红梅丽娟建军"
)

COMMUNITY_NAMES = (
    "东安社区",
    "春晖社区",
    "凤城河社区",
    "鼓楼社区",
    "海光社区",
    "迎春社区",
    "梅园社区",
    "稻河社区",
    "泰和社区",
    "坡子街社区",
)

ROAD_NAMES = (
    "海陵南路",
    "东进东路",
    "鼓楼路",
    "青年南路",
    "江洲北路",
    "凤凰东路",
    "迎春西路",
    "春晖路",
    "税东街",
    "五一路",
    "梅兰东路",
    "扬桥口路",
    "南通路",
    "稻河路",
    "坡子街",
    "百凤路",
)

ESTATE_NAMES = (
    "春晖花园",
    "东安新村",
    "凤城名都",
    "梅园小区",
    "海光苑",
    "迎春里",
    "稻河人家",
    "鼓楼公寓",
    "泰和家园",
    "金域华府",
    "锦绣江南",
    "世纪新城",
    "翠竹苑",
    "桃园新村",
    "望海楼小区",
    "银杏公寓",
)

DEDICATED_NAMES = {
    "school": ("第二实验小学", "城东中学", "海陵实验初中"),
    "market": ("东进农贸市场", "鼓楼农贸市场"),
    "hospital": ("城东社区卫生服务中心", "人民医院东院区"),
}

SHOP_WORDS = ("超市", "餐馆", "五金店", "理发店", "药房", "早餐店", "干洗店", "快递驿站", "烟酒店")
ENTERPRISE_WORDS = ("科技有限公司", "物业管理有限公司", "商贸有限公司", "建筑工程有限公司")
SOCIAL_ORGS = ("老年协会", "志愿者服务队", "文体队", "业主委员会", "调解委员会")

# (Chinese name, DepartmentKind value) — dispatched to from the street center.
STREET_DEPARTMENTS = (
    ("城东派出所", "public_security"),
    ("城东城管中队", "urban_management"),
    ("城东市场监管所", "market_supervision"),
    ("城东安监办", "emergency"),
    ("城东社区卫生服务中心", "health"),
    ("街道民政办", "civil_affairs"),
    ("街道城建办", "housing"),
    ("街道环保办", "environment"),
)

# County-level departments (upper center).
COUNTY_DEPARTMENTS = (
    ("区公安分局指挥中心", "public_security"),
    ("区城市管理局", "urban_management"),
    ("区市场监督管理局", "market_supervision"),
    ("区应急管理局", "emergency"),
)

# Case titles per category; {road}, {estate} and {n} are filled in.
CASE_TITLES = {
    "public_order": (
        "{estate}深夜噪音扰民",
        "{road}夜间聚众饮酒喧哗",
        "{estate}出租房人员频繁更换",
        "{road}流动摊贩占道经营",
        "{estate}疑似群租房",
    ),
    "safety_hazard": (
        "{estate}{n}号楼楼道堆放杂物堵塞消防通道",
        "{estate}电动车楼道内充电",
        "{road}广告牌松动有坠落风险",
        "{estate}燃气管道老化有异味",
        "{road}施工工地围挡破损",
        "{estate}{n}号楼外墙瓷砖脱落",
    ),
    "dispute": (
        "{estate}{n}号楼楼上漏水邻里纠纷",
        "{estate}物业费争议",
        "{road}商户与顾客消费纠纷",
        "{estate}停车位占用纠纷",
        "{estate}装修扰民纠纷",
    ),
    "environment": (
        "{road}垃圾堆放未及时清运",
        "{estate}垃圾分类桶满溢",
        "{road}餐饮油烟扰民",
        "{estate}绿化带毁绿种菜",
        "{road}道路积水",
        "{road}乱贴小广告",
    ),
    "municipal": (
        "{road}路灯不亮",
        "{road}窨井盖破损",
        "{road}人行道地砖松动",
        "{estate}小区门口道路坑洼",
        "{road}交通护栏损坏",
        "{road}公交站台顶棚破损",
    ),
    "livelihood": (
        "{estate}居民咨询医保办理",
        "{estate}独居老人需要上门帮扶",
        "{estate}二次供水水压不足",
        "{estate}电梯故障困人后维修诉求",
        "{estate}居民申请低保咨询",
    ),
    "special_group": (
        "{estate}社区矫正人员定期走访",
        "{estate}严重精神障碍患者情况异常",
        "{estate}重点青少年帮扶回访",
        "{estate}刑满释放人员安置帮教",
    ),
    "other": (
        "{road}共享单车乱停放",
        "{estate}流浪犬伤人隐患",
        "{road}树木倒伏影响通行",
    ),
}

CAMERA_PLACES = (
    "{road}与{road2}交叉口",
    "{estate}北门",
    "{estate}南门",
    "{road}公交站",
    "{estate}地下车库出口",
    "{road}中段",
)

VISIT_NOTES = (
    "入户走访,了解家庭近况",
    "走访独居老人,身体状况良好",
    "宣传反诈知识",
    "核实出租房登记信息",
    "收集居民意见建议",
    "消防安全宣传,检查楼道",
)

HANDLING_COMMENTS = (
    "已到现场处置完毕,附整改照片",
    "已联系责任单位整改到位",
    "现场核实后已清理完毕",
    "已协调物业完成维修",
    "已调解,双方达成一致",
)


def person_name(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def phone_number(rng: random.Random) -> str:
    return rng.choice(("13", "15", "18", "17", "19")) + f"{rng.randrange(10**9):09d}"
