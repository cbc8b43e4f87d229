"""Vocabulary shared by every app: job groups, industries, roles, organization kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobGroup(models.TextChoices):
    OPERATOR = "operator", _("一线操作人员")
    BACKBONE = "backbone", _("技术骨干")
    MANAGER = "manager", _("管理人员")


class Industry(models.TextChoices):
    EQUIPMENT = "equipment", _("装备制造")
    CHEMICAL = "chemical", _("化工")
    TEXTILE = "textile", _("纺织服装")
    FOOD = "food", _("食品加工")
    AUTO = "auto", _("汽车及零部件")
    ELECTRONICS = "electronics", _("电子信息")
    METALLURGY = "metallurgy", _("冶金")
    BUILDING = "building", _("建材")
    PHARMA = "pharma", _("医药")
    LIGHT = "light", _("轻工")
    SOFTWARE = "software", _("软件和信息服务")
    EDUCATION = "education", _("教育培训")
    PUBLIC = "public", _("公共管理")
    OTHER = "other", _("其他")


class OrgKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    SCHOOL = "school", _("院校")
    TRAINING = "training", _("培训机构")
    ASSOCIATION = "association", _("行业协会")
    GOVERNMENT = "government", _("政府部门")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("微型")
    SMALL = "small", _("小型")
    MEDIUM = "medium", _("中型")
    LARGE = "large", _("大型")


class Role(models.TextChoices):
    LEARNER = "learner", _("学员")
    MENTOR = "mentor", _("企业导师")
    ENTERPRISE_ADMIN = "enterprise_admin", _("企业管理员")
    ORGANIZER = "organizer", _("赛事组织者")
    JUDGE = "judge", _("裁判")
    EDITOR = "editor", _("内容编辑")
    CITY_ADMIN = "city_admin", _("市级管理员")
    PROVINCE_ADMIN = "province_admin", _("省级管理员")


class RegionKind(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("地级市")
    DISTRICT = "district", _("区县")
    ZONE = "zone", _("开发区")


# Shandong's 16 prefecture-level cities with their administrative division codes.
SHANDONG_CITIES: tuple[tuple[str, str, str], ...] = (
    ("370100", "济南", "Jinan"),
    ("370200", "青岛", "Qingdao"),
    ("370300", "淄博", "Zibo"),
    ("370400", "枣庄", "Zaozhuang"),
    ("370500", "东营", "Dongying"),
    ("370600", "烟台", "Yantai"),
    ("370700", "潍坊", "Weifang"),
    ("370800", "济宁", "Jining"),
    ("370900", "泰安", "Tai'an"),
    ("371000", "威海", "Weihai"),
    ("371100", "日照", "Rizhao"),
    ("371300", "临沂", "Linyi"),
    ("371400", "德州", "Dezhou"),
    ("371500", "聊城", "Liaocheng"),
    ("371600", "滨州", "Binzhou"),
    ("371700", "菏泽", "Heze"),
)


class SkillDomain(models.TextChoices):
    """Digital-skill domains shared by courses, questions, contests and talent profiles."""

    INDUSTRIAL_INTERNET = "industrial_internet", _("工业互联网")
    DATA_ANALYSIS = "data_analysis", _("数据分析")
    AI_APPLICATIONS = "ai_applications", _("人工智能应用")
    INDUSTRIAL_ROBOTICS = "industrial_robotics", _("工业机器人")
    DIGITAL_DESIGN = "digital_design", _("数字化设计")
    CYBERSECURITY = "cybersecurity", _("网络安全")
    SMART_MANUFACTURING = "smart_manufacturing", _("智能制造")
    DIGITAL_OPERATIONS = "digital_operations", _("数字化运营管理")


class CourseLevel(models.TextChoices):
    BEGINNER = "beginner", _("入门")
    INTERMEDIATE = "intermediate", _("进阶")
    ADVANCED = "advanced", _("高级")


class NoticeKind(models.TextChoices):
    """What a notice is about; a person chooses email and SMS per kind (站内 always)."""

    REGISTRATION = "registration", _("竞赛报名审核")
    TICKET = "ticket", _("准考证")
    GRADING = "grading", _("阅卷结果")
    WORKLOG = "worklog", _("工学日志审核")
    EVALUATION = "evaluation", _("技能等级认定")
    INVITATION = "invitation", _("工作邀请")
    MATCH = "match", _("企业需求匹配")
    SHORTLIST = "shortlist", _("领军人才遴选")
    RESULTS = "results", _("竞赛成绩与申诉")
    DEADLINE = "deadline", _("截止提醒")
    SYSTEM = "system", _("平台通知")


class NoticeLevel(models.TextChoices):
    INFO = "info", _("消息")
    SUCCESS = "success", _("好消息")
    WARNING = "warning", _("请注意")
    ERROR = "error", _("未通过")
