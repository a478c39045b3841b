// SPDX-License-Identifier: GPL-2.0-only
/*
 * TieBreaker: a reproducible order among equally scored experts, drawn once per
 * round from the caller's seeded engine.
 */

#ifndef FEDMOE_SCHEDULING_TIE_BREAKER_H
#define FEDMOE_SCHEDULING_TIE_BREAKER_H

#include <cstdint>
#include <random>
#include <vector>

namespace fedmoe
{
namespace scheduling
{
/** \addtogroup fedmoe-scheduling
 * @{
 */

/**
 * \brief Rank of each expert for each client among ties: a random permutation of
 * the experts, rotated by a random offset per client, so ties do not always go
 * to the same expert and cost O(E + C) draws instead of O(E C).
 */
class TieBreaker
{
  public:
    /**
     * \brief Draw the permutation and offsets.
     * \param numClients participants
     * \param numExperts experts, > 0
     * \param rng the round's engine
     */
    TieBreaker(std::size_t numClients, uint32_t numExperts, std::mt19937_64& rng);

    /**
     * \brief The tie rank of an expert for a client.
     * \param client participant index
     * \param expert expert id
     * \return its rank among ties (lower wins), a permutation of 0..E-1 per client
     */
    uint32_t Key(std::size_t client, uint32_t expert) const
    {
        uint32_t slot = expert + m_offsets[client];
        if (slot >= m_numExperts)
        {
            slot -= m_numExperts;
        }
        return m_permutation[slot];
    }

  private:
    uint32_t m_numExperts;               //!< E
    std::vector<uint32_t> m_permutation; //!< random permutation of 0..E-1
    std::vector<uint32_t> m_offsets;     //!< per client, in [0, E)
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_TIE_BREAKER_H
