import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.admin_forms import form_data, short_form_data
from tests.test_public_pages import content
from tracker.models import Agreement, Commitment, Proposal, Source, StatusChange
from tracker.services import imports

TODAY = timezone.localdate()


def change_url(obj):
    return reverse(f"admin:tracker_{obj._meta.model_name}_change", args=[obj.pk])


def source_ids(*slugs):
    return [str(pk) for pk in Source.objects.filter(slug__in=slugs).values_list("pk", flat=True)]


def post_change(client, obj, **changes):
    page = client.get(change_url(obj))
    assert page.status_code == 200
    return client.post(change_url(obj), form_data(page, **changes))


def form_errors(response):
    form = response.context["adminform"].form
    return {name: [str(error) for error in errors] for name, errors in form.errors.items()}


def short_form_url(record, kind):
    """A record's short form: "status" (commitments and agreements), "value" or "tie" (agreements)."""
    return reverse(f"admin:tracker_{record._meta.model_name}_{kind}", args=[record.pk])


def post_short_form(client, record, kind, **changes):
    """Open a record's short form and send it as shown, with `changes`."""
    page = client.get(short_form_url(record, kind))
    assert page.status_code == 200
    return client.post(short_form_url(record, kind), short_form_data(page, **changes))


def short_form_errors(response):
    return {
        name: [str(error) for error in errors] for name, errors in response.context["form"].errors.items()
    }


# Status changes


def test_status_change_without_date_note_or_source_is_refused(editor_client, summit_data):
    agreement = Agreement.objects.get(slug="smartmining-plus")
    response = post_short_form(editor_client, agreement, "status", status="in_implementation")
    assert response.status_code == 200  # the form again
    # Every rule that fails is named at once, each in its own words.
    assert short_form_errors(response) == {
        "effective_on": [
            "Give the date the new status took effect, or set its accuracy to “unknown” if no source "
            "gives it."
        ],
        "note": ["Explain the change of status in a note."],
        "sources": ["Cite at least one source."],
    }
    # With a note and a source, the missing date is still named, with what to do instead.
    response = post_short_form(
        editor_client,
        agreement,
        "status",
        status="in_implementation",
        note="Field work reported.",
        sources=source_ids("initiative-and-proposals-report"),
    )
    assert short_form_errors(response) == {
        "effective_on": [
            "Give the date the new status took effect, or set its accuracy to “unknown” if no source "
            "gives it."
        ]
    }
    # A note of blanks is no note.
    response = post_short_form(
        editor_client,
        agreement,
        "status",
        status="in_implementation",
        effective_on="2026-03-02",
        note="   ",
        sources=source_ids("initiative-and-proposals-report"),
    )
    assert short_form_errors(response) == {"note": ["Explain the change of status in a note."]}
    agreement.refresh_from_db()
    assert agreement.status == "reported" and agreement.status_changes.count() == 1
    assert not Proposal.objects.exists()


def test_a_status_cannot_rest_on_an_opinion_piece_alone(editor_client, summit_data, settings):
    settings.REQUIRE_SECOND_EDITOR = False
    agreement = Agreement.objects.get(slug="smartmining-plus")
    step = {"status": "in_implementation", "effective_on": "2026-03-02", "note": "x"}
    response = post_short_form(
        editor_client,
        agreement,
        "status",
        sources=source_ids("newsaz-opinion-agreements-by-country"),
        **step,
    )
    assert short_form_errors(response) == {
        "sources": [
            "An opinion piece cannot carry this on its own: cite a news report, an official document or "
            "an analysis as well."
        ]
    }
    sources = source_ids("newsaz-opinion-agreements-by-country", "initiative-and-proposals-report")
    response = post_short_form(editor_client, agreement, "status", sources=sources, **step)
    assert response.status_code == 302, short_form_errors(response)
    assert Agreement.objects.get(pk=agreement.pk).status == "in_implementation"


def test_a_status_whose_date_no_source_gives_is_recorded_as_unknown(editor_client, summit_data, settings):
    settings.REQUIRE_SECOND_EDITOR = False
    agreement = Agreement.objects.get(slug="jogmec-critical-minerals-projects")
    response = post_short_form(
        editor_client,
        agreement,
        "status",
        status="signed",
        date_accuracy="unknown",
        note="Reported signed; no date given.",
        sources=source_ids("summit-overview-2025-12-25"),
    )
    assert response.status_code == 302, short_form_errors(response)
    step = agreement.status_changes.latest()
    assert (step.effective_on, step.date_accuracy, step.old_status) == (None, "unknown", "reported")
    page = Client().get(agreement.get_absolute_url()).content.decode()
    # The page says the date is unknown and when the step was first reported (the source's date).
    assert 'Date unknown; first reported <time datetime="2025-12-25">25 December 2025</time>' in page
    response = post_short_form(
        editor_client,
        agreement,
        "status",
        status="in_implementation",
        effective_on="2026-03-02",
        date_accuracy="unknown",
        note="x",
        sources=source_ids("summit-overview-2025-12-25"),
    )
    assert short_form_errors(response) == {
        "effective_on": ["Leave the date blank when its accuracy is “unknown”."]
    }


def test_status_change_writes_one_history_record_and_shows_on_the_public_timeline(
    editor_client, editor, summit_data, approve
):
    agreement = Agreement.objects.get(slug="smartmining-plus")
    response = post_short_form(
        editor_client,
        agreement,
        "status",
        status="in_implementation",
        effective_on="2026-03-02",
        date_accuracy="exact",
        note="Field work reported under way.",
        sources=source_ids("initiative-and-proposals-report"),
    )
    assert response.status_code == 302, short_form_errors(response)
    assert response["Location"] == change_url(agreement)
    # Proposed: nothing readers see has moved until a second editor approves it.
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.state, proposal.proposed_by) == ("status", "pending", editor)
    agreement.refresh_from_db()
    assert agreement.status == "reported" and agreement.status_changes.count() == 1
    assert "Field work reported under way." not in Client().get(agreement.get_absolute_url()).content.decode()
    approve(proposal)
    agreement.refresh_from_db()
    assert agreement.status == "in_implementation"
    assert agreement.status_changes.count() == 2
    latest = agreement.status_changes.latest()
    assert (latest.old_status, latest.new_status, latest.effective_on) == (
        "reported",
        "in_implementation",
        datetime.date(2026, 3, 2),
    )
    assert (latest.recorded_by, latest.reviewed_by) == (editor, approve.reviewer)
    assert list(latest.sources.values_list("slug", flat=True)) == ["initiative-and-proposals-report"]
    # Visible on the public site as soon as it is approved: no stale copy is served.
    page = Client().get(agreement.get_absolute_url()).content.decode()
    assert "Field work reported under way." in page
    assert re.search(r'<time datetime="2026-03-02">2 March 2026</time>', page)
    audit = agreement.history.latest()
    assert audit.history_user == approve.reviewer and audit.status == "in_implementation"
    assert audit.history_change_reason == f"Proposed by editor; approved by reviewer (proposal {proposal.pk})"


def test_a_status_cannot_take_effect_before_the_latest_one(editor_client, summit_data):
    agreement = Agreement.objects.get(slug="uzbekistan-japan-summit-package")  # around 20 Dec 2025
    response = post_short_form(
        editor_client,
        agreement,
        "status",
        status="completed",
        effective_on="2025-12-01",
        note="Backdated.",
        sources=source_ids("initiative-and-proposals-report"),
    )
    assert short_form_errors(response)["effective_on"] == [
        "The latest recorded change took effect on 20 December 2025; a new status cannot take effect "
        "before it. To correct an earlier record, edit its note or sources."
    ]


def test_a_step_to_the_status_a_record_already_has_is_refused(editor_client, summit_data):
    agreement = Agreement.objects.get(slug="smartmining-plus")
    response = post_short_form(
        editor_client,
        agreement,
        "status",
        status="reported",
        effective_on="2026-03-02",
        note="Checked again.",
        sources=source_ids("initiative-and-proposals-report"),
    )
    assert short_form_errors(response) == {
        "status": [
            "It is already “Reported; stage not stated”: a step must change the status. If you checked it "
            "against new evidence without a change, mark it reviewed instead."
        ]
    }
    assert not Proposal.objects.exists()


def test_a_step_dated_after_every_one_of_its_sources_is_refused(editor_client, summit_data, settings):
    """A source cannot report what happened after it was written; an undated one may be later."""
    from tests.factories import make_source

    settings.REQUIRE_SECOND_EDITOR = False
    agreement = Agreement.objects.get(slug="smartmining-plus")
    step = {"status": "in_implementation", "effective_on": "2026-03-02", "note": "Field work reported."}
    response = post_short_form(
        editor_client, agreement, "status", sources=source_ids("summit-overview-2025-12-25"), **step
    )
    assert short_form_errors(response) == {
        "effective_on": [
            "Its sources were published by 25 December 2025: none can report a step on 02 March 2026. "
            "Cite a source published on or after that day."
        ]
    }
    later = make_source(published_on=datetime.date(2026, 3, 2), publisher="Kabar")
    response = post_short_form(
        editor_client,
        agreement,
        "status",
        sources=[*source_ids("summit-overview-2025-12-25"), later.pk],
        **step,
    )
    assert response.status_code == 302, short_form_errors(response)
    assert agreement.status_changes.latest().effective_on == datetime.date(2026, 3, 2)


def test_not_achieved_only_after_the_target_date(editor_client, summit_data, settings):
    settings.REQUIRE_SECOND_EDITOR = False
    # No source gives the Initiative an end date, so it has none to miss.
    commitment = Commitment.objects.get(slug="tokyo-initiative-3-trillion-yen")
    fields = {
        "status": "not_achieved",
        "effective_on": TODAY.isoformat(),
        "note": "Checked.",
        "sources": source_ids("summit-overview-2025-12-25"),
    }
    response = post_short_form(editor_client, commitment, "status", **fields)
    assert short_form_errors(response)["status"] == [
        "“Not achieved” needs a target date, and only once that date has passed."
    ]
    # The target date is the record's own field, on its change form; the status form judges by it.
    assert post_change(editor_client, commitment, target_date=datetime.date(2030, 12, 20)).status_code == 302
    response = post_short_form(editor_client, commitment, "status", **fields)
    assert short_form_errors(response)["status"] == [
        "“Not achieved” is allowed only after the target date (20 December 2030) has passed."
    ]
    # "Not achieved" is a strong claim: an official source carries it (a news report alone does not).
    official = Source.objects.create(
        slug="official-statement", title="A statement", kind="official", note="-"
    )
    yesterday = TODAY - datetime.timedelta(days=1)
    assert post_change(editor_client, commitment, target_date=yesterday).status_code == 302
    response = post_short_form(editor_client, commitment, "status", **{**fields, "sources": [official.pk]})
    assert response.status_code == 302, short_form_errors(response)
    assert Commitment.objects.get(pk=commitment.pk).status == "not_achieved"


def test_editing_other_fields_writes_no_status_record(editor_client, summit_data):
    agreement = Agreement.objects.get(slug="smartmining-plus")
    response = post_change(editor_client, agreement, title="Next-Generation SmartMining Plus project")
    assert response.status_code == 302, form_errors(response)
    assert agreement.status_changes.count() == 1
    assert Agreement.objects.get(pk=agreement.pk).version == agreement.version + 1


def test_new_agreement_starts_its_timeline(editor_client, editor, summit_data):
    page = editor_client.get(reverse("admin:tracker_agreement_add"))
    data = form_data(
        page,
        slug="new-mou",
        title="A new memorandum",
        description="Test.",
        instrument="mou",
        status="signed",
        signed_on=datetime.date(2026, 2, 1),
        signed_on_accuracy="exact",
        target_link="reported",
        sources=source_ids("initiative-and-proposals-report"),
        status_effective_on=datetime.date(2026, 2, 1),
        status_note="Signed in Astana.",
        status_sources=source_ids("initiative-and-proposals-report"),
    )
    data["party_roles-TOTAL_FORMS"] = "0"
    response = editor_client.post(reverse("admin:tracker_agreement_add"), data)
    assert response.status_code == 302, form_errors(response)
    created = Agreement.objects.get(slug="new-mou")
    assert [change.new_status for change in created.status_changes.all()] == ["signed"]
    assert created.yen_value is None and created.version == 1
    # Not public until a second editor approves its publication.
    assert created.is_published is False
    publication = Proposal.objects.get()
    assert (publication.kind, publication.state, publication.proposed_by) == (
        "publication",
        "pending",
        editor,
    )
    assert publication.payload == {"commitments": [], "agreements": [created.pk]}


def test_a_value_saved_in_the_admin_gets_its_yen_figure(editor_client, summit_data, settings):
    settings.REQUIRE_SECOND_EDITOR = False
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    response = post_short_form(
        editor_client,
        agreement,
        "value",
        amount="3",
        currency="USD",
        value_exactness="lower_bound",
        note="A value is reported.",
        sources=source_ids("initiative-and-proposals-report"),
    )
    assert response.status_code == 302, short_form_errors(response)
    agreement.refresh_from_db()
    # No signing date: the newest USD rate (¥157.894736), and a lower bound rounds down.
    assert agreement.yen_value == 473 and agreement.yen_rate.currency == "USD"


# Bulk action


def bulk_post(client, model, records, **fields):
    url = reverse(f"admin:tracker_{model._meta.model_name}_changelist")
    selection = {"action": "change_status_of_selected", "_selected_action": [str(r.pk) for r in records]}
    intermediate = client.post(url, selection)
    assert intermediate.status_code == 200
    versions = intermediate.context["form"]["versions"].value()
    fields.setdefault("date_accuracy", "exact")
    return client.post(
        url, {**selection, "apply": "1", "versions": versions, **fields}, follow=True
    ), versions


def test_bulk_status_change_writes_one_record_per_item(editor_client, editor, summit_data, settings):
    settings.REQUIRE_SECOND_EDITOR = False
    records = list(
        Agreement.objects.filter(slug__in=["sojitz-medical-centre", "toyota-tsusho-it-infrastructure"])
    )
    response, _ = bulk_post(
        editor_client,
        Agreement,
        records,
        new_status="in_preparation",
        effective_on="2026-04-01",
        note="Feasibility studies announced.",
        sources=source_ids("initiative-and-proposals-report"),
    )
    assert "Status of 2 items changed, with one history record each." in response.content.decode()
    for record in records:
        record.refresh_from_db()
        latest = record.status_changes.latest()
        assert (record.status, latest.new_status, latest.note, latest.recorded_by) == (
            "in_preparation",
            "in_preparation",
            "Feasibility studies announced.",
            editor,
        )
        assert record.history.latest().history_user == editor  # through the audited path
    assert StatusChange.objects.filter(note="Feasibility studies announced.").count() == 2
    # One proposal per record, applied at once without a second editor.
    assert sorted(Proposal.objects.values_list("agreement__slug", "kind", "state")) == [
        ("sojitz-medical-centre", "status", "approved"),
        ("toyota-tsusho-it-infrastructure", "status", "approved"),
    ]


def test_bulk_status_change_proposes_one_step_per_item_for_a_second_editor(
    editor_client, editor, summit_data, approve
):
    records = list(
        Agreement.objects.filter(slug__in=["sojitz-medical-centre", "toyota-tsusho-it-infrastructure"])
    )
    response, _ = bulk_post(
        editor_client,
        Agreement,
        records,
        new_status="in_preparation",
        effective_on="2026-04-01",
        note="Feasibility studies announced.",
        sources=source_ids("initiative-and-proposals-report"),
    )
    assert (
        "A new status for 2 items waits for a second editor&#x27;s review, one proposal each."
        in response.content.decode()
    )
    proposals = list(Proposal.objects.order_by("agreement__slug"))
    assert [(p.agreement.slug, p.kind, p.state, p.proposed_by) for p in proposals] == [
        ("sojitz-medical-centre", "status", "pending", editor),
        ("toyota-tsusho-it-infrastructure", "status", "pending", editor),
    ]
    assert set(Agreement.objects.filter(pk__in=[r.pk for r in records]).values_list("status", flat=True)) == {
        "reported"
    }
    approve(*proposals)
    for record in records:
        record.refresh_from_db()
        latest = record.status_changes.latest()
        assert (record.status, latest.recorded_by, latest.reviewed_by) == (
            "in_preparation",
            editor,
            approve.reviewer,
        )


def test_the_bulk_status_field_starts_with_no_status_chosen(editor_client, summit_data):
    records = list(Agreement.objects.filter(slug__in=["sojitz-medical-centre", "smartmining-plus"]))
    url = reverse("admin:tracker_agreement_changelist")
    selection = {"action": "change_status_of_selected", "_selected_action": [str(r.pk) for r in records]}
    form = editor_client.post(url, selection).context["form"]
    assert form.fields["new_status"].choices[0][0] == ""
    assert form.fields["new_status"].choices[1:] == list(Agreement.Status.choices)
    versions = form["versions"].value()
    response = editor_client.post(
        url,
        {
            **selection,
            "apply": "1",
            "versions": versions,
            "new_status": "",
            "effective_on": "2026-04-01",
            "date_accuracy": "exact",
            "note": "x",
            "sources": source_ids("initiative-and-proposals-report"),
        },
    )
    assert response.context["form"].errors == {"new_status": ["This field is required."]}
    assert not Proposal.objects.exists()


def test_bulk_status_change_refuses_all_when_one_is_not_allowed(editor_client, summit_data):
    records = list(Commitment.objects.filter(slug__in=["uz-digital-hub", "tokyo-initiative-3-trillion-yen"]))
    response, _ = bulk_post(
        editor_client,
        Commitment,
        records,
        new_status="not_achieved",
        effective_on=str(TODAY),
        note="x",
        sources=source_ids("summit-overview-2025-12-25"),
    )
    assert "Nothing was changed." in response.content.decode()
    assert set(
        Commitment.objects.filter(pk__in=[r.pk for r in records]).values_list("status", flat=True)
    ) == {"not_assessed"}
    assert StatusChange.objects.filter(commitment__isnull=False).count() == 0


def test_bulk_status_change_on_a_stale_selection_is_refused(editor_client, summit_data, make_staff):
    records = list(Agreement.objects.filter(slug__in=["sojitz-medical-centre", "smartmining-plus"]))
    url = reverse("admin:tracker_agreement_changelist")
    selection = {"action": "change_status_of_selected", "_selected_action": [str(r.pk) for r in records]}
    versions = editor_client.post(url, selection).context["form"]["versions"].value()
    # Meanwhile another editor renames one of them.
    other = Client()
    other.force_login(make_staff("other", "Editor"))
    post_change(other, records[1], title="Renamed meanwhile")
    response = editor_client.post(
        url,
        {
            **selection,
            "apply": "1",
            "versions": versions,
            "new_status": "completed",
            "effective_on": str(TODAY),
            "date_accuracy": "exact",
            "note": "Done.",
            "sources": source_ids("summit-overview-2025-12-25"),
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Nothing was changed." in html and "Renamed meanwhile" in html
    assert not Agreement.objects.filter(status="completed").exists()


# No lost updates


def test_second_save_from_a_stale_copy_is_refused(summit_data, make_staff):
    first, second = Client(), Client()
    first.force_login(make_staff("alice", "Editor"))
    second.force_login(make_staff("bob", "Editor"))
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    page_first = first.get(change_url(agreement))
    page_second = second.get(change_url(agreement))
    saved = first.post(
        change_url(agreement), form_data(page_first, title="Medical centre by Sojitz (Tashkent?)")
    )
    assert saved.status_code == 302
    stale = second.post(change_url(agreement), form_data(page_second, description="Bob's rewrite."))
    assert stale.status_code == 200
    message = " ".join(stale.context["adminform"].form.non_field_errors())
    assert "alice saved this agreement" in message
    assert (
        "Title: “Multidisciplinary medical centre by Sojitz” → “Medical centre by Sojitz (Tashkent?)”"
        in message
    )
    assert "Nothing was saved." in message
    agreement.refresh_from_db()
    assert agreement.title == "Medical centre by Sojitz (Tashkent?)"  # alice's save survives
    assert agreement.description != "Bob's rewrite."


def test_the_version_claim_refuses_a_save_that_slips_past_the_form_check(summit_data):
    from tracker.services import StaleEdit, claim_version

    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    copy = Agreement.objects.get(pk=agreement.pk)
    claim_version(agreement, agreement.version)
    agreement.save()
    with pytest.raises(StaleEdit):
        claim_version(copy, copy.version)


# Audit trail


def test_create_change_and_delete_are_audited_with_who_and_what(client, summit_data, administrator):
    client.force_login(administrator)
    add = client.get(reverse("admin:tracker_source_add"))
    response = client.post(
        reverse("admin:tracker_source_add"),
        form_data(
            add, slug="mofa-release", title="Ministry release", kind="official", note="Supports nothing yet."
        ),
    )
    assert response.status_code == 302
    source = Source.objects.get(slug="mofa-release")
    post_change(client, source, title="Ministry of Foreign Affairs release")
    client.post(reverse("admin:tracker_source_delete", args=[source.pk]), {"post": "yes"})
    records = list(Source.history.filter(slug="mofa-release").order_by("history_date"))
    assert [record.history_type for record in records] == ["+", "~", "-"]
    assert {record.history_user for record in records} == {administrator}
    delta = records[1].diff_against(records[0])
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("title", "Ministry release", "Ministry of Foreign Affairs release")
    ]


def test_loaded_fixtures_have_audit_records(summit_data):
    for model in (Source, Commitment, Agreement, StatusChange):
        without = [obj for obj in model.objects.all() if not obj.history.exists()]
        assert without == [], model.__name__
    record = Agreement.objects.get(slug="smartmining-plus").history.earliest()
    assert (record.history_type, record.history_change_reason) == (
        "+",
        "Loaded from fixtures/tokyo_summit.json",
    )


def test_correcting_a_status_record_is_audited(editor_client, editor, summit_data):
    change = Agreement.objects.get(slug="uzbekistan-japan-summit-package").status_changes.get()
    page = editor_client.get(change_url(change))
    response = editor_client.post(
        change_url(change), form_data(page, note="Described at the summit as launched.")
    )
    assert response.status_code == 302
    latest = change.history.latest()
    assert latest.history_user == editor and latest.note == "Described at the summit as launched."
    assert change.history.count() >= 2
    change.refresh_from_db()
    assert change.new_status == "signed" and change.effective_on == datetime.date(2025, 12, 20)


def test_history_page_shows_a_readable_diff(editor_client, summit_data, settings):
    settings.REQUIRE_SECOND_EDITOR = False
    agreement = Agreement.objects.get(slug="smartmining-plus")
    sources = source_ids("initiative-and-proposals-report")
    response = post_short_form(
        editor_client,
        agreement,
        "value",
        value_as_reported="No value reported yet.",
        note="x",
        sources=sources,
    )
    assert response.status_code == 302, short_form_errors(response)
    response = post_short_form(
        editor_client,
        agreement,
        "status",
        status="in_implementation",
        effective_on="2026-03-02",
        note="Field work reported under way.",
        sources=sources,
    )
    assert response.status_code == 302, short_form_errors(response)
    url = reverse("admin:tracker_agreement_history", args=[agreement.pk])
    response = editor_client.get(url)
    html = response.content.decode()
    newest, value, *older = response.context["entries"]
    # Each version in words: the field's label, and a choice's label rather than its code.
    assert newest["row"].history_user.username == "editor"
    assert ("Status", "Reported; stage not stated", "In implementation") in newest["changes"]
    assert "in_implementation" not in html
    assert (newest["step"].note, newest["step"].new_status) == (
        "Field work reported under way.",
        "in_implementation",
    )
    assert value["row"].history_user.username == "editor"
    assert value["changes"] == [("Value as reported", "—", "No value reported yet.")]
    assert "No value reported yet." in html and "Field work reported under way." in html
    # Two versions compared: everything that differs between them, in words.
    first = agreement.history.earliest()
    compared = editor_client.get(url, {"from": first.history_id, "to": newest["row"].history_id})
    changes = compared.context["comparison"]["changes"]
    assert ("Status", "Reported; stage not stated", "In implementation") in changes
    assert ("Value as reported", "—", "No value reported yet.") in changes


def test_reverting_from_the_history_is_refused(editor_client, summit_data):
    """A revert would change a status without its dated, sourced record."""
    agreement = Agreement.objects.get(slug="smartmining-plus")
    post_change(editor_client, agreement, title="Renamed")
    first = agreement.history.earliest()
    url = reverse("admin:tracker_agreement_simple_history", args=[agreement.pk, first.history_id])
    # Opening a version shows it in its place on the history page, which has no revert button.
    page = editor_client.get(url)
    history = reverse("admin:tracker_agreement_history", args=[agreement.pk])
    assert (page.status_code, page["Location"]) == (302, f"{history}#version-{first.history_id}")
    html = editor_client.get(history).content.decode()
    assert f'id="version-{first.history_id}"' in html
    assert 'value="Revert"' not in html
    assert html.count('method="post"') == 1  # the log-out button's: nothing here writes
    data = {"title": first.title, "loaded_version": str(first.version), "_save": "Revert"}
    assert editor_client.post(url, data).status_code == 403
    assert Agreement.objects.get(pk=agreement.pk).title == "Renamed"


# Import and export


SAMPLE = Path(__file__).resolve().parent.parent / "README.md"


def readme_sample_csv():
    text = SAMPLE.read_text(encoding="utf-8")
    return re.search(r"```csv\n(.*?)```", text, re.S).group(1)


def make_example_source():
    """The made-up source the README's sample cites, so the sample can never pass for real data."""
    return Source.objects.create(
        slug="example-source-not-real",
        title="Example source (not real)",
        kind="other",
        note="For the sample.",
    )


def import_csv(client, text, name="agreements.csv"):
    """Upload `text` for its preview, as the import page's file field sends it."""
    upload = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse("admin:tracker_agreement_import"), {"file": upload})


def confirm_import(client, preview, **changes):
    """Press "Import these rows" on the preview page: its hidden fields carry the previewed text
    and its digest."""
    form = preview.context["form"]
    data = {field.name: field.value() for field in form.hidden_fields() if field.value() is not None}
    return client.post(reverse("admin:tracker_agreement_import"), {**data, "confirm": "1", **changes})


def test_sample_csv_in_the_readme_imports_cleanly(editor_client, editor, summit_data, settings):
    settings.REQUIRE_SECOND_EDITOR = False
    make_example_source()
    before = Agreement.objects.count()
    rows = list(csv.DictReader(io.StringIO(readme_sample_csv())))
    preview = import_csv(editor_client, readme_sample_csv())
    assert preview.status_code == 200
    assert preview.context["problem"] is None
    assert [(row.number, row.action, row.problems) for row in preview.context["rows"]] == [
        (2, "new", []),
        (3, "new", []),
        (4, "new", []),
    ]
    assert preview.context["ready"] is True
    assert Agreement.objects.count() == before  # the preview imports nothing
    done = confirm_import(editor_client, preview)
    assert done.status_code == 302
    assert Agreement.objects.count() == before + len(rows)
    for row in rows:
        agreement = Agreement.objects.get(slug=row["slug"])
        assert agreement.is_published and not agreement.is_synthetic
        assert agreement.history.earliest().history_user == editor
        assert agreement.status_changes.get().new_status == row["status"]


def test_an_imported_agreement_is_public_once_a_second_editor_approves_it(
    editor_client, editor, summit_data, approve
):
    make_example_source()
    before = Agreement.objects.count()
    text = sample_csv()
    rows = list(csv.DictReader(io.StringIO(text)))
    preview = import_csv(editor_client, text)
    assert preview.status_code == 200
    assert preview.context["problem"] is None
    assert [(row.number, row.action, row.problems) for row in preview.context["rows"]] == [
        (2, "new", []),
        (3, "new", []),
        (4, "new", []),
    ]
    assert preview.context["ready"] is True
    assert Agreement.objects.count() == before  # the preview imports nothing
    done = confirm_import(editor_client, preview)
    assert (done.status_code, done["Location"]) == (302, reverse("admin:tracker_agreement_changelist"))
    assert "Imported: 3 new, 0 updated; 1 changes wait for a second editor&#x27;s review." in (
        editor_client.get(done["Location"]).content.decode()
    )
    assert Agreement.objects.count() == before + len(rows)
    imported = [Agreement.objects.get(slug=row["slug"]) for row in rows]
    for row, agreement in zip(rows, imported, strict=True):
        # Never marked synthetic by an import; written unpublished, with its first step.
        assert (agreement.is_published, agreement.is_synthetic) == (False, False)
        assert agreement.history.earliest().history_user == editor
        step = agreement.status_changes.get()
        assert (step.new_status, step.recorded_by, step.reviewed_by) == (row["status"], editor, None)
        assert Client().get(agreement.get_absolute_url()).status_code == 404
    publication = Proposal.objects.get()
    assert (publication.kind, publication.state, publication.proposed_by) == (
        "publication",
        "pending",
        editor,
    )
    assert publication.payload == {"commitments": [], "agreements": sorted(a.pk for a in imported)}
    approve(publication)
    for agreement in imported:
        agreement.refresh_from_db()
        assert agreement.is_published
        assert agreement.status_changes.get().reviewed_by == approve.reviewer
        assert Client().get(agreement.get_absolute_url()).status_code == 200


def test_a_file_with_a_bad_row_imports_nothing_and_names_each_error(editor_client, summit_data):
    make_example_source()
    columns, rows = sample_rows()
    bad = [dict(rows[0], status="finished"), dict(rows[1], sources="no-such-source")]
    before = Agreement.objects.count()
    preview = import_csv(editor_client, csv_text(columns, bad))
    assert row_problems(preview) == {
        2: {"status": ["Value 'finished' is not a valid choice."]},
        3: {"sources": ["No source “no-such-source”.", "Cite at least one source (slugs separated by “;”)."]},
    }
    assert preview.context["ready"] is False
    html = preview.content.decode()
    assert (
        "3 problems, each listed under its row: fix the file and upload it again. Nothing was imported."
        in html
    )
    assert (
        "Value &#x27;finished&#x27; is not a valid choice." in html and "No source “no-such-source”." in html
    )
    assert 'name="confirm"' not in html  # nothing to confirm
    # Confirming the same text anyway checks it again, and imports nothing.
    refused = confirm_import(editor_client, preview)
    assert refused.status_code == 200 and refused.context["ready"] is False
    assert Agreement.objects.count() == before


def test_admin_export_follows_the_list_filters(editor_client, summit_data):
    url = reverse("admin:tracker_agreement_export") + "?status__exact=reported"
    response = editor_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = content(response).decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(body))) == imports.COLUMNS
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {row["slug"] for row in rows} == {
        "jogmec-critical-minerals-projects",
        "smartmining-plus",
        "sojitz-medical-centre",
        "tashkent-international-airport",
        "toyota-tsusho-it-infrastructure",
    }
    assert {row["status"] for row in rows} == {"reported"}


# Editor conveniences


def test_needs_attention_filters(editor_client, summit_data):
    url = reverse("admin:tracker_agreement_changelist")
    no_value = editor_client.get(url, {"attention": "no_value"}).context["cl"].result_count
    assert no_value == Agreement.objects.filter(amount__isnull=True).count() == 9
    stale = editor_client.get(url, {"attention": "stale"}).context["cl"].result_count
    assert stale == 11  # nothing reviewed since the fixtures were loaded
    Agreement.objects.filter(slug="smartmining-plus").update(last_reviewed_on=TODAY)
    assert editor_client.get(url, {"attention": "stale"}).context["cl"].result_count == 10
    commitments = reverse("admin:tracker_commitment_changelist")
    assert editor_client.get(commitments, {"attention": "unassessed"}).context["cl"].result_count == 53
    no_source = editor_client.get(url, {"attention": "no_source"}).context["cl"].result_count
    assert no_source == 0
    Agreement.objects.get(slug="smartmining-plus").sources.clear()
    assert editor_client.get(url, {"attention": "no_source"}).context["cl"].result_count == 1


def test_list_pages_show_status_badges_and_view_on_site(editor_client, summit_data):
    html = editor_client.get(reverse("admin:tracker_agreement_changelist")).content.decode()
    assert 'class="badge badge-signed" href="/method/#status-signed"' in html
    agreement = Agreement.objects.get(slug="smartmining-plus")
    page = editor_client.get(change_url(agreement)).content.decode()
    assert "View on site" in page


def test_mark_reviewed_records_the_review_and_checks_versions(editor_client, summit_data, make_staff):
    records = list(Agreement.objects.filter(slug__in=["sojitz-medical-centre", "smartmining-plus"]))
    url = reverse("admin:tracker_agreement_changelist")
    selection = {"action": "mark_reviewed_today", "_selected_action": [str(r.pk) for r in records]}
    versions = editor_client.post(url, selection).context["form"]["versions"].value()
    other = Client()
    other.force_login(make_staff("other", "Editor"))
    post_change(other, records[1], title="Renamed meanwhile")
    refused = editor_client.post(url, {**selection, "apply": "1", "versions": versions}, follow=True)
    assert "Nothing was changed." in refused.content.decode()
    assert not Agreement.objects.filter(last_reviewed_on=TODAY).exists()
    # From a fresh selection: only the review date and version change.
    before = {
        r.pk: (r.title, r.status, r.version) for r in Agreement.objects.filter(pk__in=[r.pk for r in records])
    }
    versions = editor_client.post(url, selection).context["form"]["versions"].value()
    done = editor_client.post(url, {**selection, "apply": "1", "versions": versions}, follow=True)
    assert "Items marked as reviewed today: 2." in done.content.decode()
    for record in Agreement.objects.filter(pk__in=before):
        title, status, version = before[record.pk]
        assert (record.title, record.status, record.version, record.last_reviewed_on) == (
            title,
            status,
            version + 1,
            TODAY,
        )
        assert record.history.latest().history_user.username == "editor"


def test_import_cannot_change_a_status_or_date_one_in_the_future(editor_client, summit_data):
    make_example_source()
    exported = {row["slug"]: row for row in csv.DictReader(io.StringIO(admin_export(editor_client)))}
    existing = dict(exported["smartmining-plus"], status="completed")  # from its current version
    future = dict.fromkeys(imports.COLUMNS, "")
    future.update(
        slug="example-future",
        title="EXAMPLE ONLY (not real): a future signing",
        description="Made-up row.",
        instrument="loan",
        status="signed",
        signed_on="2031-01-01",
        signed_on_accuracy="exact",
        sources="example-source-not-real",
    )
    preview = import_csv(editor_client, csv_text(imports.COLUMNS, [existing, future]))
    assert row_problems(preview) == {
        2: {
            "status": [
                "Differs from its current “Reported; stage not stated”: change a status on its status form, "
                "with its date, note and sources."
            ]
        },
        3: {"status": ["The date a status took effect cannot be in the future."]},
    }
    assert preview.context["ready"] is False
    assert not Agreement.objects.filter(slug="example-future").exists()
    assert Agreement.objects.get(slug="smartmining-plus").status == "reported"


def test_an_import_changes_an_agreements_own_fields_at_once_and_proposes_its_value(
    editor_client, editor, summit_data, approve
):
    exported = {row["slug"]: row for row in csv.DictReader(io.StringIO(admin_export(editor_client)))}
    row = dict(exported["sojitz-medical-centre"], title="Medical centre by Sojitz", amount="5000000")
    row.update(currency="USD", value_exactness="approximate")
    preview = import_csv(editor_client, csv_text(imports.COLUMNS, [row]))
    assert row_problems(preview) == {}
    (previewed,) = preview.context["rows"]
    assert (previewed.action, previewed.changes) == (
        "update",
        [
            ("title", "Multidisciplinary medical centre by Sojitz", "Medical centre by Sojitz"),
            ("value", "", "proposed for review"),
        ],
    )
    assert confirm_import(editor_client, preview).status_code == 302
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    # Its own fields change at once; its value, which readers see, waits for a second editor.
    assert (agreement.title, agreement.amount) == ("Medical centre by Sojitz", None)
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.state, proposal.agreement, proposal.proposed_by) == (
        "value",
        "pending",
        agreement,
        editor,
    )
    approve(proposal)
    agreement.refresh_from_db()
    assert (agreement.amount, agreement.currency, agreement.value_exactness) == (
        5_000_000,
        "USD",
        "approximate",
    )


def test_an_import_proposes_a_new_value_for_an_agreement_itemized_from_a_package(
    editor_client, summit_data, approve
):
    make_example_source()
    exported = {row["slug"]: row for row in csv.DictReader(io.StringIO(admin_export(editor_client)))}
    itemized = Agreement.objects.get(slug="smartmining-plus")
    assert itemized.part_of is not None
    row = dict(exported[itemized.slug], amount="5000000", currency="USD", value_exactness="approximate")
    new = dict.fromkeys(imports.COLUMNS, "")
    new.update(sample_rows()[1][0])  # a new agreement in the same file
    preview = import_csv(editor_client, csv_text(imports.COLUMNS, [row, new]))
    assert row_problems(preview) == {}
    assert confirm_import(editor_client, preview).status_code == 302
    proposal = Proposal.objects.get(kind="value")
    assert (proposal.agreement, proposal.state, proposal.payload["part_of"]) == (
        itemized,
        "pending",
        itemized.part_of_id,
    )
    approve(proposal)
    itemized.refresh_from_db()
    assert (itemized.amount, itemized.currency, itemized.part_of_id) == (
        5_000_000,
        "USD",
        proposal.payload["part_of"],
    )


def test_a_save_that_loses_the_race_after_the_form_check_is_refused(editor_client, summit_data, monkeypatch):
    """Both editors passed the form's check; the conditional UPDATE lets only one save."""
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    page = editor_client.get(change_url(agreement))
    data = form_data(page, title="Lost the race")
    Agreement.objects.filter(pk=agreement.pk).update(version=agreement.version + 1)  # the other save
    # The form still sees the old version, as it would in the instant between check and save.
    monkeypatch.setattr("tracker.admin.forms.current_version", lambda subject: agreement.version)
    response = editor_client.post(change_url(agreement), data, follow=True)
    assert "Nothing was saved." in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).title == "Multidisciplinary medical centre by Sojitz"


def test_a_stale_exchange_rate_edit_is_refused(summit_data, make_staff):
    """Rates move the headline figure: a second editor's stale copy cannot overwrite one."""
    from tracker.models import ExchangeRate

    first, second = Client(), Client()
    first.force_login(make_staff("alice", "Editor"))
    second.force_login(make_staff("bob", "Editor"))
    rate = ExchangeRate.objects.get(currency="USD")
    page_first, page_second = first.get(change_url(rate)), second.get(change_url(rate))
    assert first.post(change_url(rate), form_data(page_first, rate_to_jpy="150")).status_code == 302
    stale = second.post(change_url(rate), form_data(page_second, rate_to_jpy="160"))
    assert "alice saved this exchange rate" in " ".join(stale.context["adminform"].form.non_field_errors())
    assert ExchangeRate.objects.get(pk=rate.pk).rate_to_jpy == 150
    # The stored yen figures follow the saved rate at once.
    assert Agreement.objects.get(slug="kazakhstan-japan-summit-package").yen_value == 450_000_000_000


def test_a_tie_to_the_target_is_a_claim_that_needs_its_source(editor_client, summit_data, settings):
    settings.REQUIRE_SECOND_EDITOR = False
    agreement = Agreement.objects.get(slug="kazakhstan-japan-summit-package")
    tie = {"target_link": "stated", "note": "Named as an Initiative project."}
    response = post_short_form(editor_client, agreement, "tie", sources=None, **tie)
    assert short_form_errors(response) == {
        "sources": [
            "“Stated by a source to be under the Initiative” is a claim: cite the source that makes it."
        ]
    }
    sources = source_ids("priority-areas-and-target-report")
    response = post_short_form(editor_client, agreement, "tie", sources=sources, **tie)
    assert response.status_code == 302, short_form_errors(response)
    agreement.refresh_from_db()
    assert (agreement.target_link, agreement.target_link_note) == (
        "stated",
        "Named as an Initiative project.",
    )
    assert [str(pk) for pk in agreement.target_link_sources.values_list("pk", flat=True)] == sources
    html = Client().get("/").content.decode()
    # The Kazakh deals now count in the stated figure: at least 3e9 × 157.894736, rounded down.
    assert '<strong class="confirmed-figure">at least ¥473.68\u00a0billion</strong>' in html
    # Still only reported: the Uzbek deals.
    assert '<span class="reported-figure">at least ¥1.73\u00a0trillion</span>' in html


def test_a_stale_correction_of_a_status_note_is_refused(summit_data, make_staff):
    change = Agreement.objects.get(slug="uzbekistan-japan-summit-package").status_changes.get()
    first, second = Client(), Client()
    first.force_login(make_staff("alice", "Editor"))
    second.force_login(make_staff("bob", "Editor"))
    page_first, page_second = first.get(change_url(change)), second.get(change_url(change))
    assert (
        first.post(change_url(change), form_data(page_first, note="Alice's correction.")).status_code == 302
    )
    stale = second.post(change_url(change), form_data(page_second, note="Bob's correction."))
    assert "alice saved this status change" in " ".join(stale.context["adminform"].form.non_field_errors())
    change.refresh_from_db()
    assert change.note == "Alice's correction."


def test_an_import_that_became_invalid_since_its_preview_imports_nothing(editor_client, summit_data):
    make_example_source()
    preview = import_csv(editor_client, sample_csv())
    assert preview.context["ready"] is True
    # Meanwhile another editor takes the slug of the second row.
    taken = Agreement.objects.create(
        slug="example-not-real-grant",
        title="Taken meanwhile",
        description="x",
        instrument="grant",
        status="reported",
    )
    before = Agreement.objects.count()
    done = confirm_import(editor_client, preview)
    assert done.status_code == 200 and done.context["ready"] is False
    # The confirmation checks the previewed text again: the row now updates a record it never saw.
    assert set(row_problems(done)) == {3}
    assert row_problems(done)[3]["version"] == [
        f"“example-not-real-grant” is at version {taken.version} and this row says nothing: someone "
        "changed it after the file was exported. Export it again and redo the change, so theirs is not lost."
    ]
    assert "Nothing was imported" in done.content.decode()
    assert Agreement.objects.count() == before
    assert not Agreement.objects.filter(slug="example-not-real-loan").exists()  # not even row 1


def test_a_confirmation_imports_only_the_text_it_previewed(editor_client, summit_data, tmp_path):
    """The previewed text travels with the form and its digest: a changed text is refused, and the
    file's name is only a label, never a path that is read or written."""
    make_example_source()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    text = sample_csv()
    preview = import_csv(editor_client, text)
    form = preview.context["form"]
    assert (form.initial["text"], form.initial["digest"]) == (text, imports.digest(text))
    swapped = text.replace("250000000.00", "950000000.00")  # not what the editor saw
    refused = confirm_import(editor_client, preview, text=swapped)
    assert refused.status_code == 200
    assert refused.context["problem"] == (
        "The file changed since its preview: nothing was imported. Preview it again."
    )
    assert not Agreement.objects.filter(slug__startswith="example-not-real-").exists()
    done = confirm_import(editor_client, preview, name=f"../../../../{victim}")
    assert done.status_code == 302
    assert Agreement.objects.get(slug="example-not-real-loan").amount == 250_000_000
    assert victim.read_text() == "keep me"


def test_an_import_writes_no_file(editor_client, summit_data, settings, monkeypatch):
    """No upload is kept on disk between the preview and the confirmation (the text is carried in
    the form), so there is nothing to sweep and no file a name could point at."""
    from django.core.files.storage import FileSystemStorage

    def refuse(*args, **kwargs):
        raise AssertionError("the import wrote a file")

    monkeypatch.setattr(FileSystemStorage, "_save", refuse)
    folder = Path(getattr(settings, "IMPORT_UPLOAD_DIR", settings.BASE_DIR / "var" / "imports"))
    existing = set(folder.rglob("*")) if folder.exists() else set()
    make_example_source()
    preview = import_csv(editor_client, sample_csv())
    assert preview.context["ready"] is True
    assert confirm_import(editor_client, preview).status_code == 302
    refused = import_csv(editor_client, sample_csv().replace(",signed,", ",finished,", 1))
    assert refused.context["ready"] is False
    assert (set(folder.rglob("*")) if folder.exists() else set()) == existing


def test_an_oversized_import_is_refused_with_a_clear_message(editor_client, summit_data):
    header = sample_csv().splitlines()[0]
    text = header + "\n" + ("x," * 20 + "\n") * 220_000  # over 4 MB
    response = import_csv(editor_client, text)
    assert response.context["form"].non_field_errors() == [
        f"The file is {len(text.encode()) / 2**20:.1f} MB; the limit is 4 MB. Split it."
    ]
    assert response.context["rows"] is None and response.context["ready"] is False


def test_an_import_over_the_row_limit_is_refused_before_it_is_validated(editor_client, summit_data):
    header = sample_csv().splitlines()[0]
    row = ",".join(f"x{i}" for i in range(len(header.split(","))))
    response = import_csv(editor_client, header + "\n" + (row + "\n") * 2001)
    assert response.context["problem"] == "The file has 2001 rows; the limit is 2000. Split it."
    assert response.context["rows"] is None and response.context["ready"] is False
    assert "The file has 2001 rows; the limit is 2000" in response.content.decode()


def test_after_an_edit_conflict_the_editors_typing_is_kept_beside_the_other_editors_changes(
    summit_data, make_staff
):
    first, second = Client(), Client()
    first.force_login(make_staff("alice", "Editor"))
    second.force_login(make_staff("bob", "Editor"))
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    page_first = first.get(change_url(agreement))
    page_second = second.get(change_url(agreement))
    first.post(
        change_url(agreement),
        form_data(page_first, title="Alice's title", description="Alice's description."),
    )
    # Bob changed the description too (a conflict) and the note on its composition (only his).
    stale = second.post(
        change_url(agreement),
        form_data(page_second, description="Bob's description.", composition_note="Bob's note."),
    )
    form = stale.context["adminform"].form
    assert form["title"].value() == "Alice's title"  # only Alice changed it: hers, not Bob's stale copy
    assert form["description"].value() == "Bob's description."  # both did: Bob's typing is kept
    assert "alice changed this meanwhile to “Alice's description.”" in " ".join(form.errors["description"])
    assert form["composition_note"].value() == "Bob's note."
    agreement.refresh_from_db()
    assert agreement.description == "Alice's description."  # nothing was saved yet

    # Saving the merged form again keeps both editors' work.
    again = form_data(stale)
    saved = second.post(change_url(agreement), again)
    assert saved.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.title, agreement.description, agreement.composition_note) == (
        "Alice's title",
        "Bob's description.",
        "Bob's note.",
    )


def test_a_merged_form_takes_the_other_editors_sources_where_the_editor_left_them(summit_data, make_staff):
    first, second = Client(), Client()
    first.force_login(make_staff("alice", "Editor"))
    second.force_login(make_staff("bob", "Editor"))
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    page_first = first.get(change_url(agreement))
    page_second = second.get(change_url(agreement))
    added = Source.objects.exclude(pk__in=agreement.sources.all()).first()
    sources = [*agreement.sources.values_list("pk", flat=True), added.pk]
    assert first.post(change_url(agreement), form_data(page_first, sources=sources)).status_code == 302
    stale = second.post(change_url(agreement), form_data(page_second, title="Bob's title"))
    form = stale.context["adminform"].form
    assert sorted(int(pk) for pk in form["sources"].value()) == sorted(sources)
    assert second.post(change_url(agreement), form_data(stale)).status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Bob's title" and added in agreement.sources.all()


def test_a_changed_slug_redirects_from_the_old_address(editor_client, summit_data, client):
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    page = editor_client.get(change_url(agreement))
    saved = editor_client.post(change_url(agreement), form_data(page, slug="sojitz-tashkent-medical-centre"))
    assert saved.status_code == 302

    old = client.get("/agreements/sojitz-medical-centre/?from=citation")
    assert old.status_code == 301
    assert old["Location"] == "/agreements/sojitz-tashkent-medical-centre/?from=citation"
    assert client.get(old["Location"]).status_code == 200
    assert client.get("/agreements/never-a-slug/").status_code == 404


def test_a_record_that_takes_a_former_slug_is_shown_at_it(editor_client, summit_data, client):
    from tests.factories import make_agreement

    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    agreement.slug = "sojitz-renamed"
    agreement.save()
    make_agreement(slug="sojitz-medical-centre", title="A new record with the old address")
    response = client.get("/agreements/sojitz-medical-centre/")
    assert response.status_code == 200 and "A new record with the old address" in response.content.decode()


def test_a_renamed_country_redirects_too(summit_data, client):
    from tracker.models import Party

    country = Party.objects.get(slug="kyrgyzstan")
    country.slug = "kyrgyz-republic"
    country.save()
    response = client.get("/countries/kyrgyzstan/")
    assert response.status_code == 301 and response["Location"] == "/countries/kyrgyz-republic/"


def sample_rows():
    """The README's sample as dicts, in the columns the import reads, with its header: rows to vary
    one column at a time. (The README's copy still carries the retired is_synthetic column:
    test_sample_csv_in_the_readme_imports_cleanly.)"""
    reader = csv.DictReader(io.StringIO(readme_sample_csv()))
    columns = [name for name in reader.fieldnames if name in imports.COLUMNS]
    return columns, [{name: row[name] for name in columns} for row in reader]


def sample_csv():
    return csv_text(*sample_rows())


def csv_text(columns, rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def row_problems(preview):
    """{row number: {column: [messages]}} of the rows a preview refuses."""
    problems = {}
    for row in preview.context["rows"]:
        for column, message in row.problems:
            problems.setdefault(row.number, {}).setdefault(column, []).append(message)
    return problems


def admin_export(client):
    response = client.get(reverse("admin:tracker_agreement_export"))
    assert response.status_code == 200
    return content(response).decode("utf-8-sig")


def test_an_import_reads_iso_dates_only_and_says_why(editor_client, summit_data):
    make_example_source()
    columns, rows = sample_rows()
    rows[0]["signed_on"] = "01/02/2026"
    preview = import_csv(editor_client, csv_text(columns, rows[:1]))
    assert row_problems(preview)[2]["signed_on"] == [
        "“01/02/2026” is not a date written YYYY-MM-DD (for example 2026-02-01); 01/02/2026 could be "
        "1 February or 2 January, so only that form is read."
    ]
    assert not Agreement.objects.filter(slug=rows[0]["slug"]).exists()


def test_an_import_refuses_a_currency_that_is_not_iso_4217(editor_client, summit_data):
    make_example_source()
    columns, rows = sample_rows()
    rows[0]["currency"] = "XYZ"
    preview = import_csv(editor_client, csv_text(columns, rows[:1]))
    assert row_problems(preview) == {
        2: {
            "currency": [
                "“XYZ” is not an ISO 4217 currency code; use three capital letters such as JPY, USD or EUR."
            ]
        }
    }


def test_an_amount_with_spaces_gets_a_clear_message_not_a_python_error(editor_client, summit_data):
    make_example_source()
    columns, rows = sample_rows()
    rows[0]["amount"] = "1 200 000"
    preview = import_csv(editor_client, csv_text(columns, rows[:1]))
    assert row_problems(preview) == {
        2: {
            "amount": [
                "“1 200 000” is not a plain number: write digits and at most one decimal point, without "
                "spaces, commas or a currency sign (1200000 or 1200000.50)."
            ]
        }
    }
    assert "ConversionSyntax" not in preview.content.decode()


def test_an_import_lists_every_problem_of_a_row_at_once(editor_client, summit_data):
    make_example_source()
    columns, rows = sample_rows()
    rows[0].update(signed_on="2026/02/01", amount="1,5", currency="XYZ", sources="no-such-source")
    problems = row_problems(import_csv(editor_client, csv_text(columns, rows[:1])))
    # Each column's own problem, and what follows from them (no date left to be exact about).
    assert set(problems[2]) == {"signed_on", "amount", "currency", "sources", "signed_on_accuracy"}
    assert problems[2]["signed_on_accuracy"] == ["Without a signing date, its accuracy is “unknown”."]


def test_an_import_adds_the_parties_with_their_roles_and_the_rows_sources(editor_client, summit_data):
    source = make_example_source()
    columns, rows = sample_rows()
    columns = [*columns, "parties"]
    rows[0]["parties"] = "uzbekistan:signatory; jbic:supporter"
    preview = import_csv(editor_client, csv_text(columns, rows[:1]))
    assert row_problems(preview) == {} and preview.context["ready"] is True
    assert confirm_import(editor_client, preview).status_code == 302
    agreement = Agreement.objects.get(slug=rows[0]["slug"])
    roles = {(role.party.slug, role.role): list(role.sources.all()) for role in agreement.party_roles.all()}
    assert roles == {("uzbekistan", "signatory"): [source], ("jbic", "supporter"): [source]}


def test_an_import_names_an_unknown_party_or_role(editor_client, summit_data):
    make_example_source()
    columns, rows = sample_rows()
    columns = [*columns, "parties"]
    rows[0]["parties"] = "atlantis:signatory; uzbekistan:owner; uzbekistan"
    problems = row_problems(import_csv(editor_client, csv_text(columns, rows[:1])))
    roles = "signatory, supporter, host_country, implementer, financier, insurer, partner"
    assert problems == {
        2: {
            "parties": [
                f"“{item}” is not a known party with a role: write party-slug:role, the role one of {roles}."
                for item in ("atlantis:signatory", "uzbekistan:owner", "uzbekistan")
            ]
        }
    }


def test_the_import_page_links_its_format_and_a_template_with_the_columns_it_reads(
    editor_client, summit_data
):
    from tracker.admin.imports import import_columns

    page = editor_client.get(reverse("admin:tracker_agreement_import")).content.decode()
    assert reverse("admin:tracker_agreement_import_format") in page
    template = editor_client.get(reverse("admin:tracker_agreement_import_template"))
    header = next(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    assert header == [name for name, _help, _values in import_columns()]
    assert "parties" in header and "signed_on" in header
    formats = editor_client.get(reverse("admin:tracker_agreement_import_format")).content.decode()
    for name in header:
        assert f'id="column-{name}"' in formats
    assert "<code>financing_committed</code>" in formats and "<code>UZS</code>" in formats


def test_the_import_format_page_needs_the_import_permission(client, summit_data, make_staff):
    from django.contrib.auth.models import User

    reader = User.objects.create_user("reader", password="a-long-reader-passphrase-42", is_staff=True)
    client.force_login(reader)
    assert client.get(reverse("admin:tracker_agreement_import_format")).status_code == 403
    assert client.get(reverse("admin:tracker_agreement_import_template")).status_code == 403


def test_the_bulk_status_page_has_one_heading_help_and_no_preset_date(editor_client, summit_data):
    records = list(Agreement.objects.filter(slug__in=["sojitz-medical-centre", "smartmining-plus"]))
    url = reverse("admin:tracker_agreement_changelist")
    selection = {"action": "change_status_of_selected", "_selected_action": [str(r.pk) for r in records]}
    html = editor_client.post(url, selection).content.decode()
    assert html.count("<h1") == 1
    assert html.count("Change the status of several items</h1>") == 1
    assert re.search(r"admin/css/forms(\.[0-9a-f]{12})?\.css", html)  # styled like the admin's forms
    assert "Never put today's date for a step that happened on an unknown day." in html
    assert 'name="effective_on" value=' not in html  # no date is suggested


def test_an_editor_can_add_a_status_source_from_the_form(editor_client, summit_data, make_staff, client):
    agreement = Agreement.objects.get(slug="sojitz-medical-centre")
    html = editor_client.get(short_form_url(agreement, "status")).content.decode()
    add_source = reverse("admin:tracker_source_add") + "?_to_field=id&amp;_popup=1"
    assert 'id="add_id_sources"' in html and add_source in html
    # A user who may not add sources gets no "+".
    from django.contrib.auth.models import Permission, User

    viewer = User.objects.create_user("viewer", password="a-long-viewer-passphrase-42", is_staff=True)
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_agreement", "view_agreement"])
    )
    client.force_login(viewer)
    page = client.get(short_form_url(agreement, "status"))
    assert page.status_code == 200
    assert 'id="add_id_sources"' not in page.content.decode()
