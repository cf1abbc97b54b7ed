"""Public pages run a bounded number of SQL queries, whatever the size of the ledger."""
import pytest

from tests.public.factory import count_queries, seed

PAGES = [
    "/campaigns/{slug}/",
    "/campaigns/{slug}/categories/1",
    "/campaigns/{slug}/problems/2",
    "/campaigns/{slug}/measures/2-1",
    "/campaigns/{slug}/problems/",
    "/campaigns/{slug}/problems/?department=办公室&leader=党组书记、主席",
    "/campaigns/{slug}/categories/1?department=组织部",
    "/campaigns/{slug}/progress",
    "/api/v1/campaigns/{slug}/problems",
    "/api/v1/campaigns/{slug}/measures",
    "/api/v1/campaigns/{slug}/figures.csv",
]


def queries_for(app, client, url: str) -> int:
    with count_queries(app) as statements:
        assert client.get(url).status_code == 200
    return len(statements)


@pytest.fixture
def small_and_large(app):
    return seed(app, slug="small", problems=3), seed(app, slug="large", problems=60, measures=4)


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_query_count_does_not_grow_with_the_ledger(app, client, small_and_large, page):
    small, large = small_and_large
    assert queries_for(app, client, page.format(slug=small)) == queries_for(app, client, page.format(slug=large))


def test_home_page_runs_few_queries_cold_and_one_when_cached(app, client, small_and_large):
    """Cold: the versions, the campaign, four for the figures (categories, latest report, measure counts, problems),
    two for the opinion figures, one for the last ledger change (台账数据截至) and one for the filter's departments and
    leaders. Cached, a page asks for the public data versions only (the tests ask on every request:
    PUBLIC_VERSION_SECONDS = 0)."""
    small, large = small_and_large
    cold = [queries_for(app, client, f"/campaigns/{slug}/") for slug in (small, large)]
    warm = [queries_for(app, client, f"/campaigns/{slug}/") for slug in (small, large)]
    assert cold == [11, 11]
    assert warm == [1, 1]


def test_the_home_pages_list_of_campaigns_costs_the_same_for_two_campaigns_or_five(app, client, small_and_large):
    """The list (every campaign, measure counts grouped by campaign, last changes grouped by campaign) is three
    queries whatever the number of campaigns."""
    two = queries_for(app, client, "/")
    for number in range(3):
        seed(app, slug=f"more-{number}", problems=2)
    five = queries_for(app, client, "/")
    assert two == five == 14


def test_the_progress_page_runs_six_queries_whatever_the_history(app, client, small_and_large):
    """The versions, the campaign, three to read the measures' history once (measures, history, problems), the
    reports' snapshots; the last ledger change too when no other page of the version asked for it first."""
    small, large = small_and_large
    assert queries_for(app, client, f"/campaigns/{small}/progress") == 7
    assert queries_for(app, client, f"/campaigns/{large}/progress") == 7
    assert queries_for(app, client, f"/campaigns/{large}/progress") == 1


def test_home_page_reuses_the_versions_for_public_version_seconds(app, client, small_and_large):
    app.config["PUBLIC_VERSION_SECONDS"] = 60
    small, _large = small_and_large
    client.get(f"/campaigns/{small}/")
    assert queries_for(app, client, f"/campaigns/{small}/") == 0


def test_problem_page_runs_six_queries(app, client, small_and_large):
    """Six for the campaign, the problem, its measures, their progress, the opinion counts and the ratings, one for
    its published answers (none here), one for the last ledger change (once per campaign and data version), one for
    the public data versions; that one alone when cached."""
    small, large = small_and_large
    assert queries_for(app, client, f"/campaigns/{small}/problems/2") == 7 + 1 + 1
    assert queries_for(app, client, f"/campaigns/{large}/problems/59") == 7 + 1 + 1
    assert queries_for(app, client, f"/campaigns/{large}/problems/59") == 1


@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_one_query_when_cached(app, client, small_and_large, page):
    small, _large = small_and_large
    client.get(page.format(slug=small))
    assert queries_for(app, client, page.format(slug=small)) == 1


def test_default_home_page_is_cached_too(app, client, small_and_large):
    client.get("/")
    assert queries_for(app, client, "/") == 1
