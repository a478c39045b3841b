// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRunSummary's figures computed by hand: the smoothed time to target
 * (mean of the last three evaluations) and Jain's index of participation.
 */

#include "ns3/fedmoe-run-summary.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace ns3;

namespace
{

FedMoeRoundRecord
Round(uint32_t round, double timeS, double accuracy)
{
    FedMoeRoundRecord r;
    r.round = round;
    r.simTimeS = timeS;
    r.testAccuracy = accuracy;
    return r;
}

} // namespace

TEST(FedMoeRunSummary, SmoothedTimeToTargetIsWhenTheLastThreeEvaluationsReachIt)
{
    const double nan = std::nan("");
    // One lucky round (0.7 at 20 s) does not count; round 3 is not evaluated.
    const std::vector<FedMoeRoundRecord> rounds{Round(1, 10, 0.5),  Round(2, 20, 0.7),
                                                Round(3, 30, nan),  Round(4, 40, 0.5),
                                                Round(5, 50, 0.62), Round(6, 60, 0.64)};
    // Windows of three: 40 s 0.5667, 50 s (0.7 + 0.5 + 0.62) / 3 = 0.6067, 60 s 0.5867.
    EXPECT_EQ(FedMoeSmoothedTimeToTarget(rounds, 0.6, 3), 50.0);
    EXPECT_EQ(FedMoeSmoothedTimeToTarget(rounds, 0.56, 3), 40.0);
    EXPECT_TRUE(std::isnan(FedMoeSmoothedTimeToTarget(rounds, 0.61, 3)));
    // One evaluation at a time: the lucky round counts.
    EXPECT_EQ(FedMoeSmoothedTimeToTarget(rounds, 0.7, 1), 20.0);
    // No target, no time.
    EXPECT_TRUE(std::isnan(FedMoeSmoothedTimeToTarget(rounds, 0.0, 3)));
}

TEST(FedMoeRunSummary, JainsIndexOfTheRoundsEachClientContributed)
{
    FedMoeClientScoreboard board;
    for (uint32_t c = 0; c < 3; ++c)
    {
        board.Announce(c, "t", fedmoe::scheduling::CapacityProfile());
    }
    board.Start(3, 2, fedmoe::scheduling::FitnessParameters(),
                fedmoe::scheduling::UsageParameters());
    EXPECT_TRUE(std::isnan(FedMoeJainParticipation(board))); // nothing used yet
    // Used rounds 2, 2 and 0 (client 2 dropped both): 4^2 / (3 x 8).
    for (uint32_t c = 0; c < 3; ++c)
    {
        board.CountAssigned(c);
        board.CountAssigned(c);
    }
    board.CountDropped(2);
    board.CountDropped(2);
    EXPECT_DOUBLE_EQ(FedMoeJainParticipation(board), 16.0 / 24.0);
}
