"""Postfix on every host whose role runs "postfix": the bench's mail server (the report's main.cf).

    Postfix            main.cf, master.cf, /etc/mailname, /etc/aliases rendered from the
                       class model; the student's account; readiness = the SMTP 220 banner
                       on the host's address
    InstalledPostfix   Postfix as Debian installs it with "No configuration": no main.cf,
                       Debian's /etc/aliases, no student account; it starts (as at boot)
                       only once a student has written a main.cf
"""

from shlex import quote

from services.base import Service
from services.probes import banner


class Postfix(Service):
    """Contract
    packages   postfix, mailutils (the report's `mail`)
    files      /etc/postfix/main.cf (the report's: myhostname the host, mydestination the
               domains whose MX points at it, mynetworks the class file's [mail] trusted),
               /etc/postfix/master.cf (Debian's, no chroot), /etc/mailname ([mail] origin:
               myorigin), /etc/aliases ([accounts] aliases)
    checks     postfix check (under script(1): it prints its findings only to a terminal)
    prepare    the student's account ([accounts]: `useradd -m`, as in the report, uid and
               password of the class file)
    start      newaliases (aliases.db, as a student runs it), postfix start (told by
               Postfix's quick-start file not to repeat the checks just passed); PID from
               /var/spool/postfix/pid/master.pid
    ready      the 220 banner answers on the host's first address (then QUIT)
    stop       postfix stop, inside the host
    """
    name = "postfix"
    packages = ("postfix", "mailutils")
    ready_timeout = 20.0

    def check(self, model):
        self.on_bench_servers_only(model)

    def files(self, model, spec):
        values = {"HOST": spec.name.upper(), "host": spec.name,
                  "domains": ", ".join(model.mail_domains(spec.bench)),
                  "trusted": " ".join(model.trusted_networks(spec.bench))}
        aliases = "".join(f"{name}: {target}\n" for name, target in model.aliases)
        return {"/etc/postfix/main.cf": self.template("etc/postfix/main.cf", **values),
                "/etc/postfix/master.cf": self.template("etc/postfix/master.cf", **values),
                "/etc/mailname": model.mail_origin(spec.bench) + "\n",
                "/etc/aliases": aliases}

    def checks(self, spec):
        # postfix check prints its findings only to a terminal: script(1) gives it one
        return [("/etc/postfix/main.cf", "script -qec 'postfix check' /dev/null")]

    def prepare(self, spec):
        student = self.model.student
        name, secret = quote(student.name), quote(f"{student.name}:{student.password}")
        return (f"id -u {name} >/dev/null 2>&1 || {{ "
                f"if getent passwd {student.uid} >/dev/null; then useradd -m {name}; "
                f"else useradd -m -u {student.uid} {name}; fi && "
                f"echo {secret} | chpasswd; }}")

    def start(self, spec):
        # `postfix check` passed moments ago (the lab's check phase): quick-start, Postfix's
        # own mechanism (postfix-script), spares `postfix start` the same checks again
        return ("newaliases && touch /var/spool/postfix/quick-start && postfix start 2>&1 "
                "&& cat /var/spool/postfix/pid/master.pid")

    def ready(self, host, spec):
        return banner(host, spec.ip, 25, "220 ")

    def stop(self, spec):
        return "postfix stop"

    def installed(self):
        return InstalledPostfix(self.model)


DEBIAN_ALIASES = "# See man 5 aliases for format\npostmaster:    root\n"
NOT_CONFIGURED = "postfix postfix/main_mailer_type select No configuration"


class InstalledPostfix(Postfix):
    """Contract (what differs from Postfix's)
    files      /etc/aliases as Debian's postinst writes it
    checks     none
    prepare    no /etc/postfix/main.cf nor /etc/mailname; the host's debconf says "No
               configuration" (what `dpkg-reconfigure postfix` starts from)
    start      as Postfix's, once /etc/postfix/main.cf exists; else nothing
    """

    def files(self, model, spec):
        return {"/etc/aliases": DEBIAN_ALIASES}

    def checks(self, spec):
        return []

    def prepare(self, spec):
        return (f"rm -f /etc/postfix/main.cf /etc/mailname && "
                f"echo {quote(NOT_CONFIGURED)} | debconf-set-selections")

    def start(self, spec):
        return f"if [ -e /etc/postfix/main.cf ]; then {super().start(spec)}; fi"

    def installed(self):
        return None


SERVICES = [Postfix]
