// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/exchange/pension151.hpp"

#include "formats/exchange/mapping.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/error.hpp"

#include <set>

namespace sozbatch::exchange {

namespace {

layout_family_t const &pension151_family(std::string const &name)
{
    auto const &fam = family(name);
    if (fam.procedure != "pension151") {
        throw config_error{"layout family " + name + " is for procedure " + fam.procedure + ", not pension151"};
    }
    check_answer_mapping(fam);
    return fam;
}

} // namespace

request_file_t build_pension151_query(pension151_request_t const &request, bool skip_invalid)
{
    auto const &fam = pension151_family(request.family);
    record_layout_t const &layout = fam.request;
    std::string const file_name = "pension151 query " + std::to_string(request.file_number);
    request_file_t out;
    std::vector<record_values_t> records;
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
            put("VSNR", p.vsnr);
            put("GEMSC", request.office_id);
            put("GBDT", p.birth_date);
            put("NA", p.family_name);
            put("VONA", p.first_name);
            put("VOSZWT", p.name_prefix);
            if (p.birth_name != p.family_name) {
                put("GBNA", p.birth_name);
            }
            put("STTG", request.key_date);
            put("ZE", p.reference);
            check_record_reference(p.reference, references, file_name, number);
            repeat_header_fields(layout, v, request.office_id, request.receiver_id, request.created);
            (void)encode_record(layout, {v, {}}, {file_name, number});
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
    out.content = encode_exchange_file(fam, direction_t::request, header, records, file_name);
    out.records = records.size();
    return out;
}

written_file_t write_pension151_query(std::string const &path, pension151_request_t const &request, bool skip_invalid)
{
    return publish_request_file(path, build_pension151_query(request, skip_invalid),
                                {{"procedure", "pension151"},
                                 {"direction", "request"},
                                 {"layout_family", request.family},
                                 {"layout_status", family(request.family).status},
                                 {"sender", request.office_id},
                                 {"receiver", request.receiver_id},
                                 {"created", to_iso(request.created)},
                                 {"key_date", to_iso(request.key_date)},
                                 {"file_number", std::to_string(request.file_number)}});
}

pension151_answer_file_t parse_pension151_answer(std::string_view content, std::string const &file_name,
                                                 pension151_read_options_t const &options)
{
    auto const &fam = pension151_family(options.family);
    if (options.office_id.empty()) {
        throw config_error{"pension151 import: the office id (Gemeinde-/Kreisschlüssel) is not configured"};
    }
    check_addressee(fam, content, file_name, options.office_id);
    auto file = read_exchange_file(fam, direction_t::answer, content, file_name, {options.accept_valid_records});
    pension151_answer_file_t out;
    out.file = file_name;
    out.family = fam.name;
    out.sender = trim_blanks(file.header.fields.text("ADNR"));
    out.receiver = trim_blanks(file.header.fields.text("EPNR"));
    out.created = file.header.fields.date("ED").value_or(date_t{1970, 1, 1});
    out.file_number = file.header.fields.number("DTNR");
    out.rejected = std::move(file.rejected);
    for (auto const &rec : file.records) {
        try {
            auto const common = map_answer_common(rec, options.office_id, options.is_known_reference, file_name);
            pension151_answer_t a;
            a.record = rec.number;
            a.reference = common.reference;
            a.status = common.error_flag;
            a.status_label = common.error_flag_label;
            a.vsnr = rec.fields.text("VSNR");
            a.key_date = rec.fields.date("STTG");
            for (auto const &b : rec.blocks) {
                auto const &f = b.fields;
                auto const &kind = b.spec->attribute("kind");
                if (kind == "pension_running") {
                    pension151_payment_t p;
                    p.pension_type = f.text("RTAT");
                    p.pension_type_label = f.label("RTAT");
                    p.area_number = f.text("PABN");
                    p.vsnr = f.text("VSNR");
                    p.payment_ref = f.text("VSNR") + f.text("BSNR") + f.text("ZANR");
                    p.valid_from = f.date("GLAB").value_or(date_t{1970, 1, 1});
                    p.valid_to = f.date("GLBI");
                    p.monthly_amount = f.amount("RTBT").value_or(money_t{});
                    p.change_reason = f.text("AEGR");
                    p.change_reason_label = f.label("AEGR");
                    if (p.valid_to && *p.valid_to < p.valid_from) {
                        throw input_error{{file_name, rec.number, "record " + std::to_string(rec.number),
                                           b.key + ".GLBI"},
                                          "payment ends before it starts"};
                    }
                    a.payments.push_back(std::move(p));
                } else if (kind == "payee") {
                    pension151_payee_t p;
                    p.role = f.text("ARTZE");
                    p.role_label = f.label("ARTZE");
                    p.name = f.text("NA");
                    p.first_name = f.text("VONA");
                    p.postcode = f.is_zero("PLZL") ? std::string{} : f.text("PLZL");
                    p.city = f.text("OT");
                    p.since = f.date("GLAB");
                    a.payees.push_back(std::move(p));
                } else if (kind == "death") {
                    a.death_date = f.date("STDT");
                } else if (kind == "error") {
                    a.errors.emplace_back(static_cast<int>(f.number("FEFNR")), static_cast<int>(f.number("FEENR")));
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

pension151_answer_file_t read_pension151_answer(std::string const &path, pension151_read_options_t const &options)
{
    return parse_pension151_answer(read_exchange_bytes(path), path, options);
}

} // namespace sozbatch::exchange
