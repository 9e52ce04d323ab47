"""Bench lists: which benches a class has ("53,54", "1-30", "1-3,7").

    parse_benches(text, bench_range)    -> sorted tuple of bench numbers, or BenchError
    check_benches(benches, bench_range) the same for numbers already parsed
    bench_list_text(benches)            (1, 2, 3, 7) -> "1-3, 7"
"""

from topologies.classfile import ClassFileError

DEFAULT_RANGE = (1, 253)


class BenchError(ClassFileError):
    """A bench list that cannot describe a class (the message names the bad value)."""


def parse_benches(text, bench_range=DEFAULT_RANGE):
    """'53,54' or '1-30' or '1-3,7' -> sorted tuple of bench numbers; BenchError names the bad part."""
    if text is None or not str(text).strip():
        raise BenchError("empty bench list: give bench numbers like 53,54 or 1-30")
    benches = []
    for part in str(text).split(","):
        benches.extend(_parse_part(part.strip(), text, bench_range))
    return check_benches(benches, bench_range, f"'{text}'")


def check_benches(benches, bench_range=DEFAULT_RANGE, source="the bench list"):
    """Sorted tuple of valid, distinct bench numbers, or BenchError naming the bad one."""
    benches = list(benches)
    if not benches:
        raise BenchError("empty bench list: a class needs at least one bench (e.g. 53,54)")
    for bench in benches:
        if isinstance(bench, bool) or not isinstance(bench, int):
            raise BenchError(f"bench '{bench}' in {source} is not a number (use e.g. 53,54 or 1-30)")
        _check_range(bench, bench_range)
    duplicates = sorted({b for b in benches if benches.count(b) > 1})
    if duplicates:
        raise BenchError(f"bench {duplicates[0]} appears twice in {source}")
    return tuple(sorted(benches))


def _parse_part(part, text, bench_range):
    if "-" in part:
        low, _, high = part.partition("-")
        first, last = _parse_number(low, text, bench_range), _parse_number(high, text, bench_range)
        if first > last:
            raise BenchError(f"bench range '{part}' in '{text}' goes backwards")
        return list(range(first, last + 1))
    return [_parse_number(part, text, bench_range)]


def _parse_number(word, text, bench_range):
    word = word.strip()
    if not word.isdigit():
        raise BenchError(f"bench '{word}' in '{text}' is not a number (use e.g. 53,54 or 1-30)")
    return _check_range(int(word), bench_range)


def _check_range(number, bench_range):
    first, last = bench_range
    if not first <= number <= last:
        raise BenchError(f"bench {number} is out of range {first}-{last} (the class file's "
                         "bench_range: its address plan has no room for it)")
    return number


def bench_list_text(benches):
    """(1, 2, 3, 7) -> "1-3, 7": how a bench list reads back."""
    parts, start = [], None
    for index, bench in enumerate(benches):
        if start is None:
            start = bench
        if index + 1 == len(benches) or benches[index + 1] != bench + 1:
            parts.append(str(start) if start == bench else f"{start}-{bench}")
            start = None
    return ", ".join(parts)
