"""Dovecot on every host whose role runs "dovecot": IMAP and POP3 for the student's mailbox.

    Dovecot   /etc/dovecot/local.conf (Debian's dovecot.conf reads it last) and conf.d/10-ssl.conf
              rendered for the host; the INBOX is the mbox Postfix delivers to (/var/mail/<user>), logins
              are the host's own accounts; readiness = the IMAP "* OK" and POP3 "+OK"
              banners on the host's address
"""

from services.base import Service
from services.probes import banner

FILES = ("/etc/dovecot/local.conf", "/etc/dovecot/conf.d/10-ssl.conf")
PID_FILE = "/run/dovecot/master.pid"
LOG = "/var/log/dovecot.log"
PID_FILE_WAIT = 5  # seconds


class Dovecot(Service):
    """Contract
    packages   dovecot-imapd, dovecot-pop3d (and dovecot-core with them)
    files      /etc/dovecot/local.conf: IMAP and POP3 on IPv4, plain-text logins (the lab
               is closed; captures stay readable), INBOX /var/mail/<user> with folders and
               indexes in ~/mail, log /var/log/dovecot.log, base_dir in the host's private
               /run; /etc/dovecot/conf.d/10-ssl.conf: Debian's with ssl = no and no
               certificate; Debian's conf.d/ otherwise (passdb pam, userdb passwd)
    checks     doveconf -n -x (exits non-zero on an error, naming file and line; -x opens
               the files the config names, as `dovecot` does when it starts)
    prepare    nothing: the student's account and home are Postfix's preparation, and
               Dovecot creates ~/mail at the first login
    start      dovecot (the master daemonizes; its messages go to its log); PID from
               /run/dovecot/master.pid, once the master has written it (a few ms later)
    ready      "* OK" on port 143 and "+OK" on port 110 of the host's first address
    stop       SIGTERM to the master named by the pid file, inside the host (Dovecot's
               documented stop; it also stops an instance restarted by hand). Not
               `doveadm stop`: it polls the master's PID for 3 s, and the master stays a
               zombie until the lab (its subreaper) reaps it after the stop commands return
    """
    name = "dovecot"
    packages = ("dovecot-imapd", "dovecot-pop3d")
    ready_timeout = 10.0

    def check(self, model):
        self.on_bench_servers_only(model)

    def files(self, model, spec):
        return {path: self.template(path, HOST=spec.name.upper()) for path in FILES}

    def checks(self, spec):
        return [("/etc/dovecot/dovecot.conf", "doveconf -n -x >/dev/null")]

    def start(self, spec):
        # The daemonized master keeps the standard output it was given: a pipe back to the
        # lab would never close, so its start messages go to its log (the tail on failure).
        # `dovecot` returns as soon as it has forked: the master writes its pid file a moment
        # later (Dovecot's main_init), hence the wait for it, with a deadline.
        return (f"dovecot </dev/null >>{LOG} 2>&1 || {{ tail -n 3 {LOG}; exit 1; }}; "
                f"timeout {PID_FILE_WAIT} sh -c 'until [ -s {PID_FILE} ]; do sleep 0.01; done' "
                f"|| {{ echo 'dovecot: no {PID_FILE}'; tail -n 3 {LOG}; exit 1; }}; "
                f"cat {PID_FILE}")

    def ready(self, host, spec):
        return banner(host, spec.ip, 143, "* OK") and banner(host, spec.ip, 110, "+OK")

    def stop(self, spec):
        return f"kill $(cat {PID_FILE}) 2>/dev/null"

    def installed(self):
        return InstalledDovecot(self.model)


class InstalledDovecot(Dovecot):
    """Dovecot before its stage: Debian's configuration, not started."""

    def files(self, model, spec):
        return {}

    def checks(self, spec):
        return []

    def start(self, spec):
        return ""

    def installed(self):
        return None


SERVICES = [Dovecot]
