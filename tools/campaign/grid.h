// SPDX-License-Identifier: GPL-2.0-only
/*
 * Grid: a campaign expanded into runs (every combination of the swept values,
 * times the seeds), each with a stable id: a short hash of its parameters.
 */

#ifndef FEDMOE_CAMPAIGN_GRID_H
#define FEDMOE_CAMPAIGN_GRID_H

#include "campaign-file.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace fedmoe
{
namespace campaign
{

/**
 * \brief One run of a campaign.
 */
struct Run
{
    std::string id;        //!< RunId(params): names the run's folder
    nlohmann::json params; //!< every flag of the run (fixed, swept, seed), keys sorted
};

/**
 * \brief 64-bit FNV-1a hash of a byte string.
 * \param bytes the bytes
 * \return the hash
 */
uint64_t Fnv1a64(const std::string& bytes);

/**
 * \brief The id of a run: the first 12 hex digits of the 64-bit FNV-1a hash of
 *        its canonical parameters JSON (keys sorted, no spaces, numbers in
 *        shortest round-trip form). It depends on the parameters only, not on
 *        their order in the campaign file, the machine or the run.
 * \param params the run's parameters (a JSON object)
 * \return 12 lowercase hex digits
 */
std::string RunId(const nlohmann::json& params);

/**
 * \brief Expand a campaign into its runs: the first swept key varies slowest,
 *        the seed fastest (so the seeds of one parameter set are adjacent).
 * \param campaign the campaign
 * \return Campaign::RunCount() runs
 */
std::vector<Run> ExpandGrid(const Campaign& campaign);

/**
 * \brief A flag value as it is passed on the command line: strings as they
 *        are, true/false, numbers in JSON form (10, 0.5, 1e-05).
 * \param value a scalar
 * \return the text after "--key="
 */
std::string FormatFlagValue(const nlohmann::json& value);

/**
 * \brief The command line of a run: PROGRAM --key=value ... --seed=S --outDir=DIR
 *        (keys in sorted order, seed and outDir last).
 * \param run the run
 * \param programPath the program
 * \param runDir the run's folder
 * \return argv
 */
std::vector<std::string> RunCommand(const Run& run, const std::string& programPath,
                                    const std::string& runDir);

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_GRID_H
