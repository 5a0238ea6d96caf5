// The offline presenter: one short video per beat, played on a click, never a flicker.
//
// Two <video> elements lie on top of each other: the one in front shows the beat, the
// one behind already holds the next beat, so "next" only starts it and brings it to the
// front once it is really playing (the old one keeps its last frame until then). Going
// back shows the earlier beat's end frame (its poster) at once: no replay, no black.
// Everything it loads is in this folder (deck.js, beats/), so it works from file://.
//
// For every student: each beat's sentence is shown as a caption while it is spoken (C
// toggles them; the choice is remembered) and handed to screen readers through a polite
// live region; every key has a button too (Tab reaches them); with reduced motion asked
// for, a beat shows its end state at once while its narration plays.
//
// A checkpoint (a beat that asks one of the question bank's questions) stops the talk on
// its question, in a labelled region over the picture, until A (or its button) reveals
// the answer and the worked solution; Right goes on to the beat that shows it. What the
// region shows is said through the same live region as the narration.
"use strict";

(function () {
  const deck = window.DECK;
  const beats = deck.beats;
  const videos = [document.getElementById("video-a"), document.getElementById("video-b")];
  const still = document.getElementById("still");
  const black = document.getElementById("black");
  const statusBox = document.getElementById("status");
  const help = document.getElementById("help");
  const caption = document.getElementById("caption");
  const narration = document.getElementById("narration");
  const where = document.getElementById("where");
  const controls = document.getElementById("controls");
  const questionBox = document.getElementById("checkpoint-backdrop");
  const answerBox = document.getElementById("checkpoint-answer");
  const button = (id) => document.getElementById(id);
  const started = Date.now();
  // Every text this page writes, in the lecture's language: the render puts the catalog's
  // translations into deck.text, by their English; @name is a value filled in here.
  const _ = (english, values) => {
    const text = (deck.text && deck.text[english]) || english;
    return values ? text.replace(/@(\w+)/g, (all, name) => String(values[name])) : text;
  };
  const START_HINT = _("Press → to start");
  const CAPTIONS_KEY = "backprop-presenter.captions"; // localStorage: "on" or "off"
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  let index = 0;
  let mode = "play"; // "play": the beat's video runs or has run; "end": its end frame shown
  let token = 0; // bumped by every move; a late event of an older move is ignored
  let muted = false;
  let typed = "";
  let waiting = -1; // a beat shown at its first frame, to play on the next key
  let statusTimer = 0;
  let speaker = null;
  let front = null;
  let current = null; // the video of the beat being played (in front, or behind its end frame)
  let captionsOn = storedCaptions();
  let controlsTimer = 0;
  const posterCache = new Map();
  let asking = -1; // the checkpoint beat whose question is shown
  const revealed = new Set(); // checkpoint beats whose answer was revealed, open when shown again

  document.title = deck.title;
  if (deck.language) {
    document.documentElement.lang = deck.language;
  }

  // The render's theme: the page and the speaker window take the slides' own colours
  // (presenter.css falls back to the dark theme's).
  const THEME_VARS = ["ground", "panel", "edge", "text", "muted", "strong", "accent"];
  function themeRule() { // the page's colours, for the speaker window it writes
    const style = getComputedStyle(document.documentElement);
    return ":root { " + THEME_VARS
      .map((name) => `--${name}: ${style.getPropertyValue(`--${name}`).trim()};`)
      .join(" ") + " }";
  }
  for (const name of THEME_VARS) {
    if (deck.theme && deck.theme[name]) {
      document.documentElement.style.setProperty(`--${name}`, deck.theme[name]);
    }
  }
  document.documentElement.dataset.theme = (deck.theme && deck.theme.name) || "dark";

  function url(path) {
    return new URL(path, document.baseURI).href;
  }

  function slideOf(i) {
    return deck.slides.find((s) => s.number === beats[i].slide);
  }

  function beatsInSlide(number) {
    return beats.filter((b) => b.slide === number).length;
  }

  function label(i) {
    const b = beats[i];
    return _("Slide @slide · beat @beat/@count",
      {slide: b.slide, beat: b.beat, count: beatsInSlide(b.slide)});
  }

  function showStatus(text, sticky) {
    statusBox.textContent = text;
    statusBox.classList.add("shown");
    clearTimeout(statusTimer);
    if (!sticky) {
      statusTimer = setTimeout(() => statusBox.classList.remove("shown"), 1500);
    }
  }

  // ----- captions and what screen readers hear ---------------------------------------

  function storedCaptions() {
    try {
      return localStorage.getItem(CAPTIONS_KEY) !== "off";
    } catch (error) {
      return true; // storage refused (a private window): captions on, as by default
    }
  }

  function setCaptions(on) {
    captionsOn = on;
    try {
      localStorage.setItem(CAPTIONS_KEY, on ? "on" : "off");
    } catch (error) {
      // not remembered, but still applied
    }
    button("captions").setAttribute("aria-pressed", String(on));
    showStatus(on ? _("Captions on") : _("Captions off"));
  }

  function captionNow() {
    // The beat's sentence while its video's clock is inside its speech.
    const b = beats[index];
    if (!captionsOn || mode !== "play" || !current || !b.text || !b.speech || !black.hidden) {
      return "";
    }
    const t = current.currentTime;
    return t >= b.speech[0] && t < b.speech[1] ? b.text : "";
  }

  function drawCaption() {
    const text = captionNow();
    if (caption.textContent !== text) { // the page is touched only when the caption changes
      caption.textContent = text;
      caption.hidden = !text;
    }
    requestAnimationFrame(drawCaption);
  }

  function announce(i) {
    // Polite: a screen reader says it when it is done with what it was saying.
    narration.textContent = beats[i].text || "";
    where.textContent = `${label(i)}: ${slideOf(i).title}`;
  }

  // ----- checkpoints ---------------------------------------------------------------

  function answerText(asked) {
    return [asked.answer, asked.accepted].filter(Boolean).join(" ");
  }

  function showAnswer(open) {
    answerBox.hidden = !open;
    button("reveal").hidden = open;
    button("reveal").setAttribute("aria-expanded", String(open));
  }

  function ask(i) {
    // The checkpoint's question over the beat's end: the talk waits here.
    const asked = beats[i].checkpoint;
    if (!asked || i !== index) {
      return;
    }
    asking = i;
    document.getElementById("checkpoint-badge").textContent = asked.badge;
    button("reveal").textContent = deck.checkpoint_words.reveal;
    document.getElementById("checkpoint-question").textContent = asked.question;
    const list = document.getElementById("checkpoint-choices");
    list.replaceChildren(...asked.choices.map((choice) => {
      const item = document.createElement("li");
      item.textContent = choice.text;
      return item;
    }));
    list.hidden = !asked.choices.length;
    document.getElementById("checkpoint-key").textContent = answerText(asked);
    document.getElementById("checkpoint-solution").textContent = asked.solution;
    const open = revealed.has(i);
    showAnswer(open);
    questionBox.hidden = false;
    const choices = asked.choices.map((c) => `${c.letter}) ${c.text}`).join(" ");
    narration.textContent = [asked.badge + ".", asked.question, choices,
      open ? `${answerText(asked)} ${asked.solution}` : deck.checkpoint_words.reveal_hint]
      .filter(Boolean).join(" ");
  }

  function revealAnswer() {
    if (asking < 0 || questionBox.hidden) {
      showStatus("No question to answer here");
      return;
    }
    const asked = beats[asking].checkpoint;
    revealed.add(asking);
    showAnswer(true);
    narration.textContent = `${answerText(asked)} ${asked.solution}`;
  }

  function stopAsking() {
    questionBox.hidden = true;
    asking = -1;
  }

  function bringFront(element) {
    for (const other of [...videos, still]) {
      other.classList.toggle("front", other === element);
    }
    front = element;
  }

  function poster(i) {
    // A decoded image, so showing it later paints at once.
    if (!posterCache.has(i)) {
      const image = new Image();
      image.src = url(beats[i].poster);
      const ready = image.decode().catch(() => undefined).then(() => image);
      posterCache.set(i, ready);
    }
    return posterCache.get(i);
  }

  function load(video, i) {
    if (video.dataset.beat !== String(i)) {
      video.dataset.beat = String(i);
      video.src = url(beats[i].video);
      video.load();
    }
    video.muted = muted;
  }

  function preload(i) {
    // The next beat into the video behind; posters of the neighbours into the cache.
    if (i + 1 < beats.length) {
      const behind = videos.find((v) => v !== front && v !== current);
      if (behind) {
        load(behind, i + 1);
        behind.pause();
      }
      poster(i + 1);
    }
    if (i > 0) {
      poster(i - 1);
    }
  }

  function afterMove(i, jumped) {
    history.replaceState(null, "", `#${i + 1}`);
    if (jumped) {
      showStatus(label(i)); // where a jump landed; a step needs no caption on the screen
    }
    announce(i);
    updateSpeaker();
  }

  function showBeat(video, i, mine) {
    // The playing beat on the screen: its video, or with reduced motion its end frame
    // at once (the video plays on behind it, for its narration and captions).
    if (!reducedMotion.matches) {
      bringFront(video);
      return;
    }
    poster(i).then((image) => {
      if (mine === token) {
        still.src = image.src;
        bringFront(still);
      }
    });
  }

  function play(i, jumped) {
    const mine = ++token;
    stopAsking();
    index = i;
    waiting = -1;
    mode = "play";
    let video = videos.find((v) => v.dataset.beat === String(i) && v !== front);
    if (!video) {
      video = videos.find((v) => v !== front) || videos[0];
      load(video, i);
    }
    current = video;
    video.muted = muted;
    video.currentTime = 0;
    const reveal = () => {
      if (mine !== token) {
        return;
      }
      for (const other of videos) {
        if (other !== video) {
          other.pause();
        }
      }
      showBeat(video, i, mine);
      preload(i);
      if (statusBox.textContent === START_HINT) {
        statusBox.classList.remove("shown");
      }
    };
    video.addEventListener("playing", reveal, { once: true });
    if (beats[i].checkpoint) {
      video.addEventListener("ended", () => mine === token && ask(i), { once: true });
    }
    const refused = (error) => {
      if (mine !== token || error.name === "AbortError") {
        return; // another move came first
      }
      if (error.name !== "NotAllowedError") {
        cannotPlay(i);
        return;
      }
      // The browser wants a key press before playing: show the beat's first frame.
      waiting = i;
      const show = () => mine === token && showBeat(video, i, mine);
      if (video.readyState >= 2) {
        show();
      } else {
        video.addEventListener("loadeddata", show, { once: true });
      }
      showStatus(START_HINT, true);
    };
    video.play().catch((error) => {
      if (mine === token && error.name === "NotAllowedError" && !video.muted && !deck.audio) {
        // Autoplay may be refused before the first key press: a silent beat can play muted.
        video.muted = true;
        video.play().catch(refused);
      } else {
        refused(error);
      }
    });
    afterMove(i, jumped);
    playSpeaker(i);
  }

  function cannotPlay(i) {
    // A browser without H.264 (Firefox on Linux without the system's ffmpeg) still
    // shows every beat: its end frame.
    showEnd(i);
    showStatus(_("This browser cannot play the beat videos (H.264): showing each beat's end"),
      true);
  }

  function showEnd(i, jumped) {
    const mine = ++token;
    stopAsking();
    index = i;
    waiting = -1;
    mode = "end";
    current = null;
    poster(i).then((image) => {
      if (mine !== token) {
        return;
      }
      still.src = image.src;
      for (const video of videos) {
        video.pause();
      }
      bringFront(still);
      preload(i);
    });
    afterMove(i, jumped);
    ask(i);
  }

  function next() {
    if (waiting === index) {
      play(index); // the beat the browser would not start by itself
    } else if (index + 1 < beats.length) {
      play(index + 1);
    } else {
      showStatus(_("End of the lecture"));
    }
  }

  function previous() {
    if (index > 0) {
      showEnd(index - 1);
    } else {
      showStatus(_("Start of the lecture"));
    }
  }

  function jumpToSlide(number) {
    const i = beats.findIndex((b) => b.slide === number);
    if (i < 0) {
      showStatus(_("No slide @number", {number: number}));
      return;
    }
    play(i, true);
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen().catch(() => undefined);
    } else {
      document.documentElement.requestFullscreen().catch(() => undefined);
    }
  }

  function setMuted(value) {
    muted = value;
    for (const video of videos) {
      video.muted = value;
    }
    button("mute").setAttribute("aria-pressed", String(value));
    showStatus(muted ? _("Narration muted") : _("Narration on"));
  }

  function setBlack(value) {
    black.hidden = !value;
    button("blank").setAttribute("aria-pressed", String(value));
  }

  function toggleHelp() {
    help.hidden = !help.hidden;
    button("keys").setAttribute("aria-expanded", String(!help.hidden));
  }

  // ----- the speaker window ------------------------------------------------------
  // An about:blank window this page fills and drives itself: it needs no second file
  // and no messaging, which file:// pages may not be allowed.

  const SPEAKER_WORDS = {title: _("Speaker notes"), now: _("Now"), next: _("Next"),
    elapsed: _("elapsed"), clock: _("clock")};
  const SPEAKER_PAGE = `<!DOCTYPE html><html lang="${deck.language || "en"}"><head>
<meta charset="utf-8"><title>${SPEAKER_WORDS.title}</title><style>
body { margin: 0; background: var(--ground); color: var(--text); font: 18px system-ui, sans-serif; }
main { display: grid; grid-template-columns: 3fr 2fr; grid-template-rows: auto 1fr auto;
  gap: 14px; padding: 14px; height: 100vh; box-sizing: border-box; }
h1 { grid-column: 1 / 3; font-size: 20px; font-weight: normal; margin: 0; color: var(--accent); }
h1 b { color: var(--strong); }
section h2 { margin: 0 0 6px; font-size: 14px; text-transform: uppercase;
  letter-spacing: 0.08em; color: var(--muted); font-weight: 600; }
video, img { width: 100%; background: var(--ground); border: 1px solid var(--edge); display: block; }
#notes { font-size: 26px; line-height: 1.4; margin-top: 14px; white-space: pre-line; }
#next-name { color: var(--accent); margin-top: 6px; font-size: 16px; }
footer { grid-column: 1 / 3; display: flex; gap: 40px; font-size: 30px;
  font-variant-numeric: tabular-nums; }
footer span { color: var(--muted); font-size: 16px; margin-right: 8px; }
</style></head><body><main>
<h1 id="where">${SPEAKER_WORDS.title}</h1>
<section aria-labelledby="now-title"><h2 id="now-title">${SPEAKER_WORDS.now}</h2>
<video id="now" muted playsinline aria-hidden="true"></video><div id="notes"></div></section>
<section aria-labelledby="next-title"><h2 id="next-title">${SPEAKER_WORDS.next}</h2>
<img id="next" alt=""><div id="next-name"></div></section>
<footer><div><span>${SPEAKER_WORDS.elapsed}</span><b id="elapsed">0:00</b></div>
<div><span>${SPEAKER_WORDS.clock}</span><b id="clock"></b></div></footer>
</main></body></html>`;

  function openSpeaker() {
    if (speaker && !speaker.closed) {
      speaker.focus();
      return;
    }
    speaker = window.open("", "presenter-speaker", "width=1100,height=720");
    if (!speaker) {
      showStatus(_("Allow pop-up windows for the speaker window"));
      return;
    }
    const doc = speaker.document;
    doc.open();
    doc.write(SPEAKER_PAGE.replace("</style>", `${themeRule()}\n</style>`));
    doc.close();
    doc.addEventListener("keydown", onKey);
    updateSpeaker();
    playSpeaker(index);
  }

  function speakerDoc() {
    return speaker && !speaker.closed ? speaker.document : null;
  }

  function updateSpeaker() {
    const doc = speakerDoc();
    if (!doc || !doc.getElementById("where")) {
      return;
    }
    const b = beats[index];
    doc.getElementById("where").innerHTML = "";
    const strong = doc.createElement("b");
    strong.textContent = `${b.slide}. ${slideOf(index).title}`;
    doc.getElementById("where").append(strong, " — " + _("@where, @number of @count",
      {where: label(index), number: index + 1, count: beats.length}));
    doc.getElementById("notes").textContent = b.notes || b.text || _("(no narration)");
    const now = doc.getElementById("now");
    now.poster = url(b.poster);
    if (mode === "end" || reducedMotion.matches) { // the end frame, as the main window shows
      now.removeAttribute("src");
      now.load();
    }
    const nextImage = doc.getElementById("next");
    const nextName = doc.getElementById("next-name");
    if (index + 1 < beats.length) {
      nextImage.src = url(beats[index + 1].poster);
      nextImage.hidden = false;
      nextName.textContent = `${label(index + 1)}: ${beats[index + 1].text}`;
    } else {
      nextImage.hidden = true;
      nextName.textContent = _("End of the lecture");
    }
  }

  function playSpeaker(i) {
    const doc = speakerDoc();
    if (!doc || !doc.getElementById("now") || mode !== "play" || reducedMotion.matches) {
      return;
    }
    const now = doc.getElementById("now");
    now.src = url(beats[i].video);
    now.muted = true;
    now.play().catch(() => undefined);
  }

  function clock(seconds) {
    const s = Math.floor(seconds);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const rest = String(s % 60).padStart(2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
  }

  setInterval(() => {
    const doc = speakerDoc();
    if (doc && doc.getElementById("elapsed")) {
      doc.getElementById("elapsed").textContent = clock((Date.now() - started) / 1000);
      doc.getElementById("clock").textContent = new Date().toLocaleTimeString();
    }
  }, 500);

  // ----- keys ----------------------------------------------------------------------

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const key = event.key;
    if ((key === "Enter" || key === " ") && event.target.closest && event.target.closest("button")) {
      return; // a focused button is pressed with them
    }
    let handled = true;
    if (/^[0-9]$/.test(key)) {
      typed = (typed + key).slice(-3);
      showStatus(_("Go to slide @number…", {number: typed}), true);
    } else if (key === "Enter" && typed) {
      const number = Number(typed);
      typed = "";
      setBlack(false);
      jumpToSlide(number);
    } else if (key === "Escape" && typed) {
      typed = "";
      showStatus("");
    } else if (key === "Escape" && asking >= 0) {
      stopAsking(); // the card under it, as the video shows it
    } else if (key === "a" || key === "A") {
      revealAnswer();
    } else if (["ArrowRight", " ", "PageDown", "ArrowDown", "Enter"].includes(key)) {
      setBlack(false);
      next();
    } else if (["ArrowLeft", "PageUp", "ArrowUp", "Backspace"].includes(key)) {
      setBlack(false);
      previous();
    } else if (key === "Home") {
      setBlack(false);
      play(0, true);
    } else if (key === "End") {
      setBlack(false);
      showEnd(beats.length - 1, true);
    } else if (key === "f" || key === "F") {
      toggleFullscreen();
    } else if (key === "b" || key === "B" || key === ".") {
      setBlack(black.hidden);
    } else if (key === "c" || key === "C") {
      setCaptions(!captionsOn);
    } else if (key === "s" || key === "S") {
      openSpeaker();
    } else if (key === "m" || key === "M") {
      setMuted(!muted);
    } else if (key === "?") {
      toggleHelp();
    } else {
      handled = false;
    }
    if (handled) {
      event.preventDefault();
    }
  }

  document.addEventListener("keydown", onKey);

  // ----- the buttons: each does what its key does ------------------------------------

  const ACTIONS = {
    previous: () => { setBlack(false); previous(); },
    next: () => { setBlack(false); next(); },
    captions: () => setCaptions(!captionsOn),
    mute: () => setMuted(!muted),
    blank: () => setBlack(black.hidden),
    speaker: openSpeaker,
    fullscreen: toggleFullscreen,
    keys: toggleHelp,
    reveal: revealAnswer,
  };
  for (const [id, action] of Object.entries(ACTIONS)) {
    button(id).addEventListener("click", (event) => {
      action();
      if (event.detail > 0) {
        event.currentTarget.blur(); // clicked: Space and Enter step the talk again
      }
    });
  }
  document.addEventListener("mousemove", () => {
    controls.classList.add("shown");
    clearTimeout(controlsTimer);
    controlsTimer = setTimeout(() => controls.classList.remove("shown"), 2500);
  });
  button("captions").setAttribute("aria-pressed", String(captionsOn));
  requestAnimationFrame(drawCaption);

  window.addEventListener("beforeunload", () => {
    if (speaker && !speaker.closed) {
      speaker.close();
    }
  });

  // For tests and for anyone scripting a talk: where the presenter is.
  window.presenter = {
    state() {
      return {
        index, mode, count: beats.length, slide: beats[index].slide, beat: beats[index].beat,
        front: front === still ? "still" : front ? "video" : "none",
        src: front && front !== still ? front.currentSrc : still.currentSrc,
        paused: front && front !== still ? front.paused : true,
        time: front && front !== still ? front.currentTime : 0,
        black: !black.hidden, muted, speaker: Boolean(speakerDoc()),
        waiting: waiting === index, // shown at its first frame until a key starts it
        captions: captionsOn, caption: caption.hidden ? "" : caption.textContent,
        narration: narration.textContent, reducedMotion: reducedMotion.matches,
        // the clock of the beat's own video, in front or (reduced motion) behind its end frame
        beatTime: current ? current.currentTime : 0, beatPaused: current ? current.paused : true,
        // the checkpoint whose question is shown, and whether its answer is
        asking: asking >= 0 ? beats[asking].checkpoint.id : null,
        answered: asking >= 0 && !answerBox.hidden,
      };
    },
  };

  // Start where the address says (#12: beat 12, its end state), else at the first beat;
  // an address typed later jumps there too.
  function addressed() {
    const asked = Number(location.hash.slice(1));
    return Number.isInteger(asked) && asked >= 1 && asked <= beats.length ? asked - 1 : -1;
  }
  window.addEventListener("hashchange", () => {
    const i = addressed();
    if (i >= 0 && i !== index) {
      showEnd(i, true);
    }
  });
  if (addressed() >= 0) {
    showEnd(addressed());
  } else {
    play(0);
  }
})();
