"""xterm.js for the browser, from Debian's own package, bundled when the server starts.

Debian 12's libjs-xterm ships a browser file that is a 288-byte stub (it only requires
"./public/Terminal"); node-xterm ships the real modules (xterm.js 3.8.1, CommonJS, compiled
from TypeScript) and libjs-xterm the fit addon. bundle() wraps each module in a function
under a 30-line require(): one script that sets window.Terminal (with Terminal.applyAddon)
and window.xtermFit. Nothing is downloaded, nothing is written to the tree.

    NODE_XTERM, FIT_ADDON      where Debian puts them
    modules(folder)            {module name: source} of every module but the tests
    bundle(folder, fit)        the browser script, as text
    stylesheet(folder)         xterm.css
    MissingXterm               the packages are not installed (the message says which)
"""

import json
from pathlib import Path

NODE_XTERM = Path("/usr/share/nodejs/xterm/lib")
FIT_ADDON = Path("/usr/share/javascript/xterm/addons/fit/fit.js")
ENTRY = "public/Terminal"

LOADER = """(function () {
  "use strict";
  var sources = %s, cache = {};
  function resolve(from, name) {
    var parts = from.split("/").slice(0, -1);
    name.split("/").forEach(function (part) {
      if (part === "..") { parts.pop(); } else if (part !== ".") { parts.push(part); }
    });
    return parts.join("/");
  }
  function load(name) {
    if (cache[name]) { return cache[name].exports; }
    if (!sources[name]) { throw new Error("xterm bundle: no module " + name); }
    var module = cache[name] = {exports: {}};
    sources[name](function (wanted) { return load(resolve(name, wanted)); },
                  module, module.exports);
    return module.exports;
  }
  window.Terminal = load(%s).Terminal;
  window.xtermFit = load("addons/fit/fit");
})();
"""


class MissingXterm(RuntimeError):
    pass


def modules(folder=NODE_XTERM):
    folder = Path(folder)
    if not (folder / (ENTRY + ".js")).is_file():
        raise MissingXterm(f"xterm.js is not installed ({folder}): sudo make deps "
                           "(Debian's node-xterm)")
    return {str(path.relative_to(folder).with_suffix("")): path.read_text(encoding="utf-8")
            for path in sorted(folder.rglob("*.js"))
            if ".test" not in path.name and "TestUtils" not in path.name
            and path.name != "xterm.js"}


def bundle(folder=NODE_XTERM, fit=FIT_ADDON):
    found = modules(folder)
    if not Path(fit).is_file():
        raise MissingXterm(f"the fit addon of xterm.js is not installed ({fit}): sudo make deps "
                           "(Debian's libjs-xterm)")
    found["addons/fit/fit"] = Path(fit).read_text(encoding="utf-8")
    functions = ",\n".join(
        f"{json.dumps(name)}: function (require, module, exports) {{\n{source}\n}}"
        for name, source in sorted(found.items()))
    return LOADER % ("{\n" + functions + "\n}", json.dumps(ENTRY))


def stylesheet(folder=NODE_XTERM):
    path = Path(folder) / "xterm.css"
    if not path.is_file():
        raise MissingXterm(f"xterm.css is not installed ({path}): sudo make deps")
    return path.read_text(encoding="utf-8")
