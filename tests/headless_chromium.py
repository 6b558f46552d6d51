"""Render an HTML brief in headless Chromium: where its parts are, what it requested,
screenshots and the printed PDF.

Used by tests/test_brief_in_chromium.py, and run as a script to refresh the screenshots in
docs/images (the curated store's brief at 1280 and 390 pixels wide, and its first printed
page):

    python tests/headless_chromium.py docs/images

Chromium comes from the system's packages (Debian: `apt-get install chromium`; the page
count and page images use poppler-utils' `pdfinfo`, `pdftotext` and `pdftoppm` when present).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
TIMEOUT = 60  # seconds for any one answer; each takes well under one on an idle machine
REPOSITORY = Path(__file__).resolve().parent.parent
A4_INCHES = (8.27, 11.69)
# Where the brief's parts are, in CSS pixels from the top of the page.
MEASURE = """(() => {
  const box = (selector) => {
    const element = document.querySelector(selector);
    if (!element) return null;
    const r = element.getBoundingClientRect();
    return {top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right};
  };
  const boxes = {};
  for (const s of ["h1", "#overview", ".figures", "#attribution", "#map svg", "#deadliest",
                   "#tempo", "#entries", "#incidents", "#context", "#credits"]) {
    boxes[s] = box(s);
  }
  return {viewport: {width: innerWidth, height: innerHeight},
          page: {width: document.documentElement.scrollWidth,
                 height: document.documentElement.scrollHeight},
          boxes: boxes};
})()"""


def find_chromium() -> str | None:
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


class Chromium:
    """Headless Chromium driven over the DevTools protocol on a pipe (no port, no library).

    One browser for many pages: `render` loads a page at a given screen size and returns
    where its parts are, the requests it made, a screenshot of the first screen and, on
    request, the printed PDF.
    """

    def __init__(self) -> None:
        chromium = find_chromium()
        if chromium is None:
            raise RuntimeError("no Chromium found (install the chromium package)")
        self._profile = tempfile.TemporaryDirectory(prefix="brief-profile-")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def give_pipes() -> None:  # Chromium reads commands on fd 3 and answers on fd 4
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        self._process = subprocess.Popen(
            [
                chromium,
                "--headless",
                "--no-sandbox",  # root in a container has no user namespace for it
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--remote-debugging-pipe",
                f"--user-data-dir={self._profile.name}",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=give_pipes,  # only two dup2 calls, before exec
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self._send("Browser.close")
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._profile.cleanup()

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def render(self, page: Path, width: int, height: int, *, pdf: bool = False) -> dict:
        """Load `page` on a `width` x `height` screen (a phone below 600 pixels wide)."""
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        try:
            phone = width < 600
            self._send(
                "Emulation.setDeviceMetricsOverride",
                {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": phone},
                session,
            )
            self._send("Network.enable", {}, session)
            self._send("Page.enable", {}, session)
            self._events.clear()
            self._send("Page.navigate", {"url": page.as_uri()}, session)
            self._wait_for_event("Page.loadEventFired", session)
            measured = self._send(
                "Runtime.evaluate",
                {"expression": MEASURE, "returnByValue": True},
                session,
            )["result"]["value"]
            measured["requests"] = [
                event["params"]["request"]["url"]
                for event in self._events
                if event.get("method") == "Network.requestWillBeSent"
                and event.get("sessionId") == session
            ]
            shot = self._send("Page.captureScreenshot", {"format": "png"}, session)
            measured["screenshot"] = base64.b64decode(shot["data"])
            if pdf:
                printed = self._send(
                    "Page.printToPDF",
                    {
                        "paperWidth": A4_INCHES[0],
                        "paperHeight": A4_INCHES[1],
                        "preferCSSPageSize": True,
                        "printBackground": True,
                        "displayHeaderFooter": False,
                    },
                    session,
                )
                measured["pdf"] = base64.b64decode(printed["data"])
            return measured
        finally:
            self._send("Target.closeTarget", {"targetId": target})

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        message: dict = {"id": self._next_id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict = answer["result"]
                return result
            self._events.append(answer)

    def _wait_for_event(self, method: str, session: str) -> None:
        while not any(
            e.get("method") == method and e.get("sessionId") == session for e in self._events
        ):
            self._events.append(self._read())

    def _read(self) -> dict:
        deadline = time.monotonic() + TIMEOUT
        while b"\0" not in self._buffer:
            ready, _, _ = select.select([self._from_browser], [], [], 1.0)
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer")
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        data: dict = json.loads(message)
        return data


def pdf_page_count(pdf: bytes) -> int:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        info = subprocess.run(
            [pdfinfo, "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        match = re.search(r"^Pages:\s+(\d+)", info, re.M)
        assert match, info
        return int(match.group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def pdf_text(pdf: bytes, first: int, last: int) -> str | None:
    """The text of pages first..last, or None without poppler's pdftotext."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        return None
    command = [pdftotext, "-f", str(first), "-l", str(last), "-", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()


def curated_brief(target: Path) -> Path:
    """The curated store's HTML brief, as a briefer would make it, in `target`."""
    env = {**os.environ, "SAHEL_TIMELINE_NOW": "2026-01-01", "NO_COLOR": "1"}
    command = [
        sys.executable, "-m", "sahel_timeline", "export", "--format", "html",
        "--store", str(REPOSITORY / "incidents.yaml"),
        "--title", "Jihadist attacks in the Sahel, Aug 2017 to Jul 2018",
        "-o", str(target), "--force",
    ]  # fmt: skip
    subprocess.run(command, check=True, env=env, capture_output=True, cwd=REPOSITORY)
    return target


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise RuntimeError("pdftoppm (poppler-utils) is needed for the printed page")
    with tempfile.TemporaryDirectory(prefix="brief-") as work, Chromium() as browser:
        page = curated_brief(Path(work) / "brief.html")
        desktop = browser.render(page, 1280, 900, pdf=True)
        (folder / "brief-desktop.png").write_bytes(desktop["screenshot"])
        (folder / "brief-phone.png").write_bytes(browser.render(page, 390, 844)["screenshot"])
        pdf = Path(work) / "brief.pdf"
        pdf.write_bytes(desktop["pdf"])
        prefix = Path(work) / "printed"
        subprocess.run(
            [pdftoppm, "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf),
             str(prefix)],
            check=True,
        )  # fmt: skip
        shutil.copyfile(prefix.with_suffix(".png"), folder / "brief-printed-page-1.png")
        print(f"{pdf_page_count(desktop['pdf'])} printed pages; screenshots in {folder}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else REPOSITORY / "docs" / "images")
