// SPDX-License-Identifier: GPL-2.0-only
/*
 * Campaign: what a campaign file (JSON) says — the program, its fixed flags,
 * the swept parameters (lists or ranges) and the seeds — read and validated
 * before anything runs.
 */

#ifndef FEDMOE_CAMPAIGN_CAMPAIGN_FILE_H
#define FEDMOE_CAMPAIGN_CAMPAIGN_FILE_H

#include <nlohmann/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fedmoe
{
namespace campaign
{

/**
 * \brief A campaign file (or the program it names) is invalid; the message
 *        names the key, the value and what is allowed. fedmoe-sweep exits
 *        with code 2 on it.
 */
class CampaignError : public std::runtime_error
{
  public:
    using std::runtime_error::runtime_error;
};

/**
 * \brief A validated campaign.
 *
 * Keys keep the campaign file's order (it orders the columns of the tables
 * and the grid: the first swept key varies slowest, the seed fastest).
 */
struct Campaign
{
    std::string file;    //!< the campaign file ("" when parsed from a string)
    std::string program; //!< the program as written: a name in the build's bin/ or a path
    std::string out;     //!< the output folder (runs/, tables, plots)
    /// flags passed unchanged to every run, in file order
    std::vector<std::pair<std::string, nlohmann::json>> fixed;
    /// swept flags and their values, in file order (each list non-empty, no duplicates)
    std::vector<std::pair<std::string, std::vector<nlohmann::json>>> sweep;
    std::vector<int64_t> seeds; //!< passed as --seed=S, each >= 1

    /**
     * \return every flag name the campaign sets: swept, then fixed, then "seed"
     */
    std::vector<std::string> FlagNames() const;

    /**
     * \return the number of runs the grid has (product of list sizes times seeds)
     */
    uint64_t RunCount() const;
};

/**
 * \brief The top-level keys a campaign file may have.
 * \return program, out, fixed, sweep, seeds, description
 */
std::vector<std::string> CampaignKeys();

/**
 * \brief Validate a parsed campaign document.
 * \param doc the JSON document
 * \param defaultOut the output folder when the document has no "out"
 * \return the campaign
 * \throw CampaignError naming the offending key and value and what is allowed
 */
Campaign ParseCampaign(const nlohmann::ordered_json& doc, const std::string& defaultOut);

/**
 * \brief Read and validate a campaign file; "out" defaults to
 *        results/campaigns/<file stem>.
 * \param path the campaign file
 * \return the campaign
 * \throw CampaignError when the file cannot be read, is not JSON, or is invalid
 */
Campaign ReadCampaignFile(const std::string& path);

/**
 * \brief Expand a range {"from": a, "to": b, "step": s} into its values
 *        (a, a+s, ..., up to b inclusive). Integers when a and s are
 *        integers, otherwise doubles rounded to 12 significant digits (so
 *        0.1 steps give 0.3, not 0.30000000000000004).
 * \param key the swept key (for error messages)
 * \param range the range object
 * \return the values
 * \throw CampaignError on missing or non-numeric bounds, step <= 0, to < from,
 *        or more than 10000 values
 */
std::vector<nlohmann::json> ExpandRange(const std::string& key,
                                        const nlohmann::ordered_json& range);

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_CAMPAIGN_FILE_H
