"""Postfix on each Sn: the bench's mail server (the lab report's main.cf).

    Postfix   main.cf, master.cf, /etc/mailname, /etc/aliases rendered for Sn; the
              `etudiant` account; readiness = the SMTP 220 banner on 10.254.n.1:25
"""

from services.base import Service, render_template

STUDENT, STUDENT_UID = "etudiant", 1001

BANNER_PROBE = """
import socket, sys
with socket.create_connection((sys.argv[1], 25), timeout=2) as smtp:
    banner = smtp.recv(512)
    smtp.sendall(b"QUIT\\r\\n")
    smtp.recv(512)
print(banner.decode(errors="replace").strip())
"""


class Postfix(Service):
    """Contract
    packages   postfix, mailutils (the report's `mail`)
    files      /etc/postfix/main.cf (the report's), /etc/postfix/master.cf (Debian's, no
               chroot), /etc/mailname (tp{n}1.iut: myorigin), /etc/aliases (postmaster: root,
               root: etudiant)
    checks     postfix check (under script(1): it prints its findings only to a terminal)
    prepare    the account etudiant (uid 1001, as `useradd etudiant` gave in the report)
    start      newaliases (aliases.db, as a student runs it), postfix start (told by
               Postfix's quick-start file not to repeat the checks just passed); PID from
               /var/spool/postfix/pid/master.pid
    ready      the 220 banner answers on the backbone address (then QUIT)
    stop       postfix stop, inside the host
    """
    name = "postfix"
    packages = ("postfix", "mailutils")
    ready_timeout = 20.0

    def hosts(self, model):
        return model.hosts_with_role("server")

    def files(self, model, spec):
        n = spec.bench
        return {"/etc/postfix/main.cf": render_template("server/etc/postfix/main.cf", n=n),
                "/etc/postfix/master.cf": render_template("server/etc/postfix/master.cf", n=n),
                "/etc/mailname": f"tp{n}1.iut\n",
                "/etc/aliases": render_template("server/etc/aliases")}

    def checks(self, spec):
        # postfix check prints its findings only to a terminal: script(1) gives it one
        return [("/etc/postfix/main.cf", "script -qec 'postfix check' /dev/null")]

    def prepare(self, spec):
        return (f"id -u {STUDENT} >/dev/null 2>&1 || "
                f"if getent passwd {STUDENT_UID} >/dev/null; then useradd {STUDENT}; "
                f"else useradd -u {STUDENT_UID} {STUDENT}; fi")

    def start(self, spec):
        # `postfix check` passed moments ago (the lab's check phase): quick-start, Postfix's
        # own mechanism (postfix-script), spares `postfix start` the same checks again
        return ("newaliases && touch /var/spool/postfix/quick-start && postfix start 2>&1 "
                "&& cat /var/spool/postfix/pid/master.pid")

    def ready(self, host, spec):
        process = host.popen(["/usr/bin/python3", "-c", BANNER_PROBE, spec.ip])
        out, _ = process.communicate()
        return process.returncode == 0 and out.decode().startswith("220 ")

    def stop(self, spec):
        return "postfix stop"
