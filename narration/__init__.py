"""The narrator: offline speech for each beat's sentence, cached by content.
Imports no Manim: the scenes time their beats with it, the pipeline mixes what
it made."""
