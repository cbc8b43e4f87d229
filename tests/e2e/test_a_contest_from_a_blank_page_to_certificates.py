"""One contest from a blank page to certificates, through the pages alone (issue #14 item 8).

The organizer creates a city contest with a theory round and a practical task, invites two judges
(one the chief) by mobile number; they accept. Three learners register on phones and get tickets.
The organizer builds the live round on the console (two questions written on the spot), runs it
from the host console with the big screen open at 1920×1080 and the three phones joined; the phones
end on 本场已结束 with their rank. The judges mark, the chief signs off, the organizer publishes;
a contestant appeals and the organizer decides; the winner's certificate verifies publicly and
their talent index moves by the documented amount (city level 30 × 一等奖 1.0)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.demo import DEMO_PASSWORD
from tests.e2e.conftest import PHONE, assert_fits, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ORGANIZER, JUDGE, CHIEF = "13800000004", "13800000014", "13800000015"
LEARNERS = ("13800000001", "13800000011", "13800000012")  # 王小明, 马晓燕, 黄海波
SLUG = "whole-path-2026"
TITLE = "2026 年济南市工业数据分析技能竞赛"
HALL = {"width": 1920, "height": 1080}


def _index(mobile: str) -> Decimal:
    from talent.models import TalentProfile

    profile = TalentProfile.objects.filter(person__mobile=mobile).first()
    return Decimal(str(profile.index)) if profile is not None else Decimal(0)


def _fill_sheet(page, values: list[str]) -> None:
    inputs = page.locator("table.sheet input")
    assert inputs.count() == len(values)
    for i, value in enumerate(values):
        inputs.nth(i).fill(value)
    page.get_by_role("button", name="保存评分").click()
    page.wait_for_load_state("networkidle")


def _invite(organizer, mobile: str, name: str, role: str) -> None:
    organizer.get_by_label("手机号").fill(mobile)
    organizer.get_by_label("姓名").fill(name)
    organizer.get_by_label(role, exact=True).check()
    organizer.get_by_label("数据分析").check()
    organizer.get_by_role("button", name="发送邀请").click()
    organizer.wait_for_load_state("networkidle")
    assert organizer.locator(".message-success").count() == 1, organizer.locator("main").inner_text()[:400]


def _accept(page) -> None:
    page.goto("/contests/invitations/")
    page.get_by_role("button", name="接受").first.click()
    page.wait_for_load_state("networkidle")


def _write_question(editor, stem: str, options: str, answer: str) -> None:
    write = editor.locator("section", has=editor.get_by_role("heading", name="现场出题"))
    write.get_by_label("题型").select_option("single")
    write.get_by_label("题干").fill(stem)
    write.get_by_label("选项（每行一个，依次为 A、B、C…）").fill(options)
    write.get_by_label("答案").fill(answer)
    write.get_by_role("button", name="保存并加入").click()
    editor.get_by_text("新题已存入题库").wait_for()


def test_an_organizer_runs_a_contest_from_a_blank_page_to_certificates(demo, new_page, shot) -> None:
    from competitions.models import Ticket

    before = _index(LEARNERS[0])

    # --- the contest, its event group, its practical task --------------------------------------
    organizer = new_page()
    login(organizer, ORGANIZER, DEMO_PASSWORD)
    organizer.goto("/contests/manage/new/")
    organizer.get_by_label("竞赛名称").fill(TITLE)
    organizer.get_by_label("网址标识").fill(SLUG)
    organizer.get_by_label("级别").select_option("city")
    organizer.get_by_label("状态").select_option("open")
    organizer.get_by_label("竞赛公告").fill("理论现场赛 + 实操考核，个人赛。")
    organizer.get_by_label("奖项设置方式").select_option("count")
    organizer.get_by_label("一等奖（比例或名额）").fill("1")
    organizer.get_by_label("二等奖（比例或名额）").fill("1")
    organizer.get_by_label("三等奖（比例或名额）").fill("1")
    organizer.get_by_role("button", name="保存").click()
    organizer.wait_for_url(f"**/contests/manage/{SLUG}/")
    organizer.get_by_label("赛项名称").fill("数据分析")
    organizer.get_by_role("button", name="添加赛项").click()
    organizer.wait_for_load_state("networkidle")
    task_form = organizer.locator("form", has=organizer.get_by_role("button", name="添加任务"))
    task_form.locator("input[name=title]").fill("产线数据清洗与看板")
    organizer.get_by_role("button", name="添加任务").click()
    organizer.wait_for_load_state("networkidle")
    for kind, description, points in (("measurement", "清洗结果正确", "40"), ("judgement", "看板表达清晰", "60")):
        item_form = organizer.locator("form", has=organizer.get_by_role("button", name="添加评分项"))
        item_form.locator("select[name=kind]").select_option(kind)
        item_form.locator("input[name=description]").fill(description)
        item_form.locator("input[name=points]").fill(points)
        item_form.get_by_role("button", name="添加评分项").click()
        organizer.wait_for_load_state("networkidle")

    # --- staff: two judges invited by mobile, one of them the chief; both accept ---------------
    organizer.get_by_role("link", name="工作人员与邀请").click()
    _invite(organizer, JUDGE, "钱国栋", "裁判")
    _invite(organizer, CHIEF, "吴振华", "裁判长")
    shot(organizer, "whole-staff-1280")
    judge, chief = new_page(), new_page(PHONE)
    login(judge, JUDGE, DEMO_PASSWORD)
    login(chief, CHIEF, DEMO_PASSWORD)
    _accept(judge)
    _accept(chief)

    # --- three learners register on phones; the organizer approves, tickets follow -------------
    phones = []
    for mobile in LEARNERS:
        phone = new_page(PHONE)
        login(phone, mobile, DEMO_PASSWORD)
        phone.goto(f"/contests/{SLUG}/")
        phone.get_by_label("报名赛项").select_option(label="数据分析")
        phone.get_by_role("button", name="提交报名").click()
        phone.get_by_text("报名已提交").wait_for()
        phones.append(phone)
    organizer.goto(f"/contests/manage/{SLUG}/")
    for _ in LEARNERS:
        organizer.get_by_role("button", name="通过").first.click()
        organizer.get_by_text("已通过并生成准考证").wait_for()
    organizer.get_by_role("button", name="抽取检录号").click()
    organizer.get_by_text("已抽取 3 个检录号").wait_for()
    phones[0].reload()
    phones[0].get_by_role("link", name="打印准考证").click()
    phones[0].get_by_text("准考证号", exact=True).wait_for()
    assert_fits(phones[0])
    shot(phones[0], "whole-ticket-375")

    # --- the live round, built on the console -----------------------------------------------------
    organizer.goto(f"/contests/manage/{SLUG}/")
    organizer.get_by_role("link", name="新建现场赛场次").click()
    organizer.get_by_label("场次名称").fill("理论现场赛")
    organizer.get_by_label("赛项").select_option(label="数据分析")
    organizer.get_by_role("button", name="创建场次").click()
    organizer.get_by_text("场次已创建").wait_for()
    _write_question(organizer, "全流程题一：MES 的中文名称是？", "制造执行系统\n企业资源计划\n客户关系管理", "A")
    _write_question(organizer, "全流程题二：OPC UA 主要用于？", "财务核算\n工业设备互联通信\n人事考勤", "B")
    organizer.get_by_text("场次题目（2 题）").wait_for()
    shot(organizer, "whole-round-editor-1280")
    from competitions.live.models import LiveRound

    live_round = LiveRound.objects.get(contest__slug=SLUG, title="理论现场赛")
    organizer.goto(f"/contests/manage/{SLUG}/")
    card = organizer.locator("article", has=organizer.get_by_role("heading", name="理论现场赛"))
    assert card.get_by_role("link", name="主持台").get_attribute("href") == f"/live/{live_round.pk}/host/"

    # --- the hall: host console, the big screen, three phones ----------------------------------
    card.get_by_role("link", name="主持台").click()
    host = organizer
    host.get_by_text("已连接").wait_for()
    screen = host.context.new_page()
    screen.set_viewport_size(HALL)
    screen.goto(f"/live/{live_round.pk}/screen/")
    for mobile, phone in zip(LEARNERS, phones, strict=True):
        ticket = Ticket.objects.get(registration__contest__slug=SLUG, registration__person__mobile=mobile)
        phone.goto(f"/live/{live_round.pk}/play/")
        phone.get_by_label("访问码").fill(ticket.access_code)
        phone.get_by_role("button", name="进入赛场").click()
        phone.get_by_text("候场中").wait_for()
    host.locator("#connected", has_text="3").wait_for()
    shot(screen, "whole-screen-lobby-1920")

    # 王小明 answers both right and first; 马晓燕 both right; 黄海波 one right.
    picks = {1: ("A. 制造执行系统", "A. 制造执行系统", "B. 企业资源计划"), 2: ("B. 工业设备互联通信",) * 3}
    for position in (1, 2):
        host.get_by_role("button", name="开启下一题").click()
        for phone, pick in zip(phones, picks[position], strict=True):
            phone.locator("#q-pos", has_text=f"第 {position} / 2 题").wait_for()
            phone.get_by_role("button", name=pick).click()
            phone.get_by_text("已提交，答案已保存").wait_for()
        host.locator("#answered", has_text="3").wait_for()
        shot(screen, f"whole-screen-question-{position}-1920")
        host.get_by_role("button", name="提前截止").click()
        host.get_by_role("button", name="揭晓答案").click()
        phones[0].get_by_text("回答正确").wait_for()
        shot(screen, f"whole-screen-reveal-{position}-1920")
        host.get_by_role("button", name="展示排行榜").click()
        screen.locator("#board li").first.wait_for()
    shot(host, "whole-host-1280")
    host.get_by_role("button", name="结束本场").click()
    host.get_by_role("dialog", name="确认结束本场？").get_by_role("button", name="确认结束").click()
    for phone in phones:
        phone.get_by_text("本场已结束").first.wait_for()
    shot(screen, "whole-screen-podium-1920")
    phones[2].reload()
    assert "本场已结束" in phones[2].locator("main").inner_text()
    assert "第 3 名" in phones[2].locator("main").inner_text()
    shot(phones[2], "whole-play-ended-375")

    # --- judges mark, the chief signs off ------------------------------------------------------------
    judge.goto("/contests/judge/")
    judge.get_by_role("link", name=f"{TITLE} · 数据分析").click()
    _fill_sheet(judge, ["38", "3", "35", "2", "30", "2"])
    chief.goto("/contests/judge/")
    chief.get_by_role("link", name=f"{TITLE} · 数据分析").click()
    _fill_sheet(chief, ["39", "3", "34", "2", "30", "1"])
    assert_fits(chief)
    shot(chief, "whole-judge-sheet-375")
    chief.get_by_role("button", name="签字确认").click()
    chief.get_by_text("已签字确认").first.wait_for()

    # --- results published (after a confirmation) ----------------------------------------------
    organizer.goto(f"/contests/manage/{SLUG}/")
    organizer.get_by_role("button", name="公布成绩").click()
    organizer.get_by_role("button", name="确认公布").click()
    organizer.get_by_text("成绩已公布").first.wait_for()

    # --- an appeal, decided by the organizer -----------------------------------------------------------
    phones[2].goto(f"/contests/{SLUG}/")
    phones[2].get_by_label("申诉理由").fill("第二道实操评分项可能漏看了看板中的趋势图。")
    phones[2].get_by_role("button", name="提出申诉").click()
    phones[2].get_by_text("申诉已提交").wait_for()
    organizer.goto(f"/contests/manage/{SLUG}/")
    organizer.get_by_label("仲裁意见").fill("复核录像，原评分无误，维持原成绩。")
    organizer.get_by_role("button", name="维持原成绩").click()
    organizer.get_by_text("申诉已处理").wait_for()
    phones[2].reload()
    assert "维持原成绩" in phones[2].locator("main").inner_text()
    # Her inbox has her result and the decision, newest first.
    phones[2].goto("/accounts/notices/")
    titles = phones[2].locator(".notice-title").all_inner_texts()
    assert titles[:2] == [f"申诉已处理：{TITLE}", f"成绩已公布：{TITLE}"], titles
    shot(phones[2], "whole-notices-375")

    # --- the winner's certificate verifies publicly; the talent index moved -----------------------
    from lms.models import Certificate

    phones[0].goto(f"/contests/{SLUG}/")
    phones[0].get_by_text("一等奖").first.wait_for()
    shot(phones[0], "whole-result-375")
    certificate = Certificate.objects.get(source="competitions.award", holder__mobile=LEARNERS[0])
    visitor = new_page()
    visitor.goto(f"/learn/verify/{certificate.verify_code}/")
    visitor.get_by_text("一等奖").first.wait_for()
    shot(visitor, "whole-certificate-verified-1280")
    assert _index(LEARNERS[0]) - before == Decimal(30)  # city level 30 × 一等奖 1.0 (talent/formula.py)
