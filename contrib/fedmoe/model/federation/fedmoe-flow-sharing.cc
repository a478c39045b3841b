// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeShareCapacity: weighted max-min fairness by progressive filling.
 */

#include "fedmoe-flow-sharing.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace ns3
{

namespace
{

void
Check(const std::vector<double>& capacity, const std::vector<FedMoeFlowDemand>& flows)
{
    for (size_t r = 0; r < capacity.size(); ++r)
    {
        if (!(capacity[r] >= 0) || !std::isfinite(capacity[r]))
        {
            throw std::invalid_argument("FedMoeShareCapacity: capacity of resource "
                                        + std::to_string(r) + " is " + std::to_string(capacity[r])
                                        + " (allowed: finite, >= 0)");
        }
    }
    for (size_t f = 0; f < flows.size(); ++f)
    {
        const FedMoeFlowDemand& flow = flows[f];
        const std::string which = "FedMoeShareCapacity: flow " + std::to_string(f) + ": ";
        if (!(flow.weight > 0) || !std::isfinite(flow.weight))
        {
            throw std::invalid_argument(which + "weight " + std::to_string(flow.weight)
                                        + " (allowed: finite, > 0)");
        }
        if (!(flow.bound >= 0))
        {
            throw std::invalid_argument(which + "bound " + std::to_string(flow.bound)
                                        + " (allowed: >= 0)");
        }
        if (flow.uses.empty() && std::isinf(flow.bound))
        {
            throw std::invalid_argument(which + "crosses no resource and has no bound");
        }
        for (const auto& [resource, cost] : flow.uses)
        {
            if (resource >= capacity.size())
            {
                throw std::invalid_argument(which + "resource " + std::to_string(resource) + " of "
                                            + std::to_string(capacity.size()));
            }
            if (!(cost > 0) || !std::isfinite(cost))
            {
                throw std::invalid_argument(which + "cost " + std::to_string(cost)
                                            + " (allowed: finite, > 0)");
            }
        }
    }
}

} // namespace

std::vector<double>
FedMoeShareCapacity(const std::vector<double>& capacity, const std::vector<FedMoeFlowDemand>& flows)
{
    Check(capacity, flows);
    const size_t n = flows.size();
    std::vector<double> rate(n, 0.0);
    std::vector<bool> frozen(n, false);
    std::vector<double> remaining = capacity;
    // load[r]: resource units per unit of level, over the unfrozen flows.
    std::vector<double> load(capacity.size(), 0.0);
    std::vector<std::vector<uint32_t>> users(capacity.size());
    // active[r]: unfrozen flows on resource r (only those constrain the level).
    std::vector<uint32_t> active(capacity.size(), 0);
    for (size_t f = 0; f < n; ++f)
    {
        for (const auto& [resource, cost] : flows[f].uses)
        {
            load[resource] += cost * flows[f].weight;
            users[resource].push_back(static_cast<uint32_t>(f));
            ++active[resource];
        }
    }
    // Flows by the level at which they reach their bound.
    std::vector<uint32_t> byBound(n);
    std::iota(byBound.begin(), byBound.end(), 0u);
    std::sort(byBound.begin(), byBound.end(),
              [&flows](uint32_t a, uint32_t b)
              {
                  return flows[a].bound / flows[a].weight < flows[b].bound / flows[b].weight;
              });
    size_t nextBound = 0;
    size_t unfrozen = n;
    double level = 0.0;
    auto freeze = [&](uint32_t f)
    {
        if (frozen[f])
        {
            return;
        }
        frozen[f] = true;
        --unfrozen;
        rate[f] = flows[f].weight * level;
        for (const auto& [resource, cost] : flows[f].uses)
        {
            load[resource] -= cost * flows[f].weight;
            --active[resource];
        }
    };
    // A resource counts as saturated within this share of its capacity.
    constexpr double kEpsilon = 1e-12;
    while (unfrozen > 0)
    {
        while (nextBound < n && frozen[byBound[nextBound]])
        {
            ++nextBound;
        }
        double step = std::numeric_limits<double>::infinity();
        if (nextBound < n)
        {
            const uint32_t f = byBound[nextBound];
            step = flows[f].bound / flows[f].weight - level;
        }
        for (size_t r = 0; r < capacity.size(); ++r)
        {
            if (active[r] > 0 && load[r] > 0)
            {
                step = std::min(step, std::max(0.0, remaining[r]) / load[r]);
            }
        }
        step = std::max(0.0, step);
        level += step;
        for (size_t r = 0; r < capacity.size(); ++r)
        {
            remaining[r] -= load[r] * step;
        }
        // Freeze what binds now: flows at their bound, flows on a full resource.
        while (nextBound < n)
        {
            const uint32_t f = byBound[nextBound];
            if (!frozen[f] && flows[f].bound / flows[f].weight > level * (1 + kEpsilon))
            {
                break;
            }
            freeze(f);
            ++nextBound;
        }
        for (size_t r = 0; r < capacity.size(); ++r)
        {
            if (active[r] > 0 && remaining[r] <= kEpsilon * std::max(1.0, capacity[r]))
            {
                for (uint32_t f : users[r])
                {
                    freeze(f);
                }
            }
        }
    }
    return rate;
}

} // namespace ns3
