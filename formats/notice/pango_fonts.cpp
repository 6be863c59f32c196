// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/notice/pango_fonts.hpp"

#include "lib/core/error.hpp"

#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>

namespace sozbatch::notice {

pango_fonts_t::pango_fonts_t(std::string const &regular_file, std::string const &bold_file, std::string family)
: m_family(std::move(family))
{
    m_config = FcConfigCreate();
    for (auto const *file : {&regular_file, &bold_file}) {
        if (!FcConfigAppFontAddFile(m_config, reinterpret_cast<FcChar8 const *>(file->c_str()))) {
            FcConfigDestroy(m_config);
            throw config_error{"cannot load font file " + *file};
        }
    }
    m_map = pango_cairo_font_map_new_for_font_type(CAIRO_FONT_TYPE_FT);
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(m_map), m_config);
    m_context = pango_font_map_create_context(m_map);
    pango_cairo_context_set_resolution(m_context, 72);
    // print-libraries.md §6.1: no glyph-position rounding, no hinted metrics.
    pango_context_set_round_glyph_positions(m_context, FALSE);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    pango_cairo_context_set_font_options(m_context, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_language(m_context, pango_language_from_string("de-de"));
}

pango_fonts_t::~pango_fonts_t()
{
    g_object_unref(m_context);
    g_object_unref(m_map);
    FcConfigDestroy(m_config);
}

} // namespace sozbatch::notice
