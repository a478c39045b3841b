// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grid: expansion of a campaign into runs, and run ids.
 */

#include "grid.h"

#include <cstdio>

namespace fedmoe
{
namespace campaign
{

uint64_t
Fnv1a64(const std::string& bytes)
{
    uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : bytes)
    {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

std::string
RunId(const nlohmann::json& params)
{
    // nlohmann::json keeps object keys sorted (std::map) and prints doubles in
    // shortest round-trip form, so dump() is canonical.
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%016llx",
                  static_cast<unsigned long long>(Fnv1a64(params.dump())));
    return std::string(hex, 12);
}

std::vector<Run>
ExpandGrid(const Campaign& campaign)
{
    std::vector<Run> runs;
    runs.reserve(campaign.RunCount());
    nlohmann::json base = nlohmann::json::object();
    for (const auto& [key, value] : campaign.fixed)
    {
        base[key] = value;
    }
    // Odometer over the swept lists: the last key turns fastest.
    std::vector<size_t> index(campaign.sweep.size(), 0);
    while (true)
    {
        nlohmann::json params = base;
        for (size_t k = 0; k < campaign.sweep.size(); ++k)
        {
            params[campaign.sweep[k].first] = campaign.sweep[k].second[index[k]];
        }
        for (int64_t seed : campaign.seeds)
        {
            Run run;
            run.params = params;
            run.params["seed"] = seed;
            run.id = RunId(run.params);
            runs.push_back(std::move(run));
        }
        size_t k = campaign.sweep.size();
        while (k > 0)
        {
            --k;
            if (++index[k] < campaign.sweep[k].second.size())
            {
                break;
            }
            index[k] = 0;
            if (k == 0)
            {
                return runs;
            }
        }
        if (campaign.sweep.empty())
        {
            return runs;
        }
    }
}

std::string
FormatFlagValue(const nlohmann::json& value)
{
    if (value.is_string())
    {
        return value.get<std::string>();
    }
    return value.dump();
}

std::vector<std::string>
RunCommand(const Run& run, const std::string& programPath, const std::string& runDir)
{
    std::vector<std::string> argv = {programPath};
    for (const auto& [key, value] : run.params.items())
    {
        if (key != "seed")
        {
            argv.push_back("--" + key + "=" + FormatFlagValue(value));
        }
    }
    argv.push_back("--seed=" + FormatFlagValue(run.params.at("seed")));
    argv.push_back("--outDir=" + runDir);
    return argv;
}

} // namespace campaign
} // namespace fedmoe
