// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/case_store.hpp"

#include "lib/core/error.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/bulk.hpp"
#include "lib/db/row.hpp"

#include <algorithm>

#include <map>
#include <set>

namespace sozbatch::db {

using namespace domain;

namespace {

// --- canonical text -----------------------------------------------------------------------------

class canon_t
{
public:
    canon_t &f(std::string_view v)
    {
        m_s.append(v);
        m_s += '\x1f';
        return *this;
    }
    canon_t &f(date_t d) { return f(to_iso(d)); }
    canon_t &f(std::optional<date_t> const &d) { return f(d ? to_iso(*d) : std::string{"-"}); }
    canon_t &f(money_t m) { return f(std::to_string(m.as_cents())); }
    canon_t &f(std::optional<money_t> const &m) { return f(m ? std::to_string(m->as_cents()) : std::string{"-"}); }
    canon_t &f(std::optional<int> const &i) { return f(i ? std::to_string(*i) : std::string{"-"}); }
    canon_t &f(period_t const &p) { return f(p.from()).f(p.to()); }
    canon_t &f(address_t const &a) { return f(a.street).f(a.house_no).f(a.postcode).f(a.city).f(a.country).f(a.extra); }
    canon_t &f(char const *v) { return f(std::string_view{v}); }
    canon_t &f(std::string const &v) { return f(std::string_view{v}); }
    canon_t &flag(bool b) { return f(std::string_view{b ? "1" : "0"}); }
    canon_t &end(char c)
    {
        m_s += c;
        return *this;
    }
    std::string str() && { return std::move(m_s); }

private:
    std::string m_s;
};

std::optional<std::string> opt_iso(std::optional<date_t> const &d)
{
    return d ? std::optional<std::string>{to_iso(*d)} : std::nullopt;
}

std::optional<date_t> opt_date(std::optional<std::string> const &s)
{
    if (!s || s->empty()) {
        return std::nullopt;
    }
    return parse_date(s->substr(0, 10));
}

period_t period_of(soci::row const &r, std::size_t from, std::size_t to)
{
    return period_t{parse_date(text(r, from).substr(0, 10)), opt_date(opt_text(r, to))};
}

std::optional<money_t> opt_money(std::optional<long long> const &c)
{
    return c ? std::optional<money_t>{money_t::cents(*c)} : std::nullopt;
}

struct latest_t
{
    long long id = 0;
    int version = 0;
    std::string hash;
};

/// ext_id -> (entity id, newest version, hash) for those of \p keys that a tenant's persons/payees/
/// cases already have; asked for 500 keys at a time, so that an import reads what its file names,
/// not the whole tenant (docs/scaling.md, "How the import reads a file without holding it").
std::map<std::string, latest_t> latest_versions(database_t &db, long long tenant, std::string const &entity,
                                                std::string const &versions, std::string const &fk,
                                                std::string const &key, std::set<std::string> const &keys)
{
    std::map<std::string, latest_t> out;
    std::vector<std::string> chunk;
    auto ask = [&] {
        if (chunk.empty()) {
            return;
        }
        std::string const q = "SELECT e." + key + ", e.id, v.version, v.content_hash FROM " + entity + " e JOIN " +
                              versions + " v ON v." + fk + " = e.id WHERE e.tenant_id = :t AND e." + key +
                              in_texts(db, chunk) + " AND NOT EXISTS (SELECT 1 FROM " + versions + " v2 WHERE v2." +
                              fk + " = e.id AND v2.version > v.version)";
        soci::rowset<soci::row> rs = (db.sql().prepare << q, soci::use(tenant));
        for (auto const &r : rs) {
            out[text(r, 0)] = latest_t{int64(r, 1), static_cast<int>(int64(r, 2)), text(r, 3)};
        }
        chunk.clear();
    };
    for (auto const &k : keys) {
        chunk.push_back(k);
        if (chunk.size() == 500) {
            ask();
        }
    }
    ask();
    return out;
}

long long insert_returning(database_t &db, std::string const &sql_text, auto &&...uses)
{
    long long id = 0;
    {
        auto t = (db.sql() << (sql_text + " RETURNING id"));
        t, soci::into(id);
        (t, ..., std::forward<decltype(uses)>(uses));
    }
    return id;
}

} // namespace

std::string canonical(person_t const &p)
{
    canon_t c;
    c.f(p.ext_id).f(p.family_name).f(p.birth_name).f(p.first_names).f(p.birth_date).f(p.birth_place)
        .f(sex_code(p.sex)).f(p.nationality).f(p.vsnr).f(p.steuer_id).f(p.address).f(p.deceased_on);
    return std::move(c).str();
}

std::string canonical(payee_t const &p)
{
    canon_t c;
    c.f(p.ext_id).f(payee_kind_code(p.kind)).f(p.name).f(p.iban).f(p.bic).f(p.card_ref).f(p.address).f(p.person_id);
    return std::move(c).str();
}

std::string canonical(case_t const &k)
{
    canon_t c;
    c.f(k.file_ref).f(law_code(k.law)).f(k.work_group).flag(k.closed).f(k.established_on).f(k.closed_on).end('\n');
    for (auto const &m : k.members) {
        c.f("M").f(m.person_id).f(member_role_code(m.role)).f(m.validity).f(m.stay_since).end('\n');
    }
    for (auto const &a : k.approvals) {
        c.f("A").f(a.ext_id).f(a.period).f(a.approved_by).f(a.approved_at ? to_iso(*a.approved_at) : "-")
            .f(approval_state_code(a.state)).end('\n');
    }
    for (auto const &n : k.needs) {
        c.f("N").f(n.person_id).f(n.kind).f(n.amount).f(n.quantity).f(n.validity).f(n.note).end('\n');
    }
    for (auto const &i : k.incomes) {
        c.f("I").f(i.person_id).f(i.kind).f(i.gross).f(i.taxes).f(i.social_insurance).f(i.insurance_premiums)
            .f(i.work_expenses).f(i.validity).f(i.spread_months).flag(i.grundrentenzeiten_33_years).f(i.note).end('\n');
    }
    for (auto const &h : k.housing) {
        c.f("H").f(dwelling_code(h.dwelling)).f(h.basic_rent).f(h.service_charges).f(h.heating)
            .flag(h.decentral_hot_water).f(std::to_string(h.persons_in_dwelling)).f(h.validity).end('\n');
    }
    for (auto const &a : k.assets) {
        c.f("V").f(a.person_id).f(a.kind).f(a.value).flag(a.protected_asset).f(a.validity).end('\n');
    }
    for (auto const &a : k.assignments) {
        c.f("Z").f(a.payee_id).f(assignment_purpose_code(a.purpose)).f(a.amount).f(a.validity).end('\n');
    }
    for (auto const &cl : k.claims) {
        c.f("C").f(cl.ext_id).f(cl.kind).f(cl.amount).f(cl.established_on).f(cl.legal_basis).end('\n');
    }
    for (auto const &o : k.offsets) {
        c.f("O").f(o.claim_id).f(o.monthly).f(o.validity).f(o.legal_basis).end('\n');
    }
    return std::move(c).str();
}

std::optional<long long> case_store_t::find_tenant(std::string const &code)
{
    return guard(m_db, [&]() -> std::optional<long long> {
        long long id = 0;
        soci::indicator ind = soci::i_null;
        m_db.sql() << "SELECT id FROM tenants WHERE code = :c", soci::into(id, ind), soci::use(code);
        if (!m_db.sql().got_data() || ind == soci::i_null) {
            return std::nullopt;
        }
        return id;
    });
}

std::vector<std::string> case_store_t::tenant_codes()
{
    return guard(m_db, [&] {
        std::vector<std::string> out;
        soci::rowset<soci::row> rs = (m_db.sql().prepare << "SELECT code FROM tenants ORDER BY code");
        for (auto const &r : rs) {
            out.push_back(text(r, 0));
        }
        return out;
    });
}

long long case_store_t::ensure_tenant(std::string const &code, std::string const &name, std::string const &now)
{
    if (auto id = find_tenant(code)) {
        return *id;
    }
    return guard(m_db, [&] {
        return insert_returning(m_db, "INSERT INTO tenants (code, name, created_at) VALUES (:c, :n, :a)", soci::use(code),
                                soci::use(name), soci::use(now));
    });
}

import_summary_t case_store_t::import_bundle(case_bundle_t const &bundle, std::string const &file_name,
                                             std::string const &sha256, std::string const &operator_name,
                                             std::string const &now)
{
    import_writer_t w{m_db, file_name, sha256, operator_name, now};
    if (w.begin(bundle)) {
        w.persons(bundle.persons);
        w.payees(bundle.payees);
        w.cases(bundle.cases);
    }
    return w.finish();
}

// --- import_writer_t ----------------------------------------------------------------------------

namespace {

struct plan_t
{
    std::string hash;
    int version = 1; // the version to write; 0 = unchanged
    long long id = 0;
};

plan_t plan_of(std::map<std::string, latest_t> const &latest, std::string const &key, std::string const &text_,
               long long &n_new, long long &n_changed, long long &n_same)
{
    plan_t p;
    p.hash = sha256_hex(text_);
    auto const it = latest.find(key);
    if (it == latest.end()) {
        ++n_new;
        return p;
    }
    p.id = it->second.id;
    if (it->second.hash == p.hash) {
        ++n_same;
        p.version = 0;
    } else {
        ++n_changed;
        p.version = it->second.version + 1;
    }
    return p;
}

std::optional<long long> opt_cents(std::optional<money_t> const &m)
{
    return m ? std::optional<long long>{m->as_cents()} : std::nullopt;
}

std::optional<long long> opt_int(std::optional<int> const &i)
{
    return i ? std::optional<long long>{*i} : std::nullopt;
}

/// The plans of a slice of persons or payees (new, changed, unchanged: counted), the new ones
/// inserted into \p table; every entity's id remembered in \p known (for the file's cases).
/// \returns the plans in the slice's order, each with its entity's id
template <class T>
std::vector<plan_t> plan_entities(database_t &db, long long tenant, char const *table, char const *versions,
                                  char const *fk, std::vector<T> const &slice, long long &n_new,
                                  long long &n_changed, long long &n_same, std::map<std::string, long long> &known)
{
    std::set<std::string> keys;
    for (auto const &e : slice) {
        keys.insert(e.ext_id);
    }
    auto const latest = latest_versions(db, tenant, table, versions, fk, "ext_id", keys);
    std::vector<plan_t> plans;
    bulk_rows_t fresh{table, {"tenant_id", "ext_id"}};
    for (auto const &e : slice) {
        plans.push_back(plan_of(latest, e.ext_id, canonical(e), n_new, n_changed, n_same));
        if (plans.back().id == 0) {
            fresh.add(tenant).add(e.ext_id);
        }
    }
    std::map<std::string, long long> ids;
    if (!fresh.empty()) {
        for (auto const &[id, k] : insert_rows_returning(db, fresh, "ext_id")) {
            ids[k] = id;
        }
    }
    for (std::size_t i = 0; i < slice.size(); ++i) {
        if (plans[i].id == 0) {
            plans[i].id = ids.at(slice[i].ext_id);
        }
        known[slice[i].ext_id] = plans[i].id;
    }
    return plans;
}

} // namespace

import_writer_t::import_writer_t(database_t &db, std::string file_name, std::string sha256, std::string operator_name,
                                 std::string now)
: m_db(db), m_file_name(std::move(file_name)), m_sha256(std::move(sha256)), m_operator(std::move(operator_name)),
  m_now(std::move(now))
{
}

import_writer_t::~import_writer_t() = default; // an unfinished transaction rolls back

bool import_writer_t::begin(case_bundle_t const &head)
{
    return guard(m_db, [&] {
        m_tr.emplace(m_db.sql());
        m_tenant = case_store_t{m_db}.ensure_tenant(head.tenant, head.tenant_name.empty() ? head.tenant : head.tenant_name,
                                                    m_now);
        long long existing = 0;
        soci::indicator ind = soci::i_null;
        m_db.sql() << "SELECT id FROM import_files WHERE tenant_id = :t AND sha256 = :s", soci::into(existing, ind),
            soci::use(m_tenant), soci::use(m_sha256);
        if (m_db.sql().got_data() && ind == soci::i_ok) {
            m_sum.already_imported = true;
            m_sum.import_file_id = existing;
            m_tr->rollback();
            m_tr.reset();
            return false;
        }
        soci::rowset<soci::row> rs = (m_db.sql().prepare << "SELECT code, id FROM work_groups WHERE tenant_id = :t",
                                      soci::use(m_tenant));
        for (auto const &r : rs) {
            m_wg_ids[text(r, 0)] = int64(r, 1);
        }
        for (auto const &[code, name] : head.work_group_names) {
            ensure_work_group(code, name);
        }
        for (auto const &code : head.work_groups) {
            ensure_work_group(code, code);
        }
        // the counts are known at the end (finish() writes them)
        long long const zero = 0;
        std::string const source = head.source;
        m_sum.import_file_id = insert_returning(
            m_db,
            "INSERT INTO import_files (tenant_id, sha256, file_name, source, imported_at, operator, records_new, "
            "records_same) VALUES (:t, :s, :f, :src, :a, :o, :n, :same)",
            soci::use(m_tenant), soci::use(m_sha256), soci::use(m_file_name), soci::use(source), soci::use(m_now),
            soci::use(m_operator), soci::use(zero), soci::use(zero));
        return true;
    });
}

void import_writer_t::ensure_work_group(std::string const &code, std::string const &name)
{
    if (m_wg_ids.contains(code)) {
        return;
    }
    m_wg_ids[code] = insert_returning(m_db, "INSERT INTO work_groups (tenant_id, code, name) VALUES (:t, :c, :n)",
                                      soci::use(m_tenant), soci::use(code), soci::use(name.empty() ? code : name));
}

void import_writer_t::require_open() const
{
    if (!m_tr) {
        throw internal_error{"import of " + m_file_name + ": records without a begun import"};
    }
}

void import_writer_t::persons(std::vector<person_t> const &slice)
{
    require_open();
    guard(m_db, [&] {
        auto const plans = plan_entities(m_db, m_tenant, "persons", "person_versions", "person_id", slice,
                                         m_sum.persons_new, m_sum.persons_changed, m_sum.persons_same, m_person_ids);
        bulk_rows_t pv{"person_versions",
                       {"tenant_id", "person_id", "version", "recorded_at", "import_file_id", "content_hash", "family_name",
                        "birth_name", "first_names", "birth_date", "birth_place", "sex", "nationality", "vsnr", "steuer_id",
                        "street", "house_no", "postcode", "city", "country", "address_extra", "deceased_on"}};
        for (std::size_t i = 0; i < slice.size(); ++i) {
            auto const &p = slice[i];
            auto const &pl = plans[i];
            if (pl.version == 0) {
                continue;
            }
            pv.add(m_tenant).add(pl.id).add(pl.version).add(m_now)
                .add(m_sum.import_file_id).add(pl.hash).add(p.family_name).add(p.birth_name).add(p.first_names)
                .add(opt_iso(p.birth_date)).add(p.birth_place).add(sex_code(p.sex)).add(p.nationality).add(p.vsnr)
                .add(p.steuer_id).add(p.address.street).add(p.address.house_no).add(p.address.postcode)
                .add(p.address.city).add(p.address.country).add(p.address.extra).add(opt_iso(p.deceased_on));
        }
        insert_rows(m_db, pv);
    });
}

void import_writer_t::payees(std::vector<payee_t> const &slice)
{
    require_open();
    guard(m_db, [&] {
        auto const plans = plan_entities(m_db, m_tenant, "payees", "payee_versions", "payee_id", slice,
                                         m_sum.payees_new, m_sum.payees_changed, m_sum.payees_same, m_payee_ids);
        bulk_rows_t yv{"payee_versions",
                       {"tenant_id", "payee_id", "version", "recorded_at", "import_file_id", "content_hash", "kind", "name",
                        "iban", "bic", "card_ref", "street", "house_no", "postcode", "city", "country", "person_ext_id"}};
        for (std::size_t i = 0; i < slice.size(); ++i) {
            auto const &p = slice[i];
            auto const &pl = plans[i];
            if (pl.version == 0) {
                continue;
            }
            yv.add(m_tenant).add(pl.id).add(pl.version).add(m_now)
                .add(m_sum.import_file_id).add(pl.hash).add(payee_kind_code(p.kind)).add(p.name).add(p.iban).add(p.bic)
                .add(p.card_ref).add(p.address.street).add(p.address.house_no).add(p.address.postcode)
                .add(p.address.city).add(p.address.country).add(p.person_id);
        }
        insert_rows(m_db, yv);
    });
}

void import_writer_t::cases(std::vector<case_t> const &slice)
{
    require_open();
    guard(m_db, [&] {
        std::set<std::string> case_keys, person_keys, payee_keys;
        for (auto const &c : slice) {
            case_keys.insert(c.file_ref);
        }
        auto const latest = latest_versions(m_db, m_tenant, "cases", "case_versions", "case_id", "file_ref", case_keys);
        std::vector<plan_t> plans;
        for (auto const &c : slice) {
            plans.push_back(plan_of(latest, c.file_ref, canonical(c), m_sum.cases_new, m_sum.cases_changed,
                                    m_sum.cases_same));
            if (plans.back().version == 0) {
                continue;
            }
            ensure_work_group(c.work_group, c.work_group);
            auto person = [&](std::string const &ext) {
                if (!ext.empty() && !m_person_ids.contains(ext)) {
                    person_keys.insert(ext);
                }
            };
            for (auto const &m : c.members) {
                person(m.person_id);
            }
            for (auto const &n : c.needs) {
                person(n.person_id);
            }
            for (auto const &in : c.incomes) {
                person(in.person_id);
            }
            for (auto const &a : c.assets) {
                person(a.person_id);
            }
            for (auto const &a : c.assignments) {
                if (!m_payee_ids.contains(a.payee_id)) {
                    payee_keys.insert(a.payee_id);
                }
            }
        }
        // the persons and payees the written cases name: of this file (known from persons() and
        // payees()) or imported before (looked up, and remembered for the file's next slices)
        if (!person_keys.empty()) {
            for (auto const &[k, v] :
                 latest_versions(m_db, m_tenant, "persons", "person_versions", "person_id", "ext_id", person_keys)) {
                m_person_ids[k] = v.id;
            }
        }
        if (!payee_keys.empty()) {
            for (auto const &[k, v] :
                 latest_versions(m_db, m_tenant, "payees", "payee_versions", "payee_id", "ext_id", payee_keys)) {
                m_payee_ids[k] = v.id;
            }
        }
        auto const &person_ids = m_person_ids;
        auto const &payee_ids = m_payee_ids;
        auto person_id = [&](std::string const &ext, case_t const &c) {
            auto const it = person_ids.find(ext);
            if (it == person_ids.end()) {
                throw input_error{{m_file_name, 0, "case " + c.file_ref, "person"}, "unknown person '" + ext + "'"};
            }
            return it->second;
        };
        auto payee_id = [&](std::string const &ext, case_t const &c) {
            auto const it = payee_ids.find(ext);
            if (it == payee_ids.end()) {
                throw input_error{{m_file_name, 0, "case " + c.file_ref, "payee"}, "unknown payee '" + ext + "'"};
            }
            return it->second;
        };

        // new cases, then a version of each new or changed case, then what belongs to it
        bulk_rows_t fresh{"cases", {"tenant_id", "file_ref"}};
        for (std::size_t i = 0; i < slice.size(); ++i) {
            if (plans[i].id == 0) {
                fresh.add(m_tenant).add(slice[i].file_ref);
            }
        }
        if (!fresh.empty()) {
            std::map<std::string, long long> ids;
            for (auto const &[id, k] : insert_rows_returning(m_db, fresh, "file_ref")) {
                ids[k] = id;
            }
            for (std::size_t i = 0; i < slice.size(); ++i) {
                if (plans[i].id == 0) {
                    plans[i].id = ids.at(slice[i].file_ref);
                }
            }
        }
        bulk_rows_t cv{"case_versions",
                       {"tenant_id", "case_id", "version", "recorded_at", "import_file_id", "content_hash", "law",
                        "work_group_id", "state", "established_on", "closed_on"}};
        for (std::size_t i = 0; i < slice.size(); ++i) {
            auto const &c = slice[i];
            auto const &pl = plans[i];
            if (pl.version == 0) {
                continue;
            }
            cv.add(m_tenant).add(pl.id).add(pl.version).add(m_now).add(m_sum.import_file_id).add(pl.hash)
                .add(law_code(c.law)).add(m_wg_ids.at(c.work_group)).add(c.closed ? "closed" : "open")
                .add(to_iso(c.established_on)).add(opt_iso(c.closed_on));
        }
        if (cv.empty()) {
            return;
        }
        std::map<long long, long long> cv_ids; // case id -> the new version's id
        for (auto const &[id, k] : insert_rows_returning(m_db, cv, "case_id")) {
            cv_ids[std::stoll(k)] = id;
        }
        bulk_rows_t members{"case_members",
                            {"tenant_id", "case_version_id", "person_id", "role", "valid_from", "valid_to", "stay_since"}};
        bulk_rows_t approvals{"approvals", {"tenant_id", "case_version_id", "ext_id", "period_from", "period_to",
                                            "approved_by", "approved_at", "state"}};
        bulk_rows_t needs{"needs", {"tenant_id", "case_version_id", "person_id", "kind", "amount_cents", "quantity",
                                    "valid_from", "valid_to", "note"}};
        bulk_rows_t incomes{"incomes", {"tenant_id", "case_version_id", "person_id", "kind", "gross_cents", "taxes_cents",
                                        "social_cents", "insurance_cents", "work_expenses_cents", "valid_from",
                                        "valid_to", "spread_months", "grundrente_33y", "note"}};
        bulk_rows_t housing{"housing", {"tenant_id", "case_version_id", "dwelling", "basic_rent_cents",
                                        "service_charges_cents", "heating_cents", "decentral_hot_water",
                                        "persons_in_dwelling", "valid_from", "valid_to"}};
        bulk_rows_t assets{"assets", {"tenant_id", "case_version_id", "person_id", "kind", "value_cents",
                                      "protected_asset", "valid_from", "valid_to"}};
        bulk_rows_t assignments{"payment_assignments", {"tenant_id", "case_version_id", "payee_id", "purpose",
                                                        "amount_cents", "valid_from", "valid_to"}};
        bulk_rows_t claims{"claims", {"tenant_id", "case_version_id", "ext_id", "kind", "amount_cents", "established_on",
                                      "legal_basis"}};
        bulk_rows_t offsets{"offsets", {"tenant_id", "case_version_id", "claim_ext_id", "monthly_cents", "valid_from",
                                        "valid_to", "legal_basis"}};
        for (std::size_t i = 0; i < slice.size(); ++i) {
            auto const &c = slice[i];
            auto const &pl = plans[i];
            if (pl.version == 0) {
                continue;
            }
            long long const v = cv_ids.at(pl.id);
            for (auto const &m : c.members) {
                members.add(m_tenant).add(v).add(person_id(m.person_id, c)).add(member_role_code(m.role))
                    .add(to_iso(m.validity.from())).add(opt_iso(m.validity.to())).add(opt_iso(m.stay_since));
            }
            for (auto const &a : c.approvals) {
                approvals.add(m_tenant).add(v).add(a.ext_id).add(to_iso(a.period.from())).add(opt_iso(a.period.to()))
                    .add(a.approved_by).add(a.approved_at ? std::optional<std::string>{to_iso(*a.approved_at)} : std::nullopt)
                    .add(approval_state_code(a.state));
            }
            for (auto const &n : c.needs) {
                needs.add(m_tenant).add(v)
                    .add(n.person_id.empty() ? std::nullopt : std::optional<long long>{person_id(n.person_id, c)})
                    .add(n.kind).add(opt_cents(n.amount)).add(opt_int(n.quantity)).add(to_iso(n.validity.from()))
                    .add(opt_iso(n.validity.to())).add(n.note);
            }
            for (auto const &in : c.incomes) {
                incomes.add(m_tenant).add(v).add(person_id(in.person_id, c)).add(in.kind).add(in.gross.as_cents())
                    .add(in.taxes.as_cents()).add(in.social_insurance.as_cents()).add(in.insurance_premiums.as_cents())
                    .add(in.work_expenses.as_cents()).add(to_iso(in.validity.from())).add(opt_iso(in.validity.to()))
                    .add(opt_int(in.spread_months)).add(in.grundrentenzeiten_33_years ? 1 : 0).add(in.note);
            }
            for (auto const &h : c.housing) {
                housing.add(m_tenant).add(v).add(dwelling_code(h.dwelling)).add(h.basic_rent.as_cents())
                    .add(h.service_charges.as_cents()).add(h.heating.as_cents()).add(h.decentral_hot_water ? 1 : 0)
                    .add(h.persons_in_dwelling).add(to_iso(h.validity.from())).add(opt_iso(h.validity.to()));
            }
            for (auto const &a : c.assets) {
                assets.add(m_tenant).add(v).add(person_id(a.person_id, c)).add(a.kind).add(a.value.as_cents())
                    .add(a.protected_asset ? 1 : 0).add(to_iso(a.validity.from())).add(opt_iso(a.validity.to()));
            }
            for (auto const &a : c.assignments) {
                assignments.add(m_tenant).add(v).add(payee_id(a.payee_id, c)).add(assignment_purpose_code(a.purpose))
                    .add(opt_cents(a.amount)).add(to_iso(a.validity.from())).add(opt_iso(a.validity.to()));
            }
            for (auto const &cl : c.claims) {
                claims.add(m_tenant).add(v).add(cl.ext_id).add(cl.kind).add(cl.amount.as_cents())
                    .add(to_iso(cl.established_on)).add(cl.legal_basis);
            }
            for (auto const &o : c.offsets) {
                offsets.add(m_tenant).add(v).add(o.claim_id).add(o.monthly.as_cents()).add(to_iso(o.validity.from()))
                    .add(opt_iso(o.validity.to())).add(o.legal_basis);
            }
        }
        for (auto *rows : {&members, &approvals, &needs, &incomes, &housing, &assets, &assignments, &claims, &offsets}) {
            insert_rows(m_db, *rows);
        }
    });
}

import_summary_t import_writer_t::finish()
{
    if (!m_tr) {
        if (!m_sum.already_imported) {
            throw internal_error{"import of " + m_file_name + ": finish() without a begun import"};
        }
        return m_sum;
    }
    guard(m_db, [&] {
        long long const written = m_sum.records_written();
        long long const same = m_sum.persons_same + m_sum.payees_same + m_sum.cases_same;
        m_db.sql() << "UPDATE import_files SET records_new = :n, records_same = :s WHERE id = :id", soci::use(written),
            soci::use(same), soci::use(m_sum.import_file_id);
        m_tr->commit();
    });
    m_tr.reset();
    return m_sum;
}

namespace {

/// SQL selecting, per case, the newest version recorded at or before :asof; binds asof TWICE
/// (:asof, :asof2). A version recorded by then with no newer one recorded by then: the probe for a
/// newer version finds nothing in the usual case, so on PostgreSQL it costs no row-level security
/// check (a correlated MAX read the newest version once more, with its policy; see load_chunk).
std::string const VERSION_AS_OF =
    "cv.recorded_at <= :asof AND NOT EXISTS (SELECT 1 FROM case_versions v2 WHERE v2.case_id = cv.case_id AND "
    "v2.version > cv.version AND v2.recorded_at <= :asof2)";

std::string const FAR_FUTURE = "9999-12-31T23:59:59Z";

std::string filter_sql(case_filter_t const &f)
{
    std::string s;
    if (!f.law.empty()) {
        s += " AND cv.law = :law";
    }
    if (!f.state.empty()) {
        s += " AND cv.state = :state";
    }
    if (f.shard_count > 1) {
        s += " AND c.id % " + std::to_string(f.shard_count) + " = " + std::to_string(f.shard_index);
    }
    if (!f.work_groups.empty()) {
        s += " AND wg.code IN (";
        for (std::size_t i = 0; i < f.work_groups.size(); ++i) {
            s += (i ? ", :wg" : ":wg") + std::to_string(i);
        }
        s += ")";
    }
    return s;
}

void bind_filter(soci::statement &st, case_filter_t const &f)
{
    if (!f.law.empty()) {
        st.exchange(soci::use(f.law));
    }
    if (!f.state.empty()) {
        st.exchange(soci::use(f.state));
    }
    for (auto const &w : f.work_groups) {
        st.exchange(soci::use(w));
    }
}

} // namespace

std::vector<case_summary_t> case_store_t::list_cases(long long tenant_id, case_filter_t const &filter)
{
    return guard(m_db, [&] {
        std::vector<case_summary_t> out;
        std::string const asof = filter.as_of.value_or(FAR_FUTURE);
        std::string const q =
            "SELECT c.id, c.file_ref, cv.law, wg.code, cv.state, cv.version, cv.recorded_at, "
            "(SELECT COUNT(*) FROM case_members m WHERE m.case_version_id = cv.id) "
            "FROM cases c JOIN case_versions cv ON cv.case_id = c.id JOIN work_groups wg ON wg.id = cv.work_group_id "
            "WHERE c.tenant_id = :t AND " + VERSION_AS_OF + filter_sql(filter) + " ORDER BY c.file_ref";
        soci::row r;
        soci::statement st{m_db.sql()};
        st.exchange(soci::into(r));
        st.exchange(soci::use(tenant_id));
        st.exchange(soci::use(asof));
        st.exchange(soci::use(asof));
        bind_filter(st, filter);
        st.alloc();
        st.prepare(q);
        st.define_and_bind();
        st.execute();
        while (st.fetch()) {
            out.push_back(case_summary_t{int64(r, 0), text(r, 1), text(r, 2), text(r, 3), text(r, 4),
                                         static_cast<int>(int64(r, 5)), text(r, 6), int64(r, 7)});
        }
        return out;
    });
}

namespace {

person_t person_from_row(std::string ext_id, soci::row const &r, std::size_t o)
{
    // family, birth_name, first, birth_date, birth_place, sex, nat, vsnr, stid, street, hn, pc, city, ctry,
    // extra, deceased (from column o on)
    person_t p;
    p.ext_id = std::move(ext_id);
    p.family_name = text(r, o + 0);
    p.birth_name = text(r, o + 1);
    p.first_names = text(r, o + 2);
    p.birth_date = opt_date(opt_text(r, o + 3));
    p.birth_place = text(r, o + 4);
    p.sex = parse_sex(text(r, o + 5));
    p.nationality = text(r, o + 6);
    p.vsnr = text(r, o + 7);
    p.steuer_id = text(r, o + 8);
    p.address = address_t{text(r, o + 9), text(r, o + 10), text(r, o + 11), text(r, o + 12), text(r, o + 13),
                          text(r, o + 14)};
    p.deceased_on = opt_date(opt_text(r, o + 15));
    return p;
}

/// The columns of a case version as read for a chunk (see case_header()).
std::string const CASE_HEADER_SELECT =
    "SELECT c.id, cv.id, cv.version, cv.recorded_at, cv.law, wg.code, cv.state, CAST(cv.established_on AS TEXT), "
    "CAST(cv.closed_on AS TEXT), c.file_ref, cv.work_group_id FROM cases c "
    "JOIN case_versions cv ON cv.case_id = c.id JOIN work_groups wg ON wg.id = cv.work_group_id ";

stored_case_t case_header(soci::row const &r)
{
    stored_case_t sc;
    sc.case_id = int64(r, 0);
    sc.case_version_id = int64(r, 1);
    sc.version = static_cast<int>(int64(r, 2));
    sc.recorded_at = text(r, 3);
    sc.work_group_id = int64(r, 10);
    auto &c = sc.data;
    c.file_ref = text(r, 9);
    c.law = parse_law(text(r, 4));
    c.work_group = text(r, 5);
    c.closed = text(r, 6) == "closed";
    c.established_on = parse_date(text(r, 7).substr(0, 10));
    c.closed_on = opt_date(opt_text(r, 8));
    return sc;
}

/// Fills the child records, persons and payees of a chunk of case versions (headers read by
/// case_header()): one query per table for the whole chunk, merged by case version id. The
/// result equals what one query per case would give: child rows in id order, persons and payees
/// of a case in the order of their internal ids, as of \p asof.
void load_chunk(database_t &db, std::vector<stored_case_t> &chunk, std::string const &asof, case_parts_t const &parts = {})
{
    if (chunk.empty()) {
        return;
    }
    std::map<long long, std::size_t> at; // case version id -> index in chunk
    std::vector<long long> cv_ids;
    cv_ids.reserve(chunk.size());
    for (std::size_t i = 0; i < chunk.size(); ++i) {
        at.emplace(chunk[i].case_version_id, i);
        cv_ids.push_back(chunk[i].case_version_id);
    }
    std::string const in_cv = in_ids(db, cv_ids);
    auto each = [&](std::string const &q, auto &&fn, bool wanted = true) {
        if (!wanted) {
            return;
        }
        soci::rowset<soci::row> rs = (db.sql().prepare << q);
        for (auto const &r : rs) {
            fn(chunk[at.at(int64(r, 0))], r);
        }
    };
    std::vector<std::set<long long>> person_ids(chunk.size()), payee_ids(chunk.size());
    // the external ids of the chunk's persons and payees, as the members' and assignments' joins
    // read them: the version queries below need not join persons and payees again
    std::map<long long, std::string> person_ext, payee_ext;
    auto index_of = [&](stored_case_t const &sc) { return static_cast<std::size_t>(&sc - chunk.data()); };

    each("SELECT m.case_version_id, m.person_id, COALESCE(p.ext_id, ''), m.role, CAST(m.valid_from AS TEXT), "
         "CAST(m.valid_to AS TEXT), CAST(m.stay_since AS TEXT) FROM case_members m LEFT JOIN persons p ON p.id = m.person_id "
         "WHERE m.case_version_id" + in_cv + (parts.applicants_only ? " AND m.role = 'applicant'" : "") + " ORDER BY m.id",
         [&](stored_case_t &sc, soci::row const &m) {
             member_t mm;
             person_ids[index_of(sc)].insert(int64(m, 1));
             mm.person_id = text(m, 2);
             person_ext.emplace(int64(m, 1), mm.person_id);
             mm.role = parse_member_role(text(m, 3));
             mm.validity = period_of(m, 4, 5);
             mm.stay_since = opt_date(opt_text(m, 6));
             sc.data.members.push_back(std::move(mm));
         });
    each("SELECT case_version_id, ext_id, CAST(period_from AS TEXT), CAST(period_to AS TEXT), approved_by, approved_at, "
         "state FROM approvals WHERE case_version_id" + in_cv + " ORDER BY id",
         [&](stored_case_t &sc, soci::row const &a) {
             approval_t ap;
             ap.ext_id = text(a, 1);
             ap.period = period_of(a, 2, 3);
             ap.approved_by = text(a, 4);
             if (auto at_ = opt_text(a, 5)) {
                 ap.approved_at = parse_timestamp(*at_);
             }
             ap.state = parse_approval_state(text(a, 6));
             sc.data.approvals.push_back(std::move(ap));
         },
         parts.approvals);
    each("SELECT n.case_version_id, n.person_id, COALESCE(p.ext_id, ''), n.kind, n.amount_cents, n.quantity, "
         "CAST(n.valid_from AS TEXT), CAST(n.valid_to AS TEXT), n.note FROM needs n LEFT JOIN persons p ON p.id = n.person_id "
         "WHERE n.case_version_id" + in_cv + " ORDER BY n.id",
         [&](stored_case_t &sc, soci::row const &n) {
             need_t nd;
             if (opt_int64(n, 1)) {
                 nd.person_id = text(n, 2);
             }
             nd.kind = text(n, 3);
             nd.amount = opt_money(opt_int64(n, 4));
             if (auto q = opt_int64(n, 5)) {
                 nd.quantity = static_cast<int>(*q);
             }
             nd.validity = period_of(n, 6, 7);
             nd.note = text(n, 8);
             sc.data.needs.push_back(std::move(nd));
         },
         parts.needs);
    each("SELECT i.case_version_id, COALESCE(p.ext_id, ''), i.kind, i.gross_cents, i.taxes_cents, i.social_cents, "
         "i.insurance_cents, i.work_expenses_cents, CAST(i.valid_from AS TEXT), CAST(i.valid_to AS TEXT), i.spread_months, "
         "i.grundrente_33y, i.note FROM incomes i LEFT JOIN persons p ON p.id = i.person_id "
         "WHERE i.case_version_id" + in_cv + " ORDER BY i.id",
         [&](stored_case_t &sc, soci::row const &i) {
             income_t in;
             in.person_id = text(i, 1);
             in.kind = text(i, 2);
             in.gross = money_t::cents(int64(i, 3));
             in.taxes = money_t::cents(int64(i, 4));
             in.social_insurance = money_t::cents(int64(i, 5));
             in.insurance_premiums = money_t::cents(int64(i, 6));
             in.work_expenses = money_t::cents(int64(i, 7));
             in.validity = period_of(i, 8, 9);
             if (auto s = opt_int64(i, 10)) {
                 in.spread_months = static_cast<int>(*s);
             }
             in.grundrentenzeiten_33_years = int64(i, 11) != 0;
             in.note = text(i, 12);
             sc.data.incomes.push_back(std::move(in));
         },
         parts.incomes);
    each("SELECT case_version_id, dwelling, basic_rent_cents, service_charges_cents, heating_cents, decentral_hot_water, "
         "persons_in_dwelling, CAST(valid_from AS TEXT), CAST(valid_to AS TEXT) FROM housing WHERE case_version_id" + in_cv +
         " ORDER BY id",
         [&](stored_case_t &sc, soci::row const &h) {
             housing_t hs;
             hs.dwelling = parse_dwelling(text(h, 1));
             hs.basic_rent = money_t::cents(int64(h, 2));
             hs.service_charges = money_t::cents(int64(h, 3));
             hs.heating = money_t::cents(int64(h, 4));
             hs.decentral_hot_water = int64(h, 5) != 0;
             hs.persons_in_dwelling = static_cast<int>(int64(h, 6));
             hs.validity = period_of(h, 7, 8);
             sc.data.housing.push_back(std::move(hs));
         },
         parts.housing);
    each("SELECT a.case_version_id, COALESCE(p.ext_id, ''), a.kind, a.value_cents, a.protected_asset, "
         "CAST(a.valid_from AS TEXT), CAST(a.valid_to AS TEXT) FROM assets a LEFT JOIN persons p ON p.id = a.person_id "
         "WHERE a.case_version_id" + in_cv + " ORDER BY a.id",
         [&](stored_case_t &sc, soci::row const &a) {
             asset_t as;
             as.person_id = text(a, 1);
             as.kind = text(a, 2);
             as.value = money_t::cents(int64(a, 3));
             as.protected_asset = int64(a, 4) != 0;
             as.validity = period_of(a, 5, 6);
             sc.data.assets.push_back(std::move(as));
         },
         parts.assets);
    each("SELECT pa.case_version_id, pa.payee_id, p.ext_id, pa.purpose, pa.amount_cents, CAST(pa.valid_from AS TEXT), "
         "CAST(pa.valid_to AS TEXT) FROM payment_assignments pa JOIN payees p ON p.id = pa.payee_id "
         "WHERE pa.case_version_id" + in_cv + " ORDER BY pa.id",
         [&](stored_case_t &sc, soci::row const &a) {
             assignment_t as;
             payee_ids[index_of(sc)].insert(int64(a, 1));
             as.payee_id = text(a, 2);
             payee_ext.emplace(int64(a, 1), as.payee_id);
             as.purpose = parse_assignment_purpose(text(a, 3));
             as.amount = opt_money(opt_int64(a, 4));
             as.validity = period_of(a, 5, 6);
             sc.data.assignments.push_back(std::move(as));
         });
    each("SELECT case_version_id, ext_id, kind, amount_cents, CAST(established_on AS TEXT), legal_basis FROM claims "
         "WHERE case_version_id" + in_cv + " ORDER BY id",
         [&](stored_case_t &sc, soci::row const &a) {
             sc.data.claims.push_back(claim_t{text(a, 1), text(a, 2), money_t::cents(int64(a, 3)),
                                              parse_date(text(a, 4).substr(0, 10)), text(a, 5)});
         },
         parts.claims);
    each("SELECT case_version_id, claim_ext_id, monthly_cents, CAST(valid_from AS TEXT), CAST(valid_to AS TEXT), "
         "legal_basis FROM offsets WHERE case_version_id" + in_cv + " ORDER BY id",
         [&](stored_case_t &sc, soci::row const &a) {
             sc.data.offsets.push_back(offset_t{text(a, 1), money_t::cents(int64(a, 2)), period_of(a, 3, 4), text(a, 5)});
         },
         parts.offsets);

    // persons and payees as of the same time, one query each for the chunk: the version of each
    // that was recorded at or before asof and has no newer such version. Written as NOT EXISTS on
    // the version tables alone (not persons JOIN versions with a correlated MAX): on PostgreSQL
    // every row read of these tables passes row-level security (persons -> case_members ->
    // case_versions -> case_access, docs/security.md), and the MAX sub-select and the join read
    // two rows more per person than the version itself; the probe for a newer version finds
    // nothing in the usual case and so costs no policy check (docs/scaling.md, "Chunk queries").
    // The external id comes from the members' and assignments' join above; a version is visible
    // exactly when its person (payee) is.
    auto all_of = [](std::vector<std::set<long long>> const &per_case) {
        std::set<long long> all;
        for (auto const &s : per_case) {
            all.insert(s.begin(), s.end());
        }
        return std::vector<long long>(all.begin(), all.end());
    };
    std::map<long long, person_t> persons;
    if (auto const ids = all_of(person_ids); !ids.empty()) {
        soci::rowset<soci::row> rs =
            (db.sql().prepare << "SELECT v.person_id, v.family_name, v.birth_name, v.first_names, "
                                 "CAST(v.birth_date AS TEXT), v.birth_place, v.sex, v.nationality, v.vsnr, v.steuer_id, "
                                 "v.street, v.house_no, v.postcode, v.city, v.country, v.address_extra, "
                                 "CAST(v.deceased_on AS TEXT) FROM person_versions v "
                                 "WHERE v.person_id" + in_ids(db, ids) + " AND v.recorded_at <= :asof AND NOT EXISTS "
                                 "(SELECT 1 FROM person_versions v2 WHERE v2.person_id = v.person_id AND "
                                 "v2.version > v.version AND v2.recorded_at <= :asof2)",
             soci::use(asof), soci::use(asof));
        for (auto const &r : rs) {
            long long const id = int64(r, 0);
            persons.emplace(id, person_from_row(person_ext.at(id), r, 1));
        }
    }
    std::map<long long, payee_t> payees;
    if (auto const ids = all_of(payee_ids); !ids.empty()) {
        soci::rowset<soci::row> rs =
            (db.sql().prepare << "SELECT v.payee_id, v.kind, v.name, v.iban, v.bic, v.card_ref, v.street, "
                                 "v.house_no, v.postcode, v.city, v.country, v.person_ext_id FROM payee_versions v "
                                 "WHERE v.payee_id" + in_ids(db, ids) + " AND v.recorded_at <= :asof AND NOT EXISTS "
                                 "(SELECT 1 FROM payee_versions v2 WHERE v2.payee_id = v.payee_id AND "
                                 "v2.version > v.version AND v2.recorded_at <= :asof2)",
             soci::use(asof), soci::use(asof));
        for (auto const &pr : rs) {
            payee_t py;
            long long const id = int64(pr, 0);
            py.ext_id = payee_ext.at(id);
            py.kind = parse_payee_kind(text(pr, 1));
            py.name = text(pr, 2);
            py.iban = text(pr, 3);
            py.bic = text(pr, 4);
            py.card_ref = text(pr, 5);
            py.address = address_t{text(pr, 6), text(pr, 7), text(pr, 8), text(pr, 9), text(pr, 10), ""};
            py.person_id = text(pr, 11);
            payees.emplace(id, std::move(py));
        }
    }
    for (std::size_t i = 0; i < chunk.size(); ++i) {
        for (long long const pid : person_ids[i]) {
            if (auto const it = persons.find(pid); it != persons.end()) {
                chunk[i].persons.push_back(it->second);
            }
        }
        for (long long const pid : payee_ids[i]) {
            if (auto const it = payees.find(pid); it != payees.end()) {
                chunk[i].payees.push_back(it->second);
            }
        }
    }
}

} // namespace

std::optional<stored_case_t> case_store_t::load_case(long long tenant_id, std::string const &file_ref,
                                                     std::optional<std::string> const &as_of)
{
    return guard(m_db, [&]() -> std::optional<stored_case_t> {
        std::string const asof = as_of.value_or(FAR_FUTURE);
        soci::row r;
        m_db.sql() << CASE_HEADER_SELECT + "WHERE c.tenant_id = :t AND c.file_ref = :f AND " + VERSION_AS_OF,
            soci::into(r), soci::use(tenant_id), soci::use(file_ref), soci::use(asof), soci::use(asof);
        if (!m_db.sql().got_data()) {
            return std::nullopt;
        }
        std::vector<stored_case_t> one;
        one.push_back(case_header(r));
        load_chunk(m_db, one, asof);
        return std::move(one.front());
    });
}

std::vector<stored_case_t> case_store_t::load_cases(long long tenant_id, std::vector<long long> const &case_ids)
{
    return guard(m_db, [&] {
        std::vector<stored_case_t> out;
        if (case_ids.empty()) {
            return out;
        }
        std::string const asof = FAR_FUTURE;
        {
            soci::rowset<soci::row> rs = (m_db.sql().prepare << CASE_HEADER_SELECT + "WHERE c.tenant_id = :t AND c.id" +
                                                                   in_ids(m_db, case_ids) + " AND " + VERSION_AS_OF +
                                                                   " ORDER BY c.file_ref",
                                          soci::use(tenant_id), soci::use(asof), soci::use(asof));
            for (auto const &r : rs) {
                out.push_back(case_header(r));
            }
        }
        load_chunk(m_db, out, asof);
        return out;
    });
}

void case_store_t::for_each_case(long long tenant_id, case_filter_t const &filter,
                                 std::function<void(stored_case_t &&)> const &fn, std::size_t chunk)
{
    chunk = std::max<std::size_t>(chunk, 1);
    std::string const asof = filter.as_of.value_or(FAR_FUTURE);
    // Two steps per page, so that each costs the page and not the whole tenant: the next `chunk`
    // Aktenzeichen in order (an index range on cases), then the headers of the cases in that range
    // that the filter admits. One query for both let PostgreSQL sort every case of the tenant per
    // page (it cannot estimate the newest-version condition): O(N) per page, O(N^2) per month.
    std::string const page_q = "SELECT c.file_ref FROM cases c WHERE c.tenant_id = :t AND c.file_ref > :last "
                               "ORDER BY c.file_ref LIMIT " + std::to_string(chunk);
    std::string const q = CASE_HEADER_SELECT + "WHERE c.tenant_id = :t AND c.file_ref > :last AND c.file_ref <= :upto AND " +
                          VERSION_AS_OF + filter_sql(filter) + " ORDER BY c.file_ref";
    std::string last;
    std::vector<stored_case_t> cases;
    while (true) {
        cases.clear();
        std::size_t page = 0;
        std::string upto;
        guard(m_db, [&] {
            {
                std::string ref;
                soci::statement ps = (m_db.sql().prepare << page_q, soci::into(ref), soci::use(tenant_id), soci::use(last));
                ps.execute();
                while (ps.fetch()) {
                    ++page;
                    upto = ref;
                }
            }
            if (page == 0) {
                return;
            }
            soci::row r;
            soci::statement st{m_db.sql()};
            st.exchange(soci::into(r));
            st.exchange(soci::use(tenant_id));
            st.exchange(soci::use(last));
            st.exchange(soci::use(upto));
            st.exchange(soci::use(asof));
            st.exchange(soci::use(asof));
            bind_filter(st, filter);
            st.alloc();
            st.prepare(q);
            st.define_and_bind();
            st.execute();
            while (st.fetch()) {
                cases.push_back(case_header(r));
            }
            load_chunk(m_db, cases, asof, filter.parts);
        });
        if (page == 0) {
            return;
        }
        last = upto;
        for (auto &sc : cases) {
            fn(std::move(sc));
        }
        if (page < chunk) {
            return;
        }
    }
}

} // namespace sozbatch::db
