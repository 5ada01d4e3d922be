"""Build a translated edition of the course from the English ``solutions/`` and gettext catalogues.

Usage, from anywhere (the course root is found from this file)::

    python -m instructor.translate                      # every assignment, then the runtime messages
    python -m instructor.translate 01_mse               # one assignment
    python -m instructor.translate --status             # what is missing or fuzzy; writes nothing
    python -m instructor.translate --no-release 01_mse  # skip nbgrader's release step (faster)
    python -m instructor.translate --todo 01_mse > t.json         # what is left to translate, as JSON
    python -m instructor.translate --fill t.json 01_mse           # write those translations back, build
    python -m instructor.translate --only-messages                # mlcore's runtime messages only

English ``solutions/`` stays the only source. For each assignment and language (today ``zh``):

1. the translatable text of the English notebook is extracted into a template: every paragraph (block
   between blank lines) of every Markdown cell, and in code cells the user-visible string literals
   (docstrings, messages, figure titles and labels) and the comments;
2. ``i18n/<lang>/notebooks/<assignment>.po`` is updated from that template with Babel: an English
   paragraph that changed becomes a *fuzzy* entry (its old translation kept), a new one an untranslated
   entry, a removed one an obsolete ``#~`` entry (when it was translated);
3. ``<lang>/solutions/<assignment>/<assignment>.ipynb`` is written from the English notebook with every
   translated, non-fuzzy entry substituted (anything else stays English, so the notebook always builds)
   and a locked first code cell that sets the runtime language (``mlcore.set_language("zh")``);
4. ``<lang>/notebooks/`` is regenerated with nbgrader (``python -m instructor.release --course-dir <lang>``,
   here without recording the assignments in the gradebook).

Then the runtime messages: ``mlcore/locale/mlcore.pot`` is extracted from mlcore's sources (calls of
``tr("...")`` and ``ntr("...", "...", n)`` of :mod:`mlcore.i18n`), ``mlcore/locale/<lang>/LC_MESSAGES/
mlcore.po`` is updated from it, and its translated, non-fuzzy entries are compiled into ``mlcore.mo``.

Cells keep their ids and nbgrader metadata; code cells differ from English only inside string literals and
comments (``tests/test_i18n.py`` compares their syntax trees), display maths is never translated (a
paragraph that is only a ``$$...$$`` or ``\\begin{...}`` block is not extracted at all). An untranslated or
fuzzy entry makes the tests fail, so an English edit never drifts silently.
"""

from __future__ import annotations

import argparse
import ast
import copy
import datetime
import io
import json
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = {"zh": "zh_Hans_CN"}  # edition folder -> Babel locale of its catalogues
# Fixed dates keep the catalogues' headers stable: only a real change shows in git.
_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
_WIDTH = 100

LANGUAGE_CELL_ID = "set-language"
LANGUAGE_GRADE_ID = "set_language"


def language_cell_source(lang):
    """Source of the locked first code cell of an edition: the runtime language of messages and figures."""
    return f'import mlcore\n\nmlcore.set_language("{lang}")'


# --------------------------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------------------------


def catalogue_path(lang, assignment, root=ROOT):
    return Path(root) / "i18n" / lang / "notebooks" / f"{assignment}.po"


def edition_solution_path(lang, assignment, root=ROOT):
    return Path(root) / lang / "solutions" / assignment / f"{assignment}.ipynb"


def messages_po_path(lang, root=ROOT):
    return Path(root) / "mlcore" / "locale" / lang / "LC_MESSAGES" / "mlcore.po"


def glossary_path(lang, root=ROOT):
    return Path(root) / "i18n" / lang / "glossary.csv"


def english_assignments(root=ROOT):
    source = Path(root) / "solutions"
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())


# --------------------------------------------------------------------------------------------------------
# Markdown: paragraphs
# --------------------------------------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_NOT_PROSE = re.compile(r"\$\$.*?\$\$|\$[^$]*\$|`[^`]*`|<[^>]*>|&\w+;", re.S)


def split_markdown(text):
    """Split Markdown into ``(blocks, separators)`` with ``blocks[0] + separators[0] + blocks[1] + ...`` equal
    to ``text``. Blocks end at runs of blank lines, except inside a ``$$`` display or a fenced code block;
    blank lines at the very start or end stay in the first or last block."""
    lines = text.split("\n")
    prose = [i for i, line in enumerate(lines) if line.strip()]
    if not prose:
        return [text], []
    cuts = []  # (first blank line, line after the run)
    in_math = in_fence = False
    run = None
    for i in range(prose[0], prose[-1] + 1):
        line = lines[i]
        if not line.strip():
            if not (in_math or in_fence) and run is None:
                run = i
            continue
        if run is not None:
            cuts.append((run, i))
            run = None
        if _FENCE.match(line):
            in_fence = not in_fence
        elif not in_fence:
            in_math ^= line.count("$$") % 2 == 1
    blocks, seps, start = [], [], 0
    for first, after in cuts:
        blocks.append("\n".join(lines[start:first]))
        seps.append("\n" * (after - first + 1))
        start = after
    blocks.append("\n".join(lines[start:]))
    return blocks, seps


def join_markdown(blocks, seps):
    out = [blocks[0]]
    for sep, block in zip(seps, blocks[1:]):
        out += [sep, block]
    return "".join(out)


def is_display_math(block):
    s = block.strip()
    return (s.startswith("$$") and s.endswith("$$")) or (s.startswith("\\begin{") and s.endswith("}")
                                                          and "\\end{" in s)


def translatable_block(block):
    """A block is translated when it has prose: not display maths, not a fenced code block, and some words
    left once inline maths, inline code and HTML tags are removed."""
    s = block.strip()
    if not s or is_display_math(s) or _FENCE.match(s):
        return False
    return re.search(r"[A-Za-z]{2,}", _NOT_PROSE.sub(" ", s)) is not None


# --------------------------------------------------------------------------------------------------------
# Code: string literals and comments
# --------------------------------------------------------------------------------------------------------

# Keyword arguments whose strings are settings, never text (matplotlib's styles, legend positions).
_SETTING_KEYWORDS = {"loc", "color", "c", "ls", "linestyle", "marker", "fmt", "cmap", "ha", "va", "dtype",
                     "activation", "output", "kind", "mode", "dataset"}
# Calls and keywords whose string arguments are shown to the learner even when they are one word.
_TEXT_CALLS = {"print", "set_title", "set_xlabel", "set_ylabel", "suptitle", "title", "xlabel", "ylabel", "text"}
_TEXT_KEYWORDS = {"title", "xlabel", "ylabel", "label", "description", "name_label", "sep"}
_CONTROL_COMMENT = re.compile(r"^#+\s*(### |BEGIN |END |noqa|type:|pragma)|^###")
_STRING_PREFIX = re.compile(r"^[rRbBuUfF]*")


@dataclass
class Piece:
    """A translatable piece of a code cell: ``text`` sits at character offsets ``[start, end)``."""

    kind: str  # "docstring", "string" or "comment"
    text: str
    start: int
    end: int


def _offsets(source):
    """Character offset of the start of each line (1-based line numbers)."""
    starts, total = [0, 0], 0
    for line in source.splitlines(keepends=True):
        total += len(line)
        starts.append(total)
    return starts


def _char_col(source_lines, lineno, byte_col):
    return len(source_lines[lineno - 1].encode("utf-8")[:byte_col].decode("utf-8", "replace"))


def _string_roles(tree, source):
    """{(line, char column) of a string node's start: (end line, end column, role)} with role "docstring",
    "text" (shown to the learner), "setting" (never translated) or "maybe" (translated when it has prose)."""
    lines = source.splitlines()
    roles = {}

    def mark(node, role):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and (
                isinstance(node, ast.JoinedStr) or isinstance(node.value, str)):
            start = (node.lineno, _char_col(lines, node.lineno, node.col_offset))
            end = (node.end_lineno, _char_col(lines, node.end_lineno, node.end_col_offset))
            if start not in roles or roles[start][2] == "maybe":
                roles[start] = (*end, role)

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr):
                mark(first.value, "docstring")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            for arg in node.args:
                mark(arg, "text" if name in _TEXT_CALLS else "maybe")
            for kw in node.keywords:
                if kw.arg in _SETTING_KEYWORDS:
                    mark(kw.value, "setting")
                elif kw.arg in _TEXT_KEYWORDS:
                    mark(kw.value, "text")
        elif isinstance(node, ast.Subscript):
            mark(node.slice, "setting")
        elif isinstance(node, ast.Dict):
            for key in node.keys:
                if key is not None:
                    mark(key, "setting")
        elif isinstance(node, (ast.List, ast.Tuple)):
            # a list of choices shown together: when one of them is prose, all are text ("slow crawl",
            # "diverges")
            items = [e for el in node.elts for e in (el.elts if isinstance(el, ast.Tuple) else [el])]
            strings = [e for e in items if isinstance(e, ast.Constant) and isinstance(e.value, str)]
            if any(_has_prose(e.value) for e in strings):
                for e in strings:
                    mark(e, "text")
        elif isinstance(node, ast.Compare):
            for operand in [node.left, *node.comparators]:
                mark(operand, "setting")
    for node in ast.walk(tree):
        mark(node, "maybe")
    return roles


def _has_prose(text):
    return re.search(r"[A-Za-z]{2,}", text) is not None and re.search(r"\s", text.strip()) is not None


def code_pieces(source):
    """The translatable pieces of a code cell, in source order: comments (without ``# ``), docstrings,
    and string literals shown to the learner (their source text between the quotes, so f-string fields
    and escapes stay as written). A cell that does not parse as Python yields nothing."""
    try:
        tree = ast.parse(source)
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (SyntaxError, tokenize.TokenError):
        return []
    offsets = _offsets(source)
    roles = _string_roles(tree, source)
    pieces = []
    owner = None  # the string node a run of implicitly concatenated tokens belongs to
    for tok in tokens:
        start = offsets[tok.start[0]] + tok.start[1]
        if tok.type == tokenize.COMMENT:
            body = tok.string.lstrip("#").strip()
            if _CONTROL_COMMENT.match(tok.string) or not re.search(r"[A-Za-z]{3,}", body):
                continue
            lead = len(tok.string) - len(tok.string.lstrip("#").lstrip())
            pieces.append(Piece("comment", tok.string[lead:].rstrip(), start + lead,
                                start + lead + len(tok.string[lead:].rstrip())))
        elif tok.type == tokenize.STRING:
            if tok.start in roles:
                owner = roles[tok.start]
            if owner is None or tok.end > owner[:2]:
                owner = None
                continue
            role = owner[2]
            prefix = _STRING_PREFIX.match(tok.string).group(0)
            if "b" in prefix.lower():
                continue
            quote = tok.string[len(prefix):len(prefix) + 3]
            quote = quote if quote in ('"""', "'''") else quote[0]
            body = tok.string[len(prefix) + len(quote):len(tok.string) - len(quote)]
            # an f-string's fields are code, unless they hold a quoted string (a column's title)
            words = re.sub(r"\{[^{}'\"]*\}", " ", body) if "f" in prefix.lower() else body
            wanted = {"docstring": True, "text": re.search(r"[A-Za-z]{2,}", words) is not None,
                      "setting": False, "maybe": _has_prose(words)}[role]
            if wanted:
                kind = "docstring" if role == "docstring" else "string"
                first = start + len(prefix) + len(quote)
                pieces.append(Piece(kind, body, first, first + len(body)))
    return pieces


def replace_pieces(source, pieces, translate):
    """``source`` with each piece's text replaced by ``translate(piece)`` (None keeps it)."""
    out, last = [], 0
    for piece in pieces:
        new = translate(piece)
        if new is None:
            continue
        out += [source[last:piece.start], new]
        last = piece.end
    out.append(source[last:])
    return "".join(out)


# --------------------------------------------------------------------------------------------------------
# Catalogues
# --------------------------------------------------------------------------------------------------------


def markdown_entries(text):
    """The translatable paragraphs of a Markdown text, stripped."""
    blocks, _ = split_markdown(text)
    return [b.strip() for b in blocks if translatable_block(b)]


def notebook_entries(nb, pages=None):
    """(msgid, location, kind) of every translatable piece of a notebook, in order, then of the Markdown
    pages beside it (``pages``: {file name: text})."""
    entries = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            entries += [(text, cell.id, "markdown") for text in markdown_entries(cell.source)]
        elif cell.cell_type == "code":
            entries += [(p.text, cell.id, p.kind) for p in code_pieces(cell.source)]
    for name, text in sorted((pages or {}).items()):
        entries += [(t, name, "markdown") for t in markdown_entries(text)]
    return entries


def new_catalog(lang, project):
    from babel.messages.catalog import Catalog

    return Catalog(locale=LANGUAGES[lang], project=project, version="1", creation_date=_DATE,
                   revision_date=_DATE, charset="utf-8", fuzzy=False,
                   header_comment=f"# {project}: the Chinese edition's translations (instructor/translate.py).\n#")


def template_for(nb, lang, project, pages=None):
    catalog = new_catalog(lang, project)
    for n, (msgid, cell_id, kind) in enumerate(notebook_entries(nb, pages), 1):
        message = catalog.get(msgid)
        if message is None:
            catalog.add(msgid, locations=[(cell_id, n)], auto_comments=[kind])
        else:
            message.locations.append((cell_id, n))
    return catalog


def read_catalog(path):
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        return read_po(f, abort_invalid=True)


def catalog_bytes(catalog):
    """The catalogue as .po bytes. (No ``#| msgid`` lines for fuzzy entries: Babel reads them back as
    comments, so they would not survive the next merge; ``git log -p solutions/`` shows the old English.)"""
    from babel.messages.pofile import write_po

    buf = io.BytesIO()
    write_po(buf, catalog, width=_WIDTH)
    return buf.getvalue()


def merge(template, path, lang, project):
    """The catalogue at ``path`` brought up to ``template`` (Babel's update: changed -> fuzzy, new ->
    untranslated, removed -> obsolete), or a fresh one from the template."""
    if path.exists():
        catalog = read_catalog(path)
        catalog.update(template, update_creation_date=False)
        for m in catalog:  # "#| msgid" lines an earlier version wrote come back as comments "| msgid ...": drop
            m.user_comments = [c for c in m.user_comments if not c.startswith("| ")]
        # An obsolete entry is kept (as #~) only when it holds a translation worth reusing.
        for msgid in [k for k, m in catalog.obsolete.items() if not m.string]:
            del catalog.obsolete[msgid]
    else:
        catalog = new_catalog(lang, project)
        for message in template:
            if message.id:
                catalog.add(message.id, locations=message.locations, auto_comments=message.auto_comments)
    catalog.creation_date = catalog.revision_date = _DATE
    catalog.fuzzy = False
    return catalog


def write_if_changed(path, data):
    path = Path(path)
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def translations(catalog):
    """{msgid: msgstr} of the translated, non-fuzzy entries."""
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


def status(catalog):
    """(translated, fuzzy, untranslated) msgids of a catalogue (obsolete entries not counted)."""
    done, fuzzy, missing = [], [], []
    for m in catalog:
        if not m.id:
            continue
        (fuzzy if m.fuzzy else done if m.string else missing).append(m.id)
    return done, fuzzy, missing


# --------------------------------------------------------------------------------------------------------
# Building a notebook
# --------------------------------------------------------------------------------------------------------


def language_cell(lang):
    import nbformat

    cell = nbformat.v4.new_code_cell(language_cell_source(lang))
    cell.id = LANGUAGE_CELL_ID
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": LANGUAGE_GRADE_ID, "locked": True,
                                 "schema_version": 3, "solution": False, "task": False}
    cell.metadata["editable"] = False
    cell.metadata["deletable"] = False
    return cell


def translate_markdown(text, table):
    """``text`` with each translatable paragraph found in ``table`` replaced by its translation."""
    blocks, seps = split_markdown(text)
    for i, block in enumerate(blocks):
        key = block.strip()
        if translatable_block(block) and key in table:
            blocks[i] = block.replace(key, table[key], 1)
    return join_markdown(blocks, seps)


def translate_notebook(nb, table, lang):
    """A copy of the English notebook ``nb`` with every piece found in ``table`` ({msgid: msgstr})
    substituted, and the language cell before the first code cell."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "markdown":
            cell.source = translate_markdown(cell.source, table)
        elif cell.cell_type == "code":
            cell.source = replace_pieces(cell.source, code_pieces(cell.source), lambda p: table.get(p.text))
    first_code = next((i for i, c in enumerate(out.cells) if c.cell_type == "code"), len(out.cells))
    out.cells.insert(first_code, language_cell(lang))
    return out


def english_folder(assignment, root=ROOT):
    return Path(root) / "solutions" / assignment


def pages(assignment, root=ROOT):
    """{file name: text} of the Markdown pages beside the notebook (a formula sheet, a glossary)."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(english_folder(assignment, root).glob("*.md"))}


def read_english(assignment, root=ROOT):
    import nbformat

    return nbformat.read(str(english_folder(assignment, root) / f"{assignment}.ipynb"), as_version=nbformat.NO_CONVERT)


def merged_catalogue(assignment, lang="zh", root=ROOT):
    """The assignment's catalogue brought up to the English notebook and pages of now."""
    project = f"nn-first-principles {assignment}"
    template = template_for(read_english(assignment, root), lang, project, pages(assignment, root))
    return merge(template, catalogue_path(lang, assignment, root), lang, project)


def edition_files(assignment, table, lang="zh", root=ROOT):
    """{file name: bytes} of the assignment's folder in the edition: the translated notebook, the translated
    Markdown pages, and any other file of the English folder as it is."""
    import nbformat

    out = {}
    for path in sorted(english_folder(assignment, root).iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.name == f"{assignment}.ipynb":
            nb = translate_notebook(read_english(assignment, root), table, lang)
            out[path.name] = nbformat.writes(nb).encode("utf-8") + b"\n"
        elif path.suffix == ".md":
            out[path.name] = translate_markdown(path.read_text(encoding="utf-8"), table).encode("utf-8")
        else:
            out[path.name] = path.read_bytes()
    return out


def build_assignment(assignment, lang="zh", root=ROOT, write=True):
    """Update the assignment's catalogue and write its translated folder under ``<lang>/solutions``.

    Returns (translated, fuzzy, untranslated) msgid lists of the catalogue."""
    catalog = merged_catalogue(assignment, lang, root)
    if write:
        write_if_changed(catalogue_path(lang, assignment, root), catalog_bytes(catalog))
        target = edition_solution_path(lang, assignment, root).parent
        files = edition_files(assignment, translations(catalog), lang, root)
        for name, data in files.items():
            write_if_changed(target / name, data)
        for stale in target.iterdir():
            if stale.is_file() and stale.name not in files:
                stale.unlink()
    return status(catalog)


# --------------------------------------------------------------------------------------------------------
# Runtime messages of mlcore
# --------------------------------------------------------------------------------------------------------

MESSAGE_KEYWORDS = {"tr": None, "ntr": (1, 2), "N_": None}


def messages_template(lang, root=ROOT):
    """The catalogue template of every ``tr(...)``/``ntr(...)`` call in mlcore's sources."""
    from babel.messages.extract import extract_from_dir

    catalog = new_catalog(lang, "mlcore")
    package = Path(root) / "mlcore"
    for filename, lineno, message, comments, context in extract_from_dir(
            package, method_map=[("**.py", "python")], keywords=MESSAGE_KEYWORDS, comment_tags=("TRANSLATORS:",),
            strip_comment_tags=True):
        # The file only, no line number: an edit elsewhere in a module must not make the catalogue stale.
        catalog.add(message, locations=[(f"mlcore/{filename}", None)], auto_comments=comments,
                    context=context)
    for where, text in spec_texts():
        catalog.add(text, locations=[(where, None)])
    return catalog


def spec_texts():
    """``(where, text)`` for every learner-facing text a spec module declares as data (mistakes'
    messages, factor hints, size meanings, warning advice, questions' explanations): the diagnosis
    translates them with ``tr(text)`` where it shows them, so they are not ``tr()`` literals in the source."""
    import importlib
    import pkgutil

    from mlcore.grading import specs
    from mlcore.grading.question import Question, Wrong

    found = []
    for info in sorted(pkgutil.iter_modules(specs.__path__), key=lambda info: info.name):
        if not info.name.startswith("nb"):
            continue
        where = f"mlcore/grading/specs/{info.name}.py"
        for exercise in importlib.import_module(f"{specs.__name__}.{info.name}").EXERCISES:
            if isinstance(exercise, Question):
                texts = [e.text if isinstance(e, Wrong) else e for e in exercise.explanations.values()]
                texts += [exercise.otherwise, exercise.prompt, exercise.why]
            else:
                texts = [m.message for m in exercise.mistakes]
                texts += list(exercise.factor_hints.values()) + list(exercise.size_meanings.values())
                texts += [exercise.no_warnings] if isinstance(exercise.no_warnings, str) else []
            found += [(where, text) for text in texts if text]
    return found


def compile_messages(catalog):
    """The .mo bytes of a catalogue's translated, non-fuzzy entries."""
    from babel.messages.mofile import write_mo

    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def build_messages(lang="zh", root=ROOT, write=True):
    """Update mlcore's message catalogue of ``lang`` from its sources and compile it to ``mlcore.mo``."""
    path = messages_po_path(lang, root)
    catalog = merge(messages_template(lang, root), path, lang, "mlcore")
    if write:
        write_if_changed(path, catalog_bytes(catalog))
        write_if_changed(path.with_suffix(".mo"), compile_messages(catalog))
    return status(catalog)


# --------------------------------------------------------------------------------------------------------
# Translators' round trip: what is left, as JSON; translations back into the catalogue
# --------------------------------------------------------------------------------------------------------

MESSAGES = "mlcore"  # the name that stands for mlcore's message catalogue in --todo/--fill


def _catalogue_file(name, lang, root=ROOT):
    return messages_po_path(lang, root) if name == MESSAGES else catalogue_path(lang, name, root)


def todo(name, lang="zh", root=ROOT, everything=False):
    """The untranslated and fuzzy entries of a catalogue (every entry with ``everything``), as a list of
    {"msgid", "msgstr", "kind", "where", and for a fuzzy entry "fuzzy": true}."""
    items = []
    for m in read_catalog(_catalogue_file(name, lang, root)):
        if not m.id or not isinstance(m.id, str) or (m.string and not m.fuzzy and not everything):
            continue
        item = {"msgid": m.id, "msgstr": m.string or "", "kind": ", ".join(m.auto_comments),
                "where": " ".join(f"{f}:{n}" for f, n in m.locations)}
        if m.fuzzy:
            item["fuzzy"] = True  # msgstr is the translation of an earlier English text
        items.append(item)
    return items


def fill(name, items, lang="zh", root=ROOT):
    """Write translations into a catalogue: ``items`` is {msgid: msgstr} or a list of {"msgid", "msgstr"}
    (the format of :func:`todo`). A non-empty msgstr replaces the entry's and clears its fuzzy flag; an
    empty one is skipped. Returns the number of entries written; an unknown msgid is a ValueError."""
    if isinstance(items, dict):
        items = [{"msgid": k, "msgstr": v} for k, v in items.items()]
    path = _catalogue_file(name, lang, root)
    catalog = read_catalog(path)
    unknown = [i["msgid"][:80] for i in items if catalog.get(i["msgid"]) is None]
    if unknown:
        raise ValueError(f"{len(unknown)} msgids are not in {path.name}: {unknown[:3]}")
    written = 0
    for item in items:
        if item.get("msgstr"):
            message = catalog.get(item["msgid"])
            message.string = item["msgstr"]
            message.flags.discard("fuzzy")
            message.previous_id = []
            written += 1
    write_if_changed(path, catalog_bytes(catalog))
    return written


# --------------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------------


def _report(name, counts):
    done, fuzzy, missing = counts
    line = f"{name}: {len(done)} translated, {len(fuzzy)} fuzzy, {len(missing)} untranslated"
    print(line)
    return not fuzzy and not missing


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m instructor.translate", description=__doc__.split("\n")[0])
    parser.add_argument("assignments", nargs="*", help="assignment names (default: all in solutions/)")
    parser.add_argument("--lang", default="zh", choices=sorted(LANGUAGES))
    parser.add_argument("--status", action="store_true", help="report what is missing or fuzzy; write nothing")
    parser.add_argument("--no-release", action="store_true", help="do not regenerate <lang>/notebooks/")
    parser.add_argument("--no-messages", action="store_true", help="leave mlcore's message catalogue alone")
    parser.add_argument("--only-messages", action="store_true", help="only mlcore's message catalogue")
    parser.add_argument("--todo", metavar="NAME", help=f"print the untranslated and fuzzy entries of NAME (an "
                        f"assignment, or {MESSAGES!r} for the runtime messages) as JSON; write nothing")
    parser.add_argument("--fill", metavar="JSON", help="first write the translations of this file (the --todo "
                        "format, or {msgid: msgstr}) into the one catalogue named (an assignment or 'mlcore')")
    args = parser.parse_args(argv)
    if args.todo:
        json.dump(todo(args.todo, args.lang), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    if args.fill:
        if len(args.assignments) != 1:
            parser.error("--fill needs exactly one catalogue name: an assignment or 'mlcore'")
        with open(args.fill, encoding="utf-8") as f:
            print(f"{fill(args.assignments[0], json.load(f), args.lang)} entries written")
        if args.assignments == [MESSAGES]:
            args.assignments, args.only_messages = [], True
    if args.only_messages:
        return 0 if _report("mlcore messages", build_messages(args.lang, write=not args.status)) else 1
    names = args.assignments or english_assignments()
    unknown = [n for n in names if n not in english_assignments()]
    if unknown:
        parser.error(f"no notebook solutions/<A>/<A>.ipynb for: {', '.join(unknown)}")
    complete = True
    for name in names:
        complete &= _report(name, build_assignment(name, args.lang, write=not args.status))
    if not args.no_messages:
        complete &= _report("mlcore messages", build_messages(args.lang, write=not args.status))
    if not (args.status or args.no_release):
        from instructor.release import generate

        # Without the gradebook: several translators may build at once (python -m instructor.release
        # --course-dir zh records the assignments, as for the English course).
        generate(names, root=ROOT / args.lang, no_database=True, quiet=True)
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
