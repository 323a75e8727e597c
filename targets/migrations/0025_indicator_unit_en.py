from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('targets', '0017_english_names_of_divisions'),
    ]

    operations = [
        migrations.AddField(
            model_name='indicator',
            name='unit_en',
            field=models.CharField(blank=True, max_length=40, verbose_name='英文单位'),
        ),
    ]
