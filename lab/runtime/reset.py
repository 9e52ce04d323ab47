"""Reset: one host back to a stage, services included (`reset HOST [STAGE]` in the CLI,
`sudo make reset HOST=NAME` from another terminal).

    reset_host(host, spec, plan, runner, rebuild)
        1. every process of the host but its shell ends (its own PID namespace: KILL_ALL);
        2. the student's layer is emptied, /run and /tmp too; with `rebuild` (another
           stage) the stage's layer as well, then rebuilt for the plan's stage:
           init_machine.sh, each service's files and preparation, and sealed;
           else the addresses, routes and forwarding of init_machine.sh are set again;
        3. the host's daemons start as at the lab's start, and answer.
    Returns the seconds it took.
"""

import time

from lab.base.processes import others_in_namespace
from lab.base.waiting import wait_until
from lab.runtime.machine import KILL_ALL, reset_script
from topologies.init_script import SCRIPT_PATH, render_network_reset


def reset_host(host, spec, plan, runner, model, rebuild=False, overrides=None):
    began = time.monotonic()
    host.run_script(KILL_ALL, "stopping its processes")
    wait_until(lambda: not others_in_namespace(host.pid), f"{host.name}'s processes to end", 5.0)
    host.run_script(reset_script(host.host_dir, rebuild, host.name), "emptying the student's layer")
    plans = runner.placements(model, plan, lambda _name: host, names={spec.name})
    if rebuild:
        host.plan = plan
        host.run_script(host.init_script(), SCRIPT_PATH)
        if overrides:
            host.write_files(overrides)
        runner.configure(plans, model)
        host.seal()
    else:
        host.run_script(render_network_reset(spec, plan.forwarding(spec)), "addresses and routes")
    runner.launch(plans)
    return time.monotonic() - began
