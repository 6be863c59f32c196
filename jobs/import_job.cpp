// SPDX-License-Identifier: GPL-3.0-or-later
#include "jobs/import_job.hpp"

#include "formats/case_import/reader.hpp"
#include "lib/core/log.hpp"
#include "lib/core/progress.hpp"
#include "lib/core/sha256.hpp"
#include "lib/db/case_store.hpp"

#include <map>
#include <optional>
#include <ostream>
#include <sstream>

namespace sozbatch::jobs {

void import_job_t::add_options(po::options_description &d, po::positional_options_description &p)
{
    d.add_options()("file", po::value(&m_files)->multitoken(), "case-import XML file(s)");
    p.add("file", -1);
}

void import_job_t::setup(po::variables_map const &)
{
    if (m_files.empty()) {
        throw usage_error{"import needs at least one FILE.xml"};
    }
}

namespace {

/// What the import does with a file while it is read (formats::read_case_import_stream): checks
/// the tenant and the operator's work groups, counts the cases by law, and, given a writer, stores
/// the records slice by slice.
class import_sink_t final : public formats::case_import_sink_t
{
public:
    import_sink_t(job_context_t &ctx, std::string path, db::import_writer_t *writer)
    : m_ctx(ctx), m_path(std::move(path)), m_writer(writer)
    {
    }

    bool head(domain::case_bundle_t const &head) override
    {
        m_tenant = head.tenant;
        if (!m_ctx.options().tenant.empty() && head.tenant != m_ctx.options().tenant) {
            throw usage_error{m_path + " is for tenant '" + head.tenant + "', not '" + m_ctx.options().tenant + "'"};
        }
        return m_writer == nullptr || m_writer->begin(head); // false: imported before, nothing more to read
    }
    void persons(std::vector<domain::person_t> &&slice) override
    {
        if (m_writer != nullptr) {
            m_writer->persons(slice);
        }
    }
    void payees(std::vector<domain::payee_t> &&slice) override
    {
        if (m_writer != nullptr) {
            m_writer->payees(slice);
        }
    }
    void cases(std::vector<domain::case_t> &&slice) override
    {
        for (auto const &c : slice) { // an operator imports only cases of their work groups (docs/security.md)
            if (!m_denied && !m_ctx.may_see_work_group(c.work_group)) {
                m_denied = m_path + ": case " + c.file_ref + " is in work group " + c.work_group +
                           ", which is not one of operator " + m_ctx.operator_login() + "'s work groups";
            }
            ++m_by_law[std::string{domain::law_code(c.law)}];
        }
        if (m_denied && m_writer != nullptr) {
            throw access_error{*m_denied};
        }
        if (m_writer != nullptr) {
            m_writer->cases(slice);
        }
    }

    /// The first case of a work group the operator does not hold (when checking, the whole file is
    /// read first, so that a bad file is reported as such).
    std::optional<std::string> const &denied() const noexcept { return m_denied; }
    std::string const &tenant() const noexcept { return m_tenant; }
    std::map<std::string, int> const &by_law() const noexcept { return m_by_law; }

private:
    job_context_t &m_ctx;
    std::string m_path;
    db::import_writer_t *m_writer;
    std::string m_tenant;
    std::optional<std::string> m_denied;
    std::map<std::string, int> m_by_law;
};

} // namespace

exit_code_t import_job_t::run(job_context_t &ctx)
{
    // Memory holds one slice of records, whatever the number and size of the files
    // (docs/scaling.md, "How the import reads a file without holding it"): with several files, a first pass reads and checks every file
    // record by record and keeps its SHA-256; then each file is read (again) and stored slice by
    // slice in one transaction, committed only if the whole file is valid and still the one
    // checked. So nothing is written unless every file is valid.
    struct checked_t
    {
        std::string path;
        std::string sha256;
    };
    std::vector<checked_t> checked;
    if (m_files.size() == 1) {
        // one file needs no first pass: a finding rolls its transaction back
        checked.push_back(checked_t{m_files.front(), sha256_file(m_files.front())});
    } else {
        progress_t bar{"files checked", m_files.size()}; // on a terminal only
        for (auto const &f : m_files) {
            import_sink_t check{ctx, f, nullptr};
            std::string sha256 = formats::read_case_import_file_stream(f, check);
            if (check.denied()) {
                throw access_error{*check.denied()};
            }
            checked.push_back(checked_t{f, std::move(sha256)});
            bar.step();
        }
        bar.finish();
    }
    // a bar of the files stored; each file's report is printed when the bar is done (also when a
    // later file fails: the files stored before it stay stored and are reported)
    struct reports_t
    {
        progress_t bar;
        std::ostringstream text;
        std::ostream &out;
        ~reports_t()
        {
            bar.finish();
            out << text.str();
        }
    } reports{progress_t{"files stored", checked.size()}, {}, ctx.out()};
    for (auto const &l : checked) {
        db::import_writer_t writer{ctx.db(), l.path, l.sha256, ctx.operator_login(), ctx.now_iso()};
        import_sink_t sink{ctx, l.path, &writer};
        // the file's SHA-256 is of exactly the bytes stored; it must be the one checked, or the
        // writer rolls back what it wrote of the file
        if (std::string const sha256 = formats::read_case_import_file_stream(l.path, sink); sha256 != l.sha256) {
            throw input_error{{l.path, 0, "", ""}, "the file changed while it was being imported (SHA-256 " +
                                                       l.sha256.substr(0, 16) + "... when checked, " +
                                                       sha256.substr(0, 16) + "... now); import it again"};
        }
        auto const s = writer.finish();
        log_info(kv("event", "import") + " " + kv("file", l.path) + " " + kv("sha256", l.sha256) + " " +
                 kv("written", std::to_string(s.records_written())));
        reports.text << "file " << l.path << " (tenant " << sink.tenant() << ", sha256 " << l.sha256.substr(0, 16)
                  << "...)\n";
        if (s.already_imported) {
            reports.text << "  already imported before: nothing changed\n";
            reports.bar.step();
            continue;
        }
        reports.text << "  persons: " << s.persons_new << " new, " << s.persons_changed << " changed, " << s.persons_same
                  << " unchanged\n"
                  << "  payees:  " << s.payees_new << " new, " << s.payees_changed << " changed, " << s.payees_same
                  << " unchanged\n"
                  << "  cases:   " << s.cases_new << " new, " << s.cases_changed << " changed, " << s.cases_same
                  << " unchanged\n";
        reports.text << "  cases by law:";
        for (auto const &[law, n] : sink.by_law()) {
            reports.text << " " << law << "=" << n;
        }
        reports.text << "\n";
        reports.bar.step();
    }
    return exit_code_t::ok;
}

} // namespace sozbatch::jobs
