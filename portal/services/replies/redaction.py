"""Finding and masking personal data in Chinese text before publication: names, phones, IDs, emails, addresses."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from portal.models import FeedbackContact
from portal.services.common import privacy

NAME, MOBILE, LANDLINE, ID_CARD, EMAIL, ADDRESS = "name", "mobile", "landline", "id_card", "email", "address"
KINDS = (NAME, MOBILE, LANDLINE, ID_CARD, EMAIL, ADDRESS)
#: kind → its name in messages

#: common surnames; a title or 某 after one of them names a person (张先生, 李女士, 王某某)
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
            "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
            "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕"
            "单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚"
            "娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池"
            "查麻苑迟邝")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
                     "夏侯", "令狐")
_SURNAME = f"(?:{'|'.join(COMPOUND_SURNAMES)}|[{SURNAMES}])"
_TITLED = re.compile(f"{_SURNAME}(?:先生|女士|小姐|同志|师傅|老师|阿姨|大爷)")
#: 王某某, 李某: not 关于某单位, 对于某某问题, 向某部门
_SOMEONE = re.compile(f"(?<![关对由属等至鉴基])(?:{_SURNAME})某某?(?![单部地处些种项次方类件个人位时天年月日])")
_HAN = "[\u4e00-\u9fff]"
#: who someone is in a reply, by a role that only a person has: 经办人王小明, 联系人：李明, 局长周建华
_ROLES = ("经办人|负责人|联系人|承办人|举报人|反映人|来信人|来访人|信访人|当事人|申请人|投诉人|户主|书记|主任|局长|"
          "科长|处长|部长|站长|所长|队长|组长|经理|厂长|校长|院长|医生|律师|会计")
#: what someone does: 由刘建国负责, 村民张大山反映, 王小明同志
_ACTS = "负责|牵头|办理|承办|核实|处理|答复|联系|跟进|督办|签收|接待|反映|表示|来信|来电|举报|投诉|同志|先生|女士"
#: a name ends where a word that is not part of it starts
_NAME_END = f"(?=[^\u4e00-\u9fff]|$|{_ACTS}|电话|手机|等|和|与|及|的|在|已|将|对|于|称|说)"
_ROLE_NAME = re.compile(f"(?:{_ROLES})[:：]?(?P<name>{_SURNAME}{_HAN}{{1,2}}?){_NAME_END}")
#: a group (村民, 职工) or an assignment (由, 请) before a name, an act after it: 职工关心的 is no name
_ACTING_NAME = re.compile(f"(?:交由|由|请|派|安排|委托|指定|村民|居民|职工|群众|工作人员|网格员)"
                          f"(?P<name>{_SURNAME}{_HAN}{{1,2}}?)(?={_ACTS})")
#: a full name before a title: 王小明同志 (全体同志 is everyone, not a name)
_TITLED_NAME = re.compile(f"(?P<name>{_SURNAME}{_HAN}{{1,2}}?)(?=同志|先生|女士)")
_NOT_NAMES = ("全体", "全部", "广大", "各位", "党员", "老同")
#: how the ledger's departments, places and posts end (高新区, 林业局, 党组, 单位, 任组长): never a given name
_INSTITUTION_ENDS = tuple("区县市省州盟旗镇乡村街路巷局委办厅处科部院所站队组会校室司行社厂场馆团位长员") + ("中心",)
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx]"
                      r"(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9+])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])(?:0\d{2,3}[- ]?|[(（]0\d{2,3}[)）] ?)[2-9]\d{6,7}(?![0-9])")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
#: characters that end a place name going leftwards: 家住兰州市… starts at 兰
_STOP = "在住于到从向的是我你他她们和与及以为对了也都就把被将由经请址称说有至寄往送"
_PLACE = f"(?:(?![{_STOP}])[\u4e00-\u9fff])"
_ADDRESS = re.compile(
    f"(?:{_PLACE}{{2,7}}?省)?(?:{_PLACE}{{2,7}}?[市州盟])?(?:{_PLACE}{{1,7}}?[区县旗])?"
    f"(?:{_PLACE}|[0-9]){{1,12}}?(?:大街|大道|胡同|路|街|巷|道)[0-9一二三四五六七八九十百零〇]+号"
    r"(?:[0-9A-Za-z]+(?:号楼|栋|幢|单元|层|室|楼))*")
PATTERNS = ((ID_CARD, _ID_CARD), (EMAIL, _EMAIL), (MOBILE, _MOBILE), (LANDLINE, _LANDLINE), (ADDRESS, _ADDRESS),
            (NAME, _TITLED), (NAME, _SOMEONE))
#: full-width digits, letters and signs read as ASCII, one character for one, so offsets stay valid
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_CONTACT_KINDS = {"name": NAME, "phone": MOBILE, "email": EMAIL, "address": ADDRESS}


@dataclass(frozen=True)
class Span:
    """A stretch of the original text that holds personal data, and what it becomes."""

    start: int
    end: int
    kind: str
    original: str
    replacement: str


@dataclass(frozen=True)
class Redaction:
    """The masked text and the spans of the original that were masked."""

    original: str
    text: str
    spans: tuple[Span, ...]

    def segments(self) -> Iterator[tuple[str, Span | None]]:
        """The original in pieces: plain text with None, masked stretches with their span (for highlighting)."""
        position = 0
        for span in self.spans:
            if span.start > position:
                yield self.original[position:span.start], None
            yield span.original, span
            position = span.end
        if position < len(self.original):
            yield self.original[position:], None

    def counts(self) -> dict[str, int]:
        """How many spans of each kind, in KINDS order, kinds with none left out."""
        found = [span.kind for span in self.spans]
        return {kind: found.count(kind) for kind in KINDS if kind in found}


def mask_id_card(value: str) -> str:
    """62*************23X: the privacy module's style for long numbers."""
    return f"{value[:2]}{'*' * (len(value) - 5)}{value[-3:]}"


def mask(kind: str, value: str) -> str:
    """Mask one value of a kind, through portal.services.common.privacy wherever it has the function."""
    if kind == NAME:
        return privacy.mask_name(value)
    if kind in (MOBILE, LANDLINE):
        return privacy.mask_phone(value) or "*" * len(value)
    if kind == EMAIL:
        return privacy.mask_email(value)
    if kind == ID_CARD:
        return mask_id_card(value)
    return privacy.mask_address(value)


def _contact_matches(text: str, contact: FeedbackContact | None) -> Iterator[tuple[int, int, str]]:
    """Every place the submitter's own name, phone, email or address appears, exactly as they gave it."""
    if contact is None:
        return
    folded = text.casefold()
    for field, kind in _CONTACT_KINDS.items():
        value = (getattr(contact, field) or "").strip()
        if len(value) < 2:
            continue
        if kind == MOBILE and not re.fullmatch(r"1\d{10}", re.sub(r"\D", "", value)):
            kind = LANDLINE
        for match in re.finditer(re.escape(value.casefold()), folded):
            yield match.start(), match.end(), kind


def _person_matches(text: str) -> Iterator[tuple[int, int, str]]:
    """Anyone's name where a role or an act shows it is a person (经办人王小明, 由刘建国负责), not a department
    or a place of the ledger (由高新区负责, 党组书记)."""
    for pattern in (_ROLE_NAME, _ACTING_NAME, _TITLED_NAME):
        for match in pattern.finditer(text):
            name = match.group("name")
            if not name.endswith(_INSTITUTION_ENDS) and name not in _NOT_NAMES:
                yield match.start("name"), match.end("name"), NAME


def find(text: str, contact: FeedbackContact | None = None) -> tuple[Span, ...]:
    """The personal data in text: the contact's own values, anyone's name and the patterns; overlapping finds are
    merged."""
    folded = text.translate(_HALF_WIDTH)
    found = [*_contact_matches(folded, contact), *_person_matches(folded)]
    for kind, pattern in PATTERNS:
        found.extend((m.start(), m.end(), kind) for m in pattern.finditer(folded))
    merged: list[list] = []
    for start, end, kind in sorted(found, key=lambda f: (f[0], f[0] - f[1])):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            continue
        merged.append([start, end, kind])
    return tuple(Span(start, end, kind, text[start:end], mask(kind, folded[start:end])) for start, end, kind in merged)


def redact(text: str, contact: FeedbackContact | None = None) -> Redaction:
    """text with every span found masked in the privacy module's style."""
    spans = find(text, contact)
    pieces, position = [], 0
    for span in spans:
        pieces += [text[position:span.start], span.replacement]
        position = span.end
    pieces.append(text[position:])
    return Redaction(text, "".join(pieces), spans)


def contact_leaks(text: str, contact: FeedbackContact | None) -> list[str]:
    """The kinds of the submitter's own data (exact values) still present in text."""
    folded = text.translate(_HALF_WIDTH)
    return sorted({kind for _, _, kind in _contact_matches(folded, contact)}, key=KINDS.index)
