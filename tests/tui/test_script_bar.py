"""The rehearsal's progress bar: filled to the half cell, repainted only when it moves."""

from __future__ import annotations

from textual.app import App, ComposeResult

from clientexit.tui.screens.rehearsal import ScriptBar


class BarApp(App[None]):
    CSS = "ScriptBar { width: 10; }"

    def compose(self) -> ComposeResult:
        yield ScriptBar(id="progress")


def drawn(bar: ScriptBar) -> list[tuple[str, str | None]]:
    """The bar's line as (text, colour name) runs."""
    strip = bar.render_line(0)
    return [
        (segment.text, segment.style.color.name if segment.style and segment.style.color else None)
        for segment in strip
        if segment.text
    ]


async def test_the_bar_fills_to_the_half_cell() -> None:
    app = BarApp()
    async with app.run_test() as pilot:
        bar = app.query_one(ScriptBar)
        done = bar.get_component_rich_style("script-bar--done").color
        complete = bar.get_component_rich_style("script-bar--complete").color
        rest = bar.get_component_rich_style("script-bar--done").bgcolor
        assert done and complete and rest and len({done, complete, rest}) == 3

        bar.show(0, 10)
        assert drawn(bar) == [("━" * 10, rest.name)]
        bar.show(5, 10)  # half way: five cells, then the rest starts with a left half
        assert drawn(bar) == [("━" * 5, done.name), ("╺" + "━" * 4, rest.name)]
        bar.show(1, 4)  # 2.5 cells: two and a right half
        assert drawn(bar) == [("━━╸", done.name), ("━" * 7, rest.name)]
        bar.show(4, 4)  # the last line: the whole bar, in the colour of done
        assert drawn(bar) == [("━" * 10, complete.name)]
        bar.show(7, 4)  # never past its end
        assert drawn(bar) == [("━" * 10, complete.name)]
        # Every line is as wide as the bar, over the background it sits on.
        assert all(
            segment.style and segment.style.bgcolor == bar.rich_style.bgcolor
            for segment in bar.render_line(0)
        )
        await pilot.pause()


async def test_the_bar_repaints_only_when_it_moves() -> None:
    app = BarApp()
    async with app.run_test() as pilot:
        bar = app.query_one(ScriptBar)
        repaints: list[object] = []
        real = bar.refresh
        bar.refresh = lambda *a, **k: repaints.append(a) or real(*a, **k)  # type: ignore[method-assign]
        bar.show(1, 1000)  # 0.02 of a cell: nothing to draw yet
        bar.show(2, 1000)
        assert repaints == []
        bar.show(100, 1000)  # a whole cell
        assert len(repaints) == 1
        bar.show(1000, 1000)  # complete: another colour
        assert len(repaints) == 2
        await pilot.pause()
