// SPDX-License-Identifier: GPL-2.0-only
/*
 * Personalised inference: best experts by fitness, accuracy on held-out splits.
 */

#include "fedmoe-personalisation.h"

#include <algorithm>
#include <limits>
#include <numeric>

namespace ns3
{

std::vector<uint32_t>
FedMoeBestExperts(const FedMoeClientScoreboard& board, uint32_t client, uint32_t count,
                  uint32_t experts)
{
    std::vector<uint32_t> order(experts);
    std::iota(order.begin(), order.end(), 0u);
    if (board.IsStarted() && client < board.NumClients())
    {
        const fedmoe::scheduling::FitnessTracker& fitness = board.GetFitness();
        std::stable_sort(order.begin(), order.end(),
                         [&](uint32_t a, uint32_t b)
                         {
                             const bool ta = fitness.TrainedRounds(client, a) > 0;
                             const bool tb = fitness.TrainedRounds(client, b) > 0;
                             if (ta != tb)
                             {
                                 return ta;
                             }
                             return fitness.Score(client, a) > fitness.Score(client, b);
                         });
    }
    order.resize(std::min(std::max<uint32_t>(count, 1), experts));
    return order;
}

double
FedMoePersonalAccuracy(const fedmoe::learning::FederatedMoe& model,
                       const FedMoeClientScoreboard& board,
                       const std::function<const std::vector<int64_t>&(uint32_t)>& holdouts,
                       uint32_t count)
{
    const uint32_t n = board.IsStarted()            ? board.NumClients()
                       : board.AnnouncedCount() > 0 ? board.MaxAnnouncedId() + 1
                                                    : 0;
    // All clients at once: those who keep the same experts share passes.
    std::vector<std::vector<int64_t>> indices;
    std::vector<std::vector<uint32_t>> experts;
    for (uint32_t client = 0; client < n; ++client)
    {
        const std::vector<int64_t>& heldOut = holdouts(client);
        if (heldOut.empty())
        {
            continue;
        }
        indices.push_back(heldOut);
        experts.push_back(FedMoeBestExperts(board, client, count, model.Experts()));
    }
    double sum = 0;
    for (double accuracy : model.AccuracyOn(indices, experts))
    {
        sum += accuracy;
    }
    return indices.empty() ? std::numeric_limits<double>::quiet_NaN() : sum / indices.size();
}

} // namespace ns3
