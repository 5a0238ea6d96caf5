"""The recording page (present/record.html) in headless browsers with a fake microphone.

Chromium's fake microphone plays a WAV file of speech-like syllables in a loop: the take
the page keeps must hold that sound (its envelope follows the file's) and its record must
name the beat and the sentence the page showed. The pages are built from synthetic slides
(no Manim); Chromium saves by download from file:// and into a folder (the File System
Access API, handed its origin-private folder over http, as no test can click a folder
picker); Firefox, which has no folder picker, by download. (Headless Firefox here has no
audio output, so its audio context never runs: the level meter is checked in Chromium.)
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import http.server
import json
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

from backprop_render.build.outputs import OutputFolder
from backprop_render.present import build as present
from backprop_render.present.recording import write_takes_data
from narration import takes
from narration.take_audio import decode
from tests.backprop_render import present_browser
from tests.backprop_render.synthetic_beats import slide_entry
from tests.narration.take_media import best_correlation, envelope, speechlike, write_audio

pytestmark = pytest.mark.skipif(present_browser.available() is not None,
                                reason=str(present_browser.available()))

MIC_RATE = 48000


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[takes.BeatLine]]:
    """A present/ folder of two slides (2 and 3 beats), and the render's beats."""
    out = tmp_path_factory.mktemp("record-page")
    entries = [slide_entry(out, 1, [0, 10], 25), slide_entry(out, 2, [0, 8, 20], 30)]
    with OutputFolder(out) as folder:
        present.build(folder, entries)
    return out / "present", takes.lecture_beats({"slides": entries})


@pytest.fixture(scope="module")
def microphone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray]:
    """The fake microphone's file, and its samples at the narration's rate."""
    samples, _ = speechlike(3.0, MIC_RATE, seed=7, lead=0.2, tail=0.2, level=0.5)
    path = write_audio(tmp_path_factory.mktemp("mic") / "mic.wav", samples, MIC_RATE)
    return path, decode(path)[0]


@pytest.fixture(scope="module")
def browser(microphone, tmp_path_factory) -> Iterator[tuple[Any, Path]]:
    downloads = tmp_path_factory.mktemp("downloads")
    with present_browser.chromium((1100, 700), downloads=downloads, arguments=(
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={microphone[0]}")) as driver:
        yield driver, downloads


def press(driver: Any, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()


def state(driver: Any) -> dict:
    return driver.execute_script("return window.recording.state()")


def record_and_keep(driver: Any, seconds: float = 2.0) -> dict:
    """R, speak for `seconds`, R, K: as the lecturer would, with the keys."""
    press(driver, "r")
    present_browser.wait_for(lambda: state(driver)["recording"], what="recording")
    started = time.monotonic()
    # The level meter hears the microphone (syllables at about -10 dBFS, room noise at -70).
    present_browser.wait_for(lambda: driver.execute_script(
        "return document.getElementById('meter').value") > -30, what="the level meter")
    time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    press(driver, "r")
    present_browser.wait_for(lambda: state(driver)["pending"], what="the take")
    press(driver, "k")
    try:
        return present_browser.wait_for(lambda: (s := state(driver))["state"] == "kept" and s,
                                        what="the take kept")
    except AssertionError as error:
        raise AssertionError(f"{error}; the page says: {state(driver)['status']}") from None


def assert_take_of(folder: Path, beat: takes.BeatLine, beats: list[takes.BeatLine],
                   source: np.ndarray) -> None:
    """`folder` holds the beat's take, fresh for its sentence, and its sound is the source's."""
    record = takes.read_record(folder / f"{beat.id}.json")
    assert (record.beat, record.sentence, record.made) == (beat.id, beat.text, "recording page")
    assert record.media_type.startswith("audio/webm") and record.audio == f"{beat.id}.webm"
    assert 1.5 < record.seconds < 4
    report = takes.survey(beats, folder)
    mine, = (t for t in report.beats if t.beat.id == beat.id)
    assert mine.state == takes.FRESH and not report.unknown
    recorded, rate = decode(folder / record.audio)
    assert recorded.size / rate == pytest.approx(record.seconds, abs=0.3)
    correlation = best_correlation(envelope(recorded, rate), envelope(source, rate))
    assert correlation > 0.85, correlation


def test_a_take_recorded_with_the_keys_is_downloaded_with_its_record(deck, microphone,
                                                                     browser, tmp_path) -> None:
    folder, beats = deck
    driver, downloads = browser
    # The render found beat 2 stale (spoken for another sentence) and beat 1 fresh.
    old = tmp_path / "takes"
    old.mkdir()
    for beat, sentence in ((beats[0], beats[0].text), (beats[1], "Slide 1 said it otherwise.")):
        path = write_audio(old / f"{beat.id}.wav", speechlike(3.0, 48000)[0], 48000)
        takes.write_record(old, dataclasses.replace(takes.record_for(beat, path, "test"),
                                                    sentence=sentence))
    write_takes_data(folder, takes.survey(beats, old))
    try:
        driver.get((folder / "record.html").as_uri())
        present_browser.wait_for(lambda: driver.execute_script("return !!window.recording"))
        # It opens at the first stale beat, showing what the take said before.
        assert state(driver)["id"] == beats[1].id == "slide-1.beat_2"
        assert driver.find_element("id", "sentence").text == beats[1].text
        assert driver.find_element("id", "old").text == "Slide 1 said it otherwise."
        # The list names each beat by its slide, number and name.
        assert driver.find_element("id", "beats").text.split("\n")[:4] == [
            "1.1 beat_1", "fresh", "1.2 beat_2", "stale"]
        assert "1 stale, 3 missing" in state(driver)["status"]
        assert driver.find_element("id", "video").get_attribute("src").endswith(
            "beats/01-slide-1-02.mp4")
        # A clicker's keys move; the live region says where.
        press(driver, "\ue014")  # Right
        assert state(driver)["index"] == 2 and "Slide 2, beat 1: no take yet" in \
            state(driver)["status"]
        press(driver, "\ue00e")  # PageUp
        assert state(driver)["index"] == 1

        kept = record_and_keep(driver)
        assert "downloaded" in kept["status"]
        wanted = {f"{beats[1].id}.webm", f"{beats[1].id}.json"}
        present_browser.wait_for(lambda: {p.name for p in downloads.iterdir()} == wanted,
                                 what="both downloads")
        assert_take_of(downloads, beats[1], beats, microphone[1])
    finally:
        (folder / "takes.js").unlink()


def test_a_take_is_written_into_the_chosen_folder_and_played_back(deck, microphone,
                                                                  browser, tmp_path) -> None:
    folder, beats = deck
    driver, _ = browser
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # The folder picker answers with the origin's private folder, a real directory handle.
    script = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {
        "source": "window.showDirectoryPicker = async () => navigator.storage.getDirectory();"})
    try:
        driver.get(f"http://127.0.0.1:{server.server_address[1]}/record.html#4")
        present_browser.wait_for(lambda: driver.execute_script("return !!window.recording"))
        assert state(driver)["index"] == 3  # where the address says
        press(driver, "o")
        present_browser.wait_for(lambda: "Takes folder" in state(driver)["status"],
                                 what="the folder read")
        record_and_keep(driver)
        assert "in the folder" in state(driver)["status"]
        press(driver, "p")
        present_browser.wait_for(lambda: "Playing the kept take" in state(driver)["status"],
                                 what="play back")
        files = driver.execute_async_script("""
            const done = arguments[arguments.length - 1];
            (async () => {
              const found = {};
              for await (const [name, handle] of (await navigator.storage.getDirectory())
                  .entries()) {
                const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
                let text = "";
                for (const byte of bytes) { text += String.fromCharCode(byte); }
                found[name] = btoa(text);
              }
              done(found);
            })();""")
        assert set(files) == {f"{beats[3].id}.webm", f"{beats[3].id}.json"}
        for name, data in files.items():
            (tmp_path / name).write_bytes(base64.b64decode(data))
        assert_take_of(tmp_path, beats[3], beats, microphone[1])
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                               {"identifier": script["identifier"]})
        server.shutdown()


def test_the_page_is_usable_by_keyboard_and_screen_reader(deck, browser) -> None:
    folder, beats = deck
    driver, _ = browser
    driver.get((folder / "record.html").as_uri() + "#1")
    present_browser.wait_for(lambda: driver.execute_script("return !!window.recording"))
    found = driver.execute_script("""
        const named = (e) => (e.getAttribute("aria-label") || e.textContent).trim();
        return {
          unnamed: [...document.querySelectorAll("button")].filter((b) => !named(b)).length,
          buttons: document.querySelectorAll("#beats button").length,
          current: [...document.querySelectorAll("#beats button")].findIndex(
            (b) => b.getAttribute("aria-current") === "step"),
          status: [document.getElementById("status").getAttribute("role"),
                   document.getElementById("status").getAttribute("aria-live")],
          meter: document.querySelector('label[for="meter"]').textContent,
          keys: document.getElementById("record").getAttribute("aria-keyshortcuts"),
        };""")
    assert found == {"unnamed": 0, "buttons": len(beats), "current": 0,
                     "status": ["status", "polite"], "meter": "Microphone", "keys": "R"}
    # A button of the beat list, reached with the keyboard, jumps there and keeps the focus.
    target = driver.find_elements("css selector", "#beats button")[4]
    driver.execute_script("arguments[0].focus()", target)
    press(driver, "\ue007")  # Enter
    assert state(driver)["index"] == 4
    assert driver.execute_script("return document.activeElement === arguments[0]", target)
    assert target.get_attribute("aria-current") == "step"
    assert "Slide 2, beat 3: no take yet" in state(driver)["status"]


FIREFOX_RECORDING = {
    "media.navigator.streams.fake": True, "media.navigator.permission.disabled": True,
    "browser.download.folderList": 2, "browser.download.useDownloadDir": True,
    "browser.download.always_ask_before_handling_new_types": False,
    "browser.download.start_downloads_in_tmp_dir": False,
}


@pytest.mark.skipif(present_browser.firefox_available() is not None,
                    reason=str(present_browser.firefox_available()))
def test_firefox_records_and_downloads_a_take_with_its_record(deck, tmp_path) -> None:
    folder, beats = deck
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with present_browser.firefox(prefs={**FIREFOX_RECORDING,
                                        "browser.download.dir": str(downloads)}) as bidi:
        bidi.navigate((folder / "record.html").as_uri() + "#2")

        def now() -> dict:
            return bidi.evaluate("window.recording.state()")

        assert now()["id"] == beats[1].id
        assert bidi.evaluate("document.getElementById('folder').hidden") is True
        bidi.press("r")
        present_browser.wait_for(lambda: now()["recording"], what="recording")
        time.sleep(1.5)
        bidi.press("r")
        present_browser.wait_for(lambda: now()["pending"], what="the take")
        bidi.press("k")
        present_browser.wait_for(lambda: now()["state"] == "kept", what="kept")
        present_browser.wait_for(lambda: len([p for p in downloads.iterdir()
                                              if not p.name.endswith(".part")]) == 2,
                                 what="both downloads")
    record = takes.read_record(downloads / f"{beats[1].id}.json")
    assert (record.beat, record.sentence) == (beats[1].id, beats[1].text)
    assert record.sha256 == takes.file_digest(downloads / record.audio)[0]
    samples, rate = decode(downloads / record.audio)
    # Firefox's fake microphone is a steady tone: sound, for as long as it recorded.
    assert samples.size / rate == pytest.approx(record.seconds, abs=0.3)
    assert np.sqrt(np.mean(samples ** 2)) > 0.01
    assert json.loads((downloads / f"{beats[1].id}.json").read_text())["made"] == \
        "recording page"
