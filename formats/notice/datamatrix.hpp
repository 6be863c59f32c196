// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief DataMatrix (ECC200) inserter marks: the documented content string of one sheet and the
/// module matrix of its symbol (encoded with libdmtx). Drawing is done by pdf_renderer_t as
/// filled vector rectangles. Content format: docs/formats/print-index.md, "Inserter marks".

#include <string>
#include <string_view>
#include <vector>

namespace sozbatch::notice {

/// What the DataMatrix code of one sheet says.
struct datamatrix_fields_t
{
    std::string batch_id;        ///< job/batch id, e.g. "2026-12-SGB12-001"
    int seq = 0;                 ///< piece number within the batch (index `seq`), 1-based
    std::string piece_id;        ///< short piece id: first 8 hex digits of the piece's content-sha256
    int sheet = 0;               ///< sheet n of the piece, 1-based
    int sheets = 0;              ///< m: sheets of the piece
    unsigned insert_bits = 0;    ///< bit k set: insert station k + 1 feeds material
    int stations = 0;            ///< number of configured insert stations (hex digits = ceil(stations / 4), at least 1)
    bool end_of_set = false;     ///< last sheet of the piece: collate and insert now
};

/// The ASCII content string: `S1|<batch>|<seq:5>|<piece:8>|<n:2>/<m:2>|<inserts:hex>|<E or C>`.
/// \throws internal_error when a field cannot be represented (a '|' or non-ASCII in the batch id,
/// seq outside 1..99999, sheet numbers outside 1..99, more than 32 stations)
std::string datamatrix_content(datamatrix_fields_t const &f);

/// Insert selection bits of a piece: bit k for each insert code equal to \p stations[k].
/// \returns false (and leaves \p bits undefined) when an insert code has no station.
bool insert_selection(std::vector<std::string> const &stations, std::vector<std::string> const &inserts,
                      unsigned &bits);

/// The module matrix of one ECC200 symbol; row 0 is the top row.
struct datamatrix_symbol_t
{
    int rows = 0;
    int cols = 0;
    std::vector<bool> dark; ///< rows × cols, row-major

    bool empty() const noexcept { return rows == 0; }
    bool at(int row, int col) const { return dark[static_cast<std::size_t>(row * cols + col)]; }
};

/// Encodes \p text as the smallest square ECC200 symbol. \throws internal_error on a libdmtx failure
/// (e.g. more data than the largest symbol holds)
datamatrix_symbol_t encode_datamatrix(std::string_view text);

} // namespace sozbatch::notice
