"""Header and field widgets whose size never follows their text, so a key costs no layout.

Textual lays out the whole screen (every widget on it) when a widget asks for a layout.
Two stock widgets ask on every key although their size cannot change: ``Input`` (its
scrollable width follows the text, declared as a layout-changing value) and the
``Header``'s title (updated with a layout whenever the screen's title changes, and the
wizard's title is the client's name). These versions repaint instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from textual.geometry import Size
from textual.reactive import Reactive
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
