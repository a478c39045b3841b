// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of ExpertUsageTracker: hand-computed EMA and load-balance figures.
 */

#include "fedmoe/scheduling/expert-usage-tracker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

using namespace fedmoe::scheduling;

TEST(ExpertUsageTracker, UsageIsAnEmaOfTheRoundLoad)
{
    UsageParameters parameters;
    parameters.smoothing = 0.25;
    ExpertUsageTracker tracker(3, parameters);
    tracker.AddLoad(0, 60.0);
    tracker.AddLoad(0, 40.0); // loads add up within a round
    tracker.AddLoad(2, 50.0);
    EXPECT_DOUBLE_EQ(tracker.RoundLoads()[0], 100.0);
    tracker.EndRound();
    EXPECT_DOUBLE_EQ(tracker.Usage(0), 25.0);
    EXPECT_DOUBLE_EQ(tracker.Usage(1), 0.0);
    EXPECT_DOUBLE_EQ(tracker.Usage(2), 12.5);
    EXPECT_DOUBLE_EQ(tracker.LastRoundLoads()[0], 100.0);
    EXPECT_DOUBLE_EQ(tracker.RoundLoads()[0], 0.0);
    tracker.AddLoad(1, 40.0);
    tracker.AddLoad(2, 50.0);
    tracker.EndRound();
    EXPECT_DOUBLE_EQ(tracker.Usage(0), 18.75);  // 0.75 * 25
    EXPECT_DOUBLE_EQ(tracker.Usage(1), 10.0);   // 0.25 * 40
    EXPECT_DOUBLE_EQ(tracker.Usage(2), 21.875); // 0.75 * 12.5 + 0.25 * 50
    EXPECT_EQ(tracker.Usages().size(), 3U);
}

TEST(ExpertUsageTracker, SmoothingOneKeepsOnlyTheLastRound)
{
    UsageParameters parameters;
    parameters.smoothing = 1.0;
    ExpertUsageTracker tracker(2, parameters);
    tracker.AddLoad(0, 7.0);
    tracker.EndRound();
    tracker.AddLoad(1, 3.0);
    tracker.EndRound();
    EXPECT_DOUBLE_EQ(tracker.Usage(0), 0.0);
    EXPECT_DOUBLE_EQ(tracker.Usage(1), 3.0);
}

TEST(ExpertUsageTracker, LoadBalanceFiguresByHand)
{
    const auto stats = ExpertUsageTracker::Stats({3.0, 1.0, 4.0, 2.0});
    EXPECT_DOUBLE_EQ(stats.mean, 2.5);
    EXPECT_DOUBLE_EQ(stats.min, 1.0);
    EXPECT_DOUBLE_EQ(stats.max, 4.0);
    EXPECT_NEAR(stats.coefficientOfVariation, std::sqrt(1.25) / 2.5, 1e-12);
    // (-3*1 - 1*2 + 1*3 + 3*4) / (4 * 10)
    EXPECT_NEAR(stats.gini, 0.25, 1e-12);

    const auto even = ExpertUsageTracker::Stats({5.0, 5.0, 5.0});
    EXPECT_DOUBLE_EQ(even.coefficientOfVariation, 0.0);
    EXPECT_DOUBLE_EQ(even.gini, 0.0);

    const auto one = ExpertUsageTracker::Stats({0.0, 0.0, 0.0, 8.0});
    EXPECT_NEAR(one.gini, 0.75, 1e-12); // (n - 1) / n when one expert takes everything
    EXPECT_NEAR(one.coefficientOfVariation, std::sqrt(3.0), 1e-12);

    const auto idle = ExpertUsageTracker::Stats({0.0, 0.0});
    EXPECT_DOUBLE_EQ(idle.mean, 0.0);
    EXPECT_DOUBLE_EQ(idle.coefficientOfVariation, 0.0);
    EXPECT_DOUBLE_EQ(idle.gini, 0.0);
}

TEST(ExpertUsageTracker, BadInputIsAClearError)
{
    UsageParameters parameters;
    parameters.smoothing = 1.5;
    try
    {
        ExpertUsageTracker tracker(2, parameters);
        ADD_FAILURE() << "no exception";
    }
    catch (const std::invalid_argument& error)
    {
        EXPECT_NE(std::string(error.what()).find("smoothing = 1.5 is invalid; must be in (0, 1]"),
                  std::string::npos)
            << error.what();
    }
    EXPECT_THROW(ExpertUsageTracker(0), std::invalid_argument);
    ExpertUsageTracker tracker(2);
    EXPECT_THROW(tracker.AddLoad(0, -1.0), std::invalid_argument);
    EXPECT_THROW(tracker.AddLoad(0, NAN), std::invalid_argument);
    EXPECT_THROW(tracker.AddLoad(2, 1.0), std::out_of_range);
    EXPECT_THROW(ExpertUsageTracker::Stats({}), std::invalid_argument);
    EXPECT_THROW(ExpertUsageTracker::Stats({1.0, NAN}), std::invalid_argument);
}
