// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/payments/payment_run.hpp"

#include "formats/sepa/pain001_writer.hpp"
#include "formats/sepa/sepa_text.hpp"
#include "lib/core/atomic_file.hpp"
#include "lib/core/clock.hpp"
#include "lib/core/error.hpp"
#include "lib/core/identifiers.hpp"
#include "lib/core/progress.hpp"
#include "lib/core/sha256.hpp"
#include "lib/core/text.hpp"
#include "lib/domain/law_names.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <tuple>

namespace sozbatch::payments {

namespace {

std::string get(std::map<std::string, std::string> const &s, std::string const &key, std::string const &dflt = "")
{
    auto const it = s.find(key);
    return it == s.end() ? dflt : it->second;
}

bool get_bool(std::map<std::string, std::string> const &s, std::string const &key, bool dflt)
{
    auto const v = get(s, key, dflt ? "true" : "false");
    if (v != "true" && v != "false") {
        throw config_error{"configuration key '" + key + "' must be true or false, not '" + v + "'"};
    }
    return v == "true";
}

long long get_int(std::map<std::string, std::string> const &s, std::string const &key, long long dflt, long long lo,
                  long long hi)
{
    auto const v = get(s, key);
    if (v.empty()) {
        return dflt;
    }
    try {
        std::size_t pos = 0;
        long long const n = std::stoll(v, &pos);
        if (pos != v.size() || n < lo || n > hi) {
            throw std::out_of_range{key};
        }
        return n;
    } catch (std::exception const &) {
        throw config_error{"configuration key '" + key + "': '" + v + "' is not a number between " + std::to_string(lo) +
                           " and " + std::to_string(hi)};
    }
}

std::string law_label(std::string const &law)
{
    auto const *n = domain::law_names(law);
    return n ? std::string{n->remittance} : law;
}

std::string purpose_label(std::string const &p)
{
    if (p == "rent") return "Miete";
    if (p == "energy") return "Energie";
    return "Leistung";
}

std::string month_label(std::string const &month) // "2026-12" -> "12/2026"
{
    return month.size() == 7 ? month.substr(5, 2) + "/" + month.substr(0, 4) : month;
}

timestamp_t created_of(db::payment_run_t const &run)
{
    std::string t = run.prepared_at.substr(0, 19);
    if (t.size() == 19 && t[10] == ' ') {
        t[10] = 'T';
    }
    return parse_timestamp(t + "Z");
}

std::string pad(long long n, int width)
{
    std::string s = std::to_string(n);
    return s.size() < static_cast<std::size_t>(width) ? std::string(width - s.size(), '0') + s : s;
}

std::string csv_field(std::string const &s)
{
    if (s.find_first_of(";\"\n") == std::string::npos) {
        return s;
    }
    std::string out = "\"";
    for (char const c : s) {
        out += c == '"' ? std::string{"\"\""} : std::string(1, c);
    }
    return out + "\"";
}

bool in_file(db::payment_order_t const &o) { return o.state != "held"; }

} // namespace

payment_config_t payment_config_t::from_settings(std::map<std::string, std::string> const &s)
{
    payment_config_t c;
    c.debtor_name = get(s, "sepa.debtor-name");
    c.debtor_iban = get(s, "sepa.debtor-iban");
    c.debtor_bic = get(s, "sepa.debtor-bic");
    c.initiating_party = get(s, "sepa.initiating-party", c.debtor_name);
    c.ultimate_debtor = get(s, "sepa.ultimate-debtor");
    c.category_purpose = get(s, "sepa.category-purpose", c.category_purpose);
    c.purpose = get(s, "sepa.purpose", c.purpose);
    c.max_transactions = get_int(s, "sepa.max-transactions", c.max_transactions, 1, 10'000'000);
    c.lead_days = static_cast<int>(get_int(s, "sepa.lead-days", c.lead_days, 0, 20));
    c.batch_booking = get_bool(s, "sepa.batch-booking", c.batch_booking);
    c.read_ahead = get_bool(s, "payments.read-ahead", c.read_ahead);
    c.chunk_cases = get_int(s, "payments.chunk-cases", c.chunk_cases, 1, 100'000);
    c.card_mode = get(s, "card.mode", c.card_mode);
    if (c.card_mode != "transfer" && c.card_mode != "file") {
        throw config_error{"configuration key 'card.mode' must be transfer or file, not '" + c.card_mode + "'"};
    }
    c.card_iban = get(s, "card.collection-iban");
    c.card_bic = get(s, "card.collection-bic");
    c.card_name = get(s, "card.collection-name");
    for (auto const &[k, v] : s) {
        if (k.rfind("budget.", 0) == 0) {
            c.budget_lines[k.substr(7)] = v;
        } else if (k.rfind("sepa.debtor-iban.", 0) == 0) {
            c.debtor_iban_law[k.substr(17)] = v;
        }
    }
    auto check_iban = [](std::string const &key, std::string const &v) {
        if (!v.empty()) {
            if (auto const why = iban_t::check(v); !why.empty()) {
                throw config_error{"configuration key '" + key + "': " + why};
            }
        }
    };
    check_iban("sepa.debtor-iban", c.debtor_iban);
    check_iban("card.collection-iban", c.card_iban);
    for (auto const &[law, v] : c.debtor_iban_law) {
        check_iban("sepa.debtor-iban." + law, v);
    }
    if (!c.debtor_bic.empty()) {
        if (auto const why = bic_t::check(c.debtor_bic); !why.empty()) {
            throw config_error{"configuration key 'sepa.debtor-bic': " + why};
        }
    }
    for (auto const *code : {&c.category_purpose, &c.purpose}) {
        if (!code->empty() && sepa::check_dk_id(*code) != "") {
            throw config_error{"configuration: purpose code '" + *code + "' is not a valid code"};
        }
    }
    return c;
}

std::string payment_config_t::budget_line(std::string const &law) const
{
    if (auto const it = budget_lines.find(law); it != budget_lines.end()) {
        return it->second;
    }
    // documented defaults (docs/payments.md): Produktkonto of the Kommunalhaushalt per law
    if (law == "SGB12-3") return "3110.533100";
    if (law == "SGB12-4") return "3120.533200";
    if (law == "AsylbLG-3" || law == "AsylbLG-2") return "3130.533300";
    if (law == "BVG-KOF") return "3140.533400";
    return "0000.000000";
}

std::string payment_config_t::debtor_iban_for(std::string const &law) const
{
    if (auto const it = debtor_iban_law.find(law); it != debtor_iban_law.end()) {
        return it->second;
    }
    if (debtor_iban.empty()) {
        throw config_error{"no debtor account configured: set [sepa] debtor-iban (and debtor-name) in the "
                           "configuration file (see docs/payments.md)"};
    }
    return debtor_iban;
}

std::string run_ref(std::string const &tenant_code, month_t month, long long seq)
{
    std::string t = sepa::to_dk_id(tenant_code, 10).text;
    for (auto &ch : t) {
        ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    char ym[8];
    std::snprintf(ym, sizeof ym, "%04d%02d", month.year(), month.month());
    return (t.empty() ? std::string{"SOZ"} : t) + "-" + ym + "-R" + std::to_string(seq);
}

db::payment_order_t build_order(payment_config_t const &cfg, order_source_t const &src, std::string const &run,
                                long long order_no, std::vector<std::string> &notes)
{
    db::payment_order_t o;
    o.order_no = order_no;
    o.case_id = src.case_id;
    o.file_ref = src.file_ref;
    o.month = src.month;
    o.calc_result_id = src.calc_result_id;
    o.difference_id = src.difference_id;
    o.law = src.law;
    o.budget_line = cfg.budget_line(src.law);
    o.purpose = src.purpose;
    o.amount = src.amount;
    o.end_to_end_id = run + "-" + pad(order_no, 5);
    o.state = "prepared";
    o.channel = "sepa";
    std::vector<std::string> holds;
    auto hold = [&](std::string why) { holds.push_back(std::move(why)); };

    if (!src.amount.is_negative() && src.amount.is_zero()) {
        hold("amount is zero");
    } else if (src.amount.is_negative()) {
        hold("amount is negative (" + src.amount.to_german() + ")");
    } else if (src.amount > money_t::parse("999999999.99")) {
        hold("amount above the SEPA maximum");
    }
    if (src.stopped) {
        hold("payment stop pending review (bank return MD07 or similar)");
    }
    std::string remittance_extra;
    if (!src.payee) {
        hold("no payee: neither an assignment nor an own account of the applicant");
    } else {
        auto const &p = *src.payee;
        o.payee_ext_id = p.ext_id;
        if (p.kind == "card-provider") {
            o.channel = "card";
            o.card_ref = p.card_ref;
            if (p.card_ref.empty()) {
                hold("Bezahlkarte payee " + p.ext_id + " without a card reference");
            }
            remittance_extra = " Bezahlkarte " + p.card_ref;
            if (cfg.card_mode == "transfer") {
                o.creditor_name = cfg.card_name;
                o.iban = cfg.card_iban;
                o.bic = cfg.card_bic;
                if (cfg.card_iban.empty() || cfg.card_name.empty()) {
                    hold("no card collection account configured ([card] collection-iban, collection-name)");
                }
            } else {
                o.creditor_name = p.name;
            }
        } else if (p.iban.empty()) {
            o.creditor_name = p.name;
            if (src.purpose == "benefit" && p.kind == "person") {
                o.channel = "cash";
            } else {
                hold("payee " + p.ext_id + " has no account; a SEPA transfer is required for " + purpose_label(src.purpose));
            }
        } else {
            o.creditor_name = p.name;
            o.iban = p.iban;
            o.bic = p.bic;
        }
        if (o.channel != "cash" && !(o.channel == "card" && cfg.card_mode == "file")) {
            if (auto const why = iban_t::check(o.iban); !o.iban.empty() && !why.empty()) {
                hold("invalid IBAN " + o.iban + ": " + why);
            }
            if (!o.iban.empty() && iban_t::check(o.iban).empty()) {
                bool const needs_bic = sepa::creditor_bic_required(iban_t::parse(o.iban));
                if (needs_bic && o.bic.empty()) {
                    hold("IBAN " + o.iban + " is outside the EEA and needs a BIC");
                } else if (!needs_bic) {
                    o.bic.clear(); // IBAN-only inside the EEA
                }
            }
        }
        auto const name = sepa::to_dk_text(o.creditor_name, sepa::MAX_NAME_CHARS);
        if (!name.representable()) {
            hold("name '" + o.creditor_name + "' cannot be represented in the SEPA character set");
        } else {
            if (name.changed() || name.blanks_normalised) {
                notes.push_back(o.end_to_end_id + " " + p.ext_id + " name: " + name.describe());
            }
            o.creditor_name = name.text;
        }
    }
    if (o.purpose != "benefit" || o.channel == "card") {
        auto const u = sepa::to_dk_text(src.applicant_name, sepa::MAX_NAME_CHARS);
        if (u.representable()) {
            o.ultimate_creditor = u.text;
        }
    }
    std::string rem = (src.difference_id ? "Nachzahlung " : "") + purpose_label(src.purpose) + " " +
                      month_label(src.month) + " " + law_label(src.law) + " Az " + src.file_ref + remittance_extra +
                      (src.remittance_note.empty() ? "" : " " + src.remittance_note);
    auto const r = sepa::to_dk_text(rem, sepa::MAX_USTRD_CHARS);
    if (r.changed()) {
        notes.push_back(o.end_to_end_id + " remittance: " + r.describe());
    }
    o.remittance = r.text;
    if (o.channel == "sepa" || (o.channel == "card" && cfg.card_mode == "transfer")) {
        try {
            o.debtor_iban = cfg.debtor_iban_for(src.law);
        } catch (config_error const &e) {
            hold(e.what());
        }
    }
    o.destination = file_channel_of(o);
    if (!holds.empty()) {
        o.state = "held";
        std::string all;
        for (auto const &h : holds) {
            all += (all.empty() ? "" : "; ") + h;
        }
        o.hold_reason = all;
    }
    return o;
}

order_stream_t stored_orders(db::payment_store_t &store, long long run_id, std::size_t page)
{
    return [&store, run_id, page](order_visitor_t const &fn) { store.for_each_order(run_id, fn, page); };
}

order_stream_t orders_in(std::vector<db::payment_order_t> const &orders)
{
    return [&orders](order_visitor_t const &fn) {
        for (auto const &o : orders) {
            fn(o);
        }
    };
}

void content_hasher_t::add(db::payment_order_t const &o)
{
    std::string line;
    for (auto const *f : {&o.end_to_end_id, &o.file_ref, &o.month, &o.law, &o.budget_line, &o.channel, &o.purpose,
                          &o.payee_ext_id, &o.creditor_name, &o.iban, &o.bic, &o.card_ref, &o.remittance,
                          &o.ultimate_creditor, &o.debtor_iban, &o.hold_reason}) {
        line += *f;
        line += '\x1f';
    }
    line += std::to_string(o.order_no) + '\x1f' + o.amount.to_sepa() + '\x1f' + (o.state == "held" ? "H" : "P") + '\n';
    m_hash.update(line);
}

std::string content_hash(order_stream_t const &orders)
{
    content_hasher_t h;
    orders([&](db::payment_order_t const &o) { h.add(o); });
    return h.hex_digest();
}

std::string content_hash(std::vector<db::payment_order_t> const &orders) { return content_hash(orders_in(orders)); }

std::string file_channel_of(db::payment_order_t const &o)
{
    if (o.channel == "cash") {
        return "cash";
    }
    // prepared with card.mode = file (a card load by transfer carries the collection account): the
    // orders decide, as released, not the configuration of the day
    return o.channel == "card" && o.iban.empty() ? "card" : "sepa";
}

namespace {

/// Where a non-held order goes: a pain.001 file of its debtor account, the cash list or the card file.
enum class dest_t { transfer, cash, card_file };

dest_t destination(db::payment_order_t const &o)
{
    std::string const c = file_channel_of(o);
    // the export names a file's orders by their stored destination (migration 0019): it must be
    // where the order goes (empty for orders prepared before the migration)
    if (!o.destination.empty() && o.destination != c) {
        throw internal_error{"order " + o.end_to_end_id + " is stored for the " + o.destination + " file but goes to the " +
                             c + " file: it was changed after it was prepared"};
    }
    return c == "cash" ? dest_t::cash : c == "card" ? dest_t::card_file : dest_t::transfer;
}

/// One pain.001 file of a debtor account as counted in the first pass.
struct planned_file_t
{
    long long count = 0;
    money_t sum;
    std::size_t index = 0; ///< in rendered_t::files
};

/// A CSV list (cash or card file) written as the orders come.
struct list_writer_t
{
    std::unique_ptr<atomic_file_t> file;
    std::size_t index = 0;
    std::string buffer;
};

} // namespace

rendered_t render_files(payment_config_t const &cfg, db::payment_run_t const &run, order_stream_t const &orders,
                        std::string const &dir, order_visitor_t const &each, std::function<void()> const &before_writing)
{
    make_directories(dir);
    rendered_t out;
    date_t const exec = parse_date(run.execution_date);
    auto const max = cfg.max_transactions;

    // first pass: the transfers per debtor account, split at the maximum (the GrpHdr and PmtInf
    // carry the count and control sum of a file before its transfers), and whether lists are needed
    std::map<std::string, std::vector<planned_file_t>> plan;
    long long transfers = 0, cash = 0, card_file = 0;
    orders([&](db::payment_order_t const &o) {
        if (each) {
            each(o);
        }
        if (!in_file(o)) {
            return;
        }
        switch (destination(o)) {
        case dest_t::cash: ++cash; return;
        case dest_t::card_file: ++card_file; return;
        case dest_t::transfer: break;
        }
        auto &files = plan[o.debtor_iban];
        if (files.empty() || files.back().count == max) {
            files.emplace_back();
        }
        ++files.back().count;
        files.back().sum += o.amount;
        ++transfers;
    });
    if (before_writing) {
        before_writing();
    }
    int seq = 0;
    for (auto &[debtor, files] : plan) {
        for (auto &pf : files) {
            db::payment_file_t f;
            f.msg_id = run.run_ref + "-F" + pad(++seq, 2);
            f.file_name = f.msg_id + ".xml";
            f.channel = "sepa";
            f.debtor_iban = debtor;
            f.execution_date = run.execution_date;
            f.tx_count = pf.count;
            f.ctrl_sum = pf.sum;
            pf.index = out.files.size();
            out.files.push_back(std::move(f));
        }
    }
    auto plan_list = [&](long long count, std::string const &channel, std::string const &suffix) {
        list_writer_t w;
        if (count == 0) {
            return w;
        }
        db::payment_file_t f;
        f.msg_id = run.run_ref + suffix;
        f.file_name = f.msg_id + ".csv";
        f.channel = channel;
        f.execution_date = run.execution_date;
        w.index = out.files.size();
        w.file = std::make_unique<atomic_file_t>(dir + "/" + f.file_name);
        w.buffer = "order_no;end_to_end_id;file_ref;law;month;payee;name;card_ref;amount;remittance\n";
        out.files.push_back(std::move(f));
        return w;
    };
    list_writer_t cash_list = plan_list(cash, "cash", "-CASH");
    list_writer_t card_list = plan_list(card_file, "card", "-CARD");

    std::string const debtor_name = sepa::to_dk_text(cfg.debtor_name, sepa::MAX_NAME_CHARS).text;
    if (!plan.empty() && debtor_name.empty()) {
        throw config_error{"no debtor name configured: set [sepa] debtor-name"};
    }
    std::string const initiating_party = sepa::to_dk_text(cfg.initiating_party, sepa::MAX_NAME_CHARS).text;
    std::optional<std::string> const ultimate_debtor =
        cfg.ultimate_debtor.empty() ? std::nullopt
                                    : std::optional{sepa::to_dk_text(cfg.ultimate_debtor, sepa::MAX_NAME_CHARS).text};

    // second pass: each order into its file; the open files (one per debtor account) are written
    // side by side, each closed as soon as its last transfer is in
    struct open_t
    {
        std::size_t next = 0; ///< the debtor's next planned file
        long long written = 0;
        std::unique_ptr<sepa::pain001_writer_t> writer;
    };
    std::map<std::string, open_t> open;
    progress_t bar{"transfers", static_cast<std::size_t>(transfers)}; // on a terminal only (lib/core/progress.hpp)
    auto add_to_list = [&](list_writer_t &w, db::payment_order_t const &o) {
        auto &f = out.files[w.index];
        w.buffer += std::to_string(o.order_no) + ";" + o.end_to_end_id + ";" + csv_field(o.file_ref) + ";" + o.law + ";" +
                    o.month + ";" + csv_field(o.payee_ext_id) + ";" + csv_field(o.creditor_name) + ";" +
                    csv_field(o.card_ref) + ";" + o.amount.to_sepa() + ";" + csv_field(o.remittance) + "\n";
        if (w.buffer.size() >= 256 * 1024) {
            w.file->write(w.buffer);
            w.buffer.clear();
        }
        f.ctrl_sum += o.amount;
        ++f.tx_count;
        f.order_nos.push_back(o.order_no);
    };
    orders([&](db::payment_order_t const &o) {
        if (!in_file(o)) {
            return;
        }
        switch (destination(o)) {
        case dest_t::cash: add_to_list(cash_list, o); return;
        case dest_t::card_file: add_to_list(card_list, o); return;
        case dest_t::transfer: break;
        }
        auto const p = plan.find(o.debtor_iban);
        auto &st = open[o.debtor_iban];
        if (p == plan.end() || st.next >= p->second.size()) {
            throw internal_error{"payment run " + run.run_ref + ": order " + o.end_to_end_id +
                                 " was not counted when the files were planned (the run's orders changed while "
                                 "rendering)"};
        }
        auto const &pf = p->second[st.next];
        auto &f = out.files[pf.index];
        if (!st.writer) {
            sepa::pain001_header_t hdr;
            hdr.msg_id = f.msg_id;
            hdr.created = created_of(run);
            hdr.nb_of_txs = f.tx_count;
            hdr.ctrl_sum = f.ctrl_sum;
            hdr.initiating_party = initiating_party;
            hdr.indent = true;
            st.writer = std::make_unique<sepa::pain001_writer_t>(dir + "/" + f.file_name, hdr);
            sepa::payment_info_t const pi{
                .pmt_inf_id = f.msg_id + "-P1",
                .batch_booking = cfg.batch_booking,
                .nb_of_txs = f.tx_count,
                .ctrl_sum = f.ctrl_sum,
                .category_purpose = cfg.category_purpose.empty() ? std::nullopt : std::optional{cfg.category_purpose},
                .requested_execution_date = exec,
                .debtor_name = debtor_name,
                .debtor_iban = iban_t::parse(o.debtor_iban),
                .debtor_bic = cfg.debtor_bic.empty() ? std::nullopt : std::optional{bic_t::parse(cfg.debtor_bic)},
                .ultimate_debtor = ultimate_debtor,
            };
            st.writer->begin_payment_info(pi);
        }
        sepa::transfer_t const t{
            .end_to_end_id = o.end_to_end_id,
            .amount = o.amount,
            .creditor_bic = o.bic.empty() ? std::nullopt : std::optional{bic_t::parse(o.bic)},
            .creditor_name = o.creditor_name,
            .creditor_iban = iban_t::parse(o.iban),
            .ultimate_creditor = o.ultimate_creditor.empty() ? std::nullopt : std::optional{o.ultimate_creditor},
            .purpose = cfg.purpose.empty() ? std::nullopt : std::optional{cfg.purpose},
            .remittance = o.remittance,
        };
        st.writer->add_transfer(t);
        f.order_nos.push_back(o.order_no);
        bar.step();
        if (++st.written == pf.count) {
            st.writer->end_payment_info();
            f.sha256 = st.writer->finish().sha256;
            st.writer.reset();
            st.written = 0;
            ++st.next;
        }
    });
    bar.finish();
    for (auto const &[debtor, files] : plan) {
        auto const it = open.find(debtor);
        if (it == open.end() || it->second.next != files.size()) {
            throw internal_error{"payment run " + run.run_ref + ": fewer transfers to write than counted for debtor "
                                 "account " + debtor + " (the run's orders changed while rendering)"};
        }
    }
    for (auto *w : {&cash_list, &card_list}) {
        if (!w->file) {
            continue;
        }
        auto &f = out.files[w->index];
        w->file->write(w->buffer);
        std::string const path = w->file->final_path();
        f.sha256 = w->file->commit();
        manifest_t m;
        m.add("file", f.file_name);
        m.add("list", f.msg_id);
        m.add("run", run.run_ref);
        m.add("count", std::to_string(f.tx_count));
        m.add("sum", f.ctrl_sum.to_sepa());
        m.add("sha256", f.sha256);
        m.write_beside(path);
    }
    sha256_t h;
    for (auto const &f : out.files) {
        h.update(f.file_name + " " + f.sha256 + "\n");
    }
    out.files_hash = h.hex_digest();
    return out;
}

rendered_t render_files(payment_config_t const &cfg, db::payment_run_t const &run,
                        std::vector<db::payment_order_t> const &orders, std::string const &dir)
{
    return render_files(cfg, run, orders_in(orders), dir);
}

rendered_t compute_files_hash(payment_config_t const &cfg, db::payment_run_t const &run, order_stream_t const &orders,
                              order_visitor_t const &each, std::function<void()> const &before_writing)
{
    namespace fs = std::filesystem;
    std::string tmpl = (fs::temp_directory_path() / "sozbatch-pay.XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
        throw error_t{"cannot create a temporary directory for rendering the payment files"};
    }
    struct cleanup_t
    {
        std::string d;
        ~cleanup_t()
        {
            std::error_code ec;
            fs::remove_all(d, ec);
        }
    } cleanup{tmpl};
    return render_files(cfg, run, orders, tmpl, each, before_writing);
}

rendered_t compute_files_hash(payment_config_t const &cfg, db::payment_run_t const &run,
                              std::vector<db::payment_order_t> const &orders)
{
    return compute_files_hash(cfg, run, orders_in(orders));
}

void run_summary_t::add(db::payment_order_t const &o)
{
    ++orders;
    bool const is_held = o.state == "held";
    auto &x = by_status[{o.law, o.budget_line, o.channel, is_held ? "held" : "paid"}];
    ++x.first;
    x.second += o.amount;
    if (is_held) {
        ++held;
        held_sum += o.amount;
        held_orders.push_back(held_order_t{o.end_to_end_id, o.file_ref, o.purpose, o.payee_ext_id, o.amount, o.hold_reason});
    }
}

run_summary_t run_summary_t::of(order_stream_t const &orders)
{
    run_summary_t s;
    orders([&](db::payment_order_t const &o) { s.add(o); });
    return s;
}

std::string totals_table(run_summary_t const &orders)
{
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<long long, money_t>> t;
    std::map<std::string, std::pair<long long, money_t>> by_law, by_channel;
    long long n = 0;
    money_t sum;
    for (auto const &[k, v] : orders.by_status) {
        if (std::get<3>(k) != "paid") {
            continue;
        }
        auto const &[law, budget_line, channel, status] = k;
        auto &x = t[{law, budget_line, channel}];
        x.first += v.first;
        x.second += v.second;
        by_law[law].first += v.first;
        by_law[law].second += v.second;
        by_channel[channel].first += v.first;
        by_channel[channel].second += v.second;
        n += v.first;
        sum += v.second;
    }
    // Widths in characters (an amount ends in the three-byte "€"), wide enough for the largest
    // figure and a gap of two: at a million cases a count has seven digits and a sum eighteen
    // characters, and fixed widths ran the columns into each other.
    std::size_t w_orders = 7;
    std::size_t w_amount = 16;
    auto const widen = [&](long long count, money_t const &amount) {
        w_orders = std::max(w_orders, std::to_string(count).size() + 2);
        w_amount = std::max(w_amount, utf8_length(amount.to_german()) + 2);
    };
    for (auto const &[k, v] : t) {
        widen(v.first, v.second);
    }
    widen(n, sum); // the sums by law and channel are at most the total
    auto const cell = [](std::string v, std::size_t w) { return sozbatch::pad(std::move(v), w); };
    auto const figures = [&](long long count, money_t const &amount) {
        return pad_left(std::to_string(count), w_orders) + pad_left(amount.to_german(), w_amount) + "\n";
    };
    std::ostringstream s;
    s << "  " << cell("LAW", 11) << cell("BUDGET LINE", 13) << cell("CHANNEL", 8) << pad_left("ORDERS", w_orders)
      << pad_left("AMOUNT", w_amount) << "\n";
    for (auto const &[k, v] : t) {
        s << "  " << cell(std::get<0>(k), 11) << cell(std::get<1>(k), 13) << cell(std::get<2>(k), 8)
          << figures(v.first, v.second);
    }
    for (auto const &[k, v] : by_law) {
        s << "  " << cell("law " + k, 32) << figures(v.first, v.second);
    }
    for (auto const &[k, v] : by_channel) {
        s << "  " << cell("channel " + k, 32) << figures(v.first, v.second);
    }
    s << "  " << cell("total", 32) << figures(n, sum);
    return s.str();
}

std::string protocol_text(db::payment_run_t const &run, run_summary_t const &orders,
                          std::vector<db::payment_file_t> const &files, std::vector<protocol_deduction_t> const &deductions)
{
    std::ostringstream s;
    s << "Zahlungslauf / payment run " << run.run_ref << "\n";
    s << "  month:            " << run.month << "\n";
    s << "  execution date:   " << run.execution_date << "\n";
    s << "  prepared by:      " << run.prepared_by << " at " << run.prepared_at << "\n";
    s << "  released by:      " << (run.released_by.empty() ? "-" : run.released_by + " at " + run.released_at) << "\n";
    if (!run.force_reason.empty()) {
        s << "  forced:           " << run.force_reason << "\n";
    }
    s << "  content hash:     " << run.content_hash << "\n";
    s << "  files hash:       " << run.files_hash << "\n";
    s << "  orders:           " << orders.orders << " (held " << orders.held << ", " << orders.held_sum.to_german()
      << ")\n\n";
    s << totals_table(orders) << "\n";
    s << "  files:\n";
    for (auto const &f : files) {
        s << "    " << f.file_name << "  " << f.channel << "  MsgId " << f.msg_id << "  " << f.tx_count << " tx  "
          << f.ctrl_sum.to_german() << "  sha256 " << f.sha256 << "\n";
    }
    if (orders.held > 0) {
        s << "\n  held orders:\n";
        for (auto const &o : orders.held_orders) {
            s << "    " << o.end_to_end_id << "  " << o.file_ref << "  " << o.purpose << "  " << o.amount.to_german()
              << "  " << o.hold_reason << "\n";
        }
    }
    if (!deductions.empty()) {
        money_t sum;
        s << "\n  Aufrechnungen (deducted from the orders above, claims reduced):\n";
        for (auto const &d : deductions) {
            s << "    " << d.claim_ref << "  " << d.file_ref << "  " << d.month << "  " << d.amount.to_german() << "  "
              << d.legal_basis << "\n";
            sum += d.amount;
        }
        s << "    total " << sum.to_german() << "\n";
    }
    s << "\n  Unterschrift Kasse: ______________________   Datum: __________\n";
    return s.str();
}

std::string protocol_csv(db::payment_run_t const &run, run_summary_t const &orders)
{
    std::string csv = "run;month;execution_date;prepared_by;released_by;law;budget_line;channel;status;count;sum\n";
    for (auto const &[k, v] : orders.by_status) {
        csv += run.run_ref + ";" + run.month + ";" + run.execution_date + ";" + csv_field(run.prepared_by) + ";" +
               csv_field(run.released_by) + ";" + std::get<0>(k) + ";" + csv_field(std::get<1>(k)) + ";" +
               std::get<2>(k) + ";" + std::get<3>(k) + ";" + std::to_string(v.first) + ";" + v.second.to_sepa() + "\n";
    }
    return csv;
}

void fault_point(char const *point)
{
    char const *f = std::getenv("SOZBATCH_FAULT");
    if (f != nullptr && std::string_view{f} == point) {
        std::_Exit(86);
    }
}

} // namespace sozbatch::payments
