"""Agreements from a CSV file: read and checked in bulk outside any write transaction, then written
in short batches that keep the import all or nothing (tracker.admin.imports is its form).

- New rows become agreements with their first status step, written unpublished; they go public
  together, when a second editor approves the import (or at once when none is required).
- A row for an existing agreement must carry the version the file was exported at: a record
  changed since is refused, never overwritten. Its own fields change at once; its value and its
  tie to the target, which readers see, are proposed for review; its status cannot change here.
- The admin's own export reads back unchanged: the guard the export puts before a cell that
  starts like a formula is removed again.
"""

import csv
import datetime
import hashlib
import io
import re
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from ..counting import recount
from ..models import Agreement, AgreementParty, DateAccuracy, Party, Sector, Source, StatusChange
from ..spreadsheet import FORMULA_PREFIXES
from . import reviews
from .status import status_change_problems, target_link_problems

SEPARATOR = ";"
ROLE_SEPARATOR = ":"
IMPORT_NOTE = "Recorded by CSV import."
MAX_BYTES = 4 * 2**20
MAX_ROWS = 2000
BATCH = 10  # rows per write transaction: each holds SQLite's write lock for about 0.2 s
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PLAIN_NUMBER = re.compile(r"^\d+(\.\d+)?$")

# The columns, in the export's order; `commitments` is written by the export and never read (a
# link to a commitment is a claim with its own basis, note and sources).
COLUMNS = [
    "slug",
    "version",
    "title",
    "description",
    "instrument",
    "status",
    "signed_on",
    "signed_on_accuracy",
    "amount",
    "currency",
    "value_exactness",
    "value_as_reported",
    "value_reading",
    "target_link",
    "target_link_sources",
    "target_link_note",
    "is_aggregate",
    "part_of",
    "part_of_basis",
    "part_of_note",
    "sectors",
    "sources",
    "parties",
    "commitments",
]
REQUIRED = ["slug", "title", "description", "instrument", "sources"]
OWN_FIELDS = ["title", "description", "instrument"]  # changed at once on an existing agreement


class ImportProblem(Exception):
    """The file cannot be read at all (not CSV, too large, columns missing)."""


def digest(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode(upload):
    """The upload's text, refused if too large or not UTF-8."""
    if upload.size > MAX_BYTES:
        raise ImportProblem(
            _("The file is %(size).1f MB; the limit is %(limit)d MB. Split it.")
            % {"size": upload.size / 2**20, "limit": MAX_BYTES // 2**20}
        )
    try:
        return upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblem(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from None


def unguarded(text):
    """A cell as the editor wrote it: the export's ' before =, +, - or @ taken off again."""
    text = (text or "").strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
        return text[1:]
    return text


def split(text):
    return [part.strip() for part in (text or "").split(SEPARATOR) if part.strip()]


@dataclass
class Row:
    number: int
    values: dict
    problems: list = field(default_factory=list)
    action: str = ""  # new, update, unchanged
    changes: list = field(default_factory=list)  # (column, old, new) for an update
    agreement: Agreement | None = None
    proposals: dict = field(default_factory=dict)
    sources: list = field(default_factory=list)
    sectors: list = field(default_factory=list)
    target_link_sources: list = field(default_factory=list)
    roles: list = field(default_factory=list)  # (party, role)

    def problem(self, column, message):
        self.problems.append((column, message))


def read(text):
    """Every row of the file with all its problems, checked with a handful of queries for the
    whole file. Raises ImportProblem when the file itself cannot be read."""
    try:
        reader = csv.DictReader(io.StringIO(text))
        header = [name.strip() for name in (reader.fieldnames or [])]
        raw = list(reader)
    except csv.Error as error:
        raise ImportProblem(_("This is not a readable CSV file: %(error)s") % {"error": error}) from error
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ImportProblem(_("Columns missing: %(columns)s.") % {"columns": ", ".join(missing)})
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise ImportProblem(
            _("Unknown columns: %(columns)s. The format page lists every column.")
            % {"columns": ", ".join(unknown)}
        )
    if not raw:
        raise ImportProblem(_("The file has a header but no rows."))
    if len(raw) > MAX_ROWS:
        raise ImportProblem(
            _("The file has %(rows)d rows; the limit is %(limit)d. Split it.")
            % {"rows": len(raw), "limit": MAX_ROWS}
        )
    rows = [
        Row(number, {name.strip(): unguarded(value) for name, value in values.items() if name})
        for number, values in enumerate(raw, start=2)
    ]
    known = _known(rows)
    seen = set()
    for row in rows:
        slug = row.values.get("slug", "")
        if slug in seen:
            row.problem("slug", _("“%(slug)s” appears twice in the file.") % {"slug": slug})
        seen.add(slug)
        _check(row, known)
    return rows


def _known(rows):
    """Everything the rows refer to, loaded at once."""

    def wanted(column, many=True):
        return {
            slug
            for row in rows
            for slug in (split(row.values.get(column)) if many else [row.values.get(column, "")])
            if slug
        }

    party_slugs = {
        item.split(ROLE_SEPARATOR, 1)[0].strip() for row in rows for item in split(row.values.get("parties"))
    }
    existing = Agreement.objects.in_bulk(
        wanted("slug", many=False) | wanted("part_of", many=False), field_name="slug"
    )
    return {
        "existing": existing,
        "packages_in_file": {
            row.values.get("slug") for row in rows if row.values.get("is_aggregate") in ("1", "true", "True")
        },
        "sources": Source.objects.in_bulk(
            wanted("sources") | wanted("target_link_sources"), field_name="slug"
        ),
        "sectors": Sector.objects.in_bulk(wanted("sectors"), field_name="slug"),
        "parties": Party.objects.in_bulk(party_slugs, field_name="slug"),
        "roles": {
            (agreement_id, party_id, role)
            for agreement_id, party_id, role in AgreementParty.objects.filter(
                agreement__in=[a.pk for a in existing.values()]
            ).values_list("agreement", "party", "role")
        },
        "target_sources": {
            (link.agreement_id, link.source_id)
            for link in Agreement.target_link_sources.through.objects.filter(
                agreement__in=[a.pk for a in existing.values()]
            )
        },
    }


def _references(row, column, table, noun):
    found = []
    for slug in split(row.values.get(column)):
        if slug in table:
            found.append(table[slug])
        else:
            row.problem(column, _("No %(noun)s “%(slug)s”.") % {"noun": noun, "slug": slug})
    return found


def _date(row, column):
    text = row.values.get(column, "")
    if not text:
        return None
    if not ISO_DATE.match(text):
        row.problem(
            column,
            _(
                "“%(text)s” is not a date written YYYY-MM-DD (for example 2026-02-01); 01/02/2026 could be "
                "1 February or 2 January, so only that form is read."
            )
            % {"text": text},
        )
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        row.problem(column, _("“%(text)s” is not a real date.") % {"text": text})
        return None


def _amount(row):
    text = row.values.get("amount", "")
    if not text:
        return None
    if not PLAIN_NUMBER.match(text):
        row.problem(
            "amount",
            _(
                "“%(text)s” is not a plain number: write digits and at most one decimal point, without "
                "spaces, commas or a currency sign (1200000 or 1200000.50)."
            )
            % {"text": text},
        )
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        row.problem("amount", _("“%(text)s” is not a number.") % {"text": text})
        return None


def _check(row, known):
    values = row.values
    slug = values.get("slug", "")
    current = known["existing"].get(slug)
    row.sources = _references(row, "sources", known["sources"], _("source"))
    row.target_link_sources = _references(row, "target_link_sources", known["sources"], _("source"))
    row.sectors = _references(row, "sectors", known["sectors"], _("sector"))
    for item in split(values.get("parties")):
        party_slug, _sep, role = (part.strip() for part in item.partition(ROLE_SEPARATOR))
        party = known["parties"].get(party_slug)
        if party is None or role not in AgreementParty.Role.values:
            row.problem(
                "parties",
                _(
                    "“%(item)s” is not a known party with a role: write party-slug:role, the role one of "
                    "%(roles)s."
                )
                % {"item": item, "roles": ", ".join(AgreementParty.Role.values)},
            )
        else:
            row.roles.append((party, role))
    if not row.sources:
        row.problem("sources", _("Cite at least one source (slugs separated by “;”)."))

    candidate = Agreement(**({} if current is None else _own_values(current)))
    candidate.slug = slug
    for name in (
        "title",
        "description",
        "instrument",
        "value_as_reported",
        "value_reading",
        "target_link_note",
        "part_of_basis",
        "part_of_note",
        "currency",
        "value_exactness",
        "signed_on_accuracy",
    ):
        if name in values:
            setattr(candidate, name, values[name])
    if "amount" in values:
        candidate.amount = _amount(row)
    if "signed_on" in values:
        candidate.signed_on = _date(row, "signed_on")
    if "signed_on" in values and not values.get("signed_on_accuracy"):
        candidate.signed_on_accuracy = DateAccuracy.EXACT if candidate.signed_on else DateAccuracy.UNKNOWN
    if "is_aggregate" in values:
        if values["is_aggregate"] not in ("", "0", "1", "true", "false", "True", "False"):
            row.problem("is_aggregate", _("Write 1 for a package, 0 or nothing otherwise."))
        candidate.is_aggregate = values["is_aggregate"] in ("1", "true", "True")
    if values.get("part_of"):
        package = known["existing"].get(values["part_of"])
        in_file = current is None and values["part_of"] in known["packages_in_file"]
        if package is None and not in_file:
            row.problem(
                "part_of",
                _("No package “%(slug)s” (in the tracker or this file).") % {"slug": values["part_of"]},
            )
        # A package later in the file has no id yet: the link is made once it is written.
        candidate.part_of_id = package.pk if package else (-1 if in_file else None)
        row.part_of_slug = values["part_of"]
    elif "part_of" in values:
        candidate.part_of_id = None
    link = values.get("target_link") or (current.target_link if current else Agreement.TargetLink.NOT_STATED)
    candidate.target_link = link
    status = values.get("status") or (current.status if current else "")
    candidate.status = status or Agreement.Status.REPORTED

    exclude = ["slug", "part_of", "yen_rate"]
    try:
        candidate.clean_fields(exclude=exclude)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            row.problem(name, " ".join(messages))
    try:
        candidate.clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            row.problem(name, " ".join(messages))
    if link in Agreement.TargetLink.values:
        for name, message in target_link_problems(target_link=link, sources=row.target_link_sources).items():
            row.problem(name, message)

    if current is None:
        row.action = "new"
        if not values.get("status"):
            row.problem("status", _("A new agreement needs its status (its first timeline step)."))
        elif not _column_problems(row, "sources"):
            step = first_step(candidate, row.sources)
            for code, message in status_change_problems(
                subject=Agreement(), new_status=status, **step
            ).items():
                row.problem(code if code in values else "status", message)
        row.agreement = candidate
        return
    # An existing agreement: only from the version the file was exported at.
    version = values.get("version", "")
    if version != str(current.version):
        row.problem(
            "version",
            _(
                "“%(slug)s” is at version %(current)d and this row says %(given)s: someone changed it after "
                "the file was exported. Export it again and redo the change, so theirs is not lost."
            )
            % {"slug": slug, "current": current.version, "given": version or _("nothing")},
        )
    if values.get("status") and values["status"] != current.status:
        row.problem(
            "status",
            _(
                "Differs from its current “%(status)s”: change a status on its status form, with its date, "
                "note and sources."
            )
            % {"status": current.get_status_display()},
        )
    row.agreement = current
    row.candidate = candidate
    _describe_update(row, current, candidate, known)


def _column_problems(row, column):
    return [message for name, message in row.problems if name == column]


def _own_values(agreement):
    return {
        f.attname: getattr(agreement, f.attname) for f in Agreement._meta.concrete_fields if not f.primary_key
    }


def _describe_update(row, current, candidate, known):
    """What the row changes on an existing agreement, in three parts: its own fields (at once), its
    value and tie (proposals), links (added, never removed)."""
    changes = []
    for name in OWN_FIELDS:
        if getattr(candidate, name) != getattr(current, name):
            changes.append((name, getattr(current, name), getattr(candidate, name)))
    value = {
        name: getattr(candidate, Agreement._meta.get_field(name).attname) for name in reviews.VALUE_FIELDS
    }
    if any(value[name] != getattr(current, Agreement._meta.get_field(name).attname) for name in value):
        row.proposals["value"] = value
        changes.append(("value", "", _("proposed for review")))
    tie_sources = {source.pk for source in row.target_link_sources}
    had = {source_id for agreement_id, source_id in known["target_sources"] if agreement_id == current.pk}
    if (candidate.target_link, candidate.target_link_note) != (
        current.target_link,
        current.target_link_note,
    ) or ("target_link_sources" in row.values and tie_sources != had):
        row.proposals["target_link"] = (candidate.target_link, candidate.target_link_note)
        changes.append(("target_link", current.get_target_link_display(), _("proposed for review")))
    new_roles = [(p, r) for p, r in row.roles if (current.pk, p.pk, r) not in known["roles"]]
    row.roles = new_roles
    if new_roles:
        changes.append(("parties", "", ", ".join(f"{p.slug}:{r}" for p, r in new_roles)))
    row.changes = changes
    row.action = "update" if changes else "unchanged"


def first_step(agreement, sources):
    """The first status step of an imported agreement: dated by its signing date, if any."""
    return {
        "effective_on": agreement.signed_on,
        "date_accuracy": agreement.signed_on_accuracy if agreement.signed_on else DateAccuracy.UNKNOWN,
        "note": IMPORT_NOTE,
        "sources": sources,
    }


def write(rows, *, user):
    """Write checked rows: new agreements in batches (unpublished until the whole file is in), then
    one short transaction for updates, proposals and publication. A failure removes what earlier
    batches wrote, so the import is all or nothing. Returns (created, updated, proposals)."""
    if any(row.problems for row in rows):
        raise ValidationError(_("The file has problems; nothing was imported."))
    new = [row for row in rows if row.action == "new"]
    created = []
    try:
        for start in range(0, len(new), BATCH):
            if start:
                yield_the_lock()
            with transaction.atomic():
                created += [_create(row, user) for row in new[start : start + BATCH]]
        with transaction.atomic():
            _link_packages(new)
            recount([agreement.pk for agreement in created])
            updated, proposals = _update_existing(rows, user)
            if created:
                proposals.append(
                    reviews.propose_publication(
                        records=created,
                        note=_("Imported from a CSV file: %(count)d new agreements.")
                        % {"count": len(created)},
                        user=user,
                    )
                )
    except Exception:
        _remove([agreement.pk for agreement in created])
        raise
    return created, updated, proposals


def yield_the_lock():
    """Between two batches, let the editors waiting for SQLite's one write lock take it: its busy
    handler polls, so a writer that starts its next transaction at once would win every time.
    PostgreSQL locks rows, and other editors never wait for an import there."""
    if connection.vendor == "sqlite":
        time.sleep(0.2)


def _create(row, user):
    agreement = row.agreement
    agreement.is_published = False
    agreement.part_of_id = None  # linked once every package of the file exists (_link_packages)
    agreement._change_reason = IMPORT_NOTE
    agreement.save(recount=False)
    agreement.sources.set(row.sources)
    if row.sectors:
        agreement.sectors.set(row.sectors)
    if row.target_link_sources:
        agreement.target_link_sources.set(row.target_link_sources)
    for party, role in row.roles:
        AgreementParty.objects.create(agreement=agreement, party=party, role=role).sources.set(row.sources)
    step = first_step(agreement, row.sources)
    change = StatusChange.objects.create(
        agreement=agreement,
        effective_on=step["effective_on"],
        date_accuracy=step["date_accuracy"],
        new_status=agreement.status,
        note=IMPORT_NOTE,
        recorded_by=user,
    )
    change.sources.set(row.sources)
    return agreement


def _link_packages(new):
    by_slug = {}
    for row in new:
        by_slug[row.agreement.slug] = row.agreement
    for row in new:
        slug = getattr(row, "part_of_slug", "")
        if not slug:
            continue
        package = by_slug.get(slug) or Agreement.objects.get(slug=slug)
        row.agreement.part_of = package
        row.agreement.save(
            update_fields=["part_of", "part_of_basis", "part_of_note", "updated_at"], recount=False
        )


def _update_existing(rows, user):
    updated, proposals = 0, []
    for row in rows:
        if row.action != "update":
            continue
        agreement = Agreement.objects.select_for_update().get(pk=row.agreement.pk)
        if str(agreement.version) != row.values.get("version"):
            raise reviews.StaleProposal(
                _("“%(slug)s” changed since the preview: nothing was imported.") % {"slug": agreement.slug}
            )
        own = [name for name, _old, _new in row.changes if name in OWN_FIELDS]
        for name in own:
            setattr(agreement, name, getattr(row.candidate, name))
        agreement.version += 1
        agreement._change_reason = IMPORT_NOTE
        agreement.save()
        for party, role in row.roles:
            AgreementParty.objects.create(agreement=agreement, party=party, role=role).sources.set(
                row.sources
            )
        if "value" in row.proposals:
            proposals.append(
                reviews.propose_value(
                    agreement=agreement,
                    values=row.proposals["value"],
                    note=IMPORT_NOTE,
                    sources=row.sources,
                    user=user,
                )
            )
        if "target_link" in row.proposals:
            link, note = row.proposals["target_link"]
            proposals.append(
                reviews.propose_target_link(
                    agreement=agreement,
                    target_link=link,
                    target_link_note=note,
                    sources=row.target_link_sources,
                    user=user,
                )
            )
        updated += 1
    return updated, proposals


def _remove(ids):
    """Take back what an import that failed part-way wrote: unpublished records no reader saw."""
    if not ids:
        return
    with transaction.atomic():
        for agreement in Agreement.objects.filter(pk__in=ids, is_published=False):
            agreement.delete()
