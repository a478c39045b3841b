// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of RandomPolicy: capacity, uniformity, determinism per seed.
 */

#include "fedmoe/scheduling/random-policy.h"
#include "scheduling-test-instances.h"

#include <gtest/gtest.h>

using namespace fedmoe::scheduling;
using namespace fedmoe::scheduling::test;

TEST(RandomPolicy, FillsCapacityAndNeverExceedsItOverRandomInstances)
{
    std::mt19937_64 instances(11);
    const RandomPolicy policy;
    for (int n = 0; n < 200; ++n)
    {
        InstanceShape shape;
        shape.clients = 1 + instances() % 40;
        shape.experts = 1 + instances() % 20;
        shape.maxCapacity = 1 + instances() % 6;
        shape.heterogeneousExperts = n % 2 == 1;
        AlignmentInput input = RandomInstance(instances, shape);
        input.clients[0].profile.memoryMb = 100.0; // someone holds an expert
        std::mt19937_64 rng(n);
        const Assignment assignment = policy.Assign(input, rng);
        ExpectWithinCapacity(input, assignment, false);
        EXPECT_EQ(assignment.Pairs(), TotalCapacity(input));
    }
}

TEST(RandomPolicy, ExpertsAreDrawnUniformly)
{
    AlignmentInput input = OnePopularExpert(1, 4); // one client holding two of four
    const RandomPolicy policy;
    std::mt19937_64 rng(5);
    std::vector<int> counts(4, 0);
    const int draws = 20000;
    for (int n = 0; n < draws; ++n)
    {
        const Assignment assignment = policy.Assign(input, rng);
        for (uint32_t e : assignment.clients[0].experts)
        {
            counts[e] += 1;
        }
    }
    for (int count : counts)
    {
        // Each expert in half of the draws; 6 standard deviations (sqrt(20000/4)).
        EXPECT_NEAR(count, draws / 2, 6 * 71);
    }
}

TEST(RandomPolicy, SameSeedSameAssignment)
{
    std::mt19937_64 instances(2);
    InstanceShape shape;
    shape.clients = 30;
    shape.experts = 16;
    const AlignmentInput input = RandomInstance(instances, shape);
    const RandomPolicy policy;
    std::mt19937_64 a(77);
    std::mt19937_64 b(77);
    std::mt19937_64 c(78);
    const Assignment first = policy.Assign(input, a);
    EXPECT_TRUE(SameAssignment(first, policy.Assign(input, b)));
    EXPECT_FALSE(SameAssignment(first, policy.Assign(input, c)));
}
