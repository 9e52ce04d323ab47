"""A stage's `says` in the class file: one text, or one a language (says.en, says.fr); what
each reader gets (their language, else English, else the one given); a bad says table is one
line naming the file, the stage and what is wrong."""

import pytest

from checks.i18n import LANGUAGES
from topologies.classfile import CLASSES, ClassFileError
from topologies.model import classroom
from topologies.stages import LANGUAGES as SAYS_LANGUAGES, Stage

IUT = (CLASSES / "iut.toml").read_text()
ROUTING = '''says.en = "Configuration de base: S{n} routes between its LANs and the backbone"
says.fr = "Configuration de base : S{n} route entre ses réseaux locaux et le backbone"'''


def with_routing_says(tmp_path, says):
    assert ROUTING in IUT, "iut.toml's routing stage changed"
    path = tmp_path / "class.toml"
    path.write_text(IUT.replace(ROUTING, says))
    return path


def test_the_stage_languages_are_the_products():
    assert SAYS_LANGUAGES == LANGUAGES


@pytest.mark.parametrize("path", sorted(CLASSES.glob("*.toml")), ids=lambda p: p.name)
def test_every_stage_of_the_shipped_classes_says_it_in_french_and_english(path):
    model = classroom(path=path)
    bench = model.benches[-1]
    for stage in model.stages:
        english, french = stage.says_for(bench, "en"), stage.says_for(bench, "fr")
        assert english and french and english != french, stage.name
        assert "{n}" not in english + french


def test_the_reader_gets_their_language_with_the_bench_number():
    routing = classroom(path=CLASSES / "iut.toml").stages[1]
    assert routing.says_for(54, "fr") == ("Configuration de base : S54 route entre ses réseaux "
                                          "locaux et le backbone")
    assert routing.says_for(54, "en").startswith("Configuration de base: S54 routes between")
    assert routing.says_for(None) == routing.says_for(None, "en")  # no language: English
    assert "S{n}" in routing.says_for(None, "fr")


@pytest.mark.parametrize("says, lang, shown", [
    ("one text for all", "fr", "one text for all"),                     # a text: as it is
    ((("en", "in English"), ("fr", "en français")), "fr", "en français"),
    ((("en", "in English"), ("fr", "en français")), "de", "in English"),  # else English
    ((("fr", "en français seulement"),), "en", "en français seulement"),  # else the one given
    ((("fr", "en français seulement"),), None, "en français seulement"),
    ("", "fr", ""),
])
def test_the_fallback_is_english_then_the_one_given(says, lang, shown):
    assert Stage("x", says).says_for(7, lang) == shown


@pytest.mark.parametrize("says", ['says = { fr = "S{n} route", en = "S{n} routes" }',
                                  'says.fr = "S{n} route"\nsays.en = "S{n} routes"'])
def test_an_inline_table_and_dotted_keys_read_the_same(tmp_path, says):
    stage = classroom(path=with_routing_says(tmp_path, says)).stages[1]
    assert (stage.says_for(3, "fr"), stage.says_for(3, "en")) == ("S3 route", "S3 routes")


def test_a_plain_text_is_shown_as_is_in_every_language(tmp_path):
    stage = classroom(path=with_routing_says(tmp_path, 'says = "S{n} route"')).stages[1]
    assert stage.says_for(3, "en") == stage.says_for(3, "fr") == "S3 route"


@pytest.mark.parametrize("says, line, error", [
    ('says.en = "S{n} routes"\nsays.de = "S{n} routet"', 'says.de =',
     '[[stage]] #2 says.de: unknown language (a says table has: en, fr)'),
    ('says = { en = "S{n} routes", es = "S{n} enruta" }', 'says = {',
     '[[stage]] #2 says.es: unknown language (a says table has: en, fr)'),
    ('says.en = "S{n} routes"\nsays.fr = 3', 'says.fr =', '[[stage]] #2 says.fr: must be a text'),
    ('says.fr = ["S{n} route"]', 'says.fr =', '[[stage]] #2 says.fr: must be a text'),
    ('says.fr.court = "route"', 'says.fr.court =', '[[stage]] #2 says.fr: must be a text'),
    ('says = {}', 'says = {}', '[[stage]] #2 says: names no language'),
    ('says = 3', 'says = 3', '[[stage]] #2 says: must be a text, or one a language'),
])
def test_a_bad_says_is_one_line_naming_the_file_the_stage_and_what(tmp_path, says, line, error):
    path = with_routing_says(tmp_path, says)
    with pytest.raises(ClassFileError) as raised:
        classroom(path=path)
    message = str(raised.value)
    lines = path.read_text().splitlines()
    routing = lines.index('name = "routing"')
    number = next(i for i, text in enumerate(lines[routing:], routing + 1) if text.startswith(line))
    assert "\n" not in message and raised.value.exit_code == 2
    assert message.startswith(f"class file {path}:{number}: ") and error in message, message
