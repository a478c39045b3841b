// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-strategy-comparison end to end on a small synthetic setting: one
 * comparison.csv row per policy x seed x variant (with and without the
 * gate-alignment term), each run's records, the plots when gnuplot is
 * installed; a bad policy list stops it before anything is written.
 */

#include "run-program.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace
{

std::vector<std::string>
Lines(const fs::path& path)
{
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);)
    {
        lines.push_back(line);
    }
    return lines;
}

} // namespace

TEST(FedMoeStrategyComparison, WritesOneRowPerRunAndThePlots)
{
    const fs::path out = fs::temp_directory_path() / "fedmoe-strategy-comparison-test";
    fs::remove_all(out);
    const auto r = fedmoe_test::RunProgram(
        "fedmoe-strategy-comparison",
        "--outDir=" + out.string()
            + " --dataset=synthetic --network=p2p --clients=4 --experts=4 --rounds=2 --seeds=2"
              " --policies=random,load-balanced --evalSamples=200");
    ASSERT_EQ(r.exitCode, 0) << r.output;
    const auto rows = Lines(out / "comparison.csv");
    // header + policies x seeds x variants + the three baselines x seeds
    ASSERT_EQ(rows.size(), 1u + 2u * 2u * 2u + 3u * 2u) << r.output;
    EXPECT_EQ(rows[0].rfind("policy,variant,seed,final_accuracy,", 0), 0u);
    for (size_t i = 1; i < rows.size(); ++i)
    {
        EXPECT_NE(rows[i].find(",ok"), std::string::npos) << rows[i];
    }
    EXPECT_NE(rows[1].find("random,align,1,"), std::string::npos);
    EXPECT_NE(rows.back().find("load-balanced,no-align,2,"), std::string::npos);
    EXPECT_NE(rows[10].find("moe-all-experts,align,2,"), std::string::npos); // before no-align
    // The baselines' models. Synthetic data: 32 features, 10 classes; 4 experts
    // of width 4, top-2, 2 per client. Same compute: one expert of width 2 x 4.
    // Same bytes: gate (32 x 4 + 4) + 2 experts (43 x 4 + 10 each) = 496
    // parameters = a dense expert of width 496 / (182 / 4) = 10.9 -> 11.
    auto model = [&](const std::string& run)
    {
        const auto summary = Lines(out / ("runs/" + run + "-align/seed-1/summary.json"));
        std::string text;
        for (const auto& line : summary)
        {
            text += line;
        }
        return text;
    };
    EXPECT_NE(model("dense-compute").find("\"hidden\": 8,"), std::string::npos);
    EXPECT_NE(model("dense-compute").find("\"experts\": 1,"), std::string::npos);
    EXPECT_NE(model("dense-bytes").find("\"hidden\": 11,"), std::string::npos);
    EXPECT_EQ(Lines(out / "runs/moe-all-experts-align/seed-1/assignments.csv").size(),
              1u + 2u * 4u * 4u); // every client trains all 4 experts in both rounds
    EXPECT_TRUE(fs::exists(out / "runs/load-balanced-no-align/seed-2/rounds.csv"));
    EXPECT_EQ(Lines(out / "runs/random-align/seed-1/rounds.csv").size(), 3u); // header + 2 rounds
    EXPECT_NE(r.output.find("load-balanced   no-align"), std::string::npos) << r.output;
    if (std::system("command -v gnuplot >/dev/null 2>&1") == 0)
    {
        EXPECT_TRUE(fs::exists(out / "plots/accuracy-vs-round.png"));
        EXPECT_TRUE(fs::exists(out / "plots/assignments-load-balanced.png"));
    }
    fs::remove_all(out);
}

TEST(FedMoeStrategyComparison, BadPolicyListStopsBeforeAnythingIsWritten)
{
    const fs::path out = fs::temp_directory_path() / "fedmoe-strategy-comparison-bad";
    fs::remove_all(out);
    const auto r
        = fedmoe_test::RunProgram("fedmoe-strategy-comparison",
                                  "--outDir=" + out.string() + " --policies=random,fastest-first");
    EXPECT_EQ(r.exitCode, 2) << r.output;
    EXPECT_NE(r.output.find("'fastest-first' is unknown; allowed: random"), std::string::npos)
        << r.output;
    EXPECT_FALSE(fs::exists(out));
}
