"""What each line department screens (SPEC §6.1): the event types of its quarterly list, each mapped to the risk
type the warning suggests (SPEC §4.3). One table: the upload validates against it, the template lists it, and the
warning shows its label."""

from dataclasses import dataclass
from typing import Final

from accounts.roles import Department


@dataclass(frozen=True)
class EventType:
    code: str
    label: str
    risk_type: str  # a monitoring RiskType value, or "" for a registry update


EVENT_TYPES: Final[dict[str, tuple[EventType, ...]]] = {
    Department.HEALTH: (
        EventType("serious_illness", "确诊大病重病", "illness"),
        EventType("disease_37", "37 种大病专项救治", "illness"),
        EventType("chronic_disease", "重特大慢性病", "illness"),
    ),
    Department.MEDICAL_SECURITY: (
        EventType("high_out_of_pocket", "合规医疗费用个人自付较高", "illness"),
        EventType("not_enrolled", "未参加基本医疗保险", "medical_security"),
    ),
    Department.CIVIL_AFFAIRS: (
        EventType("new_subsistence", "新增低保", "other"),
        EventType("removed_subsistence", "退出低保", "other"),
        EventType("new_destitute", "新增特困供养", "other"),
        EventType("temporary_assistance", "临时救助", "other"),
        EventType("near_subsistence", "低保边缘家庭", "other"),
        EventType("death", "死亡", ""),
    ),
    Department.HOUSING: (
        EventType("unsafe_house", "农村危房", "housing"),
        EventType("disaster_damaged_house", "因灾受损住房", "housing"),
    ),
    Department.DISABLED_FEDERATION: (
        EventType("new_disability", "新增残疾", "disability"),
        EventType("severe_disability", "重度残疾", "disability"),
        EventType("multiple_disabled", "一户多残", "disability"),
    ),
    Department.EDUCATION: (
        EventType("dropout", "义务教育阶段失学辍学", "compulsory_education"),
        EventType("college_students", "供养 2 个以上大学生", "education"),
        EventType("student_aid", "享受学生资助", "education"),
    ),
    Department.HUMAN_RESOURCES: (
        EventType("job_loss", "失业", "unstable_employment"),
        EventType("returned_migrant", "返乡未就业", "unstable_employment"),
    ),
    Department.WATER: (
        EventType("supply_interruption", "供水中断", "drinking_water"),
        EventType("water_quality", "水质不达标", "drinking_water"),
    ),
    Department.EMERGENCY: (EventType("disaster_affected", "受灾", "disaster"),),
    Department.PUBLIC_SECURITY: (
        EventType("death", "死亡注销", ""),
        EventType("hukou_moved", "户籍迁移", ""),
        EventType("birth", "出生登记", ""),
    ),
    Department.AGRICULTURE: (
        EventType("crop_loss", "种养殖损失", "business_failure"),
        EventType("price_fall", "农产品价格下跌", "market_fluctuation"),
    ),
}


def event_type(department: str, code: str) -> EventType | None:
    return next((kind for kind in EVENT_TYPES.get(department, ()) if kind.code == code), None)


def event_type_by_label(department: str, text: str) -> EventType | None:
    """A cell may hold the code or the Chinese label."""
    text = text.strip()
    return next((kind for kind in EVENT_TYPES.get(department, ()) if text in (kind.code, kind.label)), None)
