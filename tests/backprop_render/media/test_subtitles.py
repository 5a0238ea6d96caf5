from __future__ import annotations

from fractions import Fraction

import pytest

from backprop_render.media.subtitles import (
    Cue,
    compose_srt,
    compose_vtt,
    join_srt,
    parse_srt,
    read_srt,
)

SLIDE_SRT = """1
00:00:00,000 --> 00:00:02,500
We multiply x by w.

2
00:00:02,500 --> 00:00:07,133
Then we add the bias:
two lines.
"""


def test_parse_reads_times_and_text_exactly():
    cues = parse_srt(SLIDE_SRT)
    assert cues == [Cue(Fraction(0), Fraction(5, 2), "We multiply x by w."),
                    Cue(Fraction(5, 2), Fraction(7133, 1000), "Then we add the bias:\ntwo lines.")]


def test_compose_then_parse_is_the_identity():
    cues = parse_srt(SLIDE_SRT)
    assert parse_srt(compose_srt(cues)) == cues


def test_an_empty_file_has_no_cues_and_composes_to_nothing():
    assert parse_srt("") == []
    assert compose_srt([]) == ""


def test_a_malformed_file_names_itself(tmp_path):
    broken = tmp_path / "06-backward-propagation.srt"
    broken.write_text("1\nnot a time line\nhello\n", encoding="utf-8")
    with pytest.raises(ValueError, match="06-backward-propagation.srt is not valid SRT"):
        read_srt(broken)


def test_join_moves_each_slide_to_where_it_starts_in_the_lecture():
    first = [Cue(Fraction(0), Fraction(2), "one"), Cue(Fraction(2), Fraction(4), "two")]
    second = [Cue(Fraction(1), Fraction(3), "three")]
    joined = join_srt([(first, Fraction(0), Fraction(4)), (second, Fraction(62, 15), Fraction(5))])
    assert joined == first + [Cue(Fraction(1) + Fraction(62, 15), Fraction(3) + Fraction(62, 15),
                                  "three")]
    text = compose_srt(joined)
    assert "3\n00:00:05,133 --> 00:00:07,133\nthree" in text  # renumbered, rounded once


def test_join_cuts_cues_at_their_slide_end_and_drops_cues_past_it():
    cues = [Cue(Fraction(1), Fraction(9), "runs over"), Cue(Fraction(6), Fraction(7), "too late")]
    joined = join_srt([(cues, Fraction(10), Fraction(5))])
    assert joined == [Cue(Fraction(11), Fraction(15), "runs over")]


def test_webvtt_has_the_same_cues_with_its_markup_escaped():
    cues = parse_srt(SLIDE_SRT) + [Cue(Fraction(8), Fraction(9), "a < b & c > d\n\nnext")]
    assert compose_vtt(cues, "en") == """WEBVTT
Language: en

1
00:00:00.000 --> 00:00:02.500
We multiply x by w.

2
00:00:02.500 --> 00:00:07.133
Then we add the bias:
two lines.

3
00:00:08.000 --> 00:00:09.000
a &lt; b &amp; c &gt; d
next
"""
