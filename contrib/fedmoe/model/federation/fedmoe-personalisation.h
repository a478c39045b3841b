// SPDX-License-Identifier: GPL-2.0-only
/*
 * Personalised inference, as the source paper frames it: after federated
 * training each client keeps the experts that fit it best, and infers with
 * the gate restricted to them. Plain C++ over the scoreboard (fitness) and
 * the learning core; the round coordinator measures it each evaluated round.
 */

#ifndef FEDMOE_PERSONALISATION_H
#define FEDMOE_PERSONALISATION_H

#include "fedmoe-client-scoreboard.h"
#include "fedmoe/learning/federated-moe.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief The experts that fit a client best: those it trained before those it
 *        never did (an untrained pair's fitness is only the optimistic prior
 *        that makes the scheduler explore), then by fitness, ties by id.
 *        Before the scores exist (no first round yet): experts 0..count-1.
 * \param board the scoreboard (its fitness scores)
 * \param client the client
 * \param count how many, in [1, experts]
 * \param experts the model's number of experts
 * \return count expert ids, best first
 */
std::vector<uint32_t> FedMoeBestExperts(const FedMoeClientScoreboard& board, uint32_t client,
                                        uint32_t count, uint32_t experts);

/**
 * \ingroup fedmoe-federation
 * \brief The personalised accuracy: each client's held-out split through the
 *        global model, routing restricted to its FedMoeBestExperts, averaged
 *        over the clients with a non-empty split (the clients of the run once
 *        it started; before: the ids announced so far).
 * \param model the learning core (its global model)
 * \param board the scoreboard
 * \param holdouts client -> its held-out training-set indices
 * \param count experts each client keeps
 * \return the mean, or NaN when no client has a held-out split
 */
double FedMoePersonalAccuracy(const fedmoe::learning::FederatedMoe& model,
                              const FedMoeClientScoreboard& board,
                              const std::function<const std::vector<int64_t>&(uint32_t)>& holdouts,
                              uint32_t count);

} // namespace ns3

#endif // FEDMOE_PERSONALISATION_H
