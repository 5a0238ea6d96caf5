"""`./render.sh catalogs`: the lecture's words as gettext catalogs, for translators.

`update` extracts every string a viewer reads or hears into lecture/locale/lecture.pot and
merges it into each language's catalog (lecture/locale/TAG.po, which Poedit, Weblate and
Crowdin edit): new entries added, changed English marked fuzzy with the old translation
kept, nothing translated lost. `check` reads each catalog as a render would and names
every refused translation and every entry still shown in English.
"""

from __future__ import annotations

import argparse

from backprop_render.cli.options import Subparsers, say
from backprop_render.errors import EXIT_OK, UsageError

__all__ = ["add_parser", "catalogs_command"]

_EPILOG = """\
actions:
  update   write lecture/locale/lecture.pot from the code and data, and merge it into
           every language's TAG.po (en.po: your own English for any sentence)
  check    read every catalog as a render would: refused translations (a placeholder
           @name dropped, added or renamed, a number typed) and entries left in English

A translation keeps each @name placeholder: it is a number from the lesson, written
the language's way. A fuzzy or empty entry is shown in English.

examples:
  ./render.sh catalogs update && poedit lecture/locale/de.po
  ./render.sh --lang de --out out/de
"""


def add_parser(commands: Subparsers) -> None:
    """The catalogs command, in `commands` (argparse's subparsers)."""
    parser = commands.add_parser(
        "catalogs", prog="render.sh catalogs", usage="./render.sh catalogs {update,check}",
        description="Keep the translation catalogs (lecture/locale/*.po) up to date with the "
                    "lecture's words.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("update", "check"), help="update or check")
    parser.set_defaults(run=catalogs_command)


def catalogs_command(args: argparse.Namespace) -> int:
    from lecture.catalogs import ExtractionError, update
    from lecture.i18n import CatalogError, catalog_for
    from lecture.language import LANGUAGES

    if args.action == "update":
        try:
            report = update()
        except ExtractionError as error:
            raise UsageError(f"cannot extract the lecture's words: {error}") from None
        print(f"Wrote {report.template}")
        for tag, counts in report.languages.items():
            print(f"  {tag}.po: {counts['new']} new, {counts['fuzzy']} changed (fuzzy), "
                  f"{counts['untranslated']} untranslated, {counts['obsolete']} obsolete")
        problems = report.problems
    else:
        problems = []
        for language in LANGUAGES.values():
            try:
                catalog = catalog_for(language.tag)
            except CatalogError as error:
                problems.append(str(error))
                continue
            print(f"{language.tag}: {len(catalog.entries)} translated, "
                  f"{len(catalog.fallbacks)} shown in English")
    for problem in problems:
        say(f"error: {problem}")
    if problems:
        raise UsageError("fix the refused translations above; a render refuses them too")
    return EXIT_OK
