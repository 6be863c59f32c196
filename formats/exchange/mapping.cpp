// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/exchange/mapping.hpp"

#include "lib/core/error.hpp"

#include <cstdio>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

namespace sozbatch::exchange {

namespace {

kind_table_t const &kinds_of(std::string const &procedure)
{
    static kind_table_t const match118{
        {"pension_running", {"RTAT", "PABN", "VSNR", "BSNR", "ZANR", "VNBS", "RTBT"}},
        {"pension_one_off", {"RTAT", "PABN", "VSNR", "BSNR", "ZANR", "AITG"}},
        {"accident_running", {"RTAT", "PABN", "AZ", "VNBS", "RTBT"}},
        {"accident_one_off", {"RTAT", "PABN", "AZ", "AITG"}},
        {"accident_no_amount", {"PABN", "AZ"}},
        {"employment_agency", {"LEAT", "AGPLZ", "AGORT", "ORDBG", "LEZR", "LEBT", "ANBT"}},
        {"employment_minor", {"VNBS", "BBNR", "NABE1", "NABE2", "SE", "PLZL", "OT"}},
        {"employment_insured", {"VNBS", "BBNR", "NABE1", "NABE2", "SE", "PLZL", "OT"}},
        {"other_welfare_office", {"VNBS", "GEMSC", "NA", "ZA"}},
        {"interest", {"BLZ", "KINAME", "KIPLZ", "KISITZ", "ZINS", "WAE", "JA"}},
        {"error", {"FEFNR", "FEENR"}},
    };
    static kind_table_t const pension151{
        {"pension_running", {"RTAT", "PABN", "VSNR", "BSNR", "ZANR", "GLAB", "GLBI", "RTBT", "AEGR"}},
        {"payee", {"ARTZE", "NA", "VONA", "PLZL", "OT", "GLAB"}},
        {"death", {"STDT"}},
        {"error", {"FEFNR", "FEENR"}},
    };
    static kind_table_t const none;
    if (procedure == "match118") return match118;
    if (procedure == "pension151") return pension151;
    return none;
}

std::vector<std::string> record_ids_of(std::string const &procedure)
{
    if (procedure == "match118") return {"EPNR", "FEKZ", "ANZFE", "GEMSC", "VSNRZH", "AZR", "ZE"};
    return {"EPNR", "FEKZ", "ANZFE", "GEMSC", "VSNR", "STTG", "ZE"};
}

std::string location_record(long n) { return "record " + std::to_string(n); }

} // namespace

char initial_letter(std::string_view name)
{
    std::string bad;
    // only the first character matters: a later character outside the wire set (Nguyễn) must not
    // stop the initial from being found
    std::string const trimmed = trim_blanks(name);
    std::size_t first_len = trimmed.empty() ? 0 : 1;
    while (first_len < trimmed.size() && (static_cast<unsigned char>(trimmed[first_len]) & 0xC0) == 0x80) {
        ++first_len;
    }
    auto const wire = to_wire_text(std::string_view{trimmed}.substr(0, first_len), true, bad);
    if (!wire || wire->empty()) {
        throw validation_error{"name '" + std::string{name} + "' has no initial letter"};
    }
    auto const c = static_cast<unsigned char>((*wire)[0]);
    if (c >= 'A' && c <= 'Z') {
        return static_cast<char>(c);
    }
    // Upper-case Latin-1 letters -> base letter (Ä -> A, Ü -> U, É -> E, Ç -> C, Ø -> O ...)
    if (c >= 0xC0 && c <= 0xC5) return 'A';
    if (c == 0xC6) return 'A';
    if (c == 0xC7) return 'C';
    if (c >= 0xC8 && c <= 0xCB) return 'E';
    if (c >= 0xCC && c <= 0xCF) return 'I';
    if (c == 0xD0) return 'D';
    if (c == 0xD1) return 'N';
    if ((c >= 0xD2 && c <= 0xD6) || c == 0xD8) return 'O';
    if (c >= 0xD9 && c <= 0xDC) return 'U';
    if (c == 0xDD) return 'Y';
    if (c == 0xDE) return 'T';
    throw validation_error{"name '" + std::string{name} + "' does not start with a Latin letter"};
}

std::string date_digits_ddmmyy(date_t d)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d%02d%02d", static_cast<int>(d.day()), static_cast<int>(d.month()),
                  static_cast<int>(d.year() % 100));
    return buf;
}

std::string trim_blanks(std::string_view s)
{
    auto const b = s.find_first_not_of(' ');
    if (b == std::string_view::npos) {
        return {};
    }
    auto const e = s.find_last_not_of(' ');
    return std::string{s.substr(b, e - b + 1)};
}

namespace {

/// An Erkennungszeichen must be non-personal and survive upper-casing and transliteration: 1-52
/// characters of A-Z 0-9 - / . _ ; returns the reason when not, else "".
std::string check_reference(std::string_view ref)
{
    if (ref.empty() || ref.size() > 52) {
        return "Erkennungszeichen must have 1 to 52 characters";
    }
    for (char const c : ref) {
        bool const ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '/' || c == '.' || c == '_';
        if (!ok) {
            return "Erkennungszeichen '" + std::string{ref} + "' may hold only A-Z 0-9 - / . _";
        }
    }
    return {};
}

} // namespace

void check_record_reference(std::string const &ref, std::set<std::string> &seen, std::string const &file_name,
                            long number)
{
    if (auto const why = check_reference(ref); !why.empty()) {
        throw input_error{{file_name, number, "record " + std::to_string(number), "ZE"}, why};
    }
    if (!seen.insert(ref).second) {
        throw input_error{{file_name, number, "record " + std::to_string(number), "ZE"},
                          "Erkennungszeichen '" + ref + "' appears twice"};
    }
}

void repeat_header_fields(record_layout_t const &layout, field_values_t &v, std::string const &office_id,
                          std::string const &receiver_id, date_t created)
{
    for (auto const &f : layout.fields) {
        if (auto const *r = f.find(rule_t::kind_t::header_equal)) {
            if (r->field == "ADNR") v[f.id] = office_id;
            if (r->field == "EPNR") v[f.id] = receiver_id;
            if (r->field == "ED") v[f.id] = created;
        }
    }
}

void check_answer_mapping(layout_family_t const &family)
{
    static std::mutex mutex;
    static std::set<layout_family_t const *> checked;
    std::lock_guard const lock{mutex};
    if (checked.contains(&family)) {
        return;
    }
    auto const &kinds = kinds_of(family.procedure);
    if (kinds.empty()) {
        throw config_error{"layout family " + family.name + ": procedure '" + family.procedure + "' has no mapper"};
    }
    for (auto const &id : record_ids_of(family.procedure)) {
        if (family.answer.field(id) == nullptr) {
            throw config_error{"layout " + family.answer.origin + ": the mapper needs a field " + id};
        }
    }
    for (auto const &b : family.answer.blocks) {
        auto const it = kinds.find(b.attribute("kind"));
        if (it == kinds.end()) {
            throw config_error{"layout " + family.answer.origin + ": block " + b.key + " has kind '" +
                               b.attribute("kind") + "', which the " + family.procedure + " mapper does not know"};
        }
        for (auto const &id : it->second) {
            if (b.field(id) == nullptr) {
                throw config_error{"layout " + family.answer.origin + ": block " + b.key + " (" + it->first +
                                   ") lacks the field " + id};
            }
        }
    }
    checked.insert(&family);
}

void check_addressee(layout_family_t const &family, std::string_view content, std::string const &file_name,
                     std::string const &office_id)
{
    auto end = content.find('\n');
    auto first = content.substr(0, end == std::string_view::npos ? content.size() : end);
    if (!first.empty() && first.back() == '\r') {
        first.remove_suffix(1);
    }
    decoded_record_t header;
    try {
        header = decode_record(family.header, first, {file_name, 1});
    } catch (input_error const &) {
        return; // the file reader reports the broken Vorlaufsatz
    }
    auto const receiver = trim_blanks(header.fields.text("EPNR"));
    if (receiver != office_id) {
        throw input_error{{file_name, 1, location_record(1), "EPNR"},
                          "file is addressed to another office ('" + receiver + "'; this office is " + office_id + ")"};
    }
}

answer_common_t map_answer_common(decoded_record_t const &rec, std::string const &office_id,
                                  std::function<bool(std::string const &)> const &is_known_reference,
                                  std::string const &file_name)
{
    auto const fail = [&](std::string const &field, std::string const &reason) {
        throw input_error{{file_name, rec.number, location_record(rec.number), field}, reason};
    };
    auto const &f = rec.fields;
    if (trim_blanks(f.text("EPNR")) != office_id) {
        fail("EPNR", "record is addressed to another office ('" + f.text("EPNR") + "'; this office is " + office_id + ")");
    }
    if (f.text("GEMSC") != office_id) {
        fail("GEMSC", "record belongs to another office ('" + f.text("GEMSC") + "'; this office is " + office_id + ")");
    }
    answer_common_t out;
    out.reference = f.text("ZE");
    if (out.reference.empty()) {
        fail("ZE", "answer without Erkennungszeichen cannot be assigned to a person");
    }
    if (is_known_reference && !is_known_reference(out.reference)) {
        fail("ZE", "Erkennungszeichen '" + out.reference + "' is not known for this run");
    }
    out.error_flag = static_cast<int>(f.number("FEKZ"));
    out.error_flag_label = f.label("FEKZ");
    long errors = 0;
    for (auto const &b : rec.blocks) {
        errors += b.spec->attribute("kind") == "error" ? 1 : 0;
    }
    long const announced = f.number("ANZFE");
    if (out.error_flag == 1 && announced < 1) {
        fail("ANZFE", "FEKZ 1 (error) needs at least one error number");
    }
    if (announced != errors) {
        fail("ANZFE", "Anzahl der Fehlernummern is " + std::to_string(announced) + ", the record carries " +
                          std::to_string(errors) + " error blocks");
    }
    return out;
}

std::optional<match118_hit_t> map_block(decoded_block_t const &block)
{
    auto const &f = block.fields;
    auto const &kind = block.spec->attribute("kind");
    match118_hit_t h;
    h.kind = kind;
    h.agency = block.spec->attribute("agency");
    h.block = block.key;
    h.fields = f.items();
    auto const basis = [&](std::string const &b) {
        if (b == "monthly") return amount_basis_t::monthly;
        if (b == "weekly") return amount_basis_t::weekly;
        if (b == "once") return amount_basis_t::once;
        if (b == "yearly") return amount_basis_t::yearly;
        return amount_basis_t::none;
    };
    h.basis = basis(block.spec->attribute("basis"));
    // monthly_if=FIELD:VALUE switches a weekly basis to monthly (BA Übergangsgeld).
    if (auto const m = block.spec->attribute("monthly_if"); !m.empty()) {
        auto const colon = m.find(':');
        if (colon != std::string::npos && f.text(m.substr(0, colon)) == m.substr(colon + 1)) {
            h.basis = amount_basis_t::monthly;
        }
    }
    auto const pension_ids = [&] {
        h.code = f.text("RTAT");
        h.code_label = f.label("RTAT");
        h.area_number = f.text("PABN");
    };
    auto const vsnr_ids = [&] {
        h.vsnr = f.text("VSNR");
        h.payment_ref = f.text("VSNR") + f.text("BSNR") + f.text("ZANR");
    };
    auto const postcode = [&](char const *id) { return f.is_zero(id) ? std::string{} : f.text(id); };
    if (kind == "pension_running" || kind == "pension_one_off") {
        h.source = hit_source_t::pension;
        pension_ids();
        vsnr_ids();
    } else if (kind == "accident_running" || kind == "accident_one_off" || kind == "accident_no_amount") {
        h.source = hit_source_t::accident_insurance;
        if (kind != "accident_no_amount") {
            pension_ids();
        } else {
            h.area_number = f.text("PABN");
        }
        h.reference = f.text("AZ");
    } else if (kind == "employment_agency") {
        if (f.is_zero("LEAT")) {
            return std::nullopt; // "keine Zeiten": the agency reports nothing
        }
        h.source = hit_source_t::employment_agency;
        h.code = f.text("LEAT");
        h.code_label = f.label("LEAT");
        h.party_postcode = f.text("AGPLZ");
        h.party_city = f.text("AGORT");
        h.reference = f.text("ORDBG");
        h.period = f.period("LEZR");
        h.amount = f.amount("LEBT");
        h.offset_amount = f.amount("ANBT");
    } else if (kind == "employment_minor" || kind == "employment_insured") {
        h.source = hit_source_t::employment;
        h.period = f.period("VNBS");
        h.party_id = f.text("BBNR");
        h.party_name = f.text("NABE1") + (f.text("NABE2").empty() ? "" : ", " + f.text("NABE2"));
        h.party_street = f.text("SE");
        h.party_postcode = postcode("PLZL");
        h.party_city = f.text("OT");
    } else if (kind == "other_welfare_office") {
        h.source = hit_source_t::other_welfare_office;
        h.period = f.period("VNBS");
        h.party_id = f.text("GEMSC");
        h.party_name = f.text("NA");
        h.reference = f.text("ZA");
    } else if (kind == "interest") {
        h.source = hit_source_t::interest;
        h.party_id = f.text("BLZ");
        h.party_name = f.text("KINAME");
        h.party_postcode = postcode("KIPLZ");
        h.party_city = f.text("KISITZ");
        h.amount = f.amount("ZINS");
        h.currency = f.label("WAE");
        h.year = static_cast<int>(f.number("JA"));
    } else if (kind == "error") {
        h.source = hit_source_t::error;
        h.error_field = static_cast<int>(f.number("FEFNR"));
        h.error_number = static_cast<int>(f.number("FEENR"));
    }
    if (block.spec->field("VNBS") != nullptr && !h.period) {
        h.period = f.period("VNBS");
    }
    if (block.spec->field("RTBT") != nullptr) {
        h.amount = f.amount("RTBT");
    }
    if (block.spec->field("AITG") != nullptr) {
        h.date = f.date("AITG");
    }
    if (h.amount && h.currency.empty()) {
        h.currency = "EUR";
    }
    return h;
}

std::string read_exchange_bytes(std::string const &path)
{
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        throw error_t{"cannot read " + path};
    }
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) {
        throw error_t{"error reading " + path};
    }
    return s.str();
}

} // namespace sozbatch::exchange
