"""At most one chief judge per event group.

A database made before this rule may hold several chief judges in one group: the one assigned
first (lowest id) stays chief, the others stay judges of the group (their assignments and marks
are kept; only the chief flag is cleared), so the constraint can be added. An organizer who
wanted another chief removes this one and invites or assigns the other."""

from __future__ import annotations

from django.conf import settings
from django.db import migrations, models


def keep_the_first_chief(apps, schema_editor) -> None:
    JudgeAssignment = apps.get_model("competitions", "JudgeAssignment")
    seen: set[int] = set()
    extra = []
    for assignment in JudgeAssignment.objects.filter(is_chief=True).order_by("event_group_id", "id"):
        if assignment.event_group_id in seen:
            extra.append(assignment.pk)
        seen.add(assignment.event_group_id)
    if extra:
        JudgeAssignment.objects.filter(pk__in=extra).update(is_chief=False)


class Migration(migrations.Migration):
    dependencies = [
        ("competitions", "0009_staff_invitations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(keep_the_first_chief, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="judgeassignment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_chief", True)), fields=("event_group",), name="one_chief_judge_per_group"
            ),
        ),
    ]
