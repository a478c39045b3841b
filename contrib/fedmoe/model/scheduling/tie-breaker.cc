// SPDX-License-Identifier: GPL-2.0-only
/*
 * TieBreaker: reproducible tie order from a seeded engine.
 */

#include "tie-breaker.h"

#include <algorithm>
#include <numeric>

namespace fedmoe
{
namespace scheduling
{

TieBreaker::TieBreaker(std::size_t numClients, uint32_t numExperts, std::mt19937_64& rng)
    : m_numExperts(numExperts),
      m_permutation(numExperts),
      m_offsets(numClients)
{
    std::iota(m_permutation.begin(), m_permutation.end(), 0U);
    // Fisher-Yates with our own uniform draws: std::shuffle's use of the engine
    // is implementation-defined, which would make results differ across libraries.
    for (uint32_t i = numExperts; i > 1; --i)
    {
        const auto j = static_cast<uint32_t>(rng() % i);
        std::swap(m_permutation[i - 1], m_permutation[j]);
    }
    for (auto& offset : m_offsets)
    {
        offset = static_cast<uint32_t>(rng() % numExperts);
    }
}

} // namespace scheduling
} // namespace fedmoe
