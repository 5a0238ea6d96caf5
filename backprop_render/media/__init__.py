"""Post-processing with PyAV: video, GIF, the narration track, subtitles,
beats cut from a slide, and lecture.mp4 joined."""
