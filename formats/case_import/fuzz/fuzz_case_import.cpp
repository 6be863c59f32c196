// SPDX-License-Identifier: GPL-3.0-or-later
// Differential libFuzzer target (built by scripts/fuzz, not by CMake) for the case-import reader
// (formats/case_import/reader.hpp). Every input is read by the whole-document reader
// (read_case_import_string) and by the streaming reader the import uses
// (read_case_import_stream, in slices whose size comes from the input's first byte). Aborts when
//  - one accepts and the other refuses, or both refuse with different messages;
//  - both accept with different records (compared as the writer's XML of the records);
//  - the streaming reader hands out more records in one slice than asked for.
#include "formats/case_import/reader.hpp"
#include "formats/case_import/writer.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace sozbatch;
using namespace sozbatch::domain;

[[noreturn]] void die(char const *what, std::string const &a, std::string const &b)
{
    std::fprintf(stderr, "%s\n--- whole document: %s\n--- streaming: %s\n", what, a.c_str(), b.c_str());
    std::abort();
}

class sink_t final : public formats::case_import_sink_t
{
public:
    explicit sink_t(std::size_t slice) : m_slice(slice) {}
    bool head(case_bundle_t const &head) override
    {
        bundle = head;
        return true;
    }
    void persons(std::vector<person_t> &&v) override { add(bundle.persons, v); }
    void payees(std::vector<payee_t> &&v) override { add(bundle.payees, v); }
    void cases(std::vector<case_t> &&v) override { add(bundle.cases, v); }
    case_bundle_t bundle;

private:
    template <class T> void add(std::vector<T> &to, std::vector<T> &v)
    {
        if (v.empty() || v.size() > m_slice) {
            die("a slice of the wrong size", std::to_string(m_slice), std::to_string(v.size()));
        }
        to.insert(to.end(), v.begin(), v.end());
    }
    std::size_t m_slice;
};

std::string joined(formats::case_import_error const &e)
{
    std::string s;
    for (auto const &m : e.messages()) {
        s += m + "\n";
    }
    return s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(std::uint8_t const *data, std::size_t size)
{
    if (size == 0) {
        return 0;
    }
    std::size_t const slice = 1 + data[0] % 16;
    std::string_view const xml{reinterpret_cast<char const *>(data) + 1, size - 1};
    std::string whole, stream;
    bool whole_ok = false, stream_ok = false;
    try {
        whole = formats::write_case_import(formats::read_case_import_string(xml, "fuzz.xml"));
        whole_ok = true;
    } catch (formats::case_import_error const &e) {
        whole = joined(e);
    }
    sink_t sink{slice};
    try {
        formats::read_case_import_stream(xml, "fuzz.xml", sink, slice);
        stream = formats::write_case_import(sink.bundle);
        stream_ok = true;
    } catch (formats::case_import_error const &e) {
        stream = joined(e);
    }
    if (whole_ok != stream_ok) {
        die(whole_ok ? "only the whole-document reader accepts" : "only the streaming reader accepts", whole, stream);
    }
    if (whole != stream) {
        die(whole_ok ? "different records" : "different findings", whole, stream);
    }
    return 0;
}
