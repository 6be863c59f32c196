// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/calc_result/calc_result.hpp"

#include "lib/core/json.hpp"

#include <iomanip>
#include <sstream>

namespace sozbatch::formats::calc_result {

namespace {

constexpr std::string_view FORMAT_NAME = "sozbatch-calc-result";

void json_string(std::ostream &out, std::string_view s) { out << sozbatch::json_string(s); }

void json_money(std::ostream &out, money_t m) { json_string(out, m.to_sepa()); }

std::string_view person_of(calc::case_result_t const &r, std::uint16_t idx)
{
    return idx < r.persons.size() ? std::string_view{r.persons[idx].person_id} : std::string_view{};
}

void json_person(std::ostream &out, calc::case_result_t const &r, std::uint16_t idx)
{
    if (idx < r.persons.size()) {
        json_string(out, r.persons[idx].person_id);
    } else {
        out << "null";
    }
}

std::string factor_text(calc::line_item_t const &l)
{
    return l.factor_den == 0 ? std::string{} : std::to_string(l.factor_num) + "/" + std::to_string(l.factor_den);
}

void totals_json(std::ostream &out, calc::totals_t const &t)
{
    out << "{\"needs\":";
    json_money(out, t.needs);
    out << ",\"in_kind\":";
    json_money(out, t.in_kind);
    out << ",\"income_counted\":";
    json_money(out, t.income_counted);
    out << ",\"income_applied\":";
    json_money(out, t.income_applied);
    out << ",\"entitlement\":";
    json_money(out, t.entitlement);
    out << ",\"offsets\":";
    json_money(out, t.offsets);
    out << ",\"payout\":";
    json_money(out, t.payout);
    out << '}';
}

void payouts_json(std::ostream &out, std::vector<calc::payout_t> const &payouts)
{
    out << '[';
    bool first = true;
    for (auto const &p : payouts) {
        out << (first ? "" : ",") << "{\"payee\":";
        first = false;
        json_string(out, p.payee_id);
        out << ",\"purpose\":";
        json_string(out, domain::assignment_purpose_code(p.purpose));
        out << ",\"amount\":";
        json_money(out, p.amount);
        out << '}';
    }
    out << ']';
}

/// German label of a line kind for the Berechnungsbogen.
std::string_view label(calc::line_kind_t k)
{
    using calc::line_kind_t;
    switch (k) {
    case line_kind_t::regelbedarf: return "Regelbedarf";
    case line_kind_t::grundleistung_nb: return "notwendiger Bedarf";
    case line_kind_t::grundleistung_npb: return "notw. persönlicher Bedarf";
    case line_kind_t::reduction_1a: return "Anspruchseinschränkung";
    case line_kind_t::mehrbedarf_g: return "Mehrbedarf Merkzeichen G";
    case line_kind_t::mehrbedarf_pregnancy: return "Mehrbedarf Schwangerschaft";
    case line_kind_t::mehrbedarf_single_parent: return "Mehrbedarf Alleinerziehung";
    case line_kind_t::mehrbedarf_education: return "Mehrbedarf Schule/Ausbildung";
    case line_kind_t::mehrbedarf_nutrition: return "Mehrbedarf Ernährung";
    case line_kind_t::mehrbedarf_cap: return "Begrenzung Mehrbedarfe";
    case line_kind_t::mehrbedarf_hot_water: return "Mehrbedarf Warmwasser";
    case line_kind_t::mehrbedarf_other: return "weiterer Bedarf";
    case line_kind_t::mittagsverpflegung: return "Mittagsverpflegung";
    case line_kind_t::sofortzuschlag: return "Sofortzuschlag";
    case line_kind_t::barbetrag: return "Barbetrag";
    case line_kind_t::unterkunft: return "Unterkunft";
    case line_kind_t::heizung: return "Heizung";
    case line_kind_t::income_gross: return "Einkommen";
    case line_kind_t::income_deduction: return "Absetzbeträge";
    case line_kind_t::income_allowance: return "Freibetrag";
    case line_kind_t::income_not_counted: return "nicht anrechenbar";
    case line_kind_t::kindergeld_transfer: return "Kindergeldüberhang";
    case line_kind_t::household_transfer: return "Einkommen Einsatzgemeinschaft";
    case line_kind_t::entitlement: return "Anspruch";
    }
    return "?";
}

std::string pad(std::string s, std::size_t width)
{
    // pad by code points (UTF-8 continuation bytes do not count)
    std::size_t cps = 0;
    for (char const ch : s) {
        cps += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    }
    if (cps < width) {
        s.append(width - cps, ' ');
    }
    return s;
}

std::string rpad(std::string const &s, std::size_t width)
{
    std::size_t cps = 0;
    for (char const ch : s) {
        cps += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
    }
    return cps < width ? std::string(width - cps, ' ') + s : s;
}

} // namespace

void write_json(std::ostream &out, calc::case_result_t const &r)
{
    out << "{\"format\":";
    json_string(out, FORMAT_NAME);
    out << ",\"version\":" << calc::RESULT_FORMAT_VERSION << ",\"case\":";
    json_string(out, r.file_ref);
    out << ",\"law\":";
    json_string(out, domain::law_code(r.law));
    out << ",\"month\":";
    json_string(out, r.month.to_string());
    out << ",\"segments\":[";
    for (std::size_t i = 0; i < r.segments.size(); ++i) {
        auto const &s = r.segments[i];
        out << (i ? "," : "") << "{\"from\":\"" << to_iso(s.from) << "\",\"to\":\"" << to_iso(s.to)
            << "\",\"days\":" << s.days << '}';
    }
    out << "],\"persons\":[";
    for (std::size_t i = 0; i < r.persons.size(); ++i) {
        auto const &p = r.persons[i];
        out << (i ? "," : "") << "{\"person\":";
        json_string(out, p.person_id);
        out << ",\"needs\":";
        json_money(out, p.needs);
        out << ",\"in_kind\":";
        json_money(out, p.in_kind);
        out << ",\"income\":";
        json_money(out, p.income);
        out << ",\"entitlement\":";
        json_money(out, p.entitlement);
        out << '}';
    }
    out << "],\"lines\":[";
    for (std::size_t i = 0; i < r.lines.size(); ++i) {
        auto const &l = r.lines[i];
        out << (i ? "," : "") << "{\"person\":";
        json_person(out, r, l.person);
        out << ",\"segment\":" << static_cast<int>(l.segment) << ",\"kind\":";
        json_string(out, calc::line_kind_code(l.kind));
        out << ",\"class\":";
        json_string(out, calc::line_class_code(l.cls));
        out << ",\"legal_basis\":";
        json_string(out, r.legal_basis_text(l));
        out << ",\"basis\":";
        json_money(out, l.basis);
        out << ",\"factor\":";
        if (l.factor_den == 0) {
            out << "null";
        } else {
            json_string(out, factor_text(l));
        }
        out << ",\"monthly\":";
        json_money(out, l.monthly);
        out << ",\"days\":";
        if (l.day_share) {
            out << l.days;
        } else {
            out << "null";
        }
        out << ",\"amount\":";
        json_money(out, l.amount);
        out << ",\"parameters\":[";
        for (std::size_t k = 0; k < l.n_params; ++k) {
            auto const &p = l.params[k];
            out << (k ? "," : "") << "{\"key\":";
            json_string(out, calc::param_key(p.id));
            out << ",\"value\":";
            json_string(out, calc::param_value_text(p.id, p.number, p.den));
            out << '}';
        }
        out << "],\"note\":";
        json_string(out, l.note);
        out << '}';
    }
    out << "],\"totals\":";
    totals_json(out, r.totals);
    out << ",\"payouts\":";
    payouts_json(out, r.payouts);
    out << ",\"flags\":[";
    for (std::size_t i = 0; i < r.flags.size(); ++i) {
        out << (i ? "," : "") << "{\"person\":";
        json_person(out, r, r.flags[i].person);
        out << ",\"code\":";
        json_string(out, r.flags[i].code);
        out << ",\"text\":";
        json_string(out, r.flags[i].text);
        out << '}';
    }
    out << "]}";
}

std::string to_json(calc::case_result_t const &r)
{
    std::ostringstream ss;
    write_json(ss, r);
    return ss.str();
}

void write_json_document(std::ostream &out, month_t month, std::span<calc::case_result_t const> results,
                         std::span<std::string const> errors)
{
    out << "{\"format\":";
    json_string(out, FORMAT_NAME);
    out << ",\"version\":" << calc::RESULT_FORMAT_VERSION << ",\"month\":";
    json_string(out, month.to_string());
    out << ",\"results\":[\n";
    for (std::size_t i = 0; i < results.size(); ++i) {
        write_json(out, results[i]);
        out << (i + 1 < results.size() ? ",\n" : "\n");
    }
    out << "],\"errors\":[";
    for (std::size_t i = 0; i < errors.size(); ++i) {
        out << (i ? "," : "");
        json_string(out, errors[i]);
    }
    out << "]}\n";
}

std::string to_json(calc::difference_t const &d)
{
    std::ostringstream out;
    out << "{\"case\":";
    json_string(out, d.file_ref);
    out << ",\"month\":";
    json_string(out, d.month.to_string());
    out << ",\"kind\":";
    json_string(out, calc::difference_kind_code(d.kind));
    out << ",\"entitlement_delta\":";
    json_money(out, d.entitlement_delta);
    out << ",\"payout_delta\":";
    json_money(out, d.payout_delta);
    out << ",\"by_payee\":";
    payouts_json(out, d.by_payee);
    out << '}';
    return out.str();
}

void write_text(std::ostream &out, calc::case_result_t const &r)
{
    out << "Berechnungsbogen\n";
    out << "Fall " << r.file_ref << "   Monat " << r.month.to_string() << "   Recht " << domain::law_code(r.law);
    if (!r.law_via.empty()) {
        out << " (" << r.law_via << ")";
    }
    out << "\n";
    if (r.segments.empty()) {
        out << "Keine bewilligten Tage in diesem Monat.\n";
    }
    for (std::size_t s = 0; s < r.segments.size(); ++s) {
        auto const &seg = r.segments[s];
        out << "\nZeitraum " << (s + 1) << ": " << to_german(seg.from) << " - " << to_german(seg.to) << " ("
            << seg.days << "/30 Tage)\n";
        for (std::size_t p = 0; p <= r.persons.size(); ++p) {
            bool header = false;
            for (auto const &l : r.lines) {
                std::uint16_t const want = p < r.persons.size() ? static_cast<std::uint16_t>(p) : calc::NO_PERSON;
                if (l.segment != s || l.person != want) {
                    continue;
                }
                if (!header) {
                    out << "  Person " << (p < r.persons.size() ? r.persons[p].person_id : std::string{"(Fall)"}) << "\n";
                    header = true;
                }
                std::string factor = factor_text(l);
                if (l.day_share && l.days != 30) {
                    factor += (factor.empty() ? "" : " x ") + std::to_string(l.days) + "/30 Tage";
                }
                std::string kind{label(l.kind)};
                if (l.cls == calc::line_class_t::in_kind) {
                    kind += " (Sachleistung)";
                } else if (l.cls == calc::line_class_t::info) {
                    kind += " (nur Hinweis)";
                }
                out << "    " << pad(kind, 32) << pad(r.legal_basis_text(l), 58) << rpad(l.basis.to_german(false), 12)
                    << "  " << pad(factor, 22) << rpad(l.amount.to_german(false), 12) << "\n";
                for (std::size_t k = 0; k < l.n_params; ++k) {
                    out << "      Parameter " << calc::param_key(l.params[k].id) << " = "
                        << calc::param_value_text(l.params[k].id, l.params[k].number, l.params[k].den) << "\n";
                }
                if (!l.note.empty()) {
                    out << "      Hinweis: " << l.note << "\n";
                }
            }
        }
    }
    auto const &t = r.totals;
    out << "\nSummen\n";
    out << "  " << pad("Bedarf (Geldleistung)", 40) << rpad(t.needs.to_german(), 16) << "\n";
    if (!t.in_kind.is_zero()) {
        out << "  " << pad("Sachleistungen", 40) << rpad(t.in_kind.to_german(), 16) << "\n";
    }
    out << "  " << pad("anrechenbares Einkommen", 40) << rpad(t.income_counted.to_german(), 16) << "\n";
    out << "  " << pad("davon eingesetzt", 40) << rpad(t.income_applied.to_german(), 16) << "\n";
    out << "  " << pad("Anspruch", 40) << rpad(t.entitlement.to_german(), 16) << "\n";
    out << "  " << pad("Aufrechnung", 40) << rpad(t.offsets.to_german(), 16) << "\n";
    out << "  " << pad("Auszahlung", 40) << rpad(t.payout.to_german(), 16) << "\n";
    if (!r.payouts.empty()) {
        out << "\nAuszahlung an\n";
        for (auto const &p : r.payouts) {
            out << "  " << pad(std::string{domain::assignment_purpose_code(p.purpose)}, 10)
                << pad(p.payee_id.empty() ? std::string{"(Leistungsberechtigte/r)"} : p.payee_id, 30)
                << rpad(p.amount.to_german(), 16) << "\n";
        }
    }
    if (!r.flags.empty()) {
        out << "\nHinweise\n";
        for (auto const &f : r.flags) {
            out << "  [" << f.code << "] ";
            if (auto const who = person_of(r, f.person); !who.empty()) {
                out << who << ": ";
            }
            out << f.text << "\n";
        }
    }
}

std::string to_text(calc::case_result_t const &r)
{
    std::ostringstream ss;
    write_text(ss, r);
    return ss.str();
}

} // namespace sozbatch::formats::calc_result
