// SPDX-License-Identifier: GPL-2.0-only
/*
 * SequentialAligner: client-by-client, capacity-constrained selection of the
 * top-ranked experts by composite desirability with projected usage; the engine
 * of the load-balanced and channel-aware policies.
 */

#ifndef FEDMOE_SCHEDULING_SEQUENTIAL_ALIGNER_H
#define FEDMOE_SCHEDULING_SEQUENTIAL_ALIGNER_H

#include "alignment-input.h"
#include "desirability-model.h"

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
 * \brief Visits participants in a random order (or fastest first); each takes
 * its top-ranked experts up to capacity, where an expert's rank counts the load
 * already given to it this round (projected usage).
 *
 * Experts below minTrainersPerExpert are forced onto a client only when the
 * capacity of the clients still to come could not cover them otherwise, so
 * every expert gets its trainer whenever total capacity allows, at the least
 * cost to the clients' own ranking. Experts at maxTrainersPerExpert are skipped.
 * With the deadline enforced, a client takes an expert only if its expected
 * round time stays within the deadline; a client that cannot meet it with any
 * expert gets none.
 */
class SequentialAligner
{
  public:
    /**
     * \brief An engine.
     * \param owner the policy's class name, for messages
     * \param weights desirability weights (validated here)
     * \param enforceDeadline whether the round deadline binds
     * \param fastestFirst visit clients by expected round time with one mean
     *        expert (ties in random order), so slow links get what fast ones leave
     */
    SequentialAligner(const std::string& owner, const DesirabilityWeights& weights,
                      bool enforceDeadline, bool fastestFirst);

    /**
     * \brief Compute the assignment.
     * \param input the round
     * \param rng the engine (client order and ties)
     * \return the assignment
     */
    Assignment Run(const AlignmentInput& input, std::mt19937_64& rng) const;

  private:
    /**
     * \brief The order clients choose in: random, or fastest first with random ties.
     * \param model the round's scores
     * \param numClients participants
     * \param rng the engine
     * \return participant indices
     */
    std::vector<std::size_t> VisitOrder(const DesirabilityModel& model, std::size_t numClients,
                                        std::mt19937_64& rng) const;

    std::string m_owner;           //!< for messages
    DesirabilityWeights m_weights; //!< weights
    bool m_enforceDeadline;        //!< deadline binds
    bool m_fastestFirst;           //!< client order by speed
};

/**
 * \brief Most experts each participant can take within the deadline (the
 * cheapest ones first), capped by its capacity.
 * \param input the round
 * \param model its scores (for expert times)
 * \param capacities per participant
 * \return per participant
 */
std::vector<uint32_t> DeadlineCapacities(const AlignmentInput& input,
                                         const DesirabilityModel& model,
                                         const std::vector<uint32_t>& capacities);

/**
 * \brief Time budget of a participant left for experts: deadline minus its fixed
 * time, less a relative margin so that summing in another order stays within
 * the deadline.
 * \param input the round
 * \param rates the participant's rates
 * \return seconds (negative when even no expert meets the deadline)
 */
double ExpertTimeBudget(const AlignmentInput& input, const ClientRates& rates);

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_SEQUENTIAL_ALIGNER_H
