"""Truth, round two, part two: links to commitments become claims with a basis.

Links made before are kept, marked as our inference until an editor checks them against a
source; priority areas given before carry the same mark.
"""

from django.db import migrations, models

CARRIED_OVER = "Linked before links carried their basis; an editor has yet to check it against a source."
AREA_CARRIED_OVER = "Classified before classifications carried their basis; not yet checked against a source."


def carry_over(apps, schema_editor):
    Agreement = apps.get_model("tracker", "Agreement")
    AgreementCommitment = apps.get_model("tracker", "AgreementCommitment")
    Commitment = apps.get_model("tracker", "Commitment")
    links = Agreement.commitments.through.objects.values_list("agreement_id", "commitment_id")
    AgreementCommitment.objects.bulk_create(
        AgreementCommitment(agreement_id=a, commitment_id=c, basis="inferred", note=CARRIED_OVER)
        for a, c in links
    )
    Commitment.objects.exclude(priority_area=None).filter(priority_area_basis="").update(
        priority_area_basis="inferred", priority_area_note=AREA_CARRIED_OVER
    )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0011_truth_round_two")]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='agreement',
            name='commitments',
        ),
        migrations.AddField(
            model_name='agreement',
            name='commitments',
            field=models.ManyToManyField(blank=True, related_name='agreements', through='tracker.AgreementCommitment', to='tracker.commitment', verbose_name='commitments'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.CheckConstraint(condition=models.Q(('origin__in', ['declaration', 'initiative', 'japan_announcement', 'summit_outcome', 'ca_leaders', 'leader_proposal', 'leader_remark'])), name='commitment_origin_valid'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('origin__in', ['leader_proposal', 'leader_remark']), ('proposed_by__isnull', False)), models.Q(models.Q(('origin__in', ['leader_proposal', 'leader_remark']), _negated=True), ('proposed_by__isnull', True)), _connector='OR'), name='commitment_leader_iff_by_a_leader'),
        ),
        migrations.AddConstraint(
            model_name='commitment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(models.Q(('priority_area__isnull', False), _negated=True), ('priority_area_basis', '')), models.Q(('priority_area__isnull', False), ('priority_area_basis__in', ['stated', 'inferred'])), _connector='OR'), name='commitment_area_has_basis'),
        ),
        migrations.AddConstraint(
            model_name='exchangerate',
            constraint=models.CheckConstraint(condition=models.Q(('effective_on_basis__in', ['stated', 'assumed'])), name='exchange_rate_date_basis_valid'),
        ),
        migrations.AddConstraint(
            model_name='agreementcommitment',
            constraint=models.CheckConstraint(condition=models.Q(('basis__in', ['stated', 'inferred'])), name='agreement_commitment_basis_valid'),
        ),
        migrations.AddConstraint(
            model_name='agreementcommitment',
            constraint=models.UniqueConstraint(fields=('agreement', 'commitment'), name='agreement_commitment_unique'),
        ),
        migrations.AddConstraint(
            model_name='agreementcommitment',
            constraint=models.CheckConstraint(condition=models.Q(('note', ''), _negated=True), name='agreement_commitment_note_given'),
        ),
        migrations.AddConstraint(
            model_name='statement',
            constraint=models.CheckConstraint(condition=models.Q(('subject__in', ['summit', 'declaration', 'initiative', 'documents'])), name='statement_subject_valid'),
        ),
        migrations.RemoveConstraint(
            model_name='reportedfigure',
            name='figure_exactness_valid',
        ),
        migrations.RemoveConstraint(
            model_name='reportedfigure',
            name='figure_upper_value_iff_range',
        ),
        migrations.AlterField(
            model_name='historicalreportedfigure',
            name='exactness',
            field=models.CharField(choices=[('exact', 'Exact'), ('approximate', 'Approximate'), ('lower_bound', 'At least (lower bound)'), ('upper_bound', 'At most (upper bound)'), ('range', 'Range'), ('approximate_range', 'About, a range')], max_length=20, verbose_name='exactness'),
        ),
        migrations.AlterField(
            model_name='historicalreportedfigure',
            name='upper_value',
            field=models.DecimalField(blank=True, decimal_places=4, help_text='For a range only (“about” or not): its high end.', max_digits=24, null=True, verbose_name='upper value'),
        ),
        migrations.AlterField(
            model_name='reportedfigure',
            name='exactness',
            field=models.CharField(choices=[('exact', 'Exact'), ('approximate', 'Approximate'), ('lower_bound', 'At least (lower bound)'), ('upper_bound', 'At most (upper bound)'), ('range', 'Range'), ('approximate_range', 'About, a range')], max_length=20, verbose_name='exactness'),
        ),
        migrations.AlterField(
            model_name='reportedfigure',
            name='upper_value',
            field=models.DecimalField(blank=True, decimal_places=4, help_text='For a range only (“about” or not): its high end.', max_digits=24, null=True, verbose_name='upper value'),
        ),
        migrations.AddConstraint(
            model_name='reportedfigure',
            constraint=models.CheckConstraint(condition=models.Q(('exactness__in', ['exact', 'approximate', 'lower_bound', 'upper_bound', 'range', 'approximate_range'])), name='figure_exactness_valid'),
        ),
        migrations.AddConstraint(
            model_name='reportedfigure',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('exactness__in', ('range', 'approximate_range')), ('upper_value__gt', models.F('value'))), models.Q(models.Q(('exactness__in', ('range', 'approximate_range')), _negated=True), ('upper_value__isnull', True)), _connector='OR'), name='figure_upper_value_iff_range'),
        ),
    ]
