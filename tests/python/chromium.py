"""A headless Chromium driven through the DevTools protocol over a pipe, standard library only.

With --remote-debugging-pipe Chromium reads JSON commands, each ended by a NUL byte, on fd 3
and writes replies and events the same way on fd 4. Page(url) starts a browser with a fresh
profile, opens the page and waits for its load event, recording what the page reported:
console messages, uncaught exceptions and failed loads. Every wait has a deadline, and the
browser's whole process group is killed on close, so a hung browser fails a test instead of
hanging it."""
import base64
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

# --no-sandbox: Chromium's sandbox refuses to run as root (as in a container); no GPU, and no
# /dev/shm, which a container may make too small. No network is needed: nothing in the
# background, and Debian's launcher's extensions off.
FLAGS = ["--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
         "--disable-dev-shm-usage", "--disable-background-networking", "--disable-extensions",
         "--no-first-run", "--window-size=1280,1024"]


class Unavailable(Exception):
    """Chromium is not installed or does not answer."""


class Page:
    def __init__(self, url, timeout=20.0):
        self.timeout = timeout
        self.console = []        # (level, text): console.* calls and the browser's log
        self.exceptions = []     # uncaught exceptions' descriptions
        self.failed_loads = []   # (url, error) of every resource that did not load
        self.requests = {}       # requestId -> url of everything the page asked for
        self._events = []
        self._next_id = 0
        self._buffer = b""
        self._profile = tempfile.TemporaryDirectory(prefix="quantlab-chromium-")
        self._browser = None
        try:
            self._start()
            target = self._send("Target.createTarget", url="about:blank")["targetId"]
            self._session = self._send("Target.attachToTarget", targetId=target,
                                       flatten=True)["sessionId"]
            for domain in ("Page", "Runtime", "Log", "Network"):
                self.send(domain + ".enable")
            before = len(self._events)
            self.send("Page.navigate", url=url)
            self._wait_for("Page.loadEventFired", since=before)
        except BaseException:
            self.close()
            raise

    def _start(self):
        if shutil.which("chromium") is None:
            raise Unavailable("chromium is not installed (scripts/install.sh installs it)")
        commands_r, self._commands = os.pipe()
        self._replies, replies_w = os.pipe()
        self._log = tempfile.TemporaryFile()
        # subprocess maps the pipes to the child's stdin and stdout safely; the shell then
        # moves them to the fds Chromium reads and writes. HOME keeps what Chromium writes
        # outside its profile (crash reports) in the temporary folder too.
        profile = self._profile.name
        self._browser = subprocess.Popen(
            ["sh", "-c", 'exec "$@" 3<&0 4>&1 </dev/null >&2', "sh", "chromium", *FLAGS,
             "--user-data-dir=" + os.path.join(profile, "profile")],
            stdin=commands_r, stdout=replies_w, stderr=self._log, start_new_session=True,
            env={**os.environ, "HOME": profile, "XDG_CONFIG_HOME": profile,
                 "XDG_CACHE_HOME": profile})
        os.close(commands_r)
        os.close(replies_w)
        try:
            self._send("Browser.getVersion")
        except (TimeoutError, ConnectionError) as e:
            self._log.seek(0)
            tail = self._log.read().decode(errors="replace").strip().splitlines()[-5:]
            raise Unavailable(f"chromium did not start: {e}\n" + "\n".join(tail)) from None

    def send(self, method, **params):
        """Sends a command to the page and returns its result."""
        return self._send(method, self._session, **params)

    def _send(self, method, session=None, **params):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        reply = self._receive(lambda m: m.get("id") == message["id"], method)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def _wait_for(self, event, since):
        seen = next((m for m in self._events[since:] if m["method"] == event), None)
        return seen or self._receive(lambda m: m.get("method") == event, event)

    def _receive(self, wanted, what):
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self._record(message)
                if wanted(message):
                    return message
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._replies], [], [], left)[0]:
                raise TimeoutError(f"no answer to {what} from chromium in {self.timeout} s")
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise ConnectionError(f"chromium exited waiting for {what}")
            self._buffer += chunk

    def _record(self, event):
        self._events.append(event)
        method, p = event["method"], event.get("params", {})
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
            self.console.append((p["type"], text))
        elif method == "Log.entryAdded":
            self.console.append((p["entry"]["level"], p["entry"]["text"]))
        elif method == "Runtime.exceptionThrown":
            details = p["exceptionDetails"]
            self.exceptions.append(details.get("exception", {}).get("description",
                                                                    details["text"]))
        elif method == "Network.requestWillBeSent":
            self.requests[p["requestId"]] = p["request"]["url"]
        elif method == "Network.loadingFailed":
            self.failed_loads.append((self.requests.get(p["requestId"], "?"), p["errorText"]))

    def evaluate(self, expression):
        """The value of a JavaScript expression in the page (awaited if a promise)."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, x, y):
        """A left click with the mouse at viewport coordinates (x, y)."""
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                      clickCount=1)

    def screenshot(self):
        """The viewport as PNG bytes."""
        return base64.b64decode(self.send("Page.captureScreenshot", format="png")["data"])

    def close(self):
        if self._browser is not None:
            try:
                os.killpg(self._browser.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._browser.wait(timeout=self.timeout)
            os.close(self._commands)
            os.close(self._replies)
            self._log.close()
            self._browser = None
        self._profile.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
