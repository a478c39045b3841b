// SPDX-License-Identifier: GPL-2.0-only
/*
 * ChannelAwarePolicy: load-balanced alignment plus the channel: every client's
 * expected round time must meet the round deadline, and slow links are
 * penalised in the score.
 */

#ifndef FEDMOE_SCHEDULING_CHANNEL_AWARE_POLICY_H
#define FEDMOE_SCHEDULING_CHANNEL_AWARE_POLICY_H

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
 * \brief Parameters of ChannelAwarePolicy.
 */
struct ChannelAwareParameters
{
    double fitnessWeight = 1.0;    //!< weight of fitness, >= 0
    double usageWeight = 0.5;      //!< weight of normalised projected usage, >= 0
    double projectionWeight = 1.0; //!< share of this round's assigned load counted as usage, >= 0
    /**
     * Weight of the time an expert adds to the client's round, relative to the
     * deadline (or to the mean one-expert round time without one), >= 0.
     */
    double latencyWeight = 0.5;

    /**
     * \brief Throw std::invalid_argument naming the first bad field.
     */
    void Validate() const;

    /**
     * \brief These weights as the shared desirability weights.
     * \return the same weights as DesirabilityWeights
     */
    DesirabilityWeights Weights() const;
};

/**
 * \brief Like LoadBalancedPolicy, plus the channel: the latency term in the
 * score; clients visited fastest first (expected round time with one mean
 * expert, ties in random order), so scarce trainer slots go to fast links; and
 * the deadline enforced: no client gets a set whose expected round time
 * (CapacityEstimator) exceeds AlignmentConstraints::deadlineS, and a client
 * that cannot meet it even with one expert gets none and sits the round out.
 */
class ChannelAwarePolicy : public AlignmentPolicy
{
  public:
    /**
     * \brief A policy.
     * \param parameters validated here
     */
    explicit ChannelAwarePolicy(const ChannelAwareParameters& parameters = {});

    /**
     * \brief The policy's name.
     * \return "channel-aware"
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
    void SetParameters(const ChannelAwareParameters& parameters);

    /**
     * \brief The current parameters.
     * \return the parameters
     */
    const ChannelAwareParameters& GetParameters() const;

  private:
    ChannelAwareParameters m_parameters; //!< parameters
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_CHANNEL_AWARE_POLICY_H
