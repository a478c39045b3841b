// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of GreedyPolicy: top fitness, reproducible ties, concentration on a
 * popular expert.
 */

#include "fedmoe/scheduling/expert-usage-tracker.h"
#include "fedmoe/scheduling/greedy-policy.h"
#include "scheduling-test-instances.h"

#include <gtest/gtest.h>

using namespace fedmoe::scheduling;
using namespace fedmoe::scheduling::test;

TEST(GreedyPolicy, TakesTheFittestExpertsUpToCapacity)
{
    AlignmentInput input = OnePopularExpert(2, 5);
    input.fitness = {0.1, 0.7, 0.3, 0.9, 0.2, //
                     0.8, 0.1, 0.6, 0.2, 0.5};
    input.usage = {0, 1e9, 0, 1e9, 0}; // greedy ignores usage
    std::mt19937_64 rng(1);
    const Assignment assignment = GreedyPolicy().Assign(input, rng);
    EXPECT_EQ(assignment.clients[0].experts, (std::vector<uint32_t>{1, 3}));
    EXPECT_EQ(assignment.clients[1].experts, (std::vector<uint32_t>{0, 2}));
}

TEST(GreedyPolicy, NeverExceedsCapacityOverRandomInstances)
{
    std::mt19937_64 instances(12);
    const GreedyPolicy policy;
    for (int n = 0; n < 200; ++n)
    {
        InstanceShape shape;
        shape.clients = 1 + instances() % 40;
        shape.experts = 1 + instances() % 20;
        shape.maxCapacity = 1 + instances() % 6;
        AlignmentInput input = RandomInstance(instances, shape);
        input.clients[0].profile.memoryMb = 100.0;
        std::mt19937_64 rng(n);
        const Assignment assignment = policy.Assign(input, rng);
        ExpectWithinCapacity(input, assignment, false);
        EXPECT_EQ(assignment.Pairs(), TotalCapacity(input));
    }
}

TEST(GreedyPolicy, TiesAreBrokenReproduciblyFromTheSeed)
{
    AlignmentInput input = OnePopularExpert(20, 8);
    std::fill(input.fitness.begin(), input.fitness.end(), 0.5); // all tied
    const GreedyPolicy policy;
    std::mt19937_64 a(9);
    std::mt19937_64 b(9);
    const Assignment first = policy.Assign(input, a);
    EXPECT_TRUE(SameAssignment(first, policy.Assign(input, b)));
    int differing = 0;
    for (uint64_t seed = 10; seed < 20; ++seed)
    {
        std::mt19937_64 other(seed);
        differing += SameAssignment(first, policy.Assign(input, other)) ? 0 : 1;
    }
    EXPECT_GE(differing, 9);
    // Ties spread over the experts rather than always going to the lowest ids.
    const auto counts = first.TrainerCounts(8);
    EXPECT_GT(*std::min_element(counts.begin(), counts.end()), 0U);
}

TEST(GreedyPolicy, ConcentratesOnThePopularExpert)
{
    const AlignmentInput input = OnePopularExpert(50, 10);
    std::mt19937_64 rng(4);
    const auto counts = GreedyPolicy().Assign(input, rng).TrainerCounts(10);
    EXPECT_EQ(counts[0], 50U); // every client trains it
    std::vector<double> loads(counts.begin(), counts.end());
    EXPECT_GT(ExpertUsageTracker::Stats(loads).coefficientOfVariation, 1.0);
}
