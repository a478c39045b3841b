// SPDX-License-Identifier: GPL-2.0-only
/*
 * AlignmentInput and Assignment.
 */

#include "alignment-input.h"

#include "parameter-check.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace fedmoe
{
namespace scheduling
{

void
AlignmentConstraints::Validate() const
{
    if (!(deadlineS > 0.0) || std::isnan(deadlineS))
    {
        ThrowInvalid("AlignmentConstraints", "deadlineS", deadlineS, "> 0 (infinity = none)");
    }
    if (maxTrainersPerExpert != 0 && maxTrainersPerExpert < minTrainersPerExpert)
    {
        ThrowInvalid("AlignmentConstraints", "maxTrainersPerExpert", maxTrainersPerExpert,
                     "0 (unlimited) or >= minTrainersPerExpert ("
                         + std::to_string(minTrainersPerExpert) + ")");
    }
    if (!(minWorkFraction > 0.0 && minWorkFraction <= 1.0))
    {
        ThrowInvalid("AlignmentConstraints", "minWorkFraction", minWorkFraction,
                     "a share in (0, 1] (1: whole work or none)");
    }
}

uint32_t
AlignmentInput::NumExperts() const
{
    return static_cast<uint32_t>(model.experts.size());
}

double
AlignmentInput::Fitness(std::size_t client, uint32_t expert) const
{
    return fitness[client * model.experts.size() + expert];
}

std::vector<uint32_t>
AlignmentInput::Capacities(const std::string& owner) const
{
    CapacityEstimator::ValidateModel(model);
    constraints.Validate();
    const CapacityEstimator estimator(capacity);
    const std::size_t numExperts = model.experts.size();
    if (fitness.size() != clients.size() * numExperts)
    {
        throw std::invalid_argument(owner + ": fitness has " + std::to_string(fitness.size())
                                    + " scores; must have clients x experts = "
                                    + std::to_string(clients.size()) + " x "
                                    + std::to_string(numExperts));
    }
    if (usage.size() != numExperts)
    {
        throw std::invalid_argument(owner + ": usage has " + std::to_string(usage.size())
                                    + " scores; must have one per expert ("
                                    + std::to_string(numExperts) + ")");
    }
    for (std::size_t e = 0; e < numExperts; ++e)
    {
        RequireNonNegative(owner, "usage[" + std::to_string(e) + "]", usage[e]);
    }
    for (std::size_t k = 0; k < fitness.size(); ++k)
    {
        if (!std::isfinite(fitness[k]))
        {
            ThrowInvalid(owner,
                         "fitness of client " + std::to_string(clients[k / numExperts].id)
                             + ", expert " + std::to_string(k % numExperts),
                         fitness[k], "a finite number");
        }
    }
    std::vector<uint32_t> ids;
    ids.reserve(clients.size());
    std::vector<uint32_t> capacities;
    capacities.reserve(clients.size());
    bool anyCapacity = false;
    for (const auto& client : clients)
    {
        const std::string what = "client " + std::to_string(client.id);
        CapacityEstimator::ValidateProfile(client.profile, what);
        CapacityEstimator::ValidateObservation(client.channel, what);
        RequireNonNegative(owner + " (" + what + ")", "samples", client.samples);
        uint32_t cap = estimator.MaxExperts(client.profile, model);
        if (constraints.maxExpertsPerClient > 0)
        {
            cap = std::min(cap, constraints.maxExpertsPerClient);
        }
        anyCapacity = anyCapacity || cap > 0;
        capacities.push_back(cap);
        ids.push_back(client.id);
    }
    std::sort(ids.begin(), ids.end());
    const auto duplicate = std::adjacent_find(ids.begin(), ids.end());
    if (duplicate != ids.end())
    {
        throw std::invalid_argument(owner + ": client id " + std::to_string(*duplicate)
                                    + " appears twice; ids must be unique");
    }
    if (!clients.empty() && !anyCapacity)
    {
        throw std::invalid_argument(
            owner + ": capacity = 0 for every one of the " + std::to_string(clients.size())
            + " participants; at least one must hold an expert (memoryMb must fit the shared"
              " parameters plus one expert, times memoryPerParameterByte)");
    }
    return capacities;
}

const std::vector<uint32_t>&
Assignment::ExpertsOf(uint32_t client) const
{
    static const std::vector<uint32_t> none;
    for (const auto& entry : clients)
    {
        if (entry.client == client)
        {
            return entry.experts;
        }
    }
    return none;
}

std::vector<uint32_t>
Assignment::TrainerCounts(uint32_t numExperts) const
{
    std::vector<uint32_t> counts(numExperts, 0);
    for (const auto& entry : clients)
    {
        for (uint32_t e : entry.experts)
        {
            counts.at(e) += 1;
        }
    }
    return counts;
}

std::size_t
Assignment::Pairs() const
{
    std::size_t pairs = 0;
    for (const auto& entry : clients)
    {
        pairs += entry.experts.size();
    }
    return pairs;
}

std::size_t
Assignment::PartialClients() const
{
    return static_cast<std::size_t>(std::count_if(clients.begin(), clients.end(),
                                                  [](const ClientAssignment& entry)
                                                  {
                                                      return !entry.experts.empty()
                                                             && entry.workFraction < 1.0;
                                                  }));
}

} // namespace scheduling
} // namespace fedmoe
