"""A footer that rebuilds its keys only when the keys it shows change."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

from clientexit.tui.watchers import prune_watchers


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
