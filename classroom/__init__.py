"""The classroom in the browser (issue 14): one lab server, each student at their own bench.

`sudo make classroom` (python3 -m classroom) builds the class and serves it on the web, in
one process: a page a bench (its topology, one terminal a host, reset, hand-in, its
captures, check's panel with its stepped hints, lint) and the instructor's page (the live
class view, every bench's terminals and tools). The command-line level: it sits above
lab.runtime and checks.

    run.py        the command: options, LISTEN checked before anything starts, the access sheet
    listen.py     LISTEN=ADDRESS:PORT: parsed, bound, its URL
    access.py     one code a bench and one for the instructor; the printable access sheet
    sessions.py   cookie sessions, sliding-window limits (code guessing, terminal openings)
    fence.py      what a session may reach: hosts, benches, files of results/
    terminals.py  a PTY running a shell inside a host, pumped to a websocket; stopped by PID
    door.py       the running lab as the server uses it (shell_argv, reset, handin, stages,
                  check: checks/check.py with the lab's record)
    checking.py   each bench's last check: the student's panel (hints, lint), the class view
    pages.py      the HTML pages, French or English; templates/ their script and style
    picture.py    a bench's topology picture (evidence/pictures.py cut to one bench)
    xterm.py      xterm.js bundled at start from Debian's node-xterm
    server.py     the aiohttp application: routes, refusals, websockets
    load.py       the load test: benches x terminals typing at once, echo latency
    launch.py     the server in a process of its own (make bench, the tests): its URL, its codes
"""
