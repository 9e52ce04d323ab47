"""A bench's topology picture, as the student page shows it: the class's own picture
(evidence/pictures.py, Graphviz) cut to the instructor, the backbone and that bench.

    BenchView(model, bench)    what topology_dot reads of a model, for one bench only
    bench_dot(model, bench)    DOT text
    bench_svg(model, bench)    SVG text, drawn by `dot` (PictureError names what failed)
"""

import dataclasses
import subprocess

from evidence.pictures import PictureError, topology_dot


class BenchView:
    def __init__(self, model, bench):
        self._model, self.benches = model, [bench]
        self.hosts = [h for h in model.hosts if h.bench in (None, bench)]
        names = {h.name for h in self.hosts}
        self.lans = [dataclasses.replace(lan, members=tuple(m for m in lan.members if m in names))
                     for lan in model.lans
                     if lan.bridged or all(m in names for m in lan.members)]

    def server(self, bench):
        return self._model.server(bench)


def bench_dot(model, bench):
    return topology_dot(BenchView(model, bench))


def bench_svg(model, bench):
    try:
        done = subprocess.run(["dot", "-Tsvg"], input=bench_dot(model, bench),
                              capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PictureError(f"dot -Tsvg failed: {error} (Graphviz: tools/install-deps)") from None
    if done.returncode != 0:
        raise PictureError(f"dot -Tsvg failed (exit {done.returncode}): "
                           f"{(done.stderr.strip().splitlines() or ['no message'])[0]}")
    return done.stdout
