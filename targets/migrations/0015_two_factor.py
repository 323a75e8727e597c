from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("targets", "0014_password_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="securitysettings",
            name="two_factor_for_all",
            field=models.BooleanField(
                default=False,
                help_text="系统管理员、安全管理员、审计管理员始终须两步验证;选中后,其他账号也须在下次登录时启用。",
                verbose_name="其他账号也须两步验证",
            ),
        ),
    ]
