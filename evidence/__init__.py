"""Evidence of what happened in the lab, for the report: one module per job.

    capture.py    dumpcap inside a host's namespace, for the steps of a scenario section
    dissect.py    tshark's dissections in the report's style, the flow of frames as a ladder
    pictures.py   the class topology (Graphviz) and packet ladders like Wireshark's
                  Flow Graph (matplotlib), each written as SVG and PNG
"""
