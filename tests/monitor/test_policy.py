"""The one rights table: what each role may do, and what the local operator may not."""

from monitor.policy import ROLE_RIGHTS, Right, can, operator_actor, system_actor, user_actor


def test_a_monitor_sees_and_decides_but_does_not_export_or_administer() -> None:
    monitor = user_actor("sari", "monitor", 1)
    assert can(monitor, Right.VIEW_QUEUE) and can(monitor, Right.DECIDE)
    assert not any(can(monitor, r) for r in (Right.EXPORT, Right.SECOND_REVIEW, Right.MANAGE_USERS))


def test_a_lead_second_reviews_exports_and_reads_confidential_reports() -> None:
    lead = user_actor("budi", "lead", 2)
    assert all(can(lead, r) for r in (Right.SECOND_REVIEW, Right.EXPORT, Right.VIEW_REPORTS,
                                      Right.BREAK_HOLD, Right.VIEW_DASHBOARD))
    assert not can(lead, Right.PROMOTE) and not can(lead, Right.MANAGE_USERS)


def test_the_data_team_trains_and_labels_but_does_not_decide() -> None:
    data = user_actor("dina", "data", 3)
    assert can(data, Right.TRAIN) and can(data, Right.PROMOTE) and can(data, Right.LABEL)
    assert not can(data, Right.DECIDE) and not can(data, Right.VIEW_REPORTS)


def test_an_admin_may_do_everything() -> None:
    assert ROLE_RIGHTS["admin"] == frozenset(Right)


def test_the_local_operator_administers_but_decides_only_while_no_user_exists() -> None:
    alone, shared = operator_actor(users_exist=False), operator_actor(users_exist=True)
    assert can(alone, Right.DECIDE)
    assert not can(shared, Right.DECIDE) and not can(shared, Right.PROMOTE)
    assert can(shared, Right.MANAGE_USERS) and can(shared, Right.IMPORT)


def test_the_scheduler_only_collects() -> None:
    scheduler = system_actor()
    assert can(scheduler, Right.SCRAPE) and not can(scheduler, Right.DECIDE)


def test_leads_follow_cases_up_and_monitors_do_not_see_them() -> None:
    lead, monitor = user_actor("budi", "lead", 2), user_actor("sari", "monitor", 1)
    assert can(lead, Right.VIEW_CASES) and can(lead, Right.MANAGE_CASES)
    assert not can(monitor, Right.VIEW_CASES) and not can(monitor, Right.MANAGE_CASES)
    shared = operator_actor(users_exist=True)
    assert can(shared, Right.VIEW_CASES) and not can(shared, Right.MANAGE_CASES)
