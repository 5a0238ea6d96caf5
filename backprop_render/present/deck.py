"""lecture.pptx with python-pptx: one slide per beat, its video starting by itself.

python-pptx embeds a movie that plays on click; PowerPoint starts a video by itself
when the slide's timing tree holds a `mediacall` effect of type afterEffect that
begins with the slide (what PowerPoint writes for Playback > Start: Automatically).
The poster is the beat's end frame, so printing or exporting to PDF shows the beat's
finished state. The slide title (hidden behind the video) names the beat for the
outline and for screen readers; the video's alternative text (its description) is the
beat's sentence, what it shows; the narration is the speaker notes too.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Sequence

from lxml import etree
from pptx import Presentation
from pptx.opc import serialized
from pptx.oxml.ns import nsdecls
from pptx.util import Emu

__all__ = ["write_pptx", "autoplay_timing"]

_WIDTH, _HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in: PowerPoint's 16:9
_TITLE_ONLY = 5  # the default template's "Title Only" layout
# Parts already compressed: deflating them again saves nothing and was a quarter of the
# deck's writing (0.31 of 1.19 s for 54 beats). OPC allows stored members.
_STORED = frozenset({"mp4", "jpg", "jpeg", "png"})


def autoplay_timing(shape_id: int, duration_ms: int) -> etree._Element:
    """A slide's <p:timing>: play the movie shape `shape_id` as soon as the slide shows."""
    return etree.fromstring(f"""
<p:timing {nsdecls("p")}>
 <p:tnLst><p:par><p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot">
  <p:childTnLst>
   <p:seq concurrent="1" nextAc="seek">
    <p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>
     <p:par><p:cTn id="3" fill="hold"><p:stCondLst>
       <p:cond delay="indefinite"/><p:cond evt="onBegin" delay="0"><p:tn val="2"/></p:cond>
      </p:stCondLst><p:childTnLst>
      <p:par><p:cTn id="4" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst>
       <p:childTnLst>
        <p:par><p:cTn id="5" presetID="1" presetClass="mediacall" presetSubtype="0"
                      fill="hold" nodeType="afterEffect">
         <p:stCondLst><p:cond delay="0"/></p:stCondLst>
         <p:childTnLst><p:cmd type="call" cmd="playFrom(0.0)"><p:cBhvr>
          <p:cTn id="6" dur="{duration_ms}" fill="hold"/>
          <p:tgtEl><p:spTgt spid="{shape_id}"/></p:tgtEl>
         </p:cBhvr></p:cmd></p:childTnLst>
        </p:cTn></p:par>
       </p:childTnLst></p:cTn></p:par>
     </p:childTnLst></p:cTn></p:par>
    </p:childTnLst></p:cTn>
    <p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond>
    </p:prevCondLst>
    <p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond>
    </p:nextCondLst>
   </p:seq>
   <p:video><p:cMediaNode vol="80000">
    <p:cTn id="7" fill="hold" display="0"><p:stCondLst><p:cond delay="indefinite"/>
    </p:stCondLst></p:cTn>
    <p:tgtEl><p:spTgt spid="{shape_id}"/></p:tgtEl>
   </p:cMediaNode></p:video>
  </p:childTnLst>
 </p:cTn></p:par></p:tnLst>
</p:timing>""")


def write_pptx(dst: Path, beats: Sequence[dict[str, Any]], title: str) -> None:
    """`beats`: dicts of title, notes, description (the video's alternative text), video
    (MP4 path), poster (image path), duration (s)."""
    presentation = Presentation()
    presentation.slide_width, presentation.slide_height = _WIDTH, _HEIGHT
    presentation.core_properties.title = title
    layout = presentation.slide_layouts[_TITLE_ONLY]
    for beat in beats:
        slide = presentation.slides.add_slide(layout)
        slide.shapes.title.text = beat["title"]
        movie = slide.shapes.add_movie(str(beat["video"]), 0, 0, _WIDTH, _HEIGHT,
                                       poster_frame_image=str(beat["poster"]),
                                       mime_type="video/mp4")
        movie.name = "Beat video"
        movie._element.xpath("./p:nvPicPr/p:cNvPr")[0].set("descr", beat["description"])
        timing = autoplay_timing(movie.shape_id, max(1, round(beat["duration"] * 1000)))
        old = slide._element.find("{*}timing")  # add_movie's play-on-click tree
        if old is not None:
            old.getparent().replace(old, timing)
        else:
            slide._element.append(timing)
        slide.notes_slide.notes_text_frame.text = beat["notes"]
    with _media_stored():
        presentation.save(str(dst))


@contextmanager
def _media_stored() -> Iterator[None]:
    """python-pptx deflates every part it writes; videos and images go in stored."""
    writer = getattr(serialized, "_ZipPkgWriter", None)
    original = getattr(writer, "write", None)
    if writer is None or original is None:  # another python-pptx: every part deflated
        yield
        return

    def write(self: Any, pack_uri: Any, blob: bytes) -> None:
        if pack_uri.ext.lower() not in _STORED:
            return original(self, pack_uri, blob)
        self._zipf.writestr(pack_uri.membername, blob, compress_type=zipfile.ZIP_STORED)

    writer.write = write
    try:
        yield
    finally:
        writer.write = original
