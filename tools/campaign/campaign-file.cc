// SPDX-License-Identifier: GPL-2.0-only
/*
 * Campaign: reading and validating a campaign file.
 */

#include "campaign-file.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace fedmoe
{
namespace campaign
{

namespace
{

/// Flags the runner sets itself; a campaign may not set them.
const std::set<std::string> kReservedFlags = {"seed", "outDir"};

/// Largest number of values a range may expand to.
constexpr uint64_t kMaxRangeValues = 10000;

/// A short rendering of a JSON value for error messages.
std::string
Show(const nlohmann::ordered_json& v)
{
    std::string s = v.dump();
    if (s.size() > 80)
    {
        s = s.substr(0, 77) + "...";
    }
    return s;
}

std::string
JoinKeys(const std::vector<std::string>& keys)
{
    std::string s;
    for (const auto& k : keys)
    {
        s += (s.empty() ? "" : ", ") + k;
    }
    return s;
}

/// Flag names: a letter, then letters, digits, '_', '-' or '.' (ns-3 also has
/// "ns3::Class::Attribute" globals, so ':' is allowed after the first letter).
void
CheckFlagName(const std::string& where, const std::string& key)
{
    bool ok = !key.empty() && std::isalpha(static_cast<unsigned char>(key[0]));
    for (char c : key)
    {
        ok = ok
             && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'
                 || c == ':');
    }
    if (!ok)
    {
        throw CampaignError(where + ": flag name \"" + key
                            + "\" is not allowed (a letter, then letters, digits, '_', '-', '.', "
                              "':')");
    }
    if (kReservedFlags.count(key) != 0)
    {
        throw CampaignError(where + ": \"" + key
                            + "\" is set by the runner (seeds come from \"seeds\", the output "
                              "folder from \"out\"); remove it");
    }
}

/// A flag value must be a string, a number or a boolean.
void
CheckScalar(const std::string& where, const nlohmann::ordered_json& v)
{
    if (!(v.is_string() || v.is_number() || v.is_boolean()))
    {
        throw CampaignError(where + ": value " + Show(v)
                            + " is not allowed (a string, a number or true/false)");
    }
    if (v.is_number_float() && !std::isfinite(v.get<double>()))
    {
        throw CampaignError(where + ": value " + Show(v) + " is not a finite number");
    }
    if (v.is_string() && v.get<std::string>().find_first_of("\n\r") != std::string::npos)
    {
        throw CampaignError(where + ": value " + Show(v) + " contains a line break");
    }
}

/// Snap a double to 12 significant digits.
double
Snap(double v)
{
    char buffer[64];
    std::snprintf(buffer, sizeof(buffer), "%.12g", v);
    return std::strtod(buffer, nullptr);
}

} // namespace

std::vector<std::string>
Campaign::FlagNames() const
{
    std::vector<std::string> names;
    for (const auto& [key, values] : sweep)
    {
        names.push_back(key);
    }
    for (const auto& [key, value] : fixed)
    {
        names.push_back(key);
    }
    names.push_back("seed");
    return names;
}

uint64_t
Campaign::RunCount() const
{
    uint64_t n = seeds.size();
    for (const auto& [key, values] : sweep)
    {
        n *= values.size();
    }
    return n;
}

std::vector<std::string>
CampaignKeys()
{
    return {"program", "out", "fixed", "sweep", "seeds", "description"};
}

std::vector<nlohmann::json>
ExpandRange(const std::string& key, const nlohmann::ordered_json& range)
{
    const std::string where = "sweep." + key;
    for (const auto& [name, value] : range.items())
    {
        if (name != "from" && name != "to" && name != "step")
        {
            throw CampaignError(where + ": unknown range key \"" + name
                                + "\" (allowed: from, to, step)");
        }
    }
    for (const char* name : {"from", "to", "step"})
    {
        if (!range.contains(name))
        {
            throw CampaignError(where + ": the range " + Show(range) + " has no \"" + name
                                + "\" (a range is {\"from\": a, \"to\": b, \"step\": s})");
        }
        const auto& v = range.at(name);
        if (!v.is_number() || !std::isfinite(v.get<double>()))
        {
            throw CampaignError(where + "." + name + ": " + Show(v) + " is not a number");
        }
    }
    const auto& from = range.at("from");
    const auto& to = range.at("to");
    const auto& step = range.at("step");
    const double a = from.get<double>();
    const double b = to.get<double>();
    const double s = step.get<double>();
    if (!(s > 0))
    {
        throw CampaignError(where + ".step: " + Show(step) + " is not allowed (must be > 0)");
    }
    if (b < a)
    {
        throw CampaignError(where + ": \"to\" (" + Show(to) + ") is below \"from\" (" + Show(from)
                            + "); allowed: to >= from");
    }
    const double count = std::floor((b - a) / s + 1e-9) + 1;
    if (count > static_cast<double>(kMaxRangeValues))
    {
        throw CampaignError(where + ": the range " + Show(range) + " has "
                            + std::to_string(static_cast<uint64_t>(count)) + " values (at most "
                            + std::to_string(kMaxRangeValues) + " allowed)");
    }
    const bool integral = from.is_number_integer() && step.is_number_integer();
    std::vector<nlohmann::json> values;
    for (uint64_t i = 0; i < static_cast<uint64_t>(count); ++i)
    {
        if (integral)
        {
            values.emplace_back(from.get<int64_t>()
                                + static_cast<int64_t>(i) * step.get<int64_t>());
        }
        else
        {
            values.emplace_back(Snap(a + static_cast<double>(i) * s));
        }
    }
    return values;
}

Campaign
ParseCampaign(const nlohmann::ordered_json& doc, const std::string& defaultOut)
{
    if (!doc.is_object())
    {
        throw CampaignError("the campaign must be a JSON object, got " + Show(doc));
    }
    const auto allowed = CampaignKeys();
    for (const auto& [key, value] : doc.items())
    {
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
        {
            throw CampaignError("unknown key \"" + key + "\" (allowed: " + JoinKeys(allowed) + ")");
        }
    }
    Campaign c;

    // program
    if (!doc.contains("program"))
    {
        throw CampaignError("no \"program\": name a program in the build's bin/ (e.g. "
                            "\"fedmoe-edge\") or give a path");
    }
    if (!doc["program"].is_string() || doc["program"].get<std::string>().empty())
    {
        throw CampaignError("program: " + Show(doc["program"])
                            + " is not allowed (a program name or path, as a string)");
    }
    c.program = doc["program"].get<std::string>();

    // out
    c.out = defaultOut;
    if (doc.contains("out"))
    {
        if (!doc["out"].is_string() || doc["out"].get<std::string>().empty())
        {
            throw CampaignError("out: " + Show(doc["out"])
                                + " is not allowed (a folder path, as a string)");
        }
        c.out = doc["out"].get<std::string>();
    }

    if (doc.contains("description") && !doc["description"].is_string())
    {
        throw CampaignError("description: " + Show(doc["description"])
                            + " is not allowed (a string)");
    }

    // fixed
    if (doc.contains("fixed"))
    {
        const auto& fixed = doc["fixed"];
        if (!fixed.is_object())
        {
            throw CampaignError("fixed: " + Show(fixed)
                                + " is not allowed (an object of flag: value)");
        }
        for (const auto& [key, value] : fixed.items())
        {
            CheckFlagName("fixed", key);
            CheckScalar("fixed." + key, value);
            c.fixed.emplace_back(key, nlohmann::json::parse(value.dump()));
        }
    }

    // sweep
    if (doc.contains("sweep"))
    {
        const auto& sweep = doc["sweep"];
        if (!sweep.is_object())
        {
            throw CampaignError("sweep: " + Show(sweep)
                                + " is not allowed (an object of flag: [values] or flag: "
                                  "{\"from\", \"to\", \"step\"})");
        }
        for (const auto& [key, spec] : sweep.items())
        {
            CheckFlagName("sweep", key);
            for (const auto& [fixedKey, fixedValue] : c.fixed)
            {
                if (fixedKey == key)
                {
                    throw CampaignError("\"" + key
                                        + "\" is both fixed and swept; keep one of them");
                }
            }
            std::vector<nlohmann::json> values;
            if (spec.is_array())
            {
                if (spec.empty())
                {
                    throw CampaignError("sweep." + key
                                        + ": the list is empty (give at least one value)");
                }
                for (size_t i = 0; i < spec.size(); ++i)
                {
                    CheckScalar("sweep." + key + "[" + std::to_string(i) + "]", spec[i]);
                    values.push_back(nlohmann::json::parse(spec[i].dump()));
                }
            }
            else if (spec.is_object())
            {
                values = ExpandRange(key, spec);
            }
            else
            {
                throw CampaignError("sweep." + key + ": " + Show(spec)
                                    + " is not allowed (a list of values, or a range {\"from\": a, "
                                      "\"to\": b, \"step\": s})");
            }
            for (size_t i = 0; i < values.size(); ++i)
            {
                for (size_t j = 0; j < i; ++j)
                {
                    if (values[i] == values[j])
                    {
                        throw CampaignError("sweep." + key + ": the value " + values[i].dump()
                                            + " appears twice (each value once)");
                    }
                }
            }
            c.sweep.emplace_back(key, std::move(values));
        }
    }

    // seeds
    if (!doc.contains("seeds"))
    {
        c.seeds = {1};
    }
    else
    {
        const auto& seeds = doc["seeds"];
        if (seeds.is_number_integer())
        {
            const auto n = seeds.get<int64_t>();
            if (n < 1 || static_cast<uint64_t>(n) > kMaxRangeValues)
            {
                throw CampaignError("seeds: " + Show(seeds)
                                    + " is not allowed (a count from 1 to 10000, or a list of "
                                      "seeds >= 1)");
            }
            for (int64_t s = 1; s <= n; ++s)
            {
                c.seeds.push_back(s);
            }
        }
        else if (seeds.is_array())
        {
            if (seeds.empty())
            {
                throw CampaignError("seeds: the list is empty (give at least one seed >= 1)");
            }
            for (const auto& s : seeds)
            {
                if (!s.is_number_integer() || s.get<int64_t>() < 1)
                {
                    throw CampaignError("seeds: " + Show(s)
                                        + " is not allowed (seeds are integers >= 1)");
                }
                const auto v = s.get<int64_t>();
                if (std::find(c.seeds.begin(), c.seeds.end(), v) != c.seeds.end())
                {
                    throw CampaignError("seeds: " + std::to_string(v)
                                        + " appears twice (each seed once)");
                }
                c.seeds.push_back(v);
            }
        }
        else
        {
            throw CampaignError("seeds: " + Show(seeds)
                                + " is not allowed (a count N >= 1 meaning 1..N, or a list of "
                                  "seeds >= 1)");
        }
    }
    return c;
}

Campaign
ReadCampaignFile(const std::string& path)
{
    std::ifstream in(path);
    if (!in)
    {
        throw CampaignError(path + ": cannot read the campaign file");
    }
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::ordered_json doc;
    try
    {
        // Comments (// and /* */) are allowed, as in the README's example.
        doc = nlohmann::ordered_json::parse(text.str(), nullptr, true, true);
    }
    catch (const nlohmann::json::parse_error& e)
    {
        throw CampaignError(path + ": not valid JSON: " + e.what());
    }
    std::string stem = path;
    auto slash = stem.find_last_of('/');
    if (slash != std::string::npos)
    {
        stem = stem.substr(slash + 1);
    }
    auto dot = stem.find_last_of('.');
    if (dot != std::string::npos && dot > 0)
    {
        stem = stem.substr(0, dot);
    }
    try
    {
        Campaign c = ParseCampaign(doc, "results/campaigns/" + stem);
        c.file = path;
        return c;
    }
    catch (const CampaignError& e)
    {
        throw CampaignError(path + ": " + e.what());
    }
}

} // namespace campaign
} // namespace fedmoe
