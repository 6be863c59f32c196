// SPDX-License-Identifier: GPL-3.0-or-later
// The compiled schema validator (formats/xml/compiled_schema.hpp) replaces libxml2's validator in
// the self-check of every pain.001 file. These tests hold it to libxml2: the same patterns accept
// the same strings, the same documents are valid and invalid.
#include "formats/sepa/pain001_writer.hpp"
#include "formats/xml/compiled_schema.hpp"
#include "formats/xml/xsd_regex.hpp"
#include "lib/core/error.hpp"
#include "lib/core/text.hpp"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlregexp.h>
#include <libxml/xmlschemas.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

using namespace sozbatch;
using namespace sozbatch::xml;
namespace fs = std::filesystem;

namespace {

std::string const OWN_XSD = SOZBATCH_SOURCE_DIR "/" + std::string{sepa::PAIN001_SCHEMA};
std::string const GOLDEN = SOZBATCH_SOURCE_DIR "/tests/unit/golden/";

std::string read_all(std::string const &path)
{
    std::ifstream in{path, std::ios::binary};
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct libxml_regex_t
{
    xmlRegexpPtr re;
    explicit libxml_regex_t(std::string const &p) : re{xmlRegexpCompile(reinterpret_cast<xmlChar const *>(p.c_str()))} {}
    ~libxml_regex_t() { xmlRegFreeRegexp(re); }
    libxml_regex_t(libxml_regex_t const &) = delete;
    libxml_regex_t &operator=(libxml_regex_t const &) = delete;
    bool matches(std::string const &s) const { return xmlRegexpExec(re, reinterpret_cast<xmlChar const *>(s.c_str())) == 1; }
};

/// The xs:pattern values of the sozbatch pain.001 schema, entity references resolved.
std::vector<std::string> schema_patterns()
{
    std::string const xsd = read_all(OWN_XSD);
    std::vector<std::string> out;
    std::string const open = "<xs:pattern value=\"";
    for (auto at = xsd.find(open); at != std::string::npos; at = xsd.find(open, at + 1)) {
        auto const begin = at + open.size();
        std::string p = xsd.substr(begin, xsd.find('"', begin) - begin);
        for (std::size_t amp; (amp = p.find("&amp;")) != std::string::npos;) {
            p.replace(amp, 5, "&");
        }
        out.push_back(p);
    }
    return out;
}

/// A deterministic generator (no std::rand: the same strings on every machine).
struct lcg_t
{
    std::uint64_t s = 0x2545F4914F6CDD1DULL;
    std::size_t operator()(std::size_t n)
    {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<std::size_t>((s >> 33) % n);
    }
};

/// Compares both engines for \p pattern on short strings over \p alphabet, on random longer ones and
/// on single-character edits of \p samples. \returns the number of strings compared
std::size_t compare_engines(std::string const &pattern, std::vector<std::string> alphabet,
                            std::vector<std::string> const &samples)
{
    xsd_regex_t const ours{pattern};
    libxml_regex_t const theirs{pattern};
    EXPECT_NE(theirs.re, nullptr) << pattern;
    if (theirs.re == nullptr) {
        return 0;
    }
    std::set<std::string> strings{""};
    std::vector<std::string> level{""};
    int const depth = alphabet.size() <= 12 ? 4 : 3;
    for (int len = 1; len <= depth; ++len) {
        std::vector<std::string> next;
        for (auto const &prefix : level) {
            for (auto const &c : alphabet) {
                next.push_back(prefix + c);
            }
        }
        strings.insert(next.begin(), next.end());
        level = std::move(next);
    }
    lcg_t rnd;
    for (int i = 0; i < 3000; ++i) {
        std::string s;
        std::size_t const len = 5 + rnd(40);
        for (std::size_t k = 0; k < len; ++k) {
            s += alphabet[rnd(alphabet.size())];
        }
        strings.insert(s);
    }
    for (auto const &sample : samples) {
        strings.insert(sample);
        for (std::size_t pos = 0; pos <= sample.size(); ++pos) {
            if (pos < sample.size()) {
                strings.insert(sample.substr(0, pos) + sample.substr(pos + 1));
            }
            for (auto const &c : alphabet) {
                strings.insert(sample.substr(0, pos) + c + sample.substr(pos));
                if (pos < sample.size()) {
                    strings.insert(sample.substr(0, pos) + c + sample.substr(pos + 1));
                }
            }
        }
    }
    std::size_t disagreements = 0;
    for (bool const portable : {false, true}) { // with the byte shuffles (where the CPU has them) and without
        xsd_regex_t::set_portable(portable);
        for (auto const &s : strings) {
            bool const a = ours.matches(s);
            bool const b = theirs.matches(s);
            if (a != b && ++disagreements <= 5) {
                ADD_FAILURE() << "pattern '" << pattern << "', string '" << s << "': ours " << a << ", libxml2 " << b
                              << (portable ? " (portable)" : "");
            }
        }
    }
    xsd_regex_t::set_portable(false);
    EXPECT_EQ(disagreements, 0u) << pattern;
    return strings.size();
}

} // namespace

TEST(XsdRegex, AgreesWithLibxml2OnTheSchemaPatterns)
{
    xmlInitParser();
    auto const patterns = schema_patterns();
    ASSERT_GE(patterns.size(), 10u);
    std::vector<std::string> const alphabet{"a", "z", "A", "Z", "0", "9", " ", "/", "-", "+", ".", ":", "'",
                                            "(", ")", "?", "&", ",", "T", "E", "D", "t", "r", "u", "e",
                                            "\u00c4", "\u00e4", "\u00df", "\u00e9", "\u0141", "!", "_", "*",
                                            "\U0001F600"};
    std::vector<std::string> const samples{"SOZ-2026-01-0001", "Anna Schmidt", "J\u00fcrgen Wei\u00df & S\u00f6hne",
                                           "2026-01-20T08:00:00Z", "2026-01-20T08:00:00+01:00", "2025-12-31",
                                           "1000", "563.00", "true", "false", "DE89370400440532013000",
                                           "COBADEFFXXX", "COBADEFF", "SSBE", "A/B", "A/B/C",
                                           // long runs of one state's loop (skipped eight at a time),
                                           // with the edits below at every position of them
                                           "Kriegsopferfuersorge Bundesversorgungsgesetz 2026-12 Az SOZ-2026-01-0001",
                                           "GRUNDSICHERUNGIMALTERUNDBEIERWERBSMINDERUNG",
                                           "M\u00fcllerL\u00fcdenscheidtStra\u00dfe12345678"};
    std::size_t compared = 0;
    for (auto const &p : patterns) {
        compared += compare_engines(p, alphabet, samples);
    }
    EXPECT_GT(compared, 100000u);
}

TEST(XsdRegex, CountsTheCharactersOfWhatItMatches)
{
    xsd_regex_t const text{"([a-z]|[+-:A-Z]|[&-)?\u00c4\u00d6\u00dc\u00df\u00e4\u00f6\u00fc])( ?([a-z]|[+-:A-Z]|[&-)?"
                           "\u00c4\u00d6\u00dc\u00df\u00e4\u00f6\u00fc]))*"};
    xsd_regex_t const iban{"[A-Z][A-Z][0-9][0-9][A-Z0-9]+"};
    std::vector<std::string> const letters{"a", "Z", "0", "&", "\u00e4", "\u00df", "\u00dc", "x", "Q", "9"};
    for (bool const portable : {false, true}) { // with the byte shuffles (where the CPU has them) and without
        xsd_regex_t::set_portable(portable);
        lcg_t rnd;
        for (int i = 0; i < 2000; ++i) {
            std::string s;
            std::size_t chars = 0;
            std::size_t const len = 1 + rnd(150);
            for (std::size_t k = 0; k < len; ++k) {
                s += letters[rnd(letters.size())];
                ++chars;
                if (k + 1 < len && rnd(9) == 0) {
                    s += ' ';
                    ++chars;
                }
            }
            std::size_t n = 0;
            ASSERT_TRUE(text.matches(s, &n)) << s;
            EXPECT_EQ(n, chars) << s;
            EXPECT_FALSE(text.matches(s + " ")) << s;
            EXPECT_FALSE(text.matches(" " + s)) << s;
            EXPECT_FALSE(text.matches(s + "  x")) << s;
        }
        std::size_t n = 0;
        EXPECT_TRUE(iban.matches("DE89370400440532013000", &n));
        EXPECT_EQ(n, 22u);
        EXPECT_FALSE(iban.matches("DE89370400440532013000a"));
        EXPECT_FALSE(iban.matches("DE8937040044053201300\u00c4"));
        EXPECT_FALSE(iban.matches("D\u00c4E89370400440532013000"));
    }
    xsd_regex_t::set_portable(false);
}

TEST(XsdRegex, AgreesWithLibxml2OnTheSyntaxItSupports)
{
    xmlInitParser();
    std::vector<std::string> const alphabet{"a", "b", "c", "-", ".", "x", "\n", "\u00e4", "^", "$", "|"};
    for (std::string const p :
         {"a", "", "a|", "|b", "a|b|c", "ab*", "(ab)+", "(a|bc)*x", "a?b?c?", "a{2}", "a{2,}", "a{0,3}b", "(ab){1,2}c",
          "[abc]+", "[^abc]", "[^a-c]x", "[a-]", "[\\-a]", "[\\^b]", "\\.", "\\-", "\\|", ".", ".*a", "x{0}",
          "(a|b){2,3}", "[a-c]{1,2}(\\.[a-c])?", "[\u00e4a]b", "^a$", "a\\nb", "[\\n.]x", "(((a)))", "(a*)*",
          "(a|ab)(c|bcd)"}) {
        compare_engines(p, alphabet, {"abc", "ab.c", "a-b"});
    }
}

TEST(XsdRegex, RefusesWhatItDoesNotSupport)
{
    for (std::string const p : {"\\d+", "\\s", "\\w", "\\i\\c*", "\\p{L}", "\\P{Nd}", "[a-z-[aeiou]]", "(ab", "ab)",
                                "a{3,2}", "[abc", "*a", "a**", "a{", "a{x}", "[\\d]", "[z-a]"}) {
        EXPECT_THROW(xsd_regex_t{p}, internal_error) << p;
    }
}

namespace {

std::string schema_with(std::string const &body)
{
    return "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xmlns=\"urn:t\" targetNamespace=\"urn:t\" "
           "elementFormDefault=\"qualified\">" +
           body + "</xs:schema>";
}

} // namespace

TEST(CompiledSchema, RefusesConstructsOutsideTheSubset)
{
    std::string const ok_root = "<xs:element name=\"R\" type=\"xs:string\"/>";
    EXPECT_NO_THROW(compiled_schema_t(schema_with(ok_root), "ok.xsd"));
    for (std::string const &body : std::vector<std::string>{
             "<xs:element name=\"R\"><xs:complexType><xs:sequence><xs:any/></xs:sequence></xs:complexType></xs:element>",
             "<xs:element name=\"R\"><xs:complexType><xs:sequence><xs:sequence><xs:element name=\"A\" "
             "type=\"xs:string\"/></xs:sequence></xs:sequence></xs:complexType></xs:element>",
             "<xs:element name=\"R\"><xs:complexType><xs:sequence><xs:element ref=\"A\"/></xs:sequence></xs:complexType>"
             "</xs:element>",
             "<xs:element name=\"R\"><xs:complexType><xs:all><xs:element name=\"A\" type=\"xs:string\"/></xs:all>"
             "</xs:complexType></xs:element>",
             "<xs:element name=\"R\"><xs:simpleType><xs:list itemType=\"xs:string\"/></xs:simpleType></xs:element>",
             "<xs:element name=\"R\"><xs:simpleType><xs:restriction base=\"xs:string\"><xs:whiteSpace "
             "value=\"collapse\"/></xs:restriction></xs:simpleType></xs:element>",
             "<xs:element name=\"R\"><xs:simpleType><xs:restriction base=\"xs:string\"><xs:pattern "
             "value=\"\\d+\"/></xs:restriction></xs:simpleType></xs:element>",
             "<xs:element name=\"R\" type=\"xs:token\"/>",
             "<xs:element name=\"R\" type=\"Missing\"/>",
             "<xs:import namespace=\"urn:x\"/>" + ok_root,
             "<xs:group name=\"G\"><xs:sequence/></xs:group>" + ok_root,
             "<xs:element name=\"R\" type=\"xs:string\" nillable=\"true\"/>",
         }) {
        EXPECT_THROW(compiled_schema_t(schema_with(body), "bad.xsd"), internal_error) << body;
    }
}

TEST(CompiledSchema, NamesTheElementTheLineAndTheRule)
{
    compiled_schema_t const schema{read_all(OWN_XSD), OWN_XSD};
    std::string xml = read_all(GOLDEN + "pain001_sample_indented.xml");
    EXPECT_EQ(validate_document(schema, xml).message, "");
    auto const at = xml.find("<Nm>", xml.find("<Cdtr>"));
    ASSERT_NE(at, std::string::npos);
    xml.insert(at + 4, "Zo\u00eb ");
    auto const f = validate_document(schema, xml);
    EXPECT_EQ(f.element, "Nm");
    EXPECT_EQ(f.line, 1 + std::count(xml.begin(), xml.begin() + static_cast<long>(at), '\n'));
    EXPECT_NE(f.message.find("[facet 'pattern']"), std::string::npos) << f.message;
}

// Found by the differential fuzz target: libxml2's memory parser stops at a NUL byte and so accepts
// a document followed by NUL bytes; the check refuses any NUL byte (NUL is no XML character).
TEST(CompiledSchema, RefusesNulBytesAfterTheDocument)
{
    compiled_schema_t const schema{read_all(OWN_XSD), OWN_XSD};
    std::string const xml = read_all(GOLDEN + "pain001_sample_compact.xml");
    EXPECT_EQ(validate_document(schema, xml).message, "");
    std::string with_nul = xml + std::string(2, '\0') + "\n";
    EXPECT_NE(validate_document(schema, with_nul).message, "");
    std::string nul_inside = xml;
    nul_inside.insert(xml.find("<Nm>") + 4, 1, '\0');
    EXPECT_NE(validate_document(schema, nul_inside).message, "");
}

namespace {

std::vector<xmlNodePtr> elements_of(xmlNodePtr n)
{
    std::vector<xmlNodePtr> out;
    std::function<void(xmlNodePtr)> walk = [&](xmlNodePtr e) {
        out.push_back(e);
        for (xmlNodePtr c = e->children; c != nullptr; c = c->next) {
            if (c->type == XML_ELEMENT_NODE) {
                walk(c);
            }
        }
    };
    walk(n);
    return out;
}

bool has_element_children(xmlNodePtr e)
{
    for (xmlNodePtr c = e->children; c != nullptr; c = c->next) {
        if (c->type == XML_ELEMENT_NODE) {
            return true;
        }
    }
    return false;
}

std::string dump(xmlDocPtr d)
{
    xmlChar *buf = nullptr;
    int n = 0;
    xmlDocDumpMemoryEnc(d, &buf, &n, "UTF-8");
    std::string s{reinterpret_cast<char const *>(buf), static_cast<std::size_t>(n)};
    xmlFree(buf);
    return s;
}

void set_text(xmlNodePtr e, std::string const &v)
{
    while (e->children != nullptr) {
        xmlNodePtr c = e->children;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    xmlAddChild(e, xmlNewText(reinterpret_cast<xmlChar const *>(v.c_str())));
}

std::string text_of(xmlNodePtr e)
{
    xmlChar *c = xmlNodeGetContent(e);
    std::string s = c == nullptr ? std::string{} : reinterpret_cast<char const *>(c);
    xmlFree(c);
    return s;
}

/// The values every leaf is tried with: edges of every simple type of the schema.
std::vector<std::string> leaf_values()
{
    std::vector<std::string> v{
        "", " ", "x", "0", "1", "9", "01", "12", "0.00", "0.01", "0.010", "1.5", "1.50", "01.00", "+1.00", "-1.00",
        "1.", ".50", "1,00", " 1.00", "1.00 ", "\n1.00\n", "999999999.99", "1000000000.00", "999999999.999",
        "1234567890123456.00", "12345678901234567.00", "123456789012345678", "1234567890123456", "123456789012345",
        "true", "false", "TRUE", " true ", "yes", "2026-02-29", "2028-02-29", "2026-13-01", "2026-00-10", "2026-04-31",
        "2026-1-01", "02026-01-01", "0000-01-01", "-2026-01-01", "2026-01-01Z", "2026-01-01+01:00", " 2026-01-01 ",
        "2026-01-01T00:00:00Z", "2026-01-01T24:00:00Z", "2026-01-01T23:59:59Z", "2026-01-01T23:59:60Z",
        "2026-01-01T23:60:00Z", "2026-01-01T08:00:00+14:00", "2026-01-01T08:00:00+14:01", "2026-01-01T08:00:00+15:00",
        "2026-01-01T08:00:00-09:30", "2026-01-01T08:00:00", "2026-01-01T08:00:00.5Z", "2026-01-01T8:00:00Z",
        "DE89370400440532013000", "DE89 3704 0044", "de89370400440532013000", "DE8937040044053201300012345678901234",
        "COBADEFFXXX", "COBADEFF", "COBADEFF1", "cobadeff", "C0BADEFF", "EUR", "eur", "USD", "SEPA", "SLEV", "TRF",
        "NOTPROVIDED", "GOVT", "SSBE", "SSB", "SSBE1", "A/B", "/AB", "AB/", "A//B", "Zo\u00eb", "J\u00fcrgen Wei\u00df",
        "a  b", " a", "a ", "A&B", "A<B", "A\tB", "\u00c4\u00d6\u00dc\u00e4\u00f6\u00fc\u00df", "\u00ab\u00bb",
        std::string(35, 'A'), std::string(36, 'A'), std::string(70, 'b'), std::string(71, 'b'), std::string(140, 'c'),
        std::string(141, 'c'), "SOZ-2026-01-0001", "Anna Schmidt"};
    std::string many_umlauts;
    for (int i = 0; i < 70; ++i) {
        many_umlauts += "\u00e4";
    }
    v.push_back(many_umlauts);
    v.push_back(many_umlauts + "\u00e4");
    return v;
}

struct differential_t
{
    compiled_schema_t const &ours;
    xmlSchemaPtr theirs;
    std::size_t compared = 0;
    std::size_t valid = 0;
    std::size_t disagreements = 0;

    bool libxml2_accepts(std::string const &xml) const
    {
        xmlDocPtr d = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "m.xml", nullptr,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        if (d == nullptr) {
            return false;
        }
        xmlSchemaValidCtxtPtr v = xmlSchemaNewValidCtxt(theirs);
        xmlSchemaSetValidStructuredErrors(v, [](void *, xmlErrorPtr) {}, nullptr);
        int const rc = xmlSchemaValidateDoc(v, d);
        xmlSchemaFreeValidCtxt(v);
        xmlFreeDoc(d);
        return rc == 0;
    }

    void compare(std::string const &xml, std::string const &what)
    {
        ++compared;
        auto const finding = validate_document(ours, xml);
        bool const a = finding.message.empty();
        bool const b = libxml2_accepts(xml);
        valid += a && b ? 1 : 0;
        if (a != b && ++disagreements <= 10) {
            ADD_FAILURE() << what << ": compiled validator " << (a ? "accepts" : "refuses (" + finding.message + ")")
                          << ", libxml2 " << (b ? "accepts" : "refuses");
        }
    }

    /// Copies \p doc, applies \p change to its element number \p index, compares.
    void mutate(xmlDocPtr doc, std::size_t index, std::string const &what, std::function<void(xmlNodePtr)> const &change)
    {
        xmlDocPtr copy = xmlCopyDoc(doc, 1);
        auto const els = elements_of(xmlDocGetRootElement(copy));
        change(els[index]);
        compare(dump(copy), what);
        xmlFreeDoc(copy);
    }
};

void alter_every_element(differential_t &diff, std::string const &file)
{
    std::string const xml = read_all(file);
    diff.compare(xml, file);
    xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), file.c_str(), nullptr, XML_PARSE_NONET);
    ASSERT_NE(doc, nullptr);
    auto const els = elements_of(xmlDocGetRootElement(doc));
    auto const values = leaf_values();
    for (std::size_t i = 0; i < els.size(); ++i) {
        std::string const name = reinterpret_cast<char const *>(els[i]->name);
        std::string const at = file.substr(file.rfind('/') + 1) + " element #" + std::to_string(i) + " " + name;
        bool const leaf = !has_element_children(els[i]);
        if (i > 0) {
            diff.mutate(doc, i, at + " deleted", [](xmlNodePtr e) {
                xmlUnlinkNode(e);
                xmlFreeNode(e);
            });
            diff.mutate(doc, i, at + " doubled", [](xmlNodePtr e) { xmlAddNextSibling(e, xmlCopyNode(e, 1)); });
            diff.mutate(doc, i, at + " swapped with the next", [](xmlNodePtr e) {
                xmlNodePtr n = xmlNextElementSibling(e);
                if (n != nullptr) {
                    xmlUnlinkNode(n);
                    xmlAddPrevSibling(e, n);
                }
            });
        }
        for (char const *other : {"Nm", "Id", "Cd", "Xyz"}) {
            diff.mutate(doc, i, at + " renamed " + other,
                        [other](xmlNodePtr e) { xmlNodeSetName(e, reinterpret_cast<xmlChar const *>(other)); });
        }
        diff.mutate(doc, i, at + " in another namespace", [](xmlNodePtr e) {
            xmlSetNs(e, xmlNewNs(e, reinterpret_cast<xmlChar const *>("urn:other"), nullptr));
        });
        diff.mutate(doc, i, at + " with an attribute", [](xmlNodePtr e) {
            xmlSetProp(e, reinterpret_cast<xmlChar const *>("Ccy"), reinterpret_cast<xmlChar const *>("EUR"));
        });
        if (xmlHasProp(els[i], reinterpret_cast<xmlChar const *>("Ccy")) != nullptr) {
            diff.mutate(doc, i, at + " without Ccy",
                        [](xmlNodePtr e) { xmlUnsetProp(e, reinterpret_cast<xmlChar const *>("Ccy")); });
            for (char const *ccy : {"USD", "eur", " EUR", ""}) {
                diff.mutate(doc, i, at + " Ccy='" + ccy + "'", [ccy](xmlNodePtr e) {
                    xmlSetProp(e, reinterpret_cast<xmlChar const *>("Ccy"), reinterpret_cast<xmlChar const *>(ccy));
                });
            }
        }
        if (leaf) {
            std::string const original = text_of(els[i]);
            std::vector<std::string> tries = values;
            tries.insert(tries.end(), {original + " ", " " + original, original + "x", original + original,
                                       original.empty() ? "" : original.substr(1), original + "/", "/" + original});
            for (auto const &v : tries) {
                diff.mutate(doc, i, at + " = '" + v + "'", [&v](xmlNodePtr e) { set_text(e, v); });
            }
            diff.mutate(doc, i, at + " with a child", [](xmlNodePtr e) {
                xmlNewChild(e, e->ns, reinterpret_cast<xmlChar const *>("Nm"), reinterpret_cast<xmlChar const *>("A"));
            });
        } else {
            diff.mutate(doc, i, at + " with text", [](xmlNodePtr e) {
                xmlAddPrevSibling(e->children, xmlNewText(reinterpret_cast<xmlChar const *>("x")));
            });
            diff.mutate(doc, i, at + " with blanks", [](xmlNodePtr e) {
                xmlAddPrevSibling(e->children, xmlNewText(reinterpret_cast<xmlChar const *>(" \n\t ")));
            });
            diff.mutate(doc, i, at + " emptied", [](xmlNodePtr e) { set_text(e, ""); });
        }
    }
    xmlFreeDoc(doc);
}

} // namespace

// Every element of both golden files deleted, doubled, swapped, renamed, moved to another
// namespace, given attributes, text or children, and every leaf set to ~110 edge values: libxml2
// and the compiled validator accept and refuse exactly the same documents.
TEST(CompiledSchema, AgreesWithLibxml2OnTheGoldensAndThousandsOfAlterations)
{
    xmlInitParser();
    compiled_schema_t const ours{read_all(OWN_XSD), OWN_XSD};
    xmlSchemaParserCtxtPtr pctx = xmlSchemaNewParserCtxt(OWN_XSD.c_str());
    xmlSchemaPtr theirs = xmlSchemaParse(pctx);
    xmlSchemaFreeParserCtxt(pctx);
    ASSERT_NE(theirs, nullptr);
    differential_t diff{ours, theirs};
    alter_every_element(diff, GOLDEN + "pain001_sample_indented.xml");
    alter_every_element(diff, GOLDEN + "pain001_sample_compact.xml");
    xmlSchemaFree(theirs);
    EXPECT_EQ(diff.disagreements, 0u) << "of " << diff.compared;
    EXPECT_GT(diff.compared, 5000u);
    EXPECT_GT(diff.valid, 100u);                  // alterations both accept (e.g. other valid values)
    EXPECT_GT(diff.compared - diff.valid, 4000u); // and many both refuse
    std::cout << "[          ] " << diff.compared << " documents compared, " << diff.valid << " valid\n";
}

// continuation() tells apart what the rest of a document is validated against: the count of a
// bounded particle, a count below an unbounded particle's minimum; it shows as equal what can make
// no difference, any count of an unbounded particle from its minimum on (the self-check of a
// pain.001 in two parts relies on both: pain001_writer.cpp, parts_agree).
TEST(CompiledSchema, ContinuationSeparatesWhatCanStillMatter)
{
    compiled_schema_t const schema{
        schema_with("<xs:element name=\"R\"><xs:complexType><xs:sequence>"
                    "<xs:element name=\"A\" type=\"xs:string\" maxOccurs=\"3\"/>"
                    "<xs:element name=\"B\" type=\"xs:string\" minOccurs=\"2\" maxOccurs=\"unbounded\"/>"
                    "<xs:element name=\"C\" type=\"xs:string\" minOccurs=\"0\"/>"
                    "</xs:sequence></xs:complexType></xs:element>"),
        "t.xsd"};
    static xmlChar const ns[] = "urn:t";
    static xmlChar const r[] = "R";
    static xmlChar const a[] = "A";
    static xmlChar const b[] = "B";
    // the continuation after R's start and the given children
    auto after = [&](int as, int bs) {
        schema_validator_t v{schema};
        EXPECT_TRUE(v.start_element(r, ns, 0, nullptr));
        for (int i = 0; i < as + bs; ++i) {
            EXPECT_TRUE(v.start_element(i < as ? a : b, ns, 0, nullptr));
            EXPECT_TRUE(v.characters("x"));
            EXPECT_TRUE(v.end_element());
        }
        return v.continuation();
    };
    EXPECT_NE(after(1, 0), after(2, 0)); // a third A is allowed after two, not after three
    EXPECT_NE(after(2, 0), after(3, 0));
    EXPECT_NE(after(3, 1), after(3, 2)); // R may end after two Bs, not after one
    EXPECT_EQ(after(3, 2), after(3, 3));
    EXPECT_EQ(after(3, 2), after(3, 50));
    EXPECT_EQ(after(1, 2), after(2, 2)); // A is behind: how many there were no longer matters
    EXPECT_NE(after(0, 0), after(1, 0));
}
