from django_filters import rest_framework as filters
from rest_framework import serializers, viewsets

from geo.codes import AreaLevel
from geo.mixins import JurisdictionScopedMixin
from geo.models import AdminArea


class AdminAreaSerializer(serializers.ModelSerializer[AdminArea]):
    parent_code = serializers.CharField(source="parent.code", default=None, read_only=True)
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = AdminArea
        fields = ["id", "code", "name", "level", "level_display", "parent_code", "valid_from", "valid_to"]


class AdminAreaFilter(filters.FilterSet):
    level = filters.ChoiceFilter(choices=AreaLevel.choices)
    parent = filters.CharFilter(field_name="parent__code", label="上级区划代码")
    code_prefix = filters.CharFilter(field_name="code", lookup_expr="startswith", label="代码前缀")
    active = filters.BooleanFilter(field_name="valid_to", lookup_expr="isnull", label="在用")

    class Meta:
        model = AdminArea
        fields = ["level", "parent", "code_prefix", "active"]


class AdminAreaViewSet(JurisdictionScopedMixin, viewsets.ReadOnlyModelViewSet[AdminArea]):
    """The areas inside the caller's own area (its subtree)."""

    queryset = AdminArea.objects.select_related("parent")
    serializer_class = AdminAreaSerializer
    filterset_class = AdminAreaFilter
    search_fields = ["name", "code"]
    ordering_fields = ["code", "name"]
