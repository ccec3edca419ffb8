"""Drives `brief preview` in headless Chromium for tests/cli/preview.rs and benches/live.rs.

Usage: preview.py URL BRIEF STEPS.json
Reads the steps to take (open, edit, wait, click, screenshot, bench) from STEPS.json and
prints one JSON line per step with what the page showed; the Rust side asserts on them.
"""

import json
import os
import statistics
import sys
import tempfile
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

TIMEOUT = 20.0


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=" + os.environ.get("BRIEF_WINDOW", "1100,1300") + "",
        "--user-data-dir=" + tempfile.mkdtemp(prefix="brief-chromium-"),
    ]:
        options.add_argument(flag)
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def wait(driver, script, what):
    """Waits until `script` (a JavaScript expression) is truthy; returns its value."""
    deadline = time.time() + TIMEOUT
    while time.time() < deadline:
        value = driver.execute_script("return " + script)
        if value:
            return value
        time.sleep(0.005)
    raise SystemExit(f"timed out waiting for {what}")


SHOWN = """(() => {
  const v = window.briefPreview && window.briefPreview.view;
  if (!v || v.building || !v.started) return false;
  const figs = [...document.querySelectorAll('figure.page')];
  return figs.length === v.pages.length &&
    figs.every((f, i) => f.dataset.version === v.pages[i].version) && v.generation;
})()"""


def observe(driver):
    return driver.execute_script(
        """return {
      generation: window.briefPreview.generation,
      pages: [...document.querySelectorAll('figure.page')].map(f => ({
        version: f.dataset.version,
        src: f.querySelector('img') && f.querySelector('img').getAttribute('src'),
        width: f.querySelector('img') ? f.querySelector('img').naturalWidth : 0,
        kept: !!(f.querySelector('img') && f.querySelector('img').briefKept),
      })),
      panel: document.getElementById('problems').hidden ? null
        : document.getElementById('problems-text').textContent,
      status: document.getElementById('status').textContent,
      scroll: window.scrollY,
      loaded: window.briefLoaded === 1,
      source: document.getElementById('source').hidden ? null
        : document.getElementById('source-text').textContent,
    };"""
    )


def main():
    url, brief, steps = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
    driver = browser()
    try:
        for step in steps:
            kind = step["step"]
            if kind == "open":
                driver.get(url)
                wait(driver, SHOWN, "the first pages")
                # Marks that a reload would lose: a flag on the window, one on each image.
                driver.execute_script(
                    "window.briefLoaded = 1;"
                    "document.querySelectorAll('figure.page img').forEach(i => i.briefKept = true);"
                )
            elif kind == "scroll":
                driver.execute_script(f"window.scrollTo(0, {step['y']})")
            elif kind == "edit":
                before = driver.execute_script("return window.briefPreview.generation")
                with open(brief, encoding="utf-8") as f:
                    text = f.read()
                if step["old"] not in text:
                    raise SystemExit(f"the brief does not contain {step['old']!r}")
                with open(brief, "w", encoding="utf-8") as f:
                    f.write(text.replace(step["old"], step["new"], 1))
                if step.get("expect") == "problems":
                    wait(driver, "!document.getElementById('problems').hidden", "the problems panel")
                else:
                    wait(driver, f"window.briefPreview.generation > {before} && " + SHOWN, "the new pages")
                    wait(driver, "document.getElementById('problems').hidden", "the panel to go")
            elif kind == "click":
                figure = driver.find_elements(By.CSS_SELECTOR, "figure.page")[step["page"] - 1]
                driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", figure)
                box = driver.execute_script(
                    "const b = arguments[0].getBoundingClientRect(); return [b.width, b.height];", figure
                )
                scale = box[0] / float(figure.get_attribute("data-width"))
                dx = step["x"] * scale - box[0] / 2
                dy = step["y"] * scale - box[1] / 2
                ActionChains(driver).move_to_element_with_offset(figure, dx, dy).click().perform()
                wait(driver, "!document.getElementById('source').hidden", "the source of the click")
                time.sleep(0.05)
            elif kind == "screenshot":
                driver.save_screenshot(step["path"])
            elif kind == "bench":
                times = []
                for i in range(step["edits"]):
                    with open(brief, encoding="utf-8") as f:
                        text = f.read()
                    old, new = (step["a"], step["b"]) if i % 2 == 0 else (step["b"], step["a"])
                    before = driver.execute_script("return window.briefPreview.loads.length")
                    saved = time.time() * 1000.0
                    with open(brief, "w", encoding="utf-8") as f:
                        f.write(text.replace(old, new, 1))
                    shown = wait(
                        driver,
                        f"(() => {{ const l = window.briefPreview.loads.slice({before})"
                        f".find(l => l.page === {step['page']}); return l && l.at; }})()",
                        "the edited page",
                    )
                    times.append(shown - saved)
                    time.sleep(0.15)
                print(json.dumps({"step": "bench", "times": times, "median": statistics.median(times)}))
                continue
            print(json.dumps({"step": kind, **observe(driver)}), flush=True)
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
