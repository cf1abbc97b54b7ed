"""The picker's rule: what a search or an opinion's text points to, as plain ledger data."""
from __future__ import annotations

from portal.services.feedback.target_picker import MAX_QUERY, clean, find_targets, suggested_targets


def test_clean_folds_drops_controls_and_cuts():
    assert clean("３５－３\x00", 50) == "35-3"
    assert clean("劳模\t补助\n", 50) == "劳模 补助"
    assert len(clean("劳" * 10_000, MAX_QUERY)) == MAX_QUERY


def test_a_typed_code_comes_first_and_its_problem_follows(session, small_campaign):
    found = find_targets(session, small_campaign, "2-2")
    assert [(t.kind, t.value, t.category) for t in found] == [("measure", "2-2", "甲方面"), ("problem", "2", "甲方面")]
    assert [(t.kind, t.value) for t in find_targets(session, small_campaign, "问题3")] == [("problem", "3"),
                                                                                       ("measure", "3-1")]
    assert [t.value for t in find_targets(session, small_campaign, "1")] == ["1", "1-1", "1-2"]
    assert find_targets(session, small_campaign, "9-9") == []


def test_nothing_is_searched_for_an_empty_query_or_suggested_for_a_short_text(session, small_campaign):
    assert find_targets(session, small_campaign, " \x00 ") == []
    assert suggested_targets(session, small_campaign, "措施措施") == []
