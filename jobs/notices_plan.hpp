// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Which Bescheide a month needs: events found in the stored results, and the configurable
/// mapping event → document kind (docs/notices.md, "Events and documents").

#include "formats/notice/notice.hpp"
#include "lib/db/case_store.hpp"
#include "lib/db/notice_store.hpp"
#include "lib/db/result_store.hpp"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sozbatch::jobs {

/// What happened in a case-month that may call for a letter.
enum class notice_event_t {
    first_approval,  ///< first result of the case, or an approval starting in the month
    amount_change,   ///< a line item's monthly amount differs from the previous month's result
    end_of_benefits, ///< the approval ends in the month (no follow-up), or the case has no result any more
    back_payment,    ///< a Nachzahlung difference to a paid result
    overpayment,     ///< an Überzahlung difference to a paid result
    monthly_payment  ///< a month paid without any of the above
};
inline constexpr notice_event_t all_notice_events[] = {
    notice_event_t::first_approval, notice_event_t::amount_change, notice_event_t::end_of_benefits,
    notice_event_t::back_payment,   notice_event_t::overpayment,   notice_event_t::monthly_payment};
/// The event's configuration code: first-approval, amount-change, end-of-benefits, back-payment,
/// overpayment, monthly-payment.
std::string_view notice_event_code(notice_event_t e) noexcept;

/// Event → document kind (none: the event produces no letter).
class event_map_t
{
public:
    /// The default mapping: every event its kind; monthly-payment off.
    event_map_t();
    /// Reads `notices.event.<code> = <kind>|off` from \p settings over the defaults.
    /// \throws config_error for an unknown event or kind
    static event_map_t from_settings(std::map<std::string, std::string> const &settings);
    std::optional<notice::notice_kind_t> kind(notice_event_t e) const { return m_map.at(e); }
    void set(notice_event_t e, std::optional<notice::notice_kind_t> k) { m_map[e] = k; }

private:
    std::map<notice_event_t, std::optional<notice::notice_kind_t>> m_map;
};

/// A line item whose monthly amount changed (for aenderung: "why").
struct changed_line_t
{
    std::string person_id;
    std::string kind;
    std::string legal_basis;
    std::optional<money_t> old_monthly; ///< none: new line
    std::optional<money_t> new_monthly; ///< none: line dropped
};

/// One letter a case-month needs.
struct planned_notice_t
{
    std::shared_ptr<db::stored_case_t const> stored; ///< the case as known now
    notice_event_t event = notice_event_t::first_approval;
    notice::notice_kind_t kind = notice::notice_kind_t::bewilligung;
    std::string event_ref;                          ///< "result:<id>", "end-after:<id>", "difference:<id>"
    std::optional<db::result_header_t> current;     ///< newest result of the month
    std::optional<db::result_header_t> previous;    ///< newest result of the month before
    std::optional<db::difference_row_t> difference; ///< back-payment / overpayment
    std::optional<date_t> effective_from;           ///< amount change / end: from when
    std::vector<changed_line_t> changes;            ///< amount change: which line items changed
    bool already_produced = false;                  ///< a letter for this event exists (rerun)

    std::string const &file_ref() const { return stored->data.file_ref; }
};

/// Decides the letters of \p month for the cases of \p work_groups (empty: all) from the stored
/// results, differences and approvals. Letters already produced are returned with
/// already_produced set. Sorted by Aktenzeichen, then kind. \p only_file_ref: just that case.
/// Holds the whole month's plan: for the preview and tests; the notice job plans a chunk at a time.
/// \throws usage_error when the month has no calculation results at all
std::vector<planned_notice_t> plan_notices(db::database_t &db, long long tenant, month_t month,
                                           event_map_t const &map, std::vector<std::string> const &work_groups,
                                           std::string const &only_file_ref = {});

/// Whether the month has calculation results in \p work_groups (empty: any).
bool month_has_results(db::database_t &db, long long tenant, month_t month, std::vector<std::string> const &work_groups);

/// The letters of \p cases (loaded newest versions; cases outside \p work_groups are left out), as
/// plan_notices() decides them, with a few queries for all of them. Sorted by Aktenzeichen, then kind.
std::vector<planned_notice_t> plan_cases(db::database_t &db, long long tenant, month_t month, event_map_t const &map,
                                         std::vector<std::string> const &work_groups,
                                         std::vector<db::stored_case_t> &&cases);

/// Plans the visible cases \p chunk at a time in Aktenzeichen order (case_store_t::for_each_case)
/// and calls \p fn with each chunk's letters (chunks without a letter are skipped). Memory holds
/// one chunk (docs/scaling.md).
void for_each_planned_chunk(db::database_t &db, long long tenant, month_t month, event_map_t const &map,
                            std::vector<std::string> const &work_groups,
                            std::function<void(std::vector<planned_notice_t> &&)> const &fn, std::size_t chunk = 1000);

/// Compares the line items of two results (monthly amounts of each month's last segment).
/// \returns the changed lines and the first day from which the month's amounts differ
std::vector<changed_line_t> compare_lines(std::vector<db::notice_line_t> const &previous,
                                          std::vector<db::notice_line_t> const &current, month_t month,
                                          std::optional<date_t> &effective_from);

} // namespace sozbatch::jobs
