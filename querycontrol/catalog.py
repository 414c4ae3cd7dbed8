"""The catalogue of assisting institutions: 3,815 banks (the figure of the Ningxia report) and the
registries behind a network query. Deterministic: the same run gives the same codes and names, so
`load_institutions` can be rerun at any time and result rows keep pointing at the same codes.

Bank names follow the real naming patterns of Chinese banking: the large state banks, joint-stock
banks, policy, private and foreign banks and city commercial banks by their real names; rural
commercial banks, rural credit cooperatives and village banks named after the real county-level
divisions of China (GB/T 2260, data/divisions.csv), e.g. 宁夏贺兰农村商业银行, 西吉县农村信用合作联社,
宁夏贺兰回商村镇银行.
"""

import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from querycontrol.choices import ACTIONS_BY_KIND, TERM_CLASS_BY_KIND
from querycontrol.choices import InstitutionCategory as C
from querycontrol.choices import InstitutionKind as K

BANK_COUNT = 3815  # "online query of 3,815 commercial banks" (宁夏 report, docs/design.md §1)
DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "divisions.csv"

STATE_BANKS = [
    ("BANK-ICBC", "中国工商银行"),
    ("BANK-ABC", "中国农业银行"),
    ("BANK-BOC", "中国银行"),
    ("BANK-CCB", "中国建设银行"),
    ("BANK-BOCOM", "交通银行"),
    ("BANK-PSBC", "中国邮政储蓄银行"),
]
JOINT_STOCK_BANKS = [
    ("BANK-CMB", "招商银行"),
    ("BANK-SPDB", "上海浦东发展银行"),
    ("BANK-CITIC", "中信银行"),
    ("BANK-CEB", "中国光大银行"),
    ("BANK-HXB", "华夏银行"),
    ("BANK-CMBC", "中国民生银行"),
    ("BANK-CGB", "广发银行"),
    ("BANK-CIB", "兴业银行"),
    ("BANK-PAB", "平安银行"),
    ("BANK-CZB", "浙商银行"),
    ("BANK-EGB", "恒丰银行"),
    ("BANK-CBHB", "渤海银行"),
]
POLICY_BANKS = ["国家开发银行", "中国进出口银行", "中国农业发展银行"]
PRIVATE_BANKS = [
    "深圳前海微众银行",
    "浙江网商银行",
    "四川新网银行",
    "中信百信银行",
    "天津金城银行",
    "温州民商银行",
    "上海华瑞银行",
    "重庆富民银行",
    "湖南三湘银行",
    "武汉众邦银行",
    "福建华通银行",
    "吉林亿联银行",
    "梅州客商银行",
    "江西裕民银行",
    "北京中关村银行",
    "威海蓝海银行",
    "辽宁振兴银行",
    "安徽新安银行",
    "江苏苏宁银行",
]
FOREIGN_BANKS = [
    "汇丰银行（中国）",
    "渣打银行（中国）",
    "花旗银行（中国）",
    "东亚银行（中国）",
    "恒生银行（中国）",
    "星展银行（中国）",
    "大华银行（中国）",
    "华侨银行（中国）",
    "南洋商业银行（中国）",
    "德意志银行（中国）",
    "三菱日联银行（中国）",
    "瑞穗银行（中国）",
]
# City commercial banks: name, division of the head office.
CITY_BANKS = [
    ("宁夏银行", "640100"),
    ("石嘴山银行", "640200"),
    ("北京银行", "110000"),
    ("天津银行", "120000"),
    ("上海银行", "310000"),
    ("重庆银行", "500000"),
    ("重庆三峡银行", "500000"),
    ("河北银行", "130100"),
    ("唐山银行", "130200"),
    ("邯郸银行", "130400"),
    ("邢台银行", "130500"),
    ("保定银行", "130600"),
    ("张家口银行", "130700"),
    ("承德银行", "130800"),
    ("沧州银行", "130900"),
    ("廊坊银行", "131000"),
    ("衡水银行", "131100"),
    ("晋商银行", "140100"),
    ("晋城银行", "140500"),
    ("晋中银行", "140700"),
    ("内蒙古银行", "150100"),
    ("蒙商银行", "150200"),
    ("乌海银行", "150300"),
    ("鄂尔多斯银行", "150600"),
    ("盛京银行", "210100"),
    ("大连银行", "210200"),
    ("鞍山银行", "210300"),
    ("抚顺银行", "210400"),
    ("丹东银行", "210600"),
    ("锦州银行", "210700"),
    ("营口银行", "210800"),
    ("阜新银行", "210900"),
    ("辽阳银行", "211000"),
    ("铁岭银行", "211200"),
    ("朝阳银行", "211300"),
    ("葫芦岛银行", "211400"),
    ("吉林银行", "220100"),
    ("哈尔滨银行", "230100"),
    ("龙江银行", "230100"),
    ("江苏银行", "320100"),
    ("南京银行", "320100"),
    ("苏州银行", "320500"),
    ("江苏长江商业银行", "321200"),
    ("杭州银行", "330100"),
    ("宁波银行", "330200"),
    ("宁波通商银行", "330200"),
    ("温州银行", "330300"),
    ("嘉兴银行", "330400"),
    ("湖州银行", "330500"),
    ("绍兴银行", "330600"),
    ("金华银行", "330700"),
    ("浙江稠州商业银行", "330782"),
    ("台州银行", "331000"),
    ("浙江泰隆商业银行", "331000"),
    ("浙江民泰商业银行", "331000"),
    ("徽商银行", "340100"),
    ("福建海峡银行", "350100"),
    ("厦门银行", "350200"),
    ("泉州银行", "350500"),
    ("江西银行", "360100"),
    ("九江银行", "360400"),
    ("赣州银行", "360700"),
    ("上饶银行", "361100"),
    ("齐鲁银行", "370100"),
    ("青岛银行", "370200"),
    ("齐商银行", "370300"),
    ("枣庄银行", "370400"),
    ("东营银行", "370500"),
    ("烟台银行", "370600"),
    ("潍坊银行", "370700"),
    ("济宁银行", "370800"),
    ("泰安银行", "370900"),
    ("威海市商业银行", "371000"),
    ("日照银行", "371100"),
    ("临商银行", "371300"),
    ("德州银行", "371400"),
    ("莱商银行", "370100"),
    ("中原银行", "410100"),
    ("郑州银行", "410100"),
    ("汉口银行", "420100"),
    ("湖北银行", "420100"),
    ("长沙银行", "430100"),
    ("湖南银行", "430100"),
    ("广州银行", "440100"),
    ("东莞银行", "441900"),
    ("广东华兴银行", "440500"),
    ("广东南粤银行", "440800"),
    ("珠海华润银行", "440400"),
    ("广西北部湾银行", "450100"),
    ("柳州银行", "450200"),
    ("桂林银行", "450300"),
    ("海南银行", "460100"),
    ("成都银行", "510100"),
    ("四川银行", "510100"),
    ("自贡银行", "510300"),
    ("攀枝花市商业银行", "510400"),
    ("泸州银行", "510500"),
    ("长城华西银行", "510600"),
    ("绵阳市商业银行", "510700"),
    ("遂宁银行", "510900"),
    ("乐山市商业银行", "511100"),
    ("宜宾市商业银行", "511500"),
    ("达州银行", "511700"),
    ("雅安市商业银行", "511800"),
    ("凉山州商业银行", "513400"),
    ("贵阳银行", "520100"),
    ("贵州银行", "520100"),
    ("富滇银行", "530100"),
    ("曲靖市商业银行", "530300"),
    ("云南红塔银行", "530400"),
    ("西藏银行", "540100"),
    ("西安银行", "610100"),
    ("长安银行", "610100"),
    ("兰州银行", "620100"),
    ("甘肃银行", "620100"),
    ("青海银行", "630100"),
    ("乌鲁木齐银行", "650100"),
    ("新疆银行", "650100"),
    ("昆仑银行", "650200"),
    ("哈密市商业银行", "650500"),
    ("库尔勒银行", "652801"),
    ("新疆汇和银行", "654000"),
]
# Province-wide rural banks that exist under their own names.
PROVINCIAL_RURAL_BANKS = [("宁夏黄河农村商业银行", "640000")]
VILLAGE_BANK_SPONSORS = [
    "中银富登",
    "建信",
    "国开",
    "浦发",
    "民生",
    "兴业",
    "华夏",
    "恒丰",
    "齐鲁",
    "稠州",
    "长江",
    "融兴",
    "汇丰",
    "中原",
    "晋商",
    "石银",
    "回商",
    "鄞州",
    "江南",
    "泰隆",
    "瑞丰",
    "常熟",
    "紫金",
    "九台",
]
NINGXIA_SPONSORS = ["回商", "石银", "黄河", "宁银"]
# Ningxia village banks known by their own names (the rest follow the sponsor pattern).
NINGXIA_VILLAGE_BANKS = {
    "640104": "银川掌政石银村镇银行",
    "640122": "宁夏贺兰回商村镇银行",
    "640221": "平罗沙湖村镇银行",
    "640302": "吴忠滨河村镇银行",
    "640521": "中宁青银村镇银行",
}
PROVINCE_SHORT = {
    "北京市": "北京",
    "天津市": "天津",
    "河北省": "河北",
    "山西省": "山西",
    "内蒙古自治区": "内蒙古",
    "辽宁省": "辽宁",
    "吉林省": "吉林",
    "黑龙江省": "黑龙江",
    "上海市": "上海",
    "江苏省": "江苏",
    "浙江省": "浙江",
    "安徽省": "安徽",
    "福建省": "福建",
    "江西省": "江西",
    "山东省": "山东",
    "河南省": "河南",
    "湖北省": "湖北",
    "湖南省": "湖南",
    "广东省": "广东",
    "广西壮族自治区": "广西",
    "海南省": "海南",
    "重庆市": "重庆",
    "四川省": "四川",
    "贵州省": "贵州",
    "云南省": "云南",
    "西藏自治区": "西藏",
    "陕西省": "陕西",
    "甘肃省": "甘肃",
    "青海省": "青海",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
}
NINGXIA_CITIES = [
    ("640100", "银川市"),
    ("640200", "石嘴山市"),
    ("640300", "吴忠市"),
    ("640400", "固原市"),
    ("640500", "中卫市"),
]
_ETHNIC = re.compile(
    r"(回|满|蒙古|土家|苗|彝|藏|壮|瑶|侗|布依|哈萨克|保安|东乡|撒拉|土|黎|畲|仡佬|羌|傣|哈尼|拉祜|佤|白|纳西|"
    r"傈僳|景颇|怒|独龙|普米|布朗|水|毛南|仫佬|各|达斡尔|鄂温克|鄂伦春|锡伯|朝鲜|塔吉克|柯尔克孜|裕固)族"
)

# What we may send per category: (requests/s, requests in flight), enforced across all workers by the fan-out.
# Large banks run big gateways; village banks answer through a provincial platform. (How fast and how reliably
# a simulated institution answers is the simulator's own business: simulator/institutions.py.)
PROFILES = {
    C.STATE_BANK: (200, 64),
    C.JOINT_STOCK_BANK: (120, 32),
    C.POLICY_BANK: (40, 8),
    C.PRIVATE_BANK: (60, 16),
    C.FOREIGN_BANK: (30, 8),
    C.CITY_BANK: (40, 12),
    C.RURAL_COMMERCIAL_BANK: (15, 4),
    C.CREDIT_COOPERATIVE: (10, 3),
    C.VILLAGE_BANK: (5, 2),
    C.NATIONAL_REGISTRY: (100, 32),
    C.LOCAL_REGISTRY: (20, 6),
    C.COMPANY: (60, 16),
}


@dataclass
class Entry:
    code: str
    name: str
    kind: str
    category: str
    region_code: str = ""
    profile: tuple = field(default=())

    def as_fields(self) -> dict:
        rate, in_flight = self.profile or PROFILES[self.category]
        return dict(
            code=self.code,
            name=self.name,
            kind=self.kind,
            category=self.category,
            region_code=self.region_code,
            supported_actions=[str(a) for a in ACTIONS_BY_KIND[K(self.kind)]],
            asset_term_class=str(TERM_CLASS_BY_KIND[K(self.kind)]),
            is_active=True,
            rate_per_second=rate,
            max_in_flight=in_flight,
        )


def _h(*parts) -> float:
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest()[:12], 16) / 16**12


def short_name(name: str) -> str:
    """贺兰县 → 贺兰, 大厂回族自治县 → 大厂, 灵武市 → 灵武; two-character names stay whole (沛县)."""
    m = _ETHNIC.search(name)
    if m and m.start() >= 2:
        return name[: m.start()]
    for suffix in ("自治县", "自治旗", "林区", "特区", "新区", "县", "市", "旗", "区"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def divisions() -> list[dict]:
    with open(DIVISIONS_CSV, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _banks() -> list[Entry]:
    banks = [Entry(c, n, K.BANK, C.STATE_BANK) for c, n in STATE_BANKS]
    banks += [Entry(c, n, K.BANK, C.JOINT_STOCK_BANK) for c, n in JOINT_STOCK_BANKS]
    listed = [(n, "", C.POLICY_BANK) for n in POLICY_BANKS] + [(n, "", C.PRIVATE_BANK) for n in PRIVATE_BANKS]
    listed += [(n, "", C.FOREIGN_BANK) for n in FOREIGN_BANKS] + [(n, r, C.CITY_BANK) for n, r in CITY_BANKS]
    listed += [(n, r, C.RURAL_COMMERCIAL_BANK) for n, r in PROVINCIAL_RURAL_BANKS]
    banks += [Entry(f"BANK-{i:04d}", n, K.BANK, cat, r) for i, (n, r, cat) in enumerate(listed, start=1)]
    names = {b.name for b in banks}

    def add(code, name, category, region, province):
        if name in names:  # the same county name in two provinces: say which province
            name = PROVINCE_SHORT[province] + name
        if name not in names and len(banks) < BANK_COUNT:
            names.add(name)
            banks.append(Entry(code, name, K.BANK, category, region))

    rows = divisions()
    # Rural commercial banks of the cities (urban districts) and rural banks / credit cooperatives
    # of the counties: one per division, as the rural credit system is organised.
    seen_cities = set()
    for row in rows:
        code, name, city, province = row["code"], row["name"], row["city"], row["province"]
        if name.endswith("区"):
            city_code = code[:4] + "00" if city else code[:2] + "0000"
            if city_code not in seen_cities:
                seen_cities.add(city_code)
                label = short_name(city) if city else PROVINCE_SHORT[province]
                add(f"BANK-R{city_code}", f"{label}农村商业银行", C.RURAL_COMMERCIAL_BANK, city_code, province)
            continue
        if _h(code, "coop") < 0.25:
            add(f"BANK-C{code}", f"{name}农村信用合作联社", C.CREDIT_COOPERATIVE, code, province)
        else:
            add(
                f"BANK-R{code}",
                f"{PROVINCE_SHORT[province]}{short_name(name)}农村商业银行",
                C.RURAL_COMMERCIAL_BANK,
                code,
                province,
            )
    # Village banks fill the rest, sponsored by a bank from elsewhere: Ningxia's first, then the
    # other divisions in a fixed pseudo-random order so that the cut-off spares no region wholesale.
    ningxia = [r for r in rows if r["code"].startswith("64")]
    others = sorted((r for r in rows if not r["code"].startswith("64")), key=lambda r: _h(r["code"], "vb"))
    for round_no in (1, 2, 3):
        for row in ningxia + others:
            sponsors = NINGXIA_SPONSORS if row["code"].startswith("64") else VILLAGE_BANK_SPONSORS
            sponsor = sponsors[int(_h(row["code"], "sponsor", str(round_no)) * len(sponsors))]
            prefix = "宁夏" if row["code"].startswith("64") else ""
            name = f"{prefix}{short_name(row['name'])}{sponsor}村镇银行"
            if round_no == 1 and row["code"] in NINGXIA_VILLAGE_BANKS:
                name = NINGXIA_VILLAGE_BANKS[row["code"]]
            add(f"BANK-V{row['code']}{round_no}", name, C.VILLAGE_BANK, row["code"], row["province"])
        if len(banks) >= BANK_COUNT:
            break
    return banks


def _registries() -> list[Entry]:
    out = []
    for region, city in NINGXIA_CITIES:
        out.append(Entry(f"RE-{region}", f"{city}不动产登记中心", K.REAL_ESTATE, C.LOCAL_REGISTRY, region))
        out.append(Entry(f"HPF-{region}", f"{city}住房公积金管理中心", K.PROVIDENT_FUND, C.LOCAL_REGISTRY, region))
    out += [
        Entry("VEH-MPS", "公安部交通管理局（机动车登记）", K.VEHICLE, C.NATIONAL_REGISTRY),
        Entry("SEC-CSDC", "中国证券登记结算有限责任公司", K.SECURITIES, C.NATIONAL_REGISTRY),
        Entry("SHIP-MSA", "中华人民共和国海事局（船舶登记）", K.SHIP, C.NATIONAL_REGISTRY),
        Entry("EQ-SAMR", "国家市场监督管理总局（企业股权登记）", K.EQUITY, C.NATIONAL_REGISTRY),
        Entry("EQ-640000", "宁夏回族自治区市场监督管理厅", K.EQUITY, C.LOCAL_REGISTRY, "640000"),
    ]
    payments = [
        ("PAY-ALIPAY", "支付宝（中国）网络技术有限公司"),
        ("PAY-TENPAY", "财付通支付科技有限公司"),
        ("PAY-CHINAUMS", "银联商务股份有限公司"),
        ("PAY-JD", "网银在线（北京）科技有限公司"),
        ("PAY-LAKALA", "拉卡拉支付股份有限公司"),
        ("PAY-99BILL", "快钱支付清算信息有限公司"),
        ("PAY-DXM", "度小满支付科技有限公司"),
        ("PAY-YEEPAY", "易宝支付有限公司"),
        ("PAY-SUNING", "南京苏宁易付宝网络科技有限公司"),
        ("PAY-PINGAN", "平安付科技服务有限公司"),
    ]
    for code, name in payments:
        big = code in ("PAY-ALIPAY", "PAY-TENPAY")
        out.append(Entry(code, name, K.PAYMENT, C.COMPANY, profile=(150, 48) if big else ()))
    insurers = [
        "中国人寿保险股份有限公司",
        "中国平安人寿保险股份有限公司",
        "中国太平洋人寿保险股份有限公司",
        "新华人寿保险股份有限公司",
        "泰康人寿保险有限责任公司",
        "太平人寿保险有限公司",
        "中国人民人寿保险股份有限公司",
        "阳光人寿保险股份有限公司",
        "富德生命人寿保险股份有限公司",
        "华夏人寿保险股份有限公司",
        "中邮人寿保险股份有限公司",
        "友邦人寿保险有限公司",
        "工银安盛人寿保险有限公司",
        "建信人寿保险股份有限公司",
        "农银人寿保险股份有限公司",
        "招商信诺人寿保险有限公司",
        "百年人寿保险股份有限公司",
        "合众人寿保险股份有限公司",
        "光大永明人寿保险有限公司",
        "中国人民财产保险股份有限公司",
    ]
    out += [Entry(f"INS-{i:02d}", n, K.INSURANCE, C.COMPANY) for i, n in enumerate(insurers, start=1)]
    return out


def build_catalogue() -> list[Entry]:
    """Every institution: exactly BANK_COUNT banks, then the registries, in a fixed order."""
    banks = _banks()
    if len(banks) != BANK_COUNT:
        raise RuntimeError(f"catalogue produced {len(banks)} banks, expected {BANK_COUNT}")
    return banks + _registries()
