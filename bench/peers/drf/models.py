"""The product's tables as unmanaged Django models (only the columns the peer reads)."""

from django.db import models


class Community(models.Model):
    code = models.CharField(max_length=12)
    name = models.CharField(max_length=100)
    street = models.IntegerField(db_column="street")

    class Meta:
        managed = False
        db_table = "community"


class ResponsibilityGrid(models.Model):
    code = models.CharField(max_length=15)
    name = models.CharField(max_length=100)
    community = models.ForeignKey(Community, models.DO_NOTHING, db_column="community")
    kind = models.CharField(max_length=16)
    household_count = models.IntegerField()
    size_warning = models.BooleanField()
    responsible_organisation = models.CharField(max_length=200)
    boundary = models.JSONField(null=True)
    min_lon = models.FloatField(null=True)
    min_lat = models.FloatField(null=True)
    max_lon = models.FloatField(null=True)
    max_lat = models.FloatField(null=True)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "responsibility_grid"


class ApiToken(models.Model):
    prefix = models.CharField(max_length=16)
    secret_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=16)
    street = models.IntegerField(db_column="street")
    community = models.IntegerField(db_column="community", null=True)
    can_write = models.BooleanField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True)

    class Meta:
        managed = False
        db_table = "api_token"
