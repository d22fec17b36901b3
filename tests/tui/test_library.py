"""The case library screen: list, filter, sort, preview, open, duplicate, delete, broken files."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from clientexit.core.validate import load_case
from clientexit.tui.app import build_app
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.library import LibraryScreen
from clientexit.tui.screens.wizard import WizardScreen
from clientexit.tui.widgets.case_table import CaseTable


def clients(app) -> list[str]:
    table = app.screen.query_one("#cases", CaseTable)
    return [summary.client for summary in table.rows]


async def test_lists_every_sample_case(sample_library: Path, sample_names: list[str]) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        shown = clients(app)
        assert len(shown) == len(sample_names)
        assert "Piekarnia Łódzka" in shown
        # Calls still to make come first, the finished case last.
        assert shown[-1] == "The Copper Kettle Café"
        assert not app.screen.query_one("#problems-box").display


async def test_broken_files_are_listed_apart_and_the_rest_still_works(
    sample_library: Path,
) -> None:
    (sample_library / "broken-syntax.toml").write_text("format = 1\n[contract\n")
    (sample_library / "wrong-type.toml").write_text('format = 1\n[contract]\nnotice_days = "x"\n')
    (sample_library / "future.toml").write_text("format = 9\n")
    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#problems-box")
        assert box.display
        text = str(app.screen.query_one("#problems", Static).render())
        assert "3 files could not be read" in text
        assert "broken-syntax.toml" in text and "(line 2)" in text
        assert 'contract.notice_days: expected an integer, got "x"' in text
        assert "format 9" in text
        assert "Piekarnia Łódzka" in clients(app)
        # The good cases still open.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)


async def test_filter_narrows_and_escape_clears(
    sample_library: Path, sample_names: list[str]
) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"zofia")
        await pilot.pause()
        assert clients(app) == ["Piekarnia Łódzka"]
        await pilot.press("escape")
        assert app.screen.query_one("#filter", Input).value == ""
        assert len(clients(app)) == len(sample_names)
        # Down goes from the filter to the list, the filter kept; enter opens the case.
        await pilot.press(*"cafe", "down")
        assert app.focused is app.screen.query_one("#cases")
        assert clients(app) == ["Café Kanelbullen AB", "The Copper Kettle Café"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        assert app.screen.case.client.name == "The Copper Kettle Café"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("slash", "ctrl+a", *"nobody-like-this")
        await pilot.pause()
        assert clients(app) == []
        empty = str(app.screen.query_one("#empty", Static).render())
        assert "No case matches" in empty


async def test_sort_cycles_columns(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        assert screen.sort_column == "call"
        await pilot.press("s", "s")  # call -> ends -> owed
        await pilot.pause()
        assert screen.sort_column == "owed"
        owed = [s.money_owed for s in screen.shown]
        assert owed == sorted(owed, reverse=True)


async def test_preview_follows_the_cursor(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = str(app.screen.query_one("#preview", Static).render())
        await pilot.press("down")
        await pilot.pause()
        second = str(app.screen.query_one("#preview", Static).render())
        assert first != second
        assert clients(app)[1] in second


async def test_open_and_come_back(sample_library: Path) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        assert app.screen.title == clients_first(sample_library)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


def clients_first(library: Path) -> str:
    from clientexit.core.store import list_library
    from clientexit.tui.screens.library import sort_key

    return sorted(list_library(library).cases, key=lambda s: sort_key(s, "call"))[0].client


async def test_duplicate_makes_a_draft_copy(sample_library: Path, sample_names: list[str]) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        before = set(sample_library.glob("*.toml"))
        await pilot.press("c")
        await pilot.pause()
        new = set(sample_library.glob("*.toml")) - before
        assert len(new) == 1
        copy = load_case(new.pop())
        assert copy.status.value == "draft"
        assert copy.rehearsals == []
        assert len(clients(app)) == len(sample_names) + 1


async def test_delete_asks_then_moves_to_trash(
    sample_library: Path, sample_names: list[str]
) -> None:
    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        target = app.screen.selected_path
        assert target is not None
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # no: nothing happens
        await pilot.pause()
        assert target.exists()
        await pilot.press("delete")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert not target.exists()
        assert (sample_library / ".trash" / target.name).exists()
        assert len(clients(app)) == len(sample_names) - 1


async def test_empty_library_invites_a_first_case(tmp_path: Path) -> None:
    app = build_app(library=tmp_path / "nothing-here")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = str(app.screen.query_one("#empty", Static).render())
        assert "No cases yet" in text
        assert "Press n" in text
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
        assert app.screen.path is None


async def test_help_lists_the_keys_of_the_current_screen(sample_library: Path) -> None:
    from textual.widgets import Markdown

    from clientexit.tui.screens.help import HelpScreen

    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        source = app.screen.query_one(Markdown).source
        assert source.index("### Case library") < source.index("### Case wizard")
        assert "| `n` | New |" in source
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_a_late_preview_is_dropped_while_the_screen_is_taken_down(
    sample_library: Path,
) -> None:
    from rich.text import Text

    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        path = screen.selected_path
        assert path is not None
        # The preview's worker hands over its text as the app closes, its widgets gone.
        await screen.query_one("#preview").remove()
        screen._show_preview(path, Text("late"))
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)


async def test_the_readiness_verdict_is_on_screen_at_80x24(sample_library: Path) -> None:
    # On a narrow screen the preview is a band of fixed height under the list: every
    # line of the whole case's preview, the verdict last, fits in it.
    app = build_app(library=sample_library)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        preview = screen.query_one("#preview", Static)
        for _ in range(100):
            await pilot.pause(0.02)
            if "Checking" not in str(preview.render()):
                break
        lines = str(preview.render()).splitlines()
        assert lines[-1] in ("Ready for the call", "2 things to fix before the call")
        assert lines[-2].startswith("Open  ")  # the whole case, not only the summary
        assert len(lines) <= preview.content_region.height


async def test_the_preview_shows_the_summary_then_the_whole_case(sample_library: Path) -> None:
    from clientexit.tui.screens.library import summary_preview

    app = build_app(library=sample_library)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        summary = screen.selected
        assert summary is not None
        # At once, from the list's summary alone: no file read, so no tone yet.
        first = summary_preview(summary).plain
        assert first.startswith("Brandt & Söhne Events GmbH\nMarkus Brandt\n")
        assert "Call  26 Nov 2026" in first and "Owed  1,600.00 EUR" in first
        assert "Tone" not in first
        preview = screen.query_one("#preview", Static)
        for _ in range(100):
            await pilot.pause(0.02)
            if "Checking" not in str(preview.render()):
                break
        whole = str(preview.render())
        assert "Tone  firm, fit" in whole and "26 Nov 2026 16:00, phone" in whole
        assert "before the call" in whole or "Ready for the call" in whole
