"""The teaching commands, in the lab's CLI and from another terminal (`python3 -m lab`):

    reset HOST [STAGE]   HOST back to its stage (or to STAGE), services included
    handin BENCH         the bench's work since its stage, in one archive under results/

    reset(lab, words, say)    lab: the running Lab (CLI) or an AttachedLab; words: the
    handin(lab, words, say)   command's arguments. A bad argument is one line (UsageError).
"""

from lab.base.errors import UsageError


def reset(lab, words, say=print):
    if not 1 <= len(words) <= 2:
        raise UsageError("reset: usage: reset HOST [STAGE]   e.g. reset "
                         f"{lab.model.server(lab.model.benches[-1]).name}")
    name, stage = words[0], (words[1] if len(words) > 1 else None)
    if name not in lab.model.names():
        raise UsageError(f"reset: no host '{name}' in this class "
                         f"(hosts: {', '.join(lab.model.names())})")
    try:
        took = lab.reset(name, stage)
    except KeyError as error:
        raise UsageError(f"reset: {error.args[0]}") from None
    from topologies.stages import StagePlan
    at = StagePlan.from_state(lab.model, lab.rundir.read_state()).stage_of(lab.model.host(name))
    said = at.says_for(lab.model.host(name).bench) or "as the class file says"
    say(f"*** {name} is back at stage {at.name} ({said}): {took:.2f} s")
    return took


def handin(lab, words, say=print):
    from lab.runtime.attach import operation
    from lab.runtime.handin import write_handin
    if len(words) != 1 or not words[0].isdigit():
        raise UsageError(f"handin: usage: handin BENCH   e.g. handin {lab.model.benches[-1]}")
    with operation(lab.rundir):
        path = write_handin(lab, int(words[0]))
    say(f"*** hand-in of bench {words[0]}: {path}  (replay it: sudo make lab HANDIN={path})")
    return path
