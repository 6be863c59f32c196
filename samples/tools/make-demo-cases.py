#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes samples/demo-cases.xml: the fictional demo office "Landeshauptstadt Kiel, Amt für
Soziale Dienste" in the case-import format (docs/formats/case-import.md).

All people, addresses and accounts are invented. Identifiers are computed so that they pass the
checks of the reader: IBAN (ISO 13616 mod 97), Versicherungsnummer (§ 2 Abs. 6 VKVV), Steuer-ID
(ISO 7064 MOD 11,10). Deterministic: the same script writes the same bytes.

    python3 samples/tools/make-demo-cases.py > samples/demo-cases.xml
"""
import random
import sys
import unicodedata
from xml.sax.saxutils import quoteattr

rng = random.Random(20261001)

# ------------------------------------------------------------------ identifiers

def iban_de(blz, account):
    bban = f"{blz:0>8}{account:0>10}"
    n = int(bban + "131400")  # D=13 E=14, check digits 00
    return f"DE{98 - n % 97:02d}{bban}"

def vsnr(birth, birth_name, sex, area="26"):
    y, m, d = birth.split("-")
    letter = unicodedata.normalize("NFKD", birth_name[0]).encode("ascii", "ignore").decode()[0].upper()
    if birth_name[0] in "Łł":
        letter = "L"
    serial = rng.randint(0, 49) if sex == "m" else rng.randint(50, 99)
    first11 = f"{area}{d}{m}{y[2:]}{letter}{serial:02d}"
    digits = []
    for i, c in enumerate(first11):
        if i == 8:
            pos = ord(c) - ord("A") + 1
            digits += [pos // 10, pos % 10]
        else:
            digits.append(int(c))
    weights = [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1]
    total = sum(sum(divmod(dg * w, 10)) for dg, w in zip(digits, weights))
    return first11 + str(total % 10)

def steuer_id():
    while True:
        digits = rng.sample(range(10), 9)
        if digits[0] == 0:
            continue
        dup = rng.choice(digits)
        pos = rng.randint(1, 9)
        ten = digits[:pos] + [dup] + digits[pos:]
        if any(ten[i] == ten[i + 1] == ten[i + 2] for i in range(8)):
            continue
        product = 10
        for dg in ten:
            s = (dg + product) % 10 or 10
            product = (s * 2) % 11
        check = 11 - product
        return "".join(map(str, ten)) + str(0 if check == 10 else check)

# ------------------------------------------------------------------ model

persons, payees, cases = [], [], []
STREETS = ["Musterweg", "Beispielstraße", "Probenkamp", "Am Testufer", "Fördeblick", "Lindenhof-Allee",
           "Möwenstieg", "Hafenwinkel", "Kastanienring", "Ostseering", "Schwalbengang", "Ulmenredder"]
POSTCODES = ["24103", "24105", "24106", "24107", "24109", "24111", "24113", "24114", "24116", "24118",
             "24143", "24145", "24146", "24147", "24148", "24149", "24159"]
BANKS = [("21050170", "NOLADE21KIE"), ("12030000", "BYLADEM1001"), ("21060237", "GENODEF1EDG")]

def address(extra=None, street=None, no=None):
    a = {"street": street or rng.choice(STREETS), "house-no": no or str(rng.randint(1, 120)),
         "postcode": rng.choice(POSTCODES), "city": "Kiel"}
    if extra:
        a["extra"] = extra
    return a

def person(family, first, birth, sex, nat="000", birth_name=None, place="Kiel", vs=True, tax=True, addr=None):
    pid = f"P-{len(persons) + 1:04d}"
    p = {"id": pid, "family-name": family}
    if birth_name:
        p["birth-name"] = birth_name
    p.update({"first-names": first, "birth-date": birth, "birth-place": place, "sex": sex, "nationality": nat})
    if vs:
        p["vsnr"] = vsnr(birth, birth_name or family, sex)
    if tax:
        p["steuer-id"] = steuer_id()
    p["_address"] = addr
    persons.append(p)
    return pid

def payee(kind, name, account=True, person_id=None, card=None, addr=None, iban=None, bic=None):
    zid = f"Z-{len(payees) + 1:04d}"
    z = {"id": zid, "kind": kind, "name": name}
    if iban:
        z["iban"], z["bic"] = iban, bic
    elif account:
        blz, b = rng.choice(BANKS)
        z["iban"], z["bic"] = iban_de(blz, str(rng.randint(10**8, 10**10 - 1))), b
    if card:
        z["card-ref"] = card
    if person_id:
        z["person"] = person_id
    z["_address"] = addr
    payees.append(z)
    return zid

LANDLORD = payee("landlord", "Kieler Wohnungsbaugenossenschaft Beispiel eG",
                 addr={"street": "Genossenschaftsweg", "house-no": "1", "postcode": "24114", "city": "Kiel"})
LANDLORD2 = payee("landlord", "Hausverwaltung Probst & Söhne GmbH",
                  addr={"street": "Holstenstraße", "house-no": "99", "postcode": "24103", "city": "Kiel"})
ENERGY = payee("energy-provider", "Stadtwerke Beispielstadt Energie GmbH",
               addr={"street": "Werkstraße", "house-no": "7", "postcode": "24143", "city": "Kiel"})
CARD = "card-provider"

counter = {"SG-NORD": 0, "SG-SUED": 0}

def case(law, wg, established, members, approvals=None, closed_on=None, state="open"):
    counter[wg] += 1
    prefix = {"SG-NORD": "50.1", "SG-SUED": "50.2"}[wg]
    ref = f"{prefix}-{counter[wg]:04d}"
    c = {"attrs": {"file-ref": ref, "law": law, "work-group": wg, "state": state, "established-on": established},
         "member": [], "approval": [], "need": [], "income": [], "housing": [], "asset": [], "assignment": [],
         "claim": [], "offset": []}
    if closed_on:
        c["attrs"]["closed-on"] = closed_on
    for m in members:
        c["member"].append(m)
    n = len(cases) + 1
    for i, (frm, to, st) in enumerate(approvals or [("2026-07-01", "2027-06-30", "approved")]):
        a = {"id": f"B-{n:04d}-{i + 1}", "from": frm}
        if to:
            a["to"] = to
        a.update({"approved-by": rng.choice(["sb-nord-01", "sb-nord-02"] if wg == "SG-NORD" else ["sb-sued-01", "sb-sued-03"]),
                  "state": st})
        # approvals are decided before they start: use the previous month
        y, mth = int(frm[:4]), int(frm[5:7])
        y, mth = (y, mth - 1) if mth > 1 else (y - 1, 12)
        a["approved-at"] = f"{y}-{mth:02d}-{rng.randint(10, 28)}T{rng.randint(7, 15):02d}:{rng.randint(0, 59):02d}:00Z"
        c["approval"].append(a)
    cases.append(c)
    return c

def member(pid, role, frm, to=None, stay=None):
    m = {"person": pid, "role": role, "from": frm}
    if to:
        m["to"] = to
    if stay:
        m["stay-since"] = stay
    return m

def need(c, kind, frm, person=None, to=None, amount=None, quantity=None, note=None):
    x = {}
    if person:
        x["person"] = person
    x["kind"] = kind
    if amount:
        x["amount"] = amount
    if quantity is not None:
        x["quantity"] = str(quantity)
    x["from"] = frm
    if to:
        x["to"] = to
    if note:
        x["note"] = note
    c["need"].append(x)

def income(c, person, kind, gross, frm, to=None, **kw):
    x = {"person": person, "kind": kind, "gross": gross}
    for k in ["taxes", "social-insurance", "insurance-premiums", "work-expenses"]:
        if k.replace("-", "_") in kw:
            x[k] = kw[k.replace("-", "_")]
    x["from"] = frm
    if to:
        x["to"] = to
    if "spread" in kw:
        x["spread-months"] = str(kw["spread"])
    if kw.get("grz"):
        x["grundrentenzeiten-33-years"] = "true"
    if "note" in kw:
        x["note"] = kw["note"]
    c["income"].append(x)

def housing(c, dwelling, rent, charges, heating, persons_n, frm, to=None, hot_water=False):
    x = {"dwelling": dwelling, "basic-rent": rent, "service-charges": charges, "heating": heating}
    if hot_water:
        x["decentral-hot-water"] = "true"
    x["persons-in-dwelling"] = str(persons_n)
    x["from"] = frm
    if to:
        x["to"] = to
    c["housing"].append(x)

def assign(c, payee_id, purpose, frm, amount=None, to=None):
    x = {"payee": payee_id, "purpose": purpose}
    if amount:
        x["amount"] = amount
    x["from"] = frm
    if to:
        x["to"] = to
    c["assignment"].append(x)

def asset(c, person, kind, value, frm, protected=False):
    x = {"person": person, "kind": kind, "value": value}
    if protected:
        x["protected"] = "true"
    x["from"] = frm
    c["asset"].append(x)

def own_account(pid, name, addr=None):
    return payee("person", name, person_id=pid, addr=addr)

# ------------------------------------------------------------------ households: SGB XII 4. Kapitel

# 1. Single pensioner 65+, widow, Merkzeichen G (figures of the DRV 2016 example).
a = address(street="Möwenstieg", no="12")
p = person("Musterfrau", "Erika", "1948-03-14", "w", birth_name="Beispiel", addr=a)
c = case("SGB12-4", "SG-NORD", "2016-07-01", [member(p, "applicant", "2016-07-01")])
need(c, "merkzeichen-g", "2016-07-01", person=p, note="Schwerbehindertenausweis G, unbefristet")
income(c, p, "widow-pension", "325.00", "2016-07-01")
housing(c, "wohnung", "285.00", "50.00", "35.00", 1, "2016-07-01")
assign(c, own_account(p, "Erika Musterfrau"), "benefit", "2016-07-01")

# 2. Couple in Grundsicherung, both pensioners.
a = address()
p1 = person("Beispiel", "Hans-Jürgen", "1955-09-02", "m", addr=a)
p2 = person("Beispiel", "Gisela", "1957-01-23", "w", birth_name="Probe", addr=a)
c = case("SGB12-4", "SG-NORD", "2023-04-01", [member(p1, "applicant", "2023-04-01"), member(p2, "partner", "2023-04-01")])
income(c, p1, "pension", "812.40", "2023-04-01", insurance_premiums="0")
income(c, p2, "pension", "364.15", "2023-04-01")
housing(c, "wohnung", "455.00", "95.00", "78.00", 2, "2023-04-01")
assign(c, own_account(p1, "Hans-Jürgen Beispiel"), "benefit", "2023-04-01")

# 3. Pensioner with Betriebsrente and 33 years of Grundrentenzeiten (§ 82a).
a = address()
p = person("Fiktiv", "Klaus-Dieter", "1958-11-30", "m", addr=a)
c = case("SGB12-4", "SG-SUED", "2024-12-01", [member(p, "applicant", "2024-12-01")])
income(c, p, "pension", "745.80", "2024-12-01", grz=True)
income(c, p, "supplementary-pension", "112.30", "2024-12-01", note="Betriebsrente Werft")
housing(c, "wohnung", "398.00", "80.00", "62.00", 1, "2024-12-01")
assign(c, own_account(p, "Klaus-Dieter Fiktiv"), "benefit", "2024-12-01")

# 4. WfbM employee, voll erwerbsgemindert, besondere Wohnform, Mittagsverpflegung.
a = address(extra="Wohngemeinschaft Lebenshilfe-Beispiel", street="Kastanienring", no="3")
p = person("Probemann", "Tobias", "1994-05-17", "m", addr=a)
c = case("SGB12-4", "SG-NORD", "2020-01-01", [member(p, "applicant", "2020-01-01")])
need(c, "erwerbsminderung-voll", "2020-01-01", person=p, note="dauerhaft, Feststellung DRV")
need(c, "eingliederungshilfe", "2020-01-01", person=p)
need(c, "mittagsverpflegung", "2026-01-01", person=p, quantity=19, note="5-Tage-Woche in der WfbM")
income(c, p, "wfbm", "236.00", "2026-01-01", note="Werkstatt Beispiel gGmbH")
housing(c, "besondere-wohnform", "310.00", "90.00", "55.00", 6, "2020-01-01")
assign(c, own_account(p, "Tobias Probemann"), "benefit", "2020-01-01")

# 5. Ayşe Yılmaz, pension, dezentrale Warmwasser (Durchlauferhitzer).
a = address()
p = person("Yılmaz", "Ayşe", "1957-08-08", "w", nat="163", birth_name="Şahin", place="Izmir", addr=a)
c = case("SGB12-4", "SG-SUED", "2022-09-01", [member(p, "applicant", "2022-09-01")])
income(c, p, "pension", "488.20", "2022-09-01")
housing(c, "wohnung", "360.00", "70.00", "58.00", 1, "2022-09-01", hot_water=True)
need(c, "dezentrale-warmwasser", "2022-09-01", person=p)
assign(c, own_account(p, "Ayse Yilmaz"), "benefit", "2022-09-01")

# 6. Łukasz Kowalski, voll erwerbsgemindert, Minijob.
a = address()
p = person("Kowalski", "Łukasz", "1979-02-11", "m", nat="152", place="Gdańsk", addr=a)
c = case("SGB12-4", "SG-SUED", "2021-03-01", [member(p, "applicant", "2021-03-01")])
need(c, "erwerbsminderung-voll", "2021-03-01", person=p)
need(c, "merkzeichen-ag", "2021-03-01", person=p)
income(c, p, "earnings", "330.00", "2025-01-01", note="Minijob Hausmeisterservice")
income(c, p, "pension", "402.77", "2021-03-01", note="Erwerbsminderungsrente")
housing(c, "wohnung", "420.00", "85.00", "66.00", 1, "2021-03-01")
assign(c, own_account(p, "Lukasz Kowalski"), "benefit", "2021-03-01")

# 7. Pflegeheim: Einrichtung, Barbetrag, Hilfe zur Pflege.
a = address(extra="Seniorenzentrum Am Beispielpark", street="Parkweg", no="40")
p = person("Grünewald", "Hildegard", "1939-12-01", "w", birth_name="Öhlschläger", addr=a)
c = case("SGB12-4", "SG-NORD", "2019-05-01", [member(p, "applicant", "2019-05-01")])
need(c, "einrichtung-barbetrag", "2019-05-01", person=p)
need(c, "hilfe-zur-pflege", "2019-05-01", person=p, note="Pflegegrad 4")
income(c, p, "pension", "690.00", "2019-05-01")
income(c, p, "widow-pension", "410.50", "2019-05-01")
housing(c, "einrichtung", "0", "0", "0", 1, "2019-05-01")
asset(c, p, "burial-provision", "4500.00", "2019-05-01", protected=True)
assign(c, own_account(p, "Hildegard Grünewald"), "benefit", "2019-05-01")

# 8. Rent paid directly to the landlord, energy to the provider.
a = address(street="Genossenschaftsweg", no="15")
p = person("Größmann", "Günther", "1949-06-30", "m", addr=a)
c = case("SGB12-4", "SG-NORD", "2018-02-01", [member(p, "applicant", "2018-02-01")])
income(c, p, "pension", "520.10", "2018-02-01")
housing(c, "wohnung", "350.00", "75.00", "60.00", 1, "2018-02-01")
assign(c, own_account(p, "Günther Größmann"), "benefit", "2018-02-01")
assign(c, LANDLORD, "rent", "2018-02-01")
assign(c, ENERGY, "energy", "2024-01-01", amount="48.00")

# 9. Person without a bank account (cash payment, Zahlungsanweisung).
a = address(extra="bei Familie Beispiel-Nachbar")
p = person("Ohnekonto", "Walter", "1951-10-05", "m", addr=a)
c = case("SGB12-4", "SG-SUED", "2025-04-01", [member(p, "applicant", "2025-04-01")])
income(c, p, "pension", "611.00", "2025-04-01")
housing(c, "wohnung", "330.00", "60.00", "55.00", 1, "2025-04-01")
assign(c, payee("person", "Walter Ohnekonto", account=False, person_id=p, addr=a), "benefit", "2025-04-01")

# 10. New GruSi case from 2026-11-01, revoked first decision.
a = address()
p = person("Neumann-Probe", "Renate", "1959-04-19", "w", addr=a)
c = case("SGB12-4", "SG-SUED", "2026-11-01", [member(p, "applicant", "2026-11-01")],
         approvals=[("2026-11-01", "2027-10-31", "revoked"), ("2026-11-01", "2027-10-31", "approved")])
income(c, p, "pension", "703.45", "2026-11-01")
housing(c, "wohnung", "390.00", "85.00", "70.00", 1, "2026-11-01")
assign(c, own_account(p, "Renate Neumann-Probe"), "benefit", "2026-11-01")

# 11. Pensioner with savings (protected) and capital income.
a = address()
p = person("Sparbuch", "Ingeborg", "1946-01-09", "w", birth_name="Zinsmann", addr=a)
c = case("SGB12-4", "SG-NORD", "2017-09-01", [member(p, "applicant", "2017-09-01")])
income(c, p, "pension", "655.00", "2017-09-01")
income(c, p, "capital", "3.10", "2026-01-01", note="Zinsen, monatlich")
asset(c, p, "savings", "8200.00", "2023-01-01", protected=True)
housing(c, "wohnung", "370.00", "70.00", "64.00", 1, "2017-09-01")
assign(c, own_account(p, "Ingeborg Sparbuch"), "benefit", "2017-09-01")

# 12. Couple, partner still working part-time.
a = address()
p1 = person("Nachname", "Friedrich", "1958-07-07", "m", addr=a)
p2 = person("Nachname", "Małgorzata", "1968-03-03", "w", nat="152", birth_name="Nowak", place="Poznań", addr=a)
c = case("SGB12-4", "SG-SUED", "2024-08-01", [member(p1, "applicant", "2024-08-01"), member(p2, "partner", "2024-08-01")])
income(c, p1, "pension", "598.00", "2024-08-01")
income(c, p2, "earnings", "780.00", "2025-06-01", taxes="0", social_insurance="161.20", work_expenses="15.00")
housing(c, "wohnung", "480.00", "98.00", "82.00", 2, "2024-08-01")
assign(c, own_account(p1, "Friedrich Nachname"), "benefit", "2024-08-01")

# 13. Kostenaufwendige Ernährung and Merkzeichen G.
a = address()
p = person("Diätmann", "Ottokar", "1950-12-24", "m", addr=a)
c = case("SGB12-4", "SG-NORD", "2022-01-01", [member(p, "applicant", "2022-01-01")])
need(c, "kostenaufwendige-ernaehrung", "2024-05-01", person=p, amount="50.27", note="Niereninsuffizienz, ärztl. Attest")
need(c, "merkzeichen-g", "2022-01-01", person=p)
income(c, p, "pension", "702.00", "2022-01-01")
housing(c, "wohnung", "410.00", "70.00", "66.00", 1, "2022-01-01")
assign(c, own_account(p, "Ottokar Diätmann"), "benefit", "2022-01-01")

# 14. Overpayment claim with Aufrechnung.
a = address()
p = person("Rückzahler", "Bernd", "1953-02-28", "m", addr=a)
c = case("SGB12-4", "SG-SUED", "2020-06-01", [member(p, "applicant", "2020-06-01")])
income(c, p, "pension", "579.00", "2020-06-01")
housing(c, "wohnung", "365.00", "72.00", "61.00", 1, "2020-06-01")
c["claim"].append({"id": "F-2026-0042", "kind": "overpayment", "amount": "640.00", "established-on": "2026-05-12",
                   "legal-basis": "§ 45, § 50 SGB X"})
c["offset"].append({"claim": "F-2026-0042", "monthly": "28.15", "from": "2026-07-01", "to": "2028-05-31",
                    "legal-basis": "§ 26 Abs. 2 SGB XII"})
assign(c, own_account(p, "Bernd Rückzahler"), "benefit", "2020-06-01")

# 15–19. Further pensioners (varied).
for fam, first, birth, sex, nat, wg, rent, pension in [
    ("Exempel", "Margarete", "1944-05-05", "w", "000", "SG-NORD", "340.00", "598.30"),
    ("Testmann", "Heinz", "1947-11-11", "m", "000", "SG-SUED", "375.00", "640.90"),
    ("Öztürk", "Mehmet", "1956-03-21", "m", "163", "SG-SUED", "415.00", "455.60"),
    ("Weißbach", "Ursula", "1952-09-09", "w", "000", "SG-NORD", "299.00", "512.45"),
    ("Ivanova", "Galina", "1955-12-12", "w", "160", "SG-SUED", "360.00", "210.00"),
]:
    a = address()
    p = person(fam, first, birth, sex, nat=nat, addr=a, place="Kiel" if nat == "000" else "")
    c = case("SGB12-4", wg, "2021-01-01", [member(p, "applicant", "2021-01-01")],
             approvals=[("2026-01-01", "2026-06-30", "approved"), ("2026-07-01", "2026-12-31", "approved"),
                        ("2027-01-01", "2027-12-31", "pending")])
    income(c, p, "pension", pension, "2021-01-01")
    housing(c, "wohnung", rent, "65.00", "58.00", 1, "2021-01-01")
    assign(c, own_account(p, f"{first} {fam}"), "benefit", "2021-01-01")

# ------------------------------------------------------------------ SGB XII 3. Kapitel (HLU)

# 20. Single parent with two children: Kindergeld, Unterhaltsvorschuss, Schulbedarf.
a = address()
m = person("Alleinerziehend", "Sabine", "1990-04-04", "w", birth_name="Muster", addr=a)
k1 = person("Alleinerziehend", "Mia", "2021-02-14", "w", tax=False, vs=False, addr=a)
k2 = person("Alleinerziehend", "Paul", "2017-08-30", "m", tax=False, vs=False, addr=a)
c = case("SGB12-3", "SG-NORD", "2025-09-01", [member(m, "applicant", "2025-09-01"), member(k1, "child", "2025-09-01"),
                                              member(k2, "child", "2025-09-01")])
need(c, "erwerbsminderung-voll", "2025-09-01", person=m, to="2027-08-31", note="befristete volle EM")
need(c, "single-parent", "2025-09-01", person=m)
need(c, "schulbedarf", "2025-09-01", person=k2)
income(c, k1, "kindergeld", "259.00", "2026-01-01")
income(c, k2, "kindergeld", "259.00", "2026-01-01")
income(c, k1, "unterhaltsvorschuss", "227.00", "2026-01-01")
income(c, k2, "unterhaltsvorschuss", "299.00", "2026-01-01")
housing(c, "wohnung", "560.00", "120.00", "95.00", 3, "2025-09-01")
assign(c, own_account(m, "Sabine Alleinerziehend"), "benefit", "2025-09-01")

# 21. Single father, one child under 7, maintenance paid by the mother.
a = address()
f = person("Vaterland", "Jörg", "1986-10-10", "m", addr=a)
k = person("Vaterland", "Lena", "2022-06-06", "w", tax=False, vs=False, addr=a)
c = case("SGB12-3", "SG-SUED", "2026-03-01", [member(f, "applicant", "2026-03-01"), member(k, "child", "2026-03-01")])
need(c, "erwerbsminderung-voll", "2026-03-01", person=f, to="2027-02-28")
need(c, "single-parent", "2026-03-01", person=f)
income(c, k, "kindergeld", "259.00", "2026-03-01")
income(c, k, "maintenance", "180.00", "2026-03-01", note="Unterhalt der Mutter")
housing(c, "wohnung", "470.00", "95.00", "80.00", 2, "2026-03-01")
assign(c, own_account(f, "Jörg Vaterland"), "benefit", "2026-03-01")

# 22. HLU starting mid-month (Kenntnisgrundsatz), 2026-10-15.
a = address()
p = person("Spätstart", "Dennis", "1981-01-31", "m", addr=a)
c = case("SGB12-3", "SG-NORD", "2026-10-15", [member(p, "applicant", "2026-10-15")],
         approvals=[("2026-10-15", "2027-03-31", "approved")])
need(c, "erwerbsminderung-voll", "2026-10-15", person=p, to="2027-03-31")
housing(c, "wohnung", "380.00", "80.00", "65.00", 1, "2026-10-15")
assign(c, own_account(p, "Dennis Spätstart"), "benefit", "2026-10-15")

# 23. HLU ending mid-month 2026-11-20 (moves to a relative in another town).
a = address()
p = person("Umzug", "Petra", "1975-07-14", "w", birth_name="Abschied", addr=a)
c = case("SGB12-3", "SG-SUED", "2025-05-01", [member(p, "applicant", "2025-05-01", to="2026-11-20")],
         approvals=[("2026-05-01", "2026-11-20", "approved")], closed_on="2026-11-20")
need(c, "erwerbsminderung-voll", "2025-05-01", person=p, to="2026-11-20")
income(c, p, "maintenance", "150.00", "2025-05-01", note="Trennungsunterhalt")
housing(c, "wohnung", "350.00", "70.00", "60.00", 1, "2025-05-01", to="2026-11-20")
assign(c, own_account(p, "Petra Umzug"), "benefit", "2025-05-01")

# 24. Pregnancy (due date ends the validity).
a = address()
p = person("Erwartung", "Jana", "2003-03-15", "w", addr=a)
c = case("SGB12-3", "SG-NORD", "2026-08-01", [member(p, "applicant", "2026-08-01")],
         approvals=[("2026-08-01", "2027-01-31", "approved")])
need(c, "erwerbsminderung-voll", "2026-08-01", person=p, to="2027-01-31", note="vorübergehend")
need(c, "pregnancy", "2026-08-10", person=p, to="2027-01-10", note="13. SSW ab 10.08.2026")
housing(c, "wohnung", "330.00", "60.00", "50.00", 1, "2026-08-01")
assign(c, own_account(p, "Jana Erwartung"), "benefit", "2026-08-01")

# 25. One-off income (Nachzahlung) spread over six months, § 82 Abs. 7.
a = address()
p = person("Nachzahler", "Sven", "1972-12-19", "m", addr=a)
c = case("SGB12-3", "SG-SUED", "2024-02-01", [member(p, "applicant", "2024-02-01")])
need(c, "erwerbsminderung-voll", "2024-02-01", person=p, to="2027-01-31")
income(c, p, "one-off", "1200.00", "2026-09-01", to="2026-09-30", spread=6, note="Nachzahlung Krankengeld")
housing(c, "wohnung", "345.00", "70.00", "60.00", 1, "2024-02-01")
assign(c, own_account(p, "Sven Nachzahler"), "benefit", "2024-02-01")

# 26. Closed HLU case (ended 2026-06-30).
a = address()
p = person("Abgeschlossen", "Heike", "1969-05-25", "w", addr=a)
c = case("SGB12-3", "SG-NORD", "2025-01-01", [member(p, "applicant", "2025-01-01", to="2026-06-30")],
         approvals=[("2025-07-01", "2026-06-30", "approved")], closed_on="2026-06-30", state="closed")
housing(c, "wohnung", "360.00", "70.00", "60.00", 1, "2025-01-01", to="2026-06-30")
assign(c, own_account(p, "Heike Abgeschlossen"), "benefit", "2025-01-01")

# 27. Nguyễn Thị Lan, HLU, Ehrenamt, unabweisbarer Bedarf.
a = address()
p = person("Nguyễn", "Thị Lan", "1970-09-01", "w", nat="432", place="Hải Phòng", addr=a)
c = case("SGB12-3", "SG-SUED", "2023-11-01", [member(p, "applicant", "2023-11-01")])
need(c, "erwerbsminderung-voll", "2023-11-01", person=p, to="2027-10-31")
need(c, "unabweisbar", "2026-10-01", person=p, to="2026-12-31", amount="35.00", note="laufender Sonderbedarf")
income(c, p, "ehrenamt", "120.00", "2025-01-01", note="Übungsleiterpauschale")
housing(c, "wohnung", "395.00", "75.00", "62.00", 1, "2023-11-01")
assign(c, own_account(p, "Thi Lan Nguyen"), "benefit", "2023-11-01")

# 28. HLU couple with self-employment.
a = address()
p1 = person("Selbständig", "Marco", "1980-02-02", "m", addr=a)
p2 = person("Selbständig", "Anja", "1982-12-12", "w", birth_name="Kleinunternehmer", addr=a)
c = case("SGB12-3", "SG-NORD", "2026-01-01", [member(p1, "applicant", "2026-01-01"), member(p2, "partner", "2026-01-01")])
need(c, "erwerbsminderung-voll", "2026-01-01", person=p1, to="2027-06-30")
need(c, "erwerbsminderung-voll", "2026-01-01", person=p2, to="2027-06-30")
income(c, p2, "self-employment", "410.00", "2026-01-01", work_expenses="60.00", note="Nähstube, vorläufig")
housing(c, "wohnung", "500.00", "100.00", "85.00", 2, "2026-01-01")
assign(c, own_account(p1, "Marco Selbständig"), "benefit", "2026-01-01")
assign(c, LANDLORD2, "rent", "2026-01-01")

# ------------------------------------------------------------------ AsylbLG § 3

GU = {"street": "Beispielkaserne (GU)", "house-no": "5", "postcode": "24159", "city": "Kiel"}

def card_payee(pid, name):
    return payee("card-provider", f"Bezahlkarte {name}", account=False, person_id=pid,
                 card=f"BK-KI-{len(payees) + 1:06d}")

# 29. Single man in a Gemeinschaftsunterkunft, Bezahlkarte.
p = person("Haddad", "Omar", "1998-01-01", "m", nat="475", place="Aleppo", vs=False, tax=False, addr=dict(GU))
c = case("AsylbLG-3", "SG-NORD", "2025-09-15", [member(p, "applicant", "2025-09-15", stay="2025-09-10")])
housing(c, "gemeinschaftsunterkunft", "0", "0", "0", 180, "2025-09-15")
assign(c, card_payee(p, "Omar Haddad"), "benefit", "2025-09-15")

# 30. Family of four in a Gemeinschaftsunterkunft.
f1 = person("Ahmadi", "Reza", "1988-06-01", "m", nat="423", place="Herat", vs=False, tax=False, addr=dict(GU))
f2 = person("Ahmadi", "Zahra", "1991-03-15", "w", nat="423", place="Herat", vs=False, tax=False, addr=dict(GU))
f3 = person("Ahmadi", "Ali", "2015-10-10", "m", nat="423", place="Kabul", vs=False, tax=False, addr=dict(GU))
f4 = person("Ahmadi", "Maryam", "2020-02-20", "w", nat="423", place="Teheran", vs=False, tax=False, addr=dict(GU))
c = case("AsylbLG-3", "SG-NORD", "2025-06-01", [member(f1, "applicant", "2025-06-01", stay="2025-05-20"),
                                                member(f2, "partner", "2025-06-01", stay="2025-05-20"),
                                                member(f3, "child", "2025-06-01", stay="2025-05-20"),
                                                member(f4, "child", "2025-06-01", stay="2025-05-20")])
need(c, "schulbedarf", "2025-08-01", person=f3)
housing(c, "gemeinschaftsunterkunft", "0", "0", "0", 180, "2025-06-01")
assign(c, card_payee(f1, "Reza Ahmadi"), "benefit", "2025-06-01")

# 31. Family in a flat, rent to the landlord.
a = address(street="Ulmenredder", no="22")
g1 = person("Tesfaye", "Dawit", "1990-09-09", "m", nat="224", place="Asmara", vs=False, tax=False, addr=a)
g2 = person("Tesfaye", "Helen", "1994-04-14", "w", nat="224", place="Asmara", vs=False, tax=False, addr=a)
g3 = person("Tesfaye", "Noah", "2025-01-05", "m", nat="224", place="Kiel", vs=False, tax=False, addr=a)
c = case("AsylbLG-3", "SG-SUED", "2024-11-01", [member(g1, "applicant", "2024-11-01", stay="2024-10-02"),
                                                member(g2, "partner", "2024-11-01", stay="2024-10-02"),
                                                member(g3, "child", "2025-01-05", stay="2025-01-05")])
housing(c, "wohnung", "520.00", "110.00", "90.00", 3, "2024-11-01")
assign(c, own_account(g1, "Dawit Tesfaye"), "benefit", "2024-11-01")
assign(c, LANDLORD, "rent", "2024-11-01")

# 32. Single woman in a flat with earnings.
a = address()
p = person("Beridze", "Nino", "1985-07-21", "w", nat="430", place="Tiflis", vs=True, tax=True, addr=a)
c = case("AsylbLG-3", "SG-SUED", "2025-03-01", [member(p, "applicant", "2025-03-01", stay="2025-02-11")])
income(c, p, "earnings", "450.00", "2026-02-01", social_insurance="0", work_expenses="20.00", note="Reinigungskraft")
housing(c, "wohnung", "340.00", "70.00", "55.00", 1, "2025-03-01")
assign(c, own_account(p, "Nino Beridze"), "benefit", "2025-03-01")

# 33. § 1a reduction (six months).
p = person("Mustafa", "Karim", "1996-12-31", "m", nat="461", place="Mossul", vs=False, tax=False, addr=dict(GU))
c = case("AsylbLG-3", "SG-NORD", "2025-12-01", [member(p, "applicant", "2025-12-01", stay="2025-11-25")])
need(c, "asylblg-1a-reduction", "2026-09-01", person=p, to="2027-02-28", note="§ 1a Abs. 5, Mitwirkung")
housing(c, "gemeinschaftsunterkunft", "0", "0", "0", 180, "2025-12-01")
assign(c, card_payee(p, "Karim Mustafa"), "benefit", "2025-12-01")

# 34. Arrival mid-month 2026-10-20.
p = person("Bakr", "Yusuf", "2001-05-05", "m", nat="475", place="Damaskus", vs=False, tax=False, addr=dict(GU))
c = case("AsylbLG-3", "SG-SUED", "2026-10-20", [member(p, "applicant", "2026-10-20", stay="2026-10-18")],
         approvals=[("2026-10-20", "2027-04-30", "approved")])
housing(c, "gemeinschaftsunterkunft", "0", "0", "0", 180, "2026-10-20")
assign(c, payee("person", "Yusuf Bakr", account=False, person_id=p), "benefit", "2026-10-20")

# ------------------------------------------------------------------ AsylbLG § 2 (Analogleistungen)

# 35. Nguyễn family in a flat, stay since 2020-09 (18 months reached before the case started).
a = address()
n1 = person("Nguyễn", "Văn Minh", "1984-08-18", "m", nat="432", place="Hà Nội", vs=False, tax=True, addr=a)
n2 = person("Nguyễn", "Thị Hoa", "1987-11-03", "w", nat="432", place="Huế", vs=False, tax=True, addr=a)
n3 = person("Nguyễn", "Anh", "2012-04-25", "w", nat="432", place="Huế", vs=False, tax=False, addr=a)
c = case("AsylbLG-2", "SG-NORD", "2022-05-01", [member(n1, "applicant", "2022-05-01", stay="2020-09-01"),
                                                member(n2, "partner", "2022-05-01", stay="2020-09-01"),
                                                member(n3, "child", "2022-05-01", stay="2020-09-01")])
need(c, "schulbedarf", "2022-08-01", person=n3)
income(c, n1, "earnings", "620.00", "2026-04-01", taxes="0", social_insurance="128.10", note="Küchenhilfe")
housing(c, "wohnung", "540.00", "115.00", "92.00", 3, "2022-05-01")
assign(c, own_account(n1, "Van Minh Nguyen"), "benefit", "2022-05-01")
assign(c, ENERGY, "energy", "2025-01-01", amount="62.00")

# 36. Single woman, § 2, in a Gemeinschaftsunterkunft.
p = person("Kebede", "Selam", "1993-02-17", "w", nat="224", place="Keren", vs=False, tax=False, addr=dict(GU))
c = case("AsylbLG-2", "SG-SUED", "2021-10-01", [member(p, "applicant", "2021-10-01", stay="2019-11-14")])
housing(c, "gemeinschaftsunterkunft", "0", "0", "0", 180, "2021-10-01")
assign(c, card_payee(p, "Selam Kebede"), "benefit", "2021-10-01")

# 37. § 2 family with a child under 7 (single mother).
a = address()
s1 = person("Rahimi", "Fatima", "1995-05-15", "w", nat="423", place="Mazar-i-Scharif", vs=False, tax=False, addr=a)
s2 = person("Rahimi", "Sina", "2021-11-11", "m", nat="423", place="Kiel", vs=False, tax=False, addr=a)
c = case("AsylbLG-2", "SG-NORD", "2021-12-01", [member(s1, "applicant", "2021-12-01", stay="2019-08-30"),
                                                member(s2, "child", "2021-12-01", stay="2021-11-11")])
need(c, "single-parent", "2021-12-01", person=s1)
income(c, s2, "kindergeld", "259.00", "2026-01-01")
housing(c, "wohnung", "450.00", "90.00", "75.00", 2, "2021-12-01")
assign(c, own_account(s1, "Fatima Rahimi"), "benefit", "2021-12-01")

# ------------------------------------------------------------------ BVG Kriegsopferfürsorge (Besitzstand)

# 38. Widow of a Kriegsbeschädigter, established 1995.
a = address()
p = person("Kriegsbeispiel", "Elfriede", "1936-02-29", "w", birth_name="Altmann", place="Königsberg", addr=a)
c = case("BVG-KOF", "SG-NORD", "1995-10-01", [member(p, "applicant", "1995-10-01")])
need(c, "bvg-hinterbliebener", "1995-10-01", person=p, note="Witwe nach § 38 BVG")
need(c, "merkzeichen-g", "2010-01-01", person=p)
income(c, p, "widow-pension", "690.00", "1995-10-01")
income(c, p, "bvg-grundrente", "536.00", "1995-10-01", note="Witwengrundrente, nicht anzurechnen")
housing(c, "wohnung", "380.00", "75.00", "70.00", 1, "1995-10-01")
assign(c, own_account(p, "Elfriede Kriegsbeispiel"), "benefit", "1995-10-01")

# 39. Beschädigter (GdS 70), Pflegezulage, established 2008.
a = address()
p = person("Versehrt", "Wilhelm", "1939-09-01", "m", place="Danzig", addr=a)
c = case("BVG-KOF", "SG-SUED", "2008-04-01", [member(p, "applicant", "2008-04-01")])
need(c, "bvg-beschaedigter", "2008-04-01", person=p, quantity=70, note="GdS 70")
need(c, "bvg-pflegezulage", "2019-01-01", person=p, quantity=2)
income(c, p, "pension", "910.00", "2008-04-01")
income(c, p, "bvg-grundrente", "571.00", "2008-04-01")
housing(c, "wohnung", "430.00", "85.00", "75.00", 1, "2008-04-01")
assign(c, own_account(p, "Wilhelm Versehrt"), "benefit", "2008-04-01")

# 40. Beschädigter's couple, established 2023-06 (last year of the BVG), Besitzstand.
a = address()
q1 = person("Nachkrieg", "Gerhard", "1944-03-03", "m", place="Stettin", addr=a)
q2 = person("Nachkrieg", "Waltraud", "1947-10-10", "w", birth_name="Ostermann", addr=a)
c = case("BVG-KOF", "SG-NORD", "2023-06-01", [member(q1, "applicant", "2023-06-01"), member(q2, "partner", "2023-06-01")])
need(c, "bvg-beschaedigter", "2023-06-01", person=q1, quantity=50, note="GdS 50")
income(c, q1, "pension", "780.00", "2023-06-01")
income(c, q2, "pension", "402.00", "2023-06-01")
income(c, q1, "bvg-grundrente", "207.00", "2023-06-01")
housing(c, "wohnung", "495.00", "95.00", "85.00", 2, "2023-06-01")
assign(c, own_account(q1, "Gerhard Nachkrieg"), "benefit", "2023-06-01")

# ------------------------------------------------------------------ output

def attrs(d):
    return "".join(f" {k}={quoteattr(v)}" for k, v in d.items() if not k.startswith("_"))

def addr_elem(a, depth):
    return "  " * depth + f"<address{attrs(a)}/>\n"

out = ['<?xml version="1.0" encoding="UTF-8"?>\n',
       "<!-- SPDX-License-Identifier: GPL-3.0-or-later -->\n",
       "<!-- Fictional demo office. All persons, addresses and accounts are invented.\n"
       "     Generated by samples/tools/make-demo-cases.py; format: docs/formats/case-import.md -->\n",
       '<case-import xmlns="urn:sozbatch:case-import:1" version="1" source="Fallverwaltung Demo 4.2"'
       ' created="2026-09-28T06:00:00Z">\n',
       '  <tenant code="kiel" name="Landeshauptstadt Kiel, Amt für Soziale Dienste"/>\n',
       "  <work-groups>\n",
       '    <work-group code="SG-NORD" name="Sachgebiet Soziale Leistungen Nord"/>\n',
       '    <work-group code="SG-SUED" name="Sachgebiet Soziale Leistungen Süd"/>\n',
       "  </work-groups>\n", "  <persons>\n"]
for p in persons:
    if p["_address"]:
        out.append(f"    <person{attrs(p)}>\n" + addr_elem(p["_address"], 3) + "    </person>\n")
    else:
        out.append(f"    <person{attrs(p)}/>\n")
out.append("  </persons>\n  <payees>\n")
for z in payees:
    if z["_address"]:
        out.append(f"    <payee{attrs(z)}>\n" + addr_elem(z["_address"], 3) + "    </payee>\n")
    else:
        out.append(f"    <payee{attrs(z)}/>\n")
out.append("  </payees>\n  <cases>\n")
for c in cases:
    out.append(f"    <case{attrs(c['attrs'])}>\n")
    for part in ["member", "approval", "need", "income", "housing", "asset", "assignment", "claim", "offset"]:
        for x in c[part]:
            out.append(f"      <{part}{attrs(x)}/>\n")
    out.append("    </case>\n")
out.append("  </cases>\n</case-import>\n")
sys.stdout.write("".join(out))
