// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief Who is sent in the data exchange (docs/exchange.md): the § 118 SGB XII Datenabgleich
/// (§ 2 SozhiDAV, § 9 Abs. 5 AsylbLG, with the BZSt cohort rule) and the § 151 SGB VI pension
/// query. Pure selection over the case store; no file format, no registry.

#include "lib/core/date.hpp"
#include "lib/core/money.hpp"
#include "lib/db/case_store.hpp"
#include "lib/domain/case_model.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::exchange {

/// A calendar quarter, e.g. 2026Q3.
struct quarter_t
{
    int year = 1970;
    int number = 1; ///< 1-4

    /// Parses "YYYYQn". \throws usage_error
    static quarter_t parse(std::string_view text);
    std::string to_string() const;
    period_t period() const;
    /// The calendar quarter in which the Datenabgleich for this Abgleichszeitraum is performed
    /// (the file is delivered 1-15 of its first month, § 3 SozhiDAV).
    quarter_t run_quarter() const;
};

/// One person to be sent in the § 118 request.
struct match118_candidate_t
{
    domain::person_t person;
    long long case_id = 0;
    std::string file_ref;
    std::string work_group;
    std::string law;
    period_t benefit_period; ///< the benefit period overlapping the quarter (or, BZSt, the previous year)
    bool in_quarter = false;     ///< received benefits on a day of the quarter (§ 2 Abs. 1 SozhiDAV)
    bool new_or_renewed = false; ///< the benefit started (again) inside the quarter
};

struct match118_selection_t
{
    quarter_t quarter;
    /// True when the run is performed in the third calendar quarter: the BZSt cohort is everyone
    /// with benefits in the previous calendar year (§ 2 Abs. 2 SozhiDAV).
    bool full_cohort = false;
    int cohort_year = 0; ///< the previous year of a full-cohort run
    std::vector<match118_candidate_t> persons; ///< ordered by Aktenzeichen, then member order
    long long new_or_renewed = 0;
    long long previous_year_only = 0; ///< added by the full BZSt cohort (no benefit in the quarter)
};

/// True when the law is covered by § 118 SGB XII in \p year (SGB XII all chapters since 2019,
/// before that without the 4. Kapitel; AsylbLG via § 9 Abs. 5 AsylbLG; never BVG).
bool match118_covers(domain::law_t law, int year) noexcept;

/// The persons of the visible cases (\p filter) to be sent for the quarter.
match118_selection_t select_match118(db::case_store_t &cases, long long tenant, db::case_filter_t const &filter,
                                     quarter_t quarter);

/// One person to be asked about in the § 151 query.
struct pension151_candidate_t
{
    domain::person_t person;
    long long case_id = 0;
    std::string file_ref;
    std::string work_group;
    std::string law;
    std::string reason; ///< "pension-income" or "pension-age-without-pension"
    std::optional<money_t> recorded; ///< recorded pension income on the key date
};

/// Members of cases approved on \p key_date who have pension income recorded, or who have reached
/// the Regelaltersgrenze (§ 41 Abs. 2 SGB XII table) and have no pension income recorded.
std::vector<pension151_candidate_t> select_pension151(db::case_store_t &cases, long long tenant,
                                                      db::case_filter_t const &filter, date_t key_date);

/// Sum of the recorded pension incomes (pension, widow-pension) of a person valid on \p day.
std::optional<money_t> recorded_pension(domain::case_t const &c, std::string const &person_id, date_t day);

} // namespace sozbatch::exchange
