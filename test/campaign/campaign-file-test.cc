// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of campaign files: what is accepted, ranges, and bad files rejected
 * with messages that name the key, the value and what is allowed.
 */

#include "campaign-file.h"
#include "campaign-test-util.h"

#include <gtest/gtest.h>

using namespace fedmoe::campaign;

namespace
{

Campaign
Parse(const std::string& text)
{
    return ParseCampaign(nlohmann::ordered_json::parse(text), "results/campaigns/test");
}

/// The CampaignError message of parsing \p text ("" when it parses).
std::string
ErrorOf(const std::string& text)
{
    try
    {
        Parse(text);
    }
    catch (const CampaignError& e)
    {
        return e.what();
    }
    return "";
}

} // namespace

TEST(CampaignFile, ReadsTheReadmeExample)
{
    const std::string dir = test::ScratchDir();
    test::WriteText(dir + "/channel-sweep.json", R"({
  "program": "fedmoe-edge",          // a program in build/bin
  "fixed": { "rounds": 10, "clients": 20 },
  "sweep": { "policy": ["random","greedy","load-balanced","channel-aware"],
             "distanceMax": [10, 30, 60],
             "network": ["wifi"] },
  /* seeds 1..3 */
  "seeds": 3 })");
    auto c = ReadCampaignFile(dir + "/channel-sweep.json");
    EXPECT_EQ(c.program, "fedmoe-edge");
    EXPECT_EQ(c.out, "results/campaigns/channel-sweep") << "default: results/campaigns/<stem>";
    ASSERT_EQ(c.fixed.size(), 2U);
    EXPECT_EQ(c.fixed[0].first, "rounds");
    ASSERT_EQ(c.sweep.size(), 3U);
    EXPECT_EQ(c.sweep[0].first, "policy") << "file order is kept";
    EXPECT_EQ(c.sweep[1].first, "distanceMax");
    EXPECT_EQ(c.sweep[1].second.size(), 3U);
    EXPECT_EQ(c.seeds, (std::vector<int64_t>{1, 2, 3}));
    EXPECT_EQ(c.FlagNames(), (std::vector<std::string>{"policy", "distanceMax", "network", "rounds",
                                                       "clients", "seed"}));
}

TEST(CampaignFile, OutAndSeedListAreTaken)
{
    auto c = Parse(R"({"program": "/bin/x", "out": "somewhere", "seeds": [5, 2]})");
    EXPECT_EQ(c.out, "somewhere");
    EXPECT_EQ(c.seeds, (std::vector<int64_t>{5, 2}));
    EXPECT_EQ(Parse(R"({"program": "p"})").seeds, (std::vector<int64_t>{1})) << "default 1 seed";
}

TEST(CampaignFile, IntegerRangeGivesIntegers)
{
    auto c = Parse(R"({"program": "p", "sweep": {"distanceMax": {"from": 10, "to": 60,
                                                                 "step": 25}}})");
    ASSERT_EQ(c.sweep[0].second.size(), 3U);
    EXPECT_EQ(c.sweep[0].second[0].dump(), "10");
    EXPECT_EQ(c.sweep[0].second[1].dump(), "35");
    EXPECT_EQ(c.sweep[0].second[2].dump(), "60");
}

TEST(CampaignFile, FractionalRangeIsRoundedAndIncludesTheEnd)
{
    auto c = Parse(R"({"program": "p", "sweep": {"errorRate": {"from": 0, "to": 0.3,
                                                               "step": 0.1}}})");
    ASSERT_EQ(c.sweep[0].second.size(), 4U);
    EXPECT_EQ(c.sweep[0].second[0].dump(), "0.0");
    EXPECT_EQ(c.sweep[0].second[1].dump(), "0.1");
    EXPECT_EQ(c.sweep[0].second[3].dump(), "0.3") << "not 0.30000000000000004";
}

TEST(CampaignFile, BadFilesAreRejectedWithClearErrors)
{
    struct Case
    {
        const char* text;
        const char* mustContain;
    };
    const Case cases[] = {
        {R"({"program": "p", "sweeps": {}})", "unknown key \"sweeps\" (allowed: program, out"},
        {R"({"sweep": {}})", "no \"program\""},
        {R"({"program": 3})", "program: 3 is not allowed"},
        {R"({"program": "p", "sweep": {"policy": []}})", "sweep.policy: the list is empty"},
        {R"({"program": "p", "sweep": {"policy": [["a"]]}})",
         "sweep.policy[0]: value [\"a\"] is not allowed (a string, a number or true/false)"},
        {R"({"program": "p", "sweep": {"policy": "greedy"}})",
         "sweep.policy: \"greedy\" is not allowed (a list of values, or a range"},
        {R"({"program": "p", "fixed": {"rounds": {"a": 1}}})", "fixed.rounds: value {\"a\":1}"},
        {R"({"program": "p", "fixed": {"rounds": null}})", "fixed.rounds: value null"},
        {R"({"program": "p", "fixed": [1]})", "fixed: [1] is not allowed"},
        {R"({"program": "p", "sweep": {"d": {"from": 10, "to": 5, "step": 1}}})",
         "sweep.d: \"to\" (5) is below \"from\" (10)"},
        {R"({"program": "p", "sweep": {"d": {"from": 1, "to": 5, "step": 0}}})",
         "sweep.d.step: 0 is not allowed (must be > 0)"},
        {R"({"program": "p", "sweep": {"d": {"from": 1, "to": 5}}})", "has no \"step\""},
        {R"({"program": "p", "sweep": {"d": {"from": 1, "to": 5, "step": 1, "by": 2}}})",
         "unknown range key \"by\" (allowed: from, to, step)"},
        {R"({"program": "p", "sweep": {"d": {"from": "a", "to": 5, "step": 1}}})",
         "sweep.d.from: \"a\" is not a number"},
        {R"({"program": "p", "sweep": {"d": {"from": 0, "to": 1e9, "step": 1}}})",
         "at most 10000 allowed"},
        {R"({"program": "p", "seeds": 0})", "seeds: 0 is not allowed"},
        {R"({"program": "p", "seeds": -2})", "seeds: -2 is not allowed"},
        {R"({"program": "p", "seeds": []})", "seeds: the list is empty"},
        {R"({"program": "p", "seeds": [1, 0]})",
         "seeds: 0 is not allowed (seeds are integers >= 1)"},
        {R"({"program": "p", "seeds": [1, 1]})", "seeds: 1 appears twice"},
        {R"({"program": "p", "seeds": "3"})", "seeds: \"3\" is not allowed"},
        {R"({"program": "p", "fixed": {"seed": 3}})", "\"seed\" is set by the runner"},
        {R"({"program": "p", "sweep": {"outDir": ["a"]}})", "\"outDir\" is set by the runner"},
        {R"({"program": "p", "fixed": {"rounds": 3}, "sweep": {"rounds": [1, 2]}})",
         "\"rounds\" is both fixed and swept"},
        {R"({"program": "p", "sweep": {"policy": ["greedy", "greedy"]}})",
         "the value \"greedy\" appears twice"},
        {R"({"program": "p", "fixed": {"bad name": 1}})", "flag name \"bad name\" is not allowed"},
        {R"([1, 2])", "the campaign must be a JSON object"},
    };
    for (const auto& c : cases)
    {
        const std::string error = ErrorOf(c.text);
        EXPECT_NE(error.find(c.mustContain), std::string::npos)
            << "campaign " << c.text << "\n  error: " << error << "\n  expected: " << c.mustContain;
    }
}

TEST(CampaignFile, UnreadableOrInvalidJsonNamesTheFile)
{
    const std::string dir = test::ScratchDir();
    try
    {
        ReadCampaignFile(dir + "/missing.json");
        FAIL() << "no error";
    }
    catch (const CampaignError& e)
    {
        EXPECT_NE(std::string(e.what()).find("missing.json: cannot read"), std::string::npos);
    }
    test::WriteText(dir + "/broken.json", R"({"program": "p",)");
    try
    {
        ReadCampaignFile(dir + "/broken.json");
        FAIL() << "no error";
    }
    catch (const CampaignError& e)
    {
        EXPECT_NE(std::string(e.what()).find("broken.json: not valid JSON"), std::string::npos)
            << e.what();
    }
    test::WriteText(dir + "/bad.json", R"({"program": "p", "seeds": 0})");
    try
    {
        ReadCampaignFile(dir + "/bad.json");
        FAIL() << "no error";
    }
    catch (const CampaignError& e)
    {
        EXPECT_NE(std::string(e.what()).find("bad.json: seeds: 0"), std::string::npos) << e.what();
    }
}
