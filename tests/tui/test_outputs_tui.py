"""Outputs in the app: the clipboard, the user's editor, the export dialog and the remembered theme.

The editor is a real program run through the real subprocess path: a small shell
script set as $EDITOR that rewrites the file it is given. Only the terminal hand-
over (``App.suspend``), which Pilot cannot do, is replaced: the app's
``editor_runner`` is swapped for a plain ``subprocess.run``.
"""

from __future__ import annotations

import email
import email.policy
import shutil
import stat
import subprocess
import tomllib
from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, Input, Select, Static, TabbedContent

from clientexit.core import render
from clientexit.core.rules import Step
from clientexit.core.store import save_case
from clientexit.core.validate import load_case
from clientexit.tui.app import ClientExitApp, build_app
from clientexit.tui.screens.confirm import ConfirmDialog
from clientexit.tui.screens.export import ExportDialog
from clientexit.tui.screens.help import help_markdown
from clientexit.tui.screens.rehearsal import RehearsalScreen
from clientexit.tui.screens.wizard import WizardScreen
from clientexit.tui.widgets.step_review import ReviewStep

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
NORTHWIND = "northwind-realty-group-2026-12-07.toml"
BRANDT = "brandt-sohne-events-gmbh-2026-11-26.toml"
"""A case with no referral (an abusive client)."""
SIZE = (80, 24)


def copy_sample(tmp_path: Path, name: str = NORTHWIND) -> Path:
    library = tmp_path / "library"
    library.mkdir(mode=0o700, exist_ok=True)
    target = library / name
    shutil.copy(SAMPLES / name, target)
    return target


def leaking(path: Path) -> str:
    """Put a private note's words into the reason the client hears; returns the note."""
    case = load_case(path)
    note = case.reasons.incidents[0].note
    case.tone.reason_text = note
    save_case(case, path)
    return note


async def open_at(app: ClientExitApp, pilot: Pilot[None], path: Path, step: Step) -> WizardScreen:
    app.open_case(path, step=step)
    await pilot.pause()
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, WizardScreen)
    return screen


def messages(app: App[None]) -> list[str]:
    return [n.message for n in app._notifications]


def fake_editor(tmp_path: Path, new_text: str | None, *, status: int = 0) -> Path:
    """An editor that notes what it was given (file mode, folder mode, text), then writes."""
    log = tmp_path / "editor-log"
    log.mkdir(exist_ok=True)
    (log / "new").write_text(new_text or "", encoding="utf-8")
    script = tmp_path / "fake-editor"
    write = f'cp "{log}/new" "$1"\n' if new_text is not None else ""
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$1" > "{log}/path"\n'
        f'stat -c %a "$1" > "{log}/file-mode"\n'
        f'stat -c %a "$(dirname "$1")" > "{log}/folder-mode"\n'
        f'cp "$1" "{log}/given"\n'
        f"{write}"
        f"exit {status}\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def use_editor(app: ClientExitApp, monkeypatch: pytest.MonkeyPatch, editor: Path) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(editor))
    # Everything as in real use except the terminal hand-over, which Pilot cannot do.
    app.editor_runner = lambda command: subprocess.run(command, check=False).returncode


# -- the clipboard ------------------------------------------------------------------


async def test_c_on_the_review_copies_the_open_tabs_document_as_plain_text(
    tmp_path: Path,
) -> None:
    path = copy_sample(tmp_path)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_at(app, pilot, path, Step.REVIEW)
        case = screen.case
        await pilot.press("c")
        await pilot.pause()
        letter = render.markdown_to_text(render.render_letter(case))
        assert app.clipboard == letter
        assert "**" not in app.clipboard
        assert f"Letter copied ({len(letter):,} characters)." in messages(app)

        screen.query_one("#documents", TabbedContent).active = "tab-referral"
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        referral = render.markdown_to_text(render.referral_email(case))
        assert referral.strip()
        assert app.clipboard == referral
        assert f"Referral email copied ({len(referral):,} characters)." in messages(app)


async def test_copying_a_referral_the_case_does_not_have_says_so(tmp_path: Path) -> None:
    path = copy_sample(tmp_path, BRANDT)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_at(app, pilot, path, Step.REVIEW)
        screen.query_one("#documents", TabbedContent).active = "tab-referral"
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == ""
        assert any("Nothing to copy: this case gives no referral" in m for m in messages(app))


async def test_copying_a_letter_with_a_leak_asks_first_and_names_the_leak(
    tmp_path: Path,
) -> None:
    path = copy_sample(tmp_path)
    note = leaking(path)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        await open_at(app, pilot, path, Step.REVIEW)
        await pilot.press("c")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "private notes" in dialog.question
        assert note.rstrip(".") in dialog.detail
        await pilot.press("escape")
        await pilot.pause()
        assert app.clipboard == ""

        await pilot.press("c")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert note.rstrip(".") in app.clipboard


async def test_c_on_the_script_copies_the_line_under_the_cursor(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_at(app, pilot, path, Step.SCRIPT)
        lines = screen.case.script.lines
        screen.query_one("#lines DataTable").focus()
        await pilot.press("down", "c")
        await pilot.pause()
        assert app.clipboard == lines[1].text.strip()
        assert f"Line 2 copied ({len(lines[1].text.strip()):,} characters)." in messages(app)


async def test_copying_from_an_empty_script_says_there_is_nothing(tmp_path: Path) -> None:
    app = build_app(library=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.new_case()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, WizardScreen)
        screen.open_step(Step.SCRIPT)
        await pilot.pause()
        screen.query_one("#lines DataTable").focus()
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == ""
        assert any("There is no script line yet" in m for m in messages(app))


class Host(App[None]):
    def __init__(self, screen: RehearsalScreen) -> None:
        super().__init__()
        self.rehearsal = screen

    def on_mount(self) -> None:
        self.push_screen(self.rehearsal)


async def test_c_in_the_rehearsal_copies_the_current_line(tmp_path: Path) -> None:
    case = load_case(SAMPLES / NORTHWIND)
    screen = RehearsalScreen(case=case, save=lambda: True, seed=1)
    app = Host(screen)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("space")  # any key ends the countdown
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == case.script.lines[0].text.strip()
        await pilot.press("space", "c")
        await pilot.pause()
        assert app.clipboard == case.script.lines[1].text.strip()
        assert any(m.startswith("Line 2 copied") for m in messages(app))
        from clientexit.tui.commands import commands_for

        titles = [c.title for c in commands_for(app, screen)]  # type: ignore[arg-type]
        assert "Copy what is on screen" in titles

        # In the objection drill: the client's words, then the prepared answer.
        await pilot.press("d")
        for _ in range(len(case.script.lines)):
            if screen.run.interruption is not None:
                break
            await pilot.press("space")
        interruption = screen.run.interruption
        assert interruption is not None
        objection = case.script.objections[interruption.objection]
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == objection.client.strip()
        await pilot.press("space", "c")
        await pilot.pause()
        assert app.clipboard == objection.response.strip()
        assert any(m.startswith("Prepared answer copied") for m in messages(app))


# -- the editor --------------------------------------------------------------------


async def test_a_script_line_edited_in_the_editor_comes_back_and_is_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_sample(tmp_path)
    editor = fake_editor(tmp_path, "Thank you for the work we did together.\n")
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        use_editor(app, monkeypatch, editor)
        screen = await open_at(app, pilot, path, Step.SCRIPT)
        before = screen.case.script.lines[2].text
        screen.query_one("#lines DataTable").focus()
        await pilot.press("down", "down", "e")
        await pilot.pause()
        log = tmp_path / "editor-log"
        # The editor got the line, in a file only the user can read, in a private folder.
        assert (log / "given").read_text(encoding="utf-8") == before + "\n"
        assert (log / "file-mode").read_text().strip() == "600"
        assert (log / "folder-mode").read_text().strip() == "700"
        given = Path((log / "path").read_text().strip())
        assert not given.parent.exists()  # removed once the editor is done

        assert screen.case.script.lines[2].text == "Thank you for the work we did together."
        assert screen.dirty
        assert str(screen.sub_title).startswith("● unsaved")
        assert "Line 3 changed." in messages(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = load_case(path)
    assert saved.script.lines[2].text == "Thank you for the work we did together."


async def test_the_letter_edited_in_the_editor_becomes_the_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_sample(tmp_path)
    mine = "# Our work together\n\nDear Derek,\n\nIn my own words: thank you.\n"
    editor = fake_editor(tmp_path, mine)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        use_editor(app, monkeypatch, editor)
        screen = await open_at(app, pilot, path, Step.REVIEW)
        generated = render.render_letter(screen.case)
        review = screen.query_one(ReviewStep)
        assert not review.query_one("#letter-edited").display
        await pilot.press("e")
        await pilot.pause()
        given = (tmp_path / "editor-log" / "given").read_text(encoding="utf-8")
        assert given == generated
        assert screen.case.letter.text == mine
        assert render.render_letter(screen.case) == mine
        assert screen.dirty
        assert review.query_one("#letter-edited").display
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert tomllib.loads(path.read_text(encoding="utf-8"))["letter"]["text"] == mine

        # Back to the generated letter, after saying yes.
        review.query_one("#letter-generated", Button).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#yes")
        await pilot.pause()
        assert screen.case.letter.text == ""
        assert render.render_letter(screen.case) == generated
        assert not review.query_one("#letter-edited").display
        assert screen.dirty


async def test_an_editor_that_fails_or_changes_nothing_leaves_the_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_sample(tmp_path)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_at(app, pilot, path, Step.SCRIPT)
        before = screen.case.script.lines[0].text
        screen.query_one("#lines DataTable").focus()

        use_editor(app, monkeypatch, fake_editor(tmp_path, "Something else.", status=1))
        await pilot.press("e")
        await pilot.pause()
        assert screen.case.script.lines[0].text == before
        assert any("ended with an error (status 1)" in m for m in messages(app))

        use_editor(app, monkeypatch, fake_editor(tmp_path, None))
        await pilot.press("e")
        await pilot.pause()
        assert screen.case.script.lines[0].text == before
        assert "No change to line 1." in messages(app)
        assert not screen.dirty


async def test_a_missing_editor_is_named_in_a_clear_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_sample(tmp_path)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_at(app, pilot, path, Step.REVIEW)
        monkeypatch.delenv("VISUAL", raising=False)
        monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor") + " --wait")
        await pilot.press("e")
        await pilot.pause()
        assert any(
            "no editor called" in m and "no-such-editor" in m and "EDITOR=" in m
            for m in messages(app)
        )
        assert screen.case.letter.text == ""


async def test_without_a_terminal_to_hand_over_the_editor_explains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pilot's headless driver cannot suspend, like a browser tab: the real runner says so.
    path = copy_sample(tmp_path)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setenv("VISUAL", str(fake_editor(tmp_path, "New.")))
        screen = await open_at(app, pilot, path, Step.REVIEW)
        await pilot.press("e")
        await pilot.pause()
        assert any("cannot hand the terminal to an editor" in m for m in messages(app))
        assert screen.case.letter.text == ""


# -- the export dialog ---------------------------------------------------------------


async def open_export(app: ClientExitApp, pilot: Pilot[None], path: Path) -> ExportDialog:
    await open_at(app, pilot, path, Step.REVIEW)
    await pilot.press("x")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, ExportDialog)
    return dialog


async def choose(pilot: Pilot[None], dialog: ExportDialog, what: str, fmt: str) -> None:
    dialog.query_one("#export-what", Select).value = what
    await pilot.pause()
    dialog.query_one("#export-format", Select).value = fmt
    await pilot.pause()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_export_writes_the_letter_privately_into_the_exports_folder(
    tmp_path: Path,
) -> None:
    path = copy_sample(tmp_path)
    library = path.parent
    app = build_app(library=library)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(app, pilot, path)
        expected = library / "exports" / f"{path.stem}-letter.md"
        assert Path(dialog.query_one("#export-path", Input).value) == expected
        dialog.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
        case = load_case(path)
        assert expected.read_text(encoding="utf-8") == render.export(case, "letter", "md")
        assert mode(expected) == 0o600
        assert mode(expected.parent) == 0o700
        assert any(m.startswith("Exported the letter to ") for m in messages(app))
        # The exports folder is not a case, and not a problem, in the library.
        assert sorted(p.name for p in library.glob("*.toml")) == [path.name]


async def test_export_follows_the_choice_and_the_typed_path(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(app, pilot, path)
        await choose(pilot, dialog, "script", "txt")
        field = dialog.query_one("#export-path", Input)
        assert field.value.endswith(f"{path.stem}-script.txt")
        target = tmp_path / "new" / "deeper" / "call.txt"
        field.value = str(target)
        await choose(pilot, dialog, "script", "md")
        assert field.value == str(target)  # a path the user typed is kept
        await choose(pilot, dialog, "script", "txt")
        await pilot.click("#export")
        await pilot.pause()
        assert target.read_text(encoding="utf-8") == render.export(load_case(path), "script", "txt")
        assert mode(target) == 0o600
        assert mode(target.parent) == 0o700
        assert mode(target.parent.parent) == 0o700


async def test_export_asks_before_replacing_a_file(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    target = path.parent / "exports" / f"{path.stem}-letter.md"
    target.parent.mkdir(mode=0o700)
    target.write_text("keep me", encoding="utf-8")
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(app, pilot, path)
        await pilot.click("#export")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dialog
        assert target.read_text(encoding="utf-8") == "keep me"

        await pilot.click("#export")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert target.read_text(encoding="utf-8") == render.export(load_case(path), "letter", "md")


async def test_export_with_a_leak_lists_it_and_needs_export_anyway(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    note = leaking(path)
    target = path.parent / "exports" / f"{path.stem}-letter.md"
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(app, pilot, path)
        leaks = str(dialog.query_one("#export-leaks-text", Static).render())
        assert "private notes" in leaks
        assert note.split(".")[0] in " ".join(leaks.split())
        button = dialog.query_one("#export", Button)
        assert str(button.label) == "Export anyway"
        # Enter (or ctrl+s) alone never exports private words.
        dialog.query_one("#export-path", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not target.exists()
        assert app.screen is dialog
        await pilot.click("#export")
        await pilot.pause()
        assert note.rstrip(".") in target.read_text(encoding="utf-8")


async def test_export_of_an_email_draft_reads_as_an_email(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(app, pilot, path)
        await choose(pilot, dialog, "referral", "eml")
        target = Path(dialog.query_one("#export-path", Input).value)
        assert target.name == f"{path.stem}-referral.eml"
        await pilot.click("#export")
        await pilot.pause()
    case = load_case(path)
    message = email.message_from_bytes(target.read_bytes(), policy=email.policy.default)
    assert case.client.email in str(message["To"])
    assert message["X-Unsent"] == "1"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert case.referral.contacts[0].name in body.get_content()
    assert mode(target) == 0o600


async def test_export_of_the_dates_is_a_calendar(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(app, pilot, path)
        dialog.query_one("#export-what", Select).value = "dates"
        await pilot.pause()
        # The calendar has one format; the script, for one, has no email form.
        assert dialog.query_one("#export-format", Select).value == "ics"
        target = Path(dialog.query_one("#export-path", Input).value)
        assert target.name == f"{path.stem}-dates.ics"
        await pilot.click("#export")
        await pilot.pause()
    calendar = Calendar.from_ical(target.read_bytes())
    days = {event.decoded("dtstart") for event in calendar.walk("VEVENT")}
    assert date(2027, 1, 6) in days  # the last day of work, as the wizard shows it


async def test_escape_cancels_the_export(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        await open_export(app, pilot, path)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WizardScreen)
    assert not (path.parent / "exports").exists()


# -- the theme ------------------------------------------------------------------------


async def test_the_theme_chosen_is_remembered_and_used_at_the_next_start(
    tmp_path: Path,
) -> None:
    library = tmp_path / "library"
    library.mkdir(mode=0o700)
    app = build_app(library=library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # Starting writes nothing: only a choice is remembered.
        assert not (library / ".settings.toml").exists()
        app.theme = "textual-light"
        await pilot.pause()
    settings = library / ".settings.toml"
    assert tomllib.loads(settings.read_text(encoding="utf-8"))["theme"] == "textual-light"
    assert mode(settings) == 0o600

    again = build_app(library=library)
    assert again.theme == "textual-light"  # before the first frame
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"
        assert not again.current_theme.dark


async def test_a_broken_settings_file_warns_and_the_app_starts(tmp_path: Path) -> None:
    library = tmp_path / "library"
    library.mkdir(mode=0o700)
    (library / ".settings.toml").write_text('theme = "no-such-theme"\n', encoding="utf-8")
    app = build_app(library=library)
    default = App().theme
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == default
        assert any("no theme called 'no-such-theme'" in m for m in messages(app))


def test_the_help_documents_the_new_keys_and_every_export() -> None:
    text = help_markdown(None)
    for row in (
        "| `c` | Copy the letter (on its tab) |",
        "| `e` | Edit the letter in your editor |",
        "| `x` | Export to a file |",
        "| `c` | Copy line |",
        "| `e` | Edit in your editor |",
        "| `c` | Copy the line |",
    ):
        assert row in text
    for words in ("--format eml", "--format ics", "OSC 52", "$EDITOR", "exports"):
        assert words in text


def test_every_export_choice_the_core_offers_is_in_the_dialog() -> None:
    from clientexit.tui.screens.export import choices

    offered = choices()
    assert set(render.WHATS) <= set(offered)
    assert offered["letter"] == ("md", "txt", "eml")
    assert offered["script"] == ("md", "txt")
    assert offered["dates"] == ("ics",)


async def test_export_to_a_path_under_a_file_says_why_and_writes_nothing(tmp_path: Path) -> None:
    path = copy_sample(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        dialog = await open_export(app, pilot, path)
        dialog.query_one("#export-path", Input).value = str(blocker / "letter.md")
        await pilot.click("#export")
        await pilot.pause()
        assert app.screen is dialog
        problem = str(dialog.query_one("#export-problem", Static).render())
        assert "is a file, not a folder" in problem
        assert blocker.read_text(encoding="utf-8") == ""


async def test_the_palette_offers_copy_edit_and_export_in_a_case(tmp_path: Path) -> None:
    from clientexit.tui.commands import commands_for

    path = copy_sample(tmp_path)
    app = build_app(library=path.parent)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_at(app, pilot, path, Step.SCRIPT)
        titles = [command.title for command in commands_for(app, screen)]
        for title in (
            "Copy the letter",
            "Copy the referral email",
            "Edit the letter in your editor",
            "Export…",
            "Copy the script line",
            "Edit the script line in your editor",
        ):
            assert title in titles
        # Only an edited letter can go back to the generated one.
        assert "Use the generated letter again" not in titles
        screen.case.letter.text = "My own letter.\n"
        titles = [command.title for command in commands_for(app, screen)]
        assert "Use the generated letter again" in titles

        copy = next(c for c in commands_for(app, screen) if c.title == "Copy the letter")
        copy.callback()
        await pilot.pause()
        assert app.clipboard == render.markdown_to_text("My own letter.\n")
