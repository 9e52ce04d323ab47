"""Names that look misspelt: the edit distance a typist makes.

    distance(a, b)          optimal string alignment distance: an insertion, a deletion, a
                            substitution or two neighbours swapped each count one
                            ("postamster" -> "postmaster": 1)
    closest(word, names)    (distance, name) of the nearest name, or None when there is none
"""


def distance(a, b):
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def closest(word, names):
    scored = sorted((distance(word, name), name) for name in names)
    return scored[0] if scored else None
