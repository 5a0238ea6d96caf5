"""Rendering a deck into an output folder: which slides changed, each slide
rendered by its own Manim, the files published whole, and the record of
what the folder holds."""
