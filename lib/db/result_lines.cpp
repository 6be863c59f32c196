// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/db/result_lines.hpp"

#include "lib/core/error.hpp"
#include "lib/core/json.hpp"
#include "lib/core/text.hpp"
#include "lib/db/row.hpp"

#include <charconv>
#include <cstdint>

namespace sozbatch::db {

namespace {

void append_number(std::string &out, long long v)
{
    char buf[24];
    auto const [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}


/// A strict reader of the documents above: arrays of arrays of integers and strings.
class reader_t
{
public:
    reader_t(std::string_view doc, std::string const &what) : m_doc(doc), m_what(what) {}

    [[noreturn]] void fail(std::string const &why) const
    {
        throw db_error("result lines", m_what + ": " + why + " at byte " + std::to_string(m_pos));
    }

    void space()
    {
        while (m_pos < m_doc.size() &&
               (m_doc[m_pos] == ' ' || m_doc[m_pos] == '\n' || m_doc[m_pos] == '\r' || m_doc[m_pos] == '\t')) {
            ++m_pos;
        }
    }

    /// Consumes \p c (after whitespace) if it is next.
    bool accept(char c)
    {
        space();
        if (m_pos < m_doc.size() && m_doc[m_pos] == c) {
            ++m_pos;
            return true;
        }
        return false;
    }

    void expect(char c)
    {
        if (!accept(c)) {
            fail(std::string{"'"} + c + "' expected");
        }
    }

    bool at_end()
    {
        space();
        return m_pos == m_doc.size();
    }

    long long number()
    {
        space();
        long long v = 0;
        auto const *first = m_doc.data() + m_pos;
        auto const *last = m_doc.data() + m_doc.size();
        auto const [end, ec] = std::from_chars(first, last, v);
        if (ec != std::errc{} || end == first) {
            fail("integer expected");
        }
        if (end < last && (*end == '.' || *end == 'e' || *end == 'E')) {
            fail("integer expected, not a fraction");
        }
        m_pos += static_cast<std::size_t>(end - first);
        return v;
    }

    std::string string()
    {
        expect('"');
        std::string out;
        for (;;) {
            if (m_pos >= m_doc.size()) {
                fail("unterminated string");
            }
            char const ch = m_doc[m_pos++];
            if (ch == '"') {
                return out;
            }
            if (static_cast<unsigned char>(ch) < 0x20) {
                fail("control character in a string");
            }
            if (ch != '\\') {
                out += ch;
                continue;
            }
            if (m_pos >= m_doc.size()) {
                fail("unterminated escape");
            }
            char const e = m_doc[m_pos++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': append_utf8(out, code_point()); break;
            default: fail(std::string{"unknown escape \\"} + e);
            }
        }
    }

private:
    std::uint32_t hex4()
    {
        if (m_pos + 4 > m_doc.size()) {
            fail("short \\u escape");
        }
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) {
            char const c = m_doc[m_pos++];
            v <<= 4;
            if (c >= '0' && c <= '9') {
                v |= static_cast<std::uint32_t>(c - '0');
            } else if (c >= 'a' && c <= 'f') {
                v |= static_cast<std::uint32_t>(c - 'a' + 10);
            } else if (c >= 'A' && c <= 'F') {
                v |= static_cast<std::uint32_t>(c - 'A' + 10);
            } else {
                fail("bad \\u escape");
            }
        }
        return v;
    }

    std::uint32_t code_point()
    {
        std::uint32_t const hi = hex4();
        if (hi >= 0xDC00 && hi <= 0xDFFF) {
            fail("lone low surrogate");
        }
        if (hi < 0xD800 || hi > 0xDBFF) {
            return hi;
        }
        if (m_pos + 2 > m_doc.size() || m_doc[m_pos] != '\\' || m_doc[m_pos + 1] != 'u') {
            fail("high surrogate without its low surrogate");
        }
        m_pos += 2;
        std::uint32_t const lo = hex4();
        if (lo < 0xDC00 || lo > 0xDFFF) {
            fail("high surrogate without its low surrogate");
        }
        return 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
    }


    std::string_view m_doc;
    std::string const &m_what;
    std::size_t m_pos = 0;
};

} // namespace

namespace {

/// Reads "[[...], ...]" calling \p one for each inner array after its '['; \p one reads the
/// elements, the closing ']' is checked here (\p elements says how many belong there).
template <class F>
void parse_rows(reader_t &in, char const *elements, F const &one)
{
    in.expect('[');
    if (!in.accept(']')) {
        do {
            in.expect('[');
            one();
            if (!in.accept(']')) {
                in.fail(std::string{elements} + "; ']' expected");
            }
        } while (in.accept(','));
        in.expect(']');
    }
    if (!in.at_end()) {
        in.fail("text after the document");
    }
}

} // namespace

namespace {

/// Appends the elements of one row, separated by commas.
class row_writer_t
{
public:
    explicit row_writer_t(std::string &out) : m_out(out) {}
    row_writer_t &operator()(std::string const &s)
    {
        separate();
        append_json_string(m_out, s);
        return *this;
    }
    row_writer_t &operator()(long long v)
    {
        separate();
        append_number(m_out, v);
        return *this;
    }

private:
    void separate()
    {
        if (!m_first) {
            m_out += ',';
        }
        m_first = false;
    }
    std::string &m_out;
    bool m_first = true;
};

/// Appends "[[...], ...]": \p one writes the elements of each row through a row_writer_t.
template <class Row, class F>
void append_rows(std::string &out, std::span<Row const> rows, F const &one)
{
    out += '[';
    bool first = true;
    for (auto const &r : rows) {
        out += first ? "[" : ",[";
        first = false;
        row_writer_t w{out};
        one(w, r);
        out += ']';
    }
    out += ']';
}

} // namespace

void append_lines_document(std::string &out, std::span<line_row_t const> lines)
{
    append_rows(out, lines, [](row_writer_t &w, line_row_t const &l) {
        w(l.seq)(l.person_ext_id)(l.segment_from)(l.segment_to)(l.kind)(l.cls)(l.legal_basis)(l.basis_cents)(
            l.factor_num)(l.factor_den)(l.monthly_cents)(l.days)(l.day_share)(l.amount_cents)(l.params)(l.note);
    });
}

std::vector<line_row_t> parse_lines_document(std::string_view doc, std::string const &what)
{
    reader_t in{doc, what};
    std::vector<line_row_t> out;
    parse_rows(in, "a line has 16 elements", [&] {
        line_row_t l;
        l.seq = in.number();
        for (auto *s : {&l.person_ext_id, &l.segment_from, &l.segment_to, &l.kind, &l.cls, &l.legal_basis}) {
            in.expect(',');
            *s = in.string();
        }
        for (auto *v : {&l.basis_cents, &l.factor_num, &l.factor_den, &l.monthly_cents, &l.days, &l.day_share,
                        &l.amount_cents}) {
            in.expect(',');
            *v = in.number();
        }
        in.expect(',');
        l.params = in.string();
        in.expect(',');
        l.note = in.string();
        out.push_back(std::move(l));
    });
    return out;
}


void append_payouts_document(std::string &out, std::span<payout_row_t const> payouts)
{
    append_rows(out, payouts,
                [](row_writer_t &w, payout_row_t const &p) { w(p.payee_ext_id)(p.purpose)(p.amount_cents); });
}

std::vector<payout_row_t> parse_payouts_document(std::string_view doc, std::string const &what)
{
    reader_t in{doc, what};
    std::vector<payout_row_t> out;
    parse_rows(in, "a payout has 3 elements (payee, purpose, cents)", [&] {
        payout_row_t p;
        p.payee_ext_id = in.string();
        in.expect(',');
        p.purpose = in.string();
        in.expect(',');
        p.amount_cents = in.number();
        out.push_back(std::move(p));
    });
    return out;
}

void append_flags_document(std::string &out, std::span<flag_row_t const> flags)
{
    append_rows(out, flags, [](row_writer_t &w, flag_row_t const &f) { w(f.person_ext_id)(f.code)(f.text); });
}

std::vector<flag_row_t> parse_flags_document(std::string_view doc, std::string const &what)
{
    reader_t in{doc, what};
    std::vector<flag_row_t> out;
    parse_rows(in, "a flag has 3 elements (person, code, text)", [&] {
        flag_row_t f;
        f.person_ext_id = in.string();
        in.expect(',');
        f.code = in.string();
        in.expect(',');
        f.text = in.string();
        out.push_back(std::move(f));
    });
    return out;
}

std::vector<line_row_t> read_result_lines(database_t &db, long long result_id)
{
    std::optional<std::string> doc;
    {
        soci::row row;
        db.sql() << "SELECT lines FROM calc_results WHERE id = :r", soci::into(row), soci::use(result_id);
        if (db.sql().got_data()) {
            doc = opt_text(row, 0);
        }
    }
    if (doc) {
        return parse_lines_document(*doc, "calc_results.lines of result " + std::to_string(result_id));
    }
    // a result written before migration 0018: its lines are rows of calc_lines
    std::vector<line_row_t> out;
    soci::rowset<soci::row> rs =
        (db.sql().prepare << "SELECT seq, person_ext_id, segment_from, segment_to, kind, cls, legal_basis, basis_cents, "
                             "factor_num, factor_den, monthly_cents, days, day_share, amount_cents, params, note "
                             "FROM calc_lines WHERE calc_result_id = :r ORDER BY seq",
         soci::use(result_id));
    for (auto const &r : rs) {
        line_row_t l;
        l.seq = int64(r, 0);
        l.person_ext_id = text(r, 1);
        l.segment_from = text(r, 2).substr(0, 10);
        l.segment_to = text(r, 3).substr(0, 10);
        l.kind = text(r, 4);
        l.cls = text(r, 5);
        l.legal_basis = text(r, 6);
        l.basis_cents = int64(r, 7);
        l.factor_num = int64(r, 8);
        l.factor_den = int64(r, 9);
        l.monthly_cents = int64(r, 10);
        l.days = int64(r, 11);
        l.day_share = int64(r, 12);
        l.amount_cents = int64(r, 13);
        l.params = text(r, 14);
        l.note = text(r, 15);
        out.push_back(std::move(l));
    }
    return out;
}

} // namespace sozbatch::db
