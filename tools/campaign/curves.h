// SPDX-License-Identifier: GPL-2.0-only
/*
 * Curves: test accuracy against simulated time, mean over seeds with a 95 %
 * confidence band, one line per policy (the question "which trains a better
 * model sooner" is read off these), from each run's rounds.csv.
 */

#ifndef FEDMOE_CAMPAIGN_CURVES_H
#define FEDMOE_CAMPAIGN_CURVES_H

#include "campaign-file.h"
#include "plots.h"
#include "results.h"

#include <string>
#include <vector>

namespace fedmoe
{
namespace campaign
{

/**
 * \brief One run's test accuracy over simulated time.
 */
struct AccuracyTrace
{
    std::vector<double> timeS;    //!< end of each evaluated round, s (ascending)
    std::vector<double> accuracy; //!< its test accuracy
};

/**
 * \brief Read rounds.csv's sim_time_s and test_accuracy columns (rounds not
 *        evaluated, "nan", are skipped).
 * \param path the file
 * \return the trace (empty when the file or a column is missing)
 */
AccuracyTrace ReadAccuracyTrace(const std::string& path);

/**
 * \brief The accuracy a trace shows at a time: that of the last evaluation
 *        at or before it (NaN before the first, and after the last: the run
 *        ended there).
 * \param trace the trace
 * \param timeS the time, s
 * \return the accuracy or NaN
 */
double AccuracyAt(const AccuracyTrace& trace, double timeS);

/**
 * \brief Write accuracy-vs-time scripts (and their data as CSV).
 *
 * One plot per combination of the swept keys other than the policy (the
 * policy's values are the lines); without a swept policy, one plot whose
 * lines are the combinations of the swept keys. Each line is the mean over
 * the line's successful runs at 100 times from 0 to the latest end of any
 * run, drawn only where every run of the line has a value, with the 95 %
 * confidence interval (Student t over seeds) as a band.
 * OUT/plots/accuracy-vs-time[-KEY=VALUE].{gp,csv,png}.
 *
 * \param campaign the campaign
 * \param results its results
 * \param out the campaign's output folder (runs in out/runs/)
 * \param plotDir where the scripts go (created)
 * \return the plots written
 */
std::vector<PlotFile> WriteCurveScripts(const Campaign& campaign, const CampaignResults& results,
                                        const std::string& out, const std::string& plotDir);

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_CURVES_H
