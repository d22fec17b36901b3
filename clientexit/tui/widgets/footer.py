"""A footer that rebuilds its keys only when the keys it shows change, and leaves out
the least needed of them when they do not fit on its line."""

from __future__ import annotations

from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from clientexit.tui.watchers import prune_watchers

LEFT_OUT_WHEN_CROWDED = (
    "app.quit",
    "wizard.close",
    "records.remove",
    "script.generate",
    "rehearsal.restart",
)
"""Keys the footer leaves out, in this order, when not all fit on its line (the Script
step and the rehearsal at 80 columns). Each is listed in the help (f1); what stays is
what the screen is for, with Save and Help. Otherwise the line is cut at its end,
whatever is there."""


class StableFooter(Footer):
    """Textual's footer, minus the rebuild on every focus change that shows the same keys.

    Moving between wizard steps moves the focus several times; each move makes
    the stock footer remove and mount all its keys again (a new layout each time),
    though the keys shown are mostly the same. When they do change, the keys removed
    are let go of (each is bound to the footer's ``compact``: see prune_watchers).
    """

    DEFAULT_CSS = """
    /* Compact, the palette's key keeps a margin on its right that it does not paint:
       when the keys overflow (the Script step at 80 columns), a letter of a key under
       it showed there. Its own padding covers that column instead. */
    StableFooter.-compact FooterKey.-command-palette {
        margin-right: 0;
        padding-right: 1;
    }
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.shown_keys: tuple[object, ...] | None = None

    def keys_now(self) -> tuple[object, ...]:
        return tuple(
            (binding.key, binding.description, binding.action, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen: Screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self.recompose_if_changed)

    async def recompose_if_changed(self) -> None:
        if not self.is_attached:
            return
        keys = self.keys_now()
        if keys != self.shown_keys:
            self.shown_keys = keys
            await self.recompose()
            prune_watchers(self)
            self.fit_keys()

    def on_resize(self) -> None:
        self.fit_keys()

    def fit_keys(self) -> None:
        """Leave out keys (LEFT_OUT_WHEN_CROWDED) until the rest fit on the line."""
        # The keys, and the groups of keys with their label (the rehearsal's arrows).
        parts = [part for part in self.children if not part.has_class("-command-palette")]
        if not parts or not self.size.width:
            return
        ids = {
            (binding.key, binding.action): binding.id
            for (_, binding, _, _) in self.screen.active_bindings.values()
        }
        keys = {
            ids.get((part.key, part.action)): part for part in parts if isinstance(part, FooterKey)
        }

        def width(part: Widget) -> int:
            content = part.get_content_width(self.size, self.app.size)
            return content + part.styles.gutter.width + part.styles.margin.width

        # The palette's key is docked at the right: the others must end before it
        # (the margin after the last of them may lie under it).
        room = self.size.width + parts[-1].styles.margin.right
        for palette in self.query(FooterKey).filter(".-command-palette"):
            room -= width(palette)
        for part in parts:
            part.display = True
        total = sum(width(part) for part in parts)
        for binding_id in LEFT_OUT_WHEN_CROWDED:
            if total <= room:
                break
            left_out = keys.get(binding_id)
            if left_out is not None:
                left_out.display = False
                total -= width(left_out)
