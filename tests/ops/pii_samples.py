"""Valid personal numbers made with the real checksums, so the tests never hold real ones."""

from __future__ import annotations

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_card(first17: str = "44010619880512003") -> str:
    """An 18-digit resident ID number with a correct GB 11643 check character."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def bank_card(prefix: str = "622202123456789012") -> str:
    """A UnionPay-style card number with a correct Luhn check digit."""
    total = 0
    for i, ch in enumerate(reversed(prefix)):
        d = int(ch)
        if i % 2 == 0:  # doubled: these become the odd positions once the check digit is added
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return prefix + str((10 - total % 10) % 10)


ID = id_card()
ID_X = id_card("11010519491231002")  # check character X
BANK = bank_card()
MOBILE = "13912345678"
NAME = "王小明"

# Each query carries one secret; together they cover every kind the mask knows.
PII_QUERIES = [
    f"我的身份证号{ID}怎么补办",
    f"身份证 {ID_X} 过期了",
    f"手机{MOBILE}收不到验证码",
    f"银行卡{BANK}社保扣款",
    f"我叫{NAME}，想办护照",
    f"姓名：{NAME} 公积金提取",
]
SECRETS = [ID, ID_X, MOBILE, BANK, NAME]
