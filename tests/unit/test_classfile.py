"""Bad class files: each case is the report's class file (or the campus one) with ONE thing
changed; each gives a ClassFileError whose text is one line naming the file, the line
(where there is one), the table and key, and what is wrong."""

import re
from pathlib import Path

import pytest

from services import services_for
from topologies.classfile import CLASSES, ClassFileError
from topologies.model import classroom

IUT, CAMPUS = (CLASSES / "iut.toml").read_text(), (CLASSES / "campus.toml").read_text()
WHERE = re.compile(r"class file (?P<file>[^:]+)(:(?P<line>\d+))?: (?P<rest>.*)")


def without_table(text, table, following):
    return text[:text.index(f"[{table}]")] + text[text.index(f"[{following}]"):]


# (id, base text, old, new, words the one line holds, text the line it names holds or None)
CASES = [
    ("overlapping prefixes", IUT, 'lan = "10.{n}.2.0/24"', 'lan = "10.{n}.0.0/22"',
     "[bench.hosts.g] lan: 10.53.1.0/24 ([bench.hosts.g] lan (bench 53)) overlaps 10.53.0.0/22 "
     "([bench.hosts.d] lan (bench 53))", 'lan = "10.{n}.1.0/24"'),
    ("backbone overlaps the benches", IUT, 'prefix = "10.254.0.0/16"', 'prefix = "10.0.0.0/8"',
     "overlaps 10.0.0.0/8 ([backbone] prefix)", "lan ="),
    ("host address outside its LAN", IUT, 'address = "10.{n}.2.2"', 'address = "10.{n}.3.2"',
     "[bench.hosts.d] address: 10.53.3.2 (bench 53) is outside its network 10.53.2.0/24",
     'address = "10.{n}.3.2"'),
    ("gateway outside its LAN", IUT, 'gateway = "10.{n}.2.1"', 'gateway = "10.{n}.9.1"',
     "[bench.hosts.d] gateway: 10.53.9.1 (bench 53) is outside its network 10.53.2.0/24",
     'gateway = "10.{n}.9.1"'),
    ("instructor outside the backbone", IUT, 'address = "10.254.0.254"',
     'address = "10.255.0.254"',
     "[instructor] address: 10.255.0.254 is outside its network 10.254.0.0/16",
     'address = "10.255.0.254"'),
    ("duplicate host name", IUT, 'name = "d{n}"', 'name = "g{n}"',
     "[bench.hosts.d] name: 'g53' (bench 53) is already the name of [bench.hosts.g] (bench 53)",
     'name = "g{n}"'),
    ("duplicate address", CAMPUS, 'address = "192.168.100.250"', 'address = "192.168.100.12"',
     "[bench.hosts.r] backbone: '192.168.100.12' (bench 12) is already the address of "
     "[instructor]", 'backbone = "192.168.100.{n}"'),
    ("record names an unknown host", IUT, '"D{n} A {d}"', '"D{n} A {x}"',
     "[[zone]] #7 records: 'D{n} A {x}': {x} names no host (known: s, g, d, ns, p",
     '"D{n} A {x}"'),
    ("record of an unknown type", IUT, '"smtp A {s}", "@ MX 10', '"smtp AX {s}", "@ MX 10',
     "[[zone]] #7 records: 'smtp AX 10.254.53.1': unknown record type 'AX'", '"smtp AX {s}"'),
    ("MX to a name without an address", IUT, '"@ MX 10 smtp.etudiant{n}1.iut."',
     '"@ MX 10 mail.etudiant{n}1.iut."',
     "[[zone]] #7 records: zone etudiant531.iut: MX mail.etudiant531.iut. has no address",
     "records ="),
    ("NS to a name without an address", CAMPUS, '"@ NS dns{n}.postes{n}.lan.",',
     '"@ NS dns{n}.postes{n}.lan.", "@ NS backup.postes{n}.lan.",',
     "[[zone]] #4 records: zone postes11.lan: NS backup.postes11.lan. has no address",
     "records ="),
    ("neighbour rule that names no bench", IUT, 'neighbour = "next"', "neighbour = 99",
     "[class] neighbour: 99 names no bench of the class (53-54)", "neighbour = 99"),
    ("unknown neighbour rule", IUT, 'neighbour = "next"', 'neighbour = "nearest"',
     "[class] neighbour: 'nearest' is no rule: next, previous, pairs or a bench number",
     "neighbour ="),
    ("pairs of an odd class", CAMPUS, 'neighbour = "previous"', 'neighbour = "pairs"',
     "[class] neighbour: 'pairs' needs an even number of benches, not 3 (11-13)",
     'neighbour = "pairs"'),
    ("name Mininet cannot use", IUT, 'name = "g{n}"', 'name = "G-{n}"',
     "[bench.hosts.g] name: 'G-53' cannot name a host", 'name = "G-{n}"'),
    ("name too long for an interface", CAMPUS, 'name = "pc{n}a"', 'name = "poste{n}gauche"',
     "[bench.hosts.a] name: 'poste11gauche' cannot name a host", 'name = "poste{n}gauche"'),
    ("not TOML", IUT, 'neighbour = "next"', "neighbour = next",
     "not valid TOML: Invalid value in: neighbour = next", "neighbour = next"),
    ("missing table", IUT, IUT, without_table(IUT, "mail", "accounts"),
     "[mail]: missing table", None),
    ("missing key", IUT, 'prefix = "10.254.0.0/16"\n', "",
     "[backbone]: 'prefix' is missing", "[backbone]"),
    ("key of the wrong type", IUT, "student_uid = 1001", 'student_uid = "1001"',
     "[accounts] student_uid: must be a whole number, 0 or more", 'student_uid = "1001"'),
    ("unknown key", IUT, "forwarding = true\n\n[bench]", "forwardng = true\n\n[bench]",
     "[instructor] forwardng: unknown key (known: name, address, dns_name, role, forwarding)",
     "forwardng = true"),
    ("unknown table", CAMPUS, "[mail]", "[mails]",
     "[mails]: unknown table (a class file has: class, backbone", "[mails]"),
    ("role missing from [services]", IUT, 'secondary = ["named"]\n', "",
     "[bench.hosts.ns] role: 'secondary' is not a role of [services]", 'role = "secondary"'),
    ("origin with no MX to the server", IUT, 'origin = "tp{n}1.iut"',
     'origin = "poste{n}.etudiant.iut"',
     "[mail] origin: poste53.etudiant.iut (bench 53) has no MX pointing at s53",
     'origin = "poste{n}.etudiant.iut"'),
    ("benches outside bench_range", IUT, 'benches = "53,54"', 'benches = "53,254"',
     "[class] benches: bench 254 is out of range 1-253", 'benches = "53,254"'),
    ("bench_range backwards", CAMPUS, "bench_range = [1, 99]", "bench_range = [99, 1]",
     "[class] bench_range: [99, 1] is no range of bench numbers", "bench_range = [99, 1]"),
    ("secondary that is no host", IUT, 'secondaries = ["ns"]', 'secondaries = ["nx"]',
     "[[zone]] #4 secondaries: 'nx' is not a client host of [bench.hosts]",
     'secondaries = ["nx"]'),
    ("unknown service", IUT, 'server = ["named", "postfix"', 'server = ["named", "postfx"',
     "[services] server: unknown service 'postfx' (services/ has: ", 'server = ["named", "postfx"'),
    ("zone file outside the host's copies", IUT, 'file = "/etc/bind/db.tp{n}1.iut"',
     'file = "/usr/local/lib/db.tp{n}1.iut"',
     "[[zone]] #3 file: '/usr/local/lib/db.tp531.iut' must be a file under /etc or /var",
     'file = "/usr/local/lib/db.tp{n}1.iut"'),
    ("two zones in one file", IUT, 'file = "/etc/bind/db.tp{n}1.iut"', 'file = "/etc/bind/db.tp"',
     "[[zone]] #3 file: /etc/bind/db.tp on stp already holds zone tp531.iut",
     'file = "/etc/bind/db.tp"'),
    ("an IPv6 LAN", IUT, 'lan = "10.{n}.1.0/24"', 'lan = "fd00:{n}::/64"',
     "[bench.hosts.g] lan: fd00:53::/64 (bench 53) is not an IPv4 LAN", 'lan = "fd00:{n}::/64"'),
    ("an A record that is no address", IUT, '"smtp A {s}", "@ MX 10', '"smtp A hello", "@ MX 10',
     "[[zone]] #7 records: 'smtp A hello': 'hello' is not an IPv4 address", '"smtp A hello"'),
    ("a student name the shell would split", IUT, 'student = "etudiant"', "student = \"o'brien x\"",
     "[accounts] student: 'o'brien x' is not an account name", "student = "),
    ("a password with a quote", IUT, 'student_password = "etudiant"',
     "student_password = \"it's\"", "[accounts] student_password: a password of letters",
     "student_password = "),
    ("a part-2 seat", IUT, 'seat = "d"', 'seat = "p"',
     "[bench] seat: 'p' is a part-2 host", 'seat = "p"'),
    ("a placeholder form on a name", IUT, '"s{n} A {s}", "s{n} A {s.g}"',
     '"s{n} A {s}", "{s.name:ptr} A {s.g}"', "{s.name:ptr}: :ptr goes with an address",
     '"{s.name:ptr} A {s.g}"'),
    ("a resolver that is no address", IUT, 'resolver = "{instructor}"', 'resolver = "{instructor.name}"',
     "[bench] resolver: 'stp' is not an IPv4 address", 'resolver = "{instructor.name}"'),
    ("an address that is its LAN's broadcast", IUT, 'address = "10.{n}.1.3"', 'address = "10.{n}.1.255"',
     "[bench.hosts.g] address: 10.53.1.255 (bench 53) is the network's own address or its broadcast",
     'address = "10.{n}.1.255"'),
    ("a zone name that is no domain name", IUT, 'name = "etudiant{n}1.iut"', 'name = "etu diant{n}1.iut"',
     "[[zone]] #7 name: 'etu diant531.iut' is not a domain name", 'name = "etu diant{n}1.iut"'),
    ("a record outside its zone", IUT, '"smtp A {s}", "@ MX 10', '"smtp.example. A {s}", "@ MX 10',
     "[[zone]] #7 records: zone etudiant531.iut: the owner smtp.example. lies outside the zone",
     '"smtp.example. A {s}"'),
    ("a backbone name that names no switch", IUT, 'lan = "bb"', 'lan = "my backbone!"',
     "[backbone] lan: 'my backbone!' cannot name a switch", 'lan = "my backbone!"'),
    ("a stage declared twice", IUT, 'name = "routing"', 'name = "start"',
     "[[stage]] #2 name: stage 'start' is declared twice", 'name = "start"'),
    ("a stage name with a space", IUT, 'name = "dns-server"', 'name = "dns server"',
     "[[stage]] #5 name: 'dns server' is not a stage name", 'name = "dns server"'),
    ("a stage that does what an earlier one did", IUT, 'does = ["resolver"]',
     'does = ["resolver", "forwarding"]',
     "[[stage]] #3 does: 'forwarding' is already done at stage 'routing'", '"forwarding"]'),
    ("a stage that does an unknown thing", IUT, 'does = ["named@ns"]', 'does = ["bind9@ns"]',
     "[[stage]] #6 does: 'bind9@ns' is neither forwarding nor resolver nor a service",
     '"bind9@ns"'),
    ("a stage item on a host that does not run it", IUT, 'does = ["named@ns"]',
     'does = ["named@d"]', "[[stage]] #6 does: 'named@d': host 'd' of the bench runs no named "
     "(it runs on: s, ns)", '"named@d"'),
    ("a stage with a key of its own", IUT, 'says.en = "the TP done: NS{n}',
     'when = "now"\nsays.en = "the TP done: NS{n}', "[[stage]] #6 when: unknown key", 'when = "now"'),
]


def load(path):
    """What every entry point does: the model, then the services it names bound to it."""
    return services_for(classroom(path=path))


def bad_file(tmp_path, base, old, new):
    assert old in base, f"the class file changed: {old!r} is no longer in it"
    path = tmp_path / "bad.toml"
    path.write_text(base.replace(old, new, 1))
    return path


@pytest.mark.parametrize("what, base, old, new, words, line_holds", CASES,
                         ids=[case[0] for case in CASES])
def test_a_bad_class_file_is_named_in_one_line(tmp_path, what, base, old, new, words,
                                               line_holds):
    path = bad_file(tmp_path, base, old, new)
    with pytest.raises(ClassFileError) as raised:
        load(path)
    message = str(raised.value)
    assert "\n" not in message
    assert raised.value.exit_code == 2
    where = WHERE.fullmatch(message)
    assert where and where["file"] == str(path), message
    assert words in where["rest"], message
    if line_holds is None:
        assert where["line"] is None, message
    else:
        assert where["line"], message
        shown = path.read_text().splitlines()[int(where["line"]) - 1]
        assert line_holds in shown, f"{message}\nline {where['line']}: {shown}"


def test_the_cases_cover_the_issue_list():
    assert len(CASES) >= 20
    assert len({case[0] for case in CASES}) == len(CASES)


@pytest.mark.parametrize("base", [IUT, CAMPUS], ids=["iut", "campus"])
def test_the_shipped_class_files_are_good(tmp_path, base):
    path = tmp_path / "good.toml"
    path.write_text(base)
    assert load(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(ClassFileError, match=rf"^class file {tmp_path}/none.toml: no such file$"):
        classroom(path=tmp_path / "none.toml")


def test_a_directory_is_named(tmp_path):
    with pytest.raises(ClassFileError, match=rf"^class file {tmp_path}: cannot be read "):
        classroom(path=tmp_path)


def test_an_empty_file_misses_its_first_table(tmp_path):
    path = tmp_path / "empty.toml"
    path.write_text("")
    with pytest.raises(ClassFileError, match=r"empty.toml: \[class\]: missing table$"):
        classroom(path=path)


def test_a_file_inside_the_working_directory_is_named_relative_to_it(tmp_path, monkeypatch):
    path = bad_file(tmp_path, IUT, 'neighbour = "next"', "neighbour = 99")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ClassFileError, match=r"^class file bad.toml:\d+: \[class\] neighbour"):
        classroom(path=Path("bad.toml"))
    assert path.exists()


@pytest.mark.parametrize("name, old, new, expected", [
    ("a zone served by a host that runs no named", 'primary = "s"\nsecondaries = ["ns"]\nfile = "/etc/bind/meszones/db.poste',
     'primary = "d"\nfile = "/etc/bind/meszones/db.poste',
     "[[zone]] #4 primary: d53 serves zone poste53.etudiant.iut but its role 'client' runs no named"),
    ("Postfix on the instructor", 'instructor = ["named"]', 'instructor = ["named", "postfix"]',
     "[services] instructor: postfix runs on a bench's server only, not on stp"),
])
def test_what_a_service_needs_of_the_class_file_is_named(tmp_path, name, old, new, expected):
    with pytest.raises(ClassFileError) as error:
        load(bad_file(tmp_path, IUT, old, new))
    assert expected in str(error.value) and "\n" not in str(error.value)
