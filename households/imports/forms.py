from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.errors import DomainError
from households.imports.selectors import import_area_choices
from households.imports.services import import_upload_check


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.parent.name} · {obj.name}（{obj.code}）" if obj.parent else str(obj)


class ImportUploadForm(forms.Form):
    """The upload page: the file, and the area it is imported into (the user's own area by default)."""

    file = forms.FileField(label=_("Excel 文件（.xlsx）"))
    area = AreaChoiceField(queryset=None, label=_("导入到"), empty_label=None, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_field = self.fields["area"]
        assert isinstance(area_field, forms.ModelChoiceField)
        area_field.queryset = import_area_choices(user=user)
        area_field.initial = user.area_id

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        try:
            import_upload_check(upload)
        except DomainError as exc:
            raise forms.ValidationError(exc.message) from exc
        return upload
