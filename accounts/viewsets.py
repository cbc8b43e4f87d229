"""Wagtail's user admin adapted to our user model: mobile number as login, one real-name field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet

from accounts.models import User
from accounts.validators import validate_mobile


class ShuzhiUserCreationForm(UserCreationForm):
    first_name = None
    last_name = None
    email = forms.EmailField(required=False, label=_("电子邮箱"))
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    mobile = forms.CharField(label=_("手机号"), max_length=11, validators=[validate_mobile])

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["mobile", "real_name", "email", "is_superuser", "groups"]


class ShuzhiUserEditForm(UserEditForm):
    first_name = None
    last_name = None
    email = forms.EmailField(required=False, label=_("电子邮箱"))
    real_name = forms.CharField(label=_("姓名"), max_length=50)
    mobile = forms.CharField(label=_("手机号"), max_length=11, validators=[validate_mobile])

    class Meta(UserEditForm.Meta):
        model = User
        fields = ["mobile", "real_name", "email", "is_active", "is_superuser", "groups"]


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update: bool = False) -> type[forms.ModelForm]:
        return ShuzhiUserEditForm if for_update else ShuzhiUserCreationForm
