"""--capture: what crossed the lab during a scenario, as pcaps, dissections and pictures.

    Recorder(results_dir, model, say)
        .topology()                    results/<scenario>/topology.svg|png
        .recording(index, section, lab)  a context: dumpcap runs inside the section's host
                                       for its steps; afterwards the runner prints the
                                       DNS dissections and the SMTP ladder and writes
                                       the ladder pictures; every path is printed
"""

from contextlib import contextmanager
from pathlib import Path

from evidence.capture import Capture
from evidence.dissect import dissection, flow, ladder_text

SHOWN = {"dns": "dns", "smtp": "tcp.port == 25"}


class Recorder:

    def __init__(self, results_dir, model, say=print):
        self.results = Path(results_dir)
        self.model = model
        self.say = say
        self.names = {i.ip: h.name.upper() for h in model.hosts for i in h.interfaces}

    def topology(self):
        from evidence.pictures import render_topology
        self.results.mkdir(parents=True, exist_ok=True)
        self._wrote(render_topology(self.model, self.results))

    @contextmanager
    def recording(self, index, section, lab):
        spec = section.capture
        if spec is None:
            yield
            return
        self.results.mkdir(parents=True, exist_ok=True)
        pcap = self.results / spec.file_name(index)
        capture = Capture(lab.host(spec.host), spec, pcap).start()
        try:
            yield
        finally:
            capture.stop()
        self._present(pcap, spec, section.title)

    def _present(self, pcap, spec, title):
        self._wrote([pcap])
        for kind in spec.show:
            rows = flow(pcap, SHOWN[kind])
            if not rows:
                continue
            if kind == "dns":
                self.say(f"\n[Wireshark] {pcap.name}: DNS, as tshark dissects it")
                self.say(dissection(pcap, "dns").rstrip())
            else:
                self.say(f"\n[Wireshark] {pcap.name}: the SMTP session, frame by frame")
                self.say(ladder_text(rows, self.names))
            self._wrote(self._picture(rows, f"{title} ({kind.upper()})", pcap.stem + f"-{kind}"))

    def _picture(self, rows, title, stem):
        from evidence.pictures import Exchange, render_ladder
        exchanges = [Exchange(time, self._actor(source), self._actor(target), info)
                     for time, source, target, info in rows]
        actors = list(dict.fromkeys(a for e in exchanges for a in (e.source, e.target)))
        return render_ladder(exchanges, actors, title, self.results, stem)

    def _actor(self, address):
        return f"{self.names.get(address, '?')} {address}"

    def _wrote(self, paths):
        for path in paths:
            self.say(f"*** wrote {path}")
