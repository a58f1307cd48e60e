import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def actions_to_tasks(apps, schema_editor):
    Action = apps.get_model("panels", "Action")
    Task = apps.get_model("cases", "Task")
    for action in Action.objects.select_related(
        "meeting",
        "item__referral",
        "item__exclusion",
        "item__placement",
        "item__fair_access",
    ):
        item = action.item
        pupil_id = None
        if item is not None:
            for part in (item.referral, item.exclusion, item.placement, item.fair_access):
                if part is not None:
                    pupil_id = part.pupil_id
                    break
        done = action.done_on is not None
        action.task = Task.objects.create(
            la_id=action.meeting.la_id,
            pupil_id=pupil_id,
            title=action.description,
            source="panel",
            owner_user_id=action.owner_id,
            due_on=action.due_on,
            state="done" if done else "open",
            done_by_id=action.owner_id if done else None,
            done_at=timezone.make_aware(
                timezone.datetime.combine(action.done_on, timezone.datetime.min.time())
            )
            if done
            else None,
            created_at=timezone.now(),
        )
        action.save(update_fields=["task"])


def tasks_to_actions(apps, schema_editor):
    Action = apps.get_model("panels", "Action")
    for action in Action.objects.select_related("task"):
        task = action.task
        action.description = task.title
        action.owner_id = task.owner_user_id or task.created_by_id
        action.due_on = task.due_on
        action.done_on = task.done_at.date() if task.done_at else None
        action.save()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_casework_leads_notes_tasks"),
        ("panels", "0006_alter_panelseries_weekday"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="task",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="panel_action",
                to="cases.task",
            ),
        ),
        # Reversing needs the old columns back before the tasks are copied into them.
        migrations.AlterField(
            model_name="action",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organisations.user",
            ),
        ),
        migrations.AlterField(
            model_name="action",
            name="due_on",
            field=models.DateField(null=True),
        ),
        migrations.AlterField(
            model_name="action",
            name="description",
            field=models.CharField(max_length=500, blank=True),
        ),
        migrations.RunPython(actions_to_tasks, tasks_to_actions),
        migrations.RemoveField(model_name="action", name="description"),
        migrations.RemoveField(model_name="action", name="owner"),
        migrations.RemoveField(model_name="action", name="due_on"),
        migrations.RemoveField(model_name="action", name="done_on"),
        migrations.AlterField(
            model_name="action",
            name="task",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="panel_action",
                to="cases.task",
            ),
        ),
        migrations.AlterModelOptions(name="action", options={"ordering": ["task__due_on", "pk"]}),
    ]
