"""Pictures of the lab: the class topology (Graphviz) and packet ladders (matplotlib).

    topology_dot(model)          Graphviz DOT text of a ClassModel: the instructor, the
                                 backbone bus, a cluster per bench (its server, its clients,
                                 LAN prefixes on links); every label is the model's
    render_dot(text, out_dir, stem)                   -> [svg, png], drawn by Graphviz `dot`
    render_topology(model, out_dir, stem="topology")  -> [svg, png] of topology_dot(model)
    Exchange(time, source, target, label)   one packet: seconds after the first, actor names
    render_ladder(exchanges, actors, title, out_dir, stem)  -> [svg, png]: a sequence
                                 diagram like Wireshark's Flow Graph (matplotlib, Agg backend)
    shorten(text, limit=60)      one line of at most `limit` characters, "…" when cut
    PictureError                 a picture could not be drawn (the message names what failed)

Nothing here needs root or a running lab; matplotlib is imported only to draw a ladder.
"""

import subprocess
from dataclasses import dataclass
from pathlib import Path

from lab.base.errors import LabError

LABEL_LIMIT = 60
# A host's style by its place in the class (whatever the class file calls its roles):
# the instructor, a bench's server, a bench host running daemons (a secondary DNS), a client
PLACE_STYLES = {
    "instructor": 'shape=box, style="filled,bold", penwidth=2, fillcolor="#f6d27a"',
    "server": 'shape=box, style=filled, fillcolor="#a9c8ea"',
    "client": 'shape=box, style="rounded,filled", fillcolor="#f2f2f2"',
    "daemons": 'shape=box, style="rounded,filled,dashed", fillcolor="#c3e6c3"',
}
GRAPH_ATTRIBUTES = ('fontname="DejaVu Sans"', "nodesep=0.25", "ranksep=0.55",
                    'node [fontname="DejaVu Sans", fontsize=12, margin="0.12,0.06"]',
                    'edge [fontname="DejaVu Sans", fontsize=10, fontcolor="#1f4e79"]')
# The ladder's geometry, in inches (the axes are laid out in inches, y downwards).
TIME_MARGIN, ROW, HEADER, FOOTER, MIN_GAP = 1.3, 0.36, 0.75, 0.3, 2.4
LABEL_SIZE, NAME_SIZE, TITLE_SIZE, DPI = 9, 10, 12, 100


class PictureError(LabError):
    """A picture could not be drawn: str() names the command or the bad input."""


@dataclass(frozen=True)
class Exchange:
    time: float
    source: str
    target: str
    label: str


def shorten(text, limit=LABEL_LIMIT):
    """One line (whitespace collapsed) of at most `limit` characters; if cut, at a space
    when one is near the end, then "…"."""
    line = " ".join(str(text).split())
    if len(line) <= limit:
        return line
    cut = line[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 2 // 3 else cut).rstrip() + "…"


# --- the topology, with Graphviz ---

def topology_dot(model):
    """DOT text: the backbone bus, the instructor and one cluster per bench, drawn top-down for up
    to 3 benches, left to right beyond (one bench per row, so 30 benches still fit)."""
    rankdir = "TB" if len(model.benches) <= 3 else "LR"
    lines = ["graph classroom {", f"  rankdir={rankdir}; ordering=out;"]
    lines += [f"  {attribute};" for attribute in GRAPH_ATTRIBUTES]
    lines += _backbone_lines(model)
    for bench in model.benches:
        lines += _bench_lines(model, bench)
    links = [lan for lan in model.lans if not lan.bridged]
    if rankdir == "LR":
        links.reverse()  # dot stacks the first edge lowest when laid out left to right
    lines += [f"  {_edge(lan)};" for lan in links]
    return "\n".join(lines + ["}"]) + "\n"


def _backbone_lines(model):
    lines = []
    for lan in (lan for lan in model.lans if lan.bridged):
        lines.append(f'  "{lan.name}" [shape=box, style=filled, fillcolor="#4d4d4d", '
                     f'fontcolor=white, width=3, label="backbone {lan.prefix}"];')
        lines += [f'  "{lan.name}" -- "{member}" [penwidth=2];' for member in lan.members]
    lines += [_node(host, "instructor") for host in model.hosts if host.bench is None]
    return lines


def _bench_lines(model, bench):
    return ([f"  subgraph cluster_bench{bench} {{",
             f'    label="bench {bench}"; style="rounded,dashed"; color="#888888";']
            + ["  " + _node(host, _place(model, host)) for host in model.hosts
               if host.bench == bench]
            + ["  }"])


def _place(model, host):
    if host.name == model.server(host.bench).name:
        return "server"
    return "daemons" if host.services else "client"


def _node(host, place):
    style = PLACE_STYLES[place]
    return f'  "{host.name}" [{style}, label={_host_label(host)}];'


def _host_label(host):
    """HTML-like label: the name in bold, then one address per line (with its ethN if several)."""
    several = len(host.interfaces) > 1
    lines = [f"<B>{host.name.upper()}</B>"]
    for interface in host.interfaces:
        port = interface.name.rsplit("-", 1)[-1] + " " if several else ""
        lines.append(f'<FONT POINT-SIZE="10">{port}{interface.address}</FONT>')
    return "<" + "<BR/>".join(lines) + ">"


def _edge(lan):
    first, second = lan.members
    return f'"{first}" -- "{second}" [label="{lan.prefix}"]'


def render_dot(text, out_dir, stem):
    """Write out_dir/stem.svg and .png from DOT text; PictureError names the failed command."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.svg", out_dir / f"{stem}.png"]
    command = ["dot", "-Tsvg", "-o", str(paths[0]), "-Tpng", "-o", str(paths[1])]
    try:
        result = subprocess.run(command, input=text, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PictureError(f"{' '.join(command)} failed: {error} "
                           "(Graphviz: tools/install-deps)") from None
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no message"])[0]
        raise PictureError(f"{' '.join(command)} failed (exit {result.returncode}): {detail}")
    return paths


def render_topology(model, out_dir, stem="topology"):
    """The class's picture: out_dir/stem.svg and out_dir/stem.png."""
    return render_dot(topology_dot(model), out_dir, stem)


# --- the ladder, with matplotlib ---

def render_ladder(exchanges, actors, title, out_dir, stem):
    """A lifeline per actor (in order), an arrow per exchange: out_dir/stem.svg and .png."""
    actors = list(actors)
    _check_actors(exchanges, actors)
    _require_matplotlib()
    labels = [shorten(exchange.label) for exchange in exchanges]
    columns, width = _columns(actors, labels)
    title = shorten(title, 100)
    width = max(width, _text_width(title, TITLE_SIZE, "bold") + 0.3)
    bottom = HEADER + ROW * (len(exchanges) + 1)
    figure, axes = _canvas(width, bottom + FOOTER)
    axes.text(0.15, 0.25, title, fontsize=TITLE_SIZE, weight="bold", va="center",
              parse_math=False)
    _draw_lifelines(axes, columns, bottom, names_below=len(exchanges) > 15)
    for row, (exchange, label) in enumerate(zip(exchanges, labels), start=1):
        _draw_exchange(axes, columns, HEADER + ROW * row, exchange, label)
    return _save(figure, Path(out_dir), stem)


def _require_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise PictureError("matplotlib is missing: apt-get install python3-matplotlib "
                           "(tools/install-deps)") from None


def _check_actors(exchanges, actors):
    known = set(actors)
    for number, exchange in enumerate(exchanges, start=1):
        for name in (exchange.source, exchange.target):
            if name not in known:
                raise PictureError(f"ladder exchange {number} ({shorten(exchange.label, 30)}): "
                                   f"actor '{name}' is not among {', '.join(actors)}")


def _text_width(text, size, weight="normal"):
    """Inches the text takes once drawn (matplotlib's own font metrics)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath
    font = FontProperties(size=size, weight=weight)
    return TextToPath().get_text_width_height_descent(text, font, ismath=False)[0] / 72


def _columns(actors, labels):
    """{actor: x}, neighbours far enough apart for the widest label, and the figure width."""
    widest = max((_text_width(label, LABEL_SIZE) for label in labels), default=0)
    gap = max(MIN_GAP, widest + 0.5)
    half_name = max((_text_width(a, NAME_SIZE, "bold") for a in actors), default=0) / 2 + 0.15
    first = TIME_MARGIN + max(half_name, 0.6)
    columns = {actor: first + gap * index for index, actor in enumerate(actors)}
    return columns, first + gap * (len(actors) - 1) + max(half_name, 0.6) + 0.15


def _canvas(width, height):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    figure = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_axes([0, 0, 1, 1])
    axes.set_xlim(0, width)
    axes.set_ylim(height, 0)
    axes.axis("off")
    return figure, axes


def _draw_lifelines(axes, columns, bottom, names_below):
    top = HEADER - 0.25
    for actor, x in columns.items():
        axes.plot([x, x], [top, bottom], color="#9a9a9a", linewidth=1, linestyle="--")
        for y in (top, bottom) if names_below else (top,):
            axes.text(x, y, actor, ha="center", va="center", fontsize=NAME_SIZE, weight="bold",
                      parse_math=False, bbox=dict(boxstyle="round,pad=0.3",
                                                  facecolor="#dde8f5", edgecolor="#6b8bb5"))


def _draw_exchange(axes, columns, y, exchange, label):
    """The arrow, its label just above (on white, over any lifeline it crosses), the time."""
    start, end = columns[exchange.source], columns[exchange.target]
    middle, align = (start + end) / 2, "center"
    if start == end:  # to itself: a short stub, the label beside it (inwards on the last)
        away = -1 if start == max(columns.values()) and len(columns) > 1 else 1
        end, middle = start + 0.45 * away, start + 0.1 * away
        align = "left" if away > 0 else "right"
    axes.annotate("", xy=(end, y), xytext=(start, y),
                  arrowprops=dict(arrowstyle="-|>", color="#1f4e79", linewidth=1.2,
                                  shrinkA=0, shrinkB=0, mutation_scale=12))
    axes.text(middle, y - 0.05, label, ha=align, va="bottom", fontsize=LABEL_SIZE,
              parse_math=False, bbox=dict(boxstyle="square,pad=0.05", facecolor="white",
                                          edgecolor="none"))
    axes.text(0.15, y, f"{float(exchange.time):.6f} s", ha="left", va="center", fontsize=8,
              family="monospace", color="#555555")


def _save(figure, out_dir, stem):
    """SVG (text kept as <text>, searchable) and PNG of the same figure."""
    import matplotlib
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}.svg", out_dir / f"{stem}.png"]
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": stem}):
        for path in paths:
            figure.savefig(path, dpi=DPI)
    return paths
