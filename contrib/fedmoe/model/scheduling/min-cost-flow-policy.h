// SPDX-License-Identifier: GPL-2.0-only
/*
 * MinCostFlowPolicy: the channel-aware objective solved globally as a min-cost
 * flow (Boost.Graph), with per-client capacity and per-expert minimum and
 * maximum trainers, instead of client-by-client greedy choice.
 */

#ifndef FEDMOE_SCHEDULING_MIN_COST_FLOW_POLICY_H
#define FEDMOE_SCHEDULING_MIN_COST_FLOW_POLICY_H

#include "alignment-policy.h"
#include "desirability-model.h"

#include <cstdint>

namespace fedmoe
{
namespace scheduling
{
/** \addtogroup fedmoe-scheduling
 * @{
 */

/**
 * \brief Parameters of MinCostFlowPolicy.
 */
struct MinCostFlowParameters
{
    double fitnessWeight = 1.0;    //!< weight of fitness, >= 0
    double usageWeight = 0.5;      //!< weight of normalised projected usage, >= 0
    double projectionWeight = 1.0; //!< share of this round's assigned load counted as usage, >= 0
    double latencyWeight = 0.5;    //!< weight of the time an expert adds to a round, >= 0
    bool enforceDeadline = true;   //!< whether AlignmentConstraints::deadlineS binds
    /**
     * Pair arcs per client: its (capacity + candidateSlack) best experts by
     * desirability at zero round load, plus those the sequential (channel-aware
     * style) solution gives it; 0 = every expert.
     */
    uint32_t candidateSlack = 2;
    /**
     * Trainer slots per expert: the sequential solution's trainers (at least
     * minTrainersPerExpert) plus slotSlack; 0 = as many as it has candidate
     * clients. With both slacks 0 the optimum is exact; otherwise it is the
     * optimum over a graph that contains the sequential solution, so it is never
     * worse than that solution.
     */
    uint32_t slotSlack = 8;
    /**
     * Instances with at most this many (client, expert) pairs are solved over
     * the full graph (exact) whatever the slacks: they are cheap enough.
     */
    uint32_t exactUpToPairs = 30000;
    double scoreResolution = 1e-6; //!< scores are rounded to multiples of this, (0, 1e-2]

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
 * \brief Solves the round as a min-cost max-flow: source -> client (capacity:
 * experts it can hold, within the deadline when enforced) -> expert (1 per
 * pair, cost -desirability) -> sink through one unit arc per trainer slot, the
 * j-th priced at DesirabilityModel::SlotPenalty(e, j) and slots beyond
 * minTrainersPerExpert carrying a surcharge that outweighs any score, up to
 * maxTrainersPerExpert slots.
 *
 * The optimum maximises, in this order, the pairs assigned, the per-expert
 * minimum trainers met and DesirabilityModel's value. Over the full graph
 * (small instances, or both slacks 0) it is the exact optimum, at least as good
 * (DesirabilityModel::Evaluate) as any other assignment under the same
 * constraints. Larger instances use a graph restricted around the
 * SequentialAligner solution (computed first, from the same engine state), for
 * speed. Either way the result is never worse than that sequential solution:
 * the one LoadBalancedPolicy (latencyWeight 0, deadline not enforced) or
 * ChannelAwarePolicy (same weights) gives for the same engine state. Expert
 * sets meet the deadline exactly when a client's experts cost it the same time
 * (the usual MoE case); otherwise a set over the deadline drops its least desirable
 * experts until it fits, and the sequential solution is returned if that made
 * the result worse than it. Among equal-cost optima the arc order decides; it is
 * drawn from the engine.
 */
class MinCostFlowPolicy : public AlignmentPolicy
{
  public:
    /**
     * \brief A policy.
     * \param parameters validated here
     */
    explicit MinCostFlowPolicy(const MinCostFlowParameters& parameters = {});

    /**
     * \brief The policy's name.
     * \return "min-cost-flow"
     */
    std::string Name() const override;

    /**
     * \brief Compute the assignment.
     * \param input the round
     * \param rng the engine (arc order, hence ties among optima)
     * \return the assignment
     */
    Assignment Assign(const AlignmentInput& input, std::mt19937_64& rng) const override;

    /**
     * \brief Replace the parameters.
     * \param parameters validated here
     */
    void SetParameters(const MinCostFlowParameters& parameters);

    /**
     * \brief The current parameters.
     * \return the parameters
     */
    const MinCostFlowParameters& GetParameters() const;

  private:
    MinCostFlowParameters m_parameters; //!< parameters
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_MIN_COST_FLOW_POLICY_H
