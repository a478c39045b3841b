// SPDX-License-Identifier: GPL-2.0-only
/*
 * RandomPolicy: uniformly random experts up to each client's capacity (the
 * paper's first baseline).
 */

#ifndef FEDMOE_SCHEDULING_RANDOM_POLICY_H
#define FEDMOE_SCHEDULING_RANDOM_POLICY_H

#include "alignment-policy.h"

namespace fedmoe
{
namespace scheduling
{
/** \addtogroup fedmoe-scheduling
 * @{
 */

/**
 * \brief Each participant gets a uniformly random set of as many experts as it
 * can hold; scores and trainer limits are ignored.
 */
class RandomPolicy : public AlignmentPolicy
{
  public:
    /**
     * \brief The policy's name.
     * \return "random"
     */
    std::string Name() const override;

    /**
     * \brief Draw the assignment.
     * \param input the round
     * \param rng the engine
     * \return the assignment
     */
    Assignment Assign(const AlignmentInput& input, std::mt19937_64& rng) const override;
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_RANDOM_POLICY_H
