from __future__ import annotations

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_enterprise_grants_name_their_organization")]

    operations = [
        migrations.AddConstraint(
            model_name="rolegrant",
            constraint=models.CheckConstraint(
                condition=models.Q(("role__in", ["enterprise_admin", "mentor"]), _negated=True)
                | models.Q(("organization__isnull", False)),
                name="enterprise_grant_has_organization",
            ),
        ),
        migrations.CreateModel(
            name="EmploymentRequest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "待确认"),
                            ("accepted", "已确认"),
                            ("rejected", "已拒绝"),
                            ("withdrawn", "已撤回"),
                        ],
                        default="pending",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="申请时间")),
                ("decided_at", models.DateTimeField(blank=True, null=True, verbose_name="处理时间")),
                ("reason", models.TextField(blank=True, verbose_name="说明")),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="employment_requests",
                        to="accounts.organization",
                        verbose_name="申请加入的单位",
                    ),
                ),
                (
                    "person",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="employment_requests",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "任职申请",
                "verbose_name_plural": "任职申请",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status", "pending")),
                        fields=("person",),
                        name="one_pending_employment_request",
                    )
                ],
            },
        ),
    ]
