"""The lecture as data, without Manim: the slides, the palettes, the voices' names,
the environment the pipeline and a slide's Manim process talk through, and what a
slide read from the lesson. The render pipeline, the command line and the presenter
read it without paying for Manim's start-up."""
