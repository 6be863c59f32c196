// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The small text-template language of the Bescheid templates (docs/notices.md).
///
/// A template file holds named sections, each introduced by a line `@@ name`. Inside a section:
/// - `{{field}}` inserts a field's value; an unknown field is an error (template_error);
/// - `{{#if field}}...{{/if}}` keeps the part when the field is not empty
///   (`{{#unless field}}...{{/unless}}` when it is empty);
/// - `{{#each list}}...{{/each}}` repeats the part for every item of a list; inside, the item's
///   fields are visible first, then the outer ones;
/// - `{{> section}}` includes another section of the same template set;
/// - `{{! comment }}` is dropped.
/// Lines starting with `#` before the first section are comments.

#include "lib/core/error.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::notice {

/// Values a template may reference. Every field the letter model defines is present, even when
/// empty, so that "unknown field" means a typo or a field that does not exist.
struct fields_t
{
    std::map<std::string, std::string, std::less<>> values;
    std::map<std::string, std::vector<fields_t>, std::less<>> lists;

    void set(std::string key, std::string value) { values[std::move(key)] = std::move(value); }
};

/// A template references a field, list or section that does not exist, or is malformed.
/// The document is held with this reason; the batch goes on.
class template_error : public case_error
{
public:
    template_error(std::string template_name, std::string field, std::string const &reason)
    : case_error("template " + template_name + ": " + reason + " '" + field + "'"),
      m_template(std::move(template_name)), m_field(std::move(field))
    {}
    std::string const &template_name() const noexcept { return m_template; }
    std::string const &field() const noexcept { return m_field; }

private:
    std::string m_template;
    std::string m_field;
};

/// A set of named sections, read from one or more template files.
class template_set_t
{
public:
    /// Adds the sections of one file. \p file_name is used in error messages.
    /// \throws template_error on a duplicate section name
    void add_file(std::string const &file_name, std::string_view text);

    /// The sections of every embedded `formats/notice/templates/*.txt` file.
    static template_set_t embedded_defaults();

    /// Reads every `*.txt` of \p directory (the city's edited copies), falling back to the
    /// embedded defaults for sections the directory does not define.
    static template_set_t from_directory(std::string const &directory);

    bool has(std::string_view section) const;

    /// Expands \p section with \p fields. \throws template_error naming template and field.
    std::string render(std::string_view section, fields_t const &fields) const;

    /// Expands every section against \p fields, so that a broken template is found before the
    /// first document. \returns one message per broken section (empty when all are fine).
    std::vector<std::string> check(fields_t const &fields) const;

private:
    struct section_t
    {
        std::string file;
        std::string text;
    };
    void expand(std::string_view name, std::string_view text, std::vector<fields_t const *> &scope,
                std::string &out, int depth) const;
    std::map<std::string, section_t, std::less<>> m_sections;
};

} // namespace sozbatch::notice
