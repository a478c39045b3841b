// SPDX-License-Identifier: GPL-2.0-only
/*
 * Plots: gnuplot scripts with datablocks, one line per policy.
 */

#include "plots.h"

#include "grid.h"
#include "process.h"
#include "run-folder.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <sstream>

namespace fedmoe
{
namespace campaign
{

namespace
{

bool
AllNumbers(const std::vector<nlohmann::json>& values)
{
    return std::all_of(values.begin(), values.end(),
                       [](const nlohmann::json& v)
                       {
                           return v.is_number();
                       });
}

} // namespace

std::string
FileSafe(const std::string& text)
{
    std::string s;
    for (char c : text)
    {
        s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_')
                 ? c
                 : '_';
    }
    return s;
}

std::string
GnuplotQuote(const std::string& text)
{
    std::string s = "'";
    for (char c : text)
    {
        s += c;
        if (c == '\'')
        {
            s += '\'';
        }
    }
    return s + "'";
}

std::string
GnuplotPngHeader(const std::string& png)
{
    return "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
           "    set terminal pngcairo size 900,560 noenhanced\n"
           "} else {\n"
           "    set terminal png size 900,560 noenhanced\n"
           "}\n"
           "set output "
           + GnuplotQuote(png) + "\n";
}

std::vector<std::string>
PlottedFigures()
{
    return {"final_accuracy", "time_to_target_s"};
}

std::vector<PlotFile>
WritePlotScripts(const Campaign& campaign, const CampaignResults& results,
                 const std::string& plotDir)
{
    std::vector<PlotFile> plots;
    const auto numeric = results.NumericFigures();
    std::vector<std::string> figures;
    for (const auto& f : PlottedFigures())
    {
        if (std::find(numeric.begin(), numeric.end(), f) != numeric.end())
        {
            figures.push_back(f);
        }
    }
    if (figures.empty())
    {
        return plots;
    }
    const auto rows = results.Summarize();
    const std::string lineKey = "policy";

    for (const auto& [xKey, xValues] : campaign.sweep)
    {
        if (xKey == lineKey || xValues.size() < 2 || !AllNumbers(xValues))
        {
            continue;
        }
        // Partition the summary rows by the other swept keys (not x, not the policy).
        std::map<std::string, std::vector<const SummaryRow*>> panels;
        std::map<std::string, std::string> panelTitles;
        for (const auto& row : rows)
        {
            std::string suffix;
            std::string title;
            for (const auto& [key, values] : campaign.sweep)
            {
                if (key == xKey || key == lineKey || values.size() < 2)
                {
                    continue;
                }
                const std::string v = FormatFlagValue(row.params.at(key));
                suffix += "-" + FileSafe(key) + "=" + FileSafe(v);
                title += (title.empty() ? "" : ", ") + key + "=" + v;
            }
            panels[suffix].push_back(&row);
            panelTitles[suffix] = title;
        }
        for (const auto& [suffix, panelRows] : panels)
        {
            // Lines: one per policy value, in the campaign's order.
            std::vector<std::string> lines;
            for (const auto* row : panelRows)
            {
                std::string line
                    = row->params.contains(lineKey) ? FormatFlagValue(row->params.at(lineKey)) : "";
                if (std::find(lines.begin(), lines.end(), line) == lines.end())
                {
                    lines.push_back(line);
                }
            }
            for (const auto& figure : figures)
            {
                const std::string name = FileSafe(figure) + "-vs-" + FileSafe(xKey) + suffix;
                PlotFile plot{plotDir + "/" + name + ".gp", plotDir + "/" + name + ".png"};
                std::ostringstream gp;
                gp << "# " << figure << " vs " << xKey
                   << ": mean over seeds, error bars = 95 % confidence interval (Student t).\n"
                   << "# Written by fedmoe-sweep; run: gnuplot " << name << ".gp\n"
                   << GnuplotPngHeader(plot.png) << "set title "
                   << GnuplotQuote(
                          figure + " vs " + xKey
                          + (panelTitles[suffix].empty() ? "" : " (" + panelTitles[suffix] + ")")
                          + ", mean and 95 % CI over seeds")
                   << "\n"
                   << "set xlabel " << GnuplotQuote(xKey) << "\n"
                   << "set ylabel " << GnuplotQuote(figure) << "\n"
                   << "set key outside right top\n"
                   << "set grid\n"
                   << "set offsets graph 0.03, graph 0.03, graph 0.05, graph 0.05\n";
                std::vector<std::string> plotted;
                for (size_t l = 0; l < lines.size(); ++l)
                {
                    std::vector<std::pair<double, const SummaryRow*>> points;
                    for (const auto* row : panelRows)
                    {
                        std::string line = row->params.contains(lineKey)
                                               ? FormatFlagValue(row->params.at(lineKey))
                                               : "";
                        const auto& s = row->stats.at(figure);
                        if (line == lines[l] && s.n > 0)
                        {
                            points.emplace_back(row->params.at(xKey).get<double>(), row);
                        }
                    }
                    if (points.empty())
                    {
                        continue;
                    }
                    std::sort(points.begin(), points.end(),
                              [](const auto& a, const auto& b)
                              {
                                  return a.first < b.first;
                              });
                    gp << "$d" << l << " << EOD\n";
                    for (const auto& [x, row] : points)
                    {
                        const auto& s = row->stats.at(figure);
                        // One value: no interval; draw the point without an error bar.
                        gp << FormatNumber(x) << " " << FormatNumber(s.mean) << " "
                           << FormatNumber(std::isnan(s.halfWidth) ? 0.0 : s.halfWidth) << " "
                           << s.n << "\n";
                    }
                    gp << "EOD\n";
                    plotted.push_back("$d" + std::to_string(l)
                                      + " using 1:2:3 with yerrorlines lw 2 title "
                                      + GnuplotQuote(lines[l].empty() ? figure : lines[l]));
                }
                if (plotted.empty())
                {
                    continue;
                }
                gp << "plot ";
                for (size_t i = 0; i < plotted.size(); ++i)
                {
                    gp << (i == 0 ? "" : ", \\\n     ") << plotted[i];
                }
                gp << "\n";
                MakeDirectories(plotDir);
                WriteFileAtomically(plot.script, gp.str());
                plots.push_back(plot);
            }
        }
    }
    return plots;
}

bool
RunGnuplot(const std::vector<PlotFile>& plots, std::vector<std::string>& errors)
{
    const std::string gnuplot = FindInPath("gnuplot");
    if (gnuplot.empty())
    {
        return false;
    }
    for (const auto& plot : plots)
    {
        std::string output;
        auto status = RunAndCapture({gnuplot, plot.script}, output);
        if (!status.Ok())
        {
            errors.push_back("gnuplot " + plot.script + " failed (" + status.Describe()
                             + "): " + output.substr(0, 300));
        }
    }
    return true;
}

} // namespace campaign
} // namespace fedmoe
