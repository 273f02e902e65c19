"""Warnings stay readable however Teams draws cards: the Playground's light theme, and high contrast
(the browser's forced colours). The Playground has no dark theme of its own (it ignores the browser's
dark preference), so dark is covered by the cards' rule: no amber text, only a `warning` container, which
every Teams theme tints with its own readable text (tests/unit/cards)."""

from __future__ import annotations

import pytest

from bot.demo.stack import RunningDemo
from tests.support.demo_stack import shot
from tests.support.playground_driver import PlaygroundDriver

pytestmark = pytest.mark.e2e

NOTICE = "Nobody in contoso starts with 'zzzz'. Try another name."

# The WCAG contrast ratio of a text's colour against the first opaque background behind it.
CONTRAST = """(element) => {
    const rgb = (css) => (css.match(/[\\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => {
        const linear = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        const [R, G, B] = [r, g, b].map(linear);
        return 0.2126 * R + 0.7152 * G + 0.0722 * B;
    };
    let node = element, background = null;
    while (node) {
        const c = rgb(getComputedStyle(node).backgroundColor);
        if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { background = c; break; }
        node = node.parentElement;
    }
    background = background || [255, 255, 255];
    const [a, b] = [luminance(rgb(getComputedStyle(element).color)), luminance(background)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.mark.parametrize(
    ("theme", "media"),
    [("light", {"color_scheme": "light"}), ("high-contrast", {"color_scheme": "dark", "forced_colors": "active"})],
)
async def test_a_warning_on_a_card_is_readable_in_the_light_and_high_contrast_themes(
    demo: RunningDemo, olivia: PlaygroundDriver, theme: str, media: dict[str, str]
) -> None:
    await olivia.page.emulate_media(**media)  # type: ignore[arg-type]
    await olivia.send("assign zzzz")
    card = await olivia.wait_for_card_text(NOTICE)
    warning = card.get_by_text(NOTICE, exact=True)
    ratio = await warning.evaluate(CONTRAST)
    assert ratio >= 4.5, f"the warning's contrast in the {theme} theme is {ratio:.1f}:1 (WCAG AA asks 4.5:1)"
    await shot(olivia, f"theme-{theme}", card)
