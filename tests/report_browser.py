#!/usr/bin/env python3
"""Browser test for claimscan's HTML report, driven over WebDriver with the standard library only.

Usage: report_browser.py OUT_DIR [DOC_PAGE]

OUT_DIR is a claimscan output directory on which `claimscan report` has run; DOC_PAGE is a
document page (a path, or a file name inside OUT_DIR/report; default doc-000001.html).
It starts chromedriver with headless Chromium and checks on the rendered DOM that:
  1. the page shows one highlighted sentence per row of sentences.csv for its document;
  2. the "Opinion" filter leaves opinion sentences visible and hides every other one
     (computed display: none), and "All" brings them back;
  3. focusing a sentence shows its details (probabilities, check-worthiness);
  4. neither the document page nor index.html loads anything: no resource entries, no
     non-local src/href, no <link> elements, only inline scripts;
then saves screenshots of the document page and the index.
Environment: SCREENSHOT (default target/report-screenshot.png; the index goes next to it as
*-index.png), CHROMIUM and CHROMEDRIVER (binary paths).
"""

import base64
import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


class WebDriver:
    """The few W3C WebDriver endpoints this test needs."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return json.loads(resp.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"WebDriver {method} {path}: {e.code} {e.read().decode(errors='replace')[:500]}")

    def start(self, binary, args):
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": binary, "args": args},
        }}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def s(self, path):
        return f"/session/{self.session}{path}"

    def get(self, url):
        self.call("POST", self.s("/url"), {"url": url})

    def js(self, script, *args):
        return self.call("POST", self.s("/execute/sync"), {"script": script, "args": list(args)})

    def find(self, css):
        el = self.call("POST", self.s("/element"), {"using": "css selector", "value": css})
        return next(iter(el.values()))

    def click(self, css):
        self.call("POST", self.s(f"/element/{self.find(css)}/click"), {})

    def screenshot(self, path):
        png = base64.b64decode(self.call("GET", self.s("/screenshot")))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)

    def quit(self):
        if self.session:
            try:
                self.call("DELETE", self.s(""))
            except Exception:
                pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_binary(env, candidates):
    if os.environ.get(env):
        return os.environ[env]
    for c in candidates:
        path = c if os.path.isabs(c) else shutil.which(c)
        if path and os.path.exists(path):
            return path
    sys.exit(f"{env}: none of {candidates} found")


# Every URL-carrying attribute must stay inside the report: a fragment or a relative file.
NETWORK_CHECK = """
const bad = [];
for (const el of document.querySelectorAll('*')) {
  for (const a of ['src', 'href', 'srcset', 'action', 'poster', 'data', 'xlink:href', 'background']) {
    const v = el.getAttribute(a);
    if (v !== null && (/^[a-z][a-z0-9+.-]*:/i.test(v.trim()) || v.trim().startsWith('//'))) bad.push(el.tagName + ' ' + a + '=' + v);
  }
}
const css = [...document.querySelectorAll('style')].map(s => s.textContent).join('');
if (/url\\(|@import/.test(css)) bad.push('style uses url() or @import');
for (const s of document.scripts) if (s.src) bad.push('script src=' + s.src);
for (const l of document.querySelectorAll('link')) bad.push('link ' + l.outerHTML);
return {bad: bad, resources: performance.getEntriesByType('resource').map(r => r.name),
        scripts: document.scripts.length};
"""


def check_offline(wd, what):
    r = wd.js(NETWORK_CHECK)
    assert not r["bad"], f"{what}: non-local references {r['bad']}"
    assert not r["resources"], f"{what}: loaded resources {r['resources']}"
    assert r["scripts"] <= 1, f"{what}: {r['scripts']} script elements (text was not escaped?)"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out_dir = Path(sys.argv[1]).resolve()
    report = out_dir / "report"
    page_arg = sys.argv[2] if len(sys.argv) == 3 else "doc-000001.html"
    page = Path(page_arg) if Path(page_arg).exists() else report / page_arg
    page = page.resolve()
    assert page.is_file(), f"{page}: no such page (run `claimscan report {out_dir}` first)"
    shot = Path(os.environ.get("SCREENSHOT", "target/report-screenshot.png"))

    chromium = find_binary("CHROMIUM", ["/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome"])
    driver = find_binary("CHROMEDRIVER", ["chromedriver", "/usr/lib/chromium/chromedriver"])
    port = free_port()
    profile = tempfile.mkdtemp(prefix="claimscan-chromium-")
    log = open(Path(profile) / "chromedriver.log", "w")
    proc = subprocess.Popen([driver, f"--port={port}"], stdout=log, stderr=subprocess.STDOUT)
    wd = WebDriver(port)
    try:
        for _ in range(100):
            try:
                if wd.call("GET", "/status").get("ready"):
                    break
            except Exception:
                pass
            time.sleep(0.1)
        wd.start(chromium, [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,1500",
            "--force-device-scale-factor=1", f"--user-data-dir={profile}/profile",
        ])
        wd.get(page.as_uri())

        # 1. One highlighted sentence per sentences.csv row of this document.
        doc_id = wd.js("return document.body.getAttribute('data-doc-id');")
        assert doc_id is not None, "page has no data-doc-id: not a document page?"
        with open(out_dir / "sentences.csv", newline="", encoding="utf-8") as f:
            rows = [r for r in csv.DictReader(f) if r["doc_id"] == doc_id]
        labels = {r["label"] for r in rows}
        n_dom = wd.js("return document.querySelectorAll('article .s').length;")
        assert n_dom == len(rows) > 0, f"{doc_id}: {n_dom} highlighted sentences, sentences.csv has {len(rows)} rows"
        print(f"ok: {n_dom} highlighted sentences = {len(rows)} rows of sentences.csv for {doc_id!r}")

        # 2. The opinion filter hides everything else; "All" restores it.
        wd.click('button[data-filter="opinion"]')
        state = wd.js("""return [...document.querySelectorAll('article .s')].map(s =>
            [s.getAttribute('data-label'), getComputedStyle(s).display]);""")
        wrong = [(l, d) for l, d in state if (l == "opinion") == (d == "none")]
        assert not wrong, f"opinion filter: {len(wrong)} sentences with the wrong visibility, e.g. {wrong[:3]}"
        n_op = sum(1 for l, _ in state if l == "opinion")
        assert n_op == sum(1 for r in rows if r["label"] == "opinion")
        pressed = wd.js("return document.querySelector('button[data-filter=\"opinion\"]').getAttribute('aria-pressed');")
        assert pressed == "true"
        print(f"ok: opinion filter shows {n_op} opinion sentences and hides {len(state) - n_op} others"
              f" (labels on page: {sorted(labels)})")
        wd.click('button[data-filter="all"]')
        hidden = wd.js("return [...document.querySelectorAll('article .s')].filter(s => getComputedStyle(s).display === 'none').length;")
        assert hidden == 0, f"after 'All', {hidden} sentences still hidden"

        # 3. Focusing a sentence shows its details. Pick one in running text near the top so
        #    that the screenshot shows the tooltip.
        tip = wd.js("""const s = document.querySelector('article .b-body .s') || document.querySelector('article .s');
            s.focus(); const t = document.getElementById('tip');
            return {hidden: t.hidden, text: t.textContent};""")
        assert not tip["hidden"] and "Check-worthy" in tip["text"] and "Fact" in tip["text"], f"tooltip: {tip}"
        print("ok: focusing a sentence shows probabilities and check-worthiness")

        # 4. Nothing over the network, on this page and on the index.
        check_offline(wd, page.name)
        wd.screenshot(shot)
        index = report / "index.html"
        wd.get(index.as_uri())
        check_offline(wd, "index.html")
        n_docs = wd.js("return document.querySelectorAll('table.docs tbody tr').length;")
        with open(out_dir / "documents.csv", newline="", encoding="utf-8") as f:
            total = sum(1 for _ in csv.DictReader(f))
        assert n_docs == min(total, 1000), f"index lists {n_docs} documents, documents.csv has {total}"
        index_shot = shot.with_name(shot.stem + "-index" + shot.suffix)
        wd.screenshot(index_shot)
        print(f"ok: no network references; index lists {n_docs} documents")
        print(f"screenshots: {shot} {index_shot}")
    finally:
        wd.quit()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
