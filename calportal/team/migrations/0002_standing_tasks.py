from django.db import migrations

# The seven standing tasks of the Śrem CAL team, as appointed in May 2009 (content, in Polish).
STANDING_TASKS = [
    (1, "Mapa zasobów i potrzeb", "Tworzenie mapy zasobów i potrzeb społecznych, diagnozowanie problemów społecznych."),
    (2, "Sieć współpracy", "Budowanie sieci osób i instytucji współpracujących w rozwiązywaniu problemu marginalizacji."),
    (3, "System informacji", "Tworzenie systemu informacji dla osób zagrożonych wykluczeniem społecznym."),
    (4, "Grupy samopomocowe", "Praca z osobami zagrożonymi wykluczeniem społecznym – tworzenie grup samopomocowych."),
    (5, "Zasoby i metoda projektowa", "Gromadzenie zasobów do realizacji działań na rzecz osób zagrożonych wykluczeniem społecznym, praca metodą projektową dla rozwiązywania problemów lokalnych."),
    (6, "Ocena efektywności", "Ocena efektywności pracy na rzecz osób zagrożonych wykluczeniem społecznym."),
    (7, "Wolontariat", "Organizacja i koordynacja wolontariatu przy Ośrodku Pomocy Społecznej."),
]


def create_tasks(apps, schema_editor):
    task_model = apps.get_model("team", "TeamTask")
    for number, title, description in STANDING_TASKS:
        task_model.objects.get_or_create(
            number=number, defaults={"title": title, "description": description}
        )


class Migration(migrations.Migration):
    dependencies = [("team", "0001_initial")]

    operations = [migrations.RunPython(create_tasks, migrations.RunPython.noop)]
