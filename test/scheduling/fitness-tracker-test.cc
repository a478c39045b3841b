// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of FitnessTracker: hand-computed EMA and decay values, layout, errors.
 */

#include "fedmoe/scheduling/fitness-tracker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

using namespace fedmoe::scheduling;

namespace
{

FitnessParameters
HalfParameters()
{
    FitnessParameters parameters;
    parameters.smoothing = 0.5;
    parameters.decay = 0.1;
    parameters.prior = 0.5;
    parameters.lossWeight = 0.5;
    return parameters;
}

/** Expects fn to throw std::invalid_argument whose message contains every part. */
template<typename Fn>
void
ExpectInvalid(Fn fn, const std::string& part)
{
    try
    {
        fn();
        ADD_FAILURE() << "no exception; expected one mentioning " << part;
    }
    catch (const std::invalid_argument& error)
    {
        EXPECT_NE(std::string(error.what()).find(part), std::string::npos) << error.what();
    }
}

} // namespace

TEST(FitnessTracker, StartsAtThePrior)
{
    const FitnessTracker tracker(3, 4, HalfParameters());
    for (uint32_t c = 0; c < 3; ++c)
    {
        for (uint32_t e = 0; e < 4; ++e)
        {
            EXPECT_DOUBLE_EQ(tracker.Score(c, e), 0.5);
        }
    }
}

TEST(FitnessTracker, RewardMixesLossAndRoutingShare)
{
    const FitnessTracker tracker(1, 1, HalfParameters());
    // 0.5 / (1 + 1) + 0.5 * 0.6
    EXPECT_DOUBLE_EQ(tracker.Reward({1.0, 0.6}), 0.55);
    EXPECT_DOUBLE_EQ(tracker.Reward({0.0, 1.0}), 1.0);
    EXPECT_DOUBLE_EQ(tracker.Reward({3.0, 0.0}), 0.125);
}

TEST(FitnessTracker, RecordIsAnEmaOfTheReward)
{
    FitnessTracker tracker(2, 3, HalfParameters());
    tracker.Record(1, 2, {1.0, 0.6});
    EXPECT_DOUBLE_EQ(tracker.Score(1, 2), 0.525); // 0.5 * 0.5 + 0.5 * 0.55
    tracker.Record(1, 2, {0.0, 1.0});
    EXPECT_DOUBLE_EQ(tracker.Score(1, 2), 0.7625); // 0.5 * 0.525 + 0.5 * 1
    EXPECT_DOUBLE_EQ(tracker.Score(0, 2), 0.5);
    EXPECT_DOUBLE_EQ(tracker.Score(1, 1), 0.5);
}

TEST(FitnessTracker, UntrainedPairsDecayTowardsThePrior)
{
    FitnessTracker tracker(1, 2, HalfParameters());
    tracker.Record(0, 0, {1.0, 0.6});
    tracker.Record(0, 0, {0.0, 1.0});
    tracker.EndRound(); // trained this round: no decay
    EXPECT_DOUBLE_EQ(tracker.Score(0, 0), 0.7625);
    tracker.EndRound(); // 0.7625 + 0.1 (0.5 - 0.7625)
    EXPECT_NEAR(tracker.Score(0, 0), 0.73625, 1e-12);
    tracker.EndRound();
    EXPECT_NEAR(tracker.Score(0, 0), 0.712625, 1e-12);
    EXPECT_DOUBLE_EQ(tracker.Score(0, 1), 0.5); // at the prior: stays there
    for (int round = 0; round < 500; ++round)
    {
        tracker.EndRound();
    }
    EXPECT_NEAR(tracker.Score(0, 0), 0.5, 1e-9);
}

TEST(FitnessTracker, LowScoresDecayUpwards)
{
    FitnessTracker tracker(1, 1, HalfParameters());
    tracker.Record(0, 0, {3.0, 0.0}); // reward 0.125: 0.3125
    tracker.EndRound();
    tracker.EndRound(); // 0.3125 + 0.1 * 0.1875
    EXPECT_NEAR(tracker.Score(0, 0), 0.33125, 1e-12);
}

TEST(FitnessTracker, RowsFollowTheRequestedClients)
{
    FitnessTracker tracker(3, 2, HalfParameters());
    tracker.Record(2, 1, {0.0, 1.0}); // 0.75
    const auto rows = tracker.Rows({2, 0});
    ASSERT_EQ(rows.size(), 4U);
    EXPECT_DOUBLE_EQ(rows[0], 0.5);
    EXPECT_DOUBLE_EQ(rows[1], 0.75);
    EXPECT_DOUBLE_EQ(rows[2], 0.5);
    EXPECT_DOUBLE_EQ(rows[3], 0.5);
}

TEST(FitnessTracker, BadParametersAndFeedbackAreClearErrors)
{
    auto with = [](auto change)
    {
        FitnessParameters parameters;
        change(parameters);
        return parameters;
    };
    ExpectInvalid(
        [&]
        {
            FitnessTracker(1, 1,
                           with(
                               [](auto& p)
                               {
                                   p.smoothing = 0.0;
                               }));
        },
        "smoothing = 0 is invalid; must be in (0, 1]");
    ExpectInvalid(
        [&]
        {
            FitnessTracker(1, 1,
                           with(
                               [](auto& p)
                               {
                                   p.decay = -0.1;
                               }));
        },
        "decay = -0.1");
    ExpectInvalid(
        [&]
        {
            FitnessTracker(1, 1,
                           with(
                               [](auto& p)
                               {
                                   p.prior = NAN;
                               }));
        },
        "prior = nan");
    ExpectInvalid(
        [&]
        {
            FitnessTracker(1, 1,
                           with(
                               [](auto& p)
                               {
                                   p.lossWeight = 2.0;
                               }));
        },
        "lossWeight = 2");
    ExpectInvalid(
        []
        {
            FitnessTracker(1, 0);
        },
        "numExperts");
    FitnessTracker tracker(1, 1);
    ExpectInvalid(
        [&]
        {
            tracker.Record(0, 0, {NAN, 0.5});
        },
        "feedback.loss = nan");
    ExpectInvalid(
        [&]
        {
            tracker.Record(0, 0, {0.1, 1.5});
        },
        "feedback.routingShare = 1.5");
    EXPECT_THROW(tracker.Record(1, 0, {0.1, 0.5}), std::out_of_range);
    EXPECT_THROW(tracker.Score(0, 1), std::out_of_range);
}

TEST(FitnessTracker, CountsTheRoundsEachPairWasTrained)
{
    FitnessTracker t(2, 3);
    t.Record(0, 1, {0.5, 0.5});
    t.EndRound();
    t.Record(0, 1, {0.5, 0.5});
    t.Record(1, 2, {0.5, 0.5});
    t.EndRound();
    t.EndRound();
    EXPECT_EQ(t.TrainedRounds(0, 1), 2u);
    EXPECT_EQ(t.TrainedRounds(1, 2), 1u);
    EXPECT_EQ(t.TrainedRounds(0, 0), 0u);
}
