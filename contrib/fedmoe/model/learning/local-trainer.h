// SPDX-License-Identifier: GPL-2.0-only
/*
 * LocalTrainer: a client's local training of the gate and its assigned
 * experts on its shard, with the statistics the server's scheduler feeds on.
 */

#ifndef FEDMOE_LEARNING_LOCAL_TRAINER_H
#define FEDMOE_LEARNING_LOCAL_TRAINER_H

#include "federated-moe.h"
#include "moe-network.h"

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace fedmoe
{
namespace learning
{
/** \addtogroup fedmoe-learning
 * @{
 */

/**
 * \brief What one local training produced, besides the parameters.
 */
struct LocalTrainingStats
{
    int64_t samples = 0;              //!< samples processed (sum of batch sizes)
    int64_t steps = 0;                //!< optimisation steps
    double meanLoss = 0;              //!< mean cross-entropy over the steps
    std::vector<int64_t> routed;      //!< per expert (all E): samples whose top-k held it
    std::vector<double> routingShare; //!< per expert (all E): mean full-softmax gate share
    double flops = 0;                 //!< FLOPs done, from the layer shapes
};

/**
 * \brief Checks training options.
 * \throws std::invalid_argument naming the bad value and what is allowed
 */
void ValidateTrainOptions(const TrainOptions& options);

/**
 * \brief FLOPs of training one sample (forward + backward ~ 3 x forward) through the
 *        gate and \p assigned experts, all computed densely.
 */
double TrainFlopsPerSample(const MoeShape& shape, int64_t assigned);

/**
 * \brief Trains the gate and the allowed experts of a network in place.
 *
 * Batches are drawn from the shard in an order set by the seed alone (a
 * fresh permutation per pass), so the same network, shard, steps and seed
 * give the same result. Only the gate and the allowed experts change.
 */
class LocalTrainer
{
  public:
    /**
     * \brief A trainer with these options.
     * \throws std::invalid_argument for bad options
     */
    explicit LocalTrainer(const TrainOptions& options);

    /**
     * \brief Trains.
     * \param net the network (gate and allowed experts hold the starting values)
     * \param inputs training inputs [N, inputSize] (flattened)
     * \param labels training labels [N]
     * \param shard indices into inputs (non-empty)
     * \param allowed sorted, distinct expert ids the client trains (non-empty)
     * \param steps optimisation steps; 0 means one pass over the shard
     * \param seed batch order
     * \return the statistics
     * \throws std::invalid_argument for an empty shard, an index or expert id out of range
     */
    LocalTrainingStats Train(MoeNetwork& net, const torch::Tensor& inputs,
                             const torch::Tensor& labels, const std::vector<int64_t>& shard,
                             const std::vector<int64_t>& allowed, uint32_t steps,
                             uint64_t seed) const;

  private:
    TrainOptions m_options; //!< optimiser, step size, batch, loss weights
};

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_LOCAL_TRAINER_H
