// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/notice/template.hpp"

#include "lib/core/embedded.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sozbatch::notice {

namespace {

constexpr int MAX_INCLUDE_DEPTH = 8;

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
        s.remove_suffix(1);
    }
    return s;
}

/// Finds the `{{/kind}}` that closes a block opened just before \p from, honouring nesting.
/// \returns the position of the closing tag's "{{" or npos.
std::size_t find_close(std::string_view text, std::size_t from, std::string_view kind)
{
    std::string const open = "{{#" + std::string{kind} + " ";
    std::string const close = "{{/" + std::string{kind} + "}}";
    int level = 1;
    std::size_t pos = from;
    while (true) {
        std::size_t const o = text.find(open, pos);
        std::size_t const c = text.find(close, pos);
        if (c == std::string_view::npos) {
            return c;
        }
        if (o != std::string_view::npos && o < c) {
            ++level;
            pos = o + open.size();
            continue;
        }
        if (--level == 0) {
            return c;
        }
        pos = c + close.size();
    }
}

} // namespace

void template_set_t::add_file(std::string const &file_name, std::string_view text)
{
    std::string current;
    std::string body;
    auto flush = [&] {
        if (current.empty()) {
            return;
        }
        // A section's trailing blank lines are not part of it.
        while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) {
            body.pop_back();
        }
        m_sections[current] = section_t{file_name, body};
    };
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        std::string_view const line = text.substr(pos, end - pos);
        if (line.starts_with("@@")) {
            flush();
            current = std::string{trim(line.substr(2))};
            body.clear();
            if (current.empty()) {
                throw template_error{file_name, std::string{line}, "section without a name"};
            }
        } else if (!current.empty()) {
            body.append(line);
            body.push_back('\n');
        }
        pos = end + 1;
    }
    flush();
}

template_set_t template_set_t::embedded_defaults()
{
    template_set_t set;
    for (auto const &f : embedded::with_prefix("formats/notice/templates/")) {
        if (f.path.ends_with(".txt")) {
            set.add_file(std::string{f.path}, f.contents);
        }
    }
    return set;
}

template_set_t template_set_t::from_directory(std::string const &directory)
{
    template_set_t set = embedded_defaults();
    std::vector<std::filesystem::path> files;
    for (auto const &entry : std::filesystem::directory_iterator(directory)) {
        if (entry.is_regular_file() && entry.path().extension() == ".txt") {
            files.push_back(entry.path());
        }
    }
    std::sort(files.begin(), files.end());
    for (auto const &p : files) {
        std::ifstream in(p, std::ios::binary);
        if (!in) {
            throw config_error{"cannot read template " + p.string()};
        }
        std::ostringstream buf;
        buf << in.rdbuf();
        set.add_file(p.string(), buf.str());
    }
    return set;
}

bool template_set_t::has(std::string_view section) const
{
    return m_sections.find(section) != m_sections.end();
}

std::string template_set_t::render(std::string_view section, fields_t const &fields) const
{
    auto const it = m_sections.find(section);
    if (it == m_sections.end()) {
        throw template_error{"(templates)", std::string{section}, "unknown section"};
    }
    std::vector<fields_t const *> scope{&fields};
    std::string out;
    expand(section, it->second.text, scope, out, 0);
    return out;
}

std::vector<std::string> template_set_t::check(fields_t const &fields) const
{
    std::vector<std::string> problems;
    for (auto const &[name, sec] : m_sections) {
        try {
            (void)render(name, fields);
        } catch (template_error const &e) {
            problems.emplace_back(e.what());
        }
    }
    return problems;
}

void template_set_t::expand(std::string_view name, std::string_view text, std::vector<fields_t const *> &scope,
                            std::string &out, int depth) const
{
    std::string const where = [&] {
        auto const it = m_sections.find(name);
        return (it == m_sections.end() ? std::string{"?"} : it->second.file) + " @@ " + std::string{name};
    }();
    auto lookup = [&](std::string_view key) -> std::string const * {
        for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
            auto const v = (*it)->values.find(key);
            if (v != (*it)->values.end()) {
                return &v->second;
            }
        }
        return nullptr;
    };
    auto lookup_list = [&](std::string_view key) -> std::vector<fields_t> const * {
        for (auto it = scope.rbegin(); it != scope.rend(); ++it) {
            auto const v = (*it)->lists.find(key);
            if (v != (*it)->lists.end()) {
                return &v->second;
            }
        }
        return nullptr;
    };

    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t const open = text.find("{{", pos);
        if (open == std::string_view::npos) {
            out.append(text.substr(pos));
            return;
        }
        out.append(text.substr(pos, open - pos));
        std::size_t const close = text.find("}}", open + 2);
        if (close == std::string_view::npos) {
            throw template_error{where, std::string{text.substr(open, 20)}, "unclosed tag"};
        }
        std::string_view const tag = trim(text.substr(open + 2, close - open - 2));
        std::size_t const after = close + 2;
        if (tag.starts_with('!')) {
            pos = after;
        } else if (tag.starts_with('>')) {
            std::string_view const inc = trim(tag.substr(1));
            auto const it = m_sections.find(inc);
            if (it == m_sections.end()) {
                throw template_error{where, std::string{inc}, "unknown section"};
            }
            if (depth >= MAX_INCLUDE_DEPTH) {
                throw template_error{where, std::string{inc}, "includes nested too deeply at"};
            }
            expand(inc, it->second.text, scope, out, depth + 1);
            pos = after;
        } else if (tag.starts_with("#if ") || tag.starts_with("#unless ") || tag.starts_with("#each ")) {
            std::size_t const sp = tag.find(' ');
            std::string_view const kind = tag.substr(1, sp - 1);
            std::string_view const key = trim(tag.substr(sp + 1));
            std::size_t const end = find_close(text, after, kind);
            if (end == std::string_view::npos) {
                throw template_error{where, std::string{key}, "missing {{/" + std::string{kind} + "}} for"};
            }
            std::string_view inner = text.substr(after, end - after);
            if (inner.starts_with('\n') && (out.empty() || out.back() == '\n')) {
                inner.remove_prefix(1); // the opening tag stood alone on its line
            }
            std::size_t const end_len = 5 + kind.size();
            if (kind == "each") {
                auto const *list = lookup_list(key);
                if (list == nullptr) {
                    throw template_error{where, std::string{key}, "unknown list"};
                }
                for (auto const &item : *list) {
                    scope.push_back(&item);
                    expand(name, inner, scope, out, depth);
                    scope.pop_back();
                }
                if (list->empty()) {
                    // Still check the block's fields against the outer scope plus an empty item,
                    // so a typo inside a loop is found even when the list is empty.
                    fields_t const none;
                    std::string discard;
                    scope.push_back(&none);
                    try {
                        expand(name, inner, scope, discard, depth);
                    } catch (template_error const &) {
                        // Item fields are unknown without an item; only outer fields can be checked.
                    }
                    scope.pop_back();
                }
            } else {
                bool present = false;
                if (auto const *v = lookup(key)) {
                    present = !v->empty();
                } else if (auto const *l = lookup_list(key)) {
                    present = !l->empty();
                } else {
                    throw template_error{where, std::string{key}, "unknown field"};
                }
                if (kind == "unless") {
                    present = !present;
                }
                // Both branches are checked for unknown fields; only the chosen one is kept.
                std::string discard;
                expand(name, inner, scope, present ? out : discard, depth);
            }
            pos = end + end_len;
            // A block tag alone on its line leaves no empty line behind.
            if (pos < text.size() && text[pos] == '\n' && (out.empty() || out.back() == '\n')) {
                ++pos;
            }
        } else if (tag.starts_with('/')) {
            throw template_error{where, std::string{tag}, "unexpected closing tag"};
        } else {
            auto const *v = lookup(tag);
            if (v == nullptr) {
                throw template_error{where, std::string{tag}, "unknown field"};
            }
            out.append(*v);
            pos = after;
        }
    }
}

} // namespace sozbatch::notice
