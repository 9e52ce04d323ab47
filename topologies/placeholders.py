"""The placeholders of a class file: {n}, {m}, {s}, {s.g}, {s.name}, {neighbour.s}, {p:ptr}...

    expand(text, resolve)   every {...} replaced by resolve(path, form): path is the words
                            between the braces split at dots, form what follows ':' or None;
                            resolve raises PlaceholderError, which names the placeholder
    reverse_name(address)   "10.54.212.2" -> "2.212.54.10.in-addr.arpa."
"""

import ipaddress
import re

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
FORMS = ("ptr", "net")


class PlaceholderError(ValueError):
    pass


def expand(text, resolve):
    def one(match):
        inside = match.group(1).strip()
        path, _, form = inside.partition(":")
        words = path.split(".")
        if not all(re.fullmatch(r"[a-z_][a-z0-9_]*", word) for word in words):
            raise PlaceholderError(f"{{{inside}}} is not a placeholder "
                                   "(e.g. {n}, {m}, {s}, {s.g}, {s.name}, {p:ptr})")
        if form and form not in FORMS:
            raise PlaceholderError(f"{{{inside}}}: unknown form ':{form}' (known: {', '.join(FORMS)})")
        return str(resolve(words, form or None))
    if "}" in PLACEHOLDER.sub("", text) or "{" in PLACEHOLDER.sub("", text):
        raise PlaceholderError(f"unbalanced braces in '{text}'")
    return PLACEHOLDER.sub(one, text)


def reverse_name(address):
    return ipaddress.ip_address(address).reverse_pointer + "."
