// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/exchange/match118.hpp"

#include "formats/exchange/mapping.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/error.hpp"

#include <cstdio>
#include <map>
#include <set>
#include <tuple>

namespace sozbatch::exchange {

namespace {

std::string const &match118_family_checked(std::string const &name, layout_family_t const *&out)
{
    out = &family(name);
    if (out->procedure != "match118") {
        throw config_error{"layout family " + name + " is for procedure " + out->procedure + ", not match118"};
    }
    check_answer_mapping(*out);
    return name;
}

std::string sex_label(sex_t s)
{
    switch (s) {
    case sex_t::male:
        return "male";
    case sex_t::female:
        return "female";
    case sex_t::diverse:
        return "diverse";
    case sex_t::unknown:
        break;
    }
    return "unknown";
}

} // namespace

std::string interim_vsnr(date_t birth, std::string_view name, sex_t sex, int serial_in_group)
{
    char const letter = initial_letter(name);
    if (serial_in_group < 0 || serial_in_group > 499) {
        throw validation_error{"Interims-Versicherungsnummer: more than 500 persons share birth date, letter and sex"};
    }
    int const serial = (sex == sex_t::male ? 0 : 500) + serial_in_group;
    char buf[32];
    std::snprintf(buf, sizeof buf, "71%02d%02d%02d%c%03d", static_cast<int>(birth.day()),
                  static_cast<int>(birth.month()), static_cast<int>(birth.year() % 100), letter, serial);
    return buf;
}

request_file_t build_match118_request(match118_request_t const &request, bool skip_invalid)
{
    layout_family_t const *fam = nullptr;
    match118_family_checked(request.family, fam);
    record_layout_t const &layout = fam->request;
    std::string const file_name = "match118 request " + std::to_string(request.file_number);

    request_file_t out;
    std::vector<record_values_t> records;
    std::map<std::tuple<std::string, char, bool>, int> serials;
    std::set<std::string> references;
    for (auto const &p : request.persons) {
        long const number = static_cast<long>(records.size()) + 2;
        try {
            field_values_t v;
            auto const put = [&](char const *id, value_t value) {
                if (layout.field(id) != nullptr) {
                    v[id] = std::move(value);
                }
            };
            std::string const letter_name = p.birth_name.empty() ? p.family_name : p.birth_name;
            std::tuple<std::string, char, bool> group;
            if (layout.field("ITVSNR") != nullptr) {
                char letter = 0;
                try {
                    letter = initial_letter(letter_name);
                } catch (validation_error const &e) {
                    throw input_error{{file_name, number, "record " + std::to_string(number), "ITVSNR"}, e.what()};
                }
                group = {date_digits_ddmmyy(p.birth_date), letter, p.sex == sex_t::male};
                put("ITVSNR", interim_vsnr(p.birth_date, letter_name, p.sex, serials[group]));
            }
            put("GEMSC", request.office_id);
            if (p.vsnr) {
                for (char const *id : {"VSNR", "VSNRZH"}) {
                    auto const *f = layout.field(id);
                    if (f != nullptr && f->presence != presence_t::not_by_sender) {
                        v[id] = *p.vsnr;
                    }
                }
            }
            if (!p.nationality.empty()) {
                put("SA", p.nationality);
            }
            put("GBDT", p.birth_date);
            if (auto const *ge = layout.field("GE")) {
                if (auto const code = ge->code_of(sex_label(p.sex))) {
                    v["GE"] = *code; // a sex the code list lacks (2004: divers) is left blank
                }
            }
            put("NA", p.family_name);
            put("VONA", p.first_name);
            put("VOSZWT", p.name_prefix);
            if (p.birth_name != p.family_name) {
                put("GBNA", p.birth_name);
            }
            put("GBOT", p.birth_place);
            if (p.address) {
                put("PLZL", p.address->postcode);
                put("WHOT", p.address->city);
                put("SE", p.address->street);
                put("HNR", p.address->house_number);
            }
            put("LZR", p.benefit_period);
            put("ZE", p.reference);
            check_record_reference(p.reference, references, file_name, number);
            repeat_header_fields(layout, v, request.office_id, request.receiver_id, request.created);
            (void)encode_record(layout, {v, {}}, {file_name, number});
            if (layout.field("ITVSNR") != nullptr) {
                ++serials[group];
            }
            records.push_back({std::move(v), {}});
        } catch (input_error const &e) {
            if (!skip_invalid) {
                throw input_error{{file_name, 0, "person '" + p.reference + "'", e.where().field}, e.reason()};
            }
            out.rejected.push_back({p.reference, e.where().field, e.reason()});
        }
    }
    file_header_t header;
    header.sender = request.office_id;
    header.receiver = request.receiver_id;
    header.created = request.created;
    header.file_number = request.file_number;
    header.sender_name = request.office_name;
    out.content = encode_exchange_file(*fam, direction_t::request, header, records, file_name);
    out.records = records.size();
    return out;
}

written_file_t publish_request_file(std::string const &path, request_file_t built,
                                    std::vector<std::pair<std::string, std::string>> const &describing)
{
    atomic_file_t file{path};
    file.write(built.content);
    written_file_t out;
    out.path = path;
    out.sha256 = file.commit();
    out.records = built.records;
    out.bytes = built.content.size();
    out.rejected = std::move(built.rejected);
    manifest_t m;
    for (auto const &[k, v] : describing) {
        m.add(k, v);
    }
    m.add("records", std::to_string(out.records));
    m.add("rejected", std::to_string(out.rejected.size()));
    m.add("bytes", std::to_string(out.bytes));
    m.add("sha256", out.sha256);
    m.write_beside(path);
    return out;
}

written_file_t write_match118_request(std::string const &path, match118_request_t const &request, bool skip_invalid)
{
    return publish_request_file(path, build_match118_request(request, skip_invalid),
                                {{"procedure", "match118"},
                                 {"direction", "request"},
                                 {"layout_family", request.family},
                                 {"layout_status", family(request.family).status},
                                 {"sender", request.office_id},
                                 {"receiver", request.receiver_id},
                                 {"created", to_iso(request.created)},
                                 {"file_number", std::to_string(request.file_number)}});
}

std::string to_string(hit_source_t s)
{
    switch (s) {
    case hit_source_t::pension:
        return "pension";
    case hit_source_t::accident_insurance:
        return "accident_insurance";
    case hit_source_t::employment_agency:
        return "employment_agency";
    case hit_source_t::employment:
        return "employment";
    case hit_source_t::other_welfare_office:
        return "other_welfare_office";
    case hit_source_t::interest:
        return "interest";
    case hit_source_t::error:
        break;
    }
    return "error";
}

std::string to_string(amount_basis_t b)
{
    switch (b) {
    case amount_basis_t::monthly:
        return "monthly";
    case amount_basis_t::weekly:
        return "weekly";
    case amount_basis_t::once:
        return "once";
    case amount_basis_t::yearly:
        return "yearly";
    case amount_basis_t::none:
        break;
    }
    return "none";
}

bool match118_answer_t::has_findings() const
{
    for (auto const &h : hits) {
        if (h.source != hit_source_t::error) {
            return true;
        }
    }
    return false;
}

match118_answer_file_t parse_match118_answer(std::string_view content, std::string const &file_name,
                                             match118_read_options_t const &options)
{
    layout_family_t const *fam = nullptr;
    match118_family_checked(options.family, fam);
    if (options.office_id.empty()) {
        throw config_error{"match118 import: the office id (Gemeinde-/Kreisschlüssel) is not configured"};
    }
    check_addressee(*fam, content, file_name, options.office_id);
    auto file = read_exchange_file(*fam, direction_t::answer, content, file_name, {options.accept_valid_records});

    match118_answer_file_t out;
    out.file = file_name;
    out.family = fam->name;
    out.sender = trim_blanks(file.header.fields.text("ADNR"));
    out.receiver = trim_blanks(file.header.fields.text("EPNR"));
    out.created = file.header.fields.date("ED").value_or(date_t{1970, 1, 1});
    out.file_number = file.header.fields.number("DTNR");
    out.rejected = std::move(file.rejected);

    for (auto const &rec : file.records) {
        try {
            auto const common = map_answer_common(rec, options.office_id, options.is_known_reference, file_name);
            match118_answer_t a;
            a.record = rec.number;
            a.reference = common.reference;
            a.error_flag = common.error_flag;
            a.error_flag_label = common.error_flag_label;
            auto const &f = rec.fields;
            if (!f.text("VSNRZH").empty()) {
                a.vsnr = f.text("VSNRZH");
            }
            a.comparison_period = f.period("AZR");
            if (options.expected_period && a.comparison_period != options.expected_period) {
                throw input_error{{file_name, rec.number, "record " + std::to_string(rec.number), "AZR"},
                                  "Abgleichszeitraum " +
                                      (a.comparison_period ? a.comparison_period->to_string() : std::string{"-"}) +
                                      " is not the quarter of this run (" + options.expected_period->to_string() + ")"};
            }
            for (auto const &b : rec.blocks) {
                if (auto hit = map_block(b)) {
                    a.hits.push_back(std::move(*hit));
                }
            }
            out.answers.push_back(std::move(a));
        } catch (input_error const &e) {
            if (!options.accept_valid_records) {
                throw;
            }
            out.rejected.push_back({e.where(), e.reason()});
        }
    }
    return out;
}

match118_answer_file_t read_match118_answer(std::string const &path, match118_read_options_t const &options)
{
    return parse_match118_answer(read_exchange_bytes(path), path, options);
}

} // namespace sozbatch::exchange
