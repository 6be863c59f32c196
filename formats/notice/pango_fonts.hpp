// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// The cairo + Pango font set-up of every PDF sozbatch writes (the Bescheide and the run report):
/// a private fontconfig that knows only the configured font files (so the output does not depend
/// on the fonts installed on the machine), no glyph-position rounding and no hinted metrics
/// (../shared/reference/print-libraries.md §6.1), 72 dpi, German language.

#include <pango/pango.h>

#include <string>

typedef struct _FcConfig FcConfig;

namespace sozbatch::notice {

class pango_fonts_t
{
public:
    /// Throws config_error when a font file cannot be loaded.
    pango_fonts_t(std::string const &regular_file, std::string const &bold_file, std::string family);
    ~pango_fonts_t();
    pango_fonts_t(pango_fonts_t const &) = delete;
    pango_fonts_t &operator=(pango_fonts_t const &) = delete;

    PangoContext *context() const { return m_context; }
    std::string const &family() const { return m_family; }

private:
    FcConfig *m_config = nullptr;
    PangoFontMap *m_map = nullptr;
    PangoContext *m_context = nullptr;
    std::string m_family;
};

} // namespace sozbatch::notice
