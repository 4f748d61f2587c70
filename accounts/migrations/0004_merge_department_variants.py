"""One spelling per department: merge "Sales", "sales " and "SALES" into one.

Spellings are the same department when they are equal once whitespace is trimmed and collapsed
and capitals are ignored. Each department keeps its most common spelling; a tie goes to the first
alphabetically (capitals sort first). Every other spelling, and any stray whitespace, is rewritten.
From now on every write path keeps to that spelling (accounts/departments.py). Not reversible in
the sense of restoring the variants: reversing does nothing.
"""

from django.db import migrations


def merge_variants(apps, schema_editor):
    from accounts.departments import merge_department_variants

    merge_department_variants(apps.get_model("accounts", "SkillProfile"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_employee_import"),
    ]

    operations = [
        migrations.RunPython(merge_variants, migrations.RunPython.noop),
    ]
