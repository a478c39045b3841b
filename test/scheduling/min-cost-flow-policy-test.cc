// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of MinCostFlowPolicy: never worse than the sequential policies on the
 * same objective and constraints, exact on a hand-made instance, capacity,
 * trainer limits, coverage, deadline, determinism, errors.
 */

#include "fedmoe/scheduling/channel-aware-policy.h"
#include "fedmoe/scheduling/desirability-model.h"
#include "fedmoe/scheduling/load-balanced-policy.h"
#include "fedmoe/scheduling/min-cost-flow-policy.h"
#include "scheduling-test-instances.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

using namespace fedmoe::scheduling;
using namespace fedmoe::scheduling::test;

namespace
{

/** A random instance with random trainer limits. */
AlignmentInput
ConstrainedInstance(std::mt19937_64& instances, bool heterogeneous, double deadlineS)
{
    InstanceShape shape;
    shape.clients = 1 + instances() % 30;
    shape.experts = 1 + instances() % 12;
    shape.maxCapacity = 1 + instances() % 5;
    shape.heterogeneousExperts = heterogeneous;
    shape.deadlineS = deadlineS;
    AlignmentInput input = RandomInstance(instances, shape);
    input.clients[0].profile.memoryMb = 100.0;
    input.constraints.minTrainersPerExpert = instances() % 3;
    const bool limited = instances() % 2 == 0;
    input.constraints.maxTrainersPerExpert
        = limited ? input.constraints.minTrainersPerExpert + 1 + instances() % 4 : 0;
    return input;
}

/** Load-balanced weights as min-cost-flow parameters. */
MinCostFlowParameters
LoadBalancedObjective(double usageWeight, bool exact)
{
    MinCostFlowParameters parameters;
    parameters.usageWeight = usageWeight;
    parameters.latencyWeight = 0.0;
    parameters.enforceDeadline = false;
    if (exact)
    {
        parameters.candidateSlack = 0;
        parameters.slotSlack = 0;
    }
    else
    {
        parameters.exactUpToPairs = 0; // the restricted graph even on small instances
    }
    return parameters;
}

ObjectiveValue
Evaluate(const AlignmentInput& input, const DesirabilityWeights& weights,
         const Assignment& assignment)
{
    const DesirabilityModel model(input, input.Capacities("test"), weights);
    return model.Evaluate(assignment);
}

} // namespace

TEST(MinCostFlowPolicy, ExactOptimumIsNeverWorseThanLoadBalanced)
{
    std::mt19937_64 instances(41);
    for (int n = 0; n < 150; ++n)
    {
        const AlignmentInput input = ConstrainedInstance(instances, false, 0.0);
        LoadBalancedParameters balanced;
        balanced.usageWeight = Uniform(instances, 0.0, 2.0);
        const MinCostFlowParameters flow = LoadBalancedObjective(balanced.usageWeight, true);
        std::mt19937_64 rng(n);
        const Assignment sequential = LoadBalancedPolicy(balanced).Assign(input, rng);
        const Assignment global = MinCostFlowPolicy(flow).Assign(input, rng);
        ExpectWithinCapacity(input, global, true);
        const ObjectiveValue a = Evaluate(input, flow.Weights(), global);
        const ObjectiveValue b = Evaluate(input, flow.Weights(), sequential);
        EXPECT_TRUE(a.AtLeast(b, 1e-5 * (1 + a.pairs)))
            << "instance " << n << ": min-cost-flow (" << a.pairs << ", " << a.coveredDemand << ", "
            << a.value << ") vs load-balanced (" << b.pairs << ", " << b.coveredDemand << ", "
            << b.value << ")";
    }
}

namespace
{

/** The best objective over every assignment of a tiny instance, by enumeration. */
ObjectiveValue
BruteForceBest(const AlignmentInput& input, const DesirabilityWeights& weights)
{
    const std::vector<uint32_t> caps = input.Capacities("test");
    const uint32_t numExperts = input.NumExperts();
    const DesirabilityModel model(input, caps, weights);
    // Each client's feasible sets as bit masks.
    std::vector<std::vector<uint32_t>> sets(input.clients.size());
    for (std::size_t i = 0; i < input.clients.size(); ++i)
    {
        for (uint32_t mask = 0; mask < (1U << numExperts); ++mask)
        {
            if (static_cast<uint32_t>(__builtin_popcount(mask)) <= caps[i])
            {
                sets[i].push_back(mask);
            }
        }
    }
    ObjectiveValue best;
    bool any = false;
    std::vector<std::size_t> pick(input.clients.size(), 0);
    while (true)
    {
        Assignment assignment;
        std::vector<uint32_t> trainers(numExperts, 0);
        bool feasible = true;
        for (std::size_t i = 0; i < input.clients.size(); ++i)
        {
            ClientAssignment entry{input.clients[i].id, {}};
            for (uint32_t e = 0; e < numExperts; ++e)
            {
                if (sets[i][pick[i]] & (1U << e))
                {
                    entry.experts.push_back(e);
                    trainers[e] += 1;
                }
            }
            assignment.clients.push_back(entry);
        }
        for (uint32_t e = 0; e < numExperts; ++e)
        {
            const uint32_t limit = input.constraints.maxTrainersPerExpert;
            feasible = feasible && (limit == 0 || trainers[e] <= limit);
        }
        if (feasible)
        {
            const ObjectiveValue value = model.Evaluate(assignment);
            if (!any || !best.AtLeast(value, 0.0))
            {
                best = value;
                any = true;
            }
        }
        std::size_t i = 0;
        while (i < pick.size() && ++pick[i] == sets[i].size())
        {
            pick[i++] = 0;
        }
        if (i == pick.size())
        {
            return best;
        }
    }
}

} // namespace

TEST(MinCostFlowPolicy, ExactOptimumMatchesEnumerationOnTinyInstances)
{
    std::mt19937_64 instances(44);
    for (int n = 0; n < 60; ++n)
    {
        InstanceShape shape;
        shape.clients = 1 + instances() % 4;
        shape.experts = 1 + instances() % 4;
        shape.maxCapacity = 2;
        AlignmentInput input = RandomInstance(instances, shape);
        input.clients[0].profile.memoryMb = 100.0;
        input.constraints.minTrainersPerExpert = instances() % 2;
        input.constraints.maxTrainersPerExpert = n % 2 == 0 ? 0 : 1 + instances() % 2;
        MinCostFlowParameters flow = LoadBalancedObjective(Uniform(instances, 0.0, 3.0), true);
        std::mt19937_64 rng(n);
        const ObjectiveValue got
            = Evaluate(input, flow.Weights(), MinCostFlowPolicy(flow).Assign(input, rng));
        const ObjectiveValue best = BruteForceBest(input, flow.Weights());
        EXPECT_EQ(got.pairs, best.pairs) << "instance " << n;
        EXPECT_EQ(got.coveredDemand, best.coveredDemand) << "instance " << n;
        EXPECT_NEAR(got.value, best.value, 1e-5) << "instance " << n;
    }
}

TEST(MinCostFlowPolicy, DefaultGraphIsNeverWorseThanTheSequentialPoliciesOnTheSameSeed)
{
    std::mt19937_64 instances(42);
    for (int n = 0; n < 150; ++n)
    {
        const bool timed = n % 2 == 1;
        const AlignmentInput input
            = ConstrainedInstance(instances, n % 4 == 3, timed ? Uniform(instances, 1, 8) : 0.0);
        // Same weights as the sequential policy it is compared with; the
        // restricted graph even on these small instances.
        MinCostFlowParameters flow;
        flow.exactUpToPairs = 0;
        ObjectiveValue sequentialValue;
        const uint64_t seed = 1000 + n;
        if (timed)
        {
            ChannelAwareParameters aware;
            aware.latencyWeight = Uniform(instances, 0.0, 1.0);
            flow.latencyWeight = aware.latencyWeight;
            std::mt19937_64 rng(seed);
            sequentialValue
                = Evaluate(input, flow.Weights(), ChannelAwarePolicy(aware).Assign(input, rng));
        }
        else
        {
            flow = LoadBalancedObjective(0.5, false);
            std::mt19937_64 rng(seed);
            sequentialValue
                = Evaluate(input, flow.Weights(), LoadBalancedPolicy().Assign(input, rng));
        }
        std::mt19937_64 rng(seed);
        const Assignment global = MinCostFlowPolicy(flow).Assign(input, rng);
        ExpectWithinCapacity(input, global, true);
        const ObjectiveValue value = Evaluate(input, flow.Weights(), global);
        // The full graph is at least as good as the restricted one.
        MinCostFlowParameters full = flow;
        full.exactUpToPairs = 100000;
        std::mt19937_64 again(seed);
        const ObjectiveValue best
            = Evaluate(input, flow.Weights(), MinCostFlowPolicy(full).Assign(input, again));
        if (input.model.experts.front().parameterBytes == input.model.experts.back().parameterBytes)
        {
            EXPECT_TRUE(best.AtLeast(value, 1e-5 * (1 + value.pairs))) << "instance " << n;
        }
        EXPECT_TRUE(value.AtLeast(sequentialValue, 1e-5 * (1 + value.pairs)))
            << "instance " << n << ": (" << value.pairs << ", " << value.coveredDemand << ", "
            << value.value << ") vs (" << sequentialValue.pairs << ", "
            << sequentialValue.coveredDemand << ", " << sequentialValue.value << ")";
    }
}

TEST(MinCostFlowPolicy, FindsTheGlobalOptimumWhereClientByClientChoiceCannot)
{
    // Both clients like expert 0 best, but client 1 needs it much more: whoever
    // goes first, a client-by-client choice gets 0.9 + 0.1 = 1.0 half the time;
    // the optimum is 0.8 + 0.9 = 1.7.
    AlignmentInput input = OnePopularExpert(2, 2);
    input.fitness = {0.9, 0.8, //
                     0.9, 0.1};
    input.constraints.maxTrainersPerExpert = 1;
    for (auto& client : input.clients)
    {
        client.profile.memoryMb = 1.5; // one expert each
    }
    MinCostFlowParameters flow = LoadBalancedObjective(0.0, false);
    int sequentialMisses = 0;
    for (uint64_t seed = 0; seed < 20; ++seed)
    {
        std::mt19937_64 rng(seed);
        const Assignment global = MinCostFlowPolicy(flow).Assign(input, rng);
        EXPECT_EQ(global.clients[0].experts, (std::vector<uint32_t>{1}));
        EXPECT_EQ(global.clients[1].experts, (std::vector<uint32_t>{0}));
        LoadBalancedParameters balanced;
        balanced.usageWeight = 0.0;
        std::mt19937_64 again(seed);
        sequentialMisses += LoadBalancedPolicy(balanced).Assign(input, again).clients[1].experts
                                    == std::vector<uint32_t>{1}
                                ? 1
                                : 0;
    }
    EXPECT_GT(sequentialMisses, 0);
}

TEST(MinCostFlowPolicy, CoversEveryExpertAndMeetsTheDeadline)
{
    std::mt19937_64 instances(43);
    int covered = 0;
    for (int n = 0; n < 150; ++n)
    {
        InstanceShape shape;
        shape.clients = 1 + instances() % 30;
        shape.experts = 1 + instances() % 16;
        shape.maxCapacity = 1 + instances() % 5;
        shape.heterogeneousExperts = n % 2 == 1;
        shape.deadlineS = n % 3 == 0 ? 1e6 : Uniform(instances, 0.5, 8.0);
        AlignmentInput input = RandomInstance(instances, shape);
        input.clients[0].profile.memoryMb = 100.0;
        std::mt19937_64 rng(n);
        const Assignment assignment = MinCostFlowPolicy().Assign(input, rng);
        ExpectWithinCapacity(input, assignment, true);
        const CapacityEstimator estimator(input.capacity);
        for (std::size_t i = 0; i < input.clients.size(); ++i)
        {
            const auto& client = input.clients[i];
            const ClientRates rates
                = estimator.Rates(client.profile, client.channel, client.samples, input.model);
            if (!assignment.clients[i].experts.empty())
            {
                EXPECT_LE(
                    CapacityEstimator::RoundTime(rates, input.model, assignment.clients[i].experts),
                    shape.deadlineS);
            }
        }
        if (shape.deadlineS == 1e6 && TotalCapacity(input) >= shape.experts)
        {
            ++covered;
            const auto counts = assignment.TrainerCounts(shape.experts);
            EXPECT_EQ(std::count(counts.begin(), counts.end(), 0U), 0) << "instance " << n;
        }
    }
    EXPECT_GT(covered, 20);
}

TEST(MinCostFlowPolicy, SameSeedSameAssignment)
{
    AlignmentInput input = OnePopularExpert(30, 8);
    std::fill(input.fitness.begin(), input.fitness.end(), 0.5); // many equal optima
    for (const bool exact : {true, false})
    {
        const MinCostFlowPolicy policy(LoadBalancedObjective(0.5, exact));
        std::mt19937_64 a(3);
        std::mt19937_64 b(3);
        EXPECT_TRUE(SameAssignment(policy.Assign(input, a), policy.Assign(input, b)));
    }
}

TEST(MinCostFlowPolicy, BadParametersAreClearErrors)
{
    MinCostFlowParameters parameters;
    parameters.scoreResolution = 0.0;
    try
    {
        MinCostFlowPolicy policy(parameters);
        ADD_FAILURE() << "no exception";
    }
    catch (const std::invalid_argument& error)
    {
        EXPECT_EQ(std::string(error.what()),
                  "MinCostFlowPolicy: scoreResolution = 0 is invalid; must be in (0, 0.01]");
    }
    parameters = {};
    parameters.usageWeight = -1.0;
    EXPECT_THROW(MinCostFlowPolicy{parameters}, std::invalid_argument);
}
