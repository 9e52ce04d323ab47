"""The hand-in's history.txt (lab/runtime/handin.py): commands in the order they were typed,
even within one second (a student pasting lines, the CLI sending several at once)."""

from lab.runtime.handin import history_text


def test_commands_typed_within_one_second_keep_their_order(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / ".bash_history").write_text(
        "#1795977799\nuseradd -m etudiant\n#1795977799\ncd /etc\n#1795977799\nbash\n"
        "#1795977800\nnewaliases\n")
    commands = [line.split("  ", 1)[1].rsplit("    (", 1)[0]
                for line in history_text(tmp_path).splitlines()]
    assert commands == ["useradd -m etudiant", "cd /etc", "bash", "newaliases"]


def test_several_histories_merge_by_time(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "home" / "etudiant").mkdir(parents=True)
    (tmp_path / "root" / ".bash_history").write_text("#1795977700\nzzz first\n#1795977900\nthird\n")
    (tmp_path / "home" / "etudiant" / ".bash_history").write_text("#1795977800\naaa second\n")
    lines = history_text(tmp_path).splitlines()
    assert [line.split("  ", 1)[1].split("    (")[0] for line in lines] == [
        "zzz first", "aaa second", "third"]
    assert lines[1].endswith("(/home/etudiant/.bash_history)")
