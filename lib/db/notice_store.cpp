// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/notice_store.hpp"

#include "lib/db/bulk.hpp"
#include "lib/db/result_lines.hpp"
#include "lib/db/row.hpp"

namespace sozbatch::db {

std::string notice_key(long long case_id, std::string const &kind, std::string const &event_ref)
{
    return std::to_string(case_id) + "|" + kind + "|" + event_ref;
}

long long notice_store_t::begin_run(long long tenant, month_t month, std::string const &now,
                                    std::string const &operator_name, bool forced, std::string const &force_reason)
{
    return guard(m_db, [&] {
        long long id = 0;
        std::string const m = month.to_string();
        int const f = forced ? 1 : 0;
        m_db.sql() << "INSERT INTO notice_runs (tenant_id, month, started_at, operator, forced, force_reason) "
                      "VALUES (:t, :m, :s, :o, :f, :r) RETURNING id",
            soci::into(id), soci::use(tenant), soci::use(m), soci::use(now), soci::use(operator_name), soci::use(f),
            soci::use(force_reason);
        return id;
    });
}

void notice_store_t::finish_run(long long run_id, long long documents, long long held, long long batches,
                                std::string const &now)
{
    guard(m_db, [&] {
        m_db.sql() << "UPDATE notice_runs SET ended_at = :e, documents = :d, held = :h, batches = :b WHERE id = :id",
            soci::use(now), soci::use(documents), soci::use(held), soci::use(batches), soci::use(run_id);
    });
}

long long notice_store_t::runs_for_month(long long tenant, month_t month)
{
    return guard(m_db, [&] {
        long long n = 0;
        std::string const m = month.to_string();
        m_db.sql() << "SELECT COUNT(*) FROM notice_runs WHERE tenant_id = :t AND month = :m", soci::into(n),
            soci::use(tenant), soci::use(m);
        return n;
    });
}

std::vector<notice_line_t> notice_store_t::lines(long long result_id)
{
    return guard(m_db, [&] {
        std::vector<notice_line_t> out;
        for (auto &r : read_result_lines(m_db, result_id)) {
            notice_line_t l;
            l.person_id = std::move(r.person_ext_id);
            l.kind = std::move(r.kind);
            l.cls = std::move(r.cls);
            l.legal_basis = std::move(r.legal_basis);
            l.segment_from = parse_date(r.segment_from);
            l.segment_to = parse_date(r.segment_to);
            l.monthly = money_t::cents(r.monthly_cents);
            l.amount = money_t::cents(r.amount_cents);
            l.note = std::move(r.note);
            out.push_back(std::move(l));
        }
        return out;
    });
}

std::vector<difference_row_t> notice_store_t::differences_of(long long tenant, month_t month,
                                                             std::vector<long long> const &case_ids)
{
    return guard(m_db, [&] {
        std::vector<difference_row_t> out;
        if (case_ids.empty()) {
            return out;
        }
        std::string const m = month.to_string();
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT d.id, d.case_id, c.file_ref, d.month, d.kind, d.paid_result_id, d.new_result_id, "
                                   "d.entitlement_delta_cents, d.payout_delta_cents FROM calc_differences d "
                                   "JOIN cases c ON c.id = d.case_id WHERE d.tenant_id = :t AND d.month <= :m "
                                   "AND d.case_id" + in_ids(m_db, case_ids) + " ORDER BY d.month, d.id",
             soci::use(tenant), soci::use(m));
        for (auto const &r : rs) {
            out.push_back(difference_row_t{int64(r, 0), int64(r, 1), text(r, 2), text(r, 3), text(r, 4), int64(r, 5),
                                           int64(r, 6), money_t::cents(int64(r, 7)), money_t::cents(int64(r, 8))});
        }
        return out;
    });
}

std::set<long long> notice_store_t::cases_with_results_before_of(long long tenant, month_t month,
                                                                 std::vector<long long> const &case_ids)
{
    return guard(m_db, [&] {
        std::set<long long> out;
        if (case_ids.empty()) {
            return out;
        }
        std::string const m = month.to_string();
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT DISTINCT case_id FROM calc_results WHERE " + unindexed("tenant_id") + " = :t AND month < :m "
                                   "AND case_id" + in_ids(m_db, case_ids),
             soci::use(tenant), soci::use(m));
        for (auto const &r : rs) {
            out.insert(int64(r, 0));
        }
        return out;
    });
}

std::set<std::string> notice_store_t::produced_keys_of(long long tenant, month_t month,
                                                       std::vector<long long> const &case_ids)
{
    return guard(m_db, [&] {
        std::set<std::string> out;
        if (case_ids.empty()) {
            return out;
        }
        std::string const m = month.to_string();
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT case_id, kind, event_ref FROM notices WHERE " + unindexed("tenant_id") + " = :t AND "
                                   "state = 'produced' AND (month = :m OR difference_id IS NOT NULL) AND case_id" +
                                       in_ids(m_db, case_ids),
             soci::use(tenant), soci::use(m));
        for (auto const &r : rs) {
            out.insert(notice_key(int64(r, 0), text(r, 1), text(r, 2)));
        }
        return out;
    });
}

long long notice_store_t::supersede(long long tenant, month_t month)
{
    return guard(m_db, [&] {
        write_transaction_t tr{m_db};
        std::string const m = month.to_string();
        long long n = 0, min_id = 0, max_id = 0;
        soci::indicator ind_min = soci::i_ok, ind_max = soci::i_ok;
        m_db.sql() << "SELECT COUNT(*), MIN(id), MAX(id) FROM notices WHERE tenant_id = :t AND month = :m AND "
                      "state = 'produced'",
            soci::into(n), soci::into(min_id, ind_min), soci::into(max_id, ind_max), soci::use(tenant), soci::use(m);
        constexpr long long SLICE = 10000;
        for (long long from = min_id - 1; n > 0 && ind_max == soci::i_ok && from < max_id; from += SLICE) {
            long long const to = from + SLICE;
            m_db.sql() << "UPDATE notices SET state = 'superseded' WHERE tenant_id = :t AND month = :m AND "
                          "state = 'produced' AND id > :a AND id <= :b",
                soci::use(tenant), soci::use(m), soci::use(from), soci::use(to);
        }
        tr.commit();
        return n;
    });
}

void notice_store_t::record(long long tenant, long long run_id, notice_record_t const &n, std::string const &now)
{
    guard(m_db, [&] {
        nullable_int_t result{n.calc_result_id};
        nullable_int_t diff{n.difference_id};
        m_db.sql() << "INSERT INTO notices (tenant_id, notice_run_id, case_id, month, kind, event, event_ref, "
                      "calc_result_id, difference_id, state, document_id, batch_id, pages, content_sha256, reason, "
                      "created_at) VALUES (:t, :run, :c, :m, :k, :e, :ref, :res, :diff, :s, :doc, :b, :p, :h, :why, :now)",
            soci::use(tenant), soci::use(run_id), soci::use(n.case_id), soci::use(n.month), soci::use(n.kind),
            soci::use(n.event), soci::use(n.event_ref), soci::use(result.value, result.ind),
            soci::use(diff.value, diff.ind), soci::use(n.state), soci::use(n.document_id), soci::use(n.batch_id),
            soci::use(n.pages), soci::use(n.content_sha256), soci::use(n.reason), soci::use(now);
    });
}

void notice_store_t::record_all(long long tenant, long long run_id, std::vector<notice_record_t> const &records,
                                std::string const &now)
{
    guard(m_db, [&] {
        bulk_rows_t rows{"notices",
                         {"tenant_id", "notice_run_id", "case_id", "month", "kind", "event", "event_ref", "calc_result_id",
                          "difference_id", "state", "document_id", "batch_id", "pages", "content_sha256", "reason",
                          "created_at"}};
        for (auto const &n : records) {
            rows.add(tenant).add(run_id).add(n.case_id).add(n.month).add(n.kind).add(n.event).add(n.event_ref);
            rows.add(n.calc_result_id).add(n.difference_id).add(n.state).add(n.document_id).add(n.batch_id);
            rows.add(static_cast<long long>(n.pages)).add(n.content_sha256).add(n.reason).add(now);
        }
        write_transaction_t tr{m_db};
        insert_rows(m_db, rows); // one statement (COPY on PostgreSQL), the write log as for single rows
        tr.commit();
    });
}

std::vector<notice_record_t> notice_store_t::notices(long long tenant, month_t month)
{
    return guard(m_db, [&] {
        std::vector<notice_record_t> out;
        std::string const m = month.to_string();
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << "SELECT n.case_id, c.file_ref, n.month, n.kind, n.event, n.event_ref, n.calc_result_id, "
                                   "n.difference_id, n.state, n.document_id, n.batch_id, n.pages, n.content_sha256, "
                                   "n.reason FROM notices n JOIN cases c ON c.id = n.case_id "
                                   "WHERE n.tenant_id = :t AND n.month = :m ORDER BY n.id",
             soci::use(tenant), soci::use(m));
        for (auto const &r : rs) {
            notice_record_t n;
            n.case_id = int64(r, 0);
            n.file_ref = text(r, 1);
            n.month = text(r, 2);
            n.kind = text(r, 3);
            n.event = text(r, 4);
            n.event_ref = text(r, 5);
            n.calc_result_id = opt_int64(r, 6);
            n.difference_id = opt_int64(r, 7);
            n.state = text(r, 8);
            n.document_id = text(r, 9);
            n.batch_id = text(r, 10);
            n.pages = static_cast<int>(int64(r, 11));
            n.content_sha256 = text(r, 12);
            n.reason = text(r, 13);
            out.push_back(std::move(n));
        }
        return out;
    });
}

} // namespace sozbatch::db
