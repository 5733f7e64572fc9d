"""The two editors' roles and what each may do. Kept in step with the models after every
`migrate`, so a model added later reaches its role without a new data migration."""

EDITOR = "Editor"
ADMINISTRATOR = "Administrator"

# What editors maintain: they add and change these, and delete nothing.
EDITED = [
    "commitment",
    "agreement",
    "agreementparty",
    "agreementcommitment",
    "statuschange",
    "source",
    "party",
    "exchangerate",
    "reportedfigure",
    "sector",
    "countryassessment",
]
# Reference data editors may read but not change.
READ_ONLY = ["leader", "summit", "priorityarea", "chapter", "target", "mechanism", "statement"]


def editor_codenames():
    codenames = [f"{action}_{model}" for model in EDITED for action in ("add", "change", "view")]
    codenames += [f"view_{model}" for model in READ_ONLY]
    codenames += [f"view_historical{model}" for model in EDITED + READ_ONLY]
    # Removing a mistaken party or link from an agreement is an ordinary, audited edit.
    codenames += ["delete_agreementparty", "delete_agreementcommitment"]
    # Proposals are made from the records' own forms; editors read them and review others'.
    codenames += ["view_proposal", "change_proposal", "view_historicalproposal"]
    return codenames


def sync_roles(*, using="default", **kwargs):
    """Give Editors their permissions and Administrators every permission there is now."""
    from django.contrib.auth.models import Group, Permission

    editor, _ = Group.objects.using(using).get_or_create(name=EDITOR)
    editor.permissions.set(
        Permission.objects.using(using).filter(
            content_type__app_label="tracker", codename__in=editor_codenames()
        )
    )
    administrator, _ = Group.objects.using(using).get_or_create(name=ADMINISTRATOR)
    administrator.permissions.set(Permission.objects.using(using).all())
