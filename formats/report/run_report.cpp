// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/report/run_report.hpp"

#include "formats/report/document.hpp"
#include "lib/core/date.hpp"
#include "lib/domain/law_names.hpp"

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <sstream>

namespace sozbatch::report {

// --------------------------------------------------------------------------------------------
// Labels

std::string law_title(std::string const &law)
{
    auto const *n = domain::law_names(law);
    return n ? std::string{n->title} : law;
}

std::string law_short(std::string const &law)
{
    auto const *n = domain::law_names(law);
    return n ? std::string{n->short_name} : law;
}

std::string law_color(std::string const &law)
{
    if (law == "SGB12-3") return "#0072B2";
    if (law == "SGB12-4") return "#E69F00";
    if (law == "AsylbLG-3") return "#009E73";
    if (law == "AsylbLG-2") return "#CC79A7";
    if (law == "BVG-KOF") return "#56B4E9";
    return "#999999";
}

std::string channel_title(std::string const &channel, std::string const &purpose)
{
    if (channel == "sepa") {
        if (purpose == "rent") return "SEPA-Überweisung Miete an Vermieter (Direktzahlung)";
        if (purpose == "energy") return "SEPA-Überweisung Energie an Versorger (Direktzahlung)";
        return "SEPA-Überweisung an Leistungsberechtigte";
    }
    std::string const what = purpose == "rent" ? " (Miete)" : purpose == "energy" ? " (Energie)" : "";
    if (channel == "card") return "Bezahlkarte" + what;
    if (channel == "cash") return "Barauszahlung (Kasse)" + what;
    return channel + " " + purpose;
}

std::string order_state_title(std::string const &state)
{
    if (state == "held") return "zurückgehalten (nicht gezahlt)";
    if (state == "prepared") return "vorbereitet";
    if (state == "released") return "freigegeben";
    if (state == "exported") return "exportiert";
    if (state == "booked") return "gebucht";
    if (state == "rejected") return "von der Bank abgelehnt";
    if (state == "returned") return "von der Bank zurückgegeben";
    return state;
}

std::string run_state_title(std::string const &state)
{
    if (state == "prepared") return "vorbereitet, Freigabe steht aus";
    if (state == "released") return "freigegeben, Export steht aus";
    if (state == "refused") return "Freigabe verweigert";
    if (state == "exported") return "exportiert";
    if (state == "invalidated") return "ungültig (ersetzt)";
    return state;
}

std::string month_title(std::string const &month)
{
    return month.size() == 7 ? month.substr(5, 2) + "/" + month.substr(0, 4) : month;
}

std::string time_title(std::string const &iso)
{
    if (iso.empty()) {
        return "–";
    }
    if (iso.size() < 10) {
        return iso;
    }
    std::string const date = iso.substr(8, 2) + "." + iso.substr(5, 2) + "." + iso.substr(0, 4);
    if (iso.size() >= 16 && iso[10] == 'T') {
        return date + ", " + iso.substr(11, 5) + " Uhr (UTC)";
    }
    return date;
}

namespace {

/// "+1.234,56 €", "−1.234,56 €" (U+2212), "0,00 €".
std::string signed_amount(money_t m)
{
    std::string t = m.to_german();
    if (m.is_negative()) {
        t.replace(0, 1, "\u2212");
    } else if (m.is_positive()) {
        t.insert(0, "+");
    }
    return t;
}

std::string count_text(long long n) { return std::to_string(n); }

/// "25.000 €" for whole euros.
std::string whole_euros(std::int64_t cents)
{
    std::string t = money_t::cents(cents).to_german();
    auto const comma = t.find(',');
    if (comma != std::string::npos && t.compare(comma, 3, ",00") == 0) {
        t.erase(comma, 3);
    }
    return t;
}

std::string month_abbrev(int month)
{
    static char const *const names[] = {"Jan", "Feb", "Mär", "Apr", "Mai", "Jun",
                                        "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"};
    return month >= 1 && month <= 12 ? names[month - 1] : std::to_string(month);
}

std::string escape(std::string const &s)
{
    std::string out;
    out.reserve(s.size());
    for (char const c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string join(std::vector<std::string> const &v, std::string const &sep)
{
    std::string s;
    for (auto const &x : v) {
        s += (s.empty() ? "" : sep) + x;
    }
    return s;
}

} // namespace

// --------------------------------------------------------------------------------------------
// Chart

namespace {
constexpr int CHART_W = 640;
constexpr int CHART_H = 344;
constexpr int PLOT_L = 84;
constexpr int PLOT_T = 16;
constexpr int PLOT_B = 276;
constexpr int PLOT_W = 540;
constexpr int LEGEND_X = 16;
constexpr int LEGEND_Y = 330;
constexpr int LEGEND_STEP = 124;
} // namespace

chart_layout_t layout_chart(chart_series_t const &series)
{
    using anchor_t = chart_layout_t::anchor_t;
    chart_layout_t c;
    c.width = CHART_W;
    c.height = CHART_H;
    std::size_t const n = series.months.size();
    int const plot_h = PLOT_B - PLOT_T;
    int const slot = n == 0 ? PLOT_W : PLOT_W / static_cast<int>(n);
    int const plot_r = PLOT_L + slot * static_cast<int>(std::max<std::size_t>(n, 1));

    std::int64_t max_total = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::int64_t sum = 0;
        for (std::size_t j = 0; j < series.laws.size() && j < series.amounts[i].size(); ++j) {
            sum += std::max<std::int64_t>(series.amounts[i][j].as_cents(), 0);
        }
        max_total = std::max(max_total, sum);
    }

    // the euro axis: the smallest step of 1, 2 or 5 × 10^n euros giving at most 5 steps
    std::int64_t step = 100;
    std::int64_t ticks = 1;
    if (max_total > 0) {
        for (std::int64_t power = 100;; power *= 10) {
            bool found = false;
            for (std::int64_t const m : {1, 2, 5}) {
                step = m * power;
                ticks = (max_total + step - 1) / step;
                if (ticks <= 5) {
                    found = true;
                    break;
                }
            }
            if (found) {
                break;
            }
        }
    }
    std::int64_t const top = step * ticks;
    for (std::int64_t k = 0; k <= ticks; ++k) {
        int const y = PLOT_B - static_cast<int>(k * plot_h / ticks);
        c.lines.push_back(chart_layout_t::line_t{PLOT_L, y, plot_r, y, k == 0});
        if (max_total > 0 || k == 0) {
            c.texts.push_back(chart_layout_t::text_t{PLOT_L - 6, y + 4, 11, anchor_t::end, whole_euros(k * step)});
        }
    }
    if (max_total == 0) {
        c.texts.push_back(chart_layout_t::text_t{PLOT_L + (plot_r - PLOT_L) / 2, PLOT_T + plot_h / 2, 13,
                                                 anchor_t::middle, "Keine Zahlungen in diesem Zeitraum"});
    }

    int const bar_w = slot * 2 / 3;
    for (std::size_t i = 0; i < n; ++i) {
        int const x = PLOT_L + static_cast<int>(i) * slot + (slot - bar_w) / 2;
        std::int64_t cum = 0;
        for (std::size_t j = 0; j < series.laws.size() && j < series.amounts[i].size(); ++j) {
            std::int64_t const a = std::max<std::int64_t>(series.amounts[i][j].as_cents(), 0);
            if (a == 0) {
                continue;
            }
            int const y_bottom = PLOT_B - static_cast<int>(cum * plot_h / top);
            cum += a;
            int const y_top = PLOT_B - static_cast<int>(cum * plot_h / top);
            if (y_bottom > y_top) {
                c.bars.push_back(chart_layout_t::bar_t{
                    x, y_top, bar_w, y_bottom - y_top, series.laws[j],
                    month_title(series.months[i]) + " – " + law_short(series.laws[j]) + ": " +
                        money_t::cents(a).to_german()});
            }
        }
        // "Dez" under each bar, the year under the first month and under each January
        int const centre = PLOT_L + static_cast<int>(i) * slot + slot / 2;
        month_t const m = month_t::parse(series.months[i]);
        c.texts.push_back(chart_layout_t::text_t{centre, PLOT_B + 16, 11, anchor_t::middle, month_abbrev(m.month())});
        if (i == 0 || m.month() == 1) {
            c.texts.push_back(chart_layout_t::text_t{centre, PLOT_B + 30, 11, anchor_t::middle, std::to_string(m.year())});
        }
    }
    for (std::size_t j = 0; j < series.laws.size(); ++j) {
        int const x = LEGEND_X + static_cast<int>(j) * LEGEND_STEP;
        c.swatches.push_back(chart_layout_t::swatch_t{x, LEGEND_Y - 10, 12, 12, series.laws[j]});
        c.texts.push_back(chart_layout_t::text_t{x + 18, LEGEND_Y, 12, anchor_t::start, law_short(series.laws[j])});
    }
    return c;
}

std::string chart_svg(chart_series_t const &series, bool inline_in_html)
{
    chart_layout_t const c = layout_chart(series);
    std::ostringstream s;
    if (!inline_in_html) {
        s << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    }
    std::string const title = "Zahlungen nach Rechtskreis" +
                              (series.months.empty() ? std::string{}
                                                     : ", " + month_title(series.months.front()) + " bis " +
                                                           month_title(series.months.back()));
    s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << c.width << "\" height=\"" << c.height
      << "\" viewBox=\"0 0 " << c.width << " " << c.height << "\" role=\"img\" aria-labelledby=\"chart-title\">\n";
    s << "<title id=\"chart-title\">" << escape(title) << "</title>\n";
    s << "<rect x=\"0\" y=\"0\" width=\"" << c.width << "\" height=\"" << c.height << "\" fill=\"#ffffff\"/>\n";
    for (auto const &l : c.lines) {
        s << "<line x1=\"" << l.x1 << "\" y1=\"" << l.y1 << "\" x2=\"" << l.x2 << "\" y2=\"" << l.y2 << "\" stroke=\""
          << (l.axis ? "#333333" : "#d9d9d9") << "\" stroke-width=\"1\"/>\n";
    }
    for (auto const &b : c.bars) {
        s << "<rect x=\"" << b.x << "\" y=\"" << b.y << "\" width=\"" << b.w << "\" height=\"" << b.h << "\" fill=\""
          << law_color(b.law) << "\"><title>" << escape(b.title) << "</title></rect>\n";
    }
    for (auto const &w : c.swatches) {
        s << "<rect x=\"" << w.x << "\" y=\"" << w.y << "\" width=\"" << w.w << "\" height=\"" << w.h << "\" fill=\""
          << law_color(w.law) << "\"/>\n";
    }
    s << "<g font-family=\"Liberation Sans, Arial, Helvetica, sans-serif\" fill=\"#222222\">\n";
    for (auto const &t : c.texts) {
        char const *anchor = t.anchor == chart_layout_t::anchor_t::start    ? "start"
                             : t.anchor == chart_layout_t::anchor_t::middle ? "middle"
                                                                            : "end";
        s << "<text x=\"" << t.x << "\" y=\"" << t.y << "\" font-size=\"" << t.size << "\" text-anchor=\"" << anchor
          << "\">" << escape(t.text) << "</text>\n";
    }
    s << "</g>\n</svg>\n";
    return s.str();
}

// --------------------------------------------------------------------------------------------
// The document

namespace detail {

std::string document_title(run_report_t const &r) { return "Bericht zum Zahllauf " + r.run_ref; }

std::string footer_text(run_report_t const &r)
{
    return "Erstellt am " + time_title(to_iso(r.generated_at)) + " von " + r.generated_by + " mit sozbatch " +
           SOZBATCH_VERSION + ". Beträge in Euro; Zahlungen = nicht zurückgehaltene Zahlungsanordnungen.";
}

namespace {

block_t heading(std::string text)
{
    block_t b;
    b.kind = block_t::kind_t::heading;
    b.text = std::move(text);
    return b;
}

block_t paragraph(std::string text, block_t::kind_t kind = block_t::kind_t::paragraph)
{
    block_t b;
    b.kind = kind;
    b.text = std::move(text);
    return b;
}

block_t table(std::vector<column_t> columns)
{
    block_t b;
    b.kind = block_t::kind_t::table;
    b.columns = std::move(columns);
    return b;
}

void add_row(block_t &t, std::vector<std::string> cells, row_t::style_t style = row_t::style_t::normal)
{
    t.rows.push_back(row_t{style, std::move(cells)});
}

std::string by_at(std::string const &by, std::string const &at)
{
    return by.empty() ? std::string{} : by + ", " + time_title(at);
}

/// A list of new (\p kind 0), ended (1) or changed (2) cases; \p total: how many there are.
void add_changes(std::vector<block_t> &doc, std::string const &title, std::vector<change_row_t> const &list,
                 long long total, int kind)
{
    if (list.empty()) {
        return;
    }
    doc.push_back(paragraph(title + (total > static_cast<long long>(list.size())
                                         ? " (die ersten " + std::to_string(list.size()) + " von " +
                                               std::to_string(total) + ")"
                                         : ""),
                            block_t::kind_t::subheading));
    if (kind == 0) { // new
        block_t t = table({{"Aktenzeichen", false, 500}, {"Zahlung jetzt", true, 500}});
        for (auto const &c : list) {
            add_row(t, {c.file_ref, c.after.to_german()});
        }
        doc.push_back(std::move(t));
    } else if (kind == 1) { // ended
        block_t t = table({{"Aktenzeichen", false, 500}, {"Zahlung Vormonat", true, 500}});
        for (auto const &c : list) {
            add_row(t, {c.file_ref, c.before.to_german()});
        }
        doc.push_back(std::move(t));
    } else { // changed
        block_t t = table({{"Aktenzeichen / Position", false, 400},
                           {"Vormonat", true, 200},
                           {"jetzt", true, 200},
                           {"Änderung", true, 200}});
        for (auto const &c : list) {
            add_row(t, {c.file_ref, c.before.to_german(), c.after.to_german(), signed_amount(c.after - c.before)});
            for (auto const &l : c.lines) {
                add_row(t, {l.key, l.before.to_german(), l.after.to_german(), signed_amount(l.after - l.before)},
                        row_t::style_t::detail);
            }
        }
        doc.push_back(std::move(t));
    }
}

} // namespace

std::vector<block_t> build_document(run_report_t const &r)
{
    std::vector<block_t> doc;
    doc.push_back(paragraph(r.office + (r.department.empty() ? "" : " – " + r.department), block_t::kind_t::office));
    doc.push_back(paragraph(document_title(r) + " (Leistungsmonat " + month_title(r.month) + ")", block_t::kind_t::title));

    // the run
    doc.push_back(heading("Zahllauf"));
    block_t kv;
    kv.kind = block_t::kind_t::keyvalue;
    kv.pairs.emplace_back("Mandant", r.tenant_name + " (" + r.tenant_code + ")");
    kv.pairs.emplace_back("Zahllauf", r.run_ref);
    kv.pairs.emplace_back("Leistungsmonat", month_title(r.month));
    kv.pairs.emplace_back("Stand", run_state_title(r.state));
    kv.pairs.emplace_back("Ausführungstermin", time_title(r.execution_date));
    kv.pairs.emplace_back("Vorbereitet von", by_at(r.prepared_by, r.prepared_at));
    kv.pairs.emplace_back("Freigegeben von", r.released_by.empty() ? "noch nicht freigegeben" : by_at(r.released_by, r.released_at));
    if (!r.refused_by.empty()) {
        kv.pairs.emplace_back("Freigabe verweigert von", by_at(r.refused_by, r.refused_at) + ": " + r.refusal_reason);
    }
    kv.pairs.emplace_back("Exportiert", r.exported_at.empty() ? "noch nicht exportiert" : time_title(r.exported_at));
    if (!r.force_reason.empty()) {
        kv.pairs.emplace_back("Neu vorbereitet, weil", r.force_reason);
    }
    if (!r.invalidated_reason.empty()) {
        kv.pairs.emplace_back("Ungültig, weil", r.invalidated_reason);
    }
    kv.pairs.emplace_back("Zu zahlen", count_text(r.paid.count) + " Anordnungen, " + r.paid.amount.to_german());
    kv.pairs.emplace_back("Zurückgehalten", count_text(r.held.count) + " Anordnungen, " + r.held.amount.to_german());
    kv.pairs.emplace_back("Inhalts-Prüfsumme (SHA-256)", r.content_hash);
    kv.pairs.emplace_back("Arbeitsgruppen", join(r.work_groups, ", "));
    doc.push_back(std::move(kv));
    if (r.hidden_orders > 0) {
        doc.push_back(paragraph(std::to_string(r.hidden_orders) + " Anordnungen dieses Zahllaufs gehören zu Fällen anderer "
                                "Arbeitsgruppen und sind in diesem Bericht nicht enthalten.",
                                block_t::kind_t::note));
    }

    // the files
    doc.push_back(heading("Exportierte Dateien"));
    if (r.files.empty()) {
        doc.push_back(paragraph("Noch keine Dateien exportiert."));
    } else {
        block_t t = table({{"Datei / SHA-256", false, 520}, {"Zahlweg", false, 160}, {"Buchungen", true, 140},
                           {"Summe", true, 180}});
        for (auto const &f : r.files) {
            add_row(t, {f.name, f.channel, count_text(f.tx_count), f.ctrl_sum.to_german()});
            add_row(t, {f.sha256, "", "", ""}, row_t::style_t::detail);
        }
        doc.push_back(std::move(t));
    }

    // totals by law
    doc.push_back(heading("Summen nach Rechtskreis"));
    {
        block_t t = table({{"Rechtskreis", false, 400}, {"Anordnungen", true, 130}, {"Betrag", true, 170},
                           {"zurückgehalten", true, 150}, {"Betrag", true, 150}});
        for (auto const &l : r.laws) {
            add_row(t, {law_title(l.law), count_text(l.paid.count), l.paid.amount.to_german(), count_text(l.held.count),
                        l.held.amount.to_german()});
        }
        add_row(t, {"Summe", count_text(r.paid.count), r.paid.amount.to_german(), count_text(r.held.count),
                    r.held.amount.to_german()},
                row_t::style_t::total);
        doc.push_back(std::move(t));
    }

    // totals by channel
    doc.push_back(heading("Summen nach Zahlweg"));
    {
        block_t t = table({{"Zahlweg", false, 640}, {"Anordnungen", true, 160}, {"Betrag", true, 200}});
        for (auto const &c : r.channels) {
            add_row(t, {channel_title(c.channel, c.purpose), count_text(c.sum.count), c.sum.amount.to_german()});
        }
        add_row(t, {"Summe der Zahlungen", count_text(r.paid.count), r.paid.amount.to_german()}, row_t::style_t::total);
        add_row(t, {"Zurückgehalten (nicht gezahlt)", count_text(r.held.count), r.held.amount.to_german()});
        doc.push_back(std::move(t));
    }

    // order states
    doc.push_back(heading("Stand der Anordnungen"));
    {
        block_t t = table({{"Stand", false, 640}, {"Anordnungen", true, 160}, {"Betrag", true, 200}});
        for (auto const &s : r.states) {
            add_row(t, {order_state_title(s.state), count_text(s.sum.count), s.sum.amount.to_german()});
        }
        doc.push_back(std::move(t));
    }

    // month over month
    auto const &c = r.comparison;
    doc.push_back(heading("Vergleich mit dem Vormonat " + month_title(c.previous_month)));
    if (c.previous_runs.empty()) {
        doc.push_back(paragraph("Für " + month_title(c.previous_month) + " gibt es keinen Zahllauf; kein Vergleich möglich."));
    } else {
        doc.push_back(paragraph("Laufende Zahlungen je Fall (ohne Nachzahlungen und zurückgehaltene Anordnungen) aus "
                                + join(c.previous_runs, ", ") + " gegenüber " + month_title(r.month) + "."));
        block_t t = table({{"", false, 500}, {"Fälle", true, 200}, {"Betrag", true, 300}});
        add_row(t, {"Vormonat " + month_title(c.previous_month), count_text(c.cases_before), c.total_before.to_german()});
        add_row(t, {"Neue Fälle", count_text(c.added.count), signed_amount(c.added.amount)});
        add_row(t, {"Beendete Fälle", count_text(c.ended.count), signed_amount(money_t{} - c.ended.amount)});
        add_row(t, {"Geänderte Beträge", count_text(c.changed), signed_amount(c.changed_delta)});
        add_row(t, {"Leistungsmonat " + month_title(r.month), count_text(c.cases_after), c.total_after.to_german()},
                row_t::style_t::total);
        add_row(t, {"Veränderung", "", signed_amount(c.total_after - c.total_before)}, row_t::style_t::total);
        doc.push_back(std::move(t));
        add_changes(doc, "Neue Fälle", c.added_list, c.added.count, 0);
        add_changes(doc, "Beendete Fälle", c.ended_list, c.ended.count, 1);
        add_changes(doc, "Geänderte Beträge (größte Änderungen zuerst)", c.changed_list, c.changed, 2);
    }

    // the chart
    auto const &s = r.chart;
    doc.push_back(heading("Zahlungen nach Rechtskreis, letzte " + std::to_string(s.months.size()) + " Monate"));
    block_t chart;
    chart.kind = block_t::kind_t::chart;
    doc.push_back(std::move(chart));
    {
        std::vector<column_t> cols{{"Monat", false, 0}};
        for (auto const &l : s.laws) {
            cols.push_back(column_t{law_short(l), true, 0});
        }
        cols.push_back(column_t{"Summe", true, 0});
        int const share = 1000 / static_cast<int>(cols.size() + 1);
        for (auto &col : cols) {
            col.permille = share;
        }
        cols.front().permille = 1000 - share * static_cast<int>(cols.size() - 1);
        block_t t = table(std::move(cols));
        for (std::size_t i = 0; i < s.months.size(); ++i) {
            std::vector<std::string> cells{month_title(s.months[i])};
            money_t sum;
            for (std::size_t j = 0; j < s.laws.size(); ++j) {
                money_t const a = j < s.amounts[i].size() ? s.amounts[i][j] : money_t{};
                cells.push_back(a.to_german());
                sum += a;
            }
            cells.push_back(sum.to_german());
            add_row(t, std::move(cells));
        }
        doc.push_back(std::move(t));
    }
    doc.push_back(paragraph("Je Monat alle Zahlläufe des Monats, die weder verweigert noch ungültig sind, ohne "
                            "zurückgehaltene Anordnungen; im Leistungsmonat " + month_title(r.month) +
                            " die Zahlläufe bis einschließlich " + r.run_ref + ".",
                            block_t::kind_t::note));
    doc.push_back(paragraph(footer_text(r), block_t::kind_t::note));
    return doc;
}

} // namespace detail

// --------------------------------------------------------------------------------------------
// HTML

std::string report_html(run_report_t const &r)
{
    using detail::block_t;
    using detail::row_t;
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"de\">\n<head>\n<meta charset=\"utf-8\"/>\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
         "<meta name=\"generator\" content=\"sozbatch " SOZBATCH_VERSION "\"/>\n"
      << "<title>" << escape(detail::document_title(r)) << "</title>\n"
      << "<style>\n"
         "body { font-family: \"Liberation Sans\", Arial, Helvetica, sans-serif; color: #222222; margin: 2em auto; "
         "max-width: 60em; padding: 0 1em; line-height: 1.4; }\n"
         "h1 { font-size: 1.5em; margin: 0.2em 0 0.8em 0; }\n"
         "h2 { font-size: 1.15em; margin: 1.6em 0 0.5em 0; border-bottom: 1px solid #999999; }\n"
         "h3 { font-size: 1em; margin: 1em 0 0.3em 0; }\n"
         "p.office { color: #555555; margin: 0; }\n"
         "p.note { color: #555555; font-size: 0.9em; }\n"
         "table { border-collapse: collapse; width: 100%; margin: 0.4em 0 0.8em 0; }\n"
         "th, td { text-align: left; padding: 0.2em 0.5em; border-bottom: 1px solid #e0e0e0; vertical-align: top; }\n"
         "th { background: #f0f0f0; font-weight: bold; }\n"
         "td.num, th.num { text-align: right; white-space: nowrap; }\n"
         "tr.total td { font-weight: bold; border-top: 1px solid #333333; }\n"
         "tr.detail td { font-size: 0.85em; color: #555555; padding-left: 1.5em; word-break: break-all; }\n"
         "table.kv th { width: 16em; background: none; }\n"
         "table.kv td { word-break: break-all; }\n"
         "figure { margin: 0.5em 0; }\n"
         "svg { max-width: 100%; height: auto; }\n"
         "@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }\n"
         "</style>\n</head>\n<body>\n";
    bool in_section = false;
    for (auto const &b : detail::build_document(r)) {
        switch (b.kind) {
        case block_t::kind_t::office:
            h << "<header>\n<p class=\"office\">" << escape(b.text) << "</p>\n";
            break;
        case block_t::kind_t::title:
            h << "<h1>" << escape(b.text) << "</h1>\n</header>\n";
            break;
        case block_t::kind_t::heading:
            if (in_section) {
                h << "</section>\n";
            }
            h << "<section>\n<h2>" << escape(b.text) << "</h2>\n";
            in_section = true;
            break;
        case block_t::kind_t::subheading:
            h << "<h3>" << escape(b.text) << "</h3>\n";
            break;
        case block_t::kind_t::paragraph:
            h << "<p>" << escape(b.text) << "</p>\n";
            break;
        case block_t::kind_t::note:
            h << "<p class=\"note\">" << escape(b.text) << "</p>\n";
            break;
        case block_t::kind_t::keyvalue:
            h << "<table class=\"kv\">\n";
            for (auto const &[k, v] : b.pairs) {
                h << "<tr><th scope=\"row\">" << escape(k) << "</th><td>" << escape(v) << "</td></tr>\n";
            }
            h << "</table>\n";
            break;
        case block_t::kind_t::table:
            h << "<table>\n<thead><tr>";
            for (auto const &c : b.columns) {
                h << (c.right ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">") << escape(c.header) << "</th>";
            }
            h << "</tr></thead>\n<tbody>\n";
            for (auto const &row : b.rows) {
                h << (row.style == row_t::style_t::total    ? "<tr class=\"total\">"
                      : row.style == row_t::style_t::detail ? "<tr class=\"detail\">"
                                                            : "<tr>");
                for (std::size_t i = 0; i < row.cells.size(); ++i) {
                    bool const right = i < b.columns.size() && b.columns[i].right;
                    h << (right ? "<td class=\"num\">" : "<td>") << escape(row.cells[i]) << "</td>";
                }
                h << "</tr>\n";
            }
            h << "</tbody>\n</table>\n";
            break;
        case block_t::kind_t::chart:
            h << "<figure>\n" << chart_svg(r.chart, true) << "</figure>\n";
            break;
        }
    }
    if (in_section) {
        h << "</section>\n";
    }
    h << "</body>\n</html>\n";
    return h.str();
}

std::string well_formed_error(std::string const &xml, std::string const &name)
{
    xmlResetLastError();
    std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
        xmlReadMemory(xml.data(), static_cast<int>(xml.size()), name.c_str(), "UTF-8",
                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
        xmlFreeDoc);
    if (doc) {
        return {};
    }
    xmlError const *e = xmlGetLastError();
    std::string msg = e && e->message ? e->message : "not well-formed";
    while (!msg.empty() && msg.back() == '\n') {
        msg.pop_back();
    }
    return name + (e ? ", line " + std::to_string(e->line) : std::string{}) + ": " + msg;
}

} // namespace sozbatch::report
