"""RateLimitCounter: the form rate limits counted in the database while the cache is down."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('submissions', '0004_case_history'),
    ]

    operations = [
        migrations.CreateModel(
            name='RateLimitCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=200, verbose_name='限流键')),
                ('window_start', models.DateTimeField(verbose_name='窗口开始')),
                ('expires_at', models.DateTimeField(db_index=True, verbose_name='窗口结束')),
                ('hits', models.PositiveIntegerField(default=0, verbose_name='次数')),
            ],
            options={
                'verbose_name': '限流计数',
                'verbose_name_plural': '限流计数',
                'constraints': [models.UniqueConstraint(fields=('key', 'window_start'), name='ratelimit_counter_key_window')],
            },
        ),
    ]
