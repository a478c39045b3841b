// SPDX-License-Identifier: GPL-2.0-only
/*
 * fedmoe-bench-align: time to compute one round's client-expert assignment, per
 * policy, for 100 / 1,000 / 10,000 clients and 8 / 64 / 256 experts. Prints a
 * table in milliseconds (median of a few repetitions).
 *
 * Goals (issue 4): every greedy-style policy under 50 ms at 10,000 x 256;
 * min-cost-flow under 1 s at 1,000 x 64.
 *
 * A second table compares the objective (DesirabilityModel with the
 * channel-aware weights: pairs, minimum trainers met, value) that channel-aware
 * and min-cost-flow reach on the same instances and seed.
 *
 * Usage: fedmoe-bench-align [--repeats=N] [--mcf-max-clients=N]
 *   --mcf-max-clients skips min-cost-flow above N clients (default 1000): the
 *   solver runs one shortest-path search per assigned pair over a graph that
 *   grows with the clients, so its time grows about with clients^2
 *   (10,000 x 8 takes about two minutes).
 */

#include "fedmoe/scheduling/alignment-policy-factory.h"
#include "fedmoe/scheduling/desirability-model.h"
#include "fedmoe/scheduling/min-cost-flow-policy.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <random>
#include <string>
#include <vector>

using namespace fedmoe::scheduling;

namespace
{

/** Uniform double in [low, high). */
double
Uniform(std::mt19937_64& rng, double low, double high)
{
    return low + (high - low) * (static_cast<double>(rng() >> 11) * 0x1.0p-53);
}

/**
 * A heterogeneous edge population: 1 MB experts, 1 to 8 of them fit in memory,
 * links from 1 to 100 Mbit/s, a deadline most clients can meet with a few experts.
 */
AlignmentInput
MakeInstance(std::size_t numClients, uint32_t numExperts, uint64_t seed, bool heterogeneous = false)
{
    std::mt19937_64 rng(seed);
    AlignmentInput input;
    input.model.sharedParameterBytes = 200e3;
    input.model.sharedTrainFlopsPerSample = 1e6;
    input.model.experts.assign(numExperts, ExpertCost{1e6, 4e6});
    if (heterogeneous)
    {
        // Unequal experts make the deadline a knapsack per client (the slow path).
        for (auto& expert : input.model.experts)
        {
            expert = ExpertCost{Uniform(rng, 0.5e6, 1.5e6), Uniform(rng, 1e6, 8e6)};
        }
    }
    input.clients.resize(numClients);
    for (std::size_t i = 0; i < numClients; ++i)
    {
        auto& client = input.clients[i];
        client.id = static_cast<uint32_t>(i);
        client.samples = Uniform(rng, 100, 1000);
        client.profile.computeGflops = Uniform(rng, 1, 50);
        client.profile.cores = 1 + static_cast<uint32_t>(rng() % 8);
        client.profile.memoryMb = 0.2 + Uniform(rng, 1.0, 9.0);
        client.profile.uplinkBps = Uniform(rng, 1e6, 50e6);
        client.profile.downlinkBps = Uniform(rng, 5e6, 100e6);
        client.profile.latencyS = Uniform(rng, 0.005, 0.05);
    }
    input.fitness.resize(numClients * numExperts);
    for (auto& f : input.fitness)
    {
        f = Uniform(rng, 0.0, 1.0);
    }
    input.usage.resize(numExperts);
    for (auto& u : input.usage)
    {
        u = Uniform(rng, 0.0, 1000.0);
    }
    input.constraints.deadlineS = 10.0;
    return input;
}

/** Median wall time of Assign in ms. */
double
TimeAssign(const AlignmentPolicy& policy, const AlignmentInput& input, int repeats,
           std::size_t& pairs)
{
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r)
    {
        std::mt19937_64 rng(42 + r);
        const auto start = std::chrono::steady_clock::now();
        const Assignment assignment = policy.Assign(input, rng);
        const auto stop = std::chrono::steady_clock::now();
        times.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
        pairs = assignment.Pairs();
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

} // namespace

int
main(int argc, char** argv)
{
    int repeats = 3;
    std::size_t mcfMaxClients = 1000;
    for (int a = 1; a < argc; ++a)
    {
        const std::string arg = argv[a];
        if (arg.rfind("--repeats=", 0) == 0)
        {
            repeats = std::max(1, std::atoi(arg.c_str() + 10));
        }
        else if (arg.rfind("--mcf-max-clients=", 0) == 0)
        {
            mcfMaxClients = std::strtoull(arg.c_str() + 18, nullptr, 10);
        }
        else
        {
            std::cerr << "usage: fedmoe-bench-align [--repeats=N] [--mcf-max-clients=N]\n";
            return 2;
        }
    }
    const std::vector<std::size_t> clientCounts = {100, 1000, 10000};
    const std::vector<uint32_t> expertCounts = {8, 64, 256};
    const std::vector<std::string> names = AlignmentPolicyNames();

    std::printf("one round's assignment, median of %d runs, ms (pairs assigned)\n", repeats);
    std::printf("%-8s %-8s", "clients", "experts");
    for (const auto& name : names)
    {
        std::printf(" %22s", name.c_str());
    }
    std::printf("\n");
    for (std::size_t numClients : clientCounts)
    {
        for (uint32_t numExperts : expertCounts)
        {
            const AlignmentInput input = MakeInstance(numClients, numExperts, 7);
            std::printf("%-8zu %-8u", numClients, numExperts);
            for (const auto& name : names)
            {
                if (name == "min-cost-flow" && numClients > mcfMaxClients)
                {
                    std::printf(" %22s", "skipped");
                    continue;
                }
                const auto policy = CreateAlignmentPolicy(name);
                std::size_t pairs = 0;
                const double ms = TimeAssign(*policy, input, repeats, pairs);
                char cell[64];
                std::snprintf(cell, sizeof(cell), "%.2f (%zu)", ms, pairs);
                std::printf(" %22s", cell);
                std::fflush(stdout);
            }
            std::printf("\n");
        }
    }
    {
        // Unequal expert sizes: the deadline is no longer a count of experts.
        const AlignmentInput input = MakeInstance(10000, 256, 7, true);
        std::printf("%-8s %-8s", "10000", "256*");
        for (const auto& name : names)
        {
            if (name == "min-cost-flow")
            {
                std::printf(" %22s", "skipped");
                continue;
            }
            std::size_t pairs = 0;
            const double ms = TimeAssign(*CreateAlignmentPolicy(name), input, repeats, pairs);
            char cell[64];
            std::snprintf(cell, sizeof(cell), "%.2f (%zu)", ms, pairs);
            std::printf(" %22s", cell);
        }
        std::printf("\n");
    }
    std::printf("* experts of unequal size (0.5-1.5 MB) and cost (1-8 MFLOP/sample)\n");
    std::printf("min-cost-flow skipped above %zu clients (--mcf-max-clients)\n", mcfMaxClients);

    std::printf("\nobjective on the same instance and seed (channel-aware weights): "
                "pairs / min trainers met / value\n");
    std::printf("%-8s %-8s %26s %26s %26s\n", "clients", "experts", "channel-aware",
                "min-cost-flow", "min-cost-flow exact");
    for (std::size_t numClients : clientCounts)
    {
        for (uint32_t numExperts : expertCounts)
        {
            if (numClients > mcfMaxClients)
            {
                continue;
            }
            const AlignmentInput input = MakeInstance(numClients, numExperts, 7);
            MinCostFlowParameters exact;
            exact.candidateSlack = 0;
            exact.slotSlack = 0;
            const bool runExact = numClients * numExperts <= 30000;
            const std::vector<std::unique_ptr<AlignmentPolicy>> policies = [&]
            {
                std::vector<std::unique_ptr<AlignmentPolicy>> list;
                list.push_back(CreateAlignmentPolicy("channel-aware"));
                list.push_back(CreateAlignmentPolicy("min-cost-flow"));
                list.push_back(std::make_unique<MinCostFlowPolicy>(exact));
                return list;
            }();
            const DesirabilityModel model(input, input.Capacities("bench"),
                                          MinCostFlowParameters().Weights());
            std::printf("%-8zu %-8u", numClients, numExperts);
            for (std::size_t p = 0; p < policies.size(); ++p)
            {
                if (p == 2 && !runExact)
                {
                    std::printf(" %26s", "(skipped: > 30,000 pairs)");
                    continue;
                }
                std::mt19937_64 rng(42);
                const ObjectiveValue value = model.Evaluate(policies[p]->Assign(input, rng));
                char cell[64];
                std::snprintf(cell, sizeof(cell), "%zu / %zu / %.3f", value.pairs,
                              value.coveredDemand, value.value);
                std::printf(" %26s", cell);
                std::fflush(stdout);
            }
            std::printf("\n");
        }
    }
    return 0;
}
