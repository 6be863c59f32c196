// SPDX-License-Identifier: GPL-3.0-or-later
#include "formats/notice/datamatrix.hpp"

#include "lib/core/error.hpp"

#include <dmtx.h>

#include <cstdio>
#include <memory>

namespace sozbatch::notice {

std::string datamatrix_content(datamatrix_fields_t const &f)
{
    for (char c : f.batch_id) {
        if (c == '|' || static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) {
            throw internal_error{"DataMatrix: batch id '" + f.batch_id + "' is not printable ASCII without '|'"};
        }
    }
    if (f.seq < 1 || f.seq > 99999) {
        throw internal_error{"DataMatrix: piece number " + std::to_string(f.seq) + " outside 1..99999"};
    }
    if (f.sheet < 1 || f.sheets < f.sheet || f.sheets > 99) {
        throw internal_error{"DataMatrix: sheet " + std::to_string(f.sheet) + " of " + std::to_string(f.sheets)};
    }
    if (f.stations < 0 || f.stations > 32) {
        throw internal_error{"DataMatrix: at most 32 insert stations"};
    }
    std::string piece = f.piece_id.substr(0, 8);
    piece.resize(8, '0');
    int const digits = f.stations <= 4 ? 1 : (f.stations + 3) / 4;
    char buf[64];
    std::snprintf(buf, sizeof buf, "|%05d|%s|%02d/%02d|%0*X|%c", f.seq, piece.c_str(), f.sheet, f.sheets, digits,
                  f.insert_bits, f.end_of_set ? 'E' : 'C');
    return "S1|" + f.batch_id + buf;
}

bool insert_selection(std::vector<std::string> const &stations, std::vector<std::string> const &inserts,
                      unsigned &bits)
{
    bits = 0;
    for (auto const &code : inserts) {
        bool found = false;
        for (std::size_t k = 0; k < stations.size() && k < 32; ++k) {
            if (stations[k] == code) {
                bits |= 1u << k;
                found = true;
            }
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

datamatrix_symbol_t encode_datamatrix(std::string_view text)
{
    struct destroy_t
    {
        void operator()(DmtxEncode *e) const { dmtxEncodeDestroy(&e); }
    };
    std::unique_ptr<DmtxEncode, destroy_t> enc(dmtxEncodeCreate());
    if (!enc) {
        throw internal_error{"DataMatrix: libdmtx could not allocate an encoder"};
    }
    dmtxEncodeSetProp(enc.get(), DmtxPropScheme, DmtxSchemeAscii);
    dmtxEncodeSetProp(enc.get(), DmtxPropSizeRequest, DmtxSymbolSquareAuto);
    dmtxEncodeSetProp(enc.get(), DmtxPropModuleSize, 1);
    dmtxEncodeSetProp(enc.get(), DmtxPropMarginSize, 0);
    std::string data{text};
    if (dmtxEncodeDataMatrix(enc.get(), static_cast<int>(data.size()),
                             reinterpret_cast<unsigned char *>(data.data())) != DmtxPass) {
        throw internal_error{"DataMatrix: cannot encode '" + data + "'"};
    }
    int const size_idx = enc->region.sizeIdx;
    datamatrix_symbol_t s;
    s.rows = dmtxGetSymbolAttribute(DmtxSymAttribSymbolRows, size_idx);
    s.cols = dmtxGetSymbolAttribute(DmtxSymAttribSymbolCols, size_idx);
    s.dark.assign(static_cast<std::size_t>(s.rows * s.cols), false);
    // libdmtx counts symbol rows from the bottom.
    for (int r = 0; r < s.rows; ++r) {
        for (int c = 0; c < s.cols; ++c) {
            int const status = dmtxSymbolModuleStatus(enc->message, size_idx, r, c);
            s.dark[static_cast<std::size_t>((s.rows - 1 - r) * s.cols + c)] = (status & DmtxModuleOnRGB) != 0;
        }
    }
    return s;
}

} // namespace sozbatch::notice
