"""The alternative users would pick: Django REST framework over the same tables.

Unmanaged models (Django never changes the schema), token authentication against the
product's api_token table, the token's street or community scope applied to every queryset,
DRF serializers and page-number pagination shaped like the product's pages. Served by
gunicorn with its default (sync) workers:

    DATABASE_URL=postgresql://… DJANGO_SETTINGS_MODULE=bench.peers.drf.settings \\
        gunicorn --workers 1 bench.peers.drf.wsgi:application
"""
