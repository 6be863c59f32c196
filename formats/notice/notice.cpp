// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/notice/notice.hpp"

#include "lib/core/error.hpp"

#include <algorithm>

namespace sozbatch::notice {

namespace {

std::string_view const NBSP = "\u00A0";

std::string flag(bool b) { return b ? "1" : ""; }

std::string opt_date(std::optional<date_t> const &d) { return d ? to_german(*d) : std::string{}; }

std::string opt_money(std::optional<money_t> const &m) { return m ? m->to_german() : std::string{}; }

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

} // namespace

std::string_view notice_kind_code(notice_kind_t k) noexcept
{
    switch (k) {
    case notice_kind_t::bewilligung: return "bewilligung";
    case notice_kind_t::aenderung: return "aenderung";
    case notice_kind_t::einstellung: return "einstellung";
    case notice_kind_t::nachzahlung: return "nachzahlung";
    case notice_kind_t::anhoerung: return "anhoerung";
    case notice_kind_t::zahlungsmitteilung: return "zahlungsmitteilung";
    }
    return "?";
}

notice_kind_t parse_notice_kind(std::string_view code)
{
    for (auto k : all_notice_kinds) {
        if (notice_kind_code(k) == code) {
            return k;
        }
    }
    throw validation_error{"unknown notice kind '" + std::string{code} + "'"};
}

addressee_t addressee_t::from(std::string const &name, domain::address_t const &address,
                              std::string const &country_name)
{
    addressee_t a;
    a.lines.push_back(name);
    if (!address.extra.empty()) {
        a.lines.push_back(address.extra);
    }
    a.lines.push_back(address.house_no.empty() ? address.street : address.street + " " + address.house_no);
    a.lines.push_back(address.postcode + " " + address.city);
    a.country = address.country;
    if (address.country != "DE") {
        std::string upper = country_name.empty() ? address.country : country_name;
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        a.lines.push_back(upper);
    }
    a.postcode = address.postcode;
    return a;
}

std::string default_procedure_law(domain::law_t law, std::string const &land_key)
{
    if ((law == domain::law_t::asylblg_2 || law == domain::law_t::asylblg_3) && !land_key.empty()) {
        return land_key;
    }
    return "sgbx";
}

std::string german_nbsp(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 16);
    std::size_t i = 0;
    auto word_before = [&](std::string_view w) {
        if (out.size() < w.size() || out.compare(out.size() - w.size(), w.size(), w) != 0) {
            return false;
        }
        std::size_t const start = out.size() - w.size();
        return start == 0 || out[start - 1] == ' ' || out[start - 1] == '(' || out[start - 1] == '\n' ||
               std::string_view{out}.substr(0, start).ends_with(NBSP);
    };
    while (i < text.size()) {
        char const c = text[i];
        if (c == ' ') {
            bool const before_euro = text.substr(i + 1).starts_with("€");
            bool const after_word = word_before("§") || word_before("§§") || word_before("Abs.") ||
                                    word_before("Nr.") || word_before("S.") || word_before("Art.") ||
                                    word_before("SGB");
            if (before_euro || after_word) {
                out.append(NBSP);
                ++i;
                continue;
            }
        }
        out.push_back(c);
        ++i;
    }
    return out;
}

fields_t make_fields(letter_t const &l, template_set_t const &templates)
{
    fields_t f;
    auto const &h = l.letterhead;
    f.set("dokument_id", l.document_id);
    f.set("art", std::string{notice_kind_code(l.kind)});
    f.set("aktenzeichen", l.aktenzeichen);
    f.set("datum", to_german(l.date));
    f.set("ort", h.place);
    f.set("behoerde", h.authority);
    f.set("leitung", h.head);
    f.set("dienststelle", h.department);
    f.set("anschrift_strasse", h.street);
    f.set("anschrift_ort", h.postcode_city);
    f.set("telefon", h.phone);
    f.set("email", h.email);
    f.set("de_mail", h.de_mail);
    f.set("web", h.web);
    f.set("bank", h.bank_name);
    f.set("iban", h.iban);
    f.set("bic", h.bic);
    std::string hours;
    for (auto const &line : h.opening_hours) {
        hours += (hours.empty() ? "" : "; ") + line;
    }
    f.set("sprechzeiten", hours);
    f.set("name", l.addressee_full_name);
    f.set("nachname", l.addressee_family_name);
    f.set("anrede_w", flag(l.addressee_sex == domain::sex_t::female));
    f.set("anrede_m", flag(l.addressee_sex == domain::sex_t::male));
    f.set("anrede_neutral",
          flag(l.addressee_sex != domain::sex_t::female && l.addressee_sex != domain::sex_t::male));
    auto const &d = l.decision;
    f.set("zeitraum_von", to_german(d.period.from()));
    f.set("zeitraum_bis", d.period.to() ? to_german(*d.period.to()) : std::string{});
    f.set("betrag_monat", d.monthly.to_german());
    f.set("betrag_bisher", opt_money(d.monthly_old));
    f.set("aenderung_ab", opt_date(d.effective_from));
    f.set("nachzahlung", opt_money(d.back_payment));
    f.set("nachzahlung_von", d.back_payment_period ? to_german(d.back_payment_period->from()) : "");
    f.set("nachzahlung_bis", d.back_payment_period && d.back_payment_period->to()
                                 ? to_german(*d.back_payment_period->to()) : "");
    f.set("forderung", opt_money(d.claim));
    f.set("forderung_von", d.claim_period ? to_german(d.claim_period->from()) : "");
    f.set("forderung_bis", d.claim_period && d.claim_period->to() ? to_german(*d.claim_period->to()) : "");
    f.set("antwort_bis", opt_date(d.reply_by));
    f.set("zahlweg", d.payment_way);
    f.set("zahltag", opt_date(d.payment_date));
    f.set("ansprechpartner", l.contact.name);
    f.set("ansprechpartner_telefon", l.contact.phone);
    f.set("ansprechpartner_email", l.contact.email);
    f.set("zimmer", l.contact.room);
    f.set("maschinell", flag(l.automated));
    f.set("unterzeichner", l.signatory);
    f.set("seite", "1");
    f.set("seiten", "1");
    std::vector<fields_t> persons;
    for (auto const &s : l.sheets) {
        fields_t p;
        p.set("person", s.person);
        persons.push_back(std::move(p));
    }
    f.lists["personen"] = std::move(persons);

    // Law-dependent wording and citations come from the templates as well.
    std::string const law{domain::law_code(l.law)};
    f.set("leistung", std::string{trim(templates.render("leistung." + law, f))});
    f.set("gesetz", std::string{trim(templates.render("gesetz." + law, f))});
    std::string const vr = templates.render("verfahrensrecht." + l.procedure_law, f);
    std::size_t pos = 0;
    while (pos < vr.size()) {
        std::size_t end = vr.find('\n', pos);
        if (end == std::string::npos) {
            end = vr.size();
        }
        std::string_view const line = trim(std::string_view{vr}.substr(pos, end - pos));
        std::size_t const eq = line.find('=');
        if (!line.empty() && eq != std::string_view::npos) {
            f.set("vr_" + std::string{trim(line.substr(0, eq))}, std::string{trim(line.substr(eq + 1))});
        }
        pos = end + 1;
    }

    std::vector<fields_t> reasons;
    for (auto const &r : l.reasons) {
        fields_t scoped = f;
        for (auto const &[k, v] : r.values) {
            scoped.set(k, v);
        }
        fields_t item;
        item.set("text", std::string{trim(templates.render("grund." + r.rule, scoped))});
        reasons.push_back(std::move(item));
    }
    f.lists["gruende"] = std::move(reasons);
    return f;
}

letter_t sample_letter()
{
    letter_t l;
    l.document_id = "50.2-100123/2026-12-01/1";
    l.kind = notice_kind_t::aenderung;
    l.law = domain::law_t::sgb12_kap4;
    l.letterhead.authority = "Stadt Musterstadt";
    l.letterhead.head = "Die Bürgermeisterin";
    l.letterhead.department = "Sozialamt";
    l.letterhead.street = "Marktplatz 1";
    l.letterhead.postcode_city = "24103 Musterstadt";
    l.letterhead.phone = "0431 901-0";
    l.letterhead.email = "sozialamt@musterstadt.example";
    l.letterhead.de_mail = "sozialamt@musterstadt.de-mail.example";
    l.letterhead.web = "www.musterstadt.example";
    l.letterhead.opening_hours = {"Mo, Di, Do 8–12 Uhr", "Do 14–17 Uhr"};
    l.letterhead.bank_name = "Förde Sparkasse";
    l.letterhead.iban = "DE02 2105 0170 0000 1234 56";
    l.letterhead.bic = "NOLADE21KIE";
    l.letterhead.place = "Musterstadt";
    l.aktenzeichen = "50.2-SGB XII-100123";
    l.date = date_t{2026, 12, 1};
    domain::address_t a;
    a.street = "Große Straße";
    a.house_no = "12a";
    a.postcode = "24105";
    a.city = "Musterstadt";
    l.addressee = addressee_t::from("Frau Ayşe Yılmaz", a);
    l.addressee_sex = domain::sex_t::female;
    l.addressee_family_name = "Yılmaz";
    l.addressee_full_name = "Ayşe Yılmaz";
    l.decision.period = period_t{date_t{2027, 1, 1}, date_t{2027, 12, 31}};
    l.decision.monthly = money_t::cents(87'312);
    l.decision.monthly_old = money_t::cents(84'150);
    l.decision.effective_from = date_t{2027, 1, 1};
    l.decision.back_payment = money_t::cents(12'345);
    l.decision.back_payment_period = period_t{date_t{2026, 10, 1}, date_t{2026, 11, 30}};
    l.decision.claim = money_t::cents(23'400);
    l.decision.claim_period = period_t{date_t{2026, 7, 1}, date_t{2026, 9, 30}};
    l.decision.reply_by = date_t{2026, 12, 22};
    l.decision.payment_way = "auf das Konto IBAN DE89 3704 0044 0532 0130 00";
    l.decision.payment_date = date_t{2026, 12, 30};
    person_sheet_t s;
    s.person = "Ayşe Yılmaz (geb. 03.04.1958)";
    s.rows = {
        {"Regelbedarf, Regelbedarfsstufe 1", "§ 42 Nr. 1 SGB XII, Anlage zu § 28 SGB XII", money_t::cents(56'300),
         money_t::cents(56'300), false},
        {"Mehrbedarf Merkzeichen G (17 %)", "§ 30 Abs. 1 SGB XII", money_t::cents(9'571), money_t::cents(9'571),
         false},
        {"Grundmiete", "§ 42a Abs. 1, § 35 Abs. 1 SGB XII", money_t::cents(41'000), money_t::cents(39'000), false},
        {"Heizkosten", "§ 35 Abs. 4 SGB XII", money_t::cents(7'500), money_t::cents(6'400), false},
        {"Altersrente, gezahlt", "§ 82 Abs. 1 SGB XII", money_t::cents(-31'059), money_t::cents(-30'121), false},
        {"Zahlbetrag", "", money_t::cents(87'312), money_t::cents(84'150), true},
    };
    l.sheets.push_back(s);
    l.summary = {{"Gesamtbedarf", "§ 42 SGB XII", money_t::cents(118'371), money_t::cents(114'271), false},
                 {"Anzurechnendes Einkommen", "§ 82 SGB XII", money_t::cents(-31'059), money_t::cents(-30'121), false},
                 {"Zahlbetrag monatlich", "", money_t::cents(87'312), money_t::cents(84'150), true}};
    l.reasons = {{"miete.erhoehung", {{"miete_neu", "410,00 €"}}}, {"einkommen.rente", {{"rente", "310,59 €"}}}};
    l.contact = {"Frau Petersen", "0431 901-2345", "a.petersen@musterstadt.example", "2.114"};
    l.inserts = {"DSGVO-Info"};
    return l;
}

} // namespace sozbatch::notice
