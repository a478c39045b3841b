// SPDX-License-Identifier: GPL-2.0-only
/*
 * CreateAlignmentPolicy: an alignment policy by name, for command lines and
 * the ns-3 wrappers.
 */

#ifndef FEDMOE_SCHEDULING_ALIGNMENT_POLICY_FACTORY_H
#define FEDMOE_SCHEDULING_ALIGNMENT_POLICY_FACTORY_H

#include "alignment-policy.h"

#include <memory>
#include <string>
#include <vector>

namespace fedmoe
{
namespace scheduling
{
/** \addtogroup fedmoe-scheduling
 * @{
 */

/**
 * \brief The names CreateAlignmentPolicy() accepts.
 * \return "random", "greedy", "load-balanced", "channel-aware", "min-cost-flow"
 */
std::vector<std::string> AlignmentPolicyNames();

/**
 * \brief A policy with default parameters.
 * \param name one of AlignmentPolicyNames()
 * \return the policy
 * \throws std::invalid_argument naming the allowed names for any other name
 */
std::unique_ptr<AlignmentPolicy> CreateAlignmentPolicy(const std::string& name);

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_ALIGNMENT_POLICY_FACTORY_H
