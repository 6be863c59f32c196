// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/bank_import_job.hpp"

#include "formats/sepa/camt054_reader.hpp"
#include "formats/sepa/pain002_reader.hpp"
#include "lib/core/log.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/payment_store.hpp"
#include "lib/db/run_lock.hpp"

#include <fstream>
#include <ostream>
#include <set>

namespace sozbatch::jobs {

namespace {

/// Return reasons that stop further payments to the payee until a caseworker has reviewed the case.
bool stops_payments(std::string const &code) { return code == "MD07"; }

std::string sniff(std::string const &path)
{
    std::ifstream in{path, std::ios::binary};
    if (!in) {
        throw input_error{{path, 0, "", ""}, "cannot read the file"};
    }
    std::string head(8192, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (head.find(sepa::PAIN002_NAMESPACE) != std::string::npos) {
        return "pain.002";
    }
    if (head.find(sepa::CAMT054_NAMESPACE) != std::string::npos) {
        return "camt.054";
    }
    throw input_error{{path, 1, "Document", "xmlns"},
                      "not a bank message sozbatch reads: expected pain.002.001.10 or camt.054.001.08"};
}

} // namespace

void bank_import_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("file", po::value(&m_file), "a pain.002.001.10 or camt.054.001.08 file from the bank");
    p.add("file", 1);
}

void bank_import_job_t::setup(po::variables_map const &)
{
    if (m_file.empty()) {
        throw usage_error{"bank import needs a FILE"};
    }
}

exit_code_t bank_import_job_t::run(job_context_t &ctx)
{
    // read and check the whole file before anything is changed
    std::string const kind = sniff(m_file);
    std::optional<sepa::pain002_report_t> p002;
    std::optional<sepa::camt054_notification_t> c054;
    if (kind == "pain.002") {
        p002 = sepa::read_pain002(m_file);
    } else {
        c054 = sepa::read_camt054(m_file);
    }
    std::string const sha = sha256_file(m_file);
    long long const tenant = ctx.tenant_id();
    auto &db = ctx.db();
    db::run_lock_t const lock{db, tenant, "bank-import"};
    db::payment_store_t store{db};
    auto &o = ctx.out();
    std::string const msg_id = p002 ? p002->msg_id : c054->msg_id;
    if (store.bank_message_known(tenant, sha)) {
        o << kind << " " << msg_id << " (sha256 " << sha << ") was imported before: nothing changed\n";
        return ctx.result();
    }
    std::vector<db::bank_event_t> events;
    std::vector<std::pair<long long, std::string>> stops;
    std::set<std::string> seen;
    auto add = [&](std::string const &e2e, std::string const &status, std::string const &reason, money_t amount) {
        db::bank_event_t ev;
        ev.end_to_end_id = e2e;
        ev.reason_code = reason;
        ev.amount = amount;
        auto const order = store.order_by_e2e(tenant, e2e);
        if (!order) {
            ev.status = "unmatched";
        } else {
            ev.payment_order_id = order->id;
            ev.status = status;
            if (status == "returned" && stops_payments(reason) && seen.insert(e2e).second) {
                stops.emplace_back(order->id, reason);
            }
        }
        events.push_back(ev);
    };
    if (p002) {
        if (p002->whole_file_rejected()) {
            auto const orders = store.orders_of_msg(tenant, p002->original_msg_id);
            for (auto const &x : orders) {
                add(x.end_to_end_id, "rejected", p002->group_reason_code, x.amount);
            }
            if (orders.empty()) {
                add(p002->original_msg_id, "unmatched", p002->group_reason_code, money_t{});
            }
        }
        for (auto const &t : p002->transactions) {
            std::string const status = t.status == "RJCT" ? "rejected" : "status " + t.status;
            add(t.original_end_to_end_id, status, t.reason_code, t.amount.value_or(money_t{}));
        }
    } else {
        for (auto const &e : c054->entries) {
            if (e.is_return()) {
                add(e.end_to_end_id, "returned", e.return_reason, e.amount);
            }
        }
    }
    store.record_bank_message(tenant, sha, kind, msg_id, m_file, ctx.now_iso(), events, stops);
    long long matched = 0, unmatched = 0;
    for (auto const &e : events) {
        (e.payment_order_id ? matched : unmatched) += 1;
    }
    log_info(kv("event", "bank-import") + " " + kv("kind", kind) + " " + kv("msg", msg_id) + " " +
             kv("matched", std::to_string(matched)) + " " + kv("unmatched", std::to_string(unmatched)));
    o << kind << " " << msg_id << " imported: " << events.size() << " transaction(s), matched " << matched
      << ", unmatched " << unmatched << "\n";
    for (auto const &e : events) {
        if (!e.payment_order_id) {
            o << "  unmatched  " << e.end_to_end_id << "  " << e.reason_code << "  (no payment order of ours)\n";
            continue;
        }
        auto const order = store.order_by_e2e(tenant, e.end_to_end_id);
        o << "  " << e.status << "  " << e.end_to_end_id << "  " << order->file_ref << "  " << order->payee_ext_id << "  "
          << e.amount.to_german() << "  " << e.reason_code << "  (order now " << order->state << ")\n";
    }
    for (auto const &[oid, code] : stops) {
        (void)oid;
        o << "  payment stop " << code << ": no further payments to this payee until a caseworker has reviewed the case\n";
    }
    return ctx.result();
}

exit_code_t bank_returns_job_t::run(job_context_t &ctx)
{
    long long const tenant = ctx.tenant_id();
    db::payment_store_t store{ctx.db()};
    auto &o = ctx.out();
    auto const list = store.returns(tenant);
    o << "rejected and returned payments: " << list.size() << "\n";
    for (auto const &r : list) {
        o << "  " << r.file_ref << "  " << r.month << "  " << r.payee_ext_id << "  " << r.creditor_name << "  "
          << r.amount.to_german() << "  " << r.state << " " << r.reason_code << "  " << r.end_to_end_id << "\n";
    }
    auto const stops = store.stops(tenant);
    o << "payment stops pending review: " << stops.size() << "\n";
    for (auto const &s : stops) {
        o << "  " << s.file_ref << "  " << s.payee_ext_id << "  " << s.reason_code << "  " << s.end_to_end_id << "  since "
          << s.created_at << "\n";
    }
    return ctx.result();
}

} // namespace sozbatch::jobs
