"""`python -m backprop_core facts [--set KEY=VALUE ...] [--params FILE]`: the lesson as JSON."""

from __future__ import annotations

import argparse
import json
import sys

from . import ParamError, build_lesson, load_params, parse_overrides


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backprop_core")
    sub = parser.add_subparsers(dest="command", required=True)
    facts = sub.add_parser("facts", help="print the whole lesson as JSON")
    facts.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    facts.add_argument("--params", metavar="FILE.toml")
    args = parser.parse_args(argv)
    try:
        params = load_params(args.params, parse_overrides(args.set))
        lesson = build_lesson(params)
    except ParamError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    json.dump(lesson.to_dict(), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
