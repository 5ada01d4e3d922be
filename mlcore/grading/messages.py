"""The two pieces of text a check leaves in a notebook, written and read here and nowhere else.

* The **pass line**, printed when a check passes: ``mse_grad: passed 4 checks on random inputs ...``
  (``passed 20 hidden checks`` for a hidden check). The autograder's verify step requires one per
  ``check(...)`` call of a test cell.
* The **mistake tag**, ending each diagnosis of a failed check: ``... [mistake: factor]``. Tests, the
  item-analysis report and the synthetic class read the key back from it.

Which key names which mistake is :mod:`mlcore.grading.diagnose`'s business: this module writes any key
that is a plain word (letters, digits, ``_ . - +``; ``+`` joins the keys of several bugs) and parses it
back unchanged. No tag at all means no diagnosed mistake; :func:`mistakes_in` then returns an empty list.
"""

import re

from mlcore.i18n import tr, translations_of

_KEY = r"[A-Za-z0-9_.+\-]+"
_TAG = re.compile(rf"\[mistake:\s*({_KEY})\s*\]")


def tag(key):
    """``[mistake: key]``, the tag that ends a diagnosis line."""
    if not isinstance(key, str) or not re.fullmatch(_KEY, key):
        raise ValueError(f"a mistake key is a non-empty word of letters, digits, '_', '.', '-', '+'; got {key!r}")
    return f"[mistake: {key}]"


def tagged(text, key):
    """One diagnosis line: ``text`` followed by the tag of ``key``."""
    return f"{text} {tag(key)}"


def mistakes_in(text):
    """The mistake keys tagged in ``text``, in order (an empty list when nothing is tagged)."""
    return _TAG.findall(text)


def has_tag(text):
    """Whether ``text`` carries any mistake tag."""
    return _TAG.search(text) is not None


def _pass_templates(hidden):
    # the English literals, for the catalogue: pass_line translates them, pass_pattern reads every language
    if hidden:
        return "{name}: passed {count} hidden checks", "{name}: passed {count} hidden check"
    return "{name}: passed {count} checks", "{name}: passed {count} check"


def pass_line(name, count, hidden):
    """The start of the line a passing check prints: ``<name>: passed <count> [hidden ]checks`` (in the
    language of :mod:`mlcore.i18n`; "check" for a count of 1)."""
    if hidden:
        template = tr("{name}: passed {count} hidden check") if count == 1 else tr("{name}: passed {count} hidden checks")
    else:
        template = tr("{name}: passed {count} check") if count == 1 else tr("{name}: passed {count} checks")
    return template.format(name=name, count=count)


def pass_pattern(name, hidden):
    """A regular expression that finds :func:`pass_line` of ``name`` at the start of a line, any count, in
    any language mlcore speaks (the grader reads the English and the Chinese edition alike)."""
    forms = []
    for template in {t for english in _pass_templates(hidden) for t in translations_of(english)}:
        head, rest = re.escape(template).split(re.escape("{name}"), 1)
        forms.append(head + re.escape(name) + rest.replace(re.escape("{count}"), r"\d+"))
    return re.compile(rf"^(?:{'|'.join(forms)})(?!\w)", re.MULTILINE)
