"""Step 6, review and save: the readiness checklist, the documents, the status."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Markdown, OptionList, Static, TabbedContent

from clientexit.core import render
from clientexit.core.model import Incident, RedFlag, Status
from clientexit.core.rules import Step
from clientexit.core.store import save_case
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.wizard import WizardScreen
from clientexit.tui.widgets.step_review import ReviewStep

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
NORTHWIND = "northwind-realty-group-2026-12-07.toml"
KETTLE = "the-copper-kettle-cafe-2026-11-10.toml"
SENTINEL = "SENTINEL-INTERNAL-NOTE-7f3a"


def copy_sample(tmp_path: Path, name: str = NORTHWIND) -> Path:
    target = tmp_path / name
    shutil.copy(SAMPLES / name, target)
    return target


async def open_review(app: ClientExitApp, pilot: Pilot, path: Path) -> WizardScreen:
    app.open_case(path, step=Step.REVIEW)
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    screen.query_one("#checklist", OptionList).focus()
    await pilot.pause()
    return screen


def shown(screen: WizardScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def checklist_text(screen: WizardScreen) -> list[str]:
    checklist = screen.query_one("#checklist", OptionList)
    return [str(checklist.get_option_at_index(i).prompt) for i in range(checklist.option_count)]


async def test_findings_show_money_owed_first_with_the_step_that_fixes_it(
    tmp_path: Path,
) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot, copy_sample(tmp_path))
        items = checklist_text(screen)
        assert items[0].startswith("✗ 2,200.00 USD is still owed on 1 invoice.")
        assert "→ 1 Contract" in items[0]
        # Warnings come before advice.
        assert items[-1].startswith("~ The script has not been rehearsed.")
        assert "→ 5 Script" in items[-1]
        assert shown(screen, "#verdict") == "✗ Not ready yet: 2 warnings to fix"
        assert "Ready for the call" not in shown(screen, "#verdict")


async def test_a_case_with_no_warnings_is_ready_for_the_call(tmp_path: Path) -> None:
    # The café case, fixed up: the last invoice paid. Only advice could remain.
    path = copy_sample(tmp_path, KETTLE)
    case = load_case(path)
    for invoice in case.contract.invoices:
        invoice.paid = invoice.amount
    save_case(case, path)

    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot, path)
        assert shown(screen, "#verdict") == "✓ Ready for the call"
        assert screen.query_one("#verdict").has_class("-ready")
        assert not screen.query_one("#checklist").display
        assert "Nothing left to check" in shown(screen, "#verdict-detail")


async def test_choosing_a_finding_opens_the_step_that_fixes_it(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot, copy_sample(tmp_path))
        await pilot.press("enter")
        await pilot.pause()
        assert screen.current is Step.CONTRACT
        # The step's first field has the focus, ready to fix the finding.
        assert screen.focused is not None
        assert screen.pane(Step.CONTRACT) in screen.focused.ancestors

        # The last finding is the advice to rehearse, fixed on the script step.
        screen.show_step(Step.REVIEW)
        screen.query_one("#checklist", OptionList).focus()
        await pilot.press("end", "enter")
        await pilot.pause()
        assert screen.current is Step.SCRIPT


async def test_the_letter_names_the_contact_and_the_end_date(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(app, pilot, copy_sample(tmp_path))
        await pilot.pause()
        letter = screen.query_one("#letter-doc", Markdown).source
        assert screen.case.client.contact == "Derek Hollis"
        assert "Derek Hollis" in letter
        end = render.format_date(date(2027, 1, 6))
        assert end == "6 January 2027"
        assert end in letter
        assert letter == render.render_letter(screen.case)

        tabs = screen.query_one("#documents", TabbedContent)
        assert tabs.active == "tab-letter"
        tabs.active = "tab-referral"
        await pilot.pause()
        assert screen.query_one("#referral-doc", Markdown).source == render.referral_email(
            screen.case
        )
        assert screen.query_one("#handover-doc", Markdown).source == render.render_handover(
            screen.case
        )


async def test_internal_notes_never_appear_on_the_review(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    case = load_case(path)
    case.reasons.incidents.append(
        Incident(date=date(2026, 11, 30), category=RedFlag.OTHER, note=SENTINEL)
    )
    case.reasons.extra["summary"] = SENTINEL
    save_case(case, path)

    app = build_app(library=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(app, pilot, path)
        await pilot.pause()
        review = screen.query_one(ReviewStep)
        assert any(SENTINEL in i.note for i in screen.case.reasons.incidents)
        sources = [md.source for md in review.query(Markdown)]
        assert len(sources) == 3
        assert all(sources)
        statics = [str(static.render()) for static in review.query(Static)]
        for text in [*sources, *statics, *checklist_text(screen)]:
            assert SENTINEL not in text
        for tab in ("tab-referral", "tab-handover"):
            review.query_one("#documents", TabbedContent).active = tab
            await pilot.pause()
        screenshot = app.export_screenshot()
        assert SENTINEL not in screenshot


async def test_mark_ready_toggles_the_status_and_is_saved(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot, path)
        assert screen.case.status is Status.DRAFT
        assert "Draft" in shown(screen, "#status")

        await pilot.press("ctrl+k")
        await pilot.pause()
        assert screen.case.status is Status.READY
        assert "Ready: you marked it ready for the call." in shown(screen, "#status")
        assert "Unsaved changes" in shown(screen, "#status")
        assert any(
            "Marked ready with 2 warnings open" in str(n.message) for n in app._notifications
        )

        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "All changes saved" in shown(screen, "#status")
        assert load_case(path).status is Status.READY

        # The same key sets it back.
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert screen.case.status is Status.DRAFT
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert load_case(path).status is Status.DRAFT


async def test_a_done_case_stays_done_unless_you_confirm(tmp_path: Path) -> None:
    path = copy_sample(tmp_path, KETTLE)
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_review(app, pilot, path)
        assert screen.case.status is Status.DONE

        await pilot.press("ctrl+k")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert screen.case.status is Status.DONE

        await pilot.press("ctrl+k")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert screen.case.status is Status.DRAFT


async def test_the_save_button_saves_a_new_case(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.new_case()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        screen.action_go(6)
        await pilot.pause()
        assert "Not saved yet" in shown(screen, "#status")

        screen.query_one("#save").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert screen.path is not None
        assert screen.path.exists()
        assert "All changes saved" in shown(screen, "#status")
