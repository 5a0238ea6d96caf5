"""Where Manim 0.22 works harder than the slides need: each a patch that
changes no picture, installed into the Manim release it was read against."""
