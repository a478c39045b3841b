// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flow calibration files: read, checked against the TypeIds, applied.
 */

#include "fedmoe-flow-calibration.h"

#include "ns3/config.h"
#include "ns3/string.h"
#include "ns3/type-id.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace ns3
{

namespace
{

/// Empty if path names an attribute of an ns3::FedMoeFlow* type that takes value.
std::string
CheckFactor(const std::string& path, const std::string& value)
{
    const auto cut = path.rfind("::");
    const std::string type = cut == std::string::npos ? "" : path.substr(0, cut);
    const std::string name = cut == std::string::npos ? "" : path.substr(cut + 2);
    TypeId tid;
    if (type.rfind("ns3::FedMoeFlow", 0) != 0 || !TypeId::LookupByNameFailSafe(type, &tid))
    {
        return "\"" + path
               + "\" is not an attribute of a flow-level type (allowed: "
                 "ns3::FedMoeFlow<Type>::<Attribute>)";
    }
    TypeId::AttributeInformation info;
    if (!tid.LookupAttributeByName(name, &info))
    {
        return type + " has no attribute \"" + name + "\"";
    }
    if (!info.checker->CreateValidValue(StringValue(value)))
    {
        return path + " = " + value + " is not a valid value ("
               + info.checker->GetUnderlyingTypeInformation() + ")";
    }
    return "";
}

} // namespace

std::string
FedMoeReadFlowCalibration(const std::string& file, FedMoeFlowFactors& factors)
{
    factors.clear();
    std::ifstream in(file);
    if (!in)
    {
        return "cannot read " + file;
    }
    nlohmann::json j;
    try
    {
        in >> j;
    }
    catch (const std::exception& e)
    {
        return file + " is not JSON: " + e.what();
    }
    if (!j.is_object() || !j.contains("attributes") || !j["attributes"].is_object())
    {
        return file + " has no \"attributes\" object (fedmoe-flow-calibrate writes one)";
    }
    for (const auto& [path, v] : j["attributes"].items())
    {
        std::string value;
        if (v.is_number())
        {
            std::ostringstream os;
            os.precision(17);
            os << v.get<double>();
            value = os.str();
        }
        else if (v.is_string())
        {
            value = v.get<std::string>();
        }
        else
        {
            return file + ": " + path + " must be a number or a string";
        }
        const std::string bad = CheckFactor(path, value);
        if (!bad.empty())
        {
            return file + ": " + bad;
        }
        factors.emplace_back(path, value);
    }
    return "";
}

void
FedMoeApplyFlowFactors(const FedMoeFlowFactors& factors)
{
    for (const auto& [path, value] : factors)
    {
        Config::SetDefault(path, StringValue(value));
    }
}

} // namespace ns3
