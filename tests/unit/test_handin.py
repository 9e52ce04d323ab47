"""Hand-in archives (lab/runtime/handin.py): what a student layer holds, read back; a file
that is not a hand-in is named in one line."""

import io
import os
import tarfile

import pytest

from lab.base.errors import UsageError
from lab.runtime.handin import history_text, layer_archive, parse_history, read_handin


def make_layer(root):
    (root / "etc").mkdir(parents=True)
    (root / "etc" / "aliases").write_text("postamster: root\n")
    (root / "var" / "lib" / "postfix").mkdir(parents=True)
    (root / "var" / "lib" / "postfix" / "master.lock").write_text("123")
    (root / "var" / "cache" / "bind").mkdir(parents=True)
    (root / "var" / "cache" / "bind" / "managed-keys.bind").write_text("keys")
    (root / "home" / "etudiant" / "notes").mkdir(parents=True)
    (root / "root").mkdir()
    (root / "root" / ".bash_history").write_text(
        "#1795977799\ncat /etc/aliases\n#1795977800\nnewaliases\n")
    return root


def test_the_archive_holds_what_the_student_made_and_not_what_daemons_wrote(tmp_path):
    files, deleted = layer_archive(make_layer(tmp_path / "student"))
    with tarfile.open(fileobj=io.BytesIO(files)) as archive:
        names = archive.getnames()
    assert "etc/aliases" in names
    assert "home/etudiant/notes" in names  # an empty directory the student made
    assert not [n for n in names if n.startswith("var/")]
    assert deleted == []


@pytest.mark.skipif(os.geteuid() != 0, reason="a whiteout is a 0/0 device: mknod needs root")
def test_a_whiteout_is_a_deleted_file(tmp_path):
    layer = make_layer(tmp_path / "student")
    os.mknod(layer / "etc" / "motd", 0o600 | 0o020000, os.makedev(0, 0))
    _files, deleted = layer_archive(layer)
    assert deleted == ["/etc/motd"]


def test_history_has_times_and_commands_in_order(tmp_path):
    assert [c for _, c in parse_history("#1795977799\nls\n#1795977800\nnewaliases\n")] == [
        "ls", "newaliases"]
    text = history_text(make_layer(tmp_path / "student"))
    lines = text.splitlines()
    assert len(lines) == 2 and lines[0].endswith("cat /etc/aliases    (/root/.bash_history)")
    assert lines[0][:4].isdigit()


@pytest.mark.parametrize("content, words", [
    (None, "no such file"),
    (b"not a tar", "is not a hand-in archive"),
])
def test_a_file_that_is_no_hand_in_is_named(tmp_path, content, words):
    path = tmp_path / "handin.tar.gz"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UsageError) as raised:
        read_handin(path)
    assert words in str(raised.value) and "\n" not in str(raised.value)


def test_a_tar_without_handin_json_is_no_hand_in(tmp_path):
    path = tmp_path / "other.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        archive.add(__file__, arcname="x.py")
    with pytest.raises(UsageError) as raised:
        read_handin(path)
    assert "is not a hand-in archive" in str(raised.value)
