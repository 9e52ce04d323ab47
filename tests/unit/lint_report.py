"""The report's own files (../shared/seed), rebuilt from its transcripts, for the lint tests.

S54 as the report leaves it: Debian's /etc/aliases with the report's two lines appended
(the first one alone gives the 68 bytes of its `ls -l /etc/aliases`), its dates (aliases at
14:52, aliases.db at 14:23), the main.cf of part 1 and of part 2, its named.conf.local, its
two zone files, and the routing command of its first page in the shell history. The
report's trailing spaces are written \x20.
"""

from datetime import datetime

from services.postfix import DEBIAN_ALIASES

ADDED_ALIASES = "postamster: root\nroot: etudiant\n"
ALIASES = DEBIAN_ALIASES + ADDED_ALIASES
ALIASES_DATES = {"/etc/aliases": datetime(2022, 11, 7, 14, 52).timestamp(),
                 "/etc/aliases.db": datetime(2022, 11, 7, 14, 23).timestamp()}

HISTORY = """ip a
echo 1 > /proc/sys/net/ip/ip_forward
ping -c 3 10.254.0.254
nano /etc/resolv.conf
"""

MAIN_CF_PART1 = """
# See /usr/share/postfix/main.cf.dist for a commented, more complete version

# Debian specific:  Specifying a file name will cause the first

# line of that file to be used as the name.  The Debian default

# is /etc/mailname.
#myorigin = /etc/mailname
smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)
biff = no
# appending .domain is the MUA's job.
append_dot_mydomain = no
# Uncomment the next line to generate "delayed mail" warnings

#delay_warning_time = 4h
readme_directory = no
# See http://www.postfix.org/COMPATIBILITY_README.html -- default to 2 on
# fresh installs.
compatibility_level = 2
# TLS parameters
smtpd_tls_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem
smtpd_tls_key_file=/etc/ssl/private/ssl-cert-snakeoil.key
smtpd_tls_security_level=may
smtp_tls_CApath=/etc/ssl/certs
smtp_tls_security_level=may
smtp_tls_session_cache_database = btree:${data_directory}/smtp_scache \x20

smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination
myhostname = s54
alias_maps = hash:/etc/aliases
alias_database = hash:/etc/aliases
myorigin = /etc/mailname
mydestination = $myhostname, tp541.iut., s54, localhost.localdomain, localhost
relayhost =
mynetworks = 10.254.0.0/16 10.54.1.0/24 10.54.2.0/24
mailbox_size_limit = 0
recipient_delimiter =
inet_interfaces = all
inet_protocols = ipv4
"""

MAIN_CF_PART2 = """# See /usr/share/postfix/main.cf.dist for a commented, more complete version

# Debian specific:  Specifying a file name will cause the first
# line of that file to be used as the name.  The Debian default
# is /etc/mailname.
#myorigin = /etc/mailname

smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)
biff = no

# appending .domain is the MUA's job.
append_dot_mydomain = no

# Uncomment the next line to generate "delayed mail" warnings
#delay_warning_time = 4h

readme_directory = no

# See http://www.postfix.org/COMPATIBILITY_README.html -- default to 2 on
# fresh installs.
compatibility_level = 2


# TLS parameters
smtpd_tls_cert_file=/etc/ssl/certs/ssl-cert-snakeoil.pem
smtpd_tls_key_file=/etc/ssl/private/ssl-cert-snakeoil.key
smtpd_tls_security_level=may

smtp_tls_CApath=/etc/ssl/certs
smtp_tls_security_level=may
smtp_tls_session_cache_database = btree:${data_directory}/smtp_scache

smtpd_relay_restrictions = permit_mynetworks permit_sasl_authenticated defer_unauth_destination
myhostname = etudiant541.iut
alias_maps = hash:/etc/aliases
alias_database = hash:/etc/aliases
myorigin = /etc/mailname
mydestination = $myhostname, etudiant541.iut, s54, localhost.localdomain, localhost
relayhost =\x20
mynetworks = 10.254.0.0/16 10.54.1.0/24 10.54.2.0/24
mailbox_size_limit = 0
recipient_delimiter =\x20
inet_interfaces = all
inet_protocols = ipv4
"""

NAMED_CONF_LOCAL = """// prime the server with knowledge of the root servers
zone "poste54.etudiant.iut." {
    type master;
    file "/etc/bind/meszones/db.poste54.etudiant.iut";
    allow-transfer {10.54.112.1 ;};
    forwarders {0.0.0.0 ;};
};

zone "212.54.10.in-addr.arpa" {
    type master;
    file "/etc/bind/meszones/db.212.54.10";
    allow-transfer {10.54.112.1 ;};
    allow-query {10.54.212.0/24 ; };
};

zone "112.54.10.in-addr.arpa" {
    type master;
    file "/etc/bind/meszones/db.112.54.10";
    allow-transfer {10.54.112.1 ;};
};

zone "etudiant541.iut" {
    type master;
    file "/etc/bind/meszones/db.etudiant541.iut";
};

zone "etudiant531.iut" {
    type master;
    file "/etc/bind/meszones/db.etudiant531.iut";
};
"""

DB_ETUDIANT541 = """$ORIGIN etudiant541.iut.
; BIND data file for local loopback interface
;
$TTL    604800
@   IN  SOA etudiant541.iut. etudiant541.iut. (
                  2     ; Serial
             604800     ; Refresh
              86400     ; Retry
            2419200     ; Expire
             604800 )   ; Negative Cache TTL
;
@   IN  NS  S54.etudiant541.iut.
S54 IN  A   10.254.54.1
G54 IN  A   10.54.1.3
D54 IN  A   10.54.2.2
smtp    IN      A       10.254.54.1
@   IN  MX  10  smtp.etudiant541.iut.
1   IN  PTR S54.etudiant541.iut.
"""

DB_ETUDIANT531 = """$ORIGIN etudiant531.iut.
; BIND data file for local loopback interface
;
$TTL    604800
@   IN  SOA etudiant541.iut. etudiant541.iut. (
                  2     ; Serial
             604800     ; Refresh
              86400     ; Retry
            2419200     ; Expire
             604800 )   ; Negative Cache TTL
;
@   IN  NS  S54.etudiant541.iut.
S54 IN  A   10.254.54.1
smtp    IN      A       10.254.53.1
@   IN  MX  10  smtp.etudiant531.iut.
1   IN  PTR S53.etudiant531.iut.
"""

LOCAL = "/etc/bind/named.conf.local"
ZONE_541 = "/etc/bind/meszones/db.etudiant541.iut"
ZONE_531 = "/etc/bind/meszones/db.etudiant531.iut"


def line_of(text, fragment, after=0):
    """The number of the first line holding `fragment` (after line `after`)."""
    for number, line in enumerate(text.splitlines(), 1):
        if number > after and fragment in line:
            return number
    raise AssertionError(f"{fragment!r} is in no line")
