// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/domain/law_names.hpp"

namespace sozbatch::domain {

namespace {

constexpr law_names_t LAW_NAMES[] = {
    {"SGB12-3", "SGB XII Kap. 3 HLU", "SGB XII 3. Kap.", "SGB XII, 3. Kapitel – Hilfe zum Lebensunterhalt"},
    {"SGB12-4", "SGB XII Kap. 4 Grundsicherung", "SGB XII 4. Kap.",
     "SGB XII, 4. Kapitel – Grundsicherung im Alter und bei Erwerbsminderung"},
    {"AsylbLG-3", "AsylbLG Grundleistungen", "AsylbLG § 3", "AsylbLG § 3 – Grundleistungen"},
    {"AsylbLG-2", "AsylbLG Analogleistungen", "AsylbLG § 2", "AsylbLG § 2 – Analogleistungen"},
    {"BVG-KOF", "BVG Kriegsopferfürsorge", "BVG-KOF", "BVG – Kriegsopferfürsorge (§ 27a BVG)"},
};

} // namespace

law_names_t const *law_names(std::string_view code) noexcept
{
    for (auto const &n : LAW_NAMES) {
        if (n.code == code) {
            return &n;
        }
    }
    return nullptr;
}

} // namespace sozbatch::domain
