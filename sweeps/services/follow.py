"""Open four-checks problems and department warnings follow their household's life (SPEC §2.6, §6.5, §7.5): a
problem stores its place (village, township and the codes the jurisdiction filter reads), so when a household is
transferred, or its village merged, the problems still open move with it to the new managing area — the new village
rectifies them, the old one keeps the closed ones as history. Member-level items follow the person in a split or
a merge (分户/并户), and an absorbed household's own open problems go to the survivor. The registry announces these
moves through its signals (``households.services.life``); nothing here decides them."""

from django.db import transaction
from django.utils import timezone

from geo.codes import AreaLevel, ancestor_code
from geo.models import AdminArea
from households.models import Household
from sweeps.models import Problem, ScreeningWarning


@transaction.atomic
def problems_follow_households(*, household_ids: list[int]) -> int:
    """Rewrite the place of the open problems of these households from their current areas; set-based by place
    (a merged village's households share one). Returns how many problems moved."""
    if not household_ids:
        return 0
    by_place: dict[tuple[int, str, str], list[int]] = {}
    rows = Household.objects.filter(pk__in=household_ids).values_list(
        "pk", "managing_area_id", "managing_area__code", "co_managing_area__code"
    )
    for pk, area_id, code, co_code in rows:
        by_place.setdefault((area_id, code, co_code or ""), []).append(pk)
    townships = {
        area.code: area.pk
        for area in AdminArea.objects.filter(
            code__in={ancestor_code(code, AreaLevel.TOWNSHIP) for _id, code, _co in by_place}
        )
    }
    moved = 0
    now = timezone.now()
    for (area_id, code, co_code), pks in by_place.items():
        stale = (
            Problem.objects.filter(Problem.open_q(), household_id__in=pks)
            .exclude(area_id=area_id, area_code=code, co_area_code=co_code)
            .values_list("pk", flat=True)
        )
        moved += Problem.objects.filter(pk__in=list(stale)).update(
            area_id=area_id,
            area_code=code,
            co_area_code=co_code,
            township_id=townships[ancestor_code(code, AreaLevel.TOWNSHIP)],
            updated_at=now,
        )
    return moved


@transaction.atomic
def items_follow_members(*, source: Household, target: Household, members: dict[int, int]) -> dict[str, int]:
    """Members registered anew in ``target`` (old member id → new member id): their open problems and warnings go
    with them; then the place of the target's open problems is brought up to date."""
    problems = warnings = 0
    for old, new in members.items():
        # An open member-level problem belongs to its member's household (the sweep writes it so, and moves keep it
        # so): read by that household's index, since the member key has none (an index on it cost a county's first
        # sweep 0.3–0.6 s, its ratio 4.7–4.9× → 5.1–5.2×, measured 2026-12-05).
        problems += Problem.objects.filter(Problem.open_q(), household_id=source.pk, member_id=old).update(
            member_id=new, household=target, updated_at=timezone.now()
        )
        warnings += ScreeningWarning.objects.filter(ScreeningWarning.open_q(), member_id=old).update(
            member_id=new, household=target
        )
    problems_follow_households(household_ids=[target.pk])
    return {"problems": problems, "warnings": warnings}


@transaction.atomic
def items_follow_merge(*, absorbed: Household, survivor: Household) -> dict[str, list[int]]:
    """The absorbed household's own open problems and warnings go to the survivor (its members' ones went with
    them already)."""
    problem_ids = list(Problem.objects.filter(Problem.open_q(), household=absorbed).values_list("pk", flat=True))
    warning_ids = list(
        ScreeningWarning.objects.filter(ScreeningWarning.open_q(), household=absorbed).values_list("pk", flat=True)
    )
    Problem.objects.filter(pk__in=problem_ids).update(household=survivor, updated_at=timezone.now())
    ScreeningWarning.objects.filter(pk__in=warning_ids).update(household=survivor)
    problems_follow_households(household_ids=[survivor.pk])
    return {"problems": problem_ids, "warnings": warning_ids}
