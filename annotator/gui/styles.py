"""How spans look: one character format per combination of covering spans, cached.

Gold spans get their label's calm fill. Pending suggestions get a much lighter tint of it
and a dashed underline in a deeper shade, so "not decided yet" reads differently from
"accepted" at a glance. Where spans overlap or nest, the format leaves the fill out: the
text view paints the covering spans' fills under the text in levels (the outer span's
fill full height, each span inside it inset), so both stay visible; a pending span among
them keeps its dashed underline.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QTextCharFormat

from annotator.core.labels import LabelSet
from annotator.core.review import GOLD, PENDING

TEXT = QColor("#1f2328")
# events: the trigger is boxed in a violet no entity label uses; arguments are underlined
# in their role's colour (roles in schema order), the same colour as their note and row
TRIGGER_INK = QColor("#6d28d9")
TRIGGER_FILL = QColor("#ede4fb")
ROLE_INKS = ("#c2410c", "#1d4ed8", "#047857", "#a21caf", "#0e7490", "#92400e", "#be123c")
WARNING = QColor("#b45309")
Key = tuple[tuple[str, str], ...]  # ((label, state), ...) innermost first


def mix(colour: str | QColor, other: str | QColor, amount: float) -> QColor:
    """``colour`` moved ``amount`` (0..1) of the way towards ``other``."""
    a, b = QColor(colour), QColor(other)
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )


class SpanStyles:
    def __init__(self, labels: LabelSet) -> None:
        self.labels = labels
        self._cache: dict[Key, QTextCharFormat] = {}
        self._spaced: dict[tuple[Key, float], QTextCharFormat] = {}

    def layer(self, label: str, state: str) -> QColor:
        """The fill of a span as the view paints it under the text: gold or pending."""
        return self.fill(label) if state == GOLD else self.tint(label)

    def fill(self, label: str) -> QColor:
        """The fill of an accepted span."""
        return QColor(self.labels.get(label).colour)

    def tint(self, label: str) -> QColor:
        """The fill of a pending suggestion: the label colour, mostly white."""
        return mix(self.labels.get(label).colour, "#ffffff", 0.55)

    def ink(self, label: str) -> QColor:
        """A deeper shade for underlines, outlines and swatch borders."""
        return mix(QColor(self.labels.get(label).colour).darker(170), "#000000", 0.1)

    @staticmethod
    def role_ink(index: int) -> QColor:
        """The colour of the ``index``-th role of an event type (-1: a role it lacks)."""
        return QColor(ROLE_INKS[index % len(ROLE_INKS)]) if index >= 0 else QColor("#6b7280")

    def format(self, key: Key) -> QTextCharFormat:
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._build(key)
        return fmt

    def spaced(self, key: Key, spacing: float) -> QTextCharFormat:
        """``format(key)`` with ``spacing`` px after each character: given to a span's last
        character it makes room for the span's label tags without changing the text."""
        fmt = self._spaced.get((key, spacing))
        if fmt is None:
            fmt = QTextCharFormat(self.format(key))
            fmt.setFontLetterSpacingType(QFont.SpacingType.AbsoluteSpacing)
            fmt.setFontLetterSpacing(spacing)
            self._spaced[(key, spacing)] = fmt
        return fmt

    def _build(self, key: Key) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setForeground(TEXT)
        pending = [label for label, state in key if state == PENDING]
        if len(key) == 1:  # several spans: the view paints their fills in levels
            fmt.setBackground(self.layer(*key[0]))
        if pending:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            fmt.setUnderlineColor(self.ink(pending[0]))
        return fmt

    def tag_colours(self, label: str, state: str) -> tuple[QColor, QColor]:
        """A label tag's background and text: gold the label's deep shade with white
        letters; pending white with letters in that shade (its border dashed)."""
        ink = self.ink(label)
        return (ink, QColor("#ffffff")) if state == GOLD else (QColor("#ffffff"), ink)

    def clear(self) -> None:
        self._cache.clear()
        self._spaced.clear()
