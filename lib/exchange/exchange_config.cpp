// SPDX-License-Identifier: GPL-3.0-or-later
#include "lib/exchange/exchange_config.hpp"

#include "lib/core/error.hpp"

namespace sozbatch::exchange {

namespace {

std::string required(std::map<std::string, std::string> const &s, std::string const &key)
{
    auto const it = s.find(key);
    if (it == s.end() || it->second.empty()) {
        throw config_error{"[exchange] " + key.substr(key.find('.') + 1) +
                           " is not configured (see docs/exchange.md, \"Configuration\")"};
    }
    return it->second;
}

} // namespace

exchange_config_t exchange_config_t::from_settings(std::map<std::string, std::string> const &s)
{
    exchange_config_t c;
    c.office_id = required(s, "exchange.office-id");
    c.office_name = required(s, "exchange.office-name");
    c.receiver_id = required(s, "exchange.receiver-id");
    auto const it = s.find("exchange.pension-receiver-id");
    c.pension_receiver_id = it != s.end() && !it->second.empty() ? it->second : c.receiver_id;
    return c;
}

} // namespace sozbatch::exchange
