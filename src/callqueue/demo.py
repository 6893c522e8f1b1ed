"""Demo data: a believable project to try callqueue on without any real owner's data.

Why: collectors, leaders and reviewers need a queue that is alive (overdue households, open
promises, callbacks due, complaints to report back on, debts near the three-year limitation)
whenever they open the demo, and the plan screens need the figures of the source plan. So
everything is dated relative to `today`, and the arrears at plan start are exactly the
source's 152,700.00 yuan of electricity and 159,700.00 yuan of property fee (scaled by
`households / 360` for other sizes).

The project: buildings 6, 7 and 8 (then 9, 10, …), 2 units x 15 floors x 4 rooms each.
Buildings 6, 7 and 8 have a team each; further buildings are grouped three to a team. Staff
codes are pinyin handles and do not depend on the seed:

- `manager` (郑经理) is the manager (`DEMO_MANAGER`);
- `wangfang` (王芳) leads team 6栋组 (`DEMO_LEADER`);
- `lina` (李娜) is a collector of team 6栋组 (`DEMO_COLLECTOR`).

The billing export holds, per household, monthly property and electricity lines (and
parking for some) for the six months before plan start and for plan start up to next month,
plus the older property lines that chronic defaulters never paid (about 35-38 months old,
around their limitation deadline). The export's `paid_billing` fixes the arrears at plan
start; money collected in callqueue since then is `paid_pending` with its allocations, so no
payment is dated before plan start. The history (contacts, promises, payments, complaints)
covers the 60 days up to `today`.

Every row is made in memory first, with explicit ids, then written with Core bulk inserts in
one transaction: 50,000 households is about a million charge lines.

The same seed and the same `today` give the same database, row for row.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Date, bindparam, insert, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from callqueue.clock import (
    CST,
    add_months,
    add_years,
    month_end,
    month_from_ordinal,
    month_key,
    month_ordinal,
    month_start,
)
from callqueue.household_key import make_key
from callqueue.ledger.allocation import OpenCharge, allocate_oldest_first
from callqueue.money import CENT, ZERO, from_fen, yuan
from callqueue.store.database import Store
from callqueue.store.models import (
    REACHED_OUTCOMES,
    Building,
    ChargeLine,
    CollectionPlan,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    ComplaintUpdate,
    Contact,
    ContactChannel,
    ContactOutcome,
    Household,
    LetterKind,
    PaymentAllocation,
    PaymentChannel,
    Person,
    PersonRole,
    Phone,
    PhoneKind,
    PlanBaseline,
    PlanTarget,
    Promise,
    PromiseStatus,
    Role,
    Staff,
    Team,
)
from callqueue.store.models import Payment as PaymentRow

DEFAULT_HOUSEHOLDS = 360
SOURCE_ARREARS = {"electricity": Decimal("152700.00"), "property": Decimal("159700.00")}
# The source plan, as typed (amounts per month; rates are the typed cumulative rates in %):
SOURCE_PLAN = (  # (month offset from plan start, fee_type, amount, typed cumulative rate)
    (0, "electricity", Decimal("35000.00"), Decimal("22.92")),
    (1, "electricity", Decimal("45000.00"), Decimal("58.93")),
    (2, "electricity", Decimal("60000.00"), Decimal("90.00")),
    (0, "property", Decimal("25000.00"), Decimal("15.65")),
    (1, "property", Decimal("45000.00"), Decimal("43.83")),
    (2, "property", Decimal("75000.00"), Decimal("90.00")),
)

DEMO_MANAGER = "manager"
DEMO_LEADER = "wangfang"
DEMO_COLLECTOR = "lina"

PROPERTY = "property"
ELECTRICITY = "electricity"
PARKING = "parking"
MONTHLY_FEES = (PROPERTY, ELECTRICITY)

UNITS = 2
FLOORS = 15
ROOMS_PER_FLOOR = 4
HOUSEHOLDS_PER_BUILDING = UNITS * FLOORS * ROOMS_PER_FLOOR
FIRST_BUILDING = 6
OWN_TEAM_BUILDINGS = 3  # buildings 6, 7 and 8 have a team each; later ones share, three a team
BUILDINGS_PER_SHARED_TEAM = 3
PROPERTY_RATE = Decimal("2.80")  # yuan per m² per month
MONTHS_BEFORE_PLAN = 6
DEMAND_DEADLINE_DAYS = 15  # the 合理期限 a written demand gives (policy default)
PAID_HISTORY_MONTHS = 2  # paid lines older than this before plan start are not exported
PLAN_MONTHS = 3
HISTORY_DAYS = 60
LIMITATION_YEARS = 3

ARREARS_SHARE = 0.36  # households with arrears at plan start
CHRONIC_SHARE = 0.05
NEW_OWNER_SHARE = 0.03
LATE_PAYER_SHARE = 0.08  # of the others: last month's bill still unpaid
REMINDED_SHARE = 0.6  # of households without arrears: got an SMS before the due date
COMPLAINT_SHARE = 0.06  # of households in arrears at plan start
BROKEN_SHARE = 0.4

MANAGER_NAME = "郑经理"
STAFF_NAMES = (
    ("王芳", "wangfang"), ("李娜", "lina"), ("张伟", "zhangwei"), ("刘洋", "liuyang"),
    ("陈静", "chenjing"), ("赵磊", "zhaolei"), ("周敏", "zhoumin"), ("吴强", "wuqiang"),
    ("黄丽", "huangli"), ("孙杰", "sunjie"), ("杨帆", "yangfan"), ("徐明", "xuming"),
    ("朱婷", "zhuting"), ("马超", "machao"), ("胡军", "hujun"), ("郭丹", "guodan"),
    ("何平", "heping"), ("高峰", "gaofeng"), ("林琳", "linlin"), ("罗刚", "luogang"),
    ("梁燕", "liangyan"), ("宋佳", "songjia"), ("唐亮", "tangliang"), ("许晴", "xuqing"),
    ("韩冰", "hanbing"), ("冯涛", "fengtao"), ("邓洁", "dengjie"), ("曹阳", "caoyang"),
    ("彭辉", "penghui"), ("曾琴", "zengqin"), ("肖勇", "xiaoyong"), ("田甜", "tiantian"),
    ("董浩", "donghao"), ("袁媛", "yuanyuan"), ("潘峰", "panfeng"), ("蒋红", "jianghong"),
    ("蔡雯", "caiwen"), ("余鹏", "yupeng"), ("杜娟", "dujuan"), ("叶青", "yeqing"),
)  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤"
)
# Per mille of the population, roughly, for the most common surnames; the rest share 3 each.
_TOP_SURNAME_WEIGHTS = (71, 70, 67, 54, 45, 31, 22, 20, 19, 19, 14, 13, 12, 11, 11, 11, 10, 10, 10)
SURNAME_CUM_WEIGHTS: tuple[int, ...] = tuple(
    sum((_TOP_SURNAME_WEIGHTS + (3,) * len(SURNAMES))[: i + 1]) for i in range(len(SURNAMES))
)
GIVEN_NAME_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚英华玉兰萍红建文辉力斌宇浩凯鹏飞欣怡涵轩雨晨"
    "思博俊峰海波琳晶雪梅琴云莉丹志国庆新春燕亮瑞嘉佳秀桂荣淑珍立成德永昌"
)
MINORITY_NAMES = (
    "阿依古丽·买买提", "艾力·吐尔逊", "迪丽娜尔·阿不都", "古丽米拉·艾买提", "买买提·艾山",
    "热依拉·托乎提", "努尔兰·哈力克", "巴特尔·孟和", "其其格·巴图", "扎西·次仁",
)  # fmt: skip
MOBILE_PREFIXES = (
    *range(130, 140), 150, 151, 152, 153, *range(155, 160), 166, *range(170, 179),
    *range(180, 190), 191, 198, 199,
)  # fmt: skip

REASONS = {  # nonpayment reasons, by the fee types a household withholds
    ELECTRICITY: ("认为电费计量有误", "经济困难", "长期在外地"),
    PROPERTY: ("对保洁服务不满", "房屋漏水未修", "对停车管理有意见", "经济困难"),
    "both": ("经济困难", "长期在外地", "对保洁服务不满", "房屋漏水未修", "对物业服务整体不满"),
}
DISPUTING_REASONS = ("认为电费计量有误", "对保洁服务不满", "房屋漏水未修", "对停车管理有意见")
REASON_CATEGORY = {
    "对保洁服务不满": ComplaintCategory.CLEANING,
    "房屋漏水未修": ComplaintCategory.FACILITIES,
    "对停车管理有意见": ComplaintCategory.PARKING,
    "对物业服务整体不满": ComplaintCategory.SERVICE,
}

CO = ContactOutcome
NOTES: dict[str, tuple[str, ...]] = {
    CO.NO_ANSWER: ("无人接听", "响铃无人接"),
    CO.BUSY: ("占线",),
    CO.SWITCHED_OFF: ("关机",),
    CO.WRONG_NUMBER: ("号码有误，非业主本人", "空号"),
    CO.NOT_HOME: ("敲门无人应答，已在门上贴缴费通知", "家中无人"),
    CO.WILL_PAY: ("业主表示月底前缴清", "业主同意缴费，时间未定", "答应近期到服务中心缴费"),
    CO.PROMISE: ("业主承诺{date}前缴清", "约定{date}上门收取", "业主同意{date}前微信缴费"),
    CO.REFUSED: ("业主拒绝缴费，态度强硬", "称对物业服务不满，拒缴"),
    CO.DISPUTE: ("对电费有异议，要求核对电表", "认为物业费面积算错了", "对保洁不满，要求先整改"),
    CO.CALLBACK: ("业主在开会，约好再联系", "业主在外地，下周回来", "业主在忙，晚点回电"),
    CO.SAYS_PAID: ("业主称已通过微信缴费，需核对", "称已银行转账，待财务核实"),
    CO.HARDSHIP: ("业主经济困难，申请分期", "业主失业在家，希望宽限"),
    CO.PAID_ON_SPOT: ("上门收取，已开收据", "现场扫码缴费"),
    CO.DELIVERED: ("催收函已签收", "短信已送达"),
    CO.SENT: ("缴费提醒短信已发送",),
}  # fmt: skip

Weights = tuple[tuple[str, int], ...]
CALL_OUTCOMES: Weights = (
    (CO.NO_ANSWER, 28), (CO.BUSY, 8), (CO.SWITCHED_OFF, 6), (CO.WILL_PAY, 12), (CO.PROMISE, 14),
    (CO.REFUSED, 6), (CO.DISPUTE, 5), (CO.CALLBACK, 9), (CO.SAYS_PAID, 3), (CO.HARDSHIP, 3),
)  # fmt: skip
VISIT_OUTCOMES: Weights = (
    (CO.NOT_HOME, 30), (CO.WILL_PAY, 12), (CO.PROMISE, 18), (CO.PAID_ON_SPOT, 12), (CO.REFUSED, 8),
    (CO.DISPUTE, 8), (CO.HARDSHIP, 5), (CO.CALLBACK, 3), (CO.SAYS_PAID, 4),
)  # fmt: skip
SMS_OUTCOMES: Weights = ((CO.SENT, 85), (CO.DELIVERED, 15))
UNREACHED_CALL_OUTCOMES: Weights = ((CO.NO_ANSWER, 3), (CO.BUSY, 1))
UNREACHED_VISIT_OUTCOMES: Weights = ((CO.NOT_HOME, 1),)

CALL_HOURS = ((dt.time(10), dt.time(12)), (dt.time(15), dt.time(18)))
VISIT_HOURS = ((dt.time(9), dt.time(12)), (dt.time(14), dt.time(20)))
OFFICE_HOURS = ((dt.time(9), dt.time(11, 30)), (dt.time(14), dt.time(17, 30)))
PAYMENT_HOURS = ((dt.time(8, 30), dt.time(21)),)

PAYMENT_CHANNELS: tuple[str, ...] = (
    PaymentChannel.WECHAT, PaymentChannel.ALIPAY, PaymentChannel.CASH, PaymentChannel.POS,
    PaymentChannel.BANK_TRANSFER,
)  # fmt: skip
PAYMENT_CHANNEL_WEIGHTS = (35, 20, 15, 15, 15)
ON_SPOT_CHANNELS = (PaymentChannel.CASH, PaymentChannel.WECHAT, PaymentChannel.ALIPAY)
PARKING_FEES = (Decimal("300.00"), Decimal("150.00"))  # a fixed space; a quarter rent a smaller one
ROUND_PAYMENTS = tuple(Decimal(n) for n in (200, 300, 500, 800, 1000, 1500, 2000, 3000, 5000))

CC = ComplaintCategory
COMPLAINTS: dict[str, tuple[str, ...]] = {
    CC.SERVICE: ("报修后一直无人跟进", "客服电话总是打不通"),
    CC.CLEANING: ("楼道卫生长期无人打扫", "垃圾清运不及时，有异味"),
    CC.SECURITY: ("门禁形同虚设，外来人员随意进出", "电动车被盗，要求调监控"),
    CC.GREENING: ("楼下绿化带杂草丛生", "树木遮挡采光，要求修剪"),
    CC.FACILITIES: ("电梯经常故障停运", "楼顶漏水，家中墙面发霉", "楼道灯坏了一个月未修"),
    CC.PARKING: ("车位经常被外来车辆占用", "地库积水无人处理"),
    CC.NOISE: ("楼上装修噪音扰民", "邻居养狗夜间吠叫"),
    CC.OUTSIDE_DUTY: ("小区外马路施工噪音大", "燃气公司抄表有误"),
}  # fmt: skip
COMPLAINT_PROGRESS = ("已派工程部查看", "已联系保洁主管整改", "已约定上门查看", "已报公司协调")
COMPLAINT_RESOLVED = "已处理完毕，待回复业主"
COMPLAINT_CLOSED = ("已电话告知业主处理结果，业主表示满意", "已上门回访，业主认可处理结果")
RESOLUTIONS = {
    CC.SERVICE: "已安排专人跟进报修，维修完成",
    CC.CLEANING: "已加派保洁，楼道每日清扫两次",
    CC.SECURITY: "已加强门岗登记，监控录像已交派出所",
    CC.GREENING: "已安排园林工修剪清理",
    CC.FACILITIES: "已完成维修并复查",
    CC.PARKING: "已张贴告示并加强车位巡查",
    CC.NOISE: "已上门协调，约定施工和作息时间",
    CC.OUTSIDE_DUTY: "已解释不属物业职责，并提供相关单位联系电话",
}
COMPLAINT_STATUSES = (
    ComplaintStatus.OPEN, ComplaintStatus.IN_PROGRESS, ComplaintStatus.RESOLVED,
    ComplaintStatus.CLOSED,
)  # fmt: skip

Row = dict[str, Any]
TABLES: tuple[type[SQLModel], ...] = (  # the demo's tables, in an order foreign keys accept
    Team, Staff, Building, Household, Person, Phone, ChargeLine, Contact, Promise, PaymentRow,
    PaymentAllocation, Complaint, ComplaintUpdate, CollectionPlan, PlanBaseline, PlanTarget,
)  # fmt: skip
ProgressFn = Callable[[str], None]


@dataclass(frozen=True)
class DemoSummary:
    """What `fill_demo` made."""

    households: int
    buildings: int
    teams: int
    staff: int
    charge_lines: int
    contacts: int
    promises: int
    payments: int
    complaints: int
    plan_start: str  # YYYY-MM
    arrears_at_plan_start: dict[str, Decimal]  # fee type -> exact amount


def plan_name(start_month: int) -> str:
    """`2026年第四季度物业费电费催收计划`, or the months when the plan is not a quarter.

    `start_month` is a month ordinal (`clock.month_ordinal`)."""
    start = month_from_ordinal(start_month)
    if start.month % 3 == 1:
        return f"{start.year}年第{'一二三四'[start.month // 3]}季度物业费电费催收计划"
    end = add_months(start, PLAN_MONTHS - 1)
    return f"{start.year}年{start.month}月至{end.year}年{end.month}月物业费电费催收计划"


def scaled_arrears(households: int) -> dict[str, Decimal]:
    """The arrears at plan start for a demo of `households`: the source's, scaled, to the fen."""
    return {
        fee: (amount * households / DEFAULT_HOUSEHOLDS).quantize(CENT, ROUND_HALF_UP)
        for fee, amount in SOURCE_ARREARS.items()
    }


def scaled_plan_amount(amount: Decimal, households: int) -> Decimal:
    """A monthly plan amount scaled to `households`, to the whole yuan."""
    return yuan((amount * households / DEFAULT_HOUSEHOLDS).quantize(Decimal(1), ROUND_HALF_UP))


# --- the generator's own records ----------------------------------------------------------


@dataclass(slots=True)
class _Line:
    id: int
    fee: str
    month: dt.date  # its first day
    due: dt.date
    amount: Decimal
    billing: Decimal
    pending: Decimal = ZERO

    @property
    def open(self) -> Decimal:
        return self.amount - self.billing - self.pending


@dataclass(slots=True)
class _Phone:
    number: str
    kind: str
    wrong: bool
    owner: bool


@dataclass(slots=True)
class _Team:
    id: int
    name: str
    leader: int
    collectors: list[int]


@dataclass(slots=True)
class _Home:
    id: int
    team: _Team
    row: Row
    chronic: bool
    new_owner: bool
    elderly: bool
    difficult: bool
    no_phone: bool
    do_not_call: bool
    parking: bool
    near_limit: bool = False  # chronic, limitation deadline within 90 days, never reached
    phones: list[_Phone] = field(default_factory=list)
    lines: list[_Line] = field(default_factory=list)
    old: list[_Line] = field(default_factory=list)  # chronic: property lines ~3 years old
    monthly: dict[str, list[_Line]] = field(default_factory=dict)
    unpaid: dict[str, int] = field(default_factory=dict)  # unpaid months before plan start
    frozen: set[str] = field(default_factory=set)  # fees whose arrears the calibration keeps
    late: bool = False  # owes only for the plan's first month
    reason: str | None = None
    wrong_number_found: bool = False
    contacts: list[Row] = field(default_factory=list)

    @property
    def in_arrears(self) -> bool:
        return any(self.unpaid.values()) or any(line.billing < line.amount for line in self.old)


class _Rows:
    """The rows to insert, per table, with ids counted from 1."""

    def __init__(self) -> None:
        self.by_model: dict[type[SQLModel], list[Row]] = {model: [] for model in TABLES}

    def add(self, model: type[SQLModel], row: Row) -> int:
        rows = self.by_model[model]
        row["id"] = len(rows) + 1
        rows.append(row)
        return len(rows)

    def count(self, model: type[SQLModel]) -> int:
        return len(self.by_model[model])


# --- the generator ------------------------------------------------------------------------


class _Demo:
    """Makes every row of the demo in memory, from one random stream, then writes them."""

    def __init__(self, households: int, seed: int, today: dt.datetime) -> None:
        self.size = households
        self.rng = random.Random(seed)
        self.today = today
        self.today_day = today.date()
        self.plan_month = add_months(month_start(self.today_day), -1)  # held as its first day
        self.plan_start = self.plan_month
        self.history_start = today - dt.timedelta(days=HISTORY_DAYS)
        self.months = [
            add_months(self.plan_month, n) for n in range(-MONTHS_BEFORE_PLAN, PLAN_MONTHS)
        ]
        self.paid_history_start = add_months(self.plan_month, -PAID_HISTORY_MONTHS)
        self.targets = scaled_arrears(households)
        self.rows = _Rows()
        self.teams: list[_Team] = []
        self.homes: list[_Home] = []
        self.lines_total = 0
        self.numbers_used: set[str] = set()
        self.receipts: dict[dt.date, int] = {}

    # -- staff, teams and buildings ----------------------------------------------------------

    def make_staff(self) -> None:
        """The manager, then per team a leader and two or three collectors (seed-independent)."""
        self.rows.add(Staff, _staff_row(DEMO_MANAGER, MANAGER_NAME, Role.MANAGER, None))
        names = _staff_names()
        buildings = self.building_count
        for index, codes in enumerate(_team_buildings(buildings)):
            team_id = self.rows.add(Team, {"name": _team_name(codes)})
            leader_name, leader_code = next(names)
            leader = self.rows.add(
                Staff, _staff_row(leader_code, leader_name, Role.TEAM_LEADER, team_id)
            )
            collectors = []
            for _ in range(3 if index % 2 == 0 else 2):
                name, code = next(names)
                collectors.append(
                    self.rows.add(Staff, _staff_row(code, name, Role.COLLECTOR, team_id))
                )
            self.teams.append(_Team(team_id, _team_name(codes), leader, collectors))
            for number in codes:
                self.rows.add(Building, {"code": str(number), "team_id": team_id})

    @property
    def building_count(self) -> int:
        return -(-self.size // HOUSEHOLDS_PER_BUILDING)

    def team_of_building(self, building_index: int) -> _Team:
        if building_index < OWN_TEAM_BUILDINGS:
            return self.teams[building_index]
        shared = (building_index - OWN_TEAM_BUILDINGS) // BUILDINGS_PER_SHARED_TEAM
        return self.teams[OWN_TEAM_BUILDINGS + shared]

    # -- households, owners and phones -------------------------------------------------------

    def make_households(self) -> None:
        for building_index in range(self.building_count):
            layout = self.floor_plan()
            for unit in range(1, UNITS + 1):
                for floor in range(1, FLOORS + 1):
                    for room in range(1, ROOMS_PER_FLOOR + 1):
                        if len(self.homes) == self.size:
                            return
                        self.make_household(building_index, unit, floor, room, layout)

    def floor_plan(self) -> dict[tuple[int, int], Decimal]:
        """Areas by unit and room position: end flats are larger; every floor is the same."""
        rng = self.rng
        plan = {}
        for unit in range(1, UNITS + 1):
            for room in range(1, ROOMS_PER_FLOOR + 1):
                end_flat = room in (1, ROOMS_PER_FLOOR)
                fen = rng.randint(11000, 16000) if end_flat else rng.randint(6000, 10500)
                plan[unit, room] = from_fen(fen)
        return plan

    def make_household(
        self, building_index: int, unit: int, floor: int, room: int, layout: dict[Any, Decimal]
    ) -> None:
        rng = self.rng
        home_id = len(self.homes) + 1
        building = str(FIRST_BUILDING + building_index)
        room_code = f"{floor}{room:02d}"
        new_owner = rng.random() < NEW_OWNER_SHARE
        moved_in = self.today_day - dt.timedelta(
            days=rng.randint(5, 90) if new_owner else rng.randint(1500, 5500)
        )
        home = _Home(
            id=home_id,
            team=self.team_of_building(building_index),
            row={},
            chronic=False,
            new_owner=new_owner,
            elderly=rng.random() < 0.10,
            difficult=rng.random() < 0.03,
            no_phone=rng.random() < 0.02,
            do_not_call=rng.random() < 0.01,
            parking=rng.random() < 0.15,
        )
        home.row.update(
            key=make_key(building, str(unit), room_code),
            building_id=building_index + 1,
            unit=str(unit),
            room=room_code,
            floor=floor,
            area=layout[unit, room],
            move_in_date=moved_in,
            chronic_defaulter=False,
            difficult=home.difficult,
            elderly=home.elderly,
            no_phone=home.no_phone,
            do_not_call=home.do_not_call,
            nonpayment_reason=None,
            note="新业主，首次缴费前先电话介绍" if new_owner else None,
        )
        self.rows.add(Household, home.row)
        self.homes.append(home)
        self.make_people(home)

    def make_people(self, home: _Home) -> None:
        rng = self.rng
        owner = self.person_name()
        owner_id = self.rows.add(
            Person,
            {"household_id": home.id, "name": owner, "role": PersonRole.OWNER.value,
             "is_primary": True},
        )  # fmt: skip
        if not home.no_phone:
            self.make_phones(home, owner_id, owner=True, mobiles=1 + (rng.random() < 0.3))
        if rng.random() < 0.2:
            role = PersonRole.OCCUPANT if rng.random() < 0.6 else PersonRole.TENANT
            name = self.person_name(owner[0] if role is PersonRole.OCCUPANT else None)
            person_id = self.rows.add(
                Person,
                {"household_id": home.id, "name": name, "role": role.value, "is_primary": False},
            )
            if not home.no_phone and rng.random() < 0.8:
                self.make_phones(home, person_id, owner=False, mobiles=1)

    def person_name(self, surname: str | None = None) -> str:
        rng = self.rng
        if surname is None and rng.random() < 0.01:
            return rng.choice(MINORITY_NAMES)
        if surname is None or surname not in SURNAMES:
            surname = rng.choices(SURNAMES, cum_weights=SURNAME_CUM_WEIGHTS)[0]
        given = "".join(rng.choices(GIVEN_NAME_CHARACTERS, k=1 + (rng.random() < 0.7)))
        return surname + given

    def make_phones(self, home: _Home, person_id: int, *, owner: bool, mobiles: int) -> None:
        rng = self.rng
        numbers = [(self.fresh_number(PhoneKind.MOBILE), PhoneKind.MOBILE) for _ in range(mobiles)]
        if owner and rng.random() < 0.08:
            numbers.append((self.fresh_number(PhoneKind.LANDLINE), PhoneKind.LANDLINE))
        for position, (number, kind) in enumerate(numbers):
            wrong = owner and position == 0 and len(numbers) > 1 and rng.random() < 0.05
            self.rows.add(
                Phone,
                {"person_id": person_id, "number": number, "kind": kind.value,
                 "wrong_number": wrong},
            )  # fmt: skip
            home.phones.append(_Phone(number, kind.value, wrong, owner))

    def fresh_number(self, kind: PhoneKind) -> str:
        rng = self.rng
        while True:
            if kind is PhoneKind.MOBILE:
                number = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
            else:
                number = f"0755-8{rng.randrange(10**7):07d}"
            if number not in self.numbers_used:
                self.numbers_used.add(number)
                return number

    def mark_chronic(self) -> None:
        """About 5% chronic defaulters (钉子户); a third of them near limitation, never reached."""
        candidates = [home for home in self.homes if not home.new_owner]
        count = min(len(candidates), max(1, round(self.size * CHRONIC_SHARE)))
        chosen = sorted(self.rng.sample(candidates, count), key=lambda home: home.id)
        for position, home in enumerate(chosen):
            home.chronic = True
            home.row["chronic_defaulter"] = True
            home.near_limit = position % 3 == 0

    # -- the billing export ------------------------------------------------------------------

    def make_charges(self) -> None:
        """Every household's lines, all paid for now; arrears are carved out afterwards."""
        old_months = self.old_months()
        for home in self.homes:
            if home.chronic:
                for month in self.old_run(home, old_months):
                    line = self.add_line(home, PROPERTY, month, self.property_fee(home))
                    line.billing = ZERO
                    home.old.append(line)
            electricity = self.electricity_bills(home)
            for month in self.months:
                self.add_line(home, PROPERTY, month, self.property_fee(home))
                self.add_line(home, ELECTRICITY, month, electricity[month])
                if home.parking:
                    self.add_line(home, PARKING, month, PARKING_FEES[home.id % 4 == 0])
            home.unpaid = dict.fromkeys(MONTHLY_FEES, 0)
            for line in home.lines:
                if line.due >= self.today_day:
                    line.billing = ZERO  # not due yet

    def add_line(self, home: _Home, fee: str, month: dt.date, amount: Decimal) -> _Line:
        self.lines_total += 1
        line = _Line(self.lines_total, fee, month, month_end(month), amount, amount)
        home.lines.append(line)
        if month >= self.months[0]:
            home.monthly.setdefault(fee, []).append(line)
        return line

    def property_fee(self, home: _Home) -> Decimal:
        return yuan(home.row["area"] * PROPERTY_RATE)

    def electricity_bills(self, home: _Home) -> dict[dt.date, Decimal]:
        """80-450 yuan a month: a household's own level, higher in summer, varying."""
        rng = self.rng
        level = rng.randint(11000, 36000)
        season = (90, 85, 85, 90, 105, 125, 140, 140, 120, 100, 90, 95)
        bills = {}
        for month in self.months:
            fen = level * season[month.month - 1] * rng.randint(85, 115) // 10000
            bills[month] = from_fen(min(45000, max(8000, fen)))
        return bills

    def old_months(self) -> list[dt.date]:
        """Months whose due date lies 3 years minus 120 days to 3 years plus 60 days ago."""
        newest = add_years(self.today_day, -LIMITATION_YEARS) + dt.timedelta(days=120)
        oldest = add_years(self.today_day, -LIMITATION_YEARS) - dt.timedelta(days=60)
        first = add_months(month_start(oldest), -1)
        months = [add_months(first, n) for n in range(9)]
        return [m for m in months if oldest <= month_end(m) <= newest]

    def old_run(self, home: _Home, old_months: list[dt.date]) -> list[dt.date]:
        """Two to five consecutive old months; near-limitation ones start 1-90 days from it."""
        if home.near_limit:
            starts = [m for m in old_months if 0 < self.days_to_limitation(month_end(m)) <= 90]
        else:
            starts = old_months
        if not starts:
            return []
        start = self.rng.choice(starts)
        length = self.rng.randint(2, 5)
        end = add_months(start, length)
        return [m for m in old_months if start <= m < end]

    def days_to_limitation(self, due: dt.date) -> int:
        return (add_years(due, LIMITATION_YEARS) - self.today_day).days

    # -- arrears at plan start ---------------------------------------------------------------

    def make_arrears(self) -> None:
        """Choose who owes what, then hit each fee's target to the fen."""
        rng = self.rng
        candidates = [home for home in self.homes if not home.new_owner and not home.chronic]
        wanted = max(0, round(self.size * ARREARS_SHARE) - sum(h.chronic for h in self.homes))
        debtors = sorted(rng.sample(candidates, min(wanted, len(candidates))), key=_by_id)
        for home in self.homes:
            if home.chronic:
                for fee in MONTHLY_FEES:
                    while home.unpaid[fee] < MONTHS_BEFORE_PLAN:
                        self.leave_unpaid(home, fee)
        for home in debtors:
            roll = rng.random()
            fees = MONTHLY_FEES if roll < 0.8 else (ELECTRICITY,) if roll < 0.9 else (PROPERTY,)
            for fee in fees:
                self.leave_unpaid(home, fee)
        spare = [home for home in candidates if not home.in_arrears]
        rng.shuffle(spare)
        for fee in MONTHLY_FEES:
            self.calibrate(fee, spare)

    def leave_unpaid(self, home: _Home, fee: str) -> _Line:
        """One more month of `fee` unpaid, going back from the month before plan start."""
        home.unpaid[fee] += 1
        line = home.monthly[fee][MONTHS_BEFORE_PLAN - home.unpaid[fee]]
        line.billing = ZERO
        return line

    def settle_oldest(self, home: _Home, fee: str) -> Decimal:
        """The reverse of `leave_unpaid`: the oldest unpaid month was paid after all."""
        line = home.monthly[fee][MONTHS_BEFORE_PLAN - home.unpaid[fee]]
        home.unpaid[fee] -= 1
        owed = line.amount - line.billing
        line.billing = line.amount
        return owed

    def arrears_at_plan_start(self, fee: str) -> Decimal:
        return sum(
            (
                line.amount - line.billing
                for home in self.homes
                for line in home.lines
                if line.fee == fee and line.due < self.plan_start
            ),
            ZERO,
        )

    def calibrate(self, fee: str, spare: list[_Home]) -> None:
        """Settle or leave unpaid whole months until the total is just reached, then make up
        the last fen with a part payment on the last month left unpaid."""
        target = self.targets[fee]
        owed = self.arrears_at_plan_start(fee)
        for home in self.settle_order(fee):
            if owed <= target:
                break
            owed -= self.settle_oldest(home, fee)
        if owed > target:
            owed = self.settle_old_lines(fee, owed, target)
        months = self.more_unpaid_months(fee, spare) if owed < target else iter(())
        for home, line in months:  # each has just been left unpaid
            owed += line.amount
            if owed >= target:
                line.billing = owed - target
                owed = target
                break
            if self.rng.random() < 0.12:  # some pay part of their oldest month
                line.billing = yuan(line.amount * self.rng.randint(2, 8) / 10)
                owed -= line.billing
                home.frozen.add(fee)
        if owed != target:
            raise RuntimeError(f"demo {fee} arrears are {owed}, not {target}")

    def settle_order(self, fee: str) -> Iterator[_Home]:
        """Whose months to settle when the first guess owes too much: ordinary debtors first."""
        debtors = [home for home in self.homes if home.unpaid[fee] and not home.chronic]
        chronic = [home for home in self.homes if home.unpaid[fee] and home.chronic]
        self.rng.shuffle(debtors)
        for group in (debtors, chronic):
            while group:
                group = [home for home in group if home.unpaid[fee]]
                yield from list(group)

    def settle_old_lines(self, fee: str, owed: Decimal, target: Decimal) -> Decimal:
        old = [line for home in self.homes for line in home.old if line.fee == fee]
        for line in old:
            if owed <= target:
                break
            owed -= line.amount - line.billing
            line.billing = line.amount
        return owed

    def more_unpaid_months(self, fee: str, spare: list[_Home]) -> Iterator[tuple[_Home, _Line]]:
        """Debtors fall further behind, each at its own pace; then new debtors join (in tiny
        demos, anyone: chronic defaulters, even new owners)."""
        rng = self.rng
        debtors = [home for home in self.homes if home.unpaid[fee] and not home.chronic]
        rng.shuffle(debtors)
        pace = {home.id: rng.choice((0.25, 0.5, 1.0)) for home in debtors}
        while debtors:
            for home in debtors:
                if rng.random() < pace[home.id] and self.can_fall_behind(home, fee):
                    yield home, self.leave_unpaid(home, fee)
            debtors = [home for home in debtors if self.can_fall_behind(home, fee)]
        for home in [*spare, *self.homes]:
            while self.can_fall_behind(home, fee):
                yield home, self.leave_unpaid(home, fee)

    def can_fall_behind(self, home: _Home, fee: str) -> bool:
        return fee not in home.frozen and home.unpaid[fee] < MONTHS_BEFORE_PLAN

    def make_current_months(self) -> None:
        """The plan's first month: debtors mostly still owe it, a few others are late."""
        rng = self.rng
        for home in self.homes:
            late_share = 0.85 if home.in_arrears else LATE_PAYER_SHARE
            if home.new_owner or rng.random() >= late_share:
                continue
            home.late = not home.in_arrears
            for line in home.lines:
                if line.month == self.plan_month:
                    line.billing = ZERO

    def give_reasons(self) -> None:
        """Half the debtors have told us why they do not pay."""
        rng = self.rng
        for home in self.homes:
            if not home.in_arrears or rng.random() < 0.5:
                continue
            owing = [fee for fee in MONTHLY_FEES if home.unpaid[fee]]
            choices = REASONS["both" if len(owing) != 1 else owing[0]]
            home.reason = rng.choice(choices)
            if home.reason == "对停车管理有意见" and not home.parking:
                home.reason = "对保洁服务不满"
            home.row["nonpayment_reason"] = home.reason

    # -- what collectors did -----------------------------------------------------------------

    def make_history(self) -> None:
        for home in self.homes:
            if home.in_arrears:
                start = self.history_start.date() + dt.timedelta(days=self.rng.randint(1, 7))
                limit = self.rng.randint(12, 24) if home.chronic else self.rng.randint(8, 20)
                self.pursue(home, start, limit, pace=max(2, HISTORY_DAYS // limit))
            elif home.late:
                self.remind(home, self.plan_month)
                start = month_end(self.plan_month) + dt.timedelta(days=self.rng.randint(1, 6))
                self.pursue(home, start, self.rng.randint(1, 3), pace=3)
            elif home.phones and self.rng.random() < REMINDED_SHARE:
                self.remind(home, add_months(self.plan_month, 1))

    def remind(self, home: _Home, month: dt.date) -> None:
        """An SMS 15-20 days before the due date (the latest bill whose reminder is past)."""
        mobiles = [p for p in home.phones if p.kind == PhoneKind.MOBILE and not p.wrong]
        if not mobiles or home.do_not_call:
            return
        for bill in (month, add_months(month, -1)):
            day = month_end(bill) - dt.timedelta(days=self.rng.randint(15, 20))
            at = self.moment(_not_sunday(day), OFFICE_HOURS)
            if self.history_start <= at <= self.today:
                self.add_contact(home, self.collector(home), at, ContactChannel.SMS, CO.SENT,
                                 phone=mobiles[0].number)  # fmt: skip
                return

    def pursue(self, home: _Home, day: dt.date, limit: int, pace: int) -> None:
        """Calls, visits and messages, about `pace` days apart, until the household pays,
        promises, or time runs out."""
        rng = self.rng
        at: dt.datetime | None = None
        for _ in range(limit):
            channel = self.pick_channel(home)
            if at is None or channel != ContactChannel.CALL:
                hours = CALL_HOURS if channel == ContactChannel.CALL else VISIT_HOURS
                if channel in (ContactChannel.SMS, ContactChannel.LETTER):
                    hours = OFFICE_HOURS
                if channel != ContactChannel.VISIT:
                    day = _not_sunday(day)
                at = self.moment(day, hours)
            if at > self.today:
                return
            next_day = self.contact_once(home, channel, at)
            if next_day is None:
                return
            at = None
            if isinstance(next_day, dt.datetime):
                at, day = next_day, next_day.date()
            else:
                day = next_day + dt.timedelta(days=rng.randint(1, 2 * pace - 1))

    def contact_once(self, home: _Home, channel: str, at: dt.datetime) -> dt.date | None:
        """One contact and what follows from it: the day to carry on from, an exact callback
        time, or None when the household is done (paid up, promised, or calls back later)."""
        rng = self.rng
        staff = self.collector(home)
        phone, outcome = None, self.pick_outcome(home, channel, at)
        if channel in (ContactChannel.CALL, ContactChannel.SMS):
            phone = self.dial(home, channel)
            if phone.wrong and channel == ContactChannel.CALL:
                outcome = CO.WRONG_NUMBER
        promised = at.date() + dt.timedelta(days=rng.randint(3, 5))
        callback = None
        if outcome == CO.CALLBACK:
            callback = self.moment(_not_sunday(at.date() + dt.timedelta(rng.randint(1, 2))),
                                   CALL_HOURS)  # fmt: skip
        number = phone.number if phone else None
        contact_id = self.add_contact(home, staff, at, channel, outcome, phone=number,
                                      promised=promised, callback=callback)  # fmt: skip
        if outcome == CO.PROMISE:
            return self.make_promise(home, contact_id, staff, at, promised)
        if outcome == CO.PAID_ON_SPOT:
            left = self.make_payment(home, at, staff, rng.choice(ON_SPOT_CHANNELS), None)
            return at.date() if left else None
        if callback is not None:
            return callback if callback <= self.today else None
        return at.date()

    def pick_channel(self, home: _Home) -> str:
        rng = self.rng
        roll = rng.random()
        can_call = bool(home.phones) and not home.do_not_call
        if not can_call or (home.elderly and roll < 0.45) or (home.chronic and roll < 0.3):
            return ContactChannel.VISIT
        if home.chronic and not home.near_limit and roll < 0.38:
            return ContactChannel.LETTER
        if home.near_limit:
            return ContactChannel.CALL
        if roll < 0.10:
            return ContactChannel.VISIT
        if roll < 0.22:
            return ContactChannel.SMS
        return ContactChannel.CALL

    def pick_outcome(self, home: _Home, channel: str, at: dt.datetime) -> str:
        if channel == ContactChannel.LETTER:
            return CO.DELIVERED
        if channel == ContactChannel.SMS:
            table = SMS_OUTCOMES
        elif home.near_limit:
            table = UNREACHED_CALL_OUTCOMES if channel == ContactChannel.CALL else \
                UNREACHED_VISIT_OUTCOMES  # fmt: skip
        else:
            table = CALL_OUTCOMES if channel == ContactChannel.CALL else VISIT_OUTCOMES
        weights = [self.outcome_weight(home, outcome, weight) for outcome, weight in table]
        outcome = self.rng.choices([outcome for outcome, _ in table], weights)[0]
        if outcome == CO.PAID_ON_SPOT and at.date() < self.plan_start:
            return CO.WILL_PAY  # money before plan start would change the plan's baseline
        return outcome

    def outcome_weight(self, home: _Home, outcome: str, weight: int) -> int:
        if outcome == CO.DISPUTE and home.reason in DISPUTING_REASONS:
            return weight * 4
        if outcome == CO.REFUSED and (home.chronic or home.difficult):
            return weight * 3
        if outcome in (CO.PROMISE, CO.PAID_ON_SPOT) and home.chronic:
            return weight // 2
        return weight

    def dial(self, home: _Home, channel: str) -> _Phone:
        """The number called: a wrong one now and then until it is found out, else a good one."""
        rng = self.rng
        wrong = [p for p in home.phones if p.wrong]
        found_out = home.wrong_number_found
        if channel == ContactChannel.CALL and wrong and not found_out and rng.random() < 0.3:
            home.wrong_number_found = True
            return wrong[0]
        good = [p for p in home.phones if not p.wrong]
        if channel == ContactChannel.SMS:
            good = [p for p in good if p.kind == PhoneKind.MOBILE] or good
        owners = [p for p in good if p.owner]
        return owners[0] if owners and rng.random() < 0.7 else rng.choice(good)

    def collector(self, home: _Home) -> int:
        """Mostly the collector who covers the household's floor, sometimes a colleague."""
        collectors = home.team.collectors
        if self.rng.random() < 0.8:
            floor: int = home.row["floor"]
            return collectors[(floor - 1) * len(collectors) // FLOORS]
        return self.rng.choice(collectors)

    def moment(self, day: dt.date, hours: Sequence[tuple[dt.time, dt.time]]) -> dt.datetime:
        """A time on `day` inside one of `hours` (start included, end excluded), to the second."""
        start, end = self.rng.choice(hours)
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        offset = dt.timedelta(minutes=self.rng.randrange(minutes), seconds=self.rng.randrange(60))
        return dt.datetime.combine(day, start) + offset

    def add_contact(
        self,
        home: _Home,
        staff: int,
        at: dt.datetime,
        channel: str,
        outcome: str,
        *,
        phone: str | None,
        promised: dt.date | None = None,
        callback: dt.datetime | None = None,
    ) -> int:
        note = self.rng.choice(NOTES[outcome])
        if promised is not None:
            note = note.format(date=f"{promised.month}月{promised.day}日")
        proof = letter_kind = deadline = None
        if channel == ContactChannel.LETTER:  # a written demand (催告) with a deadline
            proof = f"EMS{self.rng.randrange(10**11):011d}CN"
            letter_kind = LetterKind.WRITTEN_DEMAND.value
            deadline = at.date() + dt.timedelta(days=DEMAND_DEADLINE_DAYS)
            note = f"催告函已由业主签收，限{DEMAND_DEADLINE_DAYS}日内缴清"
        row: Row = {
            "household_id": home.id, "staff_id": staff, "at": at, "channel": str(channel),
            "outcome": str(outcome), "reached": outcome in REACHED_OUTCOMES, "phone_number": phone,
            "note": note, "proof": proof, "callback_at": callback, "corrects_id": None,
            "letter_kind": letter_kind, "deadline": deadline,
        }  # fmt: skip
        home.contacts.append(row)
        return self.rows.add(Contact, row)

    def make_promise(
        self, home: _Home, contact_id: int, staff: int, at: dt.datetime, promised: dt.date
    ) -> dt.date | None:
        """A promise 3-5 days out: kept (with the payment), broken, or still open."""
        rng = self.rng
        owed = self.overdue(home, at.date())
        amount = None if rng.random() < 0.3 or not owed else owed
        instalment = bool(amount) and home.reason == "经济困难" and rng.random() < 0.5
        if amount is not None and instalment:
            amount = _round_part(owed)
        row: Row = {
            "household_id": home.id, "contact_id": contact_id, "staff_id": staff, "made_at": at,
            "promised_date": promised, "amount": amount,
            "method": rng.choice(("wechat", "bank_transfer", "cash", "pickup", None)),
            "instalment": instalment, "reason": "经济困难，分期缴纳" if instalment else None,
            "status": PromiseStatus.OPEN.value, "settled_at": None,
        }  # fmt: skip
        self.rows.add(Promise, row)
        if promised + dt.timedelta(days=1) >= self.today_day:
            return None  # still open: wait for the date
        keepable = promised >= self.plan_start and owed > ZERO
        if keepable and rng.random() >= BROKEN_SHARE:
            first = max(at.date() + dt.timedelta(days=1), self.plan_start)
            day = first + dt.timedelta(days=rng.randint(0, (promised - first).days))
            paid_at = self.moment(day, PAYMENT_HOURS)
            channel = rng.choices(PAYMENT_CHANNELS, PAYMENT_CHANNEL_WEIGHTS)[0]
            left = self.make_payment(home, paid_at, staff, channel, amount)
            row["status"], row["settled_at"] = PromiseStatus.KEPT.value, paid_at
            return promised if left else None
        row["status"] = PromiseStatus.BROKEN.value
        row["settled_at"] = dt.datetime.combine(promised + dt.timedelta(days=1), dt.time(9))
        return promised

    def overdue_lines(self, home: _Home, day: dt.date) -> list[_Line]:
        return [line for line in home.lines if line.due < day and line.open > ZERO]

    def overdue(self, home: _Home, day: dt.date) -> Decimal:
        return sum((line.open for line in self.overdue_lines(home, day)), ZERO)

    def make_payment(
        self, home: _Home, at: dt.datetime, staff: int, channel: str, amount: Decimal | None
    ) -> Decimal:
        """A payment, spread oldest first over what was overdue then; returns what is left."""
        lines = self.overdue_lines(home, at.date())
        owed = sum((line.open for line in lines), ZERO)
        if owed <= ZERO:
            return ZERO
        amount = min(amount or self.payment_amount(owed), owed)
        charges = [
            OpenCharge(line.id, line.fee, month_key(line.month), line.due, line.open)
            for line in lines
        ]
        first_line = home.lines[0].id
        receipt = self.receipts[at.date()] = self.receipts.get(at.date(), 0) + 1
        payment_id = self.rows.add(
            PaymentRow,
            {"household_id": home.id, "staff_id": staff, "paid_at": at, "amount": amount,
             "channel": str(channel), "receipt_no": f"SK{at:%Y%m%d}-{receipt:04d}",
             "note": None, "corrects_id": None},
        )  # fmt: skip
        for allocation in allocate_oldest_first(charges, amount):
            home.lines[allocation.charge_id - first_line].pending += allocation.amount
            self.rows.add(
                PaymentAllocation,
                {"payment_id": payment_id, "charge_line_id": allocation.charge_id,
                 "amount": allocation.amount, "reconciled": ZERO},
            )  # fmt: skip
        return owed - amount

    def payment_amount(self, owed: Decimal) -> Decimal:
        """Everything overdue, or a round sum below it."""
        if self.rng.random() < 0.45:
            return owed
        return _round_part(owed, self.rng)

    def make_complaints(self) -> None:
        """About 6% of debtors (at least four, for every stage) complained when reached."""
        debtors = [home for home in self.homes if home.in_arrears]
        reached = [home for home in debtors if any(row["reached"] for row in home.contacts)]
        count = min(
            len(reached), max(len(COMPLAINT_STATUSES), round(len(debtors) * COMPLAINT_SHARE))
        )
        for home in sorted(self.rng.sample(reached, count), key=_by_id):
            self.make_complaint(home)

    def make_complaint(self, home: _Home) -> None:
        """A complaint taken on a contact with the owner, at some stage of handling."""
        rng = self.rng
        taken = rng.choice([row for row in home.contacts if row["reached"]])
        opened_at = taken["at"]
        category = REASON_CATEGORY.get(home.reason or "") or rng.choice(list(ComplaintCategory))
        status = COMPLAINT_STATUSES[self.rows.count(Complaint) % len(COMPLAINT_STATUSES)]
        handler = home.team.leader if rng.random() < 0.5 else rng.choice(home.team.collectors)
        report_back = opened_at.date() + dt.timedelta(days=rng.randint(3, 10))
        if status in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED):
            report_back = min(report_back, self.today_day)
        row: Row = {
            "household_id": home.id, "staff_id": taken["staff_id"], "opened_at": opened_at,
            "category": category.value, "within_duty": category != CC.OUTSIDE_DUTY,
            "description": rng.choice(COMPLAINTS[category]), "handler_id": handler,
            "report_back_on": report_back, "status": status.value, "resolution": None,
            "closed_at": None,
            # an owner who disputed a charge or the service withholds payment meanwhile
            "pauses_collection": any(c["outcome"] == CO.DISPUTE for c in home.contacts),
        }  # fmt: skip
        complaint_id = self.rows.add(Complaint, row)
        self.make_complaint_updates(complaint_id, row, handler)

    def make_complaint_updates(self, complaint_id: int, row: Row, handler: int) -> None:
        rng = self.rng
        steps = {
            ComplaintStatus.OPEN: [(ComplaintStatus.OPEN, "已登记，待安排处理")],
            ComplaintStatus.IN_PROGRESS: [
                (ComplaintStatus.IN_PROGRESS, rng.choice(COMPLAINT_PROGRESS))
            ],
            ComplaintStatus.RESOLVED: [
                (ComplaintStatus.IN_PROGRESS, rng.choice(COMPLAINT_PROGRESS)),
                (ComplaintStatus.RESOLVED, COMPLAINT_RESOLVED),
            ],
            ComplaintStatus.CLOSED: [
                (ComplaintStatus.RESOLVED, COMPLAINT_RESOLVED),
                (ComplaintStatus.CLOSED, rng.choice(COMPLAINT_CLOSED)),
            ],
        }[ComplaintStatus(row["status"])]
        at: dt.datetime = row["opened_at"]
        for status, note in steps:
            at = self.later(at, max_days=3)
            self.rows.add(
                ComplaintUpdate,
                {"complaint_id": complaint_id, "staff_id": handler, "at": at,
                 "status": status.value, "note": note},
            )  # fmt: skip
        if row["status"] in (ComplaintStatus.RESOLVED, ComplaintStatus.CLOSED):
            row["resolution"] = RESOLUTIONS[row["category"]]
        if row["status"] == ComplaintStatus.CLOSED:
            row["closed_at"] = at

    def later(self, at: dt.datetime, *, max_days: int) -> dt.datetime:
        """A moment after `at` (at most `max_days` later), never after today."""
        room = min(int((self.today - at).total_seconds()), max_days * 86400)
        return at + dt.timedelta(seconds=self.rng.randint(min(room, 600), room) if room > 0 else 0)

    # -- the plan ----------------------------------------------------------------------------

    def make_plan(self) -> None:
        plan_id = self.rows.add(
            CollectionPlan,
            {
                "name": plan_name(month_ordinal(self.plan_month)),
                "start_month": month_key(self.plan_month),
            },
        )
        for fee, arrears in self.targets.items():
            self.rows.add(
                PlanBaseline,
                {"plan_id": plan_id, "building_id": None, "fee_type": fee, "arrears": arrears},
            )
        for offset, fee, amount, rate in SOURCE_PLAN:
            self.rows.add(
                PlanTarget,
                {"plan_id": plan_id, "building_id": None, "fee_type": fee,
                 "month": month_key(add_months(self.plan_month, offset)),
                 "amount": scaled_plan_amount(amount, self.size), "typed_cumulative_rate": rate},
            )  # fmt: skip

    # -- writing -----------------------------------------------------------------------------

    def exported(self, line: _Line) -> bool:
        """Whether the billing export the demo models lists `line`.

        Like real arrears exports it lists recent months in full (the plan's months and the
        PAID_HISTORY_MONTHS before them) and, before that, only what is still owed or carries
        a payment recorded in callqueue.
        """
        recent = line.month >= self.paid_history_start
        return recent or line.open > ZERO or line.pending > ZERO

    def charge_rows(self) -> Iterator[Row]:
        for home in self.homes:
            for line in home.lines:
                if not self.exported(line):
                    continue
                yield {
                    "id": line.id, "household_id": home.id, "fee_type": line.fee,
                    "period": month_key(line.month), "due_date": line.due,
                    "amount_due": line.amount, "paid_billing": line.billing,
                    "paid_pending": line.pending,
                }  # fmt: skip

    def write(self, connection: Connection, progress: ProgressFn) -> None:
        for model, rows in self.rows.by_model.items():
            if model is ChargeLine:
                progress("saving charge lines")
                for chunk in _chunks(self.charge_rows(), 20_000):
                    connection.execute(insert(ChargeLine), chunk)
                continue
            if rows:
                progress(f"saving {model.__tablename__}")
                for chunk in _chunks(iter(rows), 20_000):
                    connection.execute(insert(model), chunk)

    def summary(self) -> DemoSummary:
        rows = self.rows
        return DemoSummary(
            households=len(self.homes),
            buildings=rows.count(Building),
            teams=rows.count(Team),
            staff=rows.count(Staff),
            charge_lines=sum(self.exported(line) for home in self.homes for line in home.lines),
            contacts=rows.count(Contact),
            promises=rows.count(Promise),
            payments=rows.count(PaymentRow),
            complaints=rows.count(Complaint),
            plan_start=month_key(self.plan_month),
            arrears_at_plan_start=dict(self.targets),
        )


# --- small helpers ------------------------------------------------------------------------


def _staff_row(code: str, name: str, role: Role, team_id: int | None) -> Row:
    return {"code": code, "name": name, "role": role.value, "team_id": team_id, "active": True}


def _staff_names() -> Iterator[tuple[str, str]]:
    """The staff list in order, then again as `wangfang2`, `wangfang3`…"""
    round_ = 1
    while True:
        for name, code in STAFF_NAMES:
            yield name, code if round_ == 1 else f"{code}{round_}"
        round_ += 1


def _team_buildings(buildings: int) -> list[list[int]]:
    """Building numbers per team: 6, 7 and 8 alone, then three to a team."""
    codes = list(range(FIRST_BUILDING, FIRST_BUILDING + buildings))
    teams = [[code] for code in codes[:OWN_TEAM_BUILDINGS]]
    rest = codes[OWN_TEAM_BUILDINGS:]
    teams += [rest[i : i + BUILDINGS_PER_SHARED_TEAM] for i in range(0, len(rest), 3)]
    return teams


def _team_name(codes: list[int]) -> str:
    return f"{codes[0]}栋组" if len(codes) == 1 else f"{codes[0]}-{codes[-1]}栋组"


def _not_sunday(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=1) if day.weekday() == 6 else day


def _round_part(owed: Decimal, rng: random.Random | None = None) -> Decimal:
    """A round sum below `owed` (all of it when it is small)."""
    below = [amount for amount in ROUND_PAYMENTS if amount < owed]
    if not below:
        return owed
    return rng.choice(below) if rng else below[len(below) // 2]


def _by_id(home: _Home) -> int:
    return home.id


def _chunks(rows: Iterator[Row], size: int) -> Iterator[list[Row]]:
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _refuse_non_empty(connection: Connection) -> None:
    """The demo writes explicit ids, so it only fills a database that has no rows yet."""
    tables = [model.__tablename__ for model in TABLES]
    for table in sorted(tables, key=lambda name: name != "households"):
        if connection.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
            what = "households" if table == "households" else f"rows in {table}"
            raise ValueError(f"the database already has {what}; the demo needs an empty one")


def _check_arrears(
    connection: Connection, plan_start: dt.date, targets: dict[str, Decimal]
) -> None:
    """The arrears at plan start, summed by the database, must be the targets to the fen."""
    found = {
        fee: from_fen(int(fen))
        for fee, fen in connection.execute(
            text(
                "SELECT fee_type, SUM(amount_due - paid_billing) FROM charge_lines"
                " WHERE due_date < :start GROUP BY fee_type"
            ).bindparams(bindparam("start", type_=Date)),
            {"start": plan_start},
        )
    }
    for fee, target in targets.items():
        if found.get(fee, ZERO) != target:
            raise RuntimeError(f"demo {fee} arrears are {found.get(fee)}, not {target}")


def _advance_sequences(connection: Connection) -> None:
    """PostgreSQL: move each id sequence past the ids the demo wrote itself."""
    if connection.dialect.name != "postgresql":
        return
    for model in TABLES:
        table = model.__tablename__
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
            )
        )


def fill_demo(
    store: Store,
    *,
    households: int = DEFAULT_HOUSEHOLDS,
    seed: int = 2018,
    today: dt.datetime,
    progress: ProgressFn | None = None,
) -> DemoSummary:
    """Fill an empty, migrated database with a demo project of `households` flats.

    Raises ValueError when the database already has rows. Everything happens in one
    transaction: either the whole demo is there, or nothing is.
    """
    if households < 1:
        raise ValueError(f"the demo needs at least one household, not {households}")
    if today.tzinfo is not None:
        today = today.astimezone(CST).replace(tzinfo=None)
    report = progress or (lambda _message: None)
    with store.engine.connect() as connection:
        _refuse_non_empty(connection)  # before the work, and again before writing
    demo = _Demo(households, seed, today)
    report("staff")
    demo.make_staff()
    report("households")
    demo.make_households()
    demo.mark_chronic()
    report("charges")
    demo.make_charges()
    demo.make_arrears()
    demo.make_current_months()
    demo.give_reasons()
    report("contacts")
    demo.make_history()
    report("complaints")
    demo.make_complaints()
    demo.make_plan()
    with store.engine.begin() as connection:
        _refuse_non_empty(connection)
        demo.write(connection, report)
        _check_arrears(connection, demo.plan_start, demo.targets)
        _advance_sequences(connection)
    return demo.summary()
