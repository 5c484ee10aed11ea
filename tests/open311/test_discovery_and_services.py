"""Discovery, the service list and service definitions, as the spec's examples show them."""

from __future__ import annotations

import httpx

from tests.factories import make_district, make_street
from tests.open311.conftest import BASE, City, errors_of, xml_root

SERVICE_FIELDS = [
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
]
SUPERVISION_CODES = {
    "supervision-government_work",
    "supervision-unit_social_responsibility",
    "supervision-residents_rights",
    "supervision-cadre_conduct",
}


async def test_discovery_names_the_endpoint_and_both_formats(client: httpx.AsyncClient) -> None:
    body = (await client.get(f"{BASE}/discovery.json")).json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    (endpoint,) = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]

    root = xml_root(await client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    endpoint_xml = root.find("endpoints/endpoint")
    assert endpoint_xml is not None
    assert endpoint_xml.findtext("url") == "http://testserver/open311/v2"
    assert [f.text for f in endpoint_xml.findall("formats/format")] == [
        "text/xml",
        "application/json",
    ]


async def test_services_are_the_streets_reportable_approved_entries_and_supervision(
    client: httpx.AsyncClient, city: City
) -> None:
    response = await client.get(f"{BASE}/services.json", params={"jurisdiction_id": city.street_a})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    services = response.json()
    assert all(list(service) == SERVICE_FIELDS for service in services)
    by_code = {service["service_code"]: service for service in services}
    # Approved and valid today, in a category residents report; never proposed, revoked,
    # expired, party-building or another street's entries.
    assert set(by_code) == {city.code("urban"), city.code("civil"), *SUPERVISION_CODES}
    urban = by_code[city.code("urban")]
    assert urban["service_name"] == "违章搭建巡查上报"
    assert urban["group"] == "城管"  # the department's line 条线
    assert urban["metadata"] is True  # it has attributes
    assert urban["type"] == "realtime"
    assert "区城市管理局" in urban["description"]
    assert by_code[city.code("civil")]["group"] == "民政"
    assert by_code["supervision-cadre_conduct"]["group"].startswith("社区监督")

    street_b = (
        await client.get(f"{BASE}/services.json", params={"jurisdiction_id": city.street_b})
    ).json()
    assert {s["service_code"] for s in street_b} == {city.code("b_urban"), *SUPERVISION_CODES}


async def test_services_in_xml(client: httpx.AsyncClient, city: City) -> None:
    response = await client.get(f"{BASE}/services.xml", params={"jurisdiction_id": city.street_a})
    root = xml_root(response)
    assert root.tag == "services"
    services = root.findall("service")
    assert [child.tag for child in services[0]] == SERVICE_FIELDS
    urban = next(s for s in services if s.findtext("service_code") == city.code("urban"))
    assert urban.findtext("metadata") == "true"
    assert urban.findtext("group") == "城管"
    assert urban.findtext("type") == "realtime"
    assert len(services) == 2 + len(SUPERVISION_CODES)


async def test_a_revoked_entry_leaves_the_service_list(
    client: httpx.AsyncClient, city: City
) -> None:
    from app.work.services import revoke_access_entry
    from tests.factories import make_user

    official = await make_user("jd")
    await revoke_access_entry(city.entries["urban"]["id"], "减负：并入城管执法", official["id"])
    services = (
        await client.get(f"{BASE}/services.json", params={"jurisdiction_id": city.street_a})
    ).json()
    assert city.code("urban") not in {s["service_code"] for s in services}


async def test_service_definition_with_attributes(client: httpx.AsyncClient, city: City) -> None:
    code = city.code("urban")
    body = (
        await client.get(f"{BASE}/services/{code}.json", params={"jurisdiction_id": city.street_a})
    ).json()
    assert body["service_code"] == code
    (problem,) = body["attributes"]
    assert list(problem) == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert problem["variable"] is True
    assert problem["code"] == "problem"
    assert problem["datatype"] == "singlevaluelist"
    assert problem["required"] is True
    assert problem["order"] == 1
    assert {"key": "rubbish", "name": "垃圾堆放 Dumped rubbish"} in problem["values"]

    root = xml_root(
        await client.get(f"{BASE}/services/{code}.xml", params={"jurisdiction_id": city.street_a})
    )
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == code
    attribute = root.find("attributes/attribute")
    assert attribute is not None
    assert attribute.findtext("variable") == "true"
    assert attribute.findtext("datatype") == "singlevaluelist"
    assert attribute.findtext("datatype_description") == ""
    keys = [v.findtext("key") for v in attribute.findall("values/value")]
    assert "illegal_construction" in keys and "rubbish" in keys


async def test_supervision_definition_asks_for_the_subject(
    client: httpx.AsyncClient, city: City
) -> None:
    body = (
        await client.get(
            f"{BASE}/services/supervision-cadre_conduct.json",
            params={"jurisdiction_id": city.street_a},
        )
    ).json()
    attributes = {a["code"]: a for a in body["attributes"]}
    assert attributes["subject"]["required"] is True
    assert attributes["subject"]["datatype"] == "string"
    assert attributes["anonymous"]["datatype"] == "singlevaluelist"
    assert [a["order"] for a in body["attributes"]] == [1, 2]


async def test_a_service_without_attributes_has_an_empty_definition(
    client: httpx.AsyncClient, city: City
) -> None:
    code = city.code("civil")
    services = (
        await client.get(f"{BASE}/services.json", params={"jurisdiction_id": city.street_a})
    ).json()
    civil = next(s for s in services if s["service_code"] == code)
    body = (
        await client.get(f"{BASE}/services/{code}.json", params={"jurisdiction_id": city.street_a})
    ).json()
    # Civil affairs asks an optional multi-value question.
    assert civil["metadata"] is True
    assert body["attributes"][0]["datatype"] == "multivaluelist"
    assert body["attributes"][0]["required"] is False


async def test_unknown_or_unlisted_services_are_404(client: httpx.AsyncClient, city: City) -> None:
    for code in (
        "garbage",
        "access-999999",
        city.code("proposed"),
        city.code("party"),
        city.code("b_urban"),  # street B's entry, asked in street A
        "supervision-nothing",
    ):
        for fmt in ("json", "xml"):
            response = await client.get(
                f"{BASE}/services/{code}.{fmt}", params={"jurisdiction_id": city.street_a}
            )
            assert response.status_code == 404, (code, fmt)
            ((_, description),) = errors_of(response)
            assert "service_code" in description


async def test_jurisdiction_is_required_when_there_are_several_streets(
    client: httpx.AsyncClient, city: City
) -> None:
    for fmt in ("json", "xml"):
        missing = await client.get(f"{BASE}/services.{fmt}")
        assert missing.status_code == 400
        assert "jurisdiction_id" in errors_of(missing)[0][1]
        unknown = await client.get(f"{BASE}/services.{fmt}", params={"jurisdiction_id": "999"})
        assert unknown.status_code == 404
        assert "jurisdiction_id 999 was not found" in errors_of(unknown)[0][1]


async def test_one_street_needs_no_jurisdiction(client: httpx.AsyncClient) -> None:
    await make_street(await make_district())
    services = (await client.get(f"{BASE}/services.json")).json()
    assert {s["service_code"] for s in services} == SUPERVISION_CODES


async def test_a_path_without_a_format_is_404(client: httpx.AsyncClient, city: City) -> None:
    response = await client.get(
        f"{BASE}/services/supervision-cadre_conduct", params={"jurisdiction_id": city.street_a}
    )
    assert response.status_code == 404
    assert ".json or .xml" in errors_of(response)[0][1]
