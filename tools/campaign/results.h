// SPDX-License-Identifier: GPL-2.0-only
/*
 * CampaignResults: the outcome of every run of a campaign, read from the run
 * folders, written as campaign.csv (one row per run) and campaign-summary.csv
 * (one row per parameter set: mean and 95 % confidence interval over seeds).
 */

#ifndef FEDMOE_CAMPAIGN_RESULTS_H
#define FEDMOE_CAMPAIGN_RESULTS_H

#include "campaign-file.h"
#include "grid.h"
#include "statistics.h"

#include <nlohmann/json.hpp>

#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace fedmoe
{
namespace campaign
{

/**
 * \brief One run's row of campaign.csv.
 */
struct RunRecord
{
    Run run;                  //!< the run
    std::string status;       //!< "ok", "failed" or "pending" (not run yet)
    nlohmann::json exitCode;  //!< the program's exit code, or null (not run, or killed)
    nlohmann::json wallTimeS; //!< the runner's wall-clock seconds, or null
    /// summary.json's scalar figures, nested objects flattened as "a.b" (file order)
    std::vector<std::pair<std::string, nlohmann::json>> figures;
};

/**
 * \brief One row of campaign-summary.csv: a parameter set (all parameters but
 *        the seed) and, for each numeric figure, its mean and 95 % CI over the
 *        set's successful runs.
 */
struct SummaryRow
{
    nlohmann::json params;                         //!< the parameters, without "seed"
    size_t ok{0};                                  //!< successful runs
    size_t failed{0};                              //!< failed runs
    size_t pending{0};                             //!< runs not run yet
    std::map<std::string, MeanInterval> stats;     //!< per numeric figure
    std::map<std::string, MedianInterval> medians; //!< per numeric figure
};

/**
 * \brief The results of a campaign: read, tabulated and summarised.
 */
class CampaignResults
{
  public:
    /**
     * \brief Read every run's folder (params from the grid; run.json and
     *        summary.json from OUT/runs/<id>/).
     * \param campaign the campaign (gives the parameter columns' order)
     * \param runs its runs
     * \param out the output folder
     */
    CampaignResults(const Campaign& campaign, const std::vector<Run>& runs, const std::string& out);

    /// \return the parameter columns: swept keys, fixed keys, then "seed"
    const std::vector<std::string>& ParamColumns() const;
    /// \return the figure columns: union of the runs' figures, in order of appearance
    const std::vector<std::string>& FigureColumns() const;
    /// \return the figures that are numbers in every run that has them
    std::vector<std::string> NumericFigures() const;
    /// \return one record per run, in grid order
    const std::vector<RunRecord>& Records() const;
    /// \return how many runs have the given status
    size_t Count(const std::string& status) const;

    /**
     * \brief Write campaign.csv: run_id, the parameters, status, exit_code,
     *        run_wall_time_s, then every figure (empty when a run lacks it).
     * \param os the stream
     */
    void WriteCampaignCsv(std::ostream& os) const;

    /**
     * \brief Group the runs by every parameter but the seed (in grid order).
     * \return one row per parameter set
     */
    std::vector<SummaryRow> Summarize() const;

    /**
     * \brief Write campaign-summary.csv: the parameters but the seed, runs_ok,
     *        runs_failed, runs_pending, then for each numeric figure
     *        FIG_mean, FIG_ci95 (half-width, Student t, NaN when fewer than 2
     *        values) and FIG_n (runs that had a finite value).
     * \param os the stream
     */
    void WriteSummaryCsv(std::ostream& os) const;

    /**
     * \brief Write campaign.csv and campaign-summary.csv into a folder.
     * \param out the folder
     */
    void WriteTables(const std::string& out) const;

  private:
    std::vector<std::string> m_params;  //!< parameter columns
    std::vector<std::string> m_figures; //!< figure columns
    std::vector<RunRecord> m_records;   //!< one per run
};

/**
 * \brief A CSV field: quoted (with "" for ") when it holds a comma, a quote or
 *        a line break.
 * \param text the field
 * \return the field as written
 */
std::string CsvField(const std::string& text);

/**
 * \brief A JSON scalar as a CSV cell: strings as they are, numbers with up
 *        to 10 significant digits, true/false, null as empty.
 * \param value the value
 * \return the cell (already quoted when needed)
 */
std::string CsvCell(const nlohmann::json& value);

/**
 * \param v a number
 * \return it with 10 significant digits, or "nan"
 */
std::string FormatNumber(double v);

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_RESULTS_H
