"""ClinicSettings moves from the booking app (label "clinic") to core. The table and its row
stay as they are: only Django's record of which app owns the model changes, and the content
type (with the permissions and group memberships that hang on it) is relabelled, not recreated.
"""

import django.core.validators
from django.db import migrations, models

import clinic.core.models


def relabel_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="core", model="clinicsettings").exists():
        ContentType.objects.filter(app_label="clinic", model="clinicsettings").update(
            app_label="core"
        )


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="core", model="clinicsettings").update(
        app_label="clinic"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinic", "0004_data_deletion_requests"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ClinicSettings',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(default='Unknot Demo Clinic', max_length=120, verbose_name='clinic name')),
                        ('tagline', models.CharField(blank=True, default='Deep tissue therapy for upper back knots', max_length=200, verbose_name='tagline')),
                        ('address', models.TextField(default='100 Example Street, Suite 1\nAnytown', verbose_name='address')),
                        ('phone', models.CharField(default='(555) 010-0100', max_length=40, verbose_name='phone')),
                        ('email', models.EmailField(default='hello@clinic.example', max_length=254, verbose_name='email')),
                        ('opening_hours', models.TextField(default='Monday to Friday 9:00-18:00\nSaturday 9:00-13:00', help_text='Shown in the footer as written, one line per row.', verbose_name='opening hours')),
                        ('time_zone', models.CharField(default=clinic.core.models.default_time_zone, help_text='Times on the site and in emails are shown in this zone, e.g. America/Denver.', max_length=64, validators=[clinic.core.models.validate_time_zone], verbose_name='time zone')),
                        ('minimum_notice_hours', models.PositiveSmallIntegerField(default=12, help_text='Clients can request times at least this many hours ahead.', verbose_name='minimum notice (hours)')),
                        ('booking_horizon_days', models.PositiveSmallIntegerField(default=60, help_text='Clients can request times up to this many days ahead.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='booking horizon (days)')),
                        ('slot_step_minutes', models.PositiveSmallIntegerField(default=15, help_text='Open times are offered every this many minutes from the start of hours.', validators=[django.core.validators.MinValueValidator(5), django.core.validators.MaxValueValidator(120)], verbose_name='time step (minutes)')),
                        ('cancellation_cutoff_hours', models.PositiveSmallIntegerField(default=24, help_text='Clients can cancel a confirmed appointment online until this many hours before it; after that they are asked to call.', verbose_name='cancellation cutoff (hours)')),
                        ('request_expiry_hours', models.PositiveSmallIntegerField(default=48, help_text='A request or a proposed time that waits this long for an answer expires, and the client is told.', validators=[django.core.validators.MinValueValidator(1)], verbose_name='request expiry (hours)')),
                    ],
                    options={
                        'verbose_name': 'clinic settings',
                        'verbose_name_plural': 'clinic settings',
                        'db_table': 'clinic_clinicsettings',
                        'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='clinic_settings_single_row')],
                    },
                ),
            ],
        ),
        migrations.RunPython(relabel_content_type, restore_content_type),
    ]
