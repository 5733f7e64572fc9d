"""Loading the summit's data from fixtures/: all or nothing, checked, with an audit record each."""

import json
from pathlib import Path

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from ..method import definitions_for, evidence_problem
from ..models import AgreementCommitment, CountryAssessment, ExchangeRate, Source, StatusChange
from ..models.base import TRANSLATED_LANGUAGES, Translatable
from .assessments import assessment_problems
from .editing import claim_version
from .status import commitment_link_problems

FIXTURE = "tokyo_summit"
FIXTURE_REASON = f"Loaded from fixtures/{FIXTURE}.json"


class FixtureProblem(Exception):
    """The fixture cannot be loaded as it stands; the database was left as it was."""


def fixture_path(name=FIXTURE):
    for folder in settings.FIXTURE_DIRS:
        path = Path(folder) / f"{name}.json"
        if path.exists():
            return path
    raise FixtureProblem(f"No fixture {name}.json in {', '.join(map(str, settings.FIXTURE_DIRS))}.")


def describe(record):
    natural = record.get("fields", {}).get("slug") or record.get("fields", {}).get("uid") or "?"
    return f"{record.get('model', '?')} “{natural}”"


@transaction.atomic
def load_fixture(path, *, reason):
    """Create or update every record of the fixture at `path` (by natural key) and give each an
    audit record with `reason`. Returns the number of records loaded. Raises FixtureProblem,
    with the database unchanged, on anything it cannot load as it stands.

    Records are validated field by field before saving, so a value the database would take on
    SQLite but refuse on PostgreSQL (an over-long text, say) is refused on both.
    """
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FixtureProblem(f"{path} is not readable JSON: {exc}") from exc
    if not isinstance(records, list):
        raise FixtureProblem(f"{path} must hold a list of records.")
    now = timezone.now()
    loaded = []
    try:
        # Records come in dependency order, so every natural key names a record already loaded
        # and a key that names nothing fails here, by name.
        objects = serializers.deserialize("python", records)
        for record, item in zip(records, objects, strict=True):
            obj = item.object
            keep_unlisted_values(obj, listed=set(record.get("fields", {})), now=now)
            try:
                obj.clean_fields()
            except ValidationError as exc:
                raise FixtureProblem(f"{describe(record)}: {format_errors(exc)}") from exc
            obj.skip_history_when_saving = True  # one whole audit record per object, below
            created = obj.pk is None
            item.save()
            loaded.append((obj, created))
            if isinstance(obj, Translatable):
                obj.listed_fields = set(record.get("fields", {}))
    except FixtureProblem:
        raise
    except (serializers.base.DeserializationError, ValidationError, IntegrityError, DatabaseError) as exc:
        raise FixtureProblem(f"{path}: {exc}") from exc

    check_status_evidence()
    check_commitment_links()
    check_assessments()
    attach_archived_copies([obj for obj, _created in loaded if isinstance(obj, Source)], Path(path).parent)
    apply_translations([obj for obj, _created in loaded], Path(path).parent / "translations")
    for obj, created in loaded:
        del obj.skip_history_when_saving
        obj._change_reason = reason
        obj.save()  # an ordinary save: audited whole, timestamps real, derived values computed
        if created:  # that save was the second write of a new record: audit it as its creation
            obj.history.filter(pk=obj.history.latest().pk).update(history_type="+")
    return len(loaded)


def record_key(obj):
    """How a translation file names a record: its slug, a status change's uid, "USD@2025-12-20"
    for an exchange rate, "agreement>commitment" for a link between the two."""
    if isinstance(obj, AgreementCommitment):
        return f"{obj.agreement.slug}>{obj.commitment.slug}"
    if isinstance(obj, ExchangeRate):
        return f"{obj.currency}@{obj.effective_on.isoformat()}"
    return getattr(obj, "slug", None) or str(getattr(obj, "uid", ""))


def apply_translations(objects, folder):
    """Give the fixture's records the translations in `folder`/<language>.json: a list of
    {model, key, field, en, text}, where `en` is the English the text translates. A translation of
    English that has changed since is loaded and shown as out of date."""
    by_key = {
        (obj._meta.label_lower, record_key(obj)): obj for obj in objects if isinstance(obj, Translatable)
    }
    for language in TRANSLATED_LANGUAGES:
        path = folder / f"{language}.json"
        if not path.exists():
            continue
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise FixtureProblem(f"{path} is not readable JSON: {exc}") from exc
        # A translation the fixture's record gives itself ("name_ja") translates the fixture's English.
        translated_from = {
            obj: {field: getattr(obj, field) for field in obj.translated_fields}
            for obj in by_key.values()
            if {f"{field}_{language}" for field in obj.translated_fields} & obj.listed_fields
        }
        for number, entry in enumerate(entries if isinstance(entries, list) else [None], start=1):
            if not isinstance(entry, dict) or not {"model", "key", "field", "en", "text"} <= set(entry):
                raise FixtureProblem(f"{path}, entry {number}: needs model, key, field, en and text.")
            obj = by_key.get((entry["model"], entry["key"]))
            if obj is None:
                raise FixtureProblem(
                    f"{path}, entry {number}: no {entry['model']} “{entry['key']}” in the fixture."
                )
            if entry["field"] not in obj.translated_fields:
                raise FixtureProblem(
                    f"{path}, entry {number}: {entry['model']} has no translated field “{entry['field']}”."
                )
            setattr(obj, f"{entry['field']}_{language}", entry["text"])
            translated_from.setdefault(obj, {})[entry["field"]] = entry["en"]
        for obj, english in translated_from.items():
            try:
                obj.clean_fields()
            except ValidationError as exc:
                raise FixtureProblem(
                    f"{path}, {obj._meta.label_lower} “{record_key(obj)}”: {format_errors(exc)}"
                ) from exc
            setattr(obj, f"translated_from_{language}", obj.english_digest(english))
            obj.translation_sources_given = True


def keep_unlisted_values(obj, *, listed, now):
    """Fields the fixture does not list keep what the database holds (an editor's review date,
    the record's creation time); a reloaded record gets a new version, so an editor's form
    opened before the reload is refused instead of overwriting it."""
    model = type(obj)
    unlisted = [f.attname for f in model._meta.concrete_fields if not f.primary_key and f.name not in listed]
    # values() with no field names would return every field and undo the fixture's own values.
    # Locked until the load commits, so the version read here is still the record's at the claim:
    # an editor's save waits, then is refused as stale rather than lost or failing the load.
    rows = model._default_manager.filter(pk=obj.pk).order_by().select_for_update(of=("self",))
    current = rows.values(*unlisted).first() if obj.pk and unlisted else None
    if current:
        for attname, value in current.items():
            setattr(obj, attname, value)
        if "version" in current:
            claim_version(obj, current["version"])
    for field in model._meta.concrete_fields:
        automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        if automatic and getattr(obj, field.attname) is None:
            setattr(obj, field.attname, now)


def format_errors(error):
    return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())


def check_status_evidence():
    """Every status record rests on a source, and not on an opinion piece alone."""
    for change in StatusChange.objects.prefetch_related("sources").select_related("commitment", "agreement"):
        definition = definitions_for(type(change.subject)).get(change.new_status)
        problem = evidence_problem(
            change.sources.all(), strong=bool(definition and definition.strong_evidence)
        )
        if problem:
            raise FixtureProblem(f"Status record {change.uid} ({change.subject}): {problem}")


def check_assessments():
    """Every country assessment passes the rules the admin applies (sources, a shared
    commitment that names the country, a date not in the future)."""
    for assessment in CountryAssessment.objects.prefetch_related("sources").select_related(
        "commitment", "country"
    ):
        problems = assessment_problems(
            commitment=assessment.commitment,
            country=assessment.country,
            verdict=assessment.verdict,
            assessed_on=assessment.assessed_on,
            rationale=assessment.rationale,
            sources=assessment.sources.all(),
        )
        if problems:
            raise FixtureProblem(
                f"Assessment {assessment.commitment.slug} / {assessment.country.slug}: "
                + " ".join(str(message) for message in problems.values())
            )


def check_commitment_links():
    """Every link from an agreement to a commitment is stated with its source or marked as our
    inference with the reason, and none stands in for a tie to the target."""
    for link in AgreementCommitment.objects.prefetch_related("sources").select_related(
        "agreement", "commitment"
    ):
        problems = commitment_link_problems(
            commitment=link.commitment, basis=link.basis, note=link.note, sources=link.sources.all()
        )
        if problems:
            raise FixtureProblem(
                f"Link {link.agreement.slug} → {link.commitment.slug}: {' '.join(problems.values())}"
            )


def attach_archived_copies(sources, folder):
    """Our archived copy of each source, read from the file it names beside the fixture."""
    for source in sources:
        if not source.archived_as:
            continue
        path = (folder / source.archived_as).resolve()
        if folder.resolve() not in path.parents or not path.is_file():
            raise FixtureProblem(f"Source “{source.slug}”: archived copy {source.archived_as} not found.")
        source.archived_text = path.read_text(encoding="utf-8")
