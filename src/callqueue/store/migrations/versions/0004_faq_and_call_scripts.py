"""faq and call scripts: the shared prepared answers (收费答客问), teams' own script wording

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 08:46:44.616113

Seeds a starter FAQ: the reasons owners give for not paying (from the source collection
plan and the demo) and the questions they ask, each answered respectfully and lawfully, in
Chinese and English. Matters outside the property company's duty always get at least one
path to a solution. The seed lives here, not in the application, so this migration means
the same thing forever.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

import callqueue.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (question, answer, tags) in Chinese, then the same entry in English.
STARTER_FAQ: tuple[tuple[tuple[str, str, str], tuple[str, str, str]], ...] = (
    (
        (
            "对保洁服务不满意，楼道没人打扫，为什么还要交物业费？",
            "非常抱歉给您带来不便，也谢谢您告诉我们。我把具体位置和情况记录下来，当天转给保洁"
            "主管整改，并在约定的时间内把处理进度和结果告诉您。物业费用于整个小区的保洁、安保、"
            "绿化和设施维护，按物业服务合同的标准收取；服务不到位的地方我们一定改，也欢迎您随时"
            "监督。整改后我们再跟您确认一次，费用的事您看到时一并办理，好吗？",
            "保洁,卫生,服务质量,整改,投诉",
        ),
        (
            "I'm unhappy with the cleaning; nobody cleans the stairwell. Why should I pay?",
            "We are sorry for the trouble, and thank you for telling us. I will note the exact "
            "place and problem and pass it to the cleaning supervisor today, and tell you the "
            "progress and the result by the date we agree. The property fee pays for cleaning, "
            "security, greenery and upkeep of the whole estate at the rate in the property "
            "service contract; where the service falls short we will put it right, and you are "
            "welcome to check on us. Once it is fixed we will confirm with you, and perhaps the "
            "fee can be settled at the same time?",
            "cleaning,hygiene,service quality,complaint",
        ),
    ),
    (
        (
            "我觉得电费计量有误，电表是不是不准？",
            "谢谢您提出来，电费一定要算准。我们先一起核对您家的电表读数和抄表记录；如果仍有疑问，"
            "可以约时间由工程人员上门现场核对电表，必要时申请有资质的计量检定机构校验。核实确有"
            "误差的，我们按核实结果调整费用。核对期间，没有争议的部分您可以先缴，有争议的部分等"
            "结果出来再处理。",
            "电费,电表,计量,抄表,核对",
        ),
        (
            "I think my electricity is metered wrongly. Is the meter faulty?",
            "Thank you for raising it: the electricity bill must be right. First we can check "
            "your meter readings against our reading records together; if you still have doubts, "
            "an engineer can check the meter at your home at a time that suits you, and if "
            "needed we ask a certified metrology institute to test it. If an error is confirmed, "
            "we adjust the bill accordingly. Meanwhile you may pay the part that is not in "
            "dispute, and settle the rest when the result is known.",
            "electricity,meter,reading,check",
        ),
    ),
    (
        (
            "为什么这个月电费比上个月高？",
            "电费按实际用电量和电价计算，常见的原因有：季节变化（夏天用空调、冬天取暖用电多）、"
            "本期计费天数较多、家里新添了用电设备，或者用电量进入了阶梯电价的更高一档。我们可以"
            "把您家近几个月的抄表读数和用电量打印出来给您对比；如果用量明显异常，我们安排工程"
            "人员上门检查线路和电表。",
            "电费,用电量,阶梯电价,抄表,账单",
        ),
        (
            "Why is my electricity bill higher than last month's?",
            "Electricity is billed on the power actually used and the tariff. Common reasons "
            "are the season (air conditioning in summer, heating in winter), more days in this "
            "billing period, a new appliance at home, or use reaching a higher tier of the "
            "tiered tariff. We can print your readings and usage for the last few months so you "
            "can compare; if the usage looks abnormal, an engineer will come and check the "
            "wiring and the meter.",
            "electricity,usage,tiered tariff,bill,reading",
        ),
    ),
    (
        (
            "最近经济困难，一时交不上怎么办？",
            "理解您的难处，谢谢您愿意跟我们说。我们可以根据您的情况商量一个可行的安排，比如分几"
            "次缴清，或者约定一个您方便的缴费日期。具体方案登记后报管理处确认，我会尽快给您答复。"
            "您的情况有变化，也请随时告诉我们。",
            "经济困难,分期,缓交,困难",
        ),
        (
            "Money is tight at the moment and I can't pay right now. What can I do?",
            "We understand, and thank you for telling us. We can agree an arrangement that works "
            "for you, such as paying in several instalments or on a date that suits you. I will "
            "register the proposal for the management office to confirm and get back to you "
            "soon. If your situation changes, please let us know at any time.",
            "hardship,instalments,delay,difficulty",
        ),
    ),
    (
        (
            "物业费能不能分期缴？",
            "可以申请。请您告诉我们每期能缴的金额和日期，我们登记为分期计划，报管理处确认后把"
            "结果告诉您。确认后，我们会在每期缴费日前提醒您，每次缴费都开具收据。",
            "分期,分期付款,缴费计划",
        ),
        (
            "Can I pay the fees in instalments?",
            "Yes, you can apply. Tell us how much you can pay each time and on which dates; we "
            "register it as an instalment plan, the management office confirms it, and we let "
            "you know. Once confirmed, we remind you before each instalment falls due, and every "
            "payment gets a receipt.",
            "instalments,payment plan",
        ),
    ),
    (
        (
            "我长期在外地，没办法到物业服务中心缴费。",
            "没关系，不用专门回来。您可以通过微信、支付宝或银行转账缴费，转账时请备注楼栋房号；"
            "也可以委托家人或朋友代缴。缴费后我们把收据拍照发给您，或者按您的要求寄送、代为保管。"
            "您也可以留一个在本地的紧急联系人，房屋出现漏水等情况时我们能及时联系到人。",
            "外地,远程缴费,转账,代缴,线上",
        ),
        (
            "I live away most of the time and can't come to the service centre to pay.",
            "No problem, there is no need to come back for it. You can pay by WeChat, Alipay or "
            "bank transfer (please put your building and room number in the transfer note), or "
            "ask a relative or friend to pay for you. We then send you a photo of the receipt, "
            "or post it or keep it for you, as you prefer. You may also leave us a local "
            "emergency contact, so that someone can be reached if, say, a pipe leaks.",
            "away,remote payment,transfer,pay on behalf,online",
        ),
    ),
    (
        (
            "房子空置没人住，也要交物业费吗？",
            "需要的。物业费是整个小区公共区域和共用设施的管理维护费用，比如电梯、安保、保洁、"
            "绿化，房屋空置期间这些服务同样在保障您的房产。《民法典》第九百四十四条也规定，业主"
            "不得以未接受或者无需接受相关物业服务为由拒绝支付物业费。空置房有没有优惠，以物业"
            "服务合同和当地规定为准，我们可以帮您查一下合同里有没有相关约定。",
            "空置,没住,空房,物业费",
        ),
        (
            "The flat is empty and nobody lives there. Do I still have to pay the property fee?",
            "Yes. The property fee pays for managing and maintaining the estate's common areas "
            "and shared facilities (lifts, security, cleaning, greenery), which protect your "
            "property while it is empty too. Article 944 of the Civil Code also says an owner "
            "may not refuse to pay because they did not use, or did not need, the services. "
            "Whether empty flats get a reduction depends on the property service contract and "
            "local rules; we can check the contract for you.",
            "vacant,empty flat,property fee",
        ),
    ),
    (
        (
            "车位经常被外来车辆占用，对停车管理有意见。",
            "谢谢您反映，这确实影响您用车。请告诉我们车位号和经常被占用的时段，我们会加强门岗对"
            "外来车辆的登记和巡查，发现占用及时联系车主挪车，并把处理情况告诉您。停车管理的问题"
            "我们专项跟进，物业费和车位费也请您按时缴纳，两件事我们都会落实。",
            "停车,车位,占用,车位费,停车管理",
        ),
        (
            "Outside cars keep taking my parking space; I'm unhappy with the parking management.",
            "Thank you for reporting it; we know it gets in your way. Please tell us your space "
            "number and when it usually happens. We will have the gate register outside cars "
            "and patrol more often, ask drivers to move at once when a space is taken, and tell "
            "you what was done. We follow up the parking problem on its own; please keep paying "
            "the property and parking fees on time, and we will see both through.",
            "parking,parking space,parking fee,management",
        ),
    ),
    (
        (
            "家里漏水一直没修，修好了再交。",
            "非常抱歉让您久等了。我们先把漏水位置和情况记录下来，今天就安排工程人员上门查看原因，"
            "并告诉您维修时间和进度。属于公共部位（楼顶、外墙、公共管道）的，由我们负责维修或按"
            "规定申请维修资金；是楼上住户家中漏水的，我们上门协调楼上业主尽快维修，协调不成的，"
            "可以申请人民调解，也可以通过诉讼解决；房屋还在开发商保修期内的，我们协助您向开发商"
            "报修。维修我们一定跟进到底，费用的事您看方便时一并处理。",
            "漏水,维修,渗水,报修,工程",
        ),
        (
            "My home has a leak that was never fixed. I'll pay when it's repaired.",
            "We are sorry you have waited so long. We will note where it leaks and send an "
            "engineer today to find the cause, then tell you when it will be repaired and how it "
            "is going. If it comes from a common part (roof, outer wall, shared pipes), we repair "
            "it or apply for the maintenance fund as the rules provide; if it comes from the flat "
            "above, we go and ask that owner to repair it quickly, and if that fails you can ask "
            "for people's mediation or go to court; if the building is still under the "
            "developer's warranty, we help you report it to the developer. We will see the "
            "repair through; perhaps the fees can be settled when convenient.",
            "leak,repair,water damage,maintenance",
        ),
    ),
    (
        (
            "开发商遗留的问题一直没解决，为什么找我交物业费？",
            "理解您的心情。房屋质量、配套设施没有兑现等问题属于开发商的责任，不在物业服务合同的"
            "范围内，但我们会把您的问题整理好，向开发商转达并协调。您也可以直接联系开发商的客服"
            "或保修部门；协商不成的，可以向当地住房和城乡建设部门反映、拨打12345政务服务热线，"
            "或者通过诉讼维护权益。物业费是物业服务的费用，和开发商的问题是两回事，物业服务我们"
            "一直在做，也希望得到您的支持。",
            "开发商,遗留问题,房屋质量,配套,保修",
        ),
        (
            "The developer never fixed what they left behind. Why ask me for the property fee?",
            "We understand how you feel. Building defects and promised facilities that never "
            "came are the developer's responsibility, outside the property service contract, "
            "but we will write your problems up and pass them to the developer and help "
            "coordinate. You can also contact the developer's customer service or warranty "
            "department directly; if that fails, you can report it to the local housing and "
            "urban-rural development bureau, call the 12345 government service hotline, or go "
            "to court. The property fee pays for the property services, which we keep "
            "providing; it is a separate matter from the developer's, and we hope for your "
            "support.",
            "developer,defects,facilities,warranty",
        ),
    ),
    (
        (
            "可以线上缴费吗？有哪些缴费方式？",
            "可以。您可以到物业服务中心用现金、刷卡或扫码缴费；也可以通过微信、支付宝或银行转账"
            "缴费，转账时请备注楼栋房号和业主姓名；不方便出门的，可以约时间由工作人员上门收取。"
            "每次缴费都开具收据。",
            "缴费方式,线上缴费,微信,支付宝,转账,上门收取",
        ),
        (
            "Can I pay online? How can I pay?",
            "Yes. You can pay at the property service centre in cash, by card or by scanning a "
            "code; or by WeChat, Alipay or bank transfer (please put your building, room number "
            "and name in the transfer note). If it is hard for you to come out, a member of "
            "staff can collect the payment at your home at an agreed time. Every payment gets a "
            "receipt.",
            "payment methods,online payment,wechat,alipay,transfer,collection",
        ),
    ),
    (
        (
            "交了钱，收据和发票怎么开？",
            "每次缴费都开具收据。需要发票的，请告诉我们开票抬头（个人姓名或单位名称），单位请提供"
            "纳税人识别号，由财务开具电子发票或纸质发票，一般几个工作日内发到您的邮箱或交给您。"
            "线上缴费的，凭付款记录到服务中心或联系我们补开。",
            "收据,发票,开票,报销",
        ),
        (
            "How do I get a receipt or an invoice (fapiao) for what I paid?",
            "Every payment gets a receipt. If you need an invoice, tell us whose name it should "
            "bear (yours or a company's; for a company, its taxpayer ID), and the finance office "
            "issues an electronic or paper invoice, usually within a few working days, by email "
            "or by hand. If you paid online, bring or send us the payment record and we issue "
            "it afterwards.",
            "receipt,invoice,fapiao,reimbursement",
        ),
    ),
    (
        (
            "欠费会收滞纳金吗？",
            "是否收取滞纳金（违约金）以物业服务合同的约定为准；合同没有约定的，我们不会收取。您想"
            "了解的话，我们可以把合同中的相关条款给您看。按期缴费，这方面就不用担心了。",
            "滞纳金,违约金,合同",
        ),
        (
            "Will I be charged a late fee?",
            "A late fee (penalty) is charged only if the property service contract provides for "
            "one, and as it provides; if the contract says nothing, we charge none. We can show "
            "you the relevant clause of the contract. Paying on time means there is nothing to "
            "worry about.",
            "late fee,penalty,contract",
        ),
    ),
    (
        (
            "为什么要交公摊费？",
            "公摊费是小区和楼栋公共部分产生的费用，例如楼道和地下车库照明、电梯运行、二次供水"
            "水泵用电等。这些费用按规定或合同约定，在业主之间按建筑面积等标准分摊，分摊依据和"
            "金额定期公示。您对分摊金额有疑问的，我们可以把计算明细给您看。",
            "公摊,公摊费,公共用电,分摊,电梯",
        ),
        (
            "Why do I have to pay shared costs?",
            "Shared costs are what the common parts of the estate and the building use, such as "
            "lighting in stairwells and the underground car park, running the lifts, and power "
            "for the water booster pumps. As the rules or the contract provide, they are shared "
            "among owners by floor area or a similar measure, and the basis and the amounts are "
            "published regularly. If you question your share, we can show you the calculation.",
            "shared costs,common power,lifts,apportionment",
        ),
    ),
    (
        (
            "对物业服务整体不满意，能不能少交或者不交？",
            "谢谢您的意见，我们会认真改进。请您具体说说哪些方面不满意，我逐条记录，转给相关负责人"
            "限期整改，并把进度和结果告诉您。物业费按物业服务合同约定的标准收取，《民法典》第九百"
            "四十四条规定不能以未接受服务为由拒交；您认为服务达不到合同标准的，可以通过业主委员会"
            "反映，也可以向街道办事处或住房和城乡建设部门反映。我们会继续提升服务，请您监督。",
            "服务不满,拒缴,少交,整改,业主委员会",
        ),
        (
            "I'm unhappy with the property service overall. Can I pay less, or not at all?",
            "Thank you for your views; we will take them seriously. Please tell me what exactly "
            "you are unhappy with: I will note each point, pass it to the person responsible "
            "with a date to fix it, and tell you the progress and the result. The fee is charged "
            "at the rate in the property service contract, and article 944 of the Civil Code "
            "does not allow refusing it on the ground of not using the services. If you think "
            "the service falls short of the contract, you can raise it through the owners' "
            "committee, or with the sub-district office or the housing and urban-rural "
            "development bureau. We will keep improving; please keep an eye on us.",
            "dissatisfied,refuse to pay,pay less,owners' committee",
        ),
    ),
    (
        (
            "我已经交过了，为什么还通知我欠费？",
            "抱歉给您添麻烦了。可能是您缴费的信息还没有同步到我们的账上。请您提供一下付款凭证"
            "（收据、微信或支付宝付款记录、银行转账回单），我们请财务当天核实。核实已缴的，我们"
            "马上更正记录并向您道歉；只缴了一部分的，我们把明细告诉您。",
            "已缴费,已交,重复催缴,核对,付款凭证",
        ),
        (
            "I have already paid. Why am I told I owe money?",
            "Sorry for the trouble. Your payment may not have reached our books yet. Please "
            "show us proof of payment (a receipt, the WeChat or Alipay record, or the bank "
            "transfer slip) and the finance office will check it the same day. If it is "
            "confirmed, we correct the record at once and apologise; if only part was paid, we "
            "show you the details.",
            "already paid,proof of payment,check,reminder",
        ),
    ),
    (
        (
            "欠了物业费，物业会不会限制我家用水用电？",
            "不会。《民法典》第九百四十四条规定，物业服务人不得采取停止供电、供水、供热、供燃气"
            "等方式催交物业费，我们也从不这样做。我们只会通过提醒和沟通请您缴费；确实长期未缴的，"
            "会先书面催告，给出合理的期限，之后才会依法申请仲裁或提起诉讼。",
            "水电,用水,用电,民法典,催缴",
        ),
        (
            "If I owe the property fee, will you restrict my water or power?",
            "No. Article 944 of the Civil Code forbids a property service company to press for "
            "payment by stopping the supply of power, water, heating or gas, and we never do. "
            "We only remind you and talk with you; if fees stay unpaid for a long time, we first "
            "send a written demand with a reasonable deadline, and only after that apply for "
            "arbitration or go to court, as the law provides.",
            "water,power,utilities,civil code,collection",
        ),
    ),
)

# The table as this migration knows it, for the seed (never the model: models change).
FAQ_TABLE = sa.table(
    "faq_entries",
    sa.column("question", sa.String()),
    sa.column("answer", sa.Text()),
    sa.column("tags", sa.String()),
    sa.column("language", sa.String()),
    sa.column("updated_at", callqueue.store.types.CstDateTime()),
    sa.column("updated_by", sa.Integer()),
    sa.column("active", sa.Boolean()),
)


def upgrade() -> None:
    op.create_table(
        "call_scripts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", callqueue.store.types.CstDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["staff.id"], name=op.f("fk_call_scripts_updated_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_scripts")),
        sa.UniqueConstraint("kind", "language", name=op.f("uq_call_scripts_kind")),
    )
    with op.batch_alter_table("call_scripts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_call_scripts_updated_by"), ["updated_by"], unique=False
        )

    op.create_table(
        "faq_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=200), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("tags", sa.String(length=200), server_default="", nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("updated_at", callqueue.store.types.CstDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["staff.id"], name=op.f("fk_faq_entries_updated_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_entries")),
    )
    with op.batch_alter_table("faq_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_faq_entries_language"), ["language"], unique=False)
        batch_op.create_index(batch_op.f("ix_faq_entries_updated_by"), ["updated_by"], unique=False)

    # CST wall-clock time, as every time in the store (see callqueue.clock).
    seeded_at = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).replace(
        tzinfo=None, microsecond=0
    )
    rows = [
        {
            "question": question,
            "answer": answer,
            "tags": tags,
            "language": language,
            "updated_at": seeded_at,
            "updated_by": None,
            "active": True,
        }
        for language in ("zh_CN", "en")
        for pair in STARTER_FAQ
        for question, answer, tags in [pair[0] if language == "zh_CN" else pair[1]]
    ]
    op.bulk_insert(FAQ_TABLE, rows)


def downgrade() -> None:
    with op.batch_alter_table("faq_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_faq_entries_updated_by"))
        batch_op.drop_index(batch_op.f("ix_faq_entries_language"))

    op.drop_table("faq_entries")
    with op.batch_alter_table("call_scripts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_scripts_updated_by"))

    op.drop_table("call_scripts")
