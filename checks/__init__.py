"""What the lab tells a student about their own work (issue 12): pure code, no lab needed.

    lint        lint_host(model, host, read_file, history, stat=, zone_loads=, lang=): the
                student's files read as the host sees them (aliases, main.cf, named.conf,
                zone files, sysctl.conf, shell history), each finding with its file:line,
                a stable code, what, why and how to fix it, in French or English;
                `python3 -m checks.lint --class FILE HOST DIR` lints a folder of a host's files
    lint_mail, lint_dns, lint_system   the rules, by subject
    hostfiles   HostFiles: one host's files through read_file/stat, parsed once
    maincf, aliases, bindconf, zonefile   readers of main.cf, /etc/aliases, named.conf and
                zone files that keep each line's number
    postfix_names   the parameter names Postfix knows (data/postfix-parameters.txt, from
                `postconf -d`)
    findings    Finding, and _(): a message kept as its English msgid until it is shown
    i18n        French and English through gettext: locale/<lang>/LC_MESSAGES/classlab.po
    catalog     the msgids the code uses, and the .po files checked and compiled to .mo
    spelling    edit distance, for names that look misspelt

Layering: checks may import topologies, services and lab.base; nothing below imports it.
"""
