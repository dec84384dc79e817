"""KeyHints (the one-line key bar) and WarmSwitcher (hidden cards ready before their first showing)."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static

from tests.widgets.widget_helpers import screen_text, wait_for
from widgets.key_hints import KeyHints
from widgets.warm_switcher import WarmSwitcher


class Counted(Static):
    """A Static that counts how often its lines are rendered (not merely composited from cache)."""

    renders = 0

    def render_line(self, y: int):  # type: ignore[no-untyped-def]
        if y == 0:
            self.renders += 1
        return super().render_line(y)


class Keyed(Static, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "noop", "Filter"),
        Binding("x", "noop", "Hidden", show=False),
    ]

    def action_noop(self) -> None:
        pass


class HintsApp(App[None]):
    AUTO_FOCUS = None
    BINDINGS: ClassVar[list[BindingType]] = [Binding("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Keyed("with a filter key", id="keyed")
        yield Static("plain", id="plain")
        yield KeyHints()


async def test_key_hints_list_the_shown_keys_of_the_focus_chain_and_follow_focus() -> None:
    app = HintsApp()
    async with app.run_test(size=(60, 6)) as pilot:
        hints = app.query_one(KeyHints)
        await wait_for(pilot, lambda: ("q", "Quit") in hints.hints)
        assert ("/", "Filter") not in hints.hints
        app.query_one("#keyed").focus()
        await wait_for(pilot, lambda: ("/", "Filter") in hints.hints)
        assert all(description != "Hidden" for _, description in hints.hints)  # show=False stays out
        await wait_for(pilot, lambda: "/  Filter" in screen_text(pilot) and "q  Quit" in screen_text(pilot))
        app.set_focus(None)
        await wait_for(pilot, lambda: ("/", "Filter") not in hints.hints)


class Card(Vertical):
    DEFAULT_CSS = "Card { height: 1fr; }"

    def __init__(self, label: str, *, id: str) -> None:
        super().__init__(id=id)
        self.label = label

    def compose(self) -> ComposeResult:
        yield Counted(f"{self.label} top", classes="counted")
        yield Static(f"{self.label} body")


class DeckApp(App[None]):
    def compose(self) -> ComposeResult:
        with WarmSwitcher(initial="one", id="deck"):
            yield Card("first card", id="one")
            yield Card("second card", id="two")
            yield Card("third card", id="three")


def counted(app: App[None], card: str) -> Counted:
    return app.query_one(f"#{card} .counted", Counted)


async def test_warm_up_renders_hidden_cards_off_screen_so_their_first_showing_reuses_it() -> None:
    app = DeckApp()
    async with app.run_test(size=(50, 10)) as pilot:
        deck = app.query_one(WarmSwitcher)
        await pilot.pause()
        assert counted(app, "two").renders == 0  # a plain ContentSwitcher never renders a hidden card
        deck.warm_up()
        await wait_for(pilot, lambda: deck.warm_ups == 1)
        await pilot.pause()
        two = app.query_one("#two", Widget)
        assert not two.display and counted(app, "two").renders == 1
        assert "second card" not in screen_text(pilot) and "first card top" in screen_text(pilot)
        assert two.styles.offset.x.value == 0 and not two.styles.has_rule("position")  # put back as it was
        deck.current = "two"
        await wait_for(pilot, lambda: "second card top" in screen_text(pilot))
        assert counted(app, "two").renders == 1  # painted from the warmed cache, not rendered again
        assert "first card" not in screen_text(pilot)


async def test_a_switch_during_a_warm_up_shows_the_chosen_card_alone() -> None:
    app = DeckApp()
    async with app.run_test(size=(50, 10)) as pilot:
        deck = app.query_one(WarmSwitcher)
        await pilot.pause()
        deck.warm_up()
        deck.current = "three"  # before the warm-up's frames have run
        await wait_for(pilot, lambda: "third card top" in screen_text(pilot))
        await pilot.pause()
        assert [card.id for card in deck.children if card.display] == ["three"]
        text = screen_text(pilot)
        assert "first card" not in text and "second card" not in text


class ManyKeysApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "noop('r')", "Refresh"), Binding("p", "noop('p')", "Pause"),
        Binding("question_mark", "noop('?')", "Help"), Binding("s", "noop('s')", "Sources"),
        Binding("m", "noop('m')", "Maintenance"), Binding("q", "quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield KeyHints()

    def action_noop(self, key: str) -> None:
        pass


async def test_key_hints_keep_every_key_on_a_narrow_terminal() -> None:
    for width, expect in ((120, "q  Quit"), (70, "q Quit"), (40, "q Qui")):
        app = ManyKeysApp()
        async with app.run_test(size=(width, 3)) as pilot:
            hints = app.query_one(KeyHints)
            await wait_for(pilot, lambda: ("q", "Quit") in hints.hints)  # noqa: B023 (awaited in the loop)
            await pilot.pause()
            line = screen_text(pilot).splitlines()[-1]
            assert expect in line and "…" not in line, (width, line)
            assert all(key in line for key in "rp?smq"), (width, line)


async def test_a_switch_during_a_warm_up_leaves_the_other_cards_warming() -> None:
    app = DeckApp()
    async with app.run_test(size=(50, 10)) as pilot:
        deck = app.query_one(WarmSwitcher)
        await pilot.pause()
        deck.warm_up()
        deck.current = "two"
        await wait_for(pilot, lambda: deck.warm_ups == 1)
        await pilot.pause()
        assert counted(app, "three").renders == 1 and not app.query_one("#three", Widget).display
        deck.current = "three"
        await wait_for(pilot, lambda: "third card top" in screen_text(pilot))
        assert counted(app, "three").renders == 1


class SizeLoggingCard(Card):
    """A card that logs every size layout gives it."""

    def __init__(self, label: str, *, id: str) -> None:
        super().__init__(label, id=id)
        self.sizes: list[tuple[int, int]] = []

    def on_resize(self, event: events.Resize) -> None:
        self.sizes.append((event.size.width, event.size.height))


class LoggingDeckApp(App[None]):
    def compose(self) -> ComposeResult:
        with WarmSwitcher(initial="one", id="deck"):
            yield SizeLoggingCard("first card", id="one")
            yield Card("second card", id="two")
            yield Card("third card", id="three")


async def test_the_shown_card_keeps_its_whole_size_through_a_warm_up() -> None:
    app = LoggingDeckApp()
    async with app.run_test(size=(50, 10)) as pilot:
        deck = app.query_one(WarmSwitcher)
        shown = app.query_one("#one", SizeLoggingCard)
        await pilot.pause()
        full = (deck.size.width, deck.size.height)
        assert shown.sizes and shown.sizes[-1] == full
        shown.sizes.clear()
        deck.warm_up()
        while deck.warm_ups == 0:
            await pilot.pause(0.005)
            assert "first card top" in screen_text(pilot)  # never squeezed off the screen, not one frame
        await pilot.pause()
        assert all(size == full for size in shown.sizes), shown.sizes


class BigCard(Card):
    """A card of eight long lines: a dozen of them take the warm-up several slices."""

    def compose(self) -> ComposeResult:
        for row in range(8):
            yield Static(" ".join(f"{self.label}-{row}-{i}" for i in range(40)))


class ManyCardsApp(App[None]):
    def compose(self) -> ComposeResult:
        with WarmSwitcher(initial="card-0", id="deck"):
            for n in range(12):
                yield BigCard(f"card {n}", id=f"card-{n}")


async def test_a_switch_lands_between_warm_up_slices_not_after_the_warm_up() -> None:
    app = ManyCardsApp()
    async with app.run_test(size=(100, 30)) as pilot:
        deck = app.query_one(WarmSwitcher)
        await pilot.pause()
        deck.warm_up()
        await wait_for(pilot, lambda: deck.slices > 0)
        deck.current = "card-11"  # queued last for warming
        await wait_for(pilot, lambda: "card 11-0-0" in screen_text(pilot))
        assert deck.warm_ups == 0  # shown while the others were still warming
        await wait_for(pilot, lambda: deck.warm_ups == 1)
        assert deck.slices > 1  # the warm-up gave the loop back between slices
        assert [card.id for card in deck.children if card.display] == ["card-11"]
        assert all(not card.styles.has_rule("offset") for card in deck.children)  # all put back
