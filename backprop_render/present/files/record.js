// The recording page: the lecturer speaks each beat's sentence in their own voice.
//
// Each beat shows its video (silent) and its sentence as this render wrote it, with its
// numbers. R records and stops, P plays the take back, K keeps it; the arrows move, so a
// clicker drives it. A kept take is saved as one audio file named by the beat's id, with
// its record (<id>.json: the sentence it was spoken for and the file's facts, as
// narration/takes.py reads it): into a folder the lecturer picks where the browser allows
// it (the File System Access API), otherwise as two downloads.
//
// Everything it loads is in this folder (deck.js, takes.js, beats/), so it works from
// file://, which browsers count as a secure context: the microphone may be used.
"use strict";

(function () {
  const deck = window.DECK;
  const beats = deck.beats;
  // Which beats the render found stale, missing or bad in its takes folder (takes.js,
  // written beside this page by a render that used takes; absent otherwise).
  const found = (window.TAKES && window.TAKES.beats) || {};
  const form = deck.take_record; // the record's format and version (narration/takes.py)
  const $ = (id) => document.getElementById(id);
  // Every text this page writes, in the lecture's language: the render puts the catalog's
  // translations into deck.text, by their English; @name is a value filled in here.
  const _ = (english, values) => {
    const text = (deck.text && deck.text[english]) || english;
    return values ? text.replace(/@(\w+)/g, (all, name) => String(values[name])) : text;
  };
  const video = $("video");
  const playback = $("playback");
  const statusBox = $("status");
  const meter = $("meter");
  const levelText = $("level-text");
  const clockBox = $("clock");
  const list = $("beats");
  const buttons = {
    previous: $("previous"), record: $("record"), play: $("play"), keep: $("keep"),
    next: $("next"), folder: $("folder"),
  };
  const NEEDS_TAKE = ["stale", "missing", "bad"];
  const LABELS = {
    fresh: _("recorded"), stale: _("stale: the sentence changed"), new: _("recorded elsewhere"),
    missing: _("no take yet"), bad: _("unusable file"), kept: _("kept now"),
    pending: _("not kept yet"),
  };
  const BADGES = { // a state in one word, beside each beat of the list
    fresh: _("fresh"), stale: _("stale"), new: _("new"), missing: _("missing"), bad: _("bad"),
    kept: _("kept"), pending: _("pending"),
  };

  let index = 0;
  let stream = null; // the microphone
  let analyser = null;
  let recorder = null; // a MediaRecorder while recording
  let starting = false; // waiting for the microphone to start a recording
  let recordingBeat = -1;
  let recordStarted = 0;
  let folder = null; // a FileSystemDirectoryHandle once the lecturer picked one
  let peak = 0; // the loudest sample since the take started
  const pending = new Map(); // beat index -> {blob, seconds, type}: recorded, not kept
  const state = new Map(); // beat index -> a key of LABELS

  for (const [name, value] of Object.entries(deck.theme || {})) {
    if (name !== "name") {
      document.documentElement.style.setProperty(`--${name}`, value);
    }
  }
  document.documentElement.dataset.theme = (deck.theme && deck.theme.name) || "dark";

  function say(text) {
    statusBox.textContent = text;
  }

  function url(path) {
    return new URL(path, document.baseURI).href;
  }

  function words(text) {
    return String(text || "").split(/\s+/).filter(Boolean).join(" ");
  }

  function slideTitle(number) {
    const slide = deck.slides.find((s) => s.number === number);
    return slide ? slide.title : "";
  }

  function beatsIn(number) {
    return beats.filter((b) => b.slide === number).length;
  }

  function stateOf(i) {
    if (pending.has(i)) {
      return "pending";
    }
    return state.get(i) || (found[beats[i].id] || {}).state || "missing";
  }

  // ----- the page --------------------------------------------------------------------

  function drawList() {
    beats.forEach((b, i) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      const name = document.createElement("span");
      name.textContent = `${b.slide}.${b.beat} ${b.name}`;
      button.append(name, document.createElement("span"));
      button.addEventListener("click", () => show(i, true));
      item.append(button);
      list.append(item);
    });
  }

  function updateList() {
    // In place: a button the keyboard is on keeps the focus.
    [...list.querySelectorAll("button")].forEach((button, i) => {
      const badge = button.lastChild;
      badge.className = `state ${stateOf(i)}`;
      badge.textContent = BADGES[stateOf(i)];
      if (i === index) {
        button.setAttribute("aria-current", "step");
      } else {
        button.removeAttribute("aria-current");
      }
    });
  }

  function show(i, announce) {
    if (recorder) {
      stopRecording(); // a take belongs to the beat it was started on
    }
    stopPlayback();
    index = Math.max(0, Math.min(beats.length - 1, i));
    const b = beats[index];
    $("where").textContent = _("Slide @slide · beat @beat of @count: @title",
      {slide: b.slide, beat: b.beat, count: beatsIn(b.slide), title: slideTitle(b.slide)});
    $("beat-id").textContent = b.id;
    const current = stateOf(index);
    $("state").className = `state ${current}`;
    $("state").textContent = LABELS[current];
    $("sentence").textContent = b.text || _("(this beat says nothing)");
    const before = found[b.id] || {};
    $("was").hidden = !before.old || state.get(index) === "kept";
    $("old").textContent = before.old || "";
    if (video.dataset.beat !== String(index)) {
      video.dataset.beat = String(index);
      video.poster = url(b.poster);
      video.src = url(b.video);
      video.load();
    }
    history.replaceState(null, "", `#${index + 1}`);
    updateList();
    const item = list.querySelector('[aria-current="step"]');
    if (item && item.scrollIntoView) {
      item.scrollIntoView({ block: "nearest" });
    }
    updateButtons();
    if (announce) {
      let note = _("Slide @slide, beat @beat: @state.",
        {slide: b.slide, beat: b.beat, state: LABELS[current]});
      if (current === "bad" && before.problem) {
        note += ` ${before.problem}`;
      } else if (current === "pending") {
        note += " " + _("P plays it back, K keeps it, R records again.");
      }
      say(note);
    }
  }

  function updateButtons() {
    const recording = Boolean(recorder);
    buttons.record.setAttribute("aria-pressed", String(recording));
    buttons.record.firstChild.textContent = (recording ? _("Stop") : _("Record")) + " ";
    buttons.play.disabled = recording || !pending.has(index) && !folder;
    buttons.keep.disabled = recording || !pending.has(index);
    document.body.classList.toggle("recording", recording);
  }

  function firstNeeding(from) {
    for (let step = 0; step < beats.length; step += 1) {
      const i = (from + step) % beats.length;
      if (NEEDS_TAKE.includes(stateOf(i))) {
        return i;
      }
    }
    return -1;
  }

  // ----- the microphone ----------------------------------------------------------------

  async function microphone() {
    if (stream) {
      return stream;
    }
    if (!navigator.mediaDevices || !window.MediaRecorder) {
      throw new Error("this browser cannot record here (no MediaRecorder)");
    }
    // Raw sound: no echo cancelling (the video is silent), no noise gate, no automatic
    // gain pumping the level between words; the render evens the loudness out itself.
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
    });
    const context = new AudioContext();
    analyser = context.createAnalyser();
    analyser.fftSize = 2048;
    context.createMediaStreamSource(stream).connect(analyser);
    setInterval(measure, 100);
    return stream;
  }

  const samples = new Float32Array(2048);
  function measure() {
    analyser.getFloatTimeDomainData(samples);
    let sum = 0;
    let loudest = 0;
    for (const s of samples) {
      sum += s * s;
      loudest = Math.max(loudest, Math.abs(s));
    }
    const db = Math.max(-60, 10 * Math.log10(sum / samples.length + 1e-12));
    meter.value = db;
    meter.setAttribute("aria-valuetext", `${Math.round(db)} decibels`);
    levelText.textContent = `${Math.round(db)} dB`;
    if (recorder) {
      peak = Math.max(peak, loudest);
      clockBox.textContent = `${((performance.now() - recordStarted) / 1000).toFixed(1)} s`;
    }
  }

  function recorderType() {
    // Chromium records WebM, Firefox OGG (or WebM), Safari MP4: all with a codec PyAV reads.
    const wanted = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4"];
    return wanted.find((type) => MediaRecorder.isTypeSupported(type)) || "";
  }

  function suffix(type) {
    const known = { "audio/webm": ".webm", "audio/ogg": ".ogg", "audio/mp4": ".m4a",
      "audio/wav": ".wav", "audio/mpeg": ".mp3" };
    return known[type.split(";")[0].trim()] || ".webm";
  }

  async function startRecording() {
    if (starting) {
      return; // R pressed twice while the browser opens the microphone
    }
    starting = true;
    try {
      await microphone();
    } catch (error) {
      say(_("The microphone is not available (@error): allow it for this page and press R " +
        "again.", {error: error.name || error.message}));
      return;
    } finally {
      starting = false;
    }
    const chunks = [];
    const type = recorderType();
    recorder = new MediaRecorder(stream, type ? { mimeType: type, audioBitsPerSecond: 128000 }
      : {});
    recordingBeat = index;
    peak = 0;
    recorder.addEventListener("dataavailable", (event) => {
      if (event.data.size) {
        chunks.push(event.data);
      }
    });
    recorder.addEventListener("stop", () => {
      const seconds = (performance.now() - recordStarted) / 1000;
      const blob = new Blob(chunks, { type: blobType(chunks, type) });
      finished(recordingBeat, blob, seconds);
    }, { once: true });
    recorder.start();
    recordStarted = performance.now();
    video.currentTime = 0;
    video.play().catch(() => undefined); // the animation, to speak along with
    say(_("Recording: speak the sentence, then press R to stop."));
    updateButtons();
  }

  function blobType(chunks, asked) {
    return (chunks[0] && chunks[0].type) || asked || "audio/webm";
  }

  function stopRecording() {
    const active = recorder;
    recorder = null;
    active.stop();
    video.pause();
    updateButtons();
  }

  function finished(i, blob, seconds) {
    if (!blob.size) {
      say(_("Nothing was recorded: press R to try again."));
      return;
    }
    pending.set(i, { blob, seconds, type: blob.type });
    clockBox.textContent = `${seconds.toFixed(1)} s`;
    const loud = peak >= 0.99 ? " " + _("It clipped: speak further from the microphone.") :
      peak < 0.03 ? " " + _("It was very quiet: is the right microphone on?") : "";
    if (i === index) {
      say(_("Take recorded, @seconds s.", {seconds: seconds.toFixed(1)}) + loud + " " +
        _("P plays it back, K keeps it, R records again."));
      show(index, false);
    }
  }

  // ----- playing back ------------------------------------------------------------------

  function stopPlayback() {
    if (!playback.paused) {
      playback.pause();
    }
  }

  async function play() {
    if (!playback.paused) {
      stopPlayback();
      say(_("Stopped."));
      return;
    }
    let blob = pending.has(index) ? pending.get(index).blob : null;
    if (!blob && folder) {
      blob = await keptTake(beats[index]);
    }
    if (!blob) {
      say(_("No take of this beat to play: press R to record one."));
      return;
    }
    if (playback.src) {
      URL.revokeObjectURL(playback.src);
    }
    playback.src = URL.createObjectURL(blob);
    playback.play().then(() => say(pending.has(index) ? _("Playing the new take.") :
      _("Playing the kept take."))).catch((error) => say(_("Cannot play it back (@error).",
      {error: error.name})));
  }

  // ----- keeping -----------------------------------------------------------------------

  async function sha256(blob) {
    if (!window.crypto || !crypto.subtle) {
      return "";
    }
    const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
    return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0"))
      .join("");
  }

  async function record(b, take, name) {
    const track = stream ? stream.getAudioTracks()[0] : null;
    const settings = track && track.getSettings ? track.getSettings() : {};
    return {
      format: form.format, version: form.version, beat: b.id, sentence: b.text,
      audio: {
        // The file's rate is the codec's (Opus: 48 kHz), not the microphone's: left out.
        file: name, sha256: await sha256(take.blob), bytes: take.blob.size,
        seconds: Math.round(take.seconds * 1000) / 1000, rate: null,
        channels: settings.channelCount || null, type: take.type,
      },
      made: "recording page", when: new Date().toISOString(),
    };
  }

  async function keep() {
    if (recorder) {
      say(_("Still recording: press R to stop first."));
      return;
    }
    const i = index;
    const take = pending.get(i);
    if (!take) {
      say(_("No new take to keep: press R to record one."));
      return;
    }
    const b = beats[i];
    const name = b.id + suffix(take.type);
    const data = await record(b, take, name);
    const json = new Blob([JSON.stringify(data, null, 1) + "\n"], { type: "application/json" });
    try {
      if (folder) {
        await writeFile(name, take.blob); // the audio first: a record never names a file
        await writeFile(`${b.id}.json`, json); // that is not there yet
        say(_("Kept: @audio and @record in the folder @folder.",
          {audio: name, record: `${b.id}.json`, folder: folder.name}));
      } else {
        download(name, take.blob);
        download(`${b.id}.json`, json);
        say(_("Kept: @audio and @record are downloaded; move both into your takes folder.",
          {audio: name, record: `${b.id}.json`}));
      }
    } catch (error) {
      say(_("The take was not saved (@error); it is still here: press K to try again, or O " +
        "to choose another folder.", {error: `${error.name}: ${error.message}`}));
      return;
    }
    pending.delete(i);
    state.set(i, "kept");
    show(i, false);
  }

  async function writeFile(name, blob) {
    const handle = await folder.getFileHandle(name, { create: true });
    const writable = await handle.createWritable();
    await writable.write(blob);
    await writable.close();
  }

  function download(name, blob) {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
  }

  // ----- the takes folder --------------------------------------------------------------

  async function chooseFolder() {
    if (!window.showDirectoryPicker) {
      say(_("This browser cannot write into a folder: each kept take is downloaded instead."));
      return;
    }
    try {
      folder = await window.showDirectoryPicker({ id: "takes", mode: "readwrite" });
    } catch (error) {
      if (error.name !== "AbortError") {
        say(_("Cannot use that folder (@error).", {error: error.name}));
      }
      return;
    }
    $("saving-to").textContent = _("Saving takes into the folder @folder.",
      {folder: folder.name});
    const counts = await readFolder();
    say(_("Takes folder @folder: @fresh recorded, @stale stale, @missing to record.",
      {folder: folder.name, fresh: counts.fresh || 0, stale: counts.stale || 0,
        missing: counts.missing || 0}));
    show(index, false);
  }

  async function readRecord(b) {
    try {
      const file = await (await folder.getFileHandle(`${b.id}.json`)).getFile();
      return JSON.parse(await file.text());
    } catch (error) {
      return null;
    }
  }

  async function keptTake(b) {
    const data = await readRecord(b);
    if (!data || !data.audio || !data.audio.file) {
      return null;
    }
    try {
      return await (await folder.getFileHandle(data.audio.file)).getFile();
    } catch (error) {
      return null;
    }
  }

  async function readFolder() {
    // Each beat's state from its record, as the render would judge it (a take made
    // elsewhere without a record counts as recorded; the render says so).
    const names = new Set();
    for await (const name of folder.keys()) {
      names.add(name);
    }
    const before = new Map(state);
    const read = new Map();
    for (let i = 0; i < beats.length; i += 1) {
      const b = beats[i];
      const data = await readRecord(b);
      let current = "missing";
      if (data && data.audio && names.has(data.audio.file)) {
        current = words(data.sentence) === words(b.text) ? "fresh" : "stale";
        if (current === "stale") {
          found[b.id] = { ...(found[b.id] || {}), state: "stale", old: data.sentence };
        }
      } else if ([...names].some((name) => name.startsWith(`${b.id}.`) &&
          !name.endsWith(".json"))) {
        current = "new";
      }
      read.set(i, current);
    }
    const counts = {};
    for (const [i, current] of read) {
      // A take kept while the folder was being read is newer than what was read.
      if (state.get(i) !== "kept" || before.get(i) === "kept") {
        state.set(i, current);
      }
      counts[stateOf(i)] = (counts[stateOf(i)] || 0) + 1;
    }
    return counts;
  }

  // ----- keys --------------------------------------------------------------------------

  function wake() {
    // A browser starts an audio context suspended until the page is used: the meter then
    // reads silence (the recorder itself does not depend on it).
    if (analyser && analyser.context.state === "suspended") {
      analyser.context.resume().catch(() => undefined);
    }
  }

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    wake();
    const key = event.key;
    const onButton = event.target instanceof HTMLButtonElement;
    if (onButton && (key === " " || key === "Enter")) {
      return; // the focused button's own click
    }
    let handled = true;
    if (["ArrowRight", "PageDown", "ArrowDown"].includes(key)) {
      show(index + 1 < beats.length ? index + 1 : index, true);
    } else if (["ArrowLeft", "PageUp", "ArrowUp"].includes(key)) {
      show(index - 1, true);
    } else if (key === "Home") {
      show(0, true);
    } else if (key === "End") {
      show(beats.length - 1, true);
    } else if (["r", "R", "b", "B", "."].includes(key)) {
      toggleRecording();
    } else if (key === "p" || key === "P") {
      play();
    } else if (key === "k" || key === "K") {
      keep();
    } else if (key === "o" || key === "O") {
      chooseFolder();
    } else if (key === "n" || key === "N") {
      const next = firstNeeding(index + 1);
      if (next < 0) {
        say(_("Every beat has a take."));
      } else {
        show(next, true);
      }
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  }

  function toggleRecording() {
    if (recorder) {
      stopRecording();
    } else {
      startRecording();
    }
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("pointerdown", wake);
  buttons.previous.addEventListener("click", () => show(index - 1, true));
  buttons.next.addEventListener("click", () => show(index + 1, true));
  buttons.record.addEventListener("click", toggleRecording);
  buttons.play.addEventListener("click", play);
  buttons.keep.addEventListener("click", keep);
  buttons.folder.addEventListener("click", chooseFolder);
  buttons.folder.hidden = !window.showDirectoryPicker;
  playback.addEventListener("ended", () => say(_("Played back.")));
  $("saving-to").textContent = window.showDirectoryPicker
    ? _("Press O to choose the takes folder; until then each kept take is downloaded.")
    : _("Each kept take is downloaded (this browser cannot write into a folder).");

  // For tests and scripts: where the page is and what it holds.
  window.recording = {
    state() {
      return {
        index, id: beats[index].id, recording: Boolean(recorder), state: stateOf(index),
        pending: [...pending.keys()].map((i) => beats[i].id), folder: folder ? folder.name : null,
        status: statusBox.textContent,
      };
    },
  };

  if (!form || beats.some((b) => !b.id)) {
    say(_("This folder was made by an older render: render the lecture again to record it."));
    return;
  }
  drawList();
  // Start where the address says (#12: beat 12), else at the first stale beat the render
  // found, else the first without a take.
  const asked = Number(location.hash.slice(1));
  const stale = beats.findIndex((b) => (found[b.id] || {}).state === "stale");
  const start = Number.isInteger(asked) && asked >= 1 && asked <= beats.length ? asked - 1
    : stale >= 0 ? stale : Math.max(0, firstNeeding(0));
  show(start, false);
  const counts = { stale: 0, missing: 0, bad: 0 };
  beats.forEach((b, i) => { counts[stateOf(i)] = (counts[stateOf(i)] || 0) + 1; });
  const keys = _("R records, P plays back, K keeps, the arrows move.");
  say(window.TAKES
    ? _("@stale stale, @missing missing, @bad unusable takes.",
      {stale: counts.stale, missing: counts.missing, bad: counts.bad}) + " " + keys
    : keys);
  microphone().catch(() => undefined); // the level meter from the start, if allowed
})();
