
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def carry_over_existing_rows(apps, schema_editor):
    """Existing rows meet the new rules: a stored signing date was given as exact, a flag that
    said "does not count" becomes "not part of the Initiative", and an existing package link
    is our inference until an editor says a source states it."""
    Agreement = apps.get_model("tracker", "Agreement")
    Agreement.objects.exclude(signed_on=None).update(signed_on_accuracy="exact")
    Agreement.objects.filter(counts_toward_target=False).update(target_link="not_part")
    Agreement.objects.exclude(part_of=None).update(part_of_basis="inferred")


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0003_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalAgreement_target_link_sources',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalAgreement_target_link_sources',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalAgreementParty_sources',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
            ],
            options={
                'verbose_name': 'HistoricalAgreementParty_sources',
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AlterModelOptions(
            name='chapter',
            options={'ordering': ['number'], 'verbose_name': 'chapter of the analytical report', 'verbose_name_plural': 'chapters of the analytical report'},
        ),
        migrations.AlterModelOptions(
            name='historicalchapter',
            options={'get_latest_by': ('history_date', 'history_id'), 'ordering': ('-history_date', '-history_id'), 'verbose_name': 'historical chapter of the analytical report', 'verbose_name_plural': 'historical chapters of the analytical report'},
        ),
        migrations.AlterModelOptions(
            name='statuschange',
            options={'get_latest_by': ['recorded_at', 'pk'], 'ordering': [models.OrderBy(models.F('effective_on'), nulls_first=True), 'recorded_at', 'pk']},
        ),
        migrations.RemoveConstraint(
            model_name='agreement',
            name='agreement_status_valid',
        ),
        migrations.RemoveConstraint(
            model_name='agreementparty',
            name='agreement_party_role_valid',
        ),
        migrations.RemoveConstraint(
            model_name='commitment',
            name='commitment_origin_valid',
        ),
        migrations.RemoveConstraint(
            model_name='statuschange',
            name='status_change_one_subject_valid_statuses',
        ),
        migrations.RenameField(
            model_name='agreement',
            old_name='value_note',
            new_name='value_as_reported',
        ),
        migrations.RenameField(
            model_name='historicalagreement',
            old_name='value_note',
            new_name='value_as_reported',
        ),
        migrations.AddField(
            model_name='agreement',
            name='part_of_basis',
            field=models.CharField(blank=True, choices=[('stated', 'Stated by a source'), ('inferred', 'Our inference')], help_text='Whether a source says it is part of the package, or we infer it.', max_length=20, verbose_name='basis of “part of”'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='part_of_note',
            field=models.CharField(blank=True, help_text='Why, in a sentence.', max_length=300),
        ),
        migrations.AddField(
            model_name='agreement',
            name='signed_on_accuracy',
            field=models.CharField(choices=[('exact', 'Exact day'), ('approximate', 'Around this day'), ('unknown', 'Unknown')], default='unknown', help_text='“Around this day” for a date the sources give only loosely (e.g. “on the sidelines”).', max_length=20, verbose_name='accuracy of the signing date'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='target_link',
            field=models.CharField(choices=[('stated', 'Stated by a source to be under the Initiative'), ('reported', 'Reported around the summit; not confirmed as part of the Initiative'), ('not_part', 'Not part of the Initiative')], default='reported', help_text="What the sources say about this agreement and the Tokyo Initiative's target.", max_length=20, verbose_name='tie to the target'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='target_link_note',
            field=models.CharField(blank=True, help_text='What the sources say, briefly.', max_length=500, verbose_name='note on the tie to the target'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='target_link_sources',
            field=models.ManyToManyField(blank=True, related_name='target_links', to='tracker.source', verbose_name='sources for the tie to the target'),
        ),
        migrations.AlterField(
            model_name='agreement',
            name='value_as_reported',
            field=models.CharField(blank=True, help_text="The source's own words for the value, e.g. “over 11 billion”; quoted as they stand.", max_length=300),
        ),
        migrations.AddField(
            model_name='agreement',
            name='value_reading',
            field=models.TextField(blank=True, help_text="Where amount or currency is our reading rather than the source's words: what we read and why. Shown beside the figure wherever it appears."),
        ),
        migrations.AddField(
            model_name='agreement',
            name='yen_rate',
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='tracker.exchangerate'),
        ),
        migrations.AddField(
            model_name='agreement',
            name='yen_value',
            field=models.DecimalField(blank=True, decimal_places=0, editable=False, help_text='Derived by tracker.money from amount, currency and rate; never edited.', max_digits=24, null=True),
        ),
        migrations.AddField(
            model_name='agreementparty',
            name='sources',
            field=models.ManyToManyField(help_text='The sources that name this party in this role.', related_name='party_roles', to='tracker.source'),
        ),
        migrations.AddField(
            model_name='commitment',
            name='same_pledge_as',
            field=models.ForeignKey(blank=True, help_text='The main record of a pledge also made elsewhere (e.g. in the declaration and the Initiative). Link every other record of it here, so a reader sees one pledge with several origins.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='echoes', to='tracker.commitment', verbose_name='same pledge as'),
        ),
        migrations.AddField(
            model_name='exchangerate',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name='historicalagreement',
            name='part_of_basis',
            field=models.CharField(blank=True, choices=[('stated', 'Stated by a source'), ('inferred', 'Our inference')], help_text='Whether a source says it is part of the package, or we infer it.', max_length=20, verbose_name='basis of “part of”'),
        ),
        migrations.AddField(
            model_name='historicalagreement',
            name='part_of_note',
            field=models.CharField(blank=True, help_text='Why, in a sentence.', max_length=300),
        ),
        migrations.AddField(
            model_name='historicalagreement',
            name='signed_on_accuracy',
            field=models.CharField(choices=[('exact', 'Exact day'), ('approximate', 'Around this day'), ('unknown', 'Unknown')], default='unknown', help_text='“Around this day” for a date the sources give only loosely (e.g. “on the sidelines”).', max_length=20, verbose_name='accuracy of the signing date'),
        ),
        migrations.AddField(
            model_name='historicalagreement',
            name='target_link',
            field=models.CharField(choices=[('stated', 'Stated by a source to be under the Initiative'), ('reported', 'Reported around the summit; not confirmed as part of the Initiative'), ('not_part', 'Not part of the Initiative')], default='reported', help_text="What the sources say about this agreement and the Tokyo Initiative's target.", max_length=20, verbose_name='tie to the target'),
        ),
        migrations.AddField(
            model_name='historicalagreement',
            name='target_link_note',
            field=models.CharField(blank=True, help_text='What the sources say, briefly.', max_length=500, verbose_name='note on the tie to the target'),
        ),
        migrations.AlterField(
            model_name='historicalagreement',
            name='value_as_reported',
            field=models.CharField(blank=True, help_text="The source's own words for the value, e.g. “over 11 billion”; quoted as they stand.", max_length=300),
        ),
        migrations.AddField(
            model_name='historicalagreement',
            name='value_reading',
            field=models.TextField(blank=True, help_text="Where amount or currency is our reading rather than the source's words: what we read and why. Shown beside the figure wherever it appears."),
        ),
        migrations.AddField(
            model_name='historicalcommitment',
            name='same_pledge_as',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The main record of a pledge also made elsewhere (e.g. in the declaration and the Initiative). Link every other record of it here, so a reader sees one pledge with several origins.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tracker.commitment', verbose_name='same pledge as'),
        ),
        migrations.AddField(
            model_name='historicalexchangerate',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name='historicalreportedfigure',
            name='reading',
            field=models.TextField(blank=True, help_text="Where unit or value is our reading rather than the source's words: what and why."),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='archived_text',
            field=models.TextField(blank=True, help_text='Our archived copy of the document, as we hold it; shown on its own page.'),
        ),
        migrations.AddField(
            model_name='historicalsource',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name='historicalstatuschange',
            name='date_accuracy',
            field=models.CharField(choices=[('exact', 'Exact day'), ('approximate', 'Around this day'), ('unknown', 'Unknown')], default='exact', help_text='“Unknown” when no source dates the step: the page then says when it was first reported.', max_length=20),
        ),
        migrations.AddField(
            model_name='reportedfigure',
            name='reading',
            field=models.TextField(blank=True, help_text="Where unit or value is our reading rather than the source's words: what and why."),
        ),
        migrations.AddField(
            model_name='source',
            name='archived_text',
            field=models.TextField(blank=True, help_text='Our archived copy of the document, as we hold it; shown on its own page.'),
        ),
        migrations.AddField(
            model_name='source',
            name='version',
            field=models.PositiveIntegerField(default=1, editable=False),
        ),
        migrations.AddField(
            model_name='statuschange',
            name='date_accuracy',
            field=models.CharField(choices=[('exact', 'Exact day'), ('approximate', 'Around this day'), ('unknown', 'Unknown')], default='exact', help_text='“Unknown” when no source dates the step: the page then says when it was first reported.', max_length=20),
        ),
        migrations.AlterField(
            model_name='agreement',
            name='is_synthetic',
            field=models.BooleanField(default=False, help_text='Generated for tests or benchmarks; never real data, never in public figures.'),
        ),
        migrations.AlterField(
            model_name='agreement',
            name='signed_on',
            field=models.DateField(blank=True, help_text='Blank when no source dates the signing.', null=True),
        ),
        migrations.AlterField(
            model_name='agreement',
            name='status',
            field=models.CharField(choices=[('reported', 'Reported; stage not stated'), ('signed', 'Signed'), ('in_preparation', 'In preparation'), ('financing_committed', 'Financing committed'), ('in_implementation', 'In implementation'), ('completed', 'Completed'), ('suspended', 'Suspended'), ('cancelled', 'Cancelled'), ('terminated_early', 'Terminated early')], default='reported', help_text='The latest status-history record; change it through a dated, sourced status change.', max_length=20),
        ),
        migrations.AlterField(
            model_name='agreementparty',
            name='role',
            field=models.CharField(choices=[('signatory', 'Signatory'), ('supporter', 'Supporter (kind of support not stated)'), ('host_country', 'Host country'), ('implementer', 'Implementer'), ('financier', 'Financier'), ('insurer', 'Insurer'), ('partner', 'Partner')], max_length=20),
        ),
        migrations.AlterField(
            model_name='commitment',
            name='chapter',
            field=models.ForeignKey(blank=True, help_text='Where the report on the declaration discusses it; not a chapter of the declaration.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='commitments', to='tracker.chapter', verbose_name='chapter of the analytical report (source 004)'),
        ),
        migrations.AlterField(
            model_name='commitment',
            name='is_synthetic',
            field=models.BooleanField(default=False, help_text='Generated for tests or benchmarks; never real data, never in public figures.'),
        ),
        migrations.AlterField(
            model_name='commitment',
            name='origin',
            field=models.CharField(choices=[('declaration', 'Tokyo Declaration'), ('initiative', 'CA+JAD Tokyo Initiative'), ('japan_announcement', "Japan's decision announced at the summit"), ('summit_outcome', 'Agreed by the leaders at the summit'), ('ca_leaders', 'Affirmed by the Central Asian leaders'), ('leader_proposal', "Leader's proposal")], max_length=20),
        ),
        migrations.AlterField(
            model_name='historicalagreement',
            name='is_synthetic',
            field=models.BooleanField(default=False, help_text='Generated for tests or benchmarks; never real data, never in public figures.'),
        ),
        migrations.AlterField(
            model_name='historicalagreement',
            name='signed_on',
            field=models.DateField(blank=True, help_text='Blank when no source dates the signing.', null=True),
        ),
        migrations.AlterField(
            model_name='historicalagreement',
            name='status',
            field=models.CharField(choices=[('reported', 'Reported; stage not stated'), ('signed', 'Signed'), ('in_preparation', 'In preparation'), ('financing_committed', 'Financing committed'), ('in_implementation', 'In implementation'), ('completed', 'Completed'), ('suspended', 'Suspended'), ('cancelled', 'Cancelled'), ('terminated_early', 'Terminated early')], default='reported', help_text='The latest status-history record; change it through a dated, sourced status change.', max_length=20),
        ),
        migrations.AlterField(
            model_name='historicalagreementparty',
            name='role',
            field=models.CharField(choices=[('signatory', 'Signatory'), ('supporter', 'Supporter (kind of support not stated)'), ('host_country', 'Host country'), ('implementer', 'Implementer'), ('financier', 'Financier'), ('insurer', 'Insurer'), ('partner', 'Partner')], max_length=20),
        ),
        migrations.AlterField(
            model_name='historicalcommitment',
            name='chapter',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='Where the report on the declaration discusses it; not a chapter of the declaration.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tracker.chapter', verbose_name='chapter of the analytical report (source 004)'),
        ),
        migrations.AlterField(
            model_name='historicalcommitment',
            name='is_synthetic',
            field=models.BooleanField(default=False, help_text='Generated for tests or benchmarks; never real data, never in public figures.'),
        ),
        migrations.AlterField(
            model_name='historicalcommitment',
            name='origin',
            field=models.CharField(choices=[('declaration', 'Tokyo Declaration'), ('initiative', 'CA+JAD Tokyo Initiative'), ('japan_announcement', "Japan's decision announced at the summit"), ('summit_outcome', 'Agreed by the leaders at the summit'), ('ca_leaders', 'Affirmed by the Central Asian leaders'), ('leader_proposal', "Leader's proposal")], max_length=20),
        ),
        migrations.AlterField(
            model_name='historicalsource',
            name='archived_as',
            field=models.CharField(blank=True, help_text='File of our archived copy under fixtures/ (for maintainers; not shown to readers).', max_length=200),
        ),
        migrations.AlterField(
            model_name='historicalsource',
            name='date_note',
            field=models.CharField(blank=True, help_text='For readers: the date as the document gives it, when it gives no plain date (e.g. an ambiguous format, or none at all).', max_length=200, verbose_name='date as reported'),
        ),
        migrations.AlterField(
            model_name='historicalsource',
            name='kind',
            field=models.CharField(choices=[('news', 'News report'), ('opinion', 'Opinion piece'), ('analysis', 'Summary of an analytical report'), ('official', 'Official document'), ('other', 'Other')], default='news', max_length=20),
        ),
        migrations.AlterField(
            model_name='historicalsource',
            name='note',
            field=models.TextField(help_text='For readers: what this source supports, in our own words.'),
        ),
        migrations.AlterField(
            model_name='historicalsource',
            name='url',
            field=models.URLField(blank=True, help_text='Only an address the document itself gives or we verified.', verbose_name='original address'),
        ),
        migrations.AlterField(
            model_name='historicalstatuschange',
            name='effective_on',
            field=models.DateField(blank=True, help_text='The date the new status took effect; blank when no source gives it.', null=True),
        ),
        migrations.AlterField(
            model_name='source',
            name='archived_as',
            field=models.CharField(blank=True, help_text='File of our archived copy under fixtures/ (for maintainers; not shown to readers).', max_length=200),
        ),
        migrations.AlterField(
            model_name='source',
            name='date_note',
            field=models.CharField(blank=True, help_text='For readers: the date as the document gives it, when it gives no plain date (e.g. an ambiguous format, or none at all).', max_length=200, verbose_name='date as reported'),
        ),
        migrations.AlterField(
            model_name='source',
            name='kind',
            field=models.CharField(choices=[('news', 'News report'), ('opinion', 'Opinion piece'), ('analysis', 'Summary of an analytical report'), ('official', 'Official document'), ('other', 'Other')], default='news', max_length=20),
        ),
        migrations.AlterField(
            model_name='source',
            name='note',
            field=models.TextField(help_text='For readers: what this source supports, in our own words.'),
        ),
        migrations.AlterField(
            model_name='source',
            name='url',
            field=models.URLField(blank=True, help_text='Only an address the document itself gives or we verified.', verbose_name='original address'),
        ),
        migrations.AlterField(
            model_name='statuschange',
            name='effective_on',
            field=models.DateField(blank=True, help_text='The date the new status took effect; blank when no source gives it.', null=True),
        ),
        migrations.RunPython(carry_over_existing_rows, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='agreement',
            name='counts_toward_target',
        ),
        migrations.RemoveField(
            model_name='historicalagreement',
            name='counts_toward_target',
        ),
        migrations.AddIndex(
            model_name='agreement',
            index=models.Index(fields=['yen_value'], name='agreement_yen_value_idx'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['reported', 'signed', 'in_preparation', 'financing_committed', 'in_implementation', 'completed', 'suspended', 'cancelled', 'terminated_early'])), name='agreement_status_valid'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('target_link__in', ['stated', 'reported', 'not_part'])), name='agreement_target_link_valid'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(('signed_on_accuracy__in', ['exact', 'approximate', 'unknown'])), name='agreement_signed_accuracy_valid'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('signed_on_accuracy', 'unknown'), ('signed_on__isnull', True)), models.Q(models.Q(('signed_on_accuracy', 'unknown'), _negated=True), models.Q(('signed_on__isnull', True), _negated=True)), _connector='OR'), name='agreement_signed_on_accuracy'),
        ),
        migrations.AddConstraint(
            model_name='agreement',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('part_of__isnull', True), ('part_of_basis', '')), models.Q(('part_of__isnull', False), ('part_of_basis__in', ['stated', 'inferred'])), _connector='OR'), name='agreement_part_of_has_basis'),
        ),
        migrations.AddConstraint(
            model_name='agreementparty',
            constraint=models.CheckConstraint(condition=models.Q(('role__in', ['signatory', 'supporter', 'host_country', 'implementer', 'financier', 'insurer', 'partner'])), name='agreement_party_role_valid'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.CheckConstraint(condition=models.Q(('origin__in', ['declaration', 'initiative', 'japan_announcement', 'summit_outcome', 'ca_leaders', 'leader_proposal'])), name='commitment_origin_valid'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.CheckConstraint(condition=models.Q(('same_pledge_as__isnull', True), models.Q(('same_pledge_as', models.F('pk')), _negated=True), _connector='OR'), name='commitment_not_same_pledge_as_itself'),
        ),
        migrations.AddConstraint(
            model_name='statuschange',
            constraint=models.CheckConstraint(condition=models.Q(('date_accuracy__in', ['exact', 'approximate', 'unknown'])), name='status_change_date_accuracy_valid'),
        ),
        migrations.AddConstraint(
            model_name='statuschange',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('date_accuracy', 'unknown'), ('effective_on__isnull', True)), models.Q(models.Q(('date_accuracy', 'unknown'), _negated=True), models.Q(('effective_on__isnull', True), _negated=True)), _connector='OR'), name='status_change_date_iff_known'),
        ),
        migrations.AddConstraint(
            model_name='statuschange',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('commitment__isnull', False), ('agreement__isnull', True), ('new_status__in', ['not_assessed', 'not_started', 'in_progress', 'stalled', 'partially_achieved', 'achieved', 'not_achieved']), ('old_status__in', ['', 'not_assessed', 'not_started', 'in_progress', 'stalled', 'partially_achieved', 'achieved', 'not_achieved'])), models.Q(('agreement__isnull', False), ('commitment__isnull', True), ('new_status__in', ['reported', 'signed', 'in_preparation', 'financing_committed', 'in_implementation', 'completed', 'suspended', 'cancelled', 'terminated_early']), ('old_status__in', ['', 'reported', 'signed', 'in_preparation', 'financing_committed', 'in_implementation', 'completed', 'suspended', 'cancelled', 'terminated_early'])), _connector='OR'), name='status_change_one_subject_valid_statuses'),
        ),
        migrations.AddField(
            model_name='historicalagreement_target_link_sources',
            name='agreement',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tracker.agreement'),
        ),
        migrations.AddField(
            model_name='historicalagreement_target_link_sources',
            name='history',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='tracker.historicalagreement'),
        ),
        migrations.AddField(
            model_name='historicalagreement_target_link_sources',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tracker.source'),
        ),
        migrations.AddField(
            model_name='historicalagreementparty_sources',
            name='agreementparty',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tracker.agreementparty'),
        ),
        migrations.AddField(
            model_name='historicalagreementparty_sources',
            name='history',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='tracker.historicalagreementparty'),
        ),
        migrations.AddField(
            model_name='historicalagreementparty_sources',
            name='source',
            field=models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='tracker.source'),
        ),
    ]
