from django.urls import path

from bench.peers.drf import views

urlpatterns = [
    path("health", views.health),
    path("drf/grids", views.GridList.as_view()),
    path("drf/grids/<str:code>", views.GridDetail.as_view()),
]
