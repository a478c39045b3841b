// SPDX-License-Identifier: GPL-2.0-only
/*
 * DesirabilityModel: the composite desirability of a (client, expert) pair
 * (+fitness, -usage, -link time) and the round objective it defines, shared by
 * the load-balanced, channel-aware and min-cost-flow policies so that they
 * optimise, and are compared on, the same thing.
 */

#ifndef FEDMOE_SCHEDULING_DESIRABILITY_MODEL_H
#define FEDMOE_SCHEDULING_DESIRABILITY_MODEL_H

#include "alignment-input.h"
#include "capacity-estimator.h"

#include <cstdint>
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
 * \brief Weights of the composite desirability.
 */
struct DesirabilityWeights
{
    double fitnessWeight = 1.0; //!< weight of fitness, >= 0
    double usageWeight = 0.5;   //!< weight of (normalised, projected) usage, >= 0
    /**
     * Share of the load already assigned this round that counts as usage, >= 0
     * (0 = only past usage; then clients may all pile onto the least-used expert).
     */
    double projectionWeight = 1.0;
    double latencyWeight = 0.0; //!< weight of the time an expert adds to the client's round, >= 0

    /**
     * \brief Throw std::invalid_argument naming the owner and the first bad field.
     * \param owner the policy, for messages
     */
    void Validate(const std::string& owner) const;
};

/**
 * \brief The objective of an assignment, compared lexicographically: more
 * pairs first (clients use their capacity), then more of the per-expert minimum
 * trainers met, then a higher value.
 */
struct ObjectiveValue
{
    std::size_t pairs = 0;         //!< (client, expert) pairs assigned
    std::size_t coveredDemand = 0; //!< sum over experts of min(trainers, minTrainersPerExpert)
    double value = 0.0;            //!< sum of pair scores minus slot usage penalties

    /**
     * \brief Lexicographic "at least as good", with a tolerance on value.
     * \param other the other objective
     * \param tolerance allowed shortfall of value
     * \return true if this is at least as good as other
     */
    bool AtLeast(const ObjectiveValue& other, double tolerance) const;
};

/**
 * \brief Scores for one round.
 *
 * desirability(i, e | load L_e) = wf f(i,e) - wl t(i,e)/T - wu (u_e + p L_e)/N,
 * with t(i,e) the time expert e adds to client i's round, T the deadline (or the
 * mean one-expert round time without one), N the mean projected usage per expert
 * at the end of the round. The objective prices the j-th trainer of an expert
 * (j = 0, 1, ...) at wu (u_e + p j Lbar)/N, Lbar the mean participant samples:
 * convex in the trainer count, which is what lets min-cost flow optimise it.
 */
class DesirabilityModel
{
  public:
    /**
     * \brief Scores for an input (already validated by AlignmentInput::Capacities);
     * the model keeps a reference to it, so the input must outlive the model.
     * \param input the round
     * \param capacities per participant
     * \param weights the weights (validated by the caller)
     */
    DesirabilityModel(const AlignmentInput& input, const std::vector<uint32_t>& capacities,
                      const DesirabilityWeights& weights);

    /**
     * \brief The load-independent part of a pair's desirability.
     * \param client participant index
     * \param expert expert id
     * \return wf f - wl t / T (the part that does not depend on the round's load)
     */
    double PairScore(std::size_t client, uint32_t expert) const;

    /**
     * \brief The usage term of an expert's desirability.
     * \param expert expert id
     * \param roundLoad load already assigned to it this round (samples)
     * \return wu (u_e + p roundLoad) / N
     */
    double UsagePenalty(uint32_t expert, double roundLoad) const;

    /**
     * \brief PairScore for every expert of one client at once (the hot loop of
     * the sequential policies).
     * \param client participant index
     * \param out NumExperts() scores
     * \param times the client's ExpertTimes if the caller has them (else computed)
     */
    void PairScores(std::size_t client, double* out, const double* times = nullptr) const;

    /**
     * \brief ExpertTime for every expert of one client at once.
     * \param client participant index
     * \param out NumExperts() times, s
     */
    void ExpertTimes(std::size_t client, double* out) const;

    /**
     * \brief Mean of ExpertTime over the experts (the time is linear in their
     * size and FLOPs, so this is the time of the mean expert).
     * \param client participant index
     * \return seconds
     */
    double MeanExpertTime(std::size_t client) const;

    /**
     * \brief Whether all experts cost the same (then a client's experts all cost
     * it the same time and the deadline becomes a count).
     * \return true when every expert has the same size and FLOPs
     */
    bool UniformExperts() const;

    /**
     * \brief The objective's price of an expert's next trainer.
     * \param expert expert id
     * \param slot trainers it already has (0 for the first)
     * \return the objective's price of one more trainer
     */
    double SlotPenalty(uint32_t expert, uint32_t slot) const;

    /**
     * \brief Seconds an expert adds to a client's round.
     * \param client participant index
     * \param expert expert id
     * \return seconds the expert adds to the client's round
     */
    double ExpertTime(std::size_t client, uint32_t expert) const;

    /**
     * \brief A participant's round-time model.
     * \param client participant index
     * \return the client's round-time model
     */
    const ClientRates& Rates(std::size_t client) const;

    /**
     * \brief Evaluate an assignment of this round.
     * \param assignment an assignment in input order
     * \return its objective
     */
    ObjectiveValue Evaluate(const Assignment& assignment) const;

  private:
    const AlignmentInput& m_input;       //!< the round
    DesirabilityWeights m_weights;       //!< weights
    std::vector<ClientRates> m_rates;    //!< per participant
    double m_referenceTime = 1.0;        //!< T
    double m_usageNorm = 1.0;            //!< N
    double m_meanLoad = 0.0;             //!< Lbar
    std::vector<double> m_bytes;         //!< parameter bytes per expert
    std::vector<double> m_flops;         //!< training FLOPs per sample per expert
    double m_meanBytes = 0.0;            //!< mean of m_bytes
    double m_meanFlops = 0.0;            //!< mean of m_flops
    mutable std::vector<double> m_times; //!< scratch for PairScores
    bool m_uniformExperts = false;       //!< all experts cost the same
};

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_DESIRABILITY_MODEL_H
