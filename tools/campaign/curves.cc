// SPDX-License-Identifier: GPL-2.0-only
/*
 * Curves: accuracy against simulated time, mean and 95 % band over seeds.
 */

#include "curves.h"

#include "grid.h"
#include "run-folder.h"
#include "statistics.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

namespace fedmoe
{
namespace campaign
{

namespace
{

constexpr int kPoints = 100;
const double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<std::string>
SplitCsv(const std::string& line)
{
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ','))
    {
        cells.push_back(cell);
    }
    return cells;
}

/// A line of a plot: its label and its runs' traces.
struct Line
{
    std::string label;
    std::vector<AccuracyTrace> traces;
};

} // namespace

AccuracyTrace
ReadAccuracyTrace(const std::string& path)
{
    AccuracyTrace trace;
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line))
    {
        return trace;
    }
    const std::vector<std::string> header = SplitCsv(line);
    const auto column = [&header](const std::string& name)
    {
        return static_cast<std::size_t>(std::find(header.begin(), header.end(), name)
                                        - header.begin());
    };
    const std::size_t t = column("sim_time_s");
    const std::size_t a = column("test_accuracy");
    if (t >= header.size() || a >= header.size())
    {
        return trace;
    }
    while (std::getline(in, line))
    {
        const std::vector<std::string> cells = SplitCsv(line);
        if (cells.size() <= std::max(t, a))
        {
            continue;
        }
        const double time = std::strtod(cells[t].c_str(), nullptr);
        const double accuracy = std::strtod(cells[a].c_str(), nullptr);
        if (std::isfinite(time) && std::isfinite(accuracy))
        {
            trace.timeS.push_back(time);
            trace.accuracy.push_back(accuracy);
        }
    }
    return trace;
}

double
AccuracyAt(const AccuracyTrace& trace, double timeS)
{
    if (trace.timeS.empty() || timeS < trace.timeS.front() || timeS > trace.timeS.back())
    {
        return kNaN;
    }
    const auto it = std::upper_bound(trace.timeS.begin(), trace.timeS.end(), timeS);
    return trace.accuracy[static_cast<std::size_t>(it - trace.timeS.begin()) - 1];
}

std::vector<PlotFile>
WriteCurveScripts(const Campaign& campaign, const CampaignResults& results, const std::string& out,
                  const std::string& plotDir)
{
    const std::string lineKey = "policy";
    const bool policySwept
        = std::any_of(campaign.sweep.begin(), campaign.sweep.end(),
                      [&lineKey](const auto& swept)
                      {
                          return swept.first == lineKey && swept.second.size() >= 2;
                      });
    // panel suffix -> (title, lines in grid order)
    std::map<std::string, std::pair<std::string, std::vector<Line>>> panels;
    for (const RunRecord& record : results.Records())
    {
        if (record.status != "ok")
        {
            continue;
        }
        std::string suffix;
        std::string title;
        std::string label;
        for (const auto& [key, values] : campaign.sweep)
        {
            if (values.size() < 2)
            {
                continue;
            }
            const std::string v = FormatFlagValue(record.run.params.at(key));
            if (key == lineKey || !policySwept)
            {
                label += (label.empty() ? "" : ", ") + (policySwept ? v : key + "=" + v);
                continue;
            }
            suffix += "-" + FileSafe(key) + "=" + FileSafe(v);
            title += (title.empty() ? "" : ", ") + key + "=" + v;
        }
        AccuracyTrace trace = ReadAccuracyTrace(out + "/runs/" + record.run.id + "/rounds.csv");
        if (trace.timeS.empty())
        {
            continue;
        }
        auto& panel = panels[suffix];
        panel.first = title;
        auto line = std::find_if(panel.second.begin(), panel.second.end(),
                                 [&label](const Line& l)
                                 {
                                     return l.label == label;
                                 });
        if (line == panel.second.end())
        {
            panel.second.push_back({label, {}});
            line = panel.second.end() - 1;
        }
        line->traces.push_back(std::move(trace));
    }
    std::vector<PlotFile> plots;
    for (const auto& [suffix, panel] : panels)
    {
        const auto& [title, lines] = panel;
        double end = 0;
        for (const Line& line : lines)
        {
            for (const AccuracyTrace& t : line.traces)
            {
                end = std::max(end, t.timeS.back());
            }
        }
        const std::string name = "accuracy-vs-time" + suffix;
        PlotFile plot{plotDir + "/" + name + ".gp", plotDir + "/" + name + ".png"};
        std::ostringstream csv;
        csv << "sim_time_s";
        for (const Line& line : lines)
        {
            const std::string l = FileSafe(line.label.empty() ? "all" : line.label);
            csv << "," << l << "_mean," << l << "_ci95," << l << "_n";
        }
        csv << "\n";
        for (int k = 0; k <= kPoints; ++k)
        {
            const double time = end * k / kPoints;
            csv << FormatNumber(time);
            for (const Line& line : lines)
            {
                std::vector<double> values;
                for (const AccuracyTrace& t : line.traces)
                {
                    const double v = AccuracyAt(t, time);
                    if (std::isfinite(v))
                    {
                        values.push_back(v);
                    }
                }
                // Only where every run of the line has a value: a mean of
                // the runs still going would flatter the slow ones.
                const bool all = values.size() == line.traces.size();
                const MeanInterval m = MeanConfidence95(values);
                csv << "," << FormatNumber(all ? m.mean : kNaN) << ","
                    << FormatNumber(all ? (std::isnan(m.halfWidth) ? 0.0 : m.halfWidth) : kNaN)
                    << "," << values.size();
            }
            csv << "\n";
        }
        MakeDirectories(plotDir);
        WriteFileAtomically(plotDir + "/" + name + ".csv", csv.str());
        std::ostringstream gp;
        gp << "# Test accuracy vs simulated time: mean over seeds, band = 95 % confidence\n"
           << "# interval (Student t); drawn where every run of a line has a value.\n"
           << "# Written by fedmoe-sweep; data in " << name << ".csv; run: gnuplot " << name
           << ".gp\n"
           << GnuplotPngHeader(plot.png) << "set datafile separator ','\n"
           << "set datafile missing 'nan'\n"
           << "set title "
           << GnuplotQuote("test accuracy vs simulated time"
                           + (title.empty() ? "" : " (" + title + ")")
                           + ", mean and 95 % CI over seeds")
           << "\n"
           << "set xlabel 'simulated time (s)'\nset ylabel 'test accuracy'\n"
           << "set key outside right top\nset grid\nset style fill transparent solid 0.2 "
              "noborder\n";
        gp << "plot ";
        const std::string data = GnuplotQuote(plotDir + "/" + name + ".csv");
        for (std::size_t l = 0; l < lines.size(); ++l)
        {
            const std::size_t mean = 2 + 3 * l;
            const std::string c = std::to_string(mean);
            const std::string h = std::to_string(mean + 1);
            gp << (l == 0 ? "" : ", \\\n     ") << data << " every ::1 using 1:($" << c << "-$" << h
               << "):($" << c << "+$" << h << ") with filledcurves lc " << l + 1
               << " notitle, \\\n     " << data << " every ::1 using 1:" << c
               << " with lines lw 2 lc " << l + 1 << " title "
               << GnuplotQuote(lines[l].label.empty() ? "all runs" : lines[l].label);
        }
        gp << "\n";
        WriteFileAtomically(plot.script, gp.str());
        plots.push_back(plot);
    }
    return plots;
}

} // namespace campaign
} // namespace fedmoe
