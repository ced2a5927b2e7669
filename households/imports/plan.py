"""From checked rows to a plan: cross-row checks, checks against the database, the preview counts, and the write.

The same ``plan_build`` feeds the preview (outside a transaction) and the commit (inside one, with the matched
households locked), so the preview counts are what the commit does. A plan never merges: an ID number already
present in another household is an error, never a move.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import User
from core import bulk
from core.lookups import AnyOf
from core.stored import stored
from geo.codes import AreaLevel
from geo.models import AdminArea
from households import idnumbers
from households.area_events import households_areas_recorded
from households.choices import AreaField, Gender, HouseholdFlagKind, MemberStatus, Relationship
from households.facts import facts_refresh_households
from households.imports.columns import BY_KEY, FLAG_KEYS, HOUSEHOLD_COLUMNS
from households.imports.reading import Row, RowError, Sheet, row_error
from households.models import Household, HouseholdFlag, HouseholdMember

CHANGE_REASON: Final = "Excel 导入"
# Households per lookup (bound as one array, ``AnyOf``): a bucket of a county's file (some 2,000 households) in one.
BATCH: Final = 5000

# What an update may rewrite. Fields of columns missing from the file are left as they are.
HOUSEHOLD_FIELDS: Final = (
    "managing_area",
    "residence_area",
    "hukou_area",
    "co_managing_area",
    "address",
    "phone",
    "exit_year",
    "head",
    "head_name",
    "updated_at",
)
MEMBER_FIELDS: Final = (
    "name",
    "gender",
    "birth_date",
    "relationship",
    "ethnicity",
    "health_status",
    "labour_capacity",
    "schooling_status",
    "disability_grade",
    "medical_insurance_enrolled",
    "member_status",
    "status_changed_on",
)
# Member columns that map one to one onto a HouseholdMember field.
_MEMBER_COLUMNS: Final = (
    "name",
    "relationship",
    "ethnicity",
    "health_status",
    "labour_capacity",
    "schooling_status",
    "disability_grade",
    "medical_insurance_enrolled",
    "member_status",
)
# What a plan compares of a registered member, read as values: a county's monthly re-import compares some 214,000
# members, and read as model objects they cost 2.5 s a pass (validation, then commit). Members that change are read
# whole afterwards (``_changed_members``), for their write and its history.
_STORED_MEMBER: Final = ("pk", "household_id", "id_number", "gender", "birth_date", *_MEMBER_COLUMNS)

_T = TypeVar("_T")


def chunks(items: Iterable[_T], size: int = BATCH) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class HouseholdRows:
    household_no: str
    rows: list[Row]

    @property
    def first(self) -> Row:
        return self.rows[0]

    @property
    def head(self) -> Row | None:
        heads = [row for row in self.rows if row["relationship"] == Relationship.HEAD]
        return heads[0] if len(heads) == 1 else None


@dataclass
class Plan:
    """What a commit writes. Objects are unsaved (new) or changed in memory (updates); nothing is written until
    ``plan_apply``."""

    errors: list[RowError] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    new_households: list[Household] = field(default_factory=list)
    changed_households: list[Household] = field(default_factory=list)
    new_members: list[HouseholdMember] = field(default_factory=list)
    changed_members: list[HouseholdMember] = field(default_factory=list)  # read whole by a commit's plan only
    member_changes: dict[int, dict[str, Any]] = field(default_factory=dict)  # a registered member's id → changes
    # household_no → its head, for new and changed heads: a new member, or a registered member's id
    heads: dict[str, HouseholdMember | int] = field(default_factory=dict)
    new_flags: list[HouseholdFlag] = field(default_factory=list)
    closed_flags: list[HouseholdFlag] = field(default_factory=list)
    # Registered households whose areas the file changes: {area field: (old id, new id)}, for their events
    moved: list[tuple[Household, dict[str, tuple[int | None, int | None]]]] = field(default_factory=list)

    def summary(self) -> dict[str, int]:
        keys = (
            "households_created",
            "households_updated",
            "households_unchanged",
            "members_created",
            "members_updated",
            "members_unchanged",
            "flags_opened",
            "flags_closed",
        )
        return {key: self.counts[key] for key in keys}


# ------------------------------------------------------------------------------------------------ file-only checks


def group_households(sheet: Sheet) -> tuple[dict[str, HouseholdRows], list[RowError]]:
    """Group member rows by 户编号 and check what the file alone can show: household columns agree on every row of
    a household and exactly one present 户主 per household. (No ID number twice in the file is checked as the file
    is read: ``duplicate_ids``.)"""
    errors: list[RowError] = []
    groups: dict[str, HouseholdRows] = {}
    for row in sheet.rows:
        if row.ok("household_no"):
            groups.setdefault(row["household_no"], HouseholdRows(row["household_no"], [])).rows.append(row)

    present = [column for column in HOUSEHOLD_COLUMNS if sheet.has(column.key) and column.key != "household_no"]
    keys = [column.key for column in present]
    for group in groups.values():
        first = group.first
        agreed = [first.values.get(key) for key in keys]
        for row in group.rows[1:]:
            if not row.bad and not first.bad and [row.values.get(key) for key in keys] == agreed:
                continue  # the usual row: every household column as on the first row (a county's file: 150,000)
            for column in present:
                if row.ok(column.key) and first.ok(column.key) and row[column.key] != first[column.key]:
                    errors.append(
                        row_error(
                            row.number,
                            column,
                            stored(
                                gettext_noop(
                                    "与第 %(first)s 行不一致：同一户编号“%(number)s”的“%(column)s”"
                                    "分别为“%(one)s”和“%(other)s”"
                                ),
                                first=first.number,
                                number=group.household_no,
                                column=column.header,
                                one=_shown(first[column.key]),
                                other=_shown(row[column.key]),
                            ),
                        )
                    )
        errors.extend(_head_errors(group))
    return groups, errors


def duplicate_ids(row: Row, first_seen: dict[str, int]) -> RowError | None:
    """An ID number met before in the same file (SPEC §2.6: one person, one row); ``first_seen`` is the file's."""
    if not row.ok("id_number"):
        return None
    number = row["id_number"]
    if number in first_seen:
        return row_error(
            row.number,
            BY_KEY["id_number"],
            stored(gettext_noop("与第 %(row)s 行的身份证号重复"), row=first_seen[number]),
        )
    first_seen[number] = row.number
    return None


def _shown(value: object) -> str:
    if value is None or value == "":
        return "空"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _head_errors(group: HouseholdRows) -> list[RowError]:
    column = BY_KEY["relationship"]
    if not all(row.ok("relationship") for row in group.rows):
        return []  # the bad cell is reported already; counting heads now would only add noise
    heads = [row for row in group.rows if row["relationship"] == Relationship.HEAD]
    if not heads:
        rows = "、".join(str(row.number) for row in group.rows)
        message = stored(
            gettext_noop("户编号“%(number)s”没有户主（第 %(rows)s 行）"), number=group.household_no, rows=rows
        )
        return [row_error(group.first.number, column, message)]
    errors = [
        row_error(
            row.number,
            column,
            stored(
                gettext_noop("户编号“%(number)s”有 %(heads)s 名户主（另见第 %(row)s 行）"),
                number=group.household_no,
                heads=len(heads),
                row=heads[0].number,
            ),
        )
        for row in heads[1:]
    ]
    head = heads[0]
    if head.ok("member_status") and head["member_status"] not in (None, MemberStatus.PRESENT):  # None: no column
        errors.append(row_error(head.number, BY_KEY["member_status"], stored(gettext_noop("户主须为在户成员"))))
    return errors


# ------------------------------------------------------------------------------------------- the database, the plan


def importable_villages(*, actor: User, area: AdminArea) -> dict[str, AdminArea]:
    """The villages rows may name: inside the job's area and visible to the importing user, still in use."""
    villages = (
        AdminArea.objects.visible_to(actor)
        .filter(code__startswith=area.prefix, level=AreaLevel.VILLAGE)
        .active()
        .select_related("parent")
    )
    return {village.code: village for village in villages}


def plan_build(sheet: Sheet, *, actor: User, area: AdminArea, lock: bool = False) -> Plan:
    """Check the rows against the database and work out what to create, update or leave alone (SPEC §2.6:
    one head, one household per person). ``lock`` (inside the commit's transaction) locks matched households and
    reads whole the members the plan changes, for the write; without it the plan is the preview's, to count."""
    plan = Plan(errors=list(sheet.errors))
    groups, errors = group_households(sheet)
    plan.errors.extend(errors)
    if not groups:
        return plan
    today = timezone.localdate()
    villages = importable_villages(actor=actor, area=area)
    hukou_codes = {g.first["hukou_code"] for g in groups.values() if g.first.ok("hukou_code")} - {None}
    hukou_areas = {a.code: a for a in AdminArea.objects.filter(code__in=hukou_codes)}
    existing = existing_households(list(groups), actor=actor, area=area, lock=lock)
    members = _members_of(existing.values())
    open_flags = _open_flags(existing.values())
    present_elsewhere = _present_households(sheet)

    rows_with_errors = {error.row for error in plan.errors}
    for number, group in groups.items():
        household = existing.get(number)
        household_errors = _household_errors(group, household, villages, hukou_areas)
        household_errors.extend(_id_errors(group, present_elsewhere))
        plan.errors.extend(household_errors)
        if household_errors or any(row.number in rows_with_errors for row in group.rows):
            continue  # not planned: a file with errors is never committed, and the counts would mislead
        _plan_household(
            plan,
            sheet,
            group,
            household if isinstance(household, Household) else None,
            village=villages[group.first["village_code"]],
            hukou_areas=hukou_areas,
            members=members.get(household.pk, {}) if isinstance(household, Household) else {},
            open_flags=open_flags,
            today=today,
        )
    if lock:  # only a commit writes them; the preview counts them
        plan.changed_members = _changed_members(plan.member_changes)
    plan.errors.sort()
    return plan


def existing_households(
    numbers: Sequence[str], *, actor: User, area: AdminArea, lock: bool, with_head: bool = False
) -> dict[str, Any]:
    """Households already registered under these numbers. The value is the Household when the user may update it
    (visible to them and managed inside the job's area), else the string "elsewhere". ``with_head`` reads each
    household's head beside it (the income import checks the head's ID number)."""
    found: dict[str, Any] = {}
    for batch in chunks(numbers):
        registered = Household.objects.filter(AnyOf("household_no", batch)).order_by()
        for number in registered.values_list("household_no", flat=True):
            found[number] = "elsewhere"
        editable = (  # locked in the order of their numbers (Household's ordering), as any other import locks them
            Household.objects.visible_to(actor)
            .filter(AnyOf("household_no", batch), managing_area__code__startswith=area.prefix)
            .select_related("managing_area", *(["head"] if with_head else []))
        )
        if lock:
            editable = editable.select_for_update(of=("self",))
        for household in editable:
            found[household.household_no] = household
    return found


def _members_of(households: Iterable[Any]) -> dict[int, dict[str, dict[str, Any]]]:
    """Members by household and ID number, as the values a plan compares (``_STORED_MEMBER``); of two records with
    one number, the present one (then the newest)."""
    ids = [h.pk for h in households if isinstance(h, Household)]
    by_household: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for batch in chunks(ids):
        for member in (
            HouseholdMember.objects.filter(AnyOf("household_id", batch)).order_by("pk").values(*_STORED_MEMBER)
        ):
            known = by_household[member["household_id"]].get(member["id_number"])
            present = member["member_status"] == MemberStatus.PRESENT
            if known is None or present or known["member_status"] != MemberStatus.PRESENT:
                by_household[member["household_id"]][member["id_number"]] = member
    return by_household


def _changed_members(changes: dict[int, dict[str, Any]]) -> list[HouseholdMember]:
    """The registered members a plan changes, read whole and changed in memory: ``{id: {field: new value}}``."""
    members = []
    for batch in chunks(list(changes)):
        for member in HouseholdMember.objects.filter(AnyOf("pk", batch)).order_by("pk"):
            for name, value in changes[member.pk].items():
                setattr(member, name, value)
            members.append(member)
    return members


def _open_flags(households: Iterable[Any]) -> dict[tuple[int, str], HouseholdFlag]:
    ids = [h.pk for h in households if isinstance(h, Household)]
    flags: dict[tuple[int, str], HouseholdFlag] = {}
    for batch in chunks(ids):
        for flag in HouseholdFlag.objects.filter(
            AnyOf("household_id", batch), kind__in=FLAG_KEYS, valid_to__isnull=True
        ).order_by():  # (the flags' own order joins their households)
            flags[(flag.household_id, flag.kind)] = flag
    return flags


def _present_households(sheet: Sheet) -> dict[str, str]:
    """ID number → 户编号 of the household where it is a present member today (SPEC §2.6: one at a time). The
    bucket's numbers go as one array, to the present members' unique index alone; the few households found are read
    after (joined in the same statement, a bucket's thousands of numbers would make PostgreSQL hash every household)."""
    numbers = [row["id_number"] for row in sheet.rows if row.ok("id_number")]
    present = dict(
        HouseholdMember.objects.filter(AnyOf("id_number", numbers), member_status=MemberStatus.PRESENT)
        .order_by()
        .values_list("id_number", "household_id")
    )
    if not present:
        return {}
    numbered = dict(
        Household.objects.filter(AnyOf("pk", set(present.values()))).order_by().values_list("pk", "household_no")
    )
    return {number: numbered[household] for number, household in present.items()}


def _household_errors(
    group: HouseholdRows, household: Any, villages: dict[str, AdminArea], hukou_areas: dict[str, AdminArea]
) -> list[RowError]:
    """Errors of the household columns against the database, reported once, on the household's first row."""
    first = group.first
    errors = []
    if household == "elsewhere":
        errors.append(
            row_error(
                first.number,
                BY_KEY["household_no"],
                stored(gettext_noop("该户编号已在本次导入范围以外登记，不能在此导入或修改")),
            )
        )
    elif isinstance(household, Household) and household.closed_on is not None:
        message = stored(gettext_noop("该户已于 %(date)s 注销，不能导入"), date=str(household.closed_on))
        errors.append(row_error(first.number, BY_KEY["household_no"], message))
    code = first["village_code"]
    if first.ok("village_code") and code not in villages:
        message = stored(gettext_noop("“%(code)s”不是您本次导入范围内的行政村"), code=code)
        errors.append(row_error(first.number, BY_KEY["village_code"], message))
    code = first["hukou_code"]
    if first.ok("hukou_code") and code is not None and code not in hukou_areas:
        message = stored(gettext_noop("“%(code)s”不是系统中的区划代码"), code=code)
        errors.append(row_error(first.number, BY_KEY["hukou_code"], message))
    return errors


def _id_errors(group: HouseholdRows, present_elsewhere: dict[str, str]) -> list[RowError]:
    """A person present in another household is reported, never moved (SPEC §2.6). Rows that register someone as
    no longer present (死亡, 迁出 …) do not claim the person and pass."""
    errors = []
    for row in group.rows:
        if not row.ok("id_number", "member_status") or row["member_status"] not in (None, MemberStatus.PRESENT):
            continue
        other = present_elsewhere.get(row["id_number"])
        if other is not None and other != group.household_no:
            errors.append(
                row_error(
                    row.number,
                    BY_KEY["id_number"],
                    stored(gettext_noop("该身份证号已在户 %(number)s 登记为在户成员，不能重复登记"), number=other),
                )
            )
    return errors


def _plan_household(
    plan: Plan,
    sheet: Sheet,
    group: HouseholdRows,
    household: Household | None,
    *,
    village: AdminArea,
    hukou_areas: dict[str, AdminArea],
    members: dict[str, dict[str, Any]],
    open_flags: dict[tuple[int, str], HouseholdFlag],
    today: datetime.date,
) -> None:
    first = group.first
    head_row = group.head
    member_keys = [key for key in _MEMBER_COLUMNS if sheet.has(key)]
    assert head_row is not None  # _head_errors passed
    wanted: dict[str, Any] = {"head_name": head_row["name"]}
    if household is None or not household.managing_area.code.startswith(village.code):
        # A household managed by a group (村民小组) of this village stays where it is.
        wanted.update(managing_area_id=village.pk, residence_area_id=village.pk)
    if sheet.has("hukou_code"):
        hukou = hukou_areas.get(first["hukou_code"] or "")
        wanted["hukou_area_id"] = hukou.pk if hukou else None
        wanted["co_managing_area_id"] = hukou.pk if hukou and hukou.pk != village.pk else None
    for key in ("address", "phone", "exit_year"):
        if sheet.has(key):
            wanted[key] = first[key]

    if household is None:
        household = bulk.unsaved(Household, household_no=group.household_no, **wanted)
        plan.new_households.append(household)
        plan.counts["households_created"] += 1
        household_changed = True
    else:
        changed = {name for name, value in wanted.items() if getattr(household, name) != value}
        areas = {
            name: (getattr(household, f"{name}_id"), wanted[f"{name}_id"])
            for name in AreaField.values
            if f"{name}_id" in changed
        }
        if areas:
            plan.moved.append((household, areas))
        for name in changed:
            setattr(household, name, wanted[name])
        household_changed = bool(changed)

    head: HouseholdMember | int | None = None
    for row in group.rows:
        stored = members.get(row["id_number"])
        member = _plan_member(plan, member_keys, row, household, stored, today)
        if row is head_row:
            head = member
    assert head is not None
    if household.pk is None or household.head_id != _id(head) or _id(head) is None:
        plan.heads[group.household_no] = head
        household_changed = True

    flags_changed = _plan_flags(plan, sheet, first, household, open_flags, today)
    if household.pk is not None:
        if household_changed:
            plan.changed_households.append(household)
        key = "households_updated" if household_changed or flags_changed else "households_unchanged"
        plan.counts[key] += 1


def _plan_member(
    plan: Plan,
    member_keys: Sequence[str],
    row: Row,
    household: Household,
    stored: dict[str, Any] | None,
    today: datetime.date,
) -> HouseholdMember | int:
    """A new member (unsaved), or the id of the registered member the row is, whose changes go to
    ``plan.member_changes``."""
    facts = idnumbers.encoded(row["id_number"])  # the reading checked it (a row with an error is never planned)
    wanted: dict[str, Any] = {
        "gender": Gender.MALE if facts.is_male else Gender.FEMALE,  # derived from the ID, never read (SPEC §2.2)
        "birth_date": facts.birth_date,
    }
    values = row.values
    for key in member_keys:
        wanted[key] = values.get(key)
    if stored is None:
        member = bulk.unsaved(HouseholdMember, household=household, id_number=row["id_number"], **wanted)
        plan.new_members.append(member)
        plan.counts["members_created"] += 1
        return member
    changed = {name: value for name, value in wanted.items() if stored[name] != value}
    if "member_status" in changed:
        changed["status_changed_on"] = today
    if changed:
        plan.member_changes[stored["pk"]] = changed
    plan.counts["members_updated" if changed else "members_unchanged"] += 1
    return stored["pk"]


def _id(member: HouseholdMember | int) -> int | None:
    return member if isinstance(member, int) else member.pk


def _plan_flags(
    plan: Plan,
    sheet: Sheet,
    first: Row,
    household: Household,
    open_flags: dict[tuple[int, str], HouseholdFlag],
    today: datetime.date,
) -> bool:
    """是 opens the flag if it is not open (SPEC §2.4, effective-dated); 否 or blank ends an open one."""
    changed = False
    for kind in FLAG_KEYS:
        if not sheet.has(kind):
            continue
        flag = open_flags.get((household.pk, kind)) if household.pk is not None else None
        if first[kind] and flag is None:
            year = first["exit_year"] if kind == HouseholdFlagKind.EXITED_POOR and first["exit_year"] else today.year
            plan.new_flags.append(
                bulk.unsaved(
                    HouseholdFlag,
                    household=household,
                    kind=kind,
                    valid_from=datetime.date(year, 1, 1),
                    note=CHANGE_REASON,
                )
            )
            plan.counts["flags_opened"] += 1
            changed = True
        elif not first[kind] and flag is not None:
            flag.valid_to = max(today, flag.valid_from)
            plan.closed_flags.append(flag)
            plan.counts["flags_closed"] += 1
            changed = True
    return changed


def plan_apply(plan: Plan, *, actor: User) -> None:
    """Write a plan without errors. Call inside ``transaction.atomic``: households and their heads point at each
    other, so new households are inserted, then members, then the heads are set. Every write leaves a
    django-simple-history row by ``actor`` with the reason "Excel 导入"; unchanged rows are not touched."""
    assert not plan.errors
    who: dict[str, Any] = {"user": actor, "reason": CHANGE_REASON}
    if bulk.allocate_ids(Household, plan.new_households) and bulk.allocate_ids(HouseholdMember, plan.new_members):
        # Every id is known (PostgreSQL): new households are written once, with their heads; the head's row follows
        # in the same transaction, where foreign keys are checked at commit.
        _set_heads(plan, plan.new_households)
        bulk.insert_with_history(Household, plan.new_households, **who)
        bulk.insert_with_history(HouseholdMember, plan.new_members, **who)
    else:  # ids come with the insert: the households first, then their members, then the heads
        bulk.insert(Household, plan.new_households)
        bulk.insert_with_history(HouseholdMember, plan.new_members, **who)
        _set_heads(plan, plan.new_households)
        bulk.update(Household, plan.new_households, ["head"])
        bulk.insert_history(Household, plan.new_households, **who)
    _set_heads(plan, plan.changed_households)
    bulk.update_with_history(HouseholdMember, plan.changed_members, MEMBER_FIELDS, **who)
    if plan.changed_households:
        now = timezone.now()
        for household in plan.changed_households:
            household.updated_at = now
        bulk.update_with_history(Household, plan.changed_households, HOUSEHOLD_FIELDS, **who)
    bulk.insert_with_history(HouseholdFlag, plan.new_flags, **who)
    bulk.update_with_history(HouseholdFlag, plan.closed_flags, ["valid_to"], **who)
    # A household the file moves leaves its events (a transfer to another village) and takes its open problems along.
    households_areas_recorded(plan.moved, actor=actor, reason=CHANGE_REASON)
    # The imported households' facts, set-based in the same transaction (a county's file: chunks of households).
    touched = [h.pk for h in (*plan.new_households, *plan.changed_households)]
    touched += [m.household_id for m in (*plan.new_members, *plan.changed_members)]
    touched += [f.household_id for f in (*plan.new_flags, *plan.closed_flags)]
    facts_refresh_households(touched)  # one bucket of the file: a few thousand households at most


def _set_heads(plan: Plan, households: Iterable[Household]) -> None:
    for household in households:
        head = plan.heads.get(household.household_no)
        if head is not None:
            household.head_id = _id(head)
