"""Header and field widgets whose size never follows their text, so a key costs no layout.

Textual lays out the whole screen (every widget on it) when a widget asks for a layout.
Two stock widgets ask on every key although their size cannot change: ``Input`` (its
scrollable width follows the text, declared as a layout-changing value) and the
``Header``'s title (updated with a layout whenever the screen's title changes, and the
wizard's title is the client's name). These versions repaint instead.

A repaint itself draws only the widgets under the changed cells (``SteadyCompositor``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from textual import events
from textual._compositor import Compositor
from textual.geometry import Region, Size
from textual.reactive import Reactive
from textual.screen import Screen
from textual.strip import Strip
from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Header, Input
from textual.widgets._header import HeaderTitle


class SteadyInput(Input):
    """An ``Input`` of a fixed size: typing repaints the field, it does not lay out the screen.

    Its scrollable width still follows the text (the cursor scrolls as before); only the
    screen-wide layout that change used to ask for is dropped. Its height and width come
    from CSS, never from the text, so no other widget can move when it changes.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=True)

    _landing = False

    def land(self) -> None:
        """Take the focus with nothing selected and the cursor where it was (the end).

        For the focus the app gives by itself (a step's first field when it opens): a
        first key typed there must add to the value, not replace it, as it would if
        the value were selected. Tab and a click still select it, as in any form.
        """
        if not self.has_focus:
            self._landing = True
            self.focus(scroll_visible=False)

    def _on_focus(self, event: events.Focus) -> None:
        # Called before Input's own focus handler, which selects the value when
        # select_on_focus is set: off for this one focus, on again straight after it.
        if self._landing and self.select_on_focus:
            self.select_on_focus = False
            self.call_next(setattr, self, "select_on_focus", True)
        self._landing = False

    def _on_blur(self, event: events.Blur) -> None:
        self._landing = False

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        # Input's horizontal scrollbar is zero rows high, so it is never on screen;
        # moving it anyway (as the stock watcher does each time the text scrolls) marks
        # a widget missing from the screen's map as changed, and the next frame then
        # arranges every widget on the screen again to find where it is.
        if self.show_horizontal_scrollbar and self.styles.scrollbar_size_horizontal:
            self.horizontal_scrollbar.position = new_value
        if round(old_value) != round(new_value):
            self.refresh(self.size.region)


class SteadyTitle(HeaderTitle):
    """The header's title line: one line, as wide as the header, whatever it says."""

    def update(self, content: VisualType = "", *, layout: bool = False) -> None:
        super().update(content, layout=False)


class SteadyHeader(Header):
    """A ``Header`` whose title changes repaint one line instead of laying out the screen."""

    def compose(self) -> Iterator[Widget]:
        for widget in super().compose():
            yield SteadyTitle() if type(widget) is HeaderTitle else widget


class SteadyCompositor(Compositor):
    """The screen's compositor, drawing only the widgets that cover the cells to update.

    To repaint part of the screen (a field's line, a rehearsal line), Textual's
    compositor asks every widget whose *clip* overlaps the changed cells for its lines:
    with a screen-sized clip, that is the header, the footer and every container
    around the field, each drawn in full and then thrown away. This one asks only the
    widgets whose visible part overlaps the changed cells; what reaches the terminal is
    the same (the other widgets' lines were never used).
    """

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        intersection = Region.intersection
        overlaps = crop.overlaps
        for widget, (region, clip) in self.visible_widgets.items():
            shown = intersection(region, clip)
            if overlaps(shown):
                x, y, width, height = shown
                yield (
                    region,
                    clip,
                    widget.render_lines(Region(x - region.x, y - region.y, width, height)),
                )


def steady_compositor(screen: Screen[Any]) -> None:
    """Give ``screen`` a ``SteadyCompositor`` (call from its ``__init__``)."""
    screen._compositor = SteadyCompositor()
