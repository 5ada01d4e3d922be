"""The pass line and the mistake tag: what is written is what is read back."""

import pytest

from mlcore.grading.messages import has_tag, mistakes_in, pass_line, pass_pattern, tag, tagged


@pytest.mark.parametrize("key", ["factor", "sign", "no_return", "a.b-c_1", "W_not_transposed+act_prime_at_a"])
def test_a_tagged_line_gives_its_key_back(key):
    line = tagged("mse_grad is off by a factor of 2.", key)
    assert line.endswith(f"[mistake: {key}]")
    assert mistakes_in(line) == [key] and has_tag(line)


def test_several_diagnoses_are_read_in_order_and_untagged_text_has_none():
    text = "\n".join([tagged("first", "sign"), "a plain line", tagged("second", "factor")])
    assert mistakes_in(text) == ["sign", "factor"]
    assert mistakes_in("mse: passed 4 checks") == [] and not has_tag("no tag here")


@pytest.mark.parametrize("key", ["", "two words", None, "x]"])
def test_a_key_that_could_not_be_read_back_is_refused(key):
    with pytest.raises(ValueError, match="mistake key"):
        tag(key)


@pytest.mark.parametrize("hidden", [False, True])
def test_the_pass_line_is_found_by_its_pattern_and_only_for_its_own_kind(hidden):
    line = pass_line("mse_grad", 20, hidden) + " on random inputs"
    assert pass_pattern("mse_grad", hidden).search("output\n" + line)
    assert not pass_pattern("mse_grad", not hidden).search(line)
    assert not pass_pattern("mse", hidden).search(line)
