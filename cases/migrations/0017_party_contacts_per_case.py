"""Contact details move from the shared Party onto each case's link (issue #10).

A Party is one record across courts (found by ID number), so its phone and address, entered by whichever court
filed first, showed on every other court's case. Which court entered a contact was never recorded; what is known is
that the party record (and its contacts, filled in on first filing) came with its first link. So each party's
contacts are copied onto its links in the court of its first link (lowest link id), with that court noted as the
one that entered them; links in other courts start without contacts, and those courts enter their own.
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000


def contacts_to_links(apps, schema_editor):
    CaseParty = apps.get_model("cases", "CaseParty")
    if schema_editor.connection.vendor == "postgresql":
        return _contacts_to_links_in_sql(apps, schema_editor)
    rows = (
        CaseParty.objects.exclude(party__phone="", party__address="")
        .order_by("party_id", "id")
        .values_list("id", "party_id", "case__court_id", "party__phone", "party__address")
        .iterator(chunk_size=5000)
    )
    party, first_court, batch = None, None, []
    for link_id, party_id, court_id, phone, address in rows:
        if party_id != party:
            party, first_court = party_id, court_id
        if court_id == first_court:
            batch.append(CaseParty(id=link_id, phone=phone, address=address, contact_court_id=court_id))
        if len(batch) >= BATCH:
            CaseParty.objects.bulk_update(batch, ["phone", "address", "contact_court"])
            batch = []
    if batch:
        CaseParty.objects.bulk_update(batch, ["phone", "address", "contact_court"])


def _contacts_to_links_in_sql(apps, schema_editor):
    """The same copy as one statement on PostgreSQL: the row-by-row loop had not finished the 10-million-case bench
    database's 22 million links after ten minutes. DISTINCT ON picks each party's first link. Constraints are checked
    per statement so that the ALTER TABLEs after it meet no pending trigger events.
    """
    link, party, case = (apps.get_model("cases", m)._meta.db_table for m in ("CaseParty", "Party", "Case"))
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    schema_editor.execute(
        f"""
        UPDATE {link} AS l SET phone = p.phone, address = p.address, contact_court_id = c.court_id
        FROM {party} AS p, {case} AS c,
             (SELECT DISTINCT ON (fl.party_id) fl.party_id, fc.court_id
                FROM {link} AS fl JOIN {case} AS fc ON fc.id = fl.case_id
               ORDER BY fl.party_id, fl.id) AS first
        WHERE p.id = l.party_id AND c.id = l.case_id AND first.party_id = l.party_id
          AND first.court_id = c.court_id AND (p.phone <> '' OR p.address <> '')
        """
    )


def contacts_to_parties(apps, schema_editor):
    """Reverse: each party takes the contacts of its first link that has any."""
    CaseParty, Party = apps.get_model("cases", "CaseParty"), apps.get_model("cases", "Party")
    rows = (
        CaseParty.objects.exclude(phone="", address="")
        .order_by("party_id", "id")
        .values_list("party_id", "phone", "address")
        .iterator(chunk_size=5000)
    )
    party, batch = None, []
    for party_id, phone, address in rows:
        if party_id != party:
            party = party_id
            batch.append(Party(id=party_id, phone=phone, address=address))
        if len(batch) >= BATCH:
            Party.objects.bulk_update(batch, ["phone", "address"])
            batch = []
    if batch:
        Party.objects.bulk_update(batch, ["phone", "address"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0016_lawyer_orders"),
        ("execcenter", "0004_partner_key_lifecycle"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseparty",
            name="phone",
            field=models.CharField(blank=True, max_length=20, verbose_name="联系电话"),
        ),
        migrations.AddField(
            model_name="caseparty",
            name="address",
            field=models.CharField(blank=True, max_length=200, verbose_name="地址"),
        ),
        migrations.AddField(
            model_name="caseparty",
            name="contact_court",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="execcenter.court",
                verbose_name="联系方式录入法院",
            ),
        ),
        migrations.RunPython(contacts_to_links, contacts_to_parties),
        migrations.RemoveField(model_name="party", name="address"),
        migrations.RemoveField(model_name="party", name="phone"),
    ]
