import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def _sane(field, name, low=datetime.date(1900, 1, 1), high=datetime.date(2101, 1, 1)):
    return models.CheckConstraint(
        condition=models.Q((f"{field}__gte", low), (f"{field}__lt", high)),
        name=name,
        violation_error_message="Enter a date between 1900 and 2100.",
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("initiatives", "0009_reports_prerequisites"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Project",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, verbose_name="project title")),
                ("funder", models.CharField(help_text="E.g. Wojewódzki Urząd Pracy w Poznaniu – FEW 2021–2027.", max_length=200, verbose_name="funder")),
                ("programme", models.CharField(blank=True, max_length=200, verbose_name="programme")),
                ("agreement_number", models.CharField(max_length=100, verbose_name="agreement number")),
                ("agreement_date", models.DateField(blank=True, null=True, verbose_name="agreement date")),
                ("start", models.DateField(verbose_name="project start")),
                ("end", models.DateField(verbose_name="project end")),
                ("retention_end", models.DateField(help_text="The day until which the project's documents and participant data must be kept (set in the agreement; for ESF+ usually 5 years from 31 December of the year of the last payment).", verbose_name="documents kept until")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("initiatives", models.ManyToManyField(blank=True, related_name="projects", to="initiatives.initiative", verbose_name="initiatives")),
                ("staff", models.ManyToManyField(blank=True, help_text="Only they may have the project's participant list.", related_name="projects", to=settings.AUTH_USER_MODEL, verbose_name="OPS staff assigned")),
            ],
            options={
                "verbose_name": "project",
                "verbose_name_plural": "projects",
                "ordering": ["-start", "name"],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("end__gte", models.F("start"))), name="project_ends_after_start", violation_error_message="The project cannot end before it starts."),
                    models.CheckConstraint(condition=models.Q(("retention_end__gte", models.F("end"))), name="project_retention_after_end", violation_error_message="Documents must be kept at least until the project ends."),
                    _sane("start", "project_start_sane_year"),
                    _sane("end", "project_end_sane_year"),
                    _sane("retention_end", "project_retention_end_sane_year"),
                    _sane("agreement_date", "project_agreement_date_sane_year"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ProjectIndicator",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=300, verbose_name="indicator")),
                ("kind", models.CharField(choices=[("output", "Output (produkt)"), ("result", "Result (rezultat)")], default="output", max_length=10, verbose_name="kind")),
                ("measure", models.CharField(choices=[("started", "Participants who started support (computed)"), ("typed", "Typed in for each reporting period")], default="typed", max_length=10, verbose_name="measured by")),
                ("unit", models.CharField(default="osoby", max_length=50, verbose_name="unit")),
                ("target_women", models.PositiveIntegerField(blank=True, null=True, verbose_name="target: women")),
                ("target_men", models.PositiveIntegerField(blank=True, null=True, verbose_name="target: men")),
                ("target_total", models.PositiveIntegerField(verbose_name="target: total")),
                ("position", models.PositiveSmallIntegerField(default=0, editable=False)),
                ("project", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="indicators", to="projects.project", verbose_name="project")),
            ],
            options={
                "verbose_name": "project indicator",
                "verbose_name_plural": "project indicators",
                "ordering": ["position", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ReportingPeriod",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("start", models.DateField(verbose_name="from")),
                ("end", models.DateField(verbose_name="to")),
                ("due", models.DateField(blank=True, null=True, verbose_name="report due")),
                ("project", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="periods", to="projects.project", verbose_name="project")),
            ],
            options={
                "verbose_name": "reporting period",
                "verbose_name_plural": "reporting periods",
                "ordering": ["start", "pk"],
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("end__gte", models.F("start"))), name="reporting_period_ends_after_start", violation_error_message="A reporting period cannot end before it starts."),
                    _sane("start", "reporting_period_start_sane_year"),
                    _sane("end", "reporting_period_end_sane_year"),
                    _sane("due", "reporting_period_due_sane_year"),
                ],
            },
        ),
        migrations.CreateModel(
            name="IndicatorValue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("women", models.PositiveIntegerField(default=0, verbose_name="women")),
                ("men", models.PositiveIntegerField(default=0, verbose_name="men")),
                ("total", models.PositiveIntegerField(default=0, verbose_name="total")),
                ("indicator", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="values", to="projects.projectindicator")),
                ("period", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="values", to="projects.reportingperiod")),
            ],
            options={
                "verbose_name": "indicator value",
                "verbose_name_plural": "indicator values",
                "constraints": [
                    models.UniqueConstraint(models.F("indicator"), models.F("period"), name="indicator_value_once_per_period"),
                ],
            },
        ),
    ]
