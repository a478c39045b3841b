// SPDX-License-Identifier: GPL-2.0-only
/*
 * AlignmentPolicy: the interface every client-expert alignment policy
 * implements (random, greedy, load-balanced, channel-aware, min-cost-flow).
 */

#ifndef FEDMOE_SCHEDULING_ALIGNMENT_POLICY_H
#define FEDMOE_SCHEDULING_ALIGNMENT_POLICY_H

#include "alignment-input.h"

#include <random>
#include <string>

namespace fedmoe
{
namespace scheduling
{
/** \addtogroup fedmoe-scheduling
 * @{
 */

/**
 * \brief Decides, for one round, which experts each participant trains.
 *
 * Assign() is const and uses no state but its arguments: the same input and
 * engine state give the same assignment. Every assigned set respects the
 * participant's capacity (AlignmentInput::Capacities) and is sorted ascending.
 */
class AlignmentPolicy
{
  public:
    virtual ~AlignmentPolicy() = default;

    /**
     * \brief Get the policy's name.
     * \return the policy's name, as CreateAlignmentPolicy() accepts it
     */
    virtual std::string Name() const = 0;

    /**
     * \brief Compute one round's assignment.
     * \param input the round (validated here; bad input throws std::invalid_argument)
     * \param rng the engine all randomness and tie-breaking draws from
     * \return one entry per participant, in input order
     */
    virtual Assignment Assign(const AlignmentInput& input, std::mt19937_64& rng) const = 0;
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_ALIGNMENT_POLICY_H
