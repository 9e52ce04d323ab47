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
      entry.term.fit();
      connect(entry);
    } else {
      entry.term.fit();
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
    if (current && terminals[current]) { terminals[current].term.fit(); }
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

  // --- the check panel -----------------------------------------------------------------------
  function showCheck(panel, engine) {
    var box = document.getElementById("check");
    if (!box) { return; }
    box.textContent = "";
    var run = document.getElementById("run-check");
    run.textContent = words.runCheck;
    run.disabled = !engine;
    if (!engine) { box.appendChild(el("p", {"class": "empty"}, words.noEngine)); }
    if (!panel) { box.appendChild(el("p", {"class": "empty"}, words.noCheck)); return; }
    var when = new Date(panel.made);
    var shown = isNaN(when) ? panel.made
      : when.toLocaleString(document.documentElement.lang || undefined);
    box.appendChild(el("p", {"class": "made"}, fill(words.checked, {text: shown})));
    panel.objectives.forEach(function (objective) {
      var item = el("div", {"class": "objective " + objective.state.replace(" ", "_"),
                            "data-objective": objective.id});
      var head = el("div");
      head.appendChild(el("span", {"class": "state"}, objective.label));
      head.appendChild(el("span", {"class": "title"}, objective.title));
      item.appendChild(head);
      if (objective.state === "FAIL" && objective.evidence.length) {  // NOT YET: still to do
        var first = objective.evidence[0];
        item.appendChild(el("pre", {}, first.host + "# " + first.command + "\n" + first.output));
      }
      if (objective.hints.length) {
        var list = el("ol", {"class": "hints"});
        objective.hints.forEach(function (hint) { list.appendChild(el("li", {"class": "hint"}, hint)); });
        item.appendChild(list);
      }
      if (objective.more) {
        var more = el("button", {type: "button", "class": "next-hint"}, words.nextHint);
        more.addEventListener("click", function () {
          post("/api/hint", {objective: objective.id}).then(function (answer) {
            showCheck(answer.check, answer.engine);
          }, function (error) { status(fill(words.failed, {reason: error.message}), true); });
        });
        item.appendChild(more);
      }
      box.appendChild(item);
    });
  }

  // --- the page's state ----------------------------------------------------------------------
  function refresh() {
    return fetch("/api/state", {credentials: "same-origin"}).then(function (r) {
      if (r.status === 401) { location.href = "/"; return null; }
      return r.json();
    }).then(function (state) {
      if (!state) { return; }
      showFiles(state.files);
      if (role === "bench") { showCheck(state.check, state.engine); }
      if (role === "instructor") {
        Object.keys(state.stages).forEach(function (bench) {
          var cell = document.querySelector('tr[data-bench="' + bench + '"] .stage');
          if (cell) { cell.textContent = state.stages[bench]; }
        });
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
    run.addEventListener("click", function () {
      post("/api/check", {}).then(function (answer) { showCheck(answer.check, answer.engine); },
        function (error) { status(fill(words.failed, {reason: error.message}), true); });
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
    var view = document.getElementById("classview");
    var all = document.getElementById("check-all");
    all.addEventListener("click", function () {
      all.disabled = true;
      status("…");
      post("/api/check", {bench: "all"}).then(function (answer) {
        all.disabled = false;
        status(answer.engine ? "" : words.noEngine, !answer.engine);
        view.src = "/instructor/class-view";
      }, function (error) {
        all.disabled = false;
        status(fill(words.failed, {reason: error.message}), true);
      });
    });
    window.setInterval(function () { view.src = "/instructor/class-view"; }, 20000);
  }
  refresh();
  window.setInterval(refresh, 15000);
}());
