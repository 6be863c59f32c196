// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
/// \file
/// \brief The `[exchange]` section of the configuration (docs/exchange.md, "Configuration").

#include <map>
#include <string>

namespace sozbatch::exchange {

struct exchange_config_t
{
    std::string office_id;           ///< our Gemeinde-/Kreisschlüssel (AGS), e.g. 01002000 (Kiel)
    std::string office_name;         ///< Absender-Kurzbezeichnung
    std::string receiver_id;         ///< Betriebsnummer of the Vermittlungsstelle (DSRV)
    std::string pension_receiver_id; ///< receiver of the § 151 query (provisional)

    /// Reads `exchange.office-id`, `exchange.office-name`, `exchange.receiver-id` and
    /// `exchange.pension-receiver-id` (defaults to receiver-id). \throws config_error when one is missing
    static exchange_config_t from_settings(std::map<std::string, std::string> const &s);
};

} // namespace sozbatch::exchange
