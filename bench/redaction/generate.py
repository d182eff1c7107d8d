"""Feedback items for the redaction benchmark: N texts mixing ordinary words, personal data of
every kind Steward redacts (emails, phone numbers, card numbers, IBANs, IPv4 and IPv6
addresses) in the spellings people use, and counter-examples that must stay (version strings,
dates, times, order numbers, Luhn-failing digit runs, amounts).

Writes items.jsonl ({"text": ...} a line) and labels.jsonl for the first SAMPLE items
({"index", "pii": [[kind, value]...], "keep": [value...]}). Deterministic (seeded).

Usage: python3 generate.py OUT_DIR [N] [SAMPLE]
"""

import json
import os
import random
import sys

rng = random.Random(20261202)

WORDS = (
    "the answer was wrong again and I had to rewrite the summary for my customer because it "
    "missed the refund policy section entirely please fix this it keeps happening with long "
    "tickets thanks great job the tone was fine but too long"
).split()
FIRST = ["jane", "omar", "li", "sara", "tom", "ana", "kofi", "mia", "raj", "eva"]
DOMAINS = ["example.com", "mail.example.org", "corp.example.net", "customer.test"]


def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(number):
    return luhn_digit(number[:-1]) == number[-1]


def groups(s, n, sep):
    return sep.join(s[i : i + n] for i in range(0, len(s), n))


def email():
    user, domain = f"{rng.choice(FIRST)}.{rng.choice(FIRST)}{rng.randint(1, 99)}", rng.choice(DOMAINS)
    # One in ten spelled out, as people do to dodge scrapers; neither tool is told about it.
    if rng.random() < 0.1:
        return f"{user} at {domain.replace('.', ' dot ')}"
    return rng.choice([f"{user}@{domain}", f"{user.title()}@{domain.upper()}"])


def phone():
    d = lambda k: "".join(str(rng.randint(0, 9)) for _ in range(k))
    area = str(rng.randint(201, 989))
    return rng.choice(
        [
            f"+44 20 7946 {d(4)}",
            f"({area}) {rng.randint(200, 989)}-{d(4)}",
            f"{area}-{rng.randint(200, 989)}-{d(4)}",
            f"+1 {area} {rng.randint(200, 989)} {d(4)}",
            f"+49 30 {d(8)}",
            f"07700 {d(6)}",
            f"+1-{area}-{rng.randint(200, 989)}-{d(4)}",
            f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}",
            f"{area}.{rng.randint(200, 989)}.{d(4)}",
            f"0044 20 7946 {d(4)}",
        ]
    )


def card():
    prefix = rng.choice(["4", "51", "52", "55"])
    body = prefix + "".join(str(rng.randint(0, 9)) for _ in range(15 - len(prefix)))
    number = body + luhn_digit(body)
    return rng.choice([number, groups(number, 4, " "), groups(number, 4, "-")])


def iban_of(country, bban):
    digits = "".join(str(int(c, 36)) for c in bban + country) + "00"
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def iban():
    if rng.random() < 0.5:
        value = iban_of("DE", "".join(str(rng.randint(0, 9)) for _ in range(18)))
    else:
        bank = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4))
        value = iban_of("GB", bank + "".join(str(rng.randint(0, 9)) for _ in range(14)))
    return rng.choice([value, groups(value, 4, " ")])


def ipv4():
    ip = f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    return rng.choice([ip, ip, f"{ip}:{rng.randint(1024, 65535)}"])


def ipv6():
    h = lambda: f"{rng.randint(1, 0xFFFF):x}"
    return rng.choice(
        [
            f"2001:db8:{h()}:{h()}::{h()}",
            f"2001:db8:{h()}:{h()}:{h()}:{h()}:{h()}:{h()}",
            f"fe80::{h()}:{h()}:{h()}",
        ]
    )


PII = {"email": email, "phone": phone, "card": card, "iban": iban, "ipv4": ipv4, "ipv6": ipv6}
PHRASES = {
    "email": "mail me at {}",
    "phone": "call me on {}",
    "card": "I paid with card {}",
    "iban": "refund to IBAN {}",
    "ipv4": "blocked from {}",
    "ipv6": "login from {}",
}


def counter():
    d = lambda k: "".join(str(rng.randint(0, 9)) for _ in range(k))
    kind = rng.randrange(6)
    if kind == 0:
        return f"{rng.randint(1, 3)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}-{rng.randint(1, 40)}", "version {}"
    if kind == 1:
        return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", "since {}"
    if kind == 2:
        return d(8), "order {}"
    if kind == 3:
        n = "4" + d(15)
        if luhn_ok(n):
            n = n[:-1] + str((int(n[-1]) + 1) % 10)
        return n, "ticket ref {}"
    if kind == 4:
        return f"{rng.randint(10, 23)}:{rng.randint(10, 59)}", "at {}"
    return f"{rng.randint(1, 9)} {rng.randint(100, 999)} {rng.randint(100, 999)}", "we lost {} EUR"


def item():
    parts, pii, keep = [], [], []
    for _ in range(rng.randint(1, 3)):
        parts.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))))
        roll = rng.random()
        if roll < 0.45:
            kind = rng.choice(list(PII))
            value = PII[kind]()
            parts.append(PHRASES[kind].format(value))
            pii.append([kind, value])
        elif roll < 0.8:
            value, phrase = counter()
            parts.append(phrase.format(value))
            keep.append(value)
    return " ".join(parts) + ".", pii, keep


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    sample = int(sys.argv[3]) if len(sys.argv) > 3 else 2_000
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "items.jsonl"), "w") as items, open(
        os.path.join(out, "labels.jsonl"), "w"
    ) as labels:
        for i in range(n):
            text, pii, keep = item()
            items.write(json.dumps({"text": text}) + "\n")
            if i < sample:
                labels.write(json.dumps({"index": i, "pii": pii, "keep": keep}) + "\n")


if __name__ == "__main__":
    main()
