// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the accuracy-vs-time curves: rounds.csv read by column name,
 * the step function between evaluations, and the mean and 95 % band over
 * seeds computed by hand, drawn only where every run has a value.
 */

#include "campaign-file.h"
#include "campaign-test-util.h"
#include "curves.h"
#include "grid.h"
#include "results.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace fedmoe::campaign;

namespace
{

/// A run's folder with summary.json and a rounds.csv of (time, accuracy) rows.
void
WriteRun(const std::string& out, const Run& run, const std::vector<std::pair<double, double>>& rows)
{
    const std::string dir = out + "/runs/" + run.id;
    MakeDirectories(dir);
    test::WriteText(dir + "/summary.json", R"({"status": "ok", "final_accuracy": 0.5})");
    std::ostringstream csv;
    csv << "round,sim_time_s,wall_time_s,participants,dropped,test_accuracy\n";
    for (std::size_t i = 0; i < rows.size(); ++i)
    {
        csv << i + 1 << "," << rows[i].first << ",0,1,0,";
        if (std::isnan(rows[i].second))
        {
            csv << "nan\n";
        }
        else
        {
            csv << rows[i].second << "\n";
        }
    }
    test::WriteText(dir + "/rounds.csv", csv.str());
}

std::vector<std::string>
Lines(const std::string& path)
{
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);)
    {
        lines.push_back(l);
    }
    return lines;
}

} // namespace

TEST(Curves, TheAccuracyBetweenEvaluationsIsTheLastOne)
{
    const std::string out = test::ScratchDir();
    MakeDirectories(out);
    test::WriteText(out + "/rounds.csv", "round,test_accuracy,sim_time_s\n1,0.25,2\n2,nan,4\n"
                                         "3,0.5,6\n");
    const AccuracyTrace t = ReadAccuracyTrace(out + "/rounds.csv");
    ASSERT_EQ(t.timeS, (std::vector<double>{2, 6}));
    EXPECT_TRUE(std::isnan(AccuracyAt(t, 1.0))); // before the first evaluation
    EXPECT_EQ(AccuracyAt(t, 2.0), 0.25);
    EXPECT_EQ(AccuracyAt(t, 5.9), 0.25);
    EXPECT_EQ(AccuracyAt(t, 6.0), 0.5);
    EXPECT_TRUE(std::isnan(AccuracyAt(t, 6.1))); // the run ended
    EXPECT_TRUE(ReadAccuracyTrace(out + "/missing.csv").timeS.empty());
}

TEST(Curves, MeanAndBandOverSeedsOneLinePerPolicyOnePlotPerPanel)
{
    const std::string out = test::ScratchDir();
    auto campaign = ParseCampaign(nlohmann::ordered_json::parse(R"({
        "program": "p", "sweep": {"policy": ["greedy", "random"], "network": ["wifi", "p2p"]},
        "seeds": 2})"),
                                  out);
    const auto runs = ExpandGrid(campaign);
    for (const auto& run : runs)
    {
        const double s = run.params["seed"].get<double>();
        const bool greedy = run.params["policy"] == "greedy";
        // greedy: 0.2 / 0.4 at 0 s, then 0.6 / 0.8 at 50 s, ends at 100 s;
        // random: one evaluation at 50 s, ends there.
        if (greedy)
        {
            WriteRun(out, run, {{0.0, 0.2 * s}, {50.0, 0.4 + 0.2 * s}, {100.0, 0.9}});
        }
        else
        {
            WriteRun(out, run, {{50.0, 0.1 * s}});
        }
    }
    CampaignResults results(campaign, runs, out);
    const auto plots = WriteCurveScripts(campaign, results, out, out + "/plots");
    ASSERT_EQ(plots.size(), 2u); // network=wifi, network=p2p
    const auto csv = Lines(out + "/plots/accuracy-vs-time-network=p2p.csv");
    ASSERT_EQ(csv.size(), 102u); // header + 101 times from 0 to 100 s
    EXPECT_EQ(csv[0], "sim_time_s,greedy_mean,greedy_ci95,greedy_n,random_mean,random_ci95,"
                      "random_n");
    // At 0 s: greedy 0.2 and 0.4: mean 0.3, t(0.975, 1) x s / sqrt(2) = 12.7062 x 0.1;
    // random has no value yet.
    EXPECT_EQ(csv[1], "0,0.3,1.270620474,2,nan,nan,0");
    // At 50 s: greedy 0.6 and 0.8; random 0.1 and 0.2.
    EXPECT_EQ(csv[51], "50,0.7,1.270620474,2,0.15,0.6353102368,2");
    // After 50 s random has ended: no mean of what is left.
    EXPECT_EQ(csv[52], "51,0.7,1.270620474,2,nan,nan,0");
    // At 100 s both greedy runs read 0.9: no spread.
    EXPECT_EQ(csv[101], "100,0.9,0,2,nan,nan,0");
    std::ifstream gp(plots[0].script);
    std::stringstream script;
    script << gp.rdbuf();
    EXPECT_NE(script.str().find("filledcurves"), std::string::npos);
    EXPECT_NE(script.str().find("title 'greedy'"), std::string::npos);
}
