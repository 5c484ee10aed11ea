"""The shared test tree is valid: codes nest, grids sit inside their communities."""

from app.geo import lies_within, parse_polygon
from tests.factories import area_tree


async def test_area_tree_codes_nest_and_grids_lie_inside_communities() -> None:
    tree = await area_tree()
    for key, grid in tree.grids.items():
        community = tree.communities[key.split("-")[0]]
        assert grid["code"].startswith(community["code"])
        assert lies_within(parse_polygon(grid["boundary"]), parse_polygon(community["boundary"]))
