"""Helpers shared by the unit and integration tests.

    refused_in_one_line(code, out, err, starts="", says="")
        bad input as its user sees it: exit 2, nothing on stdout, one line on stderr
        (starting with `starts`, holding `says`), no traceback; returns that line
"""


def refused_in_one_line(code, out, err, starts="", says=""):
    """Exit 2, stdout empty, stderr one line that starts with `starts` and holds `says`."""
    assert (code, out) == (2, ""), (code, out, err)
    assert err.count("\n") == 1 and err.endswith("\n") and "Traceback" not in err, err
    assert err.startswith(starts) and says in err, (starts, says, err)
    return err.rstrip("\n")
