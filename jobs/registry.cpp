// SPDX-License-Identifier: GPL-3.0-or-later
/// \file
/// \brief The one table of commands. No other file registers a command.
#include "jobs/calc_job.hpp"
#include "jobs/bank_import_job.hpp"
#include "jobs/cases_jobs.hpp"
#include "jobs/claims_jobs.hpp"
#include "jobs/explain_job.hpp"
#include "jobs/params_jobs.hpp"
#include "jobs/status_job.hpp"
#include "jobs/db_jobs.hpp"
#include "jobs/import_job.hpp"
#include "jobs/notices_job.hpp"
#include "jobs/notices_preview_job.hpp"
#include "jobs/job.hpp"
#include "jobs/match118_export_job.hpp"
#include "jobs/match118_hits_jobs.hpp"
#include "jobs/match118_import_job.hpp"
#include "jobs/pay_export_job.hpp"
#include "jobs/pay_prepare_job.hpp"
#include "jobs/pay_release_job.hpp"
#include "jobs/pension151_jobs.hpp"
#include "jobs/report_job.hpp"
#include "jobs/run_month_job.hpp"
#include "jobs/security_archive_jobs.hpp"
#include "jobs/security_audit_jobs.hpp"
#include "jobs/security_operators_jobs.hpp"

namespace sozbatch::jobs {

namespace {
template <typename T>
std::unique_ptr<job_t> make() { return std::make_unique<T>(); }
using enum security::permission_t; // the permission each command needs (docs/security.md)
} // namespace

std::vector<job_info_t> const &job_table()
{
    static std::vector<job_info_t> const table{
        {"db migrate", "", "create or upgrade the database schema", &make<db_migrate_job_t>, db_owner},
        {"db status", "", "show the schema version and pending migrations", &make<db_status_job_t>, db_owner},
        {"import", "FILE.xml...", "load approved case data (case-import XML)", &make<import_job_t>, case_edit},
        {"cases list", "", "list cases with law, work group, state and version", &make<cases_list_job_t>, case_read},
        {"cases show", "AKTENZEICHEN", "show one case with members, approvals, needs and incomes", &make<cases_show_job_t>, case_read},
        {"calc", "--month YYYY-MM", "calculate every approved case for a month and keep the versioned results", &make<calc_job_t>, payment_prepare},
        {"run-month", "--month YYYY-MM [--dry-run] [--force STEP --reason TEXT]", "the month as one run: calc, pay prepare, notices; after the release export and hand-over", &make<run_month_job_t>, payment_prepare},
        {"status", "[--json]", "runs with state, counts and sums, pending releases, held orders, last errors", &make<status_job_t>, case_read},
        {"explain", "AKTENZEICHEN --month YYYY-MM", "print the Berechnungsbogen of a case-month", &make<explain_job_t>, case_read},
        {"pay prepare", "--month YYYY-MM [--force --reason TEXT]", "prepare a payment run from the month's results and open differences", &make<pay_prepare_job_t>, payment_prepare},
        {"pay release", "RUN [--refuse --reason TEXT]", "release a prepared payment run (second operator, four eyes)", &make<pay_release_job_t>, payment_release},
        {"pay export", "RUN", "write the released run's pain.001 files, cash list and run protocol", &make<pay_export_job_t>, payment_prepare},
        {"report", "--run RUN | --month YYYY-MM [--out DIR]", "write the run report: totals by law and channel, month-over-month comparison, 12-month chart (HTML, PDF, SVG, PNG)", &make<report_job_t>, case_read},
        {"bank import", "FILE", "import a pain.002 (rejects) or camt.054 (returns) from the bank", &make<bank_import_job_t>, payment_prepare},
        {"bank returns", "", "list rejected and returned payments and payment stops", &make<bank_returns_job_t>, case_read},
        {"claims list", "[--case AKTENZEICHEN] [--state STATE]", "list the claims Überzahlungen became and what later runs offset", &make<claims_list_job_t>, case_read},
        {"notices", "--month YYYY-MM", "write the month's Bescheide as print batches sorted by postcode (no letter twice)", &make<notices_job_t>, payment_prepare},
        {"notices preview", "AKTENZEICHEN --month YYYY-MM", "render one Bescheid to PDF and its first page to PNG", &make<notices_preview_job_t>, case_read},
        {"match118 export", "--quarter YYYYQn [--resend --reason TEXT]", "write the § 118 SGB XII Datenabgleich request file for a quarter", &make<match118_export_job_t>, case_edit},
        {"match118 import", "FILE [--accept-valid]", "read a § 118 answer file into hits; delete the data of persons without findings", &make<match118_import_job_t>, case_edit},
        {"match118 hits", "[--state STATE]", "list the § 118 hits of your work groups", &make<match118_hits_job_t>, case_read},
        {"match118 review", "HIT --state checked-no-effect|overpayment-claim [--note TEXT]", "record the review of a § 118 hit", &make<match118_review_job_t>, case_edit},
        {"pension151 export", "[--key-date YYYY-MM-DD] [--resend --reason TEXT]", "write the § 151 SGB VI pension query (provisional layout)", &make<pension151_export_job_t>, case_edit},
        {"pension151 import", "FILE [--accept-valid]", "read a § 151 pension answer into income proposals", &make<pension151_import_job_t>, case_edit},
        {"pension151 proposals", "[--state STATE]", "list the income proposals of your work groups", &make<pension151_proposals_job_t>, case_read},
        {"pension151 decide", "PROPOSAL --state accepted|rejected [--note TEXT]", "accept or reject an income proposal (no automatic change)", &make<pension151_decide_job_t>, case_edit},
        {"params show", "[--date YYYY-MM-DD]", "print the legal parameters in force on a day", &make<params_show_job_t>, case_read},
        {"params check", "[--month YYYY-MM]", "list unverified parameter values and missing required ones", &make<params_check_job_t>, case_read},
        {"operators bootstrap", "--login NAME", "create the first administrator (only while no operator exists)", &make<operators_bootstrap_job_t>, bootstrap},
        {"operators add", "LOGIN", "add an operator with roles and work groups", &make<operators_add_job_t>, admin},
        {"operators list", "", "list operators with roles, work groups and state", &make<operators_list_job_t>, admin},
        {"operators grant", "LOGIN ROLE...", "grant roles to an operator", &make<operators_grant_job_t>, admin},
        {"operators revoke", "LOGIN ROLE...", "revoke roles from an operator", &make<operators_revoke_job_t>, admin},
        {"operators passwd", "LOGIN", "set an operator's password (SQLite) and unlock it", &make<operators_passwd_job_t>, admin},
        {"operators assign-group", "LOGIN WORK-GROUP...", "assign an operator to work groups (--remove: take away)", &make<operators_assign_group_job_t>, admin},
        {"operators disable", "LOGIN", "disable an operator (--enable: enable again)", &make<operators_disable_job_t>, admin},
        {"protocol", "", "show the login/system protocol", &make<protocol_job_t>, protocol_read},
        {"audit verify", "", "recompute the write log's hash chain and report the first broken entry", &make<audit_verify_job_t>, audit},
        {"archive hand-over", "", "record closed cases as handed over to the archive", &make<archive_hand_over_job_t>, admin},
        {"archive purge", "--order REF", "delete personal data of archived cases past retention (export first)", &make<archive_purge_job_t>, admin},
    };
    return table;
}

} // namespace sozbatch::jobs
