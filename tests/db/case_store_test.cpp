// SPDX-License-Identifier: GPL-3.0-or-later
#include "db_fixture.hpp"
#include "erika_bundle.hpp"

#include "lib/core/error.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/migrations.hpp"

using namespace sozbatch;
using namespace sozbatch::domain;
using sozbatch::testing::db_test;
using sozbatch::testing::erika_bundle;
using sozbatch::testing::erika_payee;

namespace {

char const *const T0 = "2026-11-01T08:00:00Z";
char const *const T1 = "2026-11-15T08:00:00Z";

case_bundle_t sample_bundle()
{
    auto b = erika_bundle();
    b.work_group_names.emplace_back("SG-SUED", "Sachgebiet Süd");
    b.persons.front().vsnr = "15070649C103";
    b.payees.push_back(erika_payee());
    auto &c = b.cases.front();
    c.approvals.push_back(approval_t{"B1", period_t{parse_date("2026-01-01"), parse_date("2026-12-31")}, "Sachbearbeiterin A",
                                     parse_timestamp("2025-12-01T10:00:00Z"), approval_state_t::approved});
    c.needs.push_back(need_t{"P1", "merkzeichen-g", std::nullopt, std::nullopt, period_t{parse_date("2020-01-01"), std::nullopt}, ""});
    income_t in;
    in.person_id = "P1";
    in.kind = "widow-pension";
    in.gross = money_t::parse("325.00");
    in.validity = period_t{parse_date("2020-01-01"), std::nullopt};
    c.incomes.push_back(in);
    housing_t h;
    h.basic_rent = money_t::euros(285);
    h.service_charges = money_t::euros(50);
    h.heating = money_t::euros(35);
    h.validity = period_t{parse_date("2020-01-01"), std::nullopt};
    c.housing.push_back(h);
    c.assignments.push_back(assignment_t{"Z1", assignment_purpose_t::benefit, std::nullopt,
                                         period_t{parse_date("2020-01-01"), std::nullopt}});
    return b;
}

long long count(db::database_t &db, std::string const &table)
{
    long long n = 0;
    db.sql() << "SELECT COUNT(*) FROM " + table, soci::into(n);
    return n;
}

} // namespace

class migrations_test : public db_test
{};

TEST_P(migrations_test, MigrateCreatesSchemaOnceAndStatusIsCurrent)
{
    auto const first = db::migrate(db(), T0);
    ASSERT_FALSE(first.empty());
    auto const st = db::schema_status(db());
    EXPECT_EQ(st.current, st.latest);
    EXPECT_TRUE(st.pending.empty());
    EXPECT_TRUE(db::migrate(db(), T1).empty());
    EXPECT_NO_THROW(db::require_current_schema(db()));
}

TEST_P(migrations_test, UnknownNewerVersionIsRefused)
{
    db::migrate(db(), T0);
    db().sql() << "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, 'future', 'x', 'y')";
    EXPECT_THROW(db::require_current_schema(db()), db_error);
    EXPECT_THROW(db::migrate(db(), T1), db_error);
}

TEST_P(migrations_test, EmptyDatabaseIsNotCurrent)
{
    EXPECT_THROW(db::require_current_schema(db()), db_error);
}

SOZBATCH_BOTH_BACKENDS(migrations_test);

class case_store_test : public db_test
{
protected:
    void SetUp() override
    {
        db_test::SetUp();
        if (!IsSkipped() && !HasFatalFailure()) {
            db::migrate(db(), T0);
        }
    }
};

TEST_P(case_store_test, ImportStoresEverythingAndReadsItBack)
{
    db::case_store_t store{db()};
    auto const b = sample_bundle();
    auto const s = store.import_bundle(b, "a.xml", "sha-a", "tester", T0);
    EXPECT_EQ(s.persons_new, 1);
    EXPECT_EQ(s.payees_new, 1);
    EXPECT_EQ(s.cases_new, 1);
    auto const tenant = *store.find_tenant("kiel");
    auto const sc = store.load_case(tenant, "50.1-0001");
    ASSERT_TRUE(sc.has_value());
    EXPECT_EQ(sc->version, 1);
    EXPECT_EQ(db::canonical(sc->data), db::canonical(b.cases[0]));
    ASSERT_EQ(sc->persons.size(), 1u);
    EXPECT_EQ(db::canonical(sc->persons[0]), db::canonical(b.persons[0]));
    ASSERT_EQ(sc->payees.size(), 1u);
    EXPECT_EQ(sc->payees[0].iban, "DE89370400440532013000");
    EXPECT_EQ(sc->data.housing[0].basic_rent.as_cents(), 28500);
}

TEST_P(case_store_test, SameFileTwiceChangesNothing)
{
    db::case_store_t store{db()};
    auto const b = sample_bundle();
    store.import_bundle(b, "a.xml", "sha-a", "tester", T0);
    auto const before = count(db(), "case_versions") + count(db(), "person_versions") + count(db(), "import_files");
    auto const again = store.import_bundle(b, "a.xml", "sha-a", "tester", T1);
    EXPECT_TRUE(again.already_imported);
    EXPECT_EQ(count(db(), "case_versions") + count(db(), "person_versions") + count(db(), "import_files"), before);
    // the same content in another file writes no new versions either
    auto const other = store.import_bundle(b, "b.xml", "sha-b", "tester", T1);
    EXPECT_FALSE(other.already_imported);
    EXPECT_EQ(other.records_written(), 0);
    EXPECT_EQ(other.cases_same, 1);
    EXPECT_EQ(count(db(), "case_versions"), 1);
}

TEST_P(case_store_test, ChangedRecordBecomesNewVersionAndOldStaysReadable)
{
    db::case_store_t store{db()};
    auto b = sample_bundle();
    store.import_bundle(b, "a.xml", "sha-a", "tester", T0);
    b.cases[0].incomes[0].gross = money_t::parse("340.00");
    b.persons[0].address.street = "Neue Straße";
    auto const s = store.import_bundle(b, "b.xml", "sha-b", "tester", T1);
    EXPECT_EQ(s.cases_changed, 1);
    EXPECT_EQ(s.persons_changed, 1);
    auto const tenant = *store.find_tenant("kiel");
    auto const now = store.load_case(tenant, "50.1-0001");
    ASSERT_TRUE(now);
    EXPECT_EQ(now->version, 2);
    EXPECT_EQ(now->data.incomes[0].gross.as_cents(), 34000);
    EXPECT_EQ(now->persons[0].address.street, "Neue Straße");
    auto const then = store.load_case(tenant, "50.1-0001", std::string{"2026-11-10T00:00:00Z"});
    ASSERT_TRUE(then);
    EXPECT_EQ(then->version, 1);
    EXPECT_EQ(then->data.incomes[0].gross.as_cents(), 32500);
    EXPECT_EQ(then->persons[0].address.street, "Beispielweg");
    EXPECT_EQ(count(db(), "incomes"), 2); // never overwritten
}

TEST_P(case_store_test, FailedImportWritesNothing)
{
    db::case_store_t store{db()};
    auto b = sample_bundle();
    b.cases[0].members[0].person_id = "P-UNKNOWN";
    EXPECT_THROW(store.import_bundle(b, "bad.xml", "sha-bad", "tester", T0), input_error);
    EXPECT_EQ(count(db(), "persons"), 0);
    EXPECT_EQ(count(db(), "import_files"), 0);
    EXPECT_EQ(count(db(), "cases"), 0);
}

TEST_P(case_store_test, LaterFileNamesPersonsAndPayeesOfAnEarlierFile)
{
    // the import looks up only the keys a file names (docs/scaling.md, "How the import reads a file without holding it"): a case of the
    // second file whose members and payee were imported with the first file still finds them
    db::case_store_t store{db()};
    auto const a = sample_bundle();
    store.import_bundle(a, "a.xml", "sha-a", "tester", T0);
    auto b = sample_bundle();
    b.persons.clear();
    b.payees.clear();
    b.cases[0].file_ref = "50.1-0002";
    auto const s = store.import_bundle(b, "b.xml", "sha-b", "tester", T1);
    EXPECT_EQ(s.cases_new, 1);
    EXPECT_EQ(s.persons_new + s.persons_changed + s.persons_same, 0);
    auto const tenant = *store.find_tenant("kiel");
    auto const first = store.load_case(tenant, "50.1-0001");
    auto const second = store.load_case(tenant, "50.1-0002");
    ASSERT_TRUE(first && second);
    ASSERT_EQ(second->persons.size(), 1u);
    EXPECT_EQ(db::canonical(second->persons[0]), db::canonical(a.persons[0]));
    ASSERT_EQ(second->payees.size(), 1u);
    EXPECT_EQ(second->payees[0].iban, "DE89370400440532013000");
    EXPECT_EQ(count(db(), "persons"), 1);
    EXPECT_EQ(count(db(), "payees"), 1);

    // a person neither in the file nor imported before is refused by name, nothing written
    auto bad = b;
    bad.cases[0].file_ref = "50.1-0003";
    bad.cases[0].incomes[0].person_id = "P-NEVER";
    try {
        store.import_bundle(bad, "c.xml", "sha-c", "tester", T1);
        FAIL() << "an unknown person was accepted";
    } catch (input_error const &e) {
        EXPECT_NE(std::string{e.what()}.find("unknown person 'P-NEVER'"), std::string::npos) << e.what();
        EXPECT_EQ(e.where().file, "c.xml");
        EXPECT_EQ(e.where().record, "case 50.1-0003");
    }
    EXPECT_EQ(count(db(), "cases"), 2);
    EXPECT_EQ(count(db(), "import_files"), 2);
}

TEST_P(case_store_test, KeysWithQuotesAndBackslashesAreLookedUpAsText)
{
    // the XSD admits neither, but the store does not rely on it: keys go into the lookup as quoted
    // literals (db::in_texts) and must match themselves, nothing else
    db::case_store_t store{db()};
    auto b = sample_bundle();
    std::string const odd = "P'1\\x' OR '1'='1";
    b.persons[0].ext_id = odd;
    b.payees[0].person_id = odd;
    for (auto &m : b.cases[0].members) {
        m.person_id = odd;
    }
    b.cases[0].needs[0].person_id = odd;
    b.cases[0].incomes[0].person_id = odd;
    b.cases[0].file_ref = "50.1-'\\";
    store.import_bundle(b, "a.xml", "sha-a", "tester", T0);
    auto const again = store.import_bundle(b, "b.xml", "sha-b", "tester", T1);
    EXPECT_EQ(again.persons_same, 1);
    EXPECT_EQ(again.cases_same, 1);
    EXPECT_EQ(again.records_written(), 0);
    b.persons[0].first_names = "Erika Maria";
    auto const changed = store.import_bundle(b, "c.xml", "sha-c", "tester", T1);
    EXPECT_EQ(changed.persons_changed, 1);
    EXPECT_EQ(count(db(), "persons"), 1);
    EXPECT_EQ(count(db(), "person_versions"), 2);
}

TEST_P(case_store_test, ManyRecordsAreMatchedAcrossLookupChunks)
{
    // more keys than one lookup asks for (500): every one is found again, changed ones get version 2
    db::case_store_t store{db()};
    auto const base = sample_bundle();
    case_bundle_t b = base;
    b.persons.clear();
    b.payees.clear();
    b.cases.clear();
    for (int i = 0; i < 1203; ++i) {
        auto p = base.persons[0];
        p.ext_id = "P" + std::to_string(i);
        b.persons.push_back(p);
        auto y = base.payees[0];
        y.ext_id = "Z" + std::to_string(i);
        y.person_id = p.ext_id;
        b.payees.push_back(y);
        auto c = base.cases[0];
        c.file_ref = "50.1-" + std::to_string(10000 + i);
        c.members[0].person_id = c.needs[0].person_id = c.incomes[0].person_id = p.ext_id;
        c.assignments[0].payee_id = y.ext_id;
        b.cases.push_back(c);
    }
    auto const first = store.import_bundle(b, "a.xml", "sha-a", "tester", T0);
    EXPECT_EQ(first.persons_new, 1203);
    EXPECT_EQ(first.cases_new, 1203);
    for (int i = 0; i < 1203; i += 100) {
        b.cases[static_cast<std::size_t>(i)].housing[0].heating = money_t::euros(40);
    }
    auto const second = store.import_bundle(b, "b.xml", "sha-b", "tester", T1);
    EXPECT_EQ(second.persons_same, 1203);
    EXPECT_EQ(second.payees_same, 1203);
    EXPECT_EQ(second.cases_changed, 13);
    EXPECT_EQ(second.cases_same, 1190);
    EXPECT_EQ(count(db(), "cases"), 1203);
    EXPECT_EQ(count(db(), "case_versions"), 1216);
    auto const tenant = *store.find_tenant("kiel");
    auto const c = store.load_case(tenant, "50.1-11200");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->version, 2);
    EXPECT_EQ(c->data.housing[0].heating.as_cents(), 4000);
    ASSERT_EQ(c->persons.size(), 1u);
    EXPECT_EQ(c->persons[0].ext_id, "P1200");
    ASSERT_EQ(c->payees.size(), 1u);
    EXPECT_EQ(c->payees[0].ext_id, "Z1200");
}

TEST_P(case_store_test, WriterStoresAFileInSlicesAndRollsBackUnfinished)
{
    // the import job hands a file to import_writer_t slice by slice while it reads it
    auto const base = sample_bundle();
    case_bundle_t head = base;
    head.persons.clear();
    head.payees.clear();
    head.cases.clear();
    std::vector<person_t> persons;
    std::vector<payee_t> payees;
    std::vector<case_t> cases;
    for (int i = 0; i < 5; ++i) {
        auto p = base.persons[0];
        p.ext_id = "P" + std::to_string(i);
        persons.push_back(p);
        auto y = base.payees[0];
        y.ext_id = "Z" + std::to_string(i);
        y.person_id = p.ext_id;
        payees.push_back(y);
        auto c = base.cases[0];
        c.file_ref = "50.1-000" + std::to_string(i);
        c.members[0].person_id = c.needs[0].person_id = c.incomes[0].person_id = p.ext_id;
        c.assignments[0].payee_id = y.ext_id;
        cases.push_back(c);
    }
    auto slices = [](auto const &v, std::size_t from, std::size_t to) {
        return std::vector<typename std::decay_t<decltype(v)>::value_type>(v.begin() + static_cast<long>(from),
                                                                             v.begin() + static_cast<long>(to));
    };
    {
        // not finished: nothing stays
        db::import_writer_t w{db(), "a.xml", "sha-a", "tester", T0};
        ASSERT_TRUE(w.begin(head));
        w.persons(persons);
        w.payees(payees);
        w.cases(cases);
    }
    EXPECT_EQ(count(db(), "import_files"), 0);
    EXPECT_EQ(count(db(), "persons"), 0);
    EXPECT_EQ(count(db(), "case_versions"), 0);

    db::import_writer_t w{db(), "a.xml", "sha-a", "tester", T0};
    ASSERT_TRUE(w.begin(head));
    w.persons(slices(persons, 0, 2));
    w.persons(slices(persons, 2, 5));
    w.payees(slices(payees, 0, 3));
    w.payees(slices(payees, 3, 5));
    w.cases(slices(cases, 0, 1)); // a case of the first slice names a person of the first persons' slice
    w.cases(slices(cases, 1, 5)); // and of the second
    auto const s = w.finish();
    EXPECT_EQ(s.persons_new, 5);
    EXPECT_EQ(s.payees_new, 5);
    EXPECT_EQ(s.cases_new, 5);
    long long records_new = 0;
    db().sql() << "SELECT records_new FROM import_files WHERE id = :id", soci::into(records_new), soci::use(s.import_file_id);
    EXPECT_EQ(records_new, 15);
    auto const tenant = *db::case_store_t{db()}.find_tenant("kiel");
    auto const c = db::case_store_t{db()}.load_case(tenant, "50.1-0004");
    ASSERT_TRUE(c);
    ASSERT_EQ(c->persons.size(), 1u);
    EXPECT_EQ(c->persons[0].ext_id, "P4");
    ASSERT_EQ(c->payees.size(), 1u);
    EXPECT_EQ(c->payees[0].ext_id, "Z4");

    // the same file again: begin() says so, nothing is written
    db::import_writer_t again{db(), "a.xml", "sha-a", "tester", T1};
    EXPECT_FALSE(again.begin(head));
    EXPECT_TRUE(again.finish().already_imported);
    EXPECT_EQ(count(db(), "import_files"), 1);
}

TEST_P(case_store_test, ListFiltersByLawAndWorkGroupAndStreamsAllCases)
{
    db::case_store_t store{db()};
    auto b = sample_bundle();
    for (int i = 2; i <= 7; ++i) {
        auto c = b.cases[0];
        c.file_ref = "50.1-000" + std::to_string(i);
        c.law = i % 2 ? law_t::sgb12_kap3 : law_t::asylblg_3;
        c.work_group = i % 3 ? "SG-NORD" : "SG-SUED";
        b.cases.push_back(c);
    }
    store.import_bundle(b, "a.xml", "sha-a", "tester", T0);
    auto const tenant = *store.find_tenant("kiel");
    EXPECT_EQ(store.list_cases(tenant, {}).size(), 7u);
    db::case_filter_t f;
    f.work_groups = {"SG-SUED"};
    EXPECT_EQ(store.list_cases(tenant, f).size(), 2u); // 3 and 6
    f = {};
    f.law = "AsylbLG-3";
    EXPECT_EQ(store.list_cases(tenant, f).size(), 3u); // 2, 4, 6
    std::vector<std::string> seen;
    store.for_each_case(tenant, {}, [&](db::stored_case_t &&c) { seen.push_back(c.data.file_ref); }, 3);
    ASSERT_EQ(seen.size(), 7u);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

SOZBATCH_BOTH_BACKENDS(case_store_test);
