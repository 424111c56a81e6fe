"""The 36 items of SF-36 v1 / RAND-36 1.0, in the standard order, with the v1 raw codes.

Raw codes are the numbers printed on the standard English v1 form (sf36.md §1). Labels are short
and project-written; the English follows the RAND 36-Item Health Survey 1.0 wording, which RAND
places in the public domain (credit line in ``scoring.sf36.LICENCE``). Licensed SF-36 wording is
never shipped here; a site pack may supply it.
"""

from __future__ import annotations

from scoring.model import QUESTIONNAIRE_MISSING, Choice, Item, ItemType


def _choices(*labels: tuple[str, str]) -> tuple[Choice, ...]:
    """Codes 1, 2, 3, … in the order the labels are given (the v1 form's order)."""
    return tuple(Choice(code, en, zh) for code, (en, zh) in enumerate(labels, start=1))


# Response sets, codes as printed on the v1 form (sf36.md §1).
RATING = _choices(
    ("Excellent", "极好"),
    ("Very good", "很好"),
    ("Good", "好"),
    ("Fair", "一般"),
    ("Poor", "差"),
)
TRANSITION = _choices(
    ("Much better now than one year ago", "比一年前好多了"),
    ("Somewhat better now than one year ago", "比一年前好一些"),
    ("About the same", "跟一年前差不多"),
    ("Somewhat worse now than one year ago", "比一年前差一些"),
    ("Much worse now than one year ago", "比一年前差多了"),
)
LIMITED = _choices(
    ("Yes, limited a lot", "有很大限制"),
    ("Yes, limited a little", "有一点限制"),
    ("No, not limited at all", "毫无限制"),
)
YES_NO = _choices(("Yes", "是"), ("No", "否"))
EXTENT = _choices(
    ("Not at all", "完全没有"),
    ("Slightly", "有一点"),
    ("Moderately", "中等"),
    ("Quite a bit", "相当多"),
    ("Extremely", "非常多"),
)
PAIN = _choices(
    ("None", "完全没有"),
    ("Very mild", "很轻微"),
    ("Mild", "轻微"),
    ("Moderate", "中度"),
    ("Severe", "严重"),
    ("Very severe", "很严重"),
)
PAIN_INTERFERENCE = _choices(
    ("Not at all", "完全没有"),
    ("A little bit", "有一点"),
    ("Moderately", "中等"),
    ("Quite a bit", "相当多"),
    ("Extremely", "非常多"),
)
TIME6 = _choices(
    ("All of the time", "所有的时间"),
    ("Most of the time", "大部分时间"),
    ("A good bit of the time", "比较多时间"),
    ("Some of the time", "一部分时间"),
    ("A little of the time", "小部分时间"),
    ("None of the time", "没有这种感觉"),
)
TIME5 = _choices(
    ("All of the time", "所有的时间"),
    ("Most of the time", "大部分时间"),
    ("Some of the time", "一部分时间"),
    ("A little of the time", "小部分时间"),
    ("None of the time", "没有"),
)
TRUE_FALSE = _choices(
    ("Definitely true", "绝对正确"),
    ("Mostly true", "大部分正确"),
    ("Don't know", "不能肯定"),
    ("Mostly false", "大部分错误"),
    ("Definitely false", "绝对错误"),
)

S_GH = ("Q1 general health", "Q11 general health statements")
S_HT = "Q2 health transition"
S_PF = "Q3 physical functioning"
S_RP = "Q4 role limitations, physical health"
S_RE = "Q5 role limitations, emotional problems"
S_SF6 = "Q6 social functioning"
S_BP7 = "Q7 bodily pain"
S_BP8 = "Q8 pain interference"
S_Q9 = "Q9 energy and feelings"
S_SF10 = "Q10 social activities"

# (form label, section, English label, Chinese label, response set), item 1 … 36.
_ROWS: tuple[tuple[str, str, str, str, tuple[Choice, ...]], ...] = (
    ("Q1", S_GH[0], "In general, your health is", "总体来讲，您的健康状况", RATING),
    ("Q2", S_HT, "Health now compared with one year ago", "与一年前相比的健康状况", TRANSITION),
    (
        "Q3a",
        S_PF,
        "Vigorous activities (running, lifting heavy objects, strenuous sports)",
        "剧烈活动（跑步、举重物、剧烈运动）",
        LIMITED,
    ),
    (
        "Q3b",
        S_PF,
        "Moderate activities (moving a table, vacuuming, bowling, golf)",
        "中等活动（搬桌子、拖地、打太极拳）",
        LIMITED,
    ),
    ("Q3c", S_PF, "Lifting or carrying groceries", "提起或携带日用杂物", LIMITED),
    ("Q3d", S_PF, "Climbing several flights of stairs", "上几层楼梯", LIMITED),
    ("Q3e", S_PF, "Climbing one flight of stairs", "上一层楼梯", LIMITED),
    ("Q3f", S_PF, "Bending, kneeling, or stooping", "弯腰、屈膝、下蹲", LIMITED),
    ("Q3g", S_PF, "Walking more than a mile", "步行1.6公里以上", LIMITED),
    ("Q3h", S_PF, "Walking several blocks", "步行几个街区（数百米）", LIMITED),
    ("Q3i", S_PF, "Walking one block", "步行一个街区（约100米）", LIMITED),
    ("Q3j", S_PF, "Bathing or dressing yourself", "自己洗澡或穿衣", LIMITED),
    (
        "Q4a",
        S_RP,
        "Physical health: cut down time spent on work or other activities",
        "身体原因：减少了工作或其他活动的时间",
        YES_NO,
    ),
    (
        "Q4b",
        S_RP,
        "Physical health: accomplished less than you would like",
        "身体原因：完成的事情比想要做的少",
        YES_NO,
    ),
    (
        "Q4c",
        S_RP,
        "Physical health: limited in the kind of work or other activities",
        "身体原因：可做的工作或活动种类受限",
        YES_NO,
    ),
    (
        "Q4d",
        S_RP,
        "Physical health: difficulty performing work or other activities",
        "身体原因：完成工作或活动有困难（需额外努力）",
        YES_NO,
    ),
    (
        "Q5a",
        S_RE,
        "Emotional problems: cut down time spent on work or other activities",
        "情绪原因：减少了工作或其他活动的时间",
        YES_NO,
    ),
    (
        "Q5b",
        S_RE,
        "Emotional problems: accomplished less than you would like",
        "情绪原因：完成的事情比想要做的少",
        YES_NO,
    ),
    (
        "Q5c",
        S_RE,
        "Emotional problems: did work or activities less carefully than usual",
        "情绪原因：做事不如平时仔细",
        YES_NO,
    ),
    (
        "Q6",
        S_SF6,
        "Extent health or emotional problems interfered with social activities",
        "健康或情绪问题妨碍社交活动的程度",
        EXTENT,
    ),
    ("Q7", S_BP7, "Bodily pain in the past 4 weeks", "过去4周身体疼痛的程度", PAIN),
    (
        "Q8",
        S_BP8,
        "Extent pain interfered with normal work",
        "疼痛妨碍日常工作的程度",
        PAIN_INTERFERENCE,
    ),
    ("Q9a", S_Q9, "Did you feel full of pep?", "您觉得生活充实吗？", TIME6),
    ("Q9b", S_Q9, "Have you been a very nervous person?", "您是一个非常紧张的人吗？", TIME6),
    (
        "Q9c",
        S_Q9,
        "Felt so down in the dumps that nothing could cheer you up?",
        "您情绪非常低落，什么都不能使您高兴吗？",
        TIME6,
    ),
    ("Q9d", S_Q9, "Have you felt calm and peaceful?", "您感到心里平静吗？", TIME6),
    ("Q9e", S_Q9, "Did you have a lot of energy?", "您精力充沛吗？", TIME6),
    ("Q9f", S_Q9, "Have you felt downhearted and blue?", "您感到闷闷不乐、沮丧吗？", TIME6),
    ("Q9g", S_Q9, "Did you feel worn out?", "您觉得筋疲力尽吗？", TIME6),
    ("Q9h", S_Q9, "Have you been a happy person?", "您是个快乐的人吗？", TIME6),
    ("Q9i", S_Q9, "Did you feel tired?", "您感到疲倦吗？", TIME6),
    (
        "Q10",
        S_SF10,
        "How much of the time health or emotional problems interfered socially",
        "健康或情绪问题妨碍社交活动的时间",
        TIME5,
    ),
    (
        "Q11a",
        S_GH[1],
        "I seem to get sick a little easier than other people",
        "我好像比别人容易生病",
        TRUE_FALSE,
    ),
    ("Q11b", S_GH[1], "I am as healthy as anybody I know", "我跟我认识的人一样健康", TRUE_FALSE),
    ("Q11c", S_GH[1], "I expect my health to get worse", "我认为我的健康状况会变坏", TRUE_FALSE),
    ("Q11d", S_GH[1], "My health is excellent", "我的健康状况非常好", TRUE_FALSE),
)


def item_name(number: int) -> str:
    """Codebook name of item ``number`` (1 … 36), e.g. ``sf36_07``."""
    return f"sf36_{number:02d}"


# Chinese section headings (project-written, like the item labels above).
SECTION_ZH: dict[str, str] = {
    "Q1 general health": "Q1 总体健康",
    "Q2 health transition": "Q2 健康变化",
    "Q3 physical functioning": "Q3 生理功能",
    "Q4 role limitations, physical health": "Q4 生理问题导致的角色受限",
    "Q5 role limitations, emotional problems": "Q5 情绪问题导致的角色受限",
    "Q6 social functioning": "Q6 社会功能",
    "Q7 bodily pain": "Q7 躯体疼痛",
    "Q8 pain interference": "Q8 疼痛对工作的影响",
    "Q9 energy and feelings": "Q9 精力与情绪",
    "Q10 social activities": "Q10 社会活动",
    "Q11 general health statements": "Q11 对健康的看法",
}

ITEMS: tuple[Item, ...] = tuple(
    Item(
        name=item_name(n),
        en=en,
        zh=zh,
        type=ItemType.CODED,
        choices=choices,
        missing=QUESTIONNAIRE_MISSING,
        section=section,
        section_zh=SECTION_ZH[section],
        form_label=form,
    )
    for n, (form, section, en, zh, choices) in enumerate(_ROWS, start=1)
)
assert len(ITEMS) == 36
