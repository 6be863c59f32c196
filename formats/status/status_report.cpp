// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/status/status_report.hpp"

#include "lib/core/json.hpp"


namespace sozbatch::formats {

std::string json_string(std::string_view s) { return sozbatch::json_string(s); }

namespace {

std::string null_or(std::string const &s) { return s.empty() ? std::string{"null"} : json_string(s); }

} // namespace

void write_status_json(std::ostream &o, db::status_t const &st)
{
    o << "{\"format\":\"sozbatch-status\",\"version\":1,\"tenant\":" << json_string(st.tenant)
      << ",\"schema_version\":" << st.schema_version << ",\"pending_releases\":" << st.pending_releases
      << ",\"held_orders\":" << st.held_orders << ",\"calc_runs\":[";
    for (std::size_t i = 0; i < st.calc_runs.size(); ++i) {
        auto const &r = st.calc_runs[i];
        o << (i ? "," : "") << "{\"month\":" << json_string(r.month) << ",\"started_at\":" << json_string(r.started_at)
          << ",\"ended_at\":" << null_or(r.ended_at) << ",\"operator\":" << json_string(r.operator_name)
          << ",\"cases\":" << r.cases << ",\"new_results\":" << r.new_results << ",\"failed\":" << r.failed
          << ",\"entitlement\":\"" << r.entitlement.to_sepa() << "\",\"payout\":\"" << r.payout.to_sepa() << "\"}";
    }
    o << "],\"payment_runs\":[";
    for (std::size_t i = 0; i < st.payment_runs.size(); ++i) {
        auto const &r = st.payment_runs[i];
        o << (i ? "," : "") << "{\"run\":" << json_string(r.run_ref) << ",\"month\":" << json_string(r.month)
          << ",\"state\":" << json_string(r.state) << ",\"orders\":" << r.orders << ",\"held\":" << r.held
          << ",\"total\":\"" << r.total.to_sepa() << "\",\"prepared_by\":" << json_string(r.prepared_by)
          << ",\"prepared_at\":" << json_string(r.prepared_at) << ",\"released_by\":" << null_or(r.released_by)
          << ",\"exported_at\":" << null_or(r.exported_at) << "}";
    }
    o << "],\"last_errors\":[";
    for (std::size_t i = 0; i < st.last_errors.size(); ++i) {
        auto const &e = st.last_errors[i];
        o << (i ? "," : "") << "{\"source\":" << json_string(e.source) << ",\"case\":" << json_string(e.file_ref)
          << ",\"reason\":" << json_string(e.reason) << "}";
    }
    o << "]}\n";
}

void write_status_text(std::ostream &o, db::status_t const &st)
{
    o << "tenant " << st.tenant << ", schema version " << st.schema_version << "\n"
      << "pending releases: " << st.pending_releases << ", held orders: " << st.held_orders << "\n\ncalculation runs:\n";
    if (st.calc_runs.empty()) {
        o << "  none\n";
    }
    for (auto const &r : st.calc_runs) {
        o << "  " << r.month << "  " << r.started_at << "  cases " << r.cases << "  failed " << r.failed << "  payout "
          << r.payout.to_german() << "  by " << r.operator_name << (r.ended_at.empty() ? "  (not finished)" : "") << "\n";
    }
    o << "payment runs:\n";
    if (st.payment_runs.empty()) {
        o << "  none\n";
    }
    for (auto const &r : st.payment_runs) {
        o << "  " << r.run_ref << "  " << r.month << "  " << r.state << "  orders " << r.orders << "  held " << r.held
          << "  total " << r.total.to_german() << "  prepared by " << r.prepared_by
          << (r.released_by.empty() ? "" : ", released by " + r.released_by) << "\n";
    }
    if (!st.last_errors.empty()) {
        o << "last errors:\n";
        for (auto const &e : st.last_errors) {
            o << "  " << e.source << "  " << e.file_ref << ": " << e.reason << "\n";
        }
    }
}

} // namespace sozbatch::formats
