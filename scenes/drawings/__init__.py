"""The slides' drawings: geometry and symbols built from lesson data, never from a scene.

A drawing takes the lesson values it draws (weights, a curve, the computational graph)
and, where it writes numbers, a `FactMaker` (`scenes.kit.typeset`) that turns lesson paths
into recorded, formatted numbers; so each can be built and tested on its own.
"""
