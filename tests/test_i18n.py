"""The Chinese edition (中文版): built from English solutions/ plus the catalogues, complete, and graded the same.

Parametrised over every assignment of the English solutions/, so a notebook whose translation is missing or
fuzzy fails here (``python -m instructor.translate --status`` lists what is left). The quick tests need no
kernel; the ``*_runs_*`` tests execute the Chinese notebooks like tests/test_notebooks.py does the English.
"""

import ast
import csv
import re
import shutil

import pytest

from instructor import release, translate
from instructor.course import Course
from nbgrader_harness import (
    ROOT,
    answer_cells,
    assert_fails_only_on_missing_work,
    execute,
    graded_cells,
    nbgrader_meta,
    read_notebook,
    solution_path,
    validate,
)

LANG = "zh"
EDITION = ROOT / LANG
ASSIGNMENTS = translate.english_assignments()


def zh_solution(assignment):
    return EDITION / "solutions" / assignment / f"{assignment}.ipynb"


def zh_release(assignment):
    return EDITION / "notebooks" / assignment / f"{assignment}.ipynb"


def catalogue(assignment):
    return translate.read_catalog(translate.catalogue_path(LANG, assignment))


def without_language_cell(nb):
    return [c for c in nb.cells if c.get("id") != translate.LANGUAGE_CELL_ID]


# --------------------------------------------------------------------------------------------------------
# Catalogues: up to date with English, complete, and following the glossary
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_catalogue_up_to_date(assignment):
    """The committed .po is what the build makes of the English notebook now (an English edit not yet
    merged into the catalogue fails here)."""
    path = translate.catalogue_path(LANG, assignment)
    assert path.exists(), f"no {path.relative_to(ROOT)}: run python -m instructor.translate {assignment}"
    merged = translate.merged_catalogue(assignment, LANG)
    assert translate.catalog_bytes(merged) == path.read_bytes(), (
        f"the English notebook changed: run python -m instructor.translate {assignment}, then translate "
        "what it marks fuzzy or leaves empty")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_catalogue_complete(assignment):
    """Every translatable paragraph, docstring, message and comment has a translation, none fuzzy."""
    done, fuzzy, missing = translate.status(catalogue(assignment))
    assert not fuzzy and not missing, (
        f"{assignment}: {len(fuzzy)} fuzzy and {len(missing)} untranslated entries in "
        f"i18n/zh/notebooks/{assignment}.po, e.g. {(fuzzy + missing)[0][:200]!r}")


def read_glossary():
    with open(translate.glossary_path(LANG), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_glossary_well_formed():
    rows = read_glossary()
    terms = [r["english"].lower() for r in rows]
    assert len(terms) == len(set(terms)), "a term is listed twice"
    assert all(r["chinese"].strip() and r["core"] in ("yes", "no") for r in rows)
    # the standard terms of Chinese textbooks and d2l.ai
    wanted = {"gradient descent": "梯度下降", "backpropagation": "反向传播", "loss function": "损失函数",
              "cross-entropy": "交叉熵", "learning rate": "学习率", "activation function": "激活函数",
              "mini-batch": "小批量", "momentum": "动量", "epoch": "迭代周期", "chain rule": "链式法则"}
    table = {r["english"]: r["chinese"] for r in rows}
    assert {k: table.get(k) for k in wanted} == wanted


def _term_pattern(term):
    words = [re.escape(w) for w in re.split(r"[\s-]+", term)]
    return re.compile(r"\b" + r"[\s-]+".join(words) + r"(s|es)?\b", re.I)


def glossary_violations(pairs, rows):
    """(term, chinese, msgid) for each translated entry whose English prose uses a core term (outside
    maths, code and HTML) while its translation lacks the glossary's Chinese term."""
    core = [(r["english"], r["chinese"], _term_pattern(r["english"])) for r in rows if r["core"] == "yes"]
    found = []
    for msgid, msgstr in pairs:
        prose = translate._NOT_PROSE.sub(" ", msgid)
        for term, chinese, pattern in core:
            if pattern.search(prose) and chinese not in msgstr:
                found.append((term, chinese, msgid[:120]))
    return found


def test_glossary_check_catches_a_wrong_term():
    rows = read_glossary()
    assert glossary_violations([("The learning rate is small.", "学习速率很小。")], rows)
    assert not glossary_violations([("The learning rate is small.", "学习率很小。")], rows)
    assert not glossary_violations([("`learning_rate` and $lr$", "`learning_rate` 与 $lr$")], rows)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_catalogue_follows_glossary(assignment):
    pairs = translate.translations(catalogue(assignment)).items()
    found = glossary_violations(pairs, read_glossary())
    assert not found, "the glossary's term is missing:\n" + "\n".join(map(str, found))


# --------------------------------------------------------------------------------------------------------
# The Chinese notebooks: what the build makes, with the English code, grade ids, points and maths
# --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_built_from_catalogue(assignment):
    path = zh_solution(assignment)
    assert path.exists(), f"run python -m instructor.translate {assignment}"
    built = translate.edition_files(assignment, translate.translations(catalogue(assignment)), LANG)
    folder = path.parent
    assert sorted(p.name for p in folder.iterdir() if p.is_file()) == sorted(built), "files differ"
    for name, data in built.items():
        assert (folder / name).read_bytes() == data, (
            f"zh/solutions/{assignment}/{name} is not what the build makes: "
            f"run python -m instructor.translate {assignment}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_pages_keep_their_maths(assignment):
    """The Markdown pages beside a notebook (formula sheet, glossary) are translated, maths unchanged."""
    for name, text in translate.pages(assignment).items():
        chinese = (EDITION / "solutions" / assignment / name).read_text(encoding="utf-8")
        assert display_maths(chinese) == display_maths(text), name


class _MaskStrings(ast.NodeTransformer):
    """Every string literal becomes one placeholder; an f-string keeps the set of its fields' expressions."""

    def visit_Constant(self, node):
        return ast.Constant("<str>") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node):
        self.generic_visit(node)
        fields = sorted(ast.dump(v) for v in node.values if isinstance(v, ast.FormattedValue))
        return ast.Constant("<f-string " + " | ".join(fields) + ">")


def code_shape(source):
    return ast.dump(_MaskStrings().visit(ast.parse(source)))


def display_maths(markdown):
    """The display formulas of a Markdown cell, whitespace normalised: $$...$$ and \\begin{..}...\\end{..}."""
    found = re.findall(r"\$\$(.*?)\$\$", markdown, re.S)
    rest = re.sub(r"\$\$.*?\$\$", " ", markdown, flags=re.S)
    found += re.findall(r"(\\begin\{([^}]*)\}.*?\\end\{\2\})", rest, re.S)
    found = [f[0] if isinstance(f, tuple) else f for f in found]
    return [" ".join(f.split()) for f in found]


def test_structure_check_catches_changes():
    assert code_shape('print("a b")  # x') == code_shape('print("甲 乙")  # 注释')
    assert code_shape('f"{x:.2f} loss"') == code_shape('f"损失 {x:.2f}"')
    assert code_shape("y = x + 1") != code_shape("y = x - 1")
    assert code_shape('f"{x}"') != code_shape('f"{y}"')
    assert display_maths("a $$x = 1$$ b \\begin{align}y\\end{align}") == ["x = 1", "\\begin{align}y\\end{align}"]
    assert display_maths("$$\n x  =\n 1 $$") == display_maths("$$x = 1$$")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_same_code_grade_ids_points_and_maths(assignment):
    english = read_notebook(solution_path(assignment))
    chinese = read_notebook(zh_solution(assignment))
    cells = without_language_cell(chinese)
    assert [(c.cell_type, c.get("id")) for c in cells] == [(c.cell_type, c.get("id")) for c in english.cells]
    for en, zh in zip(english.cells, cells):
        where = f"{assignment} cell {en.get('id')}"
        assert zh.metadata == en.metadata, f"{where}: metadata (grade id, points, nbgrader flags) differ"
        if en.cell_type == "code":
            assert code_shape(zh.source) == code_shape(en.source), f"{where}: code differs beyond strings/comments"
            for marker in ("### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS",
                           "### END HIDDEN TESTS"):
                assert zh.source.count(marker) == en.source.count(marker), f"{where}: {marker}"
        else:
            assert display_maths(zh.source) == display_maths(en.source), f"{where}: display maths differ"
    assert chinese.metadata == english.metadata


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_language_cell_first_and_locked(assignment):
    nb = read_notebook(zh_solution(assignment))
    code = [c for c in nb.cells if c.cell_type == "code"]
    first = code[0]
    assert first.id == translate.LANGUAGE_CELL_ID
    assert first.source == translate.language_cell_source(LANG)
    meta = nbgrader_meta(first)
    assert meta["locked"] and not meta["grade"] and not meta["solution"] and "points" not in meta
    assert sum(c.id == translate.LANGUAGE_CELL_ID for c in nb.cells) == 1


def test_markdown_split_round_trips():
    for assignment in ASSIGNMENTS:
        for cell in read_notebook(solution_path(assignment)).cells:
            if cell.cell_type == "markdown":
                blocks, seps = translate.split_markdown(cell.source)
                assert translate.join_markdown(blocks, seps) == cell.source
    blocks, _ = translate.split_markdown("Text\n\n$$\na\n\nb\n$$\n\nMore")
    assert blocks == ["Text", "$$\na\n\nb\n$$", "More"]
    assert [translate.translatable_block(b) for b in blocks] == [True, False, True]


def test_code_pieces_skip_settings_and_identifiers():
    source = ('def f(x):\n    """Return x."""\n    return x\n\n'
              'check("mse", f)  # the visible check\n'
              'ax.plot(x, y, "o-", color="gray", label="least squares")\n'
              'print(f"loss {x:.3f}", "ok")\n'
              'd = {"correct": "Correct gradient"}\n### BEGIN SOLUTION\n')
    pieces = [(p.kind, p.text) for p in translate.code_pieces(source)]
    assert pieces == [("docstring", "Return x."), ("comment", "the visible check"), ("string", "least squares"),
                      ("string", "loss {x:.3f}"), ("string", "ok"), ("string", "Correct gradient")]
    out = translate.replace_pieces(source, translate.code_pieces(source),
                                   lambda p: {"loss {x:.3f}": "损失 {x:.3f}"}.get(p.text))
    assert 'print(f"损失 {x:.3f}", "ok")' in out and code_shape(out) == code_shape(source)


# --------------------------------------------------------------------------------------------------------
# The Chinese course: its own nbgrader course, released and graded like the English one
# --------------------------------------------------------------------------------------------------------


def test_edition_is_its_own_course():
    english, chinese = Course.load(ROOT), Course.load(EDITION)
    assert chinese.root == EDITION and chinese.id == "nn-first-principles-zh" != english.id
    assert chinese.folder("source") == EDITION / "solutions"
    assert chinese.folder("release") == EDITION / "notebooks"
    assert chinese.db_url.startswith(f"sqlite:///{EDITION / 'gradebook.db'}")
    for section in ("Autograde", "GenerateFeedback", "OverwriteCells", "Execute"):
        assert chinese.config()[section] == english.config()[section], section
    assert chinese.ignore == english.ignore


def test_released_notebooks_exist():
    released = sorted(p.name for p in (EDITION / "notebooks").iterdir() if p.is_dir())
    assert released == ASSIGNMENTS, "run python -m instructor.translate (zh/notebooks must mirror solutions/)"


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("zh-release")
    release.generate(ASSIGNMENTS, root=EDITION, release_root=out, no_database=True, quiet=True)
    return out / "notebooks"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_in_sync(assignment, regenerated):
    fresh = read_notebook(regenerated / assignment / f"{assignment}.ipynb")
    committed = read_notebook(zh_release(assignment))
    assert [(c.source, c.metadata) for c in committed.cells] == [(c.source, c.metadata) for c in fresh.cells], (
        "run: python -m instructor.translate (or python -m instructor.release --course-dir zh)")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_zh_solution_runs_and_validates(assignment):
    result = validate(zh_solution(assignment), validate_all=True)
    assert result == {}, "\n".join(
        f"--- {kind}: {c.get('source', '')[:200]}\n{c.get('raw_error', '')[-2000:]}"
        for kind, cells in result.items() for c in cells)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_zh_released_fails_only_on_missing_work(assignment):
    nb = execute(zh_release(assignment))
    assert set(graded_cells(nb)) == set(graded_cells(read_notebook(solution_path(assignment))))
    assert set(answer_cells(nb)) == set(answer_cells(read_notebook(solution_path(assignment))))
    assert_fails_only_on_missing_work(nb)


# --------------------------------------------------------------------------------------------------------
# mlcore's runtime messages
# --------------------------------------------------------------------------------------------------------


def test_messages_catalogue_up_to_date_and_compiled():
    """mlcore.po holds every tr()/ntr() message of mlcore's sources, and mlcore.mo is compiled from it."""
    path = translate.messages_po_path(LANG)
    merged = translate.merge(translate.messages_template(LANG), path, LANG, "mlcore")
    assert translate.catalog_bytes(merged) == path.read_bytes(), "run python -m instructor.translate"
    assert translate.compile_messages(merged) == path.with_suffix(".mo").read_bytes(), (
        "mlcore.mo is stale: run python -m instructor.translate")


def test_messages_catalogue_complete():
    done, fuzzy, missing = translate.status(translate.read_catalog(translate.messages_po_path(LANG)))
    assert not fuzzy and not missing, f"mlcore.po: {len(fuzzy)} fuzzy, {len(missing)} untranslated: " \
                                      f"{(fuzzy + missing)[:3]}"


def test_set_language_switches_and_rejects_unknown():
    import mlcore
    from mlcore import i18n

    catalog = translate.read_catalog(translate.messages_po_path(LANG))
    sample = next((m for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str)), None)
    try:
        mlcore.set_language("zh")
        assert i18n.language() == "zh"
        if sample is not None:
            assert i18n.tr(sample.id) == sample.string
        assert i18n.tr("a message nobody translated") == "a message nobody translated"
        mlcore.set_language("en")
        if sample is not None:
            assert i18n.tr(sample.id) == sample.id
    finally:
        mlcore.set_language("en")
    with pytest.raises(ValueError, match="code is 'fr'"):
        mlcore.set_language("fr")


# --------------------------------------------------------------------------------------------------------
# The README's Chinese section: a Binder link and a Learn command that open the first Chinese notebook
# --------------------------------------------------------------------------------------------------------

ZH_FIRST = "zh/notebooks/00_start_here/00_start_here.ipynb"


def _zh_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## 中文版.*?(?=^## )", readme, re.S | re.M)
    assert match, "README.md needs a section '## 中文版' for Chinese learners"
    return readme, match.group(0)


def test_readme_chinese_section_opens_the_first_chinese_notebook():
    from urllib.parse import parse_qs, urlsplit

    from browser_util import learn_command

    readme, section = _zh_section()
    links = re.findall(r"\((https://mybinder\.org/v2/gh/\S+)\)", section)
    assert len(links) == 1, "one Binder link in the Chinese section"
    declared = re.findall(r"<!-- github-repository: ([\w.-]+/[\w.-]+) -->", readme)[0]
    url = urlsplit(links[0])
    assert url.path == f"/v2/gh/{declared}/HEAD"
    assert parse_qs(url.query)["urlpath"] == [f"lab/tree/{ZH_FIRST}"]
    assert (ROOT / ZH_FIRST).is_file()
    command = re.search(r"```bash\n(.+?)\n```", section, re.S).group(1).strip()
    english = learn_command(ROOT / "README.md")
    # the same install and learner settings as the English Learn command, only the notebook differs
    assert command == english.replace("notebooks/00_start_here/00_start_here.ipynb", ZH_FIRST)
    assert command.endswith(ZH_FIRST) and english != command


def test_chinese_figures_have_their_glyphs(tmp_path):
    """With the language set to Chinese, matplotlib finds a font with Chinese glyphs (.ci/run installs
    Debian's fonts-wqy-microhei) and draws a Chinese title and Latin maths symbols without a missing glyph."""
    import warnings

    import matplotlib

    from mlcore import i18n

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    saved = list(matplotlib.rcParams["font.family"])
    try:
        name = i18n.use_cjk_fonts()
        assert name in i18n.CJK_FONTS, "no Chinese font: install fonts-wqy-microhei (bash .ci/run does)"
        fig, ax = plt.subplots()
        ax.set_title("用你的梯度训练的线性回归：ŷ, λ_max, ∂L/∂w")
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "Glyph ... missing from font" would be a warning
            fig.savefig(tmp_path / "zh.png")
        plt.close(fig)
    finally:
        matplotlib.rcParams["font.family"] = saved


# --------------------------------------------------------------------------------------------------------
# An English edit never drifts silently: it turns the translation fuzzy (or missing) and the notebook falls
# back to the new English until it is translated again
# --------------------------------------------------------------------------------------------------------


def test_english_edit_makes_the_translation_fuzzy(tmp_path):
    import nbformat

    (tmp_path / "solutions").mkdir()
    shutil.copytree(ROOT / "solutions" / "01_mse", tmp_path / "solutions" / "01_mse")
    path = tmp_path / "solutions" / "01_mse" / "01_mse.ipynb"
    translate.build_assignment("01_mse", root=tmp_path)
    items = translate.todo("01_mse", root=tmp_path)
    assert items and all(not i["msgstr"] for i in items), "a new catalogue: everything to translate"
    paragraph = next(i["msgid"] for i in items if i["msgid"].startswith("The **mean absolute error**"))
    assert translate.fill("01_mse", {paragraph: "**平均绝对误差**不用平方来衡量拟合的偏差："}, root=tmp_path) == 1
    translate.build_assignment("01_mse", root=tmp_path)
    built = (tmp_path / "zh" / "solutions" / "01_mse" / "01_mse.ipynb").read_text(encoding="utf-8")
    assert "**平均绝对误差**不用平方" in built

    nb = nbformat.read(str(path), as_version=4)
    cell = next(c for c in nb.cells if paragraph in c.source)
    cell.source = cell.source.replace("without the square", "without squaring anything")
    nbformat.write(nb, str(path))
    done, fuzzy, missing = translate.build_assignment("01_mse", root=tmp_path)
    assert len(fuzzy) == 1 and "without squaring anything" in fuzzy[0]
    built = (tmp_path / "zh" / "solutions" / "01_mse" / "01_mse.ipynb").read_text(encoding="utf-8")
    assert "平均绝对误差**不用平方" not in built and "without squaring anything" in built
    with pytest.raises(ValueError, match="not in"):
        translate.fill("01_mse", {"no such English text": "无"}, root=tmp_path)
