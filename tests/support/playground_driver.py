"""A Playwright driver over the Agents Playground's web UI, so e2e tests read like an operator's clicks.

Every selector here was checked against @microsoft/m365agentsplayground 0.2.28 (see docs/playground-notes.md):
- the message box is a Lexical contenteditable, `[data-lexical-editor="true"]` (placeholder locators miss it);
- the conversation list is an ARIA tree: "Personal Chat", "Voice Team", "<team> - <channel>";
- in a group chat or channel the bot hears only @mentions: typing `@Name` opens a menu of `menuitem`s;
- a channel shows threads newest first, each a `group` with a "Show more information" button per message
  and its own reply box; the composer for a new post comes first, with a "Post" button;
- in a chat, messages carry an element labelled "Message header" (their parent is the message); channel
  messages do not, so there a thread is the unit;
- cards are `.ac-adaptiveCard`; inputs are labelled by the card's `label` (the renderer replaces input ids with
  generated ones, so a card's own `id` is not in the page); a compact `Input.ChoiceSet` is a `combobox` whose
  choices are `option`s, an expanded multi-select one a `checkbox` per choice; an invoke answered with a message
  or an error shows a banner in the card with a "Dismiss Invoke Message" button.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from playwright.async_api import Locator, Page, expect

EDITOR = '[data-lexical-editor="true"]'
CARD = ".ac-adaptiveCard"
MESSAGE = "xpath=//*[@aria-label='Message header']/.."
DEFAULT_TIMEOUT_S = 10.0

ConversationKind = Literal["personal", "group", "channel"]


@dataclass
class PlaygroundDriver:
    """Drives one browser page on the Playground. Timeouts are in seconds (Playwright's milliseconds stay inside)."""

    page: Page
    base_url: str
    bot_name: str = "Switchboard"
    team_name: str = "Contoso IT"
    conversation: ConversationKind = "personal"

    # ------------------------------------------------------------ navigation

    async def open(self) -> None:
        """Load the UI; it opens the personal chat, which sends the bot installationUpdate + conversationUpdate."""
        await self.page.goto(self.base_url)
        await self.page.locator(EDITOR).first.wait_for(timeout=_ms(30))
        self.conversation = "personal"

    async def open_personal_chat(self) -> None:
        await self._open("Personal Chat", "personal")

    async def open_group_chat(self, name: str = "Voice Team") -> None:
        await self._open(name, "group")

    async def open_channel(self, channel: str = "Voice Ops") -> None:
        """Open a channel of the team ("General" or the configured one); the bot gets its install events."""
        await self._open(f"{self.team_name} - {channel}", "channel")

    async def _open(self, tree_item: str, kind: ConversationKind) -> None:
        await self.page.get_by_role("treeitem", name=tree_item, exact=True).click()
        await self.page.locator(EDITOR).first.wait_for(timeout=_ms(DEFAULT_TIMEOUT_S))
        self.conversation = kind

    # ------------------------------------------------------------ sending

    async def send(self, text: str) -> None:
        """Send `text` as the current user; in a group chat or channel, @mention the bot first, as Teams needs."""
        editor = self.page.locator(EDITOR).first  # in a channel, the first editor is the new-post composer
        await editor.click()
        if self.conversation != "personal":
            await self._mention_bot(editor)
            text = " " + text
        await editor.press_sequentially(text)
        if self.conversation == "channel":
            await self.page.get_by_role("button", name="Post", exact=True).click()
        else:
            await editor.press("Enter")

    async def reply_in_newest_thread(self, text: str) -> None:
        """In a channel, reply in the newest thread (the bot still hears only an @mention)."""
        box = self.threads().first.locator(EDITOR)
        await box.click()
        await self._mention_bot(box)
        await box.press_sequentially(" " + text)
        await box.press("Enter")

    async def _mention_bot(self, editor: Locator) -> None:
        await editor.press_sequentially("@" + self.bot_name)
        await self.page.get_by_role("menuitem", name=self.bot_name).click()

    # ------------------------------------------------------------ reading

    def cards(self) -> Locator:
        return self.page.locator(CARD)

    def threads(self) -> Locator:
        """A channel's threads, newest first (the new-post composer is not one: it has no message menu)."""
        return self.page.get_by_role("group").filter(has=self.page.get_by_role("button", name="Show more information"))

    def last_card(self) -> Locator:
        """The newest card: the last in a chat; in a channel, the last card of the newest thread holding one."""
        if self.conversation == "channel":
            return self.threads().filter(has=self.page.locator(CARD)).first.locator(CARD).last
        return self.cards().last

    # Timeouts are handed to Playwright, which enforces them in the browser; an asyncio.timeout around the call
    # would leave the browser-side wait running, hence the `noqa: ASYNC109` below.
    async def wait_for_card_text(self, text: str | re.Pattern[str], timeout: float = DEFAULT_TIMEOUT_S) -> Locator:  # noqa: ASYNC109
        """Wait until some card shows `text`; return that card (the newest such)."""
        card = self.cards().filter(has_text=text).last
        await card.wait_for(state="visible", timeout=_ms(timeout))
        return card

    async def wait_for_message_text(self, text: str | re.Pattern[str], timeout: float = DEFAULT_TIMEOUT_S) -> Locator:  # noqa: ASYNC109
        """Wait until a message in the open conversation (not the chat list or the log panel) shows `text`.

        Returns the message, or in a channel the thread holding it.
        """
        where = self.threads() if self.conversation == "channel" else self.page.locator(MESSAGE)
        message = where.filter(has_text=text).last
        await message.wait_for(state="visible", timeout=_ms(timeout))
        return message

    async def invoke_banner_text(self, card: Locator | None = None, timeout: float = DEFAULT_TIMEOUT_S) -> str:  # noqa: ASYNC109
        """The banner the Playground shows in a card when an Action.Execute is answered with a message or error."""
        # The banner is a sibling of the card's `.ac-preview-panel`, so look from the card's grandparent.
        frame = (card or self.last_card()).locator("xpath=../..")
        dismiss = frame.get_by_role("button", name="Dismiss Invoke Message")
        await dismiss.wait_for(timeout=_ms(timeout))
        return (await dismiss.locator("xpath=..").inner_text()).strip()

    # ------------------------------------------------------------ card actions

    async def click_card_button(self, title: str, card: Locator | None = None) -> None:
        await (card or self.last_card()).get_by_role("button", name=title, exact=True).click()

    async def fill_card_input(self, label: str, text: str, card: Locator | None = None) -> None:
        """Type into the card input whose `label` (or, failing that, placeholder) is `label`."""
        scope = card or self.last_card()
        field = scope.get_by_label(label, exact=True).or_(scope.get_by_placeholder(label, exact=True)).first
        await field.fill(text)

    async def choose_choice(self, label: str, choice: str, card: Locator | None = None) -> None:
        """Pick `choice` in an Input.ChoiceSet: a compact one is a combobox, an expanded one radios or checkboxes."""
        scope = card or self.last_card()
        combo = scope.get_by_role("combobox", name=label, exact=True)
        if await combo.count():
            await combo.click()
            await self.page.get_by_role("option", name=choice, exact=True).click()
            await expect(combo).to_have_value(choice)
            return
        group = scope.get_by_role("radiogroup", name=label).or_(scope.get_by_role("group", name=label)).first
        await group.get_by_label(choice, exact=True).check()

    async def check_choices(self, label: str, choices: Iterable[str], card: Locator | None = None) -> None:
        """Tick `choices` in an expanded multi-select Input.ChoiceSet (a checkbox per choice).

        The renderer names each checkbox "<label> <choice>" (its aria-labelledby joins the two).
        """
        scope = card or self.last_card()
        for choice in choices:
            name = re.compile(rf"^(?:{re.escape(label)}\s+)?{re.escape(choice)}$")
            await scope.get_by_role("checkbox", name=name).check()

    async def choose_in_typeahead(self, label: str, query: str, choice: str, card: Locator | None = None) -> None:
        """Type `query` into a filtered ChoiceSet and pick `choice` from the suggestions.

        The Playground filters the card's static `choices` only: it never sends `application/search`, so a
        Data.Query dataset's results cannot appear here (they can in Teams).
        """
        scope = card or self.last_card()
        combo = scope.get_by_role("combobox", name=label, exact=True)
        await combo.click()
        await combo.press_sequentially(query)
        await self.page.get_by_role("option", name=choice, exact=True).click()
        await expect(combo).to_have_value(choice)

    # ------------------------------------------------------------ evidence

    async def screenshot(self, path: Path) -> Path:
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        await self.page.screenshot(path=str(path), full_page=True)
        return path

    async def save_artifacts(self, directory: Path) -> Path:
        """Save a screenshot and the page's HTML under `directory` (for a failed test); return the directory."""
        await self.screenshot(directory / "page.png")
        html = await self.page.content()
        await asyncio.to_thread((directory / "page.html").write_text, html, encoding="utf-8")
        return directory


def _ms(seconds: float) -> float:
    return seconds * 1000


# What the e2e conftest's `open_playground` fixture gives a test: start the Playground against this bot
# endpoint, open it in the browser, and return a driver on its personal chat.
OpenPlayground = Callable[[str], Awaitable[PlaygroundDriver]]
