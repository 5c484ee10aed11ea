"""Token authentication, scoping, serializers and views of the DRF peer."""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse
from rest_framework import generics, pagination, serializers
from rest_framework.response import Response

from app.areas.rules import size_warning_message
from bench.peers.drf.models import ApiToken, ResponsibilityGrid


def scoped_grids(token: ApiToken) -> Any:
    grids = ResponsibilityGrid.objects.all()
    if token.scope == "community":
        return grids.filter(community_id=token.community)
    return grids.filter(community__street=token.street)


class GridSerializer(serializers.ModelSerializer):
    size_warning_message = serializers.SerializerMethodField()

    class Meta:
        model = ResponsibilityGrid
        fields = [
            "id",
            "code",
            "name",
            "community",
            "kind",
            "household_count",
            "size_warning",
            "size_warning_message",
            "responsible_organisation",
            "boundary",
            "min_lon",
            "min_lat",
            "max_lon",
            "max_lat",
            "created_at",
        ]

    def get_size_warning_message(self, grid: ResponsibilityGrid) -> str:
        return size_warning_message(grid.kind, grid.household_count)


class Page(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "items": data,
                "total": self.page.paginator.count,
                "page": self.page.number,
                "page_size": self.get_page_size(self.request),
            }
        )


class GridList(generics.ListAPIView):
    serializer_class = GridSerializer
    pagination_class = Page

    def get_queryset(self) -> Any:
        grids = scoped_grids(self.request.auth)
        community = self.request.query_params.get("community")
        if community:
            grids = grids.filter(community__code=community)
        return grids.order_by("code", "id")


class GridDetail(generics.RetrieveAPIView):
    serializer_class = GridSerializer
    lookup_field = "code"

    def get_queryset(self) -> Any:
        return scoped_grids(self.request.auth)


def health(request: Any) -> JsonResponse:
    return JsonResponse({"status": "ok"})
