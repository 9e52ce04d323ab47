/* The classroom's pages: terminals (xterm.js over a websocket each), reset, hand-in, the
   check panel with its hints, the files; the instructor's table of benches. Every text shown
   comes from the server (data-words, translated); every value is put in with textContent. */
(function () {
  "use strict";
  var body = document.body;
  var role = body.getAttribute("data-role");
  var words = JSON.parse(body.getAttribute("data-words") || "{}");
  if (!role) { return; }  // the login page
  Terminal.applyAddon(window.xtermFit);
  var encoder = new TextEncoder();
  var tabs = document.querySelector(".tabs");
  var screens = document.querySelector(".screens");
  var terminals = {};
  var current = null;

  function fill(text, values) {
    return String(text).replace(/\{(\w+)\}/g, function (all, key) {
      return values[key] !== undefined ? values[key] : all;
    });
  }
  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function status(text, bad) {
    var line = document.getElementById("status");
    line.textContent = text;
    line.className = bad ? "bad" : "";
  }
  function post(path, data) {
    return fetch(path, {method: "POST", credentials: "same-origin",
                        headers: {"Content-Type": "application/json"},
                        body: JSON.stringify(data || {})})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (!response.ok) { throw new Error(answer.error || String(response.status)); }
          return answer;
        });
      });
  }

  // --- terminals ---------------------------------------------------------------------------
  function tabOf(host) {
    var found = tabs.querySelector('[data-host="' + host + '"]');
    if (!found) {
      found = el("button", {type: "button", "class": "tab", role: "tab", "data-host": host},
                 host.toUpperCase());
      found.addEventListener("click", function () { show(host); });
      tabs.appendChild(found);
    }
    return found;
  }

  function connect(entry) {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var url = scheme + location.host + "/terminal/" + encodeURIComponent(entry.host) +
              "?cols=" + entry.term.cols + "&rows=" + entry.term.rows;
    var decoder = new TextDecoder();
    var ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    entry.ws = ws;
    entry.ended = false;
    entry.screen.classList.remove("ended");
    ws.onopen = function () { entry.opened = true; };
    ws.onmessage = function (event) {
      entry.term.write(typeof event.data === "string" ? event.data
                       : decoder.decode(new Uint8Array(event.data), {stream: true}));
    };
    ws.onclose = function (event) {
      entry.ended = true;
      entry.screen.classList.add("ended");
      var why = event.reason || (entry.opened ? "" : String(event.code));
      entry.term.write("\r\n\x1b[33m" + words.ended + "\x1b[0m\r\n");
      if (why && event.code !== 1000) { status(fill(words.refused, {reason: why}), true); }
    };
  }

  function open(host) {
    var screen = el("div", {"class": "screen active", "data-host": host});
    screens.appendChild(screen);  // shown before xterm.js measures it
    var term = new Terminal({cursorBlink: true, fontSize: 14, scrollback: 2000,
                             fontFamily: "DejaVu Sans Mono, monospace"});
    var entry = {host: host, term: term, screen: screen, ws: null, ended: true};
    terminals[host] = entry;
    term.open(screen);
    term.on("data", function (data) {
      if (entry.ws && entry.ws.readyState === 1) { entry.ws.send(encoder.encode(data)); }
      else if (entry.ended) { term.reset(); connect(entry); }
    });
    term.on("resize", function (size) {
      if (entry.ws && entry.ws.readyState === 1) {
        entry.ws.send(JSON.stringify({resize: [size.cols, size.rows]}));
      }
    });
    screen.addEventListener("click", function () {
      if (entry.ended) { term.reset(); connect(entry); }
    });
    return entry;
  }

  // the terminal as large as its screen; never to a screen a few pixels wide, as a window
  // shrunk for a moment has (a screenshot beyond the window resizes it to 1x1): the shell
  // would draw its prompt again one character a line
  function fit(entry) {
    if (entry.screen.clientWidth >= 100 && entry.screen.clientHeight >= 50) { entry.term.fit(); }
  }

  function show(host) {
    var entry = terminals[host];
    tabOf(host);
    Array.prototype.forEach.call(tabs.children, function (tab) {
      tab.classList.toggle("active", tab.getAttribute("data-host") === host);
      tab.setAttribute("aria-selected", tab.getAttribute("data-host") === host);
    });
    Array.prototype.forEach.call(screens.children, function (screen) {
      screen.classList.toggle("active", screen.getAttribute("data-host") === host);
    });
    current = host;
    if (!entry) {
      entry = open(host);
      fit(entry);
      connect(entry);
    } else {
      fit(entry);
    }
    entry.term.focus();
    var reset = document.getElementById("reset");
    reset.textContent = fill(words.reset, {host: host.toUpperCase()});
    reset.hidden = false;
    var capture = document.getElementById("capture");
    capture.textContent = fill(words.capture, {host: host.toUpperCase()});
    capture.hidden = false;
  }
  // what the active terminal shows, as text (xterm.js 3.8 draws on a canvas): for tests
  window.classroomScreenText = function () {
    var entry = terminals[current];
    if (!entry) { return ""; }
    var buffer = entry.term._core.buffer, lines = [];
    for (var row = 0; row < buffer.lines.length; row++) {
      lines.push(buffer.translateBufferLineToString(row, true));
    }
    return lines.join("\n");
  };
  window.addEventListener("resize", function () {
    if (current && terminals[current]) { fit(terminals[current]); }
  });

  document.getElementById("reset").hidden = true;
  document.getElementById("reset").addEventListener("click", function () {
    var host = current;
    if (!host || !window.confirm(fill(words.resetAsk, {host: host.toUpperCase()}))) { return; }
    status("…");
    post("/api/reset", {host: host}).then(function (answer) {
      status(answer.said || fill(words.resetDone, {host: host.toUpperCase()}));
    }, function (error) { status(fill(words.failed, {reason: error.message}), true); });
  });

  document.getElementById("capture").hidden = true;
  document.getElementById("capture").addEventListener("click", function () {
    var host = current, button = document.getElementById("capture");
    if (!host) { return; }
    button.disabled = true;
    status(fill(words.capturing, {host: host.toUpperCase()}));
    post("/api/capture", {host: host, seconds: 10}).then(function (answer) {
      button.disabled = false;
      status(fill(words.captured, {name: answer.name, text: answer.frames}));
      refresh();
    }, function (error) {
      button.disabled = false;
      status(fill(words.failed, {reason: error.message}), true);
    });
  });

  // --- files ---------------------------------------------------------------------------------
  function fileList(title, kind, items) {
    var box = el("div");
    box.appendChild(el("h3", {}, title));
    if (!items.length) { box.appendChild(el("p", {"class": "empty"}, words.none)); return box; }
    var list = el("ul");
    items.forEach(function (item) {
      var link = el("a", {href: "/files/" + kind + "/" + encodeURIComponent(item.owner) + "/" +
                               encodeURIComponent(item.name), download: item.name}, item.name);
      var entry = el("li");
      entry.appendChild(link);
      list.appendChild(entry);
    });
    box.appendChild(list);
    return box;
  }
  function showFiles(files) {
    var box = document.getElementById("files");
    box.textContent = "";
    box.appendChild(fileList(words.captures, "capture", files.captures));
    box.appendChild(fileList(words.handins, "handin", files.handins));
  }

  // --- the check panel and lint ------------------------------------------------------------
  var drawn = null;  // the panel drawn last: drawn again only when it changed
  function showCheck(panel) {
    var box = document.getElementById("check");
    if (!box) { return; }
    var text = JSON.stringify(panel);
    if (text === drawn) { return; }
    drawn = text;
    box.textContent = "";
    showLint(panel);
    if (!panel) { box.appendChild(el("p", {"class": "empty"}, words.noCheck)); return; }
    var when = new Date(panel.made);
    var shown = isNaN(when) ? panel.made
      : when.toLocaleString(document.documentElement.lang || undefined);
    box.appendChild(el("p", {"class": "made"}, fill(words.checked, {text: shown})));
    box.appendChild(el("p", {"class": "summary"}, panel.summary));
    if (panel.lang !== document.documentElement.lang) {
      box.appendChild(el("p", {"class": "note"}, words.otherLanguage));
    }
    panel.objectives.forEach(function (objective) { box.appendChild(objectiveItem(objective)); });
  }

  function objectiveItem(objective) {
    var item = el("div", {"class": "objective " + objective.state.replace(" ", "_"),
                          "data-objective": objective.id});
    var head = el("div", {"class": "head"});
    head.appendChild(el("span", {"class": "state"}, objective.label));
    head.appendChild(el("span", {"class": "title"}, objective.title));
    head.appendChild(el("code", {"class": "id"}, objective.id));
    item.appendChild(head);
    objective.evidence.slice(0, 1).forEach(function (first) {  // a FAIL's: what was seen
      item.appendChild(el("pre", {}, first.host + "# " + first.command + "\n" + first.output));
    });
    if (objective.hints.length) {
      var list = el("ol", {"class": "hints"});
      objective.hints.forEach(function (hint) { list.appendChild(el("li", {"class": "hint"}, hint)); });
      item.appendChild(list);
    }
    if (objective.hints.length < objective.steps) {
      var more = el("button", {type: "button", "class": "next-hint"},
                    fill(words.nextHint, {step: objective.hints.length + 1,
                                          steps: objective.steps}));
      more.addEventListener("click", function () {
        more.disabled = true;
        post("/api/hint", {objective: objective.id}).then(function (answer) {
          showCheck(answer.check);
        }, function (error) {
          more.disabled = false;
          status(fill(words.failed, {reason: error.message}), true);
        });
      });
      item.appendChild(more);
    }
    return item;
  }

  function showLint(panel) {
    var box = document.getElementById("lint");
    if (!box) { return; }
    box.textContent = "";
    if (!panel) { box.appendChild(el("p", {"class": "empty"}, words.noCheck)); return; }
    panel.lint.forEach(function (host) {
      var part = el("div", {"class": "host", "data-host": host.host});
      if (!host.findings.length) {  // one line: the host has nothing to point out
        part.appendChild(el("p", {"class": "empty"}, host.nothing));
        box.appendChild(part);
        return;
      }
      part.appendChild(el("h3", {}, host.host.toUpperCase()));
      host.findings.forEach(function (finding) {
        var item = el("div", {"class": "finding", "data-code": finding.code});
        var where = el("p", {"class": "where"});
        where.appendChild(el("code", {}, finding.where));
        where.appendChild(el("span", {"class": "objective-id"}, " (" + finding.objective + ")"));
        item.appendChild(where);
        item.appendChild(el("p", {"class": "what"}, finding.what));
        item.appendChild(el("p", {"class": "why"}, fill(words.why, {text: finding.why})));
        item.appendChild(el("p", {"class": "fix"}, fill(words.fix, {text: finding.fix})));
        part.appendChild(item);
      });
      box.appendChild(part);
    });
  }

  // --- the class view (instructor): loaded again when a check or a hint changed it, where the
  // instructor had scrolled it, and not while they read a cell's details; as tall as it is,
  // up to most of the window
  var viewVersion = 0, viewScrolled = 0;
  function fitClassView() {
    var view = document.getElementById("classview"), inside = view.contentDocument;
    if (!inside || !inside.scrollingElement) { return; }
    var tall = Math.ceil(inside.documentElement.getBoundingClientRect().height) + 4;
    view.style.height = Math.max(120, Math.min(tall, window.innerHeight * 0.85)) + "px";
    inside.scrollingElement.scrollTop = viewScrolled;
  }
  function showClassView(version) {
    var view = document.getElementById("classview");
    if (!view || version === undefined || version === viewVersion) { return; }
    var inside = view.contentDocument;
    if (inside && inside.querySelector("dialog[open]")) { return; }
    viewScrolled = inside && inside.scrollingElement ? inside.scrollingElement.scrollTop : 0;
    viewVersion = version;
    view.src = "/instructor/class-view";
  }

  // --- the page's state ----------------------------------------------------------------------
  function refresh() {
    return fetch("/api/state", {credentials: "same-origin"}).then(function (r) {
      if (r.status === 401) { location.href = "/"; return null; }
      return r.json();
    }).then(function (state) {
      if (!state) { return; }
      showFiles(state.files);
      if (role === "bench") { showCheck(state.check); }
      if (role === "instructor") {
        Object.keys(state.stages).forEach(function (bench) {
          var cell = document.querySelector('tr[data-bench="' + bench + '"] .stage');
          if (cell) { cell.textContent = state.stages[bench]; }
        });
        showClassView(state.version);
      }
    });
  }

  if (role === "bench") {
    var handin = document.getElementById("handin");
    handin.textContent = words.handin;
    handin.addEventListener("click", function () {
      status("…");
      post("/api/handin", {bench: handin.getAttribute("data-bench")}).then(function (answer) {
        status(fill(words.handinDone, {name: answer.name}));
        refresh();
      }, function (error) { status(fill(words.failed, {reason: error.message}), true); });
    });
    var run = document.getElementById("run-check");
    run.textContent = words.runCheck;
    run.addEventListener("click", function () {
      run.disabled = true;
      run.textContent = words.checking;
      post("/api/check", {}).then(function (answer) {
        run.disabled = false;
        run.textContent = words.runCheck;
        showCheck(answer.check);
      }, function (error) {
        run.disabled = false;
        run.textContent = words.runCheck;
        status(fill(words.failed, {reason: error.message}), true);
      });
    });
    Array.prototype.forEach.call(tabs.querySelectorAll(".tab"), function (tab) {
      tab.addEventListener("click", function () { show(tab.getAttribute("data-host")); });
    });
    var first = tabs.querySelector(".tab");
    if (first) { show(first.getAttribute("data-host")); }
  }
  if (role === "instructor") {
    Array.prototype.forEach.call(document.querySelectorAll("button.open"), function (button) {
      button.addEventListener("click", function () { show(button.getAttribute("data-host")); });
    });
    Array.prototype.forEach.call(document.querySelectorAll("button.handin"), function (button) {
      button.addEventListener("click", function () {
        status("…");
        post("/api/handin", {bench: button.getAttribute("data-bench")}).then(function (answer) {
          status(fill(words.handinDone, {name: answer.name}));
          refresh();
        }, function (error) { status(fill(words.failed, {reason: error.message}), true); });
      });
    });
    Array.prototype.forEach.call(document.querySelectorAll("button.rotate"), function (button) {
      button.addEventListener("click", function () {
        if (!window.confirm(words.rotateAsk)) { return; }
        post("/api/rotate", {bench: button.getAttribute("data-bench")}).then(function (answer) {
          var shown = button.parentNode.querySelector(".code") || el("span", {"class": "code"});
          shown.textContent = " " + answer.code;
          button.parentNode.appendChild(shown);
          status(fill(words.rotated, {name: answer.code}));
        }, function (error) { status(fill(words.failed, {reason: error.message}), true); });
      });
    });
    document.getElementById("classview").addEventListener("load", fitClassView);
    fitClassView();  // loaded already, perhaps
    var all = document.getElementById("check-all");
    all.addEventListener("click", function () {
      all.disabled = true;
      status("…");
      post("/api/check", {bench: "all"}).then(function (answer) {
        all.disabled = false;
        status("");
        showClassView(answer.version);
      }, function (error) {
        all.disabled = false;
        status(fill(words.failed, {reason: error.message}), true);
      });
    });
  }
  refresh();
  window.setInterval(refresh, role === "instructor" ? 3000 : 15000);
}());
