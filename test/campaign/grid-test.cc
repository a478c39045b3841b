// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the grid: run counts, order, stable run ids, command lines.
 */

#include "campaign-file.h"
#include "grid.h"

#include <gtest/gtest.h>

#include <set>

using namespace fedmoe::campaign;

namespace
{

Campaign
Parse(const std::string& text)
{
    return ParseCampaign(nlohmann::ordered_json::parse(text), "results/campaigns/test");
}

const char* const kChannelSweep = R"({
  "program": "fedmoe-edge",
  "fixed": {"rounds": 10, "clients": 20},
  "sweep": {"policy": ["random", "greedy", "load-balanced", "channel-aware"],
            "distanceMax": [10, 30, 60],
            "network": ["wifi"]},
  "seeds": 3
})";

} // namespace

TEST(Grid, CountIsTheProductOfTheListsTimesTheSeeds)
{
    auto c = Parse(kChannelSweep);
    EXPECT_EQ(c.RunCount(), 4U * 3U * 1U * 3U);
    auto runs = ExpandGrid(c);
    ASSERT_EQ(runs.size(), 36U);
    std::set<std::string> ids;
    for (const auto& r : runs)
    {
        ids.insert(r.id);
        EXPECT_EQ(r.id.size(), 12U);
        EXPECT_EQ(r.params["rounds"], 10);
        EXPECT_EQ(r.params["clients"], 20);
    }
    EXPECT_EQ(ids.size(), 36U) << "run ids are unique";
}

TEST(Grid, FirstKeyVariesSlowestSeedFastest)
{
    auto runs = ExpandGrid(Parse(kChannelSweep));
    EXPECT_EQ(runs[0].params["policy"], "random");
    EXPECT_EQ(runs[0].params["distanceMax"], 10);
    EXPECT_EQ(runs[0].params["seed"], 1);
    EXPECT_EQ(runs[1].params["seed"], 2);
    EXPECT_EQ(runs[2].params["seed"], 3);
    EXPECT_EQ(runs[3].params["distanceMax"], 30);
    EXPECT_EQ(runs[3].params["seed"], 1);
    EXPECT_EQ(runs[9].params["policy"], "greedy");
    EXPECT_EQ(runs[35].params["policy"], "channel-aware");
    EXPECT_EQ(runs[35].params["distanceMax"], 60);
}

TEST(Grid, NoSweepGivesOneRunPerSeed)
{
    auto runs = ExpandGrid(Parse(R"({"program": "p", "seeds": [4, 7]})"));
    ASSERT_EQ(runs.size(), 2U);
    EXPECT_EQ(runs[0].params, nlohmann::json({{"seed", 4}}));
    EXPECT_EQ(runs[1].params, nlohmann::json({{"seed", 7}}));
}

TEST(Grid, RunIdIsAStableHashOfTheParameters)
{
    // FNV-1a 64 of the canonical JSON; the expected values pin the format so
    // that run folders keep their names across versions and machines (checked
    // against an independent FNV-1a in Python).
    EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
    EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
    nlohmann::json params = {{"policy", "greedy"}, {"distanceMax", 30}, {"seed", 2}};
    EXPECT_EQ(params.dump(), R"({"distanceMax":30,"policy":"greedy","seed":2})");
    EXPECT_EQ(RunId(params), "166ff7b885e3");
}

TEST(Grid, RunIdDoesNotDependOnKeyOrder)
{
    auto a = Parse(R"({"program": "p", "fixed": {"rounds": 5, "clients": 3},
                       "sweep": {"policy": ["greedy"], "distanceMax": [30]}, "seeds": [2]})");
    auto b = Parse(R"({"seeds": [2], "sweep": {"distanceMax": [30], "policy": ["greedy"]},
                       "fixed": {"clients": 3, "rounds": 5}, "program": "p"})");
    auto ra = ExpandGrid(a);
    auto rb = ExpandGrid(b);
    ASSERT_EQ(ra.size(), 1U);
    ASSERT_EQ(rb.size(), 1U);
    EXPECT_EQ(ra[0].id, rb[0].id);
    // ... but a different value (or type: 30 vs 30.0) is a different run.
    auto c = Parse(R"({"program": "p", "fixed": {"rounds": 5, "clients": 3},
                       "sweep": {"policy": ["greedy"], "distanceMax": [30.0]}, "seeds": [2]})");
    EXPECT_NE(ExpandGrid(c)[0].id, ra[0].id);
}

TEST(Grid, CommandPassesEveryFlagThenSeedAndOutDir)
{
    auto runs = ExpandGrid(Parse(R"({"program": "p", "fixed": {"pcap": true, "errorRate": 0.001},
                                     "sweep": {"policy": ["load-balanced"]}, "seeds": 1})"));
    auto argv = RunCommand(runs[0], "/bin/prog", "/out/runs/" + runs[0].id);
    std::vector<std::string> expected = {"/bin/prog",   "--errorRate=0.001",
                                         "--pcap=true", "--policy=load-balanced",
                                         "--seed=1",    "--outDir=/out/runs/" + runs[0].id};
    EXPECT_EQ(argv, expected);
}
