"""Name lists and stock phrases for the demo county 同心县 (Tongxin, Wuzhong, Ningxia). Invented but plausible: the
people, most villages, the resettlement sites and the account numbers do not exist. Tongxin is a mainly Hui county,
so the surnames lean to 马, 杨, 李, 海, 金, 虎 (SPEC §1.1).
"""

from typing import Final

# The ten demo townships, in code order: 640324100000, 640324101000, …
TOWNSHIP_NAMES: Final = (
    "豫海镇",
    "河西镇",
    "丁塘镇",
    "韦州镇",
    "下马关镇",
    "预旺镇",
    "王团镇",
    "田老庄乡",
    "马高庄乡",
    "张家塬乡",
)

# Two-character place names; each village is one of these + "村". None repeats a township name.
VILLAGE_STEMS: Final = (
    "南关", "西关", "东关", "北关", "城关", "红城", "清水", "沙沟", "上河", "下河",
    "河湾", "田湾", "杨庄", "马塬", "白崖", "新庄", "旧庄", "苦水", "甜水", "双井",
    "三岔", "五里", "黑山", "石沟", "麻湾", "周新", "窑山", "羊路", "喊叫", "新华",
    "红星", "团结", "胜利", "东风", "联合", "和平", "前进", "新民", "新生", "兴隆",
    "兴旺", "富民", "丰收", "金鸡", "黄谷", "白塬", "红岗", "青龙", "卧龙", "凤凰",
    "马莲", "芦草", "柳泉", "杨河", "李沟", "王湾", "张塬", "高庄", "刘堡", "田滩",
    "周塬", "韩庄", "海湾", "虎沟", "金塘", "沙湾", "沙梁", "土峰", "大塬", "小塬",
    "大滩", "小滩", "西沟", "东沟", "南沟", "北沟", "中庄", "前塬", "后塬", "上庄",
    "下庄", "腰岘", "岔口", "堡子", "营盘", "旱台", "水套", "红套", "坪子", "洪岗",
    "关桥", "古城", "陈麻", "碱滩", "羊坊", "杏树", "梨花", "桃山", "枣园", "榆树",
    "柳树", "槐树", "花园", "草湾", "南山", "北山", "东山", "西山", "沟门", "井沟",
    "泉眼", "清泉", "石塘", "石峡", "土桥", "水泉", "盘龙", "峡口", "窑坡", "马湾",
    "金岗", "蔡沟", "康湾", "顺河", "同德", "德胜", "新荣", "荣华", "富源", "安康",
    "安乐", "永和", "永兴", "永丰", "常乐", "阳洼", "阴洼", "老庄", "韦庄", "庙台",
    "狼窝", "园艺", "红柳", "李堡", "沙湖", "喜梁", "阎塬", "杨堡", "白套", "吊堡",
)  # fmt: skip

# (surname, weight): 马 is by far the commonest surname in Tongxin.
SURNAMES: Final = (
    ("马", 30), ("李", 8), ("王", 7), ("杨", 7), ("张", 5), ("田", 4), ("丁", 4), ("白", 3), ("海", 3), ("金", 3),
    ("周", 2), ("刘", 3), ("虎", 2), ("苏", 2), ("韩", 2), ("冶", 1), ("锁", 1), ("拓", 1), ("罗", 1), ("黑", 1),
    ("哈", 1), ("纳", 1), ("何", 1), ("陈", 1), ("赵", 1),
)  # fmt: skip

MALE_GIVEN: Final = (
    "文", "福", "成", "明", "海", "军", "虎", "忠", "学", "义", "仁", "德", "礼", "全", "国", "平", "强", "东", "兵",
    "龙", "录", "贵", "林", "山", "宝", "有", "俊", "伟", "杰", "涛", "鹏", "斌", "刚", "宏", "志", "勇", "亮", "彦",
    "清", "祥", "瑞", "生", "银", "占", "万", "吉", "存", "发", "永", "保", "云", "洪", "旭", "浩", "宇", "轩", "博",
)  # fmt: skip

FEMALE_GIVEN: Final = (
    "花", "梅", "兰", "英", "秀", "芳", "霞", "琴", "丽", "娟", "燕", "玲", "萍", "凤", "莲", "红", "艳", "静", "慧",
    "敏", "雪", "婷", "娜", "晶", "月", "桂", "翠", "巧", "春", "菊", "玉", "彩", "素", "芬", "欣", "怡", "瑶", "佳",
)  # fmt: skip

# (ethnicity, weight) for a household; members share it, spouses occasionally differ.
ETHNICITIES: Final = (("回族", 80), ("汉族", 18), ("东乡族", 1), ("蒙古族", 1))

# (bank, invented six-digit card prefix, weight): the rural commercial bank pays most subsidies in Ningxia.
BANKS: Final = (
    ("宁夏黄河农村商业银行", "623095", 70),
    ("中国邮政储蓄银行", "621799", 15),
    ("中国农业银行", "622848", 10),
    ("宁夏银行", "622906", 5),
)

# One resettlement site (易地扶贫搬迁安置点) per township, in township order; the township name goes in front.
RESETTLEMENT_SITES: Final = (
    "同德移民新村",
    "旱天岭移民安置区",
    "惠安移民新村",
    "福兴移民安置点",
    "利民移民安置区",
    "幸福移民新村",
    "民和移民安置点",
    "康乐移民新村",
    "丰泽移民安置区",
    "和顺移民安置点",
)

# What a cadre writes under 走访情况 (SPEC §4.13): one of these per visit.
VISIT_NOTES: Final = (
    "了解家庭收入情况，宣传防返贫政策",
    "入户核查“两不愁三保障”及饮水安全情况，未发现问题",
    "了解务工就业情况，宣传稳岗就业和技能培训政策",
    "了解家庭成员健康状况，宣传医保参保和大病救助政策",
    "了解子女上学情况，宣传教育资助政策",
    "查看住房和饮水情况，宣传农村危房改造政策",
    "了解种植养殖情况，宣传产业奖补政策",
    "核实家庭人口变化情况，宣传防返贫监测申报渠道",
    "走访了解生产生活情况，群众对帮扶工作满意",
)
COMPANIONS: Final = ("驻村第一书记", "驻村工作队员", "村党支部书记", "村委会主任", "村会计", "帮扶责任人")
INCOME_CHANGES: Final = (
    "务工收入较去年有所增加",
    "养殖收入与去年基本持平",
    "种植收入因干旱略有减少",
    "新增土地流转收入",
    "家庭收入与去年基本持平",
)
NEEDS: Final = (
    "希望提供就近务工信息",
    "希望申请产业奖补资金扩大养殖",
    "希望参加技能培训",
    "希望协调解决农机具购置补贴",
)
WATER_NOTES: Final = {
    "quantity": "水窖蓄水不足，旱季需拉水补充",
    "quality": "饮用水浑浊，已报乡镇水务站检测",
    "access": "取水点较远，取水不便",
    "reliability": "供水时断时续，已报水务部门维修",
}

# Risks found on a visit, by the situation they fit (SPEC §4.13): a note about the head's illness goes only to a
# household whose head is seriously ill, and so on.
RISK_NOTES: Final = {
    "head_illness": ("户主突发脑梗住院，医疗费用较高", "户主确诊恶性肿瘤，需长期治疗，自付费用较高"),
    "illness": ("家庭成员患重病住院治疗，自付医疗费用较高，家庭收入明显下降",),
    "no_labour": ("家中无劳动力，收入主要依靠转移性收入，生活较为困难",),
    "tuition": ("子女就读大学，教育支出较大，家庭负担较重",),
    "any": (
        "主要劳动力务工时受伤，暂时无法外出务工",
        "因冰雹灾害农作物大面积减产，全年收入预计明显下降",
        "养殖的肉牛因病死亡，经营性收入大幅减少",
    ),
}
# The risk type a visitor ticks for each note (SPEC §4.3).
RISK_TYPE_OF_NOTE: Final = {
    "户主突发脑梗住院，医疗费用较高": "illness",
    "户主确诊恶性肿瘤，需长期治疗，自付费用较高": "illness",
    "家庭成员患重病住院治疗，自付医疗费用较高，家庭收入明显下降": "illness",
    "家中无劳动力，收入主要依靠转移性收入，生活较为困难": "lack_of_labour",
    "子女就读大学，教育支出较大，家庭负担较重": "education",
    "主要劳动力务工时受伤，暂时无法外出务工": "accident",
    "因冰雹灾害农作物大面积减产，全年收入预计明显下降": "disaster",
    "养殖的肉牛因病死亡，经营性收入大幅减少": "business_failure",
}
