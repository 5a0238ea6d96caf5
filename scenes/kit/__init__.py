"""The scene kit every slide is built with: `SlideScene` and its beats, lesson
numbers set and recorded, formulas of named parts, the theme, the notation and
placement."""
