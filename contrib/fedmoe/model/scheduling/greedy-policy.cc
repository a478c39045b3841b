// SPDX-License-Identifier: GPL-2.0-only
/*
 * GreedyPolicy: highest fitness up to capacity.
 */

#include "greedy-policy.h"

#include "tie-breaker.h"

#include <algorithm>

namespace fedmoe
{
namespace scheduling
{

std::string
GreedyPolicy::Name() const
{
    return "greedy";
}

Assignment
GreedyPolicy::Assign(const AlignmentInput& input, std::mt19937_64& rng) const
{
    const std::vector<uint32_t> capacities = input.Capacities("GreedyPolicy");
    const uint32_t numExperts = input.NumExperts();
    const TieBreaker ties(input.clients.size(), numExperts, rng);
    // Streaming top-k: a heap whose front is the worst expert kept so far, so most
    // experts cost one comparison.
    std::vector<uint32_t> kept;
    kept.reserve(numExperts);
    Assignment assignment;
    assignment.clients.resize(input.clients.size());
    for (std::size_t i = 0; i < input.clients.size(); ++i)
    {
        auto& entry = assignment.clients[i];
        entry.client = input.clients[i].id;
        const uint32_t k = capacities[i];
        if (k == 0)
        {
            continue;
        }
        const double* row = input.fitness.data() + i * numExperts;
        auto better = [&](uint32_t a, uint32_t b)
        {
            return row[a] != row[b] ? row[a] > row[b] : ties.Key(i, a) < ties.Key(i, b);
        };
        kept.clear();
        for (uint32_t e = 0; e < numExperts; ++e)
        {
            if (kept.size() < k)
            {
                kept.push_back(e);
                std::push_heap(kept.begin(), kept.end(), better);
            }
            else if (better(e, kept.front()))
            {
                std::pop_heap(kept.begin(), kept.end(), better);
                kept.back() = e;
                std::push_heap(kept.begin(), kept.end(), better);
            }
        }
        entry.experts.assign(kept.begin(), kept.end());
        std::sort(entry.experts.begin(), entry.experts.end());
    }
    return assignment;
}

} // namespace scheduling
} // namespace fedmoe
