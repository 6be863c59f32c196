#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""XSL-FO for N two-page Bescheide with the content of notice_bench (sample_letter(), kind
aenderung), for the side-by-side comparison with Apache FOP. Usage: gen_fo.py N > letters.fo
See docs/benchmarks.md, "Bescheide (PDF)"."""
import sys
from xml.sax.saxutils import escape

NAMES = [("Jürgen Weiß", "Weiß"), ("Ayşe Yılmaz", "Yılmaz"), ("Łukasz Wójcik", "Wójcik"),
         ("Zoë Müller-Lüdenscheidt", "Müller-Lüdenscheidt"), ("Nguyễn Văn An", "Nguyễn"),
         ("Grete Größmann", "Größmann"), ("Ömer Çelik", "Çelik"), ("Anna-Lena Schäfer", "Schäfer")]
ROWS = [("Regelbedarf, Regelbedarfsstufe 1", "§ 42 Nr. 1 SGB XII, Anlage zu § 28 SGB XII", "563,00 €", "563,00 €"),
        ("Mehrbedarf Merkzeichen G (17 %)", "§ 30 Abs. 1 SGB XII", "95,71 €", "95,71 €"),
        ("Grundmiete", "§ 42a Abs. 1, § 35 Abs. 1 SGB XII", "390,00 €", "410,00 €"),
        ("Heizkosten", "§ 35 Abs. 4 SGB XII", "64,00 €", "75,00 €"),
        ("Altersrente, gezahlt", "§ 82 Abs. 1 SGB XII", "−301,21 €", "−310,59 €")]
PARAS = [
    "Ihre Leistungen ändern sich ab dem 01.01.2027. Der bisherige Bescheid wird insoweit für die Zeit ab dem "
    "01.01.2027 aufgehoben (§ 48 SGB X). Für die Zeit vom 01.01.2027 bis 31.12.2027 bewilligen wir Ihnen monatlich "
    "873,12 € (bisher 841,50 €).",
    "Ihre Miete hat sich geändert. Wir berücksichtigen die Kosten der Unterkunft und Heizung ab dem 01.01.2027 in "
    "Höhe von 410,00 € in tatsächlicher Höhe, weil sie angemessen sind (§ 35 SGB XII).",
    "Ihre Rente ist als Einkommen anzurechnen (§ 82 SGB XII). Angerechnet wird der Zahlbetrag von monatlich 310,59 €.",
]
TAIL = [
    ("Hinweise", "Bitte teilen Sie uns jede Änderung Ihrer persönlichen und wirtschaftlichen Verhältnisse unverzüglich "
     "mit, zum Beispiel Einkommen, Vermögen, Umzug, Änderungen der Miete oder der Zahl der Personen im Haushalt "
     "(§ 60 Abs. 1 SGB I). Zu Unrecht erhaltene Leistungen müssen erstattet werden (§§ 45, 48, 50 SGB X)."),
    ("Rechtsbehelfsbelehrung", "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch "
     "erhoben werden. Der Widerspruch ist schriftlich oder zur Niederschrift bei der Stadt Musterstadt, Sozialamt, "
     "Marktplatz 1, 24103 Musterstadt, einzulegen. Der Widerspruch kann auch in elektronischer Form (§ 36a Abs. 2 "
     "SGB I) eingelegt werden."),
    ("Ihre Ansprechpartnerin oder Ihr Ansprechpartner", "Frau Petersen, Zimmer 2.114, Telefon 0431 901-2345. "
     "Sprechzeiten: Mo, Di, Do 8–12 Uhr; Do 14–17 Uhr."),
]


def block(text, **attrs):
    a = "".join(f' {k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f"<fo:block{a}>{escape(text)}</fo:block>"


def row(cells, bold=False):
    w = ' font-weight="bold"' if bold else ""
    out = "<fo:table-row>"
    for i, c in enumerate(cells):
        align = ' text-align="end"' if i >= 2 else ""
        size = ' font-size="8pt"' if i == 1 else ""
        out += f"<fo:table-cell><fo:block{w}{align}{size}>{escape(c)}</fo:block></fo:table-cell>"
    return out + "</fo:table-row>"


def table(rows, total):
    out = ('<fo:table table-layout="fixed" width="165mm" space-before="2mm"><fo:table-column column-width="60mm"/>'
           '<fo:table-column column-width="52mm"/><fo:table-column column-width="26mm"/>'
           '<fo:table-column column-width="27mm"/><fo:table-header>'
           + row(["Position", "Rechtsgrundlage", "bisher", "neu ab 01.01.2027"], True)
           + "</fo:table-header><fo:table-body>")
    for r in rows:
        out += row(list(r))
    out += row(total, True)
    return out + "</fo:table-body></fo:table>"


def letter(i):
    name, family = NAMES[i % 8]
    az = f"50.2-SGB XII-{100000 + i}"
    s = [f'<fo:page-sequence master-reference="letter" initial-page-number="1" id="l{i}">',
         '<fo:static-content flow-name="xsl-region-after"><fo:block text-align="end" font-size="8pt">Seite '
         f'<fo:page-number/> von <fo:page-number-citation-last ref-id="l{i}"/></fo:block></fo:static-content>',
         '<fo:flow flow-name="xsl-region-body">',
         '<fo:block-container absolute-position="fixed" top="12mm" left="25mm" width="95mm">'
         + block("Stadt Musterstadt", font_size="16pt", font_weight="bold")
         + block("Die Bürgermeisterin – Sozialamt") + "</fo:block-container>",
         '<fo:block-container absolute-position="fixed" top="57mm" left="25mm" width="80mm">'
         + block("Stadt Musterstadt · Sozialamt · Marktplatz 1 · 24103 Musterstadt", font_size="7pt")
         + "</fo:block-container>",
         '<fo:block-container absolute-position="fixed" top="63.7mm" left="25mm" width="80mm">'
         + block(name) + block("Große Straße 12a") + block("24105 Musterstadt") + "</fo:block-container>",
         '<fo:block-container absolute-position="fixed" top="50mm" left="125mm" width="72mm" font-size="8.5pt">'
         + block(f"Aktenzeichen {az}") + block(f"Bescheid-Nr. 50.2-0-{i}") + block("Ansprechpartner Frau Petersen")
         + block("Datum Musterstadt, 01.12.2026") + "</fo:block-container>",
         block("Bescheid über Grundsicherung im Alter und bei Erwerbsminderung nach dem Vierten Kapitel des Zwölften "
               "Buches Sozialgesetzbuch (SGB XII) – Änderung ab 01.01.2027", font_weight="bold", font_size="11pt",
               space_before="73.5mm"),
         block(f"Sehr geehrte Frau {family},", space_before="8mm"),
         block(PARAS[0], space_before="3mm"),
         block("Ihre Leistung im Überblick", font_weight="bold", space_before="5mm", keep_with_next="always"),
         table([("Gesamtbedarf", "§ 42 SGB XII", "1.142,71 €", "1.183,71 €"),
                ("Anzurechnendes Einkommen", "§ 82 SGB XII", "−301,21 €", "−310,59 €")],
               ["Zahlbetrag monatlich", "", "841,50 €", "873,12 €"]),
         block("Begründung (§ 35 SGB X)", font_weight="bold", space_before="5mm", keep_with_next="always"),
         block(PARAS[1], space_before="3mm"), block(PARAS[2], space_before="3mm"),
         block("Berechnungsbogen", font_weight="bold", space_before="5mm", keep_with_next="always"),
         table(ROWS, ["Zahlbetrag", "", "841,50 €", "873,12 €"])]
    for head, text in TAIL:
        s.append(block(head, font_weight="bold", space_before="5mm", keep_with_next="always"))
        s.append(block(text, space_before="3mm"))
    s.append(block("Mit freundlichen Grüßen", space_before="3mm"))
    s.append(block("Dieser Bescheid wurde maschinell erstellt und ist ohne Unterschrift gültig (§ 33 Abs. 5 SGB X).",
                   space_before="3mm"))
    s.append("</fo:flow></fo:page-sequence>")
    return "".join(s)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    out = sys.stdout
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<fo:root xmlns:fo="http://www.w3.org/1999/XSL/Format" '
              'font-family="Liberation Sans" font-size="10pt"><fo:layout-master-set>'
              '<fo:simple-page-master master-name="letter" page-width="210mm" page-height="297mm" '
              'margin-top="25mm" margin-bottom="15mm" margin-left="25mm" margin-right="20mm">'
              '<fo:region-body margin-bottom="14mm"/><fo:region-after extent="10mm"/></fo:simple-page-master>'
              '</fo:layout-master-set>\n')
    for i in range(n):
        out.write(letter(i))
        out.write("\n")
    out.write("</fo:root>\n")


if __name__ == "__main__":
    main()
