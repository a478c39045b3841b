// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of ChannelAwarePolicy: the deadline is never broken when a feasible
 * set exists, feasible clients take part, coverage, slow links penalised,
 * determinism.
 */

#include "fedmoe/scheduling/channel-aware-policy.h"
#include "fedmoe/scheduling/load-balanced-policy.h"
#include "scheduling-test-instances.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <stdexcept>

using namespace fedmoe::scheduling;
using namespace fedmoe::scheduling::test;

namespace
{

/** Round time of each participant's set, and of its cheapest single expert. */
struct Times
{
    std::vector<double> assigned; //!< per participant
    std::vector<double> cheapest; //!< fixed + cheapest expert, per participant
};

Times
RoundTimes(const AlignmentInput& input, const Assignment& assignment)
{
    const CapacityEstimator estimator(input.capacity);
    Times times;
    for (std::size_t i = 0; i < input.clients.size(); ++i)
    {
        const auto& client = input.clients[i];
        const ClientRates rates
            = estimator.Rates(client.profile, client.channel, client.samples, input.model);
        times.assigned.push_back(
            CapacityEstimator::RoundTime(rates, input.model, assignment.clients[i].experts));
        double cheapest = std::numeric_limits<double>::infinity();
        for (const auto& expert : input.model.experts)
        {
            cheapest = std::min(cheapest, CapacityEstimator::ExpertTime(rates, expert));
        }
        times.cheapest.push_back(rates.fixedS + cheapest);
    }
    return times;
}

} // namespace

TEST(ChannelAwarePolicy, NeverBreaksTheDeadlineWhenAFeasibleSetExists)
{
    std::mt19937_64 instances(31);
    std::size_t feasibleClients = 0;
    std::size_t infeasibleClients = 0;
    for (int n = 0; n < 200; ++n)
    {
        InstanceShape shape;
        shape.clients = 1 + instances() % 40;
        shape.experts = 1 + instances() % 16;
        shape.maxCapacity = 1 + instances() % 6;
        shape.heterogeneousExperts = n % 2 == 1;
        shape.deadlineS = Uniform(instances, 0.5, 8.0);
        AlignmentInput input = RandomInstance(instances, shape);
        input.clients[0].profile.memoryMb = 100.0;
        ChannelAwareParameters parameters;
        parameters.latencyWeight = Uniform(instances, 0.0, 2.0);
        std::mt19937_64 rng(n);
        const Assignment assignment = ChannelAwarePolicy(parameters).Assign(input, rng);
        ExpectWithinCapacity(input, assignment, true);
        const std::vector<uint32_t> caps = input.Capacities("test");
        const Times times = RoundTimes(input, assignment);
        for (std::size_t i = 0; i < input.clients.size(); ++i)
        {
            const bool feasible = caps[i] > 0 && times.cheapest[i] <= shape.deadlineS * 0.999;
            if (!assignment.clients[i].experts.empty())
            {
                EXPECT_LE(times.assigned[i], shape.deadlineS) << "instance " << n;
            }
            if (feasible)
            {
                EXPECT_FALSE(assignment.clients[i].experts.empty()) << "instance " << n;
                ++feasibleClients;
            }
            else
            {
                ++infeasibleClients;
            }
        }
    }
    // The instances exercise both sides of the deadline.
    EXPECT_GT(feasibleClients, 500U);
    EXPECT_GT(infeasibleClients, 500U);
}

TEST(ChannelAwarePolicy, LoadBalancedAloneBreaksTheseDeadlines)
{
    // The same instances without the channel: the check above is not vacuous.
    std::mt19937_64 instances(31);
    std::size_t late = 0;
    for (int n = 0; n < 50; ++n)
    {
        InstanceShape shape;
        shape.clients = 1 + instances() % 40;
        shape.experts = 1 + instances() % 16;
        shape.maxCapacity = 1 + instances() % 6;
        shape.heterogeneousExperts = n % 2 == 1;
        shape.deadlineS = Uniform(instances, 0.5, 8.0);
        AlignmentInput input = RandomInstance(instances, shape);
        input.clients[0].profile.memoryMb = 100.0;
        instances();
        std::mt19937_64 rng(n);
        const Assignment assignment = LoadBalancedPolicy().Assign(input, rng);
        const Times times = RoundTimes(input, assignment);
        for (std::size_t i = 0; i < input.clients.size(); ++i)
        {
            late += times.assigned[i] > shape.deadlineS ? 1 : 0;
        }
    }
    EXPECT_GT(late, 100U);
}

TEST(ChannelAwarePolicy, EveryExpertGetsATrainerWhenCapacityAllows)
{
    std::mt19937_64 instances(32);
    int checked = 0;
    for (int n = 0; n < 200; ++n)
    {
        InstanceShape shape;
        shape.clients = 1 + instances() % 30;
        shape.experts = 1 + instances() % 24;
        shape.maxCapacity = 1 + instances() % 5;
        shape.deadlineS = 1e6; // binding for no one
        AlignmentInput input = RandomInstance(instances, shape);
        input.clients[0].profile.memoryMb = 100.0;
        if (TotalCapacity(input) < shape.experts)
        {
            continue;
        }
        ++checked;
        std::mt19937_64 rng(n);
        const auto counts = ChannelAwarePolicy().Assign(input, rng).TrainerCounts(shape.experts);
        EXPECT_EQ(std::count(counts.begin(), counts.end(), 0U), 0) << "instance " << n;
    }
    EXPECT_GT(checked, 60);
}

TEST(ChannelAwarePolicy, SlowLinksArePenalised)
{
    // Two equally fit clients compete for the one trainer slot of one expert.
    AlignmentInput input = OnePopularExpert(2, 1);
    input.fitness = {0.5, 0.5};
    input.constraints.maxTrainersPerExpert = 1;
    input.clients[0].profile.uplinkBps = 1e5; // slow uplink
    input.clients[1].profile.uplinkBps = 1e8;
    for (uint64_t seed = 0; seed < 20; ++seed)
    {
        std::mt19937_64 rng(seed);
        const Assignment assignment = ChannelAwarePolicy().Assign(input, rng);
        EXPECT_TRUE(assignment.clients[0].experts.empty());
        EXPECT_EQ(assignment.clients[1].experts, (std::vector<uint32_t>{0}));
    }
}

TEST(ChannelAwarePolicy, ClientsThatCannotMeetTheDeadlineSitOut)
{
    AlignmentInput input = OnePopularExpert(3, 4);
    // An expert costs ~0.97 s (1 MB down at 50 Mbit/s and up at 10 Mbit/s, 1e8 FLOPs
    // at 10 GFLOP/s) on top of 0.04 s of round trips: two fit in 3 s.
    input.constraints.deadlineS = 3.0;
    input.clients[1].profile.latencyS = 0.6; // two round trips: 2.4 s before any expert
    std::mt19937_64 rng(1);
    const Assignment assignment = ChannelAwarePolicy().Assign(input, rng);
    EXPECT_TRUE(assignment.clients[1].experts.empty());
    EXPECT_EQ(assignment.clients[0].experts.size(), 2U);
    EXPECT_EQ(assignment.clients[2].experts.size(), 2U);
}

TEST(ChannelAwarePolicy, SameSeedSameAssignment)
{
    std::mt19937_64 instances(33);
    InstanceShape shape;
    shape.clients = 40;
    shape.experts = 16;
    shape.deadlineS = 4.0;
    AlignmentInput input = RandomInstance(instances, shape);
    std::fill(input.fitness.begin(), input.fitness.end(), 0.5); // many ties
    std::fill(input.usage.begin(), input.usage.end(), 0.0);
    ExpectDeterministicPerSeed(ChannelAwarePolicy(), input);
}

TEST(ChannelAwarePolicy, BadWeightsAreClearErrors)
{
    ChannelAwareParameters parameters;
    parameters.latencyWeight = -0.1;
    try
    {
        ChannelAwarePolicy policy(parameters);
        ADD_FAILURE() << "no exception";
    }
    catch (const std::invalid_argument& error)
    {
        EXPECT_EQ(std::string(error.what()), "ChannelAwarePolicy: latencyWeight = -0.1 is "
                                             "invalid; must be a finite number >= 0");
    }
}
