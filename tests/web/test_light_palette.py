"""The warning lights' palette survives deuteranopia (static/css/app.css says why it is what it
is): simulated as a deuteranope sees them (Machado, Oliveira and Fernandes 2009, severity 1), the
three colours stay far apart; each holds its character legibly; and the shape of each stands out
on a white page. The colours are read from the stylesheet, so that a change to them is checked."""

import itertools
import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "app.css"
WHITE, INK = "#ffffff", "#1f2328"

# Machado et al.'s matrix for deuteranopia (severity 1.0), on linear RGB.
DEUTERANOPIA = (
    (0.367322, 0.860646, -0.227968),
    (0.280085, 0.672501, 0.047413),
    (-0.011820, 0.042940, 0.968881),
)


def variables() -> dict[str, str]:
    return dict(re.findall(r"--(light-[a-z-]+):\s*(#[0-9a-f]{6})", CSS.read_text()))


def linear(colour: str) -> tuple[float, ...]:
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return tuple(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)


def as_deuteranope(colour: str) -> tuple[float, ...]:
    rgb = linear(colour)
    return tuple(
        min(max(sum(m * c for m, c in zip(row, rgb, strict=True)), 0), 1) for row in DEUTERANOPIA
    )


def lab(rgb: tuple[float, ...]) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of linear sRGB."""
    r, g, b = rgb
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(one: tuple[float, ...], other: tuple[float, ...]) -> float:
    return sum((a - b) ** 2 for a, b in zip(lab(one), lab(other), strict=True)) ** 0.5


def contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        r, g, b = linear(colour)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    low, high = sorted((luminance(one), luminance(other)))
    return (high + 0.05) / (low + 0.05)


def test_the_simulation_finds_a_plain_traffic_light_red_and_green_alike():
    """The check tells: a plain red and green are one muddy brown to a deuteranope."""
    assert delta_e(as_deuteranope("#d1242f"), as_deuteranope("#2da44e")) < 20


@pytest.mark.parametrize(
    ("one", "other"), list(itertools.combinations(["red", "yellow", "green"], 2))
)
def test_a_deuteranope_tells_the_lights_apart(one, other):
    palette = variables()
    seen = delta_e(
        as_deuteranope(palette[f"light-{one}"]), as_deuteranope(palette[f"light-{other}"])
    )
    assert seen >= 40, (one, other, seen)


def test_each_light_holds_its_character_and_stands_out_on_white():
    palette = variables()
    # The character: white on red and green, ink on yellow (as the stylesheet sets them).
    assert contrast(palette["light-red"], WHITE) >= 4.5
    assert contrast(palette["light-green"], WHITE) >= 4.5
    assert contrast(palette["light-yellow"], INK) >= 4.5
    # The shape, a graphic: 3:1 on the white page; yellow's by its outline.
    assert contrast(palette["light-red"], WHITE) >= 3
    assert contrast(palette["light-green"], WHITE) >= 3
    assert contrast(palette["light-yellow-edge"], WHITE) >= 3
    # A tile's tint keeps its text legible.
    for tint in ("light-red-tint", "light-yellow-tint", "light-green-tint"):
        assert contrast(palette[tint], INK) >= 7, tint
