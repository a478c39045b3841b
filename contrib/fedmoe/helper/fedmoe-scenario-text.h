// SPDX-License-Identifier: GPL-2.0-only
/*
 * What FedMoeScenario's option files share (not installed): finding a
 * flag's alias and attribute, and the text of a refusal.
 */

#ifndef FEDMOE_SCENARIO_TEXT_H
#define FEDMOE_SCENARIO_TEXT_H

#include "fedmoe-scenario.h"

#include "ns3/type-id.h"

#include <string>

namespace ns3
{
namespace fedmoe_scenario_detail
{

/// The alias named \p flag (throws std::invalid_argument if none).
const FedMoeFlagAlias& FindAlias(const std::string& flag);

/// The TypeId's attribute an attribute path names (throws if none).
TypeId::AttributeInformation LookupAttribute(const std::string& path);

/// Text of a number, fixed with \p precision decimals.
std::string Num(double v, int precision = 3);

/// An attribute's default as --PrintHelp shows it (a Time in seconds: "20s").
std::string DefaultText(const TypeId::AttributeInformation& info);

/// "--flag=value: allowed".
std::string Refusal(const std::string& flag, const std::string& value);

} // namespace fedmoe_scenario_detail
} // namespace ns3

#endif // FEDMOE_SCENARIO_TEXT_H
