"""The checker's languages: the catalogs are complete and faithful (placeholders, code,
Markdown, the glossary's terms, full-width punctuation), the compiled and extracted copies
have not drifted from their sources, and a notebook's language reaches every message."""

import csv
import gettext
import re
import string
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from nbclient import NotebookClient

from conftest import REPO
from learntools_lite.core import Question, Status, ____, binder, i18n
from learntools_lite.core.feedback import for_outcome
from learntools_lite.core.i18n import UnknownLanguage
from learntools_lite.instructor import notebook_text

CATALOGS = REPO / "learntools_lite" / "locale"
GLOSSARY = REPO / "course" / "locale" / "glossary.tsv"
LANGUAGES = [name for name in i18n.LANGUAGES if name != i18n.ENGLISH]


@dataclass(frozen=True)
class Domain:
    """A catalog as make messages keeps it: its folder, mapping file and keywords."""

    folder: Path
    mapping: Path
    keywords: dict


DOMAINS = {
    i18n.DOMAIN: Domain(CATALOGS, REPO / "babel.cfg", {"_": None, "N_": None}),
    i18n.SOLUTIONS_DOMAIN: Domain(CATALOGS, REPO / "babel.cfg", {"S_": None}),
    notebook_text.DOMAIN: Domain(REPO / "course" / "locale",
                                 REPO / "course" / "locale" / "babel.cfg", {}),
}
BOTH = [(language, domain) for language in LANGUAGES for domain in DOMAINS]


def po_path(language: str, domain: str = i18n.DOMAIN) -> Path:
    return DOMAINS[domain].folder / i18n.LANGUAGES[language] / "LC_MESSAGES" / f"{domain}.po"


def read_catalog(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def entries(language: str, domains=tuple(DOMAINS)) -> dict[str, str]:
    return {message.id: message.string for domain in domains
            for message in read_catalog(po_path(language, domain)) if message.id}


def fields(text: str) -> Counter:
    return Counter(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


def code(text: str) -> Counter:
    """The code blocks and the code spans outside them."""
    blocks = re.findall(r"```.*?```", text, flags=re.S)
    spans = re.findall(r"`[^`]*`", re.sub(r"```.*?```", "", text, flags=re.S))
    return Counter(blocks + spans)


# --- The catalogs ----------------------------------------------------------------------------

def template(domain: str) -> set[str]:
    path = DOMAINS[domain].folder / f"{domain}.pot"
    return {message.id for message in read_catalog(path) if message.id}


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_template_holds_every_marked_message_of_the_source(domain):
    with DOMAINS[domain].mapping.open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {message for _, _, message, _, _ in extract_from_dir(
        str(REPO), method_map, options_map, keywords=DOMAINS[domain].keywords)}
    assert found == template(domain), "run `make messages`"
    assert len(found) >= 4


def test_solutions_are_in_their_own_catalog_only():
    solutions = template(i18n.SOLUTIONS_DOMAIN)
    assert not solutions & template(i18n.DOMAIN)
    from learntools_lite.computer_vision import ex1, ex2, ex3

    assert {question.problem.solution for module in (ex1, ex2, ex3)
            for question in vars(module).values() if isinstance(question, Question)} == solutions


@pytest.mark.parametrize("language, domain", BOTH)
def test_every_message_is_translated_and_none_is_stale(language, domain):
    catalog = read_catalog(po_path(language, domain))
    translated = {message.id for message in catalog if message.id and message.string
                  and not message.fuzzy}
    assert translated == template(domain)
    assert not catalog.obsolete


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_code_and_paragraphs(language):
    for english, translated in entries(language).items():
        assert fields(translated) == fields(english), english
        assert code(translated) == code(english), english
        assert translated.count("\n\n") == english.count("\n\n"), english
        assert translated.count("____") == english.count("____"), english


def markdown_structure(text: str) -> dict:
    """What a translation of a notebook's Markdown keeps: the headings' levels, the list
    items and table rows, the formulas, the links' and images' targets, the HTML tags."""
    prose_lines = re.sub(r"```.*?```", "", text, flags=re.S).splitlines()
    return {
        "headings": [re.match(r"#+", line).group() for line in prose_lines
                     if re.match(r"#+ ", line)],
        "items": sum(bool(re.match(r"\s*([-*+]|\d+\.) ", line)) for line in prose_lines),
        "rows": sum(line.lstrip().startswith("|") for line in prose_lines),
        "formulas": Counter(re.findall(r"\$\$.*?\$\$|\$[^$]+\$", text, flags=re.S)),
        "targets": Counter(re.findall(r"\]\(([^)]*)\)", text)),
        "tags": Counter(re.findall(r"</?[a-zA-Z][^>]*>", prose(text))),
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_notebook_prose_keeps_its_markdown_structure(language):
    cells = entries(language, (notebook_text.DOMAIN,))
    assert len(cells) >= 60
    for english, translated in cells.items():
        assert markdown_structure(translated) == markdown_structure(english), english[:60]


CJK = r"[\u3400-\u9fff]"


def test_chinese_prose_uses_full_width_punctuation():
    for translated in entries("zh-CN").values():
        words = prose(translated)
        assert not re.search(CJK + r"[,.;:?!]|[,;:?!]" + CJK, words), translated
        assert not re.search(CJK + r"\(|\)" + CJK, words), translated


def glossary() -> list[tuple[str, list[str]]]:
    with GLOSSARY.open(encoding="utf-8") as file:
        rows = [row for row in csv.reader(file, delimiter="\t")
                if row and not row[0].startswith("#")]
    return [(row[0], [row[1], *filter(None, "".join(row[2:3]).split("|"))]) for row in rows]


def test_the_glossary_is_one_term_a_line():
    terms = glossary()
    assert len(terms) >= 25
    assert len({english for english, _ in terms}) == len(terms)
    assert all(re.search(CJK, chinese[0]) for _, chinese in terms)


def prose(text: str) -> str:
    """``text`` without its code (blocks and spans) and placeholders."""
    return re.sub(r"```.*?```|`[^`]*`|\{[^}]*\}", "", text, flags=re.S)


def test_translations_use_the_glossarys_terms():
    used = 0
    for english, translated in entries("zh-CN").items():
        for term, chinese in glossary():
            if re.search(rf"\b{re.escape(term)}s?\b", prose(english), re.IGNORECASE):
                used += 1
                assert any(word in translated for word in chinese), (term, translated)
    assert used >= 20


@pytest.mark.parametrize("language, domain", BOTH)
def test_the_compiled_catalog_is_its_po_file(language, domain):
    compiled = po_path(language, domain).with_suffix(".mo")
    with compiled.open("rb") as file:
        messages = dict(gettext.GNUTranslations(file)._catalog)
    messages.pop("", None)  # the header
    assert messages == entries(language, (domain,)), "run `make messages`"


@pytest.mark.parametrize("parts, joined", [
    (("The shape is wrong.", "Re-run the set-up cell."),
     "The shape is wrong. Re-run the set-up cell."),
    (("形状不对。", "请重新运行设置单元格。"), "形状不对。请重新运行设置单元格。"),
    (("真的吗？", "是的！", "好；", "再来"), "真的吗？是的！好；再来"),
    (("`pool2d`（`X` 的形状为 `(6, 6)`）", "结束。"), "`pool2d`（`X` 的形状为 `(6, 6)`）结束。"),
    # A message with no translation stays English, and is spaced as English is.
    (("形状不对。", "Re-run the set-up cell.", "再来。"),
     "形状不对。Re-run the set-up cell. 再来。"),
    (("", "Only this.", ""), "Only this."),
    ((), ""),
])
def test_sentences_are_spaced_as_each_language_writes_them(parts, joined):
    assert i18n.sentences(*parts) == joined


def test_names_are_listed_in_the_learners_language(english_again):
    from learntools_lite.core.values import listed

    assert [listed(names) for names in (["a"], ["a", "b"], ["a", "b", "c"])] == [
        "`a`", "`a` and `b`", "`a`, `b` and `c`"]
    with i18n.speaking("zh-CN"):
        assert listed(["a", "b"]) == "`a` 和 `b`"


# --- Choosing the language -------------------------------------------------------------------

@pytest.fixture
def english_again():
    yield
    binder.bind({})  # the default: every other test reads English


def test_bind_chooses_the_language_and_binding_again_without_it_is_english(english_again):
    from learntools_lite.core.values import Verdict, lookup

    binder.bind({}, lang="zh-CN")
    with pytest.raises(Verdict) as chinese:
        lookup({}, "kernel")
    assert str(for_outcome(chinese.value.outcome)) == (
        "尚未作答：`kernel` 还没有定义。请填写创建 `kernel` 的单元格并运行它。")
    binder.bind({})
    with pytest.raises(Verdict) as english:
        lookup({}, "kernel")
    assert str(for_outcome(english.value.outcome)) == (
        "Not attempted yet: `kernel` is not defined yet. Fill in the cell that creates "
        "`kernel` and run it.")


@pytest.mark.parametrize("spelling", ["zh-CN", "zh_CN", "ZH-cn", " zh-cn "])
def test_the_language_may_be_spelt_either_way(spelling):
    assert i18n.known(spelling) == "zh-CN"


@pytest.mark.parametrize("wrong", ["fr", "zh", "chinese", "", "zh-TW"])
def test_an_unknown_language_is_one_clear_line(wrong, english_again):
    with pytest.raises(UnknownLanguage) as error:
        binder.bind({}, lang=wrong)
    assert str(error.value) == (f"The course has no language {wrong!r}; it has 'en', 'zh-CN'.")
    assert error.value._render_traceback_() == [f"UnknownLanguage: {error.value}"]


def test_the_environment_overrides_the_notebook(monkeypatch, english_again):
    binder.bind({}, lang="zh-CN")
    monkeypatch.setenv(i18n.OVERRIDE, "en")
    assert i18n.current() == "en"
    assert Status.CORRECT.title == "Correct"
    binder.bind({})
    monkeypatch.setenv(i18n.OVERRIDE, "zh_CN")
    assert Status.CORRECT.title == "正确"


def test_a_mistyped_override_is_ignored_with_a_warning(monkeypatch, english_again):
    binder.bind({}, lang="zh-CN")
    monkeypatch.setenv(i18n.OVERRIDE, "klingon")
    with pytest.warns(UserWarning, match="LEARNTOOLS_LANG is ignored: The course has no "
                      "language 'klingon'"):
        assert i18n.current() == "zh-CN"


def test_speaking_is_for_one_block_only():
    with i18n.speaking("zh-CN"):
        assert Status.NOT_ATTEMPTED.title == "尚未作答"
        with i18n.speaking("en"):
            assert Status.NOT_ATTEMPTED.title == "Not attempted yet"
        assert Status.INCORRECT.title == "不正确"
    assert Status.INCORRECT.title == "Incorrect"


def test_threads_judging_at_once_each_speak_their_own_language():
    """Grading workers judge two submissions at once, in two threads: a Chinese one must not
    turn the English one's verdicts Chinese, nor the other way round."""
    both_speaking, seen = threading.Barrier(2), {}

    def judge(language: str) -> None:
        with i18n.speaking(language):
            both_speaking.wait(timeout=10)  # each thread's block is open while the other's is
            seen[language] = Status.INCORRECT.title
            both_speaking.wait(timeout=10)

    threads = [threading.Thread(target=judge, args=(language,)) for language in ("en", "zh-CN")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"en": "Incorrect", "zh-CN": "不正确"}
    assert Status.INCORRECT.title == "Incorrect"


# --- What a learner sees ---------------------------------------------------------------------

def test_hints_solution_and_checks_speak_chinese(namespace, english_again, capsys):
    from learntools_lite.core import CodingProblem, Tolerance

    problem = CodingProblem(
        variables=("doubled",), inputs=("numbers",), expected=lambda numbers: 2 * numbers,
        tolerance=Tolerance(atol=1e-6, rtol=0), hints=("Multiply.", "Use `2 * numbers`."),
        solution="```python\ndoubled = 2 * numbers\n```")
    question = Question(1, problem)
    binder.bind(namespace, lang="zh-CN")
    namespace.update(numbers=np.arange(3.0), doubled=____)
    assert question.evaluate().message == (
        "`doubled` 里还有空白（`____`）。请把每个空白换成你的答案。")
    namespace["doubled"] = [0, 2, 5]
    assert question.evaluate().message == (
        "`doubled` 的形状 `(3,)` 是对的，但数值不同：最大的差是 1，位于索引 `(2,)`"
        "（允许的误差：绝对误差 1e-06 加相对误差 0）。")
    namespace["doubled"] = [[0, 2, 4]]
    assert question.evaluate().message == (
        "`doubled` 的形状是 `(1, 3)`，而预期结果的形状是 `(3,)`。")
    question.hint(2)
    question.hint(7)
    question.solution()
    shown = capsys.readouterr().out
    assert "提示 2/2：Use `2 * numbers`." in shown
    assert "提示：这道题有 2 条提示：可以运行 `q_1.hint(1)` 到 `q_1.hint(2)` 查看。" in shown
    assert "参考答案：\n\n```python\ndoubled = 2 * numbers\n```" in shown


def test_a_chinese_notebook_in_a_real_kernel(tmp_path):
    """The set-up cell's ``lang`` reaches the blank's note and the check in the kernel."""
    cells = [
        "from learntools_lite.core import binder; binder.bind(globals(), lang='zh-CN')\n"
        "from learntools_lite.core import ____",
        "kernel = ____\nkernel + 1",
        "from learntools_lite.core import binder; binder.bind(globals(), lang='fr')",
    ]
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(notebook, timeout=60, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    blank, wrong = notebook.cells[1].outputs, notebook.cells[2].outputs
    assert [output.output_type for output in blank] == ["display_data"]
    assert "尚未完成" in blank[0].data["text/markdown"]
    assert "这段代码里还有空白（____）" in blank[0].data["text/markdown"]
    assert wrong[0].output_type == "error"
    assert wrong[0].traceback == [
        "UnknownLanguage: The course has no language 'fr'; it has 'en', 'zh-CN'."]


def test_a_solution_comes_from_the_solutions_catalog(namespace, english_again, capsys):
    from learntools_lite.computer_vision.ex1 import q_1

    binder.bind(namespace, lang="zh-CN")
    q_1.solution()
    assert "参考答案：任何一个不全为零的 3 x 3 数字网格都可以。" in capsys.readouterr().out
