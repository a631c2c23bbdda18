"""Ethnic groups and personal names as they are printed on the card."""

from __future__ import annotations

import random

# GB 3304 order; the card prints the group without the trailing 族.
NATIONS: tuple[str, ...] = (
    "汉", "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依",
    "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼", "哈萨克", "傣",
    "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西",
    "景颇", "柯尔克孜", "土", "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南",
    "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克", "俄罗斯", "鄂温克",
    "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴",
    "珞巴", "基诺",
)  # fmt: skip
assert len(NATIONS) == 56

# Groups whose names are transliterated as "given·father" (Turkic, Tajik, Russian).
DOT_NAME_NATIONS = frozenset(
    {"维吾尔", "哈萨克", "柯尔克孜", "乌孜别克", "塔吉克", "塔塔尔", "俄罗斯"}
)
TIBETAN_NAME_NATIONS = frozenset({"藏", "门巴", "珞巴"})
# Where most members of a group live, so region code and nation look plausible together.
HOME_PROVINCE = {
    "维吾尔": "65", "哈萨克": "65", "柯尔克孜": "65", "乌孜别克": "65", "塔吉克": "65",
    "塔塔尔": "65", "锡伯": "65", "俄罗斯": "65", "藏": "54", "门巴": "54", "珞巴": "54",
    "蒙古": "15", "壮": "45", "朝鲜": "22", "回": "64", "彝": "51", "苗": "52", "傣": "53",
    "黎": "46", "土家": "43", "撒拉": "63", "东乡": "62", "鄂伦春": "23", "赫哲": "23",
}  # fmt: skip

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤"
)
_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "东方",
    "皇甫",
    "慕容",
    "令狐",
    "司徒",
    "尉迟",
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红建国文辉鹏飞宇浩然子涵欣怡梓轩"
    "雨晨思远嘉琪晓峰志强海燕春梅秋菊冬雪立新卫东淑珍凤琴德胜永福家豪俊熙佳慧婷诗琪博文"
)
_DOT_GIVEN = (
    "买买提", "艾力", "阿依古丽", "古丽娜尔", "热依拉", "努尔兰", "阿不都热合曼", "迪丽娜尔",
    "吐尔洪", "帕提古丽", "叶尔兰", "哈力木拉提", "米娜", "阿斯哈尔", "伊力哈木", "再努尔",
)  # fmt: skip
_DOT_FATHER = (
    "吐尔逊", "艾力", "买买提", "阿不都拉", "热合曼", "哈斯木", "努尔", "赛买提", "托合提",
    "巴拉提", "加帕尔", "库尔班", "阿合买提", "沙比尔",
)  # fmt: skip
_TIBETAN = ("扎西", "次仁", "卓玛", "顿珠", "平措", "央金", "多吉", "拉姆", "格桑", "旺堆", "德吉")
_MONGOL = ("巴特尔", "其木格", "乌兰", "苏和", "那日苏", "斯琴", "额尔敦", "萨仁", "宝音", "图雅")


def random_name(rng: random.Random, nation: str) -> str:
    """A plausible name for the group: 2-4 Han characters, or a transliterated one."""
    if nation in DOT_NAME_NATIONS and rng.random() < 0.8:
        return f"{rng.choice(_DOT_GIVEN)}·{rng.choice(_DOT_FATHER)}"
    if nation in TIBETAN_NAME_NATIONS and rng.random() < 0.8:
        # Tibetans usually have no surname: two two-syllable elements.
        first, second = rng.sample(_TIBETAN, 2)
        return first + second
    if nation == "蒙古" and rng.random() < 0.5:
        return rng.choice(_MONGOL)
    compound = rng.random() < 0.08
    surname = rng.choice(_COMPOUND_SURNAMES) if compound else rng.choice(_SURNAMES)
    # Compound surnames keep the whole name at 3-4 characters; single ones give 2-3.
    given_len = rng.choice((1, 2)) if compound else rng.choices((1, 2), weights=(3, 7))[0]
    return surname + "".join(rng.choice(_GIVEN) for _ in range(given_len))
