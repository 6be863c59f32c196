// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/notices_letter.hpp"

#include "lib/core/error.hpp"

#include <algorithm>
#include <charconv>

namespace sozbatch::jobs {

namespace {

using notice::notice_kind_t;

std::string setting(std::map<std::string, std::string> const &s, std::string const &key, std::string def = {})
{
    auto const it = s.find(key);
    return it == s.end() ? def : it->second;
}

int int_setting(std::map<std::string, std::string> const &s, std::string const &key, int def, int min)
{
    auto const it = s.find(key);
    if (it == s.end()) {
        return def;
    }
    int v = 0;
    auto const [p, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc{} || p != it->second.data() + it->second.size() || v < min) {
        throw config_error{"setting " + key + " = '" + it->second + "': expected a whole number >= " + std::to_string(min)};
    }
    return v;
}

bool bool_setting(std::map<std::string, std::string> const &s, std::string const &key, bool def)
{
    auto const v = setting(s, key);
    if (v.empty()) {
        return def;
    }
    if (v == "true" || v == "yes" || v == "on" || v == "1") {
        return true;
    }
    if (v == "false" || v == "no" || v == "off" || v == "0") {
        return false;
    }
    throw config_error{"setting " + key + " = '" + v + "': expected true or false"};
}

std::vector<std::string> split(std::string const &text, char sep)
{
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find(sep, pos);
        if (end == std::string::npos) {
            end = text.size();
        }
        std::string part = text.substr(pos, end - pos);
        while (!part.empty() && part.front() == ' ') {
            part.erase(part.begin());
        }
        while (!part.empty() && part.back() == ' ') {
            part.pop_back();
        }
        if (!part.empty()) {
            out.push_back(std::move(part));
        }
        pos = end + 1;
    }
    return out;
}

std::string trimmed(std::string s)
{
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) {
        s.pop_back();
    }
    while (!s.empty() && (s.front() == '\n' || s.front() == ' ')) {
        s.erase(s.begin());
    }
    return s;
}

/// A section of the job's own wording (posten.txt), or \p fallback when the city removed it.
std::string wording(notice::template_set_t const &t, std::string const &section, notice::fields_t const &f,
                    std::string const &fallback)
{
    return t.has(section) ? trimmed(t.render(section, f)) : fallback;
}

std::string masked_iban(std::string const &iban)
{
    if (iban.size() < 8) {
        return iban;
    }
    return "IBAN " + iban.substr(0, 4) + " … " + iban.substr(iban.size() - 4);
}

domain::person_t const *find_person(db::stored_case_t const &sc, std::string const &id)
{
    auto const it = std::find_if(sc.persons.begin(), sc.persons.end(), [&](auto const &p) { return p.ext_id == id; });
    return it == sc.persons.end() ? nullptr : &*it;
}

/// The applicant of the case in \p month (the member with the applicant role valid then).
domain::person_t const *applicant(db::stored_case_t const &sc, month_t month)
{
    domain::person_t const *found = nullptr;
    for (auto const &m : sc.data.members) {
        if (m.role != domain::member_role_t::applicant) {
            continue;
        }
        if (m.validity.overlaps(period_t::of(month)) || !found) {
            found = find_person(sc, m.person_id);
        }
    }
    return found;
}

/// The Bewilligungszeitraum that covers \p day (else the newest approval).
period_t approval_period(domain::case_t const &c, date_t day)
{
    std::optional<period_t> best;
    for (auto const &a : c.approvals) {
        if (a.state != domain::approval_state_t::approved) {
            continue;
        }
        if (a.period.contains(day)) {
            return a.period;
        }
        if (!best || best->from() < a.period.from()) {
            best = a.period;
        }
    }
    return best ? *best : period_t{day, std::nullopt};
}

/// Amounts of one result per person and line: the month's amounts, or the monthly amounts of
/// the last segment (for the side-by-side view of an aenderung).
struct line_sum_t
{
    std::string person_id;
    std::string kind;
    std::string cls;
    std::string legal_basis;
    money_t value;
};

std::vector<line_sum_t> sum_lines(std::vector<db::notice_line_t> const &lines, bool monthly_last_segment)
{
    std::vector<line_sum_t> out;
    date_t last{1970, 1, 1};
    for (auto const &l : lines) {
        last = std::max(last, l.segment_from);
    }
    for (auto const &l : lines) {
        if (l.cls == "info" || (monthly_last_segment && l.segment_from != last)) {
            continue;
        }
        money_t const v = monthly_last_segment ? l.monthly : l.amount;
        auto it = std::find_if(out.begin(), out.end(), [&](auto const &s) {
            return s.person_id == l.person_id && s.kind == l.kind && s.legal_basis == l.legal_basis;
        });
        if (it == out.end()) {
            out.push_back(line_sum_t{l.person_id, l.kind, l.cls, l.legal_basis, v});
        } else {
            it->value += v;
        }
    }
    return out;
}

/// Income lines reduce the need: shown with the opposite sign.
money_t shown(std::string const &cls, money_t v) { return cls == "income" ? -v : v; }

} // namespace

notice_settings_t notice_settings_t::from_settings(std::map<std::string, std::string> const &s)
{
    notice_settings_t n;
    auto &h = n.letterhead;
    h.authority = setting(s, "letterhead.authority");
    h.head = setting(s, "letterhead.head");
    h.department = setting(s, "letterhead.department");
    h.street = setting(s, "letterhead.street");
    h.postcode_city = setting(s, "letterhead.postcode-city");
    h.phone = setting(s, "letterhead.phone");
    h.email = setting(s, "letterhead.email");
    h.de_mail = setting(s, "letterhead.de-mail");
    h.web = setting(s, "letterhead.web");
    h.opening_hours = split(setting(s, "letterhead.opening-hours"), ';');
    h.bank_name = setting(s, "letterhead.bank");
    h.iban = setting(s, "letterhead.iban");
    h.bic = setting(s, "letterhead.bic");
    h.place = setting(s, "letterhead.place");
    for (auto const &[key, value] : {std::pair{"letterhead.authority", &h.authority},
                                     std::pair{"letterhead.department", &h.department},
                                     std::pair{"letterhead.street", &h.street},
                                     std::pair{"letterhead.postcode-city", &h.postcode_city}}) {
        if (value->empty()) {
            throw config_error{std::string{"the letterhead is not configured: setting "} + key +
                               " is missing (see samples/sozbatch.conf, docs/notices.md)"};
        }
    }
    if (h.place.empty()) {
        auto const parts = split(h.postcode_city, ' ');
        h.place = parts.empty() ? h.postcode_city : parts.back();
    }
    n.contact.name = setting(s, "letterhead.contact-name");
    n.contact.phone = setting(s, "letterhead.contact-phone", h.phone);
    n.contact.email = setting(s, "letterhead.contact-email");
    n.contact.room = setting(s, "letterhead.contact-room");
    n.land_procedure_law = setting(s, "notices.land-procedure-law", n.land_procedure_law);
    n.reply_days = int_setting(s, "notices.reply-days", n.reply_days, 1);
    n.batch_size = int_setting(s, "notices.batch-size", n.batch_size, 1);
    n.presort_kib = int_setting(s, "notices.presort-memory", n.presort_kib, 1);
    n.render_threads = int_setting(s, "notices.render-threads", n.render_threads, 0);
    n.template_dir = setting(s, "notices.templates");
    n.envelope = setting(s, "notices.envelope", n.envelope);
    n.inserts = split(setting(s, "notices.inserts"), ',');
    n.render.font_regular = setting(s, "notices.font-regular", n.render.font_regular);
    n.render.font_bold = setting(s, "notices.font-bold", n.render.font_bold);
    n.render.duplex = bool_setting(s, "notices.duplex", n.render.duplex);
    n.render.pdfa = bool_setting(s, "notices.pdfa", n.render.pdfa);
    std::string const marks = setting(s, "notices.marks", "none");
    if (marks == "omr") {
        n.render.marks = notice::inserter_marks_t::omr;
    } else if (marks == "datamatrix") {
        n.render.marks = notice::inserter_marks_t::datamatrix;
    } else if (marks != "none") {
        throw config_error{"setting notices.marks = '" + marks + "': expected none, omr or datamatrix"};
    }
    // DataMatrix zone in whole millimetres from the sheet's top-left corner, module size in 1/100 mm.
    n.render.datamatrix_x = int_setting(s, "notices.datamatrix-x", n.render.datamatrix_x / 100, 0) * 100;
    n.render.datamatrix_y = int_setting(s, "notices.datamatrix-y", n.render.datamatrix_y / 100, 0) * 100;
    n.render.datamatrix_zone = int_setting(s, "notices.datamatrix-zone", n.render.datamatrix_zone / 100, 1) * 100;
    n.render.datamatrix_module = int_setting(s, "notices.datamatrix-module", n.render.datamatrix_module, 10);
    n.render.insert_stations = split(setting(s, "notices.insert-stations"), ',');
    n.events = event_map_t::from_settings(s);
    return n;
}

std::string notice_document_id(planned_notice_t const &p, month_t month)
{
    std::string ref = p.event_ref;
    std::replace(ref.begin(), ref.end(), ':', '-');
    return p.file_ref() + "/" + month.to_string() + "/" + std::string{notice::notice_kind_code(p.kind)} + "/" + ref;
}

namespace {

/// The letter's data that needs no database: kind, letterhead, Aktenzeichen, id, date and the
/// addressee (the applicant's current address, DIN 5008 Anschriftzone).
notice::letter_t address_letter(planned_notice_t const &p, notice_settings_t const &settings,
                                notice::template_set_t const &templates, month_t month, date_t today)
{
    db::stored_case_t const &sc = *p.stored;
    auto const &c = sc.data;
    notice::letter_t l;
    l.kind = p.kind;
    l.law = c.law;
    l.procedure_law = notice::default_procedure_law(c.law, settings.land_procedure_law);
    l.letterhead = settings.letterhead;
    l.contact = settings.contact;
    l.aktenzeichen = c.file_ref;
    l.document_id = notice_document_id(p, month);
    l.date = today;
    l.envelope = settings.envelope;
    l.inserts = settings.inserts;

    domain::person_t const *a = applicant(sc, month);
    if (!a) {
        throw case_error{"no applicant to address the letter to"};
    }
    if (a->deceased_on) {
        throw case_error{"the applicant has died: the letter needs an addressee chosen by hand"};
    }
    auto const &addr = a->address;
    if (addr.street.empty() || addr.postcode.empty() || addr.city.empty()) {
        throw case_error{"no deliverable address (street, postcode and city are needed)"};
    }
    l.addressee_sex = a->sex;
    l.addressee_family_name = a->family_name;
    l.addressee_full_name = a->first_names.empty() ? a->family_name : a->first_names + " " + a->family_name;
    notice::fields_t nf;
    nf.set("anrede_w", a->sex == domain::sex_t::female ? "1" : "");
    nf.set("anrede_m", a->sex == domain::sex_t::male ? "1" : "");
    nf.set("name", l.addressee_full_name);
    l.addressee = notice::addressee_t::from(wording(templates, "anschrift.name", nf, l.addressee_full_name), addr);
    return l;
}

} // namespace

notice::addressee_t letter_addressee(planned_notice_t const &p, notice_settings_t const &settings,
                                     notice::template_set_t const &templates, month_t month, date_t today)
{
    return address_letter(p, settings, templates, month, today).addressee;
}

notice::letter_t build_letter(planned_notice_t const &p, db::database_t &db, notice_settings_t const &settings,
                              notice::template_set_t const &templates, month_t month, date_t today)
{
    db::stored_case_t const &sc = *p.stored;
    auto const &c = sc.data;
    notice::letter_t l = address_letter(p, settings, templates, month, today);
    domain::person_t const *a = applicant(sc, month);

    // Which result the Berechnungsbogen shows.
    db::notice_store_t store{db};
    db::result_store_t results{db};
    std::optional<long long> result_id;
    if (p.difference) {
        result_id = p.difference->new_result_id;
    } else if (p.current) {
        result_id = p.current->id;
    } else if (p.previous) {
        result_id = p.previous->id;
    }
    bool const side_by_side = p.kind == notice_kind_t::aenderung && p.previous && p.current;
    std::vector<line_sum_t> now_lines, old_lines;
    if (result_id) {
        now_lines = sum_lines(store.lines(*result_id), side_by_side);
    }
    if (side_by_side) {
        old_lines = sum_lines(store.lines(p.previous->id), true);
    }

    // Berechnungsbogen per person, in the order of the result's lines.
    std::vector<std::string> person_order;
    for (auto const &s : now_lines) {
        std::string const who = s.person_id.empty() ? a->ext_id : s.person_id;
        if (std::find(person_order.begin(), person_order.end(), who) == person_order.end()) {
            person_order.push_back(who);
        }
    }
    auto old_value = [&](line_sum_t const &s) -> std::optional<money_t> {
        if (!side_by_side) {
            return std::nullopt;
        }
        auto const it = std::find_if(old_lines.begin(), old_lines.end(), [&](auto const &o) {
            return o.person_id == s.person_id && o.kind == s.kind && o.legal_basis == s.legal_basis;
        });
        return it == old_lines.end() ? money_t{} : shown(it->cls, it->value);
    };
    for (auto const &who : person_order) {
        notice::person_sheet_t sheet;
        notice::fields_t pf;
        domain::person_t const *person = find_person(sc, who);
        pf.set("person", person ? (person->first_names + " " + person->family_name) : who);
        pf.set("geburtsdatum", person && person->birth_date ? to_german(*person->birth_date) : "");
        sheet.person = wording(templates, "person.bezeichnung", pf, pf.values["person"]);
        std::vector<notice::amount_row_t> totals;
        for (auto const &s : now_lines) {
            std::string const owner = s.person_id.empty() ? a->ext_id : s.person_id;
            if (owner != who) {
                continue;
            }
            notice::amount_row_t row;
            row.label = wording(templates, "posten." + s.kind, {}, s.kind);
            row.norm = s.legal_basis;
            row.amount = shown(s.cls, s.value);
            row.old_amount = old_value(s);
            if (s.cls == "result") {
                row.emphasis = true;
                totals.push_back(row);
            } else {
                sheet.rows.push_back(row);
            }
        }
        for (auto &t : totals) {
            sheet.rows.push_back(std::move(t));
        }
        l.sheets.push_back(std::move(sheet));
    }

    // The decision.
    date_t const effective = p.effective_from.value_or(month.first_day());
    l.decision.period = approval_period(c, p.kind == notice_kind_t::einstellung ? effective - boost::gregorian::days(1)
                                                                                 : std::max(effective, month.first_day()));
    if (p.kind == notice_kind_t::einstellung && p.effective_from) {
        l.decision.period = period_t{l.decision.period.from(), *p.effective_from - boost::gregorian::days(1)};
    }
    l.decision.monthly = p.current ? p.current->totals.payout : money_t{};
    if (p.kind == notice_kind_t::aenderung || p.kind == notice_kind_t::einstellung) {
        l.decision.effective_from = effective;
    }
    if (side_by_side) {
        l.decision.monthly_old = p.previous->totals.payout;
    }
    // Payment way: the payee of the benefit (the applicant's account, card or cash).
    if (p.current || p.previous) {
        auto const payouts = results.payouts(p.current ? p.current->id : p.previous->id);
        std::string payee_id;
        for (auto const &po : payouts) {
            if (po.purpose == domain::assignment_purpose_t::benefit) {
                payee_id = po.payee_id;
                break;
            }
        }
        domain::payee_t const *payee = nullptr;
        for (auto const &py : sc.payees) {
            if ((!payee_id.empty() && py.ext_id == payee_id) || (payee_id.empty() && py.person_id == a->ext_id)) {
                payee = &py;
                break;
            }
        }
        notice::fields_t wf;
        if (payee && !payee->iban.empty()) {
            wf.set("konto", masked_iban(payee->iban));
            l.decision.payment_way = wording(templates, "zahlweg.konto", wf, masked_iban(payee->iban));
        } else if (payee && !payee->card_ref.empty()) {
            l.decision.payment_way = wording(templates, "zahlweg.karte", wf, "");
        } else {
            l.decision.payment_way = wording(templates, "zahlweg.bar", wf, "");
        }
    }

    // Overview (Entscheidung) and the reasons.
    auto sum_row = [&](std::string const &section, money_t v, std::optional<money_t> old, bool emph) {
        notice::amount_row_t r;
        r.label = wording(templates, section, {}, section);
        r.amount = v;
        r.old_amount = old;
        r.emphasis = emph;
        l.summary.push_back(std::move(r));
    };
    using reason_t = notice::reason_t;
    switch (p.kind) {
    case notice_kind_t::bewilligung:
    case notice_kind_t::zahlungsmitteilung:
    case notice_kind_t::aenderung:
    case notice_kind_t::einstellung: {
        auto const *h = p.current ? &*p.current : p.previous ? &*p.previous : nullptr;
        if (h) {
            auto const *o = side_by_side ? &*p.previous : nullptr;
            auto old = [&](money_t calc::totals_t::*m) { return o ? std::optional{o->totals.*m} : std::nullopt; };
            auto neg = [&](std::optional<money_t> v) { return v ? std::optional{-*v} : std::nullopt; };
            sum_row("summe.bedarf", h->totals.needs, old(&calc::totals_t::needs), false);
            sum_row("summe.einkommen", -h->totals.income_applied, neg(old(&calc::totals_t::income_applied)), false);
            if (!h->totals.offsets.is_zero() || (o && !o->totals.offsets.is_zero())) {
                sum_row("summe.aufrechnung", -h->totals.offsets, neg(old(&calc::totals_t::offsets)), false);
            }
            sum_row("summe.zahlbetrag", p.current ? h->totals.payout : money_t{}, old(&calc::totals_t::payout), true);
        }
        if (p.kind == notice_kind_t::bewilligung) {
            l.reasons.push_back(reason_t{"erstbewilligung", {}});
            if (std::any_of(now_lines.begin(), now_lines.end(), [](auto const &s) { return s.kind == "mehrbedarf-g"; })) {
                l.reasons.push_back(reason_t{"mehrbedarf.merkzeichen_g", {}});
            }
        } else if (p.kind == notice_kind_t::aenderung) {
            for (auto const &ch : p.changes) {
                if (templates.has("grund.aenderung." + ch.kind)) {
                    l.reasons.push_back(reason_t{"aenderung." + ch.kind, {}});
                    continue;
                }
                std::string const cls = [&] {
                    auto const it = std::find_if(now_lines.begin(), now_lines.end(),
                                                 [&](auto const &s) { return s.kind == ch.kind; });
                    return it == now_lines.end() ? std::string{"need"} : it->cls;
                }();
                l.reasons.push_back(reason_t{
                    "aenderung.posten",
                    {{"posten", wording(templates, "posten." + ch.kind, {}, ch.kind)},
                     {"bisher", shown(cls, ch.old_monthly.value_or(money_t{})).to_german()},
                     {"neu", shown(cls, ch.new_monthly.value_or(money_t{})).to_german()},
                     {"norm", ch.legal_basis}}});
            }
        } else if (p.kind == notice_kind_t::einstellung) {
            l.reasons.push_back(reason_t{p.current ? "einstellung.zeitraum" : "einstellung.keine_leistung", {}});
        }
        break;
    }
    case notice_kind_t::nachzahlung:
    case notice_kind_t::anhoerung: {
        auto const &d = *p.difference;
        month_t const dm = month_t::parse(d.month);
        period_t const dp = period_t::of(dm);
        if (p.kind == notice_kind_t::nachzahlung) {
            l.decision.back_payment = d.payout_delta;
            l.decision.back_payment_period = dp;
            sum_row("summe.nachzahlung", d.payout_delta, std::nullopt, true);
            l.reasons.push_back(reason_t{"nachzahlung.neuberechnung", {}});
        } else {
            l.decision.claim = -d.payout_delta;
            l.decision.claim_period = dp;
            l.decision.reply_by = today + boost::gregorian::days(settings.reply_days);
            sum_row("summe.forderung", -d.payout_delta, std::nullopt, true);
            l.reasons.push_back(reason_t{"ueberzahlung.neuberechnung", {}});
        }
        l.decision.period = approval_period(c, dp.from());
        break;
    }
    }
    return l;
}

} // namespace sozbatch::jobs
