"""The lecture for presenting and reading: the offline presenter, lecture.pptx,
handout.pdf and lecture-script.md."""
