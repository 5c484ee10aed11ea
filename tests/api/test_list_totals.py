"""`total` of a list is exact on every page, whether it was counted or read off a short page."""

from __future__ import annotations

import httpx

from tests.api.support import API, bearer, make_token
from tests.factories import area_tree


async def test_total_is_exact_on_full_short_and_empty_pages(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    street_a = bearer(await make_token(tree, street="A"))  # street A has 4 grids

    async def page(number: int, size: int, **filters: str) -> tuple[int, int]:
        response = await client.get(
            f"{API}/grids",
            params={"page": number, "page_size": size, **filters},
            headers=street_a,
        )
        assert response.status_code == 200, response.text
        return len(response.json()["items"]), response.json()["total"]

    assert await page(1, 3) == (3, 4)  # full page: counted
    assert await page(2, 3) == (1, 4)  # short page: the last one
    assert await page(3, 3) == (0, 4)  # past the end: counted
    assert await page(1, 4) == (4, 4)  # exactly full
    assert await page(2, 4) == (0, 4)
    assert await page(1, 50) == (4, 4)  # short first page
    assert await page(1, 50, kind="unit") == (0, 0)  # nothing matches
    assert await page(1, 50, community=tree.communities["A1"]["code"]) == (2, 2)
