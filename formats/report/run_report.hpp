// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The run report (docs/formats/run-report.md): one payment run for the office staff as a
/// self-contained HTML page, a PDF and the 12-month chart as SVG and PNG. Plain structs in, bytes
/// out; German labels for the codes of laws, channels and states live here. Deterministic: the
/// same report gives the same bytes (times come from the struct, never from a clock).

#include "lib/core/clock.hpp"
#include "lib/core/money.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sozbatch::report {

/// How many orders and their sum.
struct count_sum_t
{
    long long count = 0;
    money_t amount;

    void add(long long n, money_t a)
    {
        count += n;
        amount += a;
    }
};

/// One law: the orders to pay and the held ones.
struct law_row_t
{
    std::string law; ///< code, e.g. "SGB12-4"
    count_sum_t paid;
    count_sum_t held;
};

/// One way of payment (channel and purpose) of the orders to pay.
struct channel_row_t
{
    std::string channel; ///< sepa, card, cash
    std::string purpose; ///< benefit, rent, energy
    count_sum_t sum;
};

/// Orders in one state (after release, export and bank feedback).
struct state_row_t
{
    std::string state;
    count_sum_t sum;
};

/// One exported file.
struct file_row_t
{
    std::string name;
    std::string channel;
    std::string msg_id;
    long long tx_count = 0;
    money_t ctrl_sum;
    std::string sha256;
};

/// A line item whose amount changed between the two months.
struct line_detail_t
{
    std::string key; ///< kind and person, e.g. "regelbedarf P1"
    money_t before, after;
};

/// A case of the month-over-month comparison.
struct change_row_t
{
    std::string file_ref;
    money_t before, after;
    std::vector<line_detail_t> lines; ///< changed cases only
};

/// The comparison with the previous month's payments (regular payments per case).
struct comparison_t
{
    std::string previous_month;             ///< YYYY-MM
    std::vector<std::string> previous_runs; ///< the runs it was read from; empty: no run that month
    long long cases_before = 0, cases_after = 0;
    money_t total_before, total_after;
    count_sum_t added, ended; ///< new cases (their amount now), ended cases (their amount before)
    long long changed = 0;
    money_t changed_delta;    ///< sum of (after − before) of the changed cases
    std::vector<change_row_t> added_list, ended_list, changed_list; ///< at most list_limit each
    long long list_limit = 0;
};

/// Payments by law per month, oldest month first.
struct chart_series_t
{
    std::vector<std::string> months;           ///< YYYY-MM
    std::vector<std::string> laws;             ///< legend and stacking order (codes)
    std::vector<std::vector<money_t>> amounts; ///< [month][law]
};

/// Everything the report shows.
struct run_report_t
{
    std::string office;      ///< letterhead authority (or the tenant's name)
    std::string department;  ///< letterhead department (may be empty)
    std::string tenant_code;
    std::string tenant_name;
    std::string run_ref, month, state, execution_date;
    std::string prepared_by, prepared_at, released_by, released_at;
    std::string refused_by, refused_at, refusal_reason, exported_at;
    std::string force_reason, invalidated_reason;
    std::string content_hash, files_hash;
    timestamp_t generated_at;               ///< from the job's clock
    std::string generated_by;               ///< operator login
    std::vector<std::string> work_groups;   ///< the operator's work groups the report covers
    long long hidden_orders = 0;            ///< orders of the run in cases the operator may not see
    std::vector<file_row_t> files;
    std::vector<law_row_t> laws;            ///< in the order of domain::all_laws, then others
    std::vector<channel_row_t> channels;    ///< the orders to pay by channel and purpose
    std::vector<state_row_t> states;
    count_sum_t paid, held;                 ///< totals of the run (visible orders)
    comparison_t comparison;
    chart_series_t chart;
};

/// German names: "SGB XII, 3. Kapitel – Hilfe zum Lebensunterhalt", … (unknown codes as they are).
std::string law_title(std::string const &law);
/// Short name for the chart legend: "SGB XII 3. Kap.", …
std::string law_short(std::string const &law);
/// "SEPA-Überweisung an Leistungsberechtigte", "Bezahlkarte", "Barauszahlung", …
std::string channel_title(std::string const &channel, std::string const &purpose);
/// Order state: "exportiert", "zurückgehalten", …
std::string order_state_title(std::string const &state);
/// Run state: "vorbereitet", "freigegeben", …
std::string run_state_title(std::string const &state);
/// "2026-12" -> "12/2026"
std::string month_title(std::string const &month);
/// "2026-11-20T09:00:00Z" -> "20.11.2026, 09:00 Uhr (UTC)"; "2026-11-30" -> "30.11.2026"; "" -> "–"
std::string time_title(std::string const &iso);
/// The bar colour of a law as "#RRGGBB" (Okabe–Ito palette, readable with colour blindness).
std::string law_color(std::string const &law);

// --------------------------------------------------------------------------------------------
// The chart, laid out once in integer pixels and drawn by SVG and cairo alike.

struct chart_layout_t
{
    enum class anchor_t { start, middle, end };
    struct bar_t
    {
        int x, y, w, h;
        std::string law;
        std::string title; ///< tooltip: month, law, amount
    };
    struct line_t
    {
        int x1, y1, x2, y2;
        bool axis; ///< the zero line (dark) or a grid line (light)
    };
    struct text_t
    {
        int x, y; ///< y is the baseline
        int size; ///< font size in pixels
        anchor_t anchor;
        std::string text;
    };
    struct swatch_t
    {
        int x, y, w, h;
        std::string law;
    };
    int width = 0, height = 0;
    std::vector<line_t> lines;
    std::vector<bar_t> bars;
    std::vector<swatch_t> swatches;
    std::vector<text_t> texts;
};

/// Stacked bars per month, a euro axis with at most 5 steps of 1, 2 or 5 × 10^n euros, month
/// labels and a legend of the laws. Heights: cents × pixels / axis maximum, integer arithmetic.
chart_layout_t layout_chart(chart_series_t const &series);

/// The chart as an SVG document (with an XML declaration unless \p inline_in_html).
std::string chart_svg(chart_series_t const &series, bool inline_in_html = false);

/// The report as one self-contained HTML5 page (inline CSS and SVG, lang="de").
std::string report_html(run_report_t const &r);

/// Parses \p xml (the SVG, or the HTML page, which is also well-formed XML) with libxml2 (no
/// network, no entities). \returns the first error, or "" when it is well-formed
std::string well_formed_error(std::string const &xml, std::string const &name);

/// Fonts and PDF/A settings (the same files and defaults as the Bescheide, notice::render_options_t).
struct pdf_options_t
{
    std::string font_regular;
    std::string font_bold;
    std::string font_family;
    std::string icc_profile;
    bool pdfa = true;
};

/// The report as PDF (A4, cairo + Pango, the chart drawn with cairo paths; PDF/A-2b unless
/// disabled) written atomically to \p path. \returns the SHA-256 and the page count
/// \throws config_error (font, ICC profile), internal_error (cairo, qpdf)
struct pdf_result_t
{
    std::string sha256;
    int pages = 0;
};
pdf_result_t write_report_pdf(run_report_t const &r, pdf_options_t const &options, std::string const &path);

/// The chart as PNG bytes (cairo image surface, 2 pixels per chart pixel).
std::string chart_png(chart_series_t const &series, pdf_options_t const &options);

} // namespace sozbatch::report
