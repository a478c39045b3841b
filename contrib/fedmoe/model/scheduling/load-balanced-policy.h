// SPDX-License-Identifier: GPL-2.0-only
/*
 * LoadBalancedPolicy: the paper's composite desirability (+fitness, -usage)
 * with capacity-constrained top-ranked selection per client and projected
 * usage within the round.
 */

#ifndef FEDMOE_SCHEDULING_LOAD_BALANCED_POLICY_H
#define FEDMOE_SCHEDULING_LOAD_BALANCED_POLICY_H

#include "alignment-policy.h"
#include "desirability-model.h"

namespace fedmoe
{
namespace scheduling
{
/** \addtogroup fedmoe-scheduling
 * @{
 */

/**
 * \brief Parameters of LoadBalancedPolicy.
 */
struct LoadBalancedParameters
{
    double fitnessWeight = 1.0;    //!< weight of fitness, >= 0
    double usageWeight = 0.5;      //!< weight of normalised projected usage, >= 0
    double projectionWeight = 1.0; //!< share of this round's assigned load counted as usage, >= 0

    /**
     * \brief Throw std::invalid_argument naming the first bad field.
     */
    void Validate() const;

    /**
     * \brief These weights as the shared desirability weights.
     * \return the same weights as DesirabilityWeights (no latency term)
     */
    DesirabilityWeights Weights() const;
};

/**
 * \brief Clients in a random order each take their top-ranked experts by
 * fitnessWeight * fitness - usageWeight * projected usage (see SequentialAligner).
 * Ignores the deadline and the channel.
 */
class LoadBalancedPolicy : public AlignmentPolicy
{
  public:
    /**
     * \brief A policy.
     * \param parameters validated here
     */
    explicit LoadBalancedPolicy(const LoadBalancedParameters& parameters = {});

    /**
     * \brief The policy's name.
     * \return "load-balanced"
     */
    std::string Name() const override;

    /**
     * \brief Compute the assignment.
     * \param input the round
     * \param rng the engine (client order and ties)
     * \return the assignment
     */
    Assignment Assign(const AlignmentInput& input, std::mt19937_64& rng) const override;

    /**
     * \brief Replace the parameters.
     * \param parameters validated here
     */
    void SetParameters(const LoadBalancedParameters& parameters);

    /**
     * \brief The current parameters.
     * \return the parameters
     */
    const LoadBalancedParameters& GetParameters() const;

  private:
    LoadBalancedParameters m_parameters; //!< parameters
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_LOAD_BALANCED_POLICY_H
