// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the results tables, from hand-made summary.json files, against
 * hand-computed means and 95 % confidence intervals; and of the plots.
 */

#include "campaign-file.h"
#include "campaign-test-util.h"
#include "grid.h"
#include "plots.h"
#include "results.h"
#include "statistics.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cmath>

using namespace fedmoe::campaign;

namespace
{

/// Write OUT/runs/<id>/summary.json.
void
WriteSummary(const std::string& out, const Run& run, const std::string& json)
{
    MakeDirectories(out + "/runs/" + run.id);
    test::WriteText(out + "/runs/" + run.id + "/summary.json", json);
}

std::vector<std::string>
Lines(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string l;
    while (std::getline(in, l))
    {
        lines.push_back(l);
    }
    return lines;
}

} // namespace

TEST(Statistics, MeanAndStudentTInterval)
{
    // 1, 2, 3: mean 2, sd 1, t_{0.975,2} = 4.302653 -> 4.302653 / sqrt(3) = 2.484138.
    auto s = MeanConfidence95({1, 2, 3});
    EXPECT_EQ(s.n, 3U);
    EXPECT_DOUBLE_EQ(s.mean, 2.0);
    EXPECT_NEAR(s.halfWidth, 2.484138, 1e-6);
    // 0.5, 0.7: mean 0.6, sd 0.141421, t_{0.975,1} = 12.706205 -> 1.270620.
    auto p = MeanConfidence95({0.5, 0.7});
    EXPECT_NEAR(p.mean, 0.6, 1e-12);
    EXPECT_NEAR(p.halfWidth, 12.706205 * std::sqrt(0.02) / std::sqrt(2.0), 1e-5);
    EXPECT_NEAR(p.halfWidth, 1.270620, 1e-5);
    auto one = MeanConfidence95({4});
    EXPECT_DOUBLE_EQ(one.mean, 4);
    EXPECT_TRUE(std::isnan(one.halfWidth)) << "no interval from one value";
    EXPECT_TRUE(std::isnan(MeanConfidence95({}).mean));
}

TEST(Statistics, MedianAndOrderStatisticInterval)
{
    // n = 10: P(B <= 1) = 11 / 1024 <= 0.025 < P(B <= 2) = 56 / 1024, so k = 2:
    // [x_(2), x_(9)], unsorted input.
    auto m = MedianConfidence95({10, 1, 9, 2, 8, 3, 7, 4, 6, 5});
    EXPECT_EQ(m.n, 10U);
    EXPECT_DOUBLE_EQ(m.median, 5.5);
    EXPECT_DOUBLE_EQ(m.low, 2);
    EXPECT_DOUBLE_EQ(m.high, 9);
    // n = 6: P(B = 0) = 1 / 64 <= 0.025: [x_(1), x_(6)]; n = 5: 1 / 32 > 0.025: none.
    auto six = MedianConfidence95({3, 1, 2, 6, 5, 4});
    EXPECT_DOUBLE_EQ(six.median, 3.5);
    EXPECT_DOUBLE_EQ(six.low, 1);
    EXPECT_DOUBLE_EQ(six.high, 6);
    auto five = MedianConfidence95({1, 2, 3, 4, 5});
    EXPECT_DOUBLE_EQ(five.median, 3);
    EXPECT_TRUE(std::isnan(five.low));
    // n = 20: k = 6 (P(B <= 5) = 0.0207): [x_(6), x_(15)].
    std::vector<double> twenty;
    for (int i = 1; i <= 20; ++i)
    {
        twenty.push_back(i);
    }
    auto t = MedianConfidence95(twenty);
    EXPECT_DOUBLE_EQ(t.low, 6);
    EXPECT_DOUBLE_EQ(t.high, 15);
    EXPECT_TRUE(std::isnan(MedianConfidence95({}).median));
}

TEST(Results, CsvCellsQuoteAndFormat)
{
    EXPECT_EQ(CsvCell(nlohmann::json("a,b")), "\"a,b\"");
    EXPECT_EQ(CsvCell(nlohmann::json("say \"hi\"")), "\"say \"\"hi\"\"\"");
    EXPECT_EQ(CsvCell(nlohmann::json(0.1)), "0.1");
    EXPECT_EQ(CsvCell(nlohmann::json(1.0 / 3.0)), "0.3333333333");
    EXPECT_EQ(CsvCell(nlohmann::json(42)), "42");
    EXPECT_EQ(CsvCell(nlohmann::json(true)), "true");
    EXPECT_EQ(CsvCell(nlohmann::json(nullptr)), "");
}

TEST(Results, TablesFromHandMadeSummaries)
{
    const std::string out = test::ScratchDir();
    auto campaign = ParseCampaign(nlohmann::ordered_json::parse(R"({
        "program": "p", "fixed": {"rounds": 5},
        "sweep": {"policy": ["greedy", "random"], "distanceMax": [10]}, "seeds": 3})"),
                                  out);
    auto runs = ExpandGrid(campaign);
    ASSERT_EQ(runs.size(), 6U);
    // greedy: final_accuracy 1, 2, 3 (mean 2, CI 2.484138); time_to_target_s
    // only in two runs (10, 20: mean 15, CI 12.706205 * 7.0710678 / 1.4142136 = 63.531024).
    // Exactly: t_{0.975,2} = (2p-1)/sqrt(2p(1-p)) = 4.3026527297, / sqrt(3) = 2.4841377118;
    // t_{0.975,1} = tan(0.475 pi) = 12.706204736, * 5 = 63.53102368.
    WriteSummary(out, runs[0],
                 R"({"status": "ok", "policy": "greedy", "seed": 1, "final_accuracy": 1,
                     "time_to_target_s": 10, "bytes": {"up": 7, "down": 8}, "note": "a,b"})");
    WriteSummary(out, runs[1],
                 R"({"status": "ok", "policy": "greedy", "seed": 2, "final_accuracy": 2,
                     "time_to_target_s": 20, "bytes": {"up": 7, "down": 8}})");
    WriteSummary(out, runs[2],
                 R"({"status": "ok", "policy": "greedy", "seed": 3, "final_accuracy": 3.0,
                     "time_to_target_s": null, "bytes": {"up": 7, "down": 8}})");
    // random: seed 1 ok (0.25), seed 2 failed (error summary), seed 3 not run.
    WriteSummary(out, runs[3],
                 R"({"status": "ok", "policy": "random", "seed": 1, "final_accuracy": 0.25,
                     "time_to_target_s": 40, "bytes": {"up": 7, "down": 8}})");
    WriteSummary(out, runs[4], R"({"status": "error", "error": "diverged"})");

    CampaignResults results(campaign, runs, out);
    EXPECT_EQ(results.Count("ok"), 4U);
    EXPECT_EQ(results.Count("failed"), 1U);
    EXPECT_EQ(results.Count("pending"), 1U);
    EXPECT_EQ(results.FigureColumns(),
              (std::vector<std::string>{"final_accuracy", "time_to_target_s", "bytes.up",
                                        "bytes.down", "note", "error"}));
    EXPECT_EQ(
        results.NumericFigures(),
        (std::vector<std::string>{"final_accuracy", "time_to_target_s", "bytes.up", "bytes.down"}));

    std::ostringstream csv;
    results.WriteCampaignCsv(csv);
    auto lines = Lines(csv.str());
    ASSERT_EQ(lines.size(), 7U);
    EXPECT_EQ(lines[0], "run_id,policy,distanceMax,rounds,seed,status,exit_code,run_wall_time_s,"
                        "final_accuracy,time_to_target_s,bytes.up,bytes.down,note,error");
    EXPECT_EQ(lines[1], runs[0].id + ",greedy,10,5,1,ok,,,1,10,7,8,\"a,b\",");
    EXPECT_EQ(lines[3], runs[2].id + ",greedy,10,5,3,ok,,,3,,7,8,,");
    EXPECT_EQ(lines[5], runs[4].id + ",random,10,5,2,failed,,,,,,,,diverged");
    EXPECT_EQ(lines[6], runs[5].id + ",random,10,5,3,pending,,,,,,,,");

    std::ostringstream summary;
    results.WriteSummaryCsv(summary);
    auto rows = Lines(summary.str());
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[0], "policy,distanceMax,rounds,runs_ok,runs_failed,runs_pending,"
                       "final_accuracy_mean,final_accuracy_ci95,final_accuracy_n,"
                       "final_accuracy_median,final_accuracy_median_lo,final_accuracy_median_hi,"
                       "time_to_target_s_mean,time_to_target_s_ci95,time_to_target_s_n,"
                       "time_to_target_s_median,time_to_target_s_median_lo,"
                       "time_to_target_s_median_hi,"
                       "bytes.up_mean,bytes.up_ci95,bytes.up_n,"
                       "bytes.up_median,bytes.up_median_lo,bytes.up_median_hi,"
                       "bytes.down_mean,bytes.down_ci95,bytes.down_n,"
                       "bytes.down_median,bytes.down_median_lo,bytes.down_median_hi");
    // Medians: three or fewer runs have no 95 % interval for them.
    EXPECT_EQ(rows[1], "greedy,10,5,3,0,0,2,2.484137712,3,2,nan,nan,15,63.53102368,2,15,nan,nan,"
                       "7,0,3,7,nan,nan,8,0,3,8,nan,nan");
    EXPECT_EQ(rows[2], "random,10,5,1,1,1,0.25,nan,1,0.25,nan,nan,40,nan,1,40,nan,nan,"
                       "7,nan,1,7,nan,nan,8,nan,1,8,nan,nan");

    auto groups = results.Summarize();
    ASSERT_EQ(groups.size(), 2U);
    EXPECT_NEAR(groups[0].stats.at("final_accuracy").halfWidth, 2.484138, 1e-6);
    EXPECT_NEAR(groups[0].stats.at("time_to_target_s").halfWidth, 63.531024, 1e-5);
}

TEST(Results, PlotScriptsOnePerFigureAndPanelOneLinePerPolicy)
{
    const std::string out = test::ScratchDir();
    auto campaign = ParseCampaign(nlohmann::ordered_json::parse(R"({
        "program": "p",
        "sweep": {"policy": ["greedy", "random"], "distanceMax": [10, 30],
                  "network": ["wifi", "p2p"]}, "seeds": 2})"),
                                  out);
    auto runs = ExpandGrid(campaign);
    for (const auto& run : runs)
    {
        const double d = run.params["distanceMax"].get<double>();
        const double s = run.params["seed"].get<double>();
        WriteSummary(out, run,
                     nlohmann::json({{"status", "ok"},
                                     {"final_accuracy", 0.5 - d / 100 + s / 100},
                                     {"time_to_target_s", d + s}})
                         .dump());
    }
    CampaignResults results(campaign, runs, out);
    auto plots = WritePlotScripts(campaign, results, out + "/plots");
    // distanceMax is the only numeric swept parameter; network makes 2 panels; 2 figures.
    ASSERT_EQ(plots.size(), 4U);
    EXPECT_EQ(plots[0].script, out + "/plots/final_accuracy-vs-distanceMax-network=p2p.gp");
    const std::string gp = test::ReadText(plots[0].script);
    EXPECT_NE(gp.find("title 'greedy'"), std::string::npos) << gp;
    EXPECT_NE(gp.find("title 'random'"), std::string::npos) << gp;
    EXPECT_NE(gp.find("with yerrorlines"), std::string::npos) << gp;
    // greedy at distance 10: 0.4 + {0.01, 0.02} -> mean 0.415, CI 12.706205*0.0070711/1.41421.
    EXPECT_NE(gp.find("10 0.415 0.0635310"), std::string::npos) << gp;
    std::vector<std::string> errors;
    if (RunGnuplot(plots, errors))
    {
        EXPECT_TRUE(errors.empty()) << errors.front();
        struct stat st;
        EXPECT_EQ(stat(plots[0].png.c_str(), &st), 0) << plots[0].png;
        EXPECT_GT(st.st_size, 1000);
    }
}
