"""The language of what mlcore says: check messages, diagnoses, figure and widget labels.

A notebook of the Chinese edition starts with a locked cell ``mlcore.set_language("zh")``; English is the
default. Messages are looked up in gettext catalogues shipped with the package
(``mlcore/locale/<lang>/LC_MESSAGES/mlcore.mo``, compiled from the ``.po`` beside it by
``python -m instructor.translate``), with Python's own :mod:`gettext`::

    from mlcore.i18n import tr, ntr
    raise GradingError(tr("passed {k} of {n} cases").format(k=k, n=n))
    ntr("{n} case", "{n} cases", n).format(n=n)

Write the English text as the literal argument of ``tr`` (never an f-string: the catalogue is keyed by the
literal text) and fill in values with ``.format`` afterwards. A message without a translation is shown in
English. Keys such as ``[mistake: sign]`` are never passed through ``tr``: they stay the same in every
language. (The function is not called ``_``: IPython uses ``_`` for the last result.)
"""

import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "mlcore"
LANGUAGES = ("en", "zh")
DEFAULT = "en"

_state = {"code": DEFAULT, "catalog": gettext.NullTranslations()}


def set_language(code):
    """Use language ``code`` ("en" or "zh") for every later message, figure and widget label of mlcore.

    Parameters
    ----------
    code : str
        "en" (the default) or "zh" (Simplified Chinese).
    """
    if code not in LANGUAGES:
        raise ValueError(f"code is {code!r}, expected one of {', '.join(map(repr, LANGUAGES))}")
    if code == DEFAULT:
        catalog = gettext.NullTranslations()
    else:
        catalog = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[code])
    _state.update(code=code, catalog=catalog)
    if code == "zh" and not os.environ.get("NBGRADER_EXECUTION"):  # graded runs draw nothing
        use_cjk_fonts()


# Fonts with Simplified Chinese glyphs, by family name (Linux, then Windows and macOS ones).
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei",
             "Microsoft YaHei", "PingFang SC", "Heiti SC", "SimHei", "Arial Unicode MS")
_CJK_FILES = ("notosanscjk", "sourcehansans", "wqy-", "msyh", "pingfang", "stheiti", "simhei", "arialuni")


def use_cjk_fonts():
    """Let matplotlib draw Chinese text: the first installed font of :data:`CJK_FONTS` becomes the fallback
    of the default font (Matplotlib >= 3.6 takes each glyph from the first font that has it, so Latin
    letters and symbols keep their usual look). Returns the font's name, or None (with a warning) when no
    such font is installed: the figures then show boxes in place of Chinese characters."""
    import matplotlib
    from matplotlib import font_manager

    def installed():
        names = {f.name for f in font_manager.fontManager.ttflist}
        return [name for name in CJK_FONTS if name in names]

    found = installed()
    if not found:  # installed after matplotlib cached its font list: look at the system's font files
        for path in font_manager.findSystemFonts():
            if any(key in os.path.basename(path).lower() for key in _CJK_FILES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):
                    continue
        found = installed()
    if not found:
        import warnings

        warnings.warn("no font with Chinese characters is installed (e.g. Debian's fonts-wqy-microhei or "
                      "fonts-noto-cjk): figures will show boxes in place of Chinese text", stacklevel=3)
        return None
    families = [f for f in matplotlib.rcParams["font.family"] if f not in CJK_FONTS]
    matplotlib.rcParams["font.family"] = families + found[:1]
    return found[0]


def language():
    """The language mlcore speaks now: "en" or "zh"."""
    return _state["code"]


def tr(message):
    """``message`` (English, a literal) in the current language; the English text when untranslated."""
    return _state["catalog"].gettext(message) if message else message  # gettext("") is the header


def N_(message):
    """``message`` unchanged: marks a literal of a table for the catalogue, translated where it is shown
    (``tr(entry)``), since a table is built once, before any notebook sets its language."""
    return message


def translations_of(message):
    """``message`` in every language mlcore speaks (for parsers that must read any edition's output)."""
    found = [message]
    for code in LANGUAGES:
        if code != DEFAULT:
            catalog = gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[code], fallback=True)
            found.append(catalog.gettext(message))
    return list(dict.fromkeys(found))


def ntr(singular, plural, n):
    """The singular or plural form for the count ``n``, in the current language."""
    return _state["catalog"].ngettext(singular, plural, n)


# A process can start in another language (e.g. a grading tool run for the Chinese class).
if os.environ.get("MLCORE_LANGUAGE", DEFAULT) in LANGUAGES[1:]:
    set_language(os.environ["MLCORE_LANGUAGE"])
