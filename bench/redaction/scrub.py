"""The peer side of the redaction benchmark: scrubadub 2.0.1 (its default Scrubber, the one
`scrubadub.clean` uses) over the same texts. Prints `items<TAB>seconds`, the time of the
cleaning alone (reading and writing excluded), and writes the results as JSONL.

Usage: python scrub.py ITEMS.jsonl OUT.jsonl
"""

import json
import sys
import time

import scrubadub


def main():
    with open(sys.argv[1]) as f:
        texts = [json.loads(line)["text"] for line in f]
    scrubber = scrubadub.Scrubber()
    start = time.perf_counter()
    out = [scrubber.clean(t) for t in texts]
    seconds = time.perf_counter() - start
    with open(sys.argv[2], "w") as f:
        for t in out:
            f.write(json.dumps({"text": t}) + "\n")
    print(f"{len(out)}\t{seconds:.4f}")


if __name__ == "__main__":
    main()
