// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of LoadBalancedPolicy: capacity and trainer limits, coverage, spreading
 * a popular expert, projected usage, determinism, parameter errors.
 */

#include "fedmoe/scheduling/expert-usage-tracker.h"
#include "fedmoe/scheduling/greedy-policy.h"
#include "fedmoe/scheduling/load-balanced-policy.h"
#include "scheduling-test-instances.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

using namespace fedmoe::scheduling;
using namespace fedmoe::scheduling::test;

TEST(LoadBalancedPolicy, RespectsCapacityAndTrainerLimitsOverRandomInstances)
{
    std::mt19937_64 instances(21);
    for (int n = 0; n < 200; ++n)
    {
        InstanceShape shape;
        shape.clients = 1 + instances() % 40;
        shape.experts = 1 + instances() % 20;
        shape.maxCapacity = 1 + instances() % 6;
        AlignmentInput input = RandomInstance(instances, shape);
        input.clients[0].profile.memoryMb = 100.0;
        input.constraints.minTrainersPerExpert = instances() % 3;
        input.constraints.maxTrainersPerExpert
            = n % 2 == 0 ? 0 : input.constraints.minTrainersPerExpert + 1 + instances() % 4;
        LoadBalancedParameters parameters;
        parameters.usageWeight = Uniform(instances, 0.0, 3.0);
        std::mt19937_64 rng(n);
        const Assignment assignment = LoadBalancedPolicy(parameters).Assign(input, rng);
        ExpectWithinCapacity(input, assignment, true);
        if (input.constraints.maxTrainersPerExpert == 0)
        {
            EXPECT_EQ(assignment.Pairs(), TotalCapacity(input)); // clients use their capacity
        }
    }
}

TEST(LoadBalancedPolicy, EveryExpertGetsATrainerWhenCapacityAllows)
{
    std::mt19937_64 instances(22);
    int checked = 0;
    for (int n = 0; n < 300; ++n)
    {
        InstanceShape shape;
        shape.clients = 1 + instances() % 30;
        shape.experts = 1 + instances() % 24;
        shape.maxCapacity = 1 + instances() % 5;
        AlignmentInput input = RandomInstance(instances, shape);
        input.clients[0].profile.memoryMb = 100.0;
        if (TotalCapacity(input) < shape.experts)
        {
            continue;
        }
        ++checked;
        LoadBalancedParameters parameters;
        parameters.usageWeight = n % 3 == 0 ? 0.0 : 0.5; // even with no usage term
        std::mt19937_64 rng(n);
        const auto counts
            = LoadBalancedPolicy(parameters).Assign(input, rng).TrainerCounts(shape.experts);
        for (uint32_t e = 0; e < shape.experts; ++e)
        {
            EXPECT_GE(counts[e], 1U) << "instance " << n << ", expert " << e;
        }
    }
    EXPECT_GT(checked, 100);
}

TEST(LoadBalancedPolicy, SpreadsTheTrainersOfAPopularExpert)
{
    const AlignmentInput input = OnePopularExpert(50, 10);
    std::mt19937_64 rng(4);
    const auto greedy = GreedyPolicy().Assign(input, rng).TrainerCounts(10);
    const auto balanced = LoadBalancedPolicy().Assign(input, rng).TrainerCounts(10);
    // Expert 0 stays preferred (it is fitter) but far from everyone's choice:
    // usage is normalised by the round's mean projected load (100 pairs x 100
    // samples / 10 experts), so with usageWeight 0.5 each trainer costs an expert
    // 0.05 and expert 0 leads by about (0.9 - 0.3) / 0.05 = 12 trainers:
    // ~21 of the 100 pairs, ~8.8 for each other expert.
    EXPECT_EQ(greedy[0], 50U);
    EXPECT_GE(balanced[0], 19U);
    EXPECT_LE(balanced[0], 23U);
    for (uint32_t e = 1; e < 10; ++e)
    {
        EXPECT_GE(balanced[e], 7U);
        EXPECT_LE(balanced[e], 11U);
    }
    std::vector<double> g(greedy.begin(), greedy.end());
    std::vector<double> b(balanced.begin(), balanced.end());
    EXPECT_LT(ExpertUsageTracker::Stats(b).coefficientOfVariation,
              ExpertUsageTracker::Stats(g).coefficientOfVariation / 2);
}

TEST(LoadBalancedPolicy, ProjectedUsageStopsClientsPilingOntoTheLeastUsedExpert)
{
    AlignmentInput input = OnePopularExpert(40, 8);
    std::fill(input.fitness.begin(), input.fitness.end(), 0.5);
    input.usage.assign(8, 400.0);
    input.usage[3] = 0.0; // the least used
    input.constraints.minTrainersPerExpert = 0;
    LoadBalancedParameters pastOnly;
    pastOnly.projectionWeight = 0.0;
    std::mt19937_64 rng(8);
    EXPECT_EQ(LoadBalancedPolicy(pastOnly).Assign(input, rng).TrainerCounts(8)[3], 40U);
    const auto projected = LoadBalancedPolicy().Assign(input, rng).TrainerCounts(8);
    // 80 pairs; expert 3 catches up with the others' 400 past samples (4 trainers)
    // and then shares evenly: about (80 + 28) / 8 = 13.5.
    EXPECT_GE(projected[3], 12U);
    EXPECT_LE(projected[3], 15U);
}

TEST(LoadBalancedPolicy, SameSeedSameAssignment)
{
    std::mt19937_64 instances(23);
    InstanceShape shape;
    shape.clients = 40;
    shape.experts = 16;
    AlignmentInput input = RandomInstance(instances, shape);
    std::fill(input.fitness.begin(), input.fitness.end(), 0.5); // many ties
    std::fill(input.usage.begin(), input.usage.end(), 0.0);
    ExpectDeterministicPerSeed(LoadBalancedPolicy(), input);
}

TEST(LoadBalancedPolicy, BadWeightsAreClearErrors)
{
    LoadBalancedParameters parameters;
    parameters.usageWeight = -1.0;
    try
    {
        LoadBalancedPolicy policy(parameters);
        ADD_FAILURE() << "no exception";
    }
    catch (const std::invalid_argument& error)
    {
        EXPECT_EQ(std::string(error.what()),
                  "LoadBalancedPolicy: usageWeight = -1 is invalid; must be a finite number >= 0");
    }
    parameters = {};
    parameters.fitnessWeight = NAN;
    EXPECT_THROW(LoadBalancedPolicy{parameters}, std::invalid_argument);
    parameters = {};
    parameters.projectionWeight = INFINITY;
    EXPECT_THROW(LoadBalancedPolicy{parameters}, std::invalid_argument);
    LoadBalancedPolicy policy;
    parameters = {};
    parameters.usageWeight = -0.5;
    EXPECT_THROW(policy.SetParameters(parameters), std::invalid_argument);
    EXPECT_DOUBLE_EQ(policy.GetParameters().usageWeight, 0.5); // unchanged
}
