from __future__ import annotations

from django.db import migrations

ENTERPRISE_ROLES = ["enterprise_admin", "mentor"]


def scope_grants_explicitly(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Enterprise grants without an organization used to borrow the holder's profile employer.
    Write that organization onto the grant (the scope it had, now fixed and changed only by a
    province admin); a grant that had no organization either way gave no scope and is removed,
    with an audit record."""
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    for grant in RoleGrant.objects.filter(role__in=ENTERPRISE_ROLES, organization__isnull=True).select_related("user"):
        if grant.user.organization_id:
            grant.organization_id = grant.user.organization_id
            grant.save(update_fields=["organization"])
            action, after = "account.role_grant", {"role": grant.role, "organization": grant.organization_id}
        else:
            grant.delete()
            action, after = "account.role_revoke", None
        AuditEvent.objects.create(
            action=action,
            target_type="accounts.user",
            target_id=str(grant.user_id),
            before={"role": grant.role, "organization": None},
            after=after,
            reason="migration 0003: enterprise grants name their organization",
        )


class Migration(migrations.Migration):
    # Its own migration: on PostgreSQL the rows it updates leave deferred foreign-key checks
    # pending, and the constraint added next alters the same table (not allowed in one transaction).
    dependencies = [("accounts", "0002_seed_regions")]

    operations = [migrations.RunPython(scope_grants_explicitly, migrations.RunPython.noop)]
