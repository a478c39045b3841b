// SPDX-License-Identifier: GPL-2.0-only
/*
 * Plots: gnuplot scripts (PNG) of final accuracy and simulated
 * time-to-target vs. each swept numeric parameter, one line per policy, with
 * 95 % confidence intervals as error bars.
 */

#ifndef FEDMOE_CAMPAIGN_PLOTS_H
#define FEDMOE_CAMPAIGN_PLOTS_H

#include "campaign-file.h"
#include "results.h"

#include <string>
#include <vector>

namespace fedmoe
{
namespace campaign
{

/**
 * \brief One plot: its gnuplot script and the PNG it draws.
 */
struct PlotFile
{
    std::string script; //!< OUT/plots/NAME.gp
    std::string png;    //!< OUT/plots/NAME.png
};

/**
 * \brief A value made safe for a file name (characters other than
 *        letters, digits, '-', '.' and '_' become '_').
 * \param text the value
 * \return the safe text
 */
std::string FileSafe(const std::string& text);

/**
 * \brief A single-quoted gnuplot string.
 * \param text the text
 * \return it quoted, quotes doubled
 */
std::string GnuplotQuote(const std::string& text);

/**
 * \brief The lines that make a gnuplot script draw a 900x560 PNG (pngcairo
 *        when the terminal exists, png otherwise).
 * \param png the PNG's path
 * \return the lines
 */
std::string GnuplotPngHeader(const std::string& png);

/**
 * \brief The figures that are plotted (when the runs report them).
 * \return final_accuracy, time_to_target_s
 */
std::vector<std::string> PlottedFigures();

/**
 * \brief Write the gnuplot scripts.
 *
 * For every swept parameter with at least two values, all numbers (the
 * channel parameters distanceMax, lossExponent, errorRate, bandwidthScale,
 * and others such as clients) and every plotted figure: FIGURE vs.
 * PARAMETER, one line per policy (or one line when the policy is not
 * swept), points at the mean over seeds with the 95 % CI as error bars.
 * When other parameters are swept too (e.g. network), one plot per
 * combination of their values, named FIGURE-vs-PARAMETER-KEY=VALUE.png.
 * Each script holds its data (gnuplot datablocks), so it can be edited
 * and re-run alone.
 *
 * \param campaign the campaign
 * \param results its results
 * \param plotDir the folder for the scripts and PNGs (created)
 * \return the plots written
 */
std::vector<PlotFile> WritePlotScripts(const Campaign& campaign, const CampaignResults& results,
                                       const std::string& plotDir);

/**
 * \brief Run gnuplot on each script (when gnuplot is in PATH).
 * \param plots the plots
 * \param errors receives one message per script gnuplot failed on
 * \return false when gnuplot is not installed (nothing run)
 */
bool RunGnuplot(const std::vector<PlotFile>& plots, std::vector<std::string>& errors);

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_PLOTS_H
