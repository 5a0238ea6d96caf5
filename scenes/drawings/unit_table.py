"""A table with one row per hidden unit, each row level with its neuron in a NetworkDiagram.

Slides 7 and 8 put the real per-unit numbers (weights, pre-activations, activations,
gradients) beside the neurons they belong to, so the eye reads across a row. Every
cell is a lesson fact set by the `FactMaker` the table is given (a slide's `typeset`).
"""

from __future__ import annotations

from typing import Sequence

from manim import RIGHT, UP, Mobject, VGroup

from scenes.kit.typeset import FactMaker

__all__ = ["Column", "unit_table"]


class Column(VGroup):
    """A header over cells; `cells[i]` is unit i's value."""

    def __init__(self, header: Mobject, cells: Sequence[Mobject]) -> None:
        super().__init__(header, *cells)
        self.header, self.cells = header, VGroup(*cells)


def unit_table(facts: FactMaker, rows_y: Sequence[float],
               columns: Sequence[tuple[Mobject, Sequence[str], str, bool]],
               gap: float = 0.45, font_size: float = 20, header_buff: float = 0.2) -> VGroup:
    """Columns of lesson facts, cell i at height `rows_y[i]`, laid out left to right from x = 0.

    `columns` holds (header, keys, colour, mono) per column; `keys[i]` is unit i's lesson path.
    A column's cells share their number of decimals and are right-aligned, so their decimal
    points line up; headers sit on one baseline.
    """
    built: list[Column] = []
    for header, keys, color, mono in columns:
        # One column, one number of decimals: cells align on the decimal point.
        places = facts.column_decimals(list(keys))
        cells = [facts.text("@v", v=key, color=color, mono=mono, font_size=font_size,
                            decimals=places) for key in keys]
        right = max(cell.width for cell in cells)
        for cell, y in zip(cells, rows_y, strict=True):
            cell.move_to([right - cell.width / 2, y, 0])
        built.append(Column(header, cells))
    top = max(cell.get_top()[1] for column in built for cell in column.cells)
    for column in built:
        column.header.set_x(column.cells.get_x())
        column.header.shift(UP * (top + header_buff - column.header.get_bottom()[1]))
    table = VGroup()
    x = 0.0
    for column in built:
        column.shift(RIGHT * (x - column.get_left()[0]))
        x = column.get_right()[0] + gap
        table.add(column)
    return table

