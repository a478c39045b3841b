// SPDX-License-Identifier: GPL-2.0-only
/*
 * RandomPolicy: uniform random experts up to capacity.
 */

#include "random-policy.h"

#include <algorithm>
#include <numeric>

namespace fedmoe
{
namespace scheduling
{

std::string
RandomPolicy::Name() const
{
    return "random";
}

Assignment
RandomPolicy::Assign(const AlignmentInput& input, std::mt19937_64& rng) const
{
    const std::vector<uint32_t> capacities = input.Capacities("RandomPolicy");
    const uint32_t numExperts = input.NumExperts();
    std::vector<uint32_t> pool(numExperts);
    std::iota(pool.begin(), pool.end(), 0U);
    Assignment assignment;
    assignment.clients.resize(input.clients.size());
    for (std::size_t i = 0; i < input.clients.size(); ++i)
    {
        auto& entry = assignment.clients[i];
        entry.client = input.clients[i].id;
        const uint32_t k = capacities[i];
        // Partial Fisher-Yates: the first k slots become a uniform k-subset; the
        // pool stays a permutation, so it needs no reset between clients.
        for (uint32_t j = 0; j < k; ++j)
        {
            const auto pick = j + static_cast<uint32_t>(rng() % (numExperts - j));
            std::swap(pool[j], pool[pick]);
        }
        entry.experts.assign(pool.begin(), pool.begin() + k);
        std::sort(entry.experts.begin(), entry.experts.end());
    }
    return assignment;
}

} // namespace scheduling
} // namespace fedmoe
