// SPDX-License-Identifier: GPL-2.0-only
/*
 * Evaluator: the global MoE on a test set: accuracy, loss, and where the
 * gate sends the test data (routing share per expert and its entropy).
 */

#ifndef FEDMOE_LEARNING_EVALUATOR_H
#define FEDMOE_LEARNING_EVALUATOR_H

#include "federated-moe.h"
#include "moe-network.h"

#include <torch/torch.h>

#include <vector>

namespace fedmoe
{
namespace learning
{
/** \addtogroup fedmoe-learning
 * @{
 */

/**
 * \brief Entropy of a distribution, in bits (zero entries contribute 0).
 * \param share non-negative values summing to 1
 */
double EntropyBits(const std::vector<double>& share);

/**
 * \brief Evaluates \p net (every expert allowed) on inputs/labels in batches.
 * \param net the network
 * \param inputs [N, ...] test inputs
 * \param labels [N] test labels
 * \param batch samples per forward pass
 * \return accuracy, mean cross-entropy, routing share (mean routing weight per
 *         expert, sums to 1) and its entropy
 */
Evaluation EvaluateNetwork(MoeNetwork& net, const torch::Tensor& inputs,
                           const torch::Tensor& labels, int64_t batch = 1000);

/**
 * \brief Evaluates \p net with routing restricted to \p allowed experts
 *        (top-k among them, as a client that holds only those would infer).
 * \param net the network
 * \param inputs [N, ...] inputs
 * \param labels [N] labels
 * \param allowed sorted expert ids (empty: all)
 * \param batch samples per forward pass
 * \param topK experts mixed per sample (0: the network's top-k)
 * \return as EvaluateNetwork
 */
Evaluation EvaluateRestricted(MoeNetwork& net, const torch::Tensor& inputs,
                              const torch::Tensor& labels, const std::vector<int64_t>& allowed,
                              int64_t batch = 1000, int64_t topK = 0);

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_EVALUATOR_H
