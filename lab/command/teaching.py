"""The teaching commands, in the lab's CLI and from another terminal (`python3 -m lab`):

    reset HOST [STAGE]   HOST back to its stage (or to STAGE), services included
    handin BENCH         the bench's work since its stage, in one archive under results/

    reset(lab, words, say, lang)    lab: the running Lab (CLI) or an AttachedLab; words: the
    handin(lab, words, say, lang)   command's arguments; lang: fr or en (default: the
                                    environment's, checks.i18n). A bad argument is one line
                                    (UsageError), in that language too.
"""

from checks.findings import _
from checks.i18n import language, translator
from lab.base.errors import UsageError


def _words(lang):
    translate = translator(language(lang))
    return lambda text: text.render(translate)


def reset(lab, words, say=print, lang=None):
    said = _words(lang)
    if not 1 <= len(words) <= 2:
        raise UsageError(said(_("reset: usage: reset HOST [STAGE]   e.g. reset {host}",
                                host=lab.model.server(lab.model.benches[-1]).name)))
    name, stage = words[0], (words[1] if len(words) > 1 else None)
    if name not in lab.model.names():
        raise UsageError(said(_("reset: no host '{host}' in this class (hosts: {hosts})",
                                host=name, hosts=", ".join(lab.model.names()))))
    try:
        took = lab.reset(name, stage)
    except KeyError as error:
        raise UsageError(f"reset: {error.args[0]}") from None
    from topologies.stages import StagePlan
    at = StagePlan.from_state(lab.model, lab.rundir.read_state()).stage_of(lab.model.host(name))
    what = (at.says_for(lab.model.host(name).bench, language(lang))
            or said(_("as the class file says")))
    say("*** " + said(_("{host} is back at stage {stage} ({says}): {seconds} s", host=name,
                        stage=at.name, says=what, seconds=f"{took:.2f}")))
    return took


def handin(lab, words, say=print, lang=None):
    from lab.runtime.attach import operation
    from lab.runtime.handin import write_handin
    said = _words(lang)
    if len(words) != 1 or not words[0].isdigit():
        raise UsageError(said(_("handin: usage: handin BENCH   e.g. handin {bench}",
                                bench=lab.model.benches[-1])))
    with operation(lab.rundir):
        path = write_handin(lab, int(words[0]))
    say("*** " + said(_("hand-in of bench {bench}: {path}  (replay it: sudo make lab "
                        "HANDIN={path})", bench=words[0], path=path)))
    return path
