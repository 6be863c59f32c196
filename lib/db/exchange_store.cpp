// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/exchange_store.hpp"

#include "lib/core/error.hpp"
#include "lib/db/row.hpp"

#include <algorithm>

#include <soci/soci.h>

namespace sozbatch::db {

namespace {

constexpr char const *RUN_COLUMNS =
    "id, procedure, period_label, CAST(period_from AS TEXT), CAST(period_to AS TEXT), file_number, file_name, sha256, "
    "persons, rejected, full_cohort, CAST(sent_at AS TEXT), sent_by, resend_reason";

exchange_run_t run_from_row(soci::row const &r)
{
    exchange_run_t x;
    x.id = int64(r, 0);
    x.procedure = text(r, 1);
    x.period_label = text(r, 2);
    x.period_from = text(r, 3).substr(0, 10);
    x.period_to = text(r, 4).substr(0, 10);
    x.file_number = int64(r, 5);
    x.file_name = text(r, 6);
    x.sha256 = text(r, 7);
    x.persons = int64(r, 8);
    x.rejected = int64(r, 9);
    x.full_cohort = int64(r, 10) != 0;
    x.sent_at = text(r, 11);
    x.sent_by = text(r, 12);
    x.resend_reason = text(r, 13);
    return x;
}

std::optional<std::string> opt_date(soci::row const &r, std::size_t i)
{
    auto v = opt_text(r, i);
    if (v) {
        *v = v->substr(0, 10);
    }
    return v;
}

constexpr char const *HIT_COLUMNS =
    "h.id, h.exchange_person_id, p.reference, p.file_ref, h.work_group, h.record_no, h.block, h.source, h.kind, "
    "h.agency, CAST(h.hit_from AS TEXT), CAST(h.hit_to AS TEXT), CAST(h.overlap_from AS TEXT), "
    "CAST(h.overlap_to AS TEXT), h.amount_cents, h.basis, h.party, h.detail, h.state, h.note, h.reviewed_by, "
    "CAST(h.reviewed_at AS TEXT)";

hit_row_t hit_from_row(soci::row const &r)
{
    hit_row_t h;
    h.id = int64(r, 0);
    h.exchange_person_id = int64(r, 1);
    h.reference = text(r, 2);
    h.file_ref = text(r, 3);
    h.work_group = text(r, 4);
    h.record_no = int64(r, 5);
    h.block = text(r, 6);
    h.source = text(r, 7);
    h.kind = text(r, 8);
    h.agency = text(r, 9);
    h.hit_from = opt_date(r, 10);
    h.hit_to = opt_date(r, 11);
    h.overlap_from = opt_date(r, 12);
    h.overlap_to = opt_date(r, 13);
    if (auto const c = opt_int64(r, 14)) {
        h.amount = money_t::cents(*c);
    }
    h.basis = text(r, 15);
    h.party = text(r, 16);
    h.detail = text(r, 17);
    h.state = text(r, 18);
    h.note = text(r, 19);
    h.reviewed_by = text(r, 20);
    h.reviewed_at = text(r, 21);
    return h;
}

constexpr char const *PROPOSAL_COLUMNS =
    "x.id, x.exchange_person_id, p.reference, p.file_ref, p.person_ext_id, x.work_group, x.record_no, "
    "x.pension_type, x.pension_label, CAST(x.valid_from AS TEXT), CAST(x.valid_to AS TEXT), x.monthly_cents, "
    "x.recorded_cents, x.differs, x.change_reason, x.payees, x.state, x.decided_by, CAST(x.decided_at AS TEXT), x.note";

proposal_row_t proposal_from_row(soci::row const &r)
{
    proposal_row_t x;
    x.id = int64(r, 0);
    x.exchange_person_id = int64(r, 1);
    x.reference = text(r, 2);
    x.file_ref = text(r, 3);
    x.person_ext_id = text(r, 4);
    x.work_group = text(r, 5);
    x.record_no = int64(r, 6);
    x.pension_type = text(r, 7);
    x.pension_label = text(r, 8);
    x.valid_from = text(r, 9).substr(0, 10);
    x.valid_to = opt_date(r, 10);
    x.monthly = money_t::cents(int64(r, 11));
    if (auto const c = opt_int64(r, 12)) {
        x.recorded = money_t::cents(*c);
    }
    x.differs = int64(r, 13) != 0;
    x.change_reason = text(r, 14);
    x.payees = int64(r, 15);
    x.state = text(r, 16);
    x.decided_by = text(r, 17);
    x.decided_at = text(r, 18);
    x.note = text(r, 19);
    return x;
}

bool visible(std::vector<std::string> const &groups, std::string const &g)
{
    return std::find(groups.begin(), groups.end(), g) != groups.end();
}

} // namespace

std::vector<exchange_run_t> exchange_store_t::runs(long long tenant, std::string const &procedure,
                                                   std::string const &period_label)
{
    return guard(m_db, [&] {
        std::vector<exchange_run_t> out;
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << std::string{"SELECT "} + RUN_COLUMNS +
                                       " FROM exchange_runs WHERE tenant_id = :t AND procedure = :p AND period_label = :l "
                                       "ORDER BY id",
             soci::use(tenant), soci::use(procedure), soci::use(period_label));
        for (auto const &r : rs) {
            out.push_back(run_from_row(r));
        }
        return out;
    });
}

long long exchange_store_t::next_file_number(long long tenant, std::string const &procedure)
{
    return guard(m_db, [&] {
        long long n = 0;
        m_db.sql() << "SELECT COALESCE(MAX(file_number), 0) FROM exchange_runs WHERE tenant_id = :t AND procedure = :p",
            soci::into(n), soci::use(tenant), soci::use(procedure);
        return n + 1;
    });
}

long long exchange_store_t::create_run(long long tenant, exchange_run_t const &run,
                                       std::vector<exchange_person_t> const &persons, std::function<void()> const &publish)
{
    return guard(m_db, [&] {
        soci::transaction tr{m_db.sql()};
        long long id = 0;
        int const full = run.full_cohort ? 1 : 0;
        m_db.sql() << "INSERT INTO exchange_runs (tenant_id, procedure, period_label, period_from, period_to, "
                      "file_number, file_name, sha256, persons, rejected, full_cohort, sent_at, sent_by, resend_reason) "
                      "VALUES (:t, :p, :l, :pf, :pt, :n, :f, :s, :pe, :r, :fc, :sa, :sb, :rr) RETURNING id",
            soci::use(tenant), soci::use(run.procedure), soci::use(run.period_label), soci::use(run.period_from),
            soci::use(run.period_to), soci::use(run.file_number), soci::use(run.file_name), soci::use(run.sha256),
            soci::use(run.persons), soci::use(run.rejected), soci::use(full), soci::use(run.sent_at),
            soci::use(run.sent_by), soci::use(run.resend_reason), soci::into(id);
        for (auto const &p : persons) {
            nullable_text_t to{p.benefit_to};
            m_db.sql() << "INSERT INTO exchange_persons (tenant_id, run_id, reference, person_ext_id, case_id, file_ref, "
                          "work_group, law, benefit_from, benefit_to) VALUES (:t, :r, :ref, :pe, :c, :f, :w, :l, :bf, :bt)",
                soci::use(tenant), soci::use(id), soci::use(p.reference), soci::use(p.person_ext_id),
                soci::use(p.case_id), soci::use(p.file_ref), soci::use(p.work_group), soci::use(p.law),
                soci::use(p.benefit_from), soci::use(to.value, to.ind);
        }
        publish();
        tr.commit();
        return id;
    });
}

std::optional<exchange_person_t> exchange_store_t::find_person(long long tenant, std::string const &procedure,
                                                               std::string const &reference)
{
    return guard(m_db, [&]() -> std::optional<exchange_person_t> {
        soci::row r;
        m_db.sql() << "SELECT p.id, p.run_id, p.reference, p.person_ext_id, p.case_id, p.file_ref, p.work_group, p.law, "
                      "CAST(p.benefit_from AS TEXT), CAST(p.benefit_to AS TEXT), x.procedure, x.period_label, "
                      "CAST(x.period_from AS TEXT), CAST(x.period_to AS TEXT) FROM exchange_persons p "
                      "JOIN exchange_runs x ON x.id = p.run_id WHERE p.tenant_id = :t AND x.procedure = :p "
                      "AND p.reference = :r",
            soci::into(r), soci::use(tenant), soci::use(procedure), soci::use(reference);
        if (!m_db.sql().got_data()) {
            return std::nullopt;
        }
        exchange_person_t p;
        p.id = int64(r, 0);
        p.run_id = int64(r, 1);
        p.reference = text(r, 2);
        p.person_ext_id = text(r, 3);
        p.case_id = int64(r, 4);
        p.file_ref = text(r, 5);
        p.work_group = text(r, 6);
        p.law = text(r, 7);
        p.benefit_from = text(r, 8).substr(0, 10);
        p.benefit_to = opt_date(r, 9);
        p.procedure = text(r, 10);
        p.period_label = text(r, 11);
        p.period_from = text(r, 12).substr(0, 10);
        p.period_to = text(r, 13).substr(0, 10);
        return p;
    });
}

bool exchange_store_t::answer_known(long long tenant, std::string const &procedure, std::string const &sha256)
{
    return guard(m_db, [&] {
        long long n = 0;
        m_db.sql() << "SELECT COUNT(*) FROM exchange_answer_files WHERE tenant_id = :t AND procedure = :p AND sha256 = :s",
            soci::into(n), soci::use(tenant), soci::use(procedure), soci::use(sha256);
        return n > 0;
    });
}

namespace {

long long insert_answer_file(soci::session &sql, long long tenant, answer_file_t const &f)
{
    long long id = 0;
    sql << "INSERT INTO exchange_answer_files (tenant_id, procedure, file_name, sha256, sender, file_number, records, "
           "rejected, imported_at, imported_by) VALUES (:t, :p, :f, :s, :se, :n, :r, :rj, :ia, :ib) RETURNING id",
        soci::use(tenant), soci::use(f.procedure), soci::use(f.file_name), soci::use(f.sha256), soci::use(f.sender),
        soci::use(f.file_number), soci::use(f.records), soci::use(f.rejected), soci::use(f.imported_at),
        soci::use(f.imported_by), soci::into(id);
    return id;
}

/// Marks the answered persons and deletes those without findings (§ 118 Abs. 1 Satz 3 SGB XII),
/// logging only the count.
void answered_and_deleted(soci::session &sql, long long tenant, long long file_id, answer_file_t const &f,
                          std::vector<long long> const &answered, std::vector<long long> const &deleted)
{
    for (auto const id : answered) {
        sql << "UPDATE exchange_persons SET answered_at = :a WHERE id = :i AND tenant_id = :t", soci::use(f.imported_at),
            soci::use(id), soci::use(tenant);
    }
    for (auto const id : deleted) {
        sql << "DELETE FROM exchange_persons WHERE id = :i AND tenant_id = :t", soci::use(id), soci::use(tenant);
    }
    long long const n = static_cast<long long>(deleted.size());
    std::string const basis = f.procedure == "match118" ? "§ 118 Abs. 1 Satz 3 SGB XII" : "§ 151 SGB VI (purpose fulfilled)";
    sql << "INSERT INTO exchange_deletions (tenant_id, answer_file_id, procedure, persons_deleted, legal_basis, "
           "deleted_at, deleted_by) VALUES (:t, :a, :p, :n, :b, :d, :by)",
        soci::use(tenant), soci::use(file_id), soci::use(f.procedure), soci::use(n), soci::use(basis),
        soci::use(f.imported_at), soci::use(f.imported_by);
}

} // namespace

long long exchange_store_t::store_match118_answer(long long tenant, answer_file_t const &file,
                                                  std::vector<hit_row_t> const &hits,
                                                  std::vector<long long> const &answered_person_ids,
                                                  std::vector<long long> const &delete_person_ids)
{
    return guard(m_db, [&] {
        soci::transaction tr{m_db.sql()};
        long long const file_id = insert_answer_file(m_db.sql(), tenant, file);
        for (auto const &h : hits) {
            nullable_text_t hf{h.hit_from}, ht{h.hit_to}, of{h.overlap_from}, ot{h.overlap_to};
            nullable_int_t amount{h.amount ? std::optional<long long>{h.amount->as_cents()} : std::nullopt};
            m_db.sql() << "INSERT INTO match118_hits (tenant_id, answer_file_id, exchange_person_id, case_id, work_group, "
                          "record_no, block, source, kind, agency, hit_from, hit_to, overlap_from, overlap_to, "
                          "amount_cents, basis, party, detail, state, created_at) SELECT :t, :a, p.id, p.case_id, "
                          "p.work_group, :rn, :b, :s, :k, :ag, :hf, :ht, :of, :ot, :am, :ba, :pa, :de, 'open', :c "
                          "FROM exchange_persons p WHERE p.id = :pid",
                soci::use(tenant), soci::use(file_id), soci::use(h.record_no), soci::use(h.block), soci::use(h.source),
                soci::use(h.kind), soci::use(h.agency), soci::use(hf.value, hf.ind), soci::use(ht.value, ht.ind),
                soci::use(of.value, of.ind), soci::use(ot.value, ot.ind), soci::use(amount.value, amount.ind),
                soci::use(h.basis), soci::use(h.party), soci::use(h.detail), soci::use(file.imported_at),
                soci::use(h.exchange_person_id);
        }
        answered_and_deleted(m_db.sql(), tenant, file_id, file, answered_person_ids, delete_person_ids);
        tr.commit();
        return file_id;
    });
}

long long exchange_store_t::store_pension151_answer(long long tenant, answer_file_t const &file,
                                                    std::vector<proposal_row_t> const &proposals,
                                                    std::vector<long long> const &answered_person_ids,
                                                    std::vector<long long> const &delete_person_ids)
{
    return guard(m_db, [&] {
        soci::transaction tr{m_db.sql()};
        long long const file_id = insert_answer_file(m_db.sql(), tenant, file);
        for (auto const &x : proposals) {
            nullable_text_t vt{x.valid_to};
            nullable_int_t rec{x.recorded ? std::optional<long long>{x.recorded->as_cents()} : std::nullopt};
            long long const monthly = x.monthly.as_cents();
            int const differs = x.differs ? 1 : 0;
            m_db.sql() << "INSERT INTO pension151_proposals (tenant_id, answer_file_id, exchange_person_id, case_id, "
                          "work_group, record_no, pension_type, pension_label, valid_from, valid_to, monthly_cents, "
                          "recorded_cents, differs, change_reason, payees, state, created_at) SELECT :t, :a, p.id, "
                          "p.case_id, p.work_group, :rn, :pt, :pl, :vf, :vt, :m, :rc, :d, :cr, :py, 'open', :c "
                          "FROM exchange_persons p WHERE p.id = :pid",
                soci::use(tenant), soci::use(file_id), soci::use(x.record_no), soci::use(x.pension_type),
                soci::use(x.pension_label), soci::use(x.valid_from), soci::use(vt.value, vt.ind), soci::use(monthly),
                soci::use(rec.value, rec.ind), soci::use(differs), soci::use(x.change_reason), soci::use(x.payees),
                soci::use(file.imported_at), soci::use(x.exchange_person_id);
        }
        answered_and_deleted(m_db.sql(), tenant, file_id, file, answered_person_ids, delete_person_ids);
        tr.commit();
        return file_id;
    });
}

std::vector<hit_row_t> exchange_store_t::hits(long long tenant, std::vector<std::string> const &work_groups,
                                              std::optional<std::string> const &state)
{
    return guard(m_db, [&] {
        std::vector<hit_row_t> out;
        soci::rowset<soci::row> rs = (m_db.sql().prepare << std::string{"SELECT "} + HIT_COLUMNS +
                                          " FROM match118_hits h JOIN exchange_persons p ON p.id = h.exchange_person_id "
                                          "WHERE h.tenant_id = :t ORDER BY h.id",
                                      soci::use(tenant));
        for (auto const &r : rs) {
            auto h = hit_from_row(r);
            if (visible(work_groups, h.work_group) && (!state || h.state == *state)) {
                out.push_back(std::move(h));
            }
        }
        return out;
    });
}

std::optional<hit_row_t> exchange_store_t::hit(long long tenant, long long id)
{
    return guard(m_db, [&]() -> std::optional<hit_row_t> {
        soci::row r;
        m_db.sql() << std::string{"SELECT "} + HIT_COLUMNS +
                          " FROM match118_hits h JOIN exchange_persons p ON p.id = h.exchange_person_id "
                          "WHERE h.tenant_id = :t AND h.id = :i",
            soci::into(r), soci::use(tenant), soci::use(id);
        if (!m_db.sql().got_data()) {
            return std::nullopt;
        }
        return hit_from_row(r);
    });
}

void exchange_store_t::review_hit(long long tenant, long long id, std::string const &state, std::string const &note,
                                  std::string const &by, std::string const &at)
{
    guard(m_db, [&] {
        m_db.sql() << "UPDATE match118_hits SET state = :s, note = :n, reviewed_by = :b, reviewed_at = :a "
                      "WHERE tenant_id = :t AND id = :i",
            soci::use(state), soci::use(note), soci::use(by), soci::use(at), soci::use(tenant), soci::use(id);
    });
}

std::vector<proposal_row_t> exchange_store_t::proposals(long long tenant, std::vector<std::string> const &work_groups,
                                                        std::optional<std::string> const &state)
{
    return guard(m_db, [&] {
        std::vector<proposal_row_t> out;
        soci::rowset<soci::row> rs =
            (m_db.sql().prepare << std::string{"SELECT "} + PROPOSAL_COLUMNS +
                                       " FROM pension151_proposals x JOIN exchange_persons p ON p.id = x.exchange_person_id "
                                       "WHERE x.tenant_id = :t ORDER BY x.id",
             soci::use(tenant));
        for (auto const &r : rs) {
            auto x = proposal_from_row(r);
            if (visible(work_groups, x.work_group) && (!state || x.state == *state)) {
                out.push_back(std::move(x));
            }
        }
        return out;
    });
}

std::optional<proposal_row_t> exchange_store_t::proposal(long long tenant, long long id)
{
    return guard(m_db, [&]() -> std::optional<proposal_row_t> {
        soci::row r;
        m_db.sql() << std::string{"SELECT "} + PROPOSAL_COLUMNS +
                          " FROM pension151_proposals x JOIN exchange_persons p ON p.id = x.exchange_person_id "
                          "WHERE x.tenant_id = :t AND x.id = :i",
            soci::into(r), soci::use(tenant), soci::use(id);
        if (!m_db.sql().got_data()) {
            return std::nullopt;
        }
        return proposal_from_row(r);
    });
}

void exchange_store_t::decide_proposal(long long tenant, long long id, std::string const &state,
                                       std::string const &note, std::string const &by, std::string const &at)
{
    guard(m_db, [&] {
        m_db.sql() << "UPDATE pension151_proposals SET state = :s, note = :n, decided_by = :b, decided_at = :a "
                      "WHERE tenant_id = :t AND id = :i",
            soci::use(state), soci::use(note), soci::use(by), soci::use(at), soci::use(tenant), soci::use(id);
    });
}

long long exchange_store_t::persons_deleted(long long tenant, std::string const &procedure)
{
    return guard(m_db, [&] {
        long long n = 0;
        m_db.sql() << "SELECT COALESCE(SUM(persons_deleted), 0) FROM exchange_deletions WHERE tenant_id = :t AND "
                      "procedure = :p",
            soci::into(n), soci::use(tenant), soci::use(procedure);
        return n;
    });
}

} // namespace sozbatch::db
