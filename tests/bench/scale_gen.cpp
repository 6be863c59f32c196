// SPDX-License-Identifier: GPL-3.0-or-later
// Synthetic case data for the scale benchmark (docs/benchmarks.md, "One million cases"):
// N cases of a fictional office with a seeded, realistic mix of laws, household sizes, incomes
// and payees. Every case is derived from (seed, case number) alone, so the data do not depend on
// how they are split into files or batches.
//
//   scale_gen --cases N [--seed S] [--month YYYY-MM] --xml DIR [--per-file K]
//       writes DIR/cases-00001.xml ... in the case-import format (docs/formats/case-import.md),
//       K cases per file (default 10,000), for `sozbatch import`
//   scale_gen --cases N [--seed S] [--month YYYY-MM] --load DB_URL [--batch K]
//       loads the same data straight into a migrated database through the data layer's bulk
//       path (COPY on PostgreSQL), K cases per transaction (default 2,000); the records are
//       exactly those an import of the XML files would write (same content hashes, so a later
//       import of the files finds every record unchanged), the write log records every row
//
// Options: --tenant CODE (default kiel), --now TIMESTAMP (recorded_at of the load, default
// 2025-12-01T06:00:00Z), --month: the benefit month the approvals cover (default 2026-01).
#include "formats/case_import/writer.hpp"
#include "lib/core/error.hpp"
#include "lib/core/identifiers.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/bulk.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/row.hpp"
#include "lib/security/audit.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace sozbatch;
using boost::gregorian::date;

namespace {

// --- deterministic randomness per case ----------------------------------------------------------

/// splitmix64: a small, well-mixed generator; one stream per (seed, case number, purpose).
class rng_t
{
public:
    rng_t(std::uint64_t seed, std::uint64_t n, std::uint64_t salt) : m_s(seed * 0x9E3779B97F4A7C15ULL ^ (n + 1) * 0xBF58476D1CE4E5B9ULL ^ salt) {}
    std::uint64_t next()
    {
        std::uint64_t z = (m_s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [lo, hi].
    long long pick(long long lo, long long hi) { return lo + static_cast<long long>(next() % static_cast<std::uint64_t>(hi - lo + 1)); }
    /// True with probability pct percent.
    bool chance(int pct) { return pick(0, 99) < pct; }
    template <typename T, std::size_t N>
    T const &of(T const (&a)[N])
    {
        return a[pick(0, N - 1)];
    }

private:
    std::uint64_t m_s;
};

char const *const FAMILY[] = {"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
                              "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf",
                              "Schröder", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann",
                              "Hartmann", "Lange", "Jürgensen", "Weiß", "Petersen", "Hansen", "Yılmaz", "Kaya",
                              "Demir", "Şahin", "Nowak", "Kowalski", "Wójcik", "Nguyen", "Tran", "Al-Hassan",
                              "Haddad", "Popescu", "Petrović", "Kovačević", "Ahmadi", "Rahimi", "Ivanenko"};
char const *const FIRST_W[] = {"Anna", "Erika", "Ursula", "Monika", "Sabine", "Jana", "Leonie", "Ayşe", "Fatma",
                               "Zofia", "Mai", "Amira", "Olena", "Maria", "Gisela", "Renate", "Helga", "Sophie"};
char const *const FIRST_M[] = {"Peter", "Klaus", "Hans-Jürgen", "Jörg", "Uwe", "Stefan", "Lukas", "Mehmet",
                               "Ahmet", "Łukasz", "Tomasz", "Minh", "Omar", "Yusuf", "Dmytro", "Heinz", "Dieter"};
char const *const STREET[] = {"Holstenstraße", "Dänische Straße", "Knooper Weg", "Gaardener Ring",
                              "Elisabethstraße", "Mettenhof-Allee", "Preetzer Straße", "Ostring", "Westring",
                              "Hamburger Chaussee", "Schönberger Straße", "Kronshagener Weg"};
char const *const POSTCODE[] = {"24103", "24105", "24106", "24109", "24113", "24114", "24116", "24143", "24145", "24148"};
char const *const BLZ[] = {"21050170", "21060237", "21090007", "21040010", "10010010", "20050550"};

/// German IBAN for a bank code and account number (ISO 13616 mod 97).
std::string iban_de(std::string const &blz, unsigned long long account)
{
    char acc[16];
    std::snprintf(acc, sizeof acc, "%010llu", account % 10000000000ULL);
    std::string const digits = blz + acc + "131400"; // D=13 E=14, check digits 00
    unsigned rem = 0;
    for (char const c : digits) {
        rem = (rem * 10 + static_cast<unsigned>(c - '0')) % 97;
    }
    char out[40];
    std::snprintf(out, sizeof out, "DE%02u%s%s", 98 - rem, blz.c_str(), acc);
    return out;
}

/// A Versicherungsnummer for a birth date, birth name and sex (check digit per § 2 Abs. 6 VKVV).
std::string make_vsnr(date birth, std::string const &birth_name, bool female, rng_t &rng)
{
    char letter = 'A';
    for (char const c : birth_name) {
        if (c >= 'A' && c <= 'Z') {
            letter = c;
            break;
        }
    }
    long long const serial = female ? rng.pick(50, 99) : rng.pick(0, 49);
    char first11[40];
    std::snprintf(first11, sizeof first11, "26%02d%02d%02d%c%02lld", static_cast<int>(birth.day()),
                  static_cast<int>(birth.month()), static_cast<int>(birth.year() % 100), letter, serial);
    return std::string{first11} + std::to_string(vsnr_t::check_digit(first11));
}

struct options_t
{
    long long cases = 0;
    std::uint64_t seed = 1;
    std::string tenant = "kiel";
    month_t month{2026, 1};
    std::string now = "2025-12-01T06:00:00Z";
    std::string xml_dir;
    long long per_file = 10000;
    std::string load_url;
    long long batch = 2000;
};

constexpr int WORK_GROUPS = 8;
std::string work_group(int i)
{
    char b[16];
    std::snprintf(b, sizeof b, "SG-%02d", i + 1);
    return b;
}

/// Shared payees: landlords (one per 25 cases) and four energy providers.
long long landlords(long long n) { return std::max(1LL, n / 25); }

std::string landlord_id(long long k)
{
    char b[24];
    std::snprintf(b, sizeof b, "V-%06lld", k + 1);
    return b;
}

domain::payee_t shared_payee(std::string const &id, options_t const &o)
{
    domain::payee_t p;
    p.ext_id = id;
    if (id.starts_with("V-")) {
        long long const k = std::atoll(id.c_str() + 2);
        rng_t rng{o.seed, static_cast<std::uint64_t>(k), 0x1A4D};
        p.kind = domain::payee_kind_t::landlord;
        p.name = std::string{"Wohnungsgesellschaft "} + rng.of(FAMILY) + " " + std::to_string(k) + " GmbH";
        p.iban = iban_de(rng.of(BLZ), rng.next());
        p.address = domain::address_t{rng.of(STREET), std::to_string(rng.pick(1, 180)), rng.of(POSTCODE), "Kiel", "DE", ""};
    } else {
        rng_t rng{o.seed, static_cast<std::uint64_t>(std::atoll(id.c_str() + 2)), 0xE4E};
        p.kind = domain::payee_kind_t::energy_provider;
        char const *const names[] = {"Stadtwerke Kiel AG", "Förde Energie GmbH", "Nord-Strom eG", "Ostsee Gas GmbH"};
        p.name = names[std::atoi(id.c_str() + 2) % 4];
        p.iban = iban_de(rng.of(BLZ), rng.next());
    }
    return p;
}

/// Case number \p i with its persons and its own payees; shared payees it names go to \p shared.
void make_case(options_t const &o, long long i, domain::case_bundle_t &b, std::set<std::string> &shared)
{
    rng_t rng{o.seed, static_cast<std::uint64_t>(i), 0xCA5E};
    domain::case_t c;
    char ref[32];
    std::snprintf(ref, sizeof ref, "50.1-%07lld", i + 1);
    c.file_ref = ref;
    // law mix of a municipal social welfare office (assumption, docs/benchmarks.md)
    long long const lp = rng.pick(0, 99);
    c.law = lp < 45   ? domain::law_t::sgb12_kap4
            : lp < 60 ? domain::law_t::sgb12_kap3
            : lp < 80 ? domain::law_t::asylblg_3
            : lp < 95 ? domain::law_t::asylblg_2
                      : domain::law_t::bvg_kof;
    bool const asyl = c.law == domain::law_t::asylblg_3 || c.law == domain::law_t::asylblg_2;
    bool const kap4 = c.law == domain::law_t::sgb12_kap4;
    c.work_group = work_group(static_cast<int>(rng.pick(0, WORK_GROUPS - 1)));
    c.established_on = c.law == domain::law_t::bvg_kof ? date(static_cast<int>(rng.pick(2005, 2023)), rng.pick(1, 12), 1)
                                                       : date(static_cast<int>(rng.pick(2015, 2025)), rng.pick(1, 10), 1);
    std::optional<date> stay;
    if (asyl) {
        stay = c.law == domain::law_t::asylblg_2 ? date(static_cast<int>(rng.pick(2018, 2022)), rng.pick(1, 12), rng.pick(1, 28))
                                                 : date(2025, rng.pick(1, 10), rng.pick(1, 28));
    }
    std::string const prefix = "P" + std::to_string(i + 1);
    auto add_person = [&](std::string const &suffix, int birth_year, bool female, domain::member_role_t role) {
        domain::person_t p;
        p.ext_id = prefix + suffix;
        p.family_name = FAMILY[(i * 7 + 3) % std::size(FAMILY)];
        p.first_names = female ? rng.of(FIRST_W) : rng.of(FIRST_M);
        date const birth(birth_year, rng.pick(1, 12), rng.pick(1, 28));
        p.birth_date = birth;
        p.sex = female ? domain::sex_t::female : domain::sex_t::male;
        p.nationality = asyl ? (rng.chance(50) ? "475" : rng.chance(50) ? "423" : "166") : (rng.chance(85) ? "000" : "163");
        if (!asyl && role != domain::member_role_t::child && rng.chance(60)) {
            p.vsnr = make_vsnr(birth, p.family_name, female, rng);
        }
        p.address = domain::address_t{rng.of(STREET), std::to_string(rng.pick(1, 200)), rng.of(POSTCODE), "Kiel", "DE",
                                      asyl && rng.chance(40) ? "Gemeinschaftsunterkunft Wik" : ""};
        domain::member_t m;
        m.person_id = p.ext_id;
        m.role = role;
        m.validity = period_t{c.established_on, std::nullopt};
        m.stay_since = stay;
        c.members.push_back(m);
        b.persons.push_back(std::move(p));
    };
    int const adult = kap4 ? static_cast<int>(rng.pick(1936, 1958)) : static_cast<int>(rng.pick(1962, 2004));
    bool const female = rng.chance(55);
    add_person("A", adult, female, domain::member_role_t::applicant);
    int persons = 1;
    if (rng.chance(kap4 ? 25 : 30)) {
        add_person("B", adult + static_cast<int>(rng.pick(-4, 4)), !female, domain::member_role_t::partner);
        ++persons;
    }
    if (!kap4 && rng.chance(asyl ? 45 : 30)) {
        long long const kids = rng.pick(1, asyl ? 4 : 3);
        for (long long k = 0; k < kids; ++k) {
            add_person("K" + std::to_string(k + 1), static_cast<int>(rng.pick(2009, 2024)), rng.chance(50),
                       domain::member_role_t::child);
            ++persons;
        }
    }
    std::string const applicant = c.members.front().person_id;

    // approval: most cover the whole benefit month, some start in it, a few are pending
    domain::approval_t ap;
    ap.ext_id = "B-" + std::to_string(i + 1);
    date const month_start = o.month.first_day();
    ap.period = rng.chance(5) ? period_t{month_start + boost::gregorian::days(rng.pick(1, 25)), month_start + boost::gregorian::days(364)}
                              : period_t{month_start - boost::gregorian::days(rng.pick(0, 300)), month_start + boost::gregorian::days(rng.pick(40, 360))};
    ap.approved_by = "sb-" + std::to_string(rng.pick(1, 40));
    ap.state = rng.chance(2) ? domain::approval_state_t::pending : domain::approval_state_t::approved;
    c.approvals.push_back(ap);

    // dwelling
    domain::housing_t h;
    h.dwelling = asyl && rng.chance(50) ? domain::dwelling_t::gemeinschaftsunterkunft : domain::dwelling_t::wohnung;
    if (h.dwelling == domain::dwelling_t::wohnung) {
        h.basic_rent = money_t::cents(rng.pick(28000, 45000 + 12000 * persons));
        h.service_charges = money_t::cents(rng.pick(5000, 9000 + 3000 * persons));
        h.heating = money_t::cents(rng.pick(4000, 7000 + 2500 * persons));
        h.decentral_hot_water = rng.chance(20);
    }
    h.persons_in_dwelling = persons;
    h.validity = period_t{c.established_on, std::nullopt};
    c.housing.push_back(h);

    // needs
    auto need = [&](std::string kind, std::optional<int> q = std::nullopt) {
        domain::need_t n;
        n.person_id = applicant;
        n.kind = std::move(kind);
        n.quantity = q;
        n.validity = period_t{c.established_on, std::nullopt};
        c.needs.push_back(n);
    };
    if (!asyl && rng.chance(20)) need("merkzeichen-g");
    if (!asyl && !kap4 && rng.chance(15)) need("erwerbsminderung-voll");
    if (!asyl && rng.chance(8)) need("mittagsverpflegung", 19);
    if (c.law == domain::law_t::bvg_kof) need("bvg-beschaedigter", static_cast<int>(rng.pick(3, 10)) * 10);

    // incomes
    auto income = [&](std::string const &person, std::string kind, long long lo, long long hi) {
        domain::income_t in;
        in.person_id = person;
        in.kind = std::move(kind);
        in.gross = money_t::cents(rng.pick(lo, hi));
        in.validity = period_t{c.established_on, std::nullopt};
        c.incomes.push_back(in);
    };
    long long const ip = rng.pick(0, 99);
    if (kap4) {
        if (ip < 70) income(applicant, "pension", 20000, 110000);
        if (ip >= 60 && ip < 75) income(applicant, "widow-pension", 10000, 60000);
        if (ip >= 90) income(applicant, "supplementary-pension", 5000, 30000);
    } else if (ip < 25) {
        income(applicant, "earnings", 20000, 150000);
    } else if (ip < 35) {
        income(applicant, asyl ? "earnings" : "maintenance", 10000, 40000);
    }
    for (auto const &m : c.members) {
        if (m.role == domain::member_role_t::child) {
            income(m.person_id, "kindergeld", 25500, 25500);
        }
    }

    // payees and assignments: the applicant's own account (some without one: cash), a
    // Bezahlkarte for half of the AsylbLG § 3 cases, rent to the landlord for a third of the
    // flats, energy to a provider for a few
    domain::payee_t own;
    own.ext_id = "Z-" + std::to_string(i + 1);
    own.kind = domain::payee_kind_t::person;
    own.name = b.persons[b.persons.size() - static_cast<std::size_t>(persons)].first_names + " " +
               b.persons[b.persons.size() - static_cast<std::size_t>(persons)].family_name;
    if (!rng.chance(4)) {
        own.iban = iban_de(rng.of(BLZ), rng.next());
    }
    own.person_id = applicant;
    auto assign = [&](std::string const &payee, domain::assignment_purpose_t purpose, std::optional<money_t> amount) {
        domain::assignment_t a;
        a.payee_id = payee;
        a.purpose = purpose;
        a.amount = amount;
        a.validity = period_t{c.established_on, std::nullopt};
        c.assignments.push_back(a);
    };
    if (c.law == domain::law_t::asylblg_3 && rng.chance(50)) {
        // Bezahlkarte: the card of the applicant, loaded through the provider's collection account
        own.kind = domain::payee_kind_t::card_provider;
        own.name = "Bezahlkarte " + own.name;
        own.iban.clear();
        char card[32];
        std::snprintf(card, sizeof card, "BK-KI-%07lld", i + 1);
        own.card_ref = card;
    }
    assign(own.ext_id, domain::assignment_purpose_t::benefit, std::nullopt);
    b.payees.push_back(std::move(own));
    if (h.dwelling == domain::dwelling_t::wohnung && rng.chance(33)) {
        std::string const landlord = landlord_id(rng.pick(0, landlords(o.cases) - 1));
        shared.insert(landlord);
        assign(landlord, domain::assignment_purpose_t::rent, std::nullopt);
    }
    if (h.dwelling == domain::dwelling_t::wohnung && rng.chance(5)) {
        std::string const provider = "E-" + std::to_string(rng.pick(1, 4));
        shared.insert(provider);
        assign(provider, domain::assignment_purpose_t::energy, money_t::cents(rng.pick(3000, 9000)));
    }
    b.cases.push_back(std::move(c));
}

domain::case_bundle_t bundle_head(options_t const &o)
{
    domain::case_bundle_t b;
    b.tenant = o.tenant;
    b.tenant_name = "Landeshauptstadt Kiel, Amt für Soziale Dienste (synthetic)";
    b.source = "sozbatch scale_gen seed " + std::to_string(o.seed);
    b.created = parse_timestamp(o.now);
    for (int w = 0; w < WORK_GROUPS; ++w) {
        b.work_groups.push_back(work_group(w));
        b.work_group_names.emplace_back(work_group(w), "Sachgebiet " + std::to_string(w + 1));
    }
    return b;
}

/// The bundle of cases [from, to); with \p with_shared the shared payees they name.
domain::case_bundle_t make_bundle(options_t const &o, long long from, long long to, bool with_shared)
{
    auto b = bundle_head(o);
    std::set<std::string> shared;
    for (long long i = from; i < to; ++i) {
        make_case(o, i, b, shared);
    }
    if (with_shared) {
        for (auto const &id : shared) {
            b.payees.push_back(shared_payee(id, o));
        }
    }
    return b;
}

int write_xml(options_t const &o)
{
    std::filesystem::create_directories(o.xml_dir);
    long long files = 0;
    for (long long from = 0; from < o.cases; from += o.per_file) {
        long long const to = std::min(o.cases, from + o.per_file);
        std::string const xml = formats::write_case_import(make_bundle(o, from, to, true));
        char name[32];
        std::snprintf(name, sizeof name, "cases-%05lld.xml", ++files);
        std::ofstream f{std::filesystem::path{o.xml_dir} / name, std::ios::binary};
        f << xml;
        if (!f.flush()) {
            std::cerr << "scale_gen: cannot write " << name << "\n";
            return 2;
        }
    }
    std::printf("scale_gen: %lld cases in %lld files in %s (seed %llu)\n", o.cases, files, o.xml_dir.c_str(),
                static_cast<unsigned long long>(o.seed));
    return 0;
}

// --- loading through the data layer -------------------------------------------------------------

std::optional<std::string> nullable(std::optional<date_t> const &d)
{
    return d ? std::optional<std::string>{to_iso(*d)} : std::nullopt;
}

class loader_t
{
public:
    loader_t(db::database_t &db, options_t const &o, long long tenant, long long file_id,
             std::map<std::string, long long> const &wg)
    : m_db(db), m_o(o), m_tenant(tenant), m_file(file_id), m_wg(wg)
    {
    }

    /// Payees and their first versions. \returns ext id -> payee id
    std::map<std::string, long long> payees(std::vector<domain::payee_t> const &list)
    {
        db::bulk_rows_t rows{"payees", {"tenant_id", "ext_id"}};
        for (auto const &p : list) {
            rows.add(m_tenant).add(p.ext_id);
        }
        std::map<std::string, long long> ids;
        for (auto const &[id, key] : db::insert_rows_returning(m_db, rows, "ext_id")) {
            ids[key] = id;
        }
        db::bulk_rows_t v{"payee_versions",
                          {"tenant_id", "payee_id", "version", "recorded_at", "import_file_id", "content_hash", "kind",
                           "name", "iban", "bic", "card_ref", "street", "house_no", "postcode", "city", "country",
                           "person_ext_id"}};
        for (auto const &p : list) {
            v.add(m_tenant).add(ids.at(p.ext_id)).add(1).add(m_o.now).add(m_file).add(sha256_hex(db::canonical(p)))
                .add(domain::payee_kind_code(p.kind)).add(p.name).add(p.iban).add(p.bic).add(p.card_ref)
                .add(p.address.street).add(p.address.house_no).add(p.address.postcode).add(p.address.city)
                .add(p.address.country).add(p.person_id);
        }
        db::insert_rows(m_db, v);
        return ids;
    }

    void bundle(domain::case_bundle_t const &b, std::map<std::string, long long> const &shared_payees)
    {
        db::bulk_rows_t persons{"persons", {"tenant_id", "ext_id"}};
        for (auto const &p : b.persons) {
            persons.add(m_tenant).add(p.ext_id);
        }
        std::map<std::string, long long> pid;
        for (auto const &[id, key] : db::insert_rows_returning(m_db, persons, "ext_id")) {
            pid[key] = id;
        }
        db::bulk_rows_t pv{"person_versions",
                           {"tenant_id", "person_id", "version", "recorded_at", "import_file_id", "content_hash",
                            "family_name", "birth_name", "first_names", "birth_date", "birth_place", "sex", "nationality",
                            "vsnr", "steuer_id", "street", "house_no", "postcode", "city", "country", "address_extra",
                            "deceased_on"}};
        for (auto const &p : b.persons) {
            pv.add(m_tenant).add(pid.at(p.ext_id)).add(1).add(m_o.now).add(m_file).add(sha256_hex(db::canonical(p)))
                .add(p.family_name).add(p.birth_name).add(p.first_names).add(nullable(p.birth_date)).add(p.birth_place)
                .add(domain::sex_code(p.sex)).add(p.nationality).add(p.vsnr).add(p.steuer_id).add(p.address.street)
                .add(p.address.house_no).add(p.address.postcode).add(p.address.city).add(p.address.country)
                .add(p.address.extra).add(nullable(p.deceased_on));
        }
        db::insert_rows(m_db, pv);
        auto payee_id = payees(b.payees);
        payee_id.insert(shared_payees.begin(), shared_payees.end());

        db::bulk_rows_t cases{"cases", {"tenant_id", "file_ref"}};
        for (auto const &c : b.cases) {
            cases.add(m_tenant).add(c.file_ref);
        }
        std::map<std::string, long long> cid;
        for (auto const &[id, key] : db::insert_rows_returning(m_db, cases, "file_ref")) {
            cid[key] = id;
        }
        db::bulk_rows_t cv{"case_versions",
                           {"tenant_id", "case_id", "version", "recorded_at", "import_file_id", "content_hash", "law",
                            "work_group_id", "state", "established_on", "closed_on"}};
        for (auto const &c : b.cases) {
            cv.add(m_tenant).add(cid.at(c.file_ref)).add(1).add(m_o.now).add(m_file).add(sha256_hex(db::canonical(c)))
                .add(domain::law_code(c.law)).add(m_wg.at(c.work_group)).add(c.closed ? "closed" : "open")
                .add(to_iso(c.established_on)).add(nullable(c.closed_on));
        }
        std::map<long long, long long> cvid; // case id -> case version id
        for (auto const &[id, key] : db::insert_rows_returning(m_db, cv, "case_id")) {
            cvid[std::stoll(key)] = id;
        }
        db::bulk_rows_t members{"case_members", {"tenant_id", "case_version_id", "person_id", "role", "valid_from",
                                                 "valid_to", "stay_since"}};
        db::bulk_rows_t approvals{"approvals", {"tenant_id", "case_version_id", "ext_id", "period_from", "period_to",
                                                "approved_by", "approved_at", "state"}};
        db::bulk_rows_t needs{"needs", {"tenant_id", "case_version_id", "person_id", "kind", "amount_cents", "quantity",
                                        "valid_from", "valid_to", "note"}};
        db::bulk_rows_t incomes{"incomes", {"tenant_id", "case_version_id", "person_id", "kind", "gross_cents",
                                            "taxes_cents", "social_cents", "insurance_cents", "work_expenses_cents",
                                            "valid_from", "valid_to", "spread_months", "grundrente_33y", "note"}};
        db::bulk_rows_t housing{"housing", {"tenant_id", "case_version_id", "dwelling", "basic_rent_cents",
                                            "service_charges_cents", "heating_cents", "decentral_hot_water",
                                            "persons_in_dwelling", "valid_from", "valid_to"}};
        db::bulk_rows_t assignments{"payment_assignments", {"tenant_id", "case_version_id", "payee_id", "purpose",
                                                            "amount_cents", "valid_from", "valid_to"}};
        auto opt_cents = [](std::optional<money_t> const &m) {
            return m ? std::optional<long long>{m->as_cents()} : std::nullopt;
        };
        auto opt_int = [](std::optional<int> const &i) { return i ? std::optional<long long>{*i} : std::nullopt; };
        for (auto const &c : b.cases) {
            long long const v = cvid.at(cid.at(c.file_ref));
            for (auto const &m : c.members) {
                members.add(m_tenant).add(v).add(pid.at(m.person_id)).add(domain::member_role_code(m.role))
                    .add(to_iso(m.validity.from())).add(nullable(m.validity.to())).add(nullable(m.stay_since));
            }
            for (auto const &a : c.approvals) {
                approvals.add(m_tenant).add(v).add(a.ext_id).add(to_iso(a.period.from())).add(nullable(a.period.to()))
                    .add(a.approved_by).add(a.approved_at ? std::optional<std::string>{to_iso(*a.approved_at)} : std::nullopt)
                    .add(domain::approval_state_code(a.state));
            }
            for (auto const &n : c.needs) {
                needs.add(m_tenant).add(v).add(n.person_id.empty() ? std::nullopt : std::optional<long long>{pid.at(n.person_id)})
                    .add(n.kind).add(opt_cents(n.amount)).add(opt_int(n.quantity)).add(to_iso(n.validity.from()))
                    .add(nullable(n.validity.to())).add(n.note);
            }
            for (auto const &in : c.incomes) {
                incomes.add(m_tenant).add(v).add(pid.at(in.person_id)).add(in.kind).add(in.gross.as_cents())
                    .add(in.taxes.as_cents()).add(in.social_insurance.as_cents()).add(in.insurance_premiums.as_cents())
                    .add(in.work_expenses.as_cents()).add(to_iso(in.validity.from())).add(nullable(in.validity.to()))
                    .add(opt_int(in.spread_months)).add(in.grundrentenzeiten_33_years ? 1 : 0).add(in.note);
            }
            for (auto const &h : c.housing) {
                housing.add(m_tenant).add(v).add(domain::dwelling_code(h.dwelling)).add(h.basic_rent.as_cents())
                    .add(h.service_charges.as_cents()).add(h.heating.as_cents()).add(h.decentral_hot_water ? 1 : 0)
                    .add(h.persons_in_dwelling).add(to_iso(h.validity.from())).add(nullable(h.validity.to()));
            }
            for (auto const &a : c.assignments) {
                assignments.add(m_tenant).add(v).add(payee_id.at(a.payee_id))
                    .add(domain::assignment_purpose_code(a.purpose)).add(opt_cents(a.amount))
                    .add(to_iso(a.validity.from())).add(nullable(a.validity.to()));
            }
        }
        for (auto *rows : {&members, &approvals, &needs, &incomes, &housing, &assignments}) {
            db::insert_rows(m_db, *rows);
        }
    }

private:
    db::database_t &m_db;
    options_t const &m_o;
    long long m_tenant, m_file;
    std::map<std::string, long long> const &m_wg;
};

int load(options_t const &o)
{
    db::database_t db{o.load_url, "scale_gen", true};
    security::attach_connection(db, "scale-gen");
    security::set_audit_context(db, "scale-gen", o.now);
    db::case_store_t store{db};
    auto const head = bundle_head(o);
    std::string const sha = sha256_hex(head.source + " cases " + std::to_string(o.cases) + " month " + o.month.to_string());
    long long tenant = 0, file_id = 0;
    std::map<std::string, long long> wg, shared_ids;
    db::guard(db, [&] {
        soci::transaction tr{db.sql()};
        tenant = store.ensure_tenant(o.tenant, head.tenant_name, o.now);
        long long n = 0;
        db.sql() << "SELECT COUNT(*) FROM import_files WHERE tenant_id = :t AND sha256 = :s", soci::into(n),
            soci::use(tenant), soci::use(sha);
        if (n > 0) {
            throw usage_error{"these synthetic cases were loaded into the database before"};
        }
        for (auto const &[code, name] : head.work_group_names) {
            long long id = 0;
            soci::indicator ind = soci::i_null;
            db.sql() << "SELECT id FROM work_groups WHERE tenant_id = :t AND code = :c", soci::into(id, ind),
                soci::use(tenant), soci::use(code);
            if (!db.sql().got_data() || ind == soci::i_null) {
                db.sql() << "INSERT INTO work_groups (tenant_id, code, name) VALUES (:t, :c, :n) RETURNING id",
                    soci::into(id), soci::use(tenant), soci::use(code), soci::use(name);
            }
            wg[code] = id;
        }
        long long const total = o.cases;
        long long const zero = 0;
        std::string const file_name = "scale_gen-" + std::to_string(o.cases) + ".load";
        std::string const who = "scale-gen";
        db.sql() << "INSERT INTO import_files (tenant_id, sha256, file_name, source, imported_at, operator, records_new, "
                    "records_same) VALUES (:t, :s, :f, :src, :a, :o, :n, :z) RETURNING id",
            soci::into(file_id), soci::use(tenant), soci::use(sha), soci::use(file_name), soci::use(head.source),
            soci::use(o.now), soci::use(who), soci::use(total), soci::use(zero);
        std::vector<domain::payee_t> shared;
        for (long long k = 0; k < landlords(o.cases); ++k) {
            shared.push_back(shared_payee(landlord_id(k), o));
        }
        for (int e = 1; e <= 4; ++e) {
            shared.push_back(shared_payee("E-" + std::to_string(e), o));
        }
        loader_t l{db, o, tenant, file_id, wg};
        shared_ids = l.payees(shared);
        tr.commit();
    });
    loader_t l{db, o, tenant, file_id, wg};
    for (long long from = 0; from < o.cases; from += o.batch) {
        long long const to = std::min(o.cases, from + o.batch);
        auto const b = make_bundle(o, from, to, false);
        db::guard(db, [&] {
            soci::transaction tr{db.sql()};
            l.bundle(b, shared_ids);
            tr.commit();
        });
    }
    std::printf("scale_gen: %lld cases loaded into %s, tenant %s (seed %llu)\n", o.cases, db.display_url().c_str(),
                o.tenant.c_str(), static_cast<unsigned long long>(o.seed));
    return 0;
}

[[noreturn]] void usage()
{
    std::cerr << "usage: scale_gen --cases N [--seed S] [--tenant CODE] [--month YYYY-MM] [--now TS]\n"
                 "                 (--xml DIR [--per-file K] | --load DB_URL [--batch K])\n";
    std::exit(2);
}

} // namespace

int main(int argc, char **argv)
{
    options_t o;
    for (int i = 1; i < argc; ++i) {
        std::string const a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
            }
            return argv[++i];
        };
        if (a == "--cases") o.cases = std::atoll(value().c_str());
        else if (a == "--seed") o.seed = std::strtoull(value().c_str(), nullptr, 10);
        else if (a == "--tenant") o.tenant = value();
        else if (a == "--month") o.month = month_t::parse(value());
        else if (a == "--now") o.now = value();
        else if (a == "--xml") o.xml_dir = value();
        else if (a == "--per-file") o.per_file = std::atoll(value().c_str());
        else if (a == "--load") o.load_url = value();
        else if (a == "--batch") o.batch = std::atoll(value().c_str());
        else usage();
    }
    if (o.cases <= 0 || o.per_file <= 0 || o.batch <= 0 || o.xml_dir.empty() == o.load_url.empty()) {
        usage();
    }
    try {
        return o.xml_dir.empty() ? load(o) : write_xml(o);
    } catch (std::exception const &e) {
        std::cerr << "scale_gen: " << e.what() << "\n";
        return 2;
    }
}
