// SPDX-License-Identifier: GPL-2.0-only
/*
 * Random and hand-made alignment instances and property checks shared by the
 * scheduling tests.
 */

#ifndef FEDMOE_TEST_SCHEDULING_TEST_INSTANCES_H
#define FEDMOE_TEST_SCHEDULING_TEST_INSTANCES_H

#include "fedmoe/scheduling/alignment-input.h"
#include "fedmoe/scheduling/capacity-estimator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

namespace fedmoe
{
namespace scheduling
{
namespace test
{

/** Uniform double in [low, high). */
inline double
Uniform(std::mt19937_64& rng, double low, double high)
{
    return low + (high - low) * (static_cast<double>(rng() >> 11) * 0x1.0p-53);
}

/** What RandomInstance varies. */
struct InstanceShape
{
    std::size_t clients = 20;          //!< participants
    uint32_t experts = 8;              //!< experts
    uint32_t maxCapacity = 4;          //!< memory holds 0..maxCapacity experts
    bool heterogeneousExperts = false; //!< experts of different sizes
    double deadlineS = 0.0;            //!< 0 = no deadline
};

/**
 * A random edge population: 1 MB experts (0.5 to 1.5 MB when heterogeneous),
 * memory for 0..maxCapacity of them, links 1..100 Mbit/s, random fitness and usage.
 */
inline AlignmentInput
RandomInstance(std::mt19937_64& rng, const InstanceShape& shape)
{
    AlignmentInput input;
    input.model.sharedParameterBytes = 100e3;
    input.model.sharedTrainFlopsPerSample = 1e6;
    input.model.experts.resize(shape.experts);
    for (auto& expert : input.model.experts)
    {
        expert.parameterBytes = shape.heterogeneousExperts ? Uniform(rng, 0.5e6, 1.5e6) : 1e6;
        expert.trainFlopsPerSample = shape.heterogeneousExperts ? Uniform(rng, 1e6, 8e6) : 4e6;
    }
    double largest = 0.0;
    for (const auto& expert : input.model.experts)
    {
        largest = std::max(largest, expert.parameterBytes);
    }
    input.clients.resize(shape.clients);
    for (std::size_t i = 0; i < shape.clients; ++i)
    {
        auto& client = input.clients[i];
        client.id = static_cast<uint32_t>(1000 + i);
        client.samples = Uniform(rng, 50, 500);
        client.profile.computeGflops = Uniform(rng, 1, 50);
        const auto holds = static_cast<double>(rng() % (shape.maxCapacity + 1));
        client.profile.memoryMb = (100e3 + holds * largest + 1.0) / 1e6;
        client.profile.uplinkBps = Uniform(rng, 1e6, 50e6);
        client.profile.downlinkBps = Uniform(rng, 5e6, 100e6);
        client.profile.latencyS = Uniform(rng, 0.001, 0.05);
    }
    input.fitness.resize(shape.clients * shape.experts);
    for (auto& f : input.fitness)
    {
        f = Uniform(rng, 0.0, 1.0);
    }
    input.usage.resize(shape.experts);
    for (auto& u : input.usage)
    {
        u = Uniform(rng, 0.0, 500.0);
    }
    if (shape.deadlineS > 0.0)
    {
        input.constraints.deadlineS = shape.deadlineS;
    }
    return input;
}

/**
 * The paper's Fig. 3 situation: every client finds expert 0 the fittest (the
 * 'popular expert'), the others equally fit; each client holds two experts.
 */
inline AlignmentInput
OnePopularExpert(std::size_t clients, uint32_t experts)
{
    AlignmentInput input;
    input.model.experts.assign(experts, ExpertCost{1e6, 1e6});
    input.clients.resize(clients);
    for (std::size_t i = 0; i < clients; ++i)
    {
        input.clients[i].id = static_cast<uint32_t>(i);
        input.clients[i].samples = 100;
        input.clients[i].profile.memoryMb = 2.5; // two 1 MB experts
    }
    input.fitness.assign(clients * experts, 0.3);
    for (std::size_t i = 0; i < clients; ++i)
    {
        input.fitness[i * experts] = 0.9;
    }
    input.usage.assign(experts, 0.0);
    return input;
}

/** Every set sorted, unique, within capacity, in input order; trainer limits when asked. */
inline void
ExpectWithinCapacity(const AlignmentInput& input, const Assignment& assignment, bool trainerLimits)
{
    const std::vector<uint32_t> caps = input.Capacities("test");
    ASSERT_EQ(assignment.clients.size(), input.clients.size());
    for (std::size_t i = 0; i < input.clients.size(); ++i)
    {
        const auto& experts = assignment.clients[i].experts;
        EXPECT_EQ(assignment.clients[i].client, input.clients[i].id);
        EXPECT_LE(experts.size(), caps[i]) << "client " << input.clients[i].id;
        EXPECT_TRUE(std::is_sorted(experts.begin(), experts.end()));
        EXPECT_EQ(std::adjacent_find(experts.begin(), experts.end()), experts.end());
        for (uint32_t e : experts)
        {
            EXPECT_LT(e, input.NumExperts());
        }
    }
    if (trainerLimits && input.constraints.maxTrainersPerExpert > 0)
    {
        for (uint32_t count : assignment.TrainerCounts(input.NumExperts()))
        {
            EXPECT_LE(count, input.constraints.maxTrainersPerExpert);
        }
    }
}

/** Total capacity of the participants. */
inline std::size_t
TotalCapacity(const AlignmentInput& input)
{
    std::size_t total = 0;
    for (uint32_t cap : input.Capacities("test"))
    {
        total += cap;
    }
    return total;
}

/** Same assignment? */
inline bool
SameAssignment(const Assignment& a, const Assignment& b)
{
    if (a.clients.size() != b.clients.size())
    {
        return false;
    }
    for (std::size_t i = 0; i < a.clients.size(); ++i)
    {
        if (a.clients[i].client != b.clients[i].client
            || a.clients[i].experts != b.clients[i].experts)
        {
            return false;
        }
    }
    return true;
}

/** The same engine seed gives the same assignment, another seed another one. */
template<class Policy>
void
ExpectDeterministicPerSeed(const Policy& policy, const AlignmentInput& input)
{
    std::mt19937_64 a(5);
    std::mt19937_64 b(5);
    std::mt19937_64 c(6);
    const Assignment first = policy.Assign(input, a);
    EXPECT_TRUE(SameAssignment(first, policy.Assign(input, b)));
    EXPECT_FALSE(SameAssignment(first, policy.Assign(input, c)));
}

} // namespace test
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_TEST_SCHEDULING_TEST_INSTANCES_H
