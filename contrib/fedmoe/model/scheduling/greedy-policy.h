// SPDX-License-Identifier: GPL-2.0-only
/*
 * GreedyPolicy: each client takes the experts it is fittest for (the paper's
 * second baseline).
 */

#ifndef FEDMOE_SCHEDULING_GREEDY_POLICY_H
#define FEDMOE_SCHEDULING_GREEDY_POLICY_H

#include "alignment-policy.h"

namespace fedmoe
{
namespace scheduling
{
/** \addtogroup fedmoe-scheduling
 * @{
 */

/**
 * \brief Each participant gets its highest-fitness experts up to capacity,
 * ignoring usage, so popular experts collect every trainer; ties are broken by
 * a TieBreaker drawn from the engine.
 */
class GreedyPolicy : public AlignmentPolicy
{
  public:
    /**
     * \brief The policy's name.
     * \return "greedy"
     */
    std::string Name() const override;

    /**
     * \brief Compute the assignment.
     * \param input the round
     * \param rng the engine (ties only)
     * \return the assignment
     */
    Assignment Assign(const AlignmentInput& input, std::mt19937_64& rng) const override;
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_GREEDY_POLICY_H
