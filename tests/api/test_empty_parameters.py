"""An empty query parameter (`kind=`, as HTML forms send it) means "not given" in /api/v1."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import httpx

from app.system.empty_params import without_empty_values
from tests.api.support import API, bearer, make_token
from tests.factories import area_tree


async def test_empty_filters_sort_and_paging_are_not_given(client: httpx.AsyncClient) -> None:
    tree = await area_tree()
    street_a = bearer(await make_token(tree, street="A"))  # street A has 4 grids

    async def codes(query: str) -> list[str]:
        response = await client.get(f"{API}/grids?{query}", headers=street_a)
        assert response.status_code == 200, (query, response.text)
        return sorted(row["code"] for row in response.json()["items"])

    everything = await codes("")
    assert len(everything) == 4
    assert await codes("kind=&community=&sort=&page=&page_size=") == everything
    assert await codes("kind=+&community=%20") == everything  # blank is empty too
    one_community = await codes(f"community={tree.communities['A1']['code']}&kind=")
    assert len(one_community) == 2 and set(one_community) < set(everything)
    # A value that is there but wrong is still refused, naming the parameter.
    response = await client.get(f"{API}/grids?page=0&kind=", headers=street_a)
    assert response.status_code == 400
    assert "page" in response.text


def test_only_the_empty_pairs_are_dropped_bytes_kept() -> None:
    assert without_empty_values(b"") == b""
    assert without_empty_values(b"a=1&b=&c=%E7%BD%91") == b"a=1&c=%E7%BD%91"
    assert without_empty_values(b"a=1&a=2") == b"a=1&a=2"  # untouched when nothing is empty
    assert without_empty_values(b"q=&q=x") == b"q=x"
    assert without_empty_values(b"b=&c=") == b""


def test_the_quick_check_agrees_with_reading_every_pair() -> None:
    """Plain query strings skip the parsing; every case reads as parsing it all would."""

    def parsed(query: bytes) -> bytes:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="latin-1")
        kept = [(name, value) for name, value in pairs if value.strip()]
        return query if len(kept) == len(pairs) else urlencode(kept, encoding="latin-1").encode()

    pieces = [
        b"a=1",
        b"b=",
        b"c",
        b"=x",
        b"d=+",
        b"e=%20",
        b"f=%09",
        b"g=\xa0",
        b"h=\x85",
        b"i=\x1f",
        b"j=a=b",
        b"k= ",
        b"l=x%41",
        b"",
        b"m=\xe7\xbd\x91",
        b"n=-1,2",
    ]
    for first in pieces:
        for second in pieces:
            for third in (b"", b"p=2", b"q="):
                query = b"&".join(part for part in (first, second, third) if part is not None)
                assert without_empty_values(query) == parsed(query), query
