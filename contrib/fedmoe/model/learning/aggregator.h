// SPDX-License-Identifier: GPL-2.0-only
/*
 * Aggregator: merges several clients' versions of one parameter list (an
 * expert, the gate or a gate row): weighted FedAvg, coordinate median or
 * trimmed mean.
 */

#ifndef FEDMOE_LEARNING_AGGREGATOR_H
#define FEDMOE_LEARNING_AGGREGATOR_H

#include <torch/torch.h>

#include <string>
#include <vector>

namespace fedmoe
{
namespace learning
{
/** \addtogroup fedmoe-learning
 * @{
 */

/**
 * \brief How versions are merged.
 */
enum class MergeRule
{
    MEAN,        //!< weighted mean (FedAvg); equal weights when every weight is 0
    MEDIAN,      //!< coordinate-wise median (mean of the two middle values for an even count)
    TRIMMED_MEAN //!< coordinate-wise mean after cutting floor(n x trim) values at each end
};

/**
 * \brief Parse a rule name.
 * \param name "mean", "median" or "trimmed-mean"
 * \throws std::invalid_argument naming the allowed names
 */
MergeRule ParseMergeRule(const std::string& name);

/**
 * \brief Merges versions of the same parameter list.
 * \param versions one parameter list per client, all of the same shapes (non-empty)
 * \param weights one non-negative weight per version (used by MEAN only)
 * \param rule how to merge
 * \param trim share cut at each end by TRIMMED_MEAN, in [0, 0.5)
 * \return the merged list (new tensors)
 * \throws std::invalid_argument for mismatched sizes or bad weights
 */
std::vector<torch::Tensor> MergeParameters(const std::vector<std::vector<torch::Tensor>>& versions,
                                           const std::vector<double>& weights, MergeRule rule,
                                           double trim);

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_AGGREGATOR_H
