"""Debian's headless Chromium, driven by Selenium, for the presenter tests.

Selenium is given Debian's chromedriver and told to stay offline, or Selenium Manager
would try to download a driver. The browser keeps a performance log (every network
request it made) so a test can check that the presenter loaded nothing from outside
its folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM = "/usr/bin/chromium"


def available() -> str | None:
    """None if a browser test can run, else why not."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).exists():
            return f"{path} is missing: ./render.sh test installs chromium and chromium-driver"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (it is in the dev extras)"
    return None


@contextmanager
def chromium(size: tuple[int, int] = (854, 480), arguments: tuple[str, ...] = (),
             downloads: Path | None = None) -> Iterator[Any]:
    """A browser whose page is exactly `size` CSS pixels (a slide's preview size: the
    presenter then shows each frame pixel for pixel, and screenshots compare exactly),
    started with `arguments` besides, saving downloads into `downloads` without asking."""
    os.environ["SE_OFFLINE"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="presenter-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     "--disable-dev-shm-usage", "--mute-audio",
                     f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1] + 200}",
                     *arguments):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False})
    if downloads is not None:
        driver.execute_cdp_cmd("Browser.setDownloadBehavior", {
            "behavior": "allow", "downloadPath": str(downloads)})
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def requested_urls(driver: Any) -> list[str]:
    """Every URL the browser asked for since the last call (the performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def wait_for(condition: Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.05)


# ----- Firefox, over WebDriver BiDi ------------------------------------------------------
# Debian packages Firefox ESR but not geckodriver (and PyPI's geckodriver packages download
# it). Firefox speaks WebDriver BiDi itself: started with --remote-debugging-port it takes a
# websocket at /session, so a few commands over websocket-client drive it with no driver.

FIREFOX = "/usr/bin/firefox-esr"
# WebDriver's codes for the keys a clicker sends (W3C WebDriver, "keyboard actions").
KEYS = {"ArrowRight": "\ue014", "ArrowLeft": "\ue012", "Space": " ", "Enter": "\ue007",
        "Home": "\ue011", "End": "\ue010", "PageUp": "\ue00e", "PageDown": "\ue00f"}
# Quiet, self-contained start: no first-run pages, no updates, no telemetry; videos may
# play after a key press, as in a lecture hall.
_FIREFOX_PREFS = {
    "browser.shell.checkDefaultBrowser": False, "browser.startup.page": 0,
    "browser.startup.homepage": "about:blank", "app.update.disabledForTesting": True,
    "datareporting.policy.dataSubmissionEnabled": False, "toolkit.telemetry.enabled": False,
    "browser.safebrowsing.malware.enabled": False, "browser.safebrowsing.phishing.enabled": False,
    "network.captive-portal-service.enabled": False, "network.connectivity-service.enabled": False,
    "media.autoplay.default": 0, "dom.disable_open_during_load": False,
}


def firefox_available() -> str | None:
    if not Path(FIREFOX).exists():
        return f"{FIREFOX} is missing: ./render.sh test installs firefox-esr"
    try:
        import websocket  # noqa: F401
    except ImportError:
        return "websocket-client is not installed (it is in the dev extras)"
    return None


class BiDi:
    """One Firefox tab, driven by WebDriver BiDi commands; it records every URL the
    browser asked for (the network module's beforeRequestSent events)."""

    def __init__(self, socket: Any) -> None:
        self.socket, self.last_id, self.urls = socket, 0, []
        self.context = ""

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.last_id += 1
        self.socket.send(json.dumps({"id": self.last_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("type") == "event":
                if message.get("method") == "network.beforeRequestSent":
                    self.urls.append(message["params"]["request"]["url"])
                continue
            if message.get("id") != self.last_id:
                continue
            if message.get("type") == "error":
                raise RuntimeError(f"{method}: {message.get('error')}: {message.get('message')}")
            return message["result"]

    def navigate(self, url: str) -> None:
        self.call("browsingContext.navigate", context=self.context, url=url, wait="complete")

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression, through JSON (so any plain value)."""
        result = self.call("script.evaluate", expression=f"JSON.stringify({expression})",
                           target={"context": self.context}, awaitPromise=True)
        if result.get("type") == "exception":
            raise RuntimeError(f"{expression}: {result['exceptionDetails'].get('text')}")
        value = result["result"]
        return json.loads(value["value"]) if value.get("type") == "string" else None

    def press(self, *keys: str) -> None:
        """Each key (a KEYS name, or one character) pressed and released, as a person would."""
        actions = []
        for key in keys:
            code = KEYS.get(key, key)
            actions += [{"type": "keyDown", "value": code}, {"type": "keyUp", "value": code}]
        self.call("input.performActions", context=self.context,
                  actions=[{"type": "key", "id": "keyboard", "actions": actions}])

    def set_pref(self, name: str, value: int) -> None:
        """An integer preference, changed while Firefox runs (e.g. ui.prefersReducedMotion,
        which pages see at once through matchMedia): set from the browser's own window,
        which BiDi reaches with Firefox's "moz:scope" when it was started with
        --remote-allow-system-access."""
        chrome = self.call("browsingContext.getTree", **{"moz:scope": "chrome"})
        result = self.call("script.evaluate", awaitPromise=False,
                           expression=f"Services.prefs.setIntPref({json.dumps(name)}, {value})",
                           target={"context": chrome["contexts"][0]["context"]})
        if result.get("type") == "exception":
            raise RuntimeError(f"setting {name}: {result['exceptionDetails'].get('text')}")

    def screenshot(self) -> bytes:
        import base64

        return base64.b64decode(self.call("browsingContext.captureScreenshot",
                                          context=self.context)["data"])


@contextmanager
def firefox(size: tuple[int, int] = (854, 480),
            prefs: dict[str, Any] | None = None) -> Iterator[BiDi]:
    """Headless Firefox ESR whose page is `size` CSS pixels, as a BiDi session; `prefs`
    are set besides the quiet start's."""
    import signal
    import socket as sockets
    import subprocess

    import websocket

    with sockets.socket() as probe:  # a free port for its remote agent
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    profile = Path(tempfile.mkdtemp(prefix="presenter-firefox-"))
    (profile / "user.js").write_text("".join(
        f"user_pref({json.dumps(k)}, {json.dumps(v)});\n"
        for k, v in {**_FIREFOX_PREFS, **(prefs or {})}.items()))
    # Its own process group: Firefox starts helper processes, all stopped at the end.
    # System access lets set_pref reach the browser's own (chrome) context.
    process = subprocess.Popen(
        [FIREFOX, "--headless", "--no-remote", "--remote-debugging-port", str(port),
         "--remote-allow-system-access", "--profile", str(profile)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, env={**os.environ, "MOZ_CRASHREPORTER_DISABLE": "1"})
    try:
        def connect() -> Any:
            try:  # Firefox refuses a websocket handshake that names an Origin
                return websocket.create_connection(f"ws://127.0.0.1:{port}/session",
                                                   timeout=60, suppress_origin=True)
            except (OSError, websocket.WebSocketException):
                if process.poll() is not None:
                    raise RuntimeError(f"firefox-esr exited with {process.returncode}") from None
                return None

        socket = wait_for(connect, timeout=60, what="Firefox's remote agent")
        try:
            bidi = BiDi(socket)
            bidi.call("session.new", capabilities={})
            bidi.context = bidi.call("browsingContext.getTree")["contexts"][0]["context"]
            bidi.call("session.subscribe", events=["network.beforeRequestSent"])
            bidi.call("browsingContext.setViewport", context=bidi.context,
                      viewport={"width": size[0], "height": size[1]})
            yield bidi
            try:
                bidi.call("session.end")
            except (OSError, RuntimeError, websocket.WebSocketException):
                pass
        finally:
            socket.close()
    finally:
        for stop in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, stop)
                process.wait(timeout=10)
                break
            except ProcessLookupError:
                break
            except subprocess.TimeoutExpired:
                continue
        shutil.rmtree(profile, ignore_errors=True)
