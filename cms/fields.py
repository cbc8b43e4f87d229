"""Model fields used by the pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from wagtail.fields import RichTextField

from cms.sanitize import clean_html


class ChoiceListField(models.JSONField):
    """A JSON list of values from a fixed set of choices, edited as checkboxes.

    Stored as JSON so one query reads it and the LMS can filter in Python without joins; the
    `base_choices` are validated on save via the form and `validate()`.
    """

    def __init__(self, *args: Any, base_choices: Any = None, **kwargs: Any) -> None:
        self.base_choices = list(base_choices or [])
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        kwargs["base_choices"] = self.base_choices
        return name, path, args, kwargs

    def validate(self, value: Any, model_instance: Any) -> None:
        super().validate(value, model_instance)
        allowed = {key for key, _label in self.base_choices}
        if not isinstance(value, list) or any(item not in allowed for item in value):
            raise forms.ValidationError("无效的选项")

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field:
        """Always checkboxes over `base_choices`, whatever form class a caller asks for."""
        return forms.MultipleChoiceField(
            choices=self.base_choices,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
            widget=forms.CheckboxSelectMultiple,
        )


class SafeRichTextField(RichTextField):
    """A RichTextField whose HTML is sanitized whenever it is written to the database."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return clean_html(value) if isinstance(value, str) else value
