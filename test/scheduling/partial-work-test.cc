// SPDX-License-Identifier: GPL-2.0-only
/*
 * Partial work: the share of its local work a slow client can do in the
 * deadline, by hand; the deadline-aware policies give it that share instead
 * of nothing, never below MinWorkFraction and never past the deadline.
 */

#include "fedmoe/scheduling/channel-aware-policy.h"
#include "fedmoe/scheduling/min-cost-flow-policy.h"
#include "fedmoe/scheduling/partial-work.h"
#include "scheduling-test-instances.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace fedmoe::scheduling;
using namespace fedmoe::scheduling::test;

namespace
{

/// One client, one expert: 1 s of latency, 1 s of transfers, 1 s of compute.
AlignmentInput
OneSecondEach(double deadlineS, double minWorkFraction)
{
    AlignmentInput input;
    input.model.experts.resize(1);
    input.model.experts[0].parameterBytes = 1e6;      // x 8 x (1/16e6 + 1/16e6) = 1 s
    input.model.experts[0].trainFlopsPerSample = 1e7; // x 100 samples / 1 GFLOP/s = 1 s
    ClientInfo client;
    client.id = 7;
    client.samples = 100;
    client.profile.computeGflops = 1.0;
    client.profile.uplinkBps = 16e6;
    client.profile.downlinkBps = 16e6;
    client.profile.latencyS = 0.25; // 2 RTTs of 0.5 s
    client.profile.memoryMb = 100;
    input.clients = {client};
    input.fitness = {0.5};
    input.usage = {0.0};
    input.constraints.deadlineS = deadlineS;
    input.constraints.minWorkFraction = minWorkFraction;
    return input;
}

/// Round time of each participant for its set at its share of the work.
std::vector<double>
FittedTimes(const AlignmentInput& input, const Assignment& assignment)
{
    const CapacityEstimator estimator(input.capacity);
    std::vector<double> times;
    for (std::size_t i = 0; i < input.clients.size(); ++i)
    {
        const ClientInfo& c = input.clients[i];
        const ClientRates rates = estimator.Rates(
            c.profile, c.channel, c.samples * assignment.clients[i].workFraction, input.model);
        times.push_back(
            CapacityEstimator::RoundTime(rates, input.model, assignment.clients[i].experts));
    }
    return times;
}

} // namespace

TEST(PartialWork, TheFittingShareByHand)
{
    const AlignmentInput input = OneSecondEach(2.5, 0.25);
    const ClientInfo& c = input.clients[0];
    const ClientRates rates
        = CapacityEstimator().Rates(c.profile, c.channel, c.samples, input.model);
    ASSERT_NEAR(CapacityEstimator::RoundTime(rates, input.model, {0}), 3.0, 1e-12);
    // Latency and transfers stay (2 s), compute scales: (2.5 - 2) / 1.
    EXPECT_NEAR(FittingWorkFraction(rates, input.model, 0, 2.5), 0.5, 1e-12);
    EXPECT_EQ(FittingWorkFraction(rates, input.model, 0, 1.9), 0.0);
    EXPECT_EQ(FittingWorkFraction(rates, input.model, 0, 3.0), 1.0);

    const PartialWork work = FitPartialWork(input, {1});
    EXPECT_NEAR(work.fractions[0], 0.5, 1e-5);
    EXPECT_NEAR(work.input.clients[0].samples, 50.0, 1e-3);
    // Below the least share allowed: left alone (the policy then leaves it out).
    const PartialWork none = FitPartialWork(OneSecondEach(2.1, 0.25), {1});
    EXPECT_EQ(none.fractions[0], 1.0);
    EXPECT_EQ(none.input.clients[0].samples, 100.0);
    // Whole work only, or a full round that fits: nothing changes.
    EXPECT_EQ(FitPartialWork(OneSecondEach(2.5, 1.0), {1}).fractions[0], 1.0);
    EXPECT_EQ(FitPartialWork(OneSecondEach(3.5, 0.25), {1}).fractions[0], 1.0);
}

TEST(PartialWork, ChannelAwareGivesASlowClientHalfItsWorkInsteadOfNothing)
{
    std::mt19937_64 rng(1);
    const Assignment whole = ChannelAwarePolicy().Assign(OneSecondEach(2.5, 1.0), rng);
    EXPECT_TRUE(whole.clients[0].experts.empty());
    const AlignmentInput input = OneSecondEach(2.5, 0.25);
    const Assignment partial = ChannelAwarePolicy().Assign(input, rng);
    EXPECT_EQ(partial.clients[0].experts, (std::vector<uint32_t>{0}));
    EXPECT_NEAR(partial.clients[0].workFraction, 0.5, 1e-5);
    EXPECT_EQ(partial.PartialClients(), 1u);
    EXPECT_LE(FittedTimes(input, partial)[0], 2.5);
}

TEST(PartialWork, NeverPastTheDeadlineNorBelowTheLeastShare)
{
    std::mt19937_64 instances(5);
    std::size_t rescued = 0;
    for (int n = 0; n < 120; ++n)
    {
        InstanceShape shape;
        shape.clients = 2 + instances() % 30;
        shape.experts = 1 + instances() % 8;
        shape.maxCapacity = 1 + instances() % 4;
        shape.heterogeneousExperts = n % 2 == 1;
        shape.deadlineS = Uniform(instances, 1.0, 20.0);
        AlignmentInput input = RandomInstance(instances, shape);
        input.clients[0].profile.memoryMb = 1e4; // at least one can hold an expert
        for (auto& expert : input.model.experts)
        {
            expert.trainFlopsPerSample *= 50; // compute that binds
        }
        input.constraints.minWorkFraction = Uniform(instances, 0.1, 0.9);
        AlignmentInput wholeOnly = input;
        wholeOnly.constraints.minWorkFraction = 1.0;
        std::mt19937_64 a(n);
        std::mt19937_64 b(n);
        std::mt19937_64 c(n);
        const Assignment whole = ChannelAwarePolicy().Assign(wholeOnly, a);
        for (const Assignment& assignment :
             {ChannelAwarePolicy().Assign(input, b), MinCostFlowPolicy().Assign(input, c)})
        {
            const std::vector<double> times = FittedTimes(input, assignment);
            for (std::size_t i = 0; i < input.clients.size(); ++i)
            {
                const ClientAssignment& ca = assignment.clients[i];
                EXPECT_LE(ca.workFraction, 1.0);
                if (ca.experts.empty())
                {
                    EXPECT_EQ(ca.workFraction, 1.0);
                    continue;
                }
                EXPECT_GE(ca.workFraction, input.constraints.minWorkFraction) << "instance " << n;
                EXPECT_LE(times[i], shape.deadlineS) << "instance " << n << " client " << i;
            }
        }
        const Assignment partial = ChannelAwarePolicy().Assign(input, a);
        for (std::size_t i = 0; i < input.clients.size(); ++i)
        {
            rescued += whole.clients[i].experts.empty() && !partial.clients[i].experts.empty();
        }
    }
    // The point of it: clients that whole work would leave out take part.
    EXPECT_GT(rescued, 20u);
}
