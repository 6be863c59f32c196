// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/case_import/writer.hpp"

#include "formats/case_import/reader.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/date.hpp"
#include "lib/core/error.hpp"
#include "lib/core/money.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sozbatch::formats {

namespace {

using namespace sozbatch::domain;

/// Escapes text for a double-quoted attribute value; keeps newlines and tabs through references.
std::string escape(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (char const ch : s) {
        switch (ch) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\n': out += "&#10;"; break;
        case '\r': out += "&#13;"; break;
        case '\t': out += "&#9;"; break;
        default: out += ch;
        }
    }
    return out;
}

/// One element with attributes, written as `<name a="..." b="..."` and closed by the caller.
class element_t
{
public:
    element_t(std::string &out, int depth, std::string_view name) : m_out(out)
    {
        m_out.append(static_cast<std::size_t>(depth) * 2, ' ');
        m_out += '<';
        m_out += name;
    }

    element_t &set(std::string_view name, std::string_view value)
    {
        m_out += ' ';
        m_out += name;
        m_out += "=\"";
        m_out += escape(value);
        m_out += '"';
        return *this;
    }
    /// Only when not empty.
    element_t &opt(std::string_view name, std::string_view value)
    {
        return value.empty() ? *this : set(name, value);
    }
    element_t &opt(std::string_view name, std::optional<date_t> const &d)
    {
        return d ? set(name, to_iso(*d)) : *this;
    }
    element_t &opt(std::string_view name, std::optional<money_t> const &m)
    {
        return m ? set(name, m->to_sepa()) : *this;
    }
    element_t &opt(std::string_view name, std::optional<int> const &i)
    {
        return i ? set(name, std::to_string(*i)) : *this;
    }
    element_t &money(std::string_view name, money_t m) { return set(name, m.to_sepa()); }
    /// Only when not zero.
    element_t &nonzero(std::string_view name, money_t m) { return m.is_zero() ? *this : money(name, m); }
    /// Only when true.
    element_t &flag(std::string_view name, bool b) { return b ? set(name, "true") : *this; }
    element_t &validity(period_t const &p) { return set("from", to_iso(p.from())).opt("to", p.to()); }

    void close() { m_out += "/>\n"; }
    void open() { m_out += ">\n"; }

private:
    std::string &m_out;
};

void end_tag(std::string &out, int depth, std::string_view name)
{
    out.append(static_cast<std::size_t>(depth) * 2, ' ');
    out += "</";
    out += name;
    out += ">\n";
}

bool is_default(address_t const &a)
{
    return a.street.empty() && a.house_no.empty() && a.postcode.empty() && a.city.empty() && a.extra.empty()
           && a.country == "DE";
}

void write_address(std::string &out, int depth, address_t const &a)
{
    element_t e{out, depth, "address"};
    e.opt("street", a.street).opt("house-no", a.house_no).opt("postcode", a.postcode).opt("city", a.city);
    if (a.country != "DE") {
        e.set("country", a.country);
    }
    e.opt("extra", a.extra).close();
}

void write_case(std::string &out, case_t const &c)
{
    element_t ce{out, 2, "case"};
    ce.set("file-ref", c.file_ref)
        .set("law", law_code(c.law))
        .set("work-group", c.work_group)
        .set("state", c.closed ? "closed" : "open")
        .set("established-on", to_iso(c.established_on))
        .opt("closed-on", c.closed_on)
        .open();
    for (auto const &m : c.members) {
        element_t{out, 3, "member"}
            .set("person", m.person_id)
            .set("role", member_role_code(m.role))
            .validity(m.validity)
            .opt("stay-since", m.stay_since)
            .close();
    }
    for (auto const &a : c.approvals) {
        element_t e{out, 3, "approval"};
        e.set("id", a.ext_id).validity(a.period).set("approved-by", a.approved_by);
        if (a.approved_at) {
            e.set("approved-at", to_iso(*a.approved_at));
        }
        e.set("state", approval_state_code(a.state)).close();
    }
    for (auto const &n : c.needs) {
        element_t{out, 3, "need"}
            .opt("person", n.person_id)
            .set("kind", n.kind)
            .opt("amount", n.amount)
            .opt("quantity", n.quantity)
            .validity(n.validity)
            .opt("note", n.note)
            .close();
    }
    for (auto const &i : c.incomes) {
        element_t{out, 3, "income"}
            .set("person", i.person_id)
            .set("kind", i.kind)
            .money("gross", i.gross)
            .nonzero("taxes", i.taxes)
            .nonzero("social-insurance", i.social_insurance)
            .nonzero("insurance-premiums", i.insurance_premiums)
            .nonzero("work-expenses", i.work_expenses)
            .validity(i.validity)
            .opt("spread-months", i.spread_months)
            .flag("grundrentenzeiten-33-years", i.grundrentenzeiten_33_years)
            .opt("note", i.note)
            .close();
    }
    for (auto const &h : c.housing) {
        element_t{out, 3, "housing"}
            .set("dwelling", dwelling_code(h.dwelling))
            .money("basic-rent", h.basic_rent)
            .money("service-charges", h.service_charges)
            .money("heating", h.heating)
            .flag("decentral-hot-water", h.decentral_hot_water)
            .set("persons-in-dwelling", std::to_string(h.persons_in_dwelling))
            .validity(h.validity)
            .close();
    }
    for (auto const &a : c.assets) {
        element_t{out, 3, "asset"}
            .set("person", a.person_id)
            .set("kind", a.kind)
            .money("value", a.value)
            .flag("protected", a.protected_asset)
            .validity(a.validity)
            .close();
    }
    for (auto const &a : c.assignments) {
        element_t{out, 3, "assignment"}
            .set("payee", a.payee_id)
            .set("purpose", assignment_purpose_code(a.purpose))
            .opt("amount", a.amount)
            .validity(a.validity)
            .close();
    }
    for (auto const &cl : c.claims) {
        element_t{out, 3, "claim"}
            .set("id", cl.ext_id)
            .set("kind", cl.kind)
            .money("amount", cl.amount)
            .set("established-on", to_iso(cl.established_on))
            .opt("legal-basis", cl.legal_basis)
            .close();
    }
    for (auto const &o : c.offsets) {
        element_t{out, 3, "offset"}
            .set("claim", o.claim_id)
            .money("monthly", o.monthly)
            .validity(o.validity)
            .opt("legal-basis", o.legal_basis)
            .close();
    }
    end_tag(out, 2, "case");
}

} // namespace

std::string write_case_import(case_bundle_t const &bundle)
{
    if (!bundle.created) {
        throw internal_error{"write_case_import: the bundle has no creation time"};
    }
    std::string out;
    out.reserve(4096 + bundle.persons.size() * 400 + bundle.cases.size() * 1200);
    out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    element_t{out, 0, "case-import"}
        .set("xmlns", CASE_IMPORT_NAMESPACE)
        .set("version", "1")
        .set("source", bundle.source)
        .set("created", to_iso(*bundle.created))
        .open();
    element_t{out, 1, "tenant"}.set("code", bundle.tenant).set("name", bundle.tenant_name).close();

    element_t{out, 1, "work-groups"}.open();
    for (auto const &code : bundle.work_groups) {
        element_t e{out, 2, "work-group"};
        e.set("code", code);
        for (auto const &[c, name] : bundle.work_group_names) {
            if (c == code) {
                e.opt("name", name);
                break;
            }
        }
        e.close();
    }
    end_tag(out, 1, "work-groups");

    element_t{out, 1, "persons"}.open();
    for (auto const &p : bundle.persons) {
        element_t e{out, 2, "person"};
        e.set("id", p.ext_id)
            .set("family-name", p.family_name)
            .opt("birth-name", p.birth_name)
            .opt("first-names", p.first_names)
            .opt("birth-date", p.birth_date)
            .opt("birth-place", p.birth_place)
            .set("sex", sex_code(p.sex))
            .opt("nationality", p.nationality)
            .opt("vsnr", p.vsnr)
            .opt("steuer-id", p.steuer_id)
            .opt("deceased-on", p.deceased_on);
        if (is_default(p.address)) {
            e.close();
        } else {
            e.open();
            write_address(out, 3, p.address);
            end_tag(out, 2, "person");
        }
    }
    end_tag(out, 1, "persons");

    element_t{out, 1, "payees"}.open();
    for (auto const &p : bundle.payees) {
        element_t e{out, 2, "payee"};
        e.set("id", p.ext_id)
            .set("kind", payee_kind_code(p.kind))
            .set("name", p.name)
            .opt("iban", p.iban)
            .opt("bic", p.bic)
            .opt("card-ref", p.card_ref)
            .opt("person", p.person_id);
        if (is_default(p.address)) {
            e.close();
        } else {
            e.open();
            write_address(out, 3, p.address);
            end_tag(out, 2, "payee");
        }
    }
    end_tag(out, 1, "payees");

    element_t{out, 1, "cases"}.open();
    for (auto const &c : bundle.cases) {
        write_case(out, c);
    }
    end_tag(out, 1, "cases");
    end_tag(out, 0, "case-import");
    return out;
}

} // namespace sozbatch::formats
