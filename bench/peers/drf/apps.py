from django.apps import AppConfig


class DrfPeerConfig(AppConfig):
    name = "bench.peers.drf"
    label = "grid_peer"
